// Running statements: queries through the planner and executor, DML row by
// row through the engine, DDL into the engine's catalog. The session layer
// (src/db) owns transactions and calls runStatement with the transaction a
// statement runs in.

import { FlintError, SqlState } from '../../errors.ts';
import type { StorageValue } from '../../storage/tuple.ts';
import type { ColumnDef, Engine, TableDef } from '../../txn/engine.ts';
import type { Transaction } from '../../txn/transaction.ts';
import type * as ast from '../ast.ts';
import type { SqlColumnMeta, SqlConstraintMeta, SqlTable, SqlTableMeta } from '../catalog.ts';
import { formatExpr } from '../format.ts';
import { parse } from '../parser.ts';
import type { BoundExpr } from '../plan/bound.ts';
import { QueryBinder } from '../plan/bind-query.ts';
import type { OutputColumn, Plan } from '../plan/plan.ts';
import { Scope } from '../plan/scope.ts';
import { isSerialType, sqlTypeOf } from '../plan/type-names.ts';
import { decoderFor, encoderFor, storageTypeOf } from '../storage-values.ts';
import type { EvalContext } from '../types/eval-context.ts';
import type { SqlType } from '../types/sql-type.ts';
import { compositeHashKey } from '../types/compare.ts';
import { T, type RuntimeValue } from '../types/type-info.ts';
import { compileExpr } from './compile-expr.ts';
import type { ExecContext, Row } from './context.ts';
import { EngineCatalog, isView, type ViewMeta } from './engine-catalog.ts';
import { runPlanRows } from './run.ts';
import { explainPlan } from './explain.ts';

export interface StatementResult {
  /** PostgreSQL's command tag: SELECT 3, INSERT 0 1, CREATE TABLE, ... */
  readonly command: string;
  readonly columns: readonly OutputColumn[];
  readonly rows: Row[];
  /** Rows returned or affected. */
  readonly rowCount: number;
}

/** Database-wide state the statements share (sequence counters). */
export interface SqlDatabaseState {
  /** Next value of each table's serial/identity column, keyed "table.column". */
  readonly sequences: Map<string, bigint>;
  /** The serial/identity value the last INSERT generated (better-sqlite3's lastInsertRowid). */
  lastInsertId: bigint | number | undefined;
}

export interface RunOptions {
  readonly engine: Engine;
  readonly txn: Transaction;
  /** Parameter values, read through the types the binder inferred (shared with `paramTypes`). */
  readonly params: { get(index: number): RuntimeValue };
  /** Parameter types: declared by the caller, or filled in by the binder as it infers them. */
  readonly paramTypes: (SqlType | undefined)[];
  readonly eval: EvalContext;
  readonly state: SqlDatabaseState;
  readonly checkInterrupt: () => void;
}

export function runStatement(stmt: ast.Statement, options: RunOptions): StatementResult {
  switch (stmt.kind) {
    case 'query':
      return runQuery(stmt, options);
    case 'insert':
      return runInsert(stmt, options);
    case 'update':
      return runUpdate(stmt, options);
    case 'delete':
      return runDelete(stmt, options);
    case 'createTable':
      return createTable(stmt, options);
    case 'createView':
      return createView(stmt, options);
    case 'drop':
      return drop(stmt, options);
    case 'createIndex':
      return createIndex(stmt, options);
    case 'truncate':
      return truncate(stmt, options);
    case 'explain':
      return explain(stmt, options);
    case 'vacuum':
      options.engine.vacuum();
      return done('VACUUM');
    case 'checkpoint':
      options.engine.checkpoint();
      return done('CHECKPOINT');
    default:
      throw new FlintError(SqlState.featureNotSupported, `${stmt.kind} statements are not supported yet`, { position: stmt.pos + 1 });
  }
}

function done(command: string, rowCount = 0): StatementResult {
  return { command, columns: [], rows: [], rowCount };
}

function contextOf(options: RunOptions): ExecContext {
  return {
    engine: options.engine, txn: options.txn, params: options.params, eval: options.eval,
    outer: [], cache: new Map(), checkInterrupt: options.checkInterrupt,
  };
}

function binderOf(options: RunOptions): QueryBinder {
  return new QueryBinder(new EngineCatalog(options.engine), options.paramTypes, options.eval);
}

