// Text input of date, timestamp and timestamptz, after PostgreSQL's
// DecodeDateTime() with DateStyle = 'ISO, MDY':
//   ISO 8601 ('2024-01-02', '2024-01-02 03:04:05.5+05:30', 'T' separator,
//   '20240102', '20240102T030405'), month names ('Jan 8 1999',
//   'January 8, 1999', '8-Jan-1999'), MDY with slashes ('1/8/1999'),
//   AD/BC, AM/PM, Julian days ('J2451545'), zone offsets, UTC aliases,
//   common abbreviations and IANA names ('America/New_York'), and the special
//   values epoch, infinity, -infinity, now, today, tomorrow, yesterday.
// Errors: 22007 for text that is not a date at all, 22008 for fields out of
// range, 22009 for zone offsets beyond 15 hours.

import { FlintError, SqlState } from '../../errors.ts';
import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  UNIX_EPOCH_JDATE,
  USECS_PER_DAY,
  date2j,
  daysInMonth,
  isLeapYear,
  isValidDate,
  isValidTimestamp,
  j2date,
  splitTimestamp,
  timestampFromParts,
} from './calendar.ts';
import { tokenizeDateTime, type Field } from './datetime-tokens.ts';
import { rint } from './math-util.ts';
import type { EvalContext } from './eval-context.ts';
import { ZONE_ABBREVIATIONS, localToUtc, namedZone, utcOffsetAt, type TimeZone } from './timezone.ts';

/** Why decoding failed; the caller turns it into a message naming the type. */
type DtErr = 'bad' | 'overflow' | 'tz';

class DecodeError {
  constructor(readonly reason: DtErr) {}
}

function fail(reason: DtErr): never {
  throw new DecodeError(reason);
}

const YEAR = 1;
const MONTH = 2;
const DAY = 4;
const DOY = 8;
const DATE_M = YEAR | MONTH | DAY;
const HOUR = 16;
const MINUTE = 32;
const SECOND = 64;
const TIME_M = HOUR | MINUTE | SECOND;
const TZ = 128;

type Special = 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday';

/** Decoded fields, as PostgreSQL's struct pg_tm plus flags. */
interface Decoded {
  fmask: number;
  year: number;
  month: number;
  day: number;
  doy: number;
  hour: number;
  minute: number;
  second: number;
  usec: number;
  bc: boolean;
  is2digits: boolean;
  haveTextMonth: boolean;
  julian: number | undefined;
  meridian: 'am' | 'pm' | undefined;
  /** Explicit offset in seconds east, or a named zone whose offset depends on the date. */
  tz: number | TimeZone | undefined;
  special: Special | undefined;
}

const MONTHS = new Map<string, number>([
  ['jan', 1], ['january', 1], ['feb', 2], ['february', 2], ['mar', 3], ['march', 3],
  ['apr', 4], ['april', 4], ['may', 5], ['jun', 6], ['june', 6], ['jul', 7], ['july', 7],
  ['aug', 8], ['august', 8], ['sep', 9], ['sept', 9], ['september', 9], ['oct', 10], ['october', 10],
  ['nov', 11], ['november', 11], ['dec', 12], ['december', 12],
]);

const WEEKDAYS = new Set([
  'sun', 'sunday', 'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday',
  'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday',
]);

const SPECIALS = new Set<string>(['epoch', 'infinity', 'now', 'today', 'tomorrow', 'yesterday']);

/** PostgreSQL ParseFractionalSecond: strtod then rint(frac * 1e6). */
function fractionToUsec(fraction: string): number {
  if (!/^\.\d*$/.test(fraction)) fail('bad');
  return rint(Number('0' + fraction) * 1_000_000);
}

function decodeNumberField(text: string, d: Decoded): number {
  let digits = text;
  const point = text.indexOf('.');
  if (point >= 0) {
    d.usec = fractionToUsec(text.slice(point));
    digits = text.slice(0, point);
  } else if ((d.fmask & DATE_M) !== DATE_M && digits.length >= 6) {
    // YYYYMMDD or YYMMDD, read from the end.
    const len = digits.length;
    d.day = Number(digits.slice(len - 2));
    d.month = Number(digits.slice(len - 4, len - 2));
    d.year = Number(digits.slice(0, len - 4));
    if (len - 4 === 2) d.is2digits = true;
    return DATE_M;
  }
  if ((d.fmask & TIME_M) !== TIME_M) {
    if (digits.length === 6) {
      d.hour = Number(digits.slice(0, 2));
      d.minute = Number(digits.slice(2, 4));
      d.second = Number(digits.slice(4, 6));
      return TIME_M;
    }
    if (digits.length === 4) {
      d.hour = Number(digits.slice(0, 2));
      d.minute = Number(digits.slice(2, 4));
      d.second = 0;
      return TIME_M;
    }
  }
  return fail('bad');
}

