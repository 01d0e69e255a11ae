// B+-tree node kernels: search, insert, delete, split and merge over one
// node page. The contract is src/kernels/kernels.ts; the byte layout is the
// "B+-tree node" table in src/kernels/layout.ts. The TypeScript twin
// (src/kernels/ts/btree-node.ts) must leave the same bytes and return the
// same values for every call; change both together.
//
// A node is a slotted page whose slot directory is dense (no free slots) and
// kept in key order, so the directory index of an entry is its position.
// Page header fields are kept consistent for page-level tools: slot count and
// live count are both the entry count, free_lower is the end of the directory.
//
// Canonical form: nodeInit zeroes the page; compaction (on a fragmented
// insert, and always on both halves of a split) rewrites the entries in key
// order downward from the end of the page (entry 0 highest) and zeroes the
// free gap, so a node's bytes after a split depend only on its entries.
//
// Corrupt nodes. Pages are CRC-checked on read, so this is belt and braces:
// whatever the bytes, no call reads or writes outside the node pages it is
// given (and sepOut). The entry count is clamped to what fits the page. An
// entry is valid when it lies in [48, PAGE_SIZE) (after the directory
// start) and its key fits in it; an invalid entry reads as an empty key with an empty value
// (child NO_PAGE) and is copied as the empty slot (0, 0), using no bytes.
// Mutations on a node whose free pointers disagree with its count refuse
// (nodeInsert and nodeMerge return 0). Never an assertion: assertions are
// for caller bugs (bad lengths, positions).

import { MAX_INDEX_VALUE_SIZE, MAX_KEY_SIZE, PAGE_SIZE } from '../src/limits';
import {
  NODE_COLLECT_DONE, NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NODE_OFF_RIGHT, NO_PAGE,
  PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT, SLOT_SIZE,
} from '../src/kernels/layout';
import { memCompare } from './mem';
import { pageInit } from './page';

/** First byte of a node's slot directory: page header + node header. */
const DIR: u32 = 48;
/** Most entries whose slots fit a node page (a clamp for corrupt counts). */
const MAX_SLOTS: u32 = (<u32>PAGE_SIZE - DIR) / <u32>SLOT_SIZE;
/** Bytes of an entry besides key and value: the u16 key length. */
const ENTRY_HEADER: u32 = 2;
/** Snapshot of a node during compaction (static data, not an allocation). */
const SCRATCH: usize = memory.data(PAGE_SIZE, 16);

// ---- small readers --------------------------------------------------------------

@inline function countOf(node: usize): u32 {
  const n = <u32>load<u16>(node, PAGE_OFF_SLOT_COUNT);
  return n < MAX_SLOTS ? n : MAX_SLOTS;
}

@inline function slotAt(node: usize, i: u32): u32 {
  return load<u32>(node + DIR + (<usize>i << 2));
}

@inline function isLeaf(node: usize): bool {
  return load<u16>(node, NODE_OFF_LEVEL) == 0;
}

/** Key length of the entry a slot describes, or -1 if the slot is invalid (see the file comment). */
@inline function keyLenOf(base: usize, slot: u32): i32 {
  const off = slot & 0xffff;
  const len = slot >>> 16;
  if ((off < DIR) | (len < ENTRY_HEADER) | (off + len > <u32>PAGE_SIZE)) return -1;
  const keyLen = <u32>load<u16>(base + off);
  return keyLen + ENTRY_HEADER <= len ? <i32>keyLen : -1;
}

/** Bytes an entry takes besides its slot: its length if valid, else 0 (it is copied as (0, 0)). */
@inline function entryBytes(base: usize, slot: u32): u32 {
  return keyLenOf(base, slot) < 0 ? 0 : slot >>> 16;
}

/**
 * Free pointers checked against the count: the contiguous free bytes, or -1
 * if the header is inconsistent (a corrupt node; mutations refuse).
 */
@inline function contiguousFree(node: usize, count: u32): i32 {
  const lower = DIR + count * <u32>SLOT_SIZE;
  const upper = <u32>load<u16>(node, PAGE_OFF_FREE_UPPER);
  if ((<u32>load<u16>(node, PAGE_OFF_FREE_LOWER) != lower) | (upper < lower) | (upper > <u32>PAGE_SIZE)) return -1;
  return <i32>(upper - lower);
}

@inline function setCounts(node: usize, count: u32, upper: u32): void {
  store<u16>(node, <u16>count, PAGE_OFF_SLOT_COUNT);
  store<u16>(node, <u16>count, PAGE_OFF_LIVE_COUNT);
  store<u16>(node, <u16>(DIR + count * <u32>SLOT_SIZE), PAGE_OFF_FREE_LOWER);
  store<u16>(node, <u16>upper, PAGE_OFF_FREE_UPPER);
}

