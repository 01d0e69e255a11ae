// SQL types as Flint's SQL layer sees them, and how their values are held in
// JavaScript while a statement runs. PostgreSQL's semantics are the spec:
// what works in Flint works the same in PostgreSQL.
//
// TYPE          RUNTIME VALUE                          STORAGE (src/storage/tuple.ts)
// bool          boolean                                bool
// int2          number (integer, -32768..32767)        int16
// int4          number (integer, 32-bit)               int32
// int8          bigint (exact 64-bit)                  int64
// float4        number (rounded to float32)            float32
// float8        number                                 float64
// numeric       Decimal (exact; ./decimal.ts)          text (canonical string)
// text          string                                 text
// varchar(n)    string (length checked on assignment)  text
// bpchar(n)     string (blank-padded to n)             text
// bytea         Uint8Array                             bytes
// date          number: days since 1970-01-01          int32
// timestamp     bigint: microseconds since 1970-01-01  int64
// timestamptz   bigint: microseconds since 1970-01-01 UTC  int64
// interval      Interval { months, days, micros }      bytes (16: i32 months, i32 days, i64 micros)
// uuid          string, lower-case canonical form      bytes (16)
// jsonb         JsonValue (parsed, canonical); a top-   text (canonical JSON)
//               level JSON null is JSON_NULL (json.ts),
//               because null already means SQL NULL
// unknown       string: an untyped literal ('abc') until context types it
// oid           number (unsigned 32-bit)                 int64
// regclass,     RegOid { oid, text }: the OID and its    (not storable)
//  regtype, ...  name, resolved when the value is made
//               (./reg-oid.ts)
// T[] (array)   a JavaScript array of the element's      (not storable)
//               runtime values (one dimension)
// NULL is JavaScript null for every type.

export type TypeId =
  | 'bool' | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'numeric'
  | 'text' | 'varchar' | 'bpchar' | 'bytea'
  | 'date' | 'timestamp' | 'timestamptz' | 'interval'
  | 'uuid' | 'jsonb' | 'unknown' | 'null'
  | 'oid' | 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole' | 'array';

/** A SQL type with its modifiers (varchar(n), numeric(p,s)). */
export interface SqlType {
  readonly id: TypeId;
  /** varchar(n)/bpchar(n): max length; numeric(p,s): precision. -1 when unspecified. */
  readonly length?: number;
  /** numeric(p,s): scale. */
  readonly scale?: number;
  /** array: the element type. */
  readonly element?: SqlType;
}

export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
