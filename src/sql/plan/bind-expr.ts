// Binding expressions: from the syntax tree to typed, resolved BoundExprs.
//
// PostgreSQL's rules: an untyped string literal ('abc') takes the type its
// context wants; operators and functions resolve among overloads with
// implicit casts (types/operators.ts, functions/registry.ts); CASE, COALESCE
// and IN lists resolve a common type. Type errors are raised here, at
// prepare time, with the position of the offending token.
//
// Aggregation: inside a grouped query, expressions are bound "over the
// groups": an aggregate call becomes a reference to its result column, an
// expression equal to a GROUP BY expression becomes a reference to that key,
// and any other column reference is an error (42803).

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import { isAggregateName, requireAggregate } from '../functions/aggregates.ts';
import { lookupFunction, requireFunction } from '../functions/registry.ts';
import { castValue, canCast, resolveCommonType, type CastContext } from '../types/cast.ts';
import { compareValues } from '../types/compare.ts';
import { Decimal } from '../types/decimal.ts';
import type { EvalContext } from '../types/eval-context.ts';
import { requireBinaryOperator, requireUnaryOperator } from '../types/operators.ts';
import type { SqlType } from '../types/sql-type.ts';
import { arrayType, baseType, sameType, T, typeName, type RuntimeValue, type Value } from '../types/type-info.ts';
import type { BoundExpr } from './bound.ts';
import type { AggregateCall, Plan, SortKey } from './plan.ts';
import type { Scope } from './scope.ts';
import { sqlTypeOf } from './type-names.ts';

/** What binding a grouped query's expressions needs: the keys and the aggregates found so far. */
export interface GroupContext {
  readonly keys: readonly BoundExpr[];
  readonly keyIds: readonly string[];
  readonly aggregates: AggregateCall[];
  /** The scope of the rows going into the aggregation. */
  readonly input: Scope;
  /**
   * The row a grouped query's select list, HAVING and ORDER BY run over: the
   * group keys (named when a key is a plain column), then the aggregates.
   * A subquery there reads the outer row through it, so an outer reference
   * to a grouped column reads the key (binding it over `input` read a row
   * that is not there after grouping: NULL).
   */
  readonly output?: Scope;
}

/** Services the expression binder needs from the query binder (subqueries). */
export interface QueryBinding {
  bindSubquery(query: ast.Query, outer: Scope): { plan: Plan; correlated: boolean };
}

export class ExprBinder {
  /** Parameter types: given by the caller or inferred from context on first use. */
  readonly paramTypes: (SqlType | undefined)[];
  readonly #eval: EvalContext;
  readonly #queries: QueryBinding;
  readonly #onParamCast: ((index: number) => void) | undefined;

  constructor(paramTypes: (SqlType | undefined)[], evalContext: EvalContext, queries: QueryBinding, onParamCast?: (index: number) => void) {
    this.paramTypes = paramTypes;
    this.#eval = evalContext;
    this.#queries = queries;
    this.#onParamCast = onParamCast;
  }

  /** Bind `e` over `scope`; with `group`, over the groups of a grouped query. */
  bind(e: ast.Expr, scope: Scope, group: GroupContext | null = null, want: SqlType | null = null): BoundExpr {
    if (group !== null) {
      const grouped = this.#bindGrouped(e, scope, group);
      if (grouped !== null) return grouped;
    }
    return this.#bindNode(e, scope, group, want);
  }

  /** Bind and coerce to boolean (WHERE, HAVING, ON, CASE WHEN). */
  bindCondition(e: ast.Expr, scope: Scope, clause: string, group: GroupContext | null = null): BoundExpr {
    const b = this.bind(e, scope, group, T.bool);
    if (b.type.id === 'bool') return b;
    if (b.type.id === 'unknown' || b.type.id === 'null') return this.coerce(b, T.bool, 'implicit', e.pos);
    throw new FlintError('42804', `argument of ${clause} must be type boolean, not type ${typeName(b.type)}`, { position: e.pos + 1 });
  }

  // ---- grouping ---------------------------------------------------------------

