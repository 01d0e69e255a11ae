// extract / date_part and date_trunc for date, timestamp, timestamptz and
// interval, after PostgreSQL 15's timestamp_part_common, extract_date,
// interval_part_common and the *_trunc functions. extract returns numeric
// (scale 6 for seconds and epoch, 3 for milliseconds); date_part returns
// float8 computed the way PostgreSQL computes it in double precision.
// Infinite inputs give ±Infinity for the monotonic units (year, epoch, ...)
// and NULL for the others.

import { FlintError, SqlState } from '../../errors.ts';
import {
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  date2j,
  isDateFinite,
  isTimestampFinite,
  j2date,
  partsFromTimestamp,
  timestampFromParts,
  timestampOutOfRange,
  isValidTimestamp,
  DATE_POS_INFINITY,
  TIMESTAMP_POS_INFINITY,
  type DateTimeParts,
} from './calendar.ts';
import { Decimal } from './decimal.ts';
import { makeInterval, type Interval } from './interval.ts';
import { localToUtc, utcOffsetAt, type TimeZone } from './timezone.ts';

export type DateField =
  | 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month'
  | 'quarter' | 'year' | 'decade' | 'century' | 'millennium' | 'julian' | 'isoyear' | 'dow'
  | 'isodow' | 'doy' | 'epoch' | 'timezone' | 'timezone_hour' | 'timezone_minute';

// PostgreSQL's unit words (deltatktbl plus the reserved 'epoch'), on their first 10 characters.
const FIELD_WORDS = new Map<string, DateField>([
  ['microsecon', 'microseconds'], ['us', 'microseconds'], ['usec', 'microseconds'], ['usecond', 'microseconds'],
  ['useconds', 'microseconds'], ['usecs', 'microseconds'],
  ['millisecon', 'milliseconds'], ['ms', 'milliseconds'], ['msec', 'milliseconds'], ['msecond', 'milliseconds'],
  ['mseconds', 'milliseconds'], ['msecs', 'milliseconds'],
  ['s', 'second'], ['sec', 'second'], ['second', 'second'], ['seconds', 'second'], ['secs', 'second'],
  ['m', 'minute'], ['min', 'minute'], ['mins', 'minute'], ['minute', 'minute'], ['minutes', 'minute'],
  ['h', 'hour'], ['hour', 'hour'], ['hours', 'hour'], ['hr', 'hour'], ['hrs', 'hour'],
  ['d', 'day'], ['day', 'day'], ['days', 'day'],
  ['w', 'week'], ['week', 'week'], ['weeks', 'week'],
  ['mon', 'month'], ['mons', 'month'], ['month', 'month'], ['months', 'month'],
  ['qtr', 'quarter'], ['quarter', 'quarter'],
  ['y', 'year'], ['year', 'year'], ['years', 'year'], ['yr', 'year'], ['yrs', 'year'],
  ['dec', 'decade'], ['decade', 'decade'], ['decades', 'decade'], ['decs', 'decade'],
  ['c', 'century'], ['cent', 'century'], ['centuries', 'century'], ['century', 'century'],
  ['mil', 'millennium'], ['millennia', 'millennium'], ['millennium', 'millennium'], ['mils', 'millennium'],
  ['j', 'julian'], ['jd', 'julian'], ['julian', 'julian'],
  ['isoyear', 'isoyear'], ['dow', 'dow'], ['isodow', 'isodow'], ['doy', 'doy'], ['epoch', 'epoch'],
  ['timezone', 'timezone'], ['timezone_h', 'timezone_hour'], ['timezone_m', 'timezone_minute'],
]);

type Source = 'date' | 'timestamp' | 'timestamptz' | 'interval';

const SOURCE_NAMES: Record<Source, string> = {
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
};

// Fields that PostgreSQL keeps in its date-token table rather than its unit
// table: extract() finds them, date_trunc() does not know them at all.
const NOT_TRUNC_UNITS = new Set<DateField>(['julian', 'isoyear', 'dow', 'isodow', 'doy', 'epoch']);

/** The field a unit name means, or 22023 naming the type as PostgreSQL does. */
export function parseDateField(unit: string, source: Source, forTrunc = false): DateField {
  const lower = unit.toLowerCase();
  const field = FIELD_WORDS.get(lower.slice(0, 10));
  if (field === undefined || (forTrunc && NOT_TRUNC_UNITS.has(field))) {
    throw new FlintError(SqlState.invalidParameterValue, `unit "${lower}" not recognized for type ${SOURCE_NAMES[source]}`);
  }
  return field;
}

function unsupported(unit: string, source: Source): FlintError {
  return new FlintError(SqlState.featureNotSupported, `unit "${unit.toLowerCase()}" not supported for type ${SOURCE_NAMES[source]}`);
}

