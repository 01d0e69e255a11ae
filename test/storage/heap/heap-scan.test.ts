// Heap.scan reads the slot directory straight from the kernels' memory (no
// kernel call per tuple). It must visit exactly what pageNextSlot and
// pageRead describe, with both kernel implementations: the same tuple ids,
// offsets and lengths in the same order, after random inserts and reclaims;
// a page that fails the kernels' sanity check is skipped as they skip it; a
// live slot whose tuple lies outside its page is XX001, not a tuple.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import { PAGE_OFF_FREE_LOWER, PAGE_OFF_SLOT_DIR } from '../../../src/kernels/layout.ts';
import { PAGE_SIZE, PAGES_PER_BLOCK } from '../../../src/limits.ts';
import { makeTid } from '../../../src/storage/tuple-id.ts';
import { columnMatchDescriptor, encodedRowSize, encodeTuple, TUPLE_OFF_COLUMN_COUNT, tupleBytesEqual, type StorageType } from '../../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb } from '../index/harness.ts';

const OWNER = 1;

/** What the page kernels say the owner's tuples are: [tid, offset, length] in block, page, slot order. */
function kernelView(db: MiniDb): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const blockNo of db.heap.blocksOf(OWNER)) {
    const frame = db.heap.pinBlock(blockNo);
    const base = db.heap.frameOffset(frame);
    for (let page = 0; page < PAGES_PER_BLOCK; page++) {
      const p = base + page * PAGE_SIZE;
      for (let slot = db.kernels.pageNextSlot(p, 0); slot >= 0; slot = db.kernels.pageNextSlot(p, slot + 1)) {
        const packed = db.kernels.pageRead(p, slot);
        out.push([makeTid(blockNo, page, slot), p + (packed >>> 16), packed & 0xffff]);
      }
    }
    db.heap.unpinBlock(frame);
  }
  return out;
}

function scanView(db: MiniDb): [number, number, number][] {
  const out: [number, number, number][] = [];
  db.heap.scan(OWNER, (tid, _u8, _view, offset, length) => void out.push([tid, offset, length]));
  return out;
}

for (const kind of KINDS) {
  describe(`heap scan (${kind} kernels)`, () => {
    it('visits what pageNextSlot and pageRead describe, after random inserts and reclaims (property)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.integer({ min: 28, max: 3000 }).map((len) => ({ insert: len })), fc.nat().map((pick) => ({ reclaim: pick }))), { maxLength: 200 }),
          (ops) => {
            const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
            const live: number[] = [];
            for (const op of ops) {
              if ('insert' in op) {
                live.push(db.heap.insert(OWNER, new Uint8Array(op.insert).fill(op.insert & 0xff)));
              } else if (live.length > 0) {
                db.heap.reclaim(live.splice(op.reclaim % live.length, 1)[0]!);
              }
            }
            const expected = kernelView(db);
            expect(scanView(db)).toEqual(expected);
            expect(expected.map(([tid]) => tid).sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b));
          },
        ),
        { seed: 8, numRuns: 60 },
      );
    });

    it('skips a page the kernels find insane, and reports a slot outside its page as XX001', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      for (let i = 0; i < 40; i++) db.heap.insert(OWNER, new Uint8Array(1000).fill(i));
      const [blockNo] = db.heap.blocksOf(OWNER);
      const frame = db.heap.pinBlock(blockNo!);
      const view = new DataView(db.kernels.buffer);
      const page1 = db.heap.frameOffset(frame) + PAGE_SIZE;
      const before = scanView(db).length;
      // free_lower no longer matches the slot count: pageNextSlot returns -1 for the page, so the scan skips it.
      const lower = view.getUint16(page1 + PAGE_OFF_FREE_LOWER, true);
      view.setUint16(page1 + PAGE_OFF_FREE_LOWER, lower + 4, true);
      expect(db.kernels.pageNextSlot(page1, 0)).toBe(-1);
      const skipped = scanView(db);
      expect(skipped.length).toBeLessThan(before);
      expect(skipped).toEqual(kernelView(db));
      view.setUint16(page1 + PAGE_OFF_FREE_LOWER, lower, true);
      // A live slot whose tuple runs past the page end.
      const slot0 = page1 + view.getUint16(page1 + PAGE_OFF_SLOT_DIR, true);
      view.setUint16(slot0 + 2, PAGE_SIZE, true);
      expect(db.kernels.pageRead(page1, 0)).toBe(-1);
      let error: unknown;
      try {
        scanView(db);
      } catch (e) {
        error = e;
      }
      db.heap.unpinBlock(frame);
      expect(error).toBeInstanceOf(FlintError);
      expect((error as FlintError).code).toBe(SqlState.dataCorrupted);
      expect((error as FlintError).message).toContain('points outside the page');
    });
  });
}

