export { BufferPool } from './buffer-pool.ts';
export type { BufferPoolOptions, BufferPoolStats, PoolFile, RegisterFileOptions } from './buffer-pool.ts';
