// Slotted page kernels. The layout (header fields, slot entries) is
// documented in src/kernels/layout.ts; src/kernels/ts/page.ts is the twin
// and must produce the same bytes and results for every call sequence.
//
// Invariants of a well-formed page (checked by pageSane on every call):
//   slotDirStart >= PAGE_HEADER_SIZE
//   free_lower == slotDirStart + slot_count * SLOT_SIZE
//   free_lower <= free_upper <= PAGE_SIZE
//   live_count <= slot_count
//   fragmented <= PAGE_SIZE - free_upper
// and, maintained by every operation, [free_upper, PAGE_SIZE) holds exactly
// the live tuples plus `fragmented` dead bytes. A live slot has a tuple
// offset >= free_upper, length >= 1 and offset + length <= PAGE_SIZE.
//
// Pages come from disk, so their contents are untrusted: a page that breaks
// these rules is never read or written outside its PAGE_SIZE bytes. Calls on
// it return "absent"/"no room" (-1 or 0) and change nothing; pageVerify (the
// CRC) is how corruption is reported. Caller bugs (bad arguments) are
// assertions instead.
//
// Decisions beyond the contract in kernels.ts:
//   - Tuples are 1 .. PAGE_SIZE - slotDirStart - SLOT_SIZE bytes; len <= 0 or
//     larger is refused (-1 / 0).
//   - pageInsert takes the lowest free slot before appending a new one.
//   - pageDelete of the last slot also drops the trailing free slots, so the
//     directory shrinks back.
//   - pageCompact places live tuples from the end of the page in slot order
//     (slot order, not old offset order: deterministic and simple), zeroes
//     the free gap, and does nothing if no bytes are fragmented.
//   - The tuple source `src` of pageInsert/pageUpdate must not overlap the
//     page (compaction moves the page's bytes); this is asserted.
//   - pageInit zeroes the page header and [slotDirStart, PAGE_SIZE); bytes
//     between the page header and slotDirStart (block or node header) are the
//     caller's to write.
import { PAGE_SIZE } from '../src/limits';
import {
  PAGE_FORMAT_VERSION, PAGE_HEADER_SIZE, PAGE_OFF_CRC, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT, PAGE_OFF_SLOT_DIR,
  PAGE_OFF_VERSION, SLOT_SIZE,
} from '../src/kernels/layout';
import { crc32c } from './crc32c';

/** Where pageCompact assembles the tuples before copying them back. */
const COMPACT_SCRATCH: usize = memory.data(PAGE_SIZE, 16);

// @ts-ignore: decorator
@inline function get16(p: usize, off: i32): i32 {
  return <i32>load<u16>(p + <usize>off);
}

// @ts-ignore: decorator
@inline function set16(p: usize, off: i32, value: i32): void {
  store<u16>(p + <usize>off, <u16>value);
}

// @ts-ignore: decorator
@inline function slotAddr(page: usize, slot: i32): usize {
  return page + <usize>(get16(page, PAGE_OFF_SLOT_DIR) + slot * SLOT_SIZE);
}

/** True if the header fields are consistent, so every slot entry lies inside the page. */
function pageSane(page: usize): bool {
  const dirStart = get16(page, PAGE_OFF_SLOT_DIR);
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const lower = get16(page, PAGE_OFF_FREE_LOWER);
  const upper = get16(page, PAGE_OFF_FREE_UPPER);
  return (
    dirStart >= PAGE_HEADER_SIZE &&
    lower == dirStart + count * SLOT_SIZE &&
    lower <= upper &&
    upper <= PAGE_SIZE &&
    get16(page, PAGE_OFF_LIVE_COUNT) <= count &&
    get16(page, PAGE_OFF_FRAG_BYTES) <= PAGE_SIZE - upper
  );
}

/** A live slot's tuple lies in the tuple area. */
// @ts-ignore: decorator
@inline function tupleValid(off: i32, len: i32, upper: i32): bool {
  return len > 0 && off >= upper && off + len <= PAGE_SIZE;
}

/**
 * Total bytes of live tuples of a sane page, or -1 if any live slot is
 * invalid, the live count is wrong, or the tuples could not be packed below
 * the slot directory.
 */
function liveBytes(page: usize): i32 {
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const upper = get16(page, PAGE_OFF_FREE_UPPER);
  let total = 0;
  let live = 0;
  let a = slotAddr(page, 0);
  for (let s = 0; s < count; s++, a += SLOT_SIZE) {
    const off = <i32>load<u16>(a);
    if (off == 0) continue;
    const len = <i32>load<u16>(a, 2);
    if (!tupleValid(off, len, upper)) return -1;
    total += len;
    live++;
  }
  if (live != get16(page, PAGE_OFF_LIVE_COUNT)) return -1;
  if (total > PAGE_SIZE - get16(page, PAGE_OFF_FREE_LOWER)) return -1;
  return total;
}

