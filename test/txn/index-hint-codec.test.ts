// A secondary entry's location hint (index-manager.ts, hintValue and
// hintOf): the u48 little-endian tid after the u16 secondary key length,
// read back as hintOf reads it (a u16 high part and a u32 low part), for
// tids at every byte's edges, above 2^32 and up to 2^48 - 1; a value too
// short for a hint (a hash index's) reads as 0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hintOf, hintValue } from '../../src/txn/index-manager.ts';

describe('location hint codec', () => {
  const roundTrip = (tid: number, skeyLen: number, pad: number): number => {
    const value = hintValue(new Uint8Array(8), skeyLen, tid);
    const buf = new Uint8Array(pad + 8 + 3).fill(0xa5);
    buf.set(value, pad);
    expect(buf[pad]! | (buf[pad + 1]! << 8)).toBe(skeyLen);
    return hintOf(buf, pad, 8);
  };

  it('reads back tids at the byte and word edges', () => {
    const edges = [1, 0xff, 0x100, 0xffff, 0x1_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001, 0xff_ffff_ffff, 0x8000_0000_0000, 2 ** 48 - 1];
    for (const tid of edges) expect(roundTrip(tid, 9, 3)).toBe(tid);
  });

  it('reads back any u48 tid (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.nat({ max: 0xffff }), fc.nat({ max: 5 }), (tid, skeyLen, pad) => roundTrip(tid, skeyLen, pad) === tid),
      { seed: 17, numRuns: 2000 },
    );
  });

  it('a value without a hint reads as 0', () => {
    expect(hintOf(Uint8Array.of(9, 0), 0, 2)).toBe(0);
    expect(hintOf(new Uint8Array(8).fill(0xff), 0, 7)).toBe(0);
  });
});
