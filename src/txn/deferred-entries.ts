// Secondary-index entries on their way into their trees. An INSERT (from a
// transaction's second row on) puts the entry of its row in each non-unique
// secondary index here rather than in the tree; they go in together, in key
// order, when a bound is reached, before anything reads or cleans that
// index, and before any transaction commits.
//
// Why: the keys of a secondary index arrive in no particular order (the bulk
// load of bench:peers puts rows of ~10,000 categories into an index of ~1,500
// leaves), so each insert searches a leaf that is no longer in the CPU's
// caches, after a descent the leaf hint cannot shortcut (a third of that
// bulk load's time went to these inserts). In key order, consecutive entries
// go to the same leaf, which is then warm, and the leaf hint finds it.
//
// Why it is safe (index-manager.ts, invariant 2): an entry is needed only for
// a version that some snapshot may see, and no snapshot but its creator's
// sees a version before its transaction commits; its creator reads the
// index only through IndexManager, which flushes the index first. So the
// engine flushes everything before it appends a commit record: every
// committed version has its entries in the tree (logged before the commit
// record, so recovery redoes them first). A transaction that aborts, or
// that a crash cuts short, may leave its entries here or in the tree:
// entries of a version nobody sees are harmless either way (readers re-check
// every entry, vacuum deletes what it finds). Unique indexes are never
// deferred: their uniqueness check reads them for every row.
//
// Flushing is idempotent (a tree insert of an entry already there changes
// nothing), so a flush that fails part way keeps every entry and the next
// one inserts them all again.

import { giveBuffer, takeBuffer } from '../storage/index/spare-buffers.ts';

/**
 * Where deferred entries go: a B+-tree (BTree.insertPacked, which skips keys
 * already there). The entries lie back to back in src[from, to), each u16
 * key length, u16 value length, key, value, in (nearly) ascending key order.
 */
export interface SortedInserts {
  insertPacked(src: Uint8Array, from: number, to: number): number;
}

/**
 * Bytes of entries held before they are flushed: about 280,000 entries of a
 * small key (8 MiB, and as much again for the sorted copy while a flush
 * runs). A flush costs about one run (a search, a kernel call, a WAL record)
 * per leaf it touches, however few entries go there, so fewer, larger
 * flushes put more entries in each run: bench:peers' 200k-row load in 2
 * flushes instead of 6 took ~15% less time in the index. One flush into an
 * empty index appends: full leaves (~1,600 for bench:peers' index on cat);
 * a second flush's entries fall between the first's, and every leaf they
 * reach splits in the middle (~2,100 leaves at 4 MiB, two flushes).
 */
const DEFERRED_BYTES_MAX = 8 << 20;
/** Entries held before they are flushed. */
const DEFERRED_ENTRIES_MAX = 1 << 18;
/** Before each entry in the arena: u16 its length, u16 its value's length (BTree.insertPacked's layout). */
const ENTRY_HEADER = 4;
/** An entry's value with a location hint: u16 secondary key length, u48 tid (index-manager.ts, hintValue); without one, the u16 alone. */
const HINT_VALUE_BYTES = 8;
const PLAIN_VALUE_BYTES = 2;
/** Buckets of one radix pass over 16 bits of the sort prefix. */
const RADIX = 1 << 16;
/** The arena's size while it holds few entries (past it, it is a spare buffer of the bytes bound: spare-buffers.ts). */
const SMALL_ARENA = 64 * 1024;

/**
 * The radix sort's work, shared by every DeferredEntries (a sort runs to its
 * end before another starts): sort prefixes, offsets, and one pass's bucket
 * counts. Kept from one flush to the next, in any database: fresh arrays cost
 * a page fault per 4 KiB at their first use.
 */
let sortKeys = new Uint32Array(0);
let sortKeys2 = new Uint32Array(0);
let sortOrder = new Int32Array(0);
let sortOrder2 = new Int32Array(0);
let sortCounts: Int32Array | null = null;
let sortCountsLow: Int32Array | null = null;
/** The largest offsets array of a group that went away, for the next group (in any database) to take. */
let spareOffsets: Int32Array | null = null;

/** The deferred entries of one index: their arena offsets, in arrival order (offsets[0, count)). */
interface Group {
  readonly tree: SortedInserts;
  offsets: Int32Array;
  count: number;
}

