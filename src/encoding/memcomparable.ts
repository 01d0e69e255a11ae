// Flint's order-preserving ("memcomparable") key encoding.
//
// A key is a tuple of column values, encoded so that comparing two encoded
// keys as unsigned bytes (compareKeys here, the memCompare kernel in WASM)
// orders them exactly as PostgreSQL orders the tuples, column by column. The
// B+-tree then compares bytes and never needs to know column types, in
// TypeScript and in WebAssembly alike.
//
// A key is the concatenation of its column encodings: no header, no lengths,
// nothing between columns. Every column encoding is self-delimiting and none
// is a proper prefix of another encoding of the same column, so the first
// column whose bytes differ decides the order, as in tuple comparison. The
// encoding of the first k columns is a byte prefix of the whole key: encode
// with columns.slice(0, k) to build range-scan bounds (see tags 0x00, 0xFF).
//
// One column:
//
//   OFFSET  SIZE  DESCRIPTION
//        0     1  tag: a NULL tag, or the column's value tag (table below).
//                 Never inverted, even in a descending column.
//        1     n  payload, only after a value tag. In a descending column
//                 every payload byte is inverted (x ^ 0xFF), the text/bytes
//                 terminator included.
//
// Tags:
//
//   TAG   MEANING
//   0x00  never written: prefix ++ 0x00 sorts before every key extending prefix
//   0x01  NULL, in a column with nulls 'first'
//   0x10  bool     ascending  (0x11 descending)
//   0x20  int64    ascending  (0x21 descending)
//   0x30  float64  ascending  (0x31 descending)
//   0x40  text     ascending  (0x41 descending)
//   0x50  bytes    ascending  (0x51 descending)
//   0x60  numeric  ascending  (0x61 descending)
//   0xFE  NULL, in a column with nulls 'last'
//   0xFF  never written: prefix ++ 0xFF sorts after every key extending prefix
//
// Payloads, in their ascending form:
//
//   TYPE     SIZE     DESCRIPTION
//   bool     1        0x00 false, 0x01 true
//   int64    8        two's complement, big-endian, sign bit flipped
//   float64  8        IEEE 754 binary64, big-endian; if the sign bit is set all
//                     64 bits are inverted, else only the sign bit is flipped.
//                     -0 is written as +0, every NaN as 0x7FF8000000000000.
//   text     n+z+2    UTF-8, each 0x00 byte written as 0x00 0xFF (z = number of
//                     0x00 bytes), then the terminator 0x00 0x01
//   bytes    n+z+2    the bytes, escaped and terminated as text
//   numeric  1..      class, exponent and digit pairs: see numeric-key.ts
//
// So a column takes 1 byte when NULL, 2 for bool, 9 for int64 and float64,
// and 3 + n + z for text and bytes.
//
// Why these choices:
//
// - The tag comes first so that NULL and non-NULL compare by one byte. Where
//   NULLs go is a per-column choice (PostgreSQL's NULLS FIRST/LAST) separate
//   from the direction, so the tag is written as-is rather than inverted with
//   the payload: 0x01 sorts before and 0xFE after every value tag, whatever
//   the direction. The default is PostgreSQL's: NULLS LAST for ASC, NULLS
//   FIRST for DESC.
// - Value tags differ by type and direction although a column has one type,
//   so their relative order means nothing. What they buy: decoding with the
//   wrong schema fails on the first column instead of returning plausible
//   garbage, and hex dumps read easily. Steps of 0x10 leave room for types to
//   come (numeric, timestamp, uuid) without renumbering.
// - 0x00 and 0xFF are never tags, so a bound just below or above every key
//   with a given column prefix is that prefix plus one byte.
// - int64: big-endian two's complement compares negatives above positives as
//   unsigned bytes; flipping the sign bit maps [-2^63, 2^63) monotonically
//   onto [0, 2^64).
// - float64: the bit pattern of a non-negative double grows with its value,
//   so setting the sign bit lifts them above all negatives. The pattern of a
//   negative double grows with its magnitude, so inverting all its bits
//   reverses that order and clears the sign bit. PostgreSQL says -0 = 0 and
//   NaN = NaN, so both are canonicalized: equal values must have equal keys or
//   a unique index would hold both. The canonical NaN encodes above +Infinity,
//   which is PostgreSQL's "NaN sorts above every other value". Decoding gives
//   +0 for a key written from -0.
// - text: UTF-8 byte order is Unicode code point order, the order of
//   PostgreSQL's "C" collation. (Not JavaScript's `<`, which compares UTF-16
//   code units and puts U+10000..U+10FFFF below U+E000..U+FFFF.) Other
//   collations would need a sort-key transform before this encoding.
// - text and bytes are terminated, not length-prefixed: a length prefix would
//   sort "b" before "aa". The terminator 0x00 0x01 sorts below every byte that
//   could continue the value, so "a" < "a\0" < "a\x01". An embedded 0x00
//   becomes 0x00 0xFF: above the terminator ("a" < "a\0") and below any other
//   continuation ("a\0" < "a\x01"). Any 0x00 in the encoded payload therefore
//   starts a two-byte escape, which makes the value self-delimiting.
// - Descending inverts the payload, which reverses the unsigned order of
//   fixed-width payloads. Inverting the terminator too keeps text and bytes
//   self-delimiting (a raw 0xFF now starts every escape) and ordered: the
//   inverted terminator 0xFF 0xFE sorts above every continuation, so a value
//   sorts after its own extensions, which is descending order.
// - JS strings may hold lone surrogates, which TextEncoder would silently turn
//   into U+FFFD, giving two different strings one key. They are rejected.
// - Decoding accepts only what encoding produces (canonical floats, bool 0/1,
//   valid escapes and UTF-8, no trailing bytes), so equal keys mean equal
//   values and corrupt keys are errors, never silent garbage.
//
// Key length is not limited here: the B+-tree enforces MAX_KEY_SIZE, while
// sort keys built with this encoding may be longer.

