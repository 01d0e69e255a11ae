// pageMatchColumn, the heap page filter of full scans (assembly/heap-scan.ts
// and its twin src/kernels/ts/heap-scan.ts): on random heap pages of
// encoded rows, clean and corrupted, both kernels return the same result and
// slots, and that is exactly what a scan that reads every tuple's header and
// tests it with tupleBytesEqual (src/storage/tuple.ts) would find: the
// matching slots, or -1 exactly where that scan would report corruption.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXTRACT_ABSENT, EXTRACT_NULL, EXTRACT_OUT_FLAGS, EXTRACT_OUT_OFFSETS, EXTRACT_STRIDE, EXTRACT_VALUE,
  PAGE_KIND_HEAP, PAGE_HEADER_SIZE, PAGE_OFF_FREE_UPPER, PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR, SLOT_SIZE,
  TUPLES_OK, TUPLES_OUT_FLAGS, TUPLES_OUT_STORED, TUPLES_SKIPPED, TUPLES_STRIDE,
} from '../../src/kernels/layout.ts';
import type { Kernels } from '../../src/kernels/index.ts';
import { PAGE_SIZE } from '../../src/limits.ts';
import {
  columnExtractDescriptor, columnMatchDescriptor, columnPlan, decodeTupleInto, setTupleXmax, decodeColumn, encodedRowSize, encodeTuple, tupleBytesEqual, tupleColumnCount, tupleXmax, tupleXmin,
  TUPLE_HEADER_SIZE, TUPLE_ROWID_SIZE, type StorageType, type StorageValue,
} from '../../src/storage/tuple.ts';
import { makeKernels } from './harness.ts';

const utf8 = new TextEncoder();
const TEXTS = ['', 'a', 'label 1', 'label 12', 'label 123', 'é', 'label 1234567890 long enough to pass eight', 'x'.repeat(130)];

const typeArb = fc.constantFrom<StorageType>('bool', 'int16', 'int32', 'int64', 'float32', 'float64', 'text', 'bytes');

function valueOf(type: StorageType, seed: number): StorageValue {
  if (seed % 7 === 0) return null;
  switch (type) {
    case 'bool': return seed % 2 === 0;
    case 'int16': return (seed % 60000) - 30000;
    case 'int32': return seed | 0;
    case 'int64': return BigInt(seed) * 1000003n;
    case 'float32': return Math.fround(seed / 3);
    case 'float64': return seed / 7;
    case 'text': return TEXTS[seed % TEXTS.length]!;
    case 'bytes': return utf8.encode(TEXTS[(seed >> 3) % TEXTS.length]!);
  }
}

interface PageCase {
  types: StorageType[];
  rows: { stored: number; seeds: number[]; rowId: boolean; xmin: number }[];
  deletes: number[];
  column: number;
  needle: number;
  flips: readonly { at: number; value: number }[];
}

