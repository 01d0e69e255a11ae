// B+-tree node kernels, TypeScript twin of assembly/btree-node.ts: the same
// algorithm step for step, so both leave identical bytes and return identical
// results for every call sequence, corrupt nodes included. The layout, the
// canonical form and the handling of corrupt nodes are documented at the top
// of assembly/btree-node.ts; change both files together.
//
// Written for speed: no allocation per call (one scratch page is allocated
// here, once), keys compared in a tight loop over the memory's bytes.
import { assert } from '../../errors.ts';
import { MAX_INDEX_VALUE_SIZE, MAX_KEY_SIZE, PAGE_SIZE } from '../../limits.ts';
import {
  NODE_COLLECT_DONE, NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NODE_OFF_RIGHT, NO_PAGE,
  PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT, SLOT_SIZE,
} from '../layout.ts';
import type { ByteKernels, NodeKernels, PageKernels, TsMemory } from './memory.ts';

/** First byte of a node's slot directory: page header + node header. */
const DIR = 48;
/** Most entries whose slots fit a node page (a clamp for corrupt counts). */
const MAX_SLOTS = (PAGE_SIZE - DIR) / SLOT_SIZE;
/** Bytes of an entry besides key and value: the u16 key length. */
const ENTRY_HEADER = 2;
/** Bytes between the reads of nodeSeek's touch: one a cache line. */
const TOUCH_STEP = 64;

