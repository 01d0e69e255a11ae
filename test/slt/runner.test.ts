// The runner end to end on hand-written files and a stub engine with canned answers.
import { describe, expect, it } from 'vitest';
import { FlintError, SqlState } from '../../src/errors.ts';
import { formatFailure, runText, type FileResult, type RunOptions } from '../../scripts/slt/runner.ts';
import { hashValues } from '../../scripts/slt/format.ts';
import { ERROR, OK, rows, StubEngine, type Canned } from './stub-engine.ts';

const lines = (...l: string[]): string => l.join('\n');

async function run(text: string, answers: Record<string, Canned>, options: RunOptions = {}): Promise<FileResult & { engine: StubEngine }> {
  const engine = new StubEngine(answers);
  const result = await runText(text, 'f.test', engine, options);
  return { ...result, engine };
}

const counts = (r: FileResult): [number, number, number] => [r.passed, r.failed, r.skipped];

describe('slt runner: statements', () => {
  it('passes statement ok on success and statement error on error', async () => {
    const text = lines('statement ok', 'CREATE TABLE t(a INT)', '', 'statement error', 'CREATE TABLE t(a INT);', '', 'statement ok', 'SELECT 1');
    let calls = 0;
    const r = await run(text, { 'CREATE TABLE t(a INT)': () => (calls++ === 0 ? OK : ERROR), 'SELECT 1': rows([[1]]) });
    expect(counts(r)).toEqual([3, 0, 0]);
    expect(r.engine.resets).toBe(1);
    expect(r.engine.executed).toEqual(['CREATE TABLE t(a INT)', 'CREATE TABLE t(a INT)', 'SELECT 1']);
  });

  it('fails statement ok on error and statement error on success, with file:line', async () => {
    const text = lines('statement ok', 'BAD', '', 'statement error', 'GOOD');
    const r = await run(text, { GOOD: OK });
    expect(counts(r)).toEqual([0, 2, 0]);
    expect(r.failures.map((f) => [f.file, f.line, f.sql, f.reason])).toEqual([
      ['f.test', 1, 'BAD', 'statement failed: no canned answer for: BAD'],
      ['f.test', 4, 'GOOD', 'statement succeeded, expected an error'],
    ]);
  });

  it('treats a thrown error with a SQLSTATE code as an SQL error, anything else as a crash', async () => {
    const flint = (): never => {
      throw new FlintError(SqlState.divisionByZero, 'division by zero');
    };
    const bug = (): never => {
      throw new TypeError('x is undefined');
    };
    const text = lines('statement error', 'A', '', 'statement error', 'B', '', 'statement ok', 'A');
    const r = await run(text, { A: flint, B: bug });
    expect(counts(r)).toEqual([1, 2, 0]);
    expect(r.failures.map((f) => f.reason)).toEqual(['engine crashed: x is undefined', 'statement failed: 22012: division by zero']);
  });
});

describe('slt runner: queries', () => {
  it('renders by column type and compares value by value', async () => {
    const text = lines('query ITR nosort', 'Q', '----', '2', '(empty)', '-0.000', 'NULL', 'x@', '1.500');
    const r = await run(text, { Q: rows([[2.7, '', -0], [null, 'x\n', 1.5]]) });
    expect(counts(r)).toEqual([1, 0, 0]);
  });

  it('sorts with rowsort and valuesort before comparing', async () => {
    const text = lines('query IT rowsort', 'R', '----', '1', 'b', '10', 'a', '9', 'a', '', 'query I valuesort', 'V', '----', '1', '10', '2', '3');
    const r = await run(text, { R: rows([[9, 'a'], [1, 'b'], [10, 'a']]), V: rows([[3, 1], [10, 2]], 2) });
    // V has 2 columns but the record says 1: a wrong column count fails.
    expect(counts(r)).toEqual([1, 1, 0]);
    expect(r.failures[0]!.reason).toBe('expected 1 columns, got 2');
  });

  it('fails wrong values, errors, missing result sets and ragged rows', async () => {
    const text = lines(
      'query I nosort', 'WRONG', '----', '1', '',
      'query I nosort', 'ERR', '----', '1', '',
      'query I nosort', 'NORESULT', '', // no ---- : zero rows expected
      'query II nosort', 'RAGGED', '----', '1', '2',
    );
    const r = await run(text, { WRONG: rows([[2]]), NORESULT: OK, RAGGED: rows([[1, 2], [3]], 2) });
    expect(counts(r)).toEqual([0, 4, 0]);
    expect(r.failures.map((f) => f.reason)).toEqual([
      'wrong result',
      'query failed: no canned answer for: ERR',
      'query returned no result set',
      'row 2 has 1 values, expected 2',
    ]);
    expect(r.failures[0]).toMatchObject({ expected: ['1'], got: ['2'] });
  });

  it('expects zero rows when ---- is missing', async () => {
    const text = lines('query I nosort', 'EMPTY', '', 'query I nosort', 'ONE');
    const r = await run(text, { EMPTY: rows([], 1), ONE: rows([[1]]) });
    expect(counts(r)).toEqual([1, 1, 0]);
  });
});

