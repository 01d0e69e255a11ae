// Twin agreement for the page and block kernels: random operation sequences
// run on a WASM and a TypeScript Kernels instance side by side. After every
// operation both must return the same value, and that value must be the one
// a plain JS model (slot -> bytes) predicts; the page bytes must be identical.
// Seeds are fixed, so any failure replays.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../src/limits.ts';
import {
  PAGE_KIND_HEAP, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_OFF_SLOT_COUNT, SLOT_SIZE,
} from '../../src/kernels/layout.ts';
import { packedLength, packedOffset, type Kernels } from '../../src/kernels/index.ts';
import { makeKernels } from './harness.ts';

/**
 * A tuple length: absolute, or relative to what the page can take right now,
 * so the boundaries (exactly fits, one byte too many) are hit often:
 * 'free' is pageFreeSpace (for an update: the old length plus the room left),
 * 'contig' the contiguous gap between slot directory and tuples.
 */
type Len = number | { readonly rel: 'free' | 'contig'; readonly delta: number };

type PageOp =
  | { readonly op: 'insert'; readonly len: Len; readonly seed: number }
  | { readonly op: 'delete'; readonly pick: number }
  | { readonly op: 'update'; readonly pick: number; readonly len: Len; readonly seed: number }
  | { readonly op: 'compact' }
  | { readonly op: 'read'; readonly pick: number };

const lenArb: fc.Arbitrary<Len> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 40 }), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 700 }), weight: 3 },
  { arbitrary: fc.integer({ min: -2, max: 4200 }), weight: 1 },
  { arbitrary: fc.record({ rel: fc.constantFrom('free' as const, 'contig' as const), delta: fc.integer({ min: -2, max: 1 }) }), weight: 2 },
);
const pickArb = fc.integer({ min: 0, max: 999 });
const seedArb = fc.integer({ min: 0, max: 0xffff });
const pageOpArb: fc.Arbitrary<PageOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), len: lenArb, seed: seedArb }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), pick: pickArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('update' as const), pick: pickArb, len: lenArb, seed: seedArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('compact' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('read' as const), pick: pickArb }), weight: 1 },
);

function tupleBytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, len));
  for (let i = 0; i < out.length; i++) out[i] = (seed + i * 131 + (i >> 3)) & 0xff;
  return out;
}

/** What a page should hold: its slot directory as slot -> bytes (null when free). */
class PageModel {
  readonly slots: (Uint8Array | null)[] = [];
  constructor(readonly slotDirStart: number) {}

  liveBytes(): number {
    let n = 0;
    for (const t of this.slots) if (t) n += t.length;
    return n;
  }
  liveSlots(): number[] {
    const out: number[] = [];
    this.slots.forEach((t, i) => t && out.push(i));
    return out;
  }
  /** Bytes left after the header, the directory and the live tuples. */
  room(): number {
    return PAGE_SIZE - this.slotDirStart - this.slots.length * SLOT_SIZE - this.liveBytes();
  }
  freeSpace(): number {
    const hasFreeSlot = this.slots.some((t) => t === null);
    return Math.max(0, this.room() - (hasFreeSlot ? 0 : SLOT_SIZE));
  }
  /** Most ops aim at a live slot; some at any slot number, free or out of range. */
  slotFor(pick: number): number {
    const live = this.liveSlots();
    if (pick < 900 && live.length > 0) return live[pick % live.length]!;
    return (pick % (this.slots.length + 3)) - 1;
  }
  insert(bytes: Uint8Array): number {
    if (bytes.length === 0 || bytes.length > this.freeSpace()) return -1;
    const free = this.slots.indexOf(null);
    if (free >= 0) {
      this.slots[free] = bytes;
      return free;
    }
    this.slots.push(bytes);
    return this.slots.length - 1;
  }
  delete(slot: number): number {
    if (!this.slots[slot]) return 0;
    this.slots[slot] = null;
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === null) this.slots.pop();
    return 1;
  }
  update(slot: number, bytes: Uint8Array): number {
    const old = this.slots[slot];
    if (!old || bytes.length === 0) return 0;
    if (bytes.length > old.length && bytes.length > this.room() + old.length) return 0;
    this.slots[slot] = bytes;
    return 1;
  }
}

/** The absolute length of `len` for an op on `slot`, given the model and the page's contiguous gap. */
function resolveLen(len: Len, model: PageModel, slot: number, contiguous: number): number {
  if (typeof len === 'number') return len;
  const old = model.slots[slot]?.length ?? 0;
  const base = len.rel === 'contig' ? contiguous : old > 0 ? old + model.room() : model.freeSpace();
  return base + len.delta;
}

