// Process crash: a real process runs the ledger write workload
// (ledger-workload.ts) and every transaction it begins and every commit
// acknowledged to it is reported; the process is killed with SIGKILL at a
// random moment (sometimes while it is still recovering from the previous
// kill), then the directory is checked:
//   - `flint check` (checkDatabase: files, then recovery and every index
//     against the heap) reports no problem;
//   - reopened, the database holds every acknowledged commit, and of the
//     transactions in flight at the kill each is there whole or not at all
//     (Ledger.check; balances exact, so their total never changes); an
//     index range scan and point lookups through the secondary index find
//     the same rows as a full scan.
// The next process then goes on in the same directory, so the kills pile up
// on one database. Two modes: embedded (a Node child running Database with
// four concurrent Sessions, crash-child.ts) and server (`flint serve`, four
// node-postgres clients in the test process). Both run the current sources,
// bundled here. Each test runs two lanes (two
// directories) at once: most of a round is waiting.
//
// Counts: FLINT_SIGKILL_KILLS per mode (default 120 + 80 = 200 kill points;
// `npm run test:reliability:long` runs thousands). Seed: FLINT_SIGKILL_SEED.
// A failure names the seed, lane and round; the kill delays come from the
// seed, but where a kill lands depends on timing, so a replay runs the same
// workload and delays, not the same interleaving.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { checkDatabase } from '../../src/db/check.ts';
import { Database } from '../../src/db/database.ts';
import { exited } from '../server/child-server.ts';
import { Ledger, Prng, SCHEMA, lineSplitter, runWriter, type LedgerRow } from './ledger-workload.ts';

export const SEED = Number(process.env.FLINT_SIGKILL_SEED ?? 20261121);
/** Kill points per mode: FLINT_SIGKILL_KILLS, else 120 embedded and 80 server (200 in all). */
export function killsFor(mode: 'embedded' | 'server'): number {
  return Number(process.env.FLINT_SIGKILL_KILLS ?? (mode === 'embedded' ? 120 : 80));
}
export const LANES = 2;
const WRITERS = 4;

const dirs: string[] = [];
export function cleanup(): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/**
 * Bundle an entry point of the current sources (Node 20 cannot run .ts) into node_modules/.cache, where its
 * external imports resolve: crash-child.ts for the embedded mode, src/cli/main.ts (what dist/cli.js is) for
 * the server mode, so the children run the same code as the checks in this process.
 */
export async function bundle(entry: 'crash-child' | 'cli'): Promise<string> {
  const cache = resolve('node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'flint-sigkill-'));
  dirs.push(out);
  const script = join(out, `${entry}.mjs`);
  await build({
    entryPoints: [resolve(entry === 'cli' ? 'src/cli/main.ts' : 'test/reliability/crash-child.ts')],
    outfile: script,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    packages: 'external',
    logLevel: 'warning',
  });
  return script;
}

/** Start `flint serve` (the bundled CLI) on a directory; resolves with the child and its URL. */
function serve(cli: string, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--data', dir, '--port', '0', '--trust'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout!.on(
      'data',
      lineSplitter((line) => {
        lines.push(line);
        if (line.startsWith('postgres://')) resolve({ child, url: line });
      }),
    );
    child.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    child.on('exit', (code) => reject(new Error(`flint serve exited with ${code}: ${lines.join('\n')}`)));
  });
}

function newDatabaseDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-sigkill-'));
  dirs.push(dir);
  const db = Database.open(dir, { backgroundIntervalMs: 0 });
  for (const sql of SCHEMA) db.exec(sql);
  db.close();
  return dir;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** After a kill: flint check, then the content against the ledger. Returns the problems ('' if none). */
export function checkAfterKill(dir: string, ledger: Ledger): string {
  const report = checkDatabase(dir);
  if (!report.ok) return `flint check: ${report.problems.map((p) => `${p.file}${p.offset === undefined ? '' : ` offset ${p.offset}`}: ${p.what}`).join('; ')}`;
  const db = Database.open(dir, { backgroundIntervalMs: 0 });
  try {
    const rows = db.prepare('SELECT txn, i, note FROM ledger').all() as unknown as LedgerRow[];
    const balances = new Map((db.prepare('SELECT id, balance FROM accounts').all() as { id: number; balance: number }[]).map((r) => [r.id, r.balance]));
    const viaIndex = db.prepare('SELECT count(*)::int AS n FROM ledger WHERE txn >= 0').get() as { n: number };
    if (viaIndex.n !== rows.length) return `an index range scan found ${viaIndex.n} rows, a full scan ${rows.length}`;
    const byNote = db.prepare('SELECT txn, i FROM ledger WHERE note = $1');
    for (let j = 0; j < rows.length; j += 97) {
      const found = byNote.all(rows[j]!.note) as { txn: number; i: number }[];
      if (found.length !== 1 || found[0]!.txn !== rows[j]!.txn || found[0]!.i !== rows[j]!.i) return `note index lookup of ${rows[j]!.txn}/${rows[j]!.i}: ${JSON.stringify(found)}`;
    }
    return ledger.check(rows, balances);
  } finally {
    db.close();
  }
}

