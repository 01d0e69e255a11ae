// The B+-tree inside the heap, with both kernel implementations: index blocks
// belong to the index owner alone (table scans, blocksOf and table inserts
// never see them); a structural change that cannot be logged (its record is
// over the WAL's largest payload, or the buffer pool has no frame left) leaves
// the tree and every page as they were; and replaying a WAL stream twice
// gives the same trees (redo skips what a page's LSN shows it has).
import { describe, expect, it } from 'vitest';
import { flintError } from '../../txn/engine-helpers.ts';
import { FlintError } from '../../../src/errors.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../../../src/limits.ts';
import { type HeapWal } from '../../../src/storage/heap/heap.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { Follower, KINDS, MiniDb, compareBytes, diffEntries, treeEntries } from './harness.ts';

function key(n: number, length: number): Uint8Array {
  const k = new Uint8Array(length);
  new DataView(k.buffer).setUint32(0, n);
  for (let i = 4; i < length; i++) k[i] = (n + i) & 0xff;
  return k;
}

/** A copy of every block of the owner. */
function snapshotBlocks(db: MiniDb, owner: number): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const blockNo of db.heap.blocksOf(owner)) {
    const frame = db.heap.pinBlock(blockNo);
    out.set(blockNo, new Uint8Array(db.kernels.buffer, db.heap.frameOffset(frame), BLOCK_SIZE).slice());
    db.heap.unpinBlock(frame);
  }
  return out;
}

/** '' if every block of `before` holds the same bytes now. */
function sameBlocks(db: MiniDb, before: Map<number, Uint8Array>): string {
  for (const [blockNo, bytes] of before) {
    const frame = db.heap.pinBlock(blockNo);
    const now = new Uint8Array(db.kernels.buffer, db.heap.frameOffset(frame), BLOCK_SIZE);
    db.heap.unpinBlock(frame);
    for (let i = 0; i < BLOCK_SIZE; i++) if (now[i] !== bytes[i]) return `block ${blockNo} differs at byte ${i}`;
  }
  return '';
}

const byKey = (a: { key: Uint8Array }, b: { key: Uint8Array }): number => compareBytes(a.key, b.key);


