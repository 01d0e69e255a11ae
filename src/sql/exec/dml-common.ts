// What INSERT, UPDATE and DELETE share: column defaults (sequences behind
// identity columns included), the DEFAULT marker, and RETURNING.

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import type { SqlColumnMeta, SqlTable } from '../catalog.ts';
import { parse } from '../parser.ts';
import type { BoundExpr } from '../plan/bound.ts';
import type { QueryBinder } from '../plan/bind-query.ts';
import type { OutputColumn } from '../plan/plan.ts';
import { Scope } from '../plan/scope.ts';
import { T, type RuntimeValue } from '../types/type-info.ts';
import { exprClockFree } from './clock-free.ts';
import { compileExpr } from './compile-expr.ts';
import type { ExecContext, Row } from './context.ts';
import { runPlanUntil } from './run.ts';

/** Marks a value to be replaced by the column default. */
export const DEFAULT = Symbol('default') as unknown as RuntimeValue;

/** A sequence name as nextval's text argument: quoted unless it reads back the same unquoted. */
export function regclassLiteral(name: string): string {
  const ident = /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
  return `'${ident.replace(/'/g, "''")}'`;
}

/** The SQL text of a column's default: its DEFAULT, or nextval of its identity sequence. */
export function defaultText(column: SqlColumnMeta): string | null {
  if (column.identity !== null) return `nextval(${regclassLiteral(column.identity.sequence)})`;
  return column.default;
}

/** Bind a default's SQL text as a value of the column's type. */
export function bindDefault(text: string, column: SqlColumnMeta, binder: QueryBinder): BoundExpr {
  const parsed = parse(`SELECT ${text}`)[0] as ast.Query;
  const expr = (parsed.body as ast.Select).targets[0]!.expr;
  return binder.exprs.coerce(binder.exprs.bind(expr, new Scope([], null), null, column.type), column.type, 'assignment', 0);
}

/** A column default, compiled: its value in the running statement's context. */
export type CompiledDefault = (ctx: ExecContext) => RuntimeValue;

/** Compiled defaults of a table's live columns (null where the default is NULL). */
export function defaultsOf(table: SqlTable, binder: QueryBinder): (CompiledDefault | null)[] {
  return table.columns.map((c) => {
    const text = defaultText(c);
    if (text === null) return null;
    const compiled = compileExpr(bindDefault(text, c, binder));
    return (ctx) => compiled(NO_ROW, ctx);
  });
}

const NO_ROW: Row = [];

export interface Returning {
  readonly columns: OutputColumn[];
  project(row: Row, ctx: ExecContext): Row;
}

/** RETURNING over the rows of `scope` (the target table's, plus FROM / USING tables). */
export function returningOf(list: readonly ast.ResultTarget[], scope: Scope, binder: QueryBinder): Returning | null {
  if (list.length === 0) return null;
  const exprs: BoundExpr[] = [];
  const columns: OutputColumn[] = [];
  for (const t of list) {
    if (t.expr.kind === 'star') {
      for (const i of scope.star(t.expr.table?.name ?? null, t.expr.pos)) {
        const c = scope.columns[i]!;
        exprs.push({ kind: 'column', type: c.type, index: i, name: c.name });
        columns.push({ name: c.name, type: c.type });
      }
      continue;
    }
    const b = binder.exprs.bind(t.expr, scope);
    exprs.push(b);
    columns.push({ name: t.alias ?? outputName(t.expr), type: b.type.id === 'unknown' || b.type.id === 'null' ? T.text : b.type });
  }
  const compiled = exprs.map(compileExpr);
  return { columns, project: (row, ctx) => compiled.map((e) => e(row, ctx)) };
}

function outputName(e: ast.Expr): string {
  if (e.kind === 'columnRef') return e.column;
  if (e.kind === 'funcCall') return e.name;
  if (e.kind === 'cast' && (e.arg.kind === 'columnRef' || e.arg.kind === 'funcCall')) return outputName(e.arg);
  return '?column?';
}

/** 428C9 for a GENERATED ALWAYS identity column given a value. */
export function identityAlways(column: SqlColumnMeta, message: string, hint?: string): FlintError {
  return new FlintError('428C9', message, {
    detail: `Column "${column.name}" is an identity column defined as GENERATED ALWAYS.`,
    ...(hint === undefined ? {} : { hint }),
  });
}