/** Bind a query to a plan (exported for prepare-time column descriptions). */
export function planQuery(stmt: ast.Query, options: Pick<RunOptions, 'engine' | 'eval'>, paramTypes: (SqlType | undefined)[] = []): Plan {
  return new QueryBinder(new EngineCatalog(options.engine), paramTypes, options.eval).bindQuery(stmt, null);
}

function runQuery(stmt: ast.Query, options: RunOptions): StatementResult {
  const plan = binderOf(options).bindQuery(stmt, null);
  const rows = runPlanRows(plan, contextOf(options));
  return { command: `SELECT ${rows.length}`, columns: plan.columns, rows, rowCount: rows.length };
}

function explain(stmt: ast.Explain, options: RunOptions): StatementResult {
  if (stmt.statement.kind !== 'query') throw new FlintError(SqlState.featureNotSupported, 'EXPLAIN supports queries only so far', { position: stmt.pos + 1 });
  const plan = binderOf(options).bindQuery(stmt.statement, null);
  const analyze = stmt.options.some((o) => o.name === 'analyze' && o.value !== 'false' && o.value !== 'off');
  const lines = explainPlan(plan, analyze ? contextOf(options) : null);
  return { command: 'EXPLAIN', columns: [{ name: 'QUERY PLAN', type: T.text }], rows: lines.map((l) => [l]), rowCount: lines.length };
}

// ---- DML ----------------------------------------------------------------------------

function tableFor(name: ast.QualifiedName, options: RunOptions): SqlTable {
  const catalog = new EngineCatalog(options.engine);
  const table = catalog.table(name.name);
  if (table === undefined) {
    if (catalog.view(name.name) !== undefined) throw new FlintError('0A000', `cannot change view "${name.name}"`, { position: name.pos + 1 });
    throw new FlintError('42P01', `relation "${name.name}" does not exist`, { position: name.pos + 1 });
  }
  return table;
}

/** Bound DEFAULT expressions of a table's columns (null where none). */
function defaultsOf(table: SqlTable, binder: QueryBinder, options: RunOptions): (((row: Row) => RuntimeValue) | null)[] {
  const scope = new Scope([], null);
  const ctx = contextOf(options);
  return table.columns.map((c) => {
    if (c.identity !== null) {
      const key = `${table.name}.${c.name}`;
      return () => nextSequenceValue(key, table, c, options);
    }
    if (c.default === null) return null;
    const parsed = parse(`SELECT ${c.default}`)[0] as ast.Query;
    const expr = ((parsed.body as ast.Select).targets[0]!).expr;
    const bound = binder.exprs.coerce(binder.exprs.bind(expr, scope), c.type, 'assignment', 0);
    const compiled = compileExpr(bound);
    return (row) => compiled(row, ctx);
  });
}

/**
 * Serial and identity columns: the next value after the largest the table
 * holds, counted in memory from then on. Not yet a persistent sequence
 * object: values are never reused while the database is open, and after a
 * restart numbering resumes after the largest value stored.
 */
function nextSequenceValue(key: string, table: SqlTable, column: SqlColumnMeta, options: RunOptions): RuntimeValue {
  let next = options.state.sequences.get(key);
  if (next === undefined) {
    next = 1n;
    const index = table.columns.indexOf(column);
    const decode = decoderFor(column.type);
    options.engine.scan(options.txn, table.def.id, (_tid, row) => {
      const v = decode(row[index] ?? null);
      if (v !== null && BigInt(v as number | bigint) >= next!) next = BigInt(v as number | bigint) + 1n;
    });
  }
  options.state.sequences.set(key, next + 1n);
  const value = column.type.id === 'int8' ? next : Number(next);
  options.state.lastInsertId = value;
  return value;
}

interface RowWriter {
  /** Check constraints and encode a full row of SQL values for the engine. */
  encode(row: Row, skipTid?: number): StorageValue[];
}

