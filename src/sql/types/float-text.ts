// Text input and output of float4 (real) and float8 (double precision).
//
// Output follows PostgreSQL 12+ with extra_float_digits = 1 (the default):
// the shortest decimal that reads back as the same float, printed like %g
// does: plain notation when the decimal exponent is in [-4, 15) for float8
// or [-4, 6) for float4, otherwise d.ddde+XX with at least two exponent digits.
// Input follows float8in/float4in: strtod syntax (decimal or hex), NaN and
// the infinities in any case, and an error rather than a silent overflow or
// underflow to zero.

import { FlintError, SqlState } from '../../errors.ts';
import { trimCSpace } from './text-util.ts';

/** Shortest round-trip digits and the decimal exponent of the first digit, for a finite nonzero |x|. */
function shortestDigits(x: number, float4: boolean): { digits: string; exponent: number } {
  if (!float4) {
    // Number.prototype.toExponential() without an argument gives the
    // shortest digits that round-trip, picking the closest on ties: the
    // same digits as the Ryu algorithm PostgreSQL uses.
    const text = Math.abs(x).toExponential();
    const e = text.indexOf('e');
    return { digits: text.slice(0, e).replace('.', ''), exponent: Number(text.slice(e + 1)) };
  }
  const abs = Math.abs(x);
  for (let p = 1; p <= 9; p++) {
    const found = float4Candidate(abs, p);
    if (found !== undefined) return found;
  }
  // Nine significant digits always identify a float4.
  const text = abs.toExponential(8);
  const e = text.indexOf('e');
  return { digits: text.slice(0, e).replace('.', '').replace(/0+$/, '') || '0', exponent: Number(text.slice(e + 1)) };
}

/**
 * A p-digit decimal that reads back as the float4 `abs`: the nearest one, or
 * a neighbour when the nearest falls outside the narrower half of the
 * rounding interval (which happens just above a power of two).
 */
function float4Candidate(abs: number, p: number): { digits: string; exponent: number } | undefined {
  const text = abs.toExponential(p - 1);
  const e = text.indexOf('e');
  const exponent = Number(text.slice(e + 1));
  const mantissa = BigInt(text.slice(0, e).replace('.', ''));
  let best: { digits: string; exponent: number } | undefined;
  let bestDistance = Infinity;
  for (const delta of [0n, -1n, 1n]) {
    const m = mantissa + delta;
    if (m <= 0n) continue;
    let digits = m.toString();
    let exp = exponent;
    if (digits.length > p) {
      digits = digits.slice(0, p);
      exp++;
    }
    const value = Number(`${digits[0]}.${digits.slice(1)}e${exp}`);
    if (Math.fround(value) !== abs) continue;
    const distance = Math.abs(value - abs);
    if (distance < bestDistance) {
      best = { digits: digits.replace(/0+$/, '') || '0', exponent: exp };
      bestDistance = distance;
    }
    if (delta === 0n) break; // the nearest candidate round-trips: take it
  }
  return best;
}

function formatFloat(x: number, float4: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { digits, exponent } = shortestDigits(x, float4);
  const sign = x < 0 ? '-' : '';
  const plainLimit = float4 ? 6 : 15;
  if (exponent >= -4 && exponent < plainLimit) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return sign + digits + '0'.repeat(exponent + 1 - digits.length);
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exponent < 0 ? '-' : '+';
  const expDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${mantissa}e${expSign}${expDigits}`;
}

/** PostgreSQL float8out. */
export function formatFloat8(x: number): string {
  return formatFloat(x, false);
}

/** PostgreSQL float4out; `x` must already be a float32 value. */
export function formatFloat4(x: number): string {
  return formatFloat(x, true);
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

const SPECIAL_FLOATS = new Map<string, number>([
  ['nan', NaN],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
]);

function parseHexFloat(m: RegExpExecArray): number {
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart.length + fracPart.length === 0) return NaN;
  let value = 0;
  for (const c of intPart) value = value * 16 + parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of fracPart) {
    value += parseInt(c, 16) * scale;
    scale /= 16;
  }
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  const result = value * 2 ** exp;
  return m[1] === '-' ? -result : result;
}

/** True when a decimal or hex float literal has a nonzero digit in its mantissa. */
function hasNonzeroMantissa(text: string): boolean {
  const mantissa = text.replace(/^[+-]?(0[xX])?/, '').split(/[eEpP]/)[0] ?? '';
  return /[1-9a-fA-F]/.test(mantissa);
}

function parseFloatText(text: string, typeName: string, float4: boolean): number {
  const trimmed = trimCSpace(text);
  const special = SPECIAL_FLOATS.get(trimmed.toLowerCase());
  if (special !== undefined) return special;
  let value: number;
  if (DECIMAL_FLOAT.test(trimmed)) {
    value = Number(trimmed);
  } else {
    const hex = HEX_FLOAT.exec(trimmed);
    value = hex === null ? NaN : parseHexFloat(hex);
    if (Number.isNaN(value)) {
      throw new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeName}: "${text}"`);
    }
  }
  if (float4) value = Math.fround(value);
  if (!Number.isFinite(value) || (value === 0 && hasNonzeroMantissa(trimmed))) {
    throw new FlintError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type ${typeName}`);
  }
  return value;
}

/** PostgreSQL float8in. */
export function parseFloat8(text: string): number {
  return parseFloatText(text, 'double precision', false);
}

/** PostgreSQL float4in: the result is a float32 value. */
export function parseFloat4(text: string): number {
  return parseFloatText(text, 'real', true);
}
