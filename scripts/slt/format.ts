// Rendering, sorting and hashing of query results, as the reference harness
// (SQLite's sqllogictest over the SQLite C API) does it:
//
//   NULL  → "NULL", whatever the column type
//   I     → "%d" of sqlite3_column_int(): reals truncate toward zero and
//           saturate at the int64 range, text takes its leading integer
//           prefix (or 0), and the int64 is then cut to its low 32 bits
//   R     → "%.3f" of sqlite3_column_double(): exact decimal expansion of
//           the double, rounded half to even (glibc printf), "-0.000" for -0
//   T     → the text; "" → "(empty)"; every UTF-8 byte outside 0x20–0x7E
//           → "@" (the harness scans bytes, so "é" becomes "@@")
//
// Booleans are rendered as the integers 1 and 0: SQLite, which produced the
// expected values, has no boolean type.

import { Md5 } from './md5.ts';
import type { SltValue } from './engine.ts';
import type { SortMode } from './parser.ts';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const TWO_POW_63 = 2 ** 63;

function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** sqlite3_column_int() of a bigint: saturate to int64, keep the low 32 bits. */
function bigintToInt32(v: bigint): number {
  const clamped = v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v;
  return Number(BigInt.asIntN(32, clamped));
}

/** sqlite3_column_int() of a double (SQLite's doubleToInt64, then a C cast to int). */
export function realToInt32(r: number): number {
  if (Number.isNaN(r)) return 0; // (i64)NaN is INT64_MIN on x86-64: low 32 bits 0
  if (r >= TWO_POW_63) return -1; // INT64_MAX: low 32 bits all ones
  if (r <= -TWO_POW_63) return 0; // INT64_MIN: low 32 bits 0
  return r | 0; // ToInt32 truncates toward zero and wraps modulo 2^32, like (int)(i64)r
}

/** sqlite3_column_int() of text: sqlite3Atoi64 on the leading integer prefix. */
export function textToInt32(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isSpaceCode(s.charCodeAt(i))) i++;
  let negative = false;
  if (s[i] === '-') {
    negative = true;
    i++;
  } else if (s[i] === '+') {
    i++;
  }
  while (s[i] === '0') i++;
  const start = i;
  while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  const digits = i - start;
  if (digits === 0) return 0;
  if (digits <= 15) {
    const v = Number(s.slice(start, i));
    return (negative ? -v : v) | 0;
  }
  const v = BigInt(s.slice(start, i));
  return bigintToInt32(negative ? -v : v);
}

const REAL_PREFIX = /^[ \t\n\v\f\r]*([+-]?)((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)?/;

/**
 * sqlite3_column_double() of text: sqlite3AtoF on the leading numeric
 * prefix, or 0. A sign with no digits after it still counts: "-x" is -0.0.
 */
export function textToReal(s: string): number {
  const match = REAL_PREFIX.exec(s)!; // every part is optional: always matches
  const magnitude = match[2] === undefined ? 0 : Number(match[2]);
  return match[1] === '-' ? -magnitude : magnitude;
}

/**
 * C printf("%.3f", x) with glibc's rounding: the exact binary value of `x`
 * rounded to 3 decimals, ties to even, and the sign kept for -0 and for
 * negatives that round to zero ("-0.000").
 *
 * Number.prototype.toFixed is also exact, but it breaks ties away from zero
 * and prints -0 as "0.000". A double is an exact tie at 3 decimals only if
 * x = k/16 with k odd (x*2000 odd and x dyadic force 125 | x*2000), so ties
 * are found by testing x*16, which is exact.
 */
export function formatReal3(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.000' : '0.000';
  const magnitude = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  if (magnitude >= 1e21) {
    // toFixed switches to exponent notation here; such doubles are integers.
    return `${sign}${BigInt(magnitude).toString()}.000`;
  }
  const sixteenths = magnitude * 16;
  if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
    // Exact tie. Split off the fraction (exact for doubles) so that the
    // product stays small and exact: frac * 1000 = n + 0.5.
    let whole = Math.floor(magnitude);
    let thousandths = Math.floor((magnitude - whole) * 1000);
    if (thousandths % 2 === 1) thousandths += 1;
    if (thousandths === 1000) {
      whole += 1;
      thousandths = 0;
    }
    return `${sign}${whole}.${String(thousandths).padStart(3, '0')}`;
  }
  return sign + magnitude.toFixed(3);
}

