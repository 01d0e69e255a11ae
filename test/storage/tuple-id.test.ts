import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import {
  formatTid, isTid, makeTid, NO_TID, TID_HEAP_BLOCKS_MAX, tidBlock, tidBlockInSegment, tidPage, tidSegment, tidSlot,
  TIDS_PER_BLOCK, TIDS_PER_SEGMENT,
} from '../../src/storage/tuple-id.ts';

describe('tuple ids', () => {
  it('pack (segment, block, page, slot) as ((segment * 32 + block) * 256 + page) * 1024 + slot', () => {
    const segment = 5;
    const block = 7;
    const tid = makeTid(segment * 32 + block, 3, 1000);
    expect(tid).toBe(((5 * 32 + 7) * 256 + 3) * 1024 + 1000);
    expect(tidSegment(tid)).toBe(5);
    expect(tidBlockInSegment(tid)).toBe(7);
    expect(tidBlock(tid)).toBe(167);
    expect(tidPage(tid)).toBe(3);
    expect(tidSlot(tid)).toBe(1000);
    expect(TIDS_PER_BLOCK).toBe(256 * 1024);
    expect(TIDS_PER_SEGMENT).toBe(32 * 256 * 1024);
  });

  it('round-trip at the edges, up to 2^53 - 1', () => {
    const last = TID_HEAP_BLOCKS_MAX - 1;
    const cases: [number, number, number][] = [
      [0, 0, 1], [1, 0, 0], [31, 15, 1023], [32, 0, 0], [2 ** 20, 9, 512], [2 ** 31 + 5, 255, 1023], [7, 200, 3], [last, 255, 1023], [last, 0, 0],
    ];
    for (const [block, page, slot] of cases) {
      const tid = makeTid(block, page, slot);
      expect(isTid(tid)).toBe(true);
      expect([tidBlock(tid), tidPage(tid), tidSlot(tid)]).toEqual([block, page, slot]);
      expect(tidSegment(tid) * 32 + tidBlockInSegment(tid)).toBe(block);
    }
    expect(makeTid(last, 255, 1023)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('round-trip for random positions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TID_HEAP_BLOCKS_MAX - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 1023 }),
        (block, page, slot) => {
          const tid = makeTid(block, page, slot);
          return tidBlock(tid) === block && tidPage(tid) === page && tidSlot(tid) === slot && Number.isSafeInteger(tid);
        },
      ),
      { seed: 2024, numRuns: 2000 },
    );
  });

  it('order tids by (block, page, slot)', () => {
    expect(makeTid(1, 0, 1023)).toBeLessThan(makeTid(1, 1, 0));
    expect(makeTid(1, 255, 1023)).toBeLessThan(makeTid(2, 0, 0));
  });

  it('reserve 0 for none: it lies in heap block 0, the file-header segment', () => {
    expect(NO_TID).toBe(0);
    expect(tidBlock(NO_TID)).toBe(0);
    expect(tidSegment(NO_TID)).toBe(0);
    expect(makeTid(32, 0, 0)).toBeGreaterThan(0);
  });

  it('format as (block,page,slot)', () => {
    expect(formatTid(makeTid(12, 3, 7))).toBe('(12,3,7)');
    expect(formatTid(NO_TID)).toBe('(0,0,0)');
  });

  it('refuse positions outside the fields (assertions, not FlintErrors)', () => {
    expect(() => makeTid(0, 256, 0)).toThrow(/assertion failed/);
    expect(() => makeTid(0, 0, 1024)).toThrow(/assertion failed/);
    expect(() => makeTid(-1, 0, 0)).toThrow(/assertion failed/);
    expect(() => makeTid(1.5, 0, 0)).toThrow(/assertion failed/);
    expect(() => makeTid(TID_HEAP_BLOCKS_MAX, 0, 0)).toThrow(/assertion failed/);
    expect(isTid(-1)).toBe(false);
    expect(isTid(2 ** 53)).toBe(false);
  });
});
