// The codec contract: one interface for every block compressor, whatever
// implements it (an AssemblyScript kernel, its TypeScript twin, an npm
// package). Codecs compress whole blocks; the block layer (step 2 of issue 7,
// not built yet, see docs/compression.md) stores the codec id, the compressed
// length and the logical length in the block header and a CRC32C of both the
// compressed bytes and the logical content.
//
// Rules every codec follows:
//   - compress(src, dst) writes into dst and returns the bytes written; if
//     they do not fit it throws FlintError 54000 (dst holds garbage then).
//     dst.length >= maxCompressedSize(src.length) always fits.
//   - decompress(src, dst) must produce exactly dst.length bytes: the caller
//     knows the logical length from the block header. Malformed input, an
//     output that would be longer or shorter, or any failure inside the
//     implementation is FlintError XX001 (data_corrupted), never an
//     exception of another kind, never a trap, never silently wrong length.
//   - A codec does not detect every corruption: a flipped literal byte
//     decompresses "successfully" to the wrong bytes. The block layer's
//     checksums catch that; a codec only guarantees the length and the bounds.
//   - src and dst must not overlap.
import { FlintError, SqlState } from '../../errors.ts';

/** The codecs a block can be stored with; the number is the block header's codec byte. */
export type CodecId = 'none' | 'lz4' | 'zstd';

export const CODEC_NUMBERS: Readonly<Record<CodecId, number>> = { none: 0, lz4: 1, zstd: 2 };

export interface Codec {
  /** The format: blocks written by one implementation of an id are read by every other. */
  readonly id: CodecId;
  /** The implementation, for messages and benchmarks ("lz4 kernel (wasm)", "zstd-codec level 3"). */
  readonly name: string;
  /** The most bytes compress() can write for n input bytes. */
  maxCompressedSize(n: number): number;
  /** Compress all of src into dst; returns the bytes written. FlintError 54000 if they do not fit. */
  compress(src: Uint8Array, dst: Uint8Array): number;
  /** Decompress src into exactly dst.length bytes; returns dst.length. FlintError XX001 otherwise. */
  decompress(src: Uint8Array, dst: Uint8Array): number;
}

/** The error for compressed bytes that do not decode to what the caller expects. */
export function corruptCompressed(codec: string, what: string, cause?: unknown): FlintError {
  return new FlintError(SqlState.dataCorrupted, `${codec}: corrupt compressed data: ${what}`, cause === undefined ? {} : { cause });
}

/** The error for an output buffer too small for the compressed bytes. */
export function outputTooSmall(codec: string, inputBytes: number, capacity: number): FlintError {
  return new FlintError(
    SqlState.programLimitExceeded,
    `${codec}: ${inputBytes} bytes do not compress into ${capacity} bytes`,
  );
}

/** Throws if src and dst share bytes of one buffer. */
export function checkDisjoint(codec: string, src: Uint8Array, dst: Uint8Array): void {
  if (src.buffer !== dst.buffer) return;
  const a = src.byteOffset;
  const b = dst.byteOffset;
  if (a < b + dst.length && b < a + src.length) {
    throw new FlintError(SqlState.internalError, `${codec}: input and output overlap`);
  }
}
