// Bit rot: a flipped bit anywhere in a written page of heap.flint is
// reported as a FlintError XX001 (data_corrupted) naming the file and the
// page's byte offset, never returned as data; a flip in bytes the database
// never wrote (reserved or unformatted blocks) changes no answer. The
// control file and the catalog report their own corruption the same way.
import { tidBlock } from '../../src/storage/tuple-id.ts';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../src/errors.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../../src/limits.ts';
import { createFaultVfs, createMemoryVfs, type MemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, committedRows, diffRows, payload, rowValues, smallOptions, type Row } from './engine-helpers.ts';

const HEAP = `${DIR}/heap.flint`;
const TABLES = ['a', 'b'];

/** A closed database with two tables, updates and deletes; returns the vfs and what each table holds. */
function buildDatabase(kind: KernelKind): { vfs: MemoryVfs; want: Map<string, Map<bigint, Row>> } {
  const vfs = createMemoryVfs();
  const db = Engine.open(smallOptions(kind, vfs));
  const prng = new Prng(21);
  for (const name of TABLES) db.createTable(name, ROW_COLUMNS);
  const tids = new Map<string, number[]>(TABLES.map((n) => [n, []]));
  for (let no = 1; no <= 12; no++) {
    const txn = db.begin();
    for (let i = 0; i < 60; i++) {
      const name = TABLES[i % 2]!;
      tids.get(name)!.push(db.insert(txn, db.table(name)!.id, rowValues({ k: BigInt(no * 1000 + i), txn: no, v: payload(prng, prng.int(900)) })));
    }
    db.commit(txn);
  }
  const txn = db.begin();
  const a = tids.get('a')!;
  for (let i = 0; i < 40; i++) db.update(txn, db.table('a')!.id, a[i]!, [BigInt(1000 + 2 * i), 99, 'updated']);
  for (let i = 100; i < 140; i++) db.delete(txn, db.table('a')!.id, a[i]!);
  db.commit(txn);
  db.vacuum();
  const want = new Map(TABLES.map((n) => [n, committedRows(db, n)]));
  db.close();
  return { vfs, want };
}

function fileBytes(vfs: Vfs, path: string): Uint8Array {
  const file = vfs.open(path, { readOnly: true });
  try {
    const bytes = new Uint8Array(file.size());
    file.read(bytes, 0);
    return bytes;
  } finally {
    file.close();
  }
}

/** Open and read every table and its indexes; returns the error, or undefined if all answers match. */
function openAndRead(kind: KernelKind, vfs: Vfs, want: Map<string, Map<bigint, Row>>): FlintError | undefined {
  let db: Engine | undefined;
  try {
    db = Engine.open(smallOptions(kind, vfs));
    for (const name of TABLES) {
      const diff = diffRows(committedRows(db, name), want.get(name)!);
      if (diff !== '') throw new Error(`silent wrong answer from ${name}: ${diff}`);
      // Reads every index page too (a damaged one is XX001 like a heap page, or XX002 if it disagrees with the table).
      db.verifyIndexes(db.table(name)!.id);
    }
    return undefined;
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  } finally {
    try {
      db?.close();
    } catch {
      // Closing after a corruption error may fail too; the lock is released either way.
    }
  }
}

