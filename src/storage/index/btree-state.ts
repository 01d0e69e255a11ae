// What every part of a B+-tree shares: the heap and kernels it works on, the
// fields of its meta tuple (root, height, free list, next never-used page),
// and the descents from the root. BTree (btree.ts) changes the tree; scans
// and cursors (btree-scan.ts) and check() (btree-check.ts) read it.

import { FlintError, SqlState } from '../../errors.ts';
import type { Kernels } from '../../kernels/index.ts';
import {
  BLOCK_OFF_OWNER, NODE_OFF_LEVEL, NO_PAGE, PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND, PAGE_OFF_LSN, PAGE_OFF_SLOT_COUNT, SLOT_SIZE,
} from '../../kernels/layout.ts';
import { BLOCKS_PER_SEGMENT, MAX_BTREE_HEIGHT, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import type { Heap } from '../heap/heap.ts';
import {
  BTREE_FORMAT_VERSION, BTREE_MAGIC, META_OFF_FREE_COUNT, META_OFF_FREE_HEAD, META_OFF_HEIGHT, META_OFF_MAGIC,
  META_OFF_NEXT_UNUSED, META_OFF_OWNER, META_OFF_ROOT, META_OFF_VERSION, META_SIZE, MAX_TREE_BLOCK, SCRATCH_KEY, SCRATCH_VALUE,
  NODE_DIR, formatPageId, makePageId, pageBlock, pageInBlock,
} from './btree-format.ts';
import type { PageBatch } from './page-batch.ts';

/** Slots a node can have at most: the kernels' nodeCount reads no more (assembly/btree-node.ts, MAX_SLOTS). */
const MAX_NODE_SLOTS = (PAGE_SIZE - NODE_DIR) / SLOT_SIZE;

export class TreeState {
  readonly heap: Heap;
  readonly kernels: Kernels;
  readonly u8: Uint8Array;
  readonly view: DataView;
  readonly owner: number;
  readonly metaBlock: number;
  /** Scratch addresses in the kernels' memory. */
  readonly keyPtr: number;
  readonly valuePtr: number;
  root = NO_PAGE;
  height = 0;
  freeHead = NO_PAGE;
  freeCount = 0;
  nextUnused = 0;
  #seenRedo = -1;

  constructor(heap: Heap, owner: number, metaBlock: number) {
    this.heap = heap;
    this.kernels = heap.kernels;
    this.u8 = new Uint8Array(this.kernels.buffer);
    this.view = new DataView(this.kernels.buffer);
    this.owner = owner;
    this.metaBlock = metaBlock;
    this.keyPtr = this.kernels.scratchOffset + SCRATCH_KEY;
    this.valuePtr = this.kernels.scratchOffset + SCRATCH_VALUE;
  }

  get metaPageId(): number {
    return makePageId(this.metaBlock, 0);
  }

  // ---- meta ----------------------------------------------------------------------

  /** Re-read the meta tuple if redo (recovery, a follower) changed pages since we last did. */
  refresh(): void {
    if (this.heap.redoCount !== this.#seenRedo) this.loadMeta();
  }

  loadMeta(): void {
    const frame = this.heap.pinBlock(this.metaBlock);
    try {
      const base = this.heap.frameOffset(frame);
      const v = this.view;
      const blockOwner = v.getUint32(base + BLOCK_OFF_OWNER, true);
      const packed = this.kernels.pageRead(base, 0);
      const at = base + (packed >>> 16);
      if (blockOwner !== this.owner || packed < 0 || (packed & 0xffff) !== META_SIZE || v.getUint32(at + META_OFF_MAGIC, true) !== BTREE_MAGIC) {
        throw this.corrupt(this.metaPageId, `block ${this.metaBlock} holds no B+-tree meta tuple of owner ${this.owner}`);
      }
      const version = v.getUint16(at + META_OFF_VERSION, true);
      if (version !== BTREE_FORMAT_VERSION) {
        throw new FlintError(SqlState.featureNotSupported, `B+-tree of owner ${this.owner} has format version ${version}; this Flint reads version ${BTREE_FORMAT_VERSION}`);
      }
      const root = v.getInt32(at + META_OFF_ROOT, true);
      const height = v.getInt32(at + META_OFF_HEIGHT, true);
      if (v.getUint32(at + META_OFF_OWNER, true) !== this.owner || !this.validNodeId(root) || height < 1 || height > MAX_BTREE_HEIGHT) {
        throw this.corrupt(this.metaPageId, `bad B+-tree meta tuple (root ${root}, height ${height})`);
      }
      this.root = root;
      this.height = height;
      this.freeHead = v.getInt32(at + META_OFF_FREE_HEAD, true);
      this.freeCount = v.getInt32(at + META_OFF_FREE_COUNT, true);
      this.nextUnused = v.getInt32(at + META_OFF_NEXT_UNUSED, true);
      this.#seenRedo = this.heap.redoCount;
    } finally {
      this.heap.unpinBlock(frame);
    }
  }

  /** Write the meta fields into a scratch tuple (valuePtr) for pageInsert/pageUpdate. */
  encodeMeta(): number {
    const v = this.view;
    const at = this.valuePtr;
    this.kernels.memFill(at, 0, META_SIZE);
    v.setUint32(at + META_OFF_MAGIC, BTREE_MAGIC, true);
    v.setUint16(at + META_OFF_VERSION, BTREE_FORMAT_VERSION, true);
    v.setUint32(at + META_OFF_OWNER, this.owner, true);
    v.setInt32(at + META_OFF_ROOT, this.root, true);
    v.setInt32(at + META_OFF_HEIGHT, this.height, true);
    v.setInt32(at + META_OFF_FREE_HEAD, this.freeHead, true);
    v.setInt32(at + META_OFF_FREE_COUNT, this.freeCount, true);
    v.setInt32(at + META_OFF_NEXT_UNUSED, this.nextUnused, true);
    return at;
  }

  /** Rewrite the meta tuple in place, inside a structural change (page 0's after-image is logged). */
  writeMeta(batch: PageBatch): void {
    const page0 = batch.touch(this.metaPageId);
    const src = this.encodeMeta();
    if (this.kernels.pageUpdate(page0, 0, src, META_SIZE) !== 1) throw this.corrupt(this.metaPageId, 'B+-tree meta tuple cannot be rewritten');
    this.#seenRedo = this.heap.redoCount;
  }

  // ---- pages ---------------------------------------------------------------------

  /** A page id that can name a node or a free page: pages 1..15 of a block the owner holds. */
  validNodeId(pageId: number): boolean {
    if (!Number.isSafeInteger(pageId) || pageId < PAGES_PER_BLOCK || pageId >= MAX_TREE_BLOCK * PAGES_PER_BLOCK || pageInBlock(pageId) === 0) return false;
    return this.heap.space.ownerOf(Math.floor(pageBlock(pageId) / BLOCKS_PER_SEGMENT)) === this.owner;
  }

  /** Pin the block holding a page; returns the frame. */
  pin(pageId: number): number {
    return this.heap.pinBlock(pageBlock(pageId));
  }

  unpin(frame: number): void {
    this.heap.unpinBlock(frame);
  }

  /** Offset of a page of a pinned frame in the kernels' memory. */
  node(frame: number, pageId: number): number {
    return this.heap.frameOffset(frame) + pageInBlock(pageId) * PAGE_SIZE;
  }

  /** The node's entry count, as the kernels' nodeCount reads it (without a call into the kernels). */
  count(node: number): number {
    const n = this.view.getUint16(node + PAGE_OFF_SLOT_COUNT, true);
    return n < MAX_NODE_SLOTS ? n : MAX_NODE_SLOTS;
  }

  pageLsn(node: number): number {
    return this.view.getUint32(node + PAGE_OFF_LSN, true) + this.view.getUint32(node + PAGE_OFF_LSN + 4, true) * 0x1_0000_0000;
  }

  /** Check that a pinned page is a node of the expected level; XX002 otherwise. */
  checkNode(node: number, pageId: number, level: number): void {
    const kind = this.u8[node + PAGE_OFF_KIND];
    const want = level === 0 ? PAGE_KIND_BTREE_LEAF : PAGE_KIND_BTREE_INTERNAL;
    if (kind !== want || this.view.getUint16(node + NODE_OFF_LEVEL, true) !== level) {
      throw this.corrupt(pageId, `expected a B+-tree node of level ${level}`);
    }
  }

  corrupt(pageId: number, what: string): FlintError {
    const offset = pageBlock(pageId) * PAGE_SIZE * PAGES_PER_BLOCK + pageInBlock(pageId) * PAGE_SIZE;
    return new FlintError(SqlState.indexCorrupted, `${what}: ${formatPageId(pageId)} of the B+-tree of owner ${this.owner} in ${this.heap.path} at offset ${offset}`, {
      file: this.heap.path,
      offset,
    });
  }

  // ---- descents ------------------------------------------------------------------

  /** Copy the first `len` bytes of a JS buffer to a scratch address. */
  copyIn(src: Uint8Array, len: number, dst: number): void {
    if (len === src.length) this.u8.set(src, dst);
    else for (let i = 0; i < len; i++) this.u8[dst + i] = src[i]!;
  }

  /**
   * The node at `level` whose key range holds the key at keyPtr: a descent
   * from the root through nodeChildFor, one kernel call per level.
   */
  descend(keyPtr: number, keyLen: number, level: number): number {
    let id = this.root;
    for (let l = this.height - 1; l > level; l--) {
      const frame = this.pin(id);
      const node = this.node(frame, id);
      let child: number;
      try {
        this.checkNode(node, id, l);
        child = this.kernels.nodeChildFor(node, keyPtr, keyLen);
      } finally {
        this.unpin(frame);
      }
      if (!this.validNodeId(child)) throw this.corrupt(id, `bad child page id ${child}`);
      id = child;
    }
    return id;
  }

  /** descend() for a key in a JS buffer (copied to the key scratch area first). */
  nodeAtLevel(key: Uint8Array, keyLen: number, level: number): number {
    this.copyIn(key, keyLen, this.keyPtr);
    return this.descend(this.keyPtr, keyLen, level);
  }

  /** The leftmost (or rightmost) leaf. */
  edgeLeaf(rightmost: boolean): number {
    let id = this.root;
    for (let l = this.height - 1; l > 0; l--) {
      const frame = this.pin(id);
      const node = this.node(frame, id);
      let child: number;
      try {
        this.checkNode(node, id, l);
        child = this.kernels.nodeChildAt(node, rightmost ? this.kernels.nodeCount(node) - 1 : -1);
      } finally {
        this.unpin(frame);
      }
      if (!this.validNodeId(child)) throw this.corrupt(id, `bad child page id ${child}`);
      id = child;
    }
    return id;
  }
}