function contiguousOf(k: Kernels, page: number): number {
  const view = new DataView(k.buffer);
  return view.getUint16(page + PAGE_OFF_FREE_UPPER, true) - view.getUint16(page + PAGE_OFF_FREE_LOWER, true);
}

/** The op with its length made absolute (for the kernel and the model alike). */
function resolveOp(op: PageOp, model: PageModel, slot: number, contiguous: number): PageOp {
  if (op.op === 'insert' || op.op === 'update') return { ...op, len: resolveLen(op.len, model, slot, contiguous) };
  return op;
}

/** Applies one op (lengths resolved) to a kernel page; the tuple bytes are staged in the scratch area. */
function applyPageOp(k: Kernels, page: number, op: PageOp, slot: number): number {
  const u8 = new Uint8Array(k.buffer);
  switch (op.op) {
    case 'insert': {
      const len = op.len as number;
      u8.set(tupleBytes(len, op.seed), k.scratchOffset);
      return k.pageInsert(page, k.scratchOffset, len);
    }
    case 'delete':
      return k.pageDelete(page, slot);
    case 'update': {
      const len = op.len as number;
      u8.set(tupleBytes(len, op.seed), k.scratchOffset);
      return k.pageUpdate(page, slot, k.scratchOffset, len);
    }
    case 'compact':
      k.pageCompact(page);
      return 0;
    case 'read':
      return k.pageRead(page, slot);
  }
}

function modelPageOp(model: PageModel, op: PageOp, slot: number): number | undefined {
  switch (op.op) {
    case 'insert':
      return model.insert(tupleBytes(op.len as number, op.seed));
    case 'delete':
      return model.delete(slot);
    case 'update':
      return model.update(slot, tupleBytes(op.len as number, op.seed));
    case 'compact':
      return 0;
    case 'read':
      return undefined; // checked through the bytes below
  }
}

function sameBytes(a: Kernels, b: Kernels, aAt: number, bAt: number, len: number): boolean {
  const x = new Uint8Array(a.buffer, aAt, len);
  const y = new Uint8Array(b.buffer, bAt, len);
  for (let i = 0; i < len; i++) if (x[i] !== y[i]) return false;
  return true;
}

function tupleAt(k: Kernels, page: number, slot: number): Uint8Array | null {
  const packed = k.pageRead(page, slot);
  if (packed < 0) return null;
  return new Uint8Array(k.buffer, page + packedOffset(packed), packedLength(packed));
}

/** Every live tuple reads back as the model says, and iteration yields exactly the model's live slots. */
function checkAgainstModel(k: Kernels, page: number, model: PageModel): void {
  const slots: number[] = [];
  for (let s = k.pageNextSlot(page, 0); s >= 0; s = k.pageNextSlot(page, s + 1)) slots.push(s);
  expect(slots).toEqual(model.liveSlots());
  for (let s = -1; s <= model.slots.length; s++) {
    const want = model.slots[s] ?? null;
    const got = tupleAt(k, page, s);
    if (want === null) expect(got).toBeNull();
    else expect(got && Array.from(got)).toEqual(Array.from(want));
  }
  expect(new DataView(k.buffer).getUint16(page + PAGE_OFF_SLOT_COUNT, true)).toBe(model.slots.length);
}

