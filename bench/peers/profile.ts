// bench/peers/profile: CPU profiles of two Flint workloads of bench:peers,
// the starting point for making them faster (issue 8, item 3).
//
//   node scripts/run-ts.mjs bench/peers/profile.ts [--rows N] [--kernels wasm|ts]
//                                                  [--only bulk,select,insert,bycat,join,groupby,update]
//                                                  [--top N]
//
// Profiles, each on its own: the bulk insert that loads t (one transaction),
// the random point selects by id, and durable autocommit inserts from one
// session (synchronous 'full'). --only picks some of them (t is loaded
// either way). The profiler is V8's, the one
// `node --cpu-prof` starts, driven through node:inspector so that each
// profile holds one workload only. Writes bench/results/profile-*.cpuprofile
// (open them in Chrome DevTools or speedscope) and prints the functions with
// the most self time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelKind } from '../../src/kernels/index.ts';
import { catLabel, makeDataset, makeRows, randomInts } from './data.ts';
import { sourceLocator } from './source-map.ts';
import { flintEngine } from './flint.ts';
import { DURABLE_TABLES } from './workloads.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const rows = Number(arg('--rows', '200000'));
const kernels = arg('--kernels', 'wasm') as KernelKind;
/** Which workloads to profile: 'all', or one of bulk, select, insert (comma-separated). */
const only = new Set(arg('--only', 'bulk,select,insert').split(','));
/** How many functions each list prints (self time, then inclusive). */
const top = Number(arg('--top', '25'));
const POINT_SELECTS = 200_000;
const INSERTS = 3_000;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const locate = sourceLocator(import.meta.url);

/** A frame's name: the function and where it is defined (a src/ file, a node: module, or native). */
function frameName(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url.startsWith('node:')) return `${name} [${frame.url}]`;
  if (frame.url === '') return name;
  const at = locate(frame.url, frame.lineNumber, frame.columnNumber);
  return at === undefined ? name : `${name} (${at.replace(/^.*?(src|bench|assembly)\//, '$1/')})`;
}

interface FunctionTime {
  name: string;
  ms: number;
  share: number;
}

/** Self and inclusive time per function (summed over its call sites), largest first. */
function times(profile: CpuProfile): { self: FunctionTime[]; inclusive: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const names = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame)]));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const stack: string[] = [];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      if (byId.get(n)!.callFrame.functionName !== '(root)') stack.push(names.get(n)!);
    }
    // Stopping the profiler (inspector.post) is not the workload's time.
    if (stack.some((name) => name.startsWith('post [node:inspector'))) return;
    all += us;
    self.set(stack[0] ?? '(root)', (self.get(stack[0] ?? '(root)') ?? 0) + us);
    for (const name of new Set(stack)) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  });
  const list = (m: Map<string, number>) => [...m.entries()].map(([name, us]) => ({ name, ms: us / 1000, share: us / all })).sort((a, b) => b.ms - a.ms);
  return { self: list(self), inclusive: list(inclusive) };
}

async function profiled(name: string, body: () => void): Promise<void> {
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.post('Profiler.start');
  const t0 = performance.now();
  body();
  const elapsedMs = performance.now() - t0;
  const { profile } = (await inspector.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  inspector.disconnect();
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `profile-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const { self, inclusive } = times(profile);
  const show = (f: FunctionTime) => console.log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
  console.log(`\n${name}: ${(elapsedMs / 1000).toFixed(2)} s; profile ${file}`);
  console.log('top self time:');
  self.slice(0, top).forEach(show);
  console.log('top inclusive time (the function and what it calls):');
  inclusive.slice(0, top + 5).forEach(show);
}

const data = makeDataset(rows);
const dir = mkdtempSync(join(tmpdir(), 'flint-bench-profile-'));
try {
  const db = await flintEngine(kernels).open(dir);
  db.createSchema(DURABLE_TABLES, data.catRows) as void;
  if (only.has('bulk')) await profiled(`bulk-insert-${kernels}`, () => db.bulkInsert(data.rows) as void);
  else db.bulkInsert(data.rows) as void;
  console.log(`Flint (${kernels} kernels): t loaded with ${rows} rows`);
  if (only.has('select')) {
    const ids = randomInts(POINT_SELECTS, rows, 11);
    let found = 0;
    await profiled(`point-select-${kernels}`, () => {
      for (let i = 0; i < POINT_SELECTS; i++) if (db.pointSelect(ids[i]! + 1) !== undefined) found++;
    });
    if (found !== POINT_SELECTS) throw new Error(`point selects found ${found} of ${POINT_SELECTS} rows`);
  }
  if (only.has('bycat')) {
    const cats = randomInts(20_000, data.cats, 7);
    let found = 0;
    await profiled(`lookup-by-cat-${kernels}`, () => {
      for (let i = 0; i < cats.length; i++) found += (db.byCat(cats[i]!) as unknown[]).length;
    });
    if (found === 0) throw new Error('lookups by cat found no rows');
  }
  if (only.has('join')) {
    const cats = randomInts(3_000, data.cats, 7);
    let found = 0;
    await profiled(`join-${kernels}`, () => {
      for (let i = 0; i < cats.length; i++) found += (db.join(catLabel(cats[i]!)) as unknown[]).length;
    });
    if (found === 0) throw new Error('the joins found no rows');
  }
  if (only.has('groupby')) {
    let groups = 0;
    await profiled(`group-by-${kernels}`, () => {
      for (let i = 0; i < 20; i++) groups = (db.groupBy() as unknown[]).length;
    });
    if (groups !== data.cats) throw new Error(`GROUP BY gave ${groups} groups, not ${data.cats}`);
  }
  if (only.has('update')) {
    const ids = randomInts(5_000, rows, 13);
    await profiled(`update-${kernels}`, () => {
      for (let i = 0; i < ids.length; i++) void db.updateById(ids[i]! + 1);
    });
  }
  if (only.has('insert')) {
    const inserts = makeRows(INSERTS, data.cats, 31);
    await profiled(`autocommit-insert-${kernels}`, () => {
      for (const row of inserts) db.insertAutocommit('d1', row) as void;
    });
    const [n] = db.totals('d1') as readonly [number, number, number];
    if (n !== INSERTS) throw new Error(`d1 holds ${n} rows after ${INSERTS} inserts`);
  }
  db.close() as void;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
