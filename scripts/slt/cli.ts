// The sqllogictest command line, minus process concerns (main.ts owns those),
// so tests can drive it with their own engine and output.
//
//   npm run slt -- [--engine NAME] [--ratchet FILE] [--write-ratchet]
//                  [--verbose] [--fail-fast] [--details N] [--jobs N]
//                  [--no-index-scans] FILES_OR_DIRS…
//
// --no-index-scans runs every query with sequential scans (SET
// enable_indexscan = off): the index/ tests must pass the same either way.
//
// Directories are searched recursively for *.test files (sorted). Each file
// runs on a fresh engine. Output: one `path: N passed, N failed, N skipped`
// line per file (the first --details failures under it, or every failure as
// it happens with --verbose), and last `slt: N passed, N failed, N skipped`.
//
// Exit status: 2 for bad usage, an unreadable test file or an engine that
// cannot be created; with --ratchet, 1 if fewer records passed than the
// ratchet file's `passed`; without it, 1 if any record failed; else 0.
// --write-ratchet stores the new `passed` (creating the file if needed) but
// never lowers it: to lower a ratchet, edit the file by hand.

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SltEngine } from './engine.ts';
import { formatFailure, runFile, type FileResult, type RunOptions } from './runner.ts';

/** The engine implementation the CLI runs (see engines.ts). */
export const ENGINE_IMPLEMENTATION = 'flint';

/** What a worker needs to run files: plain data, sent to worker threads. */
export interface FileRunOptions {
  readonly engineName: string;
  /** The engine implementation (engines.ts); ENGINE_IMPLEMENTATION when absent. */
  readonly implementation?: string;
  readonly verbose: boolean;
  readonly stopOnFirstFailure: boolean;
  readonly maxFailureDetails: number;
}

export interface FileReport {
  readonly result: FileResult;
  /** Verbose output produced while the file ran, if it was buffered. */
  readonly log: readonly string[];
}

/** Runs files on `jobs` lanes in parallel; `run(file, lane)` is called one file at a time per lane. */
export interface ParallelRunner {
  run(file: string, lane: number): Promise<FileReport>;
  close(): Promise<void>;
}

export interface CliDeps {
  out(line: string): void;
  err(line: string): void;
  createEngine(implementation: string): Promise<SltEngine>;
  /** Needed only for --jobs > 1. */
  parallel?: (jobs: number, options: FileRunOptions) => ParallelRunner;
  /** Milliseconds, for the timing line. */
  now?: () => number;
}

const USAGE =
  'usage: npm run slt -- [--engine NAME] [--ratchet FILE] [--write-ratchet] [--verbose] [--fail-fast] [--details N] [--jobs N] [--no-index-scans] FILES_OR_DIRS…';

class UsageError extends Error {}

/** Runs one file in this thread on a fresh engine. */
export async function runOneFile(
  file: string,
  createEngine: (implementation: string) => Promise<SltEngine>,
  options: FileRunOptions,
  log: (line: string) => void,
): Promise<FileResult> {
  const engine = await createEngine(options.implementation ?? ENGINE_IMPLEMENTATION);
  try {
    const runOptions: RunOptions = { ...options, log };
    return await runFile(file, engine, runOptions);
  } finally {
    await engine.close?.();
  }
}

