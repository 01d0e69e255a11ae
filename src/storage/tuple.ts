// The on-page tuple: one immutable row version, an MVCC header then the row.
//
// OFFSET SIZE DESCRIPTION
//      0    8 xmin: txid of the creating transaction (u64 as two u32 LE, low
//             word first; Flint keeps txids below 2^53 so they are JS numbers)
//      8    8 xmax: txid of the deleting or updating transaction (0 = none)
//     16    8 prev: tid of the older version this one replaced in an UPDATE
//             (0 = none; tid 0 never names a tuple). Versions chain newest to
//             oldest, so a reader that finds the newest version (the primary
//             index points there) walks back to the one its snapshot sees.
//     24    2 flags, hint bits (TUPLE_XMIN_COMMITTED ...); optional, 0 when written
//     26    2 column count n: columns stored in this tuple
//     28    8 row id, only if flags has TUPLE_HAS_ROWID: the hidden primary key
//             of a table declared without one (its primary index maps row id
//             to the newest version, as a declared key's does)
//  28|36    … null bitmap: ceil(n / 8) bytes, bit i (byte i >> 3, bit i & 7)
//             set = column i is NULL; the unused high bits of the last byte are 0
//      …    … the non-NULL column values, in column order, unaligned:
//
// TYPE     BYTES        VALUE (little-endian)
// bool     1            0 or 1
// int16    2            two's complement
// int32    4            two's complement
// int64    8            two's complement (a JS bigint)
// float32  4            IEEE 754 binary32 (a number rounds to the nearest float32)
// float64  8            IEEE 754 binary64
// text     varint + n   n = UTF-8 byte length, then the UTF-8 bytes
// bytes    varint + n   n = byte length, then the bytes
//
// The varint is unsigned LEB128 in its shortest form: 7 bits a byte, low
// group first, high bit set on every byte but the last; at most 5 bytes.
//
// A tuple with fewer columns than the table now has (written before an ADD
// COLUMN) reads its missing trailing columns as NULL; the engine can see the
// stored count with tupleColumnCount() if it needs defaults instead. A tuple
// with more columns than the table's types is corrupt.
//
// Errors. encodeTuple() rejects a value that does not match its column's type
// (22023), an integer outside its type's range (22003), text with a lone
// surrogate, which UTF-8 cannot hold (22021), and a tuple that does not fit
// the output (54000); each message names the column index. Decoding checks
// every length against the tuple's bounds and never reads outside
// [offset, offset + length); bad bytes are a FlintError XX001 whose message
// starts "corrupt tuple" and has no file or offset: the caller knows where
// the tuple is and rethrows with `corruption(file, offset, err.message)`.
// The header accessors work on a DataView and an absolute offset and
// allocate nothing; a u64 field at or beyond 2^53 reads as XX001 too, and the
// setters assert that they are given an integer in [0, 2^53).
//
// Hot path. A row whose text values are short ASCII (at most
// SINGLE_PASS_TEXT_UNITS code units each, the common case) is written in one
// pass over its values: each is validated, checked to fit and written in
// turn, each string copied four code units a step and checked for ASCII once
// after its copy; an invalid value, one that does not fit, or a non-ASCII
// code unit sends the row to the general path. That path sizes the
// row first (validating every value and scanning each string once), then
// writes it; it allocates nothing except a subarray
// view for text longer than 32 code units, which goes to TextEncoder's
// native encodeInto. Decoding allocates only the values it returns (bytes are
// copied out of the page, which the buffer pool will reuse); short ASCII text
// is decoded in JS, the rest by one fatal TextDecoder. The DataView is cached
// for the last buffer seen (in the engine: the view over the kernels' memory).

import { assert, FlintError, SqlState } from '../errors.ts';
import { EXTRACT_KIND_BOOL, EXTRACT_KIND_FLOAT32, EXTRACT_KIND_FLOAT64, EXTRACT_KIND_INT16, EXTRACT_KIND_INT32, EXTRACT_KIND_PRESENCE } from '../kernels/layout.ts';

export type StorageType = 'bool' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'text' | 'bytes';
export type StorageValue = null | boolean | number | bigint | string | Uint8Array;

/** Every storage type, for tests and schema validation. */
export const STORAGE_TYPES: readonly StorageType[] = ['bool', 'int16', 'int32', 'int64', 'float32', 'float64', 'text', 'bytes'];

export const TUPLE_OFF_XMIN = 0;
export const TUPLE_OFF_XMAX = 8;
export const TUPLE_OFF_PREV = 16;
export const TUPLE_OFF_FLAGS = 24;
export const TUPLE_OFF_COLUMN_COUNT = 26;
export const TUPLE_HEADER_SIZE = 28;

/** Hint bits of the flags field. */
export const TUPLE_XMIN_COMMITTED = 0x01;
export const TUPLE_XMIN_ABORTED = 0x02;
export const TUPLE_XMAX_COMMITTED = 0x04;
export const TUPLE_XMAX_ABORTED = 0x08;
/** xmax is an update (not a delete): a newer version exists. */
export const TUPLE_UPDATED = 0x10;
/** xmin is older than every snapshot: visible to all without a lookup. */
export const TUPLE_FROZEN = 0x20;
/** An 8-byte row id follows the header (a table without a declared primary key). Never changes after the tuple is written. */
export const TUPLE_HAS_ROWID = 0x40;
/** Bytes of the row id field when present. */
export const TUPLE_ROWID_SIZE = 8;