describe('slt runner: hashing', () => {
  const nine = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  const nineHash = hashValues(['1', '2', '3', '4', '5', '6', '7', '8', '9']);

  it('compares a hash line above the threshold (default 8)', async () => {
    const text = lines('query III rowsort', 'Q', '----', `9 values hashing to ${nineHash}`);
    expect(counts(await run(text, { Q: rows([...nine].reverse()) }))).toEqual([1, 0, 0]);
    const wrong = await run(text, { Q: rows([[1, 2, 3], [4, 5, 6], [7, 8, 0]]) });
    expect(counts(wrong)).toEqual([0, 1, 0]);
    expect(wrong.failures[0]!.got![0]).toMatch(/^9 values hashing to [0-9a-f]{32}$/);
  });

  it('lists values at or below the threshold, and for every count with hash-threshold 0', async () => {
    const listed = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const text = lines('hash-threshold 9', '', 'query III nosort', 'Q', '----', ...listed, '', 'hash-threshold 0', '', 'query III nosort', 'Q', '----', ...listed);
    expect(counts(await run(text, { Q: rows(nine) }))).toEqual([2, 0, 0]);
  });

  it('uses a lower hash-threshold N', async () => {
    const text = lines('hash-threshold 2', '', 'query II nosort', 'Q', '----', `4 values hashing to ${hashValues(['1', '2', '3', '4'])}`);
    expect(counts(await run(text, { Q: rows([[1, 2], [3, 4]]) }))).toEqual([1, 0, 0]);
  });
});

describe('slt runner: skipif, onlyif and halt', () => {
  const text = lines(
    'skipif postgresql # no',
    'statement ok',
    'A',
    '',
    'onlyif mysql',
    'query I nosort',
    'B',
    '',
    'onlyif postgresql',
    'statement ok',
    'C',
    '',
    'onlyif mssql',
    'halt',
    '',
    'statement ok',
    'D',
    '',
    'skipif sqlite',
    'halt',
    '',
    'statement ok',
    'E',
  );
  const answers = { A: OK, B: rows([], 1), C: OK, D: OK, E: OK };

  it("skips by the engine name (default 'postgresql') and stops at an applicable halt", async () => {
    const r = await run(text, answers);
    expect(counts(r)).toEqual([2, 0, 2]);
    expect(r.engine.executed).toEqual(['C', 'D']);
    expect(r.halted).toBe(true);
  });

  it('uses the given engine name', async () => {
    const mysql = await run(text, answers, { engineName: 'mysql' });
    expect(mysql.engine.executed).toEqual(['A', 'B', 'D']);
    expect(counts(mysql)).toEqual([3, 0, 1]);
    const sqlite = await run(text, answers, { engineName: 'sqlite' });
    expect(sqlite.engine.executed).toEqual(['A', 'D', 'E']);
    expect(sqlite.halted).toBe(false);
  });
});

