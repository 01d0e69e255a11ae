// The SQL layer's view of the catalog: tables with SQL types and
// constraints, views, sequences. The engine stores a table's storage columns;
// what only SQL needs (the SQL types, defaults, constraints) rides along in
// the engine's TableDef.meta as SqlTableMeta, so it is persisted, logged and
// recovered with the table.
//
// Columns are never removed from storage. SqlTableMeta.columns lists every
// storage slot in order; ALTER TABLE DROP COLUMN marks its slot `dropped`
// (PostgreSQL's attisdropped) and SqlTable.columns shows only the live ones,
// with `positions` saying where each one is in the stored row. ADD COLUMN
// appends a slot; rows written before it store fewer columns and read the
// column's `missing` value (PostgreSQL's attmissingval) instead.

import type { TableDef } from '../txn/engine.ts';
import type { IndexDef } from '../txn/index-keys.ts';
import type { SqlType } from './types/sql-type.ts';
import { parseText } from './types/text-io.ts';
import type { RuntimeValue } from './types/type-info.ts';

export interface SqlColumnMeta {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** The DEFAULT expression's SQL text, bound when used; null for none. */
  readonly default: string | null;
  /** GENERATED ... AS IDENTITY: the sequence that feeds it. */
  readonly identity: { readonly always: boolean; readonly sequence: string } | null;
  /** Dropped by ALTER TABLE: its storage slot stays, hidden from SQL. */
  readonly dropped?: boolean;
  /**
   * What rows stored before the column was added read for it, as the type's
   * text form (ADD COLUMN ... DEFAULT); absent means NULL.
   */
  readonly missing?: string;
}

export type ReferentialAction = 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';

export interface SqlConstraintMeta {
  readonly name: string;
  readonly kind: 'primaryKey' | 'unique' | 'check' | 'foreignKey';
  readonly columns: readonly string[];
  /** CHECK: the expression's SQL text. */
  readonly expr?: string;
  /** FOREIGN KEY: the referenced table and columns, and the actions. */
  readonly refTable?: string;
  readonly refColumns?: readonly string[];
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  /** MATCH FULL (absent: MATCH SIMPLE, where a key with any NULL is not checked). */
  readonly match?: 'full';
}

/** CREATE INDEX: recorded in the table's metadata (the index structure arrives with issue 5). */
export interface SqlIndexMeta {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly method: string;
}

export interface SqlTableMeta {
  readonly sql: 1;
  /** Every storage slot, in order, dropped ones included. */
  readonly columns: readonly SqlColumnMeta[];
  readonly constraints: readonly SqlConstraintMeta[];
  /** Storage parameters: WITH (...) and ALTER TABLE SET (...). */
  readonly options: Readonly<Record<string, string>>;
  readonly indexes?: readonly SqlIndexMeta[];
}

export interface SqlTable {
  readonly def: TableDef;
  readonly name: string;
  /** The live columns, in order. */
  readonly columns: readonly SqlColumnMeta[];
  readonly constraints: readonly SqlConstraintMeta[];
  /** Where each live column is in the stored row. */
  readonly positions: readonly number[];
  /** What each live column reads in a row stored before it was added. */
  readonly missing: readonly RuntimeValue[];
  /** Storage slots of the table (live and dropped). */
  readonly width: number;
  readonly meta: SqlTableMeta;
}

export interface SqlView {
  readonly name: string;
  readonly columns: readonly string[] | null;
  /** The view's query as SQL text (bound each time it is used). */
  readonly query: string;
}

/** What binding needs to know about the database. */
export interface CatalogReader {
  table(name: string): SqlTable | undefined;
  view(name: string): SqlView | undefined;
  /** The engine indexes of a table, for index selection (none if absent). */
  indexes?(tableId: number): readonly IndexDef[];
  /** About how many rows the table holds, for join planning (unknown if absent). */
  rowEstimate?(tableId: number): number;
}

const tables = new WeakMap<TableDef, SqlTable>();

/** The SQL view of an engine table (cached per definition: a changed table gets a new TableDef). */
export function sqlTableOf(def: TableDef): SqlTable {
  let table = tables.get(def);
  if (table === undefined) {
    const meta = def.meta as SqlTableMeta | undefined;
    if (meta === undefined || meta.sql !== 1) {
      throw new Error(`assertion failed: table ${def.name} has SQL metadata`);
    }
    table = sqlTableFromMeta(def, meta);
    tables.set(def, table);
  }
  return table;
}

/** A SqlTable for metadata that may not be stored yet (ALTER TABLE validates with it). */
export function sqlTableFromMeta(def: TableDef, meta: SqlTableMeta): SqlTable {
  const columns: SqlColumnMeta[] = [];
  const positions: number[] = [];
  const missing: RuntimeValue[] = [];
  meta.columns.forEach((c, i) => {
    if (c.dropped === true) return;
    columns.push(c);
    positions.push(i);
    missing.push(c.missing === undefined ? null : parseText(c.missing, c.type));
  });
  return { def, name: def.name, columns, constraints: meta.constraints, positions, missing, width: meta.columns.length, meta };
}
