// The persistent B+-tree of Flint's indexes: unique memcomparable keys
// (compared as unsigned bytes, a proper prefix first) of 1..MAX_KEY_SIZE
// bytes, each with a value of 0..MAX_BTREE_VALUE_SIZE bytes (the engine
// stores an 8-byte tuple id, or nothing).
//
//   const tree = BTree.create(heap, owner)          a new empty tree, owner a fresh id
//   const tree = BTree.open(heap, owner, metaBlock) at startup, after recovery
//   tree.insert(key, value)     false if the key is there (nothing changed)
//   tree.update(key, value)     replace the value; false if absent
//   tree.delete(key)            false if absent
//   tree.find(key, (u8, view, offset, length) => T)   the value in place
//   tree.get(key)               a copy of the value
//   tree.scan({ lower, lowerInclusive, upper, upperInclusive, reverse }, (key, value) => boolean | void)
//   tree.cursor(options).next() a pull cursor: { key, value } or undefined
//   tree.check()                verify every invariant (tests)
//   heap.releaseOwner(owner)    drop (the engine does it)
//
// Storage. Nodes are 4 KiB pages (layout in src/kernels/layout.ts) in blocks
// of heap.flint owned by the tree's owner id, read and changed in place in
// the buffer pool by the node kernels: one kernel call per node operation,
// keys handed over in the kernels' scratch area. Page ids, the meta tuple
// and free pages: btree-format.ts.
//
// Changes and the WAL. Every change is logged before the page it changes can
// be written back (the pool's write-ahead hook goes by page LSN), and redo is
// physiological (btree-redo.ts):
//   - an insert, delete or same-length value update that stays inside one
//     leaf logs one small record (INDEX_INSERT / INDEX_DELETE / INDEX_VALUE)
//     naming the page and position, after the heap's torn-page guard;
//   - anything structural (a split, a merge, a new or collapsed root, pages
//     taken from or returned to the free list, the meta tuple) is done in a
//     PageBatch (page-batch.ts): every page it touched stays pinned and goes
//     into ONE INDEX_PAGES record, so a crash never leaves half a split: the
//     nodes a split and its insert change in place (the split node, the
//     parent taking the separator) as the kernel calls made on them, the
//     rest as after-images (the new right half, a new root, the meta page,
//     everything a merge touches).
//
// Structure. An insert into a full node splits it at nodeSplitPoint and
// inserts the separator into the parent, splitting parents as needed and
// growing a new root; a large key may need more than one split, so the
// insert is retried until it fits. After a delete, a node with less than
// about a quarter of its page in use is merged into a sibling under the same
// parent when both fit in one page (the left sibling first, else the right);
// the separator leaves the parent, the emptied page goes on the free list,
// and the parent is checked in turn. A root left with no entries is replaced
// by its only child, so the tree shrinks again. There is no redistribution
// between siblings that do not fit together.
//
// One BTree object per tree at a time (it caches the meta tuple). On a
// follower the tree re-reads its meta whenever redo has run, so reads on a
// follower see the replayed tree. The engine is single-threaded: nothing here
// locks, and scans and cursors stay correct when the tree changes under them
// (btree-scan.ts).

