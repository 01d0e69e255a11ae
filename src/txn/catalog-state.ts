// The catalog as a value: tables and indexes by id and name, and the one
// function that applies a catalog change to it. The engine keeps one
// committed CatalogState; a transaction that runs DDL works on its own copy
// (its view), and its changes reach the committed state when it commits.
// Recovery and followers apply the same changes from the WAL.

import type { TableDef } from './engine.ts';
import type { IndexDef } from './index-keys.ts';

/** A catalog change as logged (the CATALOG record's JSON). `txid` is set for DDL inside a transaction. */
export type CatalogChange = (
  | { op: 'create'; table: TableDef; indexes?: IndexDef[] }
  | { op: 'drop'; id: number }
  | { op: 'alter'; table: TableDef }
  | { op: 'createIndex'; index: IndexDef; replaces?: number }
  | { op: 'dropIndex'; id: number }
  | { op: 'renameIndex'; id: number; name: string }
  /** ROLLBACK TO SAVEPOINT: only the transaction's first `count` changes stand. */
  | { op: 'rollbackTo'; count: number }
) & { txid?: number };

export class CatalogState {
  readonly tables = new Map<number, TableDef>();
  readonly byName = new Map<string, TableDef>();
  readonly indexes = new Map<number, IndexDef>();
  /**
   * Changes applied to this object since it was made: with its identity,
   * what a cached plan checks to know the catalog it was bound against is
   * the one it runs against (the committed state is copied on write; a
   * transaction's own view is changed in place).
   */
  version = 0;

  clone(): CatalogState {
    const copy = new CatalogState();
    for (const [id, t] of this.tables) copy.tables.set(id, t);
    for (const [name, t] of this.byName) copy.byName.set(name, t);
    for (const [id, d] of this.indexes) copy.indexes.set(id, d);
    return copy;
  }

  addTable(table: TableDef): void {
    this.version++;
    this.tables.set(table.id, table);
    this.byName.set(table.name, table);
  }

  /** The table's indexes, its primary index first. */
  indexesOf(tableId: number): IndexDef[] {
    const out: IndexDef[] = [];
    for (const d of this.indexes.values()) if (d.tableId === tableId) (d.primary ? out.unshift(d) : out.push(d));
    return out;
  }

  /** The logical effect of a change (what exists, under which name); storage is the engine's. */
  apply(change: CatalogChange): void {
    this.version++;
    switch (change.op) {
      case 'create':
        this.addTable(change.table);
        for (const index of change.indexes ?? []) this.indexes.set(index.id, index);
        return;
      case 'drop': {
        const table = this.tables.get(change.id);
        if (table === undefined) return;
        this.tables.delete(table.id);
        if (this.byName.get(table.name) === table) this.byName.delete(table.name);
        for (const [id, d] of this.indexes) if (d.tableId === table.id) this.indexes.delete(id);
        return;
      }
      case 'alter': {
        const old = this.tables.get(change.table.id);
        if (old !== undefined && this.byName.get(old.name) === old) this.byName.delete(old.name);
        this.addTable(change.table);
        return;
      }
      case 'createIndex':
        if (change.replaces !== undefined) this.indexes.delete(change.replaces);
        this.indexes.set(change.index.id, change.index);
        return;
      case 'dropIndex':
        this.indexes.delete(change.id);
        return;
      case 'renameIndex': {
        const def = this.indexes.get(change.id);
        if (def !== undefined) this.indexes.set(def.id, { ...def, name: change.name });
        return;
      }
      case 'rollbackTo':
        return;
    }
  }
}