/** PostgreSQL DecodeNumber: which date field a lone number is depends on what is already known. */
function decodeNumber(text: string, d: Decoded, fmask: number): number {
  const point = text.indexOf('.');
  if (point >= 0) {
    // A fraction on a long number is a concatenated date/time; otherwise junk.
    if (point > 2) return decodeNumberField(text, d);
    return fail('bad');
  }
  if (!/^\d+$/.test(text)) fail('bad');
  const len = text.length;
  const val = Number(text);
  if (len === 3 && (fmask & DATE_M) === YEAR && val >= 1 && val <= 366) {
    d.doy = val;
    return DOY | MONTH | DAY;
  }
  let tmask: number;
  switch (fmask & DATE_M) {
    case 0:
      // Nothing yet: with DateStyle MDY a short first number is the month.
      if (len >= 3) {
        tmask = YEAR;
        d.year = val;
      } else {
        tmask = MONTH;
        d.month = val;
      }
      break;
    case YEAR:
      tmask = MONTH;
      d.month = val;
      break;
    case MONTH:
      if (d.haveTextMonth && len >= 3) {
        tmask = YEAR;
        d.year = val;
      } else {
        tmask = DAY;
        d.day = val;
      }
      break;
    case YEAR | MONTH:
      if (d.haveTextMonth && len >= 3 && d.is2digits) {
        // DD-MON-YYYY: the first number was the day after all.
        d.day = d.year;
        d.year = val;
        d.is2digits = false;
      } else {
        d.day = val;
      }
      tmask = DAY;
      break;
    case DAY:
      tmask = MONTH;
      d.month = val;
      break;
    case MONTH | DAY:
      tmask = YEAR;
      d.year = val;
      break;
    case DATE_M:
      return decodeNumberField(text, d);
    default:
      return fail('bad');
  }
  if (tmask === YEAR) d.is2digits = len <= 2;
  return tmask;
}

/** PostgreSQL DecodeDate: a field with embedded separators. */
function decodeDate(text: string, d: Decoded): number {
  const parts = text.split(/[^a-z0-9]+/);
  if (parts.some((p) => p === '')) fail('bad');
  let fmask = 0;
  const numeric: string[] = [];
  for (const part of parts) {
    if (/^[a-z]+$/.test(part)) {
      const month = MONTHS.get(part);
      if (month === undefined || (fmask & MONTH) !== 0) fail('bad');
      d.month = month;
      d.haveTextMonth = true;
      fmask |= MONTH;
    } else if (/^\d+$/.test(part)) {
      numeric.push(part);
    } else {
      fail('bad');
    }
  }
  for (const part of numeric) {
    const dmask = decodeNumber(part, d, fmask);
    if ((fmask & dmask) !== 0) fail('bad');
    fmask |= dmask;
  }
  if ((fmask & ~DOY) !== DATE_M) fail('bad');
  return fmask;
}

/** PostgreSQL DecodeTime: hh:mm, hh:mm:ss, hh:mm:ss.ffffff. */
function decodeTime(text: string, d: Decoded): void {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) fail('bad');
  const [h, m, s] = parts;
  if (!/^\d+$/.test(h!) || !/^\d+$/.test(m!)) fail('bad');
  d.hour = Number(h);
  d.minute = Number(m);
  d.second = 0;
  d.usec = 0;
  if (s !== undefined) {
    const match = /^(\d+)(\.\d*)?$/.exec(s);
    if (match === null) fail('bad');
    d.second = Number(match[1]);
    if (match[2] !== undefined) d.usec = fractionToUsec(match[2]);
  }
  if (d.minute > 59 || d.second > 60 || d.usec > 1_000_000) fail('overflow');
}

