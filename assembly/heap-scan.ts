// Heap page filter: the hot loop of a full scan whose filter compares a text
// (or bytes) column with a constant (`WHERE label = $1`). One call tests
// every live tuple of a page and returns the slots that may match, so the
// scan decodes nothing and checks visibility only for those. The TS twin is
// src/kernels/ts/heap-scan.ts; the contract is in src/kernels/kernels.ts.
//
// The tuple layout is described by the caller (layout.ts, "Column filter");
// tuple bytes come from disk, so every length is checked against the tuple's
// bounds, and whatever src/storage/tuple.ts would report as corrupt on the
// tuples it walks makes the call return -1 (the caller then walks the page
// itself and reports it).
import { PAGE_SIZE } from '../src/limits';
import {
  MATCH_OFF_COLUMN, MATCH_OFF_COLUMNS, MATCH_OFF_COUNT_AT, MATCH_OFF_FLAGS_AT, MATCH_OFF_HEADER_SIZE,
  MATCH_OFF_ROWID_FLAG, MATCH_OFF_ROWID_SIZE, MATCH_OFF_U53_A, MATCH_OFF_U53_B, MATCH_OFF_WIDTHS, MATCH_U53_HIGH_MAX,
  EXTRACT_ABSENT, EXTRACT_KIND_BOOL, EXTRACT_KIND_FLOAT32, EXTRACT_KIND_FLOAT64, EXTRACT_KIND_INT16, EXTRACT_KIND_INT32,
  EXTRACT_NULL, EXTRACT_OFF_COUNT, EXTRACT_OUT_FLAGS, EXTRACT_OUT_OFFSETS, EXTRACT_STRIDE, EXTRACT_VALUE,
  PAGE_HEADER_SIZE, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_OFF_LIVE_COUNT,
  PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR, SLOT_SIZE,
  TUPLES_OK, TUPLES_OUT_FLAGS, TUPLES_OUT_PACKED, TUPLES_OUT_STORED, TUPLES_SKIPPED, TUPLES_STRIDE,
} from '../src/kernels/layout';

// @ts-ignore: decorator
@inline function get16(p: usize, off: i32): i32 {
  return <i32>load<u16>(p + <usize>off);
}

/** Varint result: the value, or -1 if malformed (past the end, not shortest form, over 5 bytes); varintEnd is set past it. */
let varintEnd: i32 = 0;

// @ts-ignore: decorator
@inline function readVarint(t: usize, p: i32, end: i32): i64 {
  let value: i64 = 0;
  let shift: i64 = 0;
  for (let i = 0; i < 5; i++) {
    if (p + i >= end) return -1;
    const b = <i32>load<u8>(t + <usize>(p + i));
    value |= (<i64>(b & 0x7f)) << shift;
    if (b < 0x80) {
      if (b == 0 && i > 0) return -1;
      varintEnd = p + i + 1;
      return value;
    }
    shift += 7;
  }
  return -1;
}

/** Are the n bytes at x and y equal? 8 bytes at a time, then bytewise. */
// @ts-ignore: decorator
@inline function bytesEqual(x: usize, y: usize, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(x + <usize>i) != load<u64>(y + <usize>i)) return false;
  for (; i < n; i++) if (load<u8>(x + <usize>i) != load<u8>(y + <usize>i)) return false;
  return true;
}

/** The page's free-space upper bound if it passes the sanity check a scan applies (a scan skips a page that fails it), else -1. */
// @ts-ignore: decorator
@inline function saneUpper(page: usize): i32 {
  const dirStart = get16(page, PAGE_OFF_SLOT_DIR);
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const lower = get16(page, PAGE_OFF_FREE_LOWER);
  const upper = get16(page, PAGE_OFF_FREE_UPPER);
  const sane = dirStart >= PAGE_HEADER_SIZE && lower == dirStart + count * SLOT_SIZE && lower <= upper && upper <= PAGE_SIZE &&
    get16(page, PAGE_OFF_LIVE_COUNT) <= count && get16(page, PAGE_OFF_FRAG_BYTES) <= PAGE_SIZE - upper;
  return sane ? upper : -1;
}

