// The operator table: every (operator, left type, right type) PostgreSQL 15
// defines among Flint's types, with its result type and implementation, and
// resolution of an operator call to one of them with PostgreSQL's rules
// (overload.ts). The binder casts each operand to the chosen operator's
// operand type (castValue) and calls fn on non-null values: every operator
// here is strict, so a NULL operand gives NULL without calling fn.

import { FlintError, SqlState } from '../../errors.ts';
import type { Interval, JsonValue, SqlType, TypeId } from './sql-type.ts';
import { T, typeName, type RuntimeValue, type Value } from './type-info.ts';
import { Decimal } from './decimal.ts';
import { numericPower } from './decimal-math.ts';
import {
  checkInt8,
  checkSmallInt,
  floatAdd,
  floatDiv,
  floatMul,
  floatPow,
  floatSub,
  int8Div,
  int8Mod,
  smallIntDiv,
  smallIntMod,
} from './arith.ts';
import { comparatorFor, compareFloats } from './compare.ts';
import { regexMatches } from './regex.ts';
import { formatText } from './text-io.ts';
import {
  addIntervals,
  divideInterval,
  multiplyInterval,
  negateInterval,
  subIntervals,
} from './interval.ts';
import {
  dateAddDays,
  dateDiff,
  dateToTimestamp,
  dateToTimestamptz,
  timestampDiff,
  timestampMinusInterval,
  timestampPlusInterval,
  timestampToTimestamptz,
  timestamptzMinusInterval,
  timestamptzPlusInterval,
} from './datetime-arith.ts';
import {
  jsonAsText,
  jsonConcat,
  jsonContains,
  jsonDeleteIndex,
  jsonDeleteKey,
  jsonDeleteKeys,
  jsonDeletePath,
  jsonExists,
  jsonExistsAll,
  jsonExistsAny,
  jsonArrayElementOp,
  jsonGetField,
  jsonGetPath,
} from './json-ops.ts';
import { toTextArray } from './text-array.ts';
import { fromJsonb, toJsonb } from './json.ts';
import { likeMatch } from './like.ts';
import type { EvalContext } from './eval-context.ts';
import { isPhantom, selectCandidate, type ParamType } from './overload.ts';

export type BinaryFn = (a: Value, b: Value, ctx: EvalContext) => RuntimeValue;
export type UnaryFn = (a: Value, ctx: EvalContext) => RuntimeValue;

interface BinaryDef {
  readonly op: string;
  readonly args: readonly [ParamType, ParamType];
  readonly result: TypeId;
  /** The implementation; `bind` instead when it depends on a polymorphic operand's type. */
  readonly fn?: BinaryFn;
  readonly bind?: (left: TypeId, right: TypeId) => BinaryFn;
}

interface UnaryDef {
  readonly op: string;
  readonly args: readonly [ParamType];
  readonly result: TypeId;
  readonly fn: UnaryFn;
}

export interface ResolvedBinaryOperator {
  readonly op: string;
  /** Cast the left operand to this type before calling fn. */
  readonly left: SqlType;
  /** Cast the right operand to this type before calling fn. */
  readonly right: SqlType;
  readonly result: SqlType;
  readonly fn: BinaryFn;
}

export interface ResolvedUnaryOperator {
  readonly op: string;
  readonly operand: SqlType;
  readonly result: SqlType;
  readonly fn: UnaryFn;
}

const binaryDefs: BinaryDef[] = [];
const unaryDefs: UnaryDef[] = [];

function def(op: string, l: ParamType, r: ParamType, result: TypeId, fn: BinaryFn): void {
  binaryDefs.push({ op, args: [l, r], result, fn });
}

// ---------------------------------------------------------------- integers

type IntId = 'int2' | 'int4' | 'int8';
const INTS: IntId[] = ['int2', 'int4', 'int8'];

/** int2 op int4 is int4; anything with int8 is int8 (PostgreSQL's int24pl, int48pl, ...). */
function widerInt(a: IntId, b: IntId): IntId {
  return a === 'int8' || b === 'int8' ? 'int8' : a === 'int4' || b === 'int4' ? 'int4' : 'int2';
}

