// The vfs: every file access of Flint goes through these interfaces.
//
//   createNodeVfs()     the real file system (node:fs; Node, Bun and Deno)
//   createMemoryVfs()   in memory, with a durable/current split for crash()
//   createFaultVfs()    the memory vfs plus seeded faults: crashes at any
//                       operation, torn writes, EIO, ENOSPC, bit flips
//
// See docs/vfs.md for the fault model.

export type { OpenOptions, Vfs, VfsFile, VfsLock } from './vfs.ts';
export { createNodeVfs } from './node-vfs.ts';
export { createMemoryVfs, SECTOR_SIZE, type CrashOptions, type MemoryVfs, type MemoryVfsOptions, type TornWrite } from './memory-vfs.ts';
export {
  createFaultVfs,
  FAULT_OPS,
  SimulatedCrash,
  type BitFlip,
  type FaultCrashOptions,
  type FaultEffect,
  type FaultOp,
  type FaultRule,
  type FaultVfs,
  type FaultVfsOptions,
} from './fault-vfs.ts';
export { Prng } from './prng.ts';
export { baseName, joinPath, normalizePath, parentDir } from './path.ts';
export { vfsError, type VfsErrorContext } from './vfs-error.ts';
