// Several databases in one process (WASM kernels): CPU per operation of the
// same bulk load, point selects and lookups by cat in each, to show what a
// database opened on a new kernel instance costs the process (GCs, call
// targets) and what reusing a closed database's instance saves.
//   node scripts/run-ts.mjs bench/multi-db.ts [--mode seq|open|peers] [--dbs N] [--rows N] [--kernels wasm|ts]
// seq: each database is closed before the next opens. open: all stay open,
// and the workloads run on each in turn, twice. peers: bench:peers' sequence,
// one database loaded and kept open, then N fresh databases each bulk-loaded
// and closed, the reads on the first one after each. Run with node
// --trace-gc or --trace-deopt to see what a new kernel instance costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/db/database.ts';
import type { KernelKind } from '../src/kernels/index.ts';
import { makeRows } from './peers/data.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const mode = arg('mode', 'seq');
const dbs = Number(arg('dbs', '4'));
const rowCount = Number(arg('rows', '50000'));
const kernels = arg('kernels', 'wasm') as KernelKind;
const cats = rowCount / 20;
const rows = makeRows(rowCount, cats, 20261121);

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

const root = mkdtempSync(join(tmpdir(), 'flint-multi-'));
let seed = 1;
function rand(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}

interface Opened { db: Database; select: ReturnType<Database['prepare']>; byCat: ReturnType<Database['prepare']> }

function open(i: number): Opened {
  const db = Database.open(join(root, `db${i}`), { kernels, synchronous: 'off', poolBytes: 64 << 20 });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)');
  db.exec('CREATE INDEX t_cat ON t (cat)');
  const insert = db.prepare('INSERT INTO t (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)');
  const t0 = cpuUs();
  const s0 = process.cpuUsage().system;
  db.transaction(() => {
    for (const r of rows) insert.run(r[0], r[1], r[2], r[3], r[4]);
  })();
  const us = cpuUs() - t0;
  console.log(`db${i} bulk ${(us / rowCount).toFixed(2)} µs/row sys ${((process.cpuUsage().system - s0) / rowCount).toFixed(2)}`);
  return { db, select: db.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = $1').raw(), byCat: db.prepare('SELECT id, amount FROM t WHERE cat = $1').raw() };
}

function reads(i: number, o: Opened, round: number): void {
  let t0 = cpuUs();
  let n = 0;
  for (let k = 0; k < rowCount; k++) if (o.select.get(1 + Math.floor(rand() * rowCount)) !== undefined) n++;
  const sel = (cpuUs() - t0) / rowCount;
  t0 = cpuUs();
  const lookups = 2000;
  for (let k = 0; k < lookups; k++) n += o.byCat.all(Math.floor(rand() * cats)).length;
  const cat = (cpuUs() - t0) / lookups;
  console.log(`db${i} round${round} select ${sel.toFixed(2)} µs  byCat ${cat.toFixed(1)} µs  (${n})`);
}

if (mode === 'seq') {
  for (let i = 0; i < dbs; i++) {
    const o = open(i);
    reads(i, o, 0);
    reads(i, o, 1);
    o.db.close();
  }
} else if (mode === 'peers') {
  const main = open(0);
  for (let r = 1; r <= dbs; r++) {
    const o = open(r);
    o.db.close();
    reads(0, main, r);
  }
  main.db.close();
} else {
  const all: Opened[] = [];
  for (let i = 0; i < dbs; i++) all.push(open(i));
  for (let round = 0; round < 2; round++) for (let i = 0; i < dbs; i++) reads(i, all[i]!, round);
  for (const o of all) o.db.close();
}
rmSync(root, { recursive: true, force: true });
