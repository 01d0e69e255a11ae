// SQL types on the wire: PostgreSQL's type OIDs and lengths (what a client
// sees in RowDescription and ParameterDescription, and sends in Parse), and
// values in the text and binary formats.

import type { SqlType, TypeId } from '../sql/types/sql-type.ts';
import { T } from '../sql/types/type-info.ts';

interface WireType {
  readonly oid: number;
  /** pg_type.typlen: fixed size in bytes, or -1 for variable length. */
  readonly length: number;
}

const WIRE: Record<TypeId, WireType> = {
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
};

const BY_OID = new Map<number, SqlType>([
  [16, T.bool], [17, T.bytea], [20, T.int8], [21, T.int2], [23, T.int4], [25, T.text], [700, T.float4], [701, T.float8],
  [1042, T.bpchar], [1043, T.varchar], [1082, T.date], [1114, T.timestamp], [1184, T.timestamptz],
  [1186, T.interval], [1700, T.numeric], [2950, T.uuid], [3802, T.jsonb],
  // json is read as jsonb; oid 0 and 705 (unknown) leave the type to inference.
  [114, T.jsonb],
]);

export function wireType(type: SqlType): WireType {
  return WIRE[type.id];
}

/** pg_attribute.atttypmod for a type: varchar(n)/bpchar(n) are n + 4, numeric(p,s) is ((p << 16) | s) + 4, else -1. */
export function typeModifier(type: SqlType): number {
  if ((type.id === 'varchar' || type.id === 'bpchar') && type.length !== undefined && type.length >= 0) return type.length + 4;
  if (type.id === 'numeric' && type.length !== undefined && type.length >= 0) return ((type.length << 16) | (type.scale ?? 0)) + 4;
  return -1;
}

/** The SQL type a client named by OID in Parse, or undefined to infer it (0, unknown, or a type Flint lacks). */
export function typeForOid(oid: number): SqlType | undefined {
  return BY_OID.get(oid);
}