const pageCaseArb: fc.Arbitrary<PageCase> = fc
  .array(typeArb, { minLength: 1, maxLength: 10 })
  .chain((types) => {
    const textColumns = types.flatMap((t, i) => (t === 'text' || t === 'bytes' ? [i] : []));
    if (textColumns.length === 0) types = [...types, 'text'];
    const columns = types.flatMap((t, i) => (t === 'text' || t === 'bytes' ? [i] : []));
    return fc.record({
      types: fc.constant(types),
      rows: fc.array(
        fc.record({
          stored: fc.integer({ min: 0, max: types.length }).map((n) => (n === 0 ? types.length : n)),
          seeds: fc.array(fc.nat(), { minLength: types.length, maxLength: types.length }),
          rowId: fc.boolean(),
          xmin: fc.integer({ min: 0, max: 2 ** 40 }),
        }),
        { maxLength: 60 },
      ),
      deletes: fc.array(fc.nat(), { maxLength: 10 }),
      column: fc.constantFrom(...columns),
      needle: fc.nat(),
      flips: fc.oneof(
        { arbitrary: fc.constant<{ at: number; value: number }[]>([]), weight: 2 },
        { arbitrary: fc.array(fc.record({ at: fc.nat(), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 4 }), weight: 3 },
      ),
    });
  });

/** Builds the case's page at `page` of kernels k; returns the needle's bytes. */
function buildPage(k: Kernels, page: number, c: PageCase): Uint8Array {
  const u8 = new Uint8Array(k.buffer);
  k.pageInit(page, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
  const src = k.scratchOffset;
  const tuple = new Uint8Array(PAGE_SIZE);
  for (const row of c.rows) {
    const types = c.types.slice(0, row.stored);
    const values = types.map((t, i) => valueOf(t, row.seeds[i]!));
    const size = encodedRowSize(types, values, row.rowId ? 7 : -1);
    if (size > 2000) continue;
    encodeTuple(types, values, row.xmin, tuple, 0, row.rowId ? 7 : -1);
    u8.set(tuple.subarray(0, size), src);
    if (k.pageInsert(page, src, size) < 0) break;
  }
  const slots = k.pageLiveCount(page);
  for (const d of c.deletes) if (slots > 0) k.pageDelete(page, d % Math.max(1, k.pageNextSlot(page, 0) + slots));
  // Corruption: bytes of the tuple area or the slot directory overwritten.
  const view = new DataView(k.buffer);
  const upper = view.getUint16(page + PAGE_OFF_FREE_UPPER, true);
  const dir = view.getUint16(page + PAGE_OFF_SLOT_DIR, true);
  const dirEnd = dir + view.getUint16(page + PAGE_OFF_SLOT_COUNT, true) * SLOT_SIZE;
  for (const f of c.flips) {
    const span = PAGE_SIZE - upper + (dirEnd - dir);
    if (span <= 0) break;
    const i = f.at % span;
    u8[page + (i < PAGE_SIZE - upper ? upper + i : dir + (i - (PAGE_SIZE - upper)))] = f.value;
  }
  // The needle: mostly the column's value in some row, so matches are common.
  const row = c.rows[c.needle % Math.max(1, c.rows.length)];
  const v = row === undefined ? null : valueOf(c.types[c.column]!, row.seeds[c.column]!);
  if (v === null || c.needle % 5 === 0) return utf8.encode(TEXTS[c.needle % TEXTS.length]!);
  return typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array);
}

/** What a full scan reading every tuple finds: the matching slots, or 'corrupt' where it would throw. */
function model(k: Kernels, page: number, types: StorageType[], column: number, needle: Uint8Array): number[] | 'corrupt' {
  const view = new DataView(k.buffer);
  const u8 = new Uint8Array(k.buffer);
  const dir = page + view.getUint16(page + PAGE_OFF_SLOT_DIR, true);
  const upper = view.getUint16(page + PAGE_OFF_FREE_UPPER, true);
  const found: number[] = [];
  for (let s = 0; s < view.getUint16(page + PAGE_OFF_SLOT_COUNT, true); s++) {
    const off = view.getUint16(dir + s * SLOT_SIZE, true);
    if (off === 0) continue;
    const len = view.getUint16(dir + s * SLOT_SIZE + 2, true);
    if (len === 0 || off < upper || off + len > PAGE_SIZE) return 'corrupt';
    try {
      tupleXmin(view, page + off);
      tupleXmax(view, page + off);
      if (tupleBytesEqual(types, u8, page + off, len, column, needle)) found.push(s);
    } catch {
      return 'corrupt';
    }
  }
  return found;
}

function run(k: Kernels, page: number, types: StorageType[], column: number, needle: Uint8Array): { n: number; slots: number[] } {
  const u8 = new Uint8Array(k.buffer);
  const desc = columnMatchDescriptor(types, column)!;
  const descAt = k.scratchOffset + 4096;
  const needleAt = descAt + 1024;
  const out = needleAt + 4096;
  u8.set(desc, descAt);
  u8.set(needle, needleAt);
  const n = k.pageMatchColumn(page, descAt, needleAt, needle.length, out);
  const view = new DataView(k.buffer);
  return { n, slots: Array.from({ length: Math.max(0, n) }, (_, i) => view.getUint16(out + 2 * i, true)) };
}

describe('pageMatchColumn', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');

  it('the twins agree with each other and with a tuple-by-tuple scan, on clean and corrupt pages (property)', () => {
    let matched = 0;
    let corrupt = 0;
    fc.assert(
      fc.property(pageCaseArb, (c) => {
        const results = [wasm, ts].map((k) => {
          const page = k.arenaOffset;
          const needle = buildPage(k, page, c);
          const expected = model(k, page, c.types, c.column, needle);
          return { got: run(k, page, c.types, c.column, needle), expected, bytes: new Uint8Array(k.buffer, page, PAGE_SIZE).slice() };
        });
        const [w, t] = results as [(typeof results)[0], (typeof results)[0]];
        expect(Buffer.from(w.bytes).equals(Buffer.from(t.bytes))).toBe(true);
        expect(w.got).toEqual(t.got);
        if (t.expected === 'corrupt') {
          corrupt++;
          expect(t.got.n).toBe(-1);
        } else {
          if (t.expected.length > 0) matched++;
          expect(t.got.slots).toEqual(t.expected);
        }
      }),
      { seed: 4242, numRuns: 1500 },
    );
    // The cases exercise both outcomes.
    expect(matched).toBeGreaterThan(100);
    expect(corrupt).toBeGreaterThan(100);
  });

  it('skips a page that fails the sanity check, as a scan does', () => {
    for (const k of [wasm, ts]) {
      const page = k.arenaOffset;
      const c: PageCase = { types: ['text'], rows: [{ stored: 1, seeds: [2], rowId: false, xmin: 1 }], deletes: [], column: 0, needle: 1, flips: [] };
      const needle = buildPage(k, page, c);
      expect(run(k, page, c.types, 0, needle)).toEqual({ n: 1, slots: [0] });
      new DataView(k.buffer).setUint16(page + PAGE_OFF_FREE_UPPER, 10, true); // below the slot directory: insane
      expect(run(k, page, c.types, 0, needle).n).toBe(0);
    }
  });
});