function big(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

for (const l of INTS) {
  for (const r of INTS) {
    const w = widerInt(l, r);
    if (w === 'int8') {
      def('+', l, r, w, (a, b) => checkInt8(big(a) + big(b)));
      def('-', l, r, w, (a, b) => checkInt8(big(a) - big(b)));
      def('*', l, r, w, (a, b) => checkInt8(big(a) * big(b)));
      def('/', l, r, w, (a, b) => int8Div(big(a), big(b)));
    } else {
      def('+', l, r, w, (a, b) => checkSmallInt((a as number) + (b as number), w));
      def('-', l, r, w, (a, b) => checkSmallInt((a as number) - (b as number), w));
      def('*', l, r, w, (a, b) => checkSmallInt((a as number) * (b as number), w));
      def('/', l, r, w, (a, b) => smallIntDiv(a as number, b as number, w));
    }
    // Mixed int2/int4/int8 compare exactly: JavaScript compares a bigint
    // with a number by value.
    defineComparisons(l, r, (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0));
  }
}
def('%', 'int2', 'int2', 'int2', (a, b) => smallIntMod(a as number, b as number));
def('%', 'int4', 'int4', 'int4', (a, b) => smallIntMod(a as number, b as number));
def('%', 'int8', 'int8', 'int8', (a, b) => int8Mod(a as bigint, b as bigint));

// ---------------------------------------------------------------- floats

for (const l of ['float4', 'float8'] as const) {
  for (const r of ['float4', 'float8'] as const) {
    const f4 = l === 'float4' && r === 'float4';
    const result = f4 ? 'float4' : 'float8';
    def('+', l, r, result, (a, b) => floatAdd(a as number, b as number, f4));
    def('-', l, r, result, (a, b) => floatSub(a as number, b as number, f4));
    def('*', l, r, result, (a, b) => floatMul(a as number, b as number, f4));
    def('/', l, r, result, (a, b) => floatDiv(a as number, b as number, f4));
    defineComparisons(l, r, (a, b) => compareFloats(a as number, b as number));
  }
}
def('^', 'float8', 'float8', 'float8', (a, b) => floatPow(a as number, b as number));

// ---------------------------------------------------------------- numeric

def('+', 'numeric', 'numeric', 'numeric', (a, b) => (a as Decimal).add(b as Decimal));
def('-', 'numeric', 'numeric', 'numeric', (a, b) => (a as Decimal).sub(b as Decimal));
def('*', 'numeric', 'numeric', 'numeric', (a, b) => (a as Decimal).mul(b as Decimal));
def('/', 'numeric', 'numeric', 'numeric', (a, b) => (a as Decimal).div(b as Decimal));
def('%', 'numeric', 'numeric', 'numeric', (a, b) => (a as Decimal).mod(b as Decimal));
def('^', 'numeric', 'numeric', 'numeric', (a, b) => numericPower(a as Decimal, b as Decimal));

// ---------------------------------------------------------------- comparisons

function defineComparisons(l: ParamType, r: ParamType, cmp: (a: Value, b: Value, ctx: EvalContext) => number): void {
  def('=', l, r, 'bool', (a, b, c) => cmp(a, b, c) === 0);
  def('<>', l, r, 'bool', (a, b, c) => cmp(a, b, c) !== 0);
  def('<', l, r, 'bool', (a, b, c) => cmp(a, b, c) < 0);
  def('<=', l, r, 'bool', (a, b, c) => cmp(a, b, c) <= 0);
  def('>', l, r, 'bool', (a, b, c) => cmp(a, b, c) > 0);
  def('>=', l, r, 'bool', (a, b, c) => cmp(a, b, c) >= 0);
}

for (const t of ['numeric', 'bool', 'text', 'bpchar', 'bytea', 'date', 'timestamp', 'timestamptz', 'interval', 'uuid', 'jsonb', 'oid'] as const) {
  const c = comparatorFor(t);
  defineComparisons(t, t, (a, b) => c(a, b));
}

// POSIX regular expressions (PostgreSQL's textregexeq, texticregexeq and their negations).
def('~', 'text', 'text', 'bool', (a, b) => regexMatches(a as string, b as string, false));
def('~*', 'text', 'text', 'bool', (a, b) => regexMatches(a as string, b as string, true));
def('!~', 'text', 'text', 'bool', (a, b) => !regexMatches(a as string, b as string, false));
def('!~*', 'text', 'text', 'bool', (a, b) => !regexMatches(a as string, b as string, true));

// date / timestamp / timestamptz compare across types by converting to the
// wider one (PostgreSQL's date_lt_timestamp and friends); timestamptz
// conversions use the session zone.
type DateKind = 'date' | 'timestamp' | 'timestamptz';
function asTimestamptz(v: Value, kind: DateKind, ctx: EvalContext): bigint {
  if (kind === 'date') return dateToTimestamptz(v as number, ctx.timeZone);
  if (kind === 'timestamp') return timestampToTimestamptz(v as bigint, ctx.timeZone);
  return v as bigint;
}
function asTimestamp(v: Value, kind: DateKind): bigint {
  return kind === 'date' ? dateToTimestamp(v as number) : (v as bigint);
}
const DATE_KINDS: DateKind[] = ['date', 'timestamp', 'timestamptz'];
for (const l of DATE_KINDS) {
  for (const r of DATE_KINDS) {
    if (l === r) continue;
    const tz = l === 'timestamptz' || r === 'timestamptz';
    defineComparisons(l, r, (a, b, ctx) => {
      const x = tz ? asTimestamptz(a, l, ctx) : asTimestamp(a, l);
      const y = tz ? asTimestamptz(b, r, ctx) : asTimestamp(b, r);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
}

// ---------------------------------------------------------------- strings

def('||', 'text', 'text', 'text', (a, b) => (a as string) + (b as string));
// text || anything: the other side as text. A boolean reads as its cast to
// text ('true', 'false'), as PostgreSQL resolves it, not its output ('t').
const concatText = (type: string) => (v: Value, ctx: EvalContext | undefined): string =>
  type === 'bool' ? String(v) : formatText(v, { id: type as never }, ctx);
binaryDefs.push({
  op: '||',
  args: ['text', 'anynonarray'],
  result: 'text',
  bind: (_l, r) => {
    const text = concatText(r);
    return (a, b, ctx) => (a as string) + text(b, ctx);
  },
});
binaryDefs.push({
  op: '||',
  args: ['anynonarray', 'text'],
  result: 'text',
  bind: (l) => {
    const text = concatText(l);
    return (a, b, ctx) => text(a, ctx) + (b as string);
  },
});
def('||', 'bytea', 'bytea', 'bytea', (a, b) => {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const out = new Uint8Array(x.length + y.length);
  out.set(x, 0);
  out.set(y, x.length);
  return out;
});
for (const [op, ci, neg] of [['~~', false, false], ['!~~', false, true], ['~~*', true, false], ['!~~*', true, true]] as const) {
  for (const l of ['text', 'bpchar'] as const) {
    def(op, l, 'text', 'bool', (a, b) => likeMatch(a as string, b as string, { caseInsensitive: ci }) !== neg);
  }
  if (!ci) def(op, 'bytea', 'bytea', 'bool', (a, b) => likeMatch(latin1(a as Uint8Array), latin1(b as Uint8Array)) !== neg);
}

/** Bytes as a string of U+0000..U+00FF, so that LIKE can match bytea bytewise. */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

// ---------------------------------------------------------------- date and time

def('+', 'date', 'int4', 'date', (a, b) => dateAddDays(a as number, b as number));
def('+', 'int4', 'date', 'date', (a, b) => dateAddDays(b as number, a as number));
def('-', 'date', 'int4', 'date', (a, b) => dateAddDays(a as number, -(b as number)));
def('-', 'date', 'date', 'int4', (a, b) => dateDiff(a as number, b as number));
def('+', 'date', 'interval', 'timestamp', (a, b) => timestampPlusInterval(dateToTimestamp(a as number), b as Interval));
def('+', 'interval', 'date', 'timestamp', (a, b) => timestampPlusInterval(dateToTimestamp(b as number), a as Interval));
def('-', 'date', 'interval', 'timestamp', (a, b) => timestampMinusInterval(dateToTimestamp(a as number), b as Interval));
def('+', 'timestamp', 'interval', 'timestamp', (a, b) => timestampPlusInterval(a as bigint, b as Interval));
def('+', 'interval', 'timestamp', 'timestamp', (a, b) => timestampPlusInterval(b as bigint, a as Interval));
def('-', 'timestamp', 'interval', 'timestamp', (a, b) => timestampMinusInterval(a as bigint, b as Interval));
def('-', 'timestamp', 'timestamp', 'interval', (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', 'timestamptz', 'interval', 'timestamptz', (a, b, ctx) => timestamptzPlusInterval(a as bigint, b as Interval, ctx.timeZone));
def('+', 'interval', 'timestamptz', 'timestamptz', (a, b, ctx) => timestamptzPlusInterval(b as bigint, a as Interval, ctx.timeZone));
def('-', 'timestamptz', 'interval', 'timestamptz', (a, b, ctx) => timestamptzMinusInterval(a as bigint, b as Interval, ctx.timeZone));
def('-', 'timestamptz', 'timestamptz', 'interval', (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', 'interval', 'interval', 'interval', (a, b) => addIntervals(a as Interval, b as Interval));
def('-', 'interval', 'interval', 'interval', (a, b) => subIntervals(a as Interval, b as Interval));
def('*', 'interval', 'float8', 'interval', (a, b) => multiplyInterval(a as Interval, b as number));
def('*', 'float8', 'interval', 'interval', (a, b) => multiplyInterval(b as Interval, a as number));
def('/', 'interval', 'float8', 'interval', (a, b) => divideInterval(a as Interval, b as number));

// ---------------------------------------------------------------- jsonb

// jsonb operands arrive as runtime values (JSON_NULL for a top-level null);
// missing keys and indexes are SQL NULL (undefined from json-ops).
const J = (v: Value): JsonValue => fromJsonb(v);
const maybeJsonb = (v: JsonValue | undefined): RuntimeValue => (v === undefined ? null : toJsonb(v));
def('->', 'jsonb', 'text', 'jsonb', (a, b) => maybeJsonb(jsonGetField(J(a), b as string)));
def('->', 'jsonb', 'int4', 'jsonb', (a, b) => maybeJsonb(jsonArrayElementOp(J(a), b as number)));
def('->>', 'jsonb', 'text', 'text', (a, b) => jsonAsText(jsonGetField(J(a), b as string)));
def('->>', 'jsonb', 'int4', 'text', (a, b) => jsonAsText(jsonArrayElementOp(J(a), b as number)));
// text[] operands: Flint has no array type, so they come as array literals ('{a,b}').
def('#>', 'jsonb', 'text[]', 'jsonb', (a, b) => maybeJsonb(jsonGetPath(J(a), toTextArray(b))));
def('#>>', 'jsonb', 'text[]', 'text', (a, b) => jsonAsText(jsonGetPath(J(a), toTextArray(b))));
def('@>', 'jsonb', 'jsonb', 'bool', (a, b) => jsonContains(J(a), J(b)));
def('<@', 'jsonb', 'jsonb', 'bool', (a, b) => jsonContains(J(b), J(a)));
def('?', 'jsonb', 'text', 'bool', (a, b) => jsonExists(J(a), b as string));
def('?|', 'jsonb', 'text[]', 'bool', (a, b) => jsonExistsAny(J(a), toTextArray(b)));
def('?&', 'jsonb', 'text[]', 'bool', (a, b) => jsonExistsAll(J(a), toTextArray(b)));
def('||', 'jsonb', 'jsonb', 'jsonb', (a, b) => toJsonb(jsonConcat(J(a), J(b))));
def('-', 'jsonb', 'text', 'jsonb', (a, b) => toJsonb(jsonDeleteKey(J(a), b as string)));
def('-', 'jsonb', 'int4', 'jsonb', (a, b) => toJsonb(jsonDeleteIndex(J(a), b as number)));
def('-', 'jsonb', 'text[]', 'jsonb', (a, b) => toJsonb(jsonDeleteKeys(J(a), toTextArray(b))));
def('#-', 'jsonb', 'text[]', 'jsonb', (a, b) => toJsonb(jsonDeletePath(J(a), toTextArray(b))));

// Operators on types Flint lacks, so that resolution is ambiguous exactly
// where PostgreSQL's is; they are never chosen (see overload.ts).
const phantom: BinaryFn = () => null;
for (const op of ['->', '->>']) {
  def(op, 'json', 'text', 'text', phantom);
  def(op, 'json', 'int4', 'text', phantom);
}
def('#>', 'json', 'text[]', 'text', phantom);
def('#>>', 'json', 'text[]', 'text', phantom);
def('@>', 'anyarray', 'anyarray', 'bool', phantom);
def('<@', 'anyarray', 'anyarray', 'bool', phantom);
// anyrange @> anyelement and anymultirange @> anyelement (and the <@ mirrors).
for (let i = 0; i < 2; i++) {
  def('@>', 'anyarray', 'any', 'bool', phantom);
  def('<@', 'any', 'anyarray', 'bool', phantom);
}
def('?|', 'lseg', 'lseg', 'bool', phantom);

// ---------------------------------------------------------------- bitwise (integers)

// &, |, # (xor) and shifts, in each integer type, wrapping as PostgreSQL's C
// code does: a shift count is taken modulo the type's width (x86's rule,
// which PostgreSQL inherits), and a result is truncated to the type.
const wrap = (type: 'int2' | 'int4', v: number): number => (type === 'int2' ? (v << 16) >> 16 : v | 0);
for (const t of ['int2', 'int4'] as const) {
  def('&', t, t, t, (a, b) => wrap(t, (a as number) & (b as number)));
  def('|', t, t, t, (a, b) => wrap(t, (a as number) | (b as number)));
  def('#', t, t, t, (a, b) => wrap(t, (a as number) ^ (b as number)));
  def('<<', t, 'int4', t, (a, b) => wrap(t, (a as number) << ((b as number) & 31)));
  def('>>', t, 'int4', t, (a, b) => wrap(t, (a as number) >> ((b as number) & 31)));
}
def('&', 'int8', 'int8', 'int8', (a, b) => (a as bigint) & (b as bigint));
def('|', 'int8', 'int8', 'int8', (a, b) => (a as bigint) | (b as bigint));
def('#', 'int8', 'int8', 'int8', (a, b) => (a as bigint) ^ (b as bigint));
def('<<', 'int8', 'int4', 'int8', (a, b) => BigInt.asIntN(64, (a as bigint) << BigInt((b as number) & 63)));
def('>>', 'int8', 'int4', 'int8', (a, b) => (a as bigint) >> BigInt((b as number) & 63));

// ---------------------------------------------------------------- unary

function unary(op: string, t: TypeId, fn: UnaryFn): void {
  unaryDefs.push({ op, args: [t], result: t, fn });
}
unary('-', 'int2', (a) => checkSmallInt(0 - (a as number), 'int2'));
unary('-', 'int4', (a) => checkSmallInt(0 - (a as number), 'int4'));
unary('-', 'int8', (a) => checkInt8(-(a as bigint)));
unary('-', 'float4', (a) => -(a as number));
unary('-', 'float8', (a) => -(a as number));
unary('-', 'numeric', (a) => (a as Decimal).neg());
unary('-', 'interval', (a) => negateInterval(a as Interval));
for (const t of ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'] as const) unary('+', t, (a) => a);
unary('~', 'int2', (a) => ~(a as number));
unary('~', 'int4', (a) => ~(a as number));
unary('~', 'int8', (a) => ~(a as bigint));

// ---------------------------------------------------------------- resolution

const binaryByOp = new Map<string, BinaryDef[]>();
for (const d of binaryDefs) {
  const list = binaryByOp.get(d.op);
  if (list === undefined) binaryByOp.set(d.op, [d]);
  else list.push(d);
}

// Operator names come from SQL text, so the cache is bounded.
const resolvedCache = new Map<string, ResolvedBinaryOperator | null>();
const RESOLVED_CACHE_MAX = 10_000;

function slotType(p: ParamType, input: TypeId): SqlType {
  if (p === 'anynonarray' || p === 'any') return input === 'unknown' || input === 'null' ? T.text : T[input];
  // text[] literals stay text; the implementation parses the array syntax.
  if (p === 'text[]' || isPhantom(p)) return T.text;
  return T[p];
}

/**
 * The operator PostgreSQL would run for `left op right`, or null when there
 * is none (or no unique one; requireBinaryOperator says which).
 */
export function resolveBinaryOperator(op: string, left: SqlType, right: SqlType): ResolvedBinaryOperator | null {
  const key = `${op} ${left.id} ${right.id}`;
  const cached = resolvedCache.get(key);
  if (cached !== undefined) return cached;
  const candidates = binaryByOp.get(op) ?? [];
  const r = selectCandidate(candidates, [left.id, right.id], true);
  let resolved: ResolvedBinaryOperator | null = null;
  if (r.kind === 'found' && !r.candidate.args.some(isPhantom)) {
    const d = r.candidate;
    const l = slotType(d.args[0], left.id);
    const rt = slotType(d.args[1], right.id);
    const fn = d.fn ?? d.bind!(l.id, rt.id);
    resolved = { op, left: l, right: rt, result: T[d.result], fn };
  }
  if (resolvedCache.size >= RESOLVED_CACHE_MAX) resolvedCache.clear();
  resolvedCache.set(key, resolved);
  return resolved;
}

/** resolveBinaryOperator, raising PostgreSQL's 42883 / 42725 errors when it fails. */
export function requireBinaryOperator(op: string, left: SqlType, right: SqlType): ResolvedBinaryOperator {
  const resolved = resolveBinaryOperator(op, left, right);
  if (resolved !== null) return resolved;
  const r = selectCandidate(binaryByOp.get(op) ?? [], [left.id, right.id], true);
  const signature = `${typeName(left)} ${op} ${typeName(right)}`;
  if (r.kind === 'ambiguous') {
    throw new FlintError(SqlState.ambiguousFunction, `operator is not unique: ${signature}`);
  }
  throw new FlintError(SqlState.undefinedFunction, `operator does not exist: ${signature}`);
}

/** The prefix operator PostgreSQL would run for `op operand` (- and +), or null. */
export function resolveUnaryOperator(op: string, operand: SqlType): ResolvedUnaryOperator | null {
  const candidates = unaryDefs.filter((d) => d.op === op);
  const r = selectCandidate(candidates, [operand.id]);
  if (r.kind !== 'found') return null;
  const d = r.candidate;
  return { op, operand: T[d.args[0] as TypeId], result: T[d.result], fn: d.fn };
}

export function requireUnaryOperator(op: string, operand: SqlType): ResolvedUnaryOperator {
  const resolved = resolveUnaryOperator(op, operand);
  if (resolved !== null) return resolved;
  const r = selectCandidate(unaryDefs.filter((d) => d.op === op), [operand.id]);
  const signature = `${op} ${typeName(operand)}`;
  if (r.kind === 'ambiguous') throw new FlintError(SqlState.ambiguousFunction, `operator is not unique: ${signature}`);
  throw new FlintError(SqlState.undefinedFunction, `operator does not exist: ${signature}`);
}

/** Every operator name in the table, for the binder's parser checks and tests. */
export function operatorNames(): string[] {
  return [...binaryByOp.keys()];
}
