// check(): verify every invariant of a B+-tree, level by level from the
// root, and its page accounting. For tests and diagnostics; it allocates
// freely and reads every page. The first violation throws an Error naming
// the page (a FlintError XX002, like any corruption found by the tree).
//
//   - the meta tuple: magic, version, owner, root and height in range;
//   - every node: the kind and level its depth implies, keys of 1..MAX_KEY_SIZE
//     bytes in strictly ascending order, each within the separators above it
//     (a child holds keys >= its entry's key and < the next entry's), leaf
//     values of at most MAX_BTREE_VALUE_SIZE bytes, internal entries' 4-byte
//     child ids, no leftmost child in leaves;
//   - sibling links: each level, left to right, is one doubly linked list
//     ending in NO_PAGE at both ends; the root has no siblings;
//   - every page is reached once: as a node or on the free list, whose length
//     is the meta's count; every page of the owner's blocks formatted as a
//     node or free page is reached (no leak), and no page at or beyond the
//     next never-used one is in use.

import {
  NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_RIGHT, NO_PAGE, PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_KIND_FREE,
  PAGE_OFF_KIND,
} from '../../kernels/layout.ts';
import { MAX_BTREE_VALUE_SIZE, MAX_KEY_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import { FREE_OFF_NEXT, makePageId, pageBlock, pageInBlock } from './btree-format.ts';
import type { TreeState } from './btree-state.ts';

export interface BTreeCheck {
  /** Entries in the leaves. */
  readonly entries: number;
  readonly height: number;
  /** Pages holding nodes. */
  readonly pages: number;
  /** Pages on the free list. */
  readonly freePages: number;
}

interface Pending {
  id: number;
  /** Keys in the node must be >= lo (if any) and < hi (if any). */
  lo: Uint8Array | undefined;
  hi: Uint8Array | undefined;
}

export function checkTree(s: TreeState): BTreeCheck {
  const k = s.kernels;
  const seen = new Set<number>();
  let level: Pending[] = [{ id: s.root, lo: undefined, hi: undefined }];
  let entries = 0;
  for (let l = s.height - 1; l >= 0; l--) {
    const below: Pending[] = [];
    for (let i = 0; i < level.length; i++) {
      const { id, lo, hi } = level[i]!;
      if (!s.validNodeId(id)) throw s.corrupt(s.metaPageId, `check: bad page id ${id} at level ${l}`);
      if (seen.has(id)) throw s.corrupt(id, 'check: page reached twice');
      seen.add(id);
      const frame = s.pin(id);
      try {
        const node = s.node(frame, id);
        s.checkNode(node, id, l);
        const left = s.view.getInt32(node + NODE_OFF_LEFT, true);
        const right = s.view.getInt32(node + NODE_OFF_RIGHT, true);
        const wantLeft = i > 0 ? level[i - 1]!.id : NO_PAGE;
        const wantRight = i + 1 < level.length ? level[i + 1]!.id : NO_PAGE;
        if (left !== wantLeft || right !== wantRight) {
          throw s.corrupt(id, `check: sibling links (${left}, ${right}), expected (${wantLeft}, ${wantRight})`);
        }
        const count = k.nodeCount(node);
        let previous: Uint8Array | undefined;
        const keys: Uint8Array[] = [];
        for (let pos = 0; pos < count; pos++) {
          const kp = k.nodeKey(node, pos);
          const vp = k.nodeValue(node, pos);
          if (kp < 0 || vp < 0) throw s.corrupt(id, `check: bad entry ${pos}`);
          const key = s.u8.slice(node + (kp >>> 16), node + (kp >>> 16) + (kp & 0xffff));
          if (key.length < 1 || key.length > MAX_KEY_SIZE) throw s.corrupt(id, `check: key ${pos} has ${key.length} bytes`);
          if (previous !== undefined && compareKeys(previous, key) >= 0) throw s.corrupt(id, `check: key ${pos} is not above key ${pos - 1}`);
          if (lo !== undefined && compareKeys(key, lo) < 0) throw s.corrupt(id, `check: key ${pos} is below the separator above it`);
          if (hi !== undefined && compareKeys(key, hi) >= 0) throw s.corrupt(id, `check: key ${pos} is not below the next separator above it`);
          if (l === 0 ? (vp & 0xffff) > MAX_BTREE_VALUE_SIZE : (vp & 0xffff) !== 4) throw s.corrupt(id, `check: value ${pos} has ${vp & 0xffff} bytes`);
          previous = key;
          keys.push(key);
        }
        if (l === 0) {
          if (s.view.getInt32(node + NODE_OFF_LEFTMOST, true) !== NO_PAGE) throw s.corrupt(id, 'check: a leaf has a leftmost child');
          entries += count;
        } else {
          below.push({ id: k.nodeChildAt(node, -1), lo, hi: count > 0 ? keys[0] : hi });
          for (let pos = 0; pos < count; pos++) {
            below.push({ id: k.nodeChildAt(node, pos), lo: keys[pos], hi: pos + 1 < count ? keys[pos + 1] : hi });
          }
        }
      } finally {
        s.unpin(frame);
      }
    }
    level = below;
  }
  const pages = seen.size;
  const freePages = checkFreeList(s, seen);
  checkAccounting(s, seen);
  return { entries, height: s.height, pages, freePages };
}

function checkFreeList(s: TreeState, seen: Set<number>): number {
  let count = 0;
  for (let id = s.freeHead; id !== NO_PAGE; count++) {
    if (count > s.freeCount) throw s.corrupt(s.metaPageId, `check: the free list is longer than its count ${s.freeCount}`);
    if (!s.validNodeId(id)) throw s.corrupt(s.metaPageId, `check: bad free page id ${id}`);
    if (seen.has(id)) throw s.corrupt(id, 'check: a free page is also in use');
    seen.add(id);
    const frame = s.pin(id);
    try {
      const page = s.node(frame, id);
      if (s.u8[page + PAGE_OFF_KIND] !== PAGE_KIND_FREE) throw s.corrupt(id, 'check: a page on the free list is not free');
      id = s.view.getInt32(page + FREE_OFF_NEXT, true);
    } finally {
      s.unpin(frame);
    }
  }
  if (count !== s.freeCount) throw s.corrupt(s.metaPageId, `check: the free list has ${count} pages, the meta says ${s.freeCount}`);
  return count;
}

/** Pages in use are exactly the reached ones; none at or beyond the next never-used page. */
function checkAccounting(s: TreeState, seen: Set<number>): void {
  const nextUnused = s.nextUnused;
  const newest = pageBlock(nextUnused - 1);
  if (!s.validNodeId(nextUnused - 1)) {
    throw s.corrupt(s.metaPageId, `check: bad next never-used page ${nextUnused}`);
  }
  for (const blockNo of s.heap.blocksOf(s.owner)) {
    const frame = s.heap.pinBlock(blockNo);
    try {
      for (let page = 1; page < PAGES_PER_BLOCK; page++) {
        const id = makePageId(blockNo, page);
        const kind = s.u8[s.node(frame, id) + PAGE_OFF_KIND];
        const inUse = kind === PAGE_KIND_BTREE_LEAF || kind === PAGE_KIND_BTREE_INTERNAL || kind === PAGE_KIND_FREE;
        if (inUse && !seen.has(id)) throw s.corrupt(id, 'check: a node or free page that nothing reaches (leaked)');
        if (blockNo === newest && id >= nextUnused && (inUse || seen.has(id))) throw s.corrupt(id, 'check: a page at or beyond the next never-used page is in use');
      }
    } finally {
      s.heap.unpinBlock(frame);
    }
  }
  for (const id of seen) if (pageInBlock(id) === 0) throw s.corrupt(id, 'check: page 0 of a block is in use as a node');
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}