// pageExtractColumns, the column reader of aggregating full scans: on the same
// random pages, both twins return the same tuples, flags and values, and
// they are what decoding each live tuple's chosen columns gives, or -1
// exactly where that decoding would report corruption.
interface Extracted {
  n: number;
  slots: number[];
  offsets: number[];
  flags: number[][];
  values: number[][];
}

function extract(k: Kernels, page: number, types: StorageType[], columns: number[], presence: boolean[]): Extracted {
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  const desc = columnExtractDescriptor(types, columns, presence)!;
  const descAt = k.scratchOffset + 40960;
  const out = k.scratchOffset;
  u8.set(desc, descAt);
  const n = k.pageExtractColumns(page, descAt, out);
  const m = Math.max(0, n);
  const kk = columns.length;
  const flagsAt = out + EXTRACT_OUT_FLAGS;
  const valuesAt = flagsAt + EXTRACT_STRIDE * kk;
  return {
    n,
    slots: Array.from({ length: m }, (_, i) => view.getUint16(out + 2 * i, true)),
    offsets: Array.from({ length: m }, (_, i) => view.getUint16(out + EXTRACT_OUT_OFFSETS + 2 * i, true)),
    flags: columns.map((_, j) => Array.from({ length: m }, (_, i) => u8[flagsAt + j * EXTRACT_STRIDE + i]!)),
    values: columns.map((_, j) => Array.from({ length: m }, (_, i) => view.getFloat64(valuesAt + 8 * (j * EXTRACT_STRIDE + i), true))),
  };
}

/** What decoding each live tuple's chosen columns gives (see above), or 'corrupt'. */
function extractModel(k: Kernels, page: number, types: StorageType[], columns: number[], presence: boolean[]): Omit<Extracted, 'n'> | 'corrupt' {
  const view = new DataView(k.buffer);
  const u8 = new Uint8Array(k.buffer);
  const dir = page + view.getUint16(page + PAGE_OFF_SLOT_DIR, true);
  const upper = view.getUint16(page + PAGE_OFF_FREE_UPPER, true);
  const r: Omit<Extracted, 'n'> = { slots: [], offsets: [], flags: columns.map(() => []), values: columns.map(() => []) };
  const asBytes = types.map((t) => (t === 'text' ? 'bytes' : t));
  for (let s = 0; s < view.getUint16(page + PAGE_OFF_SLOT_COUNT, true); s++) {
    const off = view.getUint16(dir + s * SLOT_SIZE, true);
    if (off === 0) continue;
    const len = view.getUint16(dir + s * SLOT_SIZE + 2, true);
    if (len === 0 || off < upper || off + len > PAGE_SIZE) return 'corrupt';
    try {
      tupleXmin(view, page + off);
      tupleXmax(view, page + off);
      const stored = tupleColumnCount(view, page + off);
      const flags: number[] = [];
      const values: number[] = [];
      for (let j = 0; j < columns.length; j++) {
        const c = columns[j]!;
        const type = types[c]!;
        // Text is stepped over, not decoded (its bytes are not checked as UTF-8): read it as bytes, the same layout.
        const v = decodeColumn(asBytes, u8, page + off, len, c);
        flags.push(c >= stored ? EXTRACT_ABSENT : v === null ? EXTRACT_NULL : EXTRACT_VALUE);
        values.push(presence[j] === true && !(type === 'bool' || type === 'int16' || type === 'int32' || type === 'float32' || type === 'float64') ? 0 : typeof v === 'number' ? v : v === true ? 1 : 0);
      }
      r.slots.push(s);
      r.offsets.push(off);
      flags.forEach((f, j) => r.flags[j]!.push(f));
      values.forEach((v, j) => r.values[j]!.push(v));
    } catch {
      return 'corrupt';
    }
  }
  return r;
}