/** Compacts a page whose slots liveBytes() accepted; `total` is its result. */
function compactValidated(page: usize, total: i32): void {
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  const lower = get16(page, PAGE_OFF_FREE_LOWER);
  let top = PAGE_SIZE;
  let a = slotAddr(page, 0);
  for (let s = 0; s < count; s++, a += SLOT_SIZE) {
    const off = <i32>load<u16>(a);
    if (off == 0) continue;
    const len = <i32>load<u16>(a, 2);
    top -= len;
    memory.copy(COMPACT_SCRATCH + <usize>top, page + <usize>off, <usize>len);
    store<u16>(a, <u16>top);
  }
  assert(top == PAGE_SIZE - total, 'pageCompact: live bytes changed');
  memory.copy(page + <usize>top, COMPACT_SCRATCH + <usize>top, <usize>(PAGE_SIZE - top));
  memory.fill(page + <usize>lower, 0, <usize>(top - lower));
  set16(page, PAGE_OFF_FREE_UPPER, top);
  set16(page, PAGE_OFF_FRAG_BYTES, 0);
}

// @ts-ignore: decorator
@inline function assertNoOverlap(page: usize, src: usize, len: i32): void {
  assert(src + <usize>len <= page || src >= page + <usize>PAGE_SIZE, 'page kernel: tuple source overlaps the page');
}

/** Format an empty page of `kind`; its slot directory starts at slotDirStart. */
export function pageInit(page: usize, kind: i32, slotDirStart: i32): void {
  assert(slotDirStart >= PAGE_HEADER_SIZE && slotDirStart < PAGE_SIZE - SLOT_SIZE, 'pageInit: slotDirStart out of range');
  assert(kind >= 0 && kind <= 0xff, 'pageInit: kind out of range');
  memory.fill(page, 0, <usize>PAGE_HEADER_SIZE);
  memory.fill(page + <usize>slotDirStart, 0, <usize>(PAGE_SIZE - slotDirStart));
  store<u8>(page + <usize>PAGE_OFF_KIND, <u8>kind);
  store<u8>(page + <usize>PAGE_OFF_VERSION, <u8>PAGE_FORMAT_VERSION);
  set16(page, PAGE_OFF_FREE_LOWER, slotDirStart);
  set16(page, PAGE_OFF_FREE_UPPER, PAGE_SIZE);
  set16(page, PAGE_OFF_SLOT_DIR, slotDirStart);
}

/** Store len bytes from src as a new tuple; the slot number, or -1 if it does not fit. */
export function pageInsert(page: usize, src: usize, len: i32): i32 {
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
    for (slot = 0; slot < count; slot++, a += SLOT_SIZE) if (load<u16>(a) == 0) break;
    if (slot == count) return -1; // live count says a slot is free, none is: corrupt
  }
  const need = slot == count ? len + SLOT_SIZE : len;
  if (upper - lower < need) {
    if (upper - lower + get16(page, PAGE_OFF_FRAG_BYTES) < need) return -1;
    const total = liveBytes(page);
    if (total < 0 || PAGE_SIZE - total - lower < need) return -1;
    compactValidated(page, total);
    upper = PAGE_SIZE - total;
  }
  upper -= len;
  memory.copy(page + <usize>upper, src, <usize>len);
  if (slot == count) {
    lower += SLOT_SIZE;
    set16(page, PAGE_OFF_SLOT_COUNT, count + 1);
    set16(page, PAGE_OFF_FREE_LOWER, lower);
  }
  const a = slotAddr(page, slot);
  store<u16>(a, <u16>upper);
  store<u16>(a, <u16>len, 2);
  set16(page, PAGE_OFF_FREE_UPPER, upper);
  set16(page, PAGE_OFF_LIVE_COUNT, get16(page, PAGE_OFF_LIVE_COUNT) + 1);
  return slot;
}

/** Packed (offset << 16 | length) of the tuple in `slot`, or -1 if free, out of range or corrupt. */
export function pageRead(page: usize, slot: i32): i32 {
  if (!pageSane(page)) return -1;
  if (<u32>slot >= <u32>get16(page, PAGE_OFF_SLOT_COUNT)) return -1;
  const a = slotAddr(page, slot);
  const off = <i32>load<u16>(a);
  const len = <i32>load<u16>(a, 2);
  if (off == 0 || !tupleValid(off, len, get16(page, PAGE_OFF_FREE_UPPER))) return -1;
  return (off << 16) | len;
}

