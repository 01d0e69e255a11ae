// Aggregate functions with PostgreSQL's result types and arithmetic:
// count(*) / count(x) -> bigint; sum(int2|int4) -> bigint, sum(int8) ->
// numeric, sum(float4) -> real, sum(float8) -> double precision,
// sum(numeric) -> numeric, sum(interval) -> interval; avg of integers and
// numeric -> numeric (divided with numeric's scale rule, so avg(1, 2) is
// 1.5000000000000000), avg of floats -> double precision, avg(interval) ->
// interval; min/max keep the argument's type; string_agg, bool_and/bool_or/
// every, jsonb_agg, jsonb_object_agg.
//
// Protocol: create() makes a fresh state per group; step(state, ...args) is
// called for every input row with the (already cast) arguments and skips
// NULLs itself where PostgreSQL's aggregate is strict; final(state) gives
// the result: NULL for an empty group, except count, which gives 0.
// DISTINCT and FILTER are the executor's job: it calls step only for the
// rows that pass.

import { FlintError, SqlState } from '../../errors.ts';
import type { Interval, JsonValue, SqlType, TypeId } from '../types/sql-type.ts';
import { T, typeName, type RuntimeValue } from '../types/type-info.ts';
import { Decimal } from '../types/decimal.ts';
import { checkInt8, floatAdd } from '../types/arith.ts';
import { addIntervals, divideInterval, ZERO_INTERVAL } from '../types/interval.ts';
import { comparatorFor } from '../types/compare.ts';
import { selectCandidate, type ParamType } from '../types/overload.ts';
import { toJsonValue } from '../types/to-json.ts';
import { formatJson, newJsonObject, type JsonObject } from '../types/json.ts';
import type { EvalContext } from '../types/eval-context.ts';
import { NO_CONTEXT } from '../types/eval-context.ts';

export interface AggregateDef<S = unknown> {
  readonly name: string;
  /** Cast argument i to argTypes[i] before step. Empty for count(*). */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  create(): S;
  step(state: S, ...args: RuntimeValue[]): void;
  final(state: S): RuntimeValue;
  /**
   * Which of GROUP BY's numeric fast paths computes this aggregate (exec/run.ts:
   * its state as numbers in a typed array, no call per row). It gives exactly
   * what step and final give.
   */
  readonly fast?: FastAggregate;
}

/**
 * count(*); count(x); sum of float4 / float8 (float4 rounds each partial
 * sum to single precision); avg of a float (float8 sum, divided at the end).
 * All but count(*) skip NULL; sum and avg of no rows are NULL.
 */
export type FastAggregate = 'countStar' | 'count' | 'sumFloat4' | 'sumFloat8' | 'avgFloat';

/** What a definition needs to know about its call to build an AggregateDef. */
type Builder = (argTypes: readonly SqlType[], ctx: EvalContext) => Omit<AggregateDef<any>, 'name' | 'argTypes'>;

interface AggregateSignature {
  readonly name: string;
  readonly args: readonly ParamType[];
  readonly build: Builder;
}

const signatures: AggregateSignature[] = [];

function agg(name: string, args: readonly ParamType[], build: Builder): void {
  signatures.push({ name, args, build });
}

// ---------------------------------------------------------------- count

interface CountState {
  n: number;
}
// A number while the count is an exact double (2^53 rows is out of reach):
// incrementing a bigint allocates one per row.
const countStarBuilder: Builder = () => ({
  resultType: T.int8,
  fast: 'countStar',
  create: (): CountState => ({ n: 0 }),
  // count(*) has no arguments and counts every row.
  step: (s: CountState) => {
    s.n++;
  },
  final: (s: CountState) => BigInt(s.n),
});
const countBuilder: Builder = () => ({
  resultType: T.int8,
  fast: 'count',
  create: (): CountState => ({ n: 0 }),
  // count(x) skips NULL x.
  step: (s: CountState, v: RuntimeValue) => {
    if (v !== null) s.n++;
  },
  final: (s: CountState) => BigInt(s.n),
});
agg('count', [], countStarBuilder);
agg('count', ['any'], countBuilder);

// ---------------------------------------------------------------- sum / avg

/** Integer sums: a double while exact, a bigint beyond 2^52. */
interface IntSumState {
  count: number;
  small: number;
  big: bigint;
}

