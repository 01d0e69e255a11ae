// The sqllogictest parser, rule by rule from the corpus README.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../src/errors.ts';
import { parseSlt, recordApplies, type QueryRecord, type SltRecord, type StatementRecord } from '../../scripts/slt/parser.ts';

const parse = (text: string): SltRecord[] => [...parseSlt(text, 'x.test')];
const lines = (...l: string[]): string => l.join('\n');

function only<K extends SltRecord['kind']>(text: string, kind: K): Extract<SltRecord, { kind: K }> {
  const records = parse(text);
  expect(records).toHaveLength(1);
  expect(records[0]!.kind).toBe(kind);
  return records[0] as Extract<SltRecord, { kind: K }>;
}

function parseError(text: string): FlintError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(FlintError);
    return error as FlintError;
  }
  throw new Error('expected a parse error');
}

describe('slt parser: lines and records', () => {
  it('separates records by blank lines, and whitespace-only lines are blank', () => {
    const records = parse(lines('statement ok', 'CREATE TABLE t(a INT)', '', '  \t ', 'statement ok', 'DROP TABLE t', ''));
    expect(records.map((r) => (r as StatementRecord).sql)).toEqual(['CREATE TABLE t(a INT)', 'DROP TABLE t']);
  });

  it('removes comments before parsing, so a comment does not separate records', () => {
    const text = lines(
      '# leading comment',
      'statement ok',
      '# inside the SQL',
      'CREATE TABLE t(a INT)',
      '# not a separator',
      'statement ok',
      'DROP TABLE t',
    );
    // No blank line between them: it is all one statement record.
    const record = only(text, 'statement');
    expect(record.sql).toBe('CREATE TABLE t(a INT)\nstatement ok\nDROP TABLE t');
    expect(record.line).toBe(2);
  });

  it('drops comments inside a query and between its conditions', () => {
    const text = lines('skipif mysql', '# why', 'query I nosort', 'SELECT 1', '# between', '----', '# in the values', '1', '2');
    const record = only(text, 'query');
    expect(record.conditions).toEqual([{ kind: 'skipif', engine: 'mysql' }]);
    expect(record.sql).toBe('SELECT 1');
    expect(record.expected).toEqual(['1', '2']);
    expect(record.line).toBe(3);
    expect(record.expectedLine).toBe(8);
  });

  it('treats # only at the start of a line as a comment', () => {
    const record = only(lines('query T nosort', 'SELECT x', '----', ' # not a comment'), 'query');
    expect(record.expected).toEqual([' # not a comment']);
  });

  it('strips a trailing \\r (CRLF files)', () => {
    const record = only('query II rowsort label-7\r\nSELECT 1,\r\n 2\r\n----\r\n1\r\n2\r\n\r\n', 'query');
    expect(record).toMatchObject({ types: 'II', sortMode: 'rowsort', label: 'label-7', sql: 'SELECT 1,\n 2', expected: ['1', '2'] });
  });

  it('splits the first line on any whitespace', () => {
    const record = only(lines('query \t I   valuesort\tlabel-1  ', 'SELECT 1', '----', '1'), 'query');
    expect(record).toMatchObject({ types: 'I', sortMode: 'valuesort', label: 'label-1' });
  });

  it('reads a last record with no newline at the end', () => {
    expect(only('statement ok\nSELECT 1', 'statement').sql).toBe('SELECT 1');
  });

  it('parses an empty or comment-only file to no records', () => {
    expect(parse('')).toEqual([]);
    expect(parse('# nothing\n\n# here\n')).toEqual([]);
  });
});

describe('slt parser: conditions', () => {
  it('reads skipif/onlyif with trailing comments, several per record', () => {
    const text = lines(
      'onlyif mysql # aggregate syntax: ',
      'skipif postgresql # PostgreSQL requires AS when renaming output columns',
      'query I rowsort label-4',
      'SELECT 1',
      '----',
      '1',
    );
    const record = only(text, 'query');
    expect(record.conditions).toEqual([
      { kind: 'onlyif', engine: 'mysql' },
      { kind: 'skipif', engine: 'postgresql' },
    ]);
  });

  it('applies a record unless skipif names the engine or onlyif names another', () => {
    const [a, b, c, d] = parse(
      lines('skipif mysql', 'halt', '', 'skipif postgresql', 'halt', '', 'onlyif postgresql', 'halt', '', 'onlyif mssql', 'halt'),
    );
    expect([a, b, c, d].map((r) => recordApplies(r!, 'postgresql'))).toEqual([true, false, true, false]);
    expect([a, b, c, d].map((r) => recordApplies(r!, 'mysql'))).toEqual([false, true, false, false]);
  });

  it('puts halt behind onlyif', () => {
    const records = parse(lines('# skip this file on ms sql server', 'onlyif mssql', 'halt', '', 'statement ok', 'SELECT 1'));
    expect(records[0]).toEqual({ kind: 'halt', line: 3, conditions: [{ kind: 'onlyif', engine: 'mssql' }] });
    expect(recordApplies(records[0]!, 'postgresql')).toBe(false);
    expect(recordApplies(records[0]!, 'mssql')).toBe(true);
  });
});