// The tuple layout of the descriptor being followed (readLayout; layout.ts, "Column filter").
let headerSize: i32 = 0;
let flagsAt: usize = 0;
let countAt: usize = 0;
let rowIdFlag: i32 = 0;
let rowIdSize: i32 = 0;
let u53a: usize = 0;
let u53b: usize = 0;
let columns: i32 = 0;
let widths: usize = 0;

// @ts-ignore: decorator
@inline function readLayout(desc: usize): void {
  headerSize = get16(desc, MATCH_OFF_HEADER_SIZE);
  flagsAt = <usize>get16(desc, MATCH_OFF_FLAGS_AT);
  countAt = <usize>get16(desc, MATCH_OFF_COUNT_AT);
  rowIdFlag = get16(desc, MATCH_OFF_ROWID_FLAG);
  rowIdSize = get16(desc, MATCH_OFF_ROWID_SIZE);
  u53a = <usize>get16(desc, MATCH_OFF_U53_A) + 4;
  u53b = <usize>get16(desc, MATCH_OFF_U53_B) + 4;
  columns = get16(desc, MATCH_OFF_COLUMNS);
  widths = desc + <usize>MATCH_OFF_WIDTHS;
}

/** Columns the tuple last checked by tupleBitmap stores. */
let storedColumns: i32 = 0;

/**
 * Checks the header of the len-byte tuple at t as tuple.ts does (header
 * fields below 2^53, not more columns than the table, the null bitmap inside
 * the tuple without stray bits); returns the offset of its null bitmap and
 * sets storedColumns, or -1 if it is malformed.
 */
// @ts-ignore: decorator
@inline function tupleBitmap(t: usize, len: i32): i32 {
  if (len < headerSize) return -1;
  if (load<u32>(t + u53a) > <u32>MATCH_U53_HIGH_MAX || load<u32>(t + u53b) > <u32>MATCH_U53_HIGH_MAX) return -1;
  const stored = <i32>load<u16>(t + countAt);
  if (stored > columns) return -1;
  const bitmap = headerSize + ((<i32>load<u16>(t + flagsAt) & rowIdFlag) != 0 ? rowIdSize : 0);
  const bitmapBytes = (stored + 7) >>> 3;
  if (bitmap + bitmapBytes > len) return -1;
  if ((stored & 7) != 0 && (<i32>load<u8>(t + <usize>(bitmap + bitmapBytes - 1)) >>> (stored & 7)) != 0) return -1;
  storedColumns = stored;
  return bitmap;
}

/** Is column i NULL in the tuple at t whose bitmap is at `bitmap`? */
// @ts-ignore: decorator
@inline function isNull(t: usize, bitmap: i32, i: i32): bool {
  return (<i32>load<u8>(t + <usize>(bitmap + (i >>> 3))) & (1 << (i & 7))) != 0;
}

/** Past the value of column i at tuple offset p (a varint length and bytes, or the column's width), or -1 if it runs past len. */
// @ts-ignore: decorator
@inline function skipValue(t: usize, p: i32, len: i32, i: i32): i32 {
  const n = <i32>load<u8>(widths + <usize>i);
  if (n != 0) return n > len - p ? -1 : p + n;
  const m = readVarint(t, p, len);
  if (m < 0) return -1;
  const q = varintEnd;
  return m > <i64>(len - q) ? -1 : q + <i32>m;
}

/**
 * The live slots of heap page `page` whose tuple's column holds exactly the
 * needleLen bytes at `needle` (or stores too few columns: the column reads
 * as its default, which only the caller knows), as u16 slot numbers at
 * `out`, in slot order. Returns how many; 0 for a page that fails the page
 * sanity check (a scan skips it); -1 if a slot or a walked tuple is corrupt.
 */
