// pg_type's rows and format_type(): the built-in types Flint has, under
// PostgreSQL's OIDs and names (the OIDs are sql/types/type-oids.ts's), each
// with its array type. `name` and `"char"` appear because the catalogs'
// clients name them, though Flint's catalogs hold their values as text.

import type { SqlType, TypeId } from '../types/sql-type.ts';
import { ARRAY_OIDS, TYPE_OIDS, typeOidOf } from '../types/type-oids.ts';
import { T, typeCategory, typeName, isPreferredType } from '../types/type-info.ts';

export interface TypeRow {
  readonly oid: number;
  /** pg_type.typname: int4, varchar, _int4, ... */
  readonly name: string;
  readonly len: number;
  readonly category: string;
  readonly preferred: boolean;
  /** The element type's OID for an array type, else 0. */
  readonly elem: number;
  /** The array type's OID, else 0. */
  readonly array: number;
  /** format_type's name without a modifier. */
  readonly display: string;
  /** The Flint type, when there is one (not for name and "char"). */
  readonly type: SqlType | null;
}

/** PostgreSQL's typname of each of Flint's types (json is read as jsonb but is a type of its own in pg_type). */
const TYPNAMES: Partial<Record<TypeId, string>> = {
  bool: 'bool', bytea: 'bytea', int8: 'int8', int2: 'int2', int4: 'int4', text: 'text', oid: 'oid', float4: 'float4',
  float8: 'float8', bpchar: 'bpchar', varchar: 'varchar', date: 'date', timestamp: 'timestamp', timestamptz: 'timestamptz',
  interval: 'interval', numeric: 'numeric', uuid: 'uuid', jsonb: 'jsonb', regproc: 'regproc', regclass: 'regclass',
  regtype: 'regtype', regnamespace: 'regnamespace', regrole: 'regrole',
};

function buildTypes(): TypeRow[] {
  const rows: TypeRow[] = [];
  const add = (id: TypeId) => {
    const name = TYPNAMES[id]!;
    const type = T[id];
    const { oid, length } = TYPE_OIDS[id];
    const array = ARRAY_OIDS[id] ?? 0;
    // format_type(1042, -1) is bpchar, as in PostgreSQL; with a length it is character(n).
    const display = id === 'bpchar' ? 'bpchar' : typeName(type);
    rows.push({ oid, name, len: length, category: typeCategory(id), preferred: isPreferredType(id), elem: 0, array, display, type });
    if (array !== 0) {
      rows.push({ oid: array, name: `_${name}`, len: -1, category: 'A', preferred: false, elem: oid, array: 0, display: `${display === 'bpchar' ? 'character' : display}[]`, type: null });
    }
  };
  for (const id of Object.keys(TYPNAMES) as TypeId[]) add(id);
  // Pseudo-types pg_proc's polymorphic functions use.
  rows.push({ oid: 2276, name: 'any', len: 4, category: 'P', preferred: false, elem: 0, array: 0, display: '"any"', type: null });
  rows.push({ oid: 2277, name: 'anyarray', len: -1, category: 'P', preferred: false, elem: 0, array: 0, display: 'anyarray', type: null });
  rows.push({ oid: 2283, name: 'anyelement', len: 4, category: 'P', preferred: false, elem: 0, array: 0, display: 'anyelement', type: null });
  rows.push({ oid: 2776, name: 'anynonarray', len: 4, category: 'P', preferred: false, elem: 0, array: 0, display: 'anynonarray', type: null });
  rows.push({ oid: 705, name: 'unknown', len: -2, category: 'X', preferred: false, elem: 0, array: 0, display: 'unknown', type: null });
  rows.push({ oid: 18, name: 'char', len: 1, category: 'Z', preferred: false, elem: 0, array: 1002, display: '"char"', type: null });
  rows.push({ oid: 1002, name: '_char', len: -1, category: 'A', preferred: false, elem: 18, array: 0, display: '"char"[]', type: null });
  rows.push({ oid: 19, name: 'name', len: 64, category: 'S', preferred: false, elem: 0, array: 1003, display: 'name', type: null });
  rows.push({ oid: 1003, name: '_name', len: -1, category: 'A', preferred: false, elem: 19, array: 0, display: 'name[]', type: null });
  rows.push({ oid: 114, name: 'json', len: -1, category: 'U', preferred: false, elem: 0, array: 199, display: 'json', type: null });
  rows.push({ oid: 199, name: '_json', len: -1, category: 'A', preferred: false, elem: 114, array: 0, display: 'json[]', type: null });
  rows.push({ oid: 22, name: 'int2vector', len: -1, category: 'A', preferred: false, elem: 21, array: 0, display: 'int2vector', type: null });
  rows.push({ oid: 30, name: 'oidvector', len: -1, category: 'A', preferred: false, elem: 26, array: 0, display: 'oidvector', type: null });
  return rows.sort((a, b) => a.oid - b.oid);
}

export const TYPE_ROWS: readonly TypeRow[] = buildTypes();
const BY_OID = new Map(TYPE_ROWS.map((r) => [r.oid, r]));
const BY_NAME = new Map<string, TypeRow>(TYPE_ROWS.map((r) => [r.name, r]));
for (const r of TYPE_ROWS) if (!BY_NAME.has(r.display)) BY_NAME.set(r.display, r);

export function typeRow(oid: number): TypeRow | undefined {
  return BY_OID.get(oid);
}

/** A type by its typname or its format_type name (regtype input): int4, integer, character varying, _int4, integer[]. */
export function typeRowByName(name: string): TypeRow | undefined {
  const n = name.startsWith('pg_catalog.') ? name.slice('pg_catalog.'.length) : name;
  return BY_NAME.get(n) ?? BY_NAME.get(ALIASES[n] ?? '');
}

const ALIASES: Record<string, string> = {
  int: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', 'double precision': 'float8', boolean: 'bool',
  decimal: 'numeric', varchar: 'varchar', character: 'bpchar', char: 'bpchar', 'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
};

/** The pg_type OID of a Flint type (arrays by their element). */
export function oidOfType(type: SqlType): number {
  return typeOidOf(type).oid;
}

/**
 * format_type(oid, typmod): PostgreSQL's display name with the modifier
 * (atttypmod: varchar(n) and char(n) are n + 4, numeric(p,s) is
 * ((p << 16) | s) + 4); NULL for a NULL OID, '???' for an unknown one.
 */
export function formatType(oid: number, typmod: number | null): string {
  const row = BY_OID.get(oid);
  if (row === undefined) return '???';
  const mod = typmod ?? -1;
  if (row.oid === 1043 && mod >= 4) return `character varying(${mod - 4})`;
  if (row.oid === 1042) return mod >= 4 ? `character(${mod - 4})` : typmod === null ? 'bpchar' : 'character';
  if (row.oid === 1700 && mod >= 4) return `numeric(${((mod - 4) >> 16) & 0xffff},${(mod - 4) & 0xffff})`;
  if (row.oid === 1014 && mod >= 4) return `character(${mod - 4})[]`;
  if (row.oid === 1015 && mod >= 4) return `character varying(${mod - 4})[]`;
  return row.display;
}
