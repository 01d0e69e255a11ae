// Object identifiers of the system catalogs. PostgreSQL clients join the
// catalogs on OIDs and print them, so every object needs one that is unique
// and stable for the life of the database:
//
// OBJECT                         OID
// namespace pg_catalog           11 (PostgreSQL's)
// namespace public               2200 (PostgreSQL's)
// namespace information_schema   13000
// built-in types                 PostgreSQL's (sql/types/type-oids.ts)
// access methods                 heap 2, btree 403, hash 405 (PostgreSQL's)
// collations                     default 100, C 950, POSIX 951 (PostgreSQL's)
// the database                   16384 - 1 = 16383 (one database per data directory)
// the first role                 10 (PostgreSQL's bootstrap superuser); the others 0xC0000000 + position
// pg_database_owner              6171 (PostgreSQL's; owns the public schema)
// system relations               12000 + position in SYSTEM_RELATIONS
// tables, views, sequences,      16384 + the engine's table or index id (tables and
//  indexes                        indexes share one id space and ids are never reused)
// builtin functions (pg_proc)    0x50000000 + position in the registry's list
// constraints                    0x40000000 + table id * 256 + position in the table's constraints
// column defaults (pg_attrdef)   0x60000000 + table OID * 2048 + attnum
//
// Constraint and default OIDs are stable while the table's constraints and
// columns are; they are only ever used within one statement's joins.

export const PG_CATALOG_NAMESPACE = 11;
export const PUBLIC_NAMESPACE = 2200;
export const INFORMATION_SCHEMA_NAMESPACE = 13000;
export const DATABASE_OID = 16383;
export const FIRST_ROLE_OID = 10;
/** pg_database_owner, PostgreSQL's predefined role owning the public schema. */
export const DATABASE_OWNER_ROLE = 6171;
export const HEAP_AM = 2;
export const BTREE_AM = 403;
export const HASH_AM = 405;
export const DEFAULT_COLLATION = 100;

const FIRST_USER_OID = 16384;
const SYSTEM_RELATION_BASE = 12000;

export function relationOid(engineId: number): number {
  return FIRST_USER_OID + engineId;
}

export function systemRelationOid(position: number): number {
  return SYSTEM_RELATION_BASE + position;
}

export function constraintOid(tableId: number, position: number): number {
  return 0x40000000 + tableId * 256 + position;
}

export function procOid(position: number): number {
  return 0x50000000 + position;
}

export function attrdefOid(tableOid: number, attnum: number): number {
  return 0x60000000 + tableOid * 2048 + attnum;
}

export function roleOid(position: number): number {
  return position === 0 ? FIRST_ROLE_OID : 0xc0000000 + position;
}

export function namespaceName(oid: number): string | undefined {
  return oid === PG_CATALOG_NAMESPACE ? 'pg_catalog' : oid === PUBLIC_NAMESPACE ? 'public' : oid === INFORMATION_SCHEMA_NAMESPACE ? 'information_schema' : undefined;
}

export function namespaceOid(name: string): number | undefined {
  return name === 'pg_catalog' ? PG_CATALOG_NAMESPACE : name === 'public' ? PUBLIC_NAMESPACE : name === 'information_schema' ? INFORMATION_SCHEMA_NAMESPACE : undefined;
}
