// The catalog as the binder reads it, straight from the engine's table
// definitions: tables carry SqlTableMeta, views are catalog entries without
// storage whose meta holds their query.
import type { Engine, TableDef } from '../../txn/engine.ts';
import { sqlTableOf, type CatalogReader, type SqlTable, type SqlView } from '../catalog.ts';

export interface ViewMeta {
  readonly sql: 1;
  readonly kind: 'view';
  readonly query: string;
  readonly columns: readonly string[] | null;
}

export function isView(def: TableDef): boolean {
  return (def.meta as { kind?: string } | undefined)?.kind === 'view';
}

export class EngineCatalog implements CatalogReader {
  readonly #engine: Engine;
  constructor(engine: Engine) {
    this.#engine = engine;
  }

  table(name: string): SqlTable | undefined {
    const def = this.#engine.table(name);
    if (def === undefined || isView(def)) return undefined;
    return sqlTableOf(def);
  }

  view(name: string): SqlView | undefined {
    const def = this.#engine.table(name);
    if (def === undefined || !isView(def)) return undefined;
    const meta = def.meta as ViewMeta;
    return { name, columns: meta.columns, query: meta.query };
  }
}
