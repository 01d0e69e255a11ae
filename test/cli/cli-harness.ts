// Runs the `flint` command line as users do: a child process of the CLI
// bundled from src/cli/main.ts (as dist/cli.js is, by the same esbuild
// settings), built once per test file into a private directory so that
// tests never race a concurrent `npm run build` over dist/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname ?? '.', '..', '..');

export interface Cli {
  readonly path: string;
  run(args: string[], input?: string, env?: Record<string, string>): { stdout: string; stderr: string; status: number | null };
  remove(): void;
}

export async function buildCli(): Promise<Cli> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'flint-cli-test-'));
  const path = join(dir, 'cli.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: path,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'node',
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    path,
    run(args, input, env) {
      const r = spawnSync(process.execPath, [path, ...args], { input: input ?? '', encoding: 'utf8', env: { ...process.env, FLINT_HISTORY: join(dir, 'history'), ...env }, timeout: 60_000 });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `flint serve --port 0` on `dir`: resolves with the URL it prints. */
export async function serve(cli: Cli, dir: string, password: string): Promise<{ child: ChildProcess; url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [cli.path, 'serve', '--data', dir, '--port', '0', '--password', password], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((done, fail) => {
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => l.startsWith('postgres://'));
      if (line !== undefined) done(line);
    });
    child.stderr!.on('data', (d: Buffer) => (seen += d.toString()));
    child.on('exit', (code) => fail(new Error(`flint serve exited with ${code}: ${seen}`)));
  });
  return {
    child,
    url,
    stop: () => new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}
