// UPDATE (… FROM) and DELETE (… USING).
//
// The binder plans the target table's rows, with their tuple ids, joined to
// the FROM / USING items and filtered by WHERE (bindDmlTarget), so the
// optimizer pushes conditions down and picks hash joins as for a SELECT.
// Every matching row is collected before any is changed: a statement never
// sees its own changes (no Halloween problem). As in PostgreSQL, a target
// row joined to several FROM rows is updated once, from the first of them,
// and deleted once.

import type * as ast from '../ast.ts';
import type { SqlTable } from '../catalog.ts';
import type { QueryBinder } from '../plan/bind-query.ts';
import type { Row } from './context.ts';
import { bindAssignments, returningOf } from './dml-common.ts';
import { CLOCK_FREE_INPUT, planClockFree } from './clock-free.ts';
import { runPlanUntil } from './run.ts';
import { binderOf, tableFor, type BindOptions, type RunOptions, type StatementResult } from './statement-context.ts';
import { DmlContext, WriterPlan } from './table-writer.ts';

/** The target rows: tuple id → the first joined row that matched. */
function collectTargets(plan: Parameters<typeof runPlanUntil>[0], tidIndex: number, dml: DmlContext): Map<number, Row> {
  const targets = new Map<number, Row>();
  runPlanUntil(plan, dml.ctx, (row) => {
    const tid = row[tidIndex] as number;
    if (!targets.has(tid)) targets.set(tid, row);
    return true;
  });
  return targets;
}

export function runUpdate(stmt: ast.Update, options: RunOptions): StatementResult {
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  return binder.withClause(stmt.with, () => {
    const plan = new WriterPlan(table, binder, options.engine);
    const update = bindUpdateBody(stmt, table, binder, plan);
    return update(new DmlContext(options, binder, null, new Map([[table.def.id, plan]])));
  });
}

export function runDelete(stmt: ast.Delete, options: RunOptions): StatementResult {
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  return binder.withClause(stmt.with, () => {
    const plan = new WriterPlan(table, binder, options.engine);
    const del = bindDeleteBody(stmt, table, binder);
    return del(new DmlContext(options, binder, null, new Map([[table.def.id, plan]])));
  });
}

/**
 * UPDATE or DELETE bound once for many runs (a prepared statement's cached binding); with a WITH clause it binds on every run.
 * `clockFree` (BoundStatement.clockFree): an UPDATE that cannot read the statement's clock (updateClockFree).
 */
export function bindUpdateOrDelete(stmt: ast.Update | ast.Delete, options: BindOptions): { run(options: RunOptions): StatementResult; readonly clockFree: boolean } {
  if (stmt.with !== null) return { run: (o) => (stmt.kind === 'update' ? runUpdate(stmt, o) : runDelete(stmt, o)), clockFree: false };
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const plan = new WriterPlan(table, binder, options.engine);
  // Compiled now, while binding: what they read of the context decides whether the binding is kept.
  void plan.defaults;
  const clock = { free: stmt.kind === 'update' };
  const body = stmt.kind === 'update' ? bindUpdateBody(stmt, table, binder, plan, clock) : bindDeleteBody(stmt, table, binder);
  const plans = new Map([[table.def.id, plan]]);
  const run = (o: RunOptions): StatementResult => body(new DmlContext(o, null, null, plans));
  return { run, clockFree: clock.free && updateClockFree(stmt as ast.Update, plan, options) };
}

/**
 * After bindUpdateBody found its target plan and assignments clock-free
 * (`clock.free`): nothing else the UPDATE runs can read the clock either. No
 * FROM, no RETURNING, every parameter of a clock-free input type, and none of
 * the table's CHECK constraints, UNIQUE checks without an index or foreign
 * keys either way (a referencing table's ON UPDATE action may set a default);
 * as conservative as the single-row INSERT's (dml-insert.ts singleClockFree).
 */
function updateClockFree(stmt: ast.Update, plan: WriterPlan, options: BindOptions): boolean {
  if (stmt.from.length > 0 || stmt.returning.length > 0) return false;
  for (const t of options.paramTypes) if (t === undefined || !CLOCK_FREE_INPUT.has(t.id)) return false;
  const checks = plan.checks;
  return checks.checks.length === 0 && checks.uniques.length === 0 && plan.outgoing.length === 0 && plan.incoming.length === 0;
}

function bindUpdateBody(stmt: ast.Update, table: SqlTable, binder: QueryBinder, writerPlan: WriterPlan, clock?: { free: boolean }): (dml: DmlContext) => StatementResult {
  const { plan, scope, tidIndex } = binder.bindDmlTarget(table, stmt.alias ?? table.name, stmt.from, stmt.where);
  const assign = bindAssignments(stmt.set, table, scope, binder, () => writerPlan.defaults, clock);
  const returning = returningOf(stmt.returning, scope, binder);
  if (clock !== undefined && clock.free && !planClockFree(plan, [])) clock.free = false;
  const width = table.columns.length;
  return (dml) => {
    const writer = dml.writer(table);
    const out: Row[] = [];
    let count = 0;
    for (const [tid, joined] of collectTargets(plan, tidIndex, dml)) {
      const old = joined.slice(0, width);
      const next = old.slice();
      assign(joined, next, dml.ctx);
      const newTid = writer.update(tid, old, next);
      if (newTid === undefined) continue;
      count++;
      if (returning !== null) out.push(returning.project([...next, newTid, ...joined.slice(width + 1)], dml.ctx));
    }
    dml.finish();
    return { command: count === 1 ? 'UPDATE 1' : `UPDATE ${count}`, columns: returning?.columns ?? [], rows: out, rowCount: count };
  };
}

function bindDeleteBody(stmt: ast.Delete, table: SqlTable, binder: QueryBinder): (dml: DmlContext) => StatementResult {
  const { plan, scope, tidIndex } = binder.bindDmlTarget(table, stmt.alias ?? table.name, stmt.using, stmt.where);
  const returning = returningOf(stmt.returning, scope, binder);
  return (dml) => {
    const writer = dml.writer(table);
    const out: Row[] = [];
    const targets = collectTargets(plan, tidIndex, dml);
    for (const [tid, joined] of targets) {
      // A row a cascade of this statement already deleted still counts: it matched.
      writer.delete(tid, joined.slice(0, table.columns.length));
      if (returning !== null) out.push(returning.project(joined, dml.ctx));
    }
    dml.finish();
    return { command: `DELETE ${targets.size}`, columns: returning?.columns ?? [], rows: out, rowCount: targets.size };
  };
}
