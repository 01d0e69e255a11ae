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
import { CLOCK_FREE_INPUT } from './clock-free.ts';
import { binderOf, tableFor, type BindOptions, type RunOptions, type StatementResult } from './statement-context.ts';
import { DmlContext, WriterPlan } from './table-writer.ts';

export function runInsert(stmt: ast.Insert, options: RunOptions): StatementResult {
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  return binder.withClause(stmt.with, () => {
    const plan = new WriterPlan(table, binder, options.engine);
    const insert = bindInsertBody(stmt, table, binder, plan);
    return insert(new DmlContext(options, binder, null, new Map([[table.def.id, plan]])));
  });
}

/**
 * INSERT bound once for many runs (a prepared statement's cached binding).
 * With a WITH clause it binds on every run.
 */
export function bindInsert(stmt: ast.Insert, options: BindOptions): { run(options: RunOptions): StatementResult; readonly clockFree: boolean } {
  if (stmt.with !== null) return { run: (o) => runInsert(stmt, o), clockFree: false };
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const plan = new WriterPlan(table, binder, options.engine);
  // Compiled now, while binding: what they read of the context decides whether the binding is kept.
  void plan.defaults;
  const body: InsertBindingInfo = { clockFree: false };
  const insert = bindInsertBody(stmt, table, binder, plan, body);
  if (body.lean !== undefined) return { clockFree: body.clockFree, run: body.lean };
  const plans = new Map([[table.def.id, plan]]);
  // One DmlContext (and its ExecContext) serves run after run: a run takes it, restarts it and gives it back
  // when it ends (a run that starts while another has it, which nothing does now, makes its own).
  let spare: DmlContext | null = null;
  return {
    clockFree: body.clockFree,
    run: (o) => {
      let dml = spare;
      if (dml === null) dml = new DmlContext(o, null, null, plans);
      else {
        spare = null;
        dml.restart(o);
      }
      try {
        return insert(dml);
      } finally {
        spare = dml;
      }
    },
  };
}

/** What binding an INSERT found out, besides the function that runs it. */
interface InsertBindingInfo {
  /** Running it never reads the statement's clock (see BoundStatement.clockFree). */
  clockFree: boolean;
  /** A run that needs no DmlContext (a single row of bare parameters, nothing but NOT NULL to check): runs it instead. */
  lean?: (options: RunOptions) => StatementResult;
}

/**
 * Bind an INSERT's target columns, source, RETURNING and ON CONFLICT; the
 * result runs it. `out` receives what else binding found out.
 */