import { FlintError, SqlState, assert } from '../errors.ts';
import { numericKeySize, readNumericKey, writeNumericKey } from './numeric-key.ts';

/** A value of one key column. int64 takes a bigint or a safe-integer number; numeric a decimal's text. */
export type KeyValue = null | boolean | bigint | number | string | Uint8Array;

export type KeyType = 'bool' | 'int64' | 'float64' | 'text' | 'bytes' | 'numeric';

/** One column of a key. */
export interface KeyColumn {
  readonly type: KeyType;
  /** Sort this column in descending order. Default false. */
  readonly descending?: boolean;
  /** Where NULLs sort. Default as in PostgreSQL: 'last' ascending, 'first' descending. */
  readonly nulls?: 'first' | 'last';
}

const TAG_NULL_FIRST = 0x01;
const TAG_NULL_LAST = 0xfe;
const TAG_BOOL = 0x10;
const TAG_INT64 = 0x20;
const TAG_FLOAT64 = 0x30;
const TAG_TEXT = 0x40;
const TAG_BYTES = 0x50;
const TAG_NUMERIC = 0x60;
/** OR'ed into a value tag when the column is descending. */
const TAG_DESCENDING = 0x01;

/** Second byte of an escaped 0x00 and of the terminator, in ascending form. */
const ESCAPED_NUL = 0xff;
const TERMINATOR = 0x01;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_32 = 4294967296;
const SIGN_BIT_32 = 0x80000000;
/** High word of the canonical NaN 0x7FF8000000000000 after the positive-number transform. */
const NAN_ENCODED_HI = 0xfff80000;