export function pageMatchColumn(page: usize, desc: usize, needle: usize, needleLen: i32, out: usize): i32 {
  const upper = saneUpper(page);
  if (upper < 0) return 0;
  readLayout(desc);
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const column = get16(desc, MATCH_OFF_COLUMN);
  let found = 0;
  let a = page + <usize>get16(page, PAGE_OFF_SLOT_DIR);
  for (let s = 0; s < count; s++, a += SLOT_SIZE) {
    const off = <i32>load<u16>(a);
    if (off == 0) continue;
    const len = <i32>load<u16>(a, 2);
    if (len == 0 || off < upper || off + len > PAGE_SIZE) return -1;
    const t = page + <usize>off;
    const bitmap = tupleBitmap(t, len);
    if (bitmap < 0) return -1;
    const stored = storedColumns;
    if (column >= stored) {
      store<u16>(out + <usize>(found << 1), <u16>s);
      found++;
      continue;
    }
    if (isNull(t, bitmap, column)) continue;
    let p = bitmap + ((stored + 7) >>> 3);
    for (let i = 0; i < column; i++) {
      if (isNull(t, bitmap, i)) continue;
      p = skipValue(t, p, len, i);
      if (p < 0) return -1;
    }
    const m = readVarint(t, p, len);
    if (m < 0) return -1;
    if (m != <i64>needleLen) continue;
    p = varintEnd;
    if (needleLen > len - p) return -1;
    if (!bytesEqual(t + <usize>p, needle, needleLen)) continue;
    store<u16>(out + <usize>(found << 1), <u16>s);
    found++;
  }
  return found;
}

/** readChosen's column after the last one it walked (a second result). */
let chosenEnd: i32 = 0;

/**
 * The chosen columns of tuple `t` (len bytes, null bitmap at `bitmap`,
 * `stored` columns) into entry `e` of the flags and float64 values laid out
 * `stride` entries a column (both pageExtractColumns and tuplesExtract).
 * Returns the offset past the last chosen column (and chosenEnd the column
 * after it), or -1 if a walked value is corrupt, a bool byte is not 0 or 1,
 * or, when `strict`, a chosen column's kind is not a value kind (PRESENCE is
 * only stepped over otherwise).
 */
@inline
function readChosen(t: usize, len: i32, bitmap: i32, stored: i32, k: i32, wanted: usize, flagsOut: usize, valuesOut: usize, stride: i32, e: i32, strict: bool): i32 {
  let p = bitmap + ((stored + 7) >>> 3);
  let i = 0;
  for (let j = 0; j < k; j++) {
    const column = <i32>load<u16>(wanted + <usize>(j << 2));
    const kind = <i32>load<u8>(wanted + <usize>((j << 2) + 2));
    const flagAt = flagsOut + <usize>(j * stride + e);
    const valueAt = valuesOut + <usize>((j * stride + e) << 3);
    store<f64>(valueAt, 0);
    if (column >= stored) {
      store<u8>(flagAt, <u8>EXTRACT_ABSENT);
      continue;
    }
    // Step over the columns before this one.
    for (; i < column; i++) {
      if (isNull(t, bitmap, i)) continue;
      p = skipValue(t, p, len, i);
      if (p < 0) return -1;
    }
    if (isNull(t, bitmap, i)) {
      store<u8>(flagAt, <u8>EXTRACT_NULL);
      continue;
    }
    // The column itself: read (or only stepped over, for PRESENCE), and i moves past it.
    const v = t + <usize>p;
    p = skipValue(t, p, len, i);
    if (p < 0) return -1;
    let value: f64 = 0;
    if (kind == EXTRACT_KIND_FLOAT64) value = load<f64>(v);
    else if (kind == EXTRACT_KIND_INT32) value = <f64>load<i32>(v);
    else if (kind == EXTRACT_KIND_FLOAT32) value = <f64>load<f32>(v);
    else if (kind == EXTRACT_KIND_INT16) value = <f64>load<i16>(v);
    else if (kind == EXTRACT_KIND_BOOL) {
      const b = <i32>load<u8>(v);
      if (b > 1) return -1; // as tuple.ts reports a bool byte other than 0 or 1
      value = <f64>b;
    } else if (strict) return -1;
    store<f64>(valueAt, value);
    store<u8>(flagAt, <u8>EXTRACT_VALUE);
    i++;
  }
  chosenEnd = i;
  return p;
}