import { FlintError, SqlState, assert } from '../../errors.ts';
import {
  NODE_COLLECT_DONE, NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NODE_OFF_RIGHT, NO_PAGE, PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_KIND_FREE, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER, PAGE_OFF_SLOT_COUNT,
  PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND, SLOT_SIZE,
} from '../../kernels/layout.ts';
import { MAX_BTREE_HEIGHT, MAX_BTREE_VALUE_SIZE, MAX_KEY_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';

/** XX002's message for a page found where a leaf should be (BTreeState.checkNode's for level 0). */
const LEAF_EXPECTED = 'expected a B+-tree node of level 0';
import type { Heap } from '../heap/heap.ts';
import { RecordType } from '../record-types.ts';
import { checkTree, type BTreeCheck } from './btree-check.ts';
import {
  FREE_OFF_NEXT, MAX_TREE_BLOCK, META_SIZE, NODE_DIR, SCRATCH_RUN_IN, SCRATCH_RUN_IN_BYTES, SCRATCH_RUN_OUT, SCRATCH_SEP, UNDERFULL_BYTES, makePageId, pageBlock, pageInBlock,
} from './btree-format.ts';
import { TreeIterator, type BTreeScanOptions } from './btree-scan.ts';

// collect()'s areas in the kernels' scratch space (above what writes and
// the heap's column match use): the upper bound, and the entries one
// nodeCollect call copies out (a leaf's entries always fit).
const COLLECT_UPPER = 48 * 1024;
const COLLECT_OUT = COLLECT_UPPER + MAX_KEY_SIZE;
const COLLECT_OUT_BYTES = 8 * 1024;
/** Hops along sibling links within one collect() (bounds the loop; a tree has far fewer leaves). */
const MAX_COLLECT_HOPS = 1 << 30;
import { TreeState } from './btree-state.ts';
import { PageBatch } from './page-batch.ts';
import { giveBuffer, takeBuffer } from './spare-buffers.ts';

export type { BTreeCheck } from './btree-check.ts';
export type { BTreeScanOptions } from './btree-scan.ts';

/** Reads a value in place: the bytes are valid only during the call. */
export type ValueReader<T> = (u8: Uint8Array, view: DataView, offset: number, length: number) => T;

export interface BTreeEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A pull cursor. It pins nothing between calls and stays correct when the tree changes between them. */
export interface BTreeCursor {
  /** The next entry in scan order (copies), or undefined at the end. */
  next(): BTreeEntry | undefined;
}

/** Searches that skip the leaf hint after it missed. */
const HINT_SKIP = 8;
/** INDEX_INSERTS: u32 page id, u16 entries; each entry u16 position, u16 key length, u16 value length, then the key and the value. */
const RUN_HEADER = 6;
const RUN_ENTRY_HEADER = 6;
/** Bytes of one INDEX_INSERTS record at most: a leaf run stops before it would pass them. */
const RUN_RECORD_BYTES = 16 * 1024;
/** insertPacked: entries staged for one nodeInsertRun call at most; a run's first call stages about as many as the last run took (staged entries it does not take are copied again for the next run), and each next call twice as many. */
const RUN_CHUNK_MIN = 4;
const RUN_CHUNK_MAX = 256;
/** Bytes #fillLeaf stages past what the last leaf took: a leaf that takes a little more than the last one still needs one kernel call. */
const FILL_STAGE_MORE = 256;

/** insertMany's entries: the i-th key and value (views that may be valid only until the next call). */
export interface SortedEntries {
  readonly count: number;
  key(i: number): Uint8Array;
  value(i: number): Uint8Array;
}

/** Offset of entry j of an INDEX_INSERTS record. */
function runEntryAt(view: DataView, j: number): number {
  let at = RUN_HEADER;
  for (let e = 0; e < j; e++) at += RUN_ENTRY_HEADER + view.getUint16(at + 2, true) + view.getUint16(at + 4, true);
  return at;
}

const copyValue: ValueReader<Uint8Array> = (u8, _view, offset, length) => u8.slice(offset, offset + length);
const EMPTY = new Uint8Array(0);

export class BTree {
  readonly #s: TreeState;
  readonly #batch: PageBatch;
  /** The key and value of a structural change, copied out of the caller's buffers (which may be views of pages). */
  readonly #key = new Uint8Array(MAX_KEY_SIZE);
  readonly #value = new Uint8Array(MAX_BTREE_VALUE_SIZE);
  #valueLen = 0;
  /** Separators on their way up, one buffer per level. */
  readonly #seps: Uint8Array[] = [];
  /** Payload of the small records, and a view of it for each length (no allocation per record). */
  readonly #rec = new Uint8Array(8 + MAX_KEY_SIZE + MAX_BTREE_VALUE_SIZE);
  readonly #recView = new DataView(this.#rec.buffer);
  readonly #recViews: (Uint8Array | undefined)[] = [];

  private constructor(heap: Heap, owner: number, metaBlock: number) {
    this.#s = new TreeState(heap, owner, metaBlock);
    this.#batch = new PageBatch(heap);
  }

  /**
   * A new empty tree (one leaf) in a new block of `owner`, which must be a
   * fresh owner id (no segments yet). Logged: SEGMENT_ALLOC, BLOCK_INIT and
   * one INDEX_PAGES record with the meta tuple and the root.
   */
  static create(heap: Heap, owner: number): BTree {
    if (heap.space.segmentsOf(owner).length > 0) {
      throw new FlintError(SqlState.objectNotInPrerequisiteState, `owner ${owner} already has segments: a new B+-tree needs a fresh owner id`);
    }
    const blockNo = heap.formatIndexBlock(owner);
    if (blockNo >= MAX_TREE_BLOCK) throw new FlintError(SqlState.programLimitExceeded, `heap block ${blockNo} is beyond the blocks a B+-tree can address`);
    const tree = new BTree(heap, owner, blockNo);
    const s = tree.#s;
    const b = tree.#batch;
    b.begin();
    try {
      const page0 = b.touch(makePageId(blockNo, 0));
      const rootId = makePageId(blockNo, 1);
      s.kernels.nodeInit(b.touch(rootId), 0);
      s.root = rootId;
      s.height = 1;
      s.freeHead = NO_PAGE;
      s.freeCount = 0;
      s.nextUnused = makePageId(blockNo, 2);
      assert(s.kernels.pageInsert(page0, s.encodeMeta(), META_SIZE) === 0, 'the meta tuple is slot 0 of a new block');
      b.commit();
    } catch (error) {
      b.abort();
      throw error;
    }
    s.loadMeta();
    return tree;
  }

  /** Open an existing tree by its owner and meta block (what the catalog keeps). */
  static open(heap: Heap, owner: number, metaBlock: number): BTree {
    const tree = new BTree(heap, owner, metaBlock);
    tree.#s.loadMeta();
    return tree;
  }

  get owner(): number {
    return this.#s.owner;
  }

  /** Heap block whose page 0 holds the meta tuple: with the owner, what opens the tree. */
  get metaBlock(): number {
    return this.#s.metaBlock;
  }

  /** Levels of nodes; 1 while the root is a leaf. */
  get height(): number {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    this.#s.refresh();
    return this.#s.height;
  }

  /** Whether the tree holds no entry (its root a leaf without entries). */
  isEmpty(): boolean {
    if (this.#appendUsed > 0) return false;
    const s = this.#s;
    s.refresh();
    if (s.height !== 1) return false;
    const frame = s.pin(s.root);
    try {
      return s.count(s.node(frame, s.root)) === 0;
    } finally {
      s.unpin(frame);
    }
  }

  // ---- reads ----------------------------------------------------------------------

  /** Read the value of `key` in place; undefined if absent. The bytes are valid only during the call. */
  find<T>(key: Uint8Array, reader: ValueReader<T>): T | undefined {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (key.length < 1 || key.length > MAX_KEY_SIZE) return undefined;
    this.#searchLeaf(key, true);
    return this.#readFound(reader, key, 0, key.length, false);
  }

  /**
   * find() ahead of an insert of the key if it is absent (a uniqueness
   * probe): a miss keeps its leaf pinned, so that insert() or stageInsert()
   * of the same key next goes straight there (one search and one pin for
   * both; the leaf's page LSN still proves it unchanged). Any other call on
   * the tree releases the leaf first; so does releaseProbe().
   */
  probe<T>(key: Uint8Array, reader: ValueReader<T>): T | undefined {
    // A key above the append run's last is above every key of the tree: a miss, with nothing to search or pin.
    this.#appendOk = false;
    if (this.#appendUsed > 0 && this.#aboveRun(key)) return undefined;
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (key.length < 1 || key.length > MAX_KEY_SIZE) return undefined;
    this.#searchLeaf(key);
    return this.#readFound(reader, key, 0, key.length, true);
  }

  // ---- the append run ------------------------------------------------------------------

  /**
   * Entries held back from the leaves (append()), packed as insertPacked
   * takes them: keys strictly ascending, every one above every key in the
   * leaves. The tree holds them as far as anyone can tell: every method but
   * probe() of a key above them, canAppend(), append() and releaseProbe()
   * puts them into the leaves first (#settle), in one insertPacked (a
   * leaf's worth of entries a kernel call and a record), where one at a
   * time each cost a leaf search, a staged leaf insert and an entry in its
   * tuple's record (a transaction's ascending keys: a bulk load's serial
   * primary key). Until then the WAL does not have them: only versions
   * no one else can see yet have their entry here (their creator's reads
   * flush it first), and the engine flushes before it logs a commit
   * (IndexManager.flushDeferred). A crash before that leaves versions of
   * a transaction that never committed without an entry, which nothing
   * needs.
   */
  #appendRun = EMPTY;
  #appendView = new DataView(EMPTY.buffer);
  #appendUsed = 0;
  /** Where the run's last key starts in #appendRun, and its length. */
  #appendLastAt = 0;
  #appendLastLen = 0;
  /** canAppend() said yes to the key append() is for; any other use of the tree says no again. */
  #appendOk = false;

  /** Whether any entry waits in the append run. */
  get appending(): boolean {
    return this.#appendUsed > 0;
  }

  /** Put the append run's entries into the leaves (and give back a probe's leaf) before any other use of the tree. */
  #settle(): void {
    this.#appendOk = false;
    if (this.#heldFrame >= 0) this.#dropHeld();
    if (this.#appendUsed > 0) this.#flushRun();
  }

  /** Put the append run into the leaves now (IndexManager.flushDeferred, before a commit record). */
  flushRun(): void {
    this.#appendOk = false;
    if (this.#appendUsed > 0) this.#flushRun();
  }

  /** Forget the append run (its tree is being dropped: nothing may reach its pages). */
  discardRun(): void {
    this.#appendOk = false;
    this.#appendUsed = 0;
    this.#releaseRun();
  }

  #flushRun(): void {
    const n = this.#appendUsed;
    this.#appendUsed = 0;
    try {
      this.#insertPacked(this.#appendRun, 0, n);
    } catch (error) {
      // Kept whole: the next flush inserts them again (insertPacked skips the keys already in).
      this.#appendUsed = n;
      throw error;
    }
    this.#releaseRun();
  }

  /** The run empty: its buffer back to the spares (spare-buffers.ts), for the next run of any tree. */
  #releaseRun(): void {
    if (this.#appendRun.length === 0) return;
    giveBuffer(this.#appendRun);
    this.#appendRun = EMPTY;
    this.#appendView = new DataView(EMPTY.buffer);
  }

  /** Whether `key` sorts after the append run's last key (the run not empty). */
  #aboveRun(key: Uint8Array): boolean {
    const run = this.#appendRun;
    const view = this.#appendView;
    const kv = this.#keyView(key);
    const at = this.#appendLastAt;
    const len = this.#appendLastLen;
    const n = len < key.length ? len : key.length;
    // Four bytes at a time, compared as big-endian numbers (a serial key differs from the last in its low word).
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a = view.getUint32(at + i);
      const b = kv.getUint32(i);
      if (a !== b) return a < b;
    }
    for (; i < n; i++) {
      const a = run[at + i]!;
      const b = key[i]!;
      if (a !== b) return a < b;
    }
    return len < key.length;
  }

  /**
   * A DataView over `key`, kept for the next call with the same array (the
   * engine passes one scratch array for every row's primary key): the append
   * run reads and copies keys four bytes at a time through it.
   */
  #keyView(key: Uint8Array): DataView {
    if (key !== this.#viewedKey) {
      this.#viewedKey = key;
      this.#viewOfKey = new DataView(key.buffer, key.byteOffset, key.byteLength);
    }
    return this.#viewOfKey;
  }

  #viewedKey: Uint8Array = EMPTY;
  #viewOfKey: DataView = new DataView(EMPTY.buffer);

  /**
   * Right after a probe() of `key` that missed: whether its entry can wait
   * in the append run (append()), being above every key of the tree: above
   * the run's last, or with the run empty, past the last entry of the
   * rightmost leaf, which the probe still holds unchanged. Yes gives that
   * leaf back; no leaves everything as it was, for stageInsert or insert.
   */
  canAppend(key: Uint8Array): boolean {
    this.#appendOk = false;
    if (key.length < 1 || key.length > MAX_KEY_SIZE) return false;
    if (this.#appendUsed > 0) {
      if (!this.#aboveRun(key)) return false;
    } else {
      if (this.#heldFrame < 0 || !this.#missPastEnd || this.#missLeaf === NO_PAGE || !this.#isMissKey(key)) return false;
      if (this.#s.pageLsn(this.#heldNode) !== this.#missLsn) return false;
      this.#dropHeld();
      this.#missLeaf = NO_PAGE;
    }
    this.#appendOk = true;
    return true;
  }

  /**
   * Hold the entry of `key` (canAppend() just said yes to it) in the append
   * run, its value (`valueLength` bytes) written by `valueOf` for `tid`.
   * false, with nothing held, if anything used the tree since canAppend():
   * the caller then inserts it as usual.
   */
  append(key: Uint8Array, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void, tid: number): boolean {
    if (!this.#appendOk) return false;
    this.#appendOk = false;
    if (valueLength > MAX_BTREE_VALUE_SIZE) return false;
    const keyLen = key.length;
    const at = this.#appendUsed;
    const end = at + 4 + keyLen + valueLength;
    if (end > this.#appendRun.length) {
      // A spare buffer (a load's run is megabytes: fresh ones cost a page fault per 4 KiB written).
      const grown = takeBuffer(end, Math.max(end, 2 * this.#appendRun.length, 64 * 1024));
      grown.set(this.#appendRun.subarray(0, at));
      giveBuffer(this.#appendRun);
      this.#appendRun = grown;
      this.#appendView = new DataView(grown.buffer);
    }
    const run = this.#appendRun;
    const view = this.#appendView;
    const kv = this.#keyView(key);
    view.setUint32(at, keyLen | (valueLength << 16), true);
    // Keys are short: copied four bytes at a time, then a byte at a time (less than TypedArray.set's call, or a byte loop).
    let i = 0;
    for (; i + 4 <= keyLen; i += 4) view.setUint32(at + 4 + i, kv.getUint32(i, true), true);
    for (; i < keyLen; i++) run[at + 4 + i] = key[i]!;
    valueOf(tid, view, at + 4 + keyLen);
    this.#appendLastAt = at + 4;
    this.#appendLastLen = keyLen;
    this.#appendUsed = end;
    return true;
  }

  /** Unpin the leaf a probe() that missed holds, if it still does. */
  releaseProbe(): void {
    if (this.#heldFrame >= 0) this.#dropHeld();
  }

  /**
   * find() for the key in bytes[offset, offset + length) (a key inside a
   * larger buffer, without a view of it).
   */
  findAt<T>(bytes: Uint8Array, offset: number, length: number, reader: ValueReader<T>): T | undefined {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (length < 1 || length > MAX_KEY_SIZE) return undefined;
    const s = this.#s;
    s.refresh();
    const u8 = s.u8;
    const keyPtr = s.keyPtr;
    for (let i = 0; i < length; i++) u8[keyPtr + i] = bytes[offset + i]!;
    this.#searchCopied(length, true);
    return this.#readFound(reader, bytes, offset, length, false);
  }

  /**
   * find()'s and findAt()'s end: the value of the entry the search just
   * found (this.#found), read by `reader`, or undefined after remembering
   * the miss of the key bytes[offset, offset + length). Unpins the leaf,
   * but for a miss with `hold` (probe()), which keeps it pinned.
   */
  #readFound<T>(reader: ValueReader<T>, bytes: Uint8Array, offset: number, length: number, hold: boolean): T | undefined {
    const s = this.#s;
    const { leafId, frame, node, r } = this.#found;
    let keep = false;
    try {
      if ((r & 1) === 0) {
        this.#rememberMiss(offset === 0 && length === bytes.length ? bytes : bytes.subarray(offset, offset + length), leafId, node, r >>> 1);
        if (hold) {
          this.#heldFrame = frame;
          this.#heldNode = node;
          keep = true;
          // Past the last entry of the rightmost leaf: above every key of the tree (canAppend).
          this.#missPastEnd = r >>> 1 === s.count(node) && s.view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
        } else this.#missPastEnd = false;
        return undefined;
      }
      const packed = s.kernels.nodeValue(node, r >>> 1);
      if (packed < 0) throw s.corrupt(leafId, 'bad leaf entry');
      return reader(s.u8, s.view, node + (packed >>> 16), packed & 0xffff);
    } finally {
      if (!keep) s.unpin(frame);
    }
  }

  /** The frame and node of the remembered miss's leaf while a probe() keeps it pinned; -1 when none is. */
  #heldFrame = -1;
  #heldNode = 0;

  #dropHeld(): void {
    const frame = this.#heldFrame;
    this.#heldFrame = -1;
    this.#s.unpin(frame);
  }

  /** A copy of the value of `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.find(key, copyValue);
  }

  /**
   * Visit entries in key order (or reverse) between optional bounds; stop
   * when visit returns false. key and value are views of the page, valid only
   * during the call. The visitor may change the tree: the scan then goes on
   * after the last key it visited.
   */
  scan(options: BTreeScanOptions, visit: (key: Uint8Array, value: Uint8Array) => boolean | void): void {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    const it = new TreeIterator(this.#s, options);
    try {
      while (it.advance()) {
        const u8 = this.#s.u8;
        const key = u8.subarray(it.keyOffset, it.keyOffset + it.keyLength);
        const value = u8.subarray(it.valueOffset, it.valueOffset + it.valueLength);
        if (visit(key, value) === false) return;
      }
    } finally {
      it.release();
    }
  }

  /**
   * scan() with the entry as offsets into the kernels' memory `u8` instead
   * of two views per entry: the key at keyAt (keyLen bytes), the value at
   * valueAt (valueLen bytes), valid only during the call.
   */
  scanRaw(options: BTreeScanOptions, visit: (u8: Uint8Array, keyAt: number, keyLen: number, valueAt: number, valueLen: number) => boolean | void): void {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    const it = new TreeIterator(this.#s, options);
    try {
      while (it.advance()) {
        if (visit(this.#s.u8, it.keyOffset, it.keyLength, it.valueOffset, it.valueLength) === false) return;
      }
    } finally {
      it.release();
    }
  }

  /**
   * scanRaw() forward, for a visitor that does not change the tree: each
   * leaf's entries in range are copied out by one kernel call (nodeCollect)
   * instead of three calls and a bound compare per entry. The entry's bytes
   * are in `u8` at the offsets given, valid only during the call.
   */
  collect(options: BTreeScanOptions, visit: (u8: Uint8Array, keyAt: number, keyLen: number, valueAt: number, valueLen: number) => void): void {
    this.collectBlocks(options, null, visit);
  }

  /**
   * collect() a leaf at a time: `block` gets each leaf's entries in range as
   * nodeCollect packs them (count entries from u8[at] on, each u16 key
   * length, key, u16 value length, value; valid only during the call), so
   * a caller that keeps them reads their lengths once and copies them in
   * one go instead of one callback per entry. With `block` null, `visit`
   * gets them one by one (a reverse scan, or a bound over the key limit,
   * always goes that way).
   */
  collectBlocks(
    options: BTreeScanOptions,
    block: ((u8: Uint8Array, at: number, count: number) => void) | null,
    visit: (u8: Uint8Array, keyAt: number, keyLen: number, valueAt: number, valueLen: number) => void,
  ): void {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (options.reverse === true) {
      this.scanRaw(options, visit);
      return;
    }
    const s = this.#s;
    const k = s.kernels;
    s.refresh();
    const lower = options.lower;
    const upper = options.upper;
    if ((lower !== undefined && lower.length > MAX_KEY_SIZE) || (upper !== undefined && upper.length > MAX_KEY_SIZE)) {
      // The iterator reports a bound over the key limit.
      this.scanRaw(options, visit);
      return;
    }
    let leafId: number;
    let pos = 0;
    if (lower === undefined) {
      leafId = s.edgeLeaf(false);
    } else {
      s.copyIn(lower, lower.length, s.keyPtr);
      leafId = s.descend(s.keyPtr, lower.length, 0);
    }
    let frame = s.pin(leafId);
    try {
      let node = s.node(frame, leafId);
      if (lower !== undefined) {
        // The leaf's check, its touch and the search in one kernel call.
        const r = k.nodeSeek(node, s.keyPtr, lower.length);
        if (r < 0) throw s.corrupt(leafId, LEAF_EXPECTED);
        pos = (r >>> 1) + ((r & 1) !== 0 && options.lowerInclusive === false ? 1 : 0);
      } else s.checkNode(node, leafId, 0);
      // The upper bound and the output in the kernels' scratch area (nothing else uses them during the call).
      const upperPtr = k.scratchOffset + COLLECT_UPPER;
      const upperLen = upper === undefined ? -1 : upper.length;
      if (upper !== undefined) s.copyIn(upper, upper.length, upperPtr);
      const inclusive = options.upperInclusive === false ? 0 : 1;
      const out = k.scratchOffset + COLLECT_OUT;
      const u8 = s.u8;
      for (let hops = 0; ; ) {
        const r = k.nodeCollect(node, pos, upperPtr, upperLen, inclusive, out, COLLECT_OUT_BYTES);
        if (r < 0) throw s.corrupt(leafId, 'bad leaf entry');
        const n = r & 0xffff;
        let at = out;
        if (block !== null) {
          if (n > 0) block(u8, out, n);
        } else {
          for (let i = 0; i < n; i++) {
            const keyLen = u8[at]! | (u8[at + 1]! << 8);
            const valueAt = at + 4 + keyLen;
            const valueLen = u8[at + 2 + keyLen]! | (u8[at + 3 + keyLen]! << 8);
            visit(u8, at + 2, keyLen, valueAt, valueLen);
            at = valueAt + valueLen;
          }
        }
        pos += n;
        if ((r & NODE_COLLECT_DONE) !== 0) return;
        if (pos < s.count(node)) continue;
        // The leaf's end: on to its right sibling.
        const next = s.view.getInt32(node + NODE_OFF_RIGHT, true);
        if (next === NO_PAGE) return;
        if (++hops >= MAX_COLLECT_HOPS) throw s.corrupt(leafId, 'sibling links run in a cycle');
        if (!s.validNodeId(next)) throw s.corrupt(leafId, `bad sibling link ${next}`);
        s.unpin(frame);
        frame = -1;
        leafId = next;
        frame = s.pin(leafId);
        node = s.node(frame, leafId);
        s.checkNode(node, leafId, 0);
        pos = 0;
      }
    } finally {
      if (frame >= 0) s.unpin(frame);
    }
  }

  /** A pull cursor over the same range a scan with these options visits. */
  cursor(options: BTreeScanOptions = {}): BTreeCursor {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    const it = new TreeIterator(this.#s, options);
    const u8 = this.#s.u8;
    return {
      next(): BTreeEntry | undefined {
        if (!it.advance()) return undefined;
        const entry = {
          key: u8.slice(it.keyOffset, it.keyOffset + it.keyLength),
          value: u8.slice(it.valueOffset, it.valueOffset + it.valueLength),
        };
        it.release();
        return entry;
      },
    };
  }

  /** Verify every invariant of the tree and its pages; throws on the first violation. For tests. */
  check(): BTreeCheck {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    this.#s.refresh();
    return checkTree(this.#s);
  }

  // ---- writes -----------------------------------------------------------------------

  /** Insert a new key; false (and nothing changed) if it is there already. */
  insert(key: Uint8Array, value: Uint8Array): boolean {
    checkKey(key);
    checkValue(value);
    if (this.#appendUsed > 0 || this.#appendOk) this.#settle();
    const s = this.#s;
    const k = s.kernels;
    if (!this.#lastMiss(key)) this.#searchLeaf(key);
    const { leafId, frame, node, r } = this.#found;
    try {
      if ((r & 1) !== 0) return false;
      if (this.#fits(node, leafId, 2 + key.length + value.length)) {
        const lsn = this.#logEntry(frame, leafId, RecordType.indexInsert, r >>> 1, key, value);
        s.u8.set(value, s.valuePtr);
        assert(k.nodeInsert(node, r >>> 1, s.keyPtr, key.length, s.valuePtr, value.length) === 1, 'a leaf insert that fits succeeds');
        s.heap.pageChanged(frame, pageInBlock(leafId), lsn);
        return true;
      }
    } finally {
      s.unpin(frame);
    }
    this.#key.set(key);
    this.#setValue(value);
    this.#structural(() => this.#insertAt(0, this.#key, key.length, NO_PAGE));
    return true;
  }

  /**
   * Insert `key` as part of the heap's insert of the tuple its value names,
   * both in ONE WAL record (TUPLE_INSERT_ENTRY, Heap.insert's `entry`):
   * possible when the find that just missed `key` left its leaf unchanged
   * (the remembered miss, as insert() uses it) and the entry fits there.
   * Returns the staged insert with its leaf pinned; null otherwise, with
   * nothing pinned. `valueOf` writes the value (`valueLength` bytes) for the
   * tuple's id. After Heap.insert, `done` says whether the entry went in;
   * if not, release() it and insert() as usual.
   */
  stageInsert(key: Uint8Array, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void): StagedInsert | null {
    checkKey(key);
    if (this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (valueLength > MAX_BTREE_VALUE_SIZE) return null;
    if (!this.#lastMiss(key, false)) return null;
    const s = this.#s;
    const { leafId, frame, node, r } = this.#found;
    if (!this.#fits(node, leafId, 2 + key.length + valueLength)) {
      s.unpin(frame);
      this.#missLeaf = leafId; // still valid: insert() takes it, and splits
      return null;
    }
    this.#staged.stage(s, leafId, frame, node, r >>> 1, key, valueLength, valueOf);
    return this.#staged;
  }

  readonly #staged = new StagedInsert();

  /**
   * Insert many entries, best given in ascending key order (the deferred
   * secondary entries of src/txn/deferred-entries.ts); keys already there
   * are skipped. Consecutive entries that belong to the leaf of the first
   * and fit in it go in under one pin, as ONE INDEX_INSERTS record; an entry
   * that needs a split takes insert()'s way. A miss of the leaf hint does
   * not turn it off for the next searches: the next key most likely falls in
   * the leaf the descent finds. Any order is correct (a leaf takes an entry
   * only when its own contents prove the key is in its range, as the hint
   * does). Returns the number of entries inserted.
   */
  insertMany(entries: SortedEntries): number {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    const n = entries.count;
    const s = this.#s;
    let inserted = 0;
    this.#sorted = true;
    try {
      for (let i = 0; i < n; ) {
        const key = entries.key(i);
        const value = entries.value(i);
        checkKey(key);
        checkValue(value);
        this.#searchLeaf(key);
        const { leafId, frame, node, r } = this.#found;
        let split = false;
        try {
          if ((r & 1) !== 0) i++;
          else if (!this.#fits(node, leafId, 2 + key.length + value.length)) split = true;
          else {
            const next = this.#leafRun(entries, i, key, value, leafId, frame, node, r >>> 1);
            inserted += next - i;
            i = next;
          }
        } finally {
          s.unpin(frame);
        }
        if (split) {
          this.#key.set(key);
          this.#setValue(value);
          this.#structural(() => this.#insertAt(0, this.#key, key.length, NO_PAGE));
          inserted++;
          i++;
        }
      }
    } finally {
      this.#sorted = false;
    }
    return inserted;
  }

  /**
   * insertMany's run in one pinned leaf: entry i (the key already at
   * keyPtr, searched: it goes at `pos` and fits), then every next one that
   * the leaf's contents prove to be in its range, is not there yet and
   * fits. The page changes first, then ONE INDEX_INSERTS record logs them
   * (after the torn-page guard), then the page gets its LSN: nothing can
   * write the page back in between (no I/O but the log's own). If the log
   * refuses the record, the inserts are undone, newest first. Returns the
   * index of the first entry not inserted.
   */
  #leafRun(entries: SortedEntries, i: number, key: Uint8Array, value: Uint8Array, leafId: number, frame: number, node: number, pos: number): number {
    const s = this.#s;
    const k = s.kernels;
    const u8 = s.u8;
    const v = s.view;
    const n = entries.count;
    s.heap.guardPage(frame, pageBlock(leafId), pageInBlock(leafId));
    const leftmost = v.getInt32(node + NODE_OFF_LEFT, true) === NO_PAGE;
    const rightmost = v.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
    const rec = this.#runRec;
    const rv = this.#runView;
    let at = RUN_HEADER;
    let count = 0;
    let lsn: number;
    try {
      // Keys and values are short: byte loops cost less than TypedArray.set's call.
      for (;;) {
        const keyLen = key.length;
        const valueLen = value.length;
        const valuePtr = s.valuePtr;
        for (let b = 0; b < valueLen; b++) u8[valuePtr + b] = value[b]!;
        assert(k.nodeInsert(node, pos, s.keyPtr, keyLen, valuePtr, valueLen) === 1, 'a leaf insert that fits succeeds');
        rv.setUint16(at, pos, true);
        rv.setUint16(at + 2, keyLen, true);
        rv.setUint16(at + 4, valueLen, true);
        at += RUN_ENTRY_HEADER;
        for (let b = 0; b < keyLen; b++) rec[at + b] = key[b]!;
        at += keyLen;
        for (let b = 0; b < valueLen; b++) rec[at + b] = value[b]!;
        at += valueLen;
        count++;
        i++;
        if (i >= n) break;
        key = entries.key(i);
        value = entries.value(i);
        if (key.length < 1 || key.length > MAX_KEY_SIZE || value.length > MAX_BTREE_VALUE_SIZE) break;
        if (at + RUN_ENTRY_HEADER + key.length + value.length > rec.length) break;
        const keyPtr = s.keyPtr;
        for (let b = 0; b < key.length; b++) u8[keyPtr + b] = key[b]!;
        const r = k.nodeSearch(node, keyPtr, key.length);
        if ((r & 1) !== 0) break;
        pos = r >>> 1;
        const total = s.count(node);
        if (!((pos > 0 && pos < total) || (pos === 0 && leftmost) || (pos === total && rightmost))) break;
        if (!this.#fits(node, leafId, 2 + key.length + value.length)) break;
      }
      rv.setUint32(0, leafId, true);
      rv.setUint16(4, count, true);
      lsn = s.heap.logRecord(RecordType.indexInserts, rec.subarray(0, at));
    } catch (error) {
      // Undo, newest first: deleting at the position an insert used restores the node as it was before it.
      for (let j = count - 1; j >= 0; j--) k.nodeDelete(node, rv.getUint16(runEntryAt(rv, j), true));
      throw error;
    }
    s.heap.pageChanged(frame, pageInBlock(leafId), lsn);
    return i;
  }

  /**
   * insertMany() for entries packed back to back in src[from, to) (a flush
   * of src/txn/deferred-entries.ts, in key order), each u16 key length, u16
   * value length, key, value. The entries a leaf takes go in by one kernel
   * call per chunk of them (nodeInsertRun, which also writes their
   * INDEX_INSERTS record) instead of two callbacks, three byte copies and
   * four kernel calls each. The same entries in the same leaves, the same
   * records as insertMany. Into an empty tree, the strictly ascending run
   * the entries start with is built bottom-up (#build) and only the rest, if
   * any, goes in this way. Returns the number of entries inserted.
   */
  insertPacked(src: Uint8Array, from: number, to: number): number {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    return this.#insertPacked(src, from, to);
  }

  #insertPacked(src: Uint8Array, from: number, to: number): number {
    const s = this.#s;
    let inserted = 0;
    if (from < to) {
      // Into an empty tree, or past the last key of the tree (an append run, or a load that goes on): built, not searched.
      const start = this.isEmpty() ? s.root : this.#rightmostBelow(src, from, to);
      if (start !== NO_PAGE) {
        inserted = this.#build(src, from, to, start);
        from = this.#builtTo;
      }
    }
    this.#sorted = true;
    try {
      for (let at = from; at < to; ) {
        const keyLen = src[at]! | (src[at + 1]! << 8);
        const valueLen = src[at + 2]! | (src[at + 3]! << 8);
        checkKeyLength(keyLen);
        checkValueLength(valueLen);
        s.refresh();
        const u8 = s.u8;
        const keyPtr = s.keyPtr;
        for (let b = 0; b < keyLen; b++) u8[keyPtr + b] = src[at + 4 + b]!;
        this.#searchCopied(keyLen);
        const { leafId, frame, node, r } = this.#found;
        let split = false;
        try {
          if ((r & 1) !== 0) at += 4 + keyLen + valueLen;
          else if (!this.#fits(node, leafId, 2 + keyLen + valueLen)) split = true;
          else {
            const run = this.#packedRun(src, at, to, leafId, frame, node);
            inserted += this.#runCount;
            at = run;
          }
        } finally {
          s.unpin(frame);
        }
        if (split) {
          const key = this.#key;
          for (let b = 0; b < keyLen; b++) key[b] = src[at + 4 + b]!;
          const value = this.#value;
          for (let b = 0; b < valueLen; b++) value[b] = src[at + 4 + keyLen + b]!;
          this.#valueLen = valueLen;
          this.#structural(() => this.#insertAt(0, key, keyLen, NO_PAGE));
          inserted++;
          at += 4 + keyLen + valueLen;
        }
      }
    } finally {
      this.#sorted = false;
    }
    return inserted;
  }

  /**
   * Leaves #build makes in one structural change at first (halved while the
   * buffer pool cannot pin them all or the record would not fit). Few: the
   * change's pages, their images in the record and the record in the WAL's
   * buffer stay in the CPU's caches (200k entries into an empty tree, CPU
   * time, paired: 4 leaves 0.88-0.93x of 64).
   */
  static buildLeavesPerChange = 4;

  /**
   * insertPacked() of entries in strictly ascending key order into an
   * empty tree (`start` its root), or past the last key of the tree (`start`
   * its rightmost leaf: a primary key's append run, BTree.append): the tree
   * is built bottom-up from `start`, leaf after leaf filled left to
   * right until the next entry does not fit (the leaves the one-by-one path
   * leaves behind too: past the last entry of the rightmost leaf a split
   * keeps every entry on the left), each new leaf's first key going into
   * the level above as its separator (the rightmost node of that level,
   * split the same way when full, a new root above the old one). No search
   * per leaf and no split of a leaf. Logged as structural changes of up to
   * buildLeavesPerChange leaves each (INDEX_PAGES: every leaf an
   * after-image, the parents' inserts and splits as operations, the meta
   * tuple), so after each the tree is whole and holds a prefix of the
   * entries, as after the same entries' one-by-one inserts.
   *
   * The order is proven as the leaves fill, not by a pass of its own over
   * every entry first (without it, the build of bench:peers' index on cat
   * took 0.89-0.96x the CPU, paired; the pass ran mostly before the JIT
   * had optimised it, as a flush runs once a transaction): a leaf
   * takes only entries that belong in it (nodeAppendRun; one out of order
   * inside the leaf goes where it sorts), and the entry that stops a leaf
   * must sort past the leaf's last key (#extendsRun: one comparison a leaf)
   * to start the next one. If it does not (or its lengths are bad), the
   * build ends with the change that holds that leaf, the entries before it
   * in the tree, and insertPacked inserts the rest one by one. Returns the
   * number of entries inserted; #builtTo is where the build stopped (`to`
   * when it took them all).
   */
  #build(src: Uint8Array, from: number, to: number, start: number): number {
    const s = this.#s;
    let inserted = 0;
    let perChange = BTree.buildLeavesPerChange;
    let at = from;
    this.#builtTo = from;
    if (!validPackedEntry(src, from, to)) return 0;
    // The rightmost leaf so far (the empty root at first), and whether it still takes entries.
    let lastLeaf = start;
    let first = true;
    // The rightmost node of level 1, once a separator went there: where the next one goes (no descent from the root).
    let parent = NO_PAGE;
    while (at < to) {
      let next = at;
      let count = 0;
      let leaf = lastLeaf;
      let stopped = false;
      try {
        this.#structural(() => {
          const b = this.#batch;
          const budget = s.heap.maxRecordBytes - 8 * (PAGE_SIZE + 16);
          let bytes = 0;
          for (let leaves = 0; next < to && !stopped && leaves < perChange && (leaves === 0 || bytes + PAGE_SIZE + 16 + MAX_KEY_SIZE <= budget); leaves++) {
            let node: number;
            if (first && leaves === 0) {
              node = b.touch(leaf);
              s.checkNode(node, leaf, 0);
            } else {
              const prev = leaf;
              leaf = this.#allocPage();
              node = b.touch(leaf);
              s.kernels.nodeInit(node, 0);
              s.view.setInt32(node + NODE_OFF_LEFT, prev, true);
              b.patchInt32(prev, NODE_OFF_RIGHT, leaf);
              // The separator: the new leaf's first key.
              const keyLen = src[next]! | (src[next + 1]! << 8);
              const sep = (this.#seps[0] ??= new Uint8Array(MAX_KEY_SIZE));
              for (let i = 0; i < keyLen; i++) sep[i] = src[next + 4 + i]!;
              if (s.height === 1) this.#growRoot(prev, sep, keyLen, leaf);
              else parent = this.#insertAt(1, sep, keyLen, leaf, parent);
            }
            const filled = this.#fillLeaf(src, next, to, node, leaf);
            count += this.#runCount;
            next = filled;
            bytes += PAGE_SIZE + 16 + MAX_KEY_SIZE;
            if (next < to && !this.#extendsRun(src, next, to, node)) stopped = true;
          }
        });
      } catch (error) {
        // The change was undone: the node named may be one it made.
        parent = NO_PAGE;
        // The pool could not pin the change's pages, or its record would pass the WAL's largest: fewer leaves a change.
        if (error instanceof FlintError && (error.code === SqlState.insufficientResources || error.code === SqlState.programLimitExceeded) && perChange > 1) {
          perChange >>= 1;
          continue;
        }
        throw error;
      }
      first = false;
      lastLeaf = leaf;
      inserted += count;
      at = next;
      if (stopped) break;
    }
    this.#builtTo = at;
    return inserted;
  }

  /**
   * The tree's rightmost leaf if the entry at src[from] (before `to`) sorts
   * past its last key, so that a build can go on from there; NO_PAGE if not.
   */
  #rightmostBelow(src: Uint8Array, from: number, to: number): number {
    if (!validPackedEntry(src, from, to)) return NO_PAGE;
    const s = this.#s;
    s.refresh();
    const u8 = s.u8;
    const keyPtr = s.keyPtr;
    const keyLen = src[from]! | (src[from + 1]! << 8);
    for (let i = 0; i < keyLen; i++) u8[keyPtr + i] = src[from + 4 + i]!;
    const leafId = s.descend(keyPtr, keyLen, 0);
    const frame = s.pin(leafId);
    try {
      const node = s.node(frame, leafId);
      s.checkNode(node, leafId, 0);
      const count = s.count(node);
      if (s.view.getInt32(node + NODE_OFF_RIGHT, true) !== NO_PAGE || count === 0 || !this.#pastLast(node, count, keyLen)) return NO_PAGE;
      return leafId;
    } finally {
      s.unpin(frame);
    }
  }

  /** Where the last #build stopped: the first entry it did not insert. */
  #builtTo = 0;

  /**
   * Whether the entry at src[at] (before `to`) is one a build goes on with
   * after the leaf at `node`, the rightmost of its level: well formed, and
   * its key past the leaf's last one.
   */
  #extendsRun(src: Uint8Array, at: number, to: number, node: number): boolean {
    if (!validPackedEntry(src, at, to)) return false;
    const s = this.#s;
    const count = s.count(node);
    if (count === 0) return false;
    s.refresh();
    const u8 = s.u8;
    const keyPtr = s.keyPtr;
    const keyLen = src[at]! | (src[at + 1]! << 8);
    for (let i = 0; i < keyLen; i++) u8[keyPtr + i] = src[at + 4 + i]!;
    return this.#pastLast(node, count, keyLen);
  }

  /**
   * Fill a leaf that is the rightmost of its level with the entries from
   * src[at] on while they fit and belong in it, by nodeAppendRun on the
   * bytes staged in the kernels' scratch area (no INDEX_INSERTS entries:
   * the leaf is logged as an image). The bytes are staged as they lie, about
   * what the last leaf took and a little more, not counted out entry by
   * entry: the kernel takes the entries that lie whole in them. Returns the
   * offset of the first entry not inserted (#runCount: how many were).
   */
  #fillLeaf(src: Uint8Array, at: number, to: number, node: number, leafId: number): number {
    const s = this.#s;
    const k = s.kernels;
    const u8 = s.u8;
    const inPtr = k.scratchOffset + SCRATCH_RUN_IN;
    const start = at;
    let total = 0;
    let stage = this.#fillGuess;
    while (at < to) {
      const staged = Math.min(to - at, stage);
      u8.set(src.subarray(at, at + staged), inPtr);
      const r = k.nodeAppendRun(node, inPtr, staged);
      const done = r & 0xffff;
      const end = at + staged;
      at += r >>> 16;
      total += done;
      if (at >= to) break;
      // Stopped at an entry it saw whole (the leaf is full, or the entry does not belong or has bad lengths): the leaf
      // is done, unless it is empty and refused it.
      if (wholeEntryBy(src, at, end)) {
        if (done === 0 && k.nodeCount(node) === 0) throw s.corrupt(leafId, 'an empty leaf refused an entry');
        break;
      }
      // Else the entry was cut short (it is longer than what was staged): stage from it on, as much as the area holds;
      // an entry still not whole then runs past `to` or has bad lengths (#extendsRun stops the build there).
      if (done === 0 && stage === SCRATCH_RUN_IN_BYTES) break;
      stage = SCRATCH_RUN_IN_BYTES;
    }
    this.#fillGuess = Math.min(at - start + FILL_STAGE_MORE, SCRATCH_RUN_IN_BYTES);
    this.#runCount = total;
    return at;
  }

  /** Bytes #fillLeaf stages first: what the last leaf took, and FILL_STAGE_MORE. */
  #fillGuess = PAGE_SIZE;

  /** Entries the last #packedRun inserted. */
  #runCount = 0;

  /**
   * insertPacked's run in one pinned leaf, #leafRun's work done by the
   * nodeInsertRun kernel: entries from src[at] on are staged in the scratch
   * area a chunk at a time (one copy: they lie back to back), and the kernel
   * inserts them while they belong to the leaf (the first on trust: it was
   * searched, goes in and fits) and writes their INDEX_INSERTS entries; then
   * ONE record logs the run and the page gets its LSN. If the log refuses
   * the record, the inserts are undone, newest first. Returns the offset of
   * the first entry not inserted (#runCount: how many were).
   */
  #packedRun(src: Uint8Array, at: number, to: number, leafId: number, frame: number, node: number): number {
    const s = this.#s;
    const k = s.kernels;
    const u8 = s.u8;
    s.heap.guardPage(frame, pageBlock(leafId), pageInBlock(leafId));
    const inPtr = k.scratchOffset + SCRATCH_RUN_IN;
    const out = k.scratchOffset + SCRATCH_RUN_OUT;
    let used = RUN_HEADER;
    let total = 0;
    let chunk = this.#runGuess;
    let lsn: number;
    try {
      for (let trust = 1; ; trust = 0, chunk = Math.min(2 * chunk, RUN_CHUNK_MAX)) {
        // The next `chunk` entries (fewer at the end or when they would pass the staging area).
        const staged = stageRun(u8, src, at, to, chunk, inPtr);
        const r = k.nodeInsertRun(node, inPtr, staged, trust, out + used, RUN_RECORD_BYTES - used);
        const done = r & 0xffff;
        if (trust === 1 && done === 0) throw s.corrupt(leafId, 'a leaf refused an entry that fits');
        const bytes = r >>> 16;
        used += bytes;
        total += done;
        // Each INDEX_INSERTS entry is its staged entry with a u16 position in front.
        at += bytes - 2 * done;
        if (done < staged || at >= to) break;
      }
      this.#runGuess = Math.max(RUN_CHUNK_MIN, Math.min(total + 1, RUN_CHUNK_MAX));
      const v = s.view;
      v.setUint32(out, leafId, true);
      v.setUint16(out + 4, total, true);
      lsn = s.heap.logRecord(RecordType.indexInserts, u8.subarray(out, out + used));
    } catch (error) {
      // Undo, newest first: deleting at the position an insert used restores the node as it was before it.
      const positions: number[] = [];
      for (let j = 0, p = out + RUN_HEADER; j < total; j++) {
        positions.push(u8[p]! | (u8[p + 1]! << 8));
        p += RUN_ENTRY_HEADER + (u8[p + 2]! | (u8[p + 3]! << 8)) + (u8[p + 4]! | (u8[p + 5]! << 8));
      }
      for (let j = positions.length - 1; j >= 0; j--) k.nodeDelete(node, positions[j]!);
      throw error;
    }
    s.heap.pageChanged(frame, pageInBlock(leafId), lsn);
    this.#runCount = total;
    return at;
  }

  /** Entries #packedRun stages first: one more than the last run took. */
  #runGuess = RUN_CHUNK_MIN;

  /** The INDEX_INSERTS record of #leafRun, built in place (at most RUN_RECORD_BYTES). */
  readonly #runRec = new Uint8Array(RUN_RECORD_BYTES);
  readonly #runView = new DataView(this.#runRec.buffer);

  /** Replace the value of `key` (in place when it has the same length); false if absent. */
  update(key: Uint8Array, value: Uint8Array): boolean {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    checkKey(key);
    checkValue(value);
    const s = this.#s;
    const k = s.kernels;
    this.#searchLeaf(key);
    const { leafId, frame, node, r } = this.#found;
    try {
      if ((r & 1) === 0) return false;
      const packed = k.nodeValue(node, r >>> 1);
      if (packed < 0) throw s.corrupt(leafId, 'bad leaf entry');
      if ((packed & 0xffff) === value.length) {
        const lsn = this.#logEntry(frame, leafId, RecordType.indexValue, r >>> 1, EMPTY, value);
        s.u8.set(value, node + (packed >>> 16));
        s.heap.pageChanged(frame, pageInBlock(leafId), lsn);
        return true;
      }
    } finally {
      s.unpin(frame);
    }
    // Another length: delete and insert again, as one structural change.
    this.#key.set(key);
    this.#setValue(value);
    const keyLen = key.length;
    this.#structural(() => {
      const leaf = this.#batch.touch(s.nodeAtLevel(this.#key, keyLen, 0));
      const r = k.nodeSearch(leaf, s.keyPtr, keyLen);
      assert((r & 1) === 1, 'the updated key is in its leaf');
      k.nodeDelete(leaf, r >>> 1);
      this.#insertAt(0, this.#key, keyLen, NO_PAGE);
    });
    return true;
  }

  /**
   * update() of `key`'s value as part of the heap's TUPLE_UPDATE record
   * (Heap.insert's `replaces` and `entry`): possible when `key` is there
   * with a value of `valueLength` bytes (an overwrite in place). Returns the
   * staged overwrite with its leaf pinned; null otherwise, with nothing
   * pinned. `valueOf` writes the new value for the new version's tuple id.
   * After Heap.insert, `done` says whether the value was written; if not,
   * release() it and update() as usual.
   */
  stageValue(key: Uint8Array, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void): StagedValue | null {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    checkKey(key);
    const s = this.#s;
    this.#searchLeaf(key);
    const { leafId, frame, node, r } = this.#found;
    const packed = (r & 1) === 0 ? -1 : s.kernels.nodeValue(node, r >>> 1);
    if (packed < 0 || (packed & 0xffff) !== valueLength) {
      s.unpin(frame);
      return null;
    }
    this.#stagedValue.stage(s, leafId, frame, node + (packed >>> 16), r >>> 1, valueLength, valueOf);
    return this.#stagedValue;
  }

  readonly #stagedValue = new StagedValue();

  /** Delete `key`; false if absent. */
  delete(key: Uint8Array): boolean {
    if (this.#heldFrame >= 0 || this.#appendUsed > 0 || this.#appendOk) this.#settle();
    if (key.length < 1 || key.length > MAX_KEY_SIZE) return false;
    const s = this.#s;
    const k = s.kernels;
    this.#searchLeaf(key);
    const { leafId, frame, node, r } = this.#found;
    try {
      if ((r & 1) === 0) return false;
      const pos = r >>> 1;
      const keyPacked = k.nodeKey(node, pos);
      const valuePacked = k.nodeValue(node, pos);
      if (keyPacked < 0 || valuePacked < 0) throw s.corrupt(leafId, 'bad leaf entry');
      const entryBytes = 2 + (keyPacked & 0xffff) + (valuePacked & 0xffff) + SLOT_SIZE;
      if (leafId === s.root || this.#used(node, leafId) - entryBytes >= UNDERFULL_BYTES) {
        const lsn = this.#logEntry(frame, leafId, RecordType.indexDelete, pos, EMPTY, EMPTY);
        k.nodeDelete(node, pos);
        s.heap.pageChanged(frame, pageInBlock(leafId), lsn);
        return true;
      }
    } finally {
      s.unpin(frame);
    }
    this.#key.set(key);
    const keyLen = key.length;
    this.#structural(() => {
      const leafId2 = s.nodeAtLevel(this.#key, keyLen, 0);
      const leaf = this.#batch.touch(leafId2);
      const r = k.nodeSearch(leaf, s.keyPtr, keyLen);
      assert((r & 1) === 1, 'the deleted key is in its leaf');
      k.nodeDelete(leaf, r >>> 1);
      this.#rebalance(leafId2, 0, keyLen);
    });
    return true;
  }

  /**
   * Descend to the leaf for `key` (copied to the key scratch area) and
   * search it: the leaf pinned (the caller unpins `frame`), and the
   * nodeSearch result r = (position << 1) | found.
   */
  #searchLeaf(key: Uint8Array, touch = false): void {
    const s = this.#s;
    s.refresh();
    // Keys are short: a byte loop costs less than TypedArray.set's call.
    const u8 = s.u8;
    const keyPtr = s.keyPtr;
    for (let i = 0; i < key.length; i++) u8[keyPtr + i] = key[i]!;
    this.#searchCopied(key.length, touch);
  }

  /**
   * #searchLeaf for a key already copied to the key scratch area (after
   * s.refresh()). `touch` (lookups: find, findAt): a leaf reached by the
   * descent has its used bytes touched a cache line at a time before the
   * search (the nodeSeek kernel).
   */
  #searchCopied(keyLength: number, touch = false): void {
    const s = this.#s;
    if (this.#hintLeaf !== NO_PAGE) {
      if (this.#hintSkip > 0 && !this.#sorted) this.#hintSkip--;
      else if (this.#searchHint(keyLength)) return;
      else if (!this.#sorted) this.#hintSkip = HINT_SKIP;
    }
    const leafId = s.descend(s.keyPtr, keyLength, 0);
    const frame = s.pin(leafId);
    try {
      const node = s.node(frame, leafId);
      let r: number;
      if (touch) {
        // The leaf's check, its touch (nodeSeek: its misses in flight at once) and the search in one kernel call.
        r = s.kernels.nodeSeek(node, s.keyPtr, keyLength);
        if (r < 0) throw s.corrupt(leafId, LEAF_EXPECTED);
      } else {
        s.checkNode(node, leafId, 0);
        r = s.kernels.nodeSearch(node, s.keyPtr, keyLength);
      }
      const found = this.#found;
      found.leafId = leafId;
      found.frame = frame;
      found.node = node;
      found.r = r;
      this.#hintLeaf = leafId;
    } catch (error) {
      s.unpin(frame);
      throw error;
    }
  }

  /**
   * The leaf of the last search, tried before a descent from the root: the
   * next key is often in it (ascending keys, or the insert right after a
   * uniqueness probe of the same key). It is never trusted, only proven by
   * its own contents, so no change to the tree has to invalidate it: in a
   * B+-tree the leaves' key ranges are disjoint, and a leaf's range holds
   * every key between its first and last entry, everything below its last
   * entry if it is the leftmost leaf, and everything above its first if it
   * is the rightmost. A key the leaf holds, or one that falls strictly
   * inside such a span, belongs to that leaf and no other. Anything else
   * (the page freed, reused as another kind of node or for other keys, the
   * key past either end of a middle leaf) falls back to the descent.
   */
  #hintLeaf = NO_PAGE;

  /** Searches left that go straight to the descent after the hint missed (keys that jump around, as in most secondary indexes, would miss every time). */
  #hintSkip = 0;
  /** Inside insertMany: a hint miss leaves #hintSkip alone. */
  #sorted = false;

  /**
   * #searchLeaf through the hinted leaf (the key already at keyPtr): true and
   * #found set if it is the key's leaf. In a sorted insert (insertMany,
   * insertPacked) a key past the hinted leaf's last entry is tried in its
   * right sibling too: the next run of sorted keys most often starts there.
   */
  #searchHint(keyLen: number): boolean {
    const s = this.#s;
    let leafId = this.#hintLeaf;
    this.#hintLeaf = NO_PAGE;
    for (let tries = this.#sorted ? 2 : 1; tries > 0; tries--) {
      if (!s.validNodeId(leafId)) return false;
      const frame = s.pin(leafId);
      let next = NO_PAGE;
      try {
        const node = s.node(frame, leafId);
        const v = s.view;
        if (s.u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF || v.getUint16(node + NODE_OFF_LEVEL, true) !== 0) return false;
        const k = s.kernels;
        const count = s.count(node);
        const leftmost = v.getInt32(node + NODE_OFF_LEFT, true) === NO_PAGE;
        const right = v.getInt32(node + NODE_OFF_RIGHT, true);
        const rightmost = right === NO_PAGE;
        let ok: boolean;
        let r = 0;
        if (count === 0) {
          // An empty leaf holds the key only as the tree's one leaf.
          ok = leftmost && rightmost;
        } else {
          // Past the last entry of the rightmost leaf (ascending keys: a serial
          // primary key): one comparison instead of the binary search.
          r = rightmost && this.#pastLast(node, count, keyLen) ? count << 1 : k.nodeSearch(node, s.keyPtr, keyLen);
          const pos = r >>> 1;
          ok = (r & 1) !== 0 || (pos > 0 && pos < count) || (pos === 0 && leftmost) || (pos === count && rightmost);
          // Past this leaf's last key: perhaps in the next leaf (proven there by its own contents, as here).
          if (!ok && pos === count && count > 0) next = right;
        }
        if (ok) {
          const found = this.#found;
          found.leafId = leafId;
          found.frame = frame;
          found.node = node;
          found.r = r;
          this.#hintLeaf = leafId;
          return true;
        }
      } finally {
        if (this.#hintLeaf === NO_PAGE) s.unpin(frame);
      }
      if (next === NO_PAGE) return false;
      leafId = next;
    }
    return false;
  }

  /**
   * Whether the key at keyPtr sorts after the last of the node's `count`
   * entries (count > 0), compared as nodeSearch compares: then nodeSearch
   * would return count << 1. false when it does not, or when the last slot
   * is not a sane entry (nodeSearch decides then).
   */
  #pastLast(node: number, count: number, keyLen: number): boolean {
    const s = this.#s;
    const v = s.view;
    const slot = v.getUint32(node + NODE_DIR + (count - 1) * SLOT_SIZE, true);
    const off = slot & 0xffff;
    const len = slot >>> 16;
    if (off < NODE_DIR || len < 2 || off + len > PAGE_SIZE) return false;
    const lastLen = v.getUint16(node + off, true);
    if (lastLen + 2 > len) return false;
    const u8 = s.u8;
    const last = node + off + 2;
    const keyPtr = s.keyPtr;
    const n = lastLen < keyLen ? lastLen : keyLen;
    for (let i = 0; i < n; i++) {
      const a = u8[last + i]!;
      const b = u8[keyPtr + i]!;
      if (a !== b) return a < b;
    }
    return lastLen < keyLen;
  }

  /** What #searchLeaf found, in one reused object: point lookups allocate nothing. */
  readonly #found = { leafId: 0, frame: 0, node: 0, r: 0 };

  /**
   * The last find() that missed: its key, its leaf, where the key would go
   * and the leaf's page LSN then. An insert of that key right after (the
   * engine's uniqueness probe of a new primary key, then its insert once the
   * heap has the row) goes there without searching again if the page LSN
   * says the leaf has not changed since: every change to a page, logged or
   * replayed, gives it a new LSN.
   */
  #missLeaf = NO_PAGE;
  #missPos = 0;
  #missLsn = 0;
  #missLen = 0;
  /** The remembered miss is past the last entry of the rightmost leaf: above every key of the tree (canAppend). */
  #missPastEnd = false;
  readonly #missKey = new Uint8Array(MAX_KEY_SIZE);

  #isMissKey(key: Uint8Array): boolean {
    if (key.length !== this.#missLen) return false;
    const copy = this.#missKey;
    for (let i = 0; i < key.length; i++) if (copy[i] !== key[i]) return false;
    return true;
  }

  #rememberMiss(key: Uint8Array, leafId: number, node: number, pos: number): void {
    this.#missLeaf = leafId;
    this.#missPos = pos;
    this.#missLsn = this.#s.pageLsn(node);
    this.#missLen = key.length;
    const copy = this.#missKey;
    for (let i = 0; i < key.length; i++) copy[i] = key[i]!;
  }

  /**
   * #searchLeaf's result from the remembered miss (the key copied to keyPtr,
   * unless `copyKey` is false: stageInsert's StagedInsert takes the key from
   * its own buffer), if it is this key's and still holds (through the leaf a
   * probe() kept pinned, if it did); false otherwise (nothing pinned).
   */
  #lastMiss(key: Uint8Array, copyKey = true): boolean {
    const leafId = this.#missLeaf;
    const held = this.#heldFrame;
    this.#heldFrame = -1;
    this.#missLeaf = NO_PAGE;
    const s = this.#s;
    if (leafId === NO_PAGE || !this.#isMissKey(key)) {
      if (held >= 0) s.unpin(held);
      return false;
    }
    s.refresh();
    let frame = held;
    let node = this.#heldNode;
    if (held < 0) {
      if (!s.validNodeId(leafId)) return false;
      frame = s.pin(leafId);
      node = s.node(frame, leafId);
    }
    if (s.pageLsn(node) !== this.#missLsn || s.u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF) {
      s.unpin(frame);
      return false;
    }
    if (copyKey) {
      const keyPtr = s.keyPtr;
      for (let i = 0; i < key.length; i++) s.u8[keyPtr + i] = key[i]!;
    }
    const found = this.#found;
    found.leafId = leafId;
    found.frame = frame;
    found.node = node;
    found.r = this.#missPos << 1;
    this.#hintLeaf = leafId;
    return true;
  }

  // ---- small records -------------------------------------------------------------------

  /**
   * Log a change inside one leaf, before making it: the torn-page guard, then
   * INDEX_INSERT (key, value), INDEX_DELETE or INDEX_VALUE (value). Returns the LSN.
   */
  #logEntry(frame: number, pageId: number, type: number, pos: number, key: Uint8Array, value: Uint8Array): number {
    const s = this.#s;
    s.heap.guardPage(frame, pageBlock(pageId), pageInBlock(pageId));
    const rec = this.#rec;
    const v = this.#recView;
    v.setUint32(0, pageId, true);
    v.setUint16(4, pos, true);
    let length = 6;
    if (type === RecordType.indexInsert) {
      v.setUint16(6, key.length, true);
      rec.set(key, 8);
      rec.set(value, 8 + key.length);
      length = 8 + key.length + value.length;
    } else if (type === RecordType.indexValue) {
      rec.set(value, 6);
      length = 6 + value.length;
    }
    let view = this.#recViews[length];
    if (view === undefined) this.#recViews[length] = view = rec.subarray(0, length);
    return s.heap.logRecord(type, view);
  }

  /** Whether an entry of entryBytes (without its slot) fits the node, compacting if need be (as nodeInsert decides). */
  #fits(node: number, pageId: number, entryBytes: number): boolean {
    const v = this.#s.view;
    const lower = v.getUint16(node + PAGE_OFF_FREE_LOWER, true);
    const upper = v.getUint16(node + PAGE_OFF_FREE_UPPER, true);
    if (lower !== NODE_DIR + this.#s.count(node) * SLOT_SIZE || upper < lower || upper > PAGE_SIZE) {
      throw this.#s.corrupt(pageId, 'bad node free-space pointers');
    }
    return upper - lower + v.getUint16(node + PAGE_OFF_FRAG_BYTES, true) >= entryBytes + SLOT_SIZE;
  }

  /** Bytes of a node in use: its slots and live entries. */
  #used(node: number, pageId: number): number {
    const v = this.#s.view;
    const lower = v.getUint16(node + PAGE_OFF_FREE_LOWER, true);
    const upper = v.getUint16(node + PAGE_OFF_FREE_UPPER, true);
    const used = lower - NODE_DIR + (PAGE_SIZE - upper) - v.getUint16(node + PAGE_OFF_FRAG_BYTES, true);
    if (lower < NODE_DIR || upper < lower || upper > PAGE_SIZE || used < 0) throw this.#s.corrupt(pageId, 'bad node free-space pointers');
    return used;
  }

  /** Free bytes of a node once compacted. */
  #free(node: number): number {
    const v = this.#s.view;
    return v.getUint16(node + PAGE_OFF_FREE_UPPER, true) - v.getUint16(node + PAGE_OFF_FREE_LOWER, true) + v.getUint16(node + PAGE_OFF_FRAG_BYTES, true);
  }

  #setValue(value: Uint8Array): void {
    this.#value.set(value);
    this.#valueLen = value.length;
  }

  // ---- structural changes ------------------------------------------------------------------

  /** Run a structural change in a page batch: all of it in one record, or (on error) none of it. */
  #structural(work: () => void): void {
    const s = this.#s;
    const b = this.#batch;
    const { root, height, freeHead, freeCount, nextUnused } = s;
    b.begin();
    try {
      work();
      if (s.root !== root || s.height !== height || s.freeHead !== freeHead || s.freeCount !== freeCount || s.nextUnused !== nextUnused) {
        s.writeMeta(b);
      }
      b.commit();
    } catch (error) {
      b.abort();
      s.root = root;
      s.height = height;
      s.freeHead = freeHead;
      s.freeCount = freeCount;
      s.nextUnused = nextUnused;
      throw error;
    }
  }

  /**
   * Insert an entry into the node at `level` whose range holds the key: a
   * leaf entry (the value in #value) at level 0, else a separator with its
   * right child. A full node is split and the separator inserted one level
   * up; then the insert is tried again (a large key may need more splits).
   * `rightmost`, if not NO_PAGE, names the rightmost node of the level, for
   * a key above every key of the tree (#build's separators): the node a
   * descent would find, tried first without one while it is still the
   * rightmost. Returns the node that took the entry.
   */
  #insertAt(level: number, key: Uint8Array, keyLen: number, child: number, rightmost = NO_PAGE): number {
    const s = this.#s;
    const k = s.kernels;
    for (let attempt = 0; ; attempt++) {
      assert(attempt < 8, 'an insert fits after a few splits');
      let nodeId: number;
      if (attempt === 0 && rightmost !== NO_PAGE && this.#isRightmost(rightmost, level)) {
        s.copyIn(key, keyLen, s.keyPtr);
        nodeId = rightmost;
      } else nodeId = s.nodeAtLevel(key, keyLen, level);
      // Logged as the insert (and the split) made on it, not as its image: page-batch.ts.
      const node = this.#batch.touchOps(nodeId);
      s.checkNode(node, nodeId, level);
      let valueLen = 4;
      if (level === 0) {
        s.copyIn(this.#value, this.#valueLen, s.valuePtr);
        valueLen = this.#valueLen;
      } else {
        s.view.setInt32(s.valuePtr, child, true);
      }
      const r = k.nodeSearch(node, s.keyPtr, keyLen);
      if ((r & 1) !== 0) throw s.corrupt(nodeId, 'a separator is already in its parent');
      if (k.nodeInsert(node, r >>> 1, s.keyPtr, keyLen, s.valuePtr, valueLen) === 1) {
        this.#batch.opInsert(nodeId, r >>> 1, s.keyPtr, keyLen, s.valuePtr, valueLen);
        return nodeId;
      }
      this.#split(level, nodeId, node, r >>> 1);
    }
  }

  /** Whether page `id` is a node of `level` with no right sibling (the rightmost of its level). */
  #isRightmost(id: number, level: number): boolean {
    const s = this.#s;
    const frame = s.pin(id);
    try {
      const node = s.node(frame, id);
      const kind = s.u8[node + PAGE_OFF_KIND];
      return (
        kind === (level === 0 ? PAGE_KIND_BTREE_LEAF : PAGE_KIND_BTREE_INTERNAL) &&
        s.view.getUint16(node + NODE_OFF_LEVEL, true) === level &&
        s.view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE
      );
    } finally {
      s.unpin(frame);
    }
  }

  /**
   * Split a full node in two and put the separator into the level above (a
   * new root if it was the root). `insertPos` is where the pending entry
   * goes: past the last entry of the rightmost node of its level (ascending
   * keys: a serial primary key, a timestamp) the split keeps every entry but
   * the last on the left, so sequential inserts leave full nodes behind, as
   * PostgreSQL and SQLite do; elsewhere it splits in the middle by bytes.
   */
  #split(level: number, nodeId: number, node: number, insertPos: number): void {
    const s = this.#s;
    const k = s.kernels;
    const b = this.#batch;
    const count = s.view.getUint16(node + PAGE_OFF_SLOT_COUNT, true);
    const rightmost = count >= 2 && insertPos >= count && s.view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
    const rightId = this.#allocPage();
    const right = b.touch(rightId);
    const sepPtr = k.scratchOffset + SCRATCH_SEP;
    const splitPos = rightmost ? count - 1 : k.nodeSplitPoint(node);
    const sepLen = k.nodeSplit(node, nodeId, right, rightId, splitPos, sepPtr);
    if (sepLen < 1) throw s.corrupt(nodeId, 'node split without a separator');
    b.opSplit(nodeId, splitPos, rightId);
    const next = s.view.getInt32(right + NODE_OFF_RIGHT, true);
    if (next !== NO_PAGE) b.patchInt32(next, NODE_OFF_LEFT, rightId);
    // Ascending keys go on in the new rightmost leaf: the hint names it (a
    // guess, proven by the leaf's own contents as every hint is), so the
    // next search does not miss the old leaf and descend.
    if (level === 0 && rightmost) this.#hintLeaf = rightId;
    const sep = (this.#seps[level] ??= new Uint8Array(MAX_KEY_SIZE));
    sep.set(s.u8.subarray(sepPtr, sepPtr + sepLen));
    if (level + 1 === s.height) this.#growRoot(nodeId, sep, sepLen, rightId);
    else this.#insertAt(level + 1, sep, sepLen, rightId);
  }

  #growRoot(leftId: number, sep: Uint8Array, sepLen: number, rightId: number): void {
    const s = this.#s;
    const k = s.kernels;
    if (s.height >= MAX_BTREE_HEIGHT) {
      throw new FlintError(SqlState.programLimitExceeded, `the B+-tree of owner ${s.owner} would grow beyond ${MAX_BTREE_HEIGHT} levels`);
    }
    const rootId = this.#allocPage();
    const root = this.#batch.touch(rootId);
    k.nodeInit(root, s.height);
    s.view.setInt32(root + NODE_OFF_LEFTMOST, leftId, true);
    s.copyIn(sep, sepLen, s.keyPtr);
    s.view.setInt32(s.valuePtr, rightId, true);
    assert(k.nodeInsert(root, 0, s.keyPtr, sepLen, s.valuePtr, 4) === 1, 'a new root takes its first separator');
    s.root = rootId;
    s.height++;
  }

  /**
   * After a delete from the node at `level` (on the path of the key in
   * #key): merge it into a sibling while it is under a quarter full and they
   * fit, going up; then collapse a root left without entries.
   */
  #rebalance(nodeId: number, level: number, keyLen: number): void {
    const s = this.#s;
    for (let l = level; l < MAX_BTREE_HEIGHT; l++) {
      if (l >= s.height - 1) break;
      if (this.#used(this.#batch.touch(nodeId), nodeId) >= UNDERFULL_BYTES) return;
      const parentId = s.nodeAtLevel(this.#key, keyLen, l + 1);
      if (!this.#mergeWithSibling(parentId, nodeId, l, keyLen)) return;
      nodeId = parentId;
    }
    this.#collapseRoot();
  }

  /** Merge the node at `level` with its left (else right) sibling under parentId if they fit. */
  #mergeWithSibling(parentId: number, nodeId: number, level: number, keyLen: number): boolean {
    const s = this.#s;
    const k = s.kernels;
    const b = this.#batch;
    const frame = s.pin(parentId);
    try {
      const parent = s.node(frame, parentId);
      s.checkNode(parent, parentId, level + 1);
      s.copyIn(this.#key, keyLen, s.keyPtr);
      const r = k.nodeSearch(parent, s.keyPtr, keyLen);
      const idx = (r & 1) !== 0 ? r >>> 1 : (r >>> 1) - 1;
      if (k.nodeChildAt(parent, idx) !== nodeId) throw s.corrupt(parentId, `child ${nodeId} is not where its key leads`);
      const count = k.nodeCount(parent);
      for (let side = 0; side < 2; side++) {
        const sepIdx = side === 0 ? idx : idx + 1;
        if (sepIdx < 0 || sepIdx >= count) continue;
        const leftId = k.nodeChildAt(parent, sepIdx - 1);
        const rightId = k.nodeChildAt(parent, sepIdx);
        const sepPacked = k.nodeKey(parent, sepIdx);
        if (!s.validNodeId(leftId) || !s.validNodeId(rightId) || sepPacked < 0) throw s.corrupt(parentId, 'bad internal entry');
        const sepLen = sepPacked & 0xffff;
        if (!this.#mergeFits(leftId, rightId, level, sepLen)) continue;
        const p = b.touch(parentId);
        const left = b.touch(leftId);
        const right = b.touch(rightId);
        const sepPtr = k.scratchOffset + SCRATCH_SEP;
        k.memCopy(sepPtr, p + (sepPacked >>> 16), sepLen);
        assert(k.nodeMerge(left, right, sepPtr, sepLen) === 1, 'a merge that fits succeeds');
        const next = s.view.getInt32(left + NODE_OFF_RIGHT, true);
        if (next !== NO_PAGE) b.patchInt32(next, NODE_OFF_LEFT, leftId);
        k.nodeDelete(p, sepIdx);
        this.#freePage(rightId);
        return true;
      }
      return false;
    } finally {
      s.unpin(frame);
    }
  }

  /** Whether right's entries (and for internal nodes the separator coming down) fit into left. */
  #mergeFits(leftId: number, rightId: number, level: number, sepLen: number): boolean {
    const s = this.#s;
    const lf = s.pin(leftId);
    try {
      const rf = s.pin(rightId);
      try {
        const left = s.node(lf, leftId);
        const right = s.node(rf, rightId);
        s.checkNode(left, leftId, level);
        s.checkNode(right, rightId, level);
        const need = this.#used(right, rightId) + (level > 0 ? 2 + sepLen + 4 + SLOT_SIZE : 0);
        return need <= this.#free(left);
      } finally {
        s.unpin(rf);
      }
    } finally {
      s.unpin(lf);
    }
  }

  /** Replace a root without entries by its only child, as long as there is one. */
  #collapseRoot(): void {
    const s = this.#s;
    const k = s.kernels;
    while (s.height > 1) {
      const frame = s.pin(s.root);
      let count: number;
      let child: number;
      try {
        const root = s.node(frame, s.root);
        s.checkNode(root, s.root, s.height - 1);
        count = k.nodeCount(root);
        child = k.nodeChildAt(root, -1);
      } finally {
        s.unpin(frame);
      }
      if (count > 0) return;
      if (!s.validNodeId(child)) throw s.corrupt(s.root, `bad leftmost child ${child}`);
      this.#freePage(s.root);
      s.root = child;
      s.height--;
    }
  }

  /** A page for a new node: the free list's head, else the next never-used page, else a new block. Touched. */
  #allocPage(): number {
    const s = this.#s;
    const b = this.#batch;
    if (s.freeHead !== NO_PAGE) {
      const id = s.freeHead;
      if (!s.validNodeId(id)) throw s.corrupt(s.metaPageId, `bad free-list head ${id}`);
      const page = b.touch(id);
      if (s.u8[page + PAGE_OFF_KIND] !== PAGE_KIND_FREE) throw s.corrupt(id, 'a page on the free list is not free');
      s.freeHead = s.view.getInt32(page + FREE_OFF_NEXT, true);
      s.freeCount--;
      return id;
    }
    if (s.nextUnused % PAGES_PER_BLOCK === 0) {
      const blockNo = s.heap.formatIndexBlock(s.owner);
      if (blockNo >= MAX_TREE_BLOCK) throw new FlintError(SqlState.programLimitExceeded, `heap block ${blockNo} is beyond the blocks a B+-tree can address`);
      s.nextUnused = makePageId(blockNo, 1);
    }
    const id = s.nextUnused++;
    b.touch(id);
    return id;
  }

  /** Format a page as free and push it on the free list. */
  #freePage(pageId: number): void {
    const s = this.#s;
    const page = this.#batch.touch(pageId);
    s.kernels.pageInit(page, PAGE_KIND_FREE, NODE_DIR);
    s.kernels.memFill(page + FREE_OFF_NEXT, 0, NODE_DIR - FREE_OFF_NEXT);
    s.view.setInt32(page + FREE_OFF_NEXT, s.freeHead, true);
    s.freeHead = pageId;
    s.freeCount++;
  }
}

/**
 * Copies the packed entries from src[at] on into the kernels' run staging
 * area at inPtr: up to `chunk` of them, and no more than it holds. Returns
 * how many (nodeInsertRun's count).
 */
function stageRun(u8: Uint8Array, src: Uint8Array, at: number, to: number, chunk: number, inPtr: number): number {
  let end = at;
  let staged = 0;
  while (end < to && staged < chunk) {
    const size = 4 + (src[end]! | (src[end + 1]! << 8)) + (src[end + 2]! | (src[end + 3]! << 8));
    if (end + size - at > SCRATCH_RUN_IN_BYTES || end + size > to) break;
    end += size;
    staged++;
  }
  u8.set(src.subarray(at, end), inPtr);
  return staged;
}

/** Whether the packed entry at src[at] lies whole before `end` (the end of the bytes staged): the kernel saw all of it. */
function wholeEntryBy(src: Uint8Array, at: number, end: number): boolean {
  return at + 4 <= end && at + 4 + (src[at]! | (src[at + 1]! << 8)) + (src[at + 2]! | (src[at + 3]! << 8)) <= end;
}

/** Whether src[at] starts a packed entry (u16 key length, u16 value length, key, value) of valid lengths that ends by `to`. */
function validPackedEntry(src: Uint8Array, at: number, to: number): boolean {
  if (at + 4 > to) return false;
  const keyLen = src[at]! | (src[at + 1]! << 8);
  const valueLen = src[at + 2]! | (src[at + 3]! << 8);
  return keyLen >= 1 && keyLen <= MAX_KEY_SIZE && valueLen <= MAX_BTREE_VALUE_SIZE && at + 4 + keyLen + valueLen <= to;
}

function checkKey(key: Uint8Array): void {
  checkKeyLength(key.length);
}

function checkKeyLength(length: number): void {
  if (length > MAX_KEY_SIZE) {
    throw new FlintError(SqlState.programLimitExceeded, `index key is too long: ${length} bytes, the maximum is ${MAX_KEY_SIZE}`);
  }
  if (length === 0) throw new FlintError(SqlState.invalidParameterValue, 'an index key is at least 1 byte long');
}

function checkValue(value: Uint8Array): void {
  checkValueLength(value.length);
}

function checkValueLength(length: number): void {
  if (length > MAX_BTREE_VALUE_SIZE) {
    throw new FlintError(SqlState.programLimitExceeded, `index value is too long: ${length} bytes, the maximum is ${MAX_BTREE_VALUE_SIZE}`);
  }
}

/**
 * What a staged leaf change (StagedInsert, StagedValue) shares: the pinned
 * leaf it changes and where it stands, 0 idle, 1 staged (leaf pinned), 2
 * written (the change in the leaf, its record not yet appended), 3 done.
 * Heap.insert drives it (Heap's LoggedEntry): guard() before the heap
 * changes anything (the leaf's torn-page guard may log its image), write()
 * once the tuple id is known, then logged(lsn) stamps the leaf and unpins
 * it, or undo() takes the change back if the record could not be appended.
 * release() unpins a staged change the heap did not take.
 */
abstract class StagedLeafChange {
  protected s: TreeState | null = null;
  protected leafId = 0;
  protected frame = 0;
  protected pos = 0;
  protected valueLength = 0;
  protected valueOf: (tid: number, view: DataView, at: number) => void = () => {};
  protected state = 0;

  protected begin(s: TreeState, leafId: number, frame: number, pos: number, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void): void {
    assert(this.state === 0 || this.state === 3, 'one staged change of a kind per tree at a time');
    this.s = s;
    this.leafId = leafId;
    this.frame = frame;
    this.pos = pos;
    this.valueLength = valueLength;
    this.valueOf = valueOf;
    this.state = 1;
  }

  /** Whether the change is in the tree, logged. */
  get done(): boolean {
    return this.state === 3;
  }

  guard(): void {
    assert(this.state === 1, 'a staged change is guarded once, before it is written');
    this.s!.heap.guardPage(this.frame, pageBlock(this.leafId), pageInBlock(this.leafId));
  }

  logged(lsn: number): void {
    assert(this.state === 2, 'a staged change is logged after it is written');
    const s = this.s!;
    s.heap.pageChanged(this.frame, pageInBlock(this.leafId), lsn);
    this.state = 3;
    s.unpin(this.frame);
  }

  /** The record was not appended: take the change out of the leaf again (it was the last change there) and unpin. */
  undo(): void {
    const s = this.s!;
    if (this.state === 2) this.takeBack(s);
    if (this.state === 1 || this.state === 2) {
      this.state = 0;
      s.unpin(this.frame);
    }
  }

  /** Unpin a staged change the heap did not take (nothing to undo). */
  release(): void {
    if (this.state === 1) {
      this.state = 0;
      this.s!.unpin(this.frame);
    }
  }

  /** The record's payload length write() produces. */
  abstract get bytes(): number;
  /** Make the change for `tid` in the leaf and write its payload at record[at]; returns the payload's length. */
  abstract write(tid: number, record: Uint8Array, view: DataView, at: number): number;
  /** Undo write()'s change to the leaf (undo()). */
  protected abstract takeBack(s: TreeState): void;
}

/**
 * A leaf insert staged by BTree.stageInsert, for Heap.insert to log in its
 * TUPLE_INSERT_ENTRY record (StagedLeafChange): write() puts the entry into
 * the leaf and its INDEX_INSERT payload into the record.
 */
export class StagedInsert extends StagedLeafChange {
  #node = 0;
  #key: Uint8Array = new Uint8Array(0);
  /** The last record buffer write() was given, with the kernels' memory then, and whether the one is a view of the other. */
  #record: Uint8Array | null = null;
  #recordU8: Uint8Array | null = null;
  #recordInKernels = false;

  stage(s: TreeState, leafId: number, frame: number, node: number, pos: number, key: Uint8Array, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void): void {
    this.begin(s, leafId, frame, pos, valueLength, valueOf);
    this.#node = node;
    this.#key = key;
  }

  /** The INDEX_INSERT payload write() produces. */
  get bytes(): number {
    return 8 + this.#key.length + this.valueLength;
  }

  /** Put the entry for `tid` into the leaf and its INDEX_INSERT payload at record[at]; returns the payload's length. */
  write(tid: number, record: Uint8Array, view: DataView, at: number): number {
    assert(this.state === 1, 'a staged insert is written once');
    const s = this.s!;
    const key = this.#key;
    const keyLen = key.length;
    view.setUint32(at, this.leafId, true);
    view.setUint16(at + 4, this.pos, true);
    view.setUint16(at + 6, keyLen, true);
    for (let b = 0; b < keyLen; b++) record[at + 8 + b] = key[b]!;
    const valueAt = at + 8 + keyLen;
    this.valueOf(tid, view, valueAt);
    const u8 = s.u8;
    let keyPtr: number;
    let valuePtr: number;
    if (record !== this.#record || u8 !== this.#recordU8) {
      // Asked once per record buffer (TypedArray.buffer is a slow getter): the WAL writer reuses its buffer.
      this.#record = record;
      this.#recordU8 = u8;
      this.#recordInKernels = record.buffer === u8.buffer;
    }
    if (this.#recordInKernels) {
      // The record is in the kernels' memory (the engine's WAL buffer): the leaf takes key and value from it.
      keyPtr = record.byteOffset + at + 8;
      valuePtr = keyPtr + keyLen;
    } else {
      // The heap used the kernels' scratch area for its tuple: stage key and value again.
      keyPtr = s.keyPtr;
      valuePtr = s.valuePtr;
      for (let b = 0; b < keyLen; b++) u8[keyPtr + b] = key[b]!;
      for (let b = 0; b < this.valueLength; b++) u8[valuePtr + b] = record[valueAt + b]!;
    }
    assert(s.kernels.nodeInsert(this.#node, this.pos, keyPtr, keyLen, valuePtr, this.valueLength) === 1, 'a staged leaf insert that fits succeeds');
    this.state = 2;
    return 8 + keyLen + this.valueLength;
  }

  protected takeBack(s: TreeState): void {
    s.kernels.nodeDelete(this.#node, this.pos);
  }
}

/**
 * A leaf value overwrite staged by BTree.stageValue, for Heap.insert to log
 * in its TUPLE_UPDATE record (StagedLeafChange): write() overwrites the
 * value in the leaf and writes its INDEX_VALUE payload into the record;
 * undo() puts the old value back.
 */
export class StagedValue extends StagedLeafChange {
  /** The value's offset in the kernels' memory (the leaf stays pinned, and nothing else changes it meanwhile). */
  #valueAt = 0;
  /** The value as it was, for undo(). */
  #old = new Uint8Array(16);

  stage(s: TreeState, leafId: number, frame: number, valueAt: number, pos: number, valueLength: number, valueOf: (tid: number, view: DataView, at: number) => void): void {
    this.begin(s, leafId, frame, pos, valueLength, valueOf);
    this.#valueAt = valueAt;
  }

  /** The INDEX_VALUE payload write() produces. */
  get bytes(): number {
    return 6 + this.valueLength;
  }

  /** Overwrite the value for `tid` and write its INDEX_VALUE payload at record[at]; returns the payload's length. */
  write(tid: number, record: Uint8Array, view: DataView, at: number): number {
    assert(this.state === 1, 'a staged value is written once');
    const n = this.valueLength;
    view.setUint32(at, this.leafId, true);
    view.setUint16(at + 4, this.pos, true);
    this.valueOf(tid, view, at + 6);
    const u8 = this.s!.u8;
    const to = this.#valueAt;
    if (this.#old.length < n) this.#old = new Uint8Array(n);
    const old = this.#old;
    for (let b = 0; b < n; b++) {
      old[b] = u8[to + b]!;
      u8[to + b] = record[at + 6 + b]!;
    }
    this.state = 2;
    return 6 + n;
  }

  protected takeBack(s: TreeState): void {
    s.u8.set(this.#old.subarray(0, this.valueLength), this.#valueAt);
  }
}