describe('pageExtractColumns', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  const numeric = (t: StorageType) => t === 'bool' || t === 'int16' || t === 'int32' || t === 'float32' || t === 'float64';

  it('the twins agree with each other and with decoding each tuple, on clean and corrupt pages (property)', () => {
    let clean = 0;
    let corrupt = 0;
    fc.assert(
      fc.property(pageCaseArb, fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }), fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }), (c, pick, presenceOnly) => {
        let columns = c.types.flatMap((_, i) => (pick[i] === true ? [i] : []));
        if (columns.length === 0) columns = [c.types.length - 1];
        const presence = columns.map((col) => !numeric(c.types[col]!) || presenceOnly[col] === true);
        const results = [wasm, ts].map((k) => {
          const page = k.arenaOffset;
          buildPage(k, page, c);
          return { got: extract(k, page, c.types, columns, presence), expected: extractModel(k, page, c.types, columns, presence) };
        });
        const [w, t] = results as [(typeof results)[0], (typeof results)[0]];
        expect(w.got).toEqual(t.got);
        if (t.expected === 'corrupt') {
          corrupt++;
          expect(t.got.n).toBe(-1);
        } else {
          clean++;
          expect(t.got.n).toBe(t.expected.slots.length);
          expect({ ...t.got, n: undefined }).toEqual({ ...t.expected, n: undefined });
        }
      }),
      { seed: 777, numRuns: 1500 },
    );
    expect(clean).toBeGreaterThan(300);
    expect(corrupt).toBeGreaterThan(100);
  });

  it('reads float32, int16 and bool exactly, reports a bool byte above 1 as corrupt, and skips an insane page', () => {
    for (const k of [wasm, ts]) {
      const page = k.arenaOffset;
      const types: StorageType[] = ['bool', 'int16', 'float32', 'text', 'float64'];
      const c: PageCase = { types, rows: [{ stored: 5, seeds: [2, 3, 5, 8, 9], rowId: true, xmin: 3 }, { stored: 2, seeds: [1, 7, 0, 0, 0], rowId: false, xmin: 4 }], deletes: [], column: 3, needle: 0, flips: [] };
      buildPage(k, page, c);
      const got = extract(k, page, types, [0, 1, 2, 4], [false, false, false, false]);
      expect(got.n).toBe(2);
      expect(got.values.map((v) => v[0])).toEqual([1, 3 - 30000, Math.fround(5 / 3), 9 / 7]);
      // The second row stores two columns, its int16 is NULL (seed 7).
      expect(got.flags.map((f) => f[1])).toEqual([EXTRACT_VALUE, EXTRACT_NULL, EXTRACT_ABSENT, EXTRACT_ABSENT]);
      const view = new DataView(k.buffer);
      const u8 = new Uint8Array(k.buffer);
      const boolAt = page + got.offsets[0]! + TUPLE_HEADER_SIZE + TUPLE_ROWID_SIZE + 1; // after the header, the row id and the one-byte bitmap
      u8[boolAt] = 2;
      expect(extract(k, page, types, [0], [true]).n).toBe(-1);
      u8[boolAt] = 1;
      view.setUint16(page + PAGE_OFF_FREE_UPPER, 10, true);
      expect(extract(k, page, types, [0], [false]).n).toBe(0);
    }
  });
});

// tuplesExtract, the reader of a secondary index lookup's hinted tuples: for
// a list of (page, slot) entries on random pages, clean and corrupt, both
// twins give the same statuses, stored counts, flags, values, xmin and xmax,
// and an entry is TUPLES_OK exactly when pageRead returns its slot, the
// tuple stores no more columns than the table, and reading its header and
// decoding the chosen columns as the engine does (tupleXmin, tupleXmax,
// decodeTupleInto) succeeds, with those values; else TUPLES_SKIPPED.
interface TuplesResult {
  ok: number;
  status: number[];
  stored: (number | null)[];
  flags: (number | null)[][];
  values: (number | null)[][];
  xmin: (number | null)[];
  xmax: (number | null)[];
}

