// pgbench against `flint serve` (a child process): `pgbench -i -s 1` loads
// the TPC-B tables (COPY FROM STDIN, ALTER TABLE ADD PRIMARY KEY, VACUUM),
// then `pgbench -c 4 -j 2 -T 10` runs the TPC-B-like script with every
// client updating the one branch row. Writers wait for each other as in
// PostgreSQL, so no transaction fails, and afterwards the balances agree:
// accounts, tellers and branches each sum to the sum of history's deltas.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, serve } from './child-server.ts';
import { runChild } from './run-psql.ts';

const havePgbench = spawnSync('pgbench', ['--version']).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Run pgbench against a postgres:// URL; its output and exit code. */
async function pgbench(url: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const u = new URL(url);
  const r = await runChild('pgbench', ['-h', u.hostname, '-p', u.port, '-U', decodeURIComponent(u.username), ...args, u.pathname.slice(1)], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** A number pgbench printed after `label:`. */
function reported(out: string, label: string): number {
  const m = new RegExp(`${label}: (\\d+)`).exec(out);
  if (m === null) throw new Error(`pgbench did not report "${label}":\n${out}`);
  return Number(m[1]);
}

describe.skipIf(!havePgbench)('pgbench', () => {
  it('pgbench -i -s 1, then -c 4 -j 2 -T 10: no failed transaction, and the TPC-B balances agree', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-pgbench-'));
    dirs.push(dir);
    const { child, url } = await serve(dir, ['--password', 'bench']);
    try {
      const init = await pgbench(url, ['-i', '-s', '1']);
      expect(init.out).toContain('100000 of 100000 tuples (100%) done');
      expect(init.code, init.out).toBe(0);

      const run = await pgbench(url, ['-c', '4', '-j', '2', '-T', '10']);
      expect(run.code, run.out).toBe(0);
      expect(reported(run.out, 'number of failed transactions'), run.out).toBe(0);
      const processed = reported(run.out, 'number of transactions actually processed');
      expect(processed).toBeGreaterThan(0);

      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const sums = await c.query(`SELECT
          (SELECT sum(abalance) FROM pgbench_accounts)::int AS accounts,
          (SELECT sum(tbalance) FROM pgbench_tellers)::int AS tellers,
          (SELECT sum(bbalance) FROM pgbench_branches)::int AS branches,
          (SELECT sum(delta) FROM pgbench_history)::int AS history,
          (SELECT count(*) FROM pgbench_history)::int AS transactions,
          (SELECT count(*) FROM pgbench_accounts)::int AS account_rows`);
      const s = sums.rows[0];
      expect(s.transactions).toBe(processed);
      expect(s.account_rows).toBe(100_000);
      expect(s.accounts).toBe(s.history);
      expect(s.tellers).toBe(s.history);
      expect(s.branches).toBe(s.history);
      await c.end();

      // The select-only script and the extended protocol with prepared statements.
      const selectOnly = await pgbench(url, ['-S', '-M', 'prepared', '-c', '2', '-T', '2']);
      expect(selectOnly.code, selectOnly.out).toBe(0);
      expect(reported(selectOnly.out, 'number of failed transactions')).toBe(0);
      expect(reported(selectOnly.out, 'number of transactions actually processed')).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
});
