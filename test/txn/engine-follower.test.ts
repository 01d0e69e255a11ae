// The WAL as a replication stream: a follower (a second, empty database)
// applies the primary's WAL records in order, read as they are produced,
// and reaches the same content: the same rows at the same tuple ids, the
// same tables, never a transaction the primary has not committed. The
// primary checkpoints (recycling WAL files the follower has already read),
// vacuums, drops tables and restarts along the way.
import { describe, expect, it } from 'vitest';
import type { KernelKind } from '../../src/kernels/index.ts';
import { createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import { WalReader } from '../../src/storage/wal/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, LONG_MS, Prng, ROW_COLUMNS, flintError, payload, readTable, rowValues, smallOptions, type Row } from './engine-helpers.ts';

/** Reads the primary's WAL from where it stopped last time and applies every record to the follower. */
class Shipper {
  lsn = 0;
  records = 0;
  constructor(readonly primaryVfs: Vfs, readonly follower: Engine) {}

  ship(): void {
    const reader = WalReader.open(this.primaryVfs, `${DIR}/wal`, this.lsn);
    for (let r = reader.next(); r !== null; r = reader.next()) {
      this.follower.applyRecord(r.type, r.payload, r.lsn);
      this.records++;
    }
    expect(reader.stopReason).toBe('end');
    this.lsn = reader.endLsn;
  }

  /**
   * After the primary restarted. Its new WAL writer continues in a new file
   * after an end record at the old end of the log, but the checkpoint that
   * ends recovery recycles the old file, end record included, before a
   * follower can read it (the primary keeps no WAL for followers). The
   * follower had read every record before the restart, and recovery writes
   * none, so it continues at the start of the oldest file left: the new one.
   */
  skipToRestartedLog(): void {
    const starts = this.primaryVfs.list(`${DIR}/wal`).filter((n) => n.endsWith('.wal')).map((n) => parseInt(n.slice(0, 16), 16));
    const first = Math.min(...starts);
    expect(first).toBeGreaterThan(this.lsn);
    this.lsn = first;
  }
}

/** Every committed row of every table, with its tid, as primary and follower must agree on them. */
function content(db: Engine): Map<string, Map<bigint, { tid: number; row: Row }>> {
  const out = new Map<string, Map<bigint, { tid: number; row: Row }>>();
  const txn = db.begin();
  for (const table of db.tables) out.set(table.name, readTable(db, txn, table.name));
  db.commit(txn);
  return out;
}

function expectSame(primary: Engine, follower: Engine, what: string): void {
  expect(follower.tables.map((t) => [t.id, t.name]), what).toEqual(primary.tables.map((t) => [t.id, t.name]));
  const want = content(primary);
  const got = content(follower);
  for (const [name, rows] of want) {
    const g = got.get(name)!;
    expect(g.size, `${what}: rows of ${name}`).toBe(rows.size);
    for (const [k, v] of rows) expect(g.get(k), `${what}: ${name}.${k}`).toEqual(v);
  }
}

function followerOptions(kind: KernelKind) {
  return smallOptions(kind, createMemoryVfs(), { dir: '/replica' });
}

for (const kind of KINDS) {
  describe(`engine follower (${kind} kernels)`, () => {
    it('replays a whole primary log from its first record and reaches the same content', () => {
      const pvfs = createMemoryVfs();
      // No automatic checkpoint: every WAL file is still there when the follower reads.
      const primary = Engine.open(smallOptions(kind, pvfs, { checkpointWalBytes: 1 << 30 }));
      const prng = new Prng(5);
      const t = primary.createTable('t', ROW_COLUMNS, { pk: ['k'] });
      /** The visible version of every committed row. */
      let tids: number[] = [];
      for (let n = 1; n <= 30; n++) {
        const txn = primary.begin();
        const mine = [...tids];
        for (let i = 0; i < 20; i++) mine.push(primary.insert(txn, t.id, rowValues({ k: BigInt(n * 100 + i), txn: n, v: payload(prng, prng.int(900)) })));
        for (let i = 0; i < 5 && mine.length > 40; i++) {
          const at = prng.int(mine.length - 20);
          const values = primary.get(txn, t.id, mine[at]!)!;
          mine[at] = primary.update(txn, t.id, mine[at]!, [values[0]!, n, 'updated']);
        }
        if (n % 7 === 0) {
          primary.rollback(txn);
        } else {
          primary.commit(txn);
          tids = mine;
        }
      }
      primary.vacuum();
      const open = primary.begin();
      primary.insert(open, t.id, [999_999n, 99, 'in progress']);
      // Another transaction's commit writes the open one's records to the WAL file too.
      const other = primary.begin();
      primary.insert(other, t.id, [888_888n, 88, 'committed']);
      primary.commit(other);

      const follower = Engine.follower(followerOptions(kind));
      const shipper = new Shipper(pvfs, follower);
      shipper.ship();
      expect(shipper.records).toBeGreaterThan(600);
      expect(follower.table('t')?.meta).toEqual({ pk: ['k'] });
      expectSame(primary, follower, 'after the whole log');
      // The primary's open transaction was shipped but not committed: invisible on both.
      expect(content(follower).get('t')!.has(999_999n)).toBe(false);
      primary.commit(open);
      shipper.ship();
      expectSame(primary, follower, 'after the open transaction committed');
      expect(content(follower).get('t')!.has(999_999n)).toBe(true);
      primary.close();
      follower.close();
    }, LONG_MS);

    it('follows record by record through checkpoints, recycling, vacuum, DDL and a primary restart', () => {
      const pvfs = createMemoryVfs();
      const options = smallOptions(kind, pvfs, { checkpointWalBytes: 1 << 30 });
      let primary = Engine.open(options);
      const follower = Engine.follower(followerOptions(kind));
      const shipper = new Shipper(pvfs, follower);
      const prng = new Prng(17);
      const step = (what: string): void => {
        shipper.ship();
        expectSame(primary, follower, what);
      };
      primary.createTable('a', ROW_COLUMNS);
      primary.createTable('b', ROW_COLUMNS);
      step('tables created');
      const live = new Map<string, Map<bigint, number>>([['a', new Map()], ['b', new Map()]]);
      let nextKey = 1n;
      let checkpoints = 0;
      let restarted = false;
      for (let n = 1; n <= 60; n++) {
        const txn = primary.begin();
        const writes: [string, bigint, number | null][] = [];
        for (let i = 0; i < 1 + prng.int(10); i++) {
          const name = prng.chance(0.5) ? 'a' : 'b';
          const id = primary.table(name)!.id;
          const rows = live.get(name)!;
          const keys = [...rows.keys()].filter((k) => !writes.some((w) => w[0] === name && w[1] === k));
          const dice = prng.int(10);
          if (dice < 5 || keys.length === 0) {
            const k = nextKey++;
            writes.push([name, k, primary.insert(txn, id, rowValues({ k, txn: n, v: payload(prng, prng.int(1200)) }))]);
          } else if (dice < 8) {
            const k = keys[prng.int(keys.length)]!;
            writes.push([name, k, primary.update(txn, id, rows.get(k)!, rowValues({ k, txn: n, v: payload(prng, prng.int(1200)) }))]);
          } else {
            const k = keys[prng.int(keys.length)]!;
            primary.delete(txn, id, rows.get(k)!);
            writes.push([name, k, null]);
          }
          // Records reach the follower mid-transaction when the WAL buffer is written; it must not show them.
          if (prng.chance(0.2)) step(`transaction ${n} in progress`);
        }
        if (prng.chance(0.15)) {
          primary.rollback(txn);
        } else {
          primary.commit(txn);
          for (const [name, k, tid] of writes) {
            if (tid === null) live.get(name)!.delete(k);
            else live.get(name)!.set(k, tid);
          }
        }
        step(`transaction ${n} ended`);
        if (prng.chance(0.15)) {
          primary.vacuum();
          step(`vacuum after ${n}`);
        }
        // The primary keeps no WAL for its followers: a checkpoint recycles the
        // files before it. So checkpoint (or restart, which checkpoints) only
        // when the follower has read every record and none waits in the WAL
        // buffer, which the checkpoint would write and recycle at once.
        const caughtUp = shipper.lsn === primary.walLsn;
        if (caughtUp && prng.chance(0.2)) {
          primary.checkpoint();
          checkpoints++;
          step(`checkpoint after ${n}`);
        }
        if (n === 25) {
          primary.dropTable('b');
          primary.createTable('b', ROW_COLUMNS);
          live.set('b', new Map());
          step('b dropped and created again');
        }
        if (n >= 40 && !restarted && caughtUp) {
          primary.close();
          primary = Engine.open(options);
          shipper.skipToRestartedLog();
          restarted = true;
          step('primary restarted');
        }
      }
      expect(checkpoints).toBeGreaterThanOrEqual(3);
      expect(restarted).toBe(true);
      expect(content(follower).get('a')!.size).toBe(live.get('a')!.size);
      primary.close();
      follower.close();
    }, LONG_MS);

    it('a snapshot on the follower is stable while the primary\'s transactions commit under it', () => {
      const pvfs = createMemoryVfs();
      const primary = Engine.open(smallOptions(kind, pvfs, { checkpointWalBytes: 1 << 30 }));
      const follower = Engine.follower(followerOptions(kind));
      const shipper = new Shipper(pvfs, follower);
      const t = primary.createTable('t', ROW_COLUMNS);
      const w1 = primary.begin();
      primary.insert(w1, t.id, [1n, 1, 'committed first']);
      primary.commit(w1);
      // A primary transaction in progress whose records reach the follower (another commit writes them out).
      const slow = primary.begin();
      primary.insert(slow, t.id, [2n, 2, 'slow']);
      const w3 = primary.begin();
      primary.insert(w3, t.id, [3n, 3, 'fast']);
      primary.commit(w3);
      shipper.ship();
      const reader = follower.begin();
      const seen = [...readTable(follower, reader, 't').keys()].sort();
      expect(seen).toEqual([1n, 3n]);
      primary.commit(slow);
      shipper.ship();
      // The reader's snapshot was taken while "slow" was in progress: it must not see it commit.
      expect([...readTable(follower, reader, 't').keys()].sort()).toEqual(seen);
      follower.commit(reader);
      const later = follower.begin();
      expect([...readTable(follower, later, 't').keys()].sort()).toEqual([1n, 2n, 3n]);
      follower.commit(later);
      primary.close();
      follower.close();
    });

    it('a follower refuses writes of its own', () => {
      const follower = Engine.follower(followerOptions(kind));
      expect(flintError(() => follower.createTable('t', ROW_COLUMNS)).code).toBe('25006');
      expect(flintError(() => follower.vacuum()).code).toBe('25006');
      expect(flintError(() => follower.checkpoint()).code).toBe('25006');
      // A read-only transaction works.
      const txn = follower.begin();
      follower.commit(txn);
      follower.close();
    });
  });
}