function intSumStep(s: IntSumState, v: RuntimeValue): void {
  if (v === null) return;
  s.count++;
  if (typeof v === 'bigint') {
    s.big += v;
    return;
  }
  s.small += v as number;
  if (Math.abs(s.small) > 2 ** 52) {
    s.big += BigInt(s.small);
    s.small = 0;
  }
}

function intSumTotal(s: IntSumState): bigint {
  return s.big + BigInt(s.small);
}

for (const t of ['int2', 'int4'] as const) {
  agg('sum', [t], () => ({
    resultType: T.int8,
    create: (): IntSumState => ({ count: 0, small: 0, big: 0n }),
    step: intSumStep,
    final: (s: IntSumState) => (s.count === 0 ? null : checkInt8(intSumTotal(s))),
  }));
}
agg('sum', ['int8'], () => ({
  resultType: T.numeric,
  create: (): IntSumState => ({ count: 0, small: 0, big: 0n }),
  step: intSumStep,
  final: (s: IntSumState) => (s.count === 0 ? null : Decimal.fromBigInt(intSumTotal(s))),
}));
for (const t of ['int2', 'int4', 'int8'] as const) {
  agg('avg', [t], () => ({
    resultType: T.numeric,
    create: (): IntSumState => ({ count: 0, small: 0, big: 0n }),
    step: intSumStep,
    final: (s: IntSumState) => (s.count === 0 ? null : Decimal.fromBigInt(intSumTotal(s)).div(Decimal.fromInt(s.count))),
  }));
}

interface FloatState {
  count: number;
  sum: number;
}
for (const t of ['float4', 'float8'] as const) {
  const f4 = t === 'float4';
  agg('sum', [t], () => ({
    resultType: T[t],
    fast: f4 ? 'sumFloat4' : 'sumFloat8',
    create: (): FloatState => ({ count: 0, sum: 0 }),
    step: (s: FloatState, v: RuntimeValue) => {
      if (v === null) return;
      s.count++;
      s.sum = floatAdd(s.sum, v as number, f4);
    },
    final: (s: FloatState) => (s.count === 0 ? null : s.sum),
  }));
  agg('avg', [t], () => ({
    resultType: T.float8,
    fast: 'avgFloat',
    create: (): FloatState => ({ count: 0, sum: 0 }),
    step: (s: FloatState, v: RuntimeValue) => {
      if (v === null) return;
      s.count++;
      s.sum = floatAdd(s.sum, v as number, false);
    },
    final: (s: FloatState) => (s.count === 0 ? null : s.sum / s.count),
  }));
}

interface NumericState {
  count: number;
  sum: Decimal;
}
agg('sum', ['numeric'], () => ({
  resultType: T.numeric,
  create: (): NumericState => ({ count: 0, sum: Decimal.ZERO }),
  step: (s: NumericState, v: RuntimeValue) => {
    if (v === null) return;
    s.count++;
    s.sum = s.sum.add(v as Decimal);
  },
  final: (s: NumericState) => (s.count === 0 ? null : s.sum),
}));
agg('avg', ['numeric'], () => ({
  resultType: T.numeric,
  create: (): NumericState => ({ count: 0, sum: Decimal.ZERO }),
  step: (s: NumericState, v: RuntimeValue) => {
    if (v === null) return;
    s.count++;
    s.sum = s.sum.add(v as Decimal);
  },
  final: (s: NumericState) => (s.count === 0 ? null : s.sum.div(Decimal.fromInt(s.count))),
}));

interface IntervalState {
  count: number;
  sum: Interval;
}
agg('sum', ['interval'], () => ({
  resultType: T.interval,
  create: (): IntervalState => ({ count: 0, sum: ZERO_INTERVAL }),
  step: (s: IntervalState, v: RuntimeValue) => {
    if (v === null) return;
    s.count++;
    s.sum = addIntervals(s.sum, v as Interval);
  },
  final: (s: IntervalState) => (s.count === 0 ? null : s.sum),
}));
agg('avg', ['interval'], () => ({
  resultType: T.interval,
  create: (): IntervalState => ({ count: 0, sum: ZERO_INTERVAL }),
  step: (s: IntervalState, v: RuntimeValue) => {
    if (v === null) return;
    s.count++;
    s.sum = addIntervals(s.sum, v as Interval);
  },
  final: (s: IntervalState) => (s.count === 0 ? null : divideInterval(s.sum, s.count)),
}));

