// The LZ4 block kernels (assembly/lz4.ts and its twin src/kernels/ts/lz4.ts):
// the twins agree byte for byte, round trip, write valid LZ4 block format
// (the lz4-wasm-nodejs package decodes our blocks and we decode its blocks),
// and never read or write outside the ranges they are given, whatever the
// input. Seeds are fixed, so any failure replays.
import * as fc from 'fast-check';
import * as lz4Package from 'lz4-wasm-nodejs';
import { describe, expect, it } from 'vitest';
import { createKernels, type Kernels } from '../../../src/kernels/index.ts';
import { LZ4_ERR_BAD_OFFSET, LZ4_ERR_DST_TOO_SMALL, LZ4_ERR_TRUNCATED, lz4Bound } from '../../../src/kernels/lz4-codes.ts';
import { expectBytes, expectSameResult, firstDifference } from './bytes.ts';
import { CORPUS_KINDS, corpus } from './corpus.ts';

const MAX_INPUT = 256 * 1024;
const GUARD = 64;
const GUARD_BYTE = 0xa5;

/** A kernel instance with room for an input, its bound and a decoded copy, each followed by guard bytes. */
class Lab {
  readonly k: Kernels;
  readonly u8: Uint8Array;
  readonly src: number;
  readonly dst: number;
  readonly out: number;
  constructor(kind: 'wasm' | 'ts') {
    this.k = createKernels({ kind, arenaBytes: 16 * 65536 });
    this.u8 = new Uint8Array(this.k.buffer);
    this.src = this.k.arenaOffset;
    this.dst = this.src + MAX_INPUT + GUARD + 4096;
    this.out = this.dst + lz4Bound(MAX_INPUT) + GUARD + 4096;
  }

  /** Put bytes at `at`, with guard bytes on both sides of [at, at+cap). */
  place(at: number, bytes: Uint8Array, cap = bytes.length): void {
    this.u8.fill(GUARD_BYTE, at - GUARD, at + cap + GUARD);
    this.u8.set(bytes, at);
  }

  guardsIntact(at: number, cap: number): boolean {
    for (let i = at - GUARD; i < at; i++) if (this.u8[i] !== GUARD_BYTE) return false;
    for (let i = at + cap; i < at + cap + GUARD; i++) if (this.u8[i] !== GUARD_BYTE) return false;
    return true;
  }

  /** Compressed bytes of input, or the error code. */
  compress(input: Uint8Array, cap = lz4Bound(input.length)): Uint8Array | number {
    this.place(this.src, input);
    this.u8.fill(GUARD_BYTE, this.dst - GUARD, this.dst + cap + GUARD);
    const n = this.k.lz4Compress(this.src, input.length, this.dst, cap);
    expect(this.guardsIntact(this.dst, cap)).toBe(true);
    return n < 0 ? n : this.u8.slice(this.dst, this.dst + n);
  }

  /** Decoded bytes, or the error code; checks the kernel stayed inside [out, out+cap) and left src alone. */
  decompress(block: Uint8Array, cap: number): Uint8Array | number {
    this.place(this.src, block);
    this.u8.fill(GUARD_BYTE, this.out - GUARD, this.out + cap + GUARD);
    const n = this.k.lz4Decompress(this.src, block.length, this.out, cap);
    expect(this.guardsIntact(this.out, cap)).toBe(true);
    expect(firstDifference(this.u8.subarray(this.src, this.src + block.length), block)).toBe(-1);
    if (n >= 0) expect(n).toBeLessThanOrEqual(cap);
    return n < 0 ? n : this.u8.slice(this.out, this.out + n);
  }
}

const wasm = new Lab('wasm');
const ts = new Lab('ts');

/** The package's framing: a u32 LE length, then the block. */
function framed(block: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(4 + block.length);
  new DataView(out.buffer).setUint32(0, length, true);
  out.set(block, 4);
  return out;
}

const sizeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 70_000 }), weight: 4 },
  { arbitrary: fc.constantFrom(12, 13, 14, 15, 16, 17, 65535, 65536, 65537, 131072), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: MAX_INPUT }), weight: 1 },
);
const inputArb = fc.record({ kind: fc.constantFrom(...CORPUS_KINDS), size: sizeArb, seed: fc.integer({ min: 0, max: 1 << 20 }) });