/** Caller bug check: [ptr, ptr+len) must not overlap the node (compaction moves its bytes). */
@inline function assertOutside(node: usize, ptr: usize, len: i32, message: string): void {
  assert(ptr + <usize>len <= node || ptr >= node + PAGE_SIZE, message);
}

// ---- layout maintenance -------------------------------------------------------------

/**
 * Rewrites the first `count` entries of the node in key order downward from
 * the end of the page and zeroes the free gap. Invalid entries, and entries
 * that no longer fit (only in a corrupt node), become the empty slot (0, 0).
 */
function compact(node: usize, count: u32): void {
  memory.copy(SCRATCH, node, PAGE_SIZE);
  const lower = DIR + count * <u32>SLOT_SIZE;
  let upper = <u32>PAGE_SIZE;
  for (let i: u32 = 0; i < count; i++) {
    const slot = slotAt(SCRATCH, i);
    const len = slot >>> 16;
    let placed: u32 = 0;
    if (keyLenOf(SCRATCH, slot) >= 0 && upper - lower >= len) {
      upper -= len;
      memory.copy(node + upper, SCRATCH + (slot & 0xffff), len);
      placed = upper | (len << 16);
    }
    store<u32>(node + DIR + (<usize>i << 2), placed);
  }
  memory.fill(node + lower, 0, upper - lower);
  setCounts(node, count, upper);
  store<u16>(node, 0, PAGE_OFF_FRAG_BYTES);
}

/**
 * Appends the entry bytes [src, src+len) after the last entry of `dst`
 * (len 0: the empty slot). An entry that does not fit becomes the empty
 * slot; a slot that does not fit is dropped (both only for corrupt input).
 */
function appendEntry(dst: usize, src: usize, len: u32): void {
  const count = <u32>load<u16>(dst, PAGE_OFF_SLOT_COUNT);
  const lower = DIR + count * <u32>SLOT_SIZE;
  let upper = <u32>load<u16>(dst, PAGE_OFF_FREE_UPPER);
  if (upper < lower + <u32>SLOT_SIZE) return;
  let placed: u32 = 0;
  if (len > 0 && upper - lower - <u32>SLOT_SIZE >= len) {
    upper -= len;
    memory.copy(dst + upper, src, len);
    placed = upper | (len << 16);
  }
  store<u32>(dst + lower, placed);
  setCounts(dst, count + 1, upper);
}

// ---- exports ------------------------------------------------------------------------

export function nodeInit(node: usize, level: i32): void {
  assert(<u32>level <= 0xffff, 'node level is a u16');
  // pageInit zeroes the page header and [DIR, PAGE_SIZE); the node header is ours.
  pageInit(node, level == 0 ? PAGE_KIND_BTREE_LEAF : PAGE_KIND_BTREE_INTERNAL, DIR);
  store<i32>(node, NO_PAGE, NODE_OFF_LEFT);
  store<i32>(node, NO_PAGE, NODE_OFF_RIGHT);
  store<i32>(node, NO_PAGE, NODE_OFF_LEFTMOST);
  store<u16>(node, <u16>level, NODE_OFF_LEVEL);
  store<u16>(node, 0, NODE_OFF_LEVEL + 2);
  setCounts(node, 0, PAGE_SIZE);
  store<u16>(node, 0, PAGE_OFF_FRAG_BYTES);
}

export function nodeCount(node: usize): i32 {
  return <i32>countOf(node);
}

export function nodeSearch(node: usize, keyPtr: usize, keyLen: i32): i32 {
  assert(keyLen >= 0, 'search key length is >= 0');
  const keyHead = keyLen >= 8 ? bswap<u64>(load<u64>(keyPtr)) : 0;
  return halve(node, 0, countOf(node), 0, keyPtr, keyLen, keyHead);
}

/**
 * Binary search of entries [lo, hi) for the first whose key is not below
 * the search key: (its index << 1) | found, where found says an equal key
 * was met (or `found` already was). nodeSearch's whole node, searchFrom's
 * span after its probes.
 */
/** Bytes between the reads of nodeSeek's touch: one a cache line. */
const TOUCH_STEP: u32 = 64;
/** Where nodeSeek stores what its touch read, summed: a store to memory (not a global binaryen may drop) keeps the loads. */
const TOUCH_SINK: usize = memory.data(4, 4);