/** Free `slot`; 1, or 0 if it was not live (or the page is corrupt). */
export function pageDelete(page: usize, slot: i32): i32 {
  if (!pageSane(page)) return 0;
  let count = get16(page, PAGE_OFF_SLOT_COUNT);
  if (<u32>slot >= <u32>count) return 0;
  const a = slotAddr(page, slot);
  const off = <i32>load<u16>(a);
  const len = <i32>load<u16>(a, 2);
  const live = get16(page, PAGE_OFF_LIVE_COUNT);
  if (off == 0 || live == 0 || !tupleValid(off, len, get16(page, PAGE_OFF_FREE_UPPER))) return 0;
  store<u32>(a, 0);
  set16(page, PAGE_OFF_LIVE_COUNT, live - 1);
  set16(page, PAGE_OFF_FRAG_BYTES, get16(page, PAGE_OFF_FRAG_BYTES) + len);
  if (slot == count - 1) {
    while (count > 0 && load<u16>(slotAddr(page, count - 1)) == 0) count--;
    set16(page, PAGE_OFF_SLOT_COUNT, count);
    set16(page, PAGE_OFF_FREE_LOWER, get16(page, PAGE_OFF_SLOT_DIR) + count * SLOT_SIZE);
  }
  return 1;
}

/**
 * Replace the tuple in a live slot with len bytes from src: 1, or 0 with the
 * page unchanged. Shrinking (or same length) rewrites in place and the
 * leftover bytes count as fragmented. Growing takes contiguous free space if
 * there is enough, else frees the old bytes, compacts and appends.
 */
export function pageUpdate(page: usize, slot: i32, src: usize, len: i32): i32 {
  if (len <= 0) return 0;
  assertNoOverlap(page, src, len);
  if (!pageSane(page)) return 0;
  if (<u32>slot >= <u32>get16(page, PAGE_OFF_SLOT_COUNT)) return 0;
  const a = slotAddr(page, slot);
  const off = <i32>load<u16>(a);
  const oldLen = <i32>load<u16>(a, 2);
  let upper = get16(page, PAGE_OFF_FREE_UPPER);
  if (off == 0 || !tupleValid(off, oldLen, upper)) return 0;
  const frag = get16(page, PAGE_OFF_FRAG_BYTES);
  if (len <= oldLen) {
    memory.copy(page + <usize>off, src, <usize>len);
    store<u16>(a, <u16>len, 2);
    set16(page, PAGE_OFF_FRAG_BYTES, frag + oldLen - len);
    return 1;
  }
  const lower = get16(page, PAGE_OFF_FREE_LOWER);
  if (upper - lower >= len) {
    upper -= len;
    memory.copy(page + <usize>upper, src, <usize>len);
    store<u16>(a, <u16>upper);
    store<u16>(a, <u16>len, 2);
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
  store<u32>(a, 0);
  compactValidated(page, rest);
  upper = PAGE_SIZE - rest - len;
  memory.copy(page + <usize>upper, src, <usize>len);
  store<u16>(a, <u16>upper);
  store<u16>(a, <u16>len, 2);
  set16(page, PAGE_OFF_FREE_UPPER, upper);
  return 1;
}

/** Move live tuples together at the end of the page, in slot order; slot numbers do not change. */
export function pageCompact(page: usize): void {
  if (!pageSane(page) || get16(page, PAGE_OFF_FRAG_BYTES) == 0) return;
  const total = liveBytes(page);
  if (total >= 0) compactValidated(page, total);
}

/** Largest tuple pageInsert would accept now: free + fragmented bytes, less a new slot if none is free. */
export function pageFreeSpace(page: usize): i32 {
  if (!pageSane(page)) return 0;
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  let free = get16(page, PAGE_OFF_FREE_UPPER) - get16(page, PAGE_OFF_FREE_LOWER) + get16(page, PAGE_OFF_FRAG_BYTES);
  if (get16(page, PAGE_OFF_LIVE_COUNT) >= count) free -= SLOT_SIZE;
  return free > 0 ? free : 0;
}

/** The first slot >= from whose offset is not 0, or -1. */
export function pageNextSlot(page: usize, from: i32): i32 {
  if (!pageSane(page)) return -1;
  const count = get16(page, PAGE_OFF_SLOT_COUNT);
  let s = from > 0 ? from : 0;
  for (let a = slotAddr(page, s); s < count; s++, a += SLOT_SIZE) if (load<u16>(a) != 0) return s;
  return -1;
}

/** Number of live slots (the header field). */
export function pageLiveCount(page: usize): i32 {
  return get16(page, PAGE_OFF_LIVE_COUNT);
}

/** Write the page CRC32C over [4, PAGE_SIZE). */
export function pageSeal(page: usize): void {
  store<u32>(page + <usize>PAGE_OFF_CRC, crc32c(page + 4, PAGE_SIZE - 4, 0));
}

/** 1 if the stored page CRC32C matches, else 0. */
export function pageVerify(page: usize): i32 {
  return load<u32>(page + <usize>PAGE_OFF_CRC) == crc32c(page + 4, PAGE_SIZE - 4, 0) ? 1 : 0;
}
