// bench/storage: the storage engine on the real file system, one run.
//
//   npm run bench:storage [-- --quick]
//
// Each workload runs with the WASM and the TS kernels and prints both and
// their ratio. Durable commit latency is shown beside a raw fdatasync loop of
// the same size on the same disk, measured in the same run: the physical
// floor no durable commit can beat. Results go to bench/results/storage-*.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/txn/engine.ts';
import type { KernelKind } from '../src/kernels/index.ts';
import { createNodeVfs, type Vfs, type VfsFile } from '../src/storage/vfs/index.ts';
import { formatNumber, printTable, seededRandom, writeResults } from './harness.ts';

const quick = process.argv.includes('--quick');
const BULK_ROWS = quick ? 20_000 : 200_000;
const COMMITS = quick ? 200 : 2_000;
const GROUP_COMMITS = quick ? 512 : 4_096;
const POINT_READS = quick ? 20_000 : 200_000;
const UPDATE_ROWS = quick ? 5_000 : 50_000;
const KINDS: KernelKind[] = ['wasm', 'ts'];

/** A vfs that counts the bytes written through it: write amplification. */
function countingVfs(inner: Vfs): { vfs: Vfs; written: () => number } {
  let bytes = 0;
  const wrap = (file: VfsFile): VfsFile => ({
    get path() {
      return file.path;
    },
    read: (into, position) => file.read(into, position),
    write: (from, position) => {
      bytes += from.length;
      file.write(from, position);
    },
    size: () => file.size(),
    truncate: (size) => file.truncate(size),
    sync: () => file.sync(),
    writeDurable: (from, position) => {
      bytes += from.length;
      file.writeDurable(from, position);
    },
    writeDurableAsync: (from, position) => {
      bytes += from.length;
      return file.writeDurableAsync(from, position);
    },
    syncAsync: () => file.syncAsync(),
    close: () => file.close(),
  });
  const vfs: Vfs = {
    name: `counting(${inner.name})`,
    open: (path, opts) => wrap(inner.open(path, opts)),
    exists: (path) => inner.exists(path),
    remove: (path) => inner.remove(path),
    rename: (from, to) => inner.rename(from, to),
    list: (dir) => inner.list(dir),
    mkdir: (path) => inner.mkdir(path),
    syncDir: (dir) => inner.syncDir(dir),
    lock: (path) => inner.lock(path),
  };
  return { vfs, written: () => bytes };
}

const COLUMNS = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'name', type: 'text', nullable: true },
  { name: 'email', type: 'text', nullable: true },
  { name: 'amount', type: 'float64', nullable: true },
  { name: 'cat', type: 'int32', nullable: true },
] as const;

function row(i: number, rand: () => number): [bigint, string, string, number, number] {
  return [BigInt(i), `customer ${i}`, `user${i}@example.com`, Math.round(rand() * 100000) / 100, i % 100];
}
/** Bytes of user data in a row as a user would count them (int64 + text + float64 + int32). */
function rowDataBytes(r: ReturnType<typeof row>): number {
  return 8 + r[1].length + r[2].length + 8 + 4;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withDirAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface KindResult {
  bulkRowsPerSec: number;
  commitP50Ms: number;
  commitP99Ms: number;
  groupCommitsPerSec: Record<number, number>;
  pointReadsPerSec: number;
  scanMBPerSec: number;
  writeAmplification: number;
}

/** Raw floor: write ~100 bytes at the end of a file and fdatasync, COMMITS times. */
function fdatasyncFloor(): { p50: number; p99: number } {
  return withDir((dir) => {
    const vfs = createNodeVfs();
    const file = vfs.open(join(dir, 'floor'), { create: true });
    file.truncate(16 * 1024 * 1024);
    file.sync();
    const payload = new Uint8Array(100);
    const times: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const t0 = performance.now();
      file.write(payload, i * payload.length);
      file.sync();
      times.push(performance.now() - t0);
    }
    file.close();
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  });
}

