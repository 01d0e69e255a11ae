// Tuple ids: where a tuple version lives in the heap file, as one JS integer.
//
// A tid packs (heap block number, page in block, slot in page), and the heap
// block number itself is (segment, block in segment):
//
//   tid = ((segment * 32 + blockInSegment) * 256 + page) * 1024 + slot
//       = (heapBlockNo * 256 + page) * 1024 + slot
//
// FIELD            BITS  RANGE
// slot               10  0..1023 (a 4 KiB page holds at most 1016 slots)
// page                8  0..255  (TID_PAGES_PER_BLOCK: the logical pages of
//                                 a compressed block, up to 16 x 16 pages;
//                                 an uncompressed block uses 0..15)
// block in segment    5  0..31   (BLOCKS_PER_SEGMENT)
// segment            30  0..2^30-1 (so that tid < 2^53, a safe JS integer;
//                                 2^30 segments of 2 MiB = 2 PiB)
//
// Heap format version 2 (docs/storage-format.md): version 1 had 4 page bits
// and 34 segment bits, before compressed blocks needed more logical pages.
//
// The packing is arithmetic, not bitwise, because tids exceed 32 bits; the
// low fields are still read with `&` and `>>>`, which keep the low 32 bits of
// an integer below 2^53 exactly.
//
// tid 0 is reserved and means "none" (NO_TID), e.g. in a tuple header's
// `next` field. It cannot name a real tuple: heap block 0 is the first block
// of segment 0, and segment 0 is the file-header segment of the heap file,
// which holds no tuples.

import { assert } from '../errors.ts';
import { BLOCKS_PER_SEGMENT, PAGES_PER_BLOCK } from '../limits.ts';

/** The tid that names no tuple. */
export const NO_TID = 0;
/** Slots addressable in one page. */
export const TID_SLOTS_PER_PAGE = 1024;
/** Logical pages addressable in one block: 16 sub-blocks of 16 pages (a compressed block's logical content). */
export const TID_PAGES_PER_BLOCK = 256;
/** Tids per heap block: 256 logical pages of 1024 slots. */
export const TIDS_PER_BLOCK = TID_PAGES_PER_BLOCK * TID_SLOTS_PER_PAGE;
/** Tids per 2 MiB segment. */
export const TIDS_PER_SEGMENT = BLOCKS_PER_SEGMENT * TIDS_PER_BLOCK;
/** One past the largest heap block number a tid can name (tid < 2^53). */
export const TID_HEAP_BLOCKS_MAX = Math.floor(Number.MAX_SAFE_INTEGER / TIDS_PER_BLOCK) + 1;

assert(PAGES_PER_BLOCK === 16 && BLOCKS_PER_SEGMENT === 32, 'tid packing assumes 16 pages a block and 32 blocks a segment');

/** The tid of slot `slot` of page `page` of heap block `heapBlockNo` (= segment * 32 + block in segment). */
export function makeTid(heapBlockNo: number, page: number, slot: number): number {
  if (
    !(Number.isInteger(heapBlockNo) && heapBlockNo >= 0 && heapBlockNo < TID_HEAP_BLOCKS_MAX) ||
    !(Number.isInteger(page) && page >= 0 && page < TID_PAGES_PER_BLOCK) ||
    !(Number.isInteger(slot) && slot >= 0 && slot < TID_SLOTS_PER_PAGE)
  ) {
    assert(false, `makeTid: no tid for block ${heapBlockNo}, page ${page}, slot ${slot}`);
  }
  return (heapBlockNo * TID_PAGES_PER_BLOCK + page) * TID_SLOTS_PER_PAGE + slot;
}

/** Heap block number (segment * 32 + block in segment). */
export function tidBlock(tid: number): number {
  return Math.floor(tid / TIDS_PER_BLOCK);
}

/** Logical page within the block, 0..255 (0..15 in an uncompressed block). */
export function tidPage(tid: number): number {
  return (tid >>> 10) & 255;
}

/** Slot within the page, 0..1023. */
export function tidSlot(tid: number): number {
  return tid & 1023;
}

/** Segment of the heap file. */
export function tidSegment(tid: number): number {
  return Math.floor(tid / TIDS_PER_SEGMENT);
}

/** Block within its segment, 0..31. */
export function tidBlockInSegment(tid: number): number {
  return (tid >>> 18) & 31;
}

/** True for an integer in the tid range (0 included: the caller decides whether NO_TID is allowed). */
export function isTid(tid: number): boolean {
  return Number.isSafeInteger(tid) && tid >= 0;
}

/** "(heapBlock,page,slot)", e.g. "(12,3,7)", for messages. */
export function formatTid(tid: number): string {
  return `(${tidBlock(tid)},${tidPage(tid)},${tidSlot(tid)})`;
}
