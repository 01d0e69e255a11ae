// Every codec behind the Codec interface: round trips on random and realistic
// data, blocks written by one LZ4 implementation read by the other, a too
// small output is 54000, and corrupt compressed bytes (bit flips, truncation,
// junk, a wrong expected length) always end in FlintError XX001 or in exactly
// the expected number of bytes, never in another exception or a wrong length.
// (Detecting a flipped byte that still decodes is the block checksum's job.)
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { createKernels } from '../../../src/kernels/index.ts';
import {
  CODEC_IDS, CODEC_NUMBERS, KernelLz4Codec, MAX_ZSTD_INPUT_BYTES, ZstdCodec, codecFor, noneCodec, type Codec,
} from '../../../src/storage/compression/index.ts';
import { packageLz4Codec } from '../../../src/storage/compression/lz4-package.ts';
import { expectBytes } from './bytes.ts';
import { CORPUS_KINDS, corpus } from './corpus.ts';

const CODECS: readonly Codec[] = [
  noneCodec,
  new KernelLz4Codec({ kind: 'wasm' }),
  new KernelLz4Codec({ kind: 'ts' }),
  packageLz4Codec,
  new ZstdCodec(1),
  new ZstdCodec(3),
];

const MAX_INPUT = 256 * 1024;

function compressed(codec: Codec, input: Uint8Array): Uint8Array {
  const dst = new Uint8Array(codec.maxCompressedSize(input.length));
  const n = codec.compress(input, dst);
  expect(n).toBeLessThanOrEqual(dst.length);
  return dst.slice(0, n);
}

/** The error code decompression raised, or 'ok' when it produced exactly the expected length. */
function decodeOutcome(codec: Codec, bytes: Uint8Array, expectedLength: number): string {
  const out = new Uint8Array(expectedLength);
  try {
    expect(codec.decompress(bytes, out)).toBe(expectedLength);
    return 'ok';
  } catch (error) {
    if (!(error instanceof FlintError)) throw error;
    expect(error.code).toBe('XX001');
    expect(error.message).toContain('corrupt compressed data');
    return error.code;
  }
}

const sizeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 64 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 70_000 }), weight: 4 },
  { arbitrary: fc.constantFrom(65536, 131072), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: MAX_INPUT }), weight: 1 },
);
const inputArb = fc.record({ kind: fc.constantFrom(...CORPUS_KINDS), size: sizeArb, seed: fc.integer({ min: 0, max: 1 << 20 }) });