export function nodeSeek(node: usize, keyPtr: usize, keyLen: i32): i32 {
  assert(keyLen >= 0, 'search key length is >= 0');
  if (load<u8>(node, PAGE_OFF_KIND) != PAGE_KIND_BTREE_LEAF || load<u16>(node, NODE_OFF_LEVEL) != 0) return -1;
  // The touch: the slot directory and the entries (not the free gap), one byte a cache line, whatever the header says
  // within the page; the search's misses are then all in flight at once instead of one after another.
  let lower = <u32>load<u16>(node, PAGE_OFF_FREE_LOWER);
  if (lower > <u32>PAGE_SIZE) lower = <u32>PAGE_SIZE;
  let upper = <u32>load<u16>(node, PAGE_OFF_FREE_UPPER);
  if (upper > <u32>PAGE_SIZE) upper = <u32>PAGE_SIZE;
  upper &= ~(TOUCH_STEP - 1);
  let acc: u32 = 0;
  for (let at: u32 = TOUCH_STEP; at < lower; at += TOUCH_STEP) acc += <u32>load<u8>(node + at);
  for (let at: u32 = upper; at < <u32>PAGE_SIZE; at += TOUCH_STEP) acc += <u32>load<u8>(node + at);
  store<u32>(TOUCH_SINK, acc);
  const keyHead = keyLen >= 8 ? bswap<u64>(load<u64>(keyPtr)) : 0;
  return halve(node, 0, countOf(node), 0, keyPtr, keyLen, keyHead);
}

@inline function halve(node: usize, lo: u32, hi: u32, found: u32, keyPtr: usize, keyLen: i32, keyHead: u64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareEntryKey(node, slotAt(node, mid), keyPtr, keyLen, keyHead);
    // Plain branches: measured faster here than select (branch-free) halving.
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
      found |= <u32>(cmp == 0);
    }
  }
  return <i32>((lo << 1) | found);
}

/**
 * nodeSearch's result for a key known to sort after every entry before
 * `from` (nodeInsertRun's next key of a sorted run): probes from, from + 1,
 * from + 3, from + 7, ... until an entry is not below the key, then halves
 * the span left, as nodeSearch does. A few compares when the key goes near
 * `from`, instead of a search of the whole node.
 */
function searchFrom(node: usize, from: u32, keyPtr: usize, keyLen: i32, keyHead: u64): i32 {
  let lo = from;
  let hi = countOf(node);
  let found: u32 = 0;
  for (let step: u32 = 1; lo + step - 1 < hi; step <<= 1) {
    const probe = lo + step - 1;
    const cmp = compareEntryKey(node, slotAt(node, probe), keyPtr, keyLen, keyHead);
    if (cmp < 0) {
      lo = probe + 1;
    } else {
      hi = probe;
      found |= <u32>(cmp == 0);
      break;
    }
  }
  return halve(node, lo, hi, found, keyPtr, keyLen, keyHead);
}

export function nodeChildFor(node: usize, keyPtr: usize, keyLen: i32): i32 {
  assert(keyLen >= 0, 'search key length is >= 0');
  if (isLeaf(node)) return NO_PAGE;
  const keyHead = keyLen >= 8 ? bswap<u64>(load<u64>(keyPtr)) : 0;
  // Upper bound: the first entry whose key is > the search key.
  let lo: u32 = 0;
  let hi = countOf(node);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareEntryKey(node, slotAt(node, mid), keyPtr, keyLen, keyHead);
    if (cmp <= 0) lo = mid + 1;
    else hi = mid;
  }
  return nodeChildAt(node, <i32>lo - 1);
}

/**
 * memCompare of a slot's key (empty if the entry is invalid) with the search
 * key. When both are at least 8 bytes long, their first 8 bytes compare as
 * big-endian integers first (keyHead holds the search key's), which settles
 * most compares without a call.
 */
@inline function compareEntryKey(node: usize, slot: u32, keyPtr: usize, keyLen: i32, keyHead: u64): i32 {
  let entryKeyLen = keyLenOf(node, slot);
  if (entryKeyLen < 0) entryKeyLen = 0;
  const entryKey = node + (slot & 0xffff) + ENTRY_HEADER;
  if ((entryKeyLen >= 8) & (keyLen >= 8)) {
    const head = bswap<u64>(load<u64>(entryKey));
    if (head != keyHead) return head < keyHead ? -1 : 1;
    return memCompare(entryKey + 8, entryKeyLen - 8, keyPtr + 8, keyLen - 8);
  }
  return memCompare(entryKey, entryKeyLen, keyPtr, keyLen);
}

