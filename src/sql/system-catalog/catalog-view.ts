// The database's objects as the system catalogs describe them, built once
// per statement from the engine's catalog as that statement sees it (its
// transaction's own uncommitted DDL included, nobody else's): relations with
// their OIDs, columns, indexes and constraints, plus the roles and settings
// of the session. The pg_catalog / information_schema relations
// (relations.ts, information-schema.ts) and the catalog functions
// (functions/catalog-functions.ts) all read this one view, so a query that
// joins them sees one consistent picture.

import type { Engine, TableDef } from '../../txn/engine.ts';
import type { IndexDef } from '../../txn/index-keys.ts';
import { sqlTableOf, type SqlColumnMeta, type SqlConstraintMeta, type SqlTable } from '../catalog.ts';
import { parse } from '../parser.ts';
import { relationKind, type ViewMeta } from '../exec/engine-catalog.ts';
import type { SequenceMeta, SequenceSpec } from '../exec/sequences.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { RegTypeId } from '../types/reg-oid.ts';
import { typeModifier } from '../types/type-oids.ts';
import { typeName } from '../types/type-info.ts';
import {
  BTREE_AM, constraintOid, DATABASE_OWNER_ROLE, HASH_AM, HEAP_AM, namespaceName, namespaceOid, PUBLIC_NAMESPACE,
  relationOid, roleOid, systemRelationOid,
} from './oids.ts';
import { formatType, oidOfType, typeRow, typeRowByName } from './types.ts';

/** A role as pg_roles shows it (the server's role store, or the embedded default). */
export interface CatalogRole {
  readonly name: string;
  readonly superuser: boolean;
  readonly login: boolean;
}

/** A system relation as pg_class lists it: its name, schema and column types (its rows are relations.ts's). */
export interface SystemRelationShape {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
}

export interface CatalogViewSources {
  /** The engine, with the statement's transaction as its catalogTxn while the view is built. */
  readonly engine: Engine;
  readonly databaseName: string;
  readonly userName: string;
  readonly roles: readonly CatalogRole[];
  readonly settings: ReadonlyMap<string, string>;
  readonly systemRelations: readonly SystemRelationShape[];
  /** The output columns of a view's query, bound as the statement would bind it. */
  viewColumns(query: string): readonly { readonly name: string; readonly type: SqlType }[];
}

export type RelKind = 'r' | 'v' | 'S' | 'i';

export interface AttributeInfo {
  readonly attnum: number;
  readonly name: string;
  readonly type: SqlType;
  readonly typeOid: number;
  readonly typmod: number;
  readonly notNull: boolean;
  /** The DEFAULT expression as pg_get_expr shows it, or null. */
  readonly default: string | null;
  /** attidentity: 'a' ALWAYS, 'd' BY DEFAULT, '' none. */
  readonly identity: '' | 'a' | 'd';
  readonly dropped: boolean;
}

export interface RelationInfo {
  readonly oid: number;
  readonly name: string;
  readonly namespace: number;
  readonly kind: RelKind;
  readonly attributes: readonly AttributeInfo[];
  readonly table: SqlTable | null;
  readonly indexOids: readonly number[];
  readonly checks: number;
  /** Index relations: the access method; others: heap (0 for views and sequences). */
  readonly am: number;
  readonly viewQuery: string | null;
  readonly sequence: SequenceSpec | null;
}

export interface IndexInfo {
  readonly oid: number;
  readonly name: string;
  readonly table: RelationInfo;
  readonly unique: boolean;
  readonly primary: boolean;
  readonly method: 'btree' | 'hash';
  /** attnums of the key columns, and how each sorts. */
  readonly attnums: readonly number[];
  readonly columns: readonly { readonly name: string; readonly descending: boolean; readonly nulls: 'first' | 'last' | null }[];
  /** The PRIMARY KEY or UNIQUE constraint the index enforces, if any. */
  constraintOid: number;
}

