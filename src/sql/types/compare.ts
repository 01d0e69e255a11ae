// Ordering, equality and hash keys for non-null values of one type, with
// PostgreSQL's semantics: text in the "C" collation (code point order),
// char(n) ignoring trailing spaces, floats with NaN above everything and
// equal to itself and -0 = 0, numeric by value whatever its scale, intervals
// by their 30-day-month span, jsonb in jsonb's own order.
//
// hashKey is for GROUP BY, DISTINCT and hash joins: equal values (by
// compareValues) always get equal keys, so keys can go straight into a Map.
// Values of different types are not comparable here; the binder casts both
// sides of a comparison to one type first.

import { assert } from '../../errors.ts';
import type { Interval, SqlType, TypeId } from './sql-type.ts';
import type { RuntimeValue, Value } from './type-info.ts';
import type { Decimal } from './decimal.ts';
import { compareBytes, toHex } from './bytea.ts';
import { compareIntervals, intervalSpan } from './interval.ts';
import { compareJson, formatJson, type Jsonb } from './json.ts';
import { compareCodePoints } from './text-util.ts';
import { RegOid } from './reg-oid.ts';

/** char(n) semantics: trailing spaces are not significant. */
export function stripTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** PostgreSQL float8 ordering: NaN sorts above +Infinity and equals itself; -0 equals 0. */
export function compareFloats(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  return na === nb ? 0 : na ? 1 : -1;
}

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Comparator = (a: Value, b: Value) => number;

function makeComparator(id: TypeId): Comparator {
  switch (id) {
    case 'bool':
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case 'int2':
    case 'int4':
    case 'date':
      return (a, b) => cmp(a as number, b as number);
    case 'int8':
    case 'timestamp':
    case 'timestamptz':
      return (a, b) => cmp(a as bigint, b as bigint);
    case 'float4':
    case 'float8':
      return (a, b) => compareFloats(a as number, b as number);
    case 'numeric':
      return (a, b) => (a as Decimal).compare(b as Decimal);
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'null':
      return (a, b) => compareCodePoints(a as string, b as string);
    case 'bpchar':
      return (a, b) => compareCodePoints(stripTrailingSpaces(a as string), stripTrailingSpaces(b as string));
    case 'uuid':
      // Canonical lower-case hex: string order is byte order.
      return (a, b) => cmp(a as string, b as string);
    case 'bytea':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case 'interval':
      return (a, b) => compareIntervals(a as Interval, b as Interval);
    case 'jsonb':
      return (a, b) => compareJson(a as Jsonb, b as Jsonb);
    case 'oid':
      return (a, b) => cmp(a as number, b as number);
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return (a, b) => cmp((a as RegOid).oid, (b as RegOid).oid);
    case 'array':
      // Without the element type: elements compared by their JavaScript kind (compareValues knows the type).
      return (a, b) => compareArrays(a as readonly RuntimeValue[], b as readonly RuntimeValue[], compareLoose);
  }
}

/** Element-wise, then by length; NULL elements sort after every value (PostgreSQL's array_cmp). */
function compareArrays(a: readonly RuntimeValue[], b: readonly RuntimeValue[], element: Comparator): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
      continue;
    }
    const c = element(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareLoose(a: Value, b: Value): number {
  if (a instanceof RegOid && b instanceof RegOid) return cmp(a.oid, b.oid);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return compareCodePoints(String(a), String(b));
}

const TYPE_IDS: TypeId[] = [
  'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'bytea', 'date', 'timestamp', 'timestamptz',
  'interval', 'uuid', 'jsonb', 'unknown', 'null', 'oid', 'regclass', 'regtype', 'regproc', 'regnamespace', 'regrole', 'array',
];
// Built once: compareValues runs per row in sorts and joins.
const COMPARATORS = Object.fromEntries(TYPE_IDS.map((id) => [id, makeComparator(id)])) as Record<TypeId, Comparator>;

/** A function comparing two non-null values of the given type; pick once, call per row. */
export function comparatorFor(id: TypeId): Comparator {
  return COMPARATORS[id];
}

/** -1, 0 or 1 for two non-null values of `type`. */
export function compareValues(a: Value, b: Value, type: SqlType): number {
  if (type.id === 'array' && type.element !== undefined) {
    const element = type.element;
    return compareArrays(a as readonly RuntimeValue[], b as readonly RuntimeValue[], (x, y) => compareValues(x, y, element));
  }
  return COMPARATORS[type.id](a, b);
}

export function equalValues(a: Value, b: Value, type: SqlType): boolean {
  return compareValues(a, b, type) === 0;
}

/**
 * ORDER BY comparison of possibly-null values: NULL sorts as larger than
 * every value (PostgreSQL's default, NULLS LAST for ASC).
 */
export function compareNullable(a: RuntimeValue, b: RuntimeValue, type: SqlType): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return compareValues(a, b, type);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A Map key for a non-null value: equal values give equal keys. */
export function hashKey(value: Value, type: SqlType): string | number {
  switch (type.id) {
    case 'bool':
      return value ? 1 : 0;
    case 'int2':
    case 'int4':
    case 'date':
      return value as number;
    case 'int8':
    case 'timestamp':
    case 'timestamptz': {
      const v = value as bigint;
      return v <= SAFE && v >= -SAFE ? Number(v) : v.toString();
    }
    case 'float4':
    case 'float8': {
      const x = value as number;
      // -0 and 0 are equal; NaN is one key (Map already treats NaN as equal to NaN).
      return x === 0 ? 0 : Number.isNaN(x) ? 'NaN' : x;
    }
    case 'numeric':
      return (value as Decimal).hashKey();
    case 'text':
    case 'varchar':
    case 'uuid':
    case 'unknown':
    case 'null':
      return value as string;
    case 'bpchar':
      return stripTrailingSpaces(value as string);
    case 'bytea':
      return toHex(value as Uint8Array);
    case 'interval':
      // '1 day' = '24 hours' and '1 mon' = '30 days' in PostgreSQL: hash the span.
      return intervalSpan(value as Interval).toString();
    case 'jsonb':
      return formatJson(value as Jsonb);
    case 'oid':
      return value as number;
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return (value as RegOid).oid;
    case 'array': {
      const element = type.element ?? { id: 'text' };
      return compositeHashKey(value as readonly RuntimeValue[], (value as readonly RuntimeValue[]).map(() => element)) + (value as readonly RuntimeValue[]).length;
    }
  }
  assert(false, `hashKey: unknown type ${String(type.id)}`);
}

/**
 * One string key for a row of values (GROUP BY a, b): each part is tagged
 * with its kind and length, so no two different rows share a key. NULL gets
 * its own key, as GROUP BY puts all NULLs in one group.
 */
export function compositeHashKey(values: readonly RuntimeValue[], types: readonly SqlType[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      key += 'N;';
      continue;
    }
    const k = hashKey(v, types[i]!);
    const text = typeof k === 'number' ? String(k) : k;
    key += (typeof k === 'number' ? 'n' : 's') + text.length + ':' + text + ';';
  }
  return key;
}
