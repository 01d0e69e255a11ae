// The pg_catalog relations: virtual, computed from the statement's
// SystemCatalogView (catalog-view.ts) when a query reads them. Each has
// PostgreSQL's name and the columns clients read (a subset of PostgreSQL's,
// in PostgreSQL's order); `name` and `"char"` columns are text. Relations
// for features Flint lacks (policies, triggers, publications, inheritance,
// partitioning, extended statistics) exist with their columns and no rows,
// which is the truth: psql's \d reads them.

import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import { arrayType, T } from '../types/type-info.ts';
import { referentialCode, type SystemCatalogView } from './catalog-view.ts';
import {
  attrdefOid, BTREE_AM, DATABASE_OID, DATABASE_OWNER_ROLE, DEFAULT_COLLATION, FIRST_ROLE_OID, HASH_AM, HEAP_AM, INFORMATION_SCHEMA_NAMESPACE, PG_CATALOG_NAMESPACE,
  PUBLIC_NAMESPACE, relationOid,
} from './oids.ts';
import { TYPE_ROWS, typeRow } from './types.ts';
import { PROC_COLUMNS, procRows } from './procs.ts';

export type Row = RuntimeValue[];

export interface SystemRelation {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  rows(view: SystemCatalogView): Row[];
}

const TYPES: Record<string, SqlType> = {
  oid: T.oid, text: T.text, bool: T.bool, int2: T.int2, int4: T.int4, int8: T.int8, float4: T.float4, timestamptz: T.timestamptz,
  'text[]': arrayType(T.text), 'int2[]': arrayType(T.int2), 'oid[]': arrayType(T.oid), regproc: T.regproc, regclass: T.regclass,
};

/** Columns written as 'name type, name type, ...'. */
export function columns(spec: string): { name: string; type: SqlType }[] {
  return spec.split(',').map((part) => {
    const [name, type] = part.trim().split(/\s+/) as [string, string];
    const t = TYPES[type];
    if (t === undefined) throw new Error(`assertion failed: system column type ${type}`);
    return { name, type: t };
  });
}

function relation(schema: SystemRelation['schema'], name: string, spec: string, rows: (view: SystemCatalogView) => Row[]): SystemRelation {
  return { schema, name, columns: columns(spec), rows };
}

/** typstorage / attstorage: fixed-size types are plain; numeric is main (compressible, kept inline); other variable-size types extended. */
function storageOf(typeOid: number, len: number): string {
  return len !== -1 ? 'p' : typeOid === 1700 ? 'm' : 'x';
}

const pg = (name: string, spec: string, rows: (view: SystemCatalogView) => Row[]) => relation('pg_catalog', name, spec, rows);
const none = () => [];

const pgNamespace = pg('pg_namespace', 'oid oid, nspname text, nspowner oid, nspacl text[]', () => [
  [PG_CATALOG_NAMESPACE, 'pg_catalog', FIRST_ROLE_OID, null],
  [PUBLIC_NAMESPACE, 'public', DATABASE_OWNER_ROLE, null],
  [INFORMATION_SCHEMA_NAMESPACE, 'information_schema', FIRST_ROLE_OID, null],
]);

const pgClass = pg(
  'pg_class',
  'oid oid, relname text, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, relfilenode oid, reltablespace oid, ' +
    'relpages int4, reltuples float4, relallvisible int4, reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence text, ' +
    'relkind text, relnatts int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, relrowsecurity bool, ' +
    'relforcerowsecurity bool, relispopulated bool, relreplident text, relispartition bool, relrewrite oid, relacl text[], ' +
    'reloptions text[], relpartbound text',
  (view) =>
    view.relations.map((r) => {
      const options = r.table === null ? null : Object.entries(r.table.meta.options).map(([k, v]) => `${k}=${v}`);
      return [
        r.oid, r.name, r.namespace, 0, 0, FIRST_ROLE_OID, r.kind === 'r' || r.kind === 'i' ? r.am : 0, r.kind === 'v' ? 0 : r.oid, 0,
        0, -1, 0, 0, r.indexOids.length > 0, false, 'p',
        r.kind, r.attributes.length, r.checks, false, view.hasForeignKeys(r.oid), false, false,
        false, true, r.kind === 'r' ? 'd' : 'n', false, 0, null,
        options === null || options.length === 0 ? null : options, null,
      ];
    }),
);

