// How a builtin scalar function is declared: its PostgreSQL signature,
// result type, volatility and implementation.
//
// Calling convention: fn(ctx, ...args). The EvalContext comes first so that
// the clock (now()), randomness (random(), gen_random_uuid()) and the session
// time zone are injected at call time and a statement replays exactly under
// test. Arguments arrive already cast to the declared parameter types. A
// strict function is never called with a NULL argument: the executor returns
// NULL for it without calling fn (PostgreSQL's STRICT).

import type { SqlType, TypeId } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { EvalContext } from '../types/eval-context.ts';
import type { ParamType } from '../types/overload.ts';

export type FunctionContext = EvalContext;

export type ScalarFn = (ctx: EvalContext, ...args: RuntimeValue[]) => RuntimeValue;

/**
 * PostgreSQL's provolatile: immutable results depend only on the arguments
 * (constant-foldable), stable ones are fixed within a statement (now()),
 * volatile ones can change per call (random()).
 */
export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface FunctionDef {
  readonly name: string;
  readonly args: readonly ParamType[];
  /** Element type of a trailing VARIADIC parameter, repeated for the remaining arguments (at least one). */
  readonly variadic?: ParamType;
  /** The result type, or a rule computing it from the resolved argument types. */
  readonly result: TypeId | ((argTypes: readonly SqlType[]) => SqlType);
  /** Builds the implementation for the resolved argument types (most ignore them). */
  readonly impl: ScalarFn | ((argTypes: readonly SqlType[]) => ScalarFn);
  /** True when impl takes the argument types and returns the function. */
  readonly bindsTypes?: boolean;
  readonly strict?: boolean;
  readonly volatility?: Volatility;
}

/** A shorthand for the common case: fixed argument types, strict, immutable. */
export function fn(name: string, args: readonly ParamType[], result: TypeId, impl: ScalarFn, options: Partial<FunctionDef> = {}): FunctionDef {
  return { name, args, result, impl, ...options };
}
