// Golden SQL scripts: the regression suite of Flint's SQL layer.
//
// Every .sql file under test/golden/ (subfolders included) is one test. A
// script is a list of cases separated by blank lines:
//
//   # A comment line (starts with #) between cases.
//   > SELECT id, name
//   >   FROM t ORDER BY id
//   ---
//    id | name
//   ----+------
//     1 | ada
//     2 | NULL
//   (2 rows)
//
//   [s2] > UPDATE t SET name = 'x' WHERE id = 1
//   ---
//   ERROR 40001: could not serialize access due to concurrent update
//
// - `> SQL` holds one statement; it may continue on further `> ` lines.
//   `[name] > SQL` runs it in the session called name (isolation scripts);
//   without a prefix it runs in the session "default". Sessions are opened
//   on first use and share one database per script.
// - `---` ends the statement; the expected output follows, up to the next
//   blank line: psql's aligned table for rows (NULL shown as `NULL`, values
//   in PostgreSQL's text output, numbers right-aligned, `(N rows)`), followed
//   by the command tag for INSERT/UPDATE/DELETE ... RETURNING; the command
//   tag (`INSERT 0 3`, `CREATE TABLE`) for other statements; or
//   `ERROR <SQLSTATE>: <message>` (plus ` at position N` for syntax errors)
//   and `DETAIL: <detail>` when the error has one.
// - `[restart]` on its own line closes every session and the database and
//   reopens it from the same storage (recovery from disk or memory vfs).
// - `# pg-check: off` / `# pg-check: on` mark cases whose output is Flint's
//   own (EXPLAIN plans): scripts/golden-postgres.ts, which runs the scripts
//   against a real PostgreSQL, skips them. `# KNOWN DIFFERENCE: ...` before
//   a case says its golden is Flint's output and how PostgreSQL's differs.
// - Lines are compared ignoring trailing whitespace.
// - An exception that is not a FlintError prints `!! CRASH ...` and always
//   fails the script.
// See README.md beside this file for the details.
//
// UPDATE_GOLDEN=1 rewrites each script's expected outputs with Flint's actual
// output (comments and layout are kept). New scripts are written that way and
// then reviewed against PostgreSQL; output that differs from PostgreSQL is a
// bug, never a golden.
//
// Each script runs against every configuration in the matrix below: the
// vfs (FLINT_TEST_VFS = memory | file, a database in a temporary directory
// through the node vfs) and the kernels (FLINT_TEST_KERNELS = wasm | ts);
// both accept a comma-separated list. Unset, the run covers memory+wasm and
// file+ts, so both paths are always exercised. GOLDEN_DIR=path runs the
// scripts of another folder (test/golden-known-differences).
//
// Runs under vitest on Node and Deno and under `bun test`; files are read
// with node:fs, which all three provide.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../src/db/database.ts';
import type { Session } from '../../src/db/session.ts';
import { FlintError } from '../../src/errors.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import type { StatementResult } from '../../src/sql/exec/statements.ts';
import type { EvalContext } from '../../src/sql/types/eval-context.ts';
import { formatText } from '../../src/sql/types/text-io.ts';
import { UTC, type TimeZone } from '../../src/sql/types/timezone.ts';
import { createMemoryVfs, type Vfs } from '../../src/storage/vfs/index.ts';
import {
  DEFAULT_SESSION, parseGolden, renderError, renderResult, rewriteGolden, sameOutput,
  type GoldenCase, type StatementOutput,
} from './golden-format.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** Per script; bun's default is 5 s, and the file vfs syncs every commit. */
const SCRIPT_TIMEOUT_MS = 120_000;

type VfsKind = 'memory' | 'file';
interface Config {
  readonly vfs: VfsKind;
  readonly kernels: KernelKind;
}

function listEnv<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const items = value.split(',').map((s) => s.trim());
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new Error(`${name}=${value}: expected ${allowed.join(' | ')}`);
  }
  return items as T[];
}

function configs(): Config[] {
  const vfs = listEnv<VfsKind>('FLINT_TEST_VFS', ['memory', 'file']);
  const kernels = listEnv<KernelKind>('FLINT_TEST_KERNELS', ['wasm', 'ts']);
  if (vfs === undefined && kernels === undefined) return [{ vfs: 'memory', kernels: 'wasm' }, { vfs: 'file', kernels: 'ts' }];
  const out: Config[] = [];
  for (const v of vfs ?? ['memory']) for (const k of kernels ?? ['wasm']) out.push({ vfs: v, kernels: k });
  return out;
}

function scripts(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...scripts(path));
    else if (name.endsWith('.sql')) out.push(path);
  }
  return out;
}

