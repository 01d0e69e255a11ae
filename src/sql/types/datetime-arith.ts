// Arithmetic and conversions between date, timestamp, timestamptz and
// interval, with PostgreSQL's rules: months are added on the calendar and
// clamp the day of month ('2024-01-31' + '1 mon' = '2024-02-29'), days are
// added on the calendar too (in the session zone for timestamptz, so across
// a DST change a day can be 23 or 25 hours), the time part last; infinities
// pass through; results outside the supported range raise 22008.

import { FlintError, SqlState } from '../../errors.ts';
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  TIMESTAMP_END,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  USECS_PER_DAY,
  checkTimestamp,
  civilFromDays,
  dateOutOfRange,
  daysFromCivil,
  daysInMonth,
  isDateFinite,
  isTimestampFinite,
  isValidDate,
  partsFromTimestamp,
  splitTimestamp,
  timestampFromParts,
  timestampOutOfRange,
  type DateTimeParts,
} from './calendar.ts';
import { makeInterval, negateInterval, type Interval } from './interval.ts';
import { localToUtc, utcOffsetAt, type TimeZone } from './timezone.ts';

// ---------------------------------------------------------------- date

/** date + integer (and date - integer with a negated count). */
export function dateAddDays(date: number, days: number): number {
  if (!isDateFinite(date)) return date;
  const result = date + days;
  if (!isValidDate(result)) throw dateOutOfRange();
  return result;
}

/** date - date: whole days. */
export function dateDiff(a: number, b: number): number {
  if (!isDateFinite(a) || !isDateFinite(b)) {
    throw new FlintError(SqlState.datetimeFieldOverflow, 'cannot subtract infinite dates');
  }
  return a - b;
}

// ---------------------------------------------------------------- conversions

