// The CHECKPOINT statement (Engine.checkpointTruncate) leaves the least WAL
// on disk: when the current file holds more than a fresh file's head
// (walZeroFillBytes, 1 MiB by default), the log continues in a new file whose
// head is zero-filled during the checkpoint, the old file is removed and no
// spare is kept; automatic checkpoints keep recycling (walSpareFiles).
// Crashes at every sync of a workload whose checkpoints are all of this kind
// lose nothing acknowledged.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { createFaultVfs, createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { walFileName } from '../../src/storage/wal/format.ts';
import { Engine } from '../../src/txn/engine.ts';
import { Journal, recoverAndContinue, runWorkload, type WorkloadOptions } from './crash-workload.ts';
import { check, countRows, crashPoints, DIR, KINDS, loadRows, ROW_COLUMNS, smallOptions, VERY_LONG_MS, walFiles } from './engine-helpers.ts';

const FILE = 256 << 10;
const HEAD = 16 << 10;

const start = (name: string): number => parseInt(name.slice(0, 16), 16);

describe.each(KINDS)('CHECKPOINT truncates the WAL (%s kernels)', (kind) => {
  it('continues in a fresh file with a zero-filled head, removes the old one and keeps no spare', () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { walFileBytes: FILE, walZeroFillBytes: HEAD, checkpointWalBytes: 1 << 30, walSpareFiles: 3 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 3000); // ~700 KiB of log: several files
    db.checkpoint();
    expect(walFiles(vfs)).toHaveLength(4); // the current file and three spares
    const current = walFiles(vfs)[0]!;
    expect(db.walStats!.freshFiles).toBe(0);

    db.checkpointTruncate();
    expect(walFiles(vfs)).toEqual([walFileName(start(current) + FILE)]);
    expect(db.walStats!.freshFiles).toBe(1);
    // A second one right away has nothing to shed: same file, no switch.
    const zeroed = db.walStats!.zeroFilledBytes;
    db.checkpointTruncate();
    expect(walFiles(vfs)).toEqual([walFileName(start(current) + FILE)]);
    expect(db.walStats!.freshFiles).toBe(1);

    // Commits right after it go into the zero-filled head: one durable write each, no zero-fill.
    const durable = db.walStats!.durableWrites;
    for (let i = 0; i < 10; i++) loadRows(db, t, 3000 + i, 1);
    expect(db.walStats!.zeroFilledBytes).toBe(zeroed);
    expect(db.walStats!.durableWrites).toBe(durable + 10);

    // Automatic checkpoints recycle again, and the spares follow the current file without a gap.
    // (Into the second file after the fresh one only: the spare the fresh one becomes goes right after it,
    // not past the positions of the spares removed, which a log that has not passed them would leave empty.)
    const fresh = start(current) + FILE;
    let next = 4000;
    while (db.walLsn < fresh + FILE + 4096) loadRows(db, t, next++, 1);
    expect(walFiles(vfs).map(start)).toEqual([fresh, fresh + FILE]);
    db.checkpoint();
    expect(walFiles(vfs).map(start)).toEqual([fresh + FILE, fresh + 2 * FILE]);
    const created = db.walStats!.filesCreated;
    while (db.walLsn < fresh + 2 * FILE + 4096) loadRows(db, t, next++, 1); // takes the spare
    expect(db.walStats!.filesCreated).toBe(created);
    expect(walFiles(vfs).map(start)).toEqual([fresh + FILE, fresh + 2 * FILE]);
    db.close();

    db = Engine.open(options);
    expect(countRows(db, t)).toBe(next - 4000 + 3010);
    db.checkpointTruncate();
    loadRows(db, t, next, 1000);
    db.close();
    db = Engine.open(options);
    expect(countRows(db, t)).toBe(next - 4000 + 4010);
    db.close();
  });

  it('runs while group commits are in flight: they complete, and the old file goes at a later checkpoint if a round still held it', async () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { walFileBytes: FILE, walZeroFillBytes: HEAD, checkpointWalBytes: 1 << 30 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 1000);
    for (let round = 0; round < 4; round++) {
      const txns = Array.from({ length: 3 }, (_, i) => {
        const txn = db.begin();
        db.insert(txn, t, [BigInt(10_000 + round * 10 + i), i, 'y'.repeat(3000)]);
        return txn;
      });
      const first = db.commitAsync(txns[0]!); // its round starts in a microtask
      await Promise.resolve();
      const rest = txns.slice(1).map((txn) => db.commitAsync(txn));
      db.checkpointTruncate();
      // The round's durable write on the old file is still in flight: that file stays until a later checkpoint.
      expect(walFiles(vfs)).toHaveLength(2);
      expect(db.walStats!.freshFiles).toBe(round + 1);
      await Promise.all([first, ...rest]);
      loadRows(db, t, 20_000 + round * 1000, 300);
    }
    db.checkpointTruncate();
    expect(walFiles(vfs)).toHaveLength(1);
    db.close();
    db = Engine.open(options);
    expect(countRows(db, t)).toBe(1000 + 12 + 1200);
    db.close();
  });

  it('never keeps a file the log left before its end as a spare (it may have holes past what was written)', async () => {
    const vfs = createMemoryVfs();
    const options = smallOptions(kind, vfs, { walFileBytes: FILE, walZeroFillBytes: HEAD, checkpointWalBytes: 1 << 30, walSpareFiles: 1 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 1000);
    // A CHECKPOINT while a round holds the current file: that file stays, and the next (automatic) checkpoint removes it.
    const txn = db.begin();
    db.insert(txn, t, [5000n, 0, 'y'.repeat(3000)]);
    const committed = db.commitAsync(txn);
    await Promise.resolve();
    db.checkpointTruncate();
    await committed;
    const [held, fresh] = walFiles(vfs);
    expect(start(fresh!)).toBe(start(held!) + FILE);
    db.checkpoint();
    expect(walFiles(vfs)).toEqual([fresh]);
    expect(db.walStats!.filesRecycled).toBe(0);
    db.close();
    // Each open ends the log's file early and continues in a new one: the old one goes at the open's checkpoint.
    db = Engine.open(options);
    expect(walFiles(vfs)).toHaveLength(1);
    expect(db.walStats!.filesRecycled).toBe(0);
    expect(countRows(db, t)).toBe(1001);
    db.close();
  });

  it('drops the spares even when the current file is too new to switch', () => {
    const vfs = createMemoryVfs();
    const db = Engine.open(smallOptions(kind, vfs, { walFileBytes: FILE, walZeroFillBytes: HEAD, checkpointWalBytes: 1 << 30, walSpareFiles: 2 }));
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 3000);
    db.checkpoint();
    expect(walFiles(vfs)).toHaveLength(3);
    const current = walFiles(vfs)[0]!;
    db.checkpointTruncate(); // switches: the current file has records past its head
    db.checkpointTruncate(); // does not: the new one holds just its header
    expect(walFiles(vfs)).toEqual([walFileName(start(current) + FILE)]);
    db.close();
  });
});

