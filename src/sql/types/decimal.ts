// Exact decimal numbers: the runtime value of SQL numeric.
//
// A finite Decimal is coef * 10^-scale with a bigint coefficient and a scale
// >= 0. The scale is PostgreSQL's "display scale" (dscale): numeric keeps the
// number of fractional digits it was written or computed with, so 1.50 and
// 1.5 are equal but print differently. Like PostgreSQL 15, numeric also has
// NaN, Infinity and -Infinity; NaN equals itself and sorts above everything.
//
// The result scales follow PostgreSQL's numeric.c: add/sub keep the larger
// scale, mul adds scales, div picks select_div_scale()'s scale (at least 16
// significant digits), and rounding is half away from zero.

import { FlintError, SqlState } from '../../errors.ts';

/** 0 finite, 1 NaN, 2 +Infinity, 3 -Infinity. */
type Kind = 0 | 1 | 2 | 3;
const FINITE = 0;
const NAN = 1;
const PINF = 2;
const NINF = 3;

/** PostgreSQL's NUMERIC_MIN_SIG_DIGITS: inexact results get at least this many significant digits. */
export const NUMERIC_MIN_SIG_DIGITS = 16;
/** NUMERIC_MAX_DISPLAY_SCALE: the largest scale an inexact result is computed to. */
export const NUMERIC_MAX_DISPLAY_SCALE = 1000;
/** NUMERIC_DSCALE_MAX: the largest scale a numeric can carry. */
export const NUMERIC_DSCALE_MAX = 16383;
/** Decimal digits before the point a numeric can hold (weight 32767 in base 10000). */
export const NUMERIC_MAX_INTEGER_DIGITS = 131072;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);