  #bindGrouped(e: ast.Expr, scope: Scope, group: GroupContext): BoundExpr | null {
    if (e.kind === 'funcCall' && e.over === null && (e.schema === null || e.schema === 'pg_catalog') && isAggregateName(e.name)) {
      return this.#bindAggregate(e, group);
    }
    if (e.kind === 'subquery' || e.kind === 'exists' || e.kind === 'inSubquery') return null;
    if (!containsAggregate(e)) {
      let bound: BoundExpr;
      try {
        bound = this.#bindNode(e, group.input, null, null);
      } catch (error) {
        if (e.kind === 'columnRef') throw error;
        return null;
      }
      const id = exprId(bound);
      const index = group.keyIds.indexOf(id);
      if (index >= 0) return { kind: 'column', type: bound.type, index, name: `key${index}` };
      if (!readsInputColumns(bound)) return bound;
      if (e.kind === 'columnRef') {
        // PostgreSQL names the column with its table (or alias).
        const table = bound.kind === 'column' ? group.input.columns[bound.index]?.table ?? '' : '';
        const name = e.table !== null ? `${e.table}.${e.column}` : table !== '' ? `${table}.${e.column}` : e.column;
        throw new FlintError(SqlState.groupingError, `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`, { position: e.pos + 1 });
      }
    }
    return null;
  }

  #bindAggregate(e: ast.FuncCall, group: GroupContext): BoundExpr {
    for (const arg of e.args) {
      if (containsAggregate(arg)) throw new FlintError(SqlState.groupingError, 'aggregate function calls cannot be nested', { position: arg.pos + 1 });
    }
    const args = e.star ? [] : e.args.map((a) => this.bind(a, group.input));
    const def = requireAggregate(e.name, args.map((a) => a.type), this.#eval);
    const castArgs = args.map((a, i) => this.coerce(a, def.argTypes[i] ?? a.type, 'implicit', e.args[i]?.pos ?? e.pos));
    if (e.filter !== null && containsAggregate(e.filter)) {
      throw new FlintError(SqlState.groupingError, 'aggregate functions are not allowed in FILTER', { position: e.filter.pos + 1 });
    }
    const filter = e.filter === null ? null : this.bindCondition(e.filter, group.input, 'FILTER');
    const orderBy: SortKey[] = e.orderBy.map((s) => {
      const expr = this.bind(s.expr, group.input);
      return { expr, desc: s.desc, nullsFirst: s.nulls === null ? s.desc : s.nulls === 'first' };
    });
    const call: AggregateCall = { def, args: castArgs, distinct: e.distinct, filter, type: def.resultType, orderBy, name: e.name };
    const id = `${e.name}|${e.distinct}|${castArgs.map(exprId).join(',')}|${filter === null ? '' : exprId(filter)}|${orderBy.map((o) => exprId(o.expr) + o.desc).join(',')}`;
    let index = group.aggregates.findIndex((a) => aggregateId(a) === id);
    if (index < 0) {
      group.aggregates.push(call);
      aggregateIds.set(call, id);
      index = group.aggregates.length - 1;
    }
    return { kind: 'column', type: def.resultType, index: group.keys.length + index, name: e.name };
  }

  // ---- nodes ------------------------------------------------------------------------

  #bindNode(e: ast.Expr, scope: Scope, group: GroupContext | null, want: SqlType | null): BoundExpr {
    const bind = (x: ast.Expr, w: SqlType | null = null) => this.bind(x, scope, group, w);
    switch (e.kind) {
      case 'number':
        return numberConst(e);
      case 'string':
        return { kind: 'const', type: T.unknown, value: e.value };
      case 'boolean':
        return { kind: 'const', type: T.bool, value: e.value };
      case 'null':
        return { kind: 'const', type: T.null, value: null };
      case 'param': {
        const index = e.index - 1;
        const type = this.paramTypes[index] ?? want ?? T.unknown;
        if (this.paramTypes[index] === undefined && want !== null) this.paramTypes[index] = want;
        return { kind: 'param', type, index };
      }
      case 'columnRef': {
        if (e.schema !== null && e.schema !== 'public') throw new FlintError('3F000', `schema "${e.schema}" does not exist`, { position: e.pos + 1 });
        const r = scope.resolve(e.table, e.column, e.pos);
        if (r.depth === 0) return { kind: 'column', type: r.column.type, index: r.index, name: e.column };
        return { kind: 'outerColumn', type: r.column.type, depth: r.depth, index: r.index, name: e.column };
      }
      case 'unaryOp': {
        const arg = bind(e.operand);
        // Prefix + on a non-numeric value is the identity here (SQLite's
        // reading; PostgreSQL has no such operator and raises 42883).
        // Accepting it changes no query that PostgreSQL accepts.
        if (e.op === '+' && !isNumericType(arg.type)) return arg;
        const op = requireUnaryOperator(e.op, arg.type);
        return { kind: 'unary', type: op.result, op: e.op, fn: op.fn, arg: this.coerce(arg, op.operand, 'implicit', e.pos) };
      }
      case 'binaryOp':
        return this.#binary(e.op, bind(e.left), bind(e.right), e.pos);
      case 'and':
      case 'or':
        return { kind: e.kind, type: T.bool, args: e.args.map((a) => this.bindCondition(a, scope, e.kind.toUpperCase(), group)) };
      case 'not':
        return { kind: 'not', type: T.bool, arg: this.bindCondition(e.arg, scope, 'NOT', group) };
      case 'isNull':
        return { kind: 'isNull', type: T.bool, arg: bind(e.arg), not: e.not };
      case 'isBool':
        return { kind: 'isBool', type: T.bool, arg: this.bindCondition(e.arg, scope, 'IS', group), value: e.value, not: e.not };
      case 'isDistinctFrom': {
        // Not #binary: NULL operands are the point here, never folded away.
        let left = bind(e.left);
        let right = bind(e.right);
        if (left.type.id === 'null' && right.type.id === 'null') return { kind: 'const', type: T.bool, value: e.not };
        if (left.type.id === 'null') left = { kind: 'const', type: right.type.id === 'unknown' ? T.text : right.type, value: null };
        if (right.type.id === 'null') right = { kind: 'const', type: left.type.id === 'unknown' ? T.text : left.type, value: null };
        const eq = requireBinaryOperator('=', left.type, right.type);
        return {
          kind: 'distinctFrom', type: T.bool, left: this.coerce(left, eq.left, 'implicit', e.pos),
          right: this.coerce(right, eq.right, 'implicit', e.pos), eq: eq.fn, not: e.not,
        };
      }
      case 'between': {
        const arg = bind(e.arg);
        const low = bind(e.low);
        const high = bind(e.high);
        const inRange = (lo: BoundExpr, hi: BoundExpr): BoundExpr => ({
          kind: 'and', type: T.bool, args: [this.#binary('>=', arg, lo, e.pos), this.#binary('<=', arg, hi, e.pos)],
        });
        let result: BoundExpr = inRange(low, high);
        if (e.symmetric) result = { kind: 'or', type: T.bool, args: [result, inRange(high, low)] };
        return e.not ? { kind: 'not', type: T.bool, arg: result } : result;
      }
      case 'like': {
        if (e.op === 'similar') throw new FlintError('0A000', 'SIMILAR TO is not supported yet', { position: e.pos + 1 });
        const arg = this.coerce(bind(e.arg), T.text, 'implicit', e.arg.pos);
        const pattern = this.coerce(bind(e.pattern), T.text, 'implicit', e.pattern.pos);
        const escape = e.escape === null ? null : this.coerce(bind(e.escape), T.text, 'implicit', e.escape.pos);
        return { kind: 'like', type: T.bool, arg, pattern, escape, caseInsensitive: e.op === 'ilike', not: e.not };
      }
      case 'inList': {
        const arg = bind(e.arg);
        const list = e.list.map((x) => bind(x));
        const common = resolveCommonType([arg.type, ...list.map((l) => l.type)], 'IN');
        const target = common.id === 'unknown' || common.id === 'null' ? T.text : common;
        const eq = requireBinaryOperator('=', target, target);
        return {
          kind: 'inList', type: T.bool, arg: this.coerce(arg, target, 'implicit', e.arg.pos),
          list: list.map((l, i) => this.coerce(l, target, 'implicit', e.list[i]!.pos)), eq: eq.fn, not: e.not,
        };
      }
      case 'inSubquery':
        return this.#quantified('=', 'any', bind(e.arg), e.query, group?.output ?? scope, e.not, e.pos);
      case 'quantified':
        if (e.subquery === null) return this.#quantifiedArray(e.op, e.quantifier, bind(e.left), bind(e.array!), e.pos);
        return this.#quantified(e.op, e.quantifier, bind(e.left), e.subquery, group?.output ?? scope, false, e.pos);
      case 'exists': {
        const sub = this.#queries.bindSubquery(e.query, group?.output ?? scope);
        return { kind: 'subquery', type: T.bool, mode: 'exists', plan: sub.plan, correlated: sub.correlated, left: null, cmp: null, not: false };
      }
      case 'subquery': {
        const sub = this.#queries.bindSubquery(e.query, group?.output ?? scope);
        if (sub.plan.columns.length !== 1) throw new FlintError('42601', 'subquery must return only one column', { position: e.pos + 1 });
        return { kind: 'subquery', type: sub.plan.columns[0]!.type, mode: 'scalar', plan: sub.plan, correlated: sub.correlated, left: null, cmp: null, not: false };
      }
      case 'arraySubquery': {
        const sub = this.#queries.bindSubquery(e.query, group?.output ?? scope);
        if (sub.plan.columns.length !== 1) throw new FlintError('42601', 'subquery must return only one column', { position: e.pos + 1 });
        const element = sub.plan.columns[0]!.type;
        if (element.id === 'array') throw new FlintError('0A000', 'multidimensional arrays are not supported yet', { position: e.pos + 1 });
        return { kind: 'subquery', type: arrayType(element.id === 'unknown' || element.id === 'null' ? T.text : element), mode: 'array', plan: sub.plan, correlated: sub.correlated, left: null, cmp: null, not: false };
      }
      case 'array':
        return this.#arrayConstructor(e, e.elements.map((x) => bind(x)));
      case 'subscript': {
        const arg = bind(e.arg);
        if (arg.type.id !== 'array') throw new FlintError(SqlState.datatypeMismatch, `cannot subscript type ${typeName(arg.type)} because it does not support subscripting`, { position: e.pos + 1 });
        if (e.slice || e.lower === null) throw new FlintError('0A000', 'array slices are not supported yet', { position: e.pos + 1 });
        const index = this.coerce(bind(e.lower), T.int4, 'implicit', e.lower.pos);
        const fn = (_ctx: EvalContext, a: RuntimeValue, i: RuntimeValue): RuntimeValue => (a as readonly RuntimeValue[])[(i as number) - 1] ?? null;
        return { kind: 'call', type: arg.type.element ?? T.text, name: 'subscript', fn: fn as never, args: [arg, index], strict: true, volatile: false };
      }
      case 'collate': {
        // Flint compares text in one collation, PostgreSQL's "C"; naming it (or the default) is allowed.
        const arg = bind(e.arg);
        const name = e.collation.name;
        if (!['default', 'C', 'POSIX', 'ucs_basic'].includes(name) || (e.collation.schema !== null && e.collation.schema !== 'pg_catalog')) {
          throw new FlintError('42704', `collation "${name}" for encoding "UTF8" does not exist`, { position: e.pos + 1 });
        }
        if (!['text', 'varchar', 'bpchar', 'unknown'].includes(arg.type.id)) {
          throw new FlintError(SqlState.datatypeMismatch, `collations are not supported by type ${typeName(arg.type)}`, { position: e.pos + 1 });
        }
        return arg.type.id === 'unknown' ? this.coerce(arg, T.text, 'implicit', e.pos) : arg;
      }
      case 'case':
        return this.#case(e, scope, group);
      case 'cast': {
        const arg = bind(e.arg);
        return this.coerce(arg, sqlTypeOf(e.type), 'explicit', e.pos);
      }
      case 'funcCall':
        return this.#call(e, scope, group);
      case 'sqlValueFunction': {
        const name = e.name === 'current_timestamp' ? 'now' : e.name;
        const fn = lookupFunction(name, []);
        if (fn === null) throw new FlintError('0A000', `${e.name.toUpperCase()} is not supported yet`, { position: e.pos + 1 });
        return { kind: 'call', type: fn.returnType, name, fn: fn.fn, args: [], strict: false, volatile: fn.volatile };
      }
      case 'atTimeZone': {
        // x AT TIME ZONE z is timezone(z, x); AT LOCAL is the session's zone.
        const zone: ast.Expr = e.zone ?? { kind: 'string', pos: e.pos, value: this.#eval.timeZone.name } as ast.Expr;
        const call: ast.FuncCall = {
          kind: 'funcCall', pos: e.pos, schema: null, name: 'timezone', args: [zone, e.arg], star: false, distinct: false,
          variadic: false, orderBy: [], withinGroup: false, filter: null, over: null,
        };
        return this.#call(call, scope, group);
      }
      case 'row':
        throw new FlintError('0A000', 'row constructors are not supported yet', { position: e.pos + 1 });
      case 'default':
        throw new FlintError('42601', 'DEFAULT is not allowed in this context', { position: e.pos + 1 });
      case 'star':
        throw new FlintError('42601', '"*" is not allowed here', { position: e.pos + 1 });
      default:
        throw new FlintError('0A000', `${e.kind} expressions are not supported yet`, { position: e.pos + 1 });
    }
  }

  #quantified(op: string, quantifier: 'any' | 'all', left: BoundExpr, query: ast.Query, scope: Scope, not: boolean, pos: number): BoundExpr {
    const sub = this.#queries.bindSubquery(query, scope);
    if (sub.plan.columns.length !== 1) throw new FlintError('42601', 'subquery has too many columns', { position: pos + 1 });
    const rightType = sub.plan.columns[0]!.type;
    const resolved = requireBinaryOperator(op, left.type, rightType);
    if (!sameType(resolved.right, rightType) && rightType.id !== 'unknown' && rightType.id !== 'null') {
      // Compare in the operator's type: cast each subquery value as it arrives.
      const cast = resolved.right;
      const fn = resolved.fn;
      const eval_ = this.#eval;
      const wrapped = (a: Value, b: Value) => {
        const converted = castValue(b, rightType, cast, false, eval_);
        return converted === null ? null : fn(a, converted as Value, eval_);
      };
      return { kind: 'subquery', type: T.bool, mode: quantifier, plan: sub.plan, correlated: sub.correlated, left: this.coerce(left, resolved.left, 'implicit', pos), cmp: wrapped, not };
    }
    return { kind: 'subquery', type: T.bool, mode: quantifier, plan: sub.plan, correlated: sub.correlated, left: this.coerce(left, resolved.left, 'implicit', pos), cmp: resolved.fn, not };
  }

  /** `left op ANY|ALL (array)`: true if the operator holds for any (every) element, with SQL's NULL rules. */
  #quantifiedArray(op: string, quantifier: 'any' | 'all', left: BoundExpr, array: BoundExpr, pos: number): BoundExpr {
    if (array.type.id === 'unknown' || array.type.id === 'null') {
      array = this.coerce(array, arrayType(left.type.id === 'unknown' || left.type.id === 'null' ? T.text : left.type), 'implicit', pos);
    }
    if (array.type.id !== 'array') {
      throw new FlintError('42809', `op ANY/ALL (array) requires array on right side`, { position: pos + 1 });
    }
    const element = array.type.element ?? T.text;
    const resolved = requireBinaryOperator(op, left.type, element);
    if (resolved.result.id !== 'bool') throw new FlintError(SqlState.datatypeMismatch, 'op ANY/ALL (array) requires operator to yield boolean', { position: pos + 1 });
    const cast = sameType(resolved.right, element) ? null : resolved.right;
    const cmp = resolved.fn;
    const all = quantifier === 'all';
    const fn = (ctx: EvalContext, l: RuntimeValue, a: RuntimeValue): RuntimeValue => {
      if (a === null) return null;
      const values = a as readonly RuntimeValue[];
      if (values.length === 0) return all;
      if (l === null) return null;
      let sawNull = false;
      for (const v of values) {
        const b = v === null || cast === null ? v : castValue(v, element, cast, false, ctx);
        const r = b === null ? null : cmp(l as Value, b as Value, ctx);
        if (r === null) sawNull = true;
        else if (r === !all) return !all;
      }
      return sawNull ? null : all;
    };
    return { kind: 'call', type: T.bool, name: `${op} ${quantifier}`, fn: fn as never, args: [this.coerce(left, resolved.left, 'implicit', pos), array], strict: false, volatile: false };
  }

  /** Arrays compare element by element (PostgreSQL's array_eq, array_lt, ...); an untyped literal takes the other side's type. */
  #arrayComparison(op: string, left: BoundExpr, right: BoundExpr, pos: number): BoundExpr {
    const type = left.type.id === 'array' ? left.type : right.type;
    if (op === '||') return this.#arrayConcat(left, right, type, pos);
    const test = ARRAY_COMPARISONS[op];
    if (test === undefined || (left.type.id === 'array' && right.type.id === 'array' && !sameType(baseType(left.type), baseType(right.type)))) {
      throw new FlintError(SqlState.undefinedFunction, `operator does not exist: ${typeName(left.type)} ${op} ${typeName(right.type)}`, {
        position: pos + 1, hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    const fn = (_ctx: EvalContext, a: RuntimeValue, b: RuntimeValue): RuntimeValue => test(compareValues(a as Value, b as Value, type));
    return { kind: 'call', type: T.bool, name: op, fn: fn as never, args: [this.coerce(left, type, 'implicit', pos), this.coerce(right, type, 'implicit', pos)], strict: true, volatile: false };
  }

  /**
   * array || array, array || element, element || array (PostgreSQL's
   * array_cat, array_append, array_prepend); an untyped literal is read as
   * the array type. A NULL array counts as empty.
   */
  #arrayConcat(left: BoundExpr, right: BoundExpr, type: SqlType, pos: number): BoundExpr {
    const element = type.element ?? T.text;
    const side = (b: BoundExpr): { expr: BoundExpr; isArray: boolean } =>
      b.type.id === 'array' || b.type.id === 'unknown' || b.type.id === 'null'
        ? { expr: this.coerce(b, type, 'implicit', pos), isArray: true }
        : { expr: this.coerce(b, element, 'implicit', pos), isArray: false };
    const l = side(left);
    const r = side(right);
    const part = (v: RuntimeValue, isArray: boolean): readonly RuntimeValue[] => (isArray ? ((v ?? []) as readonly RuntimeValue[]) : [v]);
    const fn = (_ctx: EvalContext, a: RuntimeValue, b: RuntimeValue): RuntimeValue => {
      if (l.isArray && r.isArray && a === null && b === null) return null;
      return [...part(a, l.isArray), ...part(b, r.isArray)];
    };
    return { kind: 'call', type, name: '||', fn: fn as never, args: [l.expr, r.expr], strict: false, volatile: false };
  }

  /** ARRAY[a, b, ...]: the elements' common type; one dimension. */
  #arrayConstructor(e: ast.ArrayExpr, elements: BoundExpr[]): BoundExpr {
    if (elements.some((x) => x.type.id === 'array')) throw new FlintError('0A000', 'multidimensional arrays are not supported yet', { position: e.pos + 1 });
    if (elements.length === 0) throw new FlintError('42P18', 'cannot determine type of empty array', { position: e.pos + 1, hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].' });
    let type = resolveCommonType(elements.map((x) => x.type), 'ARRAY');
    if (type.id === 'unknown' || type.id === 'null') type = T.text;
    const args = elements.map((x, i) => this.coerce(x, type, 'implicit', e.elements[i]!.pos));
    const fn = (_ctx: EvalContext, ...values: RuntimeValue[]): RuntimeValue => values;
    return { kind: 'call', type: arrayType(type), name: 'array', fn: fn as never, args, strict: false, volatile: false };
  }

  #binary(op: string, left: BoundExpr, right: BoundExpr, pos: number): BoundExpr {
    // A parameter next to a typed operand takes its type, as PostgreSQL infers it.
    if (left.kind === 'param' && left.type.id === 'unknown' && right.type.id !== 'unknown') left = this.#retypeParam(left, right.type);
    if (right.kind === 'param' && right.type.id === 'unknown' && left.type.id !== 'unknown') right = this.#retypeParam(right, left.type);
    if (left.type.id === 'array' || right.type.id === 'array') return this.#arrayComparison(op, left, right, pos);
    let resolved;
    try {
      resolved = requireBinaryOperator(op, left.type, right.type);
    } catch (error) {
      if (error instanceof FlintError && error.position === undefined) throw new FlintError(error.code, error.message, { position: pos + 1 });
      throw error;
    }
    const l = this.coerce(left, resolved.left, 'implicit', pos);
    const r = this.coerce(right, resolved.right, 'implicit', pos);
    // Operators are strict: with a NULL constant operand the result is NULL
    // whatever the other side is, so the other side is never evaluated (and
    // cannot raise an error), as PostgreSQL's constant folding does too.
    if ((l.kind === 'const' && l.value === null) || (r.kind === 'const' && r.value === null)) {
      return { kind: 'const', type: resolved.result, value: null };
    }
    return { kind: 'binary', type: resolved.result, op, fn: resolved.fn, left: l, right: r };
  }

  #retypeParam(p: BoundExpr & { kind: 'param' }, type: SqlType): BoundExpr {
    const t = type.id === 'null' ? T.text : type;
    this.paramTypes[p.index] ??= t;
    return { kind: 'param', type: this.paramTypes[p.index]!, index: p.index };
  }

  #case(e: ast.Case, scope: Scope, group: GroupContext | null): BoundExpr {
    const bind = (x: ast.Expr) => this.bind(x, scope, group);
    const operand = e.operand === null ? null : bind(e.operand);
    const whens = e.whens.map((w) => ({
      when: operand === null ? this.bindCondition(w.when, scope, 'CASE/WHEN', group) : this.#binary('=', operand, bind(w.when), w.pos),
      then: bind(w.then),
      pos: w.then.pos,
    }));
    const otherwise = e.else === null ? ({ kind: 'const', type: T.null, value: null } as BoundExpr) : bind(e.else);
    let type = resolveCommonType([...whens.map((w) => w.then.type), otherwise.type], 'CASE');
    if (type.id === 'unknown' || type.id === 'null') type = T.text;
    return {
      kind: 'case', type,
      whens: whens.map((w) => ({ when: w.when, then: this.coerce(w.then, type, 'implicit', w.pos) })),
      else: this.coerce(otherwise, type, 'implicit', e.else?.pos ?? e.pos),
    };
  }

  #call(e: ast.FuncCall, scope: Scope, group: GroupContext | null): BoundExpr {
    if (e.over !== null) throw new FlintError('0A000', 'window functions are not supported yet', { position: e.pos + 1 });
    if (e.schema !== null && e.schema !== 'pg_catalog') throw new FlintError('42883', `function ${e.schema}.${e.name} does not exist`, { position: e.pos + 1 });
    if (isAggregateName(e.name)) {
      throw new FlintError(SqlState.groupingError, `aggregate functions are not allowed here`, { position: e.pos + 1 });
    }
    const args = e.args.map((a) => this.bind(a, scope, group));
    switch (e.name) {
      case 'coalesce':
      case 'greatest':
      case 'least': {
        let type = resolveCommonType(args.map((a) => a.type), e.name.toUpperCase());
        if (type.id === 'unknown' || type.id === 'null') type = T.text;
        const cast = args.map((a, i) => this.coerce(a, type, 'implicit', e.args[i]!.pos));
        if (e.name === 'coalesce') return { kind: 'coalesce', type, args: cast };
        const t = type;
        return { kind: e.name, type, args: cast, compare: (a: RuntimeValue, b: RuntimeValue) => compareValues(a as Value, b as Value, t) };
      }
      case 'pg_typeof':
        // The argument's type, known at bind time (PostgreSQL returns a regtype, which reads as its name).
        if (args.length !== 1) break;
        return { kind: 'const', type: T.text, value: typeName({ id: args[0]!.type.id }) };
      case 'nullif': {
        if (args.length !== 2) break;
        const [a, b] = args as [BoundExpr, BoundExpr];
        const eq = requireBinaryOperator('=', a.type, b.type);
        const left = this.coerce(a, eq.left, 'implicit', e.args[0]!.pos);
        const right = this.coerce(b, eq.right, 'implicit', e.args[1]!.pos);
        return { kind: 'nullif', type: left.type.id === 'unknown' || left.type.id === 'null' ? T.text : left.type, left, right, eq: eq.fn };
      }
    }
    let fn;
    try {
      fn = requireFunction(e.name, args.map((a) => a.type));
    } catch (error) {
      if (error instanceof FlintError && error.position === undefined) throw new FlintError(error.code, error.message, { position: e.pos + 1 });
      throw error;
    }
    return {
      kind: 'call', type: fn.returnType, name: e.name, fn: fn.fn,
      args: args.map((a, i) => this.coerce(a, fn.argTypes[i] ?? a.type, 'implicit', e.args[i]!.pos)),
      strict: fn.strict, volatile: fn.volatile,
    };
  }

  /**
   * Convert `b` to `to`. Constants are converted now (a bad literal is an
   * error at prepare time, as in PostgreSQL); everything else gets a cast
   * node evaluated per row.
   */
  /** `column`: the column an assignment stores into, for PostgreSQL's message. */
  coerce(b: BoundExpr, to: SqlType, context: CastContext, pos: number, column?: string): BoundExpr {
    if (sameType(b.type, to)) return b;
    if (to.id === 'unknown') return b;
    if (b.type.id === 'null') return { kind: 'const', type: to, value: null };
    if (b.kind === 'param' && b.type.id === 'unknown') {
      this.paramTypes[b.index] ??= to;
      if (sameType(this.paramTypes[b.index]!, to)) return { kind: 'param', type: to, index: b.index };
      b = { kind: 'param', type: this.paramTypes[b.index]!, index: b.index };
      if (sameType(b.type, to)) return b;
    }
    if (b.type.id !== 'unknown' && !canCast(b.type, to, context)) {
      if (context === 'explicit') throw new FlintError('42846', `cannot cast type ${typeName(b.type)} to ${typeName(to)}`, { position: pos + 1 });
      if (column !== undefined) {
        throw new FlintError('42804', `column "${column}" is of type ${typeName(to)} but expression is of type ${typeName(b.type)}`, {
          position: pos + 1, hint: 'You will need to rewrite or cast the expression.',
        });
      }
      throw new FlintError('42804', `expression is of type ${typeName(b.type)}, but type ${typeName(to)} is expected`, { position: pos + 1 });
    }
    if (b.kind === 'const') {
      try {
        return { kind: 'const', type: to, value: castValue(b.value, b.type, to, context === 'explicit', this.#eval) };
      } catch (error) {
        if (error instanceof FlintError && error.position === undefined) {
          throw new FlintError(error.code, error.message, {
            position: pos + 1,
            ...(error.detail !== undefined ? { detail: error.detail } : {}),
            ...(error.hint !== undefined ? { hint: error.hint } : {}),
          });
        }
        throw error;
      }
    }
    if (b.kind === 'param') this.#onParamCast?.(b.index);
    return { kind: 'cast', type: to, from: b.type, arg: b, explicit: context === 'explicit' };
  }
}

const ARRAY_COMPARISONS: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '!=': (c) => c !== 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};

