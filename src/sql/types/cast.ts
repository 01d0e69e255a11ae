// Casts between types, and which casts the binder may insert where.
//
// canCast follows pg_cast: each cast is allowed implicitly (anywhere), on
// assignment (INSERT/UPDATE targets), or only explicitly (CAST, ::). Casts to
// the string types through a type's output function are assignment casts;
// casts from strings through an input function are explicit only. An untyped
// literal or NULL can become anything implicitly.
//
// castValue does the conversion with PostgreSQL's rounding and errors:
// float -> int rounds half to even (rint), numeric -> int half away from
// zero; narrowing out of range is 22003 "integer out of range"; varchar(n)
// truncates on explicit casts and raises 22001 otherwise.

import { FlintError, SqlState } from '../../errors.ts';
import type { JsonValue, SqlType, TypeId } from './sql-type.ts';
import { T, isIntegerType, isStringType, isUnknown, typeCategory, isPreferredType, sameType, typeName, type RuntimeValue } from './type-info.ts';
import { Decimal } from './decimal.ts';
import { parseFloat4, parseFloat8 } from './float-text.ts';
import { formatText, inputTyped, regFromOid } from './text-io.ts';
import { isRegType, RegOid } from './reg-oid.ts';
import { applyTypeModifier } from './typmod.ts';
import { NO_CONTEXT, type EvalContext } from './eval-context.ts';
import {
  dateToTimestamp,
  dateToTimestamptz,
  timestampToDate,
  timestampToTimestamptz,
  timestamptzToDate,
  timestamptzToTimestamp,
} from './datetime-arith.ts';
import { fromJsonb, isJsonObject } from './json.ts';
import { stripTrailingSpaces } from './compare.ts';
import { rint } from './math-util.ts';
import { intOverflow } from './arith.ts';

export type CastContext = 'implicit' | 'assignment' | 'explicit';

const RANK: Record<CastContext, number> = { implicit: 0, assignment: 1, explicit: 2 };
type Code = 'i' | 'a' | 'e';
const CODE_RANK: Record<Code, number> = { i: 0, a: 1, e: 2 };

// pg_cast rows among Flint's types (castcontext i/a/e), excluding the I/O
// conversions to and from strings, which are handled by rule below.
const REG = { regclass: 'i', regtype: 'i', regproc: 'i', regnamespace: 'i', regrole: 'i' } as const;
const CASTS: Partial<Record<TypeId, Partial<Record<TypeId, Code>>>> = {
  int2: { int4: 'i', int8: 'i', float4: 'i', float8: 'i', numeric: 'i', oid: 'i', regclass: 'i', regtype: 'i', regnamespace: 'i' },
  int4: { int2: 'a', int8: 'i', float4: 'i', float8: 'i', numeric: 'i', bool: 'e', oid: 'i', ...REG },
  int8: { int2: 'a', int4: 'a', float4: 'i', float8: 'i', numeric: 'i', oid: 'i', ...REG },
  // oid and the reg* types are binary-coercible to each other (pg_cast's 'b' casts).
  oid: { int8: 'a', int4: 'a', ...REG },
  regclass: { oid: 'i', int8: 'a', int4: 'a' },
  regtype: { oid: 'i', int8: 'a', int4: 'a' },
  regproc: { oid: 'i', int8: 'a', int4: 'a' },
  regnamespace: { oid: 'i', int8: 'a', int4: 'a' },
  regrole: { oid: 'i', int8: 'a', int4: 'a' },
  float4: { int2: 'a', int4: 'a', int8: 'a', float8: 'i', numeric: 'a' },
  float8: { int2: 'a', int4: 'a', int8: 'a', float4: 'a', numeric: 'a' },
  numeric: { int2: 'a', int4: 'a', int8: 'a', float4: 'i', float8: 'i' },
  bool: { int4: 'e' },
  text: { varchar: 'i', bpchar: 'i', regclass: 'i' },
  varchar: { text: 'i', bpchar: 'i', regclass: 'i' },
  bpchar: { text: 'i', varchar: 'i' },
  date: { timestamp: 'i', timestamptz: 'i' },
  timestamp: { date: 'a', timestamptz: 'i' },
  timestamptz: { date: 'a', timestamp: 'a' },
  jsonb: { bool: 'e', numeric: 'e', int2: 'e', int4: 'e', int8: 'e', float4: 'e', float8: 'e' },
};

