// The kernels' public surface: pick an implementation and create it over a
// memory of fixed size. `wasm` is the default; `ts` is used where
// WebAssembly is unavailable or when asked for (tests, benchmarks).

import { FlintError, SqlState } from '../errors.ts';
import { BLOCK_SIZE, KERNEL_SCRATCH_BYTES, KERNEL_STATIC_BYTES } from '../limits.ts';
import type { KernelKind, Kernels } from './kernels.ts';
import { createTsKernels } from './ts/index.ts';
import { createWasmKernels, wasmAvailable } from './wasm/wasm-kernels.ts';

export type { KernelKind, Kernels } from './kernels.ts';
export { KERNEL_FUNCTIONS, packedLength, packedOffset } from './kernels.ts';
export * as layout from './layout.ts';
export { wasmAvailable } from './wasm/wasm-kernels.ts';

export interface KernelOptions {
  /** Which implementation; default 'wasm', falling back to 'ts' where WebAssembly is missing. */
  kind?: KernelKind;
  /** Bytes of memory for the arena (buffer pool), excluding kernel static data and scratch. */
  arenaBytes: number;
}

/** The smallest arena accepted: room for a few blocks. */
export const MIN_ARENA_BYTES = 4 * BLOCK_SIZE;
/** WebAssembly memory32 cannot exceed 4 GiB; stay below it. */
export const MAX_ARENA_BYTES = 4 * 1024 * 1024 * 1024 - KERNEL_STATIC_BYTES - KERNEL_SCRATCH_BYTES - BLOCK_SIZE;

export function createKernels(options: KernelOptions): Kernels {
  const { arenaBytes } = options;
  if (!Number.isInteger(arenaBytes) || arenaBytes < MIN_ARENA_BYTES || arenaBytes > MAX_ARENA_BYTES) {
    throw new FlintError(
      SqlState.invalidParameterValue,
      `buffer pool size must be between ${MIN_ARENA_BYTES} and ${MAX_ARENA_BYTES} bytes, got ${arenaBytes}`,
    );
  }
  const rounded = Math.ceil(arenaBytes / BLOCK_SIZE) * BLOCK_SIZE;
  const memoryBytes = KERNEL_STATIC_BYTES + KERNEL_SCRATCH_BYTES + rounded;
  const kind = options.kind ?? (wasmAvailable() ? 'wasm' : 'ts');
  if (kind === 'wasm') {
    if (!wasmAvailable()) throw new FlintError(SqlState.featureNotSupported, 'kernels: "wasm" requested but this runtime has no WebAssembly');
    return createWasmKernels(memoryBytes);
  }
  if (kind !== 'ts') throw new FlintError(SqlState.invalidParameterValue, `kernels must be "wasm" or "ts", got "${String(kind)}"`);
  return createTsKernels(memoryBytes);
}
