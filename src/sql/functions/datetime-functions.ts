// Date and time functions. The clock comes from the EvalContext: now(),
// current_timestamp and transaction_timestamp() are the transaction start,
// statement_timestamp() the statement start, clock_timestamp() the wall
// clock; current_date and localtimestamp are now() in the session zone.
// EXTRACT(field FROM x) reaches here as extract('field', x) (numeric) and
// date_part('field', x) as float8, as in PostgreSQL 14+.

import { FlintError, SqlState } from '../../errors.ts';
import type { Interval } from '../types/sql-type.ts';
import { T, type RuntimeValue } from '../types/type-info.ts';
import { formatText } from '../types/text-io.ts';
import {
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  USECS_PER_DAY,
  date2j,
  daysInMonth,
  isDateFinite,
  isTimestampFinite,
  isValidDate,
  isValidTimestamp,
  splitTimestamp,
  UNIX_EPOCH_JDATE,
} from '../types/calendar.ts';
import { localToUtc, resolveTimeZone, utcOffsetAt, type TimeZone } from '../types/timezone.ts';
import { age, ageTz, dateToTimestamp, dateToTimestamptz } from '../types/datetime-arith.ts';
import { extractDate, extractInterval, extractTimestamp, truncInterval, truncTimestamp, truncTimestamptz } from '../types/datetime-fields.ts';
import { justifyDays, justifyHours, justifyInterval, makeInterval } from '../types/interval.ts';
import type { EvalContext } from '../types/eval-context.ts';
import { rint } from '../types/math-util.ts';
import { fn, type FunctionDef } from './function-def.ts';

const s = (v: RuntimeValue): string => v as string;
const n = (v: RuntimeValue): number => v as number;
const ts = (v: RuntimeValue): bigint => v as bigint;
const iv = (v: RuntimeValue): Interval => v as Interval;

function localNow(ctx: EvalContext): bigint {
  const now = ctx.transactionTimestamp;
  return now + BigInt(utcOffsetAt(ctx.timeZone, now)) * 1_000_000n;
}

function currentDate(ctx: EvalContext): number {
  return splitTimestamp(localNow(ctx)).days;
}

/** make_date: a negative year is BC; year 0 does not exist. */
function makeDate(year: number, month: number, day: number): number {
  const astronomical = year < 0 ? year + 1 : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(astronomical, month)) {
    throw new FlintError(SqlState.datetimeFieldOverflow, `date field value out of range: ${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  }
  const days = date2j(astronomical, month, day) - UNIX_EPOCH_JDATE;
  if (!isValidDate(days)) throw new FlintError(SqlState.datetimeFieldOverflow, `date out of range: ${year}-${month}-${day}`);
  return days;
}

/** make_timestamp's local time: hour 24 only exactly, seconds up to 60, rounded to microseconds. */
function makeLocalTimestamp(y: number, mo: number, d: number, h: number, mi: number, sec: number): bigint {
  const date = makeDate(y, mo, d);
  if (h < 0 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || h > 24 || (h === 24 && (mi > 0 || sec > 0))) {
    // PostgreSQL prints the seconds with %02g.
    const secText = String(sec).padStart(2, '0');
    throw new FlintError(SqlState.datetimeFieldOverflow, `time field value out of range: ${h}:${String(mi).padStart(2, '0')}:${secText}`);
  }
  const time = BigInt((h * 60 + mi) * 60) * 1_000_000n + BigInt(rint(sec * 1_000_000));
  const result = BigInt(date) * USECS_PER_DAY + time;
  if (!isValidTimestamp(result)) throw new FlintError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  return result;
}

/** to_timestamp(double precision): Unix epoch seconds, rounded to microseconds the way PostgreSQL does. */
function toTimestamp(seconds: number): bigint {
  if (Number.isNaN(seconds)) throw new FlintError(SqlState.datetimeFieldOverflow, 'timestamp cannot be NaN');
  if (seconds === Infinity) return TIMESTAMP_POS_INFINITY;
  if (seconds === -Infinity) return TIMESTAMP_NEG_INFINITY;
  // PostgreSQL rounds relative to its own epoch, 2000-01-01.
  const pgEpochSeconds = 946684800;
  const usec = rint((seconds - pgEpochSeconds) * 1_000_000);
  const result = BigInt(usec) + BigInt(pgEpochSeconds) * 1_000_000n;
  if (!isValidTimestamp(result)) throw new FlintError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${seconds}"`);
  return result;
}