/** The weakest context in which `from` casts to `to`, or undefined when it never does. */
export function castCode(from: TypeId, to: TypeId): Code | undefined {
  if (from === to) return 'i';
  // Arrays cast to each other when their elements do (checked per element when the cast runs).
  if (from === 'array' || to === 'array') return from === 'array' && isStringType(to) ? 'a' : to === 'array' && isStringType(from) ? 'e' : isUnknown(from) ? 'i' : undefined;
  if (isUnknown(from)) return 'i';
  if (to === 'unknown' || to === 'null') return undefined;
  const direct = CASTS[from]?.[to];
  if (direct !== undefined) return direct;
  // Automatic I/O conversion casts.
  if (isStringType(to)) return 'a';
  if (isStringType(from)) return 'e';
  return undefined;
}

/** pg_cast: may the binder convert `from` to `to` in this context? */
export function canCast(from: SqlType, to: SqlType, context: CastContext): boolean {
  const code = castCode(from.id, to.id);
  return code !== undefined && CODE_RANK[code] <= RANK[context];
}

/** Whether an implicit cast exists (the test overload resolution uses). */
export function canCastImplicitly(from: TypeId, to: TypeId): boolean {
  return castCode(from, to) === 'i';
}

// ---------------------------------------------------------------- common type

type CommonType =
  | { ok: true; type: SqlType }
  | { ok: false; reason: 'category'; a: SqlType; b: SqlType }
  | { ok: false; reason: 'coerce'; from: SqlType; to: SqlType };

/** select_common_type, then the coercibility check coerce_to_common_type makes. */
function findCommonType(types: readonly SqlType[]): CommonType {
  let result: SqlType | undefined;
  for (const t of types) {
    if (isUnknown(t.id)) continue;
    if (result === undefined) {
      result = t;
      continue;
    }
    if (t.id === result.id) continue;
    if (typeCategory(t.id) !== typeCategory(result.id)) return { ok: false, reason: 'category', a: result, b: t };
    if (!isPreferredType(result.id) && canCastImplicitly(result.id, t.id) && !canCastImplicitly(t.id, result.id)) {
      result = t;
    }
  }
  if (result === undefined) return { ok: true, type: T.text };
  const target = result;
  for (const t of types) if (!canCastImplicitly(t.id, target.id)) return { ok: false, reason: 'coerce', from: t, to: target };
  // Keep a modifier only if every typed input has the same one.
  const typed = types.filter((t) => !isUnknown(t.id));
  return { ok: true, type: typed.every((t) => sameType(t, target)) ? target : T[target.id] };
}

/**
 * PostgreSQL select_common_type for UNION, CASE, COALESCE, VALUES, IN, ...:
 * unknown inputs are skipped (all unknown gives text); the others must share
 * a category; within it the result moves to a type the current one casts to
 * implicitly but not back, and never leaves a preferred type. Every input
 * must then cast to it implicitly. Modifiers survive only when all inputs
 * agree on them. Null when there is no common type (resolveCommonType
 * raises PostgreSQL's error instead).
 */
export function commonSupertype(types: readonly SqlType[]): SqlType | null {
  const r = findCommonType(types);
  return r.ok ? r.type : null;
}

/**
 * commonSupertype, raising PostgreSQL's errors: 42804 "<context> types X and
 * Y cannot be matched" across categories, 42846 "<context> could not convert
 * type Y to X" within one. `context` is UNION, CASE, COALESCE, GREATEST, ...
 */
export function resolveCommonType(types: readonly SqlType[], context: string): SqlType {
  const r = findCommonType(types);
  if (r.ok) return r.type;
  if (r.reason === 'category') {
    throw new FlintError(SqlState.datatypeMismatch, `${context} types ${typeName(T[r.a.id])} and ${typeName(T[r.b.id])} cannot be matched`);
  }
  throw new FlintError(SqlState.cannotCoerce, `${context} could not convert type ${typeName(T[r.from.id])} to ${typeName(T[r.to.id])}`);
}

// ---------------------------------------------------------------- conversions