describe('page kernels: wasm and ts agree with each other and with a model', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  const wPage = wasm.arenaOffset;
  const tPage = ts.arenaOffset;

  function runPageSequence(slotDirStart: number, ops: readonly PageOp[]): void {
    wasm.pageInit(wPage, PAGE_KIND_HEAP, slotDirStart);
    ts.pageInit(tPage, PAGE_KIND_HEAP, slotDirStart);
    const model = new PageModel(slotDirStart);
    for (const rawOp of ops) {
      const slot = model.slotFor('pick' in rawOp ? rawOp.pick : 0);
      const op = resolveOp(rawOp, model, slot, contiguousOf(wasm, wPage));
      const w = applyPageOp(wasm, wPage, op, slot);
      const t = applyPageOp(ts, tPage, op, slot);
      expect(t).toBe(w);
      const m = modelPageOp(model, op, slot);
      if (m !== undefined) expect({ op, result: w }).toEqual({ op, result: m });
      if (op.op === 'compact') expect(new DataView(wasm.buffer).getUint16(wPage + PAGE_OFF_FRAG_BYTES, true)).toBe(0);
      expect(wasm.pageFreeSpace(wPage)).toBe(model.freeSpace());
      expect(ts.pageFreeSpace(tPage)).toBe(model.freeSpace());
      expect(wasm.pageLiveCount(wPage)).toBe(model.liveSlots().length);
      expect(ts.pageLiveCount(tPage)).toBe(model.liveSlots().length);
      expect(sameBytes(wasm, ts, wPage, tPage, PAGE_SIZE)).toBe(true);
    }
    checkAgainstModel(wasm, wPage, model);
    checkAgainstModel(ts, tPage, model);
    // The reported free space is exact: that many bytes fit, one more does not.
    const free = model.freeSpace();
    if (free > 0) {
      for (const k of [wasm, ts]) new Uint8Array(k.buffer).fill(0xee, k.scratchOffset, k.scratchOffset + free + 1);
      expect(wasm.pageInsert(wPage, wasm.scratchOffset, free + 1)).toBe(-1);
      expect(ts.pageInsert(tPage, ts.scratchOffset, free + 1)).toBe(-1);
      expect(wasm.pageInsert(wPage, wasm.scratchOffset, free)).toBeGreaterThanOrEqual(0);
      expect(ts.pageInsert(tPage, ts.scratchOffset, free)).toBeGreaterThanOrEqual(0);
      expect(wasm.pageFreeSpace(wPage)).toBe(0);
    }
    wasm.pageSeal(wPage);
    ts.pageSeal(tPage);
    expect(sameBytes(wasm, ts, wPage, tPage, PAGE_SIZE)).toBe(true);
    expect(wasm.pageVerify(wPage)).toBe(1);
    expect(ts.pageVerify(tPage)).toBe(1);
  }

  it('on random operation sequences (heap pages)', () => {
    fc.assert(
      fc.property(fc.array(pageOpArb, { minLength: 1, maxLength: 150 }), (ops) => runPageSequence(32, ops)),
      { seed: 1234, numRuns: 300 },
    );
  });

  it('with other slot directory starts (node and block headers)', () => {
    fc.assert(
      fc.property(fc.constantFrom(48, 128, 1000), fc.array(pageOpArb, { minLength: 1, maxLength: 120 }), (start, ops) =>
        runPageSequence(start, ops),
      ),
      { seed: 4321, numRuns: 150 },
    );
  });

  it('on long sequences of small tuples that fill and churn the page', () => {
    const smallOp: fc.Arbitrary<PageOp> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('insert' as const), len: fc.integer({ min: 1, max: 24 }), seed: seedArb }), weight: 5 },
      { arbitrary: fc.record({ op: fc.constant('delete' as const), pick: pickArb }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant('update' as const), pick: pickArb, len: fc.integer({ min: 1, max: 48 }), seed: seedArb }), weight: 3 },
    );
    fc.assert(
      fc.property(fc.array(smallOp, { minLength: 200, maxLength: 600 }), (ops) => runPageSequence(32, ops)),
      { seed: 777, numRuns: 40 },
    );
  });

  it('on corrupted pages: same results, same bytes, nothing outside the page touched', () => {
    const corruptionArb = fc.array(
      fc.record({ at: fc.oneof(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: PAGE_SIZE - 1 })), value: fc.integer({ min: 0, max: 255 }) }),
      { minLength: 1, maxLength: 6 },
    );
    const guard = PAGE_SIZE;
    const wGuarded = wasm.arenaOffset + guard;
    const tGuarded = ts.arenaOffset + guard;
    fc.assert(
      fc.property(
        fc.array(pageOpArb, { maxLength: 40 }),
        corruptionArb,
        fc.array(pageOpArb, { minLength: 1, maxLength: 60 }),
        (before, corruption, after) => {
          for (const [k, page] of [[wasm, wGuarded], [ts, tGuarded]] as const) {
            new Uint8Array(k.buffer).fill(0xc3, page - guard, page + PAGE_SIZE + guard);
            k.pageInit(page, PAGE_KIND_HEAP, 32);
          }
          const model = new PageModel(32);
          for (const rawOp of before) {
            const slot = model.slotFor('pick' in rawOp ? rawOp.pick : 0);
            const op = resolveOp(rawOp, model, slot, contiguousOf(wasm, wGuarded));
            modelPageOp(model, op, slot);
            expect(applyPageOp(ts, tGuarded, op, slot)).toBe(applyPageOp(wasm, wGuarded, op, slot));
          }
          for (const { at, value } of corruption) {
            new Uint8Array(wasm.buffer)[wGuarded + at] = value;
            new Uint8Array(ts.buffer)[tGuarded + at] = value;
          }
          for (const rawOp of after) {
            // Aim at slots the model knew, now possibly garbage.
            const slot = model.slotFor('pick' in rawOp ? rawOp.pick : 0);
            const op = resolveOp(rawOp, model, slot, contiguousOf(wasm, wGuarded));
            expect(applyPageOp(ts, tGuarded, op, slot)).toBe(applyPageOp(wasm, wGuarded, op, slot));
            expect(ts.pageFreeSpace(tGuarded)).toBe(wasm.pageFreeSpace(wGuarded));
            expect(ts.pageNextSlot(tGuarded, slot)).toBe(wasm.pageNextSlot(wGuarded, slot));
            expect(sameBytes(wasm, ts, wGuarded, tGuarded, PAGE_SIZE)).toBe(true);
          }
          for (const k of [wasm, ts]) {
            const u8 = new Uint8Array(k.buffer);
            const page = k === wasm ? wGuarded : tGuarded;
            for (let i = page - guard; i < page; i++) if (u8[i] !== 0xc3) expect(i - page).toBe('untouched');
            for (let i = page + PAGE_SIZE; i < page + PAGE_SIZE + guard; i++) if (u8[i] !== 0xc3) expect(i - page).toBe('untouched');
          }
        },
      ),
      { seed: 99, numRuns: 400 },
    );
  });
});

