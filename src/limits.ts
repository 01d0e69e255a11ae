// Sizes and limits of Flint, in one place.
//
// This file is compiled twice: by TypeScript for the engine and by
// AssemblyScript for the WASM kernels (assembly/ imports it as "../src/limits").
// So it may hold only `export const NAME = <integer expression>;` lines: no
// imports, no types, no functions. Both compilers then agree on every number.

/** A slotted page: the unit of point writes on uncompressed blocks. */
export const PAGE_SIZE = 4096;
/** A block: the unit of compression, flushes and buffer-pool frames. */
export const BLOCK_SIZE = 65536;
/** Pages in one block. */
export const PAGES_PER_BLOCK = 16;
/** A segment: the unit by which the heap file grows; owned by one table or index. */
export const SEGMENT_SIZE = 2097152;
/** Blocks in one segment. */
export const BLOCKS_PER_SEGMENT = 32;

/** Largest memcomparable key a B+-tree accepts (bytes, after encoding). */
export const MAX_KEY_SIZE = 1024;
/** Largest value stored beside a key in a B+-tree leaf (a tuple id or a primary key). */
export const MAX_INDEX_VALUE_SIZE = 1024;
/** Largest value the B+-tree of src/storage/index takes (an 8-byte tuple id or nothing; room to spare). */
export const MAX_BTREE_VALUE_SIZE = 16;
/** Most levels a B+-tree may have (bounds every descent; never reached in practice). */
export const MAX_BTREE_HEIGHT = 32;

/** Bytes at the bottom of the WASM memory reserved for the kernels' static data. */
export const KERNEL_STATIC_BYTES = 65536;
/** Scratch area handed to kernels for keys and other call arguments. */
export const KERNEL_SCRATCH_BYTES = 65536;