function rowWriter(table: SqlTable, binder: QueryBinder, options: RunOptions): RowWriter {
  const encoders = table.columns.map((c) => encoderFor(c.type));
  const ctx = contextOf(options);
  const scope = new Scope(table.columns.map((c) => ({ name: c.name, table: table.name, type: c.type, hidden: false })), null);
  const checks = table.constraints.filter((c) => c.kind === 'check').map((c) => {
    const parsed = parse(`SELECT ${c.expr}`)[0] as ast.Query;
    const bound = binder.exprs.bindCondition((parsed.body as ast.Select).targets[0]!.expr, scope, 'CHECK');
    return { name: c.name, test: compileExpr(bound) };
  });
  const uniques = table.constraints
    .filter((c) => c.kind === 'primaryKey' || c.kind === 'unique')
    .map((c) => ({ c, indexes: c.columns.map((name) => table.columns.findIndex((col) => col.name === name)) }));
  return {
    encode(row, skipTid) {
      for (let i = 0; i < table.columns.length; i++) {
        const col = table.columns[i]!;
        if (row[i] === null && col.notNull) {
          throw new FlintError(SqlState.notNullViolation, `null value in column "${col.name}" of relation "${table.name}" violates not-null constraint`);
        }
      }
      for (const check of checks) {
        if (check.test(row, ctx) === false) {
          throw new FlintError(SqlState.checkViolation, `new row for relation "${table.name}" violates check constraint "${check.name}"`);
        }
      }
      for (const u of uniques) checkUnique(table, u.c, u.indexes, row, options, skipTid);
      return row.map((v, i) => encoders[i]!(v));
    },
  };
}

/**
 * PRIMARY KEY / UNIQUE without an index yet: a scan for a visible row with
 * the same key. Correct under the engine's snapshot rules (a concurrent
 * insert of the same key is caught at commit only once unique indexes land
 * with issue 5), and O(rows) per insert until then.
 */
function checkUnique(table: SqlTable, c: SqlConstraintMeta, indexes: number[], row: Row, options: RunOptions, skipTid?: number): void {
  const values = indexes.map((i) => row[i] ?? null);
  if (values.includes(null)) return;
  const types = indexes.map((i) => table.columns[i]!.type);
  const key = compositeHashKey(values, types);
  const decoders = indexes.map((i) => decoderFor(table.columns[i]!.type));
  let duplicate = false;
  options.engine.scan(options.txn, table.def.id, (tid, stored) => {
    if (tid === skipTid) return true;
    const other = indexes.map((i, k) => decoders[k]!(stored[i] ?? null));
    if (compositeHashKey(other, types) === key) {
      duplicate = true;
      return false;
    }
    return true;
  });
  if (duplicate) {
    const cols = c.columns.join(', ');
    throw new FlintError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${c.name}"`, {
      detail: `Key (${cols})=(${values.map(String).join(', ')}) already exists.`,
    });
  }
}

