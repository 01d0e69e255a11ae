// What the SQL layer needs to know about each type besides its values:
// constructors for SqlType, PostgreSQL's display names, and the type
// categories and preferred types that PostgreSQL's overload and UNION
// resolution rules are written in terms of (pg_type.typcategory/typispreferred).

import type { Interval, JsonValue, SqlType, TypeId } from './sql-type.ts';
import type { Decimal } from './decimal.ts';
import type { JSON_NULL } from './json.ts';
import type { RegOid } from './reg-oid.ts';

/**
 * A value of any SQL type while a statement runs; see the table in
 * sql-type.ts for which JavaScript shape belongs to which type. JSON_NULL is
 * the jsonb value 'null' (a top-level JSON null), distinct from SQL NULL.
 */
export type RuntimeValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Decimal
  | Interval
  | JsonValue
  | typeof JSON_NULL
  | RegOid
  | readonly RuntimeValue[];

/** A non-null runtime value: what operator and function bodies receive. */
export type Value = Exclude<RuntimeValue, null>;

function make(id: TypeId, length?: number, scale?: number): SqlType {
  if (length === undefined) return Object.freeze({ id });
  if (scale === undefined) return Object.freeze({ id, length });
  return Object.freeze({ id, length, scale });
}

/** Shared, frozen SqlType instances for the types without modifiers. */
export const T = {
  bool: make('bool'),
  int2: make('int2'),
  int4: make('int4'),
  int8: make('int8'),
  float4: make('float4'),
  float8: make('float8'),
  numeric: make('numeric'),
  text: make('text'),
  varchar: make('varchar'),
  bpchar: make('bpchar'),
  bytea: make('bytea'),
  date: make('date'),
  timestamp: make('timestamp'),
  timestamptz: make('timestamptz'),
  interval: make('interval'),
  uuid: make('uuid'),
  jsonb: make('jsonb'),
  unknown: make('unknown'),
  null: make('null'),
  oid: make('oid'),
  regclass: make('regclass'),
  regtype: make('regtype'),
  regproc: make('regproc'),
  regnamespace: make('regnamespace'),
  regrole: make('regrole'),
  // The array type without a known element reads as text[].
  array: Object.freeze({ id: 'array', element: make('text') }),
} as const satisfies Record<TypeId, SqlType>;

/** varchar(n); n is a character count. */
export function varcharType(length: number): SqlType {
  return make('varchar', length);
}

/** char(n) / bpchar(n): blank-padded to n characters. */
export function bpcharType(length: number): SqlType {
  return make('bpchar', length);
}

/** numeric(precision, scale). PostgreSQL 15 allows scale < 0 and scale > precision. */
export function numericType(precision: number, scale = 0): SqlType {
  return make('numeric', precision, scale);
}

/** element[]: a one-dimensional array of `element` (arrays of arrays are not types of their own). */
export function arrayType(element: SqlType): SqlType {
  return Object.freeze({ id: 'array', element: element.id === 'array' ? element.element! : element });
}

/** The type without its modifiers: what overload resolution works on. */
export function baseType(type: SqlType): SqlType {
  return type.id === 'array' ? arrayType(baseType(type.element ?? T.text)) : T[type.id];
}

/** True when the type carries a modifier (varchar(n), bpchar(n), numeric(p,s)). */
export function hasTypmod(type: SqlType): boolean {
  return type.length !== undefined && type.length >= 0;
}

/** Same type including modifiers. */
export function sameType(a: SqlType, b: SqlType): boolean {
  if (a.id === 'array' && b.id === 'array') return sameType(a.element ?? T.text, b.element ?? T.text);
  return a.id === b.id && (a.length ?? -1) === (b.length ?? -1) && (a.scale ?? 0) === (b.scale ?? 0);
}

const DISPLAY_NAMES: Record<TypeId, string> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  text: 'text',
  varchar: 'character varying',
  bpchar: 'character',
  bytea: 'bytea',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  uuid: 'uuid',
  jsonb: 'jsonb',
  unknown: 'unknown',
  // An untyped NULL literal; PostgreSQL shows it as unknown too.
  null: 'unknown',
  oid: 'oid',
  regclass: 'regclass',
  regtype: 'regtype',
  regproc: 'regproc',
  regnamespace: 'regnamespace',
  regrole: 'regrole',
  array: 'text[]',
};

/**
 * The name PostgreSQL's format_type_be() prints, which is also the name used
 * in its error messages: "integer", "character varying(5)", "numeric(10,2)".
 */
export function typeName(type: SqlType): string {
  if (type.id === 'array') return `${typeName(type.element ?? T.text)}[]`;
  const name = DISPLAY_NAMES[type.id];
  if (!hasTypmod(type)) return name;
  if (type.id === 'numeric') return `numeric(${type.length},${type.scale ?? 0})`;
  return `${name}(${type.length})`;
}

/** pg_type.typcategory, which drives implicit-cast resolution. */
export type TypeCategory = 'A' | 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'X';

const CATEGORIES: Record<TypeId, TypeCategory> = {
  bool: 'B',
  int2: 'N',
  int4: 'N',
  int8: 'N',
  float4: 'N',
  float8: 'N',
  numeric: 'N',
  text: 'S',
  varchar: 'S',
  bpchar: 'S',
  bytea: 'U',
  date: 'D',
  timestamp: 'D',
  timestamptz: 'D',
  interval: 'T',
  uuid: 'U',
  jsonb: 'U',
  unknown: 'X',
  null: 'X',
  oid: 'N',
  regclass: 'N',
  regtype: 'N',
  regproc: 'N',
  regnamespace: 'N',
  regrole: 'N',
  array: 'A',
};

export function typeCategory(id: TypeId): TypeCategory {
  return CATEGORIES[id];
}

/** pg_type.typispreferred: the type a category leans to when a choice is ambiguous. */
export function isPreferredType(id: TypeId): boolean {
  return id === 'bool' || id === 'float8' || id === 'text' || id === 'timestamptz' || id === 'interval';
}

/** Untyped: a quoted literal or a bare NULL, typed later by its context. */
export function isUnknown(id: TypeId): boolean {
  return id === 'unknown' || id === 'null';
}

export function isIntegerType(id: TypeId): id is 'int2' | 'int4' | 'int8' {
  return id === 'int2' || id === 'int4' || id === 'int8';
}

export function isStringType(id: TypeId): id is 'text' | 'varchar' | 'bpchar' {
  return id === 'text' || id === 'varchar' || id === 'bpchar';
}
