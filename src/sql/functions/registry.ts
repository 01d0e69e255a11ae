// The builtin scalar function registry and its overload resolution.
//
// lookupFunction(name, argTypes) returns what the binder needs to compile a
// call: the type to cast each argument to, the result type, the
// implementation, strictness and volatility. Resolution follows PostgreSQL
// (overload.ts), so length('abc') picks length(text), round(2.5) picks
// round(numeric) and ln(10) picks ln(double precision), as in PostgreSQL.
// GREATEST and LEAST are resolved here too: like PostgreSQL they take the
// common type of their arguments (UNION rules) and ignore NULLs.

import { FlintError, SqlState } from '../../errors.ts';
import type { SqlType, TypeId } from '../types/sql-type.ts';
import { T, typeName, type RuntimeValue } from '../types/type-info.ts';
import { isPhantom, selectCandidate, type ParamType } from '../types/overload.ts';
import { resolveCommonType } from '../types/cast.ts';
import { comparatorFor } from '../types/compare.ts';
import type { FunctionDef, ScalarFn, Volatility } from './function-def.ts';
import { STRING_FUNCTIONS } from './string-functions.ts';
import { MATH_FUNCTIONS } from './math-functions.ts';
import { DATETIME_FUNCTIONS } from './datetime-functions.ts';
import { JSON_FUNCTIONS } from './json-functions.ts';
import { MISC_FUNCTIONS } from './misc-functions.ts';
import { SEQUENCE_FUNCTIONS } from './sequence-functions.ts';
import { CATALOG_FUNCTIONS } from './catalog-functions.ts';
import { fn } from './function-def.ts';

// Functions PostgreSQL also defines on types Flint lacks, listed so that an
// untyped literal is ambiguous where it is in PostgreSQL (age('...') could be
// age(xid)); resolving to one of them counts as not found.
const PHANTOMS: FunctionDef[] = [
  fn('age', ['xid'], 'int4', () => null),
  fn('trunc', ['macaddr'], 'text', () => null),
];

export interface ResolvedFunction {
  readonly name: string;
  /** Cast argument i to argTypes[i] before the call. */
  readonly argTypes: readonly SqlType[];
  readonly returnType: SqlType;
  /** fn(ctx, ...args): see function-def.ts for the calling convention. */
  readonly fn: ScalarFn;
  /** NULL in, NULL out: the executor skips the call when any argument is NULL. */
  readonly strict: boolean;
  /** True when the result may change between calls with the same arguments (random()). */
  readonly volatile: boolean;
  readonly volatility: Volatility;
}

const ALL: readonly FunctionDef[] = [
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...JSON_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...SEQUENCE_FUNCTIONS,
  ...CATALOG_FUNCTIONS,
  ...PHANTOMS,
];

const byName = new Map<string, FunctionDef[]>();
for (const def of ALL) {
  const list = byName.get(def.name);
  if (list === undefined) byName.set(def.name, [def]);
  else list.push(def);
}

/** A definition expanded to one candidate signature for a given argument count. */
interface Candidate {
  readonly args: readonly ParamType[];
  readonly def: FunctionDef;
}

function candidatesFor(defs: readonly FunctionDef[], nargs: number): Candidate[] {
  const out: Candidate[] = [];
  for (const def of defs) {
    if (def.variadic === undefined) {
      if (def.args.length === nargs) out.push({ args: def.args, def });
    } else if (nargs > def.args.length) {
      out.push({ args: [...def.args, ...Array<ParamType>(nargs - def.args.length).fill(def.variadic)], def });
    }
  }
  return out;
}

function argType(p: ParamType, input: TypeId): SqlType {
  if (p === 'any' || p === 'anynonarray') return input === 'unknown' || input === 'null' ? T.text : T[input];
  if (p === 'text[]' || isPhantom(p)) return T.text;
  return T[p];
}

// Keyed by name and argument types, which come from SQL text: bounded.
const CACHE_MAX = 10_000;
const cache = new Map<string, ResolvedFunction | null>();