const INT_NAMES = { int2: 'smallint', int4: 'integer', int8: 'bigint' } as const;
const INT_BOUNDS = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;
/** FLOAT8_FITS_IN_INTn: the half-open float ranges that convert without overflow. */
const FLOAT_FITS = { int2: [-32768.5, 32767.5], int4: [-2147483648.5, 2147483647.5], int8: [-(2 ** 63), 2 ** 63] } as const;

/** An integer-valued bigint into int2/int4 (number) or int8 (bigint), with the range check. */
function bigintToInt(v: bigint, to: 'int2' | 'int4' | 'int8'): number | bigint {
  const [min, max] = INT_BOUNDS[to];
  if (v < min || v > max) throw intOverflow(to);
  return to === 'int8' ? v : Number(v);
}

/** float -> int: rint() (half to even), then the range check. */
function floatToInt(x: number, to: 'int2' | 'int4' | 'int8'): number | bigint {
  const r = rint(x);
  const [min, max] = FLOAT_FITS[to];
  if (Number.isNaN(r) || r < min || r >= max) throw intOverflow(to);
  return to === 'int8' ? BigInt(r) : r + 0;
}

/** float8 -> float4 with PostgreSQL's overflow and underflow errors. */
export function toFloat4(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) && Number.isFinite(x)) {
    throw new FlintError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  }
  if (f === 0 && x !== 0) throw new FlintError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
  return f;
}

/** An int8 to the nearest float4 in one rounding (Math.fround(Number(v)) could round twice). */
export function bigintToFloat4(v: bigint): number {
  const abs = v < 0n ? -v : v;
  if (abs < 2n ** 53n) return Math.fround(Number(v));
  const bits = abs.toString(2).length;
  const shift = BigInt(bits - 24);
  let mantissa = abs >> shift;
  const rest = abs - (mantissa << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa += 1n;
  const result = Number(mantissa << shift);
  return v < 0n ? -result : result;
}

function numberToInt(value: number | bigint, to: 'int2' | 'int4' | 'int8'): number | bigint {
  return bigintToInt(typeof value === 'bigint' ? value : BigInt(value), to);
}

function jsonTypeName(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isJsonObject(v)) return 'object';
  return typeof v === 'number' ? 'numeric' : typeof v === 'string' ? 'string' : 'boolean';
}

function jsonScalarCast(v: JsonValue, to: SqlType): RuntimeValue {
  const expected = to.id === 'bool' ? 'boolean' : 'number';
  if (expected === 'boolean' ? typeof v !== 'boolean' : typeof v !== 'number') {
    throw new FlintError(SqlState.invalidParameterValue, `cannot cast jsonb ${jsonTypeName(v)} to type ${typeName(to)}`);
  }
  if (to.id === 'bool') return v as boolean;
  // PostgreSQL goes through numeric; a JS number's shortest text is that numeric.
  return castValue(Decimal.parse(String(v)), T.numeric, to, true);
}

function fromNumeric(d: Decimal, to: TypeId): RuntimeValue | undefined {
  switch (to) {
    case 'int2':
    case 'int4':
    case 'int8':
      return bigintToInt(d.toBigInt(INT_NAMES[to]), to);
    case 'float8':
      return d.isFinite() ? parseFloat8(d.toString()) : d.toNumber();
    case 'float4':
      return d.isFinite() ? parseFloat4(d.toString()) : d.toNumber();
    default:
      return undefined;
  }
}

/** Casts among oid, the reg* types and the integers: the OID's value, renamed for a reg* target. */
function fromOid(value: RuntimeValue, to: SqlType, ctx: EvalContext): RuntimeValue | undefined {
  const n = value instanceof RegOid ? value.oid : Number(value);
  if (isRegType(to.id) || to.id === 'oid') {
    if (!Number.isInteger(n) || n < -2147483648 || n > 4294967295) throw new FlintError(SqlState.numericValueOutOfRange, 'OID out of range');
    const oid = n < 0 ? n + 4294967296 : n;
    return to.id === 'oid' ? oid : regFromOid(oid, to.id as 'regclass', ctx);
  }
  if (to.id === 'int8') return BigInt(n);
  if (to.id === 'int4') return n > 2147483647 ? n - 4294967296 : n;
  return undefined;
}

