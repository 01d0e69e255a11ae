// Time zones: the session TimeZone setting and zones named in literals.
//
// A zone answers one question: the UTC offset at an instant. Fixed offsets
// answer it directly; named IANA zones ask Intl.DateTimeFormat (available on
// Node, Bun and Deno), so Flint ships no tz database of its own. Offsets are
// seconds east of Greenwich, the ISO 8601 sign convention.

import { FlintError, SqlState } from '../../errors.ts';
import { UNIX_EPOCH_JDATE, date2j } from './calendar.ts';

export type TimeZone =
  | { readonly kind: 'fixed'; readonly name: string; readonly offsetSeconds: number }
  | { readonly kind: 'named'; readonly name: string; readonly format: Intl.DateTimeFormat };

export const UTC: TimeZone = Object.freeze({ kind: 'fixed', name: 'UTC', offsetSeconds: 0 });

/** A zone at a fixed offset east of UTC, named the way PostgreSQL shows it ("<+05>-05"). */
export function fixedOffsetZone(offsetSeconds: number, name?: string): TimeZone {
  return Object.freeze({ kind: 'fixed', name: name ?? posixName(offsetSeconds), offsetSeconds });
}

function posixName(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'UTC';
  const label = formatOffset(offsetSeconds);
  const posix = formatOffset(-offsetSeconds).replace(/^\+/, '');
  return `<${label}>${posix}`;
}

/** "+05", "-04:56:02": how ISO DateStyle prints a UTC offset. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = sign + String(h).padStart(2, '0');
  if (m !== 0 || s !== 0) text += ':' + String(m).padStart(2, '0');
  if (s !== 0) text += ':' + String(s).padStart(2, '0');
  return text;
}

const UTC_NAMES = new Set(['utc', 'gmt', 'z', 'zulu', 'ut', 'uct', 'universal', 'etc/utc', 'etc/gmt', 'etc/uct', 'etc/universal', 'etc/zulu', 'gmt0', 'gmt+0', 'gmt-0', 'etc/gmt0']);

const namedZones = new Map<string, TimeZone | null>();

/** An IANA zone through Intl, or null when the runtime does not know the name. */
export function namedZone(name: string): TimeZone | null {
  const cached = namedZones.get(name.toLowerCase());
  if (cached !== undefined) return cached;
  let zone: TimeZone | null = null;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = Object.freeze({ kind: 'named', name, format });
  } catch {
    zone = null;
  }
  // Bounded: zone names come from SQL text, so do not let them grow the cache without limit.
  if (namedZones.size > 1000) namedZones.clear();
  namedZones.set(name.toLowerCase(), zone);
  return zone;
}

