// PostgreSQL's OIDs of Flint's types: pg_type.oid, typlen and typarray.
// The one table of type OIDs: the wire protocol (server/types.ts) and the
// system catalogs (sql/system-catalog/) both read it.

import type { SqlType, TypeId } from './sql-type.ts';
import { T } from './type-info.ts';

export interface WireType {
  readonly oid: number;
  /** pg_type.typlen: fixed size in bytes, or -1 for variable length. */
  readonly length: number;
}

export const TYPE_OIDS: Record<TypeId, WireType> = {
  bool: { oid: 16, length: 1 },
  bytea: { oid: 17, length: -1 },
  int8: { oid: 20, length: 8 },
  int2: { oid: 21, length: 2 },
  int4: { oid: 23, length: 4 },
  text: { oid: 25, length: -1 },
  float4: { oid: 700, length: 4 },
  float8: { oid: 701, length: 8 },
  bpchar: { oid: 1042, length: -1 },
  varchar: { oid: 1043, length: -1 },
  date: { oid: 1082, length: 4 },
  timestamp: { oid: 1114, length: 8 },
  timestamptz: { oid: 1184, length: 8 },
  interval: { oid: 1186, length: 16 },
  numeric: { oid: 1700, length: -1 },
  uuid: { oid: 2950, length: 16 },
  jsonb: { oid: 3802, length: -1 },
  // Untyped values are sent as text, as PostgreSQL does for an unknown literal in a result.
  unknown: { oid: 25, length: -1 },
  null: { oid: 25, length: -1 },
  oid: { oid: 26, length: 4 },
  regproc: { oid: 24, length: 4 },
  regclass: { oid: 2205, length: 4 },
  regtype: { oid: 2206, length: 4 },
  regnamespace: { oid: 4089, length: 4 },
  regrole: { oid: 4096, length: 4 },
  // The element type decides an array's OID (ARRAY_OIDS); text[] when it has none.
  array: { oid: 1009, length: -1 },
};

/** pg_type.typarray of each type that has an array type in Flint: the array type's OID. */
export const ARRAY_OIDS: Partial<Record<TypeId, number>> = {
  bool: 1000, bytea: 1001, int8: 1016, int2: 1005, int4: 1007, text: 1009, oid: 1028, float4: 1021, float8: 1022,
  bpchar: 1014, varchar: 1015, date: 1182, timestamp: 1115, timestamptz: 1185, interval: 1187, numeric: 1231,
  uuid: 2951, jsonb: 3807, regproc: 1008, regclass: 2210, regtype: 2211, regnamespace: 4090, regrole: 4097,
};

/** The OID of `element[]`, or 0 when Flint has no such array type. */
export function arrayTypeOid(element: TypeId): number {
  return ARRAY_OIDS[element] ?? 0;
}

const BY_OID = new Map<number, SqlType>([
  [16, T.bool], [17, T.bytea], [20, T.int8], [21, T.int2], [23, T.int4], [25, T.text], [700, T.float4], [701, T.float8],
  [1042, T.bpchar], [1043, T.varchar], [1082, T.date], [1114, T.timestamp], [1184, T.timestamptz],
  [1186, T.interval], [1700, T.numeric], [2950, T.uuid], [3802, T.jsonb],
  // json is read as jsonb; oid 0 and 705 (unknown) leave the type to inference.
  [114, T.jsonb],
  [26, T.oid], [24, T.regproc], [2205, T.regclass], [2206, T.regtype], [4089, T.regnamespace], [4096, T.regrole],
]);

/** pg_type.oid and typlen of a type (an array's OID from its element). */
export function typeOidOf(type: SqlType): WireType {
  if (type.id === 'array') return { oid: arrayTypeOid(type.element?.id ?? 'text') || 1009, length: -1 };
  return TYPE_OIDS[type.id];
}

/** The SQL type a client named by OID in Parse, or undefined to infer it (0, unknown, or a type Flint lacks). */
export function typeForOid(oid: number): SqlType | undefined {
  return BY_OID.get(oid);
}

/** pg_attribute.atttypmod for a type: varchar(n)/bpchar(n) are n + 4, numeric(p,s) is ((p << 16) | s) + 4, else -1. */
export function typeModifier(type: SqlType): number {
  if ((type.id === 'varchar' || type.id === 'bpchar') && type.length !== undefined && type.length >= 0) return type.length + 4;
  if (type.id === 'numeric' && type.length !== undefined && type.length >= 0) return ((type.length << 16) | (type.scale ?? 0)) + 4;
  return -1;
}
