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
import type { Row } from './context.ts';
import { bindAssignments, returningOf } from './dml-common.ts';
import { runPlanUntil } from './run.ts';
import { binderOf, contextOf, tableFor, type RunOptions, type StatementResult } from './statement-context.ts';
import { DmlContext } from './table-writer.ts';

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
  const dml = new DmlContext(options, binder, contextOf(options));
  return binder.withClause(stmt.with, () => {
    const { plan, scope, tidIndex } = binder.bindDmlTarget(table, stmt.alias ?? table.name, stmt.from, stmt.where);
    const writer = dml.writer(table);
    const assign = bindAssignments(stmt.set, table, scope, binder, () => writer.defaults);
    const returning = returningOf(stmt.returning, scope, binder);
    const width = table.columns.length;
    const out: Row[] = [];
    let count = 0;
    for (const [tid, joined] of collectTargets(plan, tidIndex, dml)) {
      const old = joined.slice(0, width);
      const next = [...old];
      assign(joined, next, dml.ctx);
      const newTid = writer.update(tid, old, next);
      if (newTid === undefined) continue;
      count++;
      if (returning !== null) out.push(returning.project([...next, newTid, ...joined.slice(width + 1)], dml.ctx));
    }
    dml.finish();
    return { command: `UPDATE ${count}`, columns: returning?.columns ?? [], rows: out, rowCount: count };
  });
}

export function runDelete(stmt: ast.Delete, options: RunOptions): StatementResult {
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const dml = new DmlContext(options, binder, contextOf(options));
  return binder.withClause(stmt.with, () => {
    const { plan, scope, tidIndex } = binder.bindDmlTarget(table, stmt.alias ?? table.name, stmt.using, stmt.where);
    const writer = dml.writer(table);
    const returning = returningOf(stmt.returning, scope, binder);
    const out: Row[] = [];
    const targets = collectTargets(plan, tidIndex, dml);
    for (const [tid, joined] of targets) {
      // A row a cascade of this statement already deleted still counts: it matched.
      writer.delete(tid, joined.slice(0, table.columns.length));
      if (returning !== null) out.push(returning.project(joined, dml.ctx));
    }
    dml.finish();
    return { command: `DELETE ${targets.size}`, columns: returning?.columns ?? [], rows: out, rowCount: targets.size };
  });
}