/** PostgreSQL DecodeTimezone: +hh, +hhmm, +hh:mm, +hh:mm:ss; seconds east. */
export function decodeOffset(text: string): number {
  const match = /^([+-])(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(text);
  if (match === null) return fail('bad');
  let hr = Number(match[2]);
  let min = match[3] === undefined ? 0 : Number(match[3]);
  const sec = match[4] === undefined ? 0 : Number(match[4]);
  if (match[3] === undefined && match[2]!.length > 2) {
    min = hr % 100;
    hr = Math.floor(hr / 100);
  }
  if (hr > 15 || min >= 60 || sec >= 60) fail('tz');
  const tz = (hr * 60 + min) * 60 + sec;
  return match[1] === '-' ? -tz : tz;
}

function decodeWord(word: string, d: Decoded, fields: readonly Field[], index: number): { tmask: number; skip: number } {
  const month = MONTHS.get(word);
  if (month !== undefined) {
    // "8 Jan": a number taken as the month before the name was the day.
    if ((d.fmask & MONTH) !== 0 && !d.haveTextMonth && (d.fmask & DAY) === 0 && d.month >= 1 && d.month <= 31) {
      d.day = d.month;
      d.month = month;
      d.haveTextMonth = true;
      return { tmask: DAY, skip: 0 };
    }
    d.month = month;
    d.haveTextMonth = true;
    return { tmask: MONTH, skip: 0 };
  }
  if (WEEKDAYS.has(word)) return { tmask: 0, skip: 0 };
  if (SPECIALS.has(word)) {
    if (d.special !== undefined) fail('bad');
    d.special = word as Special;
    return { tmask: 0, skip: 0 };
  }
  switch (word) {
    case 'am':
    case 'a.m.':
    case 'pm':
    case 'p.m.':
      if (d.meridian !== undefined) fail('bad');
      d.meridian = word.startsWith('a') ? 'am' : 'pm';
      return { tmask: 0, skip: 0 };
    case 'ad':
    case 'bc':
      d.bc = word === 'bc';
      return { tmask: 0, skip: 0 };
    case 't': {
      // ISO 'T' between date and time: the next field is the time.
      const next = fields[index + 1];
      if (next === undefined) fail('bad');
      if (next.kind === 'time') {
        if ((d.fmask & TIME_M) !== 0) fail('bad');
        decodeTime(next.text, d);
        return { tmask: TIME_M, skip: 1 };
      }
      if (next.kind === 'number') {
        if ((d.fmask & TIME_M) !== 0) fail('bad');
        const tmask = decodeNumberField(next.text, d);
        if (tmask !== TIME_M) fail('bad');
        return { tmask, skip: 1 };
      }
      return fail('bad');
    }
    case 'j': {
      const next = fields[index + 1];
      if (next === undefined || next.kind !== 'number' || !/^\d+$/.test(next.text)) fail('bad');
      d.julian = Number(next.text);
      const { year, month: m, day } = j2date(d.julian);
      d.year = year;
      d.month = m;
      d.day = day;
      return { tmask: DATE_M, skip: 1 };
    }
    default:
      break;
  }
  const abbreviation = ZONE_ABBREVIATIONS.get(word);
  if (abbreviation !== undefined) {
    if (d.tz !== undefined) fail('bad');
    d.tz = abbreviation;
    return { tmask: TZ, skip: 0 };
  }
  if (word.startsWith('j') && /^j\d+$/.test(word)) {
    d.julian = Number(word.slice(1));
    const { year, month: m, day } = j2date(d.julian);
    d.year = year;
    d.month = m;
    d.day = day;
    return { tmask: DATE_M, skip: 0 };
  }
  const zone = namedZone(word);
  if (zone !== null && word.includes('/')) {
    if (d.tz !== undefined) fail('bad');
    d.tz = zone;
    return { tmask: TZ, skip: 0 };
  }
  return fail('bad');
}

function decodeFields(fields: readonly Field[]): Decoded {
  const d: Decoded = {
    fmask: 0, year: 0, month: 0, day: 0, doy: 0, hour: 0, minute: 0, second: 0, usec: 0,
    bc: false, is2digits: false, haveTextMonth: false, julian: undefined, meridian: undefined,
    tz: undefined, special: undefined,
  };
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    let tmask = 0;
    switch (f.kind) {
      case 'date':
        tmask = decodeDate(f.text, d);
        break;
      case 'time':
        decodeTime(f.text, d);
        tmask = TIME_M;
        break;
      case 'signed':
        if (d.tz !== undefined) fail('bad');
        d.tz = decodeOffset(f.text);
        tmask = TZ;
        break;
      case 'signedWord':
        if (f.text !== '-infinity' && f.text !== '+infinity') fail('bad');
        if (d.special !== undefined) fail('bad');
        d.special = f.text === '-infinity' ? '-infinity' : 'infinity';
        break;
      case 'number': {
        const point = f.text.indexOf('.');
        if (point >= 0 && (d.fmask & DATE_M) === 0) {
          tmask = decodeDate(f.text, d);
        } else if (point >= 0 && point > 2) {
          tmask = decodeNumberField(f.text, d);
        } else if (f.text.length >= 6 && ((d.fmask & DATE_M) === 0 || (d.fmask & TIME_M) === 0)) {
          tmask = decodeNumberField(f.text, d);
        } else {
          tmask = decodeNumber(f.text, d, d.fmask);
        }
        break;
      }
      case 'word': {
        const r = decodeWord(f.text, d, fields, i);
        tmask = r.tmask;
        i += r.skip;
        break;
      }
    }
    if ((tmask & d.fmask) !== 0) fail('bad');
    d.fmask |= tmask;
  }
  return d;
}