/** j2day: 0 = Sunday. */
function j2day(jd: number): number {
  const d = (jd + 1) % 7;
  return d < 0 ? d + 7 : d;
}

export function date2isoweek(year: number, mon: number, mday: number): number {
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  if (dayn < day4 - day0) {
    day4 = date2j(year - 1, 1, 4);
    day0 = j2day(day4 - 1);
  }
  let result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(year + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  }
  return result;
}

function date2isoyear(year: number, mon: number, mday: number): number {
  const dayn = date2j(year, mon, mday);
  let day4 = date2j(year, 1, 4);
  let day0 = j2day(day4 - 1);
  let y = year;
  if (dayn < day4 - day0) {
    day4 = date2j(y - 1, 1, 4);
    day0 = j2day(day4 - 1);
    y--;
  }
  const result = Math.trunc((dayn - (day4 - day0)) / 7) + 1;
  if (result >= 52) {
    day4 = date2j(y + 1, 1, 4);
    day0 = j2day(day4 - 1);
    if (dayn >= day4 - day0) y++;
  }
  return y;
}

function isoweek2j(year: number, week: number): number {
  const day4 = date2j(year, 1, 4);
  const day0 = j2day(day4 - 1);
  return (week - 1) * 7 + (day4 - day0);
}

/** Calendar fields common to date and timestamp; year is astronomical. */
function calendarField(field: DateField, year: number, mon: number, mday: number): number | undefined {
  switch (field) {
    case 'day':
      return mday;
    case 'month':
      return mon;
    case 'quarter':
      return Math.trunc((mon - 1) / 3) + 1;
    case 'week':
      return date2isoweek(year, mon, mday);
    case 'year':
      return year > 0 ? year : year - 1;
    case 'decade':
      return year >= 0 ? Math.trunc(year / 10) : -Math.trunc((8 - (year - 1)) / 10);
    case 'century':
      return year > 0 ? Math.trunc((year + 99) / 100) : -Math.trunc((99 - (year - 1)) / 100);
    case 'millennium':
      return year > 0 ? Math.trunc((year + 999) / 1000) : -Math.trunc((999 - (year - 1)) / 1000);
    case 'isoyear': {
      const y = date2isoyear(year, mon, mday);
      return y <= 0 ? y - 1 : y;
    }
    case 'dow':
    case 'isodow': {
      const d = j2day(date2j(year, mon, mday));
      return field === 'isodow' && d === 0 ? 7 : d;
    }
    case 'doy':
      return date2j(year, mon, mday) - date2j(year, 1, 1) + 1;
    default:
      return undefined;
  }
}

/** A result either as numeric (extract) or float8 (date_part). */
export type PartResult = Decimal | number | null;

function fromInt(value: number | bigint, numeric: boolean): PartResult {
  return numeric ? Decimal.fromBigInt(BigInt(value)) : Number(value);
}

/** Units that keep growing with time give ±Infinity for infinite inputs; the rest NULL. */
function nonFinitePart(field: DateField, positive: boolean, numeric: boolean): PartResult {
  switch (field) {
    case 'year':
    case 'decade':
    case 'century':
    case 'millennium':
    case 'julian':
    case 'isoyear':
    case 'epoch':
      if (numeric) return positive ? Decimal.Infinity : Decimal.NegativeInfinity;
      return positive ? Infinity : -Infinity;
    default:
      return null;
  }
}

/** extract(field from date): numeric, integral. */
export function extractDate(unit: string, date: number, numeric = true): PartResult {
  const field = parseDateField(unit, 'date');
  if (!isDateFinite(date)) {
    if (!['day', 'month', 'quarter', 'week', 'dow', 'isodow', 'doy', 'year', 'decade', 'century', 'millennium', 'julian', 'isoyear', 'epoch'].includes(field)) {
      throw unsupported(unit, 'date');
    }
    return nonFinitePart(field, date === DATE_POS_INFINITY, numeric);
  }
  const jd = date + UNIX_EPOCH_JDATE;
  if (field === 'epoch') return fromInt(BigInt(date) * 86400n, numeric);
  if (field === 'julian') return fromInt(jd, numeric);
  const { year, month, day } = j2date(jd);
  const value = calendarField(field, year, month, day);
  if (value === undefined) throw unsupported(unit, 'date');
  return fromInt(value, numeric);
}