function isNumericType(t: SqlType): boolean {
  return ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'interval'].includes(t.id);
}

/** PostgreSQL types an integer constant as int4, int8 or numeric by size, others as numeric. */
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

function numberConst(e: ast.NumberLiteral): BoundExpr {
  if (e.form === 'integer') {
    // Nine digits (or a sign and eight) always fit int4.
    if (e.text.length <= 9) return { kind: 'const', type: T.int4, value: Number(e.text) };
    const n = BigInt(e.text);
    if (n >= -2147483648n && n <= 2147483647n) return { kind: 'const', type: T.int4, value: Number(n) };
    if (n >= INT8_MIN && n <= INT8_MAX) return { kind: 'const', type: T.int8, value: n };
  }
  return { kind: 'const', type: T.numeric, value: Decimal.parse(e.text) };
}

const aggregateIds = new WeakMap<AggregateCall, string>();
function aggregateId(a: AggregateCall): string {
  return aggregateIds.get(a) ?? '';
}

/** A structural identity of a bound expression: equal ids mean the same computation (GROUP BY matching). */
export function exprId(b: BoundExpr): string {
  switch (b.kind) {
    case 'const':
      return `c:${b.type.id}:${constText(b.value)}`;
    case 'param':
      return `p${b.index}`;
    case 'column':
      return `#${b.index}`;
    case 'outerColumn':
      return `^${b.depth}.${b.index}`;
    case 'binary':
      return `(${exprId(b.left)}${b.op}${exprId(b.right)})`;
    case 'unary':
      return `(${b.op}${exprId(b.arg)})`;
    case 'call':
      return `${b.name}(${b.args.map(exprId).join(',')})`;
    case 'cast':
      return `cast(${exprId(b.arg)}:${b.type.id}${b.type.length ?? ''})`;
    case 'subquery':
      return `subq${subqueryIds(b)}`;
    default:
      return `${b.kind}[${childIds(b)}]`;
  }
}

