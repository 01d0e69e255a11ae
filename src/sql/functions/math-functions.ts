// Mathematical functions (PostgreSQL's float.c, numeric.c, int.c): float8
// versions with PostgreSQL's domain and range errors, numeric versions with
// its result scales (decimal-math.ts), integer versions with overflow checks.
// Transcendental float8 results come from JavaScript's Math, which may differ
// from the C library's in the last bit (cbrt(27) is 3 here, 3.0000000000000004
// in PostgreSQL on glibc).

import { FlintError, SqlState } from '../../errors.ts';

import type { RuntimeValue } from '../types/type-info.ts';
import { Decimal } from '../types/decimal.ts';
import { numericExp, numericLn, numericLog, numericPower, numericSqrt } from '../types/decimal-math.ts';
import { checkInt8, checkSmallInt, floatOverflow, floatPow, floatUnderflow, int8Mod, smallIntMod } from '../types/arith.ts';
import { rint } from '../types/math-util.ts';
import { fn, type FunctionDef } from './function-def.ts';

const f = (v: RuntimeValue): number => v as number;
const d = (v: RuntimeValue): Decimal => v as Decimal;

function outOfRangeInput(): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, 'input is out of range');
}

/** Overflow/underflow checks shared by the float8 functions (PostgreSQL's float_overflow_error family). */
function checkFloat(result: number, input: number, zeroAllowed: boolean): number {
  if (!Number.isFinite(result) && Number.isFinite(input) && !Number.isNaN(result)) throw floatOverflow();
  if (result === 0 && !zeroAllowed) throw floatUnderflow();
  return result;
}

function dsqrt(x: number): number {
  if (x < 0) throw new FlintError(SqlState.invalidArgumentForPowerFunction, 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

function logArgCheck(x: number): void {
  if (x === 0) throw new FlintError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of zero');
  if (x < 0) throw new FlintError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
}

function dln(x: number): number {
  logArgCheck(x);
  return checkFloat(Math.log(x), x, x === 1);
}

function dlog10(x: number): number {
  logArgCheck(x);
  return checkFloat(Math.log10(x), x, x === 1);
}

function dexp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x > 0 ? x : 0;
  const r = Math.exp(x);
  if (!Number.isFinite(r)) throw floatOverflow();
  if (r === 0) throw floatUnderflow();
  return r;
}

/** sin, cos, tan, cot: infinite input is "input is out of range". */
function trig(g: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (!Number.isFinite(x)) throw outOfRangeInput();
    return g(x);
  };
}

/** asin, acos: |x| > 1 is "input is out of range". */
function inverseTrig(g: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (x < -1 || x > 1) throw outOfRangeInput();
    return g(x);
  };
}

function unaryFloat(name: string, g: (x: number) => number): FunctionDef {
  return fn(name, ['float8'], 'float8', (_c, a) => g(f(a)));
}

function intAbs(id: 'int2' | 'int4'): FunctionDef {
  return fn('abs', [id], id, (_c, a) => checkSmallInt(Math.abs(f(a)), id));
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function intGcd(id: 'int4' | 'int8', lcm: boolean): FunctionDef {
  return fn(lcm ? 'lcm' : 'gcd', [id, id], id, (_c, a, b) => {
    const x = BigInt(a as number | bigint);
    const y = BigInt(b as number | bigint);
    let r: bigint;
    if (lcm) {
      r = x === 0n || y === 0n ? 0n : (x / gcdBig(x, y)) * y;
      if (r < 0n) r = -r;
    } else {
      r = gcdBig(x, y);
    }
    return id === 'int8' ? checkInt8(r) : checkSmallInt(Number(r), 'int4');
  });
}

function numericGcd(a: Decimal, b: Decimal): Decimal {
  if (!a.isFinite() || !b.isFinite()) return Decimal.NaN;
  const scale = Math.max(a.scale, b.scale);
  const g = gcdBig(a.round(scale).coef, b.round(scale).coef);
  return Decimal.of(g, scale);
}

function numericLcm(a: Decimal, b: Decimal): Decimal {
  if (!a.isFinite() || !b.isFinite()) return Decimal.NaN;
  if (a.isZero() || b.isZero()) return Decimal.of(0n, Math.max(a.scale, b.scale));
  const g = numericGcd(a, b);
  return a.mul(b).abs().div(g, Math.max(a.scale, b.scale));
}

/** The scale needed to keep the value's digits (PostgreSQL min_scale). */
function minScale(x: Decimal): number {
  return x.trimScale().scale;
}

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : Number.isNaN(x) ? x : 0;
}