function runInsert(stmt: ast.Insert, options: RunOptions): StatementResult {
  if (stmt.with !== null) throw new FlintError('0A000', 'WITH on INSERT is not supported yet', { position: stmt.pos + 1 });
  if (stmt.onConflict !== null) throw new FlintError('0A000', 'ON CONFLICT is not supported yet', { position: stmt.onConflict.pos + 1 });
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const targetIndexes = stmt.columns === null
    ? table.columns.map((_, i) => i)
    : stmt.columns.map((c) => {
        const i = table.columns.findIndex((col) => col.name === c.name);
        if (i < 0) throw new FlintError('42703', `column "${c.name}" of relation "${table.name}" does not exist`, { position: c.pos + 1 });
        return i;
      });
  const defaults = defaultsOf(table, binder, options);
  const ctx = contextOf(options);

  // The source rows, each value coerced to its target column's type.
  let sourceRows: Row[];
  if (stmt.source === null) {
    sourceRows = [[]];
    targetIndexes.length = 0;
  } else if (stmt.source.body.kind === 'values' && stmt.source.orderBy.length === 0 && stmt.source.limit === null) {
    const scope = new Scope([], null);
    sourceRows = [];
    const compiled = stmt.source.body.rows.map((r) => {
      if (r.length > targetIndexes.length) throw new FlintError('42601', 'INSERT has more expressions than target columns', { position: r[targetIndexes.length]!.pos + 1 });
      if (r.length < targetIndexes.length) throw new FlintError('42601', 'INSERT has more target columns than expressions', { position: (r[0]?.pos ?? stmt.pos) + 1 });
      return r.map((e, i) => {
        if (e.kind === 'default') return null;
        const col = table.columns[targetIndexes[i]!]!;
        return compileExpr(binder.exprs.coerce(binder.exprs.bind(e, scope, null, col.type), col.type, 'assignment', e.pos));
      });
    });
    for (const exprs of compiled) {
      sourceRows.push(exprs.map((e, i) => (e === null ? DEFAULT : e([], ctx))) as Row);
    }
  } else {
    const plan = binder.bindQuery(stmt.source, null);
    if (plan.columns.length > targetIndexes.length) throw new FlintError('42601', 'INSERT has more expressions than target columns', { position: stmt.source.pos + 1 });
    const casts = plan.columns.map((c, i) => {
      const col = table.columns[targetIndexes[i]!]!;
      return compileExpr(binder.exprs.coerce({ kind: 'column', type: c.type, index: i, name: c.name }, col.type, 'assignment', stmt.source!.pos));
    });
    sourceRows = runPlanRows(plan, ctx).map((r) => casts.map((cast) => cast(r, ctx)));
  }

  const writer = rowWriter(table, binder, options);
  const returning = returningOf(stmt.returning, table, binder);
  const out: Row[] = [];
  let count = 0;
  for (const source of sourceRows) {
    const row: Row = new Array(table.columns.length).fill(DEFAULT);
    targetIndexes.forEach((ti, i) => (row[ti] = source[i] === undefined ? DEFAULT : source[i]!));
    for (let i = 0; i < row.length; i++) {
      if (row[i] === DEFAULT) row[i] = defaults[i] === null ? null : defaults[i]!(row);
    }
    options.engine.insert(options.txn, table.def.id, writer.encode(row));
    count++;
    if (returning !== null) out.push(returning.project(row, ctx));
  }
  return { command: `INSERT 0 ${count}`, columns: returning?.columns ?? [], rows: out, rowCount: count };
}

/** Marks a value to be replaced by the column default. */
const DEFAULT = Symbol('default') as unknown as RuntimeValue;

function returningOf(list: readonly ast.ResultTarget[], table: SqlTable, binder: QueryBinder) {
  if (list.length === 0) return null;
  const scope = new Scope(table.columns.map((c) => ({ name: c.name, table: table.name, type: c.type, hidden: false })), null);
  const exprs: BoundExpr[] = [];
  const columns: OutputColumn[] = [];
  for (const t of list) {
    if (t.expr.kind === 'star') {
      table.columns.forEach((c, i) => {
        exprs.push({ kind: 'column', type: c.type, index: i, name: c.name });
        columns.push({ name: c.name, type: c.type });
      });
      continue;
    }
    const b = binder.exprs.bind(t.expr, scope);
    exprs.push(b);
    columns.push({ name: t.alias ?? (t.expr.kind === 'columnRef' ? t.expr.column : '?column?'), type: b.type.id === 'unknown' ? T.text : b.type });
  }
  const compiled = exprs.map(compileExpr);
  return { columns, project: (row: Row, ctx: ExecContext) => compiled.map((e) => e(row, ctx)) };
}

/** The rows of a table matching WHERE, with their tuple ids (collected before any change: no Halloween problem). */
function matchingRows(table: SqlTable, where: ast.Expr | null, binder: QueryBinder, options: RunOptions): { tid: number; row: Row }[] {
  const scope = new Scope(table.columns.map((c) => ({ name: c.name, table: table.name, type: c.type, hidden: false })), null);
  const predicate = where === null ? null : compileExpr(binder.exprs.bindCondition(where, scope, 'WHERE'));
  const decoders = table.columns.map((c) => decoderFor(c.type));
  const ctx = contextOf(options);
  const out: { tid: number; row: Row }[] = [];
  options.engine.scan(options.txn, table.def.id, (tid, stored) => {
    const row = decoders.map((d, i) => d(stored[i] ?? null));
    if (predicate === null || predicate(row, ctx) === true) out.push({ tid, row });
  });
  return out;
}