export function createNodeKernels(mem: TsMemory, _bytes: ByteKernels, page: PageKernels): NodeKernels {
  const { u8, view } = mem;
  const { pageInit } = page;
  /** Snapshot of a node during compaction. */
  const scratch = new Uint8Array(PAGE_SIZE);
  const scratchView = new DataView(scratch.buffer);

  // ---- small readers ------------------------------------------------------------

  const get16 = (p: number, off: number): number => view.getUint16(p + off, true);
  const set16 = (p: number, off: number, value: number): void => view.setUint16(p + off, value, true);
  const slotAt = (node: number, i: number): number => view.getUint32(node + DIR + i * SLOT_SIZE, true);
  const isLeaf = (node: number): boolean => get16(node, NODE_OFF_LEVEL) === 0;

  function countOf(node: number): number {
    const n = get16(node, PAGE_OFF_SLOT_COUNT);
    return n < MAX_SLOTS ? n : MAX_SLOTS;
  }

  /** Key length of the entry a slot describes (read through `v`, at `base`), or -1 if invalid. */
  function keyLenOf(v: DataView, base: number, slot: number): number {
    const off = slot & 0xffff;
    const len = slot >>> 16;
    if (off < DIR || len < ENTRY_HEADER || off + len > PAGE_SIZE) return -1;
    const keyLen = v.getUint16(base + off, true);
    return keyLen + ENTRY_HEADER <= len ? keyLen : -1;
  }

  /** Bytes an entry takes besides its slot: its length if valid, else 0 (it is copied as (0, 0)). */
  function entryBytes(node: number, slot: number): number {
    return keyLenOf(view, node, slot) < 0 ? 0 : slot >>> 16;
  }

  /** Contiguous free bytes, or -1 if the free pointers disagree with the count (corrupt). */
  function contiguousFree(node: number, count: number): number {
    const lower = DIR + count * SLOT_SIZE;
    const upper = get16(node, PAGE_OFF_FREE_UPPER);
    if (get16(node, PAGE_OFF_FREE_LOWER) !== lower || upper < lower || upper > PAGE_SIZE) return -1;
    return upper - lower;
  }

  function setCounts(node: number, count: number, upper: number): void {
    set16(node, PAGE_OFF_SLOT_COUNT, count);
    set16(node, PAGE_OFF_LIVE_COUNT, count);
    set16(node, PAGE_OFF_FREE_LOWER, DIR + count * SLOT_SIZE);
    set16(node, PAGE_OFF_FREE_UPPER, upper);
  }

  /** memCompare of an entry key against the search key: -1, 0 or 1. */
  function compareKey(a: number, aLen: number, b: number, bLen: number): number {
    const n = aLen < bLen ? aLen : bLen;
    let i = 0;
    // Four bytes at a time, read big-endian so integer order is byte order.
    for (; i + 4 <= n; i += 4) {
      const x = view.getUint32(a + i);
      const y = view.getUint32(b + i);
      if (x !== y) return x < y ? -1 : 1;
    }
    for (; i < n; i++) {
      const x = u8[a + i]!;
      const y = u8[b + i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
  }

  function copyBytes(dst: number, src: number, len: number): void {
    if (len <= 16) for (let i = 0; i < len; i++) u8[dst + i] = u8[src + i]!;
    else u8.copyWithin(dst, src, src + len);
  }

  function assertOutside(node: number, ptr: number, len: number, message: string): void {
    assert(ptr + len <= node || ptr >= node + PAGE_SIZE, message);
  }

  // ---- layout maintenance -----------------------------------------------------------

  function compact(node: number, count: number): void {
    for (let i = 0; i < PAGE_SIZE; i += 4) scratchView.setUint32(i, view.getUint32(node + i, true), true);
    const lower = DIR + count * SLOT_SIZE;
    let upper = PAGE_SIZE;
    for (let i = 0; i < count; i++) {
      const slot = scratchView.getUint32(DIR + i * SLOT_SIZE, true);
      const len = slot >>> 16;
      let placed = 0;
      if (keyLenOf(scratchView, 0, slot) >= 0 && upper - lower >= len) {
        upper -= len;
        const off = slot & 0xffff;
        for (let j = 0; j < len; j++) u8[node + upper + j] = scratch[off + j]!;
        placed = (upper | (len << 16)) >>> 0;
      }
      view.setUint32(node + DIR + i * SLOT_SIZE, placed, true);
    }
    u8.fill(0, node + lower, node + upper);
    setCounts(node, count, upper);
    set16(node, PAGE_OFF_FRAG_BYTES, 0);
  }

  function appendEntry(dst: number, src: number, len: number): void {
    const count = get16(dst, PAGE_OFF_SLOT_COUNT);
    const lower = DIR + count * SLOT_SIZE;
    let upper = get16(dst, PAGE_OFF_FREE_UPPER);
    if (upper < lower + SLOT_SIZE) return;
    let placed = 0;
    if (len > 0 && upper - lower - SLOT_SIZE >= len) {
      upper -= len;
      copyBytes(dst + upper, src, len);
      placed = (upper | (len << 16)) >>> 0;
    }
    view.setUint32(dst + lower, placed, true);
    setCounts(dst, count + 1, upper);
  }

  function copySeparator(node: number, i: number, out: number): number {
    const slot = slotAt(node, i);
    const keyLen = keyLenOf(view, node, slot);
    if (keyLen < 0 || keyLen > MAX_KEY_SIZE) return 0;
    copyBytes(out, node + (slot & 0xffff) + ENTRY_HEADER, keyLen);
    return keyLen;
  }

  // ---- the kernels ------------------------------------------------------------------

  function nodeInit(node: number, level: number): void {
    assert(level >= 0 && level <= 0xffff, 'node level is a u16');
    // pageInit zeroes the page header and [DIR, PAGE_SIZE); the node header is ours.
    pageInit(node, level === 0 ? PAGE_KIND_BTREE_LEAF : PAGE_KIND_BTREE_INTERNAL, DIR);
    view.setInt32(node + NODE_OFF_LEFT, NO_PAGE, true);
    view.setInt32(node + NODE_OFF_RIGHT, NO_PAGE, true);
    view.setInt32(node + NODE_OFF_LEFTMOST, NO_PAGE, true);
    set16(node, NODE_OFF_LEVEL, level);
    set16(node, NODE_OFF_LEVEL + 2, 0);
    setCounts(node, 0, PAGE_SIZE);
    set16(node, PAGE_OFF_FRAG_BYTES, 0);
  }

  function nodeCount(node: number): number {
    return countOf(node);
  }

  function nodeSearch(node: number, keyPtr: number, keyLen: number): number {
    assert(keyLen >= 0, 'search key length is >= 0');
    return halve(node, 0, countOf(node), 0, keyPtr, keyLen);
  }

  /** Binary search of entries [lo, hi): (the first not below the key << 1) | found (assembly/btree-node.ts, halve). */
  function halve(node: number, lo: number, hi: number, found: number, keyPtr: number, keyLen: number): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = compareAt(node, mid, keyPtr, keyLen);
      if (cmp < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
        if (cmp === 0) found = 1;
      }
    }
    return (lo << 1) | found;
  }

  /** What nodeSeek's touches read, summed (kept so that the reads are not optimized away). */
  let touchSink = 0;

  function nodeSeek(node: number, keyPtr: number, keyLen: number): number {
    assert(keyLen >= 0, 'search key length is >= 0');
    if (u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF || get16(node, NODE_OFF_LEVEL) !== 0) return -1;
    // The touch (see assembly/btree-node.ts): the directory and the entries, one byte a cache line.
    const lower = Math.min(get16(node, PAGE_OFF_FREE_LOWER), PAGE_SIZE);
    const upper = Math.min(get16(node, PAGE_OFF_FREE_UPPER), PAGE_SIZE) & ~(TOUCH_STEP - 1);
    let acc = 0;
    for (let at = TOUCH_STEP; at < lower; at += TOUCH_STEP) acc += u8[node + at]!;
    for (let at = upper; at < PAGE_SIZE; at += TOUCH_STEP) acc += u8[node + at]!;
    touchSink = (touchSink + acc) | 0;
    return halve(node, 0, countOf(node), 0, keyPtr, keyLen);
  }

  /** compareKey of the key of entry `i` (empty if the entry is invalid) with the search key, as nodeSearch compares. */
  function compareAt(node: number, i: number, keyPtr: number, keyLen: number): number {
    const slot = slotAt(node, i);
    let entryKeyLen = keyLenOf(view, node, slot);
    if (entryKeyLen < 0) entryKeyLen = 0;
    return compareKey(node + (slot & 0xffff) + ENTRY_HEADER, entryKeyLen, keyPtr, keyLen);
  }

  /** nodeSearch's result for a key after every entry before `from` (assembly/btree-node.ts, searchFrom): probes from + 2^k - 1, then halves. */
  function searchFrom(node: number, from: number, keyPtr: number, keyLen: number): number {
    let lo = from;
    let hi = countOf(node);
    let found = 0;
    for (let step = 1; lo + step - 1 < hi; step *= 2) {
      const probe = lo + step - 1;
      const cmp = compareAt(node, probe, keyPtr, keyLen);
      if (cmp < 0) {
        lo = probe + 1;
      } else {
        hi = probe;
        if (cmp === 0) found = 1;
        break;
      }
    }
    return halve(node, lo, hi, found, keyPtr, keyLen);
  }

  function nodeChildFor(node: number, keyPtr: number, keyLen: number): number {
    assert(keyLen >= 0, 'search key length is >= 0');
    if (isLeaf(node)) return NO_PAGE;
    // Upper bound: the first entry whose key is > the search key.
    let lo = 0;
    let hi = countOf(node);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const slot = slotAt(node, mid);
      let entryKeyLen = keyLenOf(view, node, slot);
      if (entryKeyLen < 0) entryKeyLen = 0;
      if (compareKey(node + (slot & 0xffff) + ENTRY_HEADER, entryKeyLen, keyPtr, keyLen) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return nodeChildAt(node, lo - 1);
  }

  function nodeInsert(node: number, pos: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number): number {
    assert(keyLen >= 1 && keyLen <= MAX_KEY_SIZE, 'node key length is 1..MAX_KEY_SIZE');
    assert(valLen >= 0 && valLen <= MAX_INDEX_VALUE_SIZE, 'node value length is 0..MAX_INDEX_VALUE_SIZE');
    assert(isLeaf(node) || valLen === 4, 'an internal node entry holds a 4-byte child id');
    assertOutside(node, keyPtr, keyLen, 'node insert: key overlaps the node');
    assertOutside(node, valPtr, valLen, 'node insert: value overlaps the node');
    const count = get16(node, PAGE_OFF_SLOT_COUNT);
    let free = contiguousFree(node, count);
    if (free < 0) return 0;
    assert(pos >= 0 && pos <= count, 'node insert position is 0..count');
    const len = ENTRY_HEADER + keyLen + valLen;
    const need = len + SLOT_SIZE;
    if (free < need) {
      if (free + get16(node, PAGE_OFF_FRAG_BYTES) < need) return 0;
      compact(node, count);
      free = contiguousFree(node, count);
      if (free < need) return 0;
    }
    const slotAddr = node + DIR + pos * SLOT_SIZE;
    if (pos < count) u8.copyWithin(slotAddr + SLOT_SIZE, slotAddr, node + DIR + count * SLOT_SIZE);
    const upper = get16(node, PAGE_OFF_FREE_UPPER) - len;
    const entry = node + upper;
    set16(entry, 0, keyLen);
    copyBytes(entry + ENTRY_HEADER, keyPtr, keyLen);
    copyBytes(entry + ENTRY_HEADER + keyLen, valPtr, valLen);
    view.setUint32(slotAddr, (upper | (len << 16)) >>> 0, true);
    setCounts(node, count + 1, upper);
    return 1;
  }

  function nodeDelete(node: number, pos: number): void {
    const count = countOf(node);
    assert(pos >= 0 && pos < count, 'node delete position is 0..count-1');
    const slotAddr = node + DIR + pos * SLOT_SIZE;
    const frag = get16(node, PAGE_OFF_FRAG_BYTES) + entryBytes(node, view.getUint32(slotAddr, true));
    u8.copyWithin(slotAddr, slotAddr + SLOT_SIZE, node + DIR + count * SLOT_SIZE);
    set16(node, PAGE_OFF_FRAG_BYTES, frag < PAGE_SIZE ? frag : PAGE_SIZE);
    set16(node, PAGE_OFF_SLOT_COUNT, count - 1);
    set16(node, PAGE_OFF_LIVE_COUNT, count - 1);
    set16(node, PAGE_OFF_FREE_LOWER, DIR + (count - 1) * SLOT_SIZE);
  }

  function nodeKey(node: number, pos: number): number {
    if (pos < 0 || pos >= countOf(node)) return -1;
    const slot = slotAt(node, pos);
    const keyLen = keyLenOf(view, node, slot);
    if (keyLen < 0) return -1;
    return (((slot & 0xffff) + ENTRY_HEADER) << 16) | keyLen;
  }

  function nodeValue(node: number, pos: number): number {
    if (pos < 0 || pos >= countOf(node)) return -1;
    const slot = slotAt(node, pos);
    const keyLen = keyLenOf(view, node, slot);
    if (keyLen < 0) return -1;
    const valOff = (slot & 0xffff) + ENTRY_HEADER + keyLen;
    return (valOff << 16) | ((slot >>> 16) - ENTRY_HEADER - keyLen);
  }

  function nodeChildAt(node: number, pos: number): number {
    if (isLeaf(node)) return NO_PAGE;
    if (pos === -1) return view.getInt32(node + NODE_OFF_LEFTMOST, true);
    if (pos < 0 || pos >= countOf(node)) return NO_PAGE;
    const slot = slotAt(node, pos);
    const keyLen = keyLenOf(view, node, slot);
    if (keyLen < 0 || slot >>> 16 !== ENTRY_HEADER + keyLen + 4) return NO_PAGE;
    return view.getInt32(node + (slot & 0xffff) + ENTRY_HEADER + keyLen, true);
  }

  function nodeSplitPoint(node: number): number {
    const count = countOf(node);
    if (count < 2) return count;
    const leaf = isLeaf(node);
    let total = 0;
    for (let i = 0; i < count; i++) total += entryBytes(node, slotAt(node, i)) + SLOT_SIZE;
    // Left holds [0, p); right holds [p, count) in a leaf, (p, count) in an internal node.
    let best = 1;
    let bestDiff = Infinity;
    let left = 0;
    for (let p = 1; p < count; p++) {
      left += entryBytes(node, slotAt(node, p - 1)) + SLOT_SIZE;
      let right = total - left;
      if (!leaf) right -= entryBytes(node, slotAt(node, p)) + SLOT_SIZE;
      const diff = left > right ? left - right : right - left;
      if (diff < bestDiff) {
        bestDiff = diff;
        best = p;
      }
    }
    return best;
  }

  function nodeSplit(node: number, nodeId: number, right: number, rightId: number, pos: number, sepOut: number): number {
    assert(right + PAGE_SIZE <= node || node + PAGE_SIZE <= right, 'split halves are distinct pages');
    const count = countOf(node);
    const level = get16(node, NODE_OFF_LEVEL);
    const leaf = level === 0;
    assert(pos >= 0 && (leaf ? pos <= count : pos < count), 'split position is 0..count (leaf) or 0..count-1 (internal)');
    assertOutside(node, sepOut, MAX_KEY_SIZE, 'node split: sepOut overlaps the node');
    assertOutside(right, sepOut, MAX_KEY_SIZE, 'node split: sepOut overlaps the right node');
    nodeInit(right, level);
    view.setInt32(right + NODE_OFF_LEFT, nodeId, true);
    view.setInt32(right + NODE_OFF_RIGHT, view.getInt32(node + NODE_OFF_RIGHT, true), true);
    view.setInt32(node + NODE_OFF_RIGHT, rightId, true);
    let first = pos;
    let sepLen = 0;
    if (!leaf) {
      // Entry pos moves up: its key is the separator, its child right's leftmost.
      sepLen = copySeparator(node, first, sepOut);
      view.setInt32(right + NODE_OFF_LEFTMOST, nodeChildAt(node, pos), true);
      first++;
    }
    for (let i = first; i < count; i++) {
      const slot = slotAt(node, i);
      appendEntry(right, node + (slot & 0xffff), entryBytes(node, slot));
    }
    if (leaf && pos < count) sepLen = copySeparator(right, 0, sepOut);
    compact(node, pos);
    return sepLen;
  }

  function nodeMerge(left: number, right: number, sepPtr: number, sepLen: number): number {
    assert(right + PAGE_SIZE <= left || left + PAGE_SIZE <= right, 'merged nodes are distinct pages');
    const level = get16(left, NODE_OFF_LEVEL);
    const leaf = level === 0;
    assert(leaf || (sepLen >= 1 && sepLen <= MAX_KEY_SIZE), 'internal merge separator length is 1..MAX_KEY_SIZE');
    assertOutside(left, sepPtr, sepLen, 'node merge: separator overlaps the left node');
    if (get16(right, NODE_OFF_LEVEL) !== level) return 0;
    const leftCount = get16(left, PAGE_OFF_SLOT_COUNT);
    const free = contiguousFree(left, leftCount);
    if (free < 0) return 0;
    const rightCount = countOf(right);
    let need = leaf ? 0 : ENTRY_HEADER + sepLen + 4 + SLOT_SIZE;
    for (let i = 0; i < rightCount; i++) need += entryBytes(right, slotAt(right, i)) + SLOT_SIZE;
    if (need > free) {
      if (need > free + get16(left, PAGE_OFF_FRAG_BYTES)) return 0;
      compact(left, leftCount);
      if (need > contiguousFree(left, leftCount)) return 0;
    }
    if (!leaf) {
      // The separator comes down, carrying right's leftmost child.
      const len = ENTRY_HEADER + sepLen + 4;
      const upper = get16(left, PAGE_OFF_FREE_UPPER) - len;
      set16(left + upper, 0, sepLen);
      copyBytes(left + upper + ENTRY_HEADER, sepPtr, sepLen);
      view.setInt32(left + upper + ENTRY_HEADER + sepLen, view.getInt32(right + NODE_OFF_LEFTMOST, true), true);
      view.setUint32(left + DIR + leftCount * SLOT_SIZE, (upper | (len << 16)) >>> 0, true);
      setCounts(left, leftCount + 1, upper);
    }
    for (let i = 0; i < rightCount; i++) {
      const slot = slotAt(right, i);
      appendEntry(left, right + (slot & 0xffff), entryBytes(right, slot));
    }
    view.setInt32(left + NODE_OFF_RIGHT, view.getInt32(right + NODE_OFF_RIGHT, true), true);
    return 1;
  }

  function nodeCollect(node: number, pos: number, upperPtr: number, upperLen: number, upperInclusive: number, out: number, outCap: number): number {
    assert(pos >= 0 && outCap >= 0, 'nodeCollect: pos and outCap are >= 0');
    const count = countOf(node);
    let used = 0;
    let copied = 0;
    for (let i = pos; i < count; i++) {
      const slot = slotAt(node, i);
      const keyLen = keyLenOf(view, node, slot);
      if (keyLen < 0) return -1;
      const key = node + (slot & 0xffff) + ENTRY_HEADER;
      if (upperLen >= 0) {
        const c = compareKey(key, keyLen, upperPtr, upperLen);
        if (c > 0 || (c === 0 && upperInclusive === 0)) return copied | NODE_COLLECT_DONE;
      }
      const valueLen = (slot >>> 16) - ENTRY_HEADER - keyLen;
      const need = 4 + keyLen + valueLen;
      if (used + need > outCap) return copied;
      const at = out + used;
      view.setUint16(at, keyLen, true);
      for (let b = 0; b < keyLen; b++) u8[at + 2 + b] = u8[key + b]!;
      view.setUint16(at + 2 + keyLen, valueLen, true);
      for (let b = 0; b < valueLen; b++) u8[at + 4 + keyLen + b] = u8[key + keyLen + b]!;
      used += need;
      copied++;
    }
    return copied;
  }

  function nodeInsertRun(node: number, inPtr: number, inCount: number, trustFirst: number, out: number, outCap: number): number {
    assert(inCount >= 0 && outCap >= 0 && outCap < 0x8000, 'nodeInsertRun: inCount >= 0, outCap 0..32767');
    assert(isLeaf(node), 'nodeInsertRun: a leaf');
    const leftmost = view.getInt32(node + NODE_OFF_LEFT, true) === NO_PAGE;
    const rightmost = view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
    let p = inPtr;
    let used = 0;
    let done = 0;
    // Where the previous entry went: a run in key order searches on from there.
    let prev = -1;
    for (; done < inCount; done++) {
      const keyLen = view.getUint16(p, true);
      const valLen = view.getUint16(p + 2, true);
      if (keyLen < 1 || keyLen > MAX_KEY_SIZE || valLen > MAX_INDEX_VALUE_SIZE) break;
      const need = 6 + keyLen + valLen;
      if (used + need > outCap) break;
      const key = p + 4;
      const r = prev >= 0 && compareAt(node, prev, key, keyLen) < 0 ? searchFrom(node, prev + 1, key, keyLen) : nodeSearch(node, key, keyLen);
      if ((r & 1) !== 0) break;
      const pos = r >>> 1;
      const count = countOf(node);
      if (!(done === 0 && trustFirst !== 0) && !((pos > 0 && pos < count) || (pos === 0 && leftmost) || (pos === count && rightmost))) break;
      if (nodeInsert(node, pos, key, keyLen, key + keyLen, valLen) !== 1) break;
      prev = pos;
      const n = keyLen + valLen;
      if (out !== 0) {
        const at = out + used;
        view.setUint16(at, pos, true);
        view.setUint16(at + 2, keyLen, true);
        view.setUint16(at + 4, valLen, true);
        for (let b = 0; b < n; b++) u8[at + 6 + b] = u8[key + b]!;
      }
      used += need;
      p = key + n;
    }
    return done | (used << 16);
  }

  function nodeAppendRun(node: number, inPtr: number, inBytes: number): number {
    assert(inBytes >= 0 && inBytes < 0x10000, 'nodeAppendRun: inBytes 0..65535');
    assert(isLeaf(node), 'nodeAppendRun: a leaf');
    const leftmost = view.getInt32(node + NODE_OFF_LEFT, true) === NO_PAGE;
    const rightmost = view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
    const end = inPtr + inBytes;
    let p = inPtr;
    let done = 0;
    // Where the previous entry went: a run in key order searches on from there (as nodeInsertRun).
    let prev = -1;
    while (p + 4 <= end) {
      if (rightmost) {
        // The appends appendEntryAtEnd would make (assembly/btree-node.ts), with the header kept in locals and written
        // once: while each entry sorts past the last one and fits the contiguous free space (the header sane).
        let count = countOf(node);
        let lower = DIR + count * SLOT_SIZE;
        let upper = get16(node, PAGE_OFF_FREE_UPPER);
        if (count > 0 && get16(node, PAGE_OFF_FREE_LOWER) === lower && upper <= PAGE_SIZE && upper >= lower) {
          const first = count;
          let last = slotAt(node, count - 1);
          while (p + 4 <= end) {
            const keyLen = view.getUint16(p, true);
            const valLen = view.getUint16(p + 2, true);
            if (keyLen < 1 || keyLen > MAX_KEY_SIZE || valLen > MAX_INDEX_VALUE_SIZE) break;
            const key = p + 4;
            const next = key + keyLen + valLen;
            const len = ENTRY_HEADER + keyLen + valLen;
            if (next > end || upper < lower + len + SLOT_SIZE) break;
            let lastLen = keyLenOf(view, node, last);
            if (lastLen < 0) lastLen = 0;
            if (compareKey(node + (last & 0xffff) + ENTRY_HEADER, lastLen, key, keyLen) >= 0) break;
            upper -= len;
            set16(node + upper, 0, keyLen);
            const n = keyLen + valLen;
            for (let b = 0; b < n; b++) u8[node + upper + ENTRY_HEADER + b] = u8[key + b]!;
            last = (upper | (len << 16)) >>> 0;
            view.setUint32(node + lower, last, true);
            lower += SLOT_SIZE;
            count++;
            p = next;
          }
          if (count !== first) {
            setCounts(node, count, upper);
            done += count - first;
            prev = count - 1;
            if (p + 4 > end) break;
          }
        }
      }
      const keyLen = view.getUint16(p, true);
      const valLen = view.getUint16(p + 2, true);
      if (keyLen < 1 || keyLen > MAX_KEY_SIZE || valLen > MAX_INDEX_VALUE_SIZE) break;
      const key = p + 4;
      const next = key + keyLen + valLen;
      if (next > end) break;
      const count = countOf(node);
      let pos: number;
      if (rightmost && count > 0 && compareAt(node, count - 1, key, keyLen) < 0) {
        // Past the last entry of the rightmost leaf: where nodeSearch puts it, and in the leaf's range.
        pos = count;
      } else {
        const r = prev >= 0 && compareAt(node, prev, key, keyLen) < 0 ? searchFrom(node, prev + 1, key, keyLen) : nodeSearch(node, key, keyLen);
        if ((r & 1) !== 0) break;
        pos = r >>> 1;
        if (!((pos > 0 && pos < count) || (pos === 0 && leftmost) || (pos === count && rightmost))) break;
      }
      if (nodeInsert(node, pos, key, keyLen, key + keyLen, valLen) !== 1) break;
      prev = pos;
      done++;
      p = next;
    }
    return done | ((p - inPtr) << 16);
  }

  return {
    nodeInit, nodeCount, nodeSearch, nodeSeek, nodeChildFor, nodeInsert, nodeDelete,
    nodeKey, nodeValue, nodeChildAt, nodeSplitPoint, nodeSplit, nodeMerge, nodeCollect, nodeInsertRun, nodeAppendRun,
  };
}