/** Most columns a tuple can hold (the column count is a u16). */
export const TUPLE_COLUMNS_MAX = 0xffff;
/** Longest varint: 5 bytes hold any length below 2^35. */
const VARINT_BYTES_MAX = 5;
/** Longest text or bytes value the encoder accepts (varint lengths are written with 32-bit shifts). */
const VALUE_BYTES_MAX = 0xffffffff;
/** Header fields hold integers below 2^53: the high word stays below 2^21. */
const U53_HIGH_MAX = 0x1fffff;
const TWO_32 = 0x100000000;
// Below these sizes a JS loop beats the native TextEncoder/TextDecoder call
// (measured on Node 20 and Bun: the crossover is near 20 units either way).
/** Text of up to this many UTF-16 code units is encoded in JS; longer goes to TextEncoder.encodeInto. */
const SHORT_TEXT_UNITS = 32;
/** Text the single-pass encoder takes: at most 3 * 42 = 126 bytes, so its varint length is one byte whatever its UTF-8 length. */
const SINGLE_PASS_TEXT_UNITS = 42;
/** ASCII text of up to this many bytes is decoded a character at a time (short strings: V8 copies them flat). */
const SHORT_TEXT_BYTES = 10;
/**
 * Longer ASCII text up to this many bytes is decoded by one
 * String.fromCharCode call over an array of its codes (one array per length,
 * reused): about half a TextDecoder call's time for 10-60 bytes, and
 * unlike appending a character at a time (past 12 characters V8 makes a
 * rope, flattened when first read) a flat string. Longer or non-ASCII text
 * goes to TextDecoder.
 */
const ASCII_TEXT_BYTES = 64;
const asciiCodes: number[][] = Array.from({ length: ASCII_TEXT_BYTES + 1 }, (_, n) => new Array<number>(n).fill(0));

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is corruption, not U+FFFD; ignoreBOM: a leading U+FEFF is data.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// UTF-8 lengths of the text columns, from the size pass to the write pass of
// encodeTuple (so each string is scanned once). Grows to the widest row seen.
let textBytes = new Uint32Array(64);

// ---- header accessors -------------------------------------------------------

/** Creating txid of the tuple at byte `at` of `view`. */
export function tupleXmin(view: DataView, at: number): number {
  return readU53(view, at + TUPLE_OFF_XMIN);
}

/** Deleting or updating txid, 0 if none. */
export function tupleXmax(view: DataView, at: number): number {
  return readU53(view, at + TUPLE_OFF_XMAX);
}

/** Tid of the newer version, 0 if none. */
export function tuplePrev(view: DataView, at: number): number {
  return readU53(view, at + TUPLE_OFF_PREV);
}

/** Hint bits (TUPLE_XMIN_COMMITTED ...). */
export function tupleFlags(view: DataView, at: number): number {
  return view.getUint16(at + TUPLE_OFF_FLAGS, true);
}

/** The tuple's row id (TUPLE_HAS_ROWID), or -1 if it has none. */
export function tupleRowId(view: DataView, at: number): number {
  if ((view.getUint16(at + TUPLE_OFF_FLAGS, true) & TUPLE_HAS_ROWID) === 0) return -1;
  return readU53(view, at + TUPLE_HEADER_SIZE);
}

/** First byte after the header (and the row id, if any): where the null bitmap starts. */
function bodyStart(bytes: Uint8Array, offset: number): number {
  const flags = bytes[offset + TUPLE_OFF_FLAGS]! | (bytes[offset + TUPLE_OFF_FLAGS + 1]! << 8);
  return offset + TUPLE_HEADER_SIZE + ((flags & TUPLE_HAS_ROWID) === 0 ? 0 : TUPLE_ROWID_SIZE);
}

/** Columns stored in the tuple (fewer than the table's if written before an ADD COLUMN). */
export function tupleColumnCount(view: DataView, at: number): number {
  return view.getUint16(at + TUPLE_OFF_COLUMN_COUNT, true);
}

export function setTupleXmin(view: DataView, at: number, txid: number): void {
  writeU53(view, at + TUPLE_OFF_XMIN, txid);
}

export function setTupleXmax(view: DataView, at: number, txid: number): void {
  writeU53(view, at + TUPLE_OFF_XMAX, txid);
}

export function setTuplePrev(view: DataView, at: number, tid: number): void {
  writeU53(view, at + TUPLE_OFF_PREV, tid);
}

/**
 * Set the flags, except TUPLE_HAS_ROWID: that bit describes the layout, was
 * fixed when the tuple was written, and is kept whatever `flags` says.
 */
export function setTupleFlags(view: DataView, at: number, flags: number): void {
  if (!(Number.isInteger(flags) && flags >= 0 && flags <= 0xffff)) failAssert(`tuple flags must be a u16, got ${flags}`);
  const layout = view.getUint16(at + TUPLE_OFF_FLAGS, true) & TUPLE_HAS_ROWID;
  view.setUint16(at + TUPLE_OFF_FLAGS, (flags & ~TUPLE_HAS_ROWID) | layout, true);
}

function readU53(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi > U53_HIGH_MAX) throw tupleCorrupt(`header field at byte ${at} is not below 2^53`);
  return hi * TWO_32 + lo;
}

function writeU53(view: DataView, at: number, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) failAssert(`tuple header fields hold integers in [0, 2^53), got ${value}`);
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, value > 0xffffffff ? Math.floor(value / TWO_32) : 0, true);
}

// ---- encoding ---------------------------------------------------------------

/** Bytes encodeTuple() writes for this row, header included. Validates the row as encodeTuple() does. */
export function encodedRowSize(types: readonly StorageType[], values: readonly StorageValue[], rowId = -1): number {
  checkArity(types, values);
  let size = TUPLE_HEADER_SIZE + (rowId < 0 ? 0 : TUPLE_ROWID_SIZE) + ((types.length + 7) >>> 3);
  if (textBytes.length < types.length) textBytes = new Uint32Array(Math.max(types.length, textBytes.length * 2));
  for (let i = 0; i < types.length; i++) {
    const value = values[i]!;
    if (value === null) continue;
    size += valueSize(types[i]!, value, i);
  }
  return size;
}