describe('slt parser: statements', () => {
  it('reads statement ok and statement error', () => {
    const [ok, error] = parse(lines('statement ok', 'CREATE TABLE t(a INT)', '', 'statement error', 'CREATE TABLE t(a INT)'));
    expect(ok).toMatchObject({ kind: 'statement', expectError: false, line: 1 });
    expect(error).toMatchObject({ kind: 'statement', expectError: true, line: 4 });
  });

  it('joins SQL lines with \\n and drops the trailing ;', () => {
    const record = only(lines('statement ok', 'INSERT INTO t1 VALUES(1);', 'DROP INDEX t1i1;  '), 'statement');
    expect(record.sql).toBe('INSERT INTO t1 VALUES(1);\nDROP INDEX t1i1');
  });
});

describe('slt parser: queries', () => {
  it('defaults to nosort and no label', () => {
    const record = only(lines('query ITR', 'SELECT 1, 2, 3', '----', '1', '2', '3.000'), 'query');
    expect(record).toMatchObject({ types: 'ITR', sortMode: 'nosort', label: undefined, expected: ['1', '2', '3.000'] });
  });

  it('expects zero rows when ---- is missing or nothing follows it', () => {
    const [missing, empty] = parse(lines('query I nosort', 'SELECT 1 WHERE 0', '', 'query I nosort', 'SELECT 2 WHERE 0', '----'));
    expect((missing as QueryRecord).expected).toEqual([]);
    expect((missing as QueryRecord).sql).toBe('SELECT 1 WHERE 0');
    expect((empty as QueryRecord).expected).toEqual([]);
    expect((empty as QueryRecord).sql).toBe('SELECT 2 WHERE 0');
  });

  it('keeps a hash line as the single expected value', () => {
    const record = only(lines('query I nosort', 'SELECT a FROM t1', '----', '30 values hashing to 3c13dee48d9356ae19af2515e05e6b54'), 'query');
    expect(record.expected).toEqual(['30 values hashing to 3c13dee48d9356ae19af2515e05e6b54']);
  });

  it('splits SQL from values only at a line that is exactly ----', () => {
    const record = only(lines('query T nosort', "SELECT '----x'", ' ----', '----', '----x'), 'query');
    expect(record.sql).toBe("SELECT '----x'\n ----");
    expect(record.expected).toEqual(['----x']);
  });
});

describe('slt parser: control records', () => {
  it('reads hash-threshold 0 and N', () => {
    const [zero, eight] = parse(lines('hash-threshold 0', '', 'hash-threshold 8'));
    expect(zero).toEqual({ kind: 'hash-threshold', line: 1, conditions: [], threshold: 0 });
    expect(eight).toMatchObject({ kind: 'hash-threshold', line: 3, threshold: 8 });
  });
});

describe('slt parser: malformed records are errors naming file and line', () => {
  it.each([
    ['unknown record type', lines('', 'select 1'), 'x.test:2: unknown record type "select"'],
    ['statement mode', 'statement maybe\nSELECT 1', 'x.test:1: expected "statement ok" or "statement error"'],
    ['statement without SQL', 'statement ok', 'x.test:1: statement without SQL'],
    ['query types', 'query X\nSELECT 1', 'x.test:1: query types must be letters I, T, R'],
    ['missing types', 'query\nSELECT 1', 'x.test:1: query types must be letters I, T, R'],
    ['sort mode', 'query I sorted\nSELECT 1', 'x.test:1: unknown sort mode "sorted"'],
    ['query without SQL', 'query I\n----\n1', 'x.test:1: query without SQL'],
    ['condition alone', 'skipif mysql', 'x.test:1: skipif/onlyif with no record after it'],
    ['condition without db', 'onlyif\nhalt', 'x.test:1: onlyif without a database name'],
    ['hash-threshold', 'hash-threshold eight', 'x.test:1: expected "hash-threshold N"'],
    ['halt with more', 'halt\nnow', 'x.test:1: expected "halt" alone'],
  ])('%s', (_, text, message) => {
    const error = parseError(text);
    expect(error.code).toBe('42601');
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.file).toBe('x.test');
  });

  it('reports records lazily: earlier records come out before the error', () => {
    const records = parseSlt(lines('statement ok', 'SELECT 1', '', 'bogus'), 'x.test');
    expect(records.next().value).toMatchObject({ kind: 'statement' });
    expect(() => records.next()).toThrow(/x\.test:4/);
  });
});
