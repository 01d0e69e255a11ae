// Compressed heap blocks (issue 7 step 2, docs/compression.md): blocks of a
// table WITH (compression = lz4 | zstd) move through both phases under
// inserts, updates, deletes and vacuum; reads see the same rows as an
// uncompressed table; the setting survives reopen; corrupt compressed bytes
// and corrupt logical content are XX001 naming heap.flint and the offset.
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../src/limits.ts';
import type { CodecId } from '../../src/storage/compression/codec.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { tidBlock, tidPage } from '../../src/storage/tuple-id.ts';
import { crc32cUpdate } from '../../src/kernels/ts/bytes.ts';
import { checkFiles } from '../../src/storage/check.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, ROW_COLUMNS, committedRows, diffRows, flintError, Prng, smallOptions, type Row } from './engine-helpers.ts';

/** Compressible rows: a repeated phrase with the key in it. */
function value(k: number, version = 0): string {
  return `customer ${k} version ${version} lives at ${k % 97} Main Street, Springfield; notes: ${'ok '.repeat(10 + (k % 7))}`;
}

function insertRows(db: Engine, table: number, from: number, to: number, model: Map<bigint, Row>): Map<number, number> {
  const tids = new Map<number, number>();
  const txn = db.begin();
  for (let k = from; k < to; k++) {
    tids.set(k, db.insert(txn, table, [BigInt(k), 1, value(k)]));
    model.set(BigInt(k), { k: BigInt(k), txn: 1, v: value(k) });
  }
  db.commit(txn);
  return tids;
}

describe.each(KINDS)('compressed heap blocks (%s kernels)', (kind) => {
  for (const codec of ['lz4', 'zstd'] as CodecId[]) {
    it(`${codec}: inserts, updates, deletes, vacuum and reopen keep the rows`, () => {
      const vfs = createMemoryVfs();
      const options = smallOptions(kind, vfs, { poolBytes: 2 << 20 });
      let db = Engine.open(options);
      const t = db.createTable('t', ROW_COLUMNS, undefined, undefined, { compression: codec }).id;
      const model = new Map<bigint, Row>();
      const tids = insertRows(db, t, 0, 4000, model);
      const stats = db.heapStats;
      expect(stats.blocksCompressed).toBeGreaterThan(0);
      expect(stats.subBlocksAdded).toBeGreaterThan(0);
      expect([...tids.values()].some((tid) => tidPage(tid) >= 16)).toBe(true);
      expect(diffRows(committedRows(db, 't'), model)).toBe('');

      // Updates and deletes of rows in compressed blocks.
      const prng = new Prng(7);
      let txn = db.begin();
      for (let i = 0; i < 600; i++) {
        const k = prng.int(4000);
        const row = model.get(BigInt(k));
        if (row === undefined) continue;
        const tid = tids.get(k)!;
        if (i % 3 === 0) {
          db.delete(txn, t, tid);
          model.delete(BigInt(k));
        } else {
          const v = value(k, i);
          tids.set(k, db.update(txn, t, tid, [BigInt(k), 2, v]));
          model.set(BigInt(k), { k: BigInt(k), txn: 2, v });
        }
      }
      db.commit(txn);
      expect(diffRows(committedRows(db, 't'), model)).toBe('');
      db.vacuum();
      insertRows(db, t, 4000, 5000, model);
      expect(diffRows(committedRows(db, 't'), model)).toBe('');
      db.close();

      db = Engine.open(options);
      expect(db.table('t')!.compression).toBe(codec);
      expect(diffRows(committedRows(db, 't'), model)).toBe('');
      txn = db.begin();
      db.scan(txn, t, () => {});
      db.commit(txn);
      db.close();
    });
  }

  it('an uncompressed table of the same rows takes more blocks', () => {
    const sizes: Record<string, number> = {};
    for (const codec of ['none', 'lz4', 'zstd'] as CodecId[]) {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs, { poolBytes: 2 << 20 }));
      const t = db.createTable('t', ROW_COLUMNS, undefined, undefined, { compression: codec }).id;
      insertRows(db, t, 0, 6000, new Map());
      sizes[codec] = db.heapStats.blocksFormatted;
      db.close();
    }
    expect(sizes['lz4']!).toBeLessThan(sizes['none']! / 2);
    expect(sizes['zstd']!).toBeLessThan(sizes['none']! / 2);
  });

  it('wrong logical content under a valid compressed checksum is XX001 (the second checksum)', () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { poolBytes: 2 << 20 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS, undefined, undefined, { compression: 'lz4' }).id;
    const tids = insertRows(db, t, 0, 3000, new Map());
    db.close();
    const block = tidBlock(tids.get(0)!);
    const f = vfs.open(`${DIR}/heap.flint`);
    const home = new Uint8Array(BLOCK_SIZE);
    f.read(home, block * BLOCK_SIZE);
    const h = new DataView(home.buffer);
    // Stream byte 1 is a literal (the first sequence's): it decodes, to a wrong byte of logical page 0.
    home[256 + 1]! ^= 0x01;
    const n = h.getUint32(48, true);
    expect(home[65]).toBe(0); // no continuation blocks
    h.setUint32(56, ~crc32cUpdate(home, 256, n, ~0) >>> 0, true);
    h.setUint32(60, 0, true);
    h.setUint32(60, ~crc32cUpdate(home, 32, 224, ~0) >>> 0, true);
    f.write(home, block * BLOCK_SIZE);
    f.close();
    expect(checkFiles(vfs, DIR).problems[0]).toMatchObject({ offset: block * BLOCK_SIZE, what: expect.stringMatching(/logical page 0 checksum mismatch after decompression/) });
    db = Engine.open(options);
    const error = flintError(() => committedRows(db, 't'));
    expect(error.code).toBe('XX001');
    expect(error.message).toMatch(/logical page 0 checksum mismatch/);
    expect(error.offset).toBe(block * BLOCK_SIZE);
    db.close();
  });

  it('in-place growth past the slack spills into continuation blocks, which read back and pass flint check', () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { poolBytes: 2 << 20, compression: 'lz4' });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    const model = new Map<bigint, Row>();
    const tids = insertRows(db, t, 0, 4000, model);
    db.checkpoint();
    // Each delete in its own transaction: thousands of distinct xmax values the compressor cannot share.
    for (let k = 0; k < 4000; k++) {
      if (k % 3 === 0) continue;
      const txn = db.begin();
      db.delete(txn, t, tids.get(k)!);
      db.commit(txn);
      model.delete(BigInt(k));
    }
    db.checkpoint();
    expect(db.compressionStats!.continuations).toBeGreaterThan(0);
    db.close();
    expect(checkFiles(vfs, DIR).problems).toEqual([]);
    db = Engine.open(options);
    expect(diffRows(committedRows(db, 't'), model)).toBe('');
    db.vacuum();
    insertRows(db, t, 4000, 5000, model);
    db.close();
    expect(checkFiles(vfs, DIR).problems).toEqual([]);
    db = Engine.open(options);
    expect(diffRows(committedRows(db, 't'), model)).toBe('');
    db.close();
  });

  it('the database default applies to tables without a setting and is saved', () => {
    const vfs = createMemoryVfs();
    let db = Engine.open(smallOptions(kind, vfs, { compression: 'lz4' }));
    expect(db.compression).toBe('lz4');
    const t = db.createTable('t', ROW_COLUMNS).id;
    insertRows(db, t, 0, 2000, new Map());
    expect(db.heapStats.blocksCompressed).toBeGreaterThan(0);
    db.close();
    db = Engine.open(smallOptions(kind, vfs));
    expect(db.compression).toBe('lz4');
    db.alterTable(t, { compression: 'none' });
    expect(db.table('t')!.compression).toBe('none');
    db.close();
    db = Engine.open(smallOptions(kind, vfs));
    expect(db.table('t')!.compression).toBe('none');
    expect(committedRows(db, 't').size).toBe(2000);
    db.close();
  });

  it('a flipped bit in the compressed bytes is XX001 naming heap.flint and the block offset', () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { poolBytes: 2 << 20 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS, undefined, undefined, { compression: 'lz4' }).id;
    const tids = insertRows(db, t, 0, 3000, new Map());
    db.close();
    const block = tidBlock(tids.get(0)!);
    const f = vfs.open(`${DIR}/heap.flint`);
    const byte = new Uint8Array(1);
    f.read(byte, block * BLOCK_SIZE + 1000);
    byte[0]! ^= 0x10;
    f.write(byte, block * BLOCK_SIZE + 1000);
    f.close();
    const checked = checkFiles(vfs, DIR);
    expect(checked.problems).toHaveLength(1);
    expect(checked.problems[0]).toMatchObject({ offset: block * BLOCK_SIZE, what: expect.stringMatching(/checksum mismatch of the compressed bytes/) });
    db = Engine.open(options);
    const error = flintError(() => committedRows(db, 't'));
    expect(error.code).toBe('XX001');
    expect(error.message).toMatch(/heap\.flint/);
    expect(error.offset).toBe(block * BLOCK_SIZE);
    db.close();
  });
});