/**
 * Write the tuple for `values` at out[offset]: a header with xmin, xmax = 0,
 * prev = 0, flags = 0 (TUPLE_HAS_ROWID and the row id if rowId >= 0), then
 * the row. Returns the bytes written. An invalid row (22023, 22003, 22021)
 * or one that does not fit in `out` from `offset` (54000) may leave bytes
 * written from `offset` on (the single pass writes as it validates); none
 * before `offset` or past the end of `out`.
 */
export function encodeTuple(
  types: readonly StorageType[],
  values: readonly StorageValue[],
  xmin: number,
  out: Uint8Array,
  offset: number,
  rowId = -1,
): number {
  const n = encodeTupleOrSize(types, values, xmin, out, offset, rowId);
  if (n < 0) {
    throw new FlintError(
      SqlState.programLimitExceeded,
      `tuple of ${-n} bytes (${types.length} columns) does not fit in the ${out.length - offset} bytes available`,
    );
  }
  return n;
}

/**
 * encodeTuple(), except that a tuple that does not fit in `out` from
 * `offset` is not an error: the result is minus its size (bytes from
 * `offset` on may have been written), so that the caller can grow its
 * buffer and call again. The row is
 * sized and validated once (encodeTuple used to be preceded by an
 * encodedRowSize call to size the buffer: two passes over every string).
 */
export function encodeTupleOrSize(
  types: readonly StorageType[],
  values: readonly StorageValue[],
  xmin: number,
  out: Uint8Array,
  offset: number,
  rowId = -1,
): number {
  if (!(Number.isSafeInteger(offset) && offset >= 0 && offset <= out.length)) failAssert(`encodeTuple: offset ${offset} outside the output of ${out.length} bytes`);
  if (!(Number.isSafeInteger(xmin) && xmin >= 0)) failAssert(`encodeTuple: xmin must be an integer in [0, 2^53), got ${xmin}`);
  if (!(Number.isSafeInteger(rowId) && rowId >= -1)) failAssert(`encodeTuple: row id must be -1 (none) or an integer in [0, 2^53), got ${rowId}`);
  const single = encodeShortAscii(types, values, xmin, out, offset, rowId);
  if (single >= 0) return single;
  return encodeTupleTwoPass(types, values, xmin, out, offset, rowId);
}

/**
 * encodeTupleOrSize's general path: size (and validate) the row, then write
 * it. Exported for the tests that hold the single pass to the same bytes.
 */
export function encodeTupleTwoPass(
  types: readonly StorageType[],
  values: readonly StorageValue[],
  xmin: number,
  out: Uint8Array,
  offset: number,
  rowId = -1,
): number {
  const size = encodedRowSize(types, values, rowId); // validates, and fills textBytes
  if (size > out.length - offset) return -size;
  const view = viewOf(out);
  const bitmap = writeTupleHead(out, view, offset, xmin, rowId, types.length);
  let p = bitmap + ((types.length + 7) >>> 3);
  for (let i = 0; i < types.length; i++) {
    const value = values[i]!;
    if (value === null) {
      out[bitmap + (i >>> 3)]! |= 1 << (i & 7);
      continue;
    }
    p = writeValue(types[i]!, value, out, view, p, i);
  }
  if (p - offset !== size) failAssert(`encodeTuple wrote ${p - offset} bytes, sized ${size}`);
  return size;
}

/**
 * A new tuple's header at out[offset] (xmin; xmax, prev and flags zero but
 * TUPLE_HAS_ROWID when rowId >= 0; the column count), its row id if any, and
 * a zeroed null bitmap for `columns`. Returns where the bitmap starts. Both
 * encoders' first step.
 */
function writeTupleHead(out: Uint8Array, view: DataView, offset: number, xmin: number, rowId: number, columns: number): number {
  writeU53(view, offset + TUPLE_OFF_XMIN, xmin);
  view.setUint32(offset + TUPLE_OFF_XMAX, 0, true);
  view.setUint32(offset + TUPLE_OFF_XMAX + 4, 0, true);
  view.setUint32(offset + TUPLE_OFF_PREV, 0, true);
  view.setUint32(offset + TUPLE_OFF_PREV + 4, 0, true);
  view.setUint16(offset + TUPLE_OFF_FLAGS, rowId < 0 ? 0 : TUPLE_HAS_ROWID, true);
  view.setUint16(offset + TUPLE_OFF_COLUMN_COUNT, columns, true);
  if (rowId >= 0) writeU53(view, offset + TUPLE_HEADER_SIZE, rowId);
  const bitmap = offset + TUPLE_HEADER_SIZE + (rowId < 0 ? 0 : TUPLE_ROWID_SIZE);
  const end = bitmap + ((columns + 7) >>> 3);
  for (let b = bitmap; b < end; b++) out[b] = 0; // a loop: fill() costs more than a few bytes
  return bitmap;
}

/**
 * encodeTupleOrSize's single pass: the tuple's size, or -1 if the row is not
 * for this path (a value that is invalid, bytes, text longer than
 * SINGLE_PASS_TEXT_UNITS or not ASCII, or a value past the end of the
 * output), and then the general path encodes it. One loop over the values
 * (a first one that validated them and bounded the size before any write
 * made it ~20% slower, bench:peers' rows): a row that leaves here has had
 * its header and some values written, which the general path writes again
 * (or it throws the value's error, 22021 for a lone surrogate, or returns
 * the size a larger output needs).
 */
