// Block kernels: a 64 KiB block of PAGES_PER_BLOCK slotted pages whose
// header (layout in src/kernels/layout.ts) sits in page 0 after its page
// header. src/kernels/ts/block.ts is the twin.
//
// Decisions beyond the contract in kernels.ts:
//   - blockInit formats every page as an empty PAGE_KIND_HEAP page (page 0's
//     slot directory starts after the block header), zeroes the header and
//     fills in magic, version, owner, number, logical length BLOCK_SIZE and
//     the free-space summary. It does not seal: CRCs stay 0 until blockSeal.
//   - blockFindPage returns the lowest page index whose summary is >= len
//     (deterministic first fit); len <= 0 finds nothing (pageInsert refuses it).
//   - blockRefreshPage also raises the header's highest LSN to the page's LSN.
//   - blockSeal seals the header first (CRC of [32, 128) with the CRC field
//     as 0), then every page, so page 0's CRC covers the sealed header.
//   - blockVerify checks magic, version and header CRC (16 if bad) before
//     the pages; it does not write.
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../src/limits';
import {
  BLOCK_FORMAT_VERSION, BLOCK_HEADER_OFFSET, BLOCK_HEADER_SIZE, BLOCK_MAGIC, BLOCK_OFF_HEADER_CRC,
  BLOCK_OFF_LOGICAL_LEN, BLOCK_OFF_MAGIC, BLOCK_OFF_MAX_LSN, BLOCK_OFF_NUMBER, BLOCK_OFF_OWNER,
  BLOCK_OFF_PAGE_FREE, BLOCK_OFF_VERSION, PAGE_HEADER_SIZE, PAGE_KIND_HEAP, PAGE_OFF_LSN,
} from '../src/kernels/layout';
import { crc32c } from './crc32c';
import { pageFreeSpace, pageInit, pageInsert, pageSeal, pageVerify } from './page';

/** Four zero bytes: stand-in for the header CRC field while verifying. */
const ZERO4: usize = memory.data(4, 4);

// @ts-ignore: decorator
@inline function pageAt(block: usize, index: i32): usize {
  return block + <usize>(index * PAGE_SIZE);
}

