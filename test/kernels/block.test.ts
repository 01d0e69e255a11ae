// Block kernels, run against both implementations.
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../src/limits.ts';
import {
  BLOCK_FORMAT_VERSION, BLOCK_MAGIC, BLOCK_OFF_COMPRESSED_LEN, BLOCK_OFF_HEADER_CRC, BLOCK_OFF_LOGICAL_LEN,
  BLOCK_OFF_MAGIC, BLOCK_OFF_MAX_LSN, BLOCK_OFF_NUMBER, BLOCK_OFF_OWNER, BLOCK_OFF_PAGE_FREE,
  BLOCK_OFF_VERSION, PAGE_KIND_HEAP, PAGE_OFF_KIND, PAGE_OFF_LSN, PAGE_OFF_SLOT_DIR, SLOT_SIZE,
} from '../../src/kernels/layout.ts';
import { KERNEL_KINDS, makeKernels } from './harness.ts';

/** Bitwise CRC32C reference. */
function crcRef(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c | 0;
}

for (const kind of KERNEL_KINDS) {
  describe(`block kernels (${kind})`, () => {
    const k = makeKernels(kind);
    const u8 = new Uint8Array(k.buffer);
    const view = new DataView(k.buffer);
    const block = k.arenaOffset + BLOCK_SIZE;
    const src = k.scratchOffset;
    const page0Free = PAGE_SIZE - 128 - SLOT_SIZE;
    const pageFree = PAGE_SIZE - 32 - SLOT_SIZE;
    const summary = (i: number): number => view.getUint16(block + BLOCK_OFF_PAGE_FREE + 2 * i, true);

    function fresh(): void {
      u8.fill(0x5a, block - BLOCK_SIZE, block + 2 * BLOCK_SIZE);
      k.blockInit(block, 7, 0x1234567);
    }

    it('formats the header and sixteen empty heap pages', () => {
      fresh();
      expect(view.getUint32(block + BLOCK_OFF_MAGIC, true)).toBe(BLOCK_MAGIC);
      expect(u8[block + BLOCK_OFF_VERSION]).toBe(BLOCK_FORMAT_VERSION);
      expect(view.getUint32(block + BLOCK_OFF_OWNER, true)).toBe(7);
      expect(view.getUint32(block + BLOCK_OFF_NUMBER, true)).toBe(0x1234567);
      expect(view.getUint32(block + BLOCK_OFF_COMPRESSED_LEN, true)).toBe(0);
      expect(view.getUint32(block + BLOCK_OFF_LOGICAL_LEN, true)).toBe(BLOCK_SIZE);
      expect(view.getBigUint64(block + BLOCK_OFF_MAX_LSN, true)).toBe(0n);
      expect(u8.slice(block + 104, block + 128).every((b) => b === 0)).toBe(true);
      for (let i = 0; i < PAGES_PER_BLOCK; i++) {
        const page = block + i * PAGE_SIZE;
        expect(u8[page + PAGE_OFF_KIND]).toBe(PAGE_KIND_HEAP);
        expect(view.getUint16(page + PAGE_OFF_SLOT_DIR, true)).toBe(i === 0 ? 128 : 32);
        expect(summary(i)).toBe(i === 0 ? page0Free : pageFree);
        expect(k.pageFreeSpace(page)).toBe(summary(i));
      }
      expect(u8.slice(block - BLOCK_SIZE, block).every((b) => b === 0x5a)).toBe(true);
      expect(u8.slice(block + BLOCK_SIZE, block + 2 * BLOCK_SIZE).every((b) => b === 0x5a)).toBe(true);
    });

    it('writes every byte of the block: the same bytes over any old content (Heap formats unzeroed frames)', () => {
      u8.fill(0, block, block + BLOCK_SIZE);
      k.blockInit(block, 7, 0x1234567);
      const overZeros = u8.slice(block, block + BLOCK_SIZE);
      for (const old of [0x5a, 0xff, 0x01]) {
        u8.fill(old, block, block + BLOCK_SIZE);
        k.blockInit(block, 7, 0x1234567);
        expect(u8.slice(block, block + BLOCK_SIZE)).toEqual(overZeros);
      }
    });

    it('finds the first page whose summary fits the tuple', () => {
      fresh();
      expect(k.blockFindPage(block, 1)).toBe(0);
      expect(k.blockFindPage(block, page0Free)).toBe(0);
      expect(k.blockFindPage(block, page0Free + 1)).toBe(1);
      expect(k.blockFindPage(block, pageFree)).toBe(1);
      expect(k.blockFindPage(block, pageFree + 1)).toBe(-1);
      expect(k.blockFindPage(block, 0)).toBe(-1);
      expect(k.blockFindPage(block, -4)).toBe(-1);
    });

    it('finds room checked on the page itself, refreshing a stale summary figure on the way', () => {
      fresh();
      u8.fill(9, src, src + 3000);
      for (const p of [0, 1]) expect(k.pageInsert(block + p * PAGE_SIZE, src, 3000)).toBe(0);
      // Pages 0 and 1 are nearly full but their figures say empty: blockFindPage trusts them, blockFindRoom does not.
      expect(k.blockFindPage(block, 2000)).toBe(0);
      expect(k.blockFindRoom(block, 2000)).toBe(2);
      expect(summary(0)).toBe(page0Free - 3000 - SLOT_SIZE);
      expect(summary(1)).toBe(pageFree - 3000 - SLOT_SIZE);
      expect(k.blockFindRoom(block, 500)).toBe(0);
      expect(k.blockFindRoom(block, pageFree + 1)).toBe(-1);
      expect(k.blockFindRoom(block, 0)).toBe(-1);
    });

    it('inserts into a page, refreshes its figure and reports the largest of the block', () => {
      fresh();
      u8.fill(7, src, src + 4000);
      // Fill pages 1..15 down to 100 bytes of room, in order.
      for (let p = 1; p < PAGES_PER_BLOCK; p++) {
        const r = k.blockInsert(block, p, src, pageFree - 100 - SLOT_SIZE);
        expect(r & 0xffff).toBe(0);
        expect(summary(p)).toBe(100);
        // The largest figure: an empty page after p while there is one, then page 0 (its header takes room).
        expect(r >>> 16).toBe(p < PAGES_PER_BLOCK - 1 ? pageFree : page0Free);
      }
      const r = k.blockInsert(block, 0, src, 1000);
      expect(r & 0xffff).toBe(0);
      expect(summary(0)).toBe(page0Free - 1000 - SLOT_SIZE);
      expect(r >>> 16).toBe(page0Free - 1000 - SLOT_SIZE);
      expect(k.pageRead(block, 0) & 0xffff).toBe(1000);
      // No room: nothing changes.
      const before = u8.slice(block, block + BLOCK_SIZE);
      expect(k.blockInsert(block, 3, src, 101)).toBe(-1);
      expect(u8.slice(block, block + BLOCK_SIZE)).toEqual(before);
      // The highest LSN is the caller's to raise.
      view.setBigUint64(block + 5 * PAGE_SIZE + PAGE_OFF_LSN, 77n, true);
      expect(k.blockInsert(block, 5, src, 10) & 0xffff).toBe(1);
      expect(view.getBigUint64(block + BLOCK_OFF_MAX_LSN, true)).toBe(0n);
    });

    it('refreshes one page summary and the highest LSN', () => {
      fresh();
      u8.fill(9, src, src + 3000);
      for (const p of [0, 1]) expect(k.pageInsert(block + p * PAGE_SIZE, src, 3000)).toBe(0);
      // Stale summary until refreshed.
      expect(k.blockFindPage(block, 2000)).toBe(0);
      k.blockRefreshPage(block, 0);
      expect(summary(0)).toBe(page0Free - 3000 - SLOT_SIZE);
      expect(k.blockFindPage(block, 2000)).toBe(1);
      k.blockRefreshPage(block, 1);
      expect(k.blockFindPage(block, 2000)).toBe(2);
      expect(k.blockFindPage(block, 500)).toBe(0);

      const setLsn = (p: number, lsn: bigint): void => view.setBigUint64(block + p * PAGE_SIZE + PAGE_OFF_LSN, lsn, true);
      const maxLsn = (): bigint => view.getBigUint64(block + BLOCK_OFF_MAX_LSN, true);
      setLsn(3, 0x1_0000_0005n);
      k.blockRefreshPage(block, 3);
      expect(maxLsn()).toBe(0x1_0000_0005n);
      setLsn(4, 0xffff_fff0n); // higher low word, lower high word
      k.blockRefreshPage(block, 4);
      expect(maxLsn()).toBe(0x1_0000_0005n);
      setLsn(15, 0x8000_0000_0000_0001n);
      k.blockRefreshPage(block, 15);
      expect(maxLsn()).toBe(0x8000_0000_0000_0001n);
      expect(() => k.blockRefreshPage(block, 16)).toThrow();
      expect(() => k.blockRefreshPage(block, -1)).toThrow();
    });

    it('seals header and pages; verify finds the first bad page or the header', () => {
      fresh();
      expect(k.blockVerify(block)).toBe(PAGES_PER_BLOCK); // header CRC not written yet
      k.blockSeal(block);
      expect(k.blockVerify(block)).toBe(-1);
      // The header CRC covers [32, 128) with its own field as zero.
      const header = u8.slice(block + 32, block + 128);
      header.fill(0, BLOCK_OFF_HEADER_CRC - 32, BLOCK_OFF_HEADER_CRC - 28);
      expect(view.getInt32(block + BLOCK_OFF_HEADER_CRC, true)).toBe(crcRef(header));
      for (let i = 0; i < PAGES_PER_BLOCK; i++) expect(k.pageVerify(block + i * PAGE_SIZE)).toBe(1);

      const flip = (at: number): void => {
        u8[block + at]! ^= 0x10;
      };
      for (const p of [0, 5, 15]) {
        flip(p * PAGE_SIZE + 1000);
        expect(k.blockVerify(block)).toBe(p);
        flip(p * PAGE_SIZE + 1000);
      }
      flip(7 * PAGE_SIZE + 100);
      flip(9 * PAGE_SIZE + 100);
      expect(k.blockVerify(block)).toBe(7);
      flip(7 * PAGE_SIZE + 100);
      flip(9 * PAGE_SIZE + 100);
      for (const at of [BLOCK_OFF_MAGIC, BLOCK_OFF_VERSION, BLOCK_OFF_OWNER + 2, BLOCK_OFF_HEADER_CRC, BLOCK_OFF_PAGE_FREE + 9, 127]) {
        flip(at);
        expect(k.blockVerify(block)).toBe(PAGES_PER_BLOCK);
        flip(at);
      }
      expect(k.blockVerify(block)).toBe(-1);
      // After a change the block verifies again only once resealed.
      u8.fill(1, src, src + 10);
      k.pageInsert(block + 3 * PAGE_SIZE, src, 10);
      k.blockRefreshPage(block, 3);
      expect(k.blockVerify(block)).toBe(PAGES_PER_BLOCK);
      k.blockSeal(block);
      expect(k.blockVerify(block)).toBe(-1);
    });
  });
}