describe('compression through SQL', () => {
  it('CREATE TABLE WITH, ALTER TABLE SET/RESET and the open option reach the engine and survive reopen', async () => {
    const { Database } = await import('../../src/db/database.ts');
    const vfs = createMemoryVfs();
    let db = Database.open('/sqldb', { vfs, backgroundIntervalMs: 0 });
    db.exec(`CREATE TABLE a(id int PRIMARY KEY, s text) WITH (compression = 'lz4');
             CREATE TABLE b(id int PRIMARY KEY, s text)`);
    expect(db.engine.table('a')!.compression).toBe('lz4');
    expect(db.engine.table('b')!.compression).toBeUndefined();
    const ins = db.prepare('INSERT INTO a VALUES ($1, $2)');
    db.transaction(() => { for (let i = 0; i < 3000; i++) ins.run(i, value(i)); })();
    expect(db.engine.heapStats.blocksCompressed).toBeGreaterThan(0);
    db.exec(`ALTER TABLE b SET (compression = zstd)`);
    expect(db.engine.table('b')!.compression).toBe('zstd');
    db.exec(`ALTER TABLE a RESET (compression)`);
    expect(db.engine.table('a')!.compression).toBeUndefined();
    db.close();
    db = Database.open('/sqldb', { vfs, backgroundIntervalMs: 0, compression: 'zstd' });
    expect(db.engine.table('b')!.compression).toBe('zstd');
    expect(db.engine.compression).toBe('zstd');
    expect(db.prepare('SELECT count(*) AS n, sum(length(s)) AS l FROM a').get()).toEqual({ n: 3000, l: Array.from({ length: 3000 }, (_, i) => value(i).length).reduce((x, y) => x + y) });
    db.close();
    db = Database.open('/sqldb', { vfs, backgroundIntervalMs: 0 });
    expect(db.engine.compression).toBe('zstd');
    db.close();
  });
});