export function nodeInsert(node: usize, pos: i32, keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): i32 {
  assert(keyLen >= 1 && keyLen <= MAX_KEY_SIZE, 'node key length is 1..MAX_KEY_SIZE');
  assert(valLen >= 0 && valLen <= MAX_INDEX_VALUE_SIZE, 'node value length is 0..MAX_INDEX_VALUE_SIZE');
  assert(isLeaf(node) || valLen == 4, 'an internal node entry holds a 4-byte child id');
  assertOutside(node, keyPtr, keyLen, 'node insert: key overlaps the node');
  assertOutside(node, valPtr, valLen, 'node insert: value overlaps the node');
  const count = <u32>load<u16>(node, PAGE_OFF_SLOT_COUNT);
  let free = contiguousFree(node, count);
  if (free < 0) return 0;
  assert(<u32>pos <= count, 'node insert position is 0..count');
  const len = ENTRY_HEADER + <u32>keyLen + <u32>valLen;
  const need = <i32>(len + <u32>SLOT_SIZE);
  if (free < need) {
    if (free + <i32>load<u16>(node, PAGE_OFF_FRAG_BYTES) < need) return 0;
    compact(node, count);
    free = contiguousFree(node, count);
    if (free < need) return 0;
  }
  const slotAddr = node + DIR + (<usize>pos << 2);
  // memory.copy is a call out of the module, even for 0 bytes: only when slots move (not for an insert at the end,
  // as a sorted run's), and the key and value by copyShort (they lie outside the node: no overlap).
  if (<u32>pos < count) memory.copy(slotAddr + SLOT_SIZE, slotAddr, (count - <u32>pos) << 2);
  const upper = <u32>load<u16>(node, PAGE_OFF_FREE_UPPER) - len;
  const entry = node + upper;
  store<u16>(entry, <u16>keyLen);
  copyShort(entry + ENTRY_HEADER, keyPtr, <u32>keyLen);
  copyShort(entry + ENTRY_HEADER + keyLen, valPtr, <u32>valLen);
  store<u32>(slotAddr, upper | (len << 16));
  setCounts(node, count + 1, upper);
  return 1;
}

export function nodeDelete(node: usize, pos: i32): void {
  const count = countOf(node);
  assert(<u32>pos < count, 'node delete position is 0..count-1');
  const slotAddr = node + DIR + (<usize>pos << 2);
  const frag = <u32>load<u16>(node, PAGE_OFF_FRAG_BYTES) + entryBytes(node, load<u32>(slotAddr));
  memory.copy(slotAddr, slotAddr + SLOT_SIZE, (count - 1 - <u32>pos) << 2);
  store<u16>(node, <u16>(frag < <u32>PAGE_SIZE ? frag : <u32>PAGE_SIZE), PAGE_OFF_FRAG_BYTES);
  store<u16>(node, <u16>(count - 1), PAGE_OFF_SLOT_COUNT);
  store<u16>(node, <u16>(count - 1), PAGE_OFF_LIVE_COUNT);
  store<u16>(node, <u16>(DIR + (count - 1) * <u32>SLOT_SIZE), PAGE_OFF_FREE_LOWER);
}

export function nodeKey(node: usize, pos: i32): i32 {
  if (<u32>pos >= countOf(node)) return -1;
  const slot = slotAt(node, pos);
  const keyLen = keyLenOf(node, slot);
  if (keyLen < 0) return -1;
  return <i32>((((slot & 0xffff) + ENTRY_HEADER) << 16) | <u32>keyLen);
}

export function nodeValue(node: usize, pos: i32): i32 {
  if (<u32>pos >= countOf(node)) return -1;
  const slot = slotAt(node, pos);
  const keyLen = keyLenOf(node, slot);
  if (keyLen < 0) return -1;
  const valOff = (slot & 0xffff) + ENTRY_HEADER + <u32>keyLen;
  return <i32>((valOff << 16) | ((slot >>> 16) - ENTRY_HEADER - <u32>keyLen));
}

export function nodeChildAt(node: usize, pos: i32): i32 {
  if (isLeaf(node)) return NO_PAGE;
  if (pos == -1) return load<i32>(node, NODE_OFF_LEFTMOST);
  if (<u32>pos >= countOf(node)) return NO_PAGE;
  const slot = slotAt(node, pos);
  const keyLen = keyLenOf(node, slot);
  if (keyLen < 0 || (slot >>> 16) != ENTRY_HEADER + <u32>keyLen + 4) return NO_PAGE;
  return load<i32>(node + (slot & 0xffff) + ENTRY_HEADER + keyLen);
}