describe('lz4 kernels', () => {
  it('agree byte for byte, round trip, and stay compatible with lz4-wasm-nodejs both ways', () => {
    fc.assert(
      fc.property(inputArb, ({ kind, size, seed }) => {
        const input = corpus(kind, size, seed);
        const a = wasm.compress(input);
        const b = ts.compress(input);
        expect(a).toBeInstanceOf(Uint8Array);
        expectSameResult(b, a);
        const block = a as Uint8Array;
        expect(block.length).toBeLessThanOrEqual(lz4Bound(size));
        expectBytes(wasm.decompress(block, size), input);
        expectBytes(ts.decompress(block, size), input);
        // The package decodes our block ...
        expectBytes(lz4Package.decompress(framed(block, size)), input);
        // ... and we decode its block.
        const theirs = lz4Package.compress(input).subarray(4);
        expectBytes(wasm.decompress(theirs, size), input);
        expectBytes(ts.decompress(theirs, size), input);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('compresses the empty input to one zero token, as the reference does', () => {
    expect(wasm.compress(new Uint8Array(0))).toEqual(Uint8Array.of(0));
    expect(ts.compress(new Uint8Array(0))).toEqual(Uint8Array.of(0));
    expect(wasm.decompress(Uint8Array.of(0), 0)).toEqual(new Uint8Array(0));
    expect(wasm.decompress(new Uint8Array(0), 0)).toBe(LZ4_ERR_TRUNCATED);
    expect(ts.decompress(new Uint8Array(0), 0)).toBe(LZ4_ERR_TRUNCATED);
  });

  it('compresses well what should compress well', () => {
    const zeros = wasm.compress(new Uint8Array(65536)) as Uint8Array;
    expect(zeros.length).toBeLessThan(300);
    const text = corpus('customers', 65536, 3);
    expect((wasm.compress(text) as Uint8Array).length).toBeLessThan(text.length * 0.6);
  });

  it('report a too small output the same way and never write past it', () => {
    fc.assert(
      fc.property(inputArb, fc.double({ min: 0, max: 1.05, noNaN: true }), ({ kind, size, seed }, fraction) => {
        const input = corpus(kind, size, seed);
        const full = (wasm.compress(input) as Uint8Array).length;
        const cap = Math.floor(full * fraction);
        const a = wasm.compress(input, cap);
        const b = ts.compress(input, cap);
        if (cap >= full) {
          expectSameResult(a, b);
          expect((a as Uint8Array).length).toBe(full);
        } else {
          expect(a).toBe(LZ4_ERR_DST_TOO_SMALL);
          expect(b).toBe(LZ4_ERR_DST_TOO_SMALL);
        }
      }),
      { seed: 11, numRuns: 120 },
    );
  });

  it('decode corrupt blocks (bit flips, truncation, junk, wrong length) to the same result in both twins, inside their ranges', () => {
    const corruption = fc.oneof(
      fc.record({ how: fc.constant('flip' as const), flips: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }),
      fc.record({ how: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ how: fc.constant('junk' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
      fc.record({ how: fc.constant('length' as const), delta: fc.integer({ min: -70000, max: 70000 }) }),
    );
    fc.assert(
      fc.property(inputArb, corruption, ({ kind, size, seed }, c) => {
        const input = corpus(kind, Math.min(size, 70_000), seed);
        const block = (wasm.compress(input) as Uint8Array).slice();
        let bad: Uint8Array = block;
        let cap = input.length;
        if (c.how === 'flip') {
          for (const f of c.flips) if (bad.length > 0) bad[f % bad.length]! ^= 1 << (f % 8);
        } else if (c.how === 'truncate') {
          bad = block.subarray(0, Math.floor(block.length * c.keep));
        } else if (c.how === 'junk') {
          const at = block.length === 0 ? 0 : c.at % block.length;
          bad = block.slice();
          bad.set(c.junk.subarray(0, bad.length - at), at);
        } else {
          cap = Math.max(0, input.length + c.delta);
        }
        const a = wasm.decompress(bad, cap);
        const b = ts.decompress(bad, cap);
        expectSameResult(b, a);
        if (typeof a === 'number') expect([LZ4_ERR_TRUNCATED, LZ4_ERR_DST_TOO_SMALL, LZ4_ERR_BAD_OFFSET]).toContain(a);
      }),
      { seed: 13, numRuns: 400 },
    );
  });

  it('decode arbitrary bytes without trapping, identically in both twins', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: 100_000 }), (junk, cap) => {
        const a = wasm.decompress(junk, cap);
        expectSameResult(ts.decompress(junk, cap), a);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it('reject hand-made malformed blocks with the right code', () => {
    // A match before any output: offset 1 with nothing written.
    expect(wasm.decompress(Uint8Array.of(0x00, 0x01, 0x00, 0x00), 100)).toBe(LZ4_ERR_BAD_OFFSET);
    // Offset 0.
    expect(ts.decompress(Uint8Array.of(0x10, 0x41, 0x00, 0x00, 0x00), 100)).toBe(LZ4_ERR_BAD_OFFSET);
    // Literal length 15 + extension bytes that never end.
    expect(wasm.decompress(Uint8Array.of(0xf0, 0xff, 0xff), 100_000)).toBe(LZ4_ERR_TRUNCATED);
    // A literal run longer than the output.
    expect(ts.decompress(Uint8Array.of(0x50, 1, 2, 3, 4, 5), 4)).toBe(LZ4_ERR_DST_TOO_SMALL);
    // An overlapping match (offset 1, run of 19) decodes as RLE.
    const rle = wasm.decompress(Uint8Array.of(0x1f, 0x41, 0x01, 0x00, 0x00, 0x00), 20) as Uint8Array;
    expect(rle).toEqual(new Uint8Array(20).fill(0x41));
    // An overlapping match with period 3.
    const periodic = ts.decompress(Uint8Array.of(0x3f, 0x61, 0x62, 0x63, 0x03, 0x00, 0x02, 0x00), 24) as Uint8Array;
    expect(new TextDecoder().decode(periodic)).toBe('abc'.repeat(8));
  });
});
