// Between JavaScript values and SQL runtime values, at the API boundary.
//
// Out (rows): BIGINT is a number (or a bigint with `bigint: 'bigint'`; a
// number outside 2^53 is an error rather than a silently wrong number),
// NUMERIC a string (exact), TIMESTAMP/TIMESTAMPTZ a Date, DATE, INTERVAL and
// UUID their PostgreSQL text, JSONB the parsed value, BYTEA a Uint8Array.
// In (parameters): each JS value is converted to the type the parameter was
// inferred to have; strings go through the type's text input, as a
// PostgreSQL driver's text parameters do.

import { FlintError, SqlState } from '../errors.ts';
import { Decimal } from '../sql/types/decimal.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { formatText, parseText } from '../sql/types/text-io.ts';
import { castValue } from '../sql/types/cast.ts';
import { T, type RuntimeValue } from '../sql/types/type-info.ts';
import { UTC } from '../sql/types/timezone.ts';

export type JsValue = null | boolean | number | bigint | string | Uint8Array | Date | unknown;

export interface ValueOptions {
  readonly bigint: 'number' | 'bigint';
}

export function toJs(value: RuntimeValue, type: SqlType, options: ValueOptions, ctx: EvalContext): JsValue {
  if (value === null) return null;
  switch (type.id) {
    case 'int8':
      if (options.bigint === 'bigint') return value;
      if (value as bigint > 9007199254740991n || (value as bigint) < -9007199254740991n) {
        throw new FlintError(SqlState.numericValueOutOfRange, `bigint value ${String(value)} does not fit a JavaScript number; open the database with { bigint: 'bigint' }`);
      }
      return Number(value);
    case 'numeric':
      return (value as Decimal).toString();
    case 'timestamp':
    case 'timestamptz':
      return new Date(Number((value as bigint) / 1000n));
    case 'date':
    case 'interval':
    case 'uuid':
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return formatText(value, type, ctx);
    case 'array': {
      const element = type.element ?? T.text;
      return (value as readonly RuntimeValue[]).map((v) => toJs(v, element, options, ctx)) as JsValue;
    }
    default:
      return value;
  }
}

/** A row as the API returns it: an object keyed by column name. */
export type Row = Record<string, JsValue>;

/** Types whose runtime value is already the JS value (no conversion per row). */
const AS_IS = new Set(['bool', 'int2', 'int4', 'float4', 'float8', 'text', 'varchar', 'bpchar', 'name', 'bytea', 'jsonb', 'json', 'oid']);

/** Are the runtime values of every column the JS values themselves (rowShaper's arrays then only copy)? */
export function valuesAsIs(columns: readonly { readonly type: SqlType }[]): boolean {
  return columns.every((c) => AS_IS.has(c.type.id));
}

/**
 * Rows of a result as JS values: objects keyed by column name, or arrays
 * with `raw`. Built once per result so each row pays only for the columns
 * whose values need converting.
 */
export function rowShaper(columns: readonly { readonly name: string; readonly type: SqlType }[], options: ValueOptions, raw: boolean): (row: readonly RuntimeValue[]) => Row | JsValue[] {
  const ctx = { timeZone: UTC } as unknown as EvalContext;
  const convert = columns.map((c) => (AS_IS.has(c.type.id) ? null : (v: RuntimeValue) => toJs(v, c.type, options, ctx)));
  const names = columns.map((c) => c.name);
  const n = columns.length;
  if (raw) {
    return (row) => {
      const out: JsValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const f = convert[i]!;
        out[i] = f === null ? row[i] : f(row[i] as RuntimeValue);
      }
      return out;
    };
  }
  return (row) => {
    const out: Row = {};
    for (let i = 0; i < n; i++) {
      const f = convert[i]!;
      out[names[i]!] = f === null ? row[i] : f(row[i] as RuntimeValue);
    }
    return out;
  };
}

/** A JS parameter as a runtime value of `type` (text when the type could not be inferred). */
export function fromJs(value: JsValue, type: SqlType | undefined, ctx: EvalContext): RuntimeValue {
  // The commonest cases, in a head small enough to be inlined where parameters are read: text, float8 and
  // int4-range integers (what fromJsValue gives for them too, without a call).
  if (type !== undefined && type.length === undefined) {
    if (typeof value === 'string') {
      if (type.id === 'text') return value;
    } else if (typeof value === 'number') {
      if (type.id === 'float8' || (type.id === 'int4' && (value | 0) === value)) return value;
    }
  }
  return fromJsValue(value, type, ctx);
}

function fromJsValue(value: JsValue, type: SqlType | undefined, ctx: EvalContext): RuntimeValue {
  if (value === null || value === undefined) return null;
  const target = type === undefined || type.id === 'unknown' || type.id === 'null' ? T.text : type;
  // The common cases first, each the value itself: what the general path
  // below gives for them too (text input of text, a cast to the same type,
  // any number as float8), without its calls.
  if (typeof value === 'string') {
    if (target.id === 'text' && target.length === undefined) return value;
    return parseText(value, target, ctx);
  }
  if (typeof value === 'number' && target.length === undefined) {
    if (target.id === 'float8') return value;
    if (target.id === 'int4' && Number.isInteger(value) && Math.abs(value) <= 2147483647) return value;
  }
  if (typeof value === 'boolean') return castValue(value, T.bool, target, true, ctx);
  if (typeof value === 'bigint') return castValue(value, T.int8, target, true, ctx);
  if (typeof value === 'number') {
    if (target.id === 'numeric') return Decimal.fromNumber(value);
    if (Number.isInteger(value) && Math.abs(value) <= 2147483647) return castValue(value, T.int4, target, true, ctx);
    if (Number.isInteger(value) && Number.isSafeInteger(value)) return castValue(BigInt(value), T.int8, target, true, ctx);
    return castValue(value, T.float8, target, true, ctx);
  }
  if (value instanceof Date) {
    const micros = BigInt(value.getTime()) * 1000n;
    return castValue(micros, T.timestamptz, target, true, ctx);
  }
  if (value instanceof Uint8Array) {
    if (target.id !== 'bytea') throw new FlintError(SqlState.datatypeMismatch, `a Uint8Array parameter cannot be used as ${target.id}`);
    return value;
  }
  if (target.id === 'jsonb') return value as RuntimeValue;
  throw new FlintError(SqlState.datatypeMismatch, `cannot use a JavaScript ${typeof value} as a parameter of type ${target.id}`);
}