// "UTC+3", "<+05>-05", "+05:30", "EST5": POSIX zone specs, whose offsets count
// hours WEST of Greenwich (the opposite of ISO 8601). DST rules are not supported.
const POSIX_ZONE = /^(?:[A-Za-z]{3,}|<[+-]?[A-Za-z0-9]+>)?([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/;

/**
 * The zone for a `SET TIME ZONE` / TimeZone setting string, with PostgreSQL's
 * rules: UTC aliases, IANA names, and POSIX specs ('+05:30' and 'UTC+3' are
 * west of Greenwich). Raises 22023 for a name it cannot resolve.
 */
export function resolveTimeZone(setting: string): TimeZone {
  const trimmed = setting.trim();
  if (UTC_NAMES.has(trimmed.toLowerCase())) return trimmed.toUpperCase() === 'UTC' ? UTC : fixedOffsetZone(0, trimmed);
  const posix = POSIX_ZONE.exec(trimmed);
  if (posix !== null) {
    const seconds = Number(posix[2]) * 3600 + Number(posix[3] ?? 0) * 60 + Number(posix[4] ?? 0);
    const west = posix[1] === '-' ? -seconds : seconds;
    return fixedOffsetZone(-west, trimmed);
  }
  const zone = namedZone(trimmed);
  if (zone === null) {
    throw new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "TimeZone": "${setting}"`);
  }
  return zone;
}

// JavaScript Date covers +-8.64e15 ms; beyond it, reuse the offset at the edge.
const JS_DATE_LIMIT_MS = 8.64e15;

// Intl is slow (microseconds per call), so offsets are cached per zone in
// 15-minute buckets: when the offsets at both ends of a bucket agree, no
// transition lies inside it (real zones never change twice in 15 minutes).
const BUCKET_SECONDS = 900;
const BUCKET_CACHE_MAX = 4096;
const bucketCaches = new Map<string, Map<number, number>>();

/** UTC offset in seconds east at a UTC instant (microseconds since 1970). */
export function utcOffsetAt(zone: TimeZone, utcMicros: bigint): number {
  if (zone.kind === 'fixed') return zone.offsetSeconds;
  const seconds = Number(utcMicros / 1_000_000n) - (utcMicros < 0n && utcMicros % 1_000_000n !== 0n ? 1 : 0);
  const bucket = Math.floor(seconds / BUCKET_SECONDS);
  let cache = bucketCaches.get(zone.name);
  if (cache === undefined) {
    if (bucketCaches.size >= 1000) bucketCaches.clear();
    cache = new Map();
    bucketCaches.set(zone.name, cache);
  }
  const cached = cache.get(bucket);
  if (cached !== undefined) return cached;
  const start = offsetAtSecond(zone, bucket * BUCKET_SECONDS);
  const end = offsetAtSecond(zone, bucket * BUCKET_SECONDS + BUCKET_SECONDS - 1);
  if (start !== end) return offsetAtSecond(zone, seconds);
  if (cache.size >= BUCKET_CACHE_MAX) cache.clear();
  cache.set(bucket, start);
  return start;
}

/** The offset Intl reports at a whole UTC second. */
function offsetAtSecond(zone: TimeZone & { kind: 'named' }, utcSeconds: number): number {
  const ms = Math.max(-JS_DATE_LIMIT_MS, Math.min(JS_DATE_LIMIT_MS, utcSeconds * 1000));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of zone.format.formatToParts(new Date(ms))) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC' || part.value === 'B';
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  const localSeconds = (date2j(year, month, day) - UNIX_EPOCH_JDATE) * 86400 + hour * 3600 + minute * 60 + second;
  return localSeconds - ms / 1000;
}

/**
 * The UTC instant of a local wall-clock time in `zone`. Like PostgreSQL, a
 * time skipped by a spring-forward transition takes the offset from before
 * it, and a time repeated by a fall-back transition takes the offset after it.
 */
export function localToUtc(zone: TimeZone, localMicros: bigint): bigint {
  if (zone.kind === 'fixed') return localMicros - BigInt(zone.offsetSeconds) * 1_000_000n;
  const day = 86_400_000_000n;
  const before = utcOffsetAt(zone, localMicros - day);
  const after = utcOffsetAt(zone, localMicros + day);
  const tBefore = localMicros - BigInt(before) * 1_000_000n;
  if (before === after) {
    // No transition within a day either side (or the guess is off by a rare
    // double transition): confirm with the offset at the candidate instant.
    const exact = utcOffsetAt(zone, tBefore);
    return localMicros - BigInt(exact) * 1_000_000n;
  }
  const tAfter = localMicros - BigInt(after) * 1_000_000n;
  const afterValid = utcOffsetAt(zone, tAfter) === after;
  const beforeValid = utcOffsetAt(zone, tBefore) === before;
  if (afterValid) return tAfter;
  if (beforeValid) return tBefore;
  return tBefore;
}

/** Offsets of the common zone abbreviations PostgreSQL's "Default" set knows, in seconds east. */
export const ZONE_ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['utc', 0],
  ['gmt', 0],
  ['ut', 0],
  ['z', 0],
  ['zulu', 0],
  ['wet', 0],
  ['west', 3600],
  ['bst', 3600],
  ['cet', 3600],
  ['cest', 7200],
  ['met', 3600],
  ['mest', 7200],
  ['eet', 7200],
  ['eest', 10800],
  ['ist', 7200],
  ['msk', 10800],
  ['est', -5 * 3600],
  ['edt', -4 * 3600],
  ['cst', -6 * 3600],
  ['cdt', -5 * 3600],
  ['mst', -7 * 3600],
  ['mdt', -6 * 3600],
  ['pst', -8 * 3600],
  ['pdt', -7 * 3600],
  ['akst', -9 * 3600],
  ['akdt', -8 * 3600],
  ['hst', -10 * 3600],
  ['jst', 9 * 3600],
  ['kst', 9 * 3600],
  ['aest', 10 * 3600],
  ['aedt', 11 * 3600],
  ['acst', 9 * 3600 + 1800],
  ['awst', 8 * 3600],
  ['nzst', 12 * 3600],
  ['nzdt', 13 * 3600],
]);