export class DeferredEntries {
  /**
   * Every entry, one after another, as the tree takes it: its header, its
   * bytes, then its value (u16 secondary key length, then the u48 location
   * hint if it has one). add() writes them in arrival order; a flush copies
   * an index's entries into a sorted copy in key order, so that the tree reads
   * them front to back (reading the arena in key order cost a cache miss
   * per entry, at every step that touched it). Past SMALL_ARENA bytes it
   * is a spare buffer (takeBuffer), given back when it is empty again.
   */
  #arena = new Uint8Array(SMALL_ARENA);
  /** The arena's bytes read four at a time (the sort's copies and comparisons: a byte at a time took twice as long). */
  #arenaView = new DataView(this.#arena.buffer);
  /** The arena of SMALL_ARENA bytes, kept while #arena is a spare buffer. */
  #smallArena = this.#arena;
  #used = 0;
  #count = 0;
  readonly #groups = new Map<number, Group>();
  /** The group reserve() opened and where its entry goes (commit() completes it); null when none is open. */
  #open: Group | null = null;
  #openAt = 0;
  /** The group reserve() last took, and its index (null: none, or it went away). */
  #lastGroup: Group | null = null;
  #lastGroupId = 0;

  readonly #bytesMax: number;
  readonly #entriesMax: number;
  /** The largest entry with its header and value: what reserve() keeps room for. */
  readonly #entryMax: number;

  /** `maxEntryBytes`: the longest entry; `bounds` (tests): what is held before a flush. */
  constructor(maxEntryBytes: number, bounds: { bytes?: number; entries?: number } = {}) {
    this.#bytesMax = bounds.bytes ?? DEFERRED_BYTES_MAX;
    this.#entriesMax = bounds.entries ?? DEFERRED_ENTRIES_MAX;
    this.#entryMax = ENTRY_HEADER + maxEntryBytes + HINT_VALUE_BYTES;
  }

  /** Entries waiting, over every index. */
  get size(): number {
    return this.#count;
  }

  /** Whether an index has entries waiting. */
  has(indexId: number): boolean {
    return this.#groups.has(indexId);
  }

  /**
   * Hold the entry `entry[0, length)` of index `indexId` (its tree `tree`),
   * whose secondary key is its first `skeyLength` bytes; `tid` is its
   * version's location hint, written into its value (0: a value without
   * one, as a hash index's). Flushes everything first when the bounds are
   * reached.
   */
  add(indexId: number, tree: SortedInserts, entry: Uint8Array, length: number, skeyLength: number, tid = 0): void {
    const arena = this.reserve(indexId, tree);
    const from = this.#openAt + ENTRY_HEADER;
    for (let i = 0; i < length; i++) arena[from + i] = entry[i]!;
    this.commit(length, skeyLength, tid);
  }

