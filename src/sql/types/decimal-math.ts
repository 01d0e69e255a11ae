// Transcendental functions on numeric: sqrt, ln, log, exp and power.
//
// The answers are computed in bigint fixed point with guard digits and then
// rounded half away from zero. What must match PostgreSQL exactly is the
// number of digits each result carries, so each function picks its result
// scale with the same rule as PostgreSQL 15's numeric.c (at least 16
// significant digits, never fewer than the inputs' scales, at most 1000).

import { FlintError, SqlState } from '../../errors.ts';
import {
  Decimal,
  NUMERIC_MAX_DISPLAY_SCALE,
  NUMERIC_MAX_INTEGER_DIGITS,
  NUMERIC_MIN_SIG_DIGITS,
  divRoundHalfAway,
  pow10,
} from './decimal.ts';

/** Digits computed beyond the result scale so that the final rounding is right. */
const GUARD_DIGITS = 12;
/** Past this many digits an exact integer power is replaced by exp(n * ln(x)). */
const EXACT_POWER_DIGITS_MAX = 4000;
/** PostgreSQL's NUMERIC_MAX_RESULT_SCALE; exp() gives up at 3x this. */
const NUMERIC_MAX_RESULT_SCALE = 2000;

function clampScale(rscale: number): number {
  return Math.min(Math.max(rscale, 0), NUMERIC_MAX_DISPLAY_SCALE);
}

function overflow(): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

/** |x| as a bigint fixed-point number at scale w (truncated). */
function toFixed(x: Decimal, w: number): bigint {
  const shift = w - x.scale;
  return shift >= 0 ? x.coef * pow10(shift) : x.coef / pow10(-shift);
}

/** A fixed-point number at scale w rounded to a Decimal at scale rscale. */
function fromFixed(n: bigint, w: number, rscale: number): Decimal {
  if (w >= rscale) return Decimal.of(divRoundHalfAway(n, pow10(w - rscale)), rscale);
  return Decimal.of(n * pow10(rscale - w), rscale);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's method from an over-estimate converges monotonically down.
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * The first two base-10000 digits and the weight of |x| as PostgreSQL stores
 * them (trailing zero digit groups stripped), which its scale estimates use.
 */
function nbaseLeading(x: Decimal): { weight: number; d0: number; d1: number | undefined } {
  const digits = (x.coef < 0n ? -x.coef : x.coef).toString();
  const msd = digits.length - x.scale - 1;
  const weight = Math.floor(msd / 4);
  // Left-pad so that digit groups line up with the decimal point.
  const lead = msd - 4 * weight + 1; // digits in the first group
  const padded = '0'.repeat(4 - lead) + digits;
  const groups: number[] = [];
  for (let i = 0; i < padded.length; i += 4) groups.push(Number(padded.slice(i, i + 4).padEnd(4, '0')));
  while (groups.length > 1 && groups[groups.length - 1] === 0) groups.pop();
  return { weight, d0: groups[0] ?? 0, d1: groups[1] };
}

const POINT_NINE = Decimal.parse('0.9');
const ONE_POINT_ONE = Decimal.parse('1.1');

/** PostgreSQL estimate_ln_dweight(): the decimal weight of ln(x), for choosing scales. */
export function estimateLnDweight(x: Decimal): number {
  if (x.sign() <= 0) return 0;
  if (x.compare(POINT_NINE) >= 0 && x.compare(ONE_POINT_ONE) <= 0) {
    const y = x.sub(Decimal.ONE);
    if (y.isZero()) return 0;
    const { weight, d0 } = nbaseLeading(y);
    return weight * 4 + Math.trunc(Math.log10(d0));
  }
  const { weight, d0, d1 } = nbaseLeading(x);
  let digits = d0;
  let dweight = weight * 4;
  if (d1 !== undefined) {
    digits = digits * 10000 + d1;
    dweight -= 4;
  }
  const lnVar = Math.log(digits) + dweight * 2.302585092994046;
  return Math.trunc(Math.log10(Math.abs(lnVar)));
}

// ln(10) at the largest scale computed so far; lower scales truncate it.
let ln10Cache: { w: number; value: bigint } | undefined;

/** ln(y) * 10^w for a fixed-point y (scale w) in [1, 10]. */
function lnSmall(y: bigint, w: number): bigint {
  const one = pow10(w);
  // Halve the logarithm with square roots until y is within 1% of 1, where
  // the atanh series converges fast; each root doubles the final result.
  let roots = 0;
  const limit = one + one / 100n;
  while (y > limit) {
    y = isqrt(y * one);
    roots++;
  }
  // ln(y) = 2 atanh(z), z = (y-1)/(y+1) = 2 (z + z^3/3 + z^5/5 + ...)
  const z = ((y - one) * one) / (y + one);
  const z2 = (z * z) / one;
  let sum = z;
  let term = z;
  for (let k = 3n; term !== 0n; k += 2n) {
    term = (term * z2) / one;
    sum += term / k;
  }
  return (2n * sum) << BigInt(roots);
}

function ln10(w: number): bigint {
  if (ln10Cache === undefined || ln10Cache.w < w) {
    const wx = w + GUARD_DIGITS;
    ln10Cache = { w: wx, value: lnSmall(10n * pow10(wx), wx) };
  }
  return ln10Cache.value / pow10(ln10Cache.w - w);
}

/** ln(x) * 10^w for a finite x > 0, accurate to a few units of 10^-w. */
function lnFixed(x: Decimal, w: number): bigint {
  const k = x.decimalWeight(); // x = y * 10^k with y in [1, 10)
  const kDigits = String(Math.abs(k)).length;
  const wi = w + 4 + kDigits; // the k * ln(10) term needs extra digits
  const y = toFixed(x, wi - k);
  const result = lnSmall(y, wi) + BigInt(k) * ln10(wi);
  return result / pow10(wi - w);
}

/** exp(t) * 10^w for t given as a fixed-point number at scale tw. */
function expFixed(t: bigint, tw: number, w: number): bigint {
  const negative = t < 0n;
  const a = negative ? -t : t;
  // Reduce the argument below 0.01 by halving; squaring back k times
  // multiplies the relative error by 2^k, so carry k * log10(2) more digits.
  const aApprox = Number(a / pow10(Math.max(0, tw - 15))) / 10 ** Math.min(tw, 15);
  const k = aApprox > 0.01 ? Math.ceil(Math.log2(aApprox / 0.01)) : 0;
  // A large result needs digits for its integer part too: the precision
  // that matters is relative.
  const resultDigits = negative ? 0 : Math.ceil(aApprox * 0.4343);
  const wi = w + GUARD_DIGITS + Math.ceil(k * 0.302) + resultDigits;
  const one = pow10(wi);
  const shifted = tw <= wi ? a * pow10(wi - tw) : a / pow10(tw - wi);
  const r = shifted >> BigInt(k);
  let sum = one;
  let term = one;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (one * n);
    sum += term;
  }
  for (let i = 0; i < k; i++) sum = (sum * sum) / one;
  if (negative) sum = (one * one) / sum;
  return sum / pow10(wi - w);
}