export interface LaneResult {
  kills: number;
  acked: number;
  early: number;
  problem: string;
}

/** Kill an embedded writer `kills` times on one directory; stops at the first problem. */
export async function embeddedLane(childScript: string, lane: number, kills: number): Promise<LaneResult> {
  const dir = newDatabaseDir();
  const ledger = new Ledger();
  const prng = new Prng(SEED * 10 + lane);
  const result: LaneResult = { kills: 0, acked: 0, early: 0, problem: '' };
  for (let round = 0; round < kills; round++) {
    const what = `embedded, seed ${SEED}, lane ${lane}, round ${round} (FLINT_SIGKILL_SEED=${SEED} to replay)`;
    const child = spawn(process.execPath, [childScript, dir, String(ledger.maxK() + 1), String(SEED * 1000 + lane * 100_000 + round), String(WRITERS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    let errorLine = '';
    let stderr = '';
    const readyOrExit = new Promise<void>((resolve) => {
      child.stdout!.on(
        'data',
        lineSplitter((line) => {
          if (line === 'ready') {
            ready = true;
            resolve();
          } else if (line.startsWith('error ')) errorLine = line;
          else ledger.feed(line);
        }),
      );
      child.on('exit', () => resolve());
    });
    child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
    const ackedBefore = ledger.acked;
    // One kill in eight comes at a random moment from the start: often in the recovery from the last kill.
    if (prng.int(8) === 0) {
      await sleep(prng.int(250));
      if (!ready) result.early++;
    } else {
      await readyOrExit;
      await sleep(prng.int(300));
    }
    const code = child.exitCode;
    child.kill('SIGKILL');
    await exited(child);
    await new Promise((r) => setImmediate(r)); // the last lines in the pipe
    if (errorLine !== '') return { ...result, problem: `${what}: the child failed: ${errorLine}` };
    if (code !== null) return { ...result, problem: `${what}: the child exited by itself (${code}): ${stderr}` };
    result.kills++;
    result.acked += ledger.acked - ackedBefore;
    const problem = checkAfterKill(dir, ledger);
    if (problem !== '') return { ...result, problem: `${what}: ${problem}` };
  }
  return result;
}

/** Kill `flint serve` under four writers `kills` times on one directory; stops at the first problem. */
export async function serverLane(cli: string, lane: number, kills: number): Promise<LaneResult> {
  const dir = newDatabaseDir();
  const ledger = new Ledger();
  const prng = new Prng(SEED * 10 + 5 + lane);
  const result: LaneResult = { kills: 0, acked: 0, early: 0, problem: '' };
  for (let round = 0; round < kills; round++) {
    const what = `server, seed ${SEED}, lane ${lane}, round ${round} (FLINT_SIGKILL_SEED=${SEED} to replay)`;
    const server = await serve(cli, dir);
    const url = server.url;
    const ackedBefore = ledger.acked;
    let killed = false;
    const clients: pg.Client[] = [];
    let nextK = ledger.maxK() + 1;
    const deletable: number[] = [];
    const writers: Promise<unknown>[] = [];
    const failures: string[] = [];
    const wprng = new Prng(SEED * 1000 + lane * 100_000 + round);
    for (let w = 0; w < WRITERS; w++) {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined); // the server dies under it
      await c.connect();
      clients.push(c);
      writers.push(
        runWriter(c, wprng.fork(), () => nextK++, deletable, (line) => ledger.feed(line), () => killed).catch((error) => {
          if (!killed) failures.push(String(error));
        }),
      );
    }
    await sleep(prng.int(300));
    killed = true;
    server.child.kill('SIGKILL');
    await exited(server.child);
    await Promise.all(writers);
    for (const c of clients) await c.end().catch(() => undefined);
    if (failures.length > 0) return { ...result, problem: `${what}: a writer failed before the kill: ${failures.join('; ')}` };
    result.kills++;
    result.acked += ledger.acked - ackedBefore;
    const problem = checkAfterKill(dir, ledger);
    if (problem !== '') return { ...result, problem: `${what}: ${problem}` };
  }
  return result;
}

/** Per-lane kill counts that add up to `total`. */
export function laneKills(total: number): number[] {
  return Array.from({ length: LANES }, (_, i) => Math.floor(total / LANES) + (i < total % LANES ? 1 : 0));
}
