// Type modifiers: varchar(n), char(n) and numeric(p,s) applied to a value.
//
// PostgreSQL treats over-long strings differently by context: an explicit
// cast ('abcdef'::varchar(3)) truncates silently, while assignment (INSERT,
// UPDATE) raises 22001 unless everything past the limit is spaces. char(n)
// then pads with spaces to n. Lengths count characters (code points).

import { FlintError, SqlState } from '../../errors.ts';
import type { SqlType } from './sql-type.ts';
import { applyTypmod as applyNumericTypmod, type Decimal } from './decimal.ts';
import type { RuntimeValue } from './type-info.ts';
import { codePointLength } from './text-util.ts';

/** The first `n` characters of `s` (code points, not UTF-16 units). */
export function takeCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  let units = 0;
  for (let count = 0; count < n && units < s.length; count++) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, units);
}

function limitLength(s: string, max: number, explicit: boolean, typeText: string): string {
  if (s.length <= max || codePointLength(s) <= max) return s;
  const kept = takeCodePoints(s, max);
  if (!explicit && /[^ ]/.test(s.slice(kept.length))) {
    throw new FlintError(SqlState.stringDataRightTruncation, `value too long for type ${typeText}(${max})`);
  }
  return kept;
}

/** char(n) padding: PostgreSQL pads with spaces to exactly n characters. */
function padBpchar(s: string, n: number): string {
  const len = codePointLength(s);
  return len >= n ? s : s + ' '.repeat(n - len);
}

/**
 * Coerces a non-null value of `type`'s base type to its modifier.
 * `explicit` is true for CAST / ::, false for assignment and implicit coercion.
 */
export function applyTypeModifier(value: RuntimeValue, type: SqlType, explicit: boolean): RuntimeValue {
  if (value === null || type.length === undefined || type.length < 0) return value;
  switch (type.id) {
    case 'varchar':
      return limitLength(value as string, type.length, explicit, 'character varying');
    case 'bpchar':
      return padBpchar(limitLength(value as string, type.length, explicit, 'character'), type.length);
    case 'numeric':
      return applyNumericTypmod(value as Decimal, type.length, type.scale ?? 0);
    default:
      return value;
  }
}
