// Text output of date, timestamp and timestamptz in PostgreSQL's ISO
// DateStyle: '2024-01-02', '2024-01-02 03:04:05.123456', with the session
// zone's offset for timestamptz ('+00', '+05:30', '-04:56:02'), ' BC' for
// years before 1 AD, and 'infinity' / '-infinity'.

import {
  DATE_NEG_INFINITY,
  DATE_POS_INFINITY,
  TIMESTAMP_NEG_INFINITY,
  TIMESTAMP_POS_INFINITY,
  civilFromDays,
  partsFromTimestamp,
  type DateTimeParts,
} from './calendar.ts';
import { formatOffset, utcOffsetAt, type TimeZone } from './timezone.ts';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Year as PostgreSQL prints it: at least 4 digits, BC years counted from 1. */
function yearText(year: number): { text: string; bc: boolean } {
  return year > 0 ? { text: pad(year, 4), bc: false } : { text: pad(1 - year, 4), bc: true };
}

export function formatDate(days: number): string {
  if (days === DATE_POS_INFINITY) return 'infinity';
  if (days === DATE_NEG_INFINITY) return '-infinity';
  const { year, month, day } = civilFromDays(days);
  const y = yearText(year);
  return `${y.text}-${pad(month, 2)}-${pad(day, 2)}${y.bc ? ' BC' : ''}`;
}

/** Seconds with the fraction PostgreSQL shows: up to 6 digits, trailing zeros dropped. */
export function secondsText(second: number, usec: number): string {
  if (usec === 0) return pad(second, 2);
  return `${pad(second, 2)}.${pad(usec, 6).replace(/0+$/, '')}`;
}

function formatParts(p: DateTimeParts, offset: string): string {
  const y = yearText(p.year);
  const time = `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${secondsText(p.second, p.usec)}`;
  return `${y.text}-${pad(p.month, 2)}-${pad(p.day, 2)} ${time}${offset}${y.bc ? ' BC' : ''}`;
}

export function formatTimestamp(ts: bigint): string {
  if (ts === TIMESTAMP_POS_INFINITY) return 'infinity';
  if (ts === TIMESTAMP_NEG_INFINITY) return '-infinity';
  return formatParts(partsFromTimestamp(ts), '');
}

/** A timestamptz shown in `zone`, with that zone's offset at the instant. */
export function formatTimestamptz(ts: bigint, zone: TimeZone): string {
  if (ts === TIMESTAMP_POS_INFINITY) return 'infinity';
  if (ts === TIMESTAMP_NEG_INFINITY) return '-infinity';
  const offset = utcOffsetAt(zone, ts);
  return formatParts(partsFromTimestamp(ts + BigInt(offset) * 1_000_000n), formatOffset(offset));
}
