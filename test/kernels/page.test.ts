// Slotted page kernels, run against both implementations.
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/limits.ts';
import {
  PAGE_FORMAT_VERSION, PAGE_KIND_BTREE_LEAF, PAGE_KIND_HEAP, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR,
  PAGE_OFF_VERSION, SLOT_SIZE,
} from '../../src/kernels/layout.ts';
import { packedLength, packedOffset } from '../../src/kernels/index.ts';
import { KERNEL_KINDS, makeKernels } from './harness.ts';

/** Bytes of tuple `id`: distinct per id so a mixed-up slot shows. */
function tupleBytes(id: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (id * 31 + i * 7 + 1) & 0xff;
  return out;
}

for (const kind of KERNEL_KINDS) {
  describe(`page kernels (${kind})`, () => {
    const k = makeKernels(kind);
    const u8 = new Uint8Array(k.buffer);
    const view = new DataView(k.buffer);
    // The page sits between two canary pages, so stray writes show.
    const page = k.arenaOffset + PAGE_SIZE;
    const src = k.scratchOffset;
    const header = (off: number): number => view.getUint16(page + off, true);
    const maxTuple = PAGE_SIZE - 32 - SLOT_SIZE;

    function fresh(slotDirStart = 32): void {
      u8.fill(0xa5, page - PAGE_SIZE, page + 2 * PAGE_SIZE);
      k.pageInit(page, PAGE_KIND_HEAP, slotDirStart);
    }
    function canariesIntact(): boolean {
      for (let i = page - PAGE_SIZE; i < page; i++) if (u8[i] !== 0xa5) return false;
      for (let i = page + PAGE_SIZE; i < page + 2 * PAGE_SIZE; i++) if (u8[i] !== 0xa5) return false;
      return true;
    }
    function insert(bytes: Uint8Array): number {
      u8.set(bytes, src);
      return k.pageInsert(page, src, bytes.length);
    }
    function update(slot: number, bytes: Uint8Array): number {
      u8.set(bytes, src);
      return k.pageUpdate(page, slot, src, bytes.length);
    }
    function read(slot: number): Uint8Array | undefined {
      const packed = k.pageRead(page, slot);
      if (packed < 0) return undefined;
      return u8.slice(page + packedOffset(packed), page + packedOffset(packed) + packedLength(packed));
    }
    function liveSlots(): number[] {
      const out: number[] = [];
      for (let s = k.pageNextSlot(page, 0); s >= 0; s = k.pageNextSlot(page, s + 1)) out.push(s);
      return out;
    }

    it('formats an empty page', () => {
      fresh();
      expect(u8[page + PAGE_OFF_KIND]).toBe(PAGE_KIND_HEAP);
      expect(u8[page + PAGE_OFF_VERSION]).toBe(PAGE_FORMAT_VERSION);
      expect(header(PAGE_OFF_SLOT_COUNT)).toBe(0);
      expect(header(PAGE_OFF_FREE_LOWER)).toBe(32);
      expect(header(PAGE_OFF_FREE_UPPER)).toBe(PAGE_SIZE);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(0);
      expect(header(PAGE_OFF_SLOT_DIR)).toBe(32);
      expect(k.pageLiveCount(page)).toBe(0);
      expect(k.pageFreeSpace(page)).toBe(maxTuple);
      expect(k.pageNextSlot(page, 0)).toBe(-1);
      expect(k.pageRead(page, 0)).toBe(-1);
      expect(u8.slice(page + 32, page + PAGE_SIZE).every((b) => b === 0)).toBe(true);
      expect(canariesIntact()).toBe(true);
    });

    it('leaves the bytes between page header and slot directory to the caller', () => {
      u8.fill(0x77, page, page + PAGE_SIZE);
      k.pageInit(page, PAGE_KIND_BTREE_LEAF, 48);
      expect(u8.slice(page + 32, page + 48).every((b) => b === 0x77)).toBe(true);
      expect(u8.slice(page + 48, page + PAGE_SIZE).every((b) => b === 0)).toBe(true);
      expect(k.pageFreeSpace(page)).toBe(PAGE_SIZE - 48 - SLOT_SIZE);
    });

    it('rejects a bad slot directory start or kind', () => {
      expect(() => k.pageInit(page, PAGE_KIND_HEAP, 31)).toThrow();
      expect(() => k.pageInit(page, PAGE_KIND_HEAP, PAGE_SIZE - SLOT_SIZE)).toThrow();
      expect(() => k.pageInit(page, 256, 32)).toThrow();
    });

    it('inserts until full, reads every tuple back, and reports exact free space', () => {
      fresh();
      const slots: number[] = [];
      for (;;) {
        const s = insert(tupleBytes(slots.length, 100));
        if (s < 0) break;
        expect(s).toBe(slots.length);
        slots.push(s);
      }
      expect(slots.length).toBe(Math.floor((PAGE_SIZE - 32) / (100 + SLOT_SIZE)));
      expect(k.pageLiveCount(page)).toBe(slots.length);
      for (const s of slots) expect(read(s)).toEqual(tupleBytes(s, 100));
      const free = k.pageFreeSpace(page);
      expect(free).toBe(PAGE_SIZE - 32 - slots.length * 104 - SLOT_SIZE);
      expect(insert(tupleBytes(99, free + 1))).toBe(-1);
      expect(insert(tupleBytes(99, free))).toBe(slots.length);
      expect(k.pageFreeSpace(page)).toBe(0);
      expect(insert(tupleBytes(100, 1))).toBe(-1);
      expect(canariesIntact()).toBe(true);
    });

    it('refuses empty and oversized tuples, accepts the largest', () => {
      fresh();
      expect(insert(new Uint8Array(0))).toBe(-1);
      expect(k.pageInsert(page, src, -5)).toBe(-1);
      expect(insert(tupleBytes(1, maxTuple + 1))).toBe(-1);
      expect(insert(tupleBytes(1, maxTuple))).toBe(0);
      expect(read(0)).toEqual(tupleBytes(1, maxTuple));
      expect(header(PAGE_OFF_FREE_LOWER)).toBe(header(PAGE_OFF_FREE_UPPER));
      expect(k.pageFreeSpace(page)).toBe(0);
    });

    it('deletes, reuses the lowest free slot, and shrinks the directory at the end', () => {
      fresh();
      for (let i = 0; i < 8; i++) expect(insert(tupleBytes(i, 10 + i))).toBe(i);
      expect(k.pageDelete(page, 3)).toBe(1);
      expect(k.pageDelete(page, 3)).toBe(0);
      expect(k.pageDelete(page, 6)).toBe(1);
      expect(k.pageDelete(page, 8)).toBe(0);
      expect(k.pageDelete(page, -1)).toBe(0);
      expect(read(3)).toBeUndefined();
      expect(k.pageLiveCount(page)).toBe(6);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(13 + 16);
      expect(liveSlots()).toEqual([0, 1, 2, 4, 5, 7]);
      expect(insert(tupleBytes(20, 5))).toBe(3);
      expect(insert(tupleBytes(21, 5))).toBe(6);
      expect(insert(tupleBytes(22, 5))).toBe(8);
      expect(read(3)).toEqual(tupleBytes(20, 5));
      expect(read(6)).toEqual(tupleBytes(21, 5));
      expect(read(7)).toEqual(tupleBytes(7, 17));
      // Deleting the last slot drops it and the free slots below it.
      expect(k.pageDelete(page, 6)).toBe(1);
      expect(k.pageDelete(page, 7)).toBe(1);
      expect(header(PAGE_OFF_SLOT_COUNT)).toBe(9);
      expect(k.pageDelete(page, 8)).toBe(1);
      expect(header(PAGE_OFF_SLOT_COUNT)).toBe(6);
      expect(header(PAGE_OFF_FREE_LOWER)).toBe(32 + 6 * SLOT_SIZE);
      for (const s of [0, 1, 2, 3, 4, 5]) expect(k.pageDelete(page, s)).toBe(1);
      expect(header(PAGE_OFF_SLOT_COUNT)).toBe(0);
      expect(k.pageLiveCount(page)).toBe(0);
      expect(k.pageFreeSpace(page)).toBe(maxTuple);
      expect(insert(tupleBytes(30, maxTuple))).toBe(0);
      expect(canariesIntact()).toBe(true);
    });

    it('compacts in slot order, keeping slot numbers and free space', () => {
      fresh();
      for (let i = 0; i < 20; i++) insert(tupleBytes(i, 50 + i));
      for (let i = 0; i < 20; i += 3) k.pageDelete(page, i);
      const free = k.pageFreeSpace(page);
      const live = liveSlots();
      k.pageCompact(page);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(0);
      expect(k.pageFreeSpace(page)).toBe(free);
      expect(liveSlots()).toEqual(live);
      let top = PAGE_SIZE;
      for (const s of live) {
        const len = 50 + s;
        top -= len;
        expect(k.pageRead(page, s)).toBe((top << 16) | len);
        expect(read(s)).toEqual(tupleBytes(s, len));
      }
      expect(header(PAGE_OFF_FREE_UPPER)).toBe(top);
      // The free gap is zeroed.
      expect(u8.slice(page + header(PAGE_OFF_FREE_LOWER), page + top).every((b) => b === 0)).toBe(true);
      // A second compaction has nothing to do.
      const before = u8.slice(page, page + PAGE_SIZE);
      k.pageCompact(page);
      expect(u8.slice(page, page + PAGE_SIZE)).toEqual(before);
    });

    it('compacts on insert when only fragmented space fits the tuple', () => {
      fresh();
      let n = 0;
      while (insert(tupleBytes(n, 200)) >= 0) n++;
      expect(k.pageFreeSpace(page)).toBeLessThan(200);
      k.pageDelete(page, 2);
      k.pageDelete(page, 5);
      const free = k.pageFreeSpace(page);
      expect(free).toBeGreaterThan(300);
      expect(header(PAGE_OFF_FREE_UPPER) - header(PAGE_OFF_FREE_LOWER)).toBeLessThan(free);
      expect(insert(tupleBytes(77, free))).toBe(2);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(0);
      expect(k.pageFreeSpace(page)).toBe(0);
      expect(read(2)).toEqual(tupleBytes(77, free));
      for (let i = 0; i < n; i++) if (i !== 2 && i !== 5) expect(read(i)).toEqual(tupleBytes(i, 200));
      expect(read(5)).toBeUndefined();
      expect(canariesIntact()).toBe(true);
    });

    it('updates in place when shrinking and moves the tuple when growing', () => {
      fresh();
      for (let i = 0; i < 5; i++) insert(tupleBytes(i, 100));
      const off = packedOffset(k.pageRead(page, 2));
      expect(update(2, tupleBytes(50, 60))).toBe(1);
      expect(k.pageRead(page, 2)).toBe((off << 16) | 60);
      expect(read(2)).toEqual(tupleBytes(50, 60));
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(40);
      expect(update(2, tupleBytes(51, 60))).toBe(1);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(40);
      // Growing into contiguous space: the old bytes become fragmented.
      const upper = header(PAGE_OFF_FREE_UPPER);
      expect(update(2, tupleBytes(52, 300))).toBe(1);
      expect(packedOffset(k.pageRead(page, 2))).toBe(upper - 300);
      expect(header(PAGE_OFF_FRAG_BYTES)).toBe(100);
      expect(read(2)).toEqual(tupleBytes(52, 300));
      for (const s of [0, 1, 3, 4]) expect(read(s)).toEqual(tupleBytes(s, 100));
      expect(k.pageLiveCount(page)).toBe(5);
    });

    it('grows a tuple through compaction, counting its own old bytes', () => {
      fresh();
      let n = 0;
      while (insert(tupleBytes(n, 300)) >= 0) n++;
      const free = k.pageFreeSpace(page); // no free slot, so this is contiguous - SLOT_SIZE
      expect(update(1, tupleBytes(90, 300 + free + SLOT_SIZE + 1))).toBe(0);
      const before = u8.slice(page, page + PAGE_SIZE);
      expect(update(1, tupleBytes(90, 300 + free + SLOT_SIZE + 1))).toBe(0);
      expect(u8.slice(page, page + PAGE_SIZE)).toEqual(before);
      expect(update(1, tupleBytes(90, 300 + free + SLOT_SIZE))).toBe(1);
      expect(read(1)).toEqual(tupleBytes(90, 300 + free + SLOT_SIZE));
      expect(header(PAGE_OFF_FREE_UPPER)).toBe(header(PAGE_OFF_FREE_LOWER));
      for (let i = 0; i < n; i++) if (i !== 1) expect(read(i)).toEqual(tupleBytes(i, 300));
      // Now a delete frees room for a tuple that needs a compaction too.
      k.pageDelete(page, 3);
      expect(update(0, tupleBytes(91, 600))).toBe(1);
      expect(read(0)).toEqual(tupleBytes(91, 600));
      expect(read(1)).toEqual(tupleBytes(90, 300 + free + SLOT_SIZE));
      expect(canariesIntact()).toBe(true);
    });

    it('refuses updates of free slots, empty tuples and sources inside the page', () => {
      fresh();
      insert(tupleBytes(1, 10));
      insert(tupleBytes(2, 10));
      k.pageDelete(page, 0);
      expect(update(0, tupleBytes(3, 5))).toBe(0);
      expect(update(7, tupleBytes(3, 5))).toBe(0);
      expect(update(1, new Uint8Array(0))).toBe(0);
      expect(update(1, tupleBytes(3, maxTuple + 1))).toBe(0);
      expect(() => k.pageUpdate(page, 1, page + packedOffset(k.pageRead(page, 1)), 10)).toThrow();
      expect(() => k.pageInsert(page, page + 100, 10)).toThrow();
      expect(() => k.pageInsert(page, page - 5, 10)).toThrow();
    });

    it('iterates live slots in order from any start', () => {
      fresh();
      for (let i = 0; i < 10; i++) insert(tupleBytes(i, 8));
      for (const s of [0, 4, 5, 9]) k.pageDelete(page, s);
      expect(liveSlots()).toEqual([1, 2, 3, 6, 7, 8]);
      expect(k.pageNextSlot(page, 4)).toBe(6);
      expect(k.pageNextSlot(page, -3)).toBe(1);
      expect(k.pageNextSlot(page, 9)).toBe(-1);
      expect(k.pageNextSlot(page, 1000)).toBe(-1);
    });

    it('seals and verifies, and notices any flipped bit', () => {
      fresh();
      for (let i = 0; i < 10; i++) insert(tupleBytes(i, 37));
      expect(k.pageVerify(page)).toBe(0);
      k.pageSeal(page);
      expect(k.pageVerify(page)).toBe(1);
      for (const at of [0, 3, 4, 17, 40, 2000, PAGE_SIZE - 1]) {
        for (const bit of [0, 7]) {
          u8[page + at]! ^= 1 << bit;
          expect(k.pageVerify(page)).toBe(0);
          u8[page + at]! ^= 1 << bit;
          expect(k.pageVerify(page)).toBe(1);
        }
      }
    });

    it('never reads or writes outside the page when the slot directory is corrupt', () => {
      fresh();
      for (let i = 0; i < 10; i++) insert(tupleBytes(i, 30));
      for (const s of [4, 5, 6]) k.pageDelete(page, s);
      const contiguous = header(PAGE_OFF_FREE_UPPER) - header(PAGE_OFF_FREE_LOWER);
      // A live slot pointing past the end of the page.
      view.setUint16(page + 32 + 2 * SLOT_SIZE, PAGE_SIZE - 10, true);
      view.setUint16(page + 32 + 2 * SLOT_SIZE + 2, 100, true);
      expect(k.pageRead(page, 2)).toBe(-1);
      expect(k.pageDelete(page, 2)).toBe(0);
      expect(update(2, tupleBytes(9, 20))).toBe(0);
      expect(read(3)).toEqual(tupleBytes(3, 30));
      const before = u8.slice(page, page + PAGE_SIZE);
      k.pageCompact(page);
      // Growing past the contiguous space needs a compaction, which refuses the corrupt page.
      expect(update(3, tupleBytes(9, contiguous + 20))).toBe(0);
      expect(insert(tupleBytes(9, contiguous + 20))).toBe(-1);
      expect(u8.slice(page, page + PAGE_SIZE)).toEqual(before);
      // A slot count far beyond the page.
      view.setUint16(page + PAGE_OFF_SLOT_COUNT, 60000, true);
      expect(k.pageRead(page, 50000)).toBe(-1);
      expect(k.pageNextSlot(page, 0)).toBe(-1);
      expect(k.pageFreeSpace(page)).toBe(0);
      expect(insert(tupleBytes(9, 10))).toBe(-1);
      expect(k.pageDelete(page, 50000)).toBe(0);
      k.pageCompact(page);
      expect(canariesIntact()).toBe(true);
    });

    it('survives pages of random bytes', () => {
      let x = 12345;
      const rnd = (): number => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x >>> 0;
      };
      for (let round = 0; round < 300; round++) {
        fresh();
        for (let i = 0; i < 12; i++) insert(tupleBytes(i, 1 + (rnd() % 200)));
        k.pageDelete(page, rnd() % 12);
        // Corrupt a few header or directory bytes, or the whole page.
        if (round % 10 === 0) {
          for (let i = 0; i < PAGE_SIZE; i++) u8[page + i] = rnd() & 0xff;
          view.setUint16(page + PAGE_OFF_SLOT_DIR, 32 + (rnd() % 64), true);
        } else {
          for (let i = 0; i < 3; i++) u8[page + 16 + (rnd() % 60)] = rnd() & 0xff;
        }
        for (let op = 0; op < 30; op++) {
          const slot = rnd() % 16;
          switch (rnd() % 6) {
            case 0: insert(tupleBytes(op, 1 + (rnd() % 500))); break;
            case 1: k.pageDelete(page, slot); break;
            case 2: update(slot, tupleBytes(op, 1 + (rnd() % 500))); break;
            case 3: k.pageCompact(page); break;
            case 4: read(slot); break;
            default: k.pageFreeSpace(page); k.pageNextSlot(page, slot); break;
          }
        }
        expect(canariesIntact()).toBe(true);
      }
    });
  });
}
