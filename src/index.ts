// Flint's public API. Everything a user imports comes from here.
//
// Today the package exposes its foundation: the kernels, the order-preserving
// key encoding, the vfs and the buffer pool. The SQL Database API lands on top
// of these (see README "State").

export { FlintError, SqlState } from './errors.ts';
export type { SqlStateCode, FlintErrorDetails } from './errors.ts';
export * as limits from './limits.ts';
export { createKernels, wasmAvailable, KERNEL_FUNCTIONS, packedLength, packedOffset } from './kernels/index.ts';
export type { KernelKind, Kernels, KernelOptions } from './kernels/index.ts';
export * from './encoding/index.ts';
export * from './storage/vfs/index.ts';
export { BufferPool } from './storage/buffer-pool/index.ts';
export type { BufferPoolOptions, BufferPoolStats } from './storage/buffer-pool/index.ts';
