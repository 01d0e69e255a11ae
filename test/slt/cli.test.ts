// The `npm run slt` command line, driven in-process with a stub engine.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '../../scripts/slt/cli.ts';
import { createEngine } from '../../scripts/slt/engines.ts';
import { FlintError } from '../../src/errors.ts';
import { OK, rows, StubEngine } from './stub-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'flint-slt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'suite', 'sub'), { recursive: true });
writeFileSync(join(dir, 'suite', 'a.test'), 'statement ok\nCREATE\n\nquery I nosort\nSELECT 1\n----\n1\n\nskipif postgresql\nstatement ok\nMYSQL ONLY\n');
writeFileSync(join(dir, 'suite', 'sub', 'b.test'), 'query I nosort\nSELECT 2\n----\n3\n');
writeFileSync(join(dir, 'suite', 'notes.txt'), 'not a test file');
const A = join(dir, 'suite', 'a.test');
const B = join(dir, 'suite', 'sub', 'b.test');

interface Run {
  status: number;
  out: string[];
  err: string[];
  engines: StubEngine[];
}

async function cli(args: string[], createEngineOverride?: CliDeps['createEngine']): Promise<Run> {
  const run: Run = { status: -1, out: [], err: [], engines: [] };
  run.status = await runCli(args, {
    out: (line) => run.out.push(line),
    err: (line) => run.err.push(line),
    createEngine:
      createEngineOverride ??
      (async () => {
        const engine = new StubEngine({ CREATE: OK, 'SELECT 1': rows([[1]]), 'SELECT 2': rows([[2]]), 'MYSQL ONLY': OK });
        run.engines.push(engine);
        return engine;
      }),
    now: () => 0,
  });
  return run;
}

describe('slt cli', () => {
  it('expands directories to *.test files, prints a line per file and the summary last', async () => {
    const run = await cli([join(dir, 'suite')]);
    expect(run.out[0]).toBe(`${A}: 2 passed, 0 failed, 1 skipped`);
    expect(run.out[1]).toBe(`${B}: 0 passed, 1 failed, 0 skipped`);
    expect(run.out[2]).toContain(`${B}:1: wrong result`);
    expect(run.out.at(-2)).toBe('slt: 2 files in 0.0 s');
    expect(run.out.at(-1)).toBe('slt: 2 passed, 1 failed, 1 skipped');
    expect(run.status).toBe(1);
    // A fresh engine per file, reset once and closed after.
    expect(run.engines.map((e) => [e.resets, e.closed])).toEqual([
      [1, true],
      [1, true],
    ]);
  });

  it('exits 0 when nothing fails, and passes --engine to skipif/onlyif', async () => {
    const run = await cli(['--engine', 'mysql', A]);
    expect(run.out.at(-1)).toBe('slt: 3 passed, 0 failed, 0 skipped');
    expect(run.status).toBe(0);
  });

  it('prints every failure as it happens with --verbose, and --details N otherwise', async () => {
    const verbose = await cli(['--verbose', B]);
    expect(verbose.out[0]).toContain(`${B}:1: wrong result`);
    expect(verbose.out[1]).toBe(`${B}: 0 passed, 1 failed, 0 skipped`);
    const quiet = await cli(['--details', '0', B]);
    expect(quiet.out).toEqual([`${B}: 0 passed, 1 failed, 0 skipped`, 'slt: 1 files in 0.0 s', 'slt: 0 passed, 1 failed, 0 skipped']);
  });

  it('checks a ratchet: fewer passes than the ratchet fail, failures alone do not', async () => {
    const ratchet = join(dir, 'ratchet.json');
    writeFileSync(ratchet, '{ "passed": 2 }\n');
    const same = await cli(['--ratchet', ratchet, join(dir, 'suite')]);
    expect(same.status).toBe(0);
    writeFileSync(ratchet, '{ "passed": 3 }\n');
    const below = await cli(['--ratchet', ratchet, join(dir, 'suite')]);
    expect(below.status).toBe(1);
    expect(below.out.at(-2)).toBe(`slt: ratchet ${ratchet}: 2 passed, below the ratchet's 3`);
    expect(below.out.at(-1)).toBe('slt: 2 passed, 1 failed, 1 skipped');
  });

  it('writes a ratchet upward (creating it) and never lowers it', async () => {
    const ratchet = join(dir, 'new-ratchet.json');
    const created = await cli(['--ratchet', ratchet, '--write-ratchet', B]);
    expect(created.status).toBe(0);
    expect(JSON.parse(readFileSync(ratchet, 'utf8'))).toEqual({ passed: 0 });
    const raised = await cli(['--ratchet', ratchet, '--write-ratchet', A]);
    expect(raised.status).toBe(0);
    expect(JSON.parse(readFileSync(ratchet, 'utf8'))).toEqual({ passed: 2 });
    const lowered = await cli(['--ratchet', ratchet, '--write-ratchet', B]);
    expect(lowered.status).toBe(1);
    expect(JSON.parse(readFileSync(ratchet, 'utf8'))).toEqual({ passed: 2 });
  });

  it.each([
    [[], 'no test files or directories given'],
    [['--bogus', A], "Unknown option '--bogus'"],
    [['--jobs', 'two', A], '--jobs must be a non-negative integer'],
    [['--jobs', '2', A], '--jobs is not available here'],
    [['--write-ratchet', A], '--write-ratchet needs --ratchet FILE'],
    [['--ratchet', join(dir, 'missing.json'), A], 'cannot read ratchet'],
    [[join(dir, 'nope')], 'no such file or directory'],
    [['--details', 'x', A], '--details must be a non-negative integer'],
  ])('rejects bad usage %j with status 2', async (args, message) => {
    const run = await cli(args);
    expect(run.status).toBe(2);
    expect(run.err[0]).toContain(message);
  });

  it('stops with status 2 when the engine cannot be created', async () => {
    await expect(createEngine('other')).rejects.toMatchObject({ code: '22023' });
    const failing = async () => {
      throw new FlintError('0A000', 'no engine here');
    };
    const run = await cli([A], failing as never);
    expect(run.status).toBe(2);
    expect(run.err).toEqual([`slt: ${A}: 0A000 no engine here`]);
  });

  it('runs the Flint engine on a real file', async () => {
    const engine = await createEngine('flint');
    await engine.reset();
    expect(await engine.execute('SELECT 1 + 1')).toEqual({ kind: 'rows', columns: 1, rows: [[2]] });
    expect((await engine.execute('SELECT 1/0')).kind).toBe('error');
    await engine.close?.();
  });

  it('stops with status 2 on a malformed test file', async () => {
    const bad = join(dir, 'bad.test');
    writeFileSync(bad, 'statement ok\nSELECT 1\n\nfrobnicate\n');
    const run = await cli([bad]);
    expect(run.status).toBe(2);
    expect(run.err[0]).toBe(`slt: ${bad}: 42601 ${bad}:4: unknown record type "frobnicate"`);
  });
});
