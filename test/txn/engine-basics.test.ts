// The engine's API one call at a time: DDL, every storage type through
// insert/get/scan, update chains, delete, rollback, errors with their
// SQLSTATE, reopen, eviction under a small pool, memtable freezes and
// backpressure. Runs with both kernel implementations.
import { describe, expect, it } from 'vitest';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { defaultMemtableBytes, Engine, type ColumnDef } from '../../src/txn/engine.ts';
import {
  DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, committedRows, flintError, payload, readTable, rowValues, smallOptions, type Row,
} from './engine-helpers.ts';

const ALL_TYPES: readonly ColumnDef[] = [
  { name: 'b', type: 'bool', nullable: true },
  { name: 'i16', type: 'int16', nullable: true },
  { name: 'i32', type: 'int32', nullable: true },
  { name: 'i64', type: 'int64', nullable: true },
  { name: 'f32', type: 'float32', nullable: true },
  { name: 'f64', type: 'float64', nullable: true },
  { name: 't', type: 'text', nullable: true },
  { name: 'by', type: 'bytes', nullable: true },
];

function fileSize(vfs: Vfs, path: string): number {
  const file = vfs.open(path);
  try {
    return file.size();
  } finally {
    file.close();
  }
}

for (const kind of KINDS) {
  describe(`engine basics (${kind} kernels)`, () => {
    it('round-trips every storage type and NULL through insert, get, scan and reopen', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const t = db.createTable('types', ALL_TYPES, { note: 'sql-layer data' });
      const rows = [
        [true, -32768, -2147483648, -(2n ** 63n), 1.5, -0.0, '', new Uint8Array(0)],
        [false, 32767, 2147483647, 2n ** 63n - 1n, -3.25, Number.MAX_VALUE, 'héllo wörld 🦀', new Uint8Array([0, 255, 1])],
        [null, null, null, null, null, null, null, null],
        [true, 0, 0, 0n, 0, Number.NaN, 'x'.repeat(2000), new Uint8Array(1500).fill(7)],
      ];
      const txn = db.begin();
      const tids = rows.map((r) => db.insert(txn, t.id, r));
      expect(new Set(tids).size).toBe(rows.length);
      db.commit(txn);

      const check = (engine: Engine): void => {
        const r = engine.begin();
        const id = engine.table('types')!.id;
        tids.forEach((tid, i) => expect(engine.get(r, id, tid)).toEqual(rows[i]));
        const scanned: unknown[] = [];
        engine.scan(r, id, (_tid, row) => void scanned.push(row));
        expect(scanned).toHaveLength(rows.length);
        for (const row of rows) expect(scanned).toContainEqual(row);
        engine.commit(r);
      };
      check(db);
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      expect(db.table('types')?.meta).toEqual({ note: 'sql-layer data' });
      expect(db.table('types')?.columns).toEqual(ALL_TYPES);
      check(db);
      db.close();
    });

    it('reports bad DDL and bad rows with their SQLSTATE', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      expect(flintError(() => db.createTable('t', ROW_COLUMNS)).code).toBe('42P07');
      expect(flintError(() => db.createTable('u', [ROW_COLUMNS[0]!, ROW_COLUMNS[0]!])).code).toBe('42701');
      expect(flintError(() => db.dropTable('nope')).code).toBe('42P01');
      const txn = db.begin();
      expect(flintError(() => db.insert(txn, 999, [1n, 1, null])).code).toBe('42P01');
      expect(flintError(() => db.insert(txn, t.id, [1n, 1])).code).toBe('42601');
      const notNull = flintError(() => db.insert(txn, t.id, [null, 1, 'x']));
      expect(notNull.code).toBe('23502');
      expect(notNull.message).toContain('"k"');
      expect(flintError(() => db.insert(txn, t.id, ['one', 1, 'x'])).code).toBe('22023');
      expect(flintError(() => db.insert(txn, t.id, [1n, 1, 'x'.repeat(5000)])).code).toBe('54000');
      // None of the failed inserts left anything behind.
      db.commit(txn);
      expect(committedRows(db, 't').size).toBe(0);
      db.close();
    });

    it('refuses to use a finished transaction, a closed engine, or a directory another engine holds', () => {
      const vfs = createMemoryVfs();
      const db = Engine.open(smallOptions(kind, vfs));
      const t = db.createTable('t', ROW_COLUMNS);
      expect(flintError(() => Engine.open(smallOptions(kind, vfs))).code).toBe('55P03');
      const txn = db.begin();
      db.insert(txn, t.id, [1n, 1, 'a']);
      db.commit(txn);
      expect(flintError(() => db.insert(txn, t.id, [2n, 1, 'b'])).code).toBe('25P02');
      expect(flintError(() => db.commit(txn)).code).toBe('25P02');
      db.rollback(txn); // a no-op on a finished transaction
      expect(txn.state).toBe('committed');
      db.close();
      db.close(); // twice is harmless
      expect(flintError(() => db.begin()).code).toBe('55000');
      expect(flintError(() => db.createTable('u', ROW_COLUMNS)).code).toBe('55000');
      // The lock is released: the directory opens again.
      Engine.open(smallOptions(kind, vfs)).close();
    });

    it('a read-only transaction takes no txid and writes no WAL', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      const lsn = db.walLsn;
      const syncs = db.walStats!.syncs;
      const r = db.begin();
      db.scan(r, t.id, () => undefined);
      db.commit(r);
      expect(r.txid).toBe(0);
      expect(db.walLsn).toBe(lsn);
      expect(db.walStats!.syncs).toBe(syncs);
      db.close();
    });

    it('update writes a new version; old snapshots walk back to the version they see', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      const w1 = db.begin();
      const v1 = db.insert(w1, t.id, [1n, 1, 'one']);
      db.commit(w1);

      const old = db.begin();
      const w2 = db.begin();
      const v2 = db.update(w2, t.id, v1, [1n, 2, 'two']);
      expect(v2).not.toBe(v1);
      // The writer sees its own new version, and not the old one any more.
      expect(db.get(w2, t.id, v2)).toEqual([1n, 2, 'two']);
      expect([...readTable(db, w2, 't').values()].map((e) => e.row.txn)).toEqual([2]);
      db.commit(w2);

      const w3 = db.begin();
      const v3 = db.update(w3, t.id, v2, [1n, 3, 'three']);
      db.commit(w3);

      const now = db.begin();
      expect(db.get(now, t.id, v3)).toEqual([1n, 3, 'three']);
      // From the newest version, an older snapshot walks the chain back.
      expect(db.get(old, t.id, v3)).toEqual([1n, 1, 'one']);
      expect(db.get(old, t.id, v2)).toEqual([1n, 1, 'one']);
      expect([...readTable(db, old, 't').values()].map((e) => e.row.txn)).toEqual([1]);
      expect([...readTable(db, now, 't').values()].map((e) => e.row.txn)).toEqual([3]);
      db.commit(old);
      db.commit(now);
      db.close();
    });

    it('delete hides the row from later snapshots; deleting twice in one transaction returns false', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      const w = db.begin();
      const tid = db.insert(w, t.id, [1n, 1, 'x']);
      db.commit(w);
      const before = db.begin();
      const d = db.begin();
      expect(db.delete(d, t.id, tid)).toBe(true);
      expect(db.delete(d, t.id, tid)).toBe(false);
      expect(db.get(d, t.id, tid)).toBeUndefined();
      db.commit(d);
      const after = db.begin();
      expect(db.get(after, t.id, tid)).toBeUndefined();
      expect(readTable(db, after, 't').size).toBe(0);
      expect(db.get(before, t.id, tid)).toEqual([1n, 1, 'x']);
      db.commit(before);
      db.commit(after);
      db.close();
    });

    it('a transaction deletes and updates rows it inserted itself', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      const w = db.begin();
      const a = db.insert(w, t.id, [1n, 1, 'a']);
      const b = db.insert(w, t.id, [2n, 1, 'b']);
      const a2 = db.update(w, t.id, a, [1n, 1, 'a2']);
      const a3 = db.update(w, t.id, a2, [1n, 1, 'a3']);
      expect(db.delete(w, t.id, b)).toBe(true);
      expect(db.get(w, t.id, a3)).toEqual([1n, 1, 'a3']);
      expect(db.get(w, t.id, b)).toBeUndefined();
      db.commit(w);
      expect([...committedRows(db, 't').values()]).toEqual([{ k: 1n, txn: 1, v: 'a3' }]);
      db.close();
    });

    it('updating a version the transaction already replaced or deleted fails with 55000: no duplicate, no resurrection', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', ROW_COLUMNS);
      const w = db.begin();
      const v1 = db.insert(w, t.id, [1n, 1, 'a']);
      const gone = db.insert(w, t.id, [2n, 1, 'b']);
      db.commit(w);
      const u = db.begin();
      const v2 = db.update(u, t.id, v1, [1n, 2, 'a2']);
      expect(flintError(() => db.update(u, t.id, v1, [1n, 2, 'a3'])).code).toBe('55000');
      expect(db.delete(u, t.id, gone)).toBe(true);
      expect(flintError(() => db.update(u, t.id, gone, [2n, 2, 'back'])).code).toBe('55000');
      // The transaction is still usable, and its newest version can be updated.
      db.update(u, t.id, v2, [1n, 2, 'a3']);
      db.commit(u);
      expect([...committedRows(db, 't').values()]).toEqual([{ k: 1n, txn: 2, v: 'a3' }]);
      db.close();
    });

    it('a crash in the middle of dropTable leaks no segments, at any of its syncs', () => {
      for (let k = 1; ; k++) {
        const vfs = createFaultVfs({ seed: k });
        const db = Engine.open(smallOptions(kind, vfs));
        const t = db.createTable('t', ROW_COLUMNS);
        const w = db.begin();
        for (let i = 0; i < 200; i++) db.insert(w, t.id, [BigInt(i), 1, 'x'.repeat(100)]);
        db.commit(w);
        db.checkpoint();
        const heapBytes = fileSize(vfs, `${DIR}/heap.flint`);
        vfs.crashAtSync(k);
        try {
          db.dropTable('t');
          db.close();
          break; // dropTable needed fewer than k syncs: every one was tried
        } catch (error) {
          if (!vfs.crashed) throw error;
        }
        const after = vfs.crash({ tear: true });
        const db2 = Engine.open(smallOptions(kind, after));
        const dropped = db2.table('t') === undefined;
        // A new table takes the dropped table's segment if the drop survived, and the file does not grow.
        const u = db2.createTable('u', ROW_COLUMNS);
        const w2 = db2.begin();
        db2.insert(w2, u.id, [1n, 2, 'y']);
        db2.commit(w2);
        db2.checkpoint();
        if (dropped) expect(fileSize(after, `${DIR}/heap.flint`), `crash at drop sync ${k}`).toBe(heapBytes);
        else expect(committedRows(db2, 't').size).toBe(200);
        db2.close();
      }
    });

    it('rollback discards inserts, updates and deletes, also after reopen', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const t = db.createTable('t', ROW_COLUMNS);
      const setup = db.begin();
      const tids = [1, 2, 3, 4].map((k) => db.insert(setup, t.id, [BigInt(k), 1, `v${k}`]));
      db.commit(setup);
      const before = committedRows(db, 't');

      const w = db.begin();
      for (let k = 10; k < 300; k++) db.insert(w, t.id, [BigInt(k), 2, 'new']);
      db.update(w, t.id, tids[0]!, [1n, 2, 'changed']);
      db.delete(w, t.id, tids[1]!);
      db.rollback(w);
      expect(w.state).toBe('aborted');
      expect(committedRows(db, 't')).toEqual(before);

      // The rolled-back version no longer blocks writers.
      const w2 = db.begin();
      db.update(w2, t.id, tids[0]!, [1n, 3, 'later']);
      db.delete(w2, t.id, tids[1]!);
      db.commit(w2);
      const want = new Map(before);
      want.set(1n, { k: 1n, txn: 3, v: 'later' });
      want.delete(2n);
      expect(committedRows(db, 't')).toEqual(want);
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      expect(committedRows(db, 't')).toEqual(want);
      db.close();
    });

    it('close rolls back open transactions', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const t = db.createTable('t', ROW_COLUMNS);
      const w = db.begin();
      db.insert(w, t.id, [1n, 1, 'never committed']);
      db.close();
      expect(w.state).toBe('aborted');
      db = Engine.open(smallOptions(kind, vfs));
      expect(committedRows(db, 't').size).toBe(0);
      db.close();
    });

    it('keeps many tables exact through eviction in a 1 MiB pool, memtable flushes and reopen', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const prng = new Prng(7);
      const names = ['a', 'b', 'c'];
      const want = new Map<string, Map<bigint, Row>>();
      for (const name of names) {
        db.createTable(name, ROW_COLUMNS);
        want.set(name, new Map());
      }
      for (let txnNo = 1; txnNo <= 60; txnNo++) {
        const txn = db.begin();
        for (let i = 0; i < 60; i++) {
          const name = names[prng.int(names.length)]!;
          const k = BigInt(txnNo * 1000 + i);
          const row: Row = { k, txn: txnNo, v: payload(prng, prng.int(800)) };
          db.insert(txn, db.table(name)!.id, rowValues(row));
          want.get(name)!.set(k, row);
        }
        db.commit(txn);
      }
      expect(db.pool.stats.evictions).toBeGreaterThan(0);
      expect(db.heapStats.memtablesFrozen).toBeGreaterThan(0);
      for (const name of names) expect(committedRows(db, name)).toEqual(want.get(name));
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      for (const name of names) expect(committedRows(db, name)).toEqual(want.get(name));
      db.close();
    }, LONG_MS);

    it('slows writers when the frozen-memtable queue is full instead of letting it grow', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs(), { memtableBytes: 16 << 10, maxFrozenMemtables: 1 }));
      const t = db.createTable('t', ROW_COLUMNS);
      const prng = new Prng(3);
      const txn = db.begin();
      let worst = 0;
      for (let i = 0; i < 3000; i++) {
        db.insert(txn, t.id, [BigInt(i), 1, payload(prng, 100)]);
        const s = db.heapStats;
        worst = Math.max(worst, s.memtablesFrozen - s.memtablesFlushed);
      }
      db.commit(txn);
      expect(db.heapStats.memtablesFrozen).toBeGreaterThan(5);
      expect(db.heapStats.backpressureStalls).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1);

      // A background tick (flushStep) that keeps up leaves writers nothing to stall on.
      const stalls = db.heapStats.backpressureStalls;
      const txn2 = db.begin();
      for (let i = 3000; i < 6000; i++) {
        db.insert(txn2, t.id, [BigInt(i), 2, payload(prng, 100)]);
        while (db.flushStep()) { /* drain */ }
      }
      db.commit(txn2);
      expect(db.heapStats.backpressureStalls).toBe(stalls);
      expect(db.flushStep()).toBe(false);
      expect(committedRows(db, 't').size).toBe(6000);
      db.close();
    }, LONG_MS);

    it('sizes the default memtable by the buffer pool: a load the pool holds does not stall on write-backs', () => {
      expect(defaultMemtableBytes(1 << 20)).toBe(4 << 20);
      expect(defaultMemtableBytes(64 << 20)).toBe(4 << 20);
      expect(defaultMemtableBytes(256 << 20)).toBe(16 << 20);
      // ~6 MiB of tuples: past a 4 MiB memtable (the default pool's), within a 128 MiB pool's 8 MiB.
      const frozen = (poolBytes: number | undefined) => {
        const { memtableBytes: _m, poolBytes: _p, ...rest } = smallOptions(kind, createMemoryVfs());
        const db = Engine.open({ ...rest, ...(poolBytes === undefined ? {} : { poolBytes }), walFileBytes: 16 << 20, checkpointWalBytes: 64 << 20 });
        const t = db.createTable('t', ROW_COLUMNS);
        const prng = new Prng(5);
        const txn = db.begin();
        for (let i = 0; i < 3000; i++) db.insert(txn, t.id, [BigInt(i), 1, payload(prng, 2000)]);
        db.commit(txn);
        const n = db.heapStats.memtablesFrozen;
        expect(committedRows(db, 't').size).toBe(3000);
        db.close();
        return n;
      };
      expect(frozen(undefined)).toBeGreaterThan(0);
      expect(frozen(128 << 20)).toBe(0);
    }, LONG_MS);

    it('drop table gives its segments back for the next table, durably', () => {
      const vfs = createMemoryVfs();
      let db = Engine.open(smallOptions(kind, vfs));
      const a = db.createTable('a', ROW_COLUMNS);
      const keep = db.createTable('keep', ROW_COLUMNS);
      const w = db.begin();
      for (let i = 0; i < 500; i++) db.insert(w, a.id, [BigInt(i), 1, 'x'.repeat(200)]);
      db.insert(w, keep.id, [1n, 1, 'kept']);
      db.commit(w);
      db.checkpoint();
      const heapBytes = fileSize(vfs, `${DIR}/heap.flint`);
      db.dropTable('a');
      expect(db.table('a')).toBeUndefined();
      expect(flintError(() => db.scan(db.begin(), a.id, () => undefined)).code).toBe('42P01');
      const b = db.createTable('a', ROW_COLUMNS); // same name, new table
      expect(b.id).not.toBe(a.id);
      const w2 = db.begin();
      for (let i = 0; i < 10; i++) db.insert(w2, b.id, [BigInt(i), 2, 'y']);
      db.commit(w2);
      // The new table took the freed segment rather than growing the file.
      db.checkpoint();
      expect(fileSize(vfs, `${DIR}/heap.flint`)).toBe(heapBytes);
      expect(committedRows(db, 'a').size).toBe(10);
      db.close();
      db = Engine.open(smallOptions(kind, vfs));
      expect(committedRows(db, 'a').size).toBe(10);
      expect([...committedRows(db, 'a').values()].every((r) => r.txn === 2)).toBe(true);
      expect(committedRows(db, 'keep').size).toBe(1);
      db.close();
    });

    it('DDL is durable when it returns, without close', () => {
      const vfs = createFaultVfs({ seed: 1 });
      const db = Engine.open(smallOptions(kind, vfs));
      db.createTable('t', ROW_COLUMNS);
      db.createTable('gone', ROW_COLUMNS);
      db.dropTable('gone');
      const after = vfs.crash({ tear: true });
      const db2 = Engine.open(smallOptions(kind, after));
      expect(db2.tables.map((t) => t.name)).toEqual(['t']);
      db2.close();
    });

    it('an empty directory path is created and reopens with no tables', () => {
      const vfs = createMemoryVfs();
      Engine.open({ ...smallOptions(kind, vfs), dir: `${DIR}/nested/deeper` }).close();
      const db = Engine.open({ ...smallOptions(kind, vfs), dir: `${DIR}/nested/deeper` });
      expect(db.tables).toEqual([]);
      db.close();
    });
  });
}
