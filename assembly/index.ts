// Flint's WASM kernels: the module's exports. Every export takes and returns
// integers only; pointers are offsets into the imported memory that
// TypeScript created. Names match the Kernels interface in
// src/kernels/kernels.ts exactly, so the TS side binds them by name.

export { crc32c, crc32cRecords } from './crc32c';
export { memCompare, memCopy, memFill } from './mem';
export {
  pageInit, pageInsert, pageRead, pageDelete, pageUpdate, pageCompact,
  pageFreeSpace, pageNextSlot, pageLiveCount, pageSeal, pageVerify,
} from './page';
export { blockInit, blockFindPage, blockFindRoom, blockInsert, blockRefreshPage, blockSeal, blockVerify } from './block';
export {
  nodeInit, nodeCount, nodeSearch, nodeSeek, nodeChildFor, nodeInsert, nodeDelete,
  nodeKey, nodeValue, nodeChildAt, nodeSplitPoint, nodeSplit, nodeMerge, nodeCollect, nodeInsertRun, nodeAppendRun,
} from './btree-node';
export { lz4Compress, lz4Decompress } from './lz4';
export { pageMatchColumn, pageExtractColumns, tuplesExtract } from './heap-scan';

import { crc32cInit } from './crc32c';

/** End of the module's static data; TypeScript keeps its arenas above KERNEL_STATIC_BYTES. */
export function kernelStaticEnd(): usize {
  return __heap_base;
}

/** One-time setup after instantiation (lookup tables). */
export function kernelInit(): void {
  crc32cInit();
}