type BlockOp =
  | { readonly op: 'insert'; readonly len: number; readonly seed: number }
  | { readonly op: 'blockInsert'; readonly len: number; readonly seed: number }
  | { readonly op: 'delete'; readonly page: number; readonly pick: number }
  | { readonly op: 'update'; readonly page: number; readonly pick: number; readonly len: Len; readonly seed: number }
  | { readonly op: 'compact'; readonly page: number }
  | { readonly op: 'refresh'; readonly page: number }
  | { readonly op: 'seal' }
  | { readonly op: 'verify' }
  | { readonly op: 'lsn'; readonly page: number; readonly lsn: number };

const pageIndexArb = fc.integer({ min: 0, max: PAGES_PER_BLOCK - 1 });
const blockOpArb: fc.Arbitrary<BlockOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), len: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -1, max: 4100 })), seed: seedArb }), weight: 8 },
  { arbitrary: fc.record({ op: fc.constant('blockInsert' as const), len: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -1, max: 4100 })), seed: seedArb }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), page: pageIndexArb, pick: pickArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('update' as const), page: pageIndexArb, pick: pickArb, len: lenArb, seed: seedArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('compact' as const), page: pageIndexArb }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('refresh' as const), page: pageIndexArb }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('seal' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('verify' as const) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('lsn' as const), page: pageIndexArb, lsn: fc.integer({ min: 0, max: 0x7fffffff }) }), weight: 1 },
);