for (const kind of KINDS) {
  describe(`engine corruption (${kind} kernels)`, () => {
    it('a flipped bit in any written page is XX001 naming heap.flint and the page offset; elsewhere answers stay exact', () => {
      const { vfs, want } = buildDatabase(kind);
      const heap = fileBytes(vfs, HEAP);
      const blocks = heap.length / BLOCK_SIZE;
      const written = (block: number): boolean => heap.subarray(block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE).some((b) => b !== 0);
      const writtenBlocks = Array.from({ length: blocks }, (_, b) => b).filter(written);
      expect(writtenBlocks.length).toBeGreaterThan(5);
      const prng = new Prng(kind === 'wasm' ? 31 : 32);
      let detected = 0;
      let harmless = 0;
      for (let trial = 0; trial < 80; trial++) {
        const copy = vfs.crash(); // everything is synced: an exact copy
        let offset: number;
        if (trial % 4 === 3) {
          // Anywhere in the file, as bit rot strikes: through the fault vfs.
          const fault = createFaultVfs({ seed: trial, base: copy });
          offset = fault.flipBits(HEAP, 1)[0]!.offset;
        } else {
          // Any byte of a page the database wrote, its checksum and LSN fields included.
          const block = writtenBlocks[prng.int(writtenBlocks.length)]!;
          offset = block * BLOCK_SIZE + prng.int(BLOCK_SIZE);
          copy.corrupt(HEAP, offset, 1 << prng.int(8));
        }
        const pageOffset = offset - (offset % PAGE_SIZE);
        const error = openAndRead(kind, copy, want);
        if (written(Math.floor(offset / BLOCK_SIZE))) {
          expect(error, `flip at ${offset}`).toBeDefined();
          expect(error!.code).toBe('XX001');
          expect(error!.file).toBe(HEAP);
          expect(error!.offset, `flip at ${offset}`).toBe(pageOffset);
          expect(error!.message).toContain('heap.flint');
          detected++;
        } else {
          expect(error, `flip at ${offset} in a block never written`).toBeUndefined();
          harmless++;
        }
      }
      expect(detected).toBeGreaterThan(50);
      expect(detected + harmless).toBe(80);
    }, LONG_MS);

    it('a corrupt page fails only the reads that touch it; the rest of the database keeps working', () => {
      const { vfs, want } = buildDatabase(kind);
      // Find a block of table b, the last one written.
      const heap = fileBytes(vfs, HEAP);
      const db0 = Engine.open(smallOptions(kind, vfs));
      const txn0 = db0.begin();
      let bTid = 0;
      db0.scan(txn0, db0.table('b')!.id, (tid) => void (bTid = tid));
      db0.commit(txn0);
      db0.close();
      const block = tidBlock(bTid);
      const offset = block * BLOCK_SIZE + 5 * PAGE_SIZE + 1000;
      expect(heap[offset]).toBeDefined();
      const copy = vfs.crash();
      copy.corrupt(HEAP, offset, 0x01);
      const db = Engine.open(smallOptions(kind, copy));
      let error: unknown;
      try {
        committedRows(db, 'b');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlintError);
      expect((error as FlintError).code).toBe('XX001');
      expect((error as FlintError).offset).toBe(block * BLOCK_SIZE + 5 * PAGE_SIZE);
      // Table a lives in other blocks: still exact, and writable.
      expect(diffRows(committedRows(db, 'a'), want.get('a')!)).toBe('');
      const txn = db.begin();
      db.insert(txn, db.table('a')!.id, [1n, 1, 'after the error']);
      db.commit(txn);
      expect(committedRows(db, 'a').size).toBe(want.get('a')!.size + 1);
      // The same read fails the same way again: never garbage on a second try.
      expect(() => committedRows(db, 'b')).toThrow(FlintError);
      db.close();
    });

    it('a flipped bit in the control file or the current catalog is XX001 naming that file', () => {
      const { vfs } = buildDatabase(kind);
      const catalog = vfs.list(DIR).find((n) => /^catalog\.\d+$/.test(n))!;
      for (const [name, at] of [['flint.control', 20], ['flint.control', 508], [catalog, 3], [catalog, 40]] as const) {
        const copy = vfs.crash();
        copy.corrupt(`${DIR}/${name}`, at, 0x04);
        let error: unknown;
        try {
          Engine.open(smallOptions(kind, copy)).close();
        } catch (e) {
          error = e;
        }
        expect(error, `${name} at ${at}`).toBeInstanceOf(FlintError);
        expect((error as FlintError).code).toBe('XX001');
        expect((error as FlintError).file).toBe(`${DIR}/${name}`);
      }
    });

    it('a heap file that is not a Flint heap is refused with XX001 at offset 0', () => {
      const { vfs } = buildDatabase(kind);
      const copy = vfs.crash();
      const file = copy.open(HEAP);
      file.write(new Uint8Array(PAGE_SIZE), 0); // a zero page: "never written", but the header tuple is gone
      file.sync();
      file.close();
      let error: unknown;
      try {
        Engine.open(smallOptions(kind, copy)).close();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlintError);
      expect((error as FlintError).code).toBe('XX001');
      expect((error as FlintError).file).toBe(HEAP);
      expect((error as FlintError).offset).toBe(0);
    });
  });
}