function resolve(name: string, inputs: readonly TypeId[]): ResolvedFunction | null {
  const defs = byName.get(name);
  if (defs === undefined) return null;
  const r = selectCandidate(candidatesFor(defs, inputs.length), inputs);
  if (r.kind !== 'found' || r.candidate.args.some(isPhantom)) return null;
  const { def, args } = r.candidate;
  // A polymorphic parameter needs at least one typed argument to take its type from.
  const polymorphic = args.map((p, i) => (p === 'anynonarray' ? inputs[i]! : undefined)).filter((t) => t !== undefined);
  // An array parameter is PostgreSQL's anyarray: an untyped literal cannot say which array type it is.
  const untypedArray = args.some((p, i) => p === 'array' && (inputs[i] === 'unknown' || inputs[i] === 'null'));
  if (untypedArray || (polymorphic.length > 0 && polymorphic.every((t) => t === 'unknown' || t === 'null'))) {
    throw new FlintError(SqlState.datatypeMismatch, 'could not determine polymorphic type because input has type unknown');
  }
  const argTypes = args.map((p, i) => argType(p, inputs[i]!));
  const returnType = typeof def.result === 'function' ? def.result(argTypes) : T[def.result];
  const impl = def.bindsTypes === true ? (def.impl as (types: readonly SqlType[]) => ScalarFn)(argTypes) : (def.impl as ScalarFn);
  const volatility = def.volatility ?? 'immutable';
  return { name, argTypes, returnType, fn: impl, strict: def.strict ?? true, volatile: volatility === 'volatile', volatility };
}

/** GREATEST / LEAST: common type of the arguments, NULLs ignored, NULL only if all are NULL. */
function greatestLeast(name: 'greatest' | 'least', inputs: readonly SqlType[]): ResolvedFunction {
  const common = resolveCommonType(inputs, name.toUpperCase());
  const cmp = comparatorFor(common.id);
  const sign = name === 'greatest' ? 1 : -1;
  const fn: ScalarFn = (_ctx, ...args) => {
    let best: RuntimeValue = null;
    for (const a of args) {
      if (a === null) continue;
      if (best === null || sign * cmp(a, best) > 0) best = a;
    }
    return best;
  };
  return { name, argTypes: inputs.map(() => common), returnType: common, fn, strict: false, volatile: false, volatility: 'immutable' };
}

/**
 * The builtin function PostgreSQL would call for name(argTypes), or null
 * when there is none or no unique one (requireFunction raises the error).
 * Names are case-insensitive, as unquoted SQL identifiers are.
 */
export function lookupFunction(name: string, argTypes: readonly SqlType[]): ResolvedFunction | null {
  const lower = name.toLowerCase();
  if ((lower === 'greatest' || lower === 'least') && argTypes.length > 0) return greatestLeast(lower, argTypes);
  const inputs = argTypes.map((t) => t.id);
  const key = `${lower}(${inputs.join(',')})`;
  let resolved = cache.get(key);
  if (resolved === undefined) {
    resolved = resolve(lower, inputs);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, resolved);
  }
  return resolved;
}

/** lookupFunction, raising 42883 "function f(integer) does not exist" or 42725 when ambiguous. */
export function requireFunction(name: string, argTypes: readonly SqlType[]): ResolvedFunction {
  const resolved = lookupFunction(name, argTypes);
  if (resolved !== null) return resolved;
  const lower = name.toLowerCase();
  const signature = `${lower}(${argTypes.map(typeName).join(', ')})`;
  const defs = byName.get(lower) ?? [];
  const r = selectCandidate(candidatesFor(defs, argTypes.length), argTypes.map((t) => t.id));
  if (r.kind === 'ambiguous') throw new FlintError(SqlState.ambiguousFunction, `function ${signature} is not unique`);
  throw new FlintError(SqlState.undefinedFunction, `function ${signature} does not exist`);
}

/** Every builtin function name, for completion and tests. */
export function functionNames(): string[] {
  return [...byName.keys(), 'greatest', 'least']
    .filter((n) => (byName.get(n)?.some((d) => !d.args.some(isPhantom)) ?? true) && !SEQUENCE_NAMES.has(n))
    .sort();
}

// PostgreSQL's sequence functions take a regclass, a type Flint lacks (text
// stands in for it), so their signatures are not PostgreSQL's: they are
// left out of the names whose resolution is compared with PostgreSQL's.
const SEQUENCE_NAMES = new Set(SEQUENCE_FUNCTIONS.map((f) => f.name));

/** A builtin's declared signature, as pg_proc lists it. */
export interface FunctionSignature {
  readonly name: string;
  readonly args: readonly ParamType[];
  readonly variadic: ParamType | null;
  /** The result type; null when it depends on the arguments' types (polymorphic). */
  readonly result: SqlType | null;
  readonly strict: boolean;
  readonly volatility: Volatility;
}

/** Every builtin scalar function's signature (PostgreSQL's syntax-only forms and types Flint lacks left out). */
export function functionSignatures(): FunctionSignature[] {
  return ALL.filter((d) => !d.args.some(isPhantom) && !PHANTOMS.includes(d)).map((d) => ({
    name: d.name,
    args: d.args,
    variadic: d.variadic ?? null,
    result: typeof d.result === 'function' ? null : T[d.result],
    strict: d.strict ?? true,
    volatility: d.volatility ?? 'immutable',
  }));
}