describe('CHECKPOINT on disk', () => {
  it('leaves one WAL file with its first MiB allocated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-wal-truncate-'));
    try {
      const db = Database.open(dir, { synchronous: 'full' });
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)');
      const insert = db.prepare('INSERT INTO t (id, s) VALUES ($1, $2)');
      db.transaction(() => {
        for (let i = 0; i < 12_000; i++) insert.run(i, 'y'.repeat(200)); // ~3 MiB of log
      })();
      db.exec('CHECKPOINT');
      const names = readdirSync(join(dir, 'wal'));
      expect(names).toHaveLength(1);
      const s = statSync(join(dir, 'wal', names[0]!));
      expect(s.size).toBe(16 << 20); // preallocated (sparse)
      expect(s.blocks * 512).toBeLessThanOrEqual(1 << 20); // only its head has blocks
      // Commits go on, and the rows are there after a reopen.
      for (let i = 12_000; i < 12_100; i++) insert.run(i, 'z');
      db.close();
      const again = Database.open(dir);
      expect(again.prepare('SELECT count(*) FROM t').raw().get()).toEqual([12_100]);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(KINDS)('CHECKPOINT truncating the WAL under crashes (%s kernels)', (kind) => {
  it('survives a torn power loss at every sync of its truncating checkpoints, and at a sample of the others', async () => {
    const o: WorkloadOptions = { kind, seed: 26, transactions: 36, truncatingCheckpoints: true, engine: { walZeroFillBytes: 4096 } };
    const counting = createFaultVfs({ seed: o.seed });
    // The syncs each CHECKPOINT makes (the switch, the heap, catalog and control, the removal): every one is a crash point.
    const windows: [number, number][] = [];
    const original = Engine.prototype.checkpointTruncate;
    Engine.prototype.checkpointTruncate = function (this: Engine): void {
      const from = counting.counters.sync + 1;
      original.call(this);
      windows.push([from, counting.counters.sync + 1]);
    };
    let freshFiles: number;
    try {
      const db = await runWorkload(counting, o, new Journal());
      freshFiles = db.walStats!.freshFiles;
      db.close();
    } finally {
      Engine.prototype.checkpointTruncate = original;
    }
    const syncs = counting.counters.sync;
    // The crashes strike amid fresh-file switches and the removal of the old files.
    expect(freshFiles).toBeGreaterThan(2);
    // engine-crash.test.ts sweeps the syncs of ordinary commits and checkpoints; here every ninth of those is enough.
    const points = new Set(crashPoints(syncs, kind === 'wasm' ? 1 : 3).filter((k) => k % 9 === 0));
    for (const [from, to] of windows) for (let k = from; k <= to && k <= syncs; k++) points.add(k);
    expect(points.size).toBeGreaterThan(windows.length * 5);
    for (const k of [...points].sort((a, b) => a - b)) {
      const what = `seed ${o.seed}, crash at sync ${k}`;
      const vfs = createFaultVfs({ seed: o.seed * 100_003 + k });
      vfs.crashAtSync(k);
      const journal = new Journal();
      try {
        (await runWorkload(vfs, o, journal)).close();
      } catch (error) {
        if (!vfs.crashed) throw error;
      }
      check(vfs.crashed, () => `${what}: the workload ended without reaching the crash`);
      recoverAndContinue(o, vfs.crash({ tear: true, entries: k % 2 === 0 ? 'synced' : 'all' }), journal, what, k % 3 !== 0);
    }
  }, VERY_LONG_MS);
});
