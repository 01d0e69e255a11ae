// Block kernels, TypeScript twin of assembly/block.ts (whose header comment
// documents the decisions beyond the contract). Same steps, same bytes.
import { assert } from '../../errors.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import {
  BLOCK_FORMAT_VERSION, BLOCK_HEADER_OFFSET, BLOCK_HEADER_SIZE, BLOCK_MAGIC, BLOCK_OFF_HEADER_CRC,
  BLOCK_OFF_LOGICAL_LEN, BLOCK_OFF_MAGIC, BLOCK_OFF_MAX_LSN, BLOCK_OFF_NUMBER, BLOCK_OFF_OWNER,
  BLOCK_OFF_PAGE_FREE, BLOCK_OFF_VERSION, PAGE_HEADER_SIZE, PAGE_KIND_HEAP, PAGE_OFF_LSN,
} from '../layout.ts';
import { crc32cUpdate } from './bytes.ts';
import type { BlockKernels, ByteKernels, PageKernels, TsMemory } from './memory.ts';

/** Four zero bytes: stand-in for the header CRC field while verifying. */
const ZERO4 = new Uint8Array(4);

export function createBlockKernels(mem: TsMemory, bytes: ByteKernels, page: PageKernels): BlockKernels {
  const { u8, view } = mem;
  const { pageFreeSpace, pageInit, pageInsert, pageSeal, pageVerify } = page;
  void bytes;

  function blockInit(block: number, ownerId: number, blockNo: number): void {
    pageInit(block, PAGE_KIND_HEAP, BLOCK_HEADER_OFFSET + BLOCK_HEADER_SIZE);
    for (let i = 1; i < PAGES_PER_BLOCK; i++) pageInit(block + i * PAGE_SIZE, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
    u8.fill(0, block + BLOCK_HEADER_OFFSET, block + BLOCK_HEADER_OFFSET + BLOCK_HEADER_SIZE);
    view.setUint32(block + BLOCK_OFF_MAGIC, BLOCK_MAGIC, true);
    u8[block + BLOCK_OFF_VERSION] = BLOCK_FORMAT_VERSION;
    view.setInt32(block + BLOCK_OFF_OWNER, ownerId, true);
    view.setInt32(block + BLOCK_OFF_NUMBER, blockNo, true);
    view.setUint32(block + BLOCK_OFF_LOGICAL_LEN, BLOCK_SIZE, true);
    for (let i = 0; i < PAGES_PER_BLOCK; i++) {
      view.setUint16(block + BLOCK_OFF_PAGE_FREE + i * 2, pageFreeSpace(block + i * PAGE_SIZE), true);
    }
  }

  function blockFindPage(block: number, len: number): number {
    if (len <= 0) return -1;
    for (let i = 0; i < PAGES_PER_BLOCK; i++) {
      if (view.getUint16(block + BLOCK_OFF_PAGE_FREE + i * 2, true) >= len) return i;
    }
    return -1;
  }

  function blockFindRoom(block: number, len: number): number {
    for (let round = 0; round <= PAGES_PER_BLOCK; round++) {
      const page = blockFindPage(block, len);
      if (page < 0 || pageFreeSpace(block + page * PAGE_SIZE) >= len) return page;
      blockRefreshPage(block, page);
    }
    return -1;
  }

  function blockInsert(block: number, pageIndex: number, src: number, len: number): number {
    assert(pageIndex >= 0 && pageIndex < PAGES_PER_BLOCK, 'blockInsert: page index out of range');
    const p = block + pageIndex * PAGE_SIZE;
    const slot = pageInsert(p, src, len);
    if (slot < 0) return -1;
    view.setUint16(block + BLOCK_OFF_PAGE_FREE + pageIndex * 2, pageFreeSpace(p), true);
    let largest = 0;
    for (let i = 0; i < PAGES_PER_BLOCK; i++) {
      const free = view.getUint16(block + BLOCK_OFF_PAGE_FREE + i * 2, true);
      if (free > largest) largest = free;
    }
    return slot | (largest << 16);
  }

  function blockRefreshPage(block: number, pageIndex: number): void {
    assert(pageIndex >= 0 && pageIndex < PAGES_PER_BLOCK, 'blockRefreshPage: page index out of range');
    const p = block + pageIndex * PAGE_SIZE;
    view.setUint16(block + BLOCK_OFF_PAGE_FREE + pageIndex * 2, pageFreeSpace(p), true);
    // Unsigned 64-bit compare as (high, low) u32 halves: no BigInt in the hot path.
    const lsnHi = view.getUint32(p + PAGE_OFF_LSN + 4, true);
    const lsnLo = view.getUint32(p + PAGE_OFF_LSN, true);
    const maxHi = view.getUint32(block + BLOCK_OFF_MAX_LSN + 4, true);
    const maxLo = view.getUint32(block + BLOCK_OFF_MAX_LSN, true);
    if (lsnHi > maxHi || (lsnHi === maxHi && lsnLo > maxLo)) {
      view.setUint32(block + BLOCK_OFF_MAX_LSN, lsnLo, true);
      view.setUint32(block + BLOCK_OFF_MAX_LSN + 4, lsnHi, true);
    }
  }

  function headerCrc(block: number): number {
    const h = block + BLOCK_HEADER_OFFSET;
    const crcAt = BLOCK_OFF_HEADER_CRC - BLOCK_HEADER_OFFSET;
    let state = crc32cUpdate(u8, h, crcAt, -1);
    state = crc32cUpdate(ZERO4, 0, 4, state);
    state = crc32cUpdate(u8, h + crcAt + 4, BLOCK_HEADER_SIZE - crcAt - 4, state);
    return ~state;
  }

  function blockSeal(block: number): void {
    view.setInt32(block + BLOCK_OFF_HEADER_CRC, headerCrc(block), true);
    for (let i = 0; i < PAGES_PER_BLOCK; i++) pageSeal(block + i * PAGE_SIZE);
  }

  function blockVerify(block: number): number {
    if (
      view.getUint32(block + BLOCK_OFF_MAGIC, true) !== BLOCK_MAGIC ||
      u8[block + BLOCK_OFF_VERSION] !== BLOCK_FORMAT_VERSION ||
      view.getInt32(block + BLOCK_OFF_HEADER_CRC, true) !== headerCrc(block)
    ) {
      return PAGES_PER_BLOCK;
    }
    for (let i = 0; i < PAGES_PER_BLOCK; i++) if (pageVerify(block + i * PAGE_SIZE) === 0) return i;
    return -1;
  }

  return { blockInit, blockFindPage, blockFindRoom, blockInsert, blockRefreshPage, blockSeal, blockVerify };
}