async function runKind(kind: KernelKind): Promise<KindResult> {
  const rand = seededRandom(42);
  const result = {} as KindResult;

  // Bulk insert in one transaction, then point reads and a full scan on the same data.
  withDir((dir) => {
    const db = Engine.open({ vfs: createNodeVfs(), dir, kernels: kind, poolBytes: 256 << 20 });
    const t = db.createTable('t', [...COLUMNS]);
    const txn = db.begin();
    const tids: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < BULK_ROWS; i++) tids.push(db.insert(txn, t.id, row(i, rand)));
    db.commit(txn);
    result.bulkRowsPerSec = BULK_ROWS / ((performance.now() - t0) / 1000);

    const reader = db.begin();
    const order = Array.from({ length: POINT_READS }, () => tids[(rand() * tids.length) | 0]!);
    t0 = performance.now();
    let found = 0;
    for (const tid of order) if (db.get(reader, t.id, tid) !== undefined) found++;
    result.pointReadsPerSec = POINT_READS / ((performance.now() - t0) / 1000);
    if (found !== POINT_READS) throw new Error(`point reads found ${found} of ${POINT_READS}`);

    const heapBytes = BULK_ROWS * 70; // approximate logical bytes of the rows scanned
    t0 = performance.now();
    let rows = 0;
    db.scan(reader, t.id, () => void rows++);
    result.scanMBPerSec = heapBytes / 1e6 / ((performance.now() - t0) / 1000);
    if (rows !== BULK_ROWS) throw new Error(`scan saw ${rows} of ${BULK_ROWS}`);
    db.commit(reader);
    db.close();
  });

  // Durable single-row autocommits.
  withDir((dir) => {
    const db = Engine.open({ vfs: createNodeVfs(), dir, kernels: kind, synchronous: 'full' });
    const t = db.createTable('t', [...COLUMNS]);
    const times: number[] = [];
    for (let i = 0; i < COMMITS; i++) {
      const t0 = performance.now();
      const txn = db.begin();
      db.insert(txn, t.id, row(i, rand));
      db.commit(txn);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    result.commitP50Ms = percentile(times, 50);
    result.commitP99Ms = percentile(times, 99);
    db.close();
  });

  // Group commit: N sessions each committing one row at a time, concurrently.
  result.groupCommitsPerSec = {};
  for (const sessions of [1, 8, 64]) {
    result.groupCommitsPerSec[sessions] = await withDirAsync(async (dir) => {
      const db = Engine.open({ vfs: createNodeVfs(), dir, kernels: kind, synchronous: 'full' });
      const t = db.createTable('t', [...COLUMNS]);
      let next = 0;
      const perSession = Math.ceil(GROUP_COMMITS / sessions);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: sessions }, async () => {
          for (let i = 0; i < perSession; i++) {
            const txn = db.begin();
            db.insert(txn, t.id, row(next++, rand));
            await db.commitAsync(txn);
          }
        }),
      );
      const rate = (perSession * sessions) / ((performance.now() - t0) / 1000);
      db.close();
      return rate;
    });
  }

  // Write amplification under inserts then updates of every row.
  withDir((dir) => {
    const counting = countingVfs(createNodeVfs());
    const db = Engine.open({ vfs: counting.vfs, dir, kernels: kind, synchronous: 'full', checkpointWalBytes: 16 << 20 });
    const t = db.createTable('t', [...COLUMNS]);
    const start = counting.written();
    let dataBytes = 0;
    const tids: number[] = [];
    let txn = db.begin();
    for (let i = 0; i < UPDATE_ROWS; i++) {
      const r = row(i, rand);
      dataBytes += rowDataBytes(r);
      tids.push(db.insert(txn, t.id, r));
      if (i % 100 === 99) {
        db.commit(txn);
        txn = db.begin();
      }
    }
    db.commit(txn);
    for (let i = 0; i < UPDATE_ROWS; i++) {
      const u = db.begin();
      const r = row(i, rand);
      dataBytes += rowDataBytes(r);
      tids[i] = db.update(u, t.id, tids[i]!, r);
      db.commit(u);
    }
    db.close();
    result.writeAmplification = (counting.written() - start) / dataBytes;
  });
  return result;
}