// Allocated once: the hot path reuses them. JS is single-threaded, and no
// function here yields between writing and reading `scratch`.
const scratch = new DataView(new ArrayBuffer(8));
const utf8Encoder = new TextEncoder();
// ignoreBOM: keep a leading U+FEFF, which is data here, not a byte order mark.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes encodeKey would return for these values. Validates the values. */
export function encodedKeySize(columns: readonly KeyColumn[], values: readonly KeyValue[]): number {
  checkArity(columns, values);
  let size = 0;
  for (let i = 0; i < columns.length; i++) {
    size += valueSize(columns[i]!, values[i]!, i);
  }
  return size;
}

/** Encodes one key into a new array. */
export function encodeKey(columns: readonly KeyColumn[], values: readonly KeyValue[]): Uint8Array {
  const size = encodedKeySize(columns, values);
  const out = new Uint8Array(size);
  const end = writeKey(columns, values, out, 0);
  assert(end === size, 'encodeKey wrote the size encodedKeySize computed');
  return out;
}

/**
 * Encodes one key into `out` at `offset` and returns the bytes written. Checks
 * the whole key fits before writing anything, so nothing past `out` or partly
 * written is left behind: throws programLimitExceeded instead.
 */
export function encodeKeyInto(
  columns: readonly KeyColumn[],
  values: readonly KeyValue[],
  out: Uint8Array,
  offset: number,
): number {
  assert(Number.isInteger(offset) && offset >= 0 && offset <= out.length, 'encodeKeyInto offset within out');
  const size = encodedKeySize(columns, values);
  const free = out.length - offset;
  if (size > free) {
    throw new FlintError(
      SqlState.programLimitExceeded,
      `key of ${columns.length} columns needs ${size} bytes but only ${free} are free at offset ${offset}`,
    );
  }
  const end = writeKey(columns, values, out, offset);
  assert(end - offset === size, 'encodeKeyInto wrote the size encodedKeySize computed');
  return size;
}

/**
 * encodeKeyInto for a key of one int64 column holding a safe-integer number
 * (the usual integer key: a serial id, a category): its 9 bytes at
 * out[offset], without the general path's size pass and per-type dispatch.
 * Returns false, writing nothing, for any other column or value (the caller
 * takes encodeKeyInto); `out` must have room for the 9 bytes.
 */
export function encodeInt64KeyInto(column: KeyColumn, value: KeyValue, out: Uint8Array, offset: number): boolean {
  if (column.type !== 'int64' || typeof value !== 'number' || !Number.isSafeInteger(value)) return false;
  out[offset] = valueTag(column, 0);
  const high = Math.floor(value / TWO_POW_32);
  write64(out, offset + 1, ((high >>> 0) ^ SIGN_BIT_32) >>> 0, value - high * TWO_POW_32, column.descending === true ? 0xff : 0x00);
  return true;
}

/**
 * Whether encodeKey(columns, values) is exactly bytes[start, end), without
 * building it (a reader re-checking that a row still has an index entry's
 * key). An int64 column holding a safe integer is compared as it is
 * encoded, byte by byte; any other value is encoded on its own into a
 * scratch buffer and compared. Validates the values as encodedKeySize does.
 */
export function keyEquals(columns: readonly KeyColumn[], values: readonly KeyValue[], bytes: Uint8Array, start: number, end: number): boolean {
  checkArity(columns, values);
  if (identityAt.length < columns.length) identityAt = Array.from({ length: 2 * columns.length }, (_, i) => i);
  return keyEqualsAt(columns, values, identityAt, bytes, start, end);
}

/** 0, 1, 2, ...: the `at` of keyEqualsAt for values that are already in key order (keyEquals). */
let identityAt: number[] = [0, 1, 2, 3, 4, 5, 6, 7];

/**
 * keyEquals(columns, values, ...) with values[i] = row[at[i]] ?? null: the
 * values read where they lie in a row (a secondary scan's decoded version,
 * every column at[i] stored), without filling an array of them first.
 */
