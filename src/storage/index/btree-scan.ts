// Range scans and cursors over a B+-tree: forward along right sibling links,
// reverse along left ones, between optional bounds, each inclusive or
// exclusive.
//
// Changes under a scan. A scan's visitor, or any code between two next()
// calls of a cursor, may change the tree: inserts, deletes, splits, merges,
// pages freed and reused. The iterator remembers the leaf it is on, that
// leaf's LSN and the last key it returned (a copy). Every change to a page
// moves its LSN, so when the leaf's LSN has moved the iterator re-seeks from
// the root to the first key after (before, in reverse) the last one it
// returned. Keys present for the whole scan are visited once each, in order;
// keys inserted or deleted meanwhile are visited or not, by whether they lie
// ahead of the scan.

import { FlintError, SqlState } from '../../errors.ts';
import { NODE_OFF_LEFT, NODE_OFF_RIGHT, NO_PAGE, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND } from '../../kernels/layout.ts';
import { MAX_KEY_SIZE } from '../../limits.ts';
import type { TreeState } from './btree-state.ts';

export interface BTreeScanOptions {
  /** Only keys >= lower (> lower if lowerInclusive is false). */
  readonly lower?: Uint8Array;
  /** Default true. */
  readonly lowerInclusive?: boolean;
  /** Only keys <= upper (< upper if upperInclusive is false). */
  readonly upper?: Uint8Array;
  /** Default true. */
  readonly upperInclusive?: boolean;
  /** Descending key order. */
  readonly reverse?: boolean;
}

/** Hops along sibling links within one advance() (bounds the loop; a tree has far fewer empty leaves). */
const MAX_HOPS = 1 << 30;

export class TreeIterator {
  readonly #s: TreeState;
  readonly #reverse: boolean;
  readonly #lower: Uint8Array | undefined;
  readonly #lowerInclusive: boolean;
  readonly #upper: Uint8Array | undefined;
  readonly #upperInclusive: boolean;
  /** A copy of the last key returned; grows to the longest one (a scan of short keys does not allocate MAX_KEY_SIZE). */
  #lastKey = new Uint8Array(32);
  #lastLen = 0;
  #started = false;
  #done = false;
  #leafId = NO_PAGE;
  #lsn = 0;
  #pos = 0;
  #frame = -1;
  #node = 0;
  // The current entry, valid while advance() last returned true and until release().
  keyOffset = 0;
  keyLength = 0;
  valueOffset = 0;
  valueLength = 0;

  constructor(s: TreeState, options: BTreeScanOptions) {
    this.#s = s;
    this.#reverse = options.reverse === true;
    this.#lower = bound(options.lower);
    this.#upper = bound(options.upper);
    this.#lowerInclusive = options.lowerInclusive !== false;
    this.#upperInclusive = options.upperInclusive !== false;
  }

