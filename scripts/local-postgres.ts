// A private PostgreSQL 15 for benchmarks and differential tests: initdb into
// a temporary directory and start it on a free loopback port, as the
// `postgres` user when we are root (PostgreSQL refuses to run as root).
// Used by bench/server.ts, bench/compression-size.ts and the SQL fuzzer.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin';

export interface LocalPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'postgres';
  readonly database: 'postgres';
  /** Stops the server (pg_ctl, immediate) and removes its directory. */
  stop(): Promise<void>;
}

/** Why no local PostgreSQL can be started here, or undefined if one can. */
export function localPostgresMissing(pgBin = DEFAULT_PG_BIN): string | undefined {
  if (!existsSync(join(pgBin, 'initdb')) || !existsSync(join(pgBin, 'postgres'))) return `no PostgreSQL at ${pgBin} (apt-get install postgresql-15)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['postgres']).status !== 0) return 'running as root and there is no postgres user to run PostgreSQL as';
  return undefined;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start PostgreSQL with `settings` (name=value pairs passed as -c). Throws
 * with the tail of initdb's or the server's output if it does not start.
 */
export async function startLocalPostgres(settings: readonly string[] = [], pgBin = DEFAULT_PG_BIN): Promise<LocalPostgres> {
  const missing = localPostgresMissing(pgBin);
  if (missing !== undefined) throw new Error(missing);
  const asRoot = process.getuid?.() === 0;
  const wrap = (argv: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0]!, argv.slice(1)]);
  const dir = mkdtempSync(join(tmpdir(), 'flint-local-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const [initCmd, initArgs] = wrap([join(pgBin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${`${init.stdout}${init.stderr}`.trim().split('\n').slice(-3).join(' ')}`);
  }
  const port = await freePort();
  const args = [join(pgBin, 'postgres'), '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...settings.flatMap((s) => ['-c', s])];
  const [cmd, cmdArgs] = wrap(args);
  const child: ChildProcess = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => void (log += d.toString()));
  const stop = async (): Promise<void> => {
    // pg_ctl as the same user: a signal to runuser would not reach postgres.
    const [stopCmd, stopArgs] = wrap([join(pgBin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate', '-w']);
    spawnSync(stopCmd, stopArgs, { stdio: 'ignore' });
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; !/ready to accept connections/.test(log); i++) {
    if (child.exitCode !== null || i > 300) {
      await stop();
      throw new Error(`postgres did not start: ${log.trim().split('\n').slice(-3).join(' ')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', stop };
}