function timeFields(field: DateField, p: DateTimeParts, numeric: boolean): PartResult | undefined {
  const usecOfMinute = p.second * 1_000_000 + p.usec;
  switch (field) {
    case 'microseconds':
      return fromInt(usecOfMinute, numeric);
    case 'milliseconds':
      return numeric ? Decimal.of(BigInt(usecOfMinute), 3) : p.second * 1000 + p.usec / 1000;
    case 'second':
      return numeric ? Decimal.of(BigInt(usecOfMinute), 6) : p.second + p.usec / 1_000_000;
    case 'minute':
      return fromInt(p.minute, numeric);
    case 'hour':
      return fromInt(p.hour, numeric);
    case 'julian': {
      const jd = date2j(p.year, p.month, p.day);
      const usecOfDay = ((p.hour * 60 + p.minute) * 60 + p.second) * 1_000_000 + p.usec;
      if (numeric) return Decimal.fromInt(jd).add(Decimal.fromInt(usecOfDay).div(Decimal.fromBigInt(USECS_PER_DAY)));
      return jd + ((p.hour * 60 + p.minute) * 60 + p.second + p.usec / 1_000_000) / 86400;
    }
    default:
      return undefined;
  }
}

function epochPart(ts: bigint, numeric: boolean): PartResult {
  return numeric ? Decimal.of(ts, 6) : Number(ts) / 1_000_000;
}

/** extract/date_part for timestamp (zone undefined) and timestamptz (zone given). */
export function extractTimestamp(unit: string, ts: bigint, zone: TimeZone | undefined, numeric = true): PartResult {
  const source: Source = zone === undefined ? 'timestamp' : 'timestamptz';
  const field = parseDateField(unit, source);
  if (!isTimestampFinite(ts)) {
    if (field.startsWith('timezone') && zone === undefined) throw unsupported(unit, source);
    return nonFinitePart(field, ts === TIMESTAMP_POS_INFINITY, numeric);
  }
  if (field === 'epoch') return epochPart(ts, numeric);
  const offset = zone === undefined ? 0 : utcOffsetAt(zone, ts);
  if (field === 'timezone' || field === 'timezone_hour' || field === 'timezone_minute') {
    if (zone === undefined) throw unsupported(unit, source);
    const value = field === 'timezone' ? offset : field === 'timezone_hour' ? Math.trunc(offset / 3600) : Math.trunc(offset / 60) % 60;
    return fromInt(value, numeric);
  }
  const p = partsFromTimestamp(ts + BigInt(offset) * 1_000_000n);
  const t = timeFields(field, p, numeric);
  if (t !== undefined) return t;
  const value = calendarField(field, p.year, p.month, p.day);
  if (value === undefined) throw unsupported(unit, source);
  return fromInt(value, numeric);
}

/** extract/date_part for interval. */
export function extractInterval(unit: string, iv: Interval, numeric = true): PartResult {
  const field = parseDateField(unit, 'interval');
  const time = iv.micros;
  const hour = time / 3_600_000_000n;
  const minute = Number((time % 3_600_000_000n) / 60_000_000n);
  const usecOfMinute = time % 60_000_000n;
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months % 12;
  switch (field) {
    case 'microseconds':
      return fromInt(usecOfMinute, numeric);
    case 'milliseconds':
      return numeric ? Decimal.of(usecOfMinute, 3) : Number(usecOfMinute / 1_000_000n) * 1000 + Number(usecOfMinute % 1_000_000n) / 1000;
    case 'second':
      return numeric ? Decimal.of(usecOfMinute, 6) : Number(usecOfMinute / 1_000_000n) + Number(usecOfMinute % 1_000_000n) / 1_000_000;
    case 'minute':
      return fromInt(minute, numeric);
    case 'hour':
      return fromInt(hour, numeric);
    case 'day':
      return fromInt(iv.days, numeric);
    case 'month':
      return fromInt(mon, numeric);
    case 'quarter':
      return fromInt(Math.trunc(mon / 3) + 1, numeric);
    case 'year':
      return fromInt(year, numeric);
    case 'decade':
      return fromInt(Math.trunc(year / 10), numeric);
    case 'century':
      return fromInt(Math.trunc(year / 100), numeric);
    case 'millennium':
      return fromInt(Math.trunc(year / 1000), numeric);
    case 'epoch': {
      if (numeric) {
        // 365.25 days a year and 30 a month, in integers: everything times 4.
        const secs = (1461n * BigInt(year) + 120n * BigInt(mon) + 4n * BigInt(iv.days)) * 21600n;
        return Decimal.of(secs * 1_000_000n + time, 6);
      }
      let r = Number(time) / 1_000_000;
      r += 365.25 * 86400 * year;
      r += 30 * 86400 * mon;
      r += 86400 * iv.days;
      return r;
    }
    default:
      throw unsupported(unit, 'interval');
  }
}

// ---------------------------------------------------------------- date_trunc

