// The catalog as the binder reads it, straight from the engine's table
// definitions: tables carry SqlTableMeta, views are catalog entries without
// storage whose meta holds their query, sequences are one-row engine tables
// whose meta holds their options (exec/sequences.ts).
import type { Engine, TableDef } from '../../txn/engine.ts';
import type { IndexDef } from '../../txn/index-keys.ts';
import { sqlTableOf, type CatalogReader, type SqlTable, type SqlView } from '../catalog.ts';

export interface ViewMeta {
  readonly sql: 1;
  readonly kind: 'view';
  readonly query: string;
  readonly columns: readonly string[] | null;
}

export type RelationKind = 'table' | 'view' | 'sequence';

/** What a catalog entry is: tables, views and sequences share one namespace, as in PostgreSQL. */
export function relationKind(def: TableDef): RelationKind {
  const kind = (def.meta as { kind?: string } | undefined)?.kind;
  return kind === 'view' ? 'view' : kind === 'sequence' ? 'sequence' : 'table';
}

export function isView(def: TableDef): boolean {
  return relationKind(def) === 'view';
}

/** Every SQL table (not views or sequences) of the engine. */
export function allTables(engine: Engine): SqlTable[] {
  return engine.tables.filter((def) => relationKind(def) === 'table' && def.meta !== undefined).map(sqlTableOf);
}

export class EngineCatalog implements CatalogReader {
  readonly #engine: Engine;
  readonly #indexScans: boolean;
  /** indexScans false hides the indexes from the planner (SET enable_indexscan = off). */
  constructor(engine: Engine, indexScans = true) {
    this.#engine = engine;
    this.#indexScans = indexScans;
  }

  table(name: string): SqlTable | undefined {
    const def = this.#engine.table(name);
    if (def === undefined || relationKind(def) !== 'table') return undefined;
    return sqlTableOf(def);
  }

  indexes(tableId: number): readonly IndexDef[] {
    return this.#indexScans ? this.#engine.indexes(tableId) : [];
  }

  rowEstimate(tableId: number): number {
    return this.#engine.rowEstimate(tableId);
  }

  view(name: string): SqlView | undefined {
    const def = this.#engine.table(name);
    if (def === undefined || !isView(def)) return undefined;
    const meta = def.meta as ViewMeta;
    return { name, columns: meta.columns, query: meta.query };
  }
}