export interface ConstraintInfo {
  readonly oid: number;
  readonly name: string;
  readonly type: 'p' | 'u' | 'c' | 'f';
  readonly table: RelationInfo;
  readonly indexOid: number;
  readonly attnums: readonly number[];
  readonly refTable: RelationInfo | null;
  readonly refAttnums: readonly number[];
  readonly meta: SqlConstraintMeta;
}

export interface RoleRow extends CatalogRole {
  readonly oid: number;
}

const ACTION_CODES = { noAction: 'a', restrict: 'r', cascade: 'c', setNull: 'n', setDefault: 'd' } as const;
const ACTION_SQL = { noAction: 'NO ACTION', restrict: 'RESTRICT', cascade: 'CASCADE', setNull: 'SET NULL', setDefault: 'SET DEFAULT' } as const;

export class SystemCatalogView {
  readonly databaseName: string;
  readonly userName: string;
  readonly settings: ReadonlyMap<string, string>;
  readonly relations: RelationInfo[] = [];
  readonly indexes: IndexInfo[] = [];
  readonly constraints: ConstraintInfo[] = [];
  readonly roles: RoleRow[];
  readonly systemRelations: readonly SystemRelationShape[];
  readonly #byOid = new Map<number, RelationInfo>();
  readonly #byName = new Map<string, RelationInfo>();
  readonly #indexByOid = new Map<number, IndexInfo>();
  readonly #constraintByOid = new Map<number, ConstraintInfo>();

