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

/**
 * Where deferred entries go: a B+-tree (BTree.insertPacked, which skips keys
 * already there). Entry j of the `count` is at src[order[j]]: u16 key
 * length, u16 value length, key, value.
 */
export interface SortedInserts {
  insertPacked(src: Uint8Array, order: ArrayLike<number>, count: number): number;
}

/** Bytes of entries held before they are flushed: about 40,000 entries of a small key, 1 MiB of memory. */
const DEFERRED_BYTES_MAX = 1 << 20;
/** Entries held before they are flushed. */
const DEFERRED_ENTRIES_MAX = 1 << 16;
/** Before each entry in the arena: u16 its length, u16 its value's length (BTree.insertPacked's layout). */
const ENTRY_HEADER = 4;
/** An entry's value with a location hint: u16 secondary key length, u48 tid (index-manager.ts, hintValue); without one, the u16 alone. */
const HINT_VALUE_BYTES = 8;
const PLAIN_VALUE_BYTES = 2;
/** An entry's arena offset in a sort key: the low 21 bits; the key's 4-byte prefix above them (32 + 21 < 53 bits). */
const OFFSET_SPAN = 1 << 21;

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
   * hint if it has one). A flush reads them in key order, so what it needs
   * of an entry is in one place (separate arrays of lengths read in that
   * order cost a cache miss each).
   */
  #arena = new Uint8Array(64 * 1024);
  #used = 0;
  #count = 0;
  readonly #groups = new Map<number, Group>();

  readonly #bytesMax: number;
  readonly #entriesMax: number;

  /** `maxEntryBytes`: the longest entry; `bounds` (tests): what is held before a flush. */
  constructor(maxEntryBytes: number, bounds: { bytes?: number; entries?: number } = {}) {
    // An arena offset must fit the sort key's 21 bits.
    this.#bytesMax = Math.min(bounds.bytes ?? DEFERRED_BYTES_MAX, OFFSET_SPAN - ENTRY_HEADER - maxEntryBytes - HINT_VALUE_BYTES);
    this.#entriesMax = bounds.entries ?? DEFERRED_ENTRIES_MAX;
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
    const valueLength = tid === 0 ? PLAIN_VALUE_BYTES : HINT_VALUE_BYTES;
    const size = ENTRY_HEADER + length + valueLength;
    if (this.#used + size > this.#bytesMax || this.#count >= this.#entriesMax) this.flush();
    let group = this.#groups.get(indexId);
    if (group === undefined) {
      group = { tree, offsets: new Int32Array(1024), count: 0 };
      this.#groups.set(indexId, group);
    }
    if (this.#used + size > this.#arena.length) {
      const grown = new Uint8Array(Math.max(this.#used + size, this.#arena.length * 2));
      grown.set(this.#arena.subarray(0, this.#used));
      this.#arena = grown;
    }
    const arena = this.#arena;
    const at = this.#used;
    arena[at] = length & 0xff;
    arena[at + 1] = length >>> 8;
    arena[at + 2] = valueLength;
    arena[at + 3] = 0;
    const from = at + ENTRY_HEADER;
    for (let i = 0; i < length; i++) arena[from + i] = entry[i]!;
    const value = from + length;
    arena[value] = skeyLength & 0xff;
    arena[value + 1] = skeyLength >>> 8;
    if (tid !== 0) {
      // u48 little-endian: the low 32 bits, then the high 16.
      const low = tid >>> 0;
      const high = (tid - low) / 4294967296;
      arena[value + 2] = low & 0xff;
      arena[value + 3] = (low >>> 8) & 0xff;
      arena[value + 4] = (low >>> 16) & 0xff;
      arena[value + 5] = low >>> 24;
      arena[value + 6] = high & 0xff;
      arena[value + 7] = (high >>> 8) & 0xff;
    }
    if (group.count === group.offsets.length) {
      const grown = new Int32Array(2 * group.count);
      grown.set(group.offsets);
      group.offsets = grown;
    }
    group.offsets[group.count++] = at;
    this.#used = at + size;
    this.#count++;
  }

  /** Forget the entries of an index that is going away (they must never reach its released tree). */
  discard(indexId: number): void {
    const group = this.#groups.get(indexId);
    if (group === undefined) return;
    this.#groups.delete(indexId);
    this.#count -= group.count;
    if (this.#groups.size === 0) this.#used = 0;
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

  #insertAll(group: Group): void {
    const order = this.#keyOrder(group);
    group.tree.insertPacked(this.#arena, order, order.length);
  }

  /**
   * The arena offsets of the group's entries in (nearly) key order: sorted by
   * the 4 bytes after the prefix every entry shares, then by arrival (the
   * offset). The order only buys cache locality (every order inserts the same
   * entries), so entries that agree on those 4 bytes may stay out of order.
   * A native numeric sort of prefix * 2^21 + offset, no comparator calls.
   */
  #keyOrder(group: Group): Int32Array {
    const { offsets } = group;
    const arena = this.#arena;
    const n = group.count;
    const first = offsets[0]! + ENTRY_HEADER;
    let common = arena[offsets[0]!]! | (arena[offsets[0]! + 1]! << 8);
    for (let i = 1; i < n && common > 0; i++) {
      const at = offsets[i]!;
      const length = arena[at]! | (arena[at + 1]! << 8);
      if (length < common) common = length;
      for (let k = 0; k < common; k++) {
        if (arena[at + ENTRY_HEADER + k] !== arena[first + k]) {
          common = k;
          break;
        }
      }
    }
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const at = offsets[i]!;
      const left = (arena[at]! | (arena[at + 1]! << 8)) - common;
      const from = at + ENTRY_HEADER + common;
      let prefix = 0;
      for (let k = 0; k < 4; k++) prefix = prefix * 256 + (k < left ? arena[from + k]! : 0);
      keys[i] = prefix * OFFSET_SPAN + at;
    }
    keys.sort();
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const key = keys[j]!;
      order[j] = key - Math.floor(key / OFFSET_SPAN) * OFFSET_SPAN;
    }
    return order;
  }
}