const FLOAT_FUNCS: [string, (x: number) => number][] = [
  ['sqrt', dsqrt],
  ['cbrt', Math.cbrt],
  ['exp', dexp],
  ['ln', dln],
  ['log', dlog10],
  ['log10', dlog10],
  ['ceil', Math.ceil],
  ['ceiling', Math.ceil],
  ['floor', Math.floor],
  ['round', rint],
  ['trunc', Math.trunc],
  ['sign', sign],
  ['abs', Math.abs],
  ['degrees', (x) => x * (180 / Math.PI)],
  ['radians', (x) => x * (Math.PI / 180)],
  ['sin', trig(Math.sin)],
  ['cos', trig(Math.cos)],
  ['tan', trig(Math.tan)],
  ['cot', trig((x) => 1 / Math.tan(x))],
  ['asin', inverseTrig(Math.asin)],
  ['acos', inverseTrig(Math.acos)],
  ['atan', Math.atan],
  ['sinh', Math.sinh],
  ['cosh', Math.cosh],
  ['tanh', Math.tanh],
  ['asinh', Math.asinh],
  ['acosh', (x) => {
    if (x < 1) throw outOfRangeInput();
    return Math.acosh(x);
  }],
  ['atanh', (x) => {
    if (x < -1 || x > 1) throw outOfRangeInput();
    return Math.atanh(x);
  }],
];

const NUMERIC_UNARY: [string, (x: Decimal) => Decimal][] = [
  ['abs', (x) => x.abs()],
  ['ceil', (x) => x.ceil()],
  ['ceiling', (x) => x.ceil()],
  ['floor', (x) => x.floor()],
  ['round', (x) => x.round(0)],
  ['trunc', (x) => x.trunc(0)],
  ['sqrt', numericSqrt],
  ['exp', numericExp],
  ['ln', numericLn],
  ['log', (x) => numericLog(Decimal.fromInt(10), x)],
  ['log10', (x) => numericLog(Decimal.fromInt(10), x)],
  ['sign', (x) => (x.isNaN() ? x : Decimal.fromInt(x.sign()))],
  ['trim_scale', (x) => x.trimScale()],
];

/** round(numeric, n) and trunc(numeric, n) clamp n like PostgreSQL (NUMERIC_MAX_RESULT_SCALE). */
function clampScale(n: number): number {
  return Math.max(-2000, Math.min(2000, n));
}

export const MATH_FUNCTIONS: FunctionDef[] = [
  ...FLOAT_FUNCS.map(([name, g]) => unaryFloat(name, g)),
  fn('abs', ['float4'], 'float4', (_c, a) => Math.abs(f(a))),
  intAbs('int2'),
  intAbs('int4'),
  fn('abs', ['int8'], 'int8', (_c, a) => checkInt8((a as bigint) < 0n ? -(a as bigint) : (a as bigint))),
  ...NUMERIC_UNARY.map(([name, g]) => fn(name, ['numeric'], 'numeric', (_c, a) => g(d(a)))),
  fn('round', ['numeric', 'int4'], 'numeric', (_c, a, b) => d(a).round(clampScale(f(b)))),
  fn('trunc', ['numeric', 'int4'], 'numeric', (_c, a, b) => d(a).trunc(clampScale(f(b)))),
  fn('log', ['numeric', 'numeric'], 'numeric', (_c, a, b) => numericLog(d(a), d(b))),
  fn('power', ['float8', 'float8'], 'float8', (_c, a, b) => floatPow(f(a), f(b))),
  fn('pow', ['float8', 'float8'], 'float8', (_c, a, b) => floatPow(f(a), f(b))),
  fn('power', ['numeric', 'numeric'], 'numeric', (_c, a, b) => numericPower(d(a), d(b))),
  fn('pow', ['numeric', 'numeric'], 'numeric', (_c, a, b) => numericPower(d(a), d(b))),
  fn('atan2', ['float8', 'float8'], 'float8', (_c, a, b) => Math.atan2(f(a), f(b))),
  fn('mod', ['int2', 'int2'], 'int2', (_c, a, b) => smallIntMod(f(a), f(b))),
  fn('mod', ['int4', 'int4'], 'int4', (_c, a, b) => smallIntMod(f(a), f(b))),
  fn('mod', ['int8', 'int8'], 'int8', (_c, a, b) => int8Mod(a as bigint, b as bigint)),
  fn('mod', ['numeric', 'numeric'], 'numeric', (_c, a, b) => d(a).mod(d(b))),
  fn('div', ['numeric', 'numeric'], 'numeric', (_c, a, b) => d(a).divTrunc(d(b))),
  fn('scale', ['numeric'], 'int4', (_c, a) => (d(a).isFinite() ? d(a).scale : null)),
  fn('min_scale', ['numeric'], 'int4', (_c, a) => (d(a).isFinite() ? minScale(d(a)) : null)),
  intGcd('int4', false),
  intGcd('int8', false),
  intGcd('int4', true),
  intGcd('int8', true),
  fn('gcd', ['numeric', 'numeric'], 'numeric', (_c, a, b) => numericGcd(d(a), d(b))),
  fn('lcm', ['numeric', 'numeric'], 'numeric', (_c, a, b) => numericLcm(d(a), d(b))),
  fn('pi', [], 'float8', () => Math.PI),
  fn('random', [], 'float8', (ctx) => ctx.random(), { volatility: 'volatile' }),
];

