// Deferred secondary-index entries (src/txn/deferred-entries.ts): the holder
// on its own (key order, bounds, discard, a flush that fails part way), then
// through the engine: a transaction finds its own rows through the index
// before it commits, other snapshots never miss a committed row, and
// rollback, savepoints, DROP INDEX, vacuum, a crash before and after commit
// and a reopen all leave indexes that verify. Both kernels.
import { describe, expect, it } from 'vitest';
import { MAX_KEY_SIZE, PAGES_PER_BLOCK } from '../../src/limits.ts';
import { DeferredEntries, type SortedInserts } from '../../src/txn/deferred-entries.ts';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef, type TableDef } from '../../src/txn/engine.ts';
import type { IndexDef } from '../../src/txn/index-keys.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { KINDS, Prng, flintError, smallOptions } from './engine-helpers.ts';

/** A tree that records what it is given, as hex keys and value lengths; `failAt` throws on that insert (once). */
class RecordingTree implements SortedInserts {
  readonly keys: string[] = [];
  readonly values: number[] = [];
  failAt = -1;
  #calls = 0;
  insertPacked(src: Uint8Array, from: number, to: number): number {
    let inserted = 0;
    for (let at = from; at < to; ) {
      if (this.#calls++ === this.failAt) {
        this.failAt = -1;
        throw new Error('disk on fire');
      }
      const keyLen = src[at]! | (src[at + 1]! << 8);
      const valueLen = src[at + 2]! | (src[at + 3]! << 8);
      const entryAt = at;
      at += 4 + keyLen + valueLen;
      const hex = Buffer.from(src.subarray(entryAt + 4, entryAt + 4 + keyLen)).toString('hex');
      const value = src.subarray(entryAt + 4 + keyLen, entryAt + 4 + keyLen + valueLen);
      if (this.keys.includes(hex)) continue;
      this.keys.push(hex);
      this.values.push(value[0]! | (value[1]! << 8));
      inserted++;
    }
    return inserted;
  }
}

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('DeferredEntries', () => {
  it('inserts each index’s entries in key order, with their secondary key lengths', () => {
    const d = new DeferredEntries(64);
    const a = new RecordingTree();
    const b = new RecordingTree();
    const prng = new Prng(5);
    const want: string[] = [];
    for (let i = 0; i < 500; i++) {
      // A shared prefix, then bytes that differ anywhere (also past the 4 the sort looks at).
      const key = bytes(7, 7, 7, prng.int(4), prng.int(256), prng.int(256), prng.int(256), prng.int(256), prng.int(256), i >> 8, i & 255);
      want.push(Buffer.from(key).toString('hex'));
      d.add(1, a, key, key.length, 3);
      d.add(2, b, bytes(9, i & 255), 2 - (i & 1), 1);
    }
    expect(d.size).toBe(1000);
    expect(d.has(1) && d.has(2) && !d.has(3)).toBe(true);
    d.flush();
    expect(d.size).toBe(0);
    expect(d.has(1)).toBe(false);
    // Every entry, once; nearly sorted: the sort decides by the 4 bytes after the shared prefix.
    expect([...a.keys].sort()).toEqual([...want].sort());
    const prefixes = a.keys.map((k) => k.slice(6, 14));
    expect(prefixes).toEqual([...prefixes].sort());
    expect(a.values.every((v) => v === 3)).toBe(true);
    // Index 2: entries of length 1 (the same one, inserted once) and 2 (128 even second bytes).
    expect(b.keys.length).toBe(128 + 1);
    expect(b.keys.slice(2)).toEqual([...b.keys.slice(2)].sort());
  });

  it('a flush passes every entry whole, stably sorted by the 4 bytes after the shared prefix, whatever that prefix’s length', () => {
    // The sort compares and copies four bytes at a time: shared prefixes and keys of every length around a word, entries
    // that agree on the 4 bytes (kept in arrival order), one half or both halves of the 4 bytes differing, the shared
    // prefix shorter from the second entry on, only from the 291st, or for one entry only.
    for (const common of [0, 1, 3, 4, 5, 7, 8, 9]) {
      for (const halves of ['high', 'low', 'both', 'late', 'one']) {
        const prng = new Prng(100 + common);
        const d = new DeferredEntries(64);
        const entries: { key: Uint8Array; skey: number; tid: number }[] = [];
        for (let i = 0; i < (halves === 'late' ? 600 : 300); i++) {
          const key = new Uint8Array(common + 1 + prng.int(10));
          key.fill(0xa5, 0, common);
          for (let k = common; k < key.length; k++) key[k] = prng.int(256);
          // Few distinct values in the half that decides (entries that agree on it keep their arrival order); the other half the same for all.
          if (halves !== 'low') key[common] = prng.int(6);
          // 'late': the first 290 entries share 3 more bytes.
          if (halves === 'late' && i < 290) key.fill(0x5a, common, Math.min(key.length, common + 3));
          // 'one': every entry but the 6th shares 3 more bytes (a sample of the entries may miss it).
          if (halves === 'one' && i !== 5) key.fill(0x5a, common, Math.min(key.length, common + 3));
          // 'low': the shortest keys end at the shared prefix, the rest have two zero bytes after it: only the low half differs.
          if (halves === 'low') key.fill(0, common, Math.min(key.length, common + 3));
          else if (halves === 'high' && key.length > common + 2) {
            key[common + 2] = 0;
            if (key.length > common + 3) key[common + 3] = 0;
          }
          const skey = 1 + prng.int(key.length);
          const tid = prng.int(3) === 0 ? 0 : 1 + prng.int(2 ** 40);
          entries.push({ key, skey, tid });
        }
        let got = new Uint8Array(0);
        const tree: SortedInserts = {
          insertPacked(src, from, to) {
            got = src.slice(from, to);
            return 0;
          },
        };
        for (const e of entries) d.add(1, tree, e.key, e.key.length, e.skey, e.tid);
        d.flush();
        // The expected bytes: a stable sort of the arrival order by the big-endian 4 bytes after the shared prefix (zeros past a key's end).
        let shared = Math.min(...entries.map((e) => e.key.length));
        for (const e of entries) while (shared > 0 && Buffer.compare(e.key.subarray(0, shared), entries[0]!.key.subarray(0, shared)) !== 0) shared--;
        const prefix = (key: Uint8Array) => [0, 1, 2, 3].reduce((p, k) => p * 256 + (key[shared + k] ?? 0), 0);
        const order = entries.map((e, i) => ({ e, i, p: prefix(e.key) })).sort((a, b) => a.p - b.p || a.i - b.i);
        const want: number[] = [];
        for (const { e } of order) {
          const value = e.tid === 0 ? [e.skey & 0xff, e.skey >> 8] : [e.skey & 0xff, e.skey >> 8, ...[0, 1, 2, 3, 4, 5].map((k) => Math.floor(e.tid / 2 ** (8 * k)) & 0xff)];
          want.push(e.key.length & 0xff, e.key.length >> 8, value.length, 0, ...e.key, ...value);
        }
        expect(Buffer.from(got).equals(Buffer.from(want)), `common ${common}, ${halves}`).toBe(true);
      }
    }
  });

  it('flushes by itself at its bounds, and discards an index’s entries', () => {
    const d = new DeferredEntries(16, { entries: 10, bytes: 1000 });
    const t = new RecordingTree();
    for (let i = 0; i < 25; i++) d.add(1, t, bytes(1, i), 2, 1);
    expect(t.keys.length).toBe(20);
    expect(d.size).toBe(5);
    d.discard(1);
    expect(d.size).toBe(0);
    d.flush();
    expect(t.keys.length).toBe(20);
    const small = new DeferredEntries(16, { bytes: 8 });
    for (let i = 0; i < 9; i++) small.add(1, t, bytes(2, i, 0, 0), 4, 1);
    expect(small.size).toBe(1);
    expect(t.keys.length).toBe(28);
  });

  it('an index’s entries go to the tree of its group; a discarded index starts a new group, with the tree given then', () => {
    const d = new DeferredEntries(16);
    const old = new RecordingTree();
    const other = new RecordingTree();
    const renewed = new RecordingTree();
    for (let i = 0; i < 10; i++) {
      d.add(1, old, bytes(1, i), 2, 1);
      d.add(1, old, bytes(1, 100 + i), 2, 1); // the same index twice in a row
      d.add(2, other, bytes(2, i), 2, 1);
    }
    d.discard(1);
    for (let i = 0; i < 5; i++) d.add(1, renewed, bytes(3, i), 2, 1);
    expect(d.size).toBe(15);
    d.flush();
    expect(old.keys).toEqual([]);
    expect(other.keys).toEqual(Array.from({ length: 10 }, (_, i) => Buffer.from([2, i]).toString('hex')));
    expect(renewed.keys).toEqual(Array.from({ length: 5 }, (_, i) => Buffer.from([3, i]).toString('hex')));
    // After a flush, the same index id starts again from an empty group.
    d.add(1, renewed, bytes(3, 9), 2, 1);
    d.flush();
    expect(renewed.keys.length).toBe(6);
  });

  it('its arena grows once past its first 64 KiB, to the bound, and keeps every entry', () => {
    // Growing by doubling wrote every generation whole: twice the bound in fresh pages, each a page fault.
    const bound = 1 << 20;
    const d = new DeferredEntries(16, { bytes: bound, entries: 1 << 20 });
    const t = new RecordingTree();
    const arenas = new Set<Uint8Array>();
    const n = 6_000; // entries of 4 + 4 + 8 bytes: ~94 KiB
    for (let i = 0; i < n; i++) {
      const arena = d.reserve(1, t);
      arenas.add(arena);
      const at = d.keyAt;
      arena[at] = 5;
      arena[at + 1] = (i >>> 16) & 0xff;
      arena[at + 2] = (i >>> 8) & 0xff;
      arena[at + 3] = i & 0xff;
      d.commit(4, 1, i + 1);
    }
    expect(d.size).toBe(n);
    // The large arena is a spare buffer (spare-buffers.ts): the bound's size, or a larger spare.
    const sizes = [...arenas].map((a) => a.length);
    expect(sizes.length).toBe(2);
    expect(sizes[0]).toBe(64 * 1024);
    expect(sizes[1]).toBeGreaterThanOrEqual(bound);
    d.flush();
    expect(t.keys.length).toBe(n);
    expect(t.keys[0]).toBe('05000000');
    expect(t.keys[n - 1]).toBe(`05${(n - 1).toString(16).padStart(6, '0')}`);
  });

  it('reserve/commit writes an entry in place as add does; cancel holds nothing', () => {
    const viaAdd = new DeferredEntries(32);
    const inPlace = new DeferredEntries(32);
    const a = new RecordingTree();
    const b = new RecordingTree();
    const prng = new Prng(11);
    for (let i = 0; i < 300; i++) {
      const key = bytes(1, prng.int(256), prng.int(256), prng.int(256), prng.int(256), prng.int(256), i >> 8, i & 255);
      const tid = prng.int(3) === 0 ? 0 : 1 + prng.int(1 << 30) * 4096;
      viaAdd.add(1, a, key, key.length, 5, tid);
      if (i % 7 === 0) {
        inPlace.reserve(1, b).set(bytes(9, 9, 9), inPlace.keyAt);
        inPlace.cancel();
      }
      const arena = inPlace.reserve(1, b);
      arena.set(key, inPlace.keyAt);
      inPlace.commit(key.length, 5, tid);
    }
    expect(inPlace.size).toBe(300);
    expect(() => inPlace.commit(1, 1)).toThrow(/without reserve/);
    viaAdd.flush();
    inPlace.flush();
    expect(b.keys).toEqual(a.keys);
    expect(b.values).toEqual(a.values);
    expect(b.keys.length).toBe(300);
  });

  it.each([
    ['both halves', 3, 3],
    ['the high half (entries copied to their buckets in arrival order)', 7, 1],
    ['the low half (entries copied to their buckets in arrival order)', 1, 7],
    ['neither half', 1, 1],
  ])('sorts by %s of the 4-byte prefix, keeping arrival order among equal prefixes', (_what, his, los) => {
    const d = new DeferredEntries(16);
    const t = new RecordingTree();
    const prng = new Prng(23);
    const want: { prefix: number; arrival: number; hex: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      // A shared first byte, then 4 bytes from a few values in each half, then the arrival; values of 2 and 8 bytes.
      const hi = 0x0102 + prng.int(his) * 0x1234;
      const lo = 0x0304 + prng.int(los) * 0x0f0f;
      const key = bytes(4, hi >> 8, hi & 255, lo >> 8, lo & 255, i >> 8, i & 255);
      want.push({ prefix: hi * 65536 + lo, arrival: i, hex: Buffer.from(key).toString('hex') });
      d.add(1, t, key, key.length, 1, i % 3 === 0 ? 0 : 4096 * i + 1);
    }
    d.flush();
    want.sort((x, y) => x.prefix - y.prefix || x.arrival - y.arrival);
    expect(t.keys).toEqual(want.map((w) => w.hex));
  });

  it('a flush that fails part way keeps every entry; the next one inserts them all', () => {
    const d = new DeferredEntries(16);
    const t = new RecordingTree();
    for (let i = 0; i < 10; i++) d.add(1, t, bytes(3, i), 2, 1);
    t.failAt = 4;
    expect(() => d.flush()).toThrow('disk on fire');
    expect(d.size).toBe(10);
    d.flush();
    expect(d.size).toBe(0);
    expect(t.keys).toEqual(Array.from({ length: 10 }, (_, i) => `03${i.toString(16).padStart(2, '0')}`));
  });
});

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'cat', type: 'int32', nullable: true },
  { name: 'name', type: 'text', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };
