// INSERT: VALUES or a query, column defaults and identity columns,
// constraints, RETURNING, and ON CONFLICT.
//
// ON CONFLICT. The arbiters are the PRIMARY KEY / UNIQUE constraints the
// conflict target names (by its columns, or ON CONSTRAINT), or all of them
// for DO NOTHING without a target. Each proposed row (defaults applied,
// NOT NULL and CHECK passed) is looked up by each arbiter's key
// (constraints.ts findByKey, the place an index probe will replace): with no
// conflict it is inserted; otherwise DO NOTHING skips it and DO UPDATE
// updates the existing row, with EXCLUDED naming the proposed row. A row the
// same command inserted or updated cannot be updated again (21000), as in
// PostgreSQL. Uniqueness is checked against the rows the transaction sees:
// a concurrent insert of the same key is not detected until unique indexes
// land (issue 5).

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import type { SqlTable } from '../catalog.ts';
import type { QueryBinder } from '../plan/bind-query.ts';
import { Scope } from '../plan/scope.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import { compileExpr, type Compiled } from './compile-expr.ts';
import { findByKey, tableScope, uniqueKeys, type UniqueKey } from './constraints.ts';
import type { ExecContext, Row } from './context.ts';
import { bindAssignments, DEFAULT, identityAlways, returningOf } from './dml-common.ts';
import { runPlanRows } from './run.ts';
import { binderOf, contextOf, tableFor, type RunOptions, type StatementResult } from './statement-context.ts';
import { DmlContext, type TableWriter } from './table-writer.ts';

export function runInsert(stmt: ast.Insert, options: RunOptions): StatementResult {
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const dml = new DmlContext(options, binder, contextOf(options));
  return binder.withClause(stmt.with, () => insert(stmt, table, dml));
}

function insert(stmt: ast.Insert, table: SqlTable, dml: DmlContext): StatementResult {
  const { binder, ctx } = dml;
  const targetIndexes = targetColumns(stmt, table);
  const writer = dml.writer(table);
  const sourceRows = proposedValues(stmt, table, targetIndexes, binder, ctx);
  const alias = stmt.alias ?? table.name;
  const returning = returningOf(stmt.returning, tableScope(table, alias), binder);
  const conflict = stmt.onConflict === null ? null : bindOnConflict(stmt.onConflict, table, alias, binder, writer);
  const out: Row[] = [];
  let count = 0;
  /** Versions this command inserted or updated: ON CONFLICT DO UPDATE must not update them again. */
  const touched = new Set<number>();
  for (const source of sourceRows) {
    const row: Row = new Array(table.columns.length).fill(DEFAULT);
    targetIndexes.forEach((ti, i) => (row[ti] = source[i] === undefined ? DEFAULT : source[i]!));
    if (stmt.overriding === 'user') {
      table.columns.forEach((c, i) => c.identity !== null && (row[i] = DEFAULT));
    }
    for (let i = 0; i < row.length; i++) {
      if (row[i] === DEFAULT) row[i] = writer.defaults[i]?.() ?? null;
    }
    if (conflict !== null) {
      writer.checks.checkNotNullAndChecks(row);
      const existing = conflict.find(row, dml);
      if (existing !== undefined) {
        if (conflict.update === null) continue;
        if (touched.has(existing.tid)) {
          throw new FlintError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
            hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
          });
        }
        const combined = [...existing.row, ...row];
        if (conflict.where !== null && conflict.where(combined, ctx) !== true) continue;
        const next = [...existing.row];
        conflict.update(combined, next, ctx);
        const newTid = writer.update(existing.tid, existing.row, next);
        if (newTid === undefined) continue;
        touched.add(newTid);
        count++;
        if (returning !== null) out.push(returning.project(next, ctx));
        continue;
      }
    }
    touched.add(writer.insert(row));
    count++;
    if (returning !== null) out.push(returning.project(row, ctx));
  }
  dml.finish();
  return { command: `INSERT 0 ${count}`, columns: returning?.columns ?? [], rows: out, rowCount: count };
}

/** The columns INSERT names (all, in order, without a list). */
function targetColumns(stmt: ast.Insert, table: SqlTable): number[] {
  if (stmt.columns === null) return table.columns.map((_, i) => i);
  const seen = new Set<number>();
  return stmt.columns.map((c) => {
    const i = table.columns.findIndex((col) => col.name === c.name);
    if (i < 0) throw new FlintError(SqlState.undefinedColumn, `column "${c.name}" of relation "${table.name}" does not exist`, { position: c.pos + 1 });
    if (seen.has(i)) throw new FlintError('42701', `column "${c.name}" specified more than once`, { position: c.pos + 1 });
    seen.add(i);
    return i;
  });
}