export function keyEqualsAt(columns: readonly KeyColumn[], row: readonly unknown[], at: readonly number[], bytes: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = (row[at[i]!] ?? null) as KeyValue;
    if (column.type === 'int64' && typeof value === 'number' && ((value | 0) === value || Number.isSafeInteger(value))) {
      if (!int64KeyHolds(bytes, pos, end, value, column.descending === true)) return false;
      pos += 9;
      continue;
    }
    const size = valueSize(column, value, i);
    if (pos + size > end) return false;
    if (equalsScratch.length < size) equalsScratch = new Uint8Array(2 * size);
    writeValue(column, i, value, equalsScratch, 0);
    for (let b = 0; b < size; b++) if (equalsScratch[b] !== bytes[pos + b]) return false;
    pos += size;
  }
  return pos === end;
}

/**
 * keyEqualsAt for int64 key columns whose values are integers in a
 * Float64Array, value i at values[from + at[i]] (a secondary scan's int16
 * and int32 columns as the tuplesExtract kernel read them): each compared
 * as encodeInt64KeyInto writes it, without a row to read them from or the
 * per-value type checks. A value that is not a safe integer matches no
 * entry (an int64 column's key never holds one).
 */
export function int64KeyEqualsAt(columns: readonly KeyColumn[], values: Float64Array, from: number, at: readonly number[], bytes: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  for (let i = 0; i < columns.length; i++) {
    const value = values[from + at[i]!]!;
    if (((value | 0) !== value && !Number.isSafeInteger(value)) || !int64KeyHolds(bytes, pos, end, value, columns[i]!.descending === true)) return false;
    pos += 9;
  }
  return pos === end;
}

/**
 * Whether bytes[pos, pos + 9), within `end`, is the int64 key of `value`
 * (a safe integer) as encodeInt64KeyInto writes it: its tag, then its two
 * big-endian words, compared as two int32s, not eight bytes (a secondary
 * scan checks two such columns a row). An int32 value (the usual key: an
 * id, a category) splits without a division: its high word is its sign.
 */
function int64KeyHolds(bytes: Uint8Array, pos: number, end: number, value: number, descending: boolean): boolean {
  if (pos + 9 > end || bytes[pos] !== (descending ? TAG_INT64 | TAG_DESCENDING : TAG_INT64)) return false;
  const int32 = (value | 0) === value;
  const high = int32 ? value >> 31 : Math.floor(value / TWO_POW_32);
  const mask = descending ? -1 : 0;
  const hi = (high ^ SIGN_BIT_32 ^ mask) | 0;
  const lo = ((int32 ? value : value - high * TWO_POW_32) ^ mask) | 0;
  return (
    ((bytes[pos + 1]! << 24) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 8) | bytes[pos + 4]!) === hi &&
    ((bytes[pos + 5]! << 24) | (bytes[pos + 6]! << 16) | (bytes[pos + 7]! << 8) | bytes[pos + 8]!) === lo
  );
}

/** Where keyEquals encodes a value it does not compare in place. */
let equalsScratch = new Uint8Array(64);

/**
 * Decodes the key in bytes[offset, offset + length), which must hold exactly
 * one value per column. The result never aliases `bytes`. A malformed key
 * throws indexCorrupted naming the column and the byte offset in `bytes`.
 */
export function decodeKey(
  columns: readonly KeyColumn[],
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
): KeyValue[] {
  assert(Number.isInteger(offset) && offset >= 0 && offset <= bytes.length, 'decodeKey offset within bytes');
  assert(Number.isInteger(length) && length >= 0 && length <= bytes.length - offset, 'decodeKey length within bytes');
  const end = offset + length;
  const cursor: Cursor = { pos: offset, escapes: 0 };
  const values: KeyValue[] = [];
  for (let i = 0; i < columns.length; i++) {
    values.push(readValue(columns[i]!, i, bytes, cursor, end));
  }
  if (cursor.pos !== end) {
    throw new FlintError(
      SqlState.indexCorrupted,
      `corrupt key: ${end - cursor.pos} trailing bytes at byte ${cursor.pos} after its ${columns.length} columns`,
    );
  }
  return values;
}