function bindInsertBody(stmt: ast.Insert, table: SqlTable, binder: QueryBinder, plan: WriterPlan, out?: InsertBindingInfo): (dml: DmlContext) => StatementResult {
  const targetIndexes = targetColumns(stmt, table);
  const source = bindSource(stmt, table, targetIndexes, binder);
  const alias = stmt.alias ?? table.name;
  const returning = returningOf(stmt.returning, tableScope(table, alias), binder);
  const conflict = stmt.onConflict === null ? null : bindOnConflict(stmt.onConflict, table, alias, binder, plan);
  const width = table.columns.length;
  // OVERRIDING USER VALUE: identity columns take their default whatever is given.
  const identities = stmt.overriding === 'user' ? table.columns.flatMap((c, i) => (c.identity !== null ? [i] : [])) : [];
  const targets = source.targets;
  // One row of VALUES, no ON CONFLICT, RETURNING or OVERRIDING USER VALUE (a
  // prepared INSERT ... VALUES ($1, ...) run many times): the row is built
  // straight from the compiled values, without the general path's arrays.
  const single = source.single;
  if (single !== undefined && conflict === null && returning === null && identities.length === 0) {
    // VALUES may be shorter than an INSERT without a column list: the rest take their defaults.
    const n = single.length;
    // The columns given no value (left out, or DEFAULT): each run evaluates their DEFAULTs, in column order.
    const given: boolean[] = [];
    for (let c = 0; c < width; c++) given.push(false);
    for (let i = 0; i < n; i++) if (single[i] !== null) given[targets[i]!] = true;
    const defaulted: number[] = [];
    for (let c = 0; c < width; c++) if (!given[c]) defaulted.push(c);
    // Each run copies it: DEFAULT where no value is given, null where one is. Built by push, so that it and
    // its copies are packed arrays (new Array(n).fill() stays holey, and slower to write and read).
    const template: Row = [];
    for (let c = 0; c < width; c++) template.push(given[c] ? null : DEFAULT);
    if (out !== undefined) out.clockFree = singleClockFree(source, plan, width);
    // Every value a bare parameter ($k of the column's type: the common prepared INSERT): read them straight from the
    // parameters, without calling each value's compiled expression.
    const paramIndexes = source.singleParams;
    if (paramIndexes !== undefined) {
      const checks = plan.checks;
      const defaults = plan.defaults;
      if (out !== undefined && checks.checks.length === 0 && checks.uniques.length === 0 && plan.outgoing.length === 0 && defaulted.every((c) => defaults[c] === null || defaults[c] === undefined)) {
        // Nothing to evaluate but the parameters, nothing to check but NOT NULL (the engine enforces the keys), nothing
        // to do when the statement ends: no DmlContext (one is made for an error's explanation), no ExecContext.
        // The columns given no value have no DEFAULT: null, as the path below would give them.
        const nulls: Row = [];
        for (let c = 0; c < width; c++) nulls.push(null);
        const tableId = table.def.id;
        const encode = plan.encode;
        // One row array for every run (not a copy of `nulls` per row): the engine only reads the row it inserts, and
        // nothing keeps it. A run that starts while another is under way (a parameter's conversion calling back into
        // this statement) takes a copy. The given columns are set back to null after each run, so that the array
        // keeps no value alive between runs.
        const scratch = nulls.slice();
        let busy = false;
        // Each parameter read once ($1, $2, ... with no repeat): the parameters may convert them straight into the row
        // (RunParams.readInto), without keeping the values for another read.
        const once = new Set(paramIndexes).size === n;
        out.lean = (o) => {
          const params = o.params;
          const own = !busy;
          const row = own ? scratch : nulls.slice();
          busy = true;
          try {
            if (once && params.readInto !== undefined) params.readInto(row, targets, paramIndexes, n);
            else for (let i = 0; i < n; i++) row[targets[i]!] = params.get(paramIndexes[i]!);
            checks.checkNotNull(row);
            try {
              o.engine.insert(o.txn, tableId, encode(row));
            } catch (error) {
              throw new DmlContext(o, null, null, new Map([[tableId, plan]])).writer(table).checks.explain(error, row);
            }
          } finally {
            if (own) {
              for (let i = 0; i < n; i++) row[targets[i]!] = null;
              busy = false;
            }
          }
          return INSERTED_ONE;
        };
      }
      return (dml) => {
        const ctx = dml.ctx;
        const params = ctx.params;
        const row = template.slice();
        for (let i = 0; i < n; i++) row[targets[i]!] = params.get(paramIndexes[i]!);
        const defaults = plan.defaults;
        for (let k = 0; k < defaulted.length; k++) {
          const c = defaulted[k]!;
          row[c] = defaults[c]?.(ctx) ?? null;
        }
        plan.insert(dml, row, null);
        dml.finish();
        return INSERTED_ONE;
      };
    }
    return (dml) => {
      const ctx = dml.ctx;
      const row = template.slice();
      // A value undefined (none of them is) takes its column's DEFAULT: then every DEFAULT is evaluated in column order as below.
      let late = false;
      for (let i = 0; i < n; i++) {
        const e = single[i]!;
        if (e === null) continue;
        const v = e(NO_ROW, ctx);
        if (v !== undefined) row[targets[i]!] = v;
        else {
          row[targets[i]!] = DEFAULT;
          late = true;
        }
      }
      const defaults = plan.defaults;
      if (!late) {
        for (let k = 0; k < defaulted.length; k++) {
          const c = defaulted[k]!;
          row[c] = defaults[c]?.(ctx) ?? null;
        }
      } else {
        for (let c = 0; c < width; c++) if (row[c] === DEFAULT) row[c] = defaults[c]?.(ctx) ?? null;
      }
      // Straight through the plan: no TableWriter for one row (the statement's writer of the table is this plan's).
      plan.insert(dml, row, null);
      dml.finish();
      return INSERTED_ONE;
    };
  }
  return (dml) => {
    const { ctx } = dml;
    const writer = dml.writer(table);
    const defaults = writer.defaults;
    const sourceRows = source.rows(ctx);
    const out: Row[] = [];
    let count = 0;
    /** Versions this command inserted or updated: ON CONFLICT DO UPDATE must not update them again. */
    const touched = conflict === null ? null : new Set<number>();
    for (const values of sourceRows) {
      const row: Row = new Array(width).fill(DEFAULT);
      for (let i = 0; i < targets.length; i++) {
        const v = values[i];
        row[targets[i]!] = v === undefined ? DEFAULT : v;
      }
      for (const i of identities) row[i] = DEFAULT;
      for (let i = 0; i < width; i++) {
        if (row[i] === DEFAULT) row[i] = defaults[i]?.(ctx) ?? null;
      }
      if (conflict !== null) {
        writer.checks.checkNotNullAndChecks(row);
        const existing = conflict.find(row, dml);
        if (existing !== undefined) {
          if (conflict.update === null) continue;
          if (touched!.has(existing.tid)) {
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
          touched!.add(newTid);
          count++;
          if (returning !== null) out.push(returning.project(next, ctx));
          continue;
        }
      }
      const tid = writer.insert(row);
      touched?.add(tid);
      count++;
      if (returning !== null) out.push(returning.project(row, ctx));
    }
    dml.finish();
    return { command: `INSERT 0 ${count}`, columns: returning?.columns ?? [], rows: out, rowCount: count };
  };
}

/**
 * Does a single-row INSERT (the path above) never read the statement's
 * clock? Its values are read only by converting parameters (the text input
 * of date and time types reads it: 'now', 'today'), by the column DEFAULTs
 * it evaluates, by CHECK constraints, and by the checks of keys without an
 * index and of foreign keys. So: every value a parameter of a type whose
 * input never reads the clock, or a constant; no column left to a DEFAULT
 * that has one; no CHECK, no UNIQUE without an index, no foreign key. Any
 * doubt is a no: the clock is then read when the statement starts.
 */
function singleClockFree(source: BoundSource, plan: WriterPlan, width: number): boolean {
  const kinds = source.singleKinds;
  if (kinds === undefined) return false;
  const given = new Array<boolean>(width).fill(false);
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i]!;
    if (kind === null) continue;
    if (kind !== 'const' && !CLOCK_FREE_INPUT.has(kind)) return false;
    given[source.targets[i]!] = true;
  }
  const defaults = plan.defaults;
  for (let i = 0; i < width; i++) if (!given[i] && defaults[i] !== null && defaults[i] !== undefined) return false;
  const checks = plan.checks;
  return checks.checks.length === 0 && checks.uniques.length === 0 && plan.outgoing.length === 0;
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

