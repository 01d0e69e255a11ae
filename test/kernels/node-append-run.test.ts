// nodeAppendRun, a bottom-up build's run of entries into one leaf
// (assembly/btree-node.ts and its twin; BTree's #fillLeaf): the entries lying
// whole in a byte range, none on trust, nothing written out. On random
// leaves (the tree's only leaf, or one with a left and/or right sibling),
// clean and corrupted, with random runs (sorted or not, keys already there,
// bad lengths) cut at random byte counts, both kernels return the same
// result and leave the same bytes; and on a clean leaf it inserts exactly
// what nodeInsertRun(node, inPtr, n, 0, 0, 32767) inserts (n: the entries
// lying whole in the range), the same node bytes, taking the input bytes
// of the entries it inserted.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../src/kernels/index.ts';
import { PAGE_SIZE } from '../../src/limits.ts';
import { compareBytes, fillTestLeaf, makeKernels, nodeFlipsArb, packTestRun, type NodeTestEntry } from './harness.ts';

type Entry = NodeTestEntry;

interface Case {
  leaf: Entry[];
  run: Entry[];
  sortRun: boolean;
  /** Run keys above every leaf key (a build's leaf): the leaf's keys and the run's from disjoint ranges. */
  above: boolean;
  left: boolean;
  right: boolean;
  /** Bytes of the run given to the kernel: all of them, or cut at a fraction (in thousandths). */
  cut: number;
  /** Bytes every key starts with (a secondary index's first column): keys that agree on 8 bytes and more. */
  shared: number;
  badLengthAt: number;
  flips: { at: number; value: number }[];
}

const keyBytes = (n: number, len: number, shared = 0) =>
  Uint8Array.from({ length: shared + len }, (_, j) => (j < shared ? 0x11 : ((i: number) => (i === 0 ? n >> 8 : i === 1 ? n & 0xff : (n * 7 + i) & 0xff))(j - shared)));

const entryArb = fc.record({ n: fc.nat({ max: 3000 }), len: fc.integer({ min: 1, max: 40 }), valueLen: fc.nat({ max: 16 }) });
const caseArb: fc.Arbitrary<Case> = fc.record({
  leaf: fc.array(entryArb, { maxLength: 150 }),
  run: fc.array(entryArb, { minLength: 0, maxLength: 200 }),
  sortRun: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
  above: fc.oneof({ arbitrary: fc.constant(true), weight: 2 }, { arbitrary: fc.constant(false), weight: 1 }),
  left: fc.boolean(),
  right: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
  cut: fc.oneof({ arbitrary: fc.constant(1000), weight: 2 }, { arbitrary: fc.nat({ max: 1000 }), weight: 1 }),
  shared: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 1 }),
  badLengthAt: fc.oneof({ arbitrary: fc.constant(-1), weight: 5 }, { arbitrary: fc.nat({ max: 200 }), weight: 1 }),
  flips: nodeFlipsArb,
});

/** Build the leaf and the run's input; returns where they are, the bytes given and how many entries lie whole in them. */
function setUp(k: Kernels, c: Case): { node: number; inPtr: number; inBytes: number; whole: number } {
  const node = fillTestLeaf(k, c.leaf, (e) => keyBytes(c.above ? e.n % 1500 : e.n, e.len, c.shared), c);
  const run = c.run.map((e) => ({ key: keyBytes(c.above ? 1500 + (e.n % 1500) : e.n, e.len, c.shared), value: Uint8Array.from({ length: e.valueLen }, (_, i) => (e.n * 3 + i) & 0xff) }));
  if (c.sortRun) run.sort((a, b) => compareBytes(a.key, b.key));
  const inPtr = k.scratchOffset + 8192;
  const ends = packTestRun(k, inPtr, run, c.badLengthAt);
  const inBytes = Math.floor(((ends[ends.length - 1] ?? 0) * c.cut) / 1000);
  return { node, inPtr, inBytes, whole: ends.filter((e) => e <= inBytes).length };
}

function run(k: Kernels, c: Case): { r: number; node: Uint8Array } {
  const { node, inPtr, inBytes } = setUp(k, c);
  const r = k.nodeAppendRun(node, inPtr, inBytes);
  return { r, node: new Uint8Array(k.buffer).slice(node, node + PAGE_SIZE) };
}