/** Truncates broken-down local time in place, as PostgreSQL timestamp_trunc does. */
function truncParts(field: DateField, p: DateTimeParts, unit: string, source: Source): void {
  const order: DateField[] = ['millennium', 'century', 'decade', 'year', 'quarter', 'month', 'day', 'hour', 'minute', 'second'];
  if (field === 'week') {
    const woy = date2isoweek(p.year, p.month, p.day);
    let year = p.year;
    if (woy >= 52 && p.month === 1) year--;
    if (woy <= 1 && p.month === 12) year++;
    const { year: y, month, day } = j2date(isoweek2j(year, woy));
    Object.assign(p, { year: y, month, day, hour: 0, minute: 0, second: 0, usec: 0 });
    return;
  }
  if (field === 'milliseconds') {
    p.usec = Math.trunc(p.usec / 1000) * 1000;
    return;
  }
  if (field === 'microseconds') return;
  const at = order.indexOf(field);
  if (at < 0) throw unsupported(unit, source);
  if (field === 'millennium') p.year = p.year > 0 ? Math.trunc((p.year + 999) / 1000) * 1000 - 999 : -Math.trunc((999 - (p.year - 1)) / 1000) * 1000 + 1;
  if (field === 'century') p.year = p.year > 0 ? Math.trunc((p.year + 99) / 100) * 100 - 99 : -Math.trunc((99 - (p.year - 1)) / 100) * 100 + 1;
  if (field === 'decade') p.year = p.year > 0 ? Math.trunc(p.year / 10) * 10 : -Math.trunc((8 - (p.year - 1)) / 10) * 10;
  if (at <= 3) p.month = 1;
  if (at <= 4) p.month = 3 * Math.trunc((p.month - 1) / 3) + 1;
  if (at <= 5) p.day = 1;
  if (at <= 6) p.hour = 0;
  if (at <= 7) p.minute = 0;
  if (at <= 8) p.second = 0;
  p.usec = 0;
}

/** date_trunc(unit, timestamp). */
export function truncTimestamp(unit: string, ts: bigint): bigint {
  const field = parseDateField(unit, 'timestamp', true);
  if (!isTimestampFinite(ts)) return ts;
  const p = partsFromTimestamp(ts);
  truncParts(field, p, unit, 'timestamp');
  const result = timestampFromParts(p);
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

/** date_trunc(unit, timestamptz): truncated in the session zone's local time. */
export function truncTimestamptz(unit: string, ts: bigint, zone: TimeZone): bigint {
  const field = parseDateField(unit, 'timestamptz', true);
  if (!isTimestampFinite(ts)) return ts;
  const offset = utcOffsetAt(zone, ts);
  const p = partsFromTimestamp(ts + BigInt(offset) * 1_000_000n);
  truncParts(field, p, unit, 'timestamptz');
  const local = timestampFromParts(p);
  // Below a day the original offset still applies; from a day up PostgreSQL
  // works out the offset again for the new local time.
  const dayOrMore = !['hour', 'minute', 'second', 'milliseconds', 'microseconds'].includes(field);
  const result = dayOrMore ? localToUtc(zone, local) : local - BigInt(offset) * 1_000_000n;
  if (!isValidTimestamp(result)) throw timestampOutOfRange();
  return result;
}

/** date_trunc(unit, interval). */
export function truncInterval(unit: string, iv: Interval): Interval {
  const field = parseDateField(unit, 'interval', true);
  let year = Math.trunc(iv.months / 12);
  let mon = iv.months % 12;
  let day = iv.days;
  let time = iv.micros;
  const hour = time / 3_600_000_000n;
  let minute = (time % 3_600_000_000n) / 60_000_000n;
  let sec = (time % 60_000_000n) / 1_000_000n;
  let usec = time % 1_000_000n;
  const order: DateField[] = ['millennium', 'century', 'decade', 'year', 'quarter', 'month', 'day', 'hour', 'minute', 'second'];
  const at = order.indexOf(field);
  if (field === 'milliseconds') {
    usec = (usec / 1000n) * 1000n;
  } else if (field !== 'microseconds') {
    if (at < 0) throw unsupported(unit, 'interval');
    if (at <= 0) year = Math.trunc(year / 1000) * 1000;
    if (at <= 1) year = Math.trunc(year / 100) * 100;
    if (at <= 2) year = Math.trunc(year / 10) * 10;
    if (at <= 3) mon = 0;
    if (at <= 4) mon = 3 * Math.trunc(mon / 3);
    if (at <= 5) day = 0;
    let h = hour;
    if (at <= 6) h = 0n;
    if (at <= 7) minute = 0n;
    if (at <= 8) sec = 0n;
    usec = 0n;
    time = h * 3_600_000_000n + minute * 60_000_000n + sec * 1_000_000n + usec;
    return makeInterval(year * 12 + mon, day, time);
  }
  time = hour * 3_600_000_000n + minute * 60_000_000n + sec * 1_000_000n + usec;
  return makeInterval(year * 12 + mon, day, time);
}