function encodeShortAscii(types: readonly StorageType[], values: readonly StorageValue[], xmin: number, out: Uint8Array, offset: number, rowId: number): number {
  const n = types.length;
  if (n !== values.length || n > TUPLE_COLUMNS_MAX) return -1;
  const limit = out.length;
  let p = offset + TUPLE_HEADER_SIZE + (rowId < 0 ? 0 : TUPLE_ROWID_SIZE) + ((n + 7) >>> 3);
  if (p > limit) return -1;
  const view = viewOf(out);
  const bitmap = writeTupleHead(out, view, offset, xmin, rowId, n);
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (value === null) {
      out[bitmap + (i >>> 3)]! |= 1 << (i & 7);
      continue;
    }
    switch (types[i]) {
      case 'text': {
        if (typeof value !== 'string') return -1;
        const s = value;
        const len = s.length;
        const start = p + 1;
        if (len > SINGLE_PASS_TEXT_UNITS || start + len > limit) return -1;
        // Four code units a step, stored as one little-endian u32 (one store and bounds check where four byte
        // stores took ~135 more instructions a bench:peers row); ASCII checked once after the copy (no unit has a
        // bit above the low seven: each unit is its byte, and the shifted units do not overlap). A unit that is not
        // ASCII sends the row to the general path, which writes these bytes again.
        let high = 0;
        let k = 0;
        for (; k + 4 <= len; k += 4) {
          const c0 = s.charCodeAt(k);
          const c1 = s.charCodeAt(k + 1);
          const c2 = s.charCodeAt(k + 2);
          const c3 = s.charCodeAt(k + 3);
          high |= c0 | c1 | c2 | c3;
          view.setUint32(start + k, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), true);
        }
        for (; k < len; k++) {
          const c = s.charCodeAt(k);
          high |= c;
          out[start + k] = c;
        }
        if (high >= 0x80) return -1;
        out[p] = len; // below 0x80: a one-byte varint
        p = start + len;
        break;
      }
      case 'int32':
        if (typeof value !== 'number' || (value | 0) !== value || p + 4 > limit) return -1;
        view.setInt32(p, value, true);
        p += 4;
        break;
      case 'float64':
        if (typeof value !== 'number' || p + 8 > limit) return -1;
        view.setFloat64(p, value, true);
        p += 8;
        break;
      case 'int64':
        if (p + 8 > limit) return -1;
        if (typeof value === 'bigint') {
          if (value < INT64_MIN || value > INT64_MAX) return -1;
          view.setBigInt64(p, value, true);
        } else {
          if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63) return -1;
          const hi = Math.floor(value / TWO_32);
          view.setUint32(p, value - hi * TWO_32, true);
          view.setInt32(p + 4, hi, true);
        }
        p += 8;
        break;
      case 'bool':
        if (typeof value !== 'boolean' || p + 1 > limit) return -1;
        out[p++] = value ? 1 : 0;
        break;
      case 'int16':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x8000 || value > 0x7fff || p + 2 > limit) return -1;
        view.setInt16(p, value, true);
        p += 2;
        break;
      case 'float32':
        if (typeof value !== 'number' || p + 4 > limit) return -1;
        view.setFloat32(p, value, true);
        p += 4;
        break;
      default:
        return -1;
    }
  }
  return p - offset;
}

function checkArity(types: readonly StorageType[], values: readonly StorageValue[]): void {
  if (types.length !== values.length) {
    throw new FlintError(SqlState.invalidParameterValue, `row has ${values.length} values for ${types.length} columns`);
  }
  if (types.length > TUPLE_COLUMNS_MAX) {
    throw new FlintError(SqlState.programLimitExceeded, `a tuple holds at most ${TUPLE_COLUMNS_MAX} columns, got ${types.length}`);
  }
}

/** Encoded size of a non-null value; throws if it does not match the type. Records text lengths in textBytes. */
function valueSize(type: StorageType, value: NonNullable<StorageValue>, column: number): number {
  switch (type) {
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(type, value, column);
      return 1;
    case 'int16':
      checkSmallInt(type, value, -0x8000, 0x7fff, column);
      return 2;
    case 'int32':
      checkSmallInt(type, value, -0x80000000, 0x7fffffff, column);
      return 4;
    case 'int64':
      checkInt64(value, column);
      return 8;
    case 'float32':
      if (typeof value !== 'number') throw mismatch(type, value, column);
      return 4;
    case 'float64':
      if (typeof value !== 'number') throw mismatch(type, value, column);
      return 8;
    case 'text': {
      if (typeof value !== 'string') throw mismatch(type, value, column);
      const n = utf8Length(value, column);
      if (n > VALUE_BYTES_MAX) throw tooLong(type, n, column);
      textBytes[column] = n;
      return varintSize(n) + n;
    }
    case 'bytes': {
      if (!(value instanceof Uint8Array)) throw mismatch(type, value, column);
      const n = value.length;
      if (n > VALUE_BYTES_MAX) throw tooLong(type, n, column);
      return varintSize(n) + n;
    }
    default:
      return failAssert(`column ${column}: unknown storage type ${String(type)}`);
  }
}

/** int16 and int32 take a number or a bigint within range, decode as numbers. */
function checkSmallInt(type: StorageType, value: NonNullable<StorageValue>, min: number, max: number, column: number): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw mismatch(type, value, column);
    if (value < min || value > max) throw outOfRange(type, value, column);
  } else if (typeof value === 'bigint') {
    if (value < BigInt(min) || value > BigInt(max)) throw outOfRange(type, value, column);
  } else {
    throw mismatch(type, value, column);
  }
}