let nextSubqueryId = 0;
const subqueryIdMap = new WeakMap<object, number>();
function subqueryIds(b: object): number {
  let id = subqueryIdMap.get(b);
  if (id === undefined) subqueryIdMap.set(b, (id = nextSubqueryId++));
  return id;
}

function childIds(b: BoundExpr): string {
  switch (b.kind) {
    case 'and':
    case 'or':
    case 'coalesce':
    case 'greatest':
    case 'least':
      return b.args.map(exprId).join(',');
    case 'not':
    case 'isNull':
      return `${exprId(b.arg)}${'not' in b ? b.not : ''}`;
    case 'isBool':
      return `${exprId(b.arg)}${b.value}${b.not}`;
    case 'distinctFrom':
    case 'nullif':
      return `${exprId(b.left)},${exprId(b.right)}${'not' in b ? b.not : ''}`;
    case 'case':
      return `${b.whens.map((w) => `${exprId(w.when)}=>${exprId(w.then)}`).join(';')};${exprId(b.else)}`;
    case 'inList':
      return `${exprId(b.arg)}${b.not}:${b.list.map(exprId).join(',')}`;
    case 'like':
      return `${exprId(b.arg)}~${exprId(b.pattern)}${b.caseInsensitive}${b.not}`;
    default:
      return '';
  }
}

