// The memcomparable payload of a NUMERIC key column (see memcomparable.ts,
// tag 0x60). Input is a decimal's text: what the SQL layer stores for
// NUMERIC (canonical text such as "-12.340"), or "NaN", "Infinity",
// "-Infinity". Equal numbers must get equal keys whatever their scale
// ("1.0" = "1.00" in PostgreSQL), so the value is normalized first: the
// significant digits without leading or trailing zeros, and the exponent E
// with value = 0.d1d2d3... x 10^E.
//
// Payload, ascending form:
//
//   OFFSET  SIZE  DESCRIPTION
//        0     1  class: 0x01 -Infinity, 0x02 negative, 0x03 zero,
//                 0x04 positive, 0x05 +Infinity, 0x06 NaN (PostgreSQL sorts
//                 NaN above every number)
//        1     4  negative and positive only: E + 2^31, big-endian
//        5     n  digit pairs: (d1 * 10 + d2) + 1 in a byte (1..100); an odd
//                 last digit is paired with 0. Then the terminator 0x00.
//
// For a negative number every byte after the class (exponent, digits,
// terminator) is inverted, so a larger magnitude sorts lower. A shorter digit
// string sorts before its extensions through the terminator (0.1 < 0.101);
// digit strings never end in 0, so the pairing is unambiguous. A descending
// column inverts the whole payload, as for every other type.

import { FlintError, SqlState } from '../errors.ts';

const CLASS_NEG_INF = 0x01;
const CLASS_NEGATIVE = 0x02;
const CLASS_ZERO = 0x03;
const CLASS_POSITIVE = 0x04;
const CLASS_POS_INF = 0x05;
const CLASS_NAN = 0x06;
const EXPONENT_BIAS = 2 ** 31;

interface Normalized {
  cls: number;
  exponent: number;
  digits: string;
}

// The size pass and the write pass see the same string one after the other:
// parse once.
let lastText = '';
let last: Normalized = { cls: CLASS_ZERO, exponent: 0, digits: '' };

const NUMBER_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function normalize(text: string): Normalized {
  if (text === lastText) return last;
  let result: Normalized;
  if (text === 'NaN') result = { cls: CLASS_NAN, exponent: 0, digits: '' };
  else if (text === 'Infinity') result = { cls: CLASS_POS_INF, exponent: 0, digits: '' };
  else if (text === '-Infinity') result = { cls: CLASS_NEG_INF, exponent: 0, digits: '' };
  else {
    const m = NUMBER_PATTERN.exec(text);
    if (m === null || (m[2] === '' && (m[3] ?? '') === '')) {
      throw new FlintError(SqlState.invalidParameterValue, `numeric key: "${text}" is not a decimal number`);
    }
    const intPart = m[2]!;
    const fracPart = m[3] ?? '';
    const all = intPart + fracPart;
    let first = 0;
    while (first < all.length && all.charCodeAt(first) === 48) first++;
    let end = all.length;
    while (end > first && all.charCodeAt(end - 1) === 48) end--;
    if (first === end) {
      result = { cls: CLASS_ZERO, exponent: 0, digits: '' };
    } else {
      const exponent = intPart.length - first + (m[4] === undefined ? 0 : Number(m[4]));
      if (!Number.isSafeInteger(exponent) || exponent < -EXPONENT_BIAS || exponent >= EXPONENT_BIAS) {
        throw new FlintError(SqlState.numericValueOutOfRange, `numeric key: exponent of "${text}" is out of range`);
      }
      result = { cls: m[1] === '-' ? CLASS_NEGATIVE : CLASS_POSITIVE, exponent, digits: all.slice(first, end) };
    }
  }
  lastText = text;
  last = result;
  return result;
}

/** Bytes of the payload (after the tag) for a decimal's text. Validates it. */
export function numericKeySize(text: string): number {
  const n = normalize(text);
  if (n.cls !== CLASS_NEGATIVE && n.cls !== CLASS_POSITIVE) return 1;
  return 1 + 4 + ((n.digits.length + 1) >>> 1) + 1;
}

/** Write the payload at out[pos] with every byte XOR mask; returns the end. */
export function writeNumericKey(text: string, out: Uint8Array, pos: number, mask: number): number {
  const n = normalize(text);
  out[pos++] = n.cls ^ mask;
  if (n.cls !== CLASS_NEGATIVE && n.cls !== CLASS_POSITIVE) return pos;
  const m = n.cls === CLASS_NEGATIVE ? mask ^ 0xff : mask;
  const e = n.exponent + EXPONENT_BIAS;
  out[pos++] = ((e / 0x1000000) & 0xff) ^ m;
  out[pos++] = ((e >>> 16) & 0xff) ^ m;
  out[pos++] = ((e >>> 8) & 0xff) ^ m;
  out[pos++] = (e & 0xff) ^ m;
  const d = n.digits;
  for (let i = 0; i < d.length; i += 2) {
    const hi = d.charCodeAt(i) - 48;
    const lo = i + 1 < d.length ? d.charCodeAt(i + 1) - 48 : 0;
    out[pos++] = (hi * 10 + lo + 1) ^ m;
  }
  out[pos++] = 0 ^ m;
  return pos;
}

/**
 * Read a payload written by writeNumericKey at bytes[pos, end). Returns the
 * normalized text (scale is not kept: "1.50" reads back as "1.5") and the
 * end, or a string describing why the bytes are not a numeric payload.
 */
export function readNumericKey(bytes: Uint8Array, pos: number, end: number, mask: number): { text: string; end: number } | string {
  if (pos >= end) return 'the key ends before the numeric class byte';
  const cls = bytes[pos++]! ^ mask;
  switch (cls) {
    case CLASS_NEG_INF:
      return { text: '-Infinity', end: pos };
    case CLASS_ZERO:
      return { text: '0', end: pos };
    case CLASS_POS_INF:
      return { text: 'Infinity', end: pos };
    case CLASS_NAN:
      return { text: 'NaN', end: pos };
    case CLASS_NEGATIVE:
    case CLASS_POSITIVE:
      break;
    default:
      return `numeric class byte 0x${cls.toString(16)}`;
  }
  const m = cls === CLASS_NEGATIVE ? mask ^ 0xff : mask;
  if (end - pos < 5) return 'numeric exponent runs past the key';
  const e = ((bytes[pos]! ^ m) * 0x1000000 + (((bytes[pos + 1]! ^ m) << 16) | ((bytes[pos + 2]! ^ m) << 8) | (bytes[pos + 3]! ^ m))) - EXPONENT_BIAS;
  pos += 4;
  let digits = '';
  for (;;) {
    if (pos >= end) return 'numeric digits have no terminator';
    const b = bytes[pos++]! ^ m;
    if (b === 0) break;
    if (b > 100) return `numeric digit pair byte ${b}`;
    const pair = b - 1;
    digits += String.fromCharCode(48 + Math.floor(pair / 10), 48 + (pair % 10));
  }
  if (digits.endsWith('0')) digits = digits.slice(0, -1);
  if (digits === '' || digits.startsWith('0') || digits.endsWith('0')) return 'numeric digits are not normalized';
  return { text: (cls === CLASS_NEGATIVE ? '-' : '') + placePoint(digits, e), end: pos };
}

/** 0.digits x 10^e as plain decimal text. */
function placePoint(digits: string, e: number): string {
  if (e <= 0) return `0.${'0'.repeat(-e)}${digits}`;
  if (e >= digits.length) return digits + '0'.repeat(e - digits.length);
  return `${digits.slice(0, e)}.${digits.slice(e)}`;
}