/** Unsigned lexicographic byte order; a proper prefix sorts first. Returns -1, 0 or 1. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.length === b.length) return 0;
  return a.length < b.length ? -1 : 1;
}

// ---- sizing and validation ---------------------------------------------------

function checkArity(columns: readonly KeyColumn[], values: readonly KeyValue[]): void {
  if (values.length !== columns.length) {
    throw new FlintError(
      SqlState.invalidParameterValue,
      `key has ${values.length} values for ${columns.length} columns`,
    );
  }
}

/** Encoded size of one column value; throws if the value does not fit the column. */
function valueSize(column: KeyColumn, value: KeyValue, index: number): number {
  if (value === null) return 1;
  switch (column.type) {
    case 'bool':
      if (typeof value !== 'boolean') throw wrongType(column, index, 'a boolean', value);
      return 2;
    case 'int64':
      checkInt64(column, index, value);
      return 9;
    case 'float64':
      if (typeof value !== 'number') throw wrongType(column, index, 'a number', value);
      return 9;
    case 'text':
      if (typeof value !== 'string') throw wrongType(column, index, 'a string', value);
      return 1 + escapedUtf8Length(column, index, value) + 2;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw wrongType(column, index, 'a Uint8Array', value);
      return 1 + value.length + countZeros(value) + 2;
    case 'numeric':
      if (typeof value !== 'string') throw wrongType(column, index, 'a decimal string', value);
      return 1 + numericKeySize(value);
    default:
      return unknownType(column, index);
  }
}

function checkInt64(column: KeyColumn, index: number, value: KeyValue): void {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new FlintError(
        SqlState.numericValueOutOfRange,
        `key column ${index} (int64): ${value} is out of range for a signed 64-bit integer`,
      );
    }
    return;
  }
  if (typeof value !== 'number') throw wrongType(column, index, 'a bigint or an integer number', value);
  if (value === Infinity || value === -Infinity) {
    throw new FlintError(SqlState.numericValueOutOfRange, `key column ${index} (int64): ${value} is out of range`);
  }
  if (!Number.isInteger(value)) {
    throw new FlintError(SqlState.invalidParameterValue, `key column ${index} (int64): ${value} is not an integer`);
  }
  // Beyond 2^53 a number may already have been rounded; a bigint says exactly which integer is meant.
  if (!Number.isSafeInteger(value)) {
    throw new FlintError(
      SqlState.numericValueOutOfRange,
      `key column ${index} (int64): ${value} is outside the safe integer range of numbers; pass a bigint`,
    );
  }
}

/** UTF-8 length of s plus one per U+0000 (its escape byte). Rejects lone surrogates. */
function escapedUtf8Length(column: KeyColumn, index: number, s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      n += c === 0 ? 2 : 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c < 0xd800 || c > 0xdfff) {
      n += 3;
    } else {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) {
        throw new FlintError(
          SqlState.invalidParameterValue,
          `key column ${index} (${column.type}): lone UTF-16 surrogate 0x${c.toString(16)} at index ${i} ` +
            'is not valid Unicode',
        );
      }
      n += 4;
      i++;
    }
  }
  return n;
}

function countZeros(bytes: Uint8Array): number {
  let zeros = 0;
  for (let i = bytes.indexOf(0); i !== -1; i = bytes.indexOf(0, i + 1)) zeros++;
  return zeros;
}