/**
 * The bound source: `rows` computes the proposed rows when the statement
 * runs (every value coerced to its target column's type; DEFAULT where the
 * column default applies), one value per column of `targets`.
 */
interface BoundSource {
  readonly targets: readonly number[];
  rows(ctx: ExecContext): Row[];
  /** A VALUES list of one row: its compiled values (null: DEFAULT), which `rows` computes as its only row. */
  readonly single?: readonly (Compiled | null)[];
  /**
   * What each of `single`'s values is: 'const' a constant, a type id a bare
   * parameter of that type, '' anything else; null DEFAULT.
   */
  readonly singleKinds?: readonly (string | null)[];
  /** When every one of `single`'s values is a bare parameter: each one's index ($1 is 0). */
  readonly singleParams?: readonly number[];
}

/** The row a VALUES expression is evaluated against: none. */
const NO_ROW: Row = [];
/** The result columns of an INSERT without RETURNING (never changed). */
const NO_COLUMNS: StatementResult['columns'] = Object.freeze([]);
/** The result rows of an INSERT without RETURNING (frozen: shared by every such result). */
const NO_ROWS: Row[] = Object.freeze([]) as unknown as Row[];
/** The result of a single-row INSERT without RETURNING (frozen: shared by all of them; Session copies one it adds notices to). */
const INSERTED_ONE: StatementResult = Object.freeze({ command: 'INSERT 0 1', columns: NO_COLUMNS, rows: NO_ROWS, rowCount: 1 });