/**
 * JIT warm-up: the engine's JS is shared by both kinds, so whichever runs
 * first would pay for compiling it. Run a small version of the in-memory
 * workloads with each kind before anything is measured.
 */
function warmUp(): void {
  for (const kind of KINDS) {
    withDir((dir) => {
      const rand = seededRandom(7);
      const db = Engine.open({ vfs: createNodeVfs(), dir, kernels: kind, synchronous: 'off' });
      const t = db.createTable('t', [...COLUMNS]);
      const txn = db.begin();
      const tids: number[] = [];
      for (let i = 0; i < 20_000; i++) tids.push(db.insert(txn, t.id, row(i, rand)));
      db.commit(txn);
      const r = db.begin();
      for (const tid of tids) db.get(r, t.id, tid);
      db.scan(r, t.id, () => true);
      for (let i = 0; i < 2_000; i++) {
        const u = db.begin();
        tids[i] = db.update(u, t.id, tids[i]!, row(i, rand));
        db.commit(u);
      }
      db.close();
    });
  }
}

warmUp();
const floor = fdatasyncFloor();
const byKind: Record<string, KindResult> = {};
for (const kind of KINDS) byKind[kind] = await runKind(kind);
const w = byKind.wasm!;
const s = byKind.ts!;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

console.log(`bench:storage${quick ? ' (quick)' : ''}: Flint storage engine on node:fs, same run (higher is better unless noted)`);
printTable(
  ['workload', 'wasm', 'ts', 'wasm/ts'],
  [
    [`bulk insert ${BULK_ROWS} rows (rows/s)`, formatNumber(w.bulkRowsPerSec), formatNumber(s.bulkRowsPerSec), ratio(w.bulkRowsPerSec, s.bulkRowsPerSec)],
    ['durable commit p50 (ms, lower better)', w.commitP50Ms.toFixed(3), s.commitP50Ms.toFixed(3), ratio(s.commitP50Ms, w.commitP50Ms)],
    ['durable commit p99 (ms, lower better)', w.commitP99Ms.toFixed(3), s.commitP99Ms.toFixed(3), ratio(s.commitP99Ms, w.commitP99Ms)],
    ...[1, 8, 64].map((n) => [
      `group commit, ${n} committers (commits/s)`,
      formatNumber(w.groupCommitsPerSec[n]!),
      formatNumber(s.groupCommitsPerSec[n]!),
      ratio(w.groupCommitsPerSec[n]!, s.groupCommitsPerSec[n]!),
    ]),
    ['point reads by tuple id (reads/s)', formatNumber(w.pointReadsPerSec), formatNumber(s.pointReadsPerSec), ratio(w.pointReadsPerSec, s.pointReadsPerSec)],
    ['full scan (MB/s of row data)', formatNumber(w.scanMBPerSec), formatNumber(s.scanMBPerSec), ratio(w.scanMBPerSec, s.scanMBPerSec)],
    ['write amplification (disk bytes / row byte, lower better)', w.writeAmplification.toFixed(2), s.writeAmplification.toFixed(2), ratio(s.writeAmplification, w.writeAmplification)],
  ],
);
console.log('');
console.log(`raw fdatasync floor (100-byte append + fdatasync): p50 ${floor.p50.toFixed(3)} ms, p99 ${floor.p99.toFixed(3)} ms`);
console.log(`durable commit vs floor, p50: wasm ${ratio(w.commitP50Ms, floor.p50)}, ts ${ratio(s.commitP50Ms, floor.p50)}; p99: wasm ${ratio(w.commitP99Ms, floor.p99)}, ts ${ratio(s.commitP99Ms, floor.p99)}`);
console.log(`group commit speed-up, 64 vs 1 committers: wasm ${ratio(w.groupCommitsPerSec[64]!, w.groupCommitsPerSec[1]!)}, ts ${ratio(s.groupCommitsPerSec[64]!, s.groupCommitsPerSec[1]!)}`);
console.log(`results: ${writeResults('storage', { floor, byKind, quick })}`);