/** A database for one script, reopenable from the same storage for `[restart]`. */
class ScriptDatabase {
  readonly #config: Config;
  readonly #dir: string | undefined;
  readonly #memory: Vfs | undefined;
  #db: Database;
  #sessions = new Map<string, Session>();

  constructor(config: Config) {
    this.#config = config;
    if (config.vfs === 'file') this.#dir = mkdtempSync(join(tmpdir(), 'flint-golden-'));
    else this.#memory = createMemoryVfs();
    this.#db = this.#open();
  }

  #open(): Database {
    // A small memtable makes even short scripts flush rows into heap blocks.
    const options = { kernels: this.#config.kernels, poolBytes: 8 << 20, memtableBytes: 64 << 10 };
    if (this.#dir !== undefined) return Database.open(this.#dir, { ...options, synchronous: 'normal' });
    return Database.open(':memory:', { ...options, vfs: this.#memory! });
  }

  session(name: string): Session {
    let session = this.#sessions.get(name);
    if (session === undefined) {
      session = this.#db.session();
      this.#sessions.set(name, session);
    }
    return session;
  }

  restart(): void {
    this.#closeAll();
    this.#db = this.#open();
  }

  close(): void {
    this.#closeAll();
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }

  #closeAll(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
    this.#db.close();
  }
}

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);

/** A result as text, in the session's time zone (PostgreSQL's output functions use it). */
function toOutput(result: StatementResult, zone: TimeZone = UTC): StatementOutput {
  const context = { timeZone: zone } as EvalContext;
  return {
    command: result.command,
    columns: result.columns.map((c) => ({ name: c.name, numeric: NUMERIC_TYPES.has(c.type.id) })),
    rows: result.rows.map((row) =>
      result.columns.map((c, i) => {
        const value = row[i];
        return value === null || value === undefined ? null : formatText(value as never, c.type, context);
      }),
    ),
  };
}

/** Marks output that no golden may hold: an exception that is not a FlintError. */
const CRASH = '!! CRASH';

/** Run one case; every statement's output in order, stopping at the first error. */
function runCase(db: ScriptDatabase, c: GoldenCase): string[] {
  const session = db.session(c.session);
  const out: string[] = [];
  try {
    for (const parsed of session.parse(c.sql)) out.push(...renderResult(toOutput(session.run(parsed.statement), session.timeZone)));
  } catch (error) {
    if (error instanceof FlintError) out.push(...renderError(error));
    else out.push(`${CRASH} ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  return out;
}

function runScript(path: string, config: Config): void {
  const name = relative(ROOT, path);
  const script = parseGolden(readFileSync(path, 'utf8'), name);
  const db = new ScriptDatabase(config);
  const actual: string[][] = [];
  const failures: string[] = [];
  try {
    for (const step of script.steps) {
      if (step.kind === 'restart') {
        db.restart();
        continue;
      }
      const output = runCase(db, step);
      actual.push(output);
      const crashed = output.some((line) => line.startsWith(CRASH));
      if (crashed || (!UPDATE && !sameOutput(output, step.expected))) {
        const prefix = step.session === DEFAULT_SESSION ? '' : `[${step.session}] `;
        failures.push(
          `${name}:${step.line}\n` +
            step.sql.split('\n').map((l) => `${prefix}> ${l}`).join('\n') +
            `\n--- expected\n${step.expected.join('\n')}\n--- actual\n${output.join('\n')}`,
        );
      }
    }
  } finally {
    db.close();
  }
  // A crash is never a golden: a script in which one happened is not rewritten.
  if (UPDATE && !actual.some((output) => output.some((line) => line.startsWith(CRASH)))) {
    const text = rewriteGolden(script, actual);
    if (text !== script.lines.join('\n') + '\n') writeFileSync(path, text);
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} case(s) differ in ${name} [${config.vfs}/${config.kernels}]\n\n${failures.join('\n\n')}`);
  }
}

/** GOLDEN_DIR runs the scripts of another folder (e.g. test/golden-known-differences) instead. */
const ROOT = process.env.GOLDEN_DIR === undefined || process.env.GOLDEN_DIR === '' ? HERE : resolve(process.env.GOLDEN_DIR);
const FILES = scripts(ROOT);

for (const config of configs()) {
  describe(`golden [vfs ${config.vfs}, kernels ${config.kernels}]`, () => {
    it('finds the scripts', () => {
      expect(FILES.length).toBeGreaterThan(0);
    });
    for (const path of FILES) {
      it(relative(ROOT, path), () => runScript(path, config), SCRIPT_TIMEOUT_MS);
    }
  });
}