/** 10^n as a bigint, cached for the small exponents that arithmetic uses constantly. */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** num / den rounded half away from zero (den != 0). */
export function divRoundHalfAway(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  if (2n * absBig(r) >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

// Coefficients below this bound cannot reach the integer-digit limit at any
// legal scale, so the exact check (which formats the number) is skipped.
const RANGE_CHECK_BOUND = pow10(NUMERIC_MAX_INTEGER_DIGITS - 1);

function overflow(): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

function badInput(text: string): FlintError {
  return new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
}

function isSpace(c: number): boolean {
  // isspace() in the C locale: space, \t, \n, \v, \f, \r.
  return c === 32 || (c >= 9 && c <= 13);
}

export class Decimal {
  /** Coefficient; the value is coef * 10^-scale. 0n for the special values. */
  readonly coef: bigint;
  /** Display scale: digits after the decimal point (>= 0). */
  readonly scale: number;
  readonly kind: Kind;

  private constructor(coef: bigint, scale: number, kind: Kind) {
    this.coef = coef;
    this.scale = scale;
    this.kind = kind;
  }

  static readonly NaN = new Decimal(0n, 0, NAN);
  static readonly Infinity = new Decimal(0n, 0, PINF);
  static readonly NegativeInfinity = new Decimal(0n, 0, NINF);
  static readonly ZERO = new Decimal(0n, 0, FINITE);
  static readonly ONE = new Decimal(1n, 0, FINITE);

  /** A finite value coef * 10^-scale; checks PostgreSQL's size limits. */
  static of(coef: bigint, scale = 0): Decimal {
    if (scale < 0) {
      coef *= pow10(-scale);
      scale = 0;
    }
    if (scale > NUMERIC_DSCALE_MAX) throw overflow();
    if (absBig(coef) >= RANGE_CHECK_BOUND) {
      const digits = absBig(coef).toString().length;
      if (digits - scale > NUMERIC_MAX_INTEGER_DIGITS) throw overflow();
    }
    return new Decimal(coef, scale, FINITE);
  }

  static fromBigInt(value: bigint): Decimal {
    return Decimal.of(value, 0);
  }

  /** An integer-valued JavaScript number (int2/int4 values). */
  static fromInt(value: number): Decimal {
    return new Decimal(BigInt(value), 0, FINITE);
  }

  /**
   * A float as PostgreSQL's float8_numeric/float4_numeric convert it: printed
   * with %.15g (float8, DBL_DIG) or %.6g (float4, FLT_DIG) and parsed back, so
   * 0.1::float8::numeric is 0.1 and (0.1+0.2)::float8::numeric is 0.3.
   */
  static fromNumber(value: number, significantDigits = 15): Decimal {
    if (Number.isNaN(value)) return Decimal.NaN;
    if (value === Infinity) return Decimal.Infinity;
    if (value === -Infinity) return Decimal.NegativeInfinity;
    const text = value.toPrecision(significantDigits);
    // %g drops trailing zeros of the mantissa; toPrecision keeps them.
    const e = text.indexOf('e');
    const mantissa = e < 0 ? text : text.slice(0, e);
    const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    return Decimal.parse(e < 0 ? trimmed : trimmed + text.slice(e));
  }

  /** PostgreSQL numeric_in: [space] [sign] digits [. digits] [e [sign] digits] [space], NaN, [+-]Infinity, [+-]inf. */
  static parse(text: string): Decimal {
    const n = text.length;
    let i = 0;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    let end = n;
    while (end > i && isSpace(text.charCodeAt(end - 1))) end--;
    const body = text.slice(i, end);
    const special = SPECIALS.get(body.toLowerCase());
    if (special !== undefined) return special;

    let pos = 0;
    let negative = false;
    const first = body.charCodeAt(0);
    if (first === 43 /* + */ || first === 45 /* - */) {
      negative = first === 45;
      pos = 1;
    }
    let fractionDigits = 0;
    let seenPoint = false;
    let digitCount = 0;
    const digitsStart = pos;
    for (; pos < body.length; pos++) {
      const c = body.charCodeAt(pos);
      if (c >= 48 && c <= 57) {
        digitCount++;
        if (seenPoint) fractionDigits++;
      } else if (c === 46 /* . */ && !seenPoint) {
        seenPoint = true;
      } else {
        break;
      }
    }
    if (digitCount === 0) throw badInput(text);
    const digits = body.slice(digitsStart, pos).replace('.', '');
    let exponent = 0;
    if (pos < body.length && (body.charCodeAt(pos) | 0x20) === 101 /* e */) {
      pos++;
      let expNegative = false;
      const s = body.charCodeAt(pos);
      if (s === 43 || s === 45) {
        expNegative = s === 45;
        pos++;
      }
      const expStart = pos;
      while (pos < body.length && body.charCodeAt(pos) >= 48 && body.charCodeAt(pos) <= 57) pos++;
      if (pos === expStart) throw badInput(text);
      const expText = body.slice(expStart, pos);
      // Anything this long is far past the limits; avoid parsing it into a float.
      if (expText.length > 9) throw overflow();
      exponent = expNegative ? -Number(expText) : Number(expText);
    }
    if (pos !== body.length) throw badInput(text);
    const scale = Math.max(0, fractionDigits - exponent);
    if (scale > NUMERIC_DSCALE_MAX) throw overflow();
    const coef = BigInt(digits);
    if (coef === 0n) return new Decimal(0n, scale, FINITE);
    // Digits before the point once the exponent is applied; checked before
    // scaling so that '1e999999999' fails fast instead of building 10^999999999.
    const significant = coef.toString().length;
    if (significant - fractionDigits + exponent > NUMERIC_MAX_INTEGER_DIGITS) throw overflow();
    // Shift the coefficient so that coef * 10^-scale is the written value.
    const shift = scale - (fractionDigits - exponent);
    const scaled = shift > 0 ? coef * pow10(shift) : coef;
    return Decimal.of(negative ? -scaled : scaled, scale);
  }

  isNaN(): boolean {
    return this.kind === NAN;
  }

  isFinite(): boolean {
    return this.kind === FINITE;
  }

  isInfinite(): boolean {
    return this.kind === PINF || this.kind === NINF;
  }

  /** -1, 0 or 1; NaN gives NaN. */
  sign(): number {
    switch (this.kind) {
      case NAN:
        return NaN;
      case PINF:
        return 1;
      case NINF:
        return -1;
      default:
        return this.coef > 0n ? 1 : this.coef < 0n ? -1 : 0;
    }
  }

  isZero(): boolean {
    return this.kind === FINITE && this.coef === 0n;
  }

  /** True when finite with no nonzero fractional digits. */
  isInteger(): boolean {
    return this.kind === FINITE && (this.scale === 0 || this.coef % pow10(this.scale) === 0n);
  }

  /** PostgreSQL numeric_out: plain digits, never an exponent, exactly `scale` fractional digits. */
  toString(): string {
    if (this.kind !== FINITE) return this.kind === NAN ? 'NaN' : this.kind === PINF ? 'Infinity' : '-Infinity';
    const negative = this.coef < 0n;
    let digits = absBig(this.coef).toString();
    if (this.scale > 0) {
      if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
      const point = digits.length - this.scale;
      digits = digits.slice(0, point) + '.' + digits.slice(point);
    }
    return negative ? '-' + digits : digits;
  }

  /** The float8 nearest to the value (PostgreSQL converts through text too, so this is correctly rounded). */
  toNumber(): number {
    switch (this.kind) {
      case NAN:
        return NaN;
      case PINF:
        return Infinity;
      case NINF:
        return -Infinity;
      default:
        if (this.scale === 0 && absBig(this.coef) <= 9007199254740991n) return Number(this.coef);
        return Number(this.toString());
    }
  }

  /**
   * The value rounded half away from zero to an integer. NaN and infinities
   * raise 0A000 like PostgreSQL's numeric-to-integer casts; `typeName` names
   * the target in that message.
   */
  toBigInt(typeName = 'bigint'): bigint {
    if (this.kind === NAN) throw new FlintError(SqlState.featureNotSupported, `cannot convert NaN to ${typeName}`);
    if (this.kind !== FINITE) throw new FlintError(SqlState.featureNotSupported, `cannot convert infinity to ${typeName}`);
    if (this.scale === 0) return this.coef;
    return divRoundHalfAway(this.coef, pow10(this.scale));
  }

  /** This value's coefficient at a larger scale (scale >= this.scale). */
  private coefAt(scale: number): bigint {
    return scale === this.scale ? this.coef : this.coef * pow10(scale - this.scale);
  }

  add(other: Decimal): Decimal {
    if (this.kind !== FINITE || other.kind !== FINITE) return addSpecial(this, other);
    const scale = Math.max(this.scale, other.scale);
    return Decimal.of(this.coefAt(scale) + other.coefAt(scale), scale);
  }

  sub(other: Decimal): Decimal {
    return this.add(other.neg());
  }

  mul(other: Decimal): Decimal {
    if (this.kind !== FINITE || other.kind !== FINITE) return mulSpecial(this, other);
    const scale = this.scale + other.scale;
    if (scale > NUMERIC_DSCALE_MAX) {
      // PostgreSQL caps the product's scale rather than failing.
      return Decimal.of(divRoundHalfAway(this.coef * other.coef, pow10(scale - NUMERIC_DSCALE_MAX)), NUMERIC_DSCALE_MAX);
    }
    return Decimal.of(this.coef * other.coef, scale);
  }

  /** Division at PostgreSQL's select_div_scale() scale, or at `scale` when given. */
  div(other: Decimal, scale?: number): Decimal {
    if (this.kind !== FINITE || other.kind !== FINITE) return divSpecial(this, other);
    if (other.coef === 0n) throw new FlintError(SqlState.divisionByZero, 'division by zero');
    const rscale = scale ?? selectDivScale(this, other);
    return Decimal.of(quotient(this, other, rscale), rscale);
  }

  /** Truncated integer quotient (PostgreSQL div()): sign of the result follows ordinary division. */
  divTrunc(other: Decimal): Decimal {
    if (this.kind !== FINITE || other.kind !== FINITE) return divSpecial(this, other).trunc(0);
    if (other.coef === 0n) throw new FlintError(SqlState.divisionByZero, 'division by zero');
    const scale = Math.max(this.scale, other.scale);
    return Decimal.of(this.coefAt(scale) / other.coefAt(scale), 0);
  }

  /** Remainder with the dividend's sign, at the larger of the two scales (PostgreSQL mod_var). */
  mod(other: Decimal): Decimal {
    if (this.kind === NAN || other.kind === NAN) return Decimal.NaN;
    if (this.kind !== FINITE) {
      if (other.isZero()) throw new FlintError(SqlState.divisionByZero, 'division by zero');
      return Decimal.NaN;
    }
    if (other.kind !== FINITE) return this;
    if (other.coef === 0n) throw new FlintError(SqlState.divisionByZero, 'division by zero');
    const scale = Math.max(this.scale, other.scale);
    return Decimal.of(this.coefAt(scale) % other.coefAt(scale), scale);
  }

  neg(): Decimal {
    switch (this.kind) {
      case NAN:
        return this;
      case PINF:
        return Decimal.NegativeInfinity;
      case NINF:
        return Decimal.Infinity;
      default:
        return new Decimal(-this.coef, this.scale, FINITE);
    }
  }

  abs(): Decimal {
    if (this.kind === NINF) return Decimal.Infinity;
    if (this.kind !== FINITE || this.coef >= 0n) return this;
    return new Decimal(-this.coef, this.scale, FINITE);
  }

  /** Total order: -Infinity < finite < Infinity < NaN, and NaN equals NaN (PostgreSQL btree order). */
  compare(other: Decimal): number {
    if (this.kind !== FINITE || other.kind !== FINITE) {
      const ra = specialRank(this);
      const rb = specialRank(other);
      if (ra !== rb) return ra < rb ? -1 : 1;
      if (ra !== 1) return 0;
    }
    if (this.scale === other.scale) return this.coef < other.coef ? -1 : this.coef > other.coef ? 1 : 0;
    const scale = Math.max(this.scale, other.scale);
    const a = this.coefAt(scale);
    const b = other.coefAt(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Decimal): boolean {
    return this.compare(other) === 0;
  }

  /**
   * Rounded half away from zero to `scale` fractional digits; a negative scale
   * rounds to tens, hundreds, ... The result's display scale is max(scale, 0).
   */
  round(scale = 0): Decimal {
    if (this.kind !== FINITE) return this;
    if (scale >= this.scale) return Decimal.of(this.coefAt(scale), scale);
    const q = divRoundHalfAway(this.coef, pow10(this.scale - scale));
    return scale >= 0 ? Decimal.of(q, scale) : Decimal.of(q * pow10(-scale), 0);
  }

  /** Truncated toward zero to `scale` fractional digits (negative: to tens, ...). */
  trunc(scale = 0): Decimal {
    if (this.kind !== FINITE) return this;
    if (scale >= this.scale) return Decimal.of(this.coefAt(scale), scale);
    const q = this.coef / pow10(this.scale - scale);
    return scale >= 0 ? Decimal.of(q, scale) : Decimal.of(q * pow10(-scale), 0);
  }

  /** Smallest integer >= value, scale 0. */
  ceil(): Decimal {
    if (this.kind !== FINITE || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.coef / p;
    if (this.coef > 0n && this.coef % p !== 0n) q += 1n;
    return Decimal.of(q, 0);
  }

  /** Largest integer <= value, scale 0. */
  floor(): Decimal {
    if (this.kind !== FINITE || this.scale === 0) return this;
    const p = pow10(this.scale);
    let q = this.coef / p;
    if (this.coef < 0n && this.coef % p !== 0n) q -= 1n;
    return Decimal.of(q, 0);
  }

  /** The same value at the smallest scale that holds it exactly (PostgreSQL trim_scale). */
  trimScale(): Decimal {
    if (this.kind !== FINITE || this.scale === 0) return this;
    let coef = this.coef;
    let scale = this.scale;
    if (coef === 0n) return Decimal.ZERO;
    while (scale > 0 && coef % 10n === 0n) {
      coef /= 10n;
      scale--;
    }
    return new Decimal(coef, scale, FINITE);
  }

  /** PostgreSQL's numeric weight estimate in decimal digits: floor(log10(|x|)) for x != 0. */
  decimalWeight(): number {
    if (this.kind !== FINITE || this.coef === 0n) return 0;
    return absBig(this.coef).toString().length - 1 - this.scale;
  }

  /** A key equal for equal values whatever their scales (1.0 and 1.00); for hashing. */
  hashKey(): string {
    return this.trimScale().toString();
  }
}

const SPECIALS = new Map<string, Decimal>([
  ['nan', Decimal.NaN],
  ['infinity', Decimal.Infinity],
  ['+infinity', Decimal.Infinity],
  ['-infinity', Decimal.NegativeInfinity],
  ['inf', Decimal.Infinity],
  ['+inf', Decimal.Infinity],
  ['-inf', Decimal.NegativeInfinity],
]);

/** -Infinity 0, finite 1, +Infinity 2, NaN 3. */
function specialRank(d: Decimal): number {
  switch (d.kind) {
    case NINF:
      return 0;
    case FINITE:
      return 1;
    case PINF:
      return 2;
    default:
      return 3;
  }
}

function addSpecial(a: Decimal, b: Decimal): Decimal {
  if (a.kind === NAN || b.kind === NAN) return Decimal.NaN;
  if (a.kind !== FINITE && b.kind !== FINITE) return a.kind === b.kind ? a : Decimal.NaN;
  return a.kind !== FINITE ? a : b;
}

function mulSpecial(a: Decimal, b: Decimal): Decimal {
  if (a.kind === NAN || b.kind === NAN) return Decimal.NaN;
  const sign = a.sign() * b.sign();
  if (sign === 0) return Decimal.NaN;
  return sign > 0 ? Decimal.Infinity : Decimal.NegativeInfinity;
}

function divSpecial(a: Decimal, b: Decimal): Decimal {
  if (a.kind === NAN || b.kind === NAN) return Decimal.NaN;
  if (a.kind !== FINITE) {
    if (b.kind !== FINITE) return Decimal.NaN;
    const s = b.sign();
    if (s === 0) throw new FlintError(SqlState.divisionByZero, 'division by zero');
    return a.sign() * s > 0 ? Decimal.Infinity : Decimal.NegativeInfinity;
  }
  // finite / ±Infinity
  return Decimal.ZERO;
}

/** a / b rounded half away from zero at `rscale` digits (both finite, b != 0). */
function quotient(a: Decimal, b: Decimal, rscale: number): bigint {
  // a.coef*10^-sa / (b.coef*10^-sb) * 10^rscale = a.coef * 10^(rscale + sb - sa) / b.coef
  const shift = rscale + b.scale - a.scale;
  if (shift >= 0) return divRoundHalfAway(a.coef * pow10(shift), b.coef);
  return divRoundHalfAway(a.coef, b.coef * pow10(-shift));
}

/**
 * Weight and first digit of a value in PostgreSQL's base-10000 representation,
 * whose digit groups are aligned on the decimal point. select_div_scale()
 * reasons in these units, so matching its choices means computing them.
 */
export function nbaseWeight(d: Decimal): { weight: number; firstDigit: number } {
  if (d.kind !== FINITE || d.coef === 0n) return { weight: 0, firstDigit: 0 };
  const digits = absBig(d.coef).toString();
  const intDigits = digits.length - d.scale; // may be <= 0 for values < 1
  // The group holding the most significant digit: group k covers 10^(4k)..10^(4k+3).
  const msd = intDigits - 1; // decimal exponent of the leading digit
  const weight = Math.floor(msd / 4);
  // Leading digits belonging to that group: positions msd down to 4*weight.
  const take = msd - 4 * weight + 1;
  const firstDigit = Number(digits.slice(0, Math.min(take, digits.length)).padEnd(take, '0'));
  return { weight, firstDigit };
}

/** PostgreSQL select_div_scale(): at least 16 significant digits, never fewer than either input's scale. */
export function selectDivScale(a: Decimal, b: Decimal): number {
  const wa = nbaseWeight(a);
  const wb = nbaseWeight(b);
  let qweight = wa.weight - wb.weight;
  if (wa.firstDigit <= wb.firstDigit) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/**
 * Coerces a value to numeric(precision, scale) like PostgreSQL's apply_typmod:
 * round to `scale`, then fail with 22003 if it needs more than
 * precision - scale digits before the point. NaN passes; infinities fail.
 */
export function applyTypmod(d: Decimal, precision: number, scale: number): Decimal {
  if (d.kind === NAN) return d;
  // PostgreSQL's DETAIL goes in FlintError.detail.
  if (d.kind !== FINITE) {
    throw new FlintError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const rounded = d.round(scale);
  const maxIntegerDigits = precision - scale;
  if (rounded.coef !== 0n && rounded.decimalWeight() + 1 > maxIntegerDigits) {
    const bound = maxIntegerDigits === 0 ? '1' : `10^${maxIntegerDigits}`;
    throw new FlintError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${bound}.`,
    });
  }
  return rounded;
}
