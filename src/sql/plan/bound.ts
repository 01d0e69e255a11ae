// Bound expressions: the binder's output. Every name is resolved to a
// position in the row the expression runs over, every operator and function
// to its implementation, every implicit cast made explicit, and every node
// carries its SQL type, so nothing is looked up or type-checked while rows
// flow. The executor compiles each tree once into closures (exec/compile-expr.ts).

import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { BinaryFn, UnaryFn } from '../types/operators.ts';
import type { ScalarFn } from '../functions/function-def.ts';
import type { Plan } from './plan.ts';

export type BoundExpr =
  | ConstExpr
  | ParamExpr
  | ColumnExpr
  | OuterColumnExpr
  | BinaryExpr
  | UnaryExpr
  | CallExpr
  | CastExpr
  | BoolExpr
  | NotExpr
  | IsNullExpr
  | IsBoolExpr
  | DistinctFromExpr
  | CaseExpr
  | CoalesceExpr
  | NullIfExpr
  | GreatestExpr
  | InListExpr
  | SubqueryExpr
  | LikeExpr;

export interface ConstExpr {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: RuntimeValue;
}

/** $n: the value is bound per execution; its type is inferred from context or declared. */
export interface ParamExpr {
  readonly kind: 'param';
  readonly type: SqlType;
  /** 0-based. */
  readonly index: number;
}

/** A column of the row the expression runs over. */
export interface ColumnExpr {
  readonly kind: 'column';
  readonly type: SqlType;
  readonly index: number;
  /** For EXPLAIN and messages. */
  readonly name: string;
}

/** A column of an enclosing query's row (a correlated subquery); depth 1 is the nearest. */
export interface OuterColumnExpr {
  readonly kind: 'outerColumn';
  readonly type: SqlType;
  readonly depth: number;
  readonly index: number;
  readonly name: string;
}

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly type: SqlType;
  readonly op: string;
  readonly fn: BinaryFn;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly type: SqlType;
  readonly op: string;
  readonly fn: UnaryFn;
  readonly arg: BoundExpr;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly type: SqlType;
  readonly name: string;
  readonly fn: ScalarFn;
  readonly args: readonly BoundExpr[];
  /** NULL in, NULL out. */
  readonly strict: boolean;
  readonly volatile: boolean;
}

export interface CastExpr {
  readonly kind: 'cast';
  readonly type: SqlType;
  readonly from: SqlType;
  readonly arg: BoundExpr;
  readonly explicit: boolean;
}

export interface BoolExpr {
  readonly kind: 'and' | 'or';
  readonly type: SqlType;
  readonly args: readonly BoundExpr[];
}

export interface NotExpr {
  readonly kind: 'not';
  readonly type: SqlType;
  readonly arg: BoundExpr;
}

export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly type: SqlType;
  readonly arg: BoundExpr;
  readonly not: boolean;
}

export interface IsBoolExpr {
  readonly kind: 'isBool';
  readonly type: SqlType;
  readonly arg: BoundExpr;
  /** null tests IS UNKNOWN. */
  readonly value: boolean | null;
  readonly not: boolean;
}

export interface DistinctFromExpr {
  readonly kind: 'distinctFrom';
  readonly type: SqlType;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  /** The = operator of the common type. */
  readonly eq: BinaryFn;
  readonly not: boolean;
}

export interface CaseExpr {
  readonly kind: 'case';
  readonly type: SqlType;
  readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
  readonly else: BoundExpr;
}

export interface CoalesceExpr {
  readonly kind: 'coalesce';
  readonly type: SqlType;
  readonly args: readonly BoundExpr[];
}

export interface NullIfExpr {
  readonly kind: 'nullif';
  readonly type: SqlType;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly eq: BinaryFn;
}

export interface GreatestExpr {
  readonly kind: 'greatest' | 'least';
  readonly type: SqlType;
  readonly args: readonly BoundExpr[];
  readonly compare: (a: RuntimeValue, b: RuntimeValue) => number;
}

/** x [NOT] IN (a, b, ...): SQL's three-valued semantics (NULL if no match and any NULL). */
export interface InListExpr {
  readonly kind: 'inList';
  readonly type: SqlType;
  readonly arg: BoundExpr;
  readonly list: readonly BoundExpr[];
  readonly eq: BinaryFn;
  readonly not: boolean;
}

/**
 * A subquery in an expression. `scalar`: its one column of its at most one
 * row; `exists`; `any`/`all`: `left op ANY|ALL (subquery)` (IN is `= ANY`).
 * `correlated` subqueries run again for each outer row; others run once
 * per statement and are cached.
 */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly type: SqlType;
  /** `array`: ARRAY(subquery), its one column's values in order. */
  readonly mode: 'scalar' | 'exists' | 'any' | 'all' | 'array';
  readonly plan: Plan;
  readonly correlated: boolean;
  readonly left: BoundExpr | null;
  readonly cmp: BinaryFn | null;
  readonly not: boolean;
}

export interface LikeExpr {
  readonly kind: 'like';
  readonly type: SqlType;
  readonly arg: BoundExpr;
  readonly pattern: BoundExpr;
  readonly escape: BoundExpr | null;
  readonly caseInsensitive: boolean;
  readonly not: boolean;
}

/** The direct sub-expressions of an expression (not the plans of subqueries). */
export function childrenOf(expr: BoundExpr): readonly BoundExpr[] {
  switch (expr.kind) {
    case 'const':
    case 'param':
    case 'column':
    case 'outerColumn':
      return [];
    case 'binary':
    case 'distinctFrom':
    case 'nullif':
      return [expr.left, expr.right];
    case 'unary':
    case 'cast':
    case 'not':
    case 'isNull':
    case 'isBool':
      return [expr.arg];
    case 'call':
      return expr.args;
    case 'and':
    case 'or':
    case 'coalesce':
    case 'greatest':
    case 'least':
      return expr.args;
    case 'case':
      return [...expr.whens.flatMap((w) => [w.when, w.then]), expr.else];
    case 'inList':
      return [expr.arg, ...expr.list];
    case 'subquery':
      return expr.left === null ? [] : [expr.left];
    case 'like':
      return expr.escape === null ? [expr.arg, expr.pattern] : [expr.arg, expr.pattern, expr.escape];
  }
}
