// Slotted page kernels, TypeScript twin of assembly/page.ts: the same
// algorithm step for step, so both leave identical bytes and return identical
// results for every call sequence, corrupt pages included. The invariants,
// the handling of corrupt pages and the decisions beyond the contract are
// documented at the top of assembly/page.ts.
import { assert } from '../../errors.ts';
import { PAGE_SIZE } from '../../limits.ts';
import {
  PAGE_FORMAT_VERSION, PAGE_HEADER_SIZE, PAGE_OFF_CRC, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR,
  PAGE_OFF_VERSION, SLOT_SIZE,
} from '../layout.ts';
import type { ByteKernels, PageKernels, TsMemory } from './memory.ts';

/** Tuples shorter than this are copied byte by byte during compaction (no subarray view). */
const SHORT_COPY = 64;

export function createPageKernels(mem: TsMemory, bytes: ByteKernels): PageKernels {
  const { u8, view } = mem;
  const { crc32c } = bytes;
  /** Where pageCompact assembles the tuples before copying them back. */
  const scratch = new Uint8Array(PAGE_SIZE);

  const get16 = (p: number, off: number): number => view.getUint16(p + off, true);
  const set16 = (p: number, off: number, value: number): void => view.setUint16(p + off, value, true);
  const slotAddr = (page: number, slot: number): number => page + get16(page, PAGE_OFF_SLOT_DIR) + slot * SLOT_SIZE;
  const tupleValid = (off: number, len: number, upper: number): boolean => len > 0 && off >= upper && off + len <= PAGE_SIZE;

  function assertNoOverlap(page: number, src: number, len: number): void {
    assert(src + len <= page || src >= page + PAGE_SIZE, 'page kernel: tuple source overlaps the page');
  }

  function pageSane(page: number): boolean {
    const dirStart = get16(page, PAGE_OFF_SLOT_DIR);
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const lower = get16(page, PAGE_OFF_FREE_LOWER);
    const upper = get16(page, PAGE_OFF_FREE_UPPER);
    return (
      dirStart >= PAGE_HEADER_SIZE &&
      lower === dirStart + count * SLOT_SIZE &&
      lower <= upper &&
      upper <= PAGE_SIZE &&
      get16(page, PAGE_OFF_LIVE_COUNT) <= count &&
      get16(page, PAGE_OFF_FRAG_BYTES) <= PAGE_SIZE - upper
    );
  }

  function liveBytes(page: number): number {
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const upper = get16(page, PAGE_OFF_FREE_UPPER);
    let total = 0;
    let live = 0;
    let a = slotAddr(page, 0);
    for (let s = 0; s < count; s++, a += SLOT_SIZE) {
      const off = view.getUint16(a, true);
      if (off === 0) continue;
      const len = view.getUint16(a + 2, true);
      if (!tupleValid(off, len, upper)) return -1;
      total += len;
      live++;
    }
    if (live !== get16(page, PAGE_OFF_LIVE_COUNT)) return -1;
    if (total > PAGE_SIZE - get16(page, PAGE_OFF_FREE_LOWER)) return -1;
    return total;
  }

  function compactValidated(page: number, total: number): void {
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    const lower = get16(page, PAGE_OFF_FREE_LOWER);
    let top = PAGE_SIZE;
    let a = slotAddr(page, 0);
    for (let s = 0; s < count; s++, a += SLOT_SIZE) {
      const off = view.getUint16(a, true);
      if (off === 0) continue;
      const len = view.getUint16(a + 2, true);
      top -= len;
      const from = page + off;
      if (len < SHORT_COPY) {
        for (let i = 0; i < len; i++) scratch[top + i] = u8[from + i]!;
      } else {
        scratch.set(u8.subarray(from, from + len), top);
      }
      view.setUint16(a, top, true);
    }
    assert(top === PAGE_SIZE - total, 'pageCompact: live bytes changed');
    u8.set(scratch.subarray(top, PAGE_SIZE), page + top);
    u8.fill(0, page + lower, page + top);
    set16(page, PAGE_OFF_FREE_UPPER, top);
    set16(page, PAGE_OFF_FRAG_BYTES, 0);
  }

  function pageInit(page: number, kind: number, slotDirStart: number): void {
    assert(slotDirStart >= PAGE_HEADER_SIZE && slotDirStart < PAGE_SIZE - SLOT_SIZE, 'pageInit: slotDirStart out of range');
    assert(kind >= 0 && kind <= 0xff, 'pageInit: kind out of range');
    u8.fill(0, page, page + PAGE_HEADER_SIZE);
    u8.fill(0, page + slotDirStart, page + PAGE_SIZE);
    u8[page + PAGE_OFF_KIND] = kind;
    u8[page + PAGE_OFF_VERSION] = PAGE_FORMAT_VERSION;
    set16(page, PAGE_OFF_FREE_LOWER, slotDirStart);
    set16(page, PAGE_OFF_FREE_UPPER, PAGE_SIZE);
    set16(page, PAGE_OFF_SLOT_DIR, slotDirStart);
  }

  function pageInsert(page: number, src: number, len: number): number {
    if (len <= 0) return -1;
    assertNoOverlap(page, src, len);
    if (!pageSane(page)) return -1;
    const dirStart = get16(page, PAGE_OFF_SLOT_DIR);
    if (len > PAGE_SIZE - dirStart - SLOT_SIZE) return -1;
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    let lower = get16(page, PAGE_OFF_FREE_LOWER);
    let upper = get16(page, PAGE_OFF_FREE_UPPER);
    let slot = count;
    if (get16(page, PAGE_OFF_LIVE_COUNT) < count) {
      let a = slotAddr(page, 0);
      for (slot = 0; slot < count; slot++, a += SLOT_SIZE) if (view.getUint16(a, true) === 0) break;
      if (slot === count) return -1; // live count says a slot is free, none is: corrupt
    }
    const need = slot === count ? len + SLOT_SIZE : len;
    if (upper - lower < need) {
      if (upper - lower + get16(page, PAGE_OFF_FRAG_BYTES) < need) return -1;
      const total = liveBytes(page);
      if (total < 0 || PAGE_SIZE - total - lower < need) return -1;
      compactValidated(page, total);
      upper = PAGE_SIZE - total;
    }
    upper -= len;
    u8.copyWithin(page + upper, src, src + len);
    if (slot === count) {
      lower += SLOT_SIZE;
      set16(page, PAGE_OFF_SLOT_COUNT, count + 1);
      set16(page, PAGE_OFF_FREE_LOWER, lower);
    }
    const a = slotAddr(page, slot);
    view.setUint16(a, upper, true);
    view.setUint16(a + 2, len, true);
    set16(page, PAGE_OFF_FREE_UPPER, upper);
    set16(page, PAGE_OFF_LIVE_COUNT, get16(page, PAGE_OFF_LIVE_COUNT) + 1);
    return slot;
  }

  function pageRead(page: number, slot: number): number {
    if (!pageSane(page)) return -1;
    if (slot < 0 || slot >= get16(page, PAGE_OFF_SLOT_COUNT)) return -1;
    const a = slotAddr(page, slot);
    const off = view.getUint16(a, true);
    const len = view.getUint16(a + 2, true);
    if (off === 0 || !tupleValid(off, len, get16(page, PAGE_OFF_FREE_UPPER))) return -1;
    return (off << 16) | len;
  }

  function pageDelete(page: number, slot: number): number {
    if (!pageSane(page)) return 0;
    let count = get16(page, PAGE_OFF_SLOT_COUNT);
    if (slot < 0 || slot >= count) return 0;
    const a = slotAddr(page, slot);
    const off = view.getUint16(a, true);
    const len = view.getUint16(a + 2, true);
    const live = get16(page, PAGE_OFF_LIVE_COUNT);
    if (off === 0 || live === 0 || !tupleValid(off, len, get16(page, PAGE_OFF_FREE_UPPER))) return 0;
    view.setUint32(a, 0, true);
    set16(page, PAGE_OFF_LIVE_COUNT, live - 1);
    set16(page, PAGE_OFF_FRAG_BYTES, get16(page, PAGE_OFF_FRAG_BYTES) + len);
    if (slot === count - 1) {
      while (count > 0 && view.getUint16(slotAddr(page, count - 1), true) === 0) count--;
      set16(page, PAGE_OFF_SLOT_COUNT, count);
      set16(page, PAGE_OFF_FREE_LOWER, get16(page, PAGE_OFF_SLOT_DIR) + count * SLOT_SIZE);
    }
    return 1;
  }

  function pageUpdate(page: number, slot: number, src: number, len: number): number {
    if (len <= 0) return 0;
    assertNoOverlap(page, src, len);
    if (!pageSane(page)) return 0;
    if (slot < 0 || slot >= get16(page, PAGE_OFF_SLOT_COUNT)) return 0;
    const a = slotAddr(page, slot);
    const off = view.getUint16(a, true);
    const oldLen = view.getUint16(a + 2, true);
    let upper = get16(page, PAGE_OFF_FREE_UPPER);
    if (off === 0 || !tupleValid(off, oldLen, upper)) return 0;
    const frag = get16(page, PAGE_OFF_FRAG_BYTES);
    if (len <= oldLen) {
      u8.copyWithin(page + off, src, src + len);
      view.setUint16(a + 2, len, true);
      set16(page, PAGE_OFF_FRAG_BYTES, frag + oldLen - len);
      return 1;
    }
    const lower = get16(page, PAGE_OFF_FREE_LOWER);
    if (upper - lower >= len) {
      upper -= len;
      u8.copyWithin(page + upper, src, src + len);
      view.setUint16(a, upper, true);
      view.setUint16(a + 2, len, true);
      set16(page, PAGE_OFF_FREE_UPPER, upper);
      set16(page, PAGE_OFF_FRAG_BYTES, frag + oldLen);
      return 1;
    }
    if (upper - lower + frag + oldLen < len) return 0;
    const total = liveBytes(page);
    if (total < 0) return 0;
    const rest = total - oldLen;
    if (PAGE_SIZE - rest - lower < len) return 0;
    // Free the old tuple without touching the live count, so compaction skips it.
    view.setUint32(a, 0, true);
    compactValidated(page, rest);
    upper = PAGE_SIZE - rest - len;
    u8.copyWithin(page + upper, src, src + len);
    view.setUint16(a, upper, true);
    view.setUint16(a + 2, len, true);
    set16(page, PAGE_OFF_FREE_UPPER, upper);
    return 1;
  }

  function pageCompact(page: number): void {
    if (!pageSane(page) || get16(page, PAGE_OFF_FRAG_BYTES) === 0) return;
    const total = liveBytes(page);
    if (total >= 0) compactValidated(page, total);
  }

  function pageFreeSpace(page: number): number {
    if (!pageSane(page)) return 0;
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    let free = get16(page, PAGE_OFF_FREE_UPPER) - get16(page, PAGE_OFF_FREE_LOWER) + get16(page, PAGE_OFF_FRAG_BYTES);
    if (get16(page, PAGE_OFF_LIVE_COUNT) >= count) free -= SLOT_SIZE;
    return free > 0 ? free : 0;
  }

  function pageNextSlot(page: number, from: number): number {
    if (!pageSane(page)) return -1;
    const count = get16(page, PAGE_OFF_SLOT_COUNT);
    let s = from > 0 ? from : 0;
    for (let a = slotAddr(page, s); s < count; s++, a += SLOT_SIZE) if (view.getUint16(a, true) !== 0) return s;
    return -1;
  }

  function pageLiveCount(page: number): number {
    return get16(page, PAGE_OFF_LIVE_COUNT);
  }

  function pageSeal(page: number): void {
    view.setInt32(page + PAGE_OFF_CRC, crc32c(page + 4, PAGE_SIZE - 4, 0), true);
  }

  function pageVerify(page: number): number {
    return view.getInt32(page + PAGE_OFF_CRC, true) === crc32c(page + 4, PAGE_SIZE - 4, 0) ? 1 : 0;
  }

  return {
    pageInit, pageInsert, pageRead, pageDelete, pageUpdate, pageCompact,
    pageFreeSpace, pageNextSlot, pageLiveCount, pageSeal, pageVerify,
  };
}
