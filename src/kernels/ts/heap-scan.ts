// Heap page filter, TypeScript twin of assembly/heap-scan.ts: the same
// checks in the same order, so both return the same slots (or -1, or 0) for
// every page and descriptor, corrupt ones included.
import { PAGE_SIZE } from '../../limits.ts';
import {
  MATCH_OFF_COLUMN, MATCH_OFF_COLUMNS, MATCH_OFF_COUNT_AT, MATCH_OFF_FLAGS_AT, MATCH_OFF_HEADER_SIZE,
  MATCH_OFF_ROWID_FLAG, MATCH_OFF_ROWID_SIZE, MATCH_OFF_U53_A, MATCH_OFF_U53_B, MATCH_OFF_WIDTHS, MATCH_U53_HIGH_MAX,
  EXTRACT_ABSENT, EXTRACT_KIND_BOOL, EXTRACT_KIND_FLOAT32, EXTRACT_KIND_FLOAT64, EXTRACT_KIND_INT16, EXTRACT_KIND_INT32,
  EXTRACT_NULL, EXTRACT_OFF_COUNT, EXTRACT_OUT_FLAGS, EXTRACT_OUT_OFFSETS, EXTRACT_STRIDE, EXTRACT_VALUE,
  PAGE_HEADER_SIZE, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_OFF_LIVE_COUNT,
  PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR, SLOT_SIZE,
  TUPLES_OK, TUPLES_OUT_FLAGS, TUPLES_OUT_PACKED, TUPLES_OUT_STORED, TUPLES_SKIPPED, TUPLES_STRIDE,
} from '../layout.ts';
import type { HeapScanKernels, TsMemory } from './memory.ts';

/** Bytes between tuplesExtract's touches of one tuple (as assembly/heap-scan.ts). */
const TOUCH_LINE = 64;