describe('block kernels: wasm and ts agree with each other and with a model', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  const wBlock = wasm.arenaOffset;
  const tBlock = ts.arenaOffset;

  it('on random operation sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.array(blockOpArb, { minLength: 1, maxLength: 120 }), (blockNo, ops) => {
        wasm.blockInit(wBlock, 3, blockNo);
        ts.blockInit(tBlock, 3, blockNo);
        const pages = Array.from({ length: PAGES_PER_BLOCK }, (_, i) => new PageModel(i === 0 ? 128 : 32));
        // The header summary as the model expects it: refreshed only on request.
        const summary = pages.map((p) => p.freeSpace());
        let sealedSinceChange = false;
        for (const op of ops) {
          let w: number;
          let t: number;
          let m: number | undefined;
          switch (op.op) {
            case 'insert': {
              // The engine's path: pick a page from the summary, insert, refresh.
              const found = wasm.blockFindPage(wBlock, op.len);
              expect(ts.blockFindPage(tBlock, op.len)).toBe(found);
              expect(found).toBe(op.len <= 0 ? -1 : summary.findIndex((f) => f >= op.len));
              if (found < 0) continue;
              const pOp: PageOp = { op: 'insert', len: op.len, seed: op.seed };
              w = applyPageOp(wasm, wBlock + found * PAGE_SIZE, pOp, 0);
              t = applyPageOp(ts, tBlock + found * PAGE_SIZE, pOp, 0);
              m = modelPageOp(pages[found]!, pOp, 0);
              wasm.blockRefreshPage(wBlock, found);
              ts.blockRefreshPage(tBlock, found);
              summary[found] = pages[found]!.freeSpace();
              sealedSinceChange = false;
              break;
            }
            case 'blockInsert': {
              // The heap's path: blockFindRoom (stale summary figures refreshed on the way), then blockInsert.
              let want = -1;
              for (let round = 0; round <= PAGES_PER_BLOCK; round++) {
                const i = op.len <= 0 ? -1 : summary.findIndex((f) => f >= op.len);
                if (i < 0 || pages[i]!.freeSpace() >= op.len) {
                  want = i;
                  break;
                }
                summary[i] = pages[i]!.freeSpace();
              }
              const found = wasm.blockFindRoom(wBlock, op.len);
              expect(ts.blockFindRoom(tBlock, op.len)).toBe(found);
              expect(found).toBe(want);
              expect(sameBytes(wasm, ts, wBlock, tBlock, BLOCK_SIZE)).toBe(true);
              if (found < 0) continue;
              const bytes = tupleBytes(op.len, op.seed);
              new Uint8Array(wasm.buffer).set(bytes, wasm.scratchOffset);
              new Uint8Array(ts.buffer).set(bytes, ts.scratchOffset);
              w = wasm.blockInsert(wBlock, found, wasm.scratchOffset, op.len);
              t = ts.blockInsert(tBlock, found, ts.scratchOffset, op.len);
              const slot = modelPageOp(pages[found]!, { op: 'insert', len: op.len, seed: op.seed }, 0)!;
              expect(slot).toBeGreaterThanOrEqual(0);
              summary[found] = pages[found]!.freeSpace();
              m = slot | (Math.max(...summary) << 16);
              sealedSinceChange = false;
              break;
            }
            case 'delete':
            case 'update':
            case 'compact': {
              const model = pages[op.page]!;
              const pOp: PageOp =
                op.op === 'delete' ? { op: 'delete', pick: op.pick }
                : op.op === 'update' ? { op: 'update', pick: op.pick, len: op.len, seed: op.seed }
                : { op: 'compact' };
              const slot = model.slotFor('pick' in op ? op.pick : 0);
              const resolved = resolveOp(pOp, model, slot, contiguousOf(wasm, wBlock + op.page * PAGE_SIZE));
              w = applyPageOp(wasm, wBlock + op.page * PAGE_SIZE, resolved, slot);
              t = applyPageOp(ts, tBlock + op.page * PAGE_SIZE, resolved, slot);
              m = modelPageOp(model, resolved, slot);
              sealedSinceChange = false;
              break;
            }
            case 'refresh':
              wasm.blockRefreshPage(wBlock, op.page);
              ts.blockRefreshPage(tBlock, op.page);
              summary[op.page] = pages[op.page]!.freeSpace();
              w = t = 0;
              sealedSinceChange = false;
              break;
            case 'lsn':
              for (const [k, b] of [[wasm, wBlock], [ts, tBlock]] as const) {
                new DataView(k.buffer).setUint32(b + op.page * PAGE_SIZE + 8 + 4, op.lsn, true);
              }
              w = t = 0;
              sealedSinceChange = false;
              break;
            case 'seal':
              wasm.blockSeal(wBlock);
              ts.blockSeal(tBlock);
              w = t = 0;
              sealedSinceChange = true;
              break;
            case 'verify':
              w = wasm.blockVerify(wBlock);
              t = ts.blockVerify(tBlock);
              if (sealedSinceChange) m = -1;
              break;
          }
          expect(t).toBe(w);
          if (m !== undefined) expect({ op, result: w }).toEqual({ op, result: m });
          expect(sameBytes(wasm, ts, wBlock, tBlock, BLOCK_SIZE)).toBe(true);
        }
        for (let i = 0; i < PAGES_PER_BLOCK; i++) {
          checkAgainstModel(wasm, wBlock + i * PAGE_SIZE, pages[i]!);
          checkAgainstModel(ts, tBlock + i * PAGE_SIZE, pages[i]!);
        }
        wasm.blockSeal(wBlock);
        ts.blockSeal(tBlock);
        expect(wasm.blockVerify(wBlock)).toBe(-1);
        expect(ts.blockVerify(tBlock)).toBe(-1);
        expect(sameBytes(wasm, ts, wBlock, tBlock, BLOCK_SIZE)).toBe(true);
      }),
      { seed: 2024, numRuns: 150 },
    );
  });
});
