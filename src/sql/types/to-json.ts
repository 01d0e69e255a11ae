// to_jsonb(): a value of any type as a jsonb value, as PostgreSQL's
// datum_to_jsonb does: numbers stay numbers (except NaN and the infinities,
// which become strings), booleans stay booleans, date/time values become
// ISO 8601 strings with a 'T' ("2024-01-02T03:04:05", timestamptz with a
// "+00:00" offset in the session zone), and everything else its text output.

import type { Interval, JsonValue, SqlType } from './sql-type.ts';
import type { Value } from './type-info.ts';
import type { Decimal } from './decimal.ts';
import { formatText } from './text-io.ts';
import { formatDate, secondsText } from './datetime-format.ts';
import { partsFromTimestamp, isTimestampFinite, type DateTimeParts } from './calendar.ts';
import { utcOffsetAt } from './timezone.ts';
import type { EvalContext } from './eval-context.ts';
import { formatInterval } from './interval.ts';
import { fromJsonb } from './json.ts';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function xsdDateTime(p: DateTimeParts, offset: string): string {
  const bc = p.year <= 0;
  const year = bc ? 1 - p.year : p.year;
  return `${pad(year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${secondsText(p.second, p.usec)}${offset}${bc ? ' BC' : ''}`;
}

/** "+05:30", "+00:00": XSD offsets always carry minutes. */
function xsdOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  let text = `${sign}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}`;
  if (abs % 60 !== 0) text += ':' + pad(abs % 60, 2);
  return text;
}

function numberOrString(x: number): JsonValue {
  return Number.isFinite(x) ? x : formatText(x, { id: 'float8' });
}

/** PostgreSQL to_jsonb for a non-null value of `type`. */
export function toJsonValue(value: Value, type: SqlType, ctx: EvalContext): JsonValue {
  switch (type.id) {
    case 'bool':
      return value as boolean;
    case 'int2':
    case 'int4':
    case 'float4':
    case 'float8':
      return numberOrString(value as number);
    case 'int8':
      return Number(value as bigint);
    case 'numeric': {
      const d = value as Decimal;
      return d.isFinite() ? d.toNumber() : d.toString();
    }
    case 'jsonb':
      return fromJsonb(value);
    case 'date':
      return formatDate(value as number);
    case 'timestamp': {
      const ts = value as bigint;
      if (!isTimestampFinite(ts)) return formatText(ts, type);
      return xsdDateTime(partsFromTimestamp(ts), '');
    }
    case 'timestamptz': {
      const ts = value as bigint;
      if (!isTimestampFinite(ts)) return formatText(ts, type);
      const offset = utcOffsetAt(ctx.timeZone, ts);
      return xsdDateTime(partsFromTimestamp(ts + BigInt(offset) * 1_000_000n), xsdOffset(offset));
    }
    case 'interval':
      return formatInterval(value as Interval);
    default:
      return formatText(value, type, ctx);
  }
}
