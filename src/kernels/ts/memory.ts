// The linear memory as the TypeScript twin sees it: one ArrayBuffer with a
// byte view and a DataView (little-endian access, like WebAssembly).
import type { Kernels } from '../kernels.ts';

export interface TsMemory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly view: DataView;
}

export function createTsMemory(memoryBytes: number): TsMemory {
  const buffer = new ArrayBuffer(memoryBytes);
  return { buffer, u8: new Uint8Array(buffer), view: new DataView(buffer) };
}

export type ByteKernels = Pick<Kernels, 'crc32c' | 'crc32cRecords' | 'memCompare' | 'memCopy' | 'memFill'>;
export type PageKernels = Pick<
  Kernels,
  | 'pageInit' | 'pageInsert' | 'pageRead' | 'pageDelete' | 'pageUpdate' | 'pageCompact'
  | 'pageFreeSpace' | 'pageNextSlot' | 'pageLiveCount' | 'pageSeal' | 'pageVerify'
>;
export type BlockKernels = Pick<Kernels, 'blockInit' | 'blockFindPage' | 'blockFindRoom' | 'blockInsert' | 'blockRefreshPage' | 'blockSeal' | 'blockVerify'>;
export type NodeKernels = Pick<
  Kernels,
  | 'nodeInit' | 'nodeCount' | 'nodeSearch' | 'nodeSeek' | 'nodeChildFor' | 'nodeInsert' | 'nodeDelete'
  | 'nodeKey' | 'nodeValue' | 'nodeChildAt' | 'nodeSplitPoint' | 'nodeSplit' | 'nodeMerge' | 'nodeCollect' | 'nodeInsertRun' | 'nodeAppendRun'
>;
export type Lz4Kernels = Pick<Kernels, 'lz4Compress' | 'lz4Decompress'>;
export type HeapScanKernels = Pick<Kernels, 'pageMatchColumn' | 'pageExtractColumns' | 'tuplesExtract'>;