/** PostgreSQL numeric sqrt(): scale from the input's base-10000 weight. */
export function numericSqrt(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.sign() < 0) throw new FlintError(SqlState.invalidArgumentForPowerFunction, 'cannot take square root of a negative number');
  if (x.isInfinite()) return x;
  const { weight } = nbaseLeading(x);
  const sweight = x.isZero() ? 1 : 2 * weight + 1;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - sweight, x.scale));
  // floor(sqrt(x) * 10^w) with two guard digits, then round: rounding a
  // truncated root cannot cross a half-way point the exact root would not.
  const w = rscale + 2;
  const shift = 2 * w - x.scale;
  const n = shift >= 0 ? x.coef * pow10(shift) : x.coef / pow10(-shift);
  return fromFixed(isqrt(n), w, rscale);
}

/** PostgreSQL numeric ln(). */
export function numericLn(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  checkLogArgument(x);
  if (x.isInfinite()) return x;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnDweight(x), x.scale));
  const w = rscale + GUARD_DIGITS;
  return fromFixed(lnFixed(x, w), w, rscale);
}

function checkLogArgument(x: Decimal): void {
  const s = x.sign();
  if (s === 0) throw new FlintError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of zero');
  if (s < 0) throw new FlintError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
}

/** PostgreSQL numeric log(base, x); log(x) is log(10, x). */
export function numericLog(base: Decimal, x: Decimal): Decimal {
  if (base.isNaN() || x.isNaN()) return Decimal.NaN;
  checkLogArgument(base);
  checkLogArgument(x);
  if (base.isInfinite() || x.isInfinite()) {
    if (base.isInfinite() && x.isInfinite()) return Decimal.NaN;
    if (x.isInfinite()) return base.compare(Decimal.ONE) < 0 ? Decimal.NegativeInfinity : Decimal.Infinity;
    return Decimal.ZERO;
  }
  if (base.equals(Decimal.ONE)) throw new FlintError(SqlState.divisionByZero, 'division by zero');
  const baseDweight = estimateLnDweight(base);
  const resultDweight = estimateLnDweight(x) - baseDweight;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - resultDweight, base.scale, x.scale));
  const w = rscale + GUARD_DIGITS + Math.max(0, -baseDweight) + Math.max(0, resultDweight);
  const lnBase = lnFixed(base, w);
  const lnX = lnFixed(x, w);
  return fromFixed((lnX * pow10(w)) / lnBase, w, rscale);
}

/** PostgreSQL numeric exp(). */
export function numericExp(x: Decimal): Decimal {
  if (x.isNaN()) return x;
  if (x.isInfinite()) return x.sign() > 0 ? x : Decimal.ZERO;
  const val = x.toNumber();
  const weight = Math.trunc(Math.max(-NUMERIC_MAX_RESULT_SCALE, Math.min(NUMERIC_MAX_RESULT_SCALE, val * 0.434294481903252)));
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - weight, x.scale));
  if (Math.abs(val) >= NUMERIC_MAX_RESULT_SCALE * 3) {
    if (val > 0) throw overflow();
    return Decimal.of(0n, rscale);
  }
  const w = rscale + GUARD_DIGITS;
  return fromFixed(expFixed(x.coef, x.scale, w), w, rscale);
}