/**
 * SET clauses of UPDATE and ON CONFLICT DO UPDATE, bound over `scope` (the
 * row the values are computed from). `apply` writes the new values into a
 * copy of the target row; every value is computed from the old row.
 */
export function bindAssignments(
  set: readonly ast.SetClause[],
  table: SqlTable,
  scope: Scope,
  binder: QueryBinder,
  defaults: () => (CompiledDefault | null)[],
  clock?: { free: boolean },
): (source: Row, next: Row, ctx: ExecContext) => void {
  const steps: ((source: Row, next: Row, ctx: ExecContext) => void)[] = [];
  // A column assigned twice takes the rightmost value. PostgreSQL raises
  // 42601 ("multiple assignments to same column"); SQLite, and the
  // sqllogictest corpus, take the last. Accepting it changes no statement
  // PostgreSQL accepts, like the unary + extension in bind-expr.ts.
  const target = (ident: ast.Ident): number => {
    const index = table.columns.findIndex((c) => c.name === ident.name);
    if (index < 0) throw new FlintError(SqlState.undefinedColumn, `column "${ident.name}" of relation "${table.name}" does not exist`, { position: ident.pos + 1 });
    return index;
  };
  const valueOf = (index: number, e: ast.Expr): ((source: Row, ctx: ExecContext) => RuntimeValue) => {
    const col = table.columns[index]!;
    if (e.kind === 'default') {
      if (clock !== undefined) clock.free = false;
      return (_source, ctx) => defaults()[index]?.(ctx) ?? null;
    }
    if (col.identity?.always === true) throw identityAlways(col, `column "${col.name}" can only be updated to DEFAULT`);
    const bound = binder.exprs.coerce(binder.exprs.bind(e, scope, null, col.type), col.type, 'assignment', e.pos, col.name);
    if (clock !== undefined && !exprClockFree(bound)) clock.free = false;
    return compileExpr(bound);
  };
  for (const clause of set) {
    if (clause.kind === 'assign') {
      const index = target(clause.column);
      const value = valueOf(index, clause.value);
      steps.push((source, next, ctx) => (next[index] = value(source, ctx)));
      continue;
    }
    // Row and sub-SELECT sources are not looked into: they may read the clock.
    if (clock !== undefined) clock.free = false;
    const indexes = clause.columns.map(target);
    const v = clause.value;
    if (v.kind === 'row') {
      if (v.fields.length !== indexes.length) throw new FlintError(SqlState.syntaxError, 'number of columns does not match number of values', { position: v.pos + 1 });
      const values = v.fields.map((f, k) => valueOf(indexes[k]!, f));
      steps.push((source, next, ctx) => {
        const computed = values.map((value) => value(source, ctx));
        indexes.forEach((index, k) => (next[index] = computed[k]!));
      });
      continue;
    }
    if (v.kind !== 'subquery') {
      throw new FlintError(SqlState.featureNotSupported, 'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression', { position: v.pos + 1 });
    }
    const sub = binder.bindSubquery(v.query, scope);
    if (sub.plan.columns.length !== indexes.length) throw new FlintError(SqlState.syntaxError, 'number of columns does not match number of values', { position: v.pos + 1 });
    const casts = sub.plan.columns.map((c, k) => {
      const col = table.columns[indexes[k]!]!;
      if (col.identity?.always === true) throw identityAlways(col, `column "${col.name}" can only be updated to DEFAULT`);
      return compileExpr(binder.exprs.coerce({ kind: 'column', type: c.type, index: k, name: c.name }, col.type, 'assignment', v.pos, col.name));
    });
    const plan = sub.plan;
    steps.push((source, next, ctx) => {
      let found: Row | null = null;
      ctx.outer.push(source);
      try {
        runPlanUntil(plan, ctx, (row) => {
          if (found !== null) throw new FlintError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
          found = row;
          return true;
        });
      } finally {
        ctx.outer.pop();
      }
      const row: Row | null = found;
      indexes.forEach((index, k) => (next[index] = row === null ? null : casts[k]!(row, ctx)));
    });
  }
  if (steps.length === 1) return steps[0]!;
  return (source, next, ctx) => {
    for (const step of steps) step(source, next, ctx);
  };
}