for (const kind of KINDS) {
  describe(`B+-tree in the heap (${kind} kernels)`, () => {
    it('an insert right after a find that missed the key reuses its position only while the leaf is unchanged', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 2);
      const model = new Map<string, number>();
      const put = (n: number, v: number) => {
        model.set(Buffer.from(key(n, 12)).toString('hex'), v);
      };
      for (let n = 0; n < 400; n += 4) {
        tree.insert(key(n, 12), Uint8Array.of(1));
        put(n, 1);
      }
      for (let n = 1; n < 400; n += 4) {
        // find misses n; then the same leaf changes (a delete or an update of a key before it, or a heap insert that
        // changes nothing of the tree), then n goes in: at the remembered position only if the leaf is as it was.
        expect(tree.find(key(n, 12), () => true)).toBeUndefined();
        const change = (n >> 2) % 4;
        if (change === 0) {
          expect(tree.delete(key(n - 1, 12))).toBe(true);
          model.delete(Buffer.from(key(n - 1, 12)).toString('hex'));
        } else if (change === 1) {
          expect(tree.update(key(n - 1, 12), Uint8Array.of(7))).toBe(true);
          put(n - 1, 7);
        } else if (change === 2) {
          db.heap.insert(1, new Uint8Array(100).fill(3));
        }
        expect(tree.insert(key(n, 12), Uint8Array.of(2))).toBe(true);
        put(n, 2);
        // A second insert of the same key finds it.
        expect(tree.insert(key(n, 12), Uint8Array.of(3))).toBe(false);
      }
      tree.check();
      const got = treeEntries(tree).map((e) => [Buffer.from(e.key).toString('hex'), e.value[0]!]);
      expect(got).toEqual([...model.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
      db.close();
    });

    it('keeps index blocks to the index owner: table scans and inserts never touch them', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 2);
      const tuple = new Uint8Array(300).fill(9);
      const tids: number[] = [];
      for (let i = 0; i < 600; i++) {
        tids.push(db.heap.insert(1, tuple));
        tree.insert(key(i, 200), new Uint8Array(8));
      }
      const tableBlocks = new Set(db.heap.blocksOf(1));
      const indexBlocks = db.heap.blocksOf(2);
      expect(indexBlocks.length).toBeGreaterThan(1);
      for (const b of indexBlocks) expect(tableBlocks.has(b)).toBe(false);
      let seen = 0;
      db.heap.scan(1, () => {
        seen++;
      });
      expect(seen).toBe(600);
      for (const tid of tids) expect(indexBlocks.includes(Math.floor(tid / 1024 / 16))).toBe(false);
      expect(tree.check().entries).toBe(600);
    });

    it('leaves the tree and its pages as they were when a structural change cannot be logged', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 3);
      for (let i = 0; i < 400; i++) tree.insert(key(i * 2, 300), Uint8Array.of(1));
      const entries = treeEntries(tree);
      const shape = tree.check();
      // A WAL that takes only small records: the next split's record is refused.
      const small: HeapWal = {
        append: (type, payload) => db.wal.append(type, payload),
        get durableLsn() {
          return db.wal.durableLsn;
        },
        sync: () => db.wal.sync(),
        maxPayloadBytes: 2000,
      };
      db.heap.attachWal(small);
      let refused: FlintError | undefined;
      let i = 0;
      for (; i < 400 && refused === undefined; i++) {
        const before = snapshotBlocks(db, 3);
        try {
          tree.insert(key(i * 2 + 1, 300), Uint8Array.of(2));
          entries.push({ key: key(i * 2 + 1, 300), value: Uint8Array.of(2) });
        } catch (error) {
          if (!(error instanceof FlintError)) throw error;
          refused = error;
          expect(sameBlocks(db, before)).toBe('');
        }
      }
      expect(refused?.code).toBe('54000');
      expect(refused?.message).toMatch(/WAL record of \d+ bytes; the maximum is 2000/);
      entries.sort(byKey);
      expect(diffEntries(treeEntries(tree), entries)).toBe('');
      expect(tree.check()).toEqual({ ...shape, entries: entries.length });
      expect(db.pool.pinnedFrames()).toBe(0);
      // With the real WAL the same insert goes through.
      db.heap.attachWal(db.wal);
      expect(tree.insert(key((i - 1) * 2 + 1, 300), Uint8Array.of(3))).toBe(true);
      expect(tree.check().entries).toBe(entries.length + 1);
    });

    it('stays as it was, and usable, when the buffer pool has no frame for a change', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20, poolBytes: 4 * BLOCK_SIZE });
      const tree = BTree.create(db.heap, 4);
      let i = 0;
      while (db.heap.blocksOf(4).length < 2) tree.insert(key(i++, 600), Uint8Array.of(1));
      const entries = treeEntries(tree);
      // Three of the four frames go to another file: a change that needs two blocks at once finds no frame.
      const other = db.pool.registerFile(createMemoryVfs().open('/other', { create: true }));
      const pinned = [0, 1, 2].map((b) => db.pool.pinNew(other, b));
      let failed: FlintError | undefined;
      for (let j = 0; j < 300 && failed === undefined; j++) {
        const before = snapshotBlocks(db, 4);
        try {
          if (tree.insert(key(i, 600), Uint8Array.of(1))) entries.push({ key: key(i, 600), value: Uint8Array.of(1) });
          i++;
        } catch (error) {
          if (!(error instanceof FlintError)) throw error;
          failed = error;
          expect(sameBlocks(db, before)).toBe('');
        }
      }
      expect(failed?.code).toBe('53000');
      for (const frame of pinned) db.pool.unpin(frame);
      entries.sort(byKey);
      expect(diffEntries(treeEntries(tree), entries)).toBe('');
      tree.check();
      expect(db.pool.pinnedFrames()).toBe(0);
      for (let j = 0; j < 50; j++) expect(tree.insert(key(i++, 600), Uint8Array.of(1))).toBe(true);
      expect(tree.check().entries).toBe(entries.length + 50);
    });

    it('replays a WAL stream twice to the same trees (redo skips what a page already has)', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const stream = db.record();
      const tree = BTree.create(db.heap, 5);
      for (let i = 0; i < 800; i++) tree.insert(key((i * 7919) % 800, 100 + (i % 5) * 150), Uint8Array.of(i & 0xff));
      for (let i = 0; i < 800; i += 3) tree.delete(key(i, 100 + (((i * 7919) % 800) % 5) * 150));
      for (let i = 1; i < 800; i += 5) tree.update(key(i, 100), Uint8Array.of(9, 9));
      const follower = new Follower(kind);
      follower.apply(stream);
      const once = BTree.open(follower.heap, 5, tree.metaBlock);
      expect(once.check()).toEqual(tree.check());
      // Everything again, from the first record: LSNs make each a no-op or an exact redo.
      follower.applied = 0;
      follower.apply(stream);
      expect(once.check()).toEqual(tree.check());
      expect(diffEntries(treeEntries(once), treeEntries(tree))).toBe('');
      // Page for page.
      const theirs = new Uint8Array(follower.kernels.buffer);
      for (const blockNo of db.heap.blocksOf(5)) {
        const a = db.heap.pinBlock(blockNo);
        const b = follower.heap.pinBlock(blockNo);
        const mine = new Uint8Array(db.kernels.buffer, db.heap.frameOffset(a), BLOCK_SIZE);
        for (let page = 0; page < 16; page++) {
          const x = mine.subarray(page * PAGE_SIZE + 4, (page + 1) * PAGE_SIZE);
          const y = theirs.subarray(follower.heap.frameOffset(b) + page * PAGE_SIZE + 4, follower.heap.frameOffset(b) + (page + 1) * PAGE_SIZE);
          expect(compareBytes(x, y), `block ${blockNo} page ${page}`).toBe(0);
        }
        db.heap.unpinBlock(a);
        follower.heap.unpinBlock(b);
      }
      expect(flintError(() => BTree.open(follower.heap, 6, tree.metaBlock)).code).toBe('XX002');
    });
  });
}
