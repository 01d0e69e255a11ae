// BTree.insertPacked (the deferred secondary entries' way in: entries packed
// in an arena, each leaf's run inserted by the nodeInsertRun kernel) against
// insertMany (one entry at a time through callbacks), with both kernel
// implementations: batches of random entries, sorted or not, with keys
// repeated and already in the tree, and keys long enough to split leaves
// and grow the tree, give the same results, the same trees and the same WAL
// records byte for byte; a follower replaying the stream has the same pages.
import { describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs, Prng } from '../../../src/storage/vfs/index.ts';
import { Follower, KINDS, MiniDb, compareBytes, diffEntries, packEntries, treeEntries } from './harness.ts';

interface Batch {
  keys: Uint8Array[];
  values: Uint8Array[];
}

function makeBatches(seed: number): Batch[] {
  const prng = new Prng(seed);
  const batches: Batch[] = [];
  for (let b = 0; b < 40; b++) {
    const n = 1 + prng.int(b % 7 === 0 ? 2000 : 300);
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    const long = prng.int(4) === 0;
    for (let i = 0; i < n; i++) {
      const id = prng.int(20000);
      const key = new Uint8Array(long ? 1 + prng.int(300) : 9 + prng.int(12));
      for (let j = 0; j < key.length; j++) key[j] = j === 0 ? id >> 8 : j === 1 ? id & 0xff : (id * 13 + j) & 0xff;
      keys.push(key);
      values.push(Uint8Array.from({ length: prng.int(3) === 0 ? 2 : 8 }, (_, j) => (id + j) & 0xff));
    }
    if (prng.int(5) !== 0) {
      const order = keys.map((_, i) => i).sort((x, y) => compareBytes(keys[x]!, keys[y]!));
      batches.push({ keys: order.map((i) => keys[i]!), values: order.map((i) => values[i]!) });
    } else {
      batches.push({ keys, values });
    }
  }
  return batches;
}

/** The entries packed as insertPacked takes them, after 3 bytes of something else. */
function pack(batch: Batch): { src: Uint8Array; from: number; to: number } {
  return packEntries(batch, 3);
}

for (const kind of KINDS) {
  describe(`BTree.insertPacked (${kind} kernels)`, () => {
    it('inserts what insertMany inserts, logging the same records byte for byte', () => {
      const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
      const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
      const streamA = a.record();
      const streamB = b.record();
      const ta = BTree.create(a.heap, 3);
      const tb = BTree.create(b.heap, 3);
      // Not empty, and a key above every batch's: into an empty tree, or past the last key of the tree, a strictly
      // ascending batch is built bottom-up (btree-build.test.ts, btree-append-run.test.ts).
      for (const key of [Uint8Array.of(0), Uint8Array.of(0xff)]) {
        expect(ta.insert(key, Uint8Array.of(1, 2))).toBe(true);
        expect(tb.insert(key, Uint8Array.of(1, 2))).toBe(true);
      }
      let multi = 0;
      for (const batch of makeBatches(7)) {
        const many = ta.insertMany({ count: batch.keys.length, key: (i) => batch.keys[i]!, value: (i) => batch.values[i]! });
        const { src, from, to } = pack(batch);
        const packed = tb.insertPacked(src, from, to);
        expect(packed).toBe(many);
      }
      expect(tb.height).toBeGreaterThanOrEqual(3);
      expect(tb.check()).toEqual(ta.check());
      expect(diffEntries(treeEntries(tb), treeEntries(ta))).toBe('');
      expect(streamB.length).toBe(streamA.length);
      for (let i = 0; i < streamA.length; i++) {
        const x = streamA[i]!;
        const y = streamB[i]!;
        expect(y.type, `record ${i}`).toBe(x.type);
        expect(compareBytes(y.payload, x.payload), `record ${i} (type ${x.type})`).toBe(0);
        if (x.type === 18 && (x.payload[4]! | (x.payload[5]! << 8)) > 1) multi++;
      }
      // Runs of many entries (more than one kernel chunk among them), and the follower agrees.
      expect(multi).toBeGreaterThan(20);
      expect(streamA.some((r) => r.type === 18 && (r.payload[4]! | (r.payload[5]! << 8)) > 48)).toBe(true);
      const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm');
      follower.apply(streamB);
      const tf = BTree.open(follower.heap, 3, tb.metaBlock);
      expect(tf.check()).toEqual(tb.check());
      expect(diffEntries(treeEntries(tf), treeEntries(tb))).toBe('');
    });

    it('refuses a key or value over its limit as insertMany does', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      const tree = BTree.create(db.heap, 4);
      const big = pack({ keys: [new Uint8Array(1025).fill(1)], values: [new Uint8Array(2)] });
      expect(() => tree.insertPacked(big.src, big.from, big.to)).toThrow(/index key is too long/);
      const empty = pack({ keys: [new Uint8Array(0)], values: [new Uint8Array(2)] });
      expect(() => tree.insertPacked(empty.src, empty.from, empty.to)).toThrow(/at least 1 byte/);
      const value = pack({ keys: [Uint8Array.of(1)], values: [new Uint8Array(17)] });
      expect(() => tree.insertPacked(value.src, value.from, value.to)).toThrow(/index value is too long/);
      expect(tree.check().entries).toBe(0);
    });
  });
}
