// Runs one sqllogictest file against an SltEngine.
//
// What counts: every `statement` and `query` record the runner reaches is
// counted exactly once, as
//   - skipped: its skipif/onlyif conditions exclude the engine (and, for a
//     labelled query, its expected values agree with the label);
//   - passed:  it ran and did what the file expects;
//   - failed:  anything else, including a skipped query whose expected
//     values disagree with an earlier query of the same label.
// `hash-threshold` and `halt` are control records and are not counted.
// Records after an applicable `halt` (or after the first failure with
// stopOnFirstFailure) are not reached and not counted.
//
// Labels: queries sharing a label must have the same result hash (count and
// MD5 of all values, whatever the hash threshold). A query that runs
// contributes the hash of its actual result; a skipped one the hash of the
// expected values written in the file. The first record that is skipped or
// passes binds the label; a query whose result is already wrong does not
// bind it, so that one engine bug is not counted twice.

import { readFile } from 'node:fs/promises';
import type { SltEngine, SltResult } from './engine.ts';
import { hashLine, hashValues, parseHashLine, renderValue, sortValues } from './format.ts';
import { parseSlt, recordApplies, type QueryRecord, type StatementRecord } from './parser.ts';

/** The reference harness's default; almost every file sets it to 8 anyway. */
export const DEFAULT_HASH_THRESHOLD = 8;

export interface RunOptions {
  /** The name skipif/onlyif conditions are matched against. Default 'postgresql'. */
  engineName?: string;
  /** Log every failure as it happens (not only the first few kept in the result). */
  verbose?: boolean;
  /** Stop the file at its first failed record. */
  stopOnFirstFailure?: boolean;
  /** How many failures a FileResult keeps in detail. Default 5. */
  maxFailureDetails?: number;
  /** Where verbose output goes. Default console.log. */
  log?: (line: string) => void;
}

export interface Failure {
  readonly file: string;
  /** Line of the record's command. */
  readonly line: number;
  readonly sql: string;
  /** What went wrong, in one line. */
  readonly reason: string;
  /** Expected rendered values (or the hash line), when the record has them. */
  readonly expected?: readonly string[];
  /** What the engine gave, rendered the same way. */
  readonly got?: readonly string[];
}

export interface FileResult {
  readonly file: string;
  passed: number;
  failed: number;
  skipped: number;
  /** An applicable `halt` ended the file. */
  halted: boolean;
  /** stopOnFirstFailure ended the file. */
  stopped: boolean;
  /** The first `maxFailureDetails` failures. */
  readonly failures: Failure[];
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly failure: Omit<Failure, 'file'> };

const PASS: Outcome = { ok: true };

interface LabelHash {
  readonly count: number;
  readonly md5: string;
  readonly line: number;
}

type Executed = SltResult | { readonly kind: 'crash'; readonly message: string };