/** PostgreSQL numeric power() / ^, including its rules for NaN and infinities. */
export function numericPower(base: Decimal, exp: Decimal): Decimal {
  if (base.isNaN() || exp.isNaN()) {
    if (base.isNaN() && exp.isZero()) return Decimal.ONE;
    if (exp.isNaN() && base.equals(Decimal.ONE)) return Decimal.ONE;
    return Decimal.NaN;
  }
  const sign1 = base.sign();
  const sign2 = exp.sign();
  if (sign1 === 0 && sign2 < 0) {
    throw new FlintError(SqlState.invalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  }
  if (sign1 < 0 && exp.isFinite() && !exp.isInteger()) {
    throw new FlintError(
      SqlState.invalidArgumentForPowerFunction,
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (!base.isFinite() || !exp.isFinite()) return powerSpecial(base, exp, sign1, sign2);

  if (exp.isInteger()) {
    const n = exp.toBigInt();
    if (n >= -2147483648n && n <= 2147483647n) return powerInt(base, Number(n));
  }
  if (sign1 === 0) return Decimal.of(0n, NUMERIC_MIN_SIG_DIGITS);
  return powerReal(base, exp);
}

function powerSpecial(base: Decimal, exp: Decimal, sign1: number, sign2: number): Decimal {
  // POSIX pow() rules, as PostgreSQL 15 applies them to numeric.
  if (sign2 === 0) return Decimal.ONE;
  if (base.equals(Decimal.ONE)) return Decimal.ONE;
  if (base.isInfinite()) {
    if (sign2 < 0) return Decimal.ZERO;
    if (sign1 > 0 || exp.isInfinite()) return Decimal.Infinity;
    // -Infinity to a positive integer power: odd keeps the sign.
    return exp.toBigInt() % 2n === 0n ? Decimal.Infinity : Decimal.NegativeInfinity;
  }
  // A finite base to the power of ±Infinity.
  const cmp = base.abs().compare(Decimal.ONE);
  if (cmp === 0) return Decimal.ONE;
  if (cmp < 0) return sign2 > 0 ? Decimal.ZERO : Decimal.Infinity;
  return sign2 < 0 ? Decimal.ZERO : Decimal.Infinity;
}

/**
 * Integer exponents: PostgreSQL 15 gives these scale max(16, base scale)
 * whatever the size of the result (power_var_int).
 */
function powerInt(base: Decimal, n: number): Decimal {
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, base.scale));
  if (n === 0) return Decimal.of(pow10(rscale), rscale);
  if (base.isZero()) return Decimal.of(0n, rscale);
  const absN = Math.abs(n);
  // Decimal weight of the result, to reject overflow before computing it.
  const digits = base.decimalWeight() + Math.log10(Math.abs(leadingValue(base)));
  const resultWeight = absN * digits * (n < 0 ? -1 : 1);
  if (resultWeight > NUMERIC_MAX_INTEGER_DIGITS) throw overflow();
  if (resultWeight < -(rscale + 2)) return Decimal.of(0n, rscale);
  const coefDigits = (base.coef < 0n ? -base.coef : base.coef).toString().length;
  if (coefDigits * absN <= EXACT_POWER_DIGITS_MAX) {
    const p = base.coef ** BigInt(absN);
    const exact = Decimal.of(p, base.scale * absN);
    return n > 0 ? exact.round(rscale) : Decimal.ONE.div(exact, rscale);
  }
  const negative = base.sign() < 0 && absN % 2 === 1;
  const r = powerReal(base.abs(), Decimal.fromInt(n), rscale);
  return negative ? r.neg() : r;
}

/** base^exp = exp(exp * ln(base)) for base > 0, at PostgreSQL's power_var() scale unless given. */
function powerReal(base: Decimal, exp: Decimal, fixedScale?: number): Decimal {
  const lnApprox = Math.log(leadingValue(base)) + base.decimalWeight() * Math.LN10;
  const val = lnApprox * exp.toNumber();
  if (Math.abs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
    if (val > 0) throw overflow();
    return Decimal.of(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  const weight = Math.trunc(val * 0.434294481903252);
  const rscale = fixedScale ?? clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - weight, base.scale, exp.scale));
  // The relative error of e^t is the absolute error of t, so t needs digits
  // for the result's integer part as well as its fraction.
  const tw = rscale + GUARD_DIGITS + Math.max(0, weight);
  const expWeight = Math.max(0, exp.decimalWeight() + 1);
  const lnw = tw + expWeight;
  const t = (lnFixed(base, lnw) * toFixed(exp, lnw)) / pow10(lnw);
  const w = rscale + GUARD_DIGITS;
  return fromFixed(expFixed(t, lnw, w), w, rscale);
}

/** |x| / 10^weight, in [1, 10): the leading digits as a float. */
function leadingValue(x: Decimal): number {
  const digits = (x.coef < 0n ? -x.coef : x.coef).toString();
  return Number(digits.slice(0, 1) + '.' + digits.slice(1, 17));
}
