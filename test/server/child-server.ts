// `flint serve` as a child process, for tests that drive the real server
// the way users run it (dist/cli.js, built by `npm ci`).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'cli.js');

/**
 * Start `flint serve` on a data directory and wait for its URL line (and,
 * with `until`, for a line that says it is ready for more: the metrics URL).
 * `lines` keeps everything it printed, stderr lines marked.
 */
export async function serve(dir: string, extra: string[] = [], until: (line: string) => boolean = (line) => line.startsWith('postgres://')): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dir, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let url = '';
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('postgres://') && url === '') url = line;
        if (url !== '' && until(line)) resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    child.on('exit', (code) => reject(new Error(`flint serve exited with ${code}: ${lines.join('\n')}`)));
  });
  return { child, url, lines };
}

/** The child's exit code, once it exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}