const pgAttribute = pg(
  'pg_attribute',
  'attrelid oid, attname text, atttypid oid, attstattarget int4, attlen int2, attnum int2, attndims int4, attcacheoff int4, ' +
    'atttypmod int4, attbyval bool, attalign text, attstorage text, attcompression text, attnotnull bool, atthasdef bool, ' +
    'atthasmissing bool, attidentity text, attgenerated text, attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, ' +
    'attacl text[], attoptions text[], attfdwoptions text[], attmissingval text[]',
  (view) => {
    const rows: Row[] = [];
    for (const r of view.relations) {
      for (const a of r.attributes) {
        const len = typeRow(a.typeOid)?.len ?? -1;
        const collatable = a.type.id === 'text' || a.type.id === 'varchar' || a.type.id === 'bpchar';
        rows.push([
          r.oid, a.name, a.typeOid, -1, len, a.attnum, a.type.id === 'array' ? 1 : 0, -1,
          a.typmod, len > 0 && len <= 8, len === 8 ? 'd' : len === 2 ? 's' : len === 1 ? 'c' : 'i', storageOf(a.typeOid, len), '', a.notNull, a.default !== null,
          false, a.identity, '', a.dropped, true, 0, collatable && !a.dropped ? DEFAULT_COLLATION : 0,
          null, null, null, null,
        ]);
      }
    }
    return rows;
  },
);

const pgType = pg(
  'pg_type',
  'oid oid, typname text, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype text, typcategory text, ' +
    'typispreferred bool, typisdefined bool, typdelim text, typrelid oid, typelem oid, typarray oid, typalign text, typstorage text, ' +
    'typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, typcollation oid, typdefault text, typacl text[]',
  () =>
    TYPE_ROWS.map((t) => [
      t.oid, t.name, PG_CATALOG_NAMESPACE, FIRST_ROLE_OID, t.len, t.len > 0 && t.len <= 8, t.oid === 705 ? 'p' : 'b', t.category,
      t.preferred, true, ',', 0, t.elem, t.array, t.len === 8 ? 'd' : t.len === 2 ? 's' : t.len === 1 ? 'c' : 'i', storageOf(t.oid, t.len),
      false, 0, -1, 0, [25, 1042, 1043, 19].includes(t.oid) ? DEFAULT_COLLATION : 0, null, null,
    ]),
);

const pgIndex = pg(
  'pg_index',
  'indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool, indnullsnotdistinct bool, indisprimary bool, ' +
    'indisexclusion bool, indimmediate bool, indisclustered bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, ' +
    'indisreplident bool, indkey int2[], indcollation oid[], indclass oid[], indoption int2[], indexprs text, indpred text',
  (view) =>
    view.indexes.map((i) => [
      i.oid, i.table.oid, i.attnums.length, i.attnums.length, i.unique, false, i.primary,
      false, true, false, true, false, true, true,
      false, [...i.attnums], i.attnums.map(() => 0), i.attnums.map(() => 0),
      i.columns.map((c) => (c.descending ? 1 : 0) | ((c.nulls ?? (c.descending ? 'first' : 'last')) === 'first' ? 2 : 0)), null, null,
    ]),
);

const pgConstraint = pg(
  'pg_constraint',
  'oid oid, conname text, connamespace oid, contype text, condeferrable bool, condeferred bool, convalidated bool, conrelid oid, ' +
    'contypid oid, conindid oid, conparentid oid, confrelid oid, confupdtype text, confdeltype text, confmatchtype text, conislocal bool, ' +
    'coninhcount int4, connoinherit bool, conkey int2[], confkey int2[], conbin text',
  (view) =>
    view.constraints.map((c) => [
      c.oid, c.name, PUBLIC_NAMESPACE, c.type, false, false, true, c.table.oid,
      0, c.indexOid, 0, c.refTable?.oid ?? 0, c.type === 'f' ? referentialCode(c.meta.onUpdate) : ' ',
      c.type === 'f' ? referentialCode(c.meta.onDelete) : ' ', c.type === 'f' ? (c.meta.match === 'full' ? 'f' : 's') : ' ', true,
      0, false, [...c.attnums], c.type === 'f' ? [...c.refAttnums] : null, c.type === 'c' ? c.meta.expr ?? null : null,
    ]),
);

