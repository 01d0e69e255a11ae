// psql as a child process, asynchronously: the server under test runs in the
// test's own process, so a spawnSync would block it and never return.
import { spawn } from 'node:child_process';

export interface PsqlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `command args`, feed it `input`, collect its output. `detached` runs it without a controlling terminal (setsid). */
export function runChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; detached?: boolean } = {}): Promise<PsqlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, detached: options.detached === true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += String(b); });
    child.stderr.on('data', (b: Buffer) => { stderr += String(b); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function psql(conninfo: string, args: string[], options: { password?: string; input?: string; detached?: boolean } = {}): Promise<PsqlResult> {
  const env = { ...process.env, ...(options.password === undefined ? {} : { PGPASSWORD: options.password }) };
  return runChild('psql', [conninfo, '-X', ...args], { env, ...(options.input === undefined ? {} : { input: options.input }), ...(options.detached === undefined ? {} : { detached: options.detached }) });
}
