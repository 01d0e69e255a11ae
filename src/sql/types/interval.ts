// interval: { months, days, micros }, kept apart as PostgreSQL keeps them,
// because a month and a day have no fixed length until they are added to a
// timestamp. Comparison and hashing, like PostgreSQL's, do fix them: a month
// counts as 30 days and a day as 24 hours, so '1 mon' = '30 days' and
// '1 day' = '24 hours'.
//
// Input follows PostgreSQL 15's DecodeInterval ('1 year 2 mons', '1.5 days',
// '-1 day +02:03', '1-2', '@ 1 hour ago', ISO 8601 'P1Y2M3DT4H5M6S') and
// output its IntervalStyle 'postgres' ('1 year 2 mons 3 days 04:05:06').

import { FlintError, SqlState } from '../../errors.ts';
import type { Interval } from './sql-type.ts';
import { tokenizeDateTime, type Field } from './datetime-tokens.ts';
import { rint } from './math-util.ts';
import { trimCSpace } from './text-util.ts';

export type { Interval } from './sql-type.ts';

const USECS_PER_SEC = 1_000_000n;
const USECS_PER_MINUTE = 60_000_000n;
const USECS_PER_HOUR = 3_600_000_000n;
const USECS_PER_DAY = 86_400_000_000n;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const ZERO_INTERVAL: Interval = Object.freeze({ months: 0, days: 0, micros: 0n });

export function makeInterval(months: number, days: number, micros: bigint): Interval {
  if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX || micros < INT64_MIN || micros > INT64_MAX) {
    throw intervalOutOfRange();
  }
  return { months, days, micros };
}