/**
 * The chosen columns of every live tuple of heap page `page`, as float64
 * values and flags (layout.ts, "Column extraction"): a full scan that
 * aggregates numeric columns reads them from these arrays instead of
 * decoding each tuple. The tuples are checked as pageMatchColumn checks
 * them, up to the last chosen column. Returns the number of live tuples; 0
 * for a page that fails the page sanity check; -1 if a slot or a walked
 * tuple is corrupt, or the page has more live tuples than EXTRACT_STRIDE
 * (the caller then walks the page itself).
 */
export function pageExtractColumns(page: usize, desc: usize, out: usize): i32 {
  const upper = saneUpper(page);
  if (upper < 0) return 0;
  readLayout(desc);
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const k = get16(desc, EXTRACT_OFF_COUNT);
  const wanted = widths + <usize>columns;
  const flagsOut = out + <usize>EXTRACT_OUT_FLAGS;
  const valuesOut = flagsOut + <usize>(EXTRACT_STRIDE * k);
  let found = 0;
  let a = page + <usize>get16(page, PAGE_OFF_SLOT_DIR);
  for (let s = 0; s < count; s++, a += SLOT_SIZE) {
    const off = <i32>load<u16>(a);
    if (off == 0) continue;
    const len = <i32>load<u16>(a, 2);
    if (len == 0 || off < upper || off + len > PAGE_SIZE) return -1;
    if (found == EXTRACT_STRIDE) return -1;
    const t = page + <usize>off;
    const bitmap = tupleBitmap(t, len);
    if (bitmap < 0) return -1;
    const stored = storedColumns;
    store<u16>(out + <usize>(found << 1), <u16>s);
    store<u16>(out + <usize>(EXTRACT_OUT_OFFSETS + (found << 1)), <u16>off);
    if (readChosen(t, len, bitmap, stored, k, wanted, flagsOut, valuesOut, EXTRACT_STRIDE, found, false) < 0) return -1;
    found++;
  }
  return found;
}

/**
 * The chosen columns, stored column count, xmin and xmax of the listed
 * tuples (layout.ts, "Extraction of the chosen tuples of a list"), each on
 * its own page: a secondary index lookup reads its ~20 hinted rows in one
 * call. First the page header and slot of every entry are touched, then
 * each tuple's first, second and last cache line, where its slot says
 * (unchecked, but within its page), so that their cache misses overlap;
 * then each tuple is checked as pageRead and decodeTupleInto check it and
 * its columns read. The touching loops do nothing else: a loop that also
 * checked each slot kept only a few iterations' misses in flight at once
 * (a lookup by cat on a 200k-row table took ~10% more CPU). Returns how
 * many entries are TUPLES_OK.
 */
