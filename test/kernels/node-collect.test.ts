// nodeCollect, a leaf's range read (assembly/btree-node.ts and its twin):
// on random leaves, clean and corrupted, with random start positions, upper
// bounds and output sizes, both kernels return the same result and write
// the same bytes, and on a clean leaf that is exactly what nodeKey and
// nodeValue describe entry by entry, cut at the bound and at the output's
// size.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_COLLECT_DONE, PAGE_OFF_SLOT_COUNT } from '../../src/kernels/layout.ts';
import type { Kernels } from '../../src/kernels/index.ts';
import { PAGE_SIZE } from '../../src/limits.ts';
import { makeKernels } from './harness.ts';

interface Case {
  keys: { n: number; len: number; valueLen: number }[];
  pos: number;
  upper: { n: number; len: number } | null;
  inclusive: boolean;
  outCap: number;
  flips: { at: number; value: number }[];
}

const keyBytes = (n: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (i === 0 ? n >> 8 : i === 1 ? n & 0xff : (n * 7 + i) & 0xff));

const caseArb: fc.Arbitrary<Case> = fc.record({
  keys: fc.array(fc.record({ n: fc.nat({ max: 3000 }), len: fc.integer({ min: 1, max: 40 }), valueLen: fc.nat({ max: 16 }) }), { maxLength: 120 }),
  pos: fc.oneof(fc.constant(0), fc.nat({ max: 130 })),
  upper: fc.option(fc.record({ n: fc.nat({ max: 3000 }), len: fc.integer({ min: 0, max: 40 }) }), { nil: null }),
  inclusive: fc.boolean(),
  outCap: fc.oneof({ arbitrary: fc.constant(8192), weight: 1 }, { arbitrary: fc.nat({ max: 600 }), weight: 3 }),
  flips: fc.oneof(
    { arbitrary: fc.constant<{ at: number; value: number }[]>([]), weight: 3 },
    { arbitrary: fc.array(fc.record({ at: fc.nat({ max: PAGE_SIZE - 1 }), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 3 }), weight: 1 },
  ),
});

function run(k: Kernels, c: Case): { r: number; out: Uint8Array; model: { key: number[]; value: number[] }[] | null } {
  const u8 = new Uint8Array(k.buffer);
  const node = k.arenaOffset;
  k.nodeInit(node, 0);
  const keyPtr = k.scratchOffset;
  const valPtr = keyPtr + 1024;
  for (const { n, len, valueLen } of c.keys) {
    u8.set(keyBytes(n, len), keyPtr);
    for (let i = 0; i < valueLen; i++) u8[valPtr + i] = (n + i) & 0xff;
    const r = k.nodeSearch(node, keyPtr, len);
    if ((r & 1) !== 0) continue;
    if (k.nodeInsert(node, r >>> 1, keyPtr, len, valPtr, valueLen) !== 1) break;
  }
  for (const f of c.flips) u8[node + f.at] = f.value;
  // On a clean node: what nodeKey and nodeValue say, entry by entry.
  let model: { key: number[]; value: number[] }[] | null = null;
  const upperPtr = keyPtr + 2048;
  const upper = c.upper === null ? null : keyBytes(c.upper.n, c.upper.len);
  if (upper !== null) u8.set(upper, upperPtr);
  if (c.flips.length === 0) {
    model = [];
    for (let i = c.pos; i < k.nodeCount(node); i++) {
      const kp = k.nodeKey(node, i);
      const vp = k.nodeValue(node, i);
      const key = Array.from(u8.subarray(node + (kp >>> 16), node + (kp >>> 16) + (kp & 0xffff)));
      if (upper !== null) {
        const c2 = Buffer.compare(Buffer.from(key), Buffer.from(upper));
        if (c2 > 0 || (c2 === 0 && !c.inclusive)) break;
      }
      model.push({ key, value: Array.from(u8.subarray(node + (vp >>> 16), node + (vp >>> 16) + (vp & 0xffff))) });
    }
  }
  const out = keyPtr + 4096;
  u8.fill(0, out, out + 8192);
  const r = k.nodeCollect(node, c.pos, upperPtr, upper === null ? -1 : upper.length, c.inclusive ? 1 : 0, out, c.outCap);
  return { r, out: u8.slice(out, out + 8192), model };
}

describe('nodeCollect', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  it('the twins agree, and on a clean leaf copy exactly the entries in range that fit (property)', () => {
    let cut = 0;
    let done = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const w = run(wasm, c);
        const t = run(ts, c);
        expect(w.r).toBe(t.r);
        expect(Buffer.from(w.out).equals(Buffer.from(t.out))).toBe(true);
        if (t.model === null) return;
        expect(t.r).toBeGreaterThanOrEqual(0);
        const n = t.r & 0xffff;
        if ((t.r & NODE_COLLECT_DONE) !== 0) done++;
        if (n < t.model.length) cut++;
        // Entries copied: a prefix of the model, in the documented layout.
        const view = new DataView(t.out.buffer);
        let at = 0;
        for (let i = 0; i < n; i++) {
          const keyLen = view.getUint16(at, true);
          const key = Array.from(t.out.subarray(at + 2, at + 2 + keyLen));
          const valueLen = view.getUint16(at + 2 + keyLen, true);
          const value = Array.from(t.out.subarray(at + 4 + keyLen, at + 4 + keyLen + valueLen));
          expect({ key, value }).toEqual(t.model[i]);
          at += 4 + keyLen + valueLen;
        }
        // Fewer than the model only when the next one did not fit; DONE only when an entry past the bound exists.
        if (n < t.model.length) expect(at + 4 + t.model[n]!.key.length + t.model[n]!.value.length).toBeGreaterThan(c.outCap);
        if ((t.r & NODE_COLLECT_DONE) !== 0) expect(n).toBe(t.model.length);
      }),
      { seed: 515, numRuns: 1500 },
    );
    expect(cut).toBeGreaterThan(50);
    expect(done).toBeGreaterThan(50);
  });

  it('an invalid entry is -1 on both', () => {
    for (const k of [wasm, ts]) {
      const c: Case = { keys: [{ n: 1, len: 4, valueLen: 2 }, { n: 2, len: 4, valueLen: 2 }], pos: 0, upper: null, inclusive: true, outCap: 8192, flips: [] };
      expect(run(k, c).r).toBe(2);
      const view = new DataView(k.buffer);
      const node = k.arenaOffset;
      expect(view.getUint16(node + PAGE_OFF_SLOT_COUNT, true)).toBe(2);
      view.setUint16(node + 48 + 2, 5000, true); // slot 0's length runs past the page
      expect(k.nodeCollect(node, 0, k.scratchOffset, -1, 1, k.scratchOffset + 4096, 8192)).toBe(-1);
    }
  });
});
