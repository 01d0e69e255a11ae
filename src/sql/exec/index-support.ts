// How SQL tables, constraints and CREATE INDEX map onto the engine's indexes
// (src/txn/index-keys.ts), and the one place that finds rows by key.
//
// Each SQL type is indexed as a memcomparable key type over its storage
// value: integers, dates and timestamps as int64, floats as float64, numeric
// as numeric (so 1.0 and 1.00 are one key), text types as text (code point
// order, PostgreSQL's "C" collation, which is Flint's text order), bytea and
// uuid as bytes (byte order is uuid order). A key built from a runtime value
// goes through the column's storage encoder, so a probe equals a stored key
// exactly when the values are equal under the column's type.

import type { KeyColumn, KeyType } from '../../encoding/index.ts';
import { FlintError, SqlState } from '../../errors.ts';
import type { StorageValue } from '../../storage/tuple.ts';
import type { Engine } from '../../txn/engine.ts';
import type { IndexColumnDef, IndexDef } from '../../txn/index-keys.ts';
import type { SqlTable } from '../catalog.ts';
import { rowDecoder } from '../row-codec.ts';
import { encoderFor } from '../storage-values.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { Row } from './context.ts';
import type { RunOptions } from './statement-context.ts';

/** The key type a SQL type is indexed as; 0A000 for types without an index encoding yet. */
export function keyTypeOf(type: SqlType): KeyType {
  switch (type.id) {
    case 'bool':
      return 'bool';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return 'int64';
    case 'float4':
    case 'float8':
      return 'float64';
    case 'numeric':
      return 'numeric';
    case 'text':
    case 'varchar':
    case 'bpchar':
      return 'text';
    case 'bytea':
    case 'uuid':
      return 'bytes';
    default:
      throw new FlintError(SqlState.featureNotSupported, `indexes on columns of type ${type.id} are not supported yet`);
  }
}

export interface IndexColumnRequest {
  readonly name: string;
  readonly descending?: boolean;
  readonly nulls?: 'first' | 'last';
}

/** Engine index columns for named live columns of a table. */
export function indexColumns(table: SqlTable, columns: readonly IndexColumnRequest[]): IndexColumnDef[] {
  return columns.map((request) => {
    const i = table.columns.findIndex((c) => c.name === request.name);
    if (i < 0) throw new FlintError(SqlState.undefinedColumn, `column "${request.name}" does not exist`);
    const column = table.columns[i]!;
    const key: KeyColumn = {
      type: keyTypeOf(column.type),
      ...(request.descending === true ? { descending: true } : {}),
      ...(request.nulls !== undefined ? { nulls: request.nulls } : {}),
    };
    const missing = table.missing[i] ?? null;
    return { column: table.positions[i]!, key, ...(missing === null ? {} : { missing: encoderFor(column.type)(missing) }) };
  });
}

/** The engine index with this name on the table (constraint and index names are index names). */
export function engineIndex(engine: Engine, table: SqlTable, name: string): IndexDef | undefined {
  return engine.indexes(table.def.id).find((d) => d.name === name);
}

/**
 * An index whose leading columns are exactly `columns` (live column
 * indexes, in any order), with the order of those columns in the index.
 * Prefers a unique index, then the shortest.
 */
export function indexForKey(engine: Engine, table: SqlTable, columns: readonly number[]): { def: IndexDef; order: number[] } | undefined {
  const positions = columns.map((i) => table.positions[i]!);
  let best: { def: IndexDef; order: number[] } | undefined;
  for (const def of engine.indexes(table.def.id)) {
    if (def.columns.length < positions.length) continue;
    const lead = def.columns.slice(0, positions.length).map((c) => c.column);
    const order = lead.map((p) => positions.indexOf(p));
    if (order.some((o) => o < 0) || new Set(order).size !== order.length) continue;
    if (best === undefined || keyIndexScore(def, positions.length) < keyIndexScore(best.def, positions.length)) best = { def, order };
  }
  return best;
}

/** Lower is better for finding rows by a key of `n` columns: a unique index on exactly them, then fewer columns. */
function keyIndexScore(def: IndexDef, n: number): number {
  return (def.unique && def.columns.length === n ? 0 : 1_000_000) + def.columns.length;
}

/** Storage values of key columns (live column indexes) for a probe. */
export function probeValues(table: SqlTable, columns: readonly number[], values: readonly RuntimeValue[]): StorageValue[] {
  return columns.map((c, k) => encoderFor(table.columns[c]!.type)(values[k] ?? null));
}

/**
 * Through an index whose leading columns are the key (every primary key and
 * unique constraint has one): visit the rows of `table` visible to the
 * transaction whose columns `indexes` equal `values` (a key with a NULL
 * matches nothing); stop by returning false. Returns false, having visited
 * nothing, when no index fits: constraints.ts scanByKey then scans.
 */
