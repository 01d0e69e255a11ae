// CRC32C and the byte-range kernels, run against both implementations.
import { describe, expect, it } from 'vitest';
import { KERNEL_KINDS, makeKernels } from './harness.ts';

/** Bitwise CRC32C: the slow, obviously correct reference. */
function crcRef(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c | 0;
}

/** Deterministic pseudo-random bytes (xorshift32). */
function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function refCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

for (const kind of KERNEL_KINDS) {
  describe(`byte kernels (${kind})`, () => {
    const k = makeKernels(kind);
    const u8 = new Uint8Array(k.buffer);
    const base = k.arenaOffset;
    const put = (at: number, bytes: ArrayLike<number>): void => u8.set(bytes, at);

    describe('crc32c', () => {
      it('matches the standard check value and RFC 3720 vectors', () => {
        put(base, new TextEncoder().encode('123456789'));
        expect(k.crc32c(base, 9, 0)).toBe(0xe3069283 | 0);
        u8.fill(0, base, base + 32);
        expect(k.crc32c(base, 32, 0)).toBe(0x8a9136aa | 0);
        u8.fill(0xff, base, base + 32);
        expect(k.crc32c(base, 32, 0)).toBe(0x62a8ab43 | 0);
        for (let i = 0; i < 32; i++) u8[base + i] = i;
        expect(k.crc32c(base, 32, 0)).toBe(0x46dd794e | 0);
        for (let i = 0; i < 32; i++) u8[base + i] = 31 - i;
        expect(k.crc32c(base, 32, 0)).toBe(0x113fdb5c | 0);
      });

      it('of nothing is the seed', () => {
        expect(k.crc32c(base, 0, 0)).toBe(0);
        expect(k.crc32c(base, 0, 0x12345678)).toBe(0x12345678);
        expect(k.crc32c(base, 0, 0xe3069283 | 0)).toBe(0xe3069283 | 0);
      });

      it('continues from a seed exactly like one pass over the concatenation', () => {
        const data = pseudoRandomBytes(1000, 7);
        put(base, data);
        const whole = k.crc32c(base, data.length, 0);
        expect(whole).toBe(crcRef(data));
        for (const cut of [0, 1, 3, 7, 8, 9, 15, 16, 17, 500, 999, 1000]) {
          const first = k.crc32c(base, cut, 0);
          expect(k.crc32c(base + cut, data.length - cut, first)).toBe(whole);
          // Unsigned seeds (as stored with setUint32) work too.
          expect(k.crc32c(base + cut, data.length - cut, first >>> 0)).toBe(whole);
        }
      });

      it('agrees with a bitwise reference for lengths 0..300 at every alignment', () => {
        const data = pseudoRandomBytes(320, 99);
        put(base, data);
        for (let start = 0; start < 8; start++) {
          for (let len = 0; len <= 300; len++) {
            const got = k.crc32c(base + start, len, 0);
            if (got !== crcRef(data.subarray(start, start + len))) {
              expect({ start, len, got }).toEqual({ start, len, got: crcRef(data.subarray(start, start + len)) });
            }
          }
        }
      });

      it('agrees with the reference on long ranges, cut into three lanes a triple, at the lanes\' edges', () => {
        // The WASM kernel runs a range of 3 * 256 bytes or more as three interleaved lanes a triple and combines them
        // with shift tables; lengths around whole triples, at every alignment, from fresh and continued states.
        const data = pseudoRandomBytes(5008, 1234);
        put(base, data);
        for (const len of [767, 768, 769, 775, 776, 1024, 1535, 1536, 1537, 2304, 4096, 4116, 4999]) {
          for (const start of [0, 1, 3, 7]) {
            const slice = data.subarray(start, start + len);
            expect(k.crc32c(base + start, len, 0), `${len} at ${start}`).toBe(crcRef(slice));
            expect(k.crc32c(base + start, len, 0x9abcdef0 | 0), `${len} at ${start}, seeded`).toBe(crcRef(slice, 0x9abcdef0));
          }
        }
        // One bit flipped anywhere in a long range changes its CRC (every lane and the tail take part).
        const whole = k.crc32c(base, 4096, 0);
        for (const at of [0, 255, 256, 511, 512, 767, 768, 3071, 3072, 4095]) {
          u8[base + at]! ^= 0x10;
          expect(k.crc32c(base, 4096, 0), `flip at ${at}`).not.toBe(whole);
          expect(k.crc32c(base, 4096, 0)).toBe(crcRef(u8.subarray(base, base + 4096)));
          u8[base + at]! ^= 0x10;
        }
      });

      it('rejects a negative length', () => {
        expect(() => k.crc32c(base, -1, 0)).toThrow();
      });
    });

    describe('crc32cRecords', () => {
      /** Records of the given payload lengths back to back at `base` (CRC fields zero, then random bytes); returns their starts and the end. */
      const lay = (lengths: readonly number[], seed: number) => {
        const view = new DataView(k.buffer);
        const starts: number[] = [];
        let at = base;
        for (let i = 0; i < lengths.length; i++) {
          const body = pseudoRandomBytes(16 + lengths[i]!, seed + i);
          starts.push(at);
          view.setUint32(at, 0, true);
          put(at + 4, body);
          view.setUint32(at + 4, lengths[i]!, true);
          at += 20 + lengths[i]!;
        }
        return { starts, end: at, view };
      };

      it('sets each record\'s CRC field to the CRC32C of its bytes after the field, several records at a time or one', () => {
        // Lengths of every residue modulo 8, equal and unequal pairs, an odd count (the last one alone), empty payloads.
        for (const lengths of [[0], [5], [100, 100], [0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9], [300, 7, 130, 131, 132, 133, 134, 135, 136], [64, 1000, 3]]) {
          const { starts, end, view } = lay(lengths, lengths.length * 31);
          expect(k.crc32cRecords(base, end - base)).toBe(end - base);
          starts.forEach((at, i) => {
            expect(view.getInt32(at, true), `record ${i} of ${lengths.join(',')}`).toBe(crcRef(u8.subarray(at + 4, at + 20 + lengths[i]!)));
          });
        }
      });

      it('seals three records at a time whichever of them is shortest, and the one or two left over', () => {
        // The WASM kernel interleaves three records' steps up to the shortest one's, then ends each alone; a count not a
        // multiple of three leaves one or two for the paths that take fewer.
        // Long records (WAL page images: 4 KiB and more) run their rest past the shortest as lanes (crc32c's long path).
        for (const lengths of [[100, 30, 61], [30, 100, 61], [61, 100, 30], [8, 8, 8], [0, 1, 2, 3], [97, 95, 99, 96, 98], [5000, 3, 4000, 77, 77, 77, 12], [4104, 4104, 4104], [4104, 90, 4104, 748, 749, 2000]]) {
          const { starts, end, view } = lay(lengths, lengths.length * 17 + lengths[0]!);
          expect(k.crc32cRecords(base, end - base)).toBe(end - base);
          starts.forEach((at, i) => {
            expect(view.getInt32(at, true), `record ${i} of ${lengths.join(',')}`).toBe(crcRef(u8.subarray(at + 4, at + 20 + lengths[i]!)));
          });
        }
      });

      it('stops before a record that runs past the end after one, two or three whole ones', () => {
        for (let whole = 1; whole <= 4; whole++) {
          const lengths = [40, 50, 60, 70, 80].slice(0, whole + 1);
          const { starts, end, view } = lay(lengths, whole);
          // The last record cut short by one byte; then its header alone, cut inside.
          for (const cut of [end - base - 1, starts[whole]! - base + 10]) {
            for (const at of starts) view.setUint32(at, 0, true);
            expect(k.crc32cRecords(base, cut)).toBe(starts[whole]! - base);
            for (let i = 0; i < whole; i++) expect(view.getInt32(starts[i]!, true)).toBe(crcRef(u8.subarray(starts[i]! + 4, starts[i]! + 20 + lengths[i]!)));
            expect(view.getInt32(starts[whole]!, true)).toBe(0);
          }
        }
      });

      it('stops before a record that runs past the end, and seals nothing of an empty range', () => {
        const { starts, end, view } = lay([40, 50, 60], 7);
        expect(k.crc32cRecords(base, end - base - 1)).toBe(starts[2]! - base);
        expect(view.getInt32(starts[1]!, true)).toBe(crcRef(u8.subarray(starts[1]! + 4, starts[2]!)));
        expect(view.getInt32(starts[2]!, true)).toBe(0);
        expect(k.crc32cRecords(base, starts[1]! - base + 10)).toBe(starts[1]! - base);
        expect(k.crc32cRecords(base, 0)).toBe(0);
        expect(() => k.crc32cRecords(base, -1)).toThrow();
      });
    });

    describe('memCompare', () => {
      const a = base;
      const b = base + 4096;

      it('orders equal ranges, proper prefixes and empty ranges', () => {
        put(a, [1, 2, 3, 4]);
        put(b, [1, 2, 3, 4]);
        expect(k.memCompare(a, 4, b, 4)).toBe(0);
        expect(k.memCompare(a, 3, b, 4)).toBe(-1);
        expect(k.memCompare(a, 4, b, 3)).toBe(1);
        expect(k.memCompare(a, 0, b, 0)).toBe(0);
        expect(k.memCompare(a, 0, b, 1)).toBe(-1);
        expect(k.memCompare(a, 1, b, 0)).toBe(1);
      });

      it('compares bytes unsigned', () => {
        put(a, [0x80]);
        put(b, [0x7f]);
        expect(k.memCompare(a, 1, b, 1)).toBe(1);
        expect(k.memCompare(b, 1, a, 1)).toBe(-1);
      });

      it('finds the first difference at every position of long ranges (SIMD, 8-byte and byte paths)', () => {
        const data = pseudoRandomBytes(100, 3);
        for (let len = 1; len <= 100; len++) {
          for (let pos = 0; pos < len; pos++) {
            put(a, data.subarray(0, len));
            put(b, data.subarray(0, len));
            expect(k.memCompare(a, len, b, len)).toBe(0);
            // A later difference must not win over the first one.
            if (pos + 1 < len) u8[a + len - 1] = (data[len - 1]! + 1) & 0xff;
            u8[b + pos] = (data[pos]! + 1) & 0xff;
            const expected = data[pos] === 0xff ? 1 : -1;
            expect(k.memCompare(a, len, b, len)).toBe(expected);
            expect(k.memCompare(b, len, a, len)).toBe(-expected);
          }
        }
      });

      it('agrees with a reference on random ranges', () => {
        let seed = 11;
        for (let i = 0; i < 2000; i++) {
          const lenA = (seed = (seed * 1103515245 + 12345) >>> 0) % 70;
          const lenB = (seed = (seed * 1103515245 + 12345) >>> 0) % 70;
          const x = pseudoRandomBytes(lenA, seed + 1).map((v) => v & 3);
          const y = pseudoRandomBytes(lenB, seed + 2).map((v) => v & 3);
          put(a + (i & 7), x);
          put(b + (i & 5), y);
          expect(k.memCompare(a + (i & 7), lenA, b + (i & 5), lenB)).toBe(refCompare(x, y));
        }
      });
    });

    describe('memCopy and memFill', () => {
      it('copies overlapping ranges both ways like memmove', () => {
        const data = pseudoRandomBytes(200, 5);
        put(base, data);
        k.memCopy(base + 10, base, 150); // forward overlap
        expect(u8.slice(base + 10, base + 160)).toEqual(data.slice(0, 150));
        put(base, data);
        k.memCopy(base, base + 10, 150); // backward overlap
        expect(u8.slice(base, base + 150)).toEqual(data.slice(10, 160));
        expect(u8.slice(base + 150, base + 200)).toEqual(data.slice(150, 200));
      });

      it('copies disjoint ranges and nothing for length 0', () => {
        const data = pseudoRandomBytes(64, 8);
        put(base, data);
        u8.fill(0, base + 1000, base + 1100);
        k.memCopy(base + 1000, base, 0);
        expect(u8[base + 1000]).toBe(0);
        k.memCopy(base + 1001, base, 64);
        expect(u8.slice(base + 1001, base + 1065)).toEqual(data);
        expect(u8[base + 1000]).toBe(0);
        expect(u8[base + 1065]).toBe(0);
      });

      it('fills with the low 8 bits of the value, exactly len bytes', () => {
        u8.fill(7, base, base + 300);
        k.memFill(base + 1, 0x1ab, 298);
        expect(u8[base]).toBe(7);
        expect(u8[base + 299]).toBe(7);
        expect(u8.slice(base + 1, base + 299).every((v) => v === 0xab)).toBe(true);
        k.memFill(base + 1, -1, 2);
        expect([u8[base + 1], u8[base + 2], u8[base + 3]]).toEqual([0xff, 0xff, 0xab]);
        k.memFill(base, 0, 0);
        expect(u8[base]).toBe(7);
      });

      it('rejects negative lengths', () => {
        expect(() => k.memCopy(base, base + 8, -1)).toThrow();
        expect(() => k.memFill(base, 0, -1)).toThrow();
        expect(() => k.memCompare(base, -1, base, 0)).toThrow();
      });
    });
  });
}
