// BTree.insertPacked into an empty tree with strictly ascending keys builds
// the tree bottom-up (leaves filled left to right, separators appended to
// the level above, no leaf split), logged as INDEX_PAGES records of up to
// BTree.buildLeavesPerChange leaves each (4). With both kernel implementations:
//   - the built tree holds what one-by-one inserts (insertMany) leave, in no
//     more pages, passes check(), and takes later inserts and deletes;
//   - no INDEX_INSERTS record is written (the leaves are after-images);
//   - a batch that is not strictly ascending (a key repeated, two keys out of
//     order) has the ascending run it starts with built (its order proven
//     leaf by leaf, not by a pass of its own), and the rest inserted one by
//     one: the entries insertMany leaves;
//   - small WAL files (the record limit) and a small buffer pool (pins)
//     make smaller changes, the same entries;
//   - a follower replaying the stream, and recovery after a power loss at
//     every sync or after a sample of writes during and after the build,
//     give a tree that passes check() and holds a prefix of the entries
//     (all of them once the build's records were synced).
import { afterEach, describe, expect, it } from 'vitest';
import { BTree } from '../../../src/storage/index/index.ts';
import { RecordType } from '../../../src/storage/record-types.ts';
import { createFaultVfs, createMemoryVfs, Prng, type FaultVfs } from '../../../src/storage/vfs/index.ts';
import { crashPoints, FULL_CRASH_SWEEPS } from '../../txn/engine-helpers.ts';
import { Follower, KINDS, LONG_MS, MiniDb, compareBytes, diffEntries, packEntries, treeEntries } from './harness.ts';

interface Entries {
  keys: Uint8Array[];
  values: Uint8Array[];
}

/** n distinct keys, sorted: lengths from `lengths`, values of 2 or 8 bytes. */
function sortedEntries(prng: Prng, n: number, lengths: readonly number[]): Entries {
  const seen = new Set<string>();
  const keys: Uint8Array[] = [];
  for (let tries = 0; keys.length < n && tries < 10 * n; tries++) {
    const key = new Uint8Array(lengths[prng.int(lengths.length)]!);
    for (let j = 0; j < key.length; j++) key[j] = prng.int(j < 3 ? 8 : 256);
    const id = key.join(',');
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(key);
  }
  keys.sort(compareBytes);
  const values = keys.map((k) => Uint8Array.from({ length: k.length % 3 === 0 ? 2 : 8 }, (_, j) => (k[0]! + j) & 0xff));
  return { keys, values };
}

/** The entries packed as insertPacked takes them, after 5 bytes of something else. */
function pack(e: Entries): { src: Uint8Array; from: number; to: number } {
  return packEntries(e, 5);
}

function insertOneByOne(tree: BTree, e: Entries): number {
  return tree.insertMany({ count: e.keys.length, key: (i) => e.keys[i]!, value: (i) => e.values[i]! });
}

function expected(e: Entries, n = e.keys.length): { key: Uint8Array; value: Uint8Array }[] {
  return e.keys.slice(0, n).map((key, i) => ({ key, value: e.values[i]! }));
}

const SHORT = [9, 12, 14, 18, 24];
const MIXED = [1, 2, 8, 40, 120, 300, 700, 1024];

const LEAVES_PER_CHANGE = BTree.buildLeavesPerChange;
afterEach(() => {
  BTree.buildLeavesPerChange = LEAVES_PER_CHANGE;
});