const BY_CAT = { name: 't_cat', columns: [{ column: 1, key: { type: 'int64' as const } }] };

/** Ids of the rows txn finds through the index with cat = `cat`, sorted. */
function byCat(db: Engine, txn: Transaction, t: TableDef, index: IndexDef, cat: number): bigint[] {
  const ids: bigint[] = [];
  const bound = { values: [cat], inclusive: true };
  db.indexScan(txn, t.id, index.id, { lower: bound, upper: bound }, (_tid, row) => void ids.push(row[0] as bigint));
  return ids.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

function rows(from: number, count: number): StorageValue[][] {
  return Array.from({ length: count }, (_, i) => [BigInt(from + i), (from + i) % 13, `row ${from + i}`]);
}

function expected(ids: number[], cat: number): bigint[] {
  return ids.filter((id) => id % 13 === cat).map(BigInt);
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

for (const kind of KINDS) {
  describe(`deferred secondary entries through the engine (${kind} kernels)`, () => {
    function setup() {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const index = db.createIndex(t.id, BY_CAT);
      return { vfs, db, t, index };
    }

    it('entries of one-column indexes (integer ascending and descending, float, text; NULLs, negative and large values) are those the tree needs', () => {
      // The integer column's entries take a short way into the holder (IndexManager.#deferInt64, and beforeInsert's size
      // check): the same bytes as the general encoder's, found by every lookup; the other columns take the general way.
      const columns: readonly ColumnDef[] = [
        { name: 'id', type: 'int64', nullable: false },
        { name: 'n', type: 'int32', nullable: true },
        { name: 'f', type: 'float64', nullable: true },
        { name: 's', type: 'text', nullable: true },
        { name: 'big', type: 'int64', nullable: true },
      ];
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', columns, undefined, PK);
      const byN = db.createIndex(t.id, { name: 't_n', columns: [{ column: 1, key: { type: 'int64' } }] });
      const byNDesc = db.createIndex(t.id, { name: 't_n_desc', columns: [{ column: 1, key: { type: 'int64', descending: true } }] });
      const byF = db.createIndex(t.id, { name: 't_f', columns: [{ column: 2, key: { type: 'float64' } }] });
      const byS = db.createIndex(t.id, { name: 't_s', columns: [{ column: 3, key: { type: 'text' } }] });
      const byBig = db.createIndex(t.id, { name: 't_big', columns: [{ column: 4, key: { type: 'int64' } }] });
      const ns = [null, 0, 1, -1, 7, -7, 2 ** 31 - 1, -(2 ** 31), 255, 256, 65_535, 65_536];
      const bigs = [null, 0n, -1n, 2n ** 62n, -(2n ** 62n), 2n ** 53n + 1n, 12n];
      const writer = db.begin();
      const N = 600;
      for (let i = 0; i < N; i++) {
        const n = ns[i % ns.length]!;
        db.insert(writer, t.id, [BigInt(i), n, n === null ? null : n / 4, n === null ? null : `s${n}`, bigs[i % bigs.length]!]);
      }
      db.commit(writer);
      db.verifyIndexes(t.id);
      const reader = db.begin();
      const find = (index: IndexDef, value: unknown): bigint[] => {
        const ids: bigint[] = [];
        const bound = { values: [value], inclusive: true };
        db.indexScan(reader, t.id, index.id, { lower: bound, upper: bound } as never, (_tid, row) => void ids.push(row[0] as bigint));
        return ids.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      };
      const want = (pick: (i: number) => boolean): bigint[] => range(0, N).filter(pick).map(BigInt);
      for (const [k, n] of ns.entries()) {
        if (n === null) continue;
        const rowsOf = want((i) => i % ns.length === k);
        expect(find(byN, n)).toEqual(rowsOf);
        expect(find(byNDesc, n)).toEqual(rowsOf);
        expect(find(byF, n / 4)).toEqual(rowsOf);
        expect(find(byS, `s${n}`)).toEqual(rowsOf);
      }
      for (const [k, big] of bigs.entries()) if (big !== null) expect(find(byBig, big)).toEqual(want((i) => i % bigs.length === k));
      db.commit(reader);
      db.close();
    });

    it('an entry of an integer column over the key limit with its primary key is 54000 at the insert, in a load as alone', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', [{ name: 'k', type: 'text', nullable: false }, { name: 'n', type: 'int32', nullable: true }], undefined, {
        name: 't_pkey',
        columns: [{ column: 0, key: { type: 'text' } }],
      });
      const byN = db.createIndex(t.id, { name: 't_n', columns: [{ column: 1, key: { type: 'int64' } }] });
      const txn = db.begin();
      for (let i = 0; i < 50; i++) db.insert(txn, t.id, [`k${i}`, i]);
      // A primary key that fits alone but not after the 9 bytes of n (NULL's 1 byte fits).
      const long = 'x'.repeat(MAX_KEY_SIZE - 6);
      expect(flintError(() => db.insert(txn, t.id, [long, 5])).code).toBe('54000');
      db.insert(txn, t.id, [long, null]);
      db.commit(txn);
      db.verifyIndexes(t.id);
      const reader = db.begin();
      let found = 0;
      db.indexScan(reader, t.id, byN.id, { lower: { values: [5], inclusive: true }, upper: { values: [5], inclusive: true } }, () => void found++);
      expect(found).toBe(1);
      db.commit(reader);
      db.close();
    });

    it('a transaction finds its own rows through the index; others see them once it commits', () => {
      const { db, t, index } = setup();
      const writer = db.begin();
      for (const r of rows(0, 300)) db.insert(writer, t.id, r);
      expect(byCat(db, writer, t, index, 5)).toEqual(expected(range(0, 300), 5));
      // More rows after the index was read (and flushed): found too.
      for (const r of rows(300, 300)) db.insert(writer, t.id, r);
      const reader = db.begin();
      expect(byCat(db, reader, t, index, 5)).toEqual([]);
      expect(byCat(db, writer, t, index, 5)).toEqual(expected(range(0, 600), 5));
      db.commit(writer);
      expect(byCat(db, reader, t, index, 5)).toEqual([]);
      db.commit(reader);
      const later = db.begin();
      for (let cat = 0; cat < 13; cat++) expect(byCat(db, later, t, index, cat)).toEqual(expected(range(0, 600), cat));
      db.commit(later);
      db.verifyIndexes(t.id);
      db.close();
    });

    it('a load into an empty index leaves full leaves, whatever key its first row has', () => {
      // The first row's cat sorts after all the others. Its entry used to go into the tree at once (a transaction's
      // first row is not deferred), so that every entry of the load's flush went in before it, into leaves that were
      // not the last: each was split in the middle and stayed half full. Deferred too, the flush appends.
      const N = 30_000;
      const load = (withIndex: boolean): number => {
        const db = Engine.open(smallOptions(kind, createMemoryVfs(), { poolBytes: 32 << 20, memtableBytes: 4 << 20, walFileBytes: 4 << 20, checkpointWalBytes: 64 << 20 }));
        const t = db.createTable('t', COLUMNS, undefined, PK);
        if (withIndex) db.createIndex(t.id, BY_CAT);
        const before = db.heapStats.blocksFormatted;
        const prng = new Prng(11);
        const txn = db.begin();
        for (let i = 0; i < N; i++) db.insert(txn, t.id, [BigInt(i), i === 0 ? 1_000 : prng.int(1_000), null]);
        db.commit(txn);
        if (withIndex) db.verifyIndexes(t.id);
        const blocks = db.heapStats.blocksFormatted - before;
        db.close();
        return blocks;
      };
      const indexPages = (load(true) - load(false)) * PAGES_PER_BLOCK;
      // An entry: a 2-byte length, 9 bytes of cat and 9 of id, an 8-byte value and a 4-byte slot: ~126 to a 4 KiB leaf.
      const fullLeaves = Math.ceil(N / 126);
      expect(indexPages).toBeGreaterThanOrEqual(fullLeaves);
      expect(indexPages).toBeLessThan(fullLeaves * 1.15 + 2 * PAGES_PER_BLOCK);
    });

    it('a commit with entries still deferred: every committed row is in the index, after a crash too', () => {
      const { vfs, db, t } = setup();
      const txn = db.begin();
      for (const r of rows(0, 2000)) db.insert(txn, t.id, r);
      db.commit(txn);
      db.verifyIndexes(t.id);
      const again = Engine.open(smallOptions(kind, vfs.crash()));
      const t2 = again.table('t')!;
      const index = again.indexes(t2.id).find((d) => d.name === 't_cat')!;
      const reader = again.begin();
      expect(byCat(again, reader, t2, index, 7)).toEqual(expected(range(0, 2000), 7));
      again.commit(reader);
      again.verifyIndexes(t2.id);
      expect(again.indexProblems(t2.id).problems).toEqual([]);
      again.close();
    });

    it('a crash before the commit: the rows and their entries are gone or harmless', () => {
      const { vfs, db, t } = setup();
      const committed = db.begin();
      for (const r of rows(0, 100)) db.insert(committed, t.id, r);
      db.commit(committed);
      const open = db.begin();
      for (const r of rows(100, 1500)) db.insert(open, t.id, r);
      const again = Engine.open(smallOptions(kind, vfs.crash()));
      const t2 = again.table('t')!;
      const index = again.indexes(t2.id).find((d) => d.name === 't_cat')!;
      const reader = again.begin();
      expect(byCat(again, reader, t2, index, 3)).toEqual(expected(range(0, 100), 3));
      again.commit(reader);
      expect(again.indexProblems(t2.id).problems).toEqual([]);
      again.vacuum();
      again.verifyIndexes(t2.id);
      again.close();
    });

    it('rollback, a savepoint rolled back, and vacuum with entries deferred', () => {
      const { db, t, index } = setup();
      const gone = db.begin();
      for (const r of rows(0, 400)) db.insert(gone, t.id, r);
      db.rollback(gone);
      const txn = db.begin();
      for (const r of rows(1000, 100)) db.insert(txn, t.id, r);
      const mark = db.savepoint(txn);
      for (const r of rows(2000, 100)) db.insert(txn, t.id, r);
      db.rollbackToSavepoint(txn, mark);
      // The rolled-back keys can be inserted again (in the same transaction).
      for (const r of rows(2000, 50)) db.insert(txn, t.id, [r[0]!, 4, 'again']);
      db.commit(txn);
      const want4 = [...expected(range(1000, 100), 4), ...range(2000, 50).map(BigInt)];
      const reader = db.begin();
      expect(byCat(db, reader, t, index, 4)).toEqual(want4);
      db.commit(reader);
      db.verifyIndexes(t.id);
      db.vacuum();
      db.verifyIndexes(t.id);
      expect(db.indexProblems(t.id)).toEqual({ problems: [], staleEntries: 0 });
      const after = db.begin();
      expect(byCat(db, after, t, index, 4)).toEqual(want4);
      db.commit(after);
      db.close();
    });

    it('an index built bottom-up by a transaction that rolls back: empty to every snapshot, then takes the next load, after a crash too', () => {
      // The first flush into an empty index (here forced by the writer's own read) builds the tree bottom-up
      // (BTree.insertPacked: ascending (cat, id) keys into an empty tree): its pages stay, its entries lead to
      // aborted rows only.
      const { vfs, db, t, index } = setup();
      const writer = db.begin();
      for (const r of rows(0, 3000)) db.insert(writer, t.id, r);
      expect(byCat(db, writer, t, index, 5)).toEqual(expected(range(0, 3000), 5));
      for (const r of rows(3000, 500)) db.insert(writer, t.id, r);
      expect(byCat(db, writer, t, index, 6)).toEqual(expected(range(0, 3500), 6));
      db.rollback(writer);
      const reader = db.begin();
      for (let cat = 0; cat < 13; cat++) expect(byCat(db, reader, t, index, cat)).toEqual([]);
      db.commit(reader);
      db.verifyIndexes(t.id);
      const load = db.begin();
      for (const r of rows(1000, 4000)) db.insert(load, t.id, r);
      db.commit(load);
      const check = (e: Engine, table: TableDef, idx: IndexDef) => {
        const txn = e.begin();
        for (let cat = 0; cat < 13; cat++) expect(byCat(e, txn, table, idx, cat)).toEqual(expected(range(1000, 4000), cat));
        e.commit(txn);
        e.verifyIndexes(table.id);
      };
      check(db, t, index);
      const again = Engine.open(smallOptions(kind, vfs.crash()));
      const t2 = again.table('t')!;
      const index2 = again.indexes(t2.id).find((d) => d.name === 't_cat')!;
      check(again, t2, index2);
      again.vacuum();
      check(again, t2, index2);
      expect(again.indexProblems(t2.id)).toEqual({ problems: [], staleEntries: 0 });
      again.close();
    });

    it('DROP INDEX and CREATE INDEX while another transaction holds deferred entries', () => {
      const { vfs, db, t, index } = setup();
      const writer = db.begin();
      for (const r of rows(0, 500)) db.insert(writer, t.id, r);
      db.dropIndex(index.id);
      const byName = db.createIndex(t.id, { name: 't_name', columns: [{ column: 2, key: { type: 'text' } }] });
      for (const r of rows(500, 500)) db.insert(writer, t.id, r);
      db.commit(writer);
      db.verifyIndexes(t.id);
      const reader = db.begin();
      let found = 0;
      const bound = { values: ['row 777'], inclusive: true };
      db.indexScan(reader, t.id, byName.id, { lower: bound, upper: bound }, () => void found++);
      expect(found).toBe(1);
      db.commit(reader);
      db.close();
      const again = Engine.open(smallOptions(kind, vfs));
      again.verifyIndexes(again.table('t')!.id);
      expect(again.indexes(again.table('t')!.id).map((d) => d.name).sort()).toEqual(['t_name', 't_pkey']);
      again.close();
    });
  });
}