export function visitRowsByKey(
  options: Pick<RunOptions, 'engine' | 'txn'>,
  table: SqlTable,
  indexes: readonly number[],
  values: readonly RuntimeValue[],
  visit: (tid: number, row: Row) => boolean | void,
): boolean {
  const found = indexForKey(options.engine, table, indexes);
  if (found === undefined) return false;
  if (values.some((v) => v === null)) return true;
  const ordered = found.order.map((o) => indexes[o]!);
  const probe = probeValues(table, ordered, found.order.map((o) => values[o] ?? null));
  const decodeRow = rowDecoder(table);
  const bound = { values: probe, inclusive: true };
  options.engine.indexScan(options.txn, table.def.id, found.def.id, { lower: bound, upper: bound }, (tid, stored, storedCount) =>
    visit(tid, decodeRow(stored, storedCount)),
  );
  return true;
}

/**
 * Make the engine's indexes of a table match its SQL metadata after ALTER
 * TABLE: an index for every PRIMARY KEY / UNIQUE constraint and CREATE
 * INDEX, none for what was dropped. New ones are built from the rows.
 */
export function syncTableIndexes(engine: Engine, table: SqlTable): void {
  const wanted = new Map<string, { columns: IndexColumnRequest[]; unique: boolean; method: 'btree' | 'hash' }>();
  for (const c of table.constraints) {
    if (c.kind === 'primaryKey' || c.kind === 'unique') wanted.set(c.name, { columns: c.columns.map((name) => ({ name })), unique: true, method: 'btree' });
  }
  for (const i of table.meta.indexes ?? []) {
    if (!wanted.has(i.name)) wanted.set(i.name, { columns: i.columns.map((name) => ({ name })), unique: i.unique, method: i.method === 'hash' ? 'hash' : 'btree' });
  }
  const primary = engine.indexes(table.def.id).find((d) => d.primary);
  const pk = table.constraints.find((c) => c.kind === 'primaryKey');
  if (primary !== undefined) {
    const pkPositions = pk === undefined ? [] : indexColumns(table, pk.columns.map((name) => ({ name }))).map((c) => c.column);
    const samePositions = pkPositions.length === primary.columns.length && pkPositions.every((p, i) => p === primary.columns[i]!.column);
    if (primary.columns.length > 0 && samePositions && primary.name !== pk!.name) {
      engine.renameIndex(primary.id, pk!.name); // the constraint was renamed
    } else if (primary.columns.length > 0 && !samePositions) {
      // The primary key was dropped (or replaced): only an empty table can change it (0A000 otherwise).
      engine.replacePrimaryIndex(table.def.id, pk === undefined ? undefined : { name: pk.name, columns: indexColumns(table, pk.columns.map((name) => ({ name }))) });
    } else if (primary.columns.length === 0 && pk !== undefined && !engine.indexes(table.def.id).some((d) => d.name === pk.name)) {
      // A key added to a table of row ids: it organizes the rows if there are none yet, else it is a unique index.
      if (tableIsEmpty(engine, table)) engine.replacePrimaryIndex(table.def.id, { name: pk.name, columns: indexColumns(table, pk.columns.map((name) => ({ name }))) });
    }
  }
  const existing = engine.indexes(table.def.id);
  const names = new Set(existing.map((d) => d.name));
  for (const def of existing) {
    if (!def.primary && !wanted.has(def.name)) engine.dropIndex(def.id);
  }
  for (const [name, spec] of wanted) {
    if (names.has(name)) continue;
    engine.createIndex(table.def.id, { name, columns: indexColumns(table, spec.columns), unique: spec.unique, method: spec.method });
  }
}

/** Does the table hold no row versions at all (what replacePrimaryIndex needs)? */
function tableIsEmpty(engine: Engine, table: SqlTable): boolean {
  return engine.isEmpty(table.def.id);
}

/**
 * Before ALTER TABLE changes anything: a primary key may only be dropped or
 * changed (also by dropping one of its columns) while the table is empty,
 * because the rows are organized by it (see Engine.replacePrimaryIndex).
 */
export function checkPrimaryKeyChange(engine: Engine, table: SqlTable, working: SqlTable): void {
  const primary = engine.indexes(table.def.id).find((d) => d.primary);
  if (primary === undefined || primary.columns.length === 0) return;
  const pk = working.constraints.find((c) => c.kind === 'primaryKey');
  const positions = pk === undefined ? [] : pk.columns.map((name) => working.positions[working.columns.findIndex((c) => c.name === name)]!);
  const same = positions.length === primary.columns.length && positions.every((p, i) => p === primary.columns[i]!.column);
  if (!same && !engine.isEmpty(table.def.id)) {
    throw new FlintError(SqlState.featureNotSupported, `dropping or changing the primary key "${primary.name}" of table "${table.name}", which holds rows, is not supported yet`, {
      hint: 'Create a new table with the key you want and copy the rows into it.',
    });
  }
}
