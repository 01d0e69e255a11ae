// codecFor(id): the codec that reads and writes blocks of a given id.
//
// 'lz4' is Flint's own kernel (measured faster than the lz4-wasm-nodejs
// package and working in place on the buffer pool; docs/compression.md has
// the numbers). The package codec writes the same format but is not
// reachable from here on purpose: it reads its .wasm with fs at import
// time, so it stays out of the engine's import graph (and its bundle); the
// tests and bench/compression import ./lz4-package.ts directly.
import { FlintError, SqlState } from '../../errors.ts';
import type { KernelKind, Kernels } from '../../kernels/index.ts';
import type { Codec, CodecId } from './codec.ts';
import { KernelLz4Codec } from './lz4-kernel.ts';
import { noneCodec } from './none.ts';
import { DEFAULT_ZSTD_LEVEL, ZstdCodec } from './zstd.ts';

export interface CodecOptions {
  /** Kernels for the LZ4 kernel codec (the engine's, so it works in place on the buffer pool); default a private instance. */
  kernels?: Kernels;
  /** Kernel implementation when the codec makes its own kernels. */
  kernelKind?: KernelKind;
  /** Zstd level, 1..19; default 3. */
  zstdLevel?: number;
}

export const CODEC_IDS: readonly CodecId[] = ['none', 'lz4', 'zstd'];

// Without the caller's kernels, the LZ4 codec needs its own (about 1 MiB of
// memory for staging); one per kernel kind is shared by every such call.
const sharedLz4Codecs = new Map<KernelKind | undefined, KernelLz4Codec>();

function sharedLz4(kind: KernelKind | undefined): KernelLz4Codec {
  let codec = sharedLz4Codecs.get(kind);
  if (!codec) {
    codec = new KernelLz4Codec(kind ? { kind } : {});
    sharedLz4Codecs.set(kind, codec);
  }
  return codec;
}

export function codecFor(id: CodecId, options: CodecOptions = {}): Codec {
  switch (id) {
    case 'none':
      return noneCodec;
    case 'lz4':
      if (options.kernels) return new KernelLz4Codec({ kernels: options.kernels });
      return sharedLz4(options.kernelKind);
    case 'zstd':
      return new ZstdCodec(options.zstdLevel ?? DEFAULT_ZSTD_LEVEL);
    default:
      throw new FlintError(SqlState.invalidParameterValue, `unknown compression codec "${String(id)}" (expected none, lz4 or zstd)`);
  }
}
