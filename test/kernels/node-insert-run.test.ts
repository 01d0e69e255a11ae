// nodeInsertRun, a sorted run of entries into one leaf (assembly/btree-node.ts
// and its twin; BTree.insertPacked): on random leaves (the tree's only leaf,
// or one with a left and/or right sibling), clean and corrupted, with random
// runs (sorted or not, keys already there, bad lengths) and output sizes,
// both kernels return the same result and leave the same bytes in the node
// and the output; and on a clean leaf the result is exactly what the
// step-by-step model gives (nodeSearch, the leaf's range rule, nodeInsert per
// entry), with the INDEX_INSERTS entries that describe those inserts; with
// out 0, the same inserts and no INDEX_INSERTS entries written.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_OFF_LEFT, NODE_OFF_RIGHT, NO_PAGE } from '../../src/kernels/layout.ts';
import type { Kernels } from '../../src/kernels/index.ts';
import { PAGE_SIZE } from '../../src/limits.ts';
import { compareBytes, fillTestLeaf, makeKernels, nodeFlipsArb, packTestRun, type NodeTestEntry } from './harness.ts';

type Entry = NodeTestEntry;

interface Case {
  leaf: Entry[];
  run: Entry[];
  sortRun: boolean;
  left: boolean;
  right: boolean;
  trustFirst: boolean;
  outCap: number;
  badLengthAt: number;
  flips: { at: number; value: number }[];
}

const keyBytes = (n: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (i === 0 ? n >> 8 : i === 1 ? n & 0xff : (n * 7 + i) & 0xff));

const entryArb = fc.record({ n: fc.nat({ max: 3000 }), len: fc.integer({ min: 1, max: 40 }), valueLen: fc.nat({ max: 16 }) });
const caseArb: fc.Arbitrary<Case> = fc.record({
  leaf: fc.array(entryArb, { maxLength: 150 }),
  run: fc.array(entryArb, { minLength: 0, maxLength: 80 }),
  sortRun: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  left: fc.boolean(),
  right: fc.boolean(),
  trustFirst: fc.boolean(),
  outCap: fc.oneof({ arbitrary: fc.constant(16 * 1024 - 6), weight: 3 }, { arbitrary: fc.nat({ max: 800 }), weight: 1 }),
  badLengthAt: fc.oneof({ arbitrary: fc.constant(-1), weight: 5 }, { arbitrary: fc.nat({ max: 80 }), weight: 1 }),
  flips: nodeFlipsArb,
});

/** Build the leaf and the run's input; returns where they are. */
function setUp(k: Kernels, c: Case): { node: number; inPtr: number; out: number; count: number } {
  const node = fillTestLeaf(k, c.leaf, (e) => keyBytes(e.n, e.len), c);
  const run = c.run.map((e) => ({ key: keyBytes(e.n, e.len), value: Uint8Array.from({ length: e.valueLen }, (_, i) => (e.n * 3 + i) & 0xff) }));
  if (c.sortRun) run.sort((a, b) => compareBytes(a.key, b.key));
  const inPtr = k.scratchOffset + 8192;
  packTestRun(k, inPtr, run, c.badLengthAt);
  const out = k.scratchOffset + 32768;
  new Uint8Array(k.buffer).fill(0, out, out + 16 * 1024);
  return { node, inPtr, out, count: run.length };
}

function run(k: Kernels, c: Case, noOut = false): { r: number; node: Uint8Array; out: Uint8Array } {
  const { node, inPtr, out, count } = setUp(k, c);
  const r = k.nodeInsertRun(node, inPtr, count, c.trustFirst ? 1 : 0, noOut ? 0 : out, c.outCap);
  const u8 = new Uint8Array(k.buffer);
  return { r, node: u8.slice(node, node + PAGE_SIZE), out: u8.slice(out, out + 16 * 1024) };
}

/** The same run step by step through the single-entry kernels: result, node bytes, output bytes. */
function model(k: Kernels, c: Case): { r: number; node: Uint8Array; out: Uint8Array } {
  const { node, inPtr, out, count } = setUp(k, c);
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  const leftmost = view.getInt32(node + NODE_OFF_LEFT, true) === NO_PAGE;
  const rightmost = view.getInt32(node + NODE_OFF_RIGHT, true) === NO_PAGE;
  let p = inPtr;
  let used = 0;
  let done = 0;
  for (; done < count; done++) {
    const keyLen = view.getUint16(p, true);
    const valLen = view.getUint16(p + 2, true);
    if (keyLen < 1) break;
    if (used + 6 + keyLen + valLen > c.outCap) break;
    const r = k.nodeSearch(node, p + 4, keyLen);
    if ((r & 1) !== 0) break;
    const pos = r >>> 1;
    const total = k.nodeCount(node);
    if (!(done === 0 && c.trustFirst) && !((pos > 0 && pos < total) || (pos === 0 && leftmost) || (pos === total && rightmost))) break;
    if (k.nodeInsert(node, pos, p + 4, keyLen, p + 4 + keyLen, valLen) !== 1) break;
    view.setUint16(out + used, pos, true);
    view.setUint16(out + used + 2, keyLen, true);
    view.setUint16(out + used + 4, valLen, true);
    u8.copyWithin(out + used + 6, p + 4, p + 4 + keyLen + valLen);
    used += 6 + keyLen + valLen;
    p += 4 + keyLen + valLen;
  }
  return { r: done | (used << 16), node: u8.slice(node, node + PAGE_SIZE), out: u8.slice(out, out + 16 * 1024) };
}

describe('nodeInsertRun', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  it('the twins agree, and on a clean leaf do what nodeSearch and nodeInsert do entry by entry (property)', () => {
    let partial = 0;
    let whole = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const w = run(wasm, c);
        const t = run(ts, c);
        expect(w.r).toBe(t.r);
        expect(Buffer.from(w.node).equals(Buffer.from(t.node))).toBe(true);
        expect(Buffer.from(w.out).equals(Buffer.from(t.out))).toBe(true);
        if (c.flips.length > 0) return;
        const m = model(ts, c);
        expect(t.r).toBe(m.r);
        expect(Buffer.from(t.node).equals(Buffer.from(m.node))).toBe(true);
        expect(Buffer.from(t.out).equals(Buffer.from(m.out))).toBe(true);
        const n = t.r & 0xffff;
        if (n > 0 && n < c.run.length) partial++;
        if (n > 1 && n === c.run.length) whole++;
      }),
      { seed: 808, numRuns: 1500 },
    );
    expect(partial).toBeGreaterThan(50);
    expect(whole).toBeGreaterThan(50);
  });

  it('with out 0 (a leaf logged as an image) inserts the same entries and returns the same, writing no INDEX_INSERTS entries anywhere (property)', () => {
    for (const k of [wasm, ts]) {
      const u8 = new Uint8Array(k.buffer);
      fc.assert(
        fc.property(caseArb.map((c) => ({ ...c, flips: [] })), (c) => {
          const withOut = run(k, c);
          const low = u8.slice(0, 16 * 1024);
          const without = run(k, c, true);
          expect(without.r).toBe(withOut.r);
          expect(Buffer.from(without.node).equals(Buffer.from(withOut.node))).toBe(true);
          // Nothing written at out: the output area stays as setUp left it (zeros), and the memory at address 0 on is untouched.
          expect(without.out.every((b) => b === 0)).toBe(true);
          expect(Buffer.from(u8.subarray(0, 16 * 1024)).equals(Buffer.from(low))).toBe(true);
        }),
        { seed: 909, numRuns: 500 },
      );
    }
  });
});