/** PostgreSQL ValidateDate plus the time checks of DecodeDateTime. */
function validate(d: Decoded, needDate: boolean): void {
  if ((d.fmask & YEAR) !== 0) {
    if (d.julian !== undefined) {
      // already astronomical
    } else if (d.bc) {
      if (d.year <= 0) fail('overflow');
      d.year = -(d.year - 1);
    } else if (d.is2digits) {
      if (d.year < 70) d.year += 2000;
      else if (d.year < 100) d.year += 1900;
    } else if (d.year <= 0) {
      fail('overflow');
    }
  }
  if ((d.fmask & DOY) !== 0) {
    let doy = d.doy;
    let month = 1;
    while (month < 12 && doy > daysInMonth(d.year, month)) doy -= daysInMonth(d.year, month++);
    d.month = month;
    d.day = doy;
    if (d.doy > (isLeapYear(d.year) ? 366 : 365)) fail('overflow');
  }
  if ((d.fmask & MONTH) !== 0 && (d.month < 1 || d.month > 12)) fail('overflow');
  if ((d.fmask & DAY) !== 0 && (d.day < 1 || d.day > 31)) fail('overflow');
  if ((d.fmask & DATE_M) === DATE_M && d.day > daysInMonth(d.year, d.month)) fail('overflow');
  if (d.meridian !== undefined) {
    if (d.hour > 12) fail('overflow');
    if (d.meridian === 'am' && d.hour === 12) d.hour = 0;
    else if (d.meridian === 'pm' && d.hour !== 12) d.hour += 12;
  }
  if (d.hour > 24 || (d.hour === 24 && (d.minute > 0 || d.second > 0 || d.usec > 0))) fail('overflow');
  if (needDate && (d.fmask & DATE_M) !== DATE_M) fail('bad');
}

type Target = 'date' | 'timestamp' | 'timestamptz';

const TARGET_NAMES: Record<Target, string> = {
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamp with time zone',
};

// The form COPY, drivers and Flint's own output use; decoded without the
// general tokenizer. Anything unusual (24:00, leap seconds, zones, BC, 7+
// fraction digits) falls through to the full decoder.
const ISO_FAST = /^[ \t\n\r\f\v]*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?[ \t\n\r\f\v]*$/;

function fastDecode(text: string): Decoded | undefined {
  const m = ISO_FAST.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const usec = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0'));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return {
    fmask: DATE_M | (m[4] === undefined ? 0 : TIME_M), year, month, day, doy: 0, hour, minute, second, usec,
    bc: false, is2digits: false, haveTextMonth: false, julian: undefined, meridian: undefined, tz: undefined, special: undefined,
  };
}

