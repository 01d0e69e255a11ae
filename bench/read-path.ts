// bench/read-path: CPU time of bench:peers' read workloads (issue 8: the
// secondary-index lookup by cat, the join by label, the point select by id)
// on Flint with both kernel kinds next to better-sqlite3 (WAL, synchronous
// FULL) and sql.js, all open in one process and loaded with the same rows.
//
//   node scripts/run-ts.mjs bench/read-path.ts [--rows N] [--rounds R] [--only bycat,join,point]
//                                              [--engines flint-wasm,flint-ts,sqlite,sqljs]
//
// Each workload runs R rounds; in each round every engine runs it once, in
// an order that rotates from round to round, timed by this process's CPU
// time (process.cpuUsage: the shared machine's other load skews it less
// than wall time). Prints the median and best µs per operation and each
// Flint column's ratio to the peers (above 1: Flint is faster). Answers are
// checked against the data generator. Figures are printed, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catLabel, makeDataset, randomInts } from './peers/data.ts';
import { flintEngine } from './peers/flint.ts';
import { sqliteEngine } from './peers/sqlite.ts';
import { sqljsEngine } from './peers/sqljs.ts';
import type { PeerDb, PeerEngine } from './peers/types.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg('--rows', '200000'));
const ROUNDS = Number(arg('--rounds', '7'));
const only = new Set(arg('--only', 'bycat,join,point').split(','));
const wanted = new Set(arg('--engines', 'flint-wasm,flint-ts,sqlite,sqljs').split(','));

const data = makeDataset(ROWS);
const engines: PeerEngine[] = [];
if (wanted.has('flint-wasm')) engines.push(flintEngine('wasm'));
if (wanted.has('flint-ts')) engines.push(flintEngine('ts'));
if (wanted.has('sqlite')) engines.push(sqliteEngine('FULL'));
if (wanted.has('sqljs')) engines.push(await sqljsEngine());

const root = mkdtempSync(join(tmpdir(), 'flint-read-path-'));
const dbs: { key: string; db: PeerDb }[] = [];
for (const e of engines) {
  const dir = join(root, e.info.key);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const db = (await e.open(dir)) as PeerDb;
  await db.createSchema([], data.catRows);
  await db.bulkInsert(data.rows);
  dbs.push({ key: e.info.key, db });
}

interface Workload {
  name: string;
  ops: number;
  run: (db: PeerDb) => number;
}

const cats = randomInts(2000, data.cats, 7);
const ids = Array.from(randomInts(50_000, data.count, 11), (i) => i + 1);
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`wrong answer: ${what}`);
};
const workloads: Workload[] = [];
if (only.has('bycat'))
  workloads.push({
    name: 'lookup by cat (2k x ~20 rows)',
    ops: cats.length,
    run: (db) => {
      let n = 0;
      for (const cat of cats) {
        const rows = db.byCat(cat) as (readonly unknown[])[];
        n += rows.length;
      }
      return n;
    },
  });
if (only.has('join'))
  workloads.push({
    name: 'join by label (500 queries)',
    ops: 500,
    run: (db) => {
      let n = 0;
      for (let i = 0; i < 500; i++) n += (db.join(catLabel(cats[i]!)) as unknown[]).length;
      return n;
    },
  });
if (only.has('point'))
  workloads.push({
    name: 'point select (50k)',
    ops: ids.length,
    run: (db) => {
      let n = 0;
      for (const id of ids) n += Number((db.pointSelect(id) as unknown[])[0]);
      return n;
    },
  });

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000; // ms
};
for (const w of workloads) {
  const times = new Map<string, number[]>(dbs.map((d) => [d.key, []]));
  let expect: number | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < dbs.length; k++) {
      const { key, db } = dbs[(k + r) % dbs.length]!;
      const t0 = cpu();
      const got = w.run(db);
      times.get(key)!.push(cpu() - t0);
      if (expect === undefined) expect = got;
      check(got === expect, `${w.name} on ${key}: ${got} vs ${expect}`);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`\n${w.name}: µs of CPU per operation, median (best) of ${ROUNDS} rounds`);
  const medians = new Map<string, number>();
  for (const { key } of dbs) {
    const xs = times.get(key)!;
    medians.set(key, (med(xs) * 1000) / w.ops);
    console.log(`  ${key.padEnd(12)} ${((med(xs) * 1000) / w.ops).toFixed(2).padStart(9)} (${((Math.min(...xs) * 1000) / w.ops).toFixed(2)})`);
  }
  for (const f of ['flint-wasm', 'flint-ts']) {
    const m = medians.get(f);
    if (m === undefined) continue;
    const ratios = [...medians].filter(([k]) => k !== f).map(([k, v]) => `${k} ${(v / m).toFixed(2)}x`);
    console.log(`  ${f}: ${ratios.join(', ')}`);
  }
}
for (const { db } of dbs) (db as { close(): void }).close();
rmSync(root, { recursive: true, force: true });
