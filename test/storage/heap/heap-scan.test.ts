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