const pgAttrdef = pg('pg_attrdef', 'oid oid, adrelid oid, adnum int2, adbin text', (view) => {
  const rows: Row[] = [];
  for (const r of view.relations) {
    for (const a of r.attributes) if (a.default !== null) rows.push([attrdefOid(r.oid, a.attnum), r.oid, a.attnum, a.default]);
  }
  return rows;
});

const pgAm = pg('pg_am', 'oid oid, amname text, amhandler regproc, amtype text', () => [
  [HEAP_AM, 'heap', null, 't'],
  [BTREE_AM, 'btree', null, 'i'],
  [HASH_AM, 'hash', null, 'i'],
]);

const pgDatabase = pg(
  'pg_database',
  'oid oid, datname text, datdba oid, encoding int4, datlocprovider text, datistemplate bool, datallowconn bool, datconnlimit int4, ' +
    'dattablespace oid, datcollate text, datctype text, daticulocale text, datcollversion text, datacl text[]',
  (view) => [[DATABASE_OID, view.databaseName, FIRST_ROLE_OID, 6, 'c', false, true, -1, 1663, 'C', 'C', null, null, null]],
);

const ROLE_COLUMNS =
  'rolname text, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin bool, rolreplication bool, ' +
  'rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz, rolbypassrls bool, rolconfig text[], oid oid';
const roleRows = (view: SystemCatalogView, password: string | null): Row[] =>
  view.roles.map((r) => [r.name, r.superuser, true, r.superuser, r.superuser, r.login, r.superuser, -1, password, null, r.superuser, null, r.oid]);
// pg_roles hides passwords behind '********'; Flint keeps only verifiers, in the server's roles file, and shows none.
const pgRoles = pg('pg_roles', ROLE_COLUMNS, (view) => roleRows(view, '********'));
const pgAuthid = pg('pg_authid', ROLE_COLUMNS, (view) => roleRows(view, null));
const pgUser = pg(
  'pg_user',
  'usename text, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool, passwd text, valuntil timestamptz, useconfig text[]',
  (view) => view.roles.filter((r) => r.login).map((r) => [r.name, r.oid, r.superuser, r.superuser, r.superuser, r.superuser, '********', null, null]),
);

const pgCollation = pg(
  'pg_collation',
  'oid oid, collname text, collnamespace oid, collowner oid, collprovider text, collisdeterministic bool, collencoding int4, collcollate text, collctype text',
  () => [
    [DEFAULT_COLLATION, 'default', PG_CATALOG_NAMESPACE, FIRST_ROLE_OID, 'd', true, -1, null, null],
    [950, 'C', PG_CATALOG_NAMESPACE, FIRST_ROLE_OID, 'c', true, -1, 'C', 'C'],
    [951, 'POSIX', PG_CATALOG_NAMESPACE, FIRST_ROLE_OID, 'c', true, -1, 'POSIX', 'POSIX'],
  ],
);

const pgTablespace = pg('pg_tablespace', 'oid oid, spcname text, spcowner oid, spcacl text[], spcoptions text[]', () => [
  [1663, 'pg_default', FIRST_ROLE_OID, null, null],
  [1664, 'pg_global', FIRST_ROLE_OID, null, null],
]);

const pgSequence = pg(
  'pg_sequence',
  'seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, seqcache int8, seqcycle bool',
  (view) =>
    view.relations
      .filter((r) => r.sequence !== null)
      .map((r) => {
        const s = r.sequence!;
        return [r.oid, { int2: 21, int4: 23, int8: 20 }[s.type], BigInt(s.start), BigInt(s.increment), BigInt(s.max), BigInt(s.min), BigInt(s.cache), s.cycle];
      }),
);

const pgSettings = pg('pg_settings', 'name text, setting text, unit text, category text, short_desc text, context text, vartype text, source text', (view) =>
  [...view.settings.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, setting]) => [name, setting, null, null, null, 'user', 'string', 'session']),
);

