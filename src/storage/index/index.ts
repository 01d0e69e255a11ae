// Index storage: the persistent B+-tree (btree.ts) and the redo of its WAL
// records (btree-redo.ts, called by Heap.redo).

export { BTree, type BTreeCheck, type BTreeCursor, type BTreeEntry, type BTreeScanOptions, type ValueReader } from './btree.ts';
export { redoIndexRecord } from './btree-redo.ts';