/** The cast itself, before the target modifier is applied; undefined when there is no such cast. */
function convert(value: RuntimeValue, from: TypeId, to: SqlType, ctx: EvalContext): RuntimeValue | undefined {
  const toId = to.id;
  if (isUnknown(from)) return inputTyped(value as string, to, ctx);
  if (isStringType(toId)) {
    if (from === 'bool') return value ? 'true' : 'false';
    if (from === 'bpchar') return stripTrailingSpaces(value as string);
    if (isStringType(from)) return value;
    return formatText(value!, { id: from }, ctx);
  }
  if (isStringType(from)) return inputTyped(value as string, to, ctx);
  if (from === 'oid' || isRegType(from) || ((toId === 'oid' || isRegType(toId)) && isIntegerType(from))) return fromOid(value, to, ctx);
  switch (from) {
    case 'int2':
    case 'int4':
    case 'int8': {
      const v = value as number | bigint;
      if (isIntegerType(toId)) return numberToInt(v, toId);
      if (toId === 'float8') return Number(v);
      if (toId === 'float4') return typeof v === 'bigint' ? bigintToFloat4(v) : Math.fround(v);
      if (toId === 'numeric') return typeof v === 'bigint' ? Decimal.fromBigInt(v) : Decimal.fromInt(v);
      if (toId === 'bool' && from === 'int4') return v !== 0;
      return undefined;
    }
    case 'float4':
    case 'float8': {
      const x = value as number;
      if (isIntegerType(toId)) return floatToInt(x, toId);
      if (toId === 'float8') return x;
      if (toId === 'float4') return toFloat4(x);
      if (toId === 'numeric') return Decimal.fromNumber(x, from === 'float4' ? 6 : 15);
      return undefined;
    }
    case 'numeric':
      return fromNumeric(value as Decimal, toId);
    case 'bool':
      return toId === 'int4' ? (value ? 1 : 0) : undefined;
    case 'date':
      if (toId === 'timestamp') return dateToTimestamp(value as number);
      if (toId === 'timestamptz') return dateToTimestamptz(value as number, ctx.timeZone);
      return undefined;
    case 'timestamp':
      if (toId === 'date') return timestampToDate(value as bigint);
      if (toId === 'timestamptz') return timestampToTimestamptz(value as bigint, ctx.timeZone);
      return undefined;
    case 'timestamptz':
      if (toId === 'date') return timestamptzToDate(value as bigint, ctx.timeZone);
      if (toId === 'timestamp') return timestamptzToTimestamp(value as bigint, ctx.timeZone);
      return undefined;
    case 'jsonb':
      if (toId === 'bool' || toId === 'numeric' || isIntegerType(toId) || toId === 'float4' || toId === 'float8') {
        return jsonScalarCast(fromJsonb(value), to);
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Converts a value from one type to another with PostgreSQL's semantics.
 * `explicit` is true for CAST/::, false for assignment and implicit casts
 * (it only changes how an over-long varchar(n)/char(n) is treated).
 * Time-zone-dependent casts (date/timestamp <-> timestamptz) use ctx.timeZone.
 * Raises 42846 for a pair of types with no cast at all.
 */
export function castValue(value: RuntimeValue, from: SqlType, to: SqlType, explicit: boolean, ctx: EvalContext = NO_CONTEXT): RuntimeValue {
  if (value === null) return null;
  if (from.id === 'array' || to.id === 'array') return castArray(value, from, to, explicit, ctx);
  if (from.id === to.id && !isUnknown(from.id)) {
    if (to.length === undefined || sameType(from, to)) return value;
    return applyTypeModifier(value, to, explicit);
  }
  const converted = convert(value, from.id, to, ctx);
  if (converted === undefined) {
    throw new FlintError(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
  }
  return applyTypeModifier(converted, to, explicit);
}

/** Array casts: from and to text, and between array types element by element. */
function castArray(value: RuntimeValue, from: SqlType, to: SqlType, explicit: boolean, ctx: EvalContext): RuntimeValue {
  if (from.id === 'array' && to.id === 'array') {
    const fe = from.element ?? T.text;
    const te = to.element ?? T.text;
    return (value as readonly RuntimeValue[]).map((v) => castValue(v, fe, te, explicit, ctx));
  }
  if (to.id === 'array' && (isUnknown(from.id) || isStringType(from.id))) return inputTyped(value as string, to, ctx);
  if (from.id === 'array' && isStringType(to.id)) return applyTypeModifier(formatText(value!, from, ctx), to, explicit);
  throw new FlintError(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}
