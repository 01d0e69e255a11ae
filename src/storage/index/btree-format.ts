// On-page formats of the B+-tree besides the node itself (whose layout is in
// src/kernels/layout.ts): page ids, the meta tuple, free pages, and the
// scratch areas the tree uses in the kernels' memory.
//
// Page ids. A tree's pages live in blocks of the heap file owned by the
// tree's owner id. A page is named by one integer:
//
//   page id = heap block number * 16 + page in block        (NO_PAGE = -1)
//
// Node child and sibling links are i32, so a page id is below 2^31 (heap
// blocks below 2^27, the first 8 TiB of the heap file). Page 0 of every block
// keeps the block header blockInit wrote; nodes and free pages use pages
// 1..15.
//
// Meta tuple: slot 0 of page 0 of the tree's first block (its "meta block"),
// written with pageInsert and changed in place with pageUpdate, so the block
// header around it stays intact. It changes only in structural operations
// (whose INDEX_PAGES record carries page 0's after-image). The entry count is
// not kept: it changes with every insert and delete, and keeping it would
// log page 0 with each of them; check() counts entries instead.
//
// OFFSET SIZE DESCRIPTION
//      0    4 magic BTREE_MAGIC ("FLBT" in file order)
//      4    2 format version (BTREE_FORMAT_VERSION)
//      6    2 reserved (0)
//      8    4 owner id
//     12    4 root page id
//     16    4 height: levels of nodes; 1 = the root is a leaf
//     20    4 free-list head page id, NO_PAGE if the list is empty
//     24    4 pages on the free list
//     28    4 next never-used page id: the next page of the newest block to
//             hand out; a multiple of 16 means that block is used up
//
// Free page: a page freed by a merge or a root collapse, kind PAGE_KIND_FREE,
// formatted by pageInit (empty slot directory at 48), so its after-image is
// 48 bytes. Allocation pops the free list before it takes a never-used page.
//
// OFFSET SIZE DESCRIPTION
//      0   32 page header (kind PAGE_KIND_FREE, LSN)
//     32    4 next free page id, NO_PAGE at the end of the list
//     36   12 reserved (0)

import { MAX_KEY_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import { NODE_HEADER_OFFSET, NODE_HEADER_SIZE } from '../../kernels/layout.ts';

export const BTREE_MAGIC = 0x54424c46; // "FLBT" read as a little-endian u32
export const BTREE_FORMAT_VERSION = 1;

export const META_SIZE = 32;
export const META_OFF_MAGIC = 0;
export const META_OFF_VERSION = 4;
export const META_OFF_OWNER = 8;
export const META_OFF_ROOT = 12;
export const META_OFF_HEIGHT = 16;
export const META_OFF_FREE_HEAD = 20;
export const META_OFF_FREE_COUNT = 24;
export const META_OFF_NEXT_UNUSED = 28;

/** First byte of a node's (and a free page's) slot directory. */
export const NODE_DIR = NODE_HEADER_OFFSET + NODE_HEADER_SIZE;
export const FREE_OFF_NEXT = 32;

/** Page ids are i32: blocks at or beyond this cannot hold tree pages. */
export const MAX_TREE_BLOCK = 2 ** 27;

/**
 * A node with fewer used bytes (entries and slots) than this after a delete
 * is merged with a sibling when the two fit in one page: about a quarter.
 */
export const UNDERFULL_BYTES = 1012;

// Scratch areas, relative to kernels.scratchOffset: keys and values handed to
// node kernels. Nothing keeps data there across a call into other code.
export const SCRATCH_KEY = 0;
export const SCRATCH_VALUE = MAX_KEY_SIZE;
export const SCRATCH_SEP = 2 * MAX_KEY_SIZE;
/** A page's room: where redo of a split (INDEX_PAGES FORM_SPLIT) lets nodeSplit build the right half it does not need. */
export const SCRATCH_SPLIT_RIGHT = 3 * MAX_KEY_SIZE;
/** BTree.insertPacked: the entries staged for one nodeInsertRun call, and the INDEX_INSERTS record it writes. */
export const SCRATCH_RUN_IN = 8 * 1024;
export const SCRATCH_RUN_IN_BYTES = 16 * 1024;
export const SCRATCH_RUN_OUT = SCRATCH_RUN_IN + SCRATCH_RUN_IN_BYTES;

export function makePageId(blockNo: number, page: number): number {
  return blockNo * PAGES_PER_BLOCK + page;
}

export function pageBlock(pageId: number): number {
  return Math.floor(pageId / PAGES_PER_BLOCK);
}

export function pageInBlock(pageId: number): number {
  return pageId % PAGES_PER_BLOCK;
}

/** "page 37 (block 2, page 5)" for messages. */
export function formatPageId(pageId: number): string {
  return `page ${pageId} (block ${pageBlock(pageId)}, page ${pageInBlock(pageId)})`;
}
