// How a B+-tree split is logged (page-batch.ts, "Node operations"): the
// node that splits and the parent that takes the separator are logged as
// the kernel calls made on them (INDEX_PAGES forms FORM_SPLIT and
// FORM_INSERT), only the new right half (and the meta page, a new root) as
// after-images. With both kernel implementations:
//   - an ascending key's split logs a few dozen bytes, not the full left
//     page; a random key's split about half a page, not a page and a half;
//   - a follower replaying the stream (and replaying it again: redo skips
//     the operations of a page that has the record) has the same pages;
//   - recovery from the WAL alone (the heap file as it was at the first
//     checkpoint) rebuilds the same trees;
//   - a malformed operation entry is refused as corruption.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../../../src/limits.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { redoIndexRecord } from '../../../src/storage/index/btree-redo.ts';
import { FORM_IMAGE, FORM_INSERT, FORM_SPLIT } from '../../../src/storage/index/page-batch.ts';
import { RecordType } from '../../../src/storage/record-types.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { Follower, KINDS, MiniDb, compareBytes, diffEntries, treeEntries, type StreamRecord } from './harness.ts';

function key(n: number, length: number): Uint8Array {
  const k = new Uint8Array(length);
  new DataView(k.buffer).setUint32(0, n);
  for (let i = 4; i < length; i++) k[i] = (n * 31 + i) & 0xff;
  return k;
}

/** The forms of an INDEX_PAGES payload's entries, with their byte counts. */
function entries(payload: Uint8Array): { pageId: number; form: number; bytes: number }[] {
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const n = p.getUint16(0, true);
  const out: { pageId: number; form: number; bytes: number }[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const form = p.getUint8(at + 4);
    const a = p.getUint16(at + 5, true);
    const b = p.getUint16(at + 7, true);
    const bytes = form === FORM_IMAGE ? a + PAGE_SIZE - b : b;
    out.push({ pageId: p.getUint32(at, true), form, bytes });
    at += 9 + bytes;
  }
  expect(at).toBe(payload.length);
  return out;
}

/** '' if every page of the owner's blocks is the same on both (bytes 4.. of each: the CRC is sealed at write-back). */
function samePages(a: { heap: MiniDb['heap']; kernels: MiniDb['kernels'] }, b: { heap: MiniDb['heap']; kernels: MiniDb['kernels'] }, owner: number): string {
  const blocks = a.heap.blocksOf(owner);
  if (blocks.join() !== b.heap.blocksOf(owner).join()) return 'different blocks';
  const x = new Uint8Array(a.kernels.buffer);
  const y = new Uint8Array(b.kernels.buffer);
  for (const blockNo of blocks) {
    const fa = a.heap.pinBlock(blockNo);
    const fb = b.heap.pinBlock(blockNo);
    try {
      const oa = a.heap.frameOffset(fa);
      const ob = b.heap.frameOffset(fb);
      for (let i = 0; i < BLOCK_SIZE; i++) {
        if (i % PAGE_SIZE < 4) continue;
        if (x[oa + i] !== y[ob + i]) return `block ${blockNo} byte ${i}`;
      }
    } finally {
      a.heap.unpinBlock(fa);
      b.heap.unpinBlock(fb);
    }
  }
  return '';
}

function splitRecords(stream: readonly StreamRecord[]): StreamRecord[] {
  return stream.filter((r) => r.type === RecordType.indexPages && entries(r.payload).some((e) => e.form === FORM_SPLIT));
}