export function nodeSplitPoint(node: usize): i32 {
  const count = countOf(node);
  if (count < 2) return <i32>count;
  const leaf = isLeaf(node);
  let total: u32 = 0;
  for (let i: u32 = 0; i < count; i++) total += entryBytes(node, slotAt(node, i)) + SLOT_SIZE;
  // Left holds [0, p); right holds [p, count) in a leaf, (p, count) in an internal node.
  let best: u32 = 1;
  let bestDiff: u32 = 0xffffffff;
  let left: u32 = 0;
  for (let p: u32 = 1; p < count; p++) {
    left += entryBytes(node, slotAt(node, p - 1)) + SLOT_SIZE;
    let right = total - left;
    if (!leaf) right -= entryBytes(node, slotAt(node, p)) + SLOT_SIZE;
    const diff = left > right ? left - right : right - left;
    if (diff < bestDiff) {
      bestDiff = diff;
      best = p;
    }
  }
  return <i32>best;
}

export function nodeSplit(node: usize, nodeId: i32, right: usize, rightId: i32, pos: i32, sepOut: usize): i32 {
  assert(right + PAGE_SIZE <= node || node + PAGE_SIZE <= right, 'split halves are distinct pages');
  const count = countOf(node);
  const level = <i32>load<u16>(node, NODE_OFF_LEVEL);
  const leaf = level == 0;
  assert(pos >= 0 && (leaf ? <u32>pos <= count : <u32>pos < count), 'split position is 0..count (leaf) or 0..count-1 (internal)');
  assertOutside(node, sepOut, MAX_KEY_SIZE, 'node split: sepOut overlaps the node');
  assertOutside(right, sepOut, MAX_KEY_SIZE, 'node split: sepOut overlaps the right node');
  nodeInit(right, level);
  store<i32>(right, nodeId, NODE_OFF_LEFT);
  store<i32>(right, load<i32>(node, NODE_OFF_RIGHT), NODE_OFF_RIGHT);
  store<i32>(node, rightId, NODE_OFF_RIGHT);
  let first = <u32>pos;
  let sepLen: i32 = 0;
  if (!leaf) {
    // Entry pos moves up: its key is the separator, its child right's leftmost.
    sepLen = copySeparator(node, first, sepOut);
    store<i32>(right, nodeChildAt(node, pos), NODE_OFF_LEFTMOST);
    first++;
  }
  for (let i = first; i < count; i++) {
    const slot = slotAt(node, i);
    appendEntry(right, node + (slot & 0xffff), entryBytes(node, slot));
  }
  if (leaf && <u32>pos < count) sepLen = copySeparator(right, 0, sepOut);
  compact(node, <u32>pos);
  return sepLen;
}

/** Copies entry i's key to out and returns its length; 0 if invalid or longer than MAX_KEY_SIZE (corrupt). */
function copySeparator(node: usize, i: u32, out: usize): i32 {
  const slot = slotAt(node, i);
  const keyLen = keyLenOf(node, slot);
  if (keyLen < 0 || keyLen > MAX_KEY_SIZE) return 0;
  memory.copy(out, node + (slot & 0xffff) + ENTRY_HEADER, keyLen);
  return keyLen;
}

export function nodeMerge(left: usize, right: usize, sepPtr: usize, sepLen: i32): i32 {
  assert(right + PAGE_SIZE <= left || left + PAGE_SIZE <= right, 'merged nodes are distinct pages');
  const level = load<u16>(left, NODE_OFF_LEVEL);
  const leaf = level == 0;
  assert(leaf || (sepLen >= 1 && sepLen <= MAX_KEY_SIZE), 'internal merge separator length is 1..MAX_KEY_SIZE');
  assertOutside(left, sepPtr, sepLen, 'node merge: separator overlaps the left node');
  if (load<u16>(right, NODE_OFF_LEVEL) != level) return 0;
  const leftCount = <u32>load<u16>(left, PAGE_OFF_SLOT_COUNT);
  const free = contiguousFree(left, leftCount);
  if (free < 0) return 0;
  const rightCount = countOf(right);
  let need: u32 = leaf ? 0 : ENTRY_HEADER + <u32>sepLen + 4 + SLOT_SIZE;
  for (let i: u32 = 0; i < rightCount; i++) need += entryBytes(right, slotAt(right, i)) + SLOT_SIZE;
  if (need > <u32>free) {
    if (need > <u32>free + <u32>load<u16>(left, PAGE_OFF_FRAG_BYTES)) return 0;
    compact(left, leftCount);
    if (<i32>need > contiguousFree(left, leftCount)) return 0;
  }
  if (!leaf) {
    // The separator comes down, carrying right's leftmost child.
    const count = leftCount;
    const len = ENTRY_HEADER + <u32>sepLen + 4;
    const upper = <u32>load<u16>(left, PAGE_OFF_FREE_UPPER) - len;
    store<u16>(left + upper, <u16>sepLen);
    memory.copy(left + upper + ENTRY_HEADER, sepPtr, sepLen);
    store<i32>(left + upper + ENTRY_HEADER + sepLen, load<i32>(right, NODE_OFF_LEFTMOST));
    store<u32>(left + DIR + (count << 2), upper | (len << 16));
    setCounts(left, count + 1, upper);
  }
  for (let i: u32 = 0; i < rightCount; i++) {
    const slot = slotAt(right, i);
    appendEntry(left, right + (slot & 0xffff), entryBytes(right, slot));
  }
  store<i32>(left, load<i32>(right, NODE_OFF_RIGHT), NODE_OFF_RIGHT);
  return 1;
}