function runUpdate(stmt: ast.Update, options: RunOptions): StatementResult {
  if (stmt.from.length > 0 || stmt.with !== null) throw new FlintError('0A000', 'UPDATE ... FROM / WITH is not supported yet', { position: stmt.pos + 1 });
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const alias = stmt.alias ?? table.name;
  const scope = new Scope(table.columns.map((c) => ({ name: c.name, table: alias, type: c.type, hidden: false })), null);
  const assignments: { index: number; value: (row: Row, ctx: ExecContext) => RuntimeValue; isDefault: boolean }[] = [];
  const defaults = defaultsOf(table, binder, options);
  for (const set of stmt.set) {
    if (set.kind !== 'assign') throw new FlintError('0A000', 'multi-column SET is not supported yet', { position: set.pos + 1 });
    const index = table.columns.findIndex((c) => c.name === set.column.name);
    if (index < 0) throw new FlintError('42703', `column "${set.column.name}" of relation "${table.name}" does not exist`, { position: set.column.pos + 1 });
    const col = table.columns[index]!;
    if (set.value.kind === 'default') {
      assignments.push({ index, value: (row) => (defaults[index] === null ? null : defaults[index]!(row)), isDefault: true });
      continue;
    }
    const compiled = compileExpr(binder.exprs.coerce(binder.exprs.bind(set.value, scope, null, col.type), col.type, 'assignment', set.value.pos));
    assignments.push({ index, value: compiled, isDefault: false });
  }
  const ctx = contextOf(options);
  const targets = matchingRows(table, stmt.where, binder, options);
  const writer = rowWriter(table, binder, options);
  const returning = returningOf(stmt.returning, table, binder);
  const out: Row[] = [];
  for (const { tid, row } of targets) {
    const next = [...row];
    for (const a of assignments) next[a.index] = a.value(row, ctx);
    options.engine.update(options.txn, table.def.id, tid, writer.encode(next, tid));
    if (returning !== null) out.push(returning.project(next, ctx));
  }
  return { command: `UPDATE ${targets.length}`, columns: returning?.columns ?? [], rows: out, rowCount: targets.length };
}

function runDelete(stmt: ast.Delete, options: RunOptions): StatementResult {
  if (stmt.using.length > 0 || stmt.with !== null) throw new FlintError('0A000', 'DELETE ... USING / WITH is not supported yet', { position: stmt.pos + 1 });
  const table = tableFor(stmt.table, options);
  const binder = binderOf(options);
  const targets = matchingRows(table, stmt.where, binder, options);
  const returning = returningOf(stmt.returning, table, binder);
  const ctx = contextOf(options);
  const out: Row[] = [];
  for (const { tid, row } of targets) {
    options.engine.delete(options.txn, table.def.id, tid);
    if (returning !== null) out.push(returning.project(row, ctx));
  }
  return { command: `DELETE ${targets.length}`, columns: returning?.columns ?? [], rows: out, rowCount: targets.length };
}

// ---- DDL ------------------------------------------------------------------------------