/** int64 takes a bigint, or an integral number, within range; decodes as a bigint. */
function checkInt64(value: NonNullable<StorageValue>, column: number): void {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) throw outOfRange('int64', value, column);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw mismatch('int64', value, column);
    // 2^63 itself is a double; everything below it converts exactly.
    if (value < -(2 ** 63) || value >= 2 ** 63) throw outOfRange('int64', value, column);
  } else {
    throw mismatch('int64', value, column);
  }
}

/** Write a non-null value validated by valueSize() at out[p]; returns the end. */
function writeValue(type: StorageType, value: NonNullable<StorageValue>, out: Uint8Array, view: DataView, p: number, column: number): number {
  switch (type) {
    case 'bool':
      out[p] = value === true ? 1 : 0;
      return p + 1;
    case 'int16':
      view.setInt16(p, Number(value), true);
      return p + 2;
    case 'int32':
      view.setInt32(p, Number(value), true);
      return p + 4;
    case 'int64':
      view.setBigInt64(p, typeof value === 'bigint' ? value : BigInt(value as number), true);
      return p + 8;
    case 'float32':
      view.setFloat32(p, value as number, true);
      return p + 4;
    case 'float64':
      view.setFloat64(p, value as number, true);
      return p + 8;
    case 'text': {
      const s = value as string;
      const n = textBytes[column]!;
      p = writeVarint(out, p, n);
      const written = s.length <= SHORT_TEXT_UNITS ? writeUtf8(s, out, p) - p : encoder.encodeInto(s, out.subarray(p, p + n)).written;
      if (written !== n) failAssert(`column ${column}: UTF-8 encoding wrote ${written} bytes, expected ${n}`);
      return p + n;
    }
    case 'bytes': {
      const b = value as Uint8Array;
      p = writeVarint(out, p, b.length);
      out.set(b, p);
      return p + b.length;
    }
    default:
      return failAssert(`column ${column}: unknown storage type ${String(type)}`);
  }
}

/** UTF-8 bytes of s, as TextEncoder writes them. Text with a lone surrogate is rejected (22021): UTF-8 cannot hold it. */
function utf8Length(s: string, column: number): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c < 0xd800 || c > 0xdfff) {
      n += 2;
    } else {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) {
        throw new FlintError(
          SqlState.characterNotInRepertoire,
          `column ${column}: text has a lone surrogate U+${c.toString(16).toUpperCase()} at index ${i}, which UTF-8 cannot encode`,
        );
      }
      n += 2; // a pair: two code units, four bytes
      i++;
    }
  }
  return n;
}

