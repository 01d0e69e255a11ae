// Arithmetic on int2/int4/int8/float4/float8 with PostgreSQL's overflow,
// underflow and division-by-zero errors (int.c, int8.c, float.h).
//
// int2 and int4 values are JavaScript numbers: every sum, difference and
// product of two of them is either exact or far outside the int32 range, so
// checking the double result is enough. int8 values are bigints.

import { FlintError, SqlState } from '../../errors.ts';

const INT2_MIN = -32768;
const INT2_MAX = 32767;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export type IntId = 'int2' | 'int4' | 'int8';

const NAMES: Record<IntId, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

export function intOverflow(id: IntId): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, `${NAMES[id]} out of range`);
}

export function divisionByZero(): FlintError {
  return new FlintError(SqlState.divisionByZero, 'division by zero');
}

/** Range-checks an int2/int4 result; also turns -0 into 0. */
export function checkSmallInt(r: number, id: 'int2' | 'int4'): number {
  const ok = id === 'int4' ? r >= INT4_MIN && r <= INT4_MAX : r >= INT2_MIN && r <= INT2_MAX;
  if (!ok) throw intOverflow(id);
  return r | 0;
}

export function checkInt8(r: bigint): bigint {
  if (r < INT8_MIN || r > INT8_MAX) throw intOverflow('int8');
  return r;
}

/** Integer division truncating toward zero; MIN / -1 overflows as in C. */
export function smallIntDiv(a: number, b: number, id: 'int2' | 'int4'): number {
  if (b === 0) throw divisionByZero();
  return checkSmallInt(Math.trunc(a / b), id);
}

export function int8Div(a: bigint, b: bigint): bigint {
  if (b === 0n) throw divisionByZero();
  return checkInt8(a / b);
}

/** Remainder with the dividend's sign; x % -1 is 0 even for MIN (PostgreSQL special-cases it). */
export function smallIntMod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return (a % b) | 0;
}

export function int8Mod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw divisionByZero();
  return a % b;
}

// ---------------------------------------------------------------- floats

export function floatOverflow(): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

export function floatUnderflow(): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/** float8_pl / float8_mi: overflow only when neither input was infinite. */
export function floatAdd(a: number, b: number, float4: boolean): number {
  const r = float4 ? Math.fround(a + b) : a + b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function floatSub(a: number, b: number, float4: boolean): number {
  const r = float4 ? Math.fround(a - b) : a - b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function floatMul(a: number, b: number, float4: boolean): number {
  const r = float4 ? Math.fround(a * b) : a * b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  if (r === 0 && a !== 0 && b !== 0) throw floatUnderflow();
  return r;
}

export function floatDiv(a: number, b: number, float4: boolean): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  const r = float4 ? Math.fround(a / b) : a / b;
  if (isInf(r) && !isInf(a)) throw floatOverflow();
  if (r === 0 && a !== 0 && !isInf(b)) throw floatUnderflow();
  return r;
}

/** PostgreSQL dpow: POSIX pow() semantics for NaN and infinities, SQL errors for the undefined cases. */
export function floatPow(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? NaN : 1;
  if (Number.isNaN(y)) return x !== 1 ? NaN : 1;
  if (x === 0 && y < 0) {
    throw new FlintError(SqlState.invalidArgumentForPowerFunction, 'zero raised to a negative power is undefined');
  }
  if (x < 0 && Math.floor(y) !== y) {
    throw new FlintError(
      SqlState.invalidArgumentForPowerFunction,
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (isInf(y)) {
    const absx = Math.abs(x);
    if (absx === 1) return 1;
    if (y > 0) return absx > 1 ? y : 0;
    return absx > 1 ? 0 : -y;
  }
  if (isInf(x)) {
    if (y === 0) return 1;
    if (x > 0) return y > 0 ? x : 0;
    const halfy = y / 2;
    const odd = Math.floor(halfy) !== halfy;
    if (y > 0) return odd ? x : -x;
    return odd ? -0 : 0;
  }
  const r = Math.pow(x, y);
  if (isInf(r)) throw floatOverflow();
  if (r === 0 && x !== 0) throw floatUnderflow();
  return r;
}
