// The pure TypeScript twin of the WASM kernels: same signatures, same bytes.
// Used where WebAssembly is unavailable, as the reference in agreement tests,
// and as the baseline in bench/kernels.
import { KERNEL_SCRATCH_BYTES, KERNEL_STATIC_BYTES } from '../../limits.ts';
import type { Kernels } from '../kernels.ts';
import { createBlockKernels } from './block.ts';
import { createNodeKernels } from './btree-node.ts';
import { createByteKernels } from './bytes.ts';
import { createHeapScanKernels } from './heap-scan.ts';
import { createLz4Kernels } from './lz4.ts';
import { createTsMemory } from './memory.ts';
import { createPageKernels } from './page.ts';

export function createTsKernels(memoryBytes: number): Kernels {
  const mem = createTsMemory(memoryBytes);
  const bytes = createByteKernels(mem);
  const page = createPageKernels(mem, bytes);
  const block = createBlockKernels(mem, bytes, page);
  const node = createNodeKernels(mem, bytes, page);
  const lz4 = createLz4Kernels(mem);
  const heapScan = createHeapScanKernels(mem);
  return {
    kind: 'ts',
    buffer: mem.buffer,
    scratchOffset: KERNEL_STATIC_BYTES,
    arenaOffset: KERNEL_STATIC_BYTES + KERNEL_SCRATCH_BYTES,
    memoryBytes,
    ...bytes,
    ...page,
    ...block,
    ...node,
    ...lz4,
    ...heapScan,
  };
}