function tuplesRun(k: Kernels, list: readonly (readonly [number, number])[], types: StorageType[], columns: number[]): TuplesResult {
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  const desc = columnExtractDescriptor(types, columns, [])!;
  const descAt = k.scratchOffset + 40960;
  const listAt = k.scratchOffset + 32768;
  const out = k.scratchOffset;
  u8.set(desc, descAt);
  list.forEach(([page, slot], e) => {
    view.setInt32(listAt + 8 * e, page, true);
    view.setInt32(listAt + 8 * e + 4, slot, true);
  });
  const ok = k.tuplesExtract(listAt, list.length, descAt, out);
  const kk = columns.length;
  const valuesAt = out + TUPLES_OUT_FLAGS + TUPLES_STRIDE * kk;
  const status = list.map((_, e) => u8[out + e]!);
  const okAt = (e: number) => status[e] === TUPLES_OK;
  const value = (j: number, e: number) => view.getFloat64(valuesAt + 8 * (j * TUPLES_STRIDE + e), true);
  return {
    ok,
    status,
    stored: list.map((_, e) => (okAt(e) ? view.getUint16(out + TUPLES_OUT_STORED + 2 * e, true) : null)),
    flags: columns.map((_, j) => list.map((__, e) => (okAt(e) ? u8[out + TUPLES_OUT_FLAGS + j * TUPLES_STRIDE + e]! : null))),
    values: columns.map((_, j) => list.map((__, e) => (okAt(e) ? value(j, e) : null))),
    xmin: list.map((_, e) => (okAt(e) ? value(kk, e) : null)),
    xmax: list.map((_, e) => (okAt(e) ? value(kk + 1, e) : null)),
  };
}

/** What the engine's read of each entry gives (see above). */
function tuplesModel(k: Kernels, list: readonly (readonly [number, number])[], types: StorageType[], columns: number[]): Omit<TuplesResult, 'ok'> {
  const view = new DataView(k.buffer);
  const u8 = new Uint8Array(k.buffer);
  const wanted = types.map((_, i) => columns.includes(i));
  const plan = columnPlan(types, wanted);
  const r: Omit<TuplesResult, 'ok'> = { status: [], stored: [], flags: columns.map(() => []), values: columns.map(() => []), xmin: [], xmax: [] };
  const skip = () => {
    r.status.push(TUPLES_SKIPPED);
    r.stored.push(null);
    r.xmin.push(null);
    r.xmax.push(null);
    columns.forEach((_, j) => {
      r.flags[j]!.push(null);
      r.values[j]!.push(null);
    });
  };
  for (const [page, slot] of list) {
    const packed = page < 0 ? -1 : k.pageRead(page, slot);
    if (packed < 0) {
      skip();
      continue;
    }
    const at = page + (packed >>> 16);
    const len = packed & 0xffff;
    let row: StorageValue[];
    let xmin: number;
    let xmax: number;
    let stored: number;
    try {
      xmin = tupleXmin(view, at);
      xmax = tupleXmax(view, at);
      stored = tupleColumnCount(view, at);
      row = new Array<StorageValue>(types.length);
      decodeTupleInto(types, u8, at, len, true, plan, row);
    } catch {
      skip();
      continue;
    }
    if (stored > types.length) {
      skip();
      continue;
    }
    r.status.push(TUPLES_OK);
    r.stored.push(stored);
    r.xmin.push(xmin);
    r.xmax.push(xmax);
    columns.forEach((c, j) => {
      const v = row[c];
      r.flags[j]!.push(c >= stored ? EXTRACT_ABSENT : v === null ? EXTRACT_NULL : EXTRACT_VALUE);
      r.values[j]!.push(typeof v === 'number' ? v : v === true ? 1 : 0);
    });
  }
  return r;
}

