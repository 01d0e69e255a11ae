// Flint's public API. Everything a user imports comes from here.
//
// The SQL API first (Database, Statement, Session; docs in src/db/), then
// the foundation it stands on, for tools: the kernels, the order-preserving
// key encoding, the vfs and the buffer pool.

export { Database, Statement } from './db/database.ts';
export type { DatabaseOptions, RunResult, Row, ColumnInfo } from './db/database.ts';
export { Session } from './db/session.ts';
export type { QueryResult } from './db/session.ts';
export type { JsValue } from './db/js-values.ts';
export { checkDatabase } from './db/check.ts';
export { memoryLimit, setMemoryLimit } from './db/memory-guard.ts';
export type { CheckReport, CheckOptions, CheckProblem } from './db/check.ts';
export { FlintError, SqlState } from './errors.ts';
export type { SqlStateCode, FlintErrorDetails } from './errors.ts';
export * as limits from './limits.ts';
export { createKernels, wasmAvailable, KERNEL_FUNCTIONS, packedLength, packedOffset } from './kernels/index.ts';
export type { KernelKind, Kernels, KernelOptions } from './kernels/index.ts';
export * from './encoding/index.ts';
export * from './storage/vfs/index.ts';
export { BufferPool } from './storage/buffer-pool/index.ts';
export type { BufferPoolOptions, BufferPoolStats } from './storage/buffer-pool/index.ts';
