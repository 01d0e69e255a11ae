// Shared by the kernel tests: one suite runs against both implementations.
import { createKernels, type Kernels } from '../../src/kernels/index.ts';

export const KERNEL_KINDS = ['wasm', 'ts'] as const;

/** A fresh Kernels instance of `kind` with an arena of arenaBytes (default 1 MiB). */
export function makeKernels(kind: (typeof KERNEL_KINDS)[number], arenaBytes = 1 << 20): Kernels {
  return createKernels({ kind, arenaBytes });
}