function constText(v: RuntimeValue): string {
  if (v === null) return 'null';
  if (typeof v === 'object' && !(v instanceof Uint8Array)) return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  return `${typeof v}:${String(v)}`;
}

/** Does the bound expression read columns of the current (input) row? */
function readsInputColumns(b: BoundExpr): boolean {
  if (b.kind === 'column') return true;
  if (b.kind === 'subquery') return b.correlated || (b.left !== null && readsInputColumns(b.left));
  const kids = childrenOfBound(b);
  return kids.some(readsInputColumns);
}

import { childrenOf as childrenOfBound } from './bound.ts';

/** Does the syntax tree contain an aggregate call (not inside a subquery)? */
export function containsAggregate(e: ast.Expr): boolean {
  return hasAggregate(e);
}

function hasAggregate(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return false;
  if (Array.isArray(x)) {
    for (const item of x) if (hasAggregate(item)) return true;
    return false;
  }
  const node = x as { kind?: string };
  switch (node.kind) {
    // Leaves, and a subquery (its aggregates are its own).
    case 'columnRef':
    case 'number':
    case 'string':
    case 'param':
    case 'query':
      return false;
    case 'binaryOp': {
      const b = node as ast.BinaryOp;
      return hasAggregate(b.left) || hasAggregate(b.right);
    }
    case 'funcCall': {
      const call = node as ast.FuncCall;
      if (call.over === null && (call.schema === null || call.schema === 'pg_catalog') && isAggregateName(call.name)) return true;
    }
  }
  const fields = node as Record<string, unknown>;
  for (const key in fields) if (hasAggregate(fields[key])) return true;
  return false;
}