for (const kind of KINDS) {
  describe(`BTree bottom-up build (${kind} kernels)`, () => {
    it('builds what one-by-one inserts leave, in no more pages, without INDEX_INSERTS records', () => {
      const prng = new Prng(kind === 'wasm' ? 41 : 42);
      const cases: [number, readonly number[]][] = [[1, SHORT], [2, SHORT], [150, SHORT], [20000, SHORT], [3000, MIXED], [400, [1024]]];
      for (const [n, lengths] of cases) {
        const e = sortedEntries(prng, n, lengths);
        const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
        const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: 4 << 20 });
        const stream = b.record();
        const ta = BTree.create(a.heap, 3);
        const tb = BTree.create(b.heap, 3);
        const many = insertOneByOne(ta, e);
        const { src, from, to } = pack(e);
        expect(tb.insertPacked(src, from, to)).toBe(many);
        expect(many).toBe(e.keys.length);
        expect(stream.some((r) => r.type === RecordType.indexInserts || r.type === RecordType.indexInsert)).toBe(false);
        const built = tb.check();
        const oneByOne = ta.check();
        expect(built.entries).toBe(oneByOne.entries);
        // Leaves filled greedily: never more leaves. Inner nodes hold other separators (each leaf's first key, not
        // the key a split moved), so with keys of very different lengths their count may differ a little.
        if (lengths === SHORT) expect(built.pages).toBeLessThanOrEqual(oneByOne.pages);
        else expect(built.pages).toBeLessThanOrEqual(oneByOne.pages * 1.03 + 1);
        expect(diffEntries(treeEntries(tb), expected(e))).toBe('');
        if (n === 400) expect(tb.height).toBeGreaterThanOrEqual(4);
        // The built tree goes on as any other: inserts between and past its keys, deletes.
        const more = sortedEntries(prng, 500, lengths);
        for (let i = 0; i < more.keys.length; i++) expect(tb.insert(more.keys[i]!, more.values[i]!)).toBe(ta.insert(more.keys[i]!, more.values[i]!));
        for (let i = 0; i < e.keys.length; i += 3) expect(tb.delete(e.keys[i]!)).toBe(ta.delete(e.keys[i]!));
        tb.check();
        expect(diffEntries(treeEntries(tb), treeEntries(ta))).toBe('');
        // A follower replaying the stream has the same tree.
        const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm', 4 << 20);
        follower.apply(stream);
        const tf = BTree.open(follower.heap, 3, tb.metaBlock);
        expect(tf.check()).toEqual(tb.check());
        expect(diffEntries(treeEntries(tf), treeEntries(tb))).toBe('');
      }
    }, LONG_MS);

    it('builds the ascending run a batch that is not strictly ascending starts with, and inserts the rest one by one', () => {
      const prng = new Prng(kind === 'wasm' ? 43 : 44);
      const sorted = sortedEntries(prng, 3000, SHORT);
      const repeated: Entries = { keys: [...sorted.keys], values: [...sorted.values] };
      repeated.keys.splice(1500, 0, sorted.keys[1500]!);
      repeated.values.splice(1500, 0, sorted.values[1500]!);
      const swapped: Entries = { keys: [...sorted.keys], values: [...sorted.values] };
      [swapped.keys[2000], swapped.keys[2001]] = [swapped.keys[2001]!, swapped.keys[2000]!];
      [swapped.values[2000], swapped.values[2001]] = [swapped.values[2001]!, swapped.values[2000]!];
      // One key far out of order: it belongs in the first leaf, long after that leaf was filled.
      const late: Entries = { keys: [...sorted.keys.slice(0, 20), ...sorted.keys.slice(21), sorted.keys[20]!], values: [...sorted.values.slice(0, 20), ...sorted.values.slice(21), sorted.values[20]!] };
      for (const [name, e] of [['a key repeated', repeated], ['two keys swapped', swapped], ['a key at the end that belongs in the first leaf', late]] as const) {
        const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
        const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
        const streamB = b.record();
        const ta = BTree.create(a.heap, 3);
        const tb = BTree.create(b.heap, 3);
        const many = insertOneByOne(ta, e);
        const { src, from, to } = pack(e);
        expect(tb.insertPacked(src, from, to), name).toBe(many);
        expect(tb.check().entries, name).toBe(3000);
        expect(diffEntries(treeEntries(tb), treeEntries(ta)), name).toBe('');
        // The entries before the one out of order were built (leaf images), not inserted one by one.
        const pages = streamB.filter((r) => r.type === RecordType.indexPages).length;
        expect(pages, name).toBeGreaterThan(4);
        // A key repeated stops the build: the rest go in one by one. Two keys swapped inside a leaf go where they sort
        // as it fills; the late key stops the build at the end and goes into the full first leaf, splitting it.
        expect(streamB.some((r) => r.type === RecordType.indexInserts), name).toBe(e === repeated);
        // A follower replaying the stream has the same tree.
        const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm', 4 << 20);
        follower.apply(streamB);
        expect(diffEntries(treeEntries(BTree.open(follower.heap, 3, tb.metaBlock)), treeEntries(tb)), name).toBe('');
      }
    });

    it('tells ascending keys that share whole words from keys out of order past them (a key and its prefix, equal words)', () => {
      // The order check compares four bytes at a time: keys that agree on their first words and differ (or end) after them.
      const prng = new Prng(kind === 'wasm' ? 45 : 46);
      const keys: Uint8Array[] = [];
      for (let i = 0; i < 2000; i++) {
        const key = new Uint8Array(8 + (i % 11));
        key.set([0x20, 0x80, 0, 0, 0, 0, i >> 8, i & 0xff]);
        for (let j = 8; j < key.length; j++) key[j] = prng.int(256);
        keys.push(key);
        // The same key, longer: past every key it is a prefix of, before the next one.
        if (i % 7 === 0) keys.push(Uint8Array.from([...key, 0]));
      }
      const values = keys.map((k) => Uint8Array.of(k.length, 1));
      const ascending: Entries = { keys, values };
      const swapAt = (e: Entries, i: number): Entries => {
        const out = { keys: [...e.keys], values: [...e.values] };
        [out.keys[i], out.keys[i + 1]] = [out.keys[i + 1]!, out.keys[i]!];
        [out.values[i], out.values[i + 1]] = [out.values[i + 1]!, out.values[i]!];
        return out;
      };
      // A key and the one that extends it, swapped (equal words, then one ends); two keys differing in byte 7 only, swapped.
      const prefixFirst = keys.findIndex((k, i) => i > 1000 && keys[i + 1]!.length === k.length + 1 && compareBytes(k, keys[i + 1]!.subarray(0, k.length)) === 0);
      const sameWords = keys.findIndex((k, i) => i > 1200 && k[6] === keys[i + 1]![6] && k[7] !== keys[i + 1]![7]);
      const repeated: Entries = { keys: [...keys], values: [...values] };
      repeated.keys.splice(1500, 0, keys[1500]!);
      repeated.values.splice(1500, 0, values[1500]!);
      expect(prefixFirst > 0 && sameWords > 0).toBe(true);
      const cases: [string, Entries, boolean][] = [
        ['ascending', ascending, true],
        ['a key after its extension', swapAt(ascending, prefixFirst), false],
        ['keys out of order in byte 7, their first 7 equal', swapAt(ascending, sameWords), false],
        ['a key repeated', repeated, false],
      ];
      for (const [name, e, built] of cases) {
        const a = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
        const b = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24 });
        const ta = BTree.create(a.heap, 3);
        const tb = BTree.create(b.heap, 3);
        const streamB = b.record();
        const many = insertOneByOne(ta, e);
        const { src, from, to } = pack(e);
        expect(tb.insertPacked(src, from, to), name).toBe(many);
        tb.check();
        expect(diffEntries(treeEntries(tb), treeEntries(ta)), name).toBe('');
        // All of it built bottom-up (no INDEX_INSERTS record) when strictly ascending; a key repeated stops the build.
        if (built) expect(streamB.some((r) => r.type === RecordType.indexInserts), name).toBe(false);
        if (name === 'a key repeated') expect(streamB.some((r) => r.type === RecordType.indexInserts), name).toBe(true);
      }
    });

    it('makes smaller changes under small WAL files and a small buffer pool, with the same entries', () => {
      const prng = new Prng(kind === 'wasm' ? 45 : 46);
      const e = sortedEntries(prng, 6000, MIXED);
      BTree.buildLeavesPerChange = 64;
      for (const o of [{ walFileBytes: 64 * 1024, poolBytes: 1 << 20 }, { walFileBytes: 1 << 24, poolBytes: 8 * 64 * 1024 }]) {
        const db = MiniDb.create({ kind, vfs: createMemoryVfs(), ...o });
        const stream = db.record();
        const tree = BTree.create(db.heap, 3);
        const { src, from, to } = pack(e);
        expect(tree.insertPacked(src, from, to)).toBe(e.keys.length);
        tree.check();
        expect(diffEntries(treeEntries(tree), expected(e))).toBe('');
        const changes = stream.filter((r) => r.type === RecordType.indexPages);
        expect(Math.max(...changes.map((r) => r.payload.length))).toBeLessThanOrEqual(db.heap.maxRecordBytes);
        // Fewer than 64 leaves a change: more changes than the leaves / 64.
        expect(changes.length).toBeGreaterThan(Math.ceil(tree.check().pages / 64) + 1);
        const follower = new Follower(kind);
        follower.apply(stream);
        expect(diffEntries(treeEntries(BTree.open(follower.heap, 3, tree.metaBlock)), expected(e))).toBe('');
        db.close();
      }
    }, LONG_MS);

    // Crash safety: a tree created and synced, then one build of N entries (small changes, a small pool, so pages are
    // written back and the WAL synced during it), a sync, a checkpoint, a few more inserts and a sync.
    const N = 5000;
    const crashEntries = sortedEntries(new Prng(kind === 'wasm' ? 47 : 48), N + 40, [10, 16, 24, 60, 200]);
    const build: Entries = { keys: crashEntries.keys.filter((_, i) => i % 118 !== 7), values: crashEntries.values.filter((_, i) => i % 118 !== 7) };
    const later: Entries = { keys: crashEntries.keys.filter((_, i) => i % 118 === 7), values: crashEntries.values.filter((_, i) => i % 118 === 7) };
    const options = (vfs: FaultVfs) => ({ kind, vfs, walFileBytes: 128 * 1024, poolBytes: 6 * 64 * 1024 });
    const OWNER = 77;
    interface Journal {
      durable: 'none' | 'built' | 'all';
    }
    function setUp(vfs: FaultVfs): void {
      const db = MiniDb.create(options(vfs));
      BTree.create(db.heap, OWNER);
      db.close();
    }
    function run(vfs: FaultVfs, journal: Journal): void {
      BTree.buildLeavesPerChange = 3;
      const db = MiniDb.open(options(vfs));
      const tree = db.openTree(OWNER);
      const { src, from, to } = pack(build);
      expect(tree.insertPacked(src, from, to)).toBe(build.keys.length);
      db.wal.sync();
      journal.durable = 'built';
      db.checkpoint();
      for (let i = 0; i < later.keys.length; i++) tree.insert(later.keys[i]!, later.values[i]!);
      db.wal.sync();
      journal.durable = 'all';
      db.close();
    }
    function recoverAndCheck(vfs: FaultVfs, journal: Journal, what: string): void {
      const db = MiniDb.open(options(vfs));
      const tree = db.openTree(OWNER);
      tree.check();
      const got = treeEntries(tree);
      // A prefix of the build's entries; once the build was synced, all of them, and then any of the later inserts.
      const builtHere = got.filter((g) => later.keys.every((k) => compareBytes(k, g.key) !== 0));
      const prefix = builtHere.length;
      expect(diffEntries(builtHere, expected(build, prefix)), what).toBe('');
      if (journal.durable !== 'none') expect(prefix, what).toBe(build.keys.length);
      if (journal.durable === 'all') expect(got.length, what).toBe(build.keys.length + later.keys.length);
      if (prefix < build.keys.length) expect(got.length, what).toBe(prefix);
      // The tree takes the rest, and a clean reopen keeps it.
      for (let i = 0; i < later.keys.length; i++) tree.insert(later.keys[i]!, later.values[i]!);
      for (let i = prefix; i < build.keys.length; i++) tree.insert(build.keys[i]!, build.values[i]!);
      db.close();
      const again = MiniDb.open(options(vfs));
      const t2 = again.openTree(OWNER);
      t2.check();
      expect(t2.check().entries, what).toBe(build.keys.length + later.keys.length);
      again.close();
    }
    function counted(): { syncs: number; writes: number } {
      const vfs = createFaultVfs({ seed: 1 });
      setUp(vfs);
      const before = vfs.counters;
      run(vfs, { durable: 'none' });
      const after = vfs.counters;
      return { syncs: after.sync - before.sync, writes: after.write - before.write };
    }
    function crashed(arm: (vfs: FaultVfs) => void, seed: number): { vfs: FaultVfs; journal: Journal } {
      const vfs = createFaultVfs({ seed });
      setUp(vfs);
      arm(vfs);
      const journal: Journal = { durable: 'none' };
      try {
        run(vfs, journal);
      } catch (error) {
        if (!vfs.crashed) throw error;
      }
      expect(vfs.crashed).toBe(true);
      return { vfs: vfs.crash({ tear: true }), journal };
    }

    it('recovers a prefix of the build after a power loss at every sync (a sample under Bun and Deno), all of it once synced', () => {
      const { syncs } = counted();
      expect(syncs).toBeGreaterThan(8);
      let during = 0;
      for (const k of crashPoints(syncs, kind === 'wasm' ? 0 : 2)) {
        const { vfs, journal } = crashed((v) => v.crashAtSync(k), k);
        if (journal.durable === 'none') during++;
        recoverAndCheck(vfs, journal, `crash at sync ${k} of ${syncs}`);
      }
      // Syncs during the build itself (pages written back ahead of the WAL), not only the ones after it.
      expect(during).toBeGreaterThan(FULL_CRASH_SWEEPS ? 3 : 0);
    }, LONG_MS);

    it('recovers a prefix of the build after a torn power loss right after a sample of writes', () => {
      const { writes } = counted();
      const prng = new Prng(kind === 'wasm' ? 49 : 50);
      for (let i = 0; i < (FULL_CRASH_SWEEPS ? 25 : 10); i++) {
        const n = 1 + prng.int(writes);
        const { vfs, journal } = crashed((v) => v.inject({ op: 'write', nth: n, effect: 'crash' }), 100 + n);
        recoverAndCheck(vfs, journal, `crash after write ${n} of ${writes}`);
      }
    }, LONG_MS);
  });
}