// ---------------------------------------------------------------- min / max

// The types PostgreSQL 15 has min/max for, among Flint's (no uuid, bytea, jsonb or bool).
const ORDERED: TypeId[] = ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'bpchar', 'date', 'timestamp', 'timestamptz', 'interval'];

interface BestState {
  best: RuntimeValue;
}
for (const name of ['min', 'max'] as const) {
  const sign = name === 'max' ? 1 : -1;
  for (const t of ORDERED) {
    agg(name, [t], () => {
      const cmp = comparatorFor(t);
      return {
        resultType: T[t],
        create: (): BestState => ({ best: null }),
        step: (s: BestState, v: RuntimeValue) => {
          if (v !== null && (s.best === null || sign * cmp(v, s.best) > 0)) s.best = v;
        },
        final: (s: BestState) => s.best,
      };
    });
  }
}

// ---------------------------------------------------------------- bool

interface BoolState {
  seen: boolean;
  value: boolean;
}
for (const [name, isAnd] of [['bool_and', true], ['every', true], ['bool_or', false]] as const) {
  agg(name, ['bool'], () => ({
    resultType: T.bool,
    create: (): BoolState => ({ seen: false, value: isAnd }),
    step: (s: BoolState, v: RuntimeValue) => {
      if (v === null) return;
      s.seen = true;
      s.value = isAnd ? s.value && (v as boolean) : s.value || (v as boolean);
    },
    final: (s: BoolState) => (s.seen ? s.value : null),
  }));
}

// ---------------------------------------------------------------- string_agg

interface StringAggState {
  parts: string[];
  delimiters: string[];
  length: number;
}
/** Characters a string_agg result may hold: the bound repeat() has (PostgreSQL's 1 GB text limit, in characters). */
const STRING_AGG_MAX_CHARS = 256 * 1024 * 1024;
agg('string_agg', ['text', 'text'], () => ({
  resultType: T.text,
  create: (): StringAggState => ({ parts: [], delimiters: [], length: 0 }),
  step: (s: StringAggState, v: RuntimeValue, delimiter: RuntimeValue) => {
    if (v === null) return;
    // Each value after the first is preceded by its own row's delimiter.
    const d = (delimiter as string | null) ?? '';
    s.length += (v as string).length + (s.parts.length > 0 ? d.length : 0);
    // Past it the engine could not build the string at all (a RangeError, not an SQL error).
    if (s.length > STRING_AGG_MAX_CHARS) throw new FlintError(SqlState.programLimitExceeded, 'out of memory', { detail: `string_agg result over ${STRING_AGG_MAX_CHARS} characters` });
    s.delimiters.push(d);
    s.parts.push(v as string);
  },
  final: (s: StringAggState) => {
    if (s.parts.length === 0) return null;
    let out = s.parts[0]!;
    for (let i = 1; i < s.parts.length; i++) out += s.delimiters[i]! + s.parts[i]!;
    return out;
  },
}));