async function execute(engine: SltEngine, sql: string): Promise<Executed> {
  try {
    return await engine.execute(sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return { kind: 'error', message: `${code}: ${message}` };
    return { kind: 'crash', message };
  }
}

function fail(record: StatementRecord | QueryRecord, reason: string, expected?: readonly string[], got?: readonly string[]): Outcome {
  const failure: Omit<Failure, 'file'> = { line: record.line, sql: record.sql, reason };
  return { ok: false, failure: { ...failure, ...(expected && { expected }), ...(got && { got }) } };
}

async function runStatement(engine: SltEngine, record: StatementRecord): Promise<Outcome> {
  const result = await execute(engine, record.sql);
  if (result.kind === 'crash') return fail(record, `engine crashed: ${result.message}`);
  if (record.expectError) return result.kind === 'error' ? PASS : fail(record, 'statement succeeded, expected an error');
  return result.kind === 'error' ? fail(record, `statement failed: ${result.message}`) : PASS;
}

/** Count and MD5 of a query's expected block, for skipped labelled queries. */
function expectedHash(record: QueryRecord): { count: number; md5: string } {
  const only = record.expected.length === 1 ? parseHashLine(record.expected[0]!) : undefined;
  return only ?? { count: record.expected.length, md5: hashValues(record.expected) };
}

function sameValues(expected: readonly string[], got: readonly string[]): boolean {
  if (expected.length !== got.length) return false;
  for (let i = 0; i < got.length; i++) if (expected[i] !== got[i]) return false;
  return true;
}

class FileRun {
  threshold = DEFAULT_HASH_THRESHOLD;
  readonly #labels = new Map<string, LabelHash>();

  constructor(readonly engine: SltEngine) {}

  /** Checks a label against the hash it is bound to, binding it if `bind`. */
  checkLabel(record: QueryRecord, count: number, md5: string, bind: boolean): Outcome {
    const label = record.label;
    if (label === undefined) return PASS;
    const prior = this.#labels.get(label);
    if (prior === undefined) {
      if (bind) this.#labels.set(label, { count, md5, line: record.line });
      return PASS;
    }
    if (prior.count === count && prior.md5 === md5) return PASS;
    return fail(
      record,
      `label ${label} mismatch with line ${prior.line}`,
      [hashLine(prior.count, prior.md5)],
      [hashLine(count, md5)],
    );
  }

  async runQuery(record: QueryRecord): Promise<Outcome> {
    const result = await execute(this.engine, record.sql);
    if (result.kind === 'crash') return fail(record, `engine crashed: ${result.message}`);
    if (result.kind === 'error') return fail(record, `query failed: ${result.message}`);
    if (result.kind === 'ok') return fail(record, 'query returned no result set');
    const { types } = record;
    const columns = types.length;
    if (result.columns !== columns) return fail(record, `expected ${columns} columns, got ${result.columns}`);

    let values: string[] = new Array<string>(result.rows.length * columns);
    let k = 0;
    for (let r = 0; r < result.rows.length; r++) {
      const row = result.rows[r]!;
      if (row.length !== columns) return fail(record, `row ${r + 1} has ${row.length} values, expected ${columns}`);
      for (let c = 0; c < columns; c++) values[k++] = renderValue(row[c]!, types[c]!);
    }
    values = sortValues(values, columns, record.sortMode);

    const count = values.length;
    let md5: string | undefined;
    let ok: boolean;
    let got: readonly string[] = values;
    if (this.threshold > 0 && count > this.threshold) {
      md5 = hashValues(values);
      got = [hashLine(count, md5)];
      ok = record.expected.length === 1 && record.expected[0] === got[0];
    } else {
      ok = sameValues(record.expected, values);
    }
    if (record.label !== undefined) {
      md5 ??= hashValues(values);
      const label = this.checkLabel(record, count, md5, ok);
      if (ok) return label;
    }
    return ok ? PASS : fail(record, 'wrong result', record.expected, got);
  }

  skippedQuery(record: QueryRecord): Outcome {
    if (record.label === undefined) return PASS;
    const { count, md5 } = expectedHash(record);
    return this.checkLabel(record, count, md5, true);
  }
}

/** Renders a failure for humans: location, reason, SQL, expected and got (trimmed). */
export function formatFailure(failure: Failure, maxValues = 16): string {
  const lines = [`${failure.file}:${failure.line}: ${failure.reason}`];
  for (const sqlLine of failure.sql.split('\n')) lines.push(`    ${sqlLine}`);
  const show = (name: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    const shown = values.slice(0, maxValues).join(' | ');
    const more = values.length > maxValues ? ` … (${values.length} values)` : '';
    lines.push(`  ${name} ${values.length === 0 ? '(no rows)' : shown + more}`);
  };
  show('expected:', failure.expected);
  show('got:     ', failure.got);
  return lines.join('\n');
}

/** Runs sqllogictest text. `file` names it in failures. */
export async function runText(text: string, file: string, engine: SltEngine, options: RunOptions = {}): Promise<FileResult> {
  const engineName = options.engineName ?? 'postgresql';
  const maxDetails = options.maxFailureDetails ?? 5;
  const log = options.log ?? ((line: string) => console.log(line));
  const result: FileResult = { file, passed: 0, failed: 0, skipped: 0, halted: false, stopped: false, failures: [] };
  const run = new FileRun(engine);
  await engine.reset();

  for (const record of parseSlt(text, file)) {
    const applies = recordApplies(record, engineName);
    let outcome: Outcome;
    switch (record.kind) {
      case 'hash-threshold':
        if (applies) run.threshold = record.threshold;
        continue;
      case 'halt':
        if (!applies) continue;
        result.halted = true;
        if (options.verbose) log(`${file}:${record.line}: halt`);
        return result;
      case 'statement':
        if (!applies) {
          result.skipped++;
          continue;
        }
        outcome = await runStatement(engine, record);
        break;
      case 'query':
        if (!applies) {
          outcome = run.skippedQuery(record);
          if (outcome.ok) {
            result.skipped++;
            continue;
          }
        } else {
          outcome = await run.runQuery(record);
        }
        break;
    }
    if (outcome.ok) {
      result.passed++;
      continue;
    }
    result.failed++;
    const failure: Failure = { file, ...outcome.failure };
    if (result.failures.length < maxDetails) result.failures.push(failure);
    if (options.verbose) log(formatFailure(failure));
    if (options.stopOnFirstFailure) {
      result.stopped = true;
      return result;
    }
  }
  return result;
}

/** Reads and runs one .test file. */
export async function runFile(path: string, engine: SltEngine, options: RunOptions = {}): Promise<FileResult> {
  return runText(await readFile(path, 'utf8'), path, engine, options);
}