  constructor(sources: CatalogViewSources) {
    this.databaseName = sources.databaseName;
    this.userName = sources.userName;
    this.settings = sources.settings;
    this.systemRelations = sources.systemRelations;
    this.roles = sources.roles.map((r, i) => ({ ...r, oid: roleOid(i) }));
    // PostgreSQL's predefined role that owns the public schema.
    this.roles.push({ name: 'pg_database_owner', superuser: false, login: false, oid: DATABASE_OWNER_ROLE });
    sources.systemRelations.forEach((s, i) => {
      const attributes = s.columns.map((c, j) => attribute(j + 1, c.name, c.type, false, null, '', false));
      this.#add({
        oid: systemRelationOid(i), name: s.name, namespace: namespaceOid(s.schema)!, kind: 'v', attributes, table: null,
        indexOids: [], checks: 0, am: 0, viewQuery: null, sequence: null,
      });
    });
    const engine = sources.engine;
    const defs = [...engine.tables].sort((a, b) => a.id - b.id);
    for (const def of defs) this.#addRelation(def, sources);
    for (const def of defs) if (relationKind(def) === 'table' && def.meta !== undefined) this.#addIndexesAndConstraints(def, engine.indexes(def.id));
  }

  #add(r: RelationInfo): void {
    this.relations.push(r);
    this.#byOid.set(r.oid, r);
    this.#byName.set(`${namespaceName(r.namespace)}.${r.name}`, r);
  }

  #addRelation(def: TableDef, sources: CatalogViewSources): void {
    const base = { oid: relationOid(def.id), name: def.name, namespace: PUBLIC_NAMESPACE, table: null, indexOids: [], checks: 0, viewQuery: null, sequence: null };
    switch (relationKind(def)) {
      case 'view': {
        const query = (def.meta as ViewMeta).query;
        const names = (def.meta as ViewMeta).columns;
        let columns: readonly { name: string; type: SqlType }[] = [];
        try {
          columns = sources.viewColumns(query);
        } catch {
          // A view whose tables changed under it no longer binds; it shows without columns (PostgreSQL forbids the change instead).
        }
        const attributes = columns.map((c, i) => attribute(i + 1, names?.[i] ?? c.name, c.type, false, null, '', false));
        this.#add({ ...base, kind: 'v', attributes, am: 0, viewQuery: query });
        return;
      }
      case 'sequence':
        this.#add({ ...base, kind: 'S', attributes: [], am: HEAP_AM, sequence: (def.meta as SequenceMeta).sequence });
        return;
      case 'table': {
        if (def.meta === undefined) return;
        const table = sqlTableOf(def);
        const attributes = table.meta.columns.map((c, i) => columnAttribute(i + 1, c));
        const checks = table.constraints.filter((c) => c.kind === 'check').length;
        const indexOids = sources.engine.indexes(def.id).filter(isSqlIndex).map((ix) => relationOid(ix.id));
        this.#add({ ...base, kind: 'r', attributes, table, am: HEAP_AM, checks, indexOids });
        return;
      }
    }
  }

  #addIndexesAndConstraints(def: TableDef, engineIndexes: readonly IndexDef[]): void {
    const table = this.#byOid.get(relationOid(def.id))!;
    const sql = table.table!;
    const createdIndexes = new Map((sql.meta.indexes ?? []).map((i) => [i.name, i]));
    for (const ix of engineIndexes.filter(isSqlIndex)) {
      const columns = ix.columns.map((c) => ({ name: sql.meta.columns[c.column]!.name, descending: c.key.descending === true, nulls: c.key.nulls ?? null }));
      const info: IndexInfo = {
        oid: relationOid(ix.id), name: ix.name, table, unique: ix.unique || ix.primary, primary: ix.primary, method: ix.method,
        attnums: ix.columns.map((c) => c.column + 1), columns, constraintOid: 0,
      };
      this.indexes.push(info);
      this.#indexByOid.set(info.oid, info);
      const attributes = columns.map((c, i) => attribute(i + 1, c.name, sql.meta.columns[ix.columns[i]!.column]!.type, false, null, '', false));
      this.#add({
        oid: info.oid, name: ix.name, namespace: PUBLIC_NAMESPACE, kind: 'i', attributes, table: null, indexOids: [], checks: 0,
        am: ix.method === 'hash' ? HASH_AM : BTREE_AM, viewQuery: null, sequence: null,
      });
    }
    sql.constraints.forEach((c, position) => {
      // CREATE UNIQUE INDEX records a unique constraint for the checks; PostgreSQL has only the index.
      if (c.kind === 'unique' && createdIndexes.get(c.name)?.unique === true) return;
      const attnumOf = (t: RelationInfo, name: string) => t.attributes.find((a) => a.name === name && !a.dropped)?.attnum ?? 0;
      const refTable = c.refTable === undefined ? null : this.#byName.get(`public.${c.refTable}`) ?? null;
      const index = c.kind === 'primaryKey' || c.kind === 'unique' ? this.indexes.find((i) => i.table === table && i.name === c.name) : undefined;
      const info: ConstraintInfo = {
        oid: constraintOid(def.id, position), name: c.name,
        type: c.kind === 'primaryKey' ? 'p' : c.kind === 'unique' ? 'u' : c.kind === 'check' ? 'c' : 'f',
        table, indexOid: index?.oid ?? 0, attnums: c.columns.map((n) => attnumOf(table, n)),
        refTable, refAttnums: refTable === null ? [] : (c.refColumns ?? []).map((n) => attnumOf(refTable, n)), meta: c,
      };
      if (index !== undefined) index.constraintOid = info.oid;
      this.constraints.push(info);
      this.#constraintByOid.set(info.oid, info);
    });
  }

  /**
   * relhastriggers: PostgreSQL enforces foreign keys with (internal)
   * triggers on both tables, and psql reads a table's foreign keys only when
   * it has them.
   */
  hasForeignKeys(oid: number): boolean {
    return this.constraints.some((c) => c.type === 'f' && (c.table.oid === oid || c.refTable?.oid === oid));
  }

  relation(oid: number): RelationInfo | undefined {
    return this.#byOid.get(oid);
  }

  index(oid: number): IndexInfo | undefined {
    return this.#indexByOid.get(oid);
  }

  constraint(oid: number): ConstraintInfo | undefined {
    return this.#constraintByOid.get(oid);
  }

  /** A relation by name as written: schema-qualified, or found through the search path (pg_catalog, then public). */
  relationByName(name: string): RelationInfo | undefined {
    const parts = splitQualified(name);
    if (parts.length === 2) return this.#byName.get(`${parts[0]}.${parts[1]}`);
    const first = this.#searchPath();
    for (const schema of first) {
      const r = this.#byName.get(`${schema}.${parts[0]}`);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** Schemas searched for an unqualified name: pg_catalog first unless search_path places it. */
  #searchPath(): string[] {
    const path = (this.settings.get('search_path') ?? 'public').split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter((s) => s === 'public' || s === 'pg_catalog');
    return path.includes('pg_catalog') ? path : ['pg_catalog', ...path];
  }

  /** pg_table_is_visible: the relation is what its unqualified name finds. */
  isVisible(oid: number): boolean {
    const r = this.#byOid.get(oid);
    if (r === undefined || r.namespace === namespaceOid('information_schema')) return false;
    return this.relationByName(quoteIdent(r.name)) === r;
  }

  /** The name a reg* value prints: schema-qualified only where the search path would not find it. */
  regName(kind: RegTypeId, oid: number): string | undefined {
    switch (kind) {
      case 'regclass': {
        const r = this.#byOid.get(oid);
        if (r === undefined) return undefined;
        return this.isVisible(oid) ? quoteIdent(r.name) : `${namespaceName(r.namespace)}.${quoteIdent(r.name)}`;
      }
      case 'regtype':
        return typeRow(oid) === undefined ? undefined : formatType(oid, null);
      case 'regnamespace':
        return namespaceName(oid);
      case 'regrole':
        return this.roles.find((r) => r.oid === oid)?.name;
      case 'regproc':
        return undefined;
    }
  }

  /** The OID a name stands for, as a reg* input function finds it. */
  regOid(kind: RegTypeId, name: string): number | undefined {
    switch (kind) {
      case 'regclass':
        return this.relationByName(name)?.oid;
      case 'regtype':
        return typeRowByName(name.replace(/^"(.*)"$/, '$1'))?.oid;
      case 'regnamespace':
        return namespaceOid(name.replace(/^"(.*)"$/, '$1'));
      case 'regrole':
        return this.roles.find((r) => r.name === name.replace(/^"(.*)"$/, '$1'))?.oid;
      case 'regproc':
        return undefined;
    }
  }

  /** pg_get_indexdef(oid) (column 0) or one key column's name (column > 0). */
  indexDef(oid: number, column: number, pretty: boolean): string | null {
    const ix = this.#indexByOid.get(oid);
    if (ix === undefined) return null;
    const keys = ix.columns.map((c) => `${quoteIdent(c.name)}${c.descending ? ' DESC' : ''}${nullsClause(c)}`);
    if (column > 0) return ix.columns[column - 1] === undefined ? '' : quoteIdent(ix.columns[column - 1]!.name);
    const table = pretty && this.isVisible(ix.table.oid) ? quoteIdent(ix.table.name) : `public.${quoteIdent(ix.table.name)}`;
    return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(ix.name)} ON ${table} USING ${ix.method} (${keys.join(', ')})`;
  }

  /** pg_get_constraintdef(oid). */
  constraintDef(oid: number): string | null {
    const c = this.#constraintByOid.get(oid);
    if (c === undefined) return null;
    const cols = (names: readonly string[]) => names.map(quoteIdent).join(', ');
    switch (c.type) {
      case 'p':
        return `PRIMARY KEY (${cols(c.meta.columns)})`;
      case 'u':
        return `UNIQUE (${cols(c.meta.columns)})`;
      case 'c':
        return `CHECK (${unwrap(c.meta.expr ?? '')})`;
      case 'f': {
        const m = c.meta;
        let def = `FOREIGN KEY (${cols(m.columns)}) REFERENCES ${quoteIdent(m.refTable ?? '')}(${cols(m.refColumns ?? [])})`;
        if (m.match === 'full') def += ' MATCH FULL';
        if (m.onUpdate !== undefined && m.onUpdate !== 'noAction') def += ` ON UPDATE ${ACTION_SQL[m.onUpdate]}`;
        if (m.onDelete !== undefined && m.onDelete !== 'noAction') def += ` ON DELETE ${ACTION_SQL[m.onDelete]}`;
        return def;
      }
    }
  }

  /** pg_get_serial_sequence(table, column): the sequence a serial or identity column draws from, schema-qualified. */
  serialSequence(tableName: string, column: string): string | null {
    const r = this.relationByName(tableName);
    if (r === undefined || r.table === null) return null;
    const attr = r.table.columns.find((c) => c.name === column);
    if (attr === undefined) return null;
    if (attr.identity !== null) return `public.${quoteIdent(attr.identity.sequence)}`;
    const tableId = r.oid - relationOid(0);
    const owned = this.relations.find((s) => s.sequence?.ownedBy?.table === tableId && s.sequence.ownedBy.column === column);
    return owned === undefined ? null : `public.${quoteIdent(owned.name)}`;
  }

  /** pg_type.typname of a type OID. */
  typeName(oid: number): string | null {
    return typeRow(oid)?.name ?? null;
  }

  /** pg_get_userbyid: the role's name, or PostgreSQL's "unknown (OID=n)". */
  roleName(oid: number): string {
    return this.roles.find((r) => r.oid === oid)?.name ?? `unknown (OID=${oid})`;
  }
}

/** A table without a primary key has a hidden row-id primary index (no key columns): not an index SQL knows. */
function isSqlIndex(ix: IndexDef): boolean {
  return ix.columns.length > 0;
}

export function referentialCode(action: keyof typeof ACTION_CODES | undefined): string {
  return ACTION_CODES[action ?? 'noAction'];
}

/** An expression without the one pair of parentheses around all of it, if it has one. */
function unwrap(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1);
}

function nullsClause(c: { descending: boolean; nulls: 'first' | 'last' | null }): string {
  if (c.nulls === null) return '';
  // Only a non-default placement is printed: NULLS LAST ascending and NULLS FIRST descending are the defaults.
  if (c.descending) return c.nulls === 'last' ? ' NULLS LAST' : '';
  return c.nulls === 'first' ? ' NULLS FIRST' : '';
}

function attribute(attnum: number, name: string, type: SqlType, notNull: boolean, def: string | null, identity: '' | 'a' | 'd', dropped: boolean): AttributeInfo {
  return { attnum, name, type, typeOid: oidOfType(type), typmod: typeModifier(type), notNull, default: def, identity, dropped };
}

function columnAttribute(attnum: number, c: SqlColumnMeta): AttributeInfo {
  if (c.dropped === true) {
    // PostgreSQL's name for a dropped column's slot; its type is gone (0).
    return { ...attribute(attnum, `........pg.dropped.${attnum}........`, c.type, false, null, '', true), typeOid: 0 };
  }
  const identity = c.identity === null ? '' : c.identity.always ? 'a' : 'd';
  return attribute(attnum, c.name, c.type, c.notNull, c.default === null ? null : defaultText(c.default, c.type), identity, false);
}

/**
 * A DEFAULT as pg_get_expr shows it. Flint keeps the expression as written;
 * PostgreSQL shows the stored expression, in which a string literal carries
 * a cast to the column's type ('x'::character varying). Other expressions
 * are shown as written.
 */
function defaultText(text: string, type: SqlType): string {
  try {
    const stmt = parse(`SELECT ${text}`)[0];
    const expr = stmt?.kind === 'query' && stmt.body.kind === 'select' ? stmt.body.targets[0]?.expr : undefined;
    if (expr?.kind === 'string') return `${text}::${typeName({ id: type.id })}`;
    // nextval's argument is a regclass in PostgreSQL's stored default.
    if (expr?.kind === 'funcCall' && expr.name === 'nextval' && expr.args.length === 1 && expr.args[0]!.kind === 'string') {
      return `nextval(${text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).trim()}::regclass)`;
    }
  } catch {
    // Shown as written.
  }
  return text;
}

/** A schema-qualified name split into its parts; quoted parts keep their case. */
export function splitQualified(name: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^".]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < name.length && (m = re.exec(name)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.trim().toLowerCase());
    if (m[3] === '') break;
  }
  return parts;
}

/** quote_ident: quoted unless a lower-case identifier that is not a keyword. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

// Reserved keywords, which quote_ident quotes (PostgreSQL quotes every non-unreserved keyword).
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate', 'column',
  'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user',
  'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant',
  'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not',
  'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some',
  'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
]);