export function createHeapScanKernels(mem: TsMemory): HeapScanKernels {
  const { u8, view } = mem;
  const get16 = (p: number, off: number): number => view.getUint16(p + off, true);
  /** Past the last varint read. */
  let varintEnd = 0;

  /** The varint at t + p (tuple-relative p, end), or -1 if malformed; sets varintEnd. */
  function readVarint(t: number, p: number, end: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (p + i >= end) return -1;
      const b = u8[t + p + i]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) return -1;
        varintEnd = p + i + 1;
        return value;
      }
      scale *= 128;
    }
    return -1;
  }

  /** The page's free-space upper bound if it passes the sanity check a scan applies, else -1. */
  function saneUpper(page: number): number {
    const dirStart = get16(page, PAGE_OFF_SLOT_DIR);
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const lower = get16(page, PAGE_OFF_FREE_LOWER);
    const upper = get16(page, PAGE_OFF_FREE_UPPER);
    const sane = dirStart >= PAGE_HEADER_SIZE && lower === dirStart + count * SLOT_SIZE && lower <= upper && upper <= PAGE_SIZE &&
      get16(page, PAGE_OFF_LIVE_COUNT) <= count && get16(page, PAGE_OFF_FRAG_BYTES) <= PAGE_SIZE - upper;
    return sane ? upper : -1;
  }

  // The tuple layout of the descriptor being followed (readLayout).
  let headerSize = 0;
  let flagsAt = 0;
  let countAt = 0;
  let rowIdFlag = 0;
  let rowIdSize = 0;
  let u53a = 0;
  let u53b = 0;
  let columns = 0;
  let widths = 0;

  function readLayout(desc: number): void {
    headerSize = get16(desc, MATCH_OFF_HEADER_SIZE);
    flagsAt = get16(desc, MATCH_OFF_FLAGS_AT);
    countAt = get16(desc, MATCH_OFF_COUNT_AT);
    rowIdFlag = get16(desc, MATCH_OFF_ROWID_FLAG);
    rowIdSize = get16(desc, MATCH_OFF_ROWID_SIZE);
    u53a = get16(desc, MATCH_OFF_U53_A) + 4;
    u53b = get16(desc, MATCH_OFF_U53_B) + 4;
    columns = get16(desc, MATCH_OFF_COLUMNS);
    widths = desc + MATCH_OFF_WIDTHS;
  }

  /** Columns the tuple last checked by tupleBitmap stores. */
  let storedColumns = 0;

  /** The offset of the null bitmap of the len-byte tuple at t after checking its header (sets storedColumns), or -1. */
  function tupleBitmap(t: number, len: number): number {
    if (len < headerSize) return -1;
    if (view.getUint32(t + u53a, true) > MATCH_U53_HIGH_MAX || view.getUint32(t + u53b, true) > MATCH_U53_HIGH_MAX) return -1;
    const stored = view.getUint16(t + countAt, true);
    if (stored > columns) return -1;
    const bitmap = headerSize + ((view.getUint16(t + flagsAt, true) & rowIdFlag) !== 0 ? rowIdSize : 0);
    const bitmapBytes = (stored + 7) >>> 3;
    if (bitmap + bitmapBytes > len) return -1;
    if ((stored & 7) !== 0 && u8[t + bitmap + bitmapBytes - 1]! >>> (stored & 7) !== 0) return -1;
    storedColumns = stored;
    return bitmap;
  }

  const isNull = (t: number, bitmap: number, i: number): boolean => (u8[t + bitmap + (i >>> 3)]! & (1 << (i & 7))) !== 0;

  /** Past the value of column i at tuple offset p, or -1 if it runs past len. */
  function skipValue(t: number, p: number, len: number, i: number): number {
    const n = u8[widths + i]!;
    if (n !== 0) return n > len - p ? -1 : p + n;
    const m = readVarint(t, p, len);
    if (m < 0) return -1;
    const q = varintEnd;
    return m > len - q ? -1 : q + m;
  }

  function pageMatchColumn(page: number, desc: number, needle: number, needleLen: number, out: number): number {
    const upper = saneUpper(page);
    if (upper < 0) return 0;
    readLayout(desc);
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const column = get16(desc, MATCH_OFF_COLUMN);
    let found = 0;
    let a = page + get16(page, PAGE_OFF_SLOT_DIR);
    outer: for (let s = 0; s < count; s++, a += SLOT_SIZE) {
      const off = view.getUint16(a, true);
      if (off === 0) continue;
      const len = view.getUint16(a + 2, true);
      if (len === 0 || off < upper || off + len > PAGE_SIZE) return -1;
      const t = page + off;
      const bitmap = tupleBitmap(t, len);
      if (bitmap < 0) return -1;
      const stored = storedColumns;
      if (column >= stored) {
        view.setUint16(out + (found << 1), s, true);
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
      if (m !== needleLen) continue;
      p = varintEnd;
      if (needleLen > len - p) return -1;
      for (let i = 0; i < needleLen; i++) if (u8[t + p + i] !== u8[needle + i]) continue outer;
      view.setUint16(out + (found << 1), s, true);
      found++;
    }
    return found;
  }

  /** readChosen's column after the last one it walked (a second result). */
  let chosenEnd = 0;

  /** The twin of assembly/heap-scan.ts readChosen: the chosen columns of one tuple into entry e; the offset past them, or -1. */
  function readChosen(t: number, len: number, bitmap: number, stored: number, k: number, wanted: number, flagsOut: number, valuesOut: number, stride: number, e: number, strict: boolean): number {
    let p = bitmap + ((stored + 7) >>> 3);
    let i = 0;
    for (let j = 0; j < k; j++) {
      const column = view.getUint16(wanted + (j << 2), true);
      const kind = u8[wanted + (j << 2) + 2]!;
      const flagAt = flagsOut + j * stride + e;
      const valueAt = valuesOut + ((j * stride + e) << 3);
      view.setFloat64(valueAt, 0, true);
      if (column >= stored) {
        u8[flagAt] = EXTRACT_ABSENT;
        continue;
      }
      for (; i < column; i++) {
        if (isNull(t, bitmap, i)) continue;
        p = skipValue(t, p, len, i);
        if (p < 0) return -1;
      }
      if (isNull(t, bitmap, i)) {
        u8[flagAt] = EXTRACT_NULL;
        continue;
      }
      const v = t + p;
      p = skipValue(t, p, len, i);
      if (p < 0) return -1;
      let value = 0;
      if (kind === EXTRACT_KIND_FLOAT64) value = view.getFloat64(v, true);
      else if (kind === EXTRACT_KIND_INT32) value = view.getInt32(v, true);
      else if (kind === EXTRACT_KIND_FLOAT32) value = view.getFloat32(v, true);
      else if (kind === EXTRACT_KIND_INT16) value = view.getInt16(v, true);
      else if (kind === EXTRACT_KIND_BOOL) {
        const b = u8[v]!;
        if (b > 1) return -1;
        value = b;
      } else if (strict) return -1;
      view.setFloat64(valueAt, value, true);
      u8[flagAt] = EXTRACT_VALUE;
      i++;
    }
    chosenEnd = i;
    return p;
  }

  function pageExtractColumns(page: number, desc: number, out: number): number {
    const upper = saneUpper(page);
    if (upper < 0) return 0;
    readLayout(desc);
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const k = get16(desc, EXTRACT_OFF_COUNT);
    const wanted = widths + columns;
    const flagsOut = out + EXTRACT_OUT_FLAGS;
    const valuesOut = flagsOut + EXTRACT_STRIDE * k;
    let found = 0;
    let a = page + get16(page, PAGE_OFF_SLOT_DIR);
    for (let s = 0; s < count; s++, a += SLOT_SIZE) {
      const off = view.getUint16(a, true);
      if (off === 0) continue;
      const len = view.getUint16(a + 2, true);
      if (len === 0 || off < upper || off + len > PAGE_SIZE) return -1;
      if (found === EXTRACT_STRIDE) return -1;
      const t = page + off;
      const bitmap = tupleBitmap(t, len);
      if (bitmap < 0) return -1;
      const stored = storedColumns;
      view.setUint16(out + (found << 1), s, true);
      view.setUint16(out + EXTRACT_OUT_OFFSETS + (found << 1), off, true);
      if (readChosen(t, len, bitmap, stored, k, wanted, flagsOut, valuesOut, EXTRACT_STRIDE, found, false) < 0) return -1;
      found++;
    }
    return found;
  }

  function tuplesExtract(list: number, n: number, desc: number, out: number): number {
    readLayout(desc);
    const k = get16(desc, EXTRACT_OFF_COUNT);
    const wanted = widths + columns;
    const flagsOut = out + TUPLES_OUT_FLAGS;
    const valuesOut = flagsOut + TUPLES_STRIDE * k;
    const packedOut = out + TUPLES_OUT_PACKED;
    const whole = k > 0 && view.getUint16(wanted + ((k - 1) << 2), true) === columns - 1;
    let acc = 0;
    for (let e = 0; e < n; e++) {
      const page = view.getInt32(list + (e << 3), true);
      if (page < 0) continue;
      const slot = view.getInt32(list + (e << 3) + 4, true);
      acc = (acc + u8[page]! + u8[page + ((PAGE_HEADER_SIZE + Math.imul(slot, SLOT_SIZE)) & (PAGE_SIZE - 1))]!) | 0;
    }
    for (let e = 0; e < n; e++) {
      const page = view.getInt32(list + (e << 3), true);
      if (page < 0) continue;
      const slot = view.getInt32(list + (e << 3) + 4, true);
      const a = page + ((get16(page, PAGE_OFF_SLOT_DIR) + Math.imul(slot, SLOT_SIZE)) & (PAGE_SIZE - SLOT_SIZE));
      const off = view.getUint16(a, true) & (PAGE_SIZE - 1);
      const last = (off + view.getUint16(a + 2, true) - 1) & (PAGE_SIZE - 1);
      const next = off + TOUCH_LINE < last ? off + TOUCH_LINE : last;
      acc = (acc + u8[page + off]! + u8[page + next]! + u8[page + last]!) | 0;
    }
    view.setInt32(valuesOut + ((TUPLES_STRIDE * (k + 2)) << 3), acc, true);
    let ok = 0;
    for (let e = 0; e < n; e++) {
      const page = view.getInt32(list + (e << 3), true);
      const slot = view.getInt32(list + (e << 3) + 4, true);
      let packed = -1;
      if (page >= 0) {
        const upper = saneUpper(page);
        if (upper >= 0 && slot >>> 0 < get16(page, PAGE_OFF_SLOT_COUNT)) {
          const a = page + get16(page, PAGE_OFF_SLOT_DIR) + slot * SLOT_SIZE;
          const off = view.getUint16(a, true);
          const len = view.getUint16(a + 2, true);
          if (off !== 0 && len > 0 && off >= upper && off + len <= PAGE_SIZE) packed = (off << 16) | len;
        }
      }
      view.setInt32(packedOut + (e << 2), packed, true);
      if (extractOne(page, packed, e, k, wanted, whole, out, flagsOut, valuesOut)) {
        u8[out + e] = TUPLES_OK;
        ok++;
      } else {
        u8[out + e] = TUPLES_SKIPPED;
      }
    }
    return ok;
  }

  function extractOne(page: number, packed: number, e: number, k: number, wanted: number, whole: boolean, out: number, flagsOut: number, valuesOut: number): boolean {
    if (packed < 0) return false;
    const len = packed & 0xffff;
    const t = page + (packed >>> 16);
    const bitmap = tupleBitmap(t, len);
    if (bitmap < 0) return false;
    const stored = storedColumns;
    view.setUint16(out + TUPLES_OUT_STORED + (e << 1), stored, true);
    let p = readChosen(t, len, bitmap, stored, k, wanted, flagsOut, valuesOut, TUPLES_STRIDE, e, true);
    if (p < 0) return false;
    if (whole) {
      for (let i = chosenEnd; i < stored; i++) {
        if (isNull(t, bitmap, i)) continue;
        p = skipValue(t, p, len, i);
        if (p < 0) return false;
      }
      if (p !== len) return false;
    }
    view.setFloat64(valuesOut + ((k * TUPLES_STRIDE + e) << 3), view.getUint32(t + u53a, true) * 4294967296 + view.getUint32(t + u53a - 4, true), true);
    view.setFloat64(valuesOut + (((k + 1) * TUPLES_STRIDE + e) << 3), view.getUint32(t + u53b, true) * 4294967296 + view.getUint32(t + u53b - 4, true), true);
    return true;
  }

  return { pageMatchColumn, pageExtractColumns, tuplesExtract };
}