/** Copy n bytes (the ranges do not overlap): 8 at a time, then bytewise; memory.copy's call costs more than that for keys and values this short. */
// @ts-ignore: decorator
@inline function copyShort(dst: usize, src: usize, n: u32): void {
  if (n > 64) {
    memory.copy(dst, src, <usize>n);
    return;
  }
  let i: usize = 0;
  for (; i + 8 <= <usize>n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < <usize>n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/**
 * Leaf range read: the entries from position `pos` on whose key is at most
 * the upper bound [upperPtr, upperPtr+upperLen) (below it if upperInclusive
 * is 0; upperLen -1: no bound), copied to `out` one after another as u16
 * key length, key, u16 value length, value, while they fit in outCap bytes.
 * Returns the number copied, | NODE_COLLECT_DONE if an entry past the bound
 * was reached (the range ends in this leaf); -1 if an entry is invalid.
 */
export function nodeCollect(node: usize, pos: i32, upperPtr: usize, upperLen: i32, upperInclusive: i32, out: usize, outCap: i32): i32 {
  assert(pos >= 0 && outCap >= 0, 'nodeCollect: pos and outCap are >= 0');
  const count = countOf(node);
  let used: u32 = 0;
  let copied: i32 = 0;
  for (let i = <u32>pos; i < count; i++) {
    const slot = slotAt(node, i);
    const keyLen = keyLenOf(node, slot);
    if (keyLen < 0) return -1;
    const key = node + (slot & 0xffff) + ENTRY_HEADER;
    if (upperLen >= 0) {
      const c = memCompare(key, keyLen, upperPtr, upperLen);
      if (c > 0 || (c == 0 && upperInclusive == 0)) return copied | NODE_COLLECT_DONE;
    }
    const valueLen = (slot >>> 16) - ENTRY_HEADER - <u32>keyLen;
    const need = 4 + <u32>keyLen + valueLen;
    if (used + need > <u32>outCap) return copied;
    const at = out + used;
    store<u16>(at, <u16>keyLen);
    copyShort(at + 2, key, <u32>keyLen);
    store<u16>(at + 2 + <usize>keyLen, <u16>valueLen);
    copyShort(at + 4 + <usize>keyLen, key + <usize>keyLen, valueLen);
    used += need;
    copied++;
  }
  return copied;
}

/**
 * nodeInsert(node, count, key, keyLen, key + keyLen, valLen) for an entry
 * whose value follows its key (nodeInsertRun's input) when the node's
 * contiguous free space takes it: no slot moves, key and value in one copy,
 * and no call. Returns false, changing nothing, when it does not fit there
 * (or the header is not sane): nodeInsert then decides (it may compact).
 */
// @ts-ignore: decorator
@inline function appendEntryAtEnd(node: usize, count: u32, key: usize, keyLen: u32, valLen: u32): bool {
  const lower = DIR + count * <u32>SLOT_SIZE;
  const upper = <u32>load<u16>(node, PAGE_OFF_FREE_UPPER);
  const len = ENTRY_HEADER + keyLen + valLen;
  if ((<u32>load<u16>(node, PAGE_OFF_FREE_LOWER) != lower) | (upper > <u32>PAGE_SIZE) | (upper < lower + len + <u32>SLOT_SIZE)) return false;
  const at = upper - len;
  store<u16>(node + at, <u16>keyLen);
  copyShort(node + at + ENTRY_HEADER, key, keyLen + valLen);
  store<u32>(node + lower, at | (len << 16));
  setCounts(node, count + 1, at);
  return true;
}

/**
 * A sorted run of entries into one leaf (BTree's deferred secondary entries):
 * `inCount` entries at inPtr, one after another, each u16 key length, u16
 * value length, key, value. Inserts them in order while each is not in the
 * leaf yet, the leaf's own contents prove its key belongs there (strictly
 * inside its span, or past an end that has no sibling; entry 0 is taken on
 * trust if trustFirst is 1: the caller's descent found this leaf for it), it
 * fits, and its INDEX_INSERTS entry (u16 pos, u16 key length, u16 value
 * length, key, value) fits in outCap bytes at `out`. Stops at the first that
 * does not (or has a bad length). Returns the number inserted | the bytes
 * written to out << 16. With `out` 0 nothing is written there (a leaf logged
 * as an image: BTree's build), but the bytes it would take still count.
 */
export function nodeInsertRun(node: usize, inPtr: usize, inCount: i32, trustFirst: i32, out: usize, outCap: i32): i32 {
  assert(inCount >= 0 && outCap >= 0 && outCap < 0x8000, 'nodeInsertRun: inCount >= 0, outCap 0..32767');
  assert(isLeaf(node), 'nodeInsertRun: a leaf');
  const leftmost = load<i32>(node, NODE_OFF_LEFT) == NO_PAGE;
  const rightmost = load<i32>(node, NODE_OFF_RIGHT) == NO_PAGE;
  let p = inPtr;
  let used: u32 = 0;
  let done: i32 = 0;
  // Where the previous entry went: a run in key order searches on from there.
  let prev: i32 = -1;
  for (; done < inCount; done++) {
    const keyLen = <u32>load<u16>(p);
    const valLen = <u32>load<u16>(p, 2);
    if ((keyLen < 1) | (keyLen > <u32>MAX_KEY_SIZE) | (valLen > <u32>MAX_INDEX_VALUE_SIZE)) break;
    const need = 6 + keyLen + valLen;
    if (used + need > <u32>outCap) break;
    const key = p + 4;
    let r: u32;
    const keyHead = keyLen >= 8 ? bswap<u64>(load<u64>(key)) : 0;
    if (prev >= 0 && compareEntryKey(node, slotAt(node, <u32>prev), key, <i32>keyLen, keyHead) < 0) r = <u32>searchFrom(node, <u32>prev + 1, key, <i32>keyLen, keyHead);
    else r = <u32>nodeSearch(node, key, <i32>keyLen);
    if ((r & 1) != 0) break;
    const pos = r >>> 1;
    const count = countOf(node);
    if (!((done == 0) & (trustFirst != 0)) && !(((pos > 0) & (pos < count)) | ((pos == 0) & leftmost) | ((pos == count) & rightmost))) break;
    if (!((pos == count) && appendEntryAtEnd(node, count, key, keyLen, valLen)) && nodeInsert(node, <i32>pos, key, <i32>keyLen, key + keyLen, <i32>valLen) != 1) break;
    prev = <i32>pos;
    if (out != 0) {
      const at = out + used;
      store<u16>(at, <u16>pos);
      store<u16>(at, <u16>keyLen, 2);
      store<u16>(at, <u16>valLen, 4);
      copyShort(at + 6, key, keyLen + valLen);
    }
    used += need;
    p = key + keyLen + valLen;
  }
  return done | <i32>(used << 16);
}

/**
 * Whether a slot's key (empty if the entry is invalid) sorts before the key
 * at keyPtr: compareEntryKey(...) < 0, compared 8 bytes at a time inline
 * (as big-endian integers) instead of through a memCompare call once the
 * first 8 agree (a secondary index's keys share their first column's
 * leading bytes: bench:peers' index on cat called memCompare for nearly
 * every entry of its build).
 */
// @ts-ignore: decorator
@inline function entryKeyBelow(node: usize, slot: u32, keyPtr: usize, keyLen: u32): bool {
  let entryKeyLen = keyLenOf(node, slot);
  if (entryKeyLen < 0) entryKeyLen = 0;
  const a = node + (slot & 0xffff) + ENTRY_HEADER;
  const aLen = <u32>entryKeyLen;
  const n = aLen < keyLen ? aLen : keyLen;
  let i: u32 = 0;
  for (; i + 8 <= n; i += 8) {
    const x = bswap<u64>(load<u64>(a + i));
    const y = bswap<u64>(load<u64>(keyPtr + i));
    if (x != y) return x < y;
  }
  for (; i < n; i++) {
    const x = load<u8>(a + i);
    const y = load<u8>(keyPtr + i);
    if (x != y) return x < y;
  }
  return aLen < keyLen;
}

/**
 * nodeInsertRun for a bottom-up build (BTree's #fillLeaf): the entries lying
 * whole in [inPtr, inPtr + inBytes) (each u16 key length, u16 value length,
 * key, value; one cut short at the end is left for the next call, once more
 * of them are staged), none taken on trust, nothing written out. Inserts the
 * entries nodeInsertRun(node, inPtr, n, 0, 0, 32767) inserts (n: the whole
 * entries), leaving the same bytes and stopping where it stops (its outCap
 * never binds: the entries a leaf takes need less than a page); but an entry
 * whose key sorts past the last entry of a leaf without a right sibling (a
 * build's every entry) goes in at the end without a search. Returns the
 * number inserted | the input bytes they took << 16 (inBytes < 65536).
 */
export function nodeAppendRun(node: usize, inPtr: usize, inBytes: i32): i32 {
  assert(inBytes >= 0 && inBytes < 0x10000, 'nodeAppendRun: inBytes 0..65535');
  assert(isLeaf(node), 'nodeAppendRun: a leaf');
  const leftmost = load<i32>(node, NODE_OFF_LEFT) == NO_PAGE;
  const rightmost = load<i32>(node, NODE_OFF_RIGHT) == NO_PAGE;
  const end = inPtr + <usize>inBytes;
  let p = inPtr;
  let done: i32 = 0;
  // Where the previous entry went: a run in key order searches on from there (as nodeInsertRun).
  let prev: i32 = -1;
  while (p + 4 <= end) {
    if (rightmost) {
      // The appends appendEntryAtEnd makes, with the header kept in locals and written once: while each entry sorts
      // past the last one and fits the contiguous free space (the header sane). Anything else: the step below.
      let count = countOf(node);
      let lower = DIR + count * <u32>SLOT_SIZE;
      let upper = <u32>load<u16>(node, PAGE_OFF_FREE_UPPER);
      if ((count > 0) & (<u32>load<u16>(node, PAGE_OFF_FREE_LOWER) == lower) & (upper <= <u32>PAGE_SIZE) & (upper >= lower)) {
        const first = count;
        let last = slotAt(node, count - 1);
        while (p + 4 <= end) {
          const keyLen = <u32>load<u16>(p);
          const valLen = <u32>load<u16>(p, 2);
          if ((keyLen < 1) | (keyLen > <u32>MAX_KEY_SIZE) | (valLen > <u32>MAX_INDEX_VALUE_SIZE)) break;
          const key = p + 4;
          const next = key + keyLen + valLen;
          const len = ENTRY_HEADER + keyLen + valLen;
          if ((next > end) | (upper < lower + len + <u32>SLOT_SIZE)) break;
          if (!entryKeyBelow(node, last, key, keyLen)) break;
          upper -= len;
          store<u16>(node + upper, <u16>keyLen);
          copyShort(node + upper + ENTRY_HEADER, key, keyLen + valLen);
          last = upper | (len << 16);
          store<u32>(node + lower, last);
          lower += <u32>SLOT_SIZE;
          count++;
          p = next;
        }
        if (count != first) {
          setCounts(node, count, upper);
          done += <i32>(count - first);
          prev = <i32>count - 1;
          if (p + 4 > end) break;
        }
      }
    }
    const keyLen = <u32>load<u16>(p);
    const valLen = <u32>load<u16>(p, 2);
    if ((keyLen < 1) | (keyLen > <u32>MAX_KEY_SIZE) | (valLen > <u32>MAX_INDEX_VALUE_SIZE)) break;
    const key = p + 4;
    const next = key + keyLen + valLen;
    if (next > end) break;
    const count = countOf(node);
    let pos: u32;
    if (rightmost & (count > 0) && entryKeyBelow(node, slotAt(node, count - 1), key, keyLen)) {
      // Past the last entry of the rightmost leaf: where nodeSearch puts it, and in the leaf's range.
      pos = count;
    } else {
      const keyHead = keyLen >= 8 ? bswap<u64>(load<u64>(key)) : 0;
      let r: u32;
      if (prev >= 0 && compareEntryKey(node, slotAt(node, <u32>prev), key, <i32>keyLen, keyHead) < 0) r = <u32>searchFrom(node, <u32>prev + 1, key, <i32>keyLen, keyHead);
      else r = <u32>nodeSearch(node, key, <i32>keyLen);
      if ((r & 1) != 0) break;
      pos = r >>> 1;
      if (!(((pos > 0) & (pos < count)) | ((pos == 0) & leftmost) | ((pos == count) & rightmost))) break;
    }
    if (!((pos == count) && appendEntryAtEnd(node, count, key, keyLen, valLen)) && nodeInsert(node, <i32>pos, key, <i32>keyLen, key + keyLen, <i32>valLen) != 1) break;
    prev = <i32>pos;
    done++;
    p = next;
  }
  return done | <i32>(<u32>(p - inPtr) << 16);
}