describe('tuplesExtract', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  const numeric = (t: StorageType) => t === 'bool' || t === 'int16' || t === 'int32' || t === 'float32' || t === 'float64';

  it('the twins agree with each other and with the engine reading each listed tuple, on clean and corrupt pages (property)', () => {
    let ok = 0;
    let skipped = 0;
    fc.assert(
      fc.property(
        pageCaseArb,
        pageCaseArb,
        fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
        fc.array(fc.tuple(fc.constantFrom(0, 1, 0, 1, -1), fc.nat({ max: 5000 })), { minLength: 1, maxLength: TUPLES_STRIDE }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (a, b, pick, entries, xmaxes) => {
          // Two pages of one table's types: b's rows re-typed as a's.
          const types = a.types.filter(numeric);
          if (types.length === 0) types.push('int32');
          const c1: PageCase = { ...a, types };
          const c2: PageCase = { ...b, types, flips: [], rows: b.rows.map((r) => ({ ...r, stored: Math.min(r.stored, types.length), seeds: types.map((_, i) => r.seeds[i] ?? i) })) };
          let columns = types.flatMap((_, i) => (pick[i] === true ? [i] : []));
          if (columns.length === 0) columns = [0];
          const results = [wasm, ts].map((k) => {
            const pages = [k.arenaOffset, k.arenaOffset + PAGE_SIZE];
            buildPage(k, pages[0]!, c1);
            buildPage(k, pages[1]!, c2);
            // Some tuples deleted or updated: an xmax.
            for (const x of xmaxes) {
              const p = pages[x % 2]!;
              const packed = k.pageRead(p, (x >> 1) % 64);
              if (packed >= 0 && (packed & 0xffff) >= TUPLE_HEADER_SIZE) setTupleXmax(new DataView(k.buffer), p + (packed >>> 16), x + 1);
            }
            // Mostly slots the page has; some past its slots, or negative.
            const rowsOf = [c1.rows.length, c2.rows.length];
            const list = entries.map(([p, r]) => [p < 0 ? -1 : pages[p]!, r % 13 === 0 ? -1 : r % 11 === 0 ? r : r % (rowsOf[Math.max(0, p)]! + 1)] as const);
            const got = tuplesRun(k, list, types, columns);
            // The sum of the bytes the touching loops read (what keeps them): the twins touch the same bytes, each within its page.
            const touches = new DataView(k.buffer).getInt32(k.scratchOffset + TUPLES_OUT_FLAGS + TUPLES_STRIDE * columns.length + 8 * TUPLES_STRIDE * (columns.length + 2), true);
            return { got, touches, expected: tuplesModel(k, list, types, columns) };
          });
          const [w, t] = results as [(typeof results)[0], (typeof results)[0]];
          expect(w.got).toEqual(t.got);
          expect(w.touches).toBe(t.touches);
          expect({ ...t.got, ok: undefined }).toEqual({ ...t.expected, ok: undefined });
          expect(t.got.ok).toBe(t.expected.status.filter((s) => s === TUPLES_OK).length);
          ok += t.got.ok;
          skipped += entries.length - t.got.ok;
        },
      ),
      { seed: 909, numRuns: 1200 },
    );
    expect(ok).toBeGreaterThan(1500);
    expect(skipped).toBeGreaterThan(1500);
  });

  it('checks that a whole row ends with its last column, and skips a bool byte above 1', () => {
    for (const k of [wasm, ts]) {
      const page = k.arenaOffset;
      const types: StorageType[] = ['bool', 'int32', 'float64'];
      buildPage(k, page, { types, rows: [{ stored: 3, seeds: [2, 3, 5], rowId: false, xmin: 3 }], deletes: [], column: 0, needle: 0, flips: [] });
      const view = new DataView(k.buffer);
      const u8 = new Uint8Array(k.buffer);
      expect(tuplesRun(k, [[page, 0]], types, [0, 2]).values.map((v) => v[0])).toEqual([1, 5 / 7]);
      // One byte more in the slot's length: trailing bytes after the last column.
      const slot = page + view.getUint16(page + PAGE_OFF_SLOT_DIR, true);
      const off = view.getUint16(slot, true);
      view.setUint16(slot, off - 1, true);
      view.setUint16(slot + 2, view.getUint16(slot + 2, true) + 1, true);
      view.setUint16(page + PAGE_OFF_FREE_UPPER, off - 1, true);
      u8.copyWithin(page + off - 1, page + off, page + PAGE_SIZE);
      expect(tuplesRun(k, [[page, 0]], types, [2]).status).toEqual([TUPLES_SKIPPED]);
      // Not the last column: the walk stops before the trailing byte, as decoding's does.
      expect(tuplesRun(k, [[page, 0]], types, [1]).status).toEqual([TUPLES_OK]);
      u8[page + off - 1 + TUPLE_HEADER_SIZE + 1] = 2;
      expect(tuplesRun(k, [[page, 0]], types, [0, 1]).status).toEqual([TUPLES_SKIPPED]);
      // A bool stepped over is not checked, as decoding does not check it.
      expect(tuplesRun(k, [[page, 0]], types, [1]).status).toEqual([TUPLES_OK]);
    }
  });
});