function wrongType(column: KeyColumn, index: number, expected: string, value: KeyValue): FlintError {
  return new FlintError(
    SqlState.invalidParameterValue,
    `key column ${index} (${column.type}): expected ${expected}, got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value;
}

function unknownType(column: KeyColumn, index: number): never {
  // KeyColumn comes from Flint's own catalog, so this is a bug, not bad input.
  throw new Error(`assertion failed: key column ${index} has unknown type ${String(column.type)}`);
}

function nullTag(column: KeyColumn): number {
  const nullsFirst = column.nulls === undefined ? column.descending === true : column.nulls === 'first';
  return nullsFirst ? TAG_NULL_FIRST : TAG_NULL_LAST;
}

function valueTag(column: KeyColumn, index: number): number {
  const direction = column.descending === true ? TAG_DESCENDING : 0;
  switch (column.type) {
    case 'bool':
      return TAG_BOOL | direction;
    case 'int64':
      return TAG_INT64 | direction;
    case 'float64':
      return TAG_FLOAT64 | direction;
    case 'text':
      return TAG_TEXT | direction;
    case 'bytes':
      return TAG_BYTES | direction;
    case 'numeric':
      return TAG_NUMERIC | direction;
    default:
      return unknownType(column, index);
  }
}

// ---- writing -------------------------------------------------------------------
// Everything below runs after encodedKeySize validated the values and checked
// that they fit, so it writes without checks; the casts rest on that.

function writeKey(columns: readonly KeyColumn[], values: readonly KeyValue[], out: Uint8Array, offset: number): number {
  let pos = offset;
  for (let i = 0; i < columns.length; i++) {
    pos = writeValue(columns[i]!, i, values[i]!, out, pos);
  }
  return pos;
}

/** Writes one column value at pos; returns the position after it. */
function writeValue(column: KeyColumn, index: number, value: KeyValue, out: Uint8Array, pos: number): number {
  if (value === null) {
    out[pos] = nullTag(column);
    return pos + 1;
  }
  out[pos] = valueTag(column, index);
  const mask = column.descending === true ? 0xff : 0x00;
  switch (column.type) {
    case 'bool':
      out[pos + 1] = (value === true ? 1 : 0) ^ mask;
      return pos + 2;
    case 'int64':
      return writeInt64(value as bigint | number, out, pos + 1, mask);
    case 'float64':
      return writeFloat64(value as number, out, pos + 1, mask);
    case 'text':
      return writeText(value as string, out, pos + 1, mask);
    case 'bytes':
      return writeBytes(value as Uint8Array, out, pos + 1, mask);
    case 'numeric':
      return writeNumericKey(value as string, out, pos + 1, mask);
    default:
      return unknownType(column, index);
  }
}

function writeInt64(value: bigint | number, out: Uint8Array, pos: number, mask: number): number {
  let hi: number;
  let lo: number;
  if (typeof value === 'bigint') {
    scratch.setBigInt64(0, value);
    hi = scratch.getUint32(0);
    lo = scratch.getUint32(4);
  } else {
    // A safe integer splits exactly into a signed high word and an unsigned
    // low word with plain arithmetic: no BigInt allocated for the common case.
    const high = Math.floor(value / TWO_POW_32);
    lo = value - high * TWO_POW_32;
    hi = high >>> 0;
  }
  write64(out, pos, (hi ^ SIGN_BIT_32) >>> 0, lo, mask);
  return pos + 8;
}

function writeFloat64(value: number, out: Uint8Array, pos: number, mask: number): number {
  let hi: number;
  let lo: number;
  if (value !== value) {
    // Every NaN, whatever its sign and payload bits, as the one canonical NaN.
    hi = NAN_ENCODED_HI;
    lo = 0;
  } else {
    scratch.setFloat64(0, value === 0 ? 0 : value); // -0 === 0: both become +0
    hi = scratch.getUint32(0);
    lo = scratch.getUint32(4);
    if (hi >= SIGN_BIT_32) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else {
      hi = (hi | SIGN_BIT_32) >>> 0;
    }
  }
  write64(out, pos, hi, lo, mask);
  return pos + 8;
}

/** Big-endian hi:lo, each byte XOR mask. Uint8Array stores keep the low 8 bits. */
function write64(out: Uint8Array, pos: number, hi: number, lo: number, mask: number): void {
  out[pos] = (hi >>> 24) ^ mask;
  out[pos + 1] = (hi >>> 16) ^ mask;
  out[pos + 2] = (hi >>> 8) ^ mask;
  out[pos + 3] = hi ^ mask;
  out[pos + 4] = (lo >>> 24) ^ mask;
  out[pos + 5] = (lo >>> 16) ^ mask;
  out[pos + 6] = (lo >>> 8) ^ mask;
  out[pos + 7] = lo ^ mask;
}

function writeText(value: string, out: Uint8Array, pos: number, mask: number): number {
  // encodeInto writes the UTF-8 straight into the key; escapes are then made
  // in place, back to front, into the room the size pass reserved for them.
  const { read, written } = utf8Encoder.encodeInto(value, out.subarray(pos));
  assert(read === value.length, 'the whole string fits: its size was checked');
  let zeros = 0;
  const utf8End = pos + written;
  for (let i = pos; i < utf8End; i++) {
    if (out[i] === 0) zeros++;
  }
  let end = utf8End + zeros;
  if (zeros > 0) {
    let w = end - 1;
    for (let r = utf8End - 1; r >= pos; r--) {
      const b = out[r]!;
      if (b === 0) {
        out[w--] = ESCAPED_NUL;
        out[w--] = 0x00;
      } else {
        out[w--] = b;
      }
    }
  }
  out[end] = 0x00;
  out[end + 1] = TERMINATOR;
  end += 2;
  if (mask !== 0) {
    for (let i = pos; i < end; i++) out[i] = out[i]! ^ mask;
  }
  return end;
}

function writeBytes(value: Uint8Array, out: Uint8Array, pos: number, mask: number): number {
  let w = pos;
  if (mask === 0 && value.indexOf(0) === -1) {
    out.set(value, w);
    w += value.length;
  } else {
    for (let r = 0; r < value.length; r++) {
      const b = value[r]!;
      out[w++] = b ^ mask;
      if (b === 0) out[w++] = ESCAPED_NUL ^ mask;
    }
  }
  out[w++] = mask;
  out[w++] = TERMINATOR ^ mask;
  return w;
}

// ---- reading -------------------------------------------------------------------

interface Cursor {
  /** Next byte to read. */
  pos: number;
  /** Escaped 0x00 bytes in the last text or bytes payload scanned. */
  escapes: number;
}

function readValue(column: KeyColumn, index: number, bytes: Uint8Array, cursor: Cursor, end: number): KeyValue {
  const tagPos = cursor.pos;
  if (tagPos >= end) throw corruptKey(column, index, tagPos, 'the key ends before this column');
  const tag = bytes[tagPos]!;
  if (tag === nullTag(column)) {
    cursor.pos = tagPos + 1;
    return null;
  }
  if (tag !== valueTag(column, index)) {
    throw corruptKey(column, index, tagPos, `tag 0x${tag.toString(16)} is not this column's`);
  }
  const pos = tagPos + 1;
  const mask = column.descending === true ? 0xff : 0x00;
  switch (column.type) {
    case 'bool': {
      need(column, index, pos, 1, end);
      const b = bytes[pos]! ^ mask;
      if (b > 1) throw corruptKey(column, index, pos, `bool byte 0x${bytes[pos]!.toString(16)}`);
      cursor.pos = pos + 1;
      return b === 1;
    }
    case 'int64': {
      need(column, index, pos, 8, end);
      scratch.setUint32(0, (read32(bytes, pos, mask) ^ SIGN_BIT_32) >>> 0);
      scratch.setUint32(4, read32(bytes, pos + 4, mask));
      cursor.pos = pos + 8;
      return scratch.getBigInt64(0);
    }
    case 'float64': {
      need(column, index, pos, 8, end);
      cursor.pos = pos + 8;
      return readFloat64(column, index, bytes, pos, mask);
    }
    case 'text': {
      const term = findTerminator(column, index, bytes, pos, end, mask, cursor);
      cursor.pos = term + 2;
      // Ascending without escapes, the payload is the UTF-8 itself: decode it in place.
      const plain = mask === 0 && cursor.escapes === 0;
      const utf8 = plain ? bytes.subarray(pos, term) : unescape(bytes, pos, term, cursor.escapes, mask);
      try {
        return utf8Decoder.decode(utf8);
      } catch (cause) {
        throw new FlintError(SqlState.indexCorrupted, corruptMessage(column, index, pos, 'invalid UTF-8'), { cause });
      }
    }
    case 'bytes': {
      const term = findTerminator(column, index, bytes, pos, end, mask, cursor);
      cursor.pos = term + 2;
      return unescape(bytes, pos, term, cursor.escapes, mask);
    }
    case 'numeric': {
      const read = readNumericKey(bytes, pos, end, mask);
      if (typeof read === 'string') throw corruptKey(column, index, pos, read);
      cursor.pos = read.end;
      return read.text;
    }
    default:
      return unknownType(column, index);
  }
}