function bindSource(stmt: ast.Insert, table: SqlTable, targetIndexes: number[], binder: QueryBinder): BoundSource {
  // GENERATED ALWAYS identity columns take a value only with OVERRIDING SYSTEM VALUE.
  const always = stmt.overriding === null ? targetIndexes.map((i) => table.columns[i]!).find((c) => c.identity?.always === true) : undefined;
  const refuse = (): never => {
    throw identityAlways(always!, `cannot insert a non-DEFAULT value into column "${always!.name}"`, 'Use OVERRIDING SYSTEM VALUE to override.');
  };
  if (stmt.source === null) return { targets: [], rows: () => [[]] };
  const source = stmt.source;
  if (source.body.kind === 'values' && source.orderBy.length === 0 && source.limit === null && source.with === null) {
    const scope = new Scope([], null);
    const rows = source.body.rows;
    const kinds: (string | null)[][] = [];
    // Per row: the index of each value's parameter, or null once a value is not a bare parameter.
    const params: (number[] | null)[] = [];
    const compiled = rows.map((r) => {
      const rowKinds: (string | null)[] = [];
      kinds.push(rowKinds);
      let rowParams: number[] | null = [];
      if (r.length > targetIndexes.length) throw new FlintError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: r[targetIndexes.length]!.pos + 1 });
      // Without a column list, PostgreSQL fills the first columns and defaults the rest.
      if (r.length < targetIndexes.length && stmt.columns !== null) {
        // PostgreSQL points at the first target column left without a value.
        throw new FlintError(SqlState.syntaxError, 'INSERT has more target columns than expressions', { position: stmt.columns[r.length]!.pos + 1 });
      }
      if (r.length !== rows[0]!.length) throw new FlintError(SqlState.syntaxError, 'VALUES lists must all be the same length', { position: (r[0]?.pos ?? stmt.pos) + 1 });
      const values = r.map((e, i): Compiled | null => {
        if (e.kind === 'default') {
          rowKinds.push(null);
          rowParams = null;
          return null;
        }
        const col = table.columns[targetIndexes[i]!]!;
        if (col === always) refuse();
        const bound = binder.exprs.coerce(binder.exprs.bind(e, scope, null, col.type), col.type, 'assignment', e.pos, col.name);
        rowKinds.push(bound.kind === 'const' ? 'const' : bound.kind === 'param' ? bound.type.id : '');
        if (bound.kind === 'param') rowParams?.push(bound.index);
        else rowParams = null;
        return compileExpr(bound);
      });
      params.push(rowParams);
      return values;
    });
    const noRow: Row = [];
    return {
      targets: targetIndexes,
      ...(compiled.length === 1 ? { single: compiled[0]!, singleKinds: kinds[0]!, ...(params[0] !== null ? { singleParams: params[0] } : {}) } : {}),
      rows: (ctx) =>
        compiled.map((exprs) => {
          const values: Row = new Array(exprs.length);
          for (let i = 0; i < exprs.length; i++) {
            const e = exprs[i]!;
            values[i] = e === null ? DEFAULT : e(noRow, ctx);
          }
          return values;
        }),
    };
  }
  const plan = binder.bindQuery(source, null);
  if (plan.columns.length > targetIndexes.length) throw new FlintError(SqlState.syntaxError, 'INSERT has more expressions than target columns', { position: source.pos + 1 });
  if (always !== undefined && targetIndexes.indexOf(table.columns.indexOf(always)) < plan.columns.length) refuse();
  const casts = plan.columns.map((c, i) => {
    const col = table.columns[targetIndexes[i]!]!;
    return compileExpr(binder.exprs.coerce({ kind: 'column', type: c.type, index: i, name: c.name }, col.type, 'assignment', source.pos, col.name));
  });
  return { targets: targetIndexes, rows: (ctx) => runPlanRows(plan, ctx).map((r) => casts.map((cast) => cast(r, ctx))) };
}

interface BoundConflict {
  /** The existing row the proposed one conflicts with, by any arbiter. */
  find(row: Row, dml: DmlContext): { tid: number; row: Row } | undefined;
  /** DO UPDATE's SET over [existing row, proposed row]; null for DO NOTHING. */
  readonly update: ((source: Row, next: Row, ctx: ExecContext) => void) | null;
  readonly where: Compiled | null;
}

function bindOnConflict(c: ast.OnConflict, table: SqlTable, alias: string, binder: QueryBinder, plan: WriterPlan): BoundConflict {
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
  const update = bindAssignments(c.set, table, scope, binder, () => plan.defaults);
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
