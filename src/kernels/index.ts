// The kernels' public surface: pick an implementation and create it over a
// memory of fixed size. `wasm` is the default; `ts` is used where
// WebAssembly is unavailable or when asked for (tests, benchmarks).

import { FlintError, SqlState } from '../errors.ts';
import { BLOCK_SIZE, KERNEL_SCRATCH_BYTES, KERNEL_STATIC_BYTES } from '../limits.ts';
import type { KernelKind, Kernels } from './kernels.ts';
import { createTsKernels } from './ts/index.ts';
import { createWasmKernels, releaseWasmKernels, takeIdleWasmKernels, wasmAvailable } from './wasm/wasm-kernels.ts';

export type { KernelKind, Kernels } from './kernels.ts';
export { KERNEL_FUNCTIONS, packedLength, packedOffset } from './kernels.ts';
export * as layout from './layout.ts';
export { wasmAvailable } from './wasm/wasm-kernels.ts';

export interface KernelOptions {
  /** Which implementation; default 'wasm', falling back to 'ts' where WebAssembly is missing. */
  kind?: KernelKind;
  /** Bytes of memory for the arena (buffer pool), excluding kernel static data and scratch. */
  arenaBytes: number;
  /**
   * Take a released WASM instance of the same memory size if there is one
   * (releaseKernels) instead of instantiating a new one. Its arena holds
   * what its last user left there: only for a user that writes every byte
   * before reading it (the engine: the buffer pool reads or zero-fills a
   * frame before use, the WAL writes its records before sealing them).
   */
  reuse?: boolean;
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
    return (options.reuse === true ? takeIdleWasmKernels(memoryBytes) : undefined) ?? createWasmKernels(memoryBytes);
  }
  if (kind !== 'ts') throw new FlintError(SqlState.invalidParameterValue, `kernels must be "wasm" or "ts", got "${String(kind)}"`);
  return createTsKernels(memoryBytes);
}

/**
 * The user of `kernels` is done with them and nothing touches their memory
 * any more (a closed database): a WASM instance is kept, for
 * IDLE_KERNELS_KEEP_MS, for the next createKernels({ reuse: true }) of the
 * same memory size. A new instance costs more than its own making: its
 * memory (the whole pool, initial = maximum) counts as external memory to
 * V8, whose "external memory pressure" then starts full GCs over the whole
 * JS heap, and its export functions are new call targets at the kernel
 * call sites. In bench:peers' sequence (a fresh database for each bulk
 * load while the loaded one stays open: bench/multi-db.ts --mode peers) a
 * process ran 17 GCs for external memory pressure in 10 rounds instead of
 * 2, and spent ~25% more CPU a bulk-loaded row. Only the instance released last is kept, so closed databases hold
 * at most one pool's memory, and for a bounded time. TS kernels: nothing
 * to keep.
 */
export function releaseKernels(kernels: Kernels): void {
  if (kernels.kind === 'wasm') releaseWasmKernels(kernels);
}