function readFloat64(column: KeyColumn, index: number, bytes: Uint8Array, pos: number, mask: number): number {
  let hi = read32(bytes, pos, mask);
  let lo = read32(bytes, pos + 4, mask);
  if (hi >= SIGN_BIT_32) {
    hi = (hi ^ SIGN_BIT_32) >>> 0; // was non-negative
  } else {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  }
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  const value = scratch.getFloat64(0);
  // Only +0 and the canonical NaN are ever written, so anything else is corrupt.
  const canonical = value !== value ? hi === 0x7ff80000 && lo === 0 : !(hi === SIGN_BIT_32 && lo === 0);
  if (!canonical) throw corruptKey(column, index, pos, 'non-canonical float64 (-0 or a NaN payload)');
  return value;
}

function read32(bytes: Uint8Array, pos: number, mask: number): number {
  const b0 = bytes[pos]! ^ mask;
  const b1 = bytes[pos + 1]! ^ mask;
  const b2 = bytes[pos + 2]! ^ mask;
  const b3 = bytes[pos + 3]! ^ mask;
  return ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

function need(column: KeyColumn, index: number, pos: number, size: number, end: number): void {
  if (end - pos < size) throw corruptKey(column, index, pos, `needs ${size} bytes, ${end - pos} left`);
}

/** Offset of the terminator of the escaped payload starting at pos; counts escapes into cursor.escapes. */
function findTerminator(
  column: KeyColumn,
  index: number,
  bytes: Uint8Array,
  pos: number,
  end: number,
  mask: number,
  cursor: Cursor,
): number {
  let escapes = 0;
  for (let i = pos; i < end - 1; i++) {
    if ((bytes[i]! ^ mask) !== 0x00) continue;
    const next = bytes[i + 1]! ^ mask;
    if (next === TERMINATOR) {
      cursor.escapes = escapes;
      return i;
    }
    if (next !== ESCAPED_NUL) {
      throw corruptKey(column, index, i, `invalid escape 0x${bytes[i]!.toString(16)} 0x${bytes[i + 1]!.toString(16)}`);
    }
    escapes++;
    i++;
  }
  throw corruptKey(column, index, pos, 'no terminator before the end of the key');
}

/** A fresh array of the payload bytes[pos, term) with escapes removed and inversion undone. */
function unescape(bytes: Uint8Array, pos: number, term: number, escapes: number, mask: number): Uint8Array {
  if (mask === 0 && escapes === 0) return bytes.slice(pos, term);
  const out = new Uint8Array(term - pos - escapes);
  let w = 0;
  for (let r = pos; r < term; r++) {
    const b = bytes[r]! ^ mask;
    out[w++] = b;
    if (b === 0) r++; // skip the escape's second byte, checked by findTerminator
  }
  return out;
}

function corruptMessage(column: KeyColumn, index: number, at: number, what: string): string {
  const direction = column.descending === true ? ' desc' : '';
  return `corrupt key: column ${index} (${column.type}${direction}) at byte ${at}: ${what}`;
}

function corruptKey(column: KeyColumn, index: number, at: number, what: string): FlintError {
  return new FlintError(SqlState.indexCorrupted, corruptMessage(column, index, at, what));
}