/** Expands directories recursively to their *.test files, sorted; files are kept as given. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.test')) out.push(path);
    }
  }
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsageError(`no such file or directory: ${path}`);
    if (info.isDirectory()) await walk(path);
    else out.push(path);
  }
  return out;
}

function nonNegativeInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function readRatchet(path: string, mayBeMissing: boolean): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (mayBeMissing && (error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ratchet ${path}: ${(error as Error).message}`);
  }
  const passed = (JSON.parse(text) as { passed?: unknown }).passed;
  if (typeof passed !== 'number' || !Number.isSafeInteger(passed) || passed < 0) {
    throw new UsageError(`ratchet ${path} must be JSON { "passed": N }`);
  }
  return passed;
}

function summary(prefix: string, r: { passed: number; failed: number; skipped: number }): string {
  return `${prefix}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
}

/** Runs the CLI; returns the exit status. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    return await runCliOrThrow(argv, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      deps.err(`slt: ${error.message}`);
      deps.err(USAGE);
      return 2;
    }
    throw error;
  }
}

async function runCliOrThrow(argv: readonly string[], deps: CliDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        engine: { type: 'string', default: 'postgresql' },
        ratchet: { type: 'string' },
        'write-ratchet': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'fail-fast': { type: 'boolean', default: false },
        details: { type: 'string' },
        jobs: { type: 'string' },
        'no-index-scans': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    deps.out(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no test files or directories given');
  if (values['write-ratchet'] && values.ratchet === undefined) throw new UsageError('--write-ratchet needs --ratchet FILE');
  const jobs = Math.max(1, nonNegativeInt(values.jobs, '--jobs', 1));
  const options: FileRunOptions = {
    engineName: values.engine,
    ...(values['no-index-scans'] ? { implementation: 'flint-noindex' } : {}),
    verbose: values.verbose,
    stopOnFirstFailure: values['fail-fast'],
    maxFailureDetails: nonNegativeInt(values.details, '--details', 3),
  };
  const ratchetPath = values.ratchet;
  const ratchet = ratchetPath === undefined ? undefined : await readRatchet(ratchetPath, values['write-ratchet']);
  const files = await expandPaths(positionals);
  if (files.length === 0) throw new UsageError(`no *.test files under ${positionals.join(', ')}`);
  if (jobs > 1 && deps.parallel === undefined) throw new UsageError('--jobs is not available here');

  const now = deps.now ?? (() => performance.now());
  const started = now();
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const runner: ParallelRunner =
    jobs > 1 && deps.parallel !== undefined
      ? deps.parallel(jobs, options)
      : {
          run: async (file) => ({ result: await runOneFile(file, deps.createEngine, options, deps.out), log: [] }),
          close: async () => {},
        };

  // Lanes take files in order; reports are printed in file order as they become ready.
  const reports: Promise<FileReport>[] = new Array(files.length);
  const settle: ((report: Promise<FileReport>) => void)[] = [];
  for (let i = 0; i < files.length; i++) {
    reports[i] = new Promise((resolve) => (settle[i] = resolve));
    reports[i]!.catch(() => {}); // handled below, in order; a file after a fatal one is never awaited
  }
  let next = 0;
  let abort = false;
  const lanes = Array.from({ length: Math.min(jobs, files.length) }, async (_, lane) => {
    while (!abort && next < files.length) {
      const i = next++;
      const report = runner.run(files[i]!, lane);
      settle[i]!(report);
      await report.catch(() => {});
    }
  });

  try {
    for (let i = 0; i < files.length; i++) {
      let report: FileReport;
      try {
        report = await reports[i]!;
      } catch (error) {
        abort = true;
        const code = (error as { code?: unknown }).code;
        deps.err(`slt: ${files[i]}: ${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message ?? String(error)}`);
        return 2;
      }
      for (const line of report.log) deps.out(line);
      const { result } = report;
      deps.out(summary(result.file, result));
      if (!options.verbose) for (const failure of result.failures) deps.out(indent(formatFailure(failure)));
      totals.passed += result.passed;
      totals.failed += result.failed;
      totals.skipped += result.skipped;
    }
    await Promise.all(lanes);
  } finally {
    await runner.close();
  }

  const seconds = (now() - started) / 1000;
  deps.out(`slt: ${files.length} files in ${seconds.toFixed(1)} s`);
  let status = totals.failed > 0 ? 1 : 0;
  if (ratchetPath !== undefined) {
    status = 0;
    if (ratchet !== undefined && totals.passed < ratchet) {
      deps.out(`slt: ratchet ${ratchetPath}: ${totals.passed} passed, below the ratchet's ${ratchet}`);
      status = 1;
    } else if (values['write-ratchet']) {
      await writeFile(ratchetPath, `${JSON.stringify({ passed: totals.passed })}\n`);
      deps.out(`slt: ratchet ${ratchetPath}: ${ratchet ?? 'none'} -> ${totals.passed} passed`);
    } else {
      deps.out(`slt: ratchet ${ratchetPath}: ${totals.passed} passed, ratchet ${ratchet}`);
    }
  }
  deps.out(summary('slt', totals));
  return status;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