describe('slt runner: labels', () => {
  const twins = (mysqlExpected: string, standardExpected: string): string =>
    lines(
      'onlyif mysql',
      'query I rowsort label-1',
      'SELECT 20 DIV 97',
      '----',
      mysqlExpected,
      '',
      'skipif mysql',
      'query I rowsort label-1',
      'SELECT 20 / 97',
      '----',
      standardExpected,
    );

  it('passes when a run query matches its skipped twin', async () => {
    const r = await run(twins('0', '0'), { 'SELECT 20 / 97': rows([[0]]) });
    expect(counts(r)).toEqual([1, 0, 1]);
  });

  it("fails a run query whose hash differs from the skipped twin's expected values", async () => {
    // The file is inconsistent: the twin says 1, the query's own block says 0 and the engine gives 0.
    const r = await run(twins('1', '0'), { 'SELECT 20 / 97': rows([[0]]) });
    expect(counts(r)).toEqual([0, 1, 1]);
    expect(r.failures[0]).toMatchObject({
      line: 8,
      reason: 'label label-1 mismatch with line 2',
      expected: [`1 values hashing to ${hashValues(['1'])}`],
      got: [`1 values hashing to ${hashValues(['0'])}`],
    });
  });

  it('checks a skipped query against the label bound by a run query, hashed or listed', async () => {
    const hashed = `9 values hashing to ${hashValues(['1', '2', '3', '4', '5', '6', '7', '8', '9'])}`;
    const text = lines(
      'query I valuesort label-9',
      'SELECT n',
      '----',
      hashed,
      '',
      'onlyif mysql',
      'query I valuesort label-9',
      'SELECT n FROM mysql',
      '----',
      hashed,
      '',
      'onlyif mysql',
      'query I valuesort label-9',
      'SELECT n FROM mysql2',
      '----',
      '1',
    );
    const r = await run(text, { 'SELECT n': rows([[9], [8], [7], [6], [5], [4], [3], [2], [1]]) });
    // The third record is skipped but disagrees with the label: it counts as failed.
    expect(counts(r)).toEqual([1, 1, 1]);
    expect(r.failures[0]).toMatchObject({ line: 13, reason: 'label label-9 mismatch with line 1' });
  });

  it('does not let a wrong result bind a label, so one bug fails one record', async () => {
    const text = lines(
      'query I nosort label-2',
      'SELECT 1',
      '----',
      '1',
      '',
      'skipif postgresql',
      'query I nosort label-2',
      'SELECT 1 x',
      '----',
      '1',
    );
    const r = await run(text, { 'SELECT 1': rows([[2]]) });
    expect(counts(r)).toEqual([0, 1, 1]);
    expect(r.failures[0]!.reason).toBe('wrong result');
  });

  it('compares labels of run queries with their actual results', async () => {
    const text = lines('query I nosort label-3', 'A', '----', '1', '', 'query I nosort label-3', 'B', '----', '2');
    const r = await run(text, { A: rows([[1]]), B: rows([[2]]) });
    expect(counts(r)).toEqual([1, 1, 0]);
    expect(r.failures[0]!.reason).toBe('label label-3 mismatch with line 1');
  });
});

describe('slt runner: options and reporting', () => {
  const text = lines('statement ok', 'BAD1', '', 'statement ok', 'BAD2', '', 'statement ok', 'BAD3', '', 'statement ok', 'GOOD');

  it('keeps the first maxFailureDetails failures and counts all', async () => {
    const r = await run(text, { GOOD: OK }, { maxFailureDetails: 2 });
    expect(counts(r)).toEqual([1, 3, 0]);
    expect(r.failures.map((f) => f.sql)).toEqual(['BAD1', 'BAD2']);
  });

  it('stops at the first failure with stopOnFirstFailure', async () => {
    const r = await run(text, { GOOD: OK }, { stopOnFirstFailure: true });
    expect(counts(r)).toEqual([0, 1, 0]);
    expect(r.stopped).toBe(true);
    expect(r.engine.executed).toEqual(['BAD1']);
  });

  it('logs every failure when verbose', async () => {
    const log: string[] = [];
    await run(text, { GOOD: OK }, { verbose: true, maxFailureDetails: 1, log: (line) => log.push(line) });
    expect(log).toHaveLength(3);
    expect(log[2]).toBe('f.test:7: statement failed: no canned answer for: BAD3\n    BAD3');
  });

  it('formats a failure with SQL, expected and got', () => {
    const text = formatFailure(
      { file: 'f.test', line: 3, sql: 'SELECT a\nFROM t', reason: 'wrong result', expected: ['1', '2'], got: [] },
      16,
    );
    expect(text).toBe('f.test:3: wrong result\n    SELECT a\n    FROM t\n  expected: 1 | 2\n  got:      (no rows)');
    const long = formatFailure({ file: 'f', line: 1, sql: 'Q', reason: 'r', got: ['1', '2', '3'] }, 2);
    expect(long).toBe('f:1: r\n    Q\n  got:      1 | 2 … (3 values)');
  });
});
