// The SQL layer's view of the catalog: tables with SQL types and
// constraints, views, sequences. The engine stores a table's storage columns;
// what only SQL needs (the SQL types, defaults, constraints) rides along in
// the engine's TableDef.meta as SqlTableMeta, so it is persisted, logged and
// recovered with the table.

import type { TableDef } from '../txn/engine.ts';
import type { SqlType } from './types/sql-type.ts';

export interface SqlColumnMeta {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** The DEFAULT expression's SQL text, bound when used; null for none. */
  readonly default: string | null;
  /** GENERATED ... AS IDENTITY (or serial): the sequence that feeds it. */
  readonly identity: { readonly always: boolean; readonly sequence: string } | null;
}

export interface SqlConstraintMeta {
  readonly name: string;
  readonly kind: 'primaryKey' | 'unique' | 'check' | 'foreignKey';
  readonly columns: readonly string[];
  /** CHECK: the expression's SQL text. */
  readonly expr?: string;
  /** FOREIGN KEY: the referenced table and columns, and the actions. */
  readonly refTable?: string;
  readonly refColumns?: readonly string[];
  readonly onDelete?: 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';
  readonly onUpdate?: 'noAction' | 'restrict' | 'cascade' | 'setNull' | 'setDefault';
}

export interface SqlTableMeta {
  readonly sql: 1;
  readonly columns: readonly SqlColumnMeta[];
  readonly constraints: readonly SqlConstraintMeta[];
  readonly options: Readonly<Record<string, string>>;
}

export interface SqlTable {
  readonly def: TableDef;
  readonly name: string;
  readonly columns: readonly SqlColumnMeta[];
  readonly constraints: readonly SqlConstraintMeta[];
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
}

export function sqlTableOf(def: TableDef): SqlTable {
  const meta = def.meta as SqlTableMeta | undefined;
  if (meta === undefined || meta.sql !== 1) {
    throw new Error(`assertion failed: table ${def.name} has SQL metadata`);
  }
  return { def, name: def.name, columns: meta.columns, constraints: meta.constraints };
}