/**
 * SQLite's text for a REAL ("%!.15g"): 15 significant digits, trailing zeros
 * dropped but at least one digit after the point, exponent when it is below
 * -4 or at least 15.
 */
export function realToSqliteText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential(14).split('e') as [string, string];
  const exponent = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 15) {
    const frac = digits.length > 1 ? digits.slice(1) : '0';
    const e = Math.abs(exponent);
    return `${sign}${digits[0]}.${frac}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${frac}`;
}

/**
 * sqlite3_column_text() of a number. A JS number does not say whether it was
 * an INTEGER or a REAL, so integral values up to 2^53 print as integers
 * (SQLite prints a REAL 100 as "100.0"); other doubles print as SQLite prints
 * a REAL, except that SQLite's own digit generation is not correctly rounded
 * in the 15th digit and this is. T columns holding numbers are rare: none in
 * the visible corpus.
 */
function numberToText(x: number): string {
  if (Number.isSafeInteger(x)) return String(x);
  return realToSqliteText(x);
}

/** Replaces every UTF-8 byte outside 0x20–0x7E with "@"; "" → "(empty)". */
export function renderText(s: string): string {
  if (s.length === 0) return '(empty)';
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) out += s[i];
    else if (c < 0x80) out += '@';
    else if (c < 0x800) out += '@@';
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += '@@@@'; // a surrogate pair is one 4-byte UTF-8 sequence
      i++;
    } else out += '@@@';
  }
  return out;
}

export function renderInteger(value: Exclude<SltValue, null>): string {
  switch (typeof value) {
    case 'number':
      return String(realToInt32(value));
    case 'bigint':
      return String(bigintToInt32(value));
    case 'boolean':
      return value ? '1' : '0';
    case 'string':
      return String(textToInt32(value));
  }
}

export function renderReal(value: Exclude<SltValue, null>): string {
  switch (typeof value) {
    case 'number':
      return formatReal3(value);
    case 'bigint':
      return formatReal3(Number(value)); // rounds to nearest, ties to even, like (double)i64
    case 'boolean':
      return value ? '1.000' : '0.000';
    case 'string':
      return formatReal3(textToReal(value));
  }
}

export function renderTextValue(value: Exclude<SltValue, null>): string {
  switch (typeof value) {
    case 'number':
      return renderText(numberToText(value));
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'string':
      return renderText(value);
  }
}

/** Renders one value for a column of type `type` (I, T or R). */
export function renderValue(value: SltValue, type: string): string {
  if (value === null) return 'NULL';
  if (type === 'I') return renderInteger(value);
  if (type === 'R') return renderReal(value);
  return renderTextValue(value);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts rendered values (row-major, `columns` per row) as the sort mode
 * says, comparing like strcmp (UTF-16 code units; rendered values are ASCII).
 * Returns a new array for rowsort, sorts in place otherwise.
 */
export function sortValues(values: string[], columns: number, mode: SortMode): string[] {
  if (mode === 'valuesort') return values.sort(compareStrings);
  if (mode === 'nosort' || columns <= 0) return values;
  if (columns === 1) return values.sort(compareStrings);
  const rows: string[][] = [];
  for (let i = 0; i < values.length; i += columns) rows.push(values.slice(i, i + columns));
  rows.sort((a, b) => {
    for (let c = 0; c < columns; c++) {
      const d = compareStrings(a[c]!, b[c]!);
      if (d !== 0) return d;
    }
    return 0;
  });
  const out: string[] = new Array<string>(values.length);
  let k = 0;
  for (const row of rows) for (const v of row) out[k++] = v;
  return out;
}

const hasher = new Md5();

/** MD5 over every value followed by "\n", as lowercase hex. */
export function hashValues(values: readonly string[]): string {
  for (const v of values) hasher.update(v).update('\n');
  return hasher.digestHex();
}

/** The expected-block line for a hashed result. */
export function hashLine(count: number, md5: string): string {
  return `${count} values hashing to ${md5}`;
}

const HASH_LINE = /^(\d+) values hashing to ([0-9a-f]{32})$/;

/** Parses `N values hashing to MD5`, or returns undefined. */
export function parseHashLine(line: string): { count: number; md5: string } | undefined {
  const match = HASH_LINE.exec(line);
  return match === null ? undefined : { count: Number(match[1]), md5: match[2]! };
}