for (const kind of KINDS) {
  describe(`B+-tree split records (${kind} kernels)`, () => {
    it('an ascending key splits the rightmost leaf with a few dozen bytes of log', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      const stream = db.record();
      const tree = BTree.create(db.heap, 7);
      for (let i = 0; i < 6000; i++) expect(tree.insert(key(i, 9), key(i, 8))).toBe(true);
      expect(tree.height).toBeGreaterThanOrEqual(2);
      const splits = splitRecords(stream);
      expect(splits.length).toBeGreaterThan(20);
      for (const r of splits) {
        const es = entries(r.payload);
        // The split leaf and the parent are operations; images are the new right leaf (one entry), the meta page and, when the root splits, the new root.
        for (const e of es) if (e.form === FORM_IMAGE) expect(e.bytes).toBeLessThan(1024);
      }
      // Every split but the root's inserts its separator into the parent as an operation.
      expect(splits.filter((r) => entries(r.payload).some((e) => e.form === FORM_INSERT)).length).toBeGreaterThanOrEqual(splits.length - tree.height);
      // Before: each split logged the full left leaf (~4 KiB) and the parent's image.
      const perSplit = splits.reduce((sum, r) => sum + r.payload.length, 0) / splits.length;
      expect(perSplit).toBeLessThan(1024);
      const follower = new Follower(kind);
      follower.apply(stream);
      const theirs = BTree.open(follower.heap, 7, tree.metaBlock);
      expect(theirs.check()).toEqual(tree.check());
      expect(samePages(db, follower, 7)).toBe('');
    });

    it('a random key splits a leaf with about half a page of log; followers and a second replay agree page for page', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      const stream = db.record();
      const tree = BTree.create(db.heap, 8);
      for (let i = 0; i < 8000; i++) tree.insert(key((i * 7919) % 10007, 18), key(i, 8));
      // Secondary-entry style batches too (INDEX_INSERTS runs, splits on the way).
      const batch = Array.from({ length: 3000 }, (_, i) => key(20000 + ((i * 613) % 5000), 18)).sort(compareBytes);
      tree.insertMany({ count: batch.length, key: (i) => batch[i]!, value: (i) => key(i, 8) });
      const splits = splitRecords(stream);
      expect(splits.length).toBeGreaterThan(50);
      const perSplit = splits.reduce((sum, r) => sum + r.payload.length, 0) / splits.length;
      // Before: left half + right half + parent images, ~1.5 pages.
      expect(perSplit).toBeLessThan(0.75 * PAGE_SIZE);
      const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm');
      follower.apply(stream);
      const theirs = BTree.open(follower.heap, 8, tree.metaBlock);
      expect(theirs.check()).toEqual(tree.check());
      expect(diffEntries(treeEntries(theirs), treeEntries(tree))).toBe('');
      expect(samePages(db, follower, 8)).toBe('');
      // Again from the first record: every page has every record, so each group of operations is skipped whole.
      follower.applied = 0;
      follower.apply(stream);
      expect(samePages(db, follower, 8)).toBe('');
    });

    it('recovery from the WAL alone rebuilds split nodes exactly', () => {
      const vfs = createMemoryVfs();
      const db = MiniDb.create({ kind, vfs, walFileBytes: 1 << 24 });
      const tree = BTree.create(db.heap, 9);
      db.checkpoint();
      for (let i = 0; i < 5000; i++) tree.insert(key((i * 7919) % 10007, 12 + (i % 7)), key(i, 8));
      for (let i = 0; i < 3000; i++) tree.insert(key(20000 + i, 9), key(i, 8));
      db.wal.sync();
      const want = treeEntries(tree);
      const wantCheck = tree.check();
      // No write-back since the checkpoint: recovery replays every split from the WAL.
      const reopened = MiniDb.open({ kind, vfs, walFileBytes: 1 << 24 });
      const again = reopened.openTree(9);
      expect(again.check()).toEqual(wantCheck);
      expect(diffEntries(treeEntries(again), want)).toBe('');
    });

    it('refuses a malformed split or insert operation as corruption', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 22 });
      const stream = db.record();
      const tree = BTree.create(db.heap, 10);
      for (let i = 0; i < 400; i++) tree.insert(key(i, 9), key(i, 8));
      const split = splitRecords(stream)[0]!;
      const follower = new Follower(kind);
      const bad = (mutate: (p: DataView, at: number, form: number) => boolean): void => {
        const payload = split.payload.slice();
        const p = new DataView(payload.buffer);
        let at = 2;
        for (const e of entries(payload)) {
          if (mutate(p, at, e.form)) break;
          at += 9 + e.bytes;
        }
        let error: unknown;
        try {
          redoIndexRecord(follower.heap, RecordType.indexPages, payload, split.lsn);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(FlintError);
      };
      // A split operation whose length is not 4.
      bad((p, at, form) => form === FORM_SPLIT && (p.setUint16(at + 7, 3, true), true));
      // An insert operation with a key longer than its bytes.
      bad((p, at, form) => form === FORM_INSERT && (p.setUint16(at + 9, 5000, true), true));
      // An operation on page 0 of a block.
      bad((p, at, form) => form === FORM_INSERT && (p.setUint32(at, Math.floor(p.getUint32(at, true) / 16) * 16, true), true));
    });
  });
}