function createTable(stmt: ast.CreateTable, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  if (engine.table(name) !== undefined) {
    if (stmt.ifNotExists) return done('CREATE TABLE');
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  const columns: SqlColumnMeta[] = [];
  const constraints: SqlConstraintMeta[] = [];
  for (const def of stmt.columns) {
    if (columns.some((c) => c.name === def.name)) throw new FlintError('42701', `column "${def.name}" specified more than once`, { position: def.pos + 1 });
    const type = sqlTypeOf(def.type);
    let notNull = false;
    let dflt: string | null = null;
    let identity: SqlColumnMeta['identity'] = null;
    if (isSerialType(def.type)) {
      notNull = true;
      identity = { always: false, sequence: `${name}_${def.name}_seq` };
    }
    for (const c of def.constraints) {
      switch (c.kind) {
        case 'notNull':
          notNull = true;
          break;
        case 'nullable':
          break;
        case 'columnDefault':
          dflt = formatExpr(c.expr);
          break;
        case 'primaryKey':
          notNull = true;
          constraints.push({ name: c.name ?? `${name}_pkey`, kind: 'primaryKey', columns: [def.name] });
          break;
        case 'unique':
          constraints.push({ name: c.name ?? `${name}_${def.name}_key`, kind: 'unique', columns: [def.name] });
          break;
        case 'check':
          constraints.push({ name: c.name ?? `${name}_${def.name}_check`, kind: 'check', columns: [def.name], expr: formatExpr(c.expr) });
          break;
        case 'identity':
          notNull = true;
          identity = { always: c.always, sequence: `${name}_${def.name}_seq` };
          break;
        case 'foreignKey':
          throw new FlintError('0A000', 'FOREIGN KEY is not supported yet', { position: c.pos + 1 });
        case 'generated':
          throw new FlintError('0A000', 'generated columns are not supported yet', { position: c.pos + 1 });
      }
    }
    columns.push({ name: def.name, type, notNull, default: dflt, identity });
  }
  for (const c of stmt.constraints) {
    const cols = (c.kind === 'check' ? [] : c.columns ?? []).map((i) => {
      const col = columns.find((x) => x.name === i.name);
      if (col === undefined) throw new FlintError('42703', `column "${i.name}" named in key does not exist`, { position: i.pos + 1 });
      return i.name;
    });
    switch (c.kind) {
      case 'primaryKey':
        if (constraints.some((x) => x.kind === 'primaryKey')) throw new FlintError('42P16', `multiple primary keys for table "${name}" are not allowed`, { position: c.pos + 1 });
        for (const colName of cols) {
          const i = columns.findIndex((x) => x.name === colName);
          columns[i] = { ...columns[i]!, notNull: true };
        }
        constraints.push({ name: c.name ?? `${name}_pkey`, kind: 'primaryKey', columns: cols });
        break;
      case 'unique':
        constraints.push({ name: c.name ?? `${name}_${cols.join('_')}_key`, kind: 'unique', columns: cols });
        break;
      case 'check':
        constraints.push({ name: c.name ?? `${name}_check`, kind: 'check', columns: [], expr: formatExpr(c.expr) });
        break;
      case 'foreignKey':
        throw new FlintError('0A000', 'FOREIGN KEY is not supported yet', { position: c.pos + 1 });
    }
  }
  const meta: SqlTableMeta = {
    sql: 1, columns, constraints,
    options: Object.fromEntries(stmt.options.map((o) => [o.name, Array.isArray(o.value) ? o.value.join(',') : String(o.value ?? '')])),
  };
  const storage: ColumnDef[] = columns.map((c) => ({ name: c.name, type: storageTypeOf(c.type), nullable: !c.notNull }));
  engine.createTable(name, storage, meta);
  // Validate CHECK expressions now, so a bad one fails CREATE TABLE, not the first INSERT.
  const created = new EngineCatalog(engine).table(name)!;
  try {
    rowWriter(created, binderOf(options), options);
  } catch (error) {
    engine.dropTable(name);
    throw error;
  }
  return done('CREATE TABLE');
}

function createView(stmt: ast.CreateView, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  const existing = engine.table(name);
  if (existing !== undefined && !(stmt.orReplace && isView(existing))) {
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  // Bind once now: a view over missing tables or with type errors fails at CREATE.
  const plan = binderOf(options).bindQuery(stmt.query, null);
  if (stmt.columns !== null && stmt.columns.length > plan.columns.length) {
    throw new FlintError('42601', 'CREATE VIEW specifies more column names than columns', { position: stmt.pos + 1 });
  }
  const meta: ViewMeta = { sql: 1, kind: 'view', query: stmt.definition, columns: stmt.columns };
  if (existing !== undefined) engine.alterTable(existing.id, { meta });
  else engine.createTable(name, [], meta);
  return done('CREATE VIEW');
}

function drop(stmt: ast.Drop, options: RunOptions): StatementResult {
  const { engine } = options;
  const tag = `DROP ${stmt.objectType.toUpperCase()}`;
  for (const n of stmt.names) {
    if (stmt.objectType === 'index') {
      if (!dropIndex(n.name, options) && !stmt.ifExists) throw new FlintError('42704', `index "${n.name}" does not exist`, { position: n.pos + 1 });
      continue;
    }
    const def = engine.table(n.name);
    const wantView = stmt.objectType === 'view';
    if (def === undefined || isView(def) !== wantView) {
      if (stmt.ifExists) continue;
      if (def !== undefined) throw new FlintError('42809', `"${n.name}" is not a ${stmt.objectType}`, { position: n.pos + 1 });
      throw new FlintError(wantView ? '42P01' : '42P01', `${wantView ? 'view' : 'table'} "${n.name}" does not exist`, { position: n.pos + 1 });
    }
    if (stmt.objectType !== 'table' && stmt.objectType !== 'view') throw new FlintError('0A000', `${tag} is not supported yet`, { position: stmt.pos + 1 });
    engine.dropTable(n.name);
    options.state.sequences.forEach((_v, k) => k.startsWith(`${n.name}.`) && options.state.sequences.delete(k));
  }
  return done(tag);
}

interface IndexMeta {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly method: string;
}

/**
 * CREATE INDEX records the index in the table's metadata; the index
 * structure itself (B+-tree, hash) arrives with issue 5. Until then queries
 * scan, which gives the same answers, and a UNIQUE index is enforced like a
 * UNIQUE constraint.
 */
function createIndex(stmt: ast.CreateIndex, options: RunOptions): StatementResult {
  const { engine } = options;
  const table = tableFor(stmt.table, options);
  const columns = stmt.elements.map((e) => {
    if (e.column === null) throw new FlintError('0A000', 'expression indexes are not supported yet', { position: e.pos + 1 });
    if (!table.columns.some((c) => c.name === e.column)) throw new FlintError('42703', `column "${e.column}" does not exist`, { position: e.pos + 1 });
    return e.column;
  });
  const name = stmt.name ?? `${table.name}_${columns.join('_')}_idx`;
  if (findIndex(name, options) !== undefined) {
    if (stmt.ifNotExists) return done('CREATE INDEX');
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.pos + 1 });
  }
  const meta = table.def.meta as SqlTableMeta & { indexes?: IndexMeta[] };
  const indexes = [...(meta.indexes ?? []), { name, columns, unique: stmt.unique, method: stmt.method ?? 'btree' }];
  const constraints = stmt.unique ? [...meta.constraints, { name, kind: 'unique' as const, columns }] : meta.constraints;
  if (stmt.unique) {
    // Existing rows must already be unique.
    const seen = new Set<string>();
    const idx = columns.map((c) => table.columns.findIndex((x) => x.name === c));
    const types = idx.map((i) => table.columns[i]!.type);
    const decoders = idx.map((i) => decoderFor(table.columns[i]!.type));
    engine.scan(options.txn, table.def.id, (_tid, stored) => {
      const values = idx.map((i, k) => decoders[k]!(stored[i] ?? null));
      if (values.includes(null)) return true;
      const key = compositeHashKey(values, types);
      if (seen.has(key)) throw new FlintError(SqlState.uniqueViolation, `could not create unique index "${name}"`);
      seen.add(key);
      return true;
    });
  }
  engine.alterTable(table.def.id, { meta: { ...meta, indexes, constraints } });
  return done('CREATE INDEX');
}