export function intervalOutOfRange(): FlintError {
  return new FlintError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

// ---------------------------------------------------------------- comparison

/** PostgreSQL interval_cmp_value: microseconds with 30-day months and 24-hour days. */
export function intervalSpan(iv: Interval): bigint {
  return iv.micros + (BigInt(iv.months) * 30n + BigInt(iv.days)) * USECS_PER_DAY;
}

export function compareIntervals(a: Interval, b: Interval): number {
  const x = intervalSpan(a);
  const y = intervalSpan(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------- arithmetic

export function addIntervals(a: Interval, b: Interval): Interval {
  return makeInterval(a.months + b.months, a.days + b.days, a.micros + b.micros);
}

export function subIntervals(a: Interval, b: Interval): Interval {
  return makeInterval(a.months - b.months, a.days - b.days, a.micros - b.micros);
}

export function negateInterval(a: Interval): Interval {
  return makeInterval(-a.months, -a.days, -a.micros);
}

/** PostgreSQL TSROUND: round to microsecond precision to hide float noise. */
function tsRound(x: number): number {
  return rint(x * 1_000_000) / 1_000_000;
}

function fitsInt32(x: number): boolean {
  return !Number.isNaN(x) && x >= INT32_MIN && x < INT32_MAX + 1;
}

/**
 * PostgreSQL interval_mul: whole months and days scale in place; fractions
 * cascade down (a month fraction into days at 30 per month, a day fraction
 * into time), never up.
 */
export function multiplyInterval(span: Interval, factor: number): Interval {
  const monthsD = span.months * factor;
  const daysD = span.days * factor;
  if (!fitsInt32(monthsD) || !fitsInt32(daysD)) throw intervalOutOfRange();
  const months = Math.trunc(monthsD);
  let days = Math.trunc(daysD);
  const monthRemainderDays = tsRound((span.months * factor - months) * 30);
  let secRemainder = tsRound((span.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    const whole = Math.trunc(secRemainder / 86400);
    days += whole;
    secRemainder -= whole * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const time = rint(Number(span.micros) * factor + secRemainder * 1_000_000);
  if (!Number.isFinite(time) || time < -9.223372036854776e18 || time >= 9.223372036854776e18) throw intervalOutOfRange();
  return makeInterval(months, days, BigInt(time));
}

/** PostgreSQL interval_div, with the same downward cascade as multiplication. */
export function divideInterval(span: Interval, factor: number): Interval {
  if (factor === 0) throw new FlintError(SqlState.divisionByZero, 'division by zero');
  const monthsD = span.months / factor;
  const daysD = span.days / factor;
  if (!fitsInt32(monthsD) || !fitsInt32(daysD)) throw intervalOutOfRange();
  const months = Math.trunc(monthsD);
  let days = Math.trunc(daysD);
  const monthRemainderDays = tsRound((span.months / factor - months) * 30);
  let secRemainder = tsRound((span.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    const whole = Math.trunc(secRemainder / 86400);
    days += whole;
    secRemainder -= whole * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const time = rint(Number(span.micros) / factor + secRemainder * 1_000_000);
  if (!Number.isFinite(time) || time < -9.223372036854776e18 || time >= 9.223372036854776e18) throw intervalOutOfRange();
  return makeInterval(months, days, BigInt(time));
}

/** PostgreSQL justify_hours: whole days out of the time part, signs made to agree. */
export function justifyHours(span: Interval): Interval {
  let days = span.days + Number(span.micros / USECS_PER_DAY);
  let time = span.micros % USECS_PER_DAY;
  if (days > 0 && time < 0n) {
    time += USECS_PER_DAY;
    days--;
  } else if (days < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    days++;
  }
  return makeInterval(span.months, days, time);
}

/** PostgreSQL justify_days: whole 30-day months out of the days part. */
export function justifyDays(span: Interval): Interval {
  let months = span.months + Math.trunc(span.days / 30);
  let days = span.days % 30;
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return makeInterval(months, days === 0 ? 0 : days, span.micros);
}

/** PostgreSQL justify_interval: both, with one sign throughout. */
export function justifyInterval(span: Interval): Interval {
  let months = span.months;
  let days = span.days + Number(span.micros / USECS_PER_DAY);
  let time = span.micros % USECS_PER_DAY;
  months += Math.trunc(days / 30);
  days %= 30;
  if (months > 0 && (days < 0 || (days === 0 && time < 0n))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && time > 0n))) {
    days -= 30;
    months++;
  }
  if (days > 0 && time < 0n) {
    time += USECS_PER_DAY;
    days--;
  } else if (days < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    days++;
  }
  return makeInterval(months, days === 0 ? 0 : days, time);
}

// ---------------------------------------------------------------- output

function plural(value: number, unit: string): string {
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

/** PostgreSQL EncodeInterval with IntervalStyle 'postgres'. */
export function formatInterval(iv: Interval): string {
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months % 12;
  const parts: string[] = [];
  let isBefore = false;
  let isZero = true;
  for (const [value, unit] of [[year, 'year'], [mon, 'mon'], [iv.days, 'day']] as const) {
    if (value === 0) continue;
    parts.push(`${isBefore && value > 0 ? '+' : ''}${plural(value, unit)}`);
    // Each nonzero field decides whether the next one shows a '+'.
    isBefore = value < 0;
    isZero = false;
  }
  const time = iv.micros;
  if (isZero || time !== 0n) {
    const negative = time < 0n;
    const abs = negative ? -time : time;
    const hours = abs / USECS_PER_HOUR;
    const minutes = (abs % USECS_PER_HOUR) / USECS_PER_MINUTE;
    const seconds = Number((abs % USECS_PER_MINUTE) / USECS_PER_SEC);
    const usec = Number(abs % USECS_PER_SEC);
    const sign = negative ? '-' : isBefore ? '+' : '';
    const secText = usec === 0 ? pad2(seconds) : `${pad2(seconds)}.${String(usec).padStart(6, '0').replace(/0+$/, '')}`;
    parts.push(`${sign}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${secText}`);
  }
  return parts.join(' ');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------- input

type Unit = 'microsecond' | 'millisecond' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'decade' | 'century' | 'millennium';

// PostgreSQL's deltatktbl; words are matched on their first 10 characters.
const UNITS = new Map<string, Unit>([
  ['c', 'century'], ['cent', 'century'], ['centuries', 'century'], ['century', 'century'],
  ['d', 'day'], ['day', 'day'], ['days', 'day'],
  ['dec', 'decade'], ['decade', 'decade'], ['decades', 'decade'], ['decs', 'decade'],
  ['h', 'hour'], ['hour', 'hour'], ['hours', 'hour'], ['hr', 'hour'], ['hrs', 'hour'],
  ['m', 'minute'], ['min', 'minute'], ['mins', 'minute'], ['minute', 'minute'], ['minutes', 'minute'],
  ['microsecon', 'microsecond'], ['us', 'microsecond'], ['usec', 'microsecond'], ['usecond', 'microsecond'],
  ['useconds', 'microsecond'], ['usecs', 'microsecond'],
  ['mil', 'millennium'], ['millennia', 'millennium'], ['millennium', 'millennium'], ['mils', 'millennium'],
  ['millisecon', 'millisecond'], ['ms', 'millisecond'], ['msec', 'millisecond'], ['msecond', 'millisecond'],
  ['mseconds', 'millisecond'], ['msecs', 'millisecond'],
  ['mon', 'month'], ['mons', 'month'], ['month', 'month'], ['months', 'month'],
  ['s', 'second'], ['sec', 'second'], ['second', 'second'], ['seconds', 'second'], ['secs', 'second'],
  ['w', 'week'], ['week', 'week'], ['weeks', 'week'],
  ['y', 'year'], ['year', 'year'], ['years', 'year'], ['yr', 'year'], ['yrs', 'year'],
]);

type IvErr = 'bad' | 'overflow';

class IvError {
  constructor(readonly reason: IvErr) {}
}

function fail(reason: IvErr): never {
  throw new IvError(reason);
}

/** Accumulated fields while decoding, as PostgreSQL's struct pg_itm_in. */
interface Acc {
  usec: bigint;
  days: number;
  months: number;
}

function addDays(acc: Acc, n: number): void {
  acc.days += n;
  if (!fitsInt32(acc.days)) fail('overflow');
}

function addMonths(acc: Acc, n: number): void {
  acc.months += n;
  if (!fitsInt32(acc.months)) fail('overflow');
}

function addUsec(acc: Acc, n: bigint): void {
  acc.usec += n;
  if (acc.usec < INT64_MIN || acc.usec > INT64_MAX) fail('overflow');
}

/** AdjustFractMicroseconds: frac * scale microseconds, rounded away from zero past .5. */
function adjustFractUsec(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  const x = frac * scale;
  let usec = Math.trunc(x);
  const rest = x - usec;
  if (rest > 0.5) usec++;
  else if (rest < -0.5) usec--;
  addUsec(acc, BigInt(usec));
}

/** AdjustFractDays: whole days to the day field, the rest to microseconds. */
function adjustFractDays(acc: Acc, frac: number, scale: number): void {
  if (frac === 0) return;
  const x = frac * scale;
  const extra = Math.trunc(x);
  addDays(acc, extra);
  adjustFractUsec(acc, x - extra, 86_400_000_000);
}

function adjustFractYears(acc: Acc, frac: number, scale: number): void {
  addMonths(acc, rint(frac * scale * 12));
}

function applyUnit(acc: Acc, unit: Unit, val: bigint, fval: number): void {
  switch (unit) {
    case 'microsecond':
      addUsec(acc, val);
      adjustFractUsec(acc, fval, 1);
      break;
    case 'millisecond':
      addUsec(acc, val * 1000n);
      adjustFractUsec(acc, fval, 1000);
      break;
    case 'second':
      addUsec(acc, val * USECS_PER_SEC);
      adjustFractUsec(acc, fval, 1_000_000);
      break;
    case 'minute':
      addUsec(acc, val * USECS_PER_MINUTE);
      adjustFractUsec(acc, fval, 60_000_000);
      break;
    case 'hour':
      addUsec(acc, val * USECS_PER_HOUR);
      adjustFractUsec(acc, fval, 3_600_000_000);
      break;
    case 'day':
      addDays(acc, toInt32(val));
      adjustFractUsec(acc, fval, 86_400_000_000);
      break;
    case 'week':
      addDays(acc, toInt32(val * 7n));
      adjustFractDays(acc, fval, 7);
      break;
    case 'month':
      addMonths(acc, toInt32(val));
      adjustFractDays(acc, fval, 30);
      break;
    case 'year':
      addMonths(acc, toInt32(val * 12n));
      adjustFractYears(acc, fval, 1);
      break;
    case 'decade':
      addMonths(acc, toInt32(val * 120n));
      adjustFractYears(acc, fval, 10);
      break;
    case 'century':
      addMonths(acc, toInt32(val * 1200n));
      adjustFractYears(acc, fval, 100);
      break;
    case 'millennium':
      addMonths(acc, toInt32(val * 12000n));
      adjustFractYears(acc, fval, 1000);
      break;
  }
}

function toInt32(v: bigint): number {
  if (v < BigInt(INT32_MIN) || v > BigInt(INT32_MAX)) fail('overflow');
  return Number(v);
}

/** hh:mm, hh:mm:ss, hh:mm:ss.f or mm:ss.f (a fraction on the second part) as microseconds. */
function decodeIntervalTime(text: string): bigint {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) fail('bad');
  let hour = 0n;
  let minute: string;
  let second: string;
  if (parts.length === 2 && parts[1]!.includes('.')) {
    minute = parts[0]!;
    second = parts[1]!;
  } else {
    if (!/^\d+$/.test(parts[0]!)) fail('bad');
    hour = BigInt(parts[0]!);
    minute = parts[1]!;
    second = parts[2] ?? '0';
  }
  if (minute === '') minute = '0';
  if (second === '') second = '0';
  const sm = /^(\d+)(\.\d*)?$/.exec(second);
  if (!/^\d+$/.test(minute) || sm === null) fail('bad');
  const min = Number(minute);
  const sec = Number(sm[1]);
  const fsec = sm[2] === undefined ? 0 : rint(Number('0' + sm[2]) * 1_000_000);
  if (min > 59 || sec > 60 || fsec > 1_000_000) fail('overflow');
  return hour * USECS_PER_HOUR + BigInt(min) * USECS_PER_MINUTE + BigInt(sec) * USECS_PER_SEC + BigInt(fsec);
}

/** A number field of an interval: integer part, fraction, or SQL 'years-months'. */
function decodeIntervalNumber(text: string): { val: bigint; fval: number; yearsMonths: boolean } {
  const negative = text.startsWith('-');
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  const m = /^(\d*)(?:(\.\d*)|-(\d+))?$/.exec(body);
  if (m === null || (m[1] === '' && m[2] === undefined)) return fail('bad');
  let val = m[1] === '' ? 0n : BigInt(m[1]!);
  if (val > INT64_MAX) fail('overflow');
  if (negative) val = -val;
  if (m[3] !== undefined) {
    const months = Number(m[3]);
    if (months >= 12) fail('overflow');
    return { val: val * 12n + BigInt(negative ? -months : months), fval: 0, yearsMonths: true };
  }
  let fval = m[2] === undefined || m[2] === '.' ? 0 : Number('0' + m[2]);
  if (negative) fval = -fval;
  return { val, fval, yearsMonths: false };
}

function decodeFields(fields: readonly Field[]): Interval {
  const acc: Acc = { usec: 0n, days: 0, months: 0 };
  let type: Unit | undefined;
  let isBefore = false;
  let fmask = 0;
  const bit = (u: Unit | 'time'): number => 1 << ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'decade', 'century', 'millennium', 'time'].indexOf(u);
  // PostgreSQL reads right to left: a unit word applies to the number before it.
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i]!;
    let tmask = 0;
    if (f.kind === 'time' || (f.kind === 'signed' && f.text.includes(':'))) {
      const negative = f.text.startsWith('-');
      const usec = decodeIntervalTime(f.kind === 'signed' ? f.text.slice(1) : f.text);
      addUsec(acc, negative ? -usec : usec);
      tmask = bit('hour') | bit('minute') | bit('second');
      // A number before a time is days: '1 02:03'.
      type = 'day';
    } else if (f.kind === 'number' || f.kind === 'date' || f.kind === 'signed') {
      const { val, fval, yearsMonths } = decodeIntervalNumber(f.text);
      const unit: Unit = yearsMonths ? 'month' : (type ?? 'second');
      applyUnit(acc, unit, val, fval);
      tmask = bit(unit);
      if (unit === 'second' && fval !== 0) tmask |= bit('millisecond') | bit('microsecond');
      // The unit sticks for the next number to the left (so '1 2' repeats
      // seconds and fails), except that hours are followed by days.
      type = unit === 'hour' ? 'day' : unit;
    } else if (f.kind === 'word') {
      if (f.text === 'ago') {
        isBefore = true;
        type = undefined;
        continue;
      }
      const unit = UNITS.get(f.text.slice(0, 10));
      if (unit === undefined) fail('bad');
      type = unit;
      continue;
    } else {
      fail('bad');
    }
    if ((tmask & fmask) !== 0) fail('bad');
    fmask |= tmask;
  }
  if (fmask === 0) fail('bad');
  if (isBefore) return makeInterval(-acc.months, -acc.days, -acc.usec);
  return makeInterval(acc.months, acc.days, acc.usec);
}

/** ISO 8601 durations: 'P1Y2M3DT4H5M6S', 'P1W', and the alternative 'P0001-02-03T04:05:06'. */
function decodeIso8601(text: string): Interval {
  const acc: Acc = { usec: 0n, days: 0, months: 0 };
  const alt = /^P(-?\d+)-(\d+)-(\d+)(?:T(\d+):(\d+):(\d+(?:\.\d*)?))?$/.exec(text);
  if (alt !== null) {
    applyUnit(acc, 'year', BigInt(alt[1]!), 0);
    applyUnit(acc, 'month', BigInt(alt[2]!), 0);
    applyUnit(acc, 'day', BigInt(alt[3]!), 0);
    if (alt[4] !== undefined) {
      applyUnit(acc, 'hour', BigInt(alt[4]), 0);
      applyUnit(acc, 'minute', BigInt(alt[5]!), 0);
      const s = decodeIntervalNumber(alt[6]!);
      applyUnit(acc, 'second', s.val, s.fval);
    }
    return makeInterval(acc.months, acc.days, acc.usec);
  }
  let inTime = false;
  let rest = text.slice(1);
  if (rest === '') fail('bad');
  while (rest.length > 0) {
    if (rest[0] === 'T') {
      if (inTime) fail('bad');
      inTime = true;
      rest = rest.slice(1);
      if (rest === '') fail('bad');
      continue;
    }
    const m = /^([+-]?\d*(?:\.\d*)?)([YMWDHS])/.exec(rest);
    if (m === null || m[1] === '' || m[1] === '.' || m[1] === '-' || m[1] === '+') return fail('bad');
    rest = rest.slice(m[0].length);
    const { val, fval } = decodeIntervalNumber(m[1]!);
    const letter = m[2]!;
    const unit: Unit | undefined = inTime
      ? letter === 'H' ? 'hour' : letter === 'M' ? 'minute' : letter === 'S' ? 'second' : undefined
      : letter === 'Y' ? 'year' : letter === 'M' ? 'month' : letter === 'W' ? 'week' : letter === 'D' ? 'day' : undefined;
    if (unit === undefined) fail('bad');
    applyUnit(acc, unit, val, fval);
  }
  return makeInterval(acc.months, acc.days, acc.usec);
}

/** PostgreSQL interval_in. */
export function parseInterval(text: string): Interval {
  try {
    const trimmed = trimCSpace(text);
    if (trimmed.startsWith('P')) return decodeIso8601(trimmed);
    const fields = tokenizeDateTime(text);
    if (fields === null || fields.length === 0) fail('bad');
    return decodeFields(fields);
  } catch (e) {
    if (!(e instanceof IvError)) {
      if (e instanceof FlintError && e.message === 'interval out of range') {
        throw new FlintError(SqlState.intervalFieldOverflow, `interval field value out of range: "${text}"`);
      }
      throw e;
    }
    if (e.reason === 'overflow') {
      throw new FlintError(SqlState.intervalFieldOverflow, `interval field value out of range: "${text}"`);
    }
    throw new FlintError(SqlState.invalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
  }
}