function decode(text: string, target: Target): Decoded {
  const fast = fastDecode(text);
  if (fast !== undefined) return fast;
  try {
    const fields = tokenizeDateTime(text);
    if (fields === null || fields.length === 0) fail('bad');
    const d = decodeFields(fields);
    if (d.special !== undefined) {
      // A special word stands alone, apart from an ignorable zone.
      if ((d.fmask & ~TZ) !== 0) fail('bad');
      return d;
    }
    validate(d, true);
    return d;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    throw decodeFailure(e.reason, text, target);
  }
}

function decodeFailure(reason: DtErr, text: string, target: Target): FlintError {
  switch (reason) {
    case 'bad':
      return new FlintError(SqlState.invalidDatetimeFormat, `invalid input syntax for type ${TARGET_NAMES[target]}: "${text}"`);
    case 'overflow':
      return new FlintError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
    case 'tz':
      return new FlintError(SqlState.invalidTimeZoneDisplacementValue, `time zone displacement out of range: "${text}"`);
  }
}

/** Local wall-clock microseconds of the decoded fields (no zone applied). */
function localMicros(d: Decoded): bigint {
  return timestampFromParts(d);
}

function localNow(ctx: EvalContext): bigint {
  const now = ctx.transactionTimestamp;
  return now + BigInt(utcOffsetAt(ctx.timeZone, now)) * 1_000_000n;
}

function localMidnight(ctx: EvalContext, dayOffset: number): bigint {
  const { days } = splitTimestamp(localNow(ctx));
  return BigInt(days + dayOffset) * USECS_PER_DAY;
}

/** PostgreSQL date_in. */
export function parseDate(text: string, ctx: EvalContext): number {
  const d = decode(text, 'date');
  switch (d.special) {
    case 'epoch':
      return 0;
    case 'infinity':
      return DATE_POS_INFINITY;
    case '-infinity':
      return DATE_NEG_INFINITY;
    case 'now':
    case 'today':
      return splitTimestamp(localNow(ctx)).days;
    case 'tomorrow':
      return splitTimestamp(localNow(ctx)).days + 1;
    case 'yesterday':
      return splitTimestamp(localNow(ctx)).days - 1;
    default: {
      const days = date2j(d.year, d.month, d.day) - UNIX_EPOCH_JDATE;
      if (!isValidDate(days)) throw new FlintError(SqlState.datetimeFieldOverflow, `date out of range: "${text}"`);
      return days;
    }
  }
}

/** PostgreSQL timestamp_in: a zone in the text is ignored. */
export function parseTimestamp(text: string, ctx: EvalContext): bigint {
  const d = decode(text, 'timestamp');
  switch (d.special) {
    case 'epoch':
      return 0n;
    case 'infinity':
      return TIMESTAMP_POS_INFINITY;
    case '-infinity':
      return TIMESTAMP_NEG_INFINITY;
    case 'now':
      return localNow(ctx);
    case 'today':
      return localMidnight(ctx, 0);
    case 'tomorrow':
      return localMidnight(ctx, 1);
    case 'yesterday':
      return localMidnight(ctx, -1);
    default: {
      const ts = localMicros(d);
      if (!isValidTimestamp(ts)) throw new FlintError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
      return ts;
    }
  }
}

/** PostgreSQL timestamptz_in: the text's zone, or else the session zone. */
export function parseTimestamptz(text: string, ctx: EvalContext): bigint {
  const d = decode(text, 'timestamptz');
  switch (d.special) {
    case 'epoch':
      return 0n;
    case 'infinity':
      return TIMESTAMP_POS_INFINITY;
    case '-infinity':
      return TIMESTAMP_NEG_INFINITY;
    case 'now':
      return ctx.transactionTimestamp;
    case 'today':
      return localToUtc(ctx.timeZone, localMidnight(ctx, 0));
    case 'tomorrow':
      return localToUtc(ctx.timeZone, localMidnight(ctx, 1));
    case 'yesterday':
      return localToUtc(ctx.timeZone, localMidnight(ctx, -1));
    default: {
      const local = localMicros(d);
      const tz = d.tz;
      const ts =
        tz === undefined
          ? localToUtc(ctx.timeZone, local)
          : typeof tz === 'number'
            ? local - BigInt(tz) * 1_000_000n
            : localToUtc(tz, local);
      if (!isValidTimestamp(ts)) throw new FlintError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
      return ts;
    }
  }
}