function findIndex(name: string, options: RunOptions): { table: TableDef; index: IndexMeta } | undefined {
  for (const def of options.engine.tables) {
    const indexes = (def.meta as { indexes?: IndexMeta[] } | undefined)?.indexes ?? [];
    const index = indexes.find((i) => i.name === name);
    if (index !== undefined) return { table: def, index };
  }
  return undefined;
}

function dropIndex(name: string, options: RunOptions): boolean {
  const found = findIndex(name, options);
  if (found === undefined) return false;
  const meta = found.table.meta as SqlTableMeta & { indexes: IndexMeta[] };
  options.engine.alterTable(found.table.id, {
    meta: {
      ...meta,
      indexes: meta.indexes.filter((i) => i.name !== name),
      constraints: found.index.unique ? meta.constraints.filter((c) => c.name !== name) : meta.constraints,
    },
  });
  return true;
}

function truncate(stmt: ast.Truncate, options: RunOptions): StatementResult {
  for (const n of stmt.tables) {
    const table = tableFor(n, options);
    const tids: number[] = [];
    options.engine.scan(options.txn, table.def.id, (tid) => void tids.push(tid));
    for (const tid of tids) options.engine.delete(options.txn, table.def.id, tid);
  }
  return done('TRUNCATE TABLE');
}