/** nodeInsertRun over the whole entries, trustFirst 0, nothing written out: result, bytes taken, node bytes. */
function model(k: Kernels, c: Case): { done: number; bytes: number; node: Uint8Array } {
  const { node, inPtr, whole } = setUp(k, c);
  const r = k.nodeInsertRun(node, inPtr, whole, 0, 0, 32767);
  const done = r & 0xffff;
  const view = new DataView(k.buffer);
  let bytes = 0;
  for (let i = 0; i < done; i++) bytes += 4 + view.getUint16(inPtr + bytes, true) + view.getUint16(inPtr + bytes + 2, true);
  return { done, bytes, node: new Uint8Array(k.buffer).slice(node, node + PAGE_SIZE) };
}

describe('nodeAppendRun', () => {
  const wasm = makeKernels('wasm');
  const ts = makeKernels('ts');
  it('the twins agree, and on a clean leaf insert what nodeInsertRun inserts of the whole entries (property)', () => {
    let partial = 0;
    let full = 0;
    let cutShort = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const w = run(wasm, c);
        const t = run(ts, c);
        expect(w.r).toBe(t.r);
        expect(Buffer.from(w.node).equals(Buffer.from(t.node))).toBe(true);
        if (c.flips.length > 0) return;
        const m = model(ts, c);
        expect(t.r & 0xffff).toBe(m.done);
        expect(t.r >>> 16).toBe(m.bytes);
        expect(Buffer.from(t.node).equals(Buffer.from(m.node))).toBe(true);
        const n = t.r & 0xffff;
        if (n > 0 && n < c.run.length) partial++;
        if (n > 1 && n === c.run.length) full++;
        if (c.cut < 1000 && n > 0 && n === setUp(ts, c).whole) cutShort++;
      }),
      { seed: 1606, numRuns: 1500 },
    );
    expect(partial).toBeGreaterThan(50);
    expect(full).toBeGreaterThan(50);
    expect(cutShort).toBeGreaterThan(20);
  });

  it('fills an empty rightmost leaf from a sorted run until the next entry (with its slot) does not fit, as nodeInsertRun does', () => {
    for (const k of [wasm, ts]) {
      const u8 = new Uint8Array(k.buffer);
      const view = new DataView(k.buffer);
      const node = k.arenaOffset;
      // Entry sizes whose last one would fit without its 4-byte slot (the free space left is between the two), and others.
      for (const [keyLen, valLen] of [[12, 7], [12, 8], [9, 6], [18, 8], [2, 0], [40, 16], [13, 9], [30, 2]] as const) {
        const inPtr = k.scratchOffset + 8192;
        let at = inPtr;
        for (let i = 0; i < 700; i++) {
          view.setUint16(at, keyLen, true);
          view.setUint16(at + 2, valLen, true);
          u8.set(keyBytes(i, keyLen, keyLen > 8 ? 6 : 0).subarray(0, keyLen), at + 4);
          at += 4 + keyLen + valLen;
          if (at - inPtr > 16000) break;
        }
        const bytes = at - inPtr;
        k.nodeInit(node, 0);
        const r = k.nodeAppendRun(node, inPtr, bytes);
        const got = u8.slice(node, node + PAGE_SIZE);
        const done = r & 0xffff;
        // Each entry takes 2 + key + value bytes and a 4-byte slot: as many as fit after the 48-byte header.
        const fit = Math.floor((PAGE_SIZE - 48) / (2 + keyLen + valLen + 4));
        expect(done, `${keyLen}+${valLen}`).toBe(Math.min(fit, Math.floor(bytes / (4 + keyLen + valLen))));
        expect(r >>> 16).toBe(done * (4 + keyLen + valLen));
        expect(k.nodeCount(node)).toBe(done);
        k.nodeInit(node, 0);
        const m = k.nodeInsertRun(node, inPtr, Math.floor(bytes / (4 + keyLen + valLen)), 0, 0, 32767);
        expect(m & 0xffff).toBe(done);
        expect(Buffer.from(u8.subarray(node, node + PAGE_SIZE)).equals(Buffer.from(got))).toBe(true);
      }
    }
  });
});