/** The source rows, each value coerced to its target column's type (DEFAULT where the column default applies). */
function proposedValues(stmt: ast.Insert, table: SqlTable, targetIndexes: number[], binder: QueryBinder, ctx: ExecContext): Row[] {
  // GENERATED ALWAYS identity columns take a value only with OVERRIDING SYSTEM VALUE.
  const always = stmt.overriding === null ? targetIndexes.map((i) => table.columns[i]!).find((c) => c.identity?.always === true) : undefined;
  const refuse = (): never => {
    throw identityAlways(always!, `cannot insert a non-DEFAULT value into column "${always!.name}"`, 'Use OVERRIDING SYSTEM VALUE to override.');
  };
  if (stmt.source === null) {
    targetIndexes.length = 0;
    return [[]];
  }
  const source = stmt.source;
  if (source.body.kind === 'values' && source.orderBy.length === 0 && source.limit === null && source.with === null) {
    const scope = new Scope([], null);
    const rows = source.body.rows;
    const compiled = rows.map((r) => {
      if (r.length > targetIndexes.length) throw new FlintError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: r[targetIndexes.length]!.pos + 1 });
      // Without a column list, PostgreSQL fills the first columns and defaults the rest.
      if (r.length < targetIndexes.length && stmt.columns !== null) {
        // PostgreSQL points at the first target column left without a value.
        throw new FlintError(SqlState.syntaxError, 'INSERT has more target columns than expressions', { position: stmt.columns[r.length]!.pos + 1 });
      }
      if (r.length !== rows[0]!.length) throw new FlintError(SqlState.syntaxError, 'VALUES lists must all be the same length', { position: (r[0]?.pos ?? stmt.pos) + 1 });
      return r.map((e, i): Compiled | null => {
        if (e.kind === 'default') return null;
        const col = table.columns[targetIndexes[i]!]!;
        if (col === always) refuse();
        return compileExpr(binder.exprs.coerce(binder.exprs.bind(e, scope, null, col.type), col.type, 'assignment', e.pos, col.name));
      });
    });
    return compiled.map((exprs) => exprs.map((e) => (e === null ? DEFAULT : e([], ctx))));
  }
  const plan = binder.bindQuery(source, null);
  if (plan.columns.length > targetIndexes.length) throw new FlintError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: source.pos + 1 });
  if (always !== undefined && targetIndexes.indexOf(table.columns.indexOf(always)) < plan.columns.length) refuse();
  const casts = plan.columns.map((c, i) => {
    const col = table.columns[targetIndexes[i]!]!;
    return compileExpr(binder.exprs.coerce({ kind: 'column', type: c.type, index: i, name: c.name }, col.type, 'assignment', source.pos, col.name));
  });
  return runPlanRows(plan, ctx).map((r) => casts.map((cast) => cast(r, ctx)));
}

interface BoundConflict {
  /** The existing row the proposed one conflicts with, by any arbiter. */
  find(row: Row, dml: DmlContext): { tid: number; row: Row } | undefined;
  /** DO UPDATE's SET over [existing row, proposed row]; null for DO NOTHING. */
  readonly update: ((source: Row, next: Row, ctx: ExecContext) => void) | null;
  readonly where: Compiled | null;
}

function bindOnConflict(c: ast.OnConflict, table: SqlTable, alias: string, binder: QueryBinder, writer: TableWriter): BoundConflict {
  const arbiters = conflictArbiters(c, table);
  const find = (row: Row, dml: DmlContext) => {
    for (const a of arbiters) {
      const found = findByKey(dml.options, table, a.indexes, a.indexes.map((i): RuntimeValue => row[i] ?? null));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  if (c.action === 'nothing') return { find, update: null, where: null };
  // DO UPDATE sees the existing row under the table's name (or alias) and the proposed one as EXCLUDED.
  const columns = table.columns.map((col) => ({ name: col.name, table: alias, type: col.type, hidden: false }));
  const excluded = table.columns.map((col) => ({ name: col.name, table: 'excluded', type: col.type, hidden: false }));
  const scope = new Scope([...columns, ...excluded], null);
  for (const set of c.set) {
    const names = set.kind === 'assign' ? [set.column] : set.columns;
    for (const n of names) {
      if (!table.columns.some((col) => col.name === n.name)) {
        throw new FlintError(SqlState.undefinedColumn, `column "${n.name}" of relation "${table.name}" does not exist`, { position: n.pos + 1 });
      }
    }
  }
  const update = bindAssignments(c.set, table, scope, binder, () => writer.defaults);
  const where = c.where === null ? null : compileExpr(binder.exprs.bindCondition(c.where, scope, 'WHERE'));
  return { find, update, where };
}

/** The constraints ON CONFLICT checks: PostgreSQL's arbiter inference over PRIMARY KEY and UNIQUE constraints. */
function conflictArbiters(c: ast.OnConflict, table: SqlTable): UniqueKey[] {
  const keys = uniqueKeys(table);
  if (c.constraint !== null) {
    const named = table.constraints.find((x) => x.name === c.constraint);
    if (named === undefined) throw new FlintError('42704', `constraint "${c.constraint}" for table "${table.name}" does not exist`, { position: c.pos + 1 });
    const key = keys.find((k) => k.constraint === named);
    if (key === undefined) throw new FlintError('42809', 'constraint in ON CONFLICT clause has no associated index', { position: c.pos + 1 });
    return [key];
  }
  if (c.target === null) {
    if (c.action === 'update') {
      throw new FlintError(SqlState.syntaxError, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
        position: c.pos + 1, hint: 'For example, ON CONFLICT (column_name).',
      });
    }
    return keys;
  }
  const wanted = new Set<string>();
  for (const e of c.target) {
    if (e.column === null) throw noMatch(c);
    if (!table.columns.some((col) => col.name === e.column)) throw new FlintError(SqlState.undefinedColumn, `column "${e.column}" does not exist`, { position: e.pos + 1 });
    wanted.add(e.column);
  }
  const matching = keys.filter((k) => k.constraint.columns.length === wanted.size && k.constraint.columns.every((n) => wanted.has(n)));
  if (matching.length === 0) throw noMatch(c);
  return matching;
}

function noMatch(c: ast.OnConflict): FlintError {
  return new FlintError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification', { position: c.pos + 1 });
}