  /**
   * Move to the next entry in scan order. True: the entry's offsets are set
   * and its leaf is pinned until release() or the next advance(). False: the
   * scan is over (nothing pinned).
   */
  advance(): boolean {
    if (this.#done) return false;
    const s = this.#s;
    if (!this.#started) {
      this.#started = true;
      s.refresh();
      const start = this.#reverse ? this.#upper : this.#lower;
      if (start === undefined) this.#pinLeaf(s.edgeLeaf(this.#reverse), true);
      else this.#seek(start, start.length, this.#reverse ? this.#upperInclusive : this.#lowerInclusive);
    } else {
      if (this.#frame < 0) {
        this.#frame = s.pin(this.#leafId);
        this.#node = s.node(this.#frame, this.#leafId);
      }
      if (s.pageLsn(this.#node) !== this.#lsn || s.u8[this.#node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF) {
        this.release();
        s.refresh();
        this.#seek(this.#lastKey, this.#lastLen, false);
      } else {
        this.#pos += this.#reverse ? -1 : 1;
      }
    }
    return this.#settle();
  }

  /** Unpin the current leaf (a cursor does between next() calls). */
  release(): void {
    if (this.#frame >= 0) {
      this.#s.unpin(this.#frame);
      this.#frame = -1;
    }
  }

  #pinLeaf(leafId: number, atEdge: boolean): void {
    const s = this.#s;
    this.#leafId = leafId;
    this.#frame = s.pin(leafId);
    this.#node = s.node(this.#frame, leafId);
    s.checkNode(this.#node, leafId, 0);
    if (atEdge) this.#pos = this.#reverse ? s.kernels.nodeCount(this.#node) - 1 : 0;
  }

  /** Position at the first entry >= key (> key if not inclusive), or in reverse the last <= key (< key). */
  #seek(key: Uint8Array, keyLen: number, inclusive: boolean): void {
    const s = this.#s;
    s.copyIn(key, keyLen, s.keyPtr);
    this.#pinLeaf(s.descend(s.keyPtr, keyLen, 0), false);
    const r = s.kernels.nodeSearch(this.#node, s.keyPtr, keyLen);
    const pos = r >>> 1;
    const found = (r & 1) !== 0;
    if (this.#reverse) this.#pos = found && inclusive ? pos : pos - 1;
    else this.#pos = found && !inclusive ? pos + 1 : pos;
  }

  /** From a pinned leaf and a position that may lie past its ends, reach an entry (or the end) and check the far bound. */
  #settle(): boolean {
    const s = this.#s;
    const k = s.kernels;
    for (let hops = 0; ; hops++) {
      if (hops >= MAX_HOPS) throw s.corrupt(this.#leafId, 'sibling links run in a cycle');
      if (this.#pos >= 0 && this.#pos < k.nodeCount(this.#node)) break;
      const next = s.view.getInt32(this.#node + (this.#reverse ? NODE_OFF_LEFT : NODE_OFF_RIGHT), true);
      this.release();
      if (next === NO_PAGE) {
        this.#done = true;
        return false;
      }
      if (!s.validNodeId(next)) throw s.corrupt(this.#leafId, `bad sibling link ${next}`);
      this.#pinLeaf(next, true);
    }
    const node = this.#node;
    const keyPacked = k.nodeKey(node, this.#pos);
    const valuePacked = k.nodeValue(node, this.#pos);
    if (keyPacked < 0 || valuePacked < 0) throw s.corrupt(this.#leafId, 'bad leaf entry');
    this.keyOffset = node + (keyPacked >>> 16);
    this.keyLength = keyPacked & 0xffff;
    this.valueOffset = node + (valuePacked >>> 16);
    this.valueLength = valuePacked & 0xffff;
    const far = this.#reverse ? this.#lower : this.#upper;
    if (far !== undefined) {
      const c = compare(s.u8, this.keyOffset, this.keyLength, far);
      const inclusive = this.#reverse ? this.#lowerInclusive : this.#upperInclusive;
      if (this.#reverse ? c < 0 || (c === 0 && !inclusive) : c > 0 || (c === 0 && !inclusive)) {
        this.release();
        this.#done = true;
        return false;
      }
    }
    this.#lsn = s.pageLsn(node);
    const u8 = s.u8;
    const at = this.keyOffset;
    const n = this.keyLength;
    if (n > this.#lastKey.length) this.#lastKey = new Uint8Array(MAX_KEY_SIZE);
    const last = this.#lastKey;
    for (let i = 0; i < n; i++) last[i] = u8[at + i]!;
    this.#lastLen = n;
    return true;
  }
}

function bound(key: Uint8Array | undefined): Uint8Array | undefined {
  if (key === undefined) return undefined;
  if (key.length > MAX_KEY_SIZE) {
    throw new FlintError(SqlState.programLimitExceeded, `index scan bound is too long: ${key.length} bytes, the maximum is ${MAX_KEY_SIZE}`);
  }
  return key.slice();
}

/** Unsigned byte compare of a key in the kernels' memory with one in a JS buffer: -1, 0 or 1. */
function compare(u8: Uint8Array, at: number, len: number, b: Uint8Array): number {
  const n = len < b.length ? len : b.length;
  for (let i = 0; i < n; i++) {
    const x = u8[at + i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return len < b.length ? -1 : len > b.length ? 1 : 0;
}