// A scan with a column match (Heap.scan's third argument) hands over, page
// by page, the tuples pageMatchColumn finds: exactly those of the plain scan
// whose column tupleBytesEqual finds equal, in the same order, over several
// blocks and after reclaims; a visitor that frees a later matched slot of
// the same page is not handed it; a page with a corrupt tuple is walked
// tuple by tuple as without the match.
describe('heap scan with a column match', () => {
  const types: StorageType[] = ['int32', 'text', 'float64'];
  const label = (i: number) => (i % 3 === 0 ? `label ${i % 11}` : `other ${i}`);
  const tuple = (i: number): Uint8Array => {
    const values = [i, i % 13 === 0 ? null : label(i), i / 2];
    const out = new Uint8Array(encodedRowSize(types, values));
    encodeTuple(types, values, 1, out, 0);
    return out;
  };
  const needle = new TextEncoder().encode('label 5');
  const match = { desc: columnMatchDescriptor(types, 1)!, needle };
  const filtered = (db: MiniDb, visit?: (tid: number) => void): number[] => {
    const out: number[] = [];
    db.heap.scan(OWNER, (tid) => {
      out.push(tid);
      visit?.(tid);
    }, match);
    return out;
  };
  const plain = (db: MiniDb): number[] => {
    const out: number[] = [];
    db.heap.scan(OWNER, (tid, u8, _v, at, len) => void (tupleBytesEqual(types, u8, at, len, 1, needle) && out.push(tid)));
    return out;
  };

  for (const kind of KINDS) {
    it(`visits exactly the matching tuples, in scan order (${kind} kernels, property)`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.nat({ max: 5000 }).map((i) => ({ insert: i })), fc.nat().map((pick) => ({ reclaim: pick }))), { maxLength: 400 }), (ops) => {
          const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
          const live: number[] = [];
          for (const op of ops) {
            if ('insert' in op) live.push(db.heap.insert(OWNER, tuple(op.insert)));
            else if (live.length > 0) db.heap.reclaim(live.splice(op.reclaim % live.length, 1)[0]!);
          }
          expect(filtered(db)).toEqual(plain(db));
        }),
        { seed: 9, numRuns: 40 },
      );
    });

    it(`a visitor that frees a later match of the same page is not handed it; a corrupt page is walked tuple by tuple (${kind} kernels)`, () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      for (let i = 0; i < 3000; i++) db.heap.insert(OWNER, tuple(i));
      const all = plain(db);
      expect(all.length).toBeGreaterThan(20);
      // Free the next match whenever it is on the same page as the one visited.
      const freed = new Set<number>();
      const seen = filtered(db, (tid) => {
        const next = all[all.indexOf(tid) + 1];
        if (next !== undefined && Math.floor(next / 1024) === Math.floor(tid / 1024) && !freed.has(tid)) {
          db.heap.reclaim(next);
          freed.add(next);
        }
      });
      expect(freed.size).toBeGreaterThan(0);
      expect(seen).toEqual(all.filter((tid) => !freed.has(tid)));
      // A tuple whose column count exceeds the table's: the kernel gives the page back, and the scan hands over every tuple of it.
      const [blockNo] = db.heap.blocksOf(OWNER);
      const frame = db.heap.pinBlock(blockNo!);
      const view = new DataView(db.kernels.buffer);
      const page1 = db.heap.frameOffset(frame) + PAGE_SIZE;
      const slot0 = page1 + view.getUint16(page1 + PAGE_OFF_SLOT_DIR, true);
      const at = page1 + view.getUint16(slot0, true);
      view.setUint16(at + TUPLE_OFF_COLUMN_COUNT, 200, true);
      const handed = filtered(db);
      db.heap.unpinBlock(frame);
      const page1Tids = kernelView(db).filter(([tid]) => Math.floor(tid / 1024) === Math.floor(makeTid(blockNo!, 1, 0) / 1024)).map(([tid]) => tid);
      expect(page1Tids.length).toBeGreaterThan(1);
      for (const tid of page1Tids) expect(handed).toContain(tid);
    });
  }
});

// Heap.holds: what a secondary entry's location hint is checked with before
// the hinted tuple is read (index-manager.ts, #hintedRow).
describe('Heap.holds', () => {
  for (const kind of KINDS) {
    it(`is true only for a formatted block of the owner's segments (${kind} kernels)`, () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      const tid = db.heap.insert(OWNER, new Uint8Array(40).fill(1));
      expect(db.heap.holds(OWNER, tid)).toBe(true);
      expect(db.heap.holds(OWNER + 1, tid)).toBe(false);
      expect(db.heap.holds(OWNER, 0)).toBe(false);
      expect(db.heap.holds(OWNER, -5)).toBe(false);
      // The last block of the owner's segment is not formatted yet.
      const [blockNo] = db.heap.blocksOf(OWNER);
      expect(db.heap.holds(OWNER, makeTid(blockNo! + 31, 0, 0))).toBe(false);
      db.heap.releaseOwner(OWNER);
      expect(db.heap.holds(OWNER, tid)).toBe(false);
    });
  }
});
