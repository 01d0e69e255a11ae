// Block compression codecs: the public surface of src/storage/compression.
// See docs/compression.md. The lz4-wasm-nodejs codec (./lz4-package.ts) is
// deliberately not exported here: see registry.ts.
export { CODEC_NUMBERS, type Codec, type CodecId } from './codec.ts';
export { CODEC_IDS, codecFor, type CodecOptions } from './registry.ts';
export { KernelLz4Codec, type KernelLz4Options } from './lz4-kernel.ts';
export { noneCodec } from './none.ts';
export { DEFAULT_ZSTD_LEVEL, MAX_ZSTD_INPUT_BYTES, ZstdCodec } from './zstd.ts';