const pgTables = pg(
  'pg_tables',
  'schemaname text, tablename text, tableowner text, tablespace text, hasindexes bool, hasrules bool, hastriggers bool, rowsecurity bool',
  (view) => view.relations.filter((r) => r.kind === 'r').map((r) => ['public', r.name, view.roleName(FIRST_ROLE_OID), null, r.indexOids.length > 0, false, false, false]),
);

const pgIndexes = pg('pg_indexes', 'schemaname text, tablename text, indexname text, tablespace text, indexdef text', (view) =>
  view.indexes.map((i) => ['public', i.table.name, i.name, null, view.indexDef(i.oid, 0, false)]),
);

const pgViews = pg('pg_views', 'schemaname text, viewname text, viewowner text, definition text', (view) =>
  view.relations.filter((r) => r.kind === 'v' && r.viewQuery !== null).map((r) => ['public', r.name, view.roleName(FIRST_ROLE_OID), r.viewQuery]),
);

const pgProc = pg('pg_proc', PROC_COLUMNS, () => procRows() as Row[]);

// Dependencies clients read: a serial column's sequence ('a', auto) and an
// identity column's ('i', internal), both owned by their column.
const pgDepend = pg(
  'pg_depend',
  'classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype text',
  (view) => {
    const pgClass = view.relationByName('pg_catalog.pg_class')!.oid;
    const rows: Row[] = [];
    for (const seq of view.relations) {
      const owner = seq.sequence?.ownedBy;
      if (owner === null || owner === undefined) continue;
      const table = view.relation(relationOid(owner.table));
      const column = table?.attributes.find((a) => a.name === owner.column && !a.dropped);
      if (table === undefined || column === undefined) continue;
      const identity = table.table?.columns.find((c) => c.name === owner.column)?.identity?.sequence === seq.name;
      rows.push([pgClass, seq.oid, 0, pgClass, table.oid, column.attnum, identity ? 'i' : 'a']);
    }
    return rows;
  },
);

// Features Flint does not have: the relations exist, with no rows.
const EMPTY = [
  pg('pg_inherits', 'inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool', none),
  pg('pg_partitioned_table', 'partrelid oid, partstrat text, partnatts int2, partdefid oid, partattrs int2[]', none),
  pg('pg_auth_members', 'roleid oid, member oid, grantor oid, admin_option bool', none),
  pg('pg_description', 'objoid oid, classoid oid, objsubid int4, description text', none),
  pg('pg_policy', 'oid oid, polname text, polrelid oid, polcmd text, polpermissive bool, polroles oid[], polqual text, polwithcheck text', none),
  pg('pg_statistic_ext', 'oid oid, stxrelid oid, stxname text, stxnamespace oid, stxowner oid, stxstattarget int4, stxkeys int2[], stxkind text[]', none),
  pg('pg_publication', 'oid oid, pubname text, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, pubdelete bool, pubtruncate bool, pubviaroot bool', none),
  pg('pg_publication_namespace', 'oid oid, pnpubid oid, pnnspid oid', none),
  pg('pg_publication_rel', 'oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]', none),
  pg('pg_trigger', 'oid oid, tgrelid oid, tgparentid oid, tgname text, tgfoid oid, tgtype int2, tgenabled text, tgisinternal bool, tgconstrrelid oid, tgconstraint oid', none),
  pg('pg_rewrite', 'oid oid, rulename text, ev_class oid, ev_type text, ev_enabled text, is_instead bool', none),
  pg('pg_extension', 'oid oid, extname text, extowner oid, extnamespace oid, extrelocatable bool, extversion text', none),
  pg('pg_enum', 'oid oid, enumtypid oid, enumsortorder float4, enumlabel text', none),
  pg('pg_foreign_table', 'ftrelid oid, ftserver oid, ftoptions text[]', none),
];

export const PG_CATALOG_RELATIONS: readonly SystemRelation[] = [
  pgNamespace, pgClass, pgAttribute, pgType, pgIndex, pgConstraint, pgAttrdef, pgAm, pgDatabase, pgRoles, pgAuthid, pgUser,
  pgCollation, pgTablespace, pgSequence, pgSettings, pgTables, pgIndexes, pgViews, pgDepend, pgProc, ...EMPTY,
];