export function tuplesExtract(list: usize, n: i32, desc: usize, out: usize): i32 {
  readLayout(desc);
  const k = get16(desc, EXTRACT_OFF_COUNT);
  const wanted = widths + <usize>columns;
  const flagsOut = out + <usize>TUPLES_OUT_FLAGS;
  const valuesOut = flagsOut + <usize>(TUPLES_STRIDE * k);
  const packedOut = out + <usize>TUPLES_OUT_PACKED;
  // Whole rows (the last chosen column is the table's last) must end where their values end.
  const whole = k > 0 && <i32>load<u16>(wanted + <usize>((k - 1) << 2)) == columns - 1;
  let acc: i32 = 0;
  // The page header and the slot, where a heap page's directory starts (right after the header).
  for (let e = 0; e < n; e++) {
    const page = load<i32>(list + <usize>(e << 3));
    if (page < 0) continue;
    const slot = load<i32>(list + <usize>(e << 3), 4);
    acc += <i32>load<u8>(<usize>page) + <i32>load<u8>(<usize>page + <usize>((PAGE_HEADER_SIZE + slot * SLOT_SIZE) & (PAGE_SIZE - 1)));
  }
  // Each tuple's first and last bytes touched, where its slot says, unchecked but within its page: a lean loop, so that
  // many iterations (and their misses) are in flight at once.
  for (let e = 0; e < n; e++) {
    const page = load<i32>(list + <usize>(e << 3));
    if (page < 0) continue;
    const slot = load<i32>(list + <usize>(e << 3), 4);
    const p = <usize>page;
    const a = p + <usize>((get16(p, PAGE_OFF_SLOT_DIR) + slot * SLOT_SIZE) & (PAGE_SIZE - SLOT_SIZE));
    const off = <i32>load<u16>(a) & (PAGE_SIZE - 1);
    const last = (off + <i32>load<u16>(a, 2) - 1) & (PAGE_SIZE - 1);
    // The line after the first too (a row of ~100 bytes often spans three), or the last byte again.
    const next = off + TOUCH_LINE < last ? off + TOUCH_LINE : last;
    acc += <i32>load<u8>(p + <usize>off) + <i32>load<u8>(p + <usize>next) + <i32>load<u8>(p + <usize>last);
  }
  store<i32>(valuesOut + <usize>((TUPLES_STRIDE * (k + 2)) << 3), acc);
  // Each slot checked as pageRead checks it, then its tuple read.
  let ok = 0;
  for (let e = 0; e < n; e++) {
    const page = load<i32>(list + <usize>(e << 3));
    const slot = load<i32>(list + <usize>(e << 3), 4);
    let packed: i32 = -1;
    if (page >= 0) {
      const p = <usize>page;
      const upper = saneUpper(p);
      if (upper >= 0 && <u32>slot < <u32>get16(p, PAGE_OFF_SLOT_COUNT)) {
        const a = p + <usize>(get16(p, PAGE_OFF_SLOT_DIR) + slot * SLOT_SIZE);
        const off = <i32>load<u16>(a);
        const len = <i32>load<u16>(a, 2);
        if (off != 0 && len > 0 && off >= upper && off + len <= PAGE_SIZE) packed = (off << 16) | len;
      }
    }
    store<i32>(packedOut + <usize>(e << 2), packed);
    if (extractOne(page, packed, e, k, wanted, whole, out, flagsOut, valuesOut)) {
      store<u8>(out + <usize>e, <u8>TUPLES_OK);
      ok++;
    } else {
      store<u8>(out + <usize>e, <u8>TUPLES_SKIPPED);
    }
  }
  return ok;
}

/** Bytes between tuplesExtract's touches of one tuple: a cache line. */
const TOUCH_LINE: i32 = 64;

/** tuplesExtract's reading of entry e's tuple (packed in its page at `page`, or -1): false if it is skipped. */
function extractOne(page: i32, packed: i32, e: i32, k: i32, wanted: usize, whole: bool, out: usize, flagsOut: usize, valuesOut: usize): bool {
  if (packed < 0) return false;
  const len = packed & 0xffff;
  const t = <usize>page + <usize>(packed >>> 16);
  const bitmap = tupleBitmap(t, len);
  if (bitmap < 0) return false;
  const stored = storedColumns;
  store<u16>(out + <usize>(TUPLES_OUT_STORED + (e << 1)), <u16>stored);
  let p = readChosen(t, len, bitmap, stored, k, wanted, flagsOut, valuesOut, TUPLES_STRIDE, e, true);
  if (p < 0) return false;
  if (whole) {
    for (let i = chosenEnd; i < stored; i++) {
      if (isNull(t, bitmap, i)) continue;
      p = skipValue(t, p, len, i);
      if (p < 0) return false;
    }
    if (p != len) return false;
  }
  // xmin and xmax (tupleBitmap checked both are below 2^53).
  store<f64>(valuesOut + <usize>((k * TUPLES_STRIDE + e) << 3), <f64>load<u32>(t + u53a) * 4294967296.0 + <f64>load<u32>(t + u53a - 4));
  store<f64>(valuesOut + <usize>(((k + 1) * TUPLES_STRIDE + e) << 3), <f64>load<u32>(t + u53b) * 4294967296.0 + <f64>load<u32>(t + u53b - 4));
  return true;
}