  /**
   * add() in two steps, without copying the entry: reserve() flushes if the
   * bounds are reached and returns the arena, where the caller writes the
   * entry's key (up to the constructor's maxEntryBytes) at `keyAt`; then
   * commit(length, skeyLength, tid) as add() takes them. Nothing may come
   * between the two but the write.
   */
  reserve(indexId: number, tree: SortedInserts): Uint8Array {
    if (this.#used + this.#entryMax > this.#bytesMax || this.#count >= this.#entriesMax) this.flush();
    // The group of the last entry first: a load adds every row's entry to the same index (one Map lookup a row less).
    let group = this.#lastGroup;
    if (group === null || this.#lastGroupId !== indexId) {
      group = this.#groups.get(indexId) ?? null;
      if (group === null) {
        const offsets = spareOffsets ?? new Int32Array(1024);
        spareOffsets = null;
        group = { tree, offsets, count: 0 };
        this.#groups.set(indexId, group);
      }
      this.#lastGroup = group;
      this.#lastGroupId = indexId;
    }
    if (this.#used + this.#entryMax > this.#arena.length) {
      // Past its first 64 KiB, the arena grows to the bound at once, into a spare buffer: a fresh buffer's pages cost
      // a page fault each when first written, and growing by doubling wrote every generation whole (twice the bound in
      // faults: with 8 MiB, bench:peers' load took ~45 ms more system time).
      const size = Math.max(this.#used + this.#entryMax, this.#bytesMax);
      const grown = takeBuffer(size);
      grown.set(this.#arena.subarray(0, this.#used));
      if (this.#arena !== this.#smallArena) giveBuffer(this.#arena);
      this.#arena = grown;
      this.#arenaView = new DataView(grown.buffer);
    }
    this.#open = group;
    this.#openAt = this.#used;
    return this.#arena;
  }

  /** Where reserve()'s caller writes the entry's key in the arena. */
  get keyAt(): number {
    return this.#openAt + ENTRY_HEADER;
  }

  /** Complete the entry reserve() opened: `length` bytes of key written at keyAt. */
  commit(length: number, skeyLength: number, tid = 0): void {
    const group = this.#open;
    if (group === null) throw new Error('DeferredEntries.commit without reserve');
    this.#open = null;
    const valueLength = tid === 0 ? PLAIN_VALUE_BYTES : HINT_VALUE_BYTES;
    const view = this.#arenaView;
    const at = this.#openAt;
    // Little-endian u16 key length and u16 value length; then the value: u16 skeyLength, and u48 tid as its low 32 bits and high 16.
    view.setUint32(at, (length & 0xffff) | (valueLength << 16), true);
    const value = at + ENTRY_HEADER + length;
    view.setUint16(value, skeyLength, true);
    if (tid !== 0) {
      const low = tid >>> 0;
      view.setUint32(value + 2, low, true);
      view.setUint16(value + 6, ((tid - low) / 4294967296) & 0xffff, true);
    }
    if (group.count === group.offsets.length) {
      const grown = new Int32Array(2 * group.count);
      grown.set(group.offsets);
      group.offsets = grown;
    }
    group.offsets[group.count++] = at;
    this.#used = value + valueLength;
    this.#count++;
  }

  /** Close the entry reserve() opened without holding it (the caller could not encode it there). */
  cancel(): void {
    this.#open = null;
  }

  /** Forget the entries of an index that is going away (they must never reach its released tree). */
  discard(indexId: number): void {
    const group = this.#groups.get(indexId);
    if (group === undefined) return;
    this.#groups.delete(indexId);
    if (this.#lastGroup === group) this.#lastGroup = null;
    this.#count -= group.count;
    if (spareOffsets === null || spareOffsets.length < group.offsets.length) spareOffsets = group.offsets;
    if (this.#groups.size === 0) {
      this.#used = 0;
      this.#releaseArena();
    }
  }

  /** With nothing held: give the arena back if it is a spare buffer (the next load, in any database, takes it again). */
  #releaseArena(): void {
    if (this.#arena === this.#smallArena) return;
    giveBuffer(this.#arena);
    this.#arena = this.#smallArena;
    this.#arenaView = new DataView(this.#arena.buffer);
  }

  /** Insert the entries of one index into its tree, in key order. */
  flushIndex(indexId: number): void {
    const group = this.#groups.get(indexId);
    if (group === undefined) return;
    this.#insertAll(group);
    this.discard(indexId);
  }

  /** Insert every entry waiting into its tree. */
  flush(): void {
    for (const id of [...this.#groups.keys()]) this.flushIndex(id);
    this.#used = 0;
  }

  /** The group's entries in key order, back to back, into a spare buffer (given back after: the tree keeps none of it). */
  #insertAll(group: Group): void {
    // As large as the arena: the spares a load uses then all have its size, and any of them serves any of its uses.
    const sorted = takeBuffer(this.#used, this.#arena.length);
    try {
      const end = this.#sortInto(group, sorted);
      group.tree.insertPacked(sorted, 0, end);
    } finally {
      giveBuffer(sorted);
    }
  }

  /**
   * Copy the group's entries into `sorted`, back to back, in (nearly) key
   * order: sorted by the 4 bytes after the prefix every entry shares, then
   * by arrival. The order only buys locality (every order inserts the same
   * entries), so entries that agree on those 4 bytes may stay out of order.
   * A stable radix sort of the 4 bytes as two 16-bit halves, a half every
   * entry agrees on skipped. With one half to sort by (small integer keys:
   * the usual case), the entries are read in arrival order, front to back,
   * and each is written where its bucket goes; with two, the sorted order
   * is computed first and the entries read in it. The shared prefix is
   * taken from 64 entries spread over them and checked as each entry's 4
   * bytes are read (one pass over the arena instead of two); only when some
   * entry shares less is it found over all of them and the pass repeated.
   * Returns the bytes written.
   *
   * Each step is a function of its own, one loop each: a flush runs once a
   * transaction, so its loops mostly run before the JIT has seen them, and
   * a function compiled while its first loop ran (on-stack replacement)
   * lacks the later loops' type feedback and is thrown away when it reaches
   * them. Bytes are compared and copied four at a time where four remain
   * (a byte at a time took about twice as long).
   */
  #sortInto(group: Group, sorted: Uint8Array): number {
    const { offsets } = group;
    const n = group.count;
    const arena = this.#arena;
    const view = this.#arenaView;
    const sortedView = new DataView(sorted.buffer, sorted.byteOffset, sorted.byteLength);
    let common = sampledPrefix(arena, view, offsets, n);
    if (sortKeys.length < n) {
      const size = Math.max(n, 2 * sortKeys.length);
      sortKeys = new Uint32Array(size);
      sortKeys2 = new Uint32Array(size);
      sortOrder = new Int32Array(size);
      sortOrder2 = new Int32Array(size);
    }
    const keys = sortKeys;
    const counts = (sortCounts ??= new Int32Array(RADIX));
    const countsLow = (sortCountsLow ??= new Int32Array(RADIX));
    let differ = sortPrefixes(arena, view, offsets, n, common, keys, counts, countsLow);
    if (differ < 0) {
      // Some entry shares less than the sample did.
      common = commonPrefix(arena, view, offsets, n);
      differ = sortPrefixes(arena, view, offsets, n, common, keys, counts, countsLow);
    }
    if ((differ & 0xffff) === 0 || differ >>> 16 === 0) {
      // One half (or none) to sort by: scatter.
      const shift = (differ & 0xffff) === 0 ? 16 : 0;
      const starts = shift === 16 ? counts : countsLow;
      const total = startsFromCounts(starts);
      scatter(arena, view, sorted, sortedView, offsets, keys, n, shift, starts);
      return total;
    }
    orderPass(offsets, keys, null, sortKeys2, sortOrder2, n, 0, counts);
    orderPass(null, sortKeys2, sortOrder2, keys, sortOrder, n, 16, counts);
    return gather(arena, view, sorted, sortedView, sortOrder, n);
  }
}

/** The length of the prefix the keys of the entries at offsets[0, n) all share (n > 0). */
function commonPrefix(arena: Uint8Array, view: DataView, offsets: Int32Array, n: number): number {
  const first = offsets[0]! + ENTRY_HEADER;
  let common = arena[offsets[0]!]! | (arena[offsets[0]! + 1]! << 8);
  for (let i = 1; i < n && common > 0; i++) {
    const at = offsets[i]!;
    const length = arena[at]! | (arena[at + 1]! << 8);
    if (length < common) common = length;
    const key = at + ENTRY_HEADER;
    let k = 0;
    while (k + 4 <= common && view.getUint32(key + k) === view.getUint32(first + k)) k += 4;
    while (k < common && arena[key + k] === arena[first + k]) k++;
    common = k;
  }
  return common;
}

/** The length of the prefix the keys of 64 of the entries at offsets[0, n), spread over them, share (at least commonPrefix's). */
function sampledPrefix(arena: Uint8Array, view: DataView, offsets: Int32Array, n: number): number {
  const first = offsets[0]! + ENTRY_HEADER;
  let common = arena[offsets[0]!]! | (arena[offsets[0]! + 1]! << 8);
  const step = Math.max(1, Math.floor(n / 64));
  for (let i = step; i < n && common > 0; i += step) {
    const at = offsets[i]!;
    const length = arena[at]! | (arena[at + 1]! << 8);
    if (length < common) common = length;
    let k = 0;
    while (k < common && arena[at + ENTRY_HEADER + k] === arena[first + k]) k++;
    common = k;
  }
  return common;
}

/**
 * The sort prefix of each entry at offsets[0, n) into keys[0, n): the 4 key bytes after the `common` ones (big-endian,
 * zeros past the key's end); and the bytes of the entries in each bucket of either 16-bit half (high, low), so that a
 * scatter by one half needs no second pass to count them. Returns the bits in which the prefixes differ.
 */
function sortPrefixes(arena: Uint8Array, view: DataView, offsets: Int32Array, n: number, common: number, keys: Uint32Array, high: Int32Array, low: Int32Array): number {
  high.fill(0);
  low.fill(0);
  let and = 0xffffffff;
  let or = 0;
  const first = offsets[0]! + ENTRY_HEADER;
  // The shared prefix's first 4 bytes, compared as one number.
  const head = common >= 4 ? view.getUint32(first) : 0;
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    const header = view.getUint32(at, true);
    const length = header & 0xffff;
    const left = length - common;
    if (left < 0) return -1;
    const key = at + ENTRY_HEADER;
    let k = 0;
    if (common >= 4) {
      if (view.getUint32(key) !== head) return -1;
      k = 4;
    }
    while (k + 4 <= common && view.getUint32(key + k) === view.getUint32(first + k)) k += 4;
    while (k < common && arena[key + k] === arena[first + k]) k++;
    if (k < common) return -1;
    const from = key + common;
    let prefix = 0;
    if (left >= 4) prefix = view.getUint32(from);
    else for (let k = 0; k < 4; k++) prefix = ((prefix << 8) | (k < left ? arena[from + k]! : 0)) >>> 0;
    keys[i] = prefix;
    and &= prefix;
    or |= prefix;
    const bytes = ENTRY_HEADER + length + (header >>> 16);
    high[prefix >>> 16]! += bytes;
    low[prefix & 0xffff]! += bytes;
  }
  return (and ^ or) >>> 0;
}

/** Each bucket's count in `counts` replaced by the sum of those before it. Returns the sum of all. */
function startsFromCounts(counts: Int32Array): number {
  let total = 0;
  for (let b = 0; b < RADIX; b++) {
    const c = counts[b]!;
    counts[b] = total;
    total += c;
  }
  return total;
}

/**
 * Every entry at offsets[0, n), in that order, to where its bucket goes next in `out` (counts: where each bucket
 * starts): its header read once as a word (its lengths) and copied, then 4 bytes at a time, then 2, then 1 (a byte at a
 * time for the last 0-3 bytes and the header's own bytes took ~1/6 more of the sort, bench:peers' entries of 30 bytes).
 */
function scatter(arena: Uint8Array, view: DataView, out: Uint8Array, outView: DataView, offsets: Int32Array, keys: Uint32Array, n: number, shift: number, counts: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const at = offsets[i]!;
    const header = view.getUint32(at, true);
    const end = at + ENTRY_HEADER + (header & 0xffff) + (header >>> 16);
    const bucket = (keys[i]! >>> shift) & 0xffff;
    let p = counts[bucket]!;
    outView.setUint32(p, header, true);
    let b = at + 4;
    p += 4;
    for (; b + 4 <= end; b += 4, p += 4) outView.setUint32(p, view.getUint32(b, true), true);
    if (b + 2 <= end) {
      outView.setUint16(p, view.getUint16(b, true), true);
      b += 2;
      p += 2;
    }
    if (b < end) out[p++] = arena[b]!;
    counts[bucket] = p;
  }
}

/**
 * One stable pass of the radix sort over the 16 bits at `shift`: keys[i] and its offset (order[i], or offsets[i] when
 * order is null) to toKeys and toOrder in bucket order.
 */
function orderPass(offsets: Int32Array | null, keys: Uint32Array, order: Int32Array | null, toKeys: Uint32Array, toOrder: Int32Array, n: number, shift: number, counts: Int32Array): void {
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0xffff]!++;
  startsFromCounts(counts);
  const from = (order ?? offsets)!;
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    const j = counts[(key >>> shift) & 0xffff]!++;
    toKeys[j] = key;
    toOrder[j] = from[i]!;
  }
}

/** The entries at order[0, n), in that order, back to back into `out`. Returns the bytes written. */
function gather(arena: Uint8Array, view: DataView, out: Uint8Array, outView: DataView, order: Int32Array, n: number): number {
  let p = 0;
  for (let j = 0; j < n; j++) {
    const at = order[j]!;
    const header = view.getUint32(at, true);
    const end = at + ENTRY_HEADER + (header & 0xffff) + (header >>> 16);
    outView.setUint32(p, header, true);
    let b = at + 4;
    p += 4;
    for (; b + 4 <= end; b += 4, p += 4) outView.setUint32(p, view.getUint32(b, true), true);
    if (b + 2 <= end) {
      outView.setUint16(p, view.getUint16(b, true), true);
      b += 2;
      p += 2;
    }
    if (b < end) out[p++] = arena[b]!;
  }
  return p;
}
