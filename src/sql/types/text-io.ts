// Text input and output for every type: PostgreSQL's type input functions
// (what '...'::type and COPY do with text) and output functions (what a
// client sees in the text protocol).
//
// parseText applies the type's modifier in assignment mode (numeric(p,s)
// rounds, char(n) pads, an over-long varchar(n) is 22001); an explicit cast
// truncates instead, which castValue handles.

import { FlintError, SqlState, assert } from '../../errors.ts';
import type { Interval, SqlType, TypeId } from './sql-type.ts';
import type { RuntimeValue, Value } from './type-info.ts';
import { Decimal } from './decimal.ts';
import { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from './float-text.ts';
import { formatBytea, parseBytea } from './bytea.ts';
import { parseDate, parseTimestamp, parseTimestamptz } from './datetime-parse.ts';
import { formatDate, formatTimestamp, formatTimestamptz } from './datetime-format.ts';
import { formatInterval, parseInterval } from './interval.ts';
import { parseUuid } from './uuid.ts';
import { formatJson, parseJson, type Jsonb } from './json.ts';
import { applyTypeModifier } from './typmod.ts';
import { NO_CONTEXT, type EvalContext } from './eval-context.ts';
import { isCSpace } from './text-util.ts';
import { RegOid, type RegTypeId } from './reg-oid.ts';
import { parseTextArray } from './text-array.ts';
import { T } from './type-info.ts';

/** PostgreSQL boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any case, any unique prefix, spaces trimmed. */
export function parseBool(text: string): boolean {
  let start = 0;
  let end = text.length;
  while (start < end && isCSpace(text.charCodeAt(start))) start++;
  while (end > start && isCSpace(text.charCodeAt(end - 1))) end--;
  const s = text.slice(start, end).toLowerCase();
  const len = s.length;
  if (len > 0) {
    switch (s[0]) {
      case 't':
        if ('true'.startsWith(s)) return true;
        break;
      case 'f':
        if ('false'.startsWith(s)) return false;
        break;
      case 'y':
        if ('yes'.startsWith(s)) return true;
        break;
      case 'n':
        if ('no'.startsWith(s)) return false;
        break;
      case 'o':
        // 'o' alone is ambiguous between on and off.
        if (s === 'on') return true;
        if (len >= 2 && 'off'.startsWith(s)) return false;
        break;
      case '1':
        if (len === 1) return true;
        break;
      case '0':
        if (len === 1) return false;
        break;
      default:
        break;
    }
  }
  throw new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type boolean: "${text}"`);
}

const INT_LIMITS = {
  int2: { min: -32768n, max: 32767n, name: 'smallint' },
  int4: { min: -2147483648n, max: 2147483647n, name: 'integer' },
  int8: { min: -(2n ** 63n), max: 2n ** 63n - 1n, name: 'bigint' },
} as const;

/**
 * PostgreSQL pg_strtoint16/32/64: optional spaces and sign, decimal digits,
 * optional spaces. Overflow is reported as soon as the digits exceed the
 * range, so it wins over trailing junk, as in PostgreSQL.
 */
export function parseInteger(text: string, id: 'int2' | 'int4' | 'int8'): bigint {
  const limits = INT_LIMITS[id];
  let i = 0;
  const n = text.length;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  if (text[i] === '-') {
    negative = true;
    i++;
  } else if (text[i] === '+') {
    i++;
  }
  const digitsStart = i;
  while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  const syntax = (): FlintError =>
    new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${limits.name}: "${text}"`);
  if (i === digitsStart) throw syntax();
  const digits = text.slice(digitsStart, i);
  // Leading zeros do not count towards the length that rules out overflow.
  const outOfRange = (): FlintError =>
    new FlintError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type ${limits.name}`);
  if (digits.replace(/^0+/, '').length > 19) throw outOfRange();
  const value = negative ? -BigInt(digits) : BigInt(digits);
  if (value < limits.min || value > limits.max) throw outOfRange();
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  if (i !== n) throw syntax();
  return value;
}

/** A type's input function without its modifier. */
export function inputValue(text: string, id: TypeId, ctx: EvalContext = NO_CONTEXT): RuntimeValue {
  switch (id) {
    case 'bool':
      return parseBool(text);
    case 'int2':
    case 'int4':
      return Number(parseInteger(text, id));
    case 'int8':
      return parseInteger(text, id);
    case 'float4':
      return parseFloat4(text);
    case 'float8':
      return parseFloat8(text);
    case 'numeric':
      return Decimal.parse(text);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'unknown':
    case 'null':
      return text;
    case 'bytea':
      return parseBytea(text);
    case 'date':
      return parseDate(text, ctx);
    case 'timestamp':
      return parseTimestamp(text, ctx);
    case 'timestamptz':
      return parseTimestamptz(text, ctx);
    case 'interval':
      return parseInterval(text);
    case 'uuid':
      return parseUuid(text);
    case 'jsonb':
      return parseJson(text);
    case 'oid':
      return parseOid(text);
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return parseReg(text, id, ctx);
    case 'array':
      return parseArray(text, T.text, ctx);
  }
}

/** oidin: an unsigned 32-bit integer (a negative one wraps, as in PostgreSQL). */
function parseOid(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type oid: "${text}"`);
  const n = Number(t);
  if (n > 4294967295 || n < -2147483648) throw new FlintError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type oid`);
  return n < 0 ? n + 4294967296 : n;
}

const REG_MISSING: Record<RegTypeId, { code: string; what: string }> = {
  regclass: { code: SqlState.undefinedTable, what: 'relation' },
  regtype: { code: '42704', what: 'type' },
  regproc: { code: SqlState.undefinedFunction, what: 'function' },
  regnamespace: { code: '3F000', what: 'schema' },
  regrole: { code: '42704', what: 'role' },
};

/** regclassin and friends: a name (looked up in the statement's catalog) or an OID's digits. */
function parseReg(text: string, id: RegTypeId, ctx: EvalContext): RegOid {
  const t = text.trim();
  if (/^\d+$/.test(t)) return regFromOid(parseOid(t), id, ctx);
  if (t === '-') return regFromOid(0, id, ctx);
  const system = ctx.system;
  if (system === undefined) throw new FlintError(SqlState.featureNotSupported, `type ${id} needs a session`);
  const oid = system.catalog().regOid(id, t);
  if (oid === undefined) {
    const missing = REG_MISSING[id];
    throw new FlintError(missing.code, `${missing.what} "${t}" does not exist`);
  }
  return new RegOid(oid, system.catalog().regName(id, oid) ?? t);
}

/** A reg* value for an OID: named as the catalog names it, or its digits when nothing has that OID (as PostgreSQL prints it). */
export function regFromOid(oid: number, id: RegTypeId, ctx: EvalContext): RegOid {
  // InvalidOid prints as '-', as in PostgreSQL.
  if (oid === 0) return new RegOid(0, '-');
  return new RegOid(oid, ctx.system?.catalog().regName(id, oid) ?? String(oid));
}

/** array_in for a one-dimensional array of `element`. */
export function parseArray(text: string, element: SqlType, ctx: EvalContext = NO_CONTEXT): RuntimeValue[] {
  return parseTextArray(text).map((e) => (e === null ? null : parseText(e, element, ctx)));
}

/** The input function for any type, arrays included. */
export function inputTyped(text: string, type: SqlType, ctx: EvalContext = NO_CONTEXT): RuntimeValue {
  if (type.id === 'array') return parseArray(text, type.element ?? T.text, ctx);
  return inputValue(text, type.id, ctx);
}

/** array_out: elements quoted when empty, NULL-like or holding a delimiter, brace, quote, backslash or space. */
function formatArray(values: readonly RuntimeValue[], element: SqlType, ctx: EvalContext): string {
  const parts = values.map((v) => {
    if (v === null) return 'NULL';
    const s = formatText(v as Value, element, ctx);
    if (s === '' || s.toLowerCase() === 'null' || /[{}",\\\s]/.test(s)) return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    return s;
  });
  return `{${parts.join(',')}}`;
}

/** PostgreSQL's input function for `type`, modifier applied as on assignment. */
export function parseText(text: string, type: SqlType, ctx: EvalContext = NO_CONTEXT): RuntimeValue {
  return applyTypeModifier(inputTyped(text, type, ctx), type, false);
}

/** PostgreSQL's output function for `type`: the text-protocol form of a non-null value. */
export function formatText(value: Value, type: SqlType, ctx: EvalContext = NO_CONTEXT): string {
  switch (type.id) {
    case 'bool':
      return value ? 't' : 'f';
    case 'int2':
    case 'int4':
    case 'int8':
      return String(value);
    case 'float4':
      return formatFloat4(value as number);
    case 'float8':
      return formatFloat8(value as number);
    case 'numeric':
      return (value as Decimal).toString();
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'unknown':
    case 'null':
    case 'uuid':
      return value as string;
    case 'bytea':
      return formatBytea(value as Uint8Array);
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
      return formatTimestamp(value as bigint);
    case 'timestamptz':
      return formatTimestamptz(value as bigint, ctx.timeZone);
    case 'interval':
      return formatInterval(value as Interval);
    case 'jsonb':
      return formatJson(value as Jsonb);
    case 'oid':
      return String(value);
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
      return (value as RegOid).text;
    case 'array':
      return formatArray(value as readonly RuntimeValue[], type.element ?? T.text, ctx);
  }
  assert(false, `formatText: unknown type ${String(type.id)}`);
}
