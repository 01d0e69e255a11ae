// Spare buffers (src/storage/index/spare-buffers.ts): large work buffers
// handed from one user to the next, process-wide. The pool on its own, then
// its users: the deferred entries' arena and sorted copy, and BTree's append
// run, each giving its buffer back once empty and a later user (another
// holder, another tree of another database) taking it, stale bytes and all,
// and still reading only what it wrote.
import { describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { giveBuffer, spareBufferBytes, takeBuffer } from '../../../src/storage/index/spare-buffers.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { DeferredEntries, type SortedInserts } from '../../../src/txn/deferred-entries.ts';
import { KINDS, MiniDb, diffEntries, numberedKey, treeEntries } from './harness.ts';

/** Take every spare out of the pool (returns them, to be dropped). */
function drain(): Uint8Array[] {
  const taken: Uint8Array[] = [];
  while (spareBufferBytes() > 0) taken.push(takeBuffer(0));
  return taken;
}

/** A tree that keeps the hex of every key it is given, and the buffer it was given them in. */
class RecordingTree implements SortedInserts {
  readonly keys: string[] = [];
  readonly sources = new Set<ArrayBufferLike>();
  insertPacked(src: Uint8Array, from: number, to: number): number {
    this.sources.add(src.buffer);
    for (let at = from; at < to; ) {
      const keyLen = src[at]! | (src[at + 1]! << 8);
      const valueLen = src[at + 2]! | (src[at + 3]! << 8);
      this.keys.push(Buffer.from(src.subarray(at + 4, at + 4 + keyLen)).toString('hex'));
      at += 4 + keyLen + valueLen;
    }
    return 0;
  }
}

describe('spare buffers', () => {
  it('give back, take again: the smallest spare that is large enough, else a new buffer; small ones are not kept', () => {
    drain();
    const big = new Uint8Array(2 << 20);
    const mid = new Uint8Array(1 << 20);
    giveBuffer(big);
    giveBuffer(mid);
    giveBuffer(mid); // twice: kept once
    giveBuffer(new Uint8Array(1024)); // too small to keep
    expect(spareBufferBytes()).toBe(3 << 20);
    expect(takeBuffer(100)).toBe(mid);
    expect(takeBuffer(100)).toBe(big);
    const fresh = takeBuffer(100, 5000);
    expect(fresh.length).toBe(5000);
    expect(spareBufferBytes()).toBe(0);
    // Bounded: four buffers at most, the smallest dropped first.
    const sizes = [1, 2, 3, 4, 5].map((m) => m << 20);
    for (const size of sizes) giveBuffer(new Uint8Array(size));
    expect(spareBufferBytes()).toBe((2 + 3 + 4 + 5) << 20);
    drain();
  });

  it('a holder of deferred entries gives its arena and sorted copy back when empty; the next holder takes them and reads only its own entries', () => {
    drain();
    const n = 20_000; // 4 + 8 + 8 bytes each: ~390 KiB, past the arena's first 64 KiB
    const fill = (d: DeferredEntries, tree: RecordingTree, tag: number): Uint8Array[] => {
      const arenas: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const arena = d.reserve(1, tree);
        if (!arenas.includes(arena)) arenas.push(arena);
        const at = d.keyAt;
        const key = (n - 1 - i) * 7 + tag; // descending: the flush sorts them
        arena[at] = tag;
        arena[at + 1] = 0;
        arena[at + 2] = (key >>> 24) & 0xff;
        arena[at + 3] = (key >>> 16) & 0xff;
        arena[at + 4] = (key >>> 8) & 0xff;
        arena[at + 5] = key & 0xff;
        arena[at + 6] = 0xee;
        arena[at + 7] = 0xee;
        d.commit(8, 2, i + 1);
      }
      return arenas;
    };
    const first = new RecordingTree();
    const a = new DeferredEntries(16, { bytes: 1 << 20 });
    const arenasA = fill(a, first, 1);
    a.flush();
    // Both the arena and the sorted copy are spares now.
    expect(spareBufferBytes()).toBeGreaterThanOrEqual(2 << 20);
    const second = new RecordingTree();
    const b = new DeferredEntries(16, { bytes: 1 << 20 });
    const arenasB = fill(b, second, 2);
    // The second holder's large arena is a buffer the first one used (its arena or its sorted copy).
    expect(arenasB.length).toBe(2);
    expect([arenasA[1]!.buffer, ...first.sources]).toContain(arenasB[1]!.buffer);
    b.flush();
    const want = (tag: number) => Array.from({ length: n }, (_, i) => `${tag.toString(16).padStart(2, '0')}00${(i * 7 + tag).toString(16).padStart(8, '0')}eeee`);
    expect(first.keys).toEqual(want(1));
    expect(second.keys).toEqual(want(2));
    drain();
  });

  for (const kind of KINDS) {
    it(`a tree's append run gives its buffer back after its flush; another tree in another database takes it (${kind} kernels)`, () => {
      drain();
      const writeValue = (tid: number, view: DataView, at: number): void => {
        view.setUint32(at, tid, true);
        view.setUint32(at + 4, 0, true);
      };
      const readNumber = (_u8: Uint8Array, view: DataView, at: number): number => view.getUint32(at, true);
      let given = 0;
      for (const round of [0, 1]) {
        const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 8 << 20 });
        const tree = BTree.create(db.heap, 3);
        const n = 20_000 + round * 1000; // 4 + 9 + 8 bytes each: ~410 KiB of run
        for (let i = 0; i < n; i++) {
          const key = numberedKey(i, 9);
          expect(tree.probe(key, readNumber)).toBeUndefined();
          expect(tree.canAppend(key)).toBe(true);
          expect(tree.append(key, 8, writeValue, i + round)).toBe(true);
        }
        // The second run took what the first one gave back.
        if (round === 1) expect(spareBufferBytes()).toBeLessThan(given);
        tree.flushRun();
        given = spareBufferBytes();
        expect(given).toBeGreaterThanOrEqual(n * 21);
        const want = Array.from({ length: n }, (_, i) => {
          const value = new Uint8Array(8);
          new DataView(value.buffer).setUint32(0, i + round, true);
          return { key: numberedKey(i, 9), value };
        });
        expect(diffEntries(treeEntries(tree), want)).toBe('');
        tree.check();
        db.close();
      }
      drain();
    });
  }
});