describe.each(CODECS.map((codec) => [codec.name, codec] as const))('%s', (_name, codec) => {
  it('round trips random and realistic data of 0..256 KiB', () => {
    fc.assert(
      fc.property(inputArb, ({ kind, size, seed }) => {
        const input = corpus(kind, size, seed);
        const block = compressed(codec, input);
        const out = new Uint8Array(size);
        expect(codec.decompress(block, out)).toBe(size);
        expectBytes(out, input);
      }),
      { seed: 23, numRuns: 60 },
    );
  });

  it('round trips every corpus kind at one block', () => {
    for (const kind of CORPUS_KINDS) {
      const input = corpus(kind, 65536, 5);
      const block = compressed(codec, input);
      if (codec.id !== 'none' && kind !== 'random') expect(block.length).toBeLessThan(input.length);
      const out = new Uint8Array(input.length);
      codec.decompress(block, out);
      expectBytes(out, input);
    }
  });

  it('fails with 54000 when the output is too small, and not otherwise', () => {
    const input = corpus('customers', 20_000, 9);
    const size = compressed(codec, input).length;
    expect(() => codec.compress(input, new Uint8Array(size - 1))).toThrow(expect.objectContaining({ code: '54000' }));
    expect(codec.compress(input, new Uint8Array(size))).toBe(size);
  });

  it('turns corrupt compressed bytes into XX001 or exactly the expected length', () => {
    const corruption = fc.oneof(
      fc.record({ how: fc.constant('flip' as const), flips: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }),
      fc.record({ how: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
      fc.record({ how: fc.constant('junk' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
      fc.record({ how: fc.constant('length' as const), delta: fc.integer({ min: -5000, max: 5000 }).filter((d) => d !== 0) }),
    );
    fc.assert(
      fc.property(inputArb, corruption, ({ kind, size, seed }, c) => {
        const input = corpus(kind, Math.min(size, 70_000), seed);
        const block = compressed(codec, input);
        let bad: Uint8Array = block.slice();
        let expectedLength = input.length;
        if (c.how === 'flip') {
          if (bad.length === 0) return;
          for (const f of c.flips) bad[f % bad.length]! ^= 1 << (f % 8);
        } else if (c.how === 'truncate') {
          bad = block.subarray(0, Math.floor(block.length * c.keep));
        } else if (c.how === 'junk') {
          if (bad.length === 0) return;
          const at = c.at % bad.length;
          bad.set(c.junk.subarray(0, bad.length - at), at);
        } else {
          expectedLength = Math.max(0, input.length + c.delta);
          if (expectedLength === input.length) return;
        }
        const outcome = decodeOutcome(codec, bad, expectedLength);
        // Truncation and a wrong length can never decode to the expected length.
        if (c.how === 'truncate' || c.how === 'length') expect(outcome).toBe('XX001');
      }),
      { seed: 29, numRuns: 300 },
    );
  });

  it('decodes arbitrary bytes to XX001 or the expected length, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: 100_000 }), (junk, expectedLength) => {
        decodeOutcome(codec, junk, expectedLength);
      }),
      { seed: 31, numRuns: 300 },
    );
  });
});

describe('LZ4 implementations share one format', () => {
  const implementations = [new KernelLz4Codec({ kind: 'wasm' }), new KernelLz4Codec({ kind: 'ts' }), packageLz4Codec];
  it('reads every implementation with every other', () => {
    for (const kind of CORPUS_KINDS) {
      const input = corpus(kind, 100_000, 2);
      for (const writer of implementations) {
        const block = compressed(writer, input);
        for (const reader of implementations) {
          const out = new Uint8Array(input.length);
          reader.decompress(block, out);
          expectBytes(out, input);
        }
      }
    }
  });
});

describe('the kernel LZ4 codec in place', () => {
  it('compresses and decompresses views over kernel memory without staging', () => {
    const kernels = createKernels({ kind: 'wasm', arenaBytes: 8 * 65536 });
    const codec = new KernelLz4Codec({ kernels }); // no work area: only views over its memory work
    const u8 = new Uint8Array(kernels.buffer);
    const frame = u8.subarray(kernels.arenaOffset, kernels.arenaOffset + 65536);
    const packed = u8.subarray(kernels.arenaOffset + 65536, kernels.arenaOffset + 65536 + codec.maxCompressedSize(65536));
    const back = u8.subarray(kernels.arenaOffset + 3 * 65536, kernels.arenaOffset + 4 * 65536);
    const input = corpus('pgbench-block', 65536, 4);
    frame.set(input);
    const n = codec.compress(frame, packed);
    expect(codec.decompress(packed.subarray(0, n), back)).toBe(65536);
    expectBytes(back, input);
    expect(codec.compressAt(kernels.arenaOffset, 65536, kernels.arenaOffset + 65536, n)).toBe(n);
    // An array outside kernel memory needs a work area, which this codec has not got.
    expect(() => codec.compress(input, new Uint8Array(codec.maxCompressedSize(65536)))).toThrow(expect.objectContaining({ code: '54000' }));
    // Ranges outside kernel memory are refused before the kernel runs.
    expect(() => codec.decompressAt(kernels.memoryBytes - 10, 20, kernels.arenaOffset, 100)).toThrow(FlintError);
    expect(() => codec.compressAt(kernels.arenaOffset, 65536, kernels.arenaOffset + 60000, 70000)).toThrow(/overlap/);
  });

  it('refuses overlapping input and output', () => {
    const codec = new KernelLz4Codec({ kind: 'ts' });
    const buffer = new Uint8Array(1000);
    expect(() => codec.compress(buffer.subarray(0, 600), buffer.subarray(500))).toThrow(/overlap/);
  });
});

describe('zstd', () => {
  it('starts synchronously and handles the empty input (the package wrapper returns null for it)', () => {
    const codec = new ZstdCodec();
    const block = compressed(codec, new Uint8Array(0));
    expect(block.length).toBeGreaterThan(0);
    expect(codec.decompress(block, new Uint8Array(0))).toBe(0);
  });

  it('names the declared size when the expected length is wrong', () => {
    const codec = new ZstdCodec(3);
    const block = compressed(codec, corpus('json', 5000, 1));
    expect(() => codec.decompress(block, new Uint8Array(4999))).toThrow(/declares 5000 bytes, expected 4999/);
  });

  it('bounds one call below its fixed heap and validates the level', () => {
    const codec = new ZstdCodec(1);
    const big = new Uint8Array(MAX_ZSTD_INPUT_BYTES + 1);
    expect(() => codec.compress(big, new Uint8Array(codec.maxCompressedSize(big.length)))).toThrow(expect.objectContaining({ code: '54000' }));
    expect(() => new ZstdCodec(0)).toThrow(expect.objectContaining({ code: '22023' }));
    expect(() => new ZstdCodec(20)).toThrow(FlintError);
  });

  it('compresses realistic blocks better than LZ4', () => {
    const input = corpus('customer-block', 65536, 8);
    expect(compressed(new ZstdCodec(3), input).length).toBeLessThan(compressed(packageLz4Codec, input).length);
  });
});

describe('codecFor', () => {
  it('returns a codec of each id, the kernel for lz4', () => {
    for (const id of CODEC_IDS) expect(codecFor(id).id).toBe(id);
    expect(codecFor('lz4')).toBeInstanceOf(KernelLz4Codec);
    expect((codecFor('lz4', { kernelKind: 'ts' }) as KernelLz4Codec).kernels.kind).toBe('ts');
    expect(codecFor('lz4')).toBe(codecFor('lz4')); // one private kernels instance, not one per call
    const kernels = createKernels({ kind: 'ts', arenaBytes: 4 * 65536 });
    expect((codecFor('lz4', { kernels }) as KernelLz4Codec).kernels).toBe(kernels);
    expect((codecFor('zstd', { zstdLevel: 1 }) as ZstdCodec).level).toBe(1);
    expect(CODEC_NUMBERS).toEqual({ none: 0, lz4: 1, zstd: 2 });
  });

  it('rejects an unknown id with 22023', () => {
    expect(() => codecFor('snappy' as never)).toThrow(expect.objectContaining({ code: '22023' }));
  });
});
