// Result codes and the output bound of the LZ4 block kernels (assembly/lz4.ts
// and its twin src/kernels/ts/lz4.ts). The AssemblyScript side declares the
// same numbers; test/storage/compression/lz4-kernel.test.ts checks the WASM
// kernel returns these codes and that both twins always return the same one.

/** lz4Compress: the output does not fit in dstCap. lz4Decompress: the output would pass dstCap. */
export const LZ4_ERR_DST_TOO_SMALL = -1;
/** lz4Decompress: the input ends inside a sequence. */
export const LZ4_ERR_TRUNCATED = -2;
/** lz4Decompress: a match offset of 0 or one reaching before the start of the output. */
export const LZ4_ERR_BAD_OFFSET = -3;

/** Largest LZ4 block for n input bytes (LZ4_COMPRESSBOUND): lz4Compress never fails with this much room. */
export function lz4Bound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}
