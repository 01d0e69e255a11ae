// Compiles bound expressions into closures, once per statement: the tree is
// walked here and never again while rows flow. Each closure takes the row it
// runs over and the execution context. SQL's three-valued logic lives here:
// NULL propagates through strict operators and functions, AND/OR/NOT follow
// Kleene logic, comparisons with NULL are NULL.

import { FlintError, SqlState } from '../../errors.ts';
import type { BoundExpr, SubqueryExpr } from '../plan/bound.ts';
import { castValue } from '../types/cast.ts';
import { compileLike } from '../types/like.ts';
import type { RuntimeValue, Value } from '../types/type-info.ts';
import type { ExecContext, Row } from './context.ts';
import { runPlanRows, runPlanUntil } from './run.ts';

export type Compiled = (row: Row, ctx: ExecContext) => RuntimeValue;

/**
 * Types whose runtime values are equal exactly when they are === : strings
 * compared by code point (text and varchar; not bpchar, whose trailing
 * spaces do not count).
 */
const STRICT_EQUAL_TYPES = new Set(['text', 'varchar']);

export function compileExpr(expr: BoundExpr): Compiled {
  switch (expr.kind) {
    case 'const': {
      const value = expr.value;
      return () => value;
    }
    case 'param': {
      const index = expr.index;
      return (_row, ctx) => ctx.params.get(index);
    }
    case 'column': {
      const index = expr.index;
      return (row) => row[index] ?? null;
    }
    case 'outerColumn': {
      const { depth, index } = expr;
      return (_row, ctx) => ctx.outer[ctx.outer.length - depth]?.[index] ?? null;
    }
    case 'binary': {
      const left = compileExpr(expr.left);
      const right = compileExpr(expr.right);
      const fn = expr.fn;
      if ((expr.op === '=' || expr.op === '<>') && STRICT_EQUAL_TYPES.has(expr.left.type.id) && expr.left.type.id === expr.right.type.id) {
        // Equal values of these types are identical JS values: no comparator call per row.
        const equal = expr.op === '=';
        return (row, ctx) => {
          const a = left(row, ctx);
          if (a === null) return null;
          const b = right(row, ctx);
          if (b === null) return null;
          return (a === b) === equal;
        };
      }
      return (row, ctx) => {
        const a = left(row, ctx);
        if (a === null) return null;
        const b = right(row, ctx);
        if (b === null) return null;
        return fn(a, b, ctx.eval);
      };
    }
    case 'unary': {
      const arg = compileExpr(expr.arg);
      const fn = expr.fn;
      return (row, ctx) => {
        const a = arg(row, ctx);
        return a === null ? null : fn(a, ctx.eval);
      };
    }
    case 'call': {
      const args = expr.args.map(compileExpr);
      const fn = expr.fn;
      const strict = expr.strict;
      const n = args.length;
      return (row, ctx) => {
        const values: RuntimeValue[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const v = args[i]!(row, ctx);
          if (v === null && strict) return null;
          values[i] = v;
        }
        return fn(ctx.eval, ...values);
      };
    }
    case 'cast': {
      const arg = compileExpr(expr.arg);
      const { from, type, explicit } = expr;
      return (row, ctx) => {
        const v = arg(row, ctx);
        return v === null ? null : castValue(v, from, type, explicit, ctx.eval);
      };
    }
    case 'and': {
      const args = expr.args.map(compileExpr);
      return (row, ctx) => {
        let sawNull = false;
        for (const arg of args) {
          const v = arg(row, ctx);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = expr.args.map(compileExpr);
      return (row, ctx) => {
        let sawNull = false;
        for (const arg of args) {
          const v = arg(row, ctx);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'not': {
      const arg = compileExpr(expr.arg);
      return (row, ctx) => {
        const v = arg(row, ctx);
        return v === null ? null : !v;
      };
    }
    case 'isNull': {
      const arg = compileExpr(expr.arg);
      const not = expr.not;
      return (row, ctx) => (arg(row, ctx) === null) !== not;
    }
    case 'isBool': {
      const arg = compileExpr(expr.arg);
      const { value, not } = expr;
      return (row, ctx) => (arg(row, ctx) === value) !== not;
    }
    case 'distinctFrom': {
      const left = compileExpr(expr.left);
      const right = compileExpr(expr.right);
      const { eq, not } = expr;
      return (row, ctx) => {
        const a = left(row, ctx);
        const b = right(row, ctx);
        let distinct: boolean;
        if (a === null || b === null) distinct = a !== b;
        else distinct = eq(a, b, ctx.eval) !== true;
        return distinct !== not;
      };
    }
    case 'case': {
      const whens = expr.whens.map((w) => ({ when: compileExpr(w.when), then: compileExpr(w.then) }));
      const otherwise = compileExpr(expr.else);
      // Only the branch taken is evaluated: a division by zero in a branch
      // never taken is no error (PostgreSQL evaluates CASE lazily too).
      return (row, ctx) => {
        for (const w of whens) if (w.when(row, ctx) === true) return w.then(row, ctx);
        return otherwise(row, ctx);
      };
    }
    case 'coalesce': {
      const args = expr.args.map(compileExpr);
      return (row, ctx) => {
        for (const arg of args) {
          const v = arg(row, ctx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'nullif': {
      const left = compileExpr(expr.left);
      const right = compileExpr(expr.right);
      const eq = expr.eq;
      return (row, ctx) => {
        const a = left(row, ctx);
        if (a === null) return null;
        const b = right(row, ctx);
        if (b === null) return a;
        return eq(a, b, ctx.eval) === true ? null : a;
      };
    }
    case 'greatest':
    case 'least': {
      const args = expr.args.map(compileExpr);
      const sign = expr.kind === 'greatest' ? 1 : -1;
      const compare = expr.compare;
      return (row, ctx) => {
        let best: RuntimeValue = null;
        for (const arg of args) {
          const v = arg(row, ctx);
          if (v === null) continue;
          if (best === null || sign * compare(v, best) > 0) best = v;
        }
        return best;
      };
    }
    case 'inList': {
      const arg = compileExpr(expr.arg);
      const list = expr.list.map(compileExpr);
      const { eq, not } = expr;
      return (row, ctx) => {
        const a = arg(row, ctx);
        if (a === null) return list.length === 0 ? not : null;
        let sawNull = false;
        for (const item of list) {
          const b = item(row, ctx);
          if (b === null) {
            sawNull = true;
            continue;
          }
          if (eq(a, b, ctx.eval) === true) return !not;
        }
        return sawNull ? null : not;
      };
    }
    case 'like': {
      const arg = compileExpr(expr.arg);
      const pattern = compileExpr(expr.pattern);
      const escape = expr.escape === null ? null : compileExpr(expr.escape);
      const { caseInsensitive, not } = expr;
      let lastPattern: string | undefined;
      let lastEscape: string | undefined;
      let matcher: ((text: string) => boolean) | undefined;
      return (row, ctx) => {
        const text = arg(row, ctx);
        if (text === null) return null;
        const p = pattern(row, ctx);
        if (p === null) return null;
        const e = escape === null ? '\\' : escape(row, ctx);
        if (e === null) return null;
        if (matcher === undefined || p !== lastPattern || e !== lastEscape) {
          matcher = compileLike(p as string, { escape: e as string, caseInsensitive });
          lastPattern = p as string;
          lastEscape = e as string;
        }
        return matcher(text as string) !== not;
      };
    }
    case 'subquery':
      return compileSubquery(expr);
  }
}

function compileSubquery(expr: SubqueryExpr): Compiled {
  const { plan, correlated, mode, not } = expr;
  const left = expr.left === null ? null : compileExpr(expr.left);
  const cmp = expr.cmp;
  const evaluate = (row: Row, ctx: ExecContext): RuntimeValue => {
    ctx.outer.push(row);
    try {
      switch (mode) {
        case 'exists': {
          let found = false;
          runPlanUntil(plan, ctx, () => {
            found = true;
            return false;
          });
          return found !== not;
        }
        case 'array':
          return runPlanRows(plan, ctx).map((r) => r[0] ?? null);
        case 'scalar': {
          let value: RuntimeValue = null;
          let count = 0;
          runPlanUntil(plan, ctx, (r) => {
            count++;
            if (count > 1) throw new FlintError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
            value = r[0] ?? null;
            return true;
          });
          return value;
        }
        case 'any':
        case 'all': {
          const a = left!(row, ctx);
          const rows = correlated ? runPlanRows(plan, ctx) : cachedRows(plan, ctx);
          if (rows.length === 0) return mode === 'all' ? !not : not;
          if (a === null) return null;
          let sawNull = false;
          for (const r of rows) {
            const b = r[0] ?? null;
            if (b === null) {
              sawNull = true;
              continue;
            }
            const result = cmp!(a as Value, b as Value, ctx.eval);
            if (mode === 'any' && result === true) return !not;
            if (mode === 'all' && result === false) return not;
          }
          if (sawNull) return null;
          return mode === 'any' ? not : !not;
        }
      }
    } finally {
      ctx.outer.pop();
    }
  };
  if (correlated || mode === 'any' || mode === 'all') return evaluate;
  // Uncorrelated EXISTS / scalar subqueries: once per execution.
  return (row, ctx) => {
    if (ctx.cache.has(expr)) return ctx.cache.get(expr) as RuntimeValue;
    const value = evaluate(row, ctx);
    ctx.cache.set(expr, value);
    return value;
  };
}

function cachedRows(plan: object, ctx: ExecContext): Row[] {
  const cached = ctx.cache.get(plan) as Row[] | undefined;
  if (cached !== undefined) return cached;
  const rows = runPlanRows(plan as never, ctx);
  ctx.cache.set(plan, rows);
  return rows;
}