function makeIntervalFrom(args: readonly RuntimeValue[]): Interval {
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, mins = 0] = args.slice(0, 6).map((v) => n(v));
  const secs = args.length > 6 ? n(args[6]!) : 0;
  if (!Number.isFinite(secs)) throw new FlintError(SqlState.datetimeFieldOverflow, 'interval out of range');
  const micros = BigInt(hours) * 3_600_000_000n + BigInt(mins) * 60_000_000n + BigInt(rint(secs * 1_000_000));
  return makeInterval(years * 12 + months, weeks * 7 + days, micros);
}

const MAKE_INTERVAL_ARGS = ['int4', 'int4', 'int4', 'int4', 'int4', 'int4', 'float8'] as const;

export const DATETIME_FUNCTIONS: FunctionDef[] = [
  ...['now', 'current_timestamp', 'transaction_timestamp'].map((name) =>
    fn(name, [], 'timestamptz', (ctx) => ctx.transactionTimestamp, { volatility: 'stable' }),
  ),
  fn('statement_timestamp', [], 'timestamptz', (ctx) => ctx.statementTimestamp, { volatility: 'stable' }),
  fn('clock_timestamp', [], 'timestamptz', (ctx) => ctx.clockTimestamp(), { volatility: 'volatile' }),
  fn('current_date', [], 'date', (ctx) => currentDate(ctx), { volatility: 'stable' }),
  fn('localtimestamp', [], 'timestamp', (ctx) => localNow(ctx), { volatility: 'stable' }),
  // timezone(zone, value): what AT TIME ZONE means. A timestamptz becomes the
  // wall-clock time in the zone; a timestamp is read as wall-clock time there.
  fn('timezone', ['text', 'timestamptz'], 'timestamp', (_c, z, x) => {
    const t = ts(x);
    return t + BigInt(utcOffsetAt(zoneArgument(s(z)), t)) * 1_000_000n;
  }),
  fn('timezone', ['text', 'timestamp'], 'timestamptz', (_c, z, x) => localToUtc(zoneArgument(s(z)), ts(x))),
  // An interval zone is a fixed offset east of UTC; it may not hold months or days.
  fn('timezone', ['interval', 'timestamptz'], 'timestamp', (_c, z, x) => ts(x) + intervalZoneMicros(iv(z))),
  fn('timezone', ['interval', 'timestamp'], 'timestamptz', (_c, z, x) => ts(x) - intervalZoneMicros(iv(z))),
  fn('date_trunc', ['text', 'timestamp'], 'timestamp', (_c, u, x) => truncTimestamp(s(u), ts(x))),
  fn('date_trunc', ['text', 'timestamptz'], 'timestamptz', (ctx, u, x) => truncTimestamptz(s(u), ts(x), ctx.timeZone), { volatility: 'stable' }),
  fn('date_trunc', ['text', 'timestamptz', 'text'], 'timestamptz', (_c, u, x, z) => truncTimestamptz(s(u), ts(x), zoneArgument(s(z)))),
  fn('date_trunc', ['text', 'interval'], 'interval', (_c, u, x) => truncInterval(s(u), iv(x))),
  fn('date_part', ['text', 'timestamp'], 'float8', (_c, u, x) => extractTimestamp(s(u), ts(x), undefined, false)),
  fn('date_part', ['text', 'timestamptz'], 'float8', (ctx, u, x) => extractTimestamp(s(u), ts(x), ctx.timeZone, false), { volatility: 'stable' }),
  fn('date_part', ['text', 'interval'], 'float8', (_c, u, x) => extractInterval(s(u), iv(x), false)),
  // PostgreSQL's date_part(text, date) is date_part($1, $2::timestamp).
  fn('date_part', ['text', 'date'], 'float8', (_c, u, x) => extractTimestamp(s(u), dateToTimestamp(n(x)), undefined, false)),
  fn('extract', ['text', 'timestamp'], 'numeric', (_c, u, x) => extractTimestamp(s(u), ts(x), undefined, true)),
  fn('extract', ['text', 'timestamptz'], 'numeric', (ctx, u, x) => extractTimestamp(s(u), ts(x), ctx.timeZone, true), { volatility: 'stable' }),
  fn('extract', ['text', 'interval'], 'numeric', (_c, u, x) => extractInterval(s(u), iv(x), true)),
  fn('extract', ['text', 'date'], 'numeric', (_c, u, x) => extractDate(s(u), n(x), true)),
  fn('age', ['timestamp', 'timestamp'], 'interval', (_c, a, b) => age(ts(a), ts(b))),
  fn('age', ['timestamptz', 'timestamptz'], 'interval', (ctx, a, b) => ageTz(ts(a), ts(b), ctx.timeZone), { volatility: 'stable' }),
  fn('age', ['timestamp'], 'interval', (ctx, a) => age(dateToTimestamp(currentDate(ctx)), ts(a)), { volatility: 'stable' }),
  fn('age', ['timestamptz'], 'interval', (ctx, a) => ageTz(dateToTimestamptz(currentDate(ctx), ctx.timeZone), ts(a), ctx.timeZone), {
    volatility: 'stable',
  }),
  fn('make_date', ['int4', 'int4', 'int4'], 'date', (_c, y, m, d) => makeDate(n(y), n(m), n(d))),
  fn('make_timestamp', ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamp', (_c, y, mo, d, h, mi, sec) =>
    makeLocalTimestamp(n(y), n(mo), n(d), n(h), n(mi), n(sec)),
  ),
  fn('make_timestamptz', ['int4', 'int4', 'int4', 'int4', 'int4', 'float8'], 'timestamptz', (ctx, y, mo, d, h, mi, sec) =>
    localToUtc(ctx.timeZone, makeLocalTimestamp(n(y), n(mo), n(d), n(h), n(mi), n(sec))), { volatility: 'stable' },
  ),
  // make_interval's parameters all default to 0; positional calls may stop early.
  ...Array.from({ length: 8 }, (_, k) =>
    fn('make_interval', MAKE_INTERVAL_ARGS.slice(0, k), 'interval', (_c, ...args) => makeIntervalFrom(args)),
  ),
  fn('to_timestamp', ['float8'], 'timestamptz', (_c, x) => toTimestamp(n(x))),
  fn('justify_days', ['interval'], 'interval', (_c, x) => justifyDays(iv(x))),
  fn('justify_hours', ['interval'], 'interval', (_c, x) => justifyHours(iv(x))),
  fn('justify_interval', ['interval'], 'interval', (_c, x) => justifyInterval(iv(x))),
  fn('isfinite', ['date'], 'bool', (_c, x) => isDateFinite(n(x))),
  fn('isfinite', ['timestamp'], 'bool', (_c, x) => isTimestampFinite(ts(x))),
  fn('isfinite', ['timestamptz'], 'bool', (_c, x) => isTimestampFinite(ts(x))),
  fn('isfinite', ['interval'], 'bool', () => true),
];

/** The offset an interval time zone stands for, in microseconds east of UTC. */
function intervalZoneMicros(zone: Interval): bigint {
  if (zone.months !== 0 || zone.days !== 0) {
    throw new FlintError(SqlState.invalidParameterValue, `interval time zone "${formatText(zone, T.interval)}" must not include months or days`);
  }
  return zone.micros;
}

/** A time zone named in a function argument (or AT TIME ZONE): PostgreSQL's message when unknown. */
function zoneArgument(name: string): TimeZone {
  try {
    return resolveTimeZone(name);
  } catch (error) {
    if (error instanceof FlintError) throw new FlintError(SqlState.invalidParameterValue, `time zone "${name}" not recognized`);
    throw error;
  }
}