/** Format a block: header in page 0 (owner, number), all 16 pages empty heap pages. */
export function blockInit(block: usize, ownerId: i32, blockNo: i32): void {
  pageInit(block, PAGE_KIND_HEAP, BLOCK_HEADER_OFFSET + BLOCK_HEADER_SIZE);
  for (let i = 1; i < PAGES_PER_BLOCK; i++) pageInit(pageAt(block, i), PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
  memory.fill(block + <usize>BLOCK_HEADER_OFFSET, 0, <usize>BLOCK_HEADER_SIZE);
  store<u32>(block + <usize>BLOCK_OFF_MAGIC, BLOCK_MAGIC);
  store<u8>(block + <usize>BLOCK_OFF_VERSION, <u8>BLOCK_FORMAT_VERSION);
  store<u32>(block + <usize>BLOCK_OFF_OWNER, ownerId);
  store<u32>(block + <usize>BLOCK_OFF_NUMBER, blockNo);
  store<u32>(block + <usize>BLOCK_OFF_LOGICAL_LEN, BLOCK_SIZE);
  for (let i = 0; i < PAGES_PER_BLOCK; i++) {
    store<u16>(block + <usize>(BLOCK_OFF_PAGE_FREE + i * 2), <u16>pageFreeSpace(pageAt(block, i)));
  }
}

/** Lowest page index whose summarized free space fits len bytes, or -1. */
export function blockFindPage(block: usize, len: i32): i32 {
  if (len <= 0) return -1;
  for (let i = 0; i < PAGES_PER_BLOCK; i++) {
    if (<i32>load<u16>(block + <usize>(BLOCK_OFF_PAGE_FREE + i * 2)) >= len) return i;
  }
  return -1;
}

/**
 * A page with room for len bytes, checked on the page itself: a summary
 * figure that overstates its page's free space (stale: page 0, which holds
 * the summary, is not written with the other pages' changes, so a block
 * read back after eviction can have old figures) is refreshed and the
 * search goes on. Lowest such page index, or -1.
 */
export function blockFindRoom(block: usize, len: i32): i32 {
  for (let round = 0; round <= PAGES_PER_BLOCK; round++) {
    const page = blockFindPage(block, len);
    if (page < 0 || pageFreeSpace(pageAt(block, page)) >= len) return page;
    blockRefreshPage(block, page);
  }
  return -1;
}

/**
 * pageInsert into page pageIndex of the block, then that page's summary
 * figure refreshed (not the block's highest LSN: the caller stamps the page
 * once the change is logged, then raises it). Returns the slot, | the
 * largest summary figure of the block << 16; -1 if the page cannot hold it.
 */
export function blockInsert(block: usize, pageIndex: i32, src: usize, len: i32): i32 {
  assert(<u32>pageIndex < <u32>PAGES_PER_BLOCK, 'blockInsert: page index out of range');
  const page = pageAt(block, pageIndex);
  const slot = pageInsert(page, src, len);
  if (slot < 0) return -1;
  store<u16>(block + <usize>(BLOCK_OFF_PAGE_FREE + pageIndex * 2), <u16>pageFreeSpace(page));
  let largest: i32 = 0;
  for (let i = 0; i < PAGES_PER_BLOCK; i++) {
    const free = <i32>load<u16>(block + <usize>(BLOCK_OFF_PAGE_FREE + i * 2));
    if (free > largest) largest = free;
  }
  return slot | (largest << 16);
}

/** Re-read one page's free space (and LSN) into the header after it changed. */
export function blockRefreshPage(block: usize, pageIndex: i32): void {
  assert(<u32>pageIndex < <u32>PAGES_PER_BLOCK, 'blockRefreshPage: page index out of range');
  const page = pageAt(block, pageIndex);
  store<u16>(block + <usize>(BLOCK_OFF_PAGE_FREE + pageIndex * 2), <u16>pageFreeSpace(page));
  const lsn = load<u64>(page + <usize>PAGE_OFF_LSN);
  if (lsn > load<u64>(block + <usize>BLOCK_OFF_MAX_LSN)) store<u64>(block + <usize>BLOCK_OFF_MAX_LSN, lsn);
}

/** CRC32C of the header [32, 128) with the header-CRC field taken as 0. */
function headerCrc(block: usize): u32 {
  const h = block + <usize>BLOCK_HEADER_OFFSET;
  const crcAt = <usize>(BLOCK_OFF_HEADER_CRC - BLOCK_HEADER_OFFSET);
  let crc = crc32c(h, <i32>crcAt, 0);
  crc = crc32c(ZERO4, 4, crc);
  return crc32c(h + crcAt + 4, BLOCK_HEADER_SIZE - <i32>crcAt - 4, crc);
}

/** Seal the header CRC, then all 16 page CRCs. */
export function blockSeal(block: usize): void {
  store<u32>(block + <usize>BLOCK_OFF_HEADER_CRC, headerCrc(block));
  for (let i = 0; i < PAGES_PER_BLOCK; i++) pageSeal(pageAt(block, i));
}

/** -1 if intact; 16 for a bad header; else the first page whose CRC does not match. */
export function blockVerify(block: usize): i32 {
  if (
    load<u32>(block + <usize>BLOCK_OFF_MAGIC) != BLOCK_MAGIC ||
    <i32>load<u8>(block + <usize>BLOCK_OFF_VERSION) != BLOCK_FORMAT_VERSION ||
    load<u32>(block + <usize>BLOCK_OFF_HEADER_CRC) != headerCrc(block)
  ) {
    return PAGES_PER_BLOCK;
  }
  for (let i = 0; i < PAGES_PER_BLOCK; i++) if (pageVerify(pageAt(block, i)) == 0) return i;
  return -1;
}