/** UTF-8 of s (validated by utf8Length: surrogates come in pairs) at out[p]; returns the end. */
function writeUtf8(s: string, out: Uint8Array, p: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >>> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[p++] = 0xe0 | (c >>> 12);
      out[p++] = 0x80 | ((c >>> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[p++] = 0xf0 | (c >>> 18);
      out[p++] = 0x80 | ((c >>> 12) & 0x3f);
      out[p++] = 0x80 | ((c >>> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Uint8Array, p: number, n: number): number {
  let v = n >>> 0;
  while (v >= 0x80) {
    out[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[p++] = v;
  return p;
}

// ---- decoding ---------------------------------------------------------------

/**
 * The row of the tuple in bytes[offset, offset + length), one value per
 * entry of `types`: null, boolean, number (int16, int32, float32, float64),
 * bigint (int64), string (text) or a copied Uint8Array (bytes). The tuple
 * must end exactly after its last column. Corrupt bytes: XX001.
 * `extraColumns`: a tuple may store more columns than `types` (written by a
 * transaction whose ADD COLUMN rolled back); only the first ones are read.
 * `wanted`: the columns to decode; the others are skipped and read as null.
 */
export function decodeTuple(
  types: readonly StorageType[],
  bytes: Uint8Array,
  offset: number,
  length: number,
  extraColumns = false,
  wanted?: readonly boolean[],
): StorageValue[] {
  const row = new Array<StorageValue>(types.length);
  let plan: ColumnPlan;
  if (wanted !== undefined) {
    plan = columnPlan(types, wanted);
  } else {
    // Point reads decode one tuple a call, mostly of the same table: keep the last plan.
    if (types !== lastPlanTypes || lastPlan.codes.length !== types.length) {
      lastPlan = columnPlan(types);
      lastPlanTypes = types;
    }
    plan = lastPlan;
  }
  decodeTupleInto(types, bytes, offset, length, extraColumns, plan, row);
  return row;
}

let lastPlanTypes: readonly StorageType[] | undefined;
let lastPlan: ColumnPlan = { codes: new Uint8Array(0), last: 0 };

const TYPE_CODES: Record<StorageType, number> = { bool: 0, int16: 1, int32: 2, int64: 3, float32: 4, float64: 5, text: 6, bytes: 7 };
/** Bytes of each fixed-width type code (0: a varint length, then the bytes). */
const FIXED_WIDTH = [1, 2, 4, 8, 4, 8, 0, 0];
/** A column plan's code has this bit when the column is to be decoded. */
const PLAN_READ = 8;

/**
 * How decodeTupleInto treats each column, worked out once per scan: its type
 * as a small integer, whether it is wanted, and where the walk may stop.
 */
export interface ColumnPlan {
  /** Per column: type code | PLAN_READ if wanted. */
  readonly codes: Uint8Array;
  /** One past the last wanted column: the bytes after it are not walked (nor checked). */
  readonly last: number;
}

/** The plan for decoding `wanted` of `types` (every column when absent). */
export function columnPlan(types: readonly StorageType[], wanted?: readonly boolean[]): ColumnPlan {
  const codes = new Uint8Array(types.length);
  let last = wanted === undefined ? types.length : 0;
  for (let i = 0; i < types.length; i++) {
    const code = TYPE_CODES[types[i]!];
    if (code === undefined) failAssert(`column ${i}: unknown storage type ${String(types[i])}`);
    const read = wanted === undefined || wanted[i] === true;
    codes[i] = code | (read ? PLAN_READ : 0);
    if (read) last = i + 1;
  }
  return { codes, last };
}

/**
 * decodeTuple into `row` (entries 0 .. types.length - 1 are overwritten), by
 * a plan from columnPlan(types, wanted): a scan makes the plan once and
 * reuses one array for every tuple instead of allocating one each. The bytes
 * after the last wanted column are not walked (nor checked).
 */
export function decodeTupleInto(
  types: readonly StorageType[],
  bytes: Uint8Array,
  offset: number,
  length: number,
  extraColumns: boolean,
  plan: ColumnPlan,
  row: StorageValue[],
): void {
  const end = tupleEnd(bytes, offset, length);
  const count = storedColumns(types, bytes, offset, end, extraColumns);
  const bitmap = bodyStart(bytes, offset);
  const view = viewOf(bytes);
  let p = bitmap + ((count + 7) >>> 3);
  const n = types.length;
  const codes = plan.codes;
  const last = plan.last;
  let i = 0;
  for (; i < last; i++) {
    if (i >= count || (bytes[bitmap + (i >>> 3)]! & (1 << (i & 7))) !== 0) {
      row[i] = null;
      continue;
    }
    const code = codes[i]!;
    if ((code & PLAN_READ) === 0) {
      row[i] = null;
      const width = FIXED_WIDTH[code]!;
      if (width === 0) {
        const m = readVarint(bytes, p, end, i);
        p = cursor;
        if (m > end - p) need(p, m, end, types[i]!, i);
        p += m;
      } else {
        if (width > end - p) need(p, width, end, types[i]!, i);
        p += width;
      }
      continue;
    }
    switch (code & 7) {
      case 5: // float64
        if (8 > end - p) need(p, 8, end, 'float64', i);
        row[i] = view.getFloat64(p, true);
        p += 8;
        break;
      case 2: // int32
        if (4 > end - p) need(p, 4, end, 'int32', i);
        row[i] = view.getInt32(p, true);
        p += 4;
        break;
      case 3: // int64
        if (8 > end - p) need(p, 8, end, 'int64', i);
        row[i] = view.getBigInt64(p, true);
        p += 8;
        break;
      default:
        row[i] = readValue(types[i]!, bytes, view, p, end, i);
        p = cursor;
    }
  }
  for (; i < n; i++) row[i] = null;
  if (last === n && p !== end && !(extraColumns && count > n)) throw tupleCorrupt(`${end - p} bytes follow the last column of a ${length}-byte tuple`);
}

/**
 * Column `column` of the tuple, without decoding the others: it walks the
 * lengths of the non-null columns before it. Checks only the bytes it walks.
 */
export function decodeColumn(
  types: readonly StorageType[],
  bytes: Uint8Array,
  offset: number,
  length: number,
  column: number,
): StorageValue {
  if (!(Number.isInteger(column) && column >= 0 && column < types.length)) failAssert(`decodeColumn: no column ${column} of ${types.length}`);
  const end = tupleEnd(bytes, offset, length);
  const count = storedColumns(types, bytes, offset, end);
  const bitmap = bodyStart(bytes, offset);
  if (column >= count || (bytes[bitmap + (column >>> 3)]! & (1 << (column & 7))) !== 0) return null;
  let p = bitmap + ((count + 7) >>> 3);
  for (let i = 0; i < column; i++) {
    if ((bytes[bitmap + (i >>> 3)]! & (1 << (i & 7))) !== 0) continue;
    p = skipValue(types[i]!, bytes, p, end, i);
  }
  return readValue(types[column]!, bytes, viewOf(bytes), p, end, column);
}

/**
 * Does column `column` (text or bytes) hold exactly the bytes `expected`,
 * without decoding it: a scan's test of `column = constant` before it
 * decodes the row. False for NULL; true when the tuple stores fewer columns
 * (the column was added after it was written and reads as its missing value,
 * which only the caller knows). Checks only the bytes it walks, as
 * decodeColumn does.
 */
export function tupleBytesEqual(
  types: readonly StorageType[],
  bytes: Uint8Array,
  offset: number,
  length: number,
  column: number,
  expected: Uint8Array,
): boolean {
  const type = types[column];
  if (type !== 'text' && type !== 'bytes') failAssert(`tupleBytesEqual: column ${column} is ${String(type)}, not text or bytes`);
  const end = tupleEnd(bytes, offset, length);
  const count = storedColumns(types, bytes, offset, end);
  if (column >= count) return true;
  const bitmap = bodyStart(bytes, offset);
  if ((bytes[bitmap + (column >>> 3)]! & (1 << (column & 7))) !== 0) return false;
  let p = bitmap + ((count + 7) >>> 3);
  for (let i = 0; i < column; i++) {
    if ((bytes[bitmap + (i >>> 3)]! & (1 << (i & 7))) !== 0) continue;
    p = skipValue(types[i]!, bytes, p, end, i);
  }
  const n = readVarint(bytes, p, end, column);
  if (n !== expected.length) return false;
  p = cursor;
  need(p, n, end, type, column);
  for (let i = 0; i < n; i++) if (bytes[p + i] !== expected[i]) return false;
  return true;
}

/** Per storage type: the byte width of its values, 0 for a varint length then that many bytes. */
const MATCH_WIDTHS: Record<StorageType, number> = { bool: 1, int16: 2, int32: 4, int64: 8, float32: 4, float64: 8, text: 0, bytes: 0 };

/**
 * The pageMatchColumn kernel's description of this tuple layout and of
 * column `column` (text or bytes) of `types` (src/kernels/layout.ts,
 * "Column filter"): the kernel then tests the column's bytes as
 * tupleBytesEqual does, on every tuple of a page in one call. Returns
 * undefined if the table has more columns than a descriptor holds.
 */
export function columnMatchDescriptor(types: readonly StorageType[], column: number): Uint8Array | undefined {
  const type = types[column];
  if (type !== 'text' && type !== 'bytes') failAssert(`columnMatchDescriptor: column ${column} is ${String(type)}, not text or bytes`);
  if (types.length > 0xffff) return undefined;
  return layoutDescriptor(types, column, 0);
}

/** The column filter's descriptor (layout.ts): the tuple header's fields, `field14`, the widths, then `extra` bytes of zeros. */
function layoutDescriptor(types: readonly StorageType[], field14: number, extra: number): Uint8Array {
  const desc = new Uint8Array(18 + types.length + extra);
  const v = new DataView(desc.buffer);
  v.setUint16(0, TUPLE_HEADER_SIZE, true);
  v.setUint16(2, TUPLE_OFF_FLAGS, true);
  v.setUint16(4, TUPLE_OFF_COLUMN_COUNT, true);
  v.setUint16(6, TUPLE_HAS_ROWID, true);
  v.setUint16(8, TUPLE_ROWID_SIZE, true);
  // The u64 fields a scan reads from every tuple before it tests the column (tupleXmin, tupleXmax).
  v.setUint16(10, TUPLE_OFF_XMIN, true);
  v.setUint16(12, TUPLE_OFF_XMAX, true);
  v.setUint16(14, field14, true);
  v.setUint16(16, types.length, true);
  for (let i = 0; i < types.length; i++) desc[18 + i] = MATCH_WIDTHS[types[i]!];
  return desc;
}

/** How pageExtractColumns reads each storage type as a float64 (int64, text and bytes: only whether they are NULL). */
const EXTRACT_KINDS: Partial<Record<StorageType, number>> = {
  bool: EXTRACT_KIND_BOOL, int16: EXTRACT_KIND_INT16, int32: EXTRACT_KIND_INT32, float32: EXTRACT_KIND_FLOAT32, float64: EXTRACT_KIND_FLOAT64,
};

/**
 * The pageExtractColumns kernel's descriptor (src/kernels/layout.ts,
 * "Column extraction") for `columns` of `types`, ascending and distinct;
 * `presence[j]`: only whether column j is NULL is wanted (the kernel then
 * steps over its value; the bytes of a text value are not checked as UTF-8).
 * Returns undefined if a column's value cannot be read as a float64 exactly
 * (int64, text, bytes) and its presence alone is not enough, or the
 * descriptor would not hold the table.
 */
export function columnExtractDescriptor(types: readonly StorageType[], columns: readonly number[], presence: readonly boolean[]): Uint8Array | undefined {
  if (types.length > 0xffff || columns.length === 0) return undefined;
  const desc = layoutDescriptor(types, columns.length, 4 * columns.length);
  const v = new DataView(desc.buffer);
  for (let j = 0; j < columns.length; j++) {
    const column = columns[j]!;
    if (!(Number.isInteger(column) && column >= 0 && column < types.length) || (j > 0 && column <= columns[j - 1]!)) {
      failAssert(`columnExtractDescriptor: columns ${columns.join(', ')} are not ascending columns of ${types.length}`);
    }
    // A bool is read (and its byte checked, as decoding checks it) even when only its presence is wanted.
    const kind = EXTRACT_KINDS[types[column]!] ?? (presence[j] === true ? EXTRACT_KIND_PRESENCE : undefined);
    if (kind === undefined) return undefined;
    const at = 18 + types.length + 4 * j;
    v.setUint16(at, column, true);
    desc[at + 2] = kind;
  }
  return desc;
}

/** End of the tuple; XX001 if the range is not inside bytes (a corrupt slot would point there). */
function tupleEnd(bytes: Uint8Array, offset: number, length: number): number {
  if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0)) {
    failAssert(`tuple range [${offset}, +${length}) is not a pair of non-negative integers`);
  }
  if (offset + length > bytes.length) throw tupleCorrupt(`${length}-byte tuple at byte ${offset} runs past the ${bytes.length}-byte buffer`);
  return offset + length;
}

/** Validated column count of the header: fits types, bitmap inside the tuple, no stray bitmap bits. */
function storedColumns(types: readonly StorageType[], bytes: Uint8Array, offset: number, end: number, extraColumns = false): number {
  if (end - offset < TUPLE_HEADER_SIZE) throw tupleCorrupt(`${end - offset} bytes, shorter than the ${TUPLE_HEADER_SIZE}-byte header`);
  const count = bytes[offset + TUPLE_OFF_COLUMN_COUNT]! | (bytes[offset + TUPLE_OFF_COLUMN_COUNT + 1]! << 8);
  if (count > types.length && !extraColumns) throw tupleCorrupt(`${count} columns stored, the table has ${types.length}`);
  const bitmapBytes = (count + 7) >>> 3;
  const bitmap = bodyStart(bytes, offset);
  if (bitmap + bitmapBytes > end) throw tupleCorrupt(`null bitmap of ${count} columns runs past the ${end - offset}-byte tuple`);
  if ((count & 7) !== 0 && bytes[bitmap + bitmapBytes - 1]! >>> (count & 7) !== 0) {
    throw tupleCorrupt(`null bitmap has bits set past its ${count} columns`);
  }
  return count;
}

// Where the last readValue() or readVarint() stopped: a second result
// without allocating a pair. Decoding runs to completion without calling
// out, so one module-level cursor is safe.
let cursor = 0;

/** The value of `type` at bytes[p]; sets cursor to its end. */
function readValue(type: StorageType, bytes: Uint8Array, view: DataView, p: number, end: number, column: number): StorageValue {
  switch (type) {
    case 'bool': {
      need(p, 1, end, type, column);
      const b = bytes[p]!;
      if (b > 1) throw tupleCorrupt(`column ${column}: bool byte is ${b}`);
      cursor = p + 1;
      return b === 1;
    }
    case 'int16':
      need(p, 2, end, type, column);
      cursor = p + 2;
      return view.getInt16(p, true);
    case 'int32':
      need(p, 4, end, type, column);
      cursor = p + 4;
      return view.getInt32(p, true);
    case 'int64':
      need(p, 8, end, type, column);
      cursor = p + 8;
      return view.getBigInt64(p, true);
    case 'float32':
      need(p, 4, end, type, column);
      cursor = p + 4;
      return view.getFloat32(p, true);
    case 'float64':
      need(p, 8, end, type, column);
      cursor = p + 8;
      return view.getFloat64(p, true);
    case 'text': {
      const n = readVarint(bytes, p, end, column);
      const start = cursor;
      need(start, n, end, type, column);
      cursor = start + n;
      return decodeText(bytes, start, n, column);
    }
    case 'bytes': {
      const n = readVarint(bytes, p, end, column);
      const start = cursor;
      need(start, n, end, type, column);
      cursor = start + n;
      return bytes.slice(start, start + n);
    }
    default:
      return failAssert(`column ${column}: unknown storage type ${String(type)}`);
  }
}

/** The end of the value of `type` at bytes[p], checked against end. */
function skipValue(type: StorageType, bytes: Uint8Array, p: number, end: number, column: number): number {
  let n: number;
  switch (type) {
    case 'bool':
      n = 1;
      break;
    case 'int16':
      n = 2;
      break;
    case 'int32':
    case 'float32':
      n = 4;
      break;
    case 'int64':
    case 'float64':
      n = 8;
      break;
    case 'text':
    case 'bytes':
      n = readVarint(bytes, p, end, column);
      p = cursor;
      break;
    default:
      return failAssert(`column ${column}: unknown storage type ${String(type)}`);
  }
  need(p, n, end, type, column);
  return p + n;
}

function need(p: number, n: number, end: number, type: StorageType, column: number): void {
  if (n > end - p) throw tupleCorrupt(`column ${column} (${type}) needs ${n} bytes at tuple byte ${p}, ${end - p} remain`);
}

/** An unsigned LEB128 length at bytes[p], shortest form, at most 5 bytes; sets cursor past it. */
function readVarint(bytes: Uint8Array, p: number, end: number, column: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < VARINT_BYTES_MAX; i++) {
    if (p + i >= end) throw tupleCorrupt(`column ${column}: length varint runs past the tuple's end`);
    const b = bytes[p + i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (b === 0 && i > 0) throw tupleCorrupt(`column ${column}: length varint is not in shortest form`);
      cursor = p + i + 1;
      return value;
    }
    scale *= 128;
  }
  throw tupleCorrupt(`column ${column}: length varint is longer than ${VARINT_BYTES_MAX} bytes`);
}

function decodeText(bytes: Uint8Array, start: number, n: number, column: number): string {
  if (n <= SHORT_TEXT_BYTES) {
    let s = '';
    let k = start;
    const stop = start + n;
    for (; k < stop; k++) {
      const b = bytes[k]!;
      if (b >= 0x80) break;
      s += String.fromCharCode(b);
    }
    if (k === stop) return s;
  } else if (n <= ASCII_TEXT_BYTES) {
    // ASCII: the character codes into this length's array, then one fromCharCode call (a flat string).
    const codes = asciiCodes[n]!;
    let k = 0;
    for (; k < n; k++) {
      const b = bytes[start + k]!;
      if (b >= 0x80) break;
      codes[k] = b;
    }
    if (k === n) return String.fromCharCode.apply(null, codes);
  }
  try {
    return decoder.decode(bytes.subarray(start, start + n));
  } catch (err) {
    throw tupleCorrupt(`column ${column}: text is not valid UTF-8`, err);
  }
}

// ---- shared -----------------------------------------------------------------

// One DataView per buffer: kept for the last Uint8Array seen, which in the
// engine is the view over the kernels' memory, so the hot path makes none.
let cachedBytes: Uint8Array | undefined;
let cachedView: DataView | undefined;

function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== cachedBytes || cachedView === undefined) {
    cachedView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    cachedBytes = bytes;
  }
  return cachedView;
}

function tupleCorrupt(what: string, cause?: unknown): FlintError {
  return new FlintError(SqlState.dataCorrupted, `corrupt tuple: ${what}`, cause === undefined ? {} : { cause });
}

function describeValue(value: NonNullable<StorageValue>): string {
  if (typeof value === 'string') return value.length > 20 ? `text "${value.slice(0, 20)}…"` : `text "${value}"`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function mismatch(type: StorageType, value: NonNullable<StorageValue>, column: number): FlintError {
  return new FlintError(SqlState.invalidParameterValue, `column ${column}: ${describeValue(value)} is not a valid ${type} value`);
}

function outOfRange(type: StorageType, value: number | bigint, column: number): FlintError {
  return new FlintError(SqlState.numericValueOutOfRange, `column ${column}: ${typeof value === 'bigint' ? `${value}` : value} is out of range for ${type}`);
}

function tooLong(type: StorageType, n: number, column: number): FlintError {
  return new FlintError(SqlState.programLimitExceeded, `column ${column}: ${type} value of ${n} bytes is longer than ${VALUE_BYTES_MAX}`);
}

/**
 * A broken invariant of the caller: a bug, never caught (see assert()). Call
 * sites test the condition first, so the message is built only on failure.
 */
function failAssert(message: string): never {
  assert(false, message);
}
