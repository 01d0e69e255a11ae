// bench/server: pgbench against `flint serve` and against PostgreSQL 15, in
// the same run, on this machine's loopback and disk.
//
//   npm run bench:server [-- --quick] [--seconds 10] [--scale 1] [--clients 1,4,16]
//                        [--pg-bin /usr/lib/postgresql/15/bin] [--pg-url postgres://…]
//
// Workloads: pgbench's select-only script (-S: one primary-key SELECT per
// transaction) and its TPC-B-like script (five statements in a transaction,
// every client updating the same branch row at scale 1), each with 1, 4
// and 16 clients (-j min(clients, 4)), simple query protocol. Printed: TPS,
// failed transactions and the ratio Flint/PostgreSQL per cell.
//
// PostgreSQL is started here (initdb into a temporary directory, a private
// socket directory, a free port) with durability comparable to Flint's
// default: fsync on, synchronous_commit on, full_page_writes on, and its
// default READ COMMITTED. As root it runs as the `postgres` user (PostgreSQL
// refuses to run as root). --pg-url uses a running server instead.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localPostgresMissing, startLocalPostgres } from '../scripts/local-postgres.ts';
import { machineInfo, printTable, writeResults } from './harness.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const seconds = Number(option('seconds') ?? (quick ? 3 : 10));
const scale = Number(option('scale') ?? 1);
const clientCounts = (option('clients') ?? (quick ? '1,4' : '1,4,16')).split(',').map(Number);
const pgBin = option('pg-bin') ?? '/usr/lib/postgresql/15/bin';
const CLI = join(process.cwd(), 'dist', 'cli.js');

interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  stop(): Promise<void>;
}

interface Cell {
  target: string;
  workload: 'select-only' | 'tpcb-like';
  clients: number;
  tps: number;
  transactions: number;
  failed: number;
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function startFlint(): Promise<Target> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-server-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dir, '--port', '0', '--password', 'bench'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<URL>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('postgres://'));
      if (line !== undefined) resolve(new URL(line));
    });
    child.on('exit', (code) => reject(new Error(`flint serve exited with ${code}`)));
  });
  return {
    name: 'Flint', host: '127.0.0.1', port: Number(url.port), user: 'flint', password: 'bench', database: 'flint',
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** initdb + postgres on a free port, as the postgres user when we are root. */
async function startPostgres(): Promise<Target | string> {
  const external = option('pg-url');
  if (external !== undefined) {
    const u = new URL(external);
    return {
      name: 'PostgreSQL', host: u.hostname || '127.0.0.1', port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'),
      password: decodeURIComponent(u.password), database: u.pathname.slice(1) || 'postgres', stop: async () => {},
    };
  }
  const missing = localPostgresMissing(pgBin);
  if (missing !== undefined) return `${missing}, or pass --pg-bin or --pg-url`;
  try {
    // A durability comparable to Flint's synchronous 'full': fsync, synchronous commit, full page writes.
    const local = await startLocalPostgres(['fsync=on', 'synchronous_commit=on', 'full_page_writes=on', 'max_connections=100', 'shared_buffers=128MB'], pgBin);
    return { name: 'PostgreSQL', host: local.host, port: local.port, user: local.user, password: '', database: local.database, stop: local.stop };
  } catch (error) {
    return (error as Error).message;
  }
}

async function pgbench(t: Target, argv: string[]): Promise<string> {
  const r = await run('pgbench', ['-h', t.host, '-p', String(t.port), '-U', t.user, ...argv, t.database], { PGPASSWORD: t.password });
  if (r.code !== 0) throw new Error(`pgbench ${argv.join(' ')} against ${t.name} failed:\n${r.out}`);
  return r.out;
}

function number(out: string, pattern: RegExp): number {
  const m = pattern.exec(out);
  return m === null ? NaN : Number(m[1]);
}

async function benchmark(t: Target): Promise<Cell[]> {
  process.stdout.write(`${t.name}: pgbench -i -s ${scale} ... `);
  const t0 = performance.now();
  await pgbench(t, ['-i', '-s', String(scale), '-q']);
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const cells: Cell[] = [];
  for (const workload of ['select-only', 'tpcb-like'] as const) {
    for (const clients of clientCounts) {
      const out = await pgbench(t, [...(workload === 'select-only' ? ['-S'] : []), '-c', String(clients), '-j', String(Math.min(clients, 4)), '-T', String(seconds)]);
      const cell: Cell = {
        target: t.name, workload, clients,
        tps: number(out, /tps = ([\d.]+) \(without initial connection time\)/),
        transactions: number(out, /number of transactions actually processed: (\d+)/),
        failed: number(out, /number of failed transactions: (\d+)/),
      };
      console.log(`  ${workload.padEnd(11)} ${String(clients).padStart(2)} clients: ${cell.tps.toFixed(0).padStart(7)} tps, ${cell.failed} failed`);
      cells.push(cell);
    }
  }
  return cells;
}

if (spawnSync('pgbench', ['--version']).status !== 0) {
  console.error('bench:server needs pgbench (Debian: apt-get install postgresql-15)');
  process.exit(1);
}
console.log(`pgbench, scale ${scale}, ${seconds} s per cell, clients ${clientCounts.join('/')}${quick ? ' (quick)' : ''}\n`);

const cells: Cell[] = [];
const flint = await startFlint();
try {
  cells.push(...(await benchmark(flint)));
} finally {
  await flint.stop();
}
const postgres = await startPostgres();
if (typeof postgres === 'string') {
  console.log(`\nPostgreSQL: not measured: ${postgres}`);
} else {
  try {
    cells.push(...(await benchmark(postgres)));
  } finally {
    await postgres.stop();
  }
}

const rows: string[][] = [];
for (const workload of ['select-only', 'tpcb-like'] as const) {
  for (const clients of clientCounts) {
    const f = cells.find((c) => c.target === 'Flint' && c.workload === workload && c.clients === clients)!;
    const p = cells.find((c) => c.target === 'PostgreSQL' && c.workload === workload && c.clients === clients);
    rows.push([
      workload, String(clients), f.tps.toFixed(0), String(f.failed),
      p === undefined ? '-' : p.tps.toFixed(0), p === undefined ? '-' : String(p.failed),
      p === undefined ? '-' : `${(f.tps / p.tps).toFixed(2)}x`,
    ]);
  }
}
console.log('');
printTable(['workload', 'clients', 'Flint tps', 'failed', 'PostgreSQL tps', 'failed', 'Flint/PG'], rows);
const file = writeResults('server', { quick, seconds, scale, clients: clientCounts, cells, machine: machineInfo() });
console.log(`\nresults: ${file}`);