interface BytesAggState {
  chunks: Uint8Array[];
  size: number;
}
agg('string_agg', ['bytea', 'bytea'], () => ({
  resultType: T.bytea,
  create: (): BytesAggState => ({ chunks: [], size: 0 }),
  step: (s: BytesAggState, v: RuntimeValue, delimiter: RuntimeValue) => {
    if (v === null) return;
    if (s.chunks.length > 0 && delimiter !== null) {
      s.chunks.push(delimiter as Uint8Array);
      s.size += (delimiter as Uint8Array).length;
    }
    s.chunks.push(v as Uint8Array);
    s.size += (v as Uint8Array).length;
  },
  final: (s: BytesAggState) => {
    if (s.chunks.length === 0) return null;
    const out = new Uint8Array(s.size);
    let at = 0;
    for (const c of s.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  },
}));

// ---------------------------------------------------------------- jsonb

interface JsonAggState {
  items: JsonValue[] | null;
}
agg('jsonb_agg', ['anynonarray'], (types, ctx) => ({
  resultType: T.jsonb,
  create: (): JsonAggState => ({ items: null }),
  // Not strict: a NULL input becomes JSON null.
  step: (s: JsonAggState, v: RuntimeValue) => {
    (s.items ??= []).push(v === null ? null : toJsonValue(v, types[0]!, ctx));
  },
  final: (s: JsonAggState) => s.items,
}));

interface JsonObjectAggState {
  obj: JsonObject | null;
}
agg('jsonb_object_agg', ['any', 'any'], (types, ctx) => ({
  resultType: T.jsonb,
  create: (): JsonObjectAggState => ({ obj: null }),
  step: (s: JsonObjectAggState, k: RuntimeValue, v: RuntimeValue) => {
    if (k === null) throw new FlintError(SqlState.invalidParameterValue, 'field name must not be null');
    const key = toJsonValue(k, types[0]!, ctx);
    (s.obj ??= newJsonObject())[typeof key === 'string' ? key : formatJson(key)] = v === null ? null : toJsonValue(v, types[1]!, ctx);
  },
  final: (s: JsonObjectAggState) => s.obj,
}));

// ---------------------------------------------------------------- lookup

function slotType(p: ParamType, input: TypeId): SqlType {
  if (p === 'any' || p === 'anynonarray') return input === 'unknown' || input === 'null' ? T.text : T[input];
  return T[p as TypeId];
}

/**
 * The aggregate PostgreSQL would use for name(argTypes), or null. count(*)
 * is lookupAggregate('count', []). The context is for the aggregates whose
 * output depends on the session (jsonb_agg of timestamptz values).
 */
export function lookupAggregate(name: string, argTypes: readonly SqlType[], ctx: EvalContext = NO_CONTEXT): AggregateDef | null {
  const lower = name.toLowerCase();
  const candidates = signatures.filter((s) => s.name === lower);
  const inputs = argTypes.map((t) => t.id);
  const r = selectCandidate(candidates, inputs);
  if (r.kind !== 'found') return null;
  const sig = r.candidate;
  const types = sig.args.map((p, i) => slotType(p, inputs[i]!));
  if (sig.args.includes('anynonarray') && inputs.every((t) => t === 'unknown' || t === 'null')) {
    throw new FlintError(SqlState.datatypeMismatch, 'could not determine polymorphic type because input has type unknown');
  }
  return { name: lower, argTypes: types, ...sig.build(types, ctx) };
}

/** lookupAggregate, raising 42883 / 42725 like PostgreSQL when there is no unique match. */
export function requireAggregate(name: string, argTypes: readonly SqlType[], ctx: EvalContext = NO_CONTEXT): AggregateDef {
  const found = lookupAggregate(name, argTypes, ctx);
  if (found !== null) return found;
  const lower = name.toLowerCase();
  const r = selectCandidate(signatures.filter((s) => s.name === lower), argTypes.map((t) => t.id));
  const signature = `${lower}(${argTypes.length === 0 && lower === 'count' ? '*' : argTypes.map(typeName).join(', ')})`;
  if (r.kind === 'ambiguous') throw new FlintError(SqlState.ambiguousFunction, `function ${signature} is not unique`);
  throw new FlintError(SqlState.undefinedFunction, `function ${signature} does not exist`);
}

/** True when `name` is an aggregate (the binder's test for "is this call an aggregate?"). */
export function isAggregateName(name: string): boolean {
  const lower = name.toLowerCase();
  return signatures.some((s) => s.name === lower);
}

/** Every builtin aggregate's signature and result type, as pg_proc lists them (null where the result depends on the arguments). */
export function aggregateSignatures(): { name: string; args: readonly ParamType[]; result: SqlType | null }[] {
  return signatures.map((sig) => {
    // A polymorphic parameter is tried as text: a result of that type follows the argument (anyelement, null here).
    const polymorphic = sig.args.some((a) => a === 'any' || a === 'anynonarray');
    let result: SqlType | null = null;
    try {
      result = sig.build(sig.args.map((a) => (a === 'any' || a === 'anynonarray' ? T.text : T[a as TypeId])), NO_CONTEXT).resultType;
    } catch {
      result = null;
    }
    if (polymorphic && result?.id === 'text') result = null;
    return { name: sig.name, args: sig.args, result };
  });
}