/** date -> timestamp: midnight. */
export function dateToTimestamp(date: number): bigint {
  if (date === DATE_POS_INFINITY) return TIMESTAMP_POS_INFINITY;
  if (date === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY;
  const ts = BigInt(date) * USECS_PER_DAY;
  if (ts >= TIMESTAMP_END) throw new FlintError(SqlState.datetimeFieldOverflow, 'date out of range for timestamp');
  return ts;
}

/** date -> timestamptz: midnight in the session zone. */
export function dateToTimestamptz(date: number, zone: TimeZone): bigint {
  const local = dateToTimestamp(date);
  if (!isTimestampFinite(local)) return local;
  return checkTimestamp(localToUtc(zone, local));
}

/** timestamp -> date: the calendar day. */
export function timestampToDate(ts: bigint): number {
  if (ts === TIMESTAMP_POS_INFINITY) return DATE_POS_INFINITY;
  if (ts === TIMESTAMP_NEG_INFINITY) return DATE_NEG_INFINITY;
  return splitTimestamp(ts).days;
}

/** timestamptz -> date: the calendar day in the session zone. */
export function timestamptzToDate(ts: bigint, zone: TimeZone): number {
  return timestampToDate(timestamptzToTimestamp(ts, zone));
}

/** timestamp -> timestamptz: the wall-clock time read in the session zone. */
export function timestampToTimestamptz(ts: bigint, zone: TimeZone): bigint {
  if (!isTimestampFinite(ts)) return ts;
  return checkTimestamp(localToUtc(zone, ts));
}

/** timestamptz -> timestamp: the wall-clock time in the session zone. */
export function timestamptzToTimestamp(ts: bigint, zone: TimeZone): bigint {
  if (!isTimestampFinite(ts)) return ts;
  return checkTimestamp(ts + BigInt(utcOffsetAt(zone, ts)) * 1_000_000n);
}

// ---------------------------------------------------------------- timestamp +- interval

/** Adds months on the calendar, clamping the day to the month's length. */
function addMonthsToParts(p: DateTimeParts, months: number): DateTimeParts {
  let month = p.month + months;
  let year = p.year;
  if (month > 12) {
    year += Math.trunc((month - 1) / 12);
    month = ((month - 1) % 12) + 1;
  } else if (month < 1) {
    year += Math.trunc(month / 12) - 1;
    month = (month % 12) + 12;
  }
  const day = Math.min(p.day, daysInMonth(year, month));
  return { ...p, year, month, day };
}

function addDaysToParts(p: DateTimeParts, days: number): DateTimeParts {
  const { year, month, day } = civilFromDays(daysFromCivil(p.year, p.month, p.day) + days);
  return { ...p, year, month, day };
}

/** PostgreSQL timestamp_pl_interval. */
export function timestampPlusInterval(ts: bigint, span: Interval): bigint {
  if (!isTimestampFinite(ts)) return ts;
  let result = ts;
  if (span.months !== 0) result = checkTimestamp(timestampFromParts(addMonthsToParts(partsFromTimestamp(result), span.months)));
  if (span.days !== 0) result = checkTimestamp(timestampFromParts(addDaysToParts(partsFromTimestamp(result), span.days)));
  result += span.micros;
  if (!isTimestampFiniteAndValid(result)) throw timestampOutOfRange();
  return result;
}

export function timestampMinusInterval(ts: bigint, span: Interval): bigint {
  return timestampPlusInterval(ts, negateInterval(span));
}

/** PostgreSQL timestamptz_pl_interval: calendar steps in the session zone's local time. */
export function timestamptzPlusInterval(ts: bigint, span: Interval, zone: TimeZone): bigint {
  if (!isTimestampFinite(ts)) return ts;
  let result = ts;
  if (span.months !== 0 || span.days !== 0) {
    const local = timestamptzToTimestamp(result, zone);
    let parts = partsFromTimestamp(local);
    if (span.months !== 0) {
      parts = addMonthsToParts(parts, span.months);
      result = checkTimestamp(localToUtc(zone, timestampFromParts(parts)));
    }
    if (span.days !== 0) {
      // PostgreSQL re-reads the local time after the month step.
      parts = partsFromTimestamp(timestamptzToTimestamp(result, zone));
      result = checkTimestamp(localToUtc(zone, timestampFromParts(addDaysToParts(parts, span.days))));
    }
  }
  result += span.micros;
  if (!isTimestampFiniteAndValid(result)) throw timestampOutOfRange();
  return result;
}

export function timestamptzMinusInterval(ts: bigint, span: Interval, zone: TimeZone): bigint {
  return timestamptzPlusInterval(ts, negateInterval(span), zone);
}

function isTimestampFiniteAndValid(ts: bigint): boolean {
  try {
    checkTimestamp(ts);
    return true;
  } catch {
    return false;
  }
}

/** timestamp - timestamp (either kind): the difference with whole days split out (justify_hours). */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (!isTimestampFinite(a) || !isTimestampFinite(b)) {
    throw new FlintError(SqlState.datetimeFieldOverflow, 'cannot subtract infinite timestamps');
  }
  const diff = a - b;
  let days = diff / USECS_PER_DAY;
  let time = diff % USECS_PER_DAY;
  if (days > 0n && time < 0n) {
    time += USECS_PER_DAY;
    days--;
  } else if (days < 0n && time > 0n) {
    time -= USECS_PER_DAY;
    days++;
  }
  return makeInterval(0, Number(days), time);
}

// ---------------------------------------------------------------- age

/** PostgreSQL timestamp_age: a symbolic difference in years, months and days. */
export function age(a: bigint, b: bigint): Interval {
  if (!isTimestampFinite(a) || !isTimestampFinite(b)) {
    throw new FlintError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  const t1 = partsFromTimestamp(a);
  const t2 = partsFromTimestamp(b);
  const flip = a < b ? -1 : 1;
  let usec = flip * (t1.usec - t2.usec);
  let sec = flip * (t1.second - t2.second);
  let min = flip * (t1.minute - t2.minute);
  let hour = flip * (t1.hour - t2.hour);
  let day = flip * (t1.day - t2.day);
  let mon = flip * (t1.month - t2.month);
  let year = flip * (t1.year - t2.year);
  while (usec < 0) {
    usec += 1_000_000;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    day--;
  }
  // Borrowed days are the length of the month of the earlier timestamp.
  const borrow = a < b ? t1 : t2;
  while (day < 0) {
    day += daysInMonth(borrow.year, borrow.month);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  const micros = ((BigInt(hour) * 60n + BigInt(min)) * 60n + BigInt(sec)) * 1_000_000n + BigInt(usec);
  return makeInterval(flip * (year * 12 + mon), flip * day, BigInt(flip) * micros);
}

/** age() of two timestamptz values: the symbolic difference of their local times. */
export function ageTz(a: bigint, b: bigint, zone: TimeZone): Interval {
  return age(timestamptzToTimestamp(a, zone), timestamptzToTimestamp(b, zone));
}
