// Calendar arithmetic shared by date, timestamp and interval code.
//
// Dates are days since 1970-01-01 and timestamps microseconds since
// 1970-01-01 00:00 UTC (see sql-type.ts); both use the proleptic Gregorian
// calendar with astronomical years internally (year 0 is 1 BC), as PostgreSQL
// does. The conversions are PostgreSQL's date2j/j2date on Julian day numbers.
//
// Infinity is a reserved extreme value, as in PostgreSQL: the int32 extremes
// for date and the int64 extremes for timestamps, so they sort correctly and
// store in the same int32/int64 slots as every other value.

import { FlintError, SqlState } from '../../errors.ts';

export const USECS_PER_SEC = 1_000_000n;
export const USECS_PER_MINUTE = 60_000_000n;
export const USECS_PER_HOUR = 3_600_000_000n;
export const USECS_PER_DAY = 86_400_000_000n;
export const SECS_PER_DAY = 86_400;
export const DAYS_PER_MONTH = 30;
export const MONTHS_PER_YEAR = 12;

/** Julian day number of 1970-01-01. */
export const UNIX_EPOCH_JDATE = 2440588;

export const DATE_NEG_INFINITY = -2147483648;
export const DATE_POS_INFINITY = 2147483647;
export const TIMESTAMP_NEG_INFINITY = -(2n ** 63n);
export const TIMESTAMP_POS_INFINITY = 2n ** 63n - 1n;

/** First valid date: Julian day 0, 4714-11-24 BC. */
export const DATE_MIN = -UNIX_EPOCH_JDATE;
/** First invalid date: 5874898-01-01, PostgreSQL's DATE_END_JULIAN. */
export const DATE_END = 2147483494 - UNIX_EPOCH_JDATE;
/** First valid timestamp: 4714-11-24 00:00:00 BC. */
export const TIMESTAMP_MIN = BigInt(DATE_MIN) * USECS_PER_DAY;
/**
 * First invalid timestamp. PostgreSQL allows up to 294276-12-31, but counted
 * from 1970 rather than 2000 that no longer fits the int64 that stores it,
 * so Flint stops at the first day of 294247.
 */
export const TIMESTAMP_END = BigInt(date2j(294247, 1, 1) - UNIX_EPOCH_JDATE) * USECS_PER_DAY;

/** Julian day number of a proleptic Gregorian date (astronomical year). */
export function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.floor(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.floor(y / 4) - century + Math.floor(century / 4);
  julian += Math.floor((7834 * m) / 256) + day;
  return julian;
}

export interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** Inverse of date2j, for Julian days >= 0. */
export function j2date(jd: number): Ymd {
  let julian = jd + 32044;
  let quad = Math.floor(julian / 146097);
  const extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + Math.floor(extra / 146097);
  quad = Math.floor(julian / 1461);
  julian -= quad * 1461;
  let y = Math.floor((julian * 4) / 1461);
  julian = (y !== 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
  y += quad * 4;
  const q = Math.floor((julian * 2141) / 65536);
  return { year: y - 4800, month: ((q + 10) % 12) + 1, day: julian - Math.floor((7834 * q) / 256) };
}

export function daysFromCivil(year: number, month: number, day: number): number {
  return date2j(year, month, day) - UNIX_EPOCH_JDATE;
}

export function civilFromDays(days: number): Ymd {
  return j2date(days + UNIX_EPOCH_JDATE);
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 31);
}

/** Day of the week, 0 = Sunday (PostgreSQL j2day). */
export function dayOfWeek(days: number): number {
  return (((days + UNIX_EPOCH_JDATE + 1) % 7) + 7) % 7;
}

export function isDateFinite(days: number): boolean {
  return days !== DATE_POS_INFINITY && days !== DATE_NEG_INFINITY;
}

export function isTimestampFinite(ts: bigint): boolean {
  return ts !== TIMESTAMP_POS_INFINITY && ts !== TIMESTAMP_NEG_INFINITY;
}

export function isValidDate(days: number): boolean {
  return days >= DATE_MIN && days < DATE_END;
}

export function isValidTimestamp(ts: bigint): boolean {
  return ts >= TIMESTAMP_MIN && ts < TIMESTAMP_END;
}

export function dateOutOfRange(): FlintError {
  return new FlintError(SqlState.datetimeFieldOverflow, 'date out of range');
}

export function timestampOutOfRange(): FlintError {
  return new FlintError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
}

/** Checks a computed timestamp, as PostgreSQL does after arithmetic. */
export function checkTimestamp(ts: bigint): bigint {
  if (!isValidTimestamp(ts)) throw timestampOutOfRange();
  return ts;
}

/** Floor division and remainder of a timestamp into days and time of day. */
export function splitTimestamp(ts: bigint): { days: number; timeUsec: bigint } {
  let days = ts / USECS_PER_DAY;
  let timeUsec = ts - days * USECS_PER_DAY;
  if (timeUsec < 0n) {
    days -= 1n;
    timeUsec += USECS_PER_DAY;
  }
  return { days: Number(days), timeUsec };
}

/** Broken-down local time, as PostgreSQL's struct pg_tm plus microseconds. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds within the second, 0..999999. */
  usec: number;
}

export function partsFromTimestamp(ts: bigint): DateTimeParts {
  const { days, timeUsec } = splitTimestamp(ts);
  const { year, month, day } = civilFromDays(days);
  const t = Number(timeUsec);
  const hour = Math.floor(t / 3_600_000_000);
  const minute = Math.floor((t % 3_600_000_000) / 60_000_000);
  const second = Math.floor((t % 60_000_000) / 1_000_000);
  return { year, month, day, hour, minute, second, usec: t % 1_000_000 };
}

/** Fields to timestamp; the fields need not be normalized (hour 24, second 60). */
export function timestampFromParts(p: DateTimeParts): bigint {
  const days = BigInt(daysFromCivil(p.year, p.month, p.day));
  const time = BigInt(((p.hour * 60 + p.minute) * 60 + p.second) * 1_000_000 + p.usec);
  return days * USECS_PER_DAY + time;
}
