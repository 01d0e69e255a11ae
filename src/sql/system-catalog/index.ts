// The system catalogs: pg_catalog and information_schema as virtual
// relations, computed per statement from the engine's catalog as that
// statement sees it (DDL is transactional: a table created in an open
// transaction block appears in that session's pg_class only). The binder
// resolves their names (system relations come before user tables of the
// same name unless search_path puts pg_catalog later, as in PostgreSQL) and
// plans a 'system' scan; the executor asks the statement's EvalContext for
// the SystemCatalogView and the relation for its rows.
//
//   oids.ts               how every object gets its OID
//   types.ts              pg_type rows and format_type()
//   catalog-view.ts       SystemCatalogView: relations, columns, indexes, constraints, roles
//   relations.ts          the pg_catalog relations
//   information-schema.ts the information_schema views

import type { Engine } from '../../txn/engine.ts';
import { SystemCatalogView, type CatalogRole } from './catalog-view.ts';
import { INFORMATION_SCHEMA_RELATIONS } from './information-schema.ts';
import { PG_CATALOG_RELATIONS, type SystemRelation } from './relations.ts';
import type { SqlType } from '../types/sql-type.ts';

export { SystemCatalogView, quoteIdent, splitQualified, type CatalogRole } from './catalog-view.ts';
export type { SystemRelation } from './relations.ts';
export { formatType } from './types.ts';

export const SYSTEM_RELATIONS: readonly SystemRelation[] = [...PG_CATALOG_RELATIONS, ...INFORMATION_SCHEMA_RELATIONS];

const BY_NAME = new Map(SYSTEM_RELATIONS.map((r) => [`${r.schema}.${r.name}`, r]));

/** A system relation by schema and name; an unqualified name finds pg_catalog's only (information_schema is not on the search path). */
export function systemRelation(schema: string | null, name: string): SystemRelation | undefined {
  return BY_NAME.get(`${schema ?? 'pg_catalog'}.${name}`);
}

/** Is this schema one of the system schemas? */
export function isSystemSchema(schema: string): boolean {
  return schema === 'pg_catalog' || schema === 'information_schema';
}

export interface SessionCatalogSources {
  readonly engine: Engine;
  readonly databaseName: string;
  readonly userName: string;
  readonly roles: readonly CatalogRole[];
  readonly settings: ReadonlyMap<string, string>;
  viewColumns(query: string): readonly { readonly name: string; readonly type: SqlType }[];
}

/** The catalog view for one statement. */
export function buildCatalogView(sources: SessionCatalogSources): SystemCatalogView {
  return new SystemCatalogView({ ...sources, systemRelations: SYSTEM_RELATIONS });
}
