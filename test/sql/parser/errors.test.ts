import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { MAX_NESTING_DEPTH, parse, parseOne } from '../../../src/sql/index.ts';
import { parseError } from './helpers.ts';
import { APPLICATION, DRIVERS, ORMS, PG_DUMP, PGBENCH, PSQL } from './real-world-statements.ts';

describe('syntax errors', () => {
  const cases: [string, string, number][] = [
    ['SELECT * FORM t', 'syntax error at or near "FORM"', 10],
    ['SELECT 1 FROM', 'syntax error at end of input', 14],
    ['SELECT 1 FROM   ', 'syntax error at end of input', 17],
    ['SELECT a FROM t WHERE', 'syntax error at end of input', 22],
    ['SELECT a, FROM t', 'syntax error at or near "FROM"', 11],
    ['INSERT INTO t VALUES (1,)', 'syntax error at or near ")"', 25],
    ['CREATE TABLE (a int)', 'syntax error at or near "("', 14],
    ['SELECT * FROM t WHERE a = = 1', 'syntax error at or near "="', 27],
    ['SELECT 1; SELEC 2', 'syntax error at or near "SELEC"', 11],
    ['UPDATE t SET WHERE a = 1', 'syntax error at or near "WHERE"', 14],
    ['DELETE t', 'syntax error at or near "t"', 8],
    ['SELECT (1', 'syntax error at end of input', 10],
    ['SELECT 1)', 'syntax error at or near ")"', 9],
    ["SELECT '\u{1F600}' FROM FROM", 'syntax error at or near "FROM"', 17], // the emoji counts as one character
    ['SELECT \\x', 'syntax error at or near "\\"', 8],
    ['SELECT $', 'syntax error at or near "$"', 8],
    ['CREATE TABLE t (a int, )', 'syntax error at or near ")"', 24],
    ['DROP THING x', 'syntax error at or near "THING"', 6],
    ['GRANT SELECT ON t TO u', 'syntax error at or near "GRANT"', 1],
  ];
  for (const [sql, message, position] of cases) {
    it(`${sql}  =>  ${message} at ${position}`, () => {
      const e = parseError(sql);
      expect(e.code).toBe('42601');
      expect(e.message).toBe(message);
      expect(e.position).toBe(position);
    });
  }

  it('reports a lexical error only when the parser reaches it', () => {
    // PostgreSQL lexes on demand: the earlier syntax error wins.
    expect(parseError("SELECT FROM FROM; SELECT 'x").message).toBe('syntax error at or near "FROM"');
    expect(parseError("SELECT 1; SELECT 'x").message).toBe(`unterminated quoted string at or near "'x"`);
  });

  it('rejects more than one statement in parseOne, and none', () => {
    expect(() => parseOne('SELECT 1; SELECT 2')).toThrow('cannot insert multiple commands into a prepared statement');
    expect(() => parseOne('')).toThrow('syntax error at end of input');
    expect(parseOne('SELECT 1;').kind).toBe('query');
  });

  it('skips empty statements and comments', () => {
    expect(parse('')).toEqual([]);
    expect(parse(' ;; -- nothing\n /* at all */ ;')).toEqual([]);
    expect(parse(';SELECT 1;;SELECT 2;').length).toBe(2);
  });
});

describe('nesting limit', () => {
  it('fails 100k parentheses with 54001, not a stack overflow', () => {
    const deep = `SELECT ${'('.repeat(100_000)}1${')'.repeat(100_000)}`;
    const e = parseError(deep);
    expect(e.code).toBe('54001');
    expect(e.message).toBe(`stack depth limit exceeded: statement nested deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(e.position).toBeGreaterThan(MAX_NESTING_DEPTH / 2);
    expect(parseError('('.repeat(100_000)).code).toBe('54001');
  });

  it('limits every kind of nesting', () => {
    const n = 5000;
    const inputs = [
      `SELECT ${'- '.repeat(n)}1`,
      `SELECT ${'NOT '.repeat(n)}true`,
      `SELECT ${Array(n).fill('1').join(' + ')}`,
      `SELECT ${Array(n).fill("'a'").join(' || ')}`,
      `SELECT ${'ARRAY['.repeat(n)}${']'.repeat(n)}`,
      `SELECT ${'f('.repeat(n)}${')'.repeat(n)}`,
      `SELECT ${'(SELECT '.repeat(n)}1${')'.repeat(n)}`,
      `SELECT * FROM ${'(SELECT * FROM '.repeat(n)}t${') x'.repeat(n)}`,
      `SELECT 1 ${'UNION SELECT 1 '.repeat(n)}`,
      `SELECT * FROM t ${'JOIN t ON true '.repeat(n)}`,
      `SELECT ${'CASE WHEN true THEN '.repeat(n)}1${' END'.repeat(n)}`,
      `SELECT x${'::int'.repeat(n)}`,
      `SELECT x${'[1]'.repeat(n)}`,
    ];
    for (const sql of inputs) {
      const e = parseError(sql);
      // The budget, not an engine stack overflow, stops each of them.
      expect([e.code, e.message], sql.slice(0, 40)).toEqual(['54001', `stack depth limit exceeded: statement nested deeper than ${MAX_NESTING_DEPTH} levels`]);
    }
  });

  it('accepts nesting within the limit', () => {
    const n = 200;
    expect(() => parse(`SELECT ${'('.repeat(n)}1${')'.repeat(n)}`)).not.toThrow();
    expect(() => parse(`SELECT ${Array(n).fill('1').join(' + ')}`)).not.toThrow();
    expect(() => parse(`SELECT ${'(SELECT '.repeat(n)}1${')'.repeat(n)}`)).not.toThrow();
  });
});

/** A small seeded PRNG (xorshift32), so failures replay. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const VOCABULARY = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'FETCH', 'FIRST', 'ROWS', 'ONLY', 'UNION', 'ALL',
  'INTERSECT', 'EXCEPT', 'WITH', 'RECURSIVE', 'AS', 'INSERT', 'INTO', 'VALUES', 'DEFAULT', 'UPDATE', 'SET', 'DELETE', 'USING',
  'RETURNING', 'ON', 'CONFLICT', 'DO', 'NOTHING', 'CREATE', 'TABLE', 'INDEX', 'VIEW', 'DROP', 'ALTER', 'ADD', 'COLUMN', 'IF', 'NOT',
  'EXISTS', 'PRIMARY', 'KEY', 'REFERENCES', 'CHECK', 'UNIQUE', 'CONSTRAINT', 'NULL', 'TRUE', 'FALSE', 'AND', 'OR', 'IS', 'IN',
  'BETWEEN', 'LIKE', 'ILIKE', 'SIMILAR', 'TO', 'ESCAPE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'ARRAY', 'ROW', 'JOIN',
  'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'INNER', 'OUTER', 'LATERAL', 'DISTINCT', 'OVER', 'PARTITION', 'FILTER', 'WITHIN',
  'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'EXPLAIN', 'ANALYZE', 'COPY', 'STDIN', 'STDOUT', 'SHOW', 'RESET', 'TIME', 'ZONE',
  'INTERVAL', 'TIMESTAMP', 'DATE', 'int', 'varchar', 'numeric', 'double', 'precision', 'char', 'text', 'EXTRACT', 'POSITION',
  'SUBSTRING', 'TRIM', 'COALESCE', 'NULLIF', 'OPERATOR', 'COLLATE', 'AT', 'ANY', 'SOME', 'ISNULL', 'NOTNULL', 'UNKNOWN',
  'GENERATED', 'ALWAYS', 'IDENTITY', 'ROLE', 'USER', 'PASSWORD',
  'a', 'b', 't', 'x', 'name', 'key', '"Q"', '"a""b"', 'count', 'now', 'generate_series',
  '1', '0', '1.5', '1e3', '.5', '0x1F', "'s'", "E'\\n'", "E'\\xff'", '$$d$$', "B'01'", "X'1F'", "U&'\\0041'", '$1', '$2', '?',
  '(', ')', '(', ')', '[', ']', ',', ',', ';', '.', '*', '+', '-', '/', '%', '^', '=', '<>', '!=', '<', '>', '<=', '>=', '||', '::',
  ':', '->', '->>', '#>', '@>', '<@', '?|', '?&', '~', '!~', '=>', ':=', '&&', '@', '|/', '\\', '$', '`',
  "'unterminated", '"unterminated', '/* unterminated', '$q$unterminated', '-- comment\n', '/* c */',
];

const EXPECTED_CODES = new Set(['42601', '54001', '22021', '22023']);

/** Parses `sql`; any failure must be a FlintError with a known code and a position inside the text. */
function expectOnlyFlintErrors(sql: string): void {
  try {
    parse(sql);
  } catch (e) {
    // Plain checks: expect() per case would dominate the run time.
    const ok = e instanceof FlintError && EXPECTED_CODES.has(e.code) && e.position !== undefined && e.position >= 1 && e.position <= sql.length + 1;
    if (!ok) throw new Error(`unexpected failure for ${JSON.stringify(sql)}: ${String(e)} ${e instanceof FlintError ? `${e.code} @${e.position}` : ''}`);
  }
}

describe('fuzz: bad input only ever raises FlintError', () => {
  it('random token soup', () => {
    const random = prng(20240601);
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(random() * 30);
      const words: string[] = [];
      for (let k = 0; k < n; k++) words.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)]!);
      expectOnlyFlintErrors(words.join(random() < 0.2 ? '' : ' '));
    }
  });

  it('token soup after a valid prefix', () => {
    const random = prng(7);
    const prefixes = ['SELECT ', 'SELECT * FROM t WHERE ', 'INSERT INTO t VALUES (', 'CREATE TABLE t (', 'UPDATE t SET a = ', 'WITH x AS ('];
    for (let i = 0; i < 10_000; i++) {
      const words: string[] = [prefixes[i % prefixes.length]!];
      const n = 1 + Math.floor(random() * 12);
      for (let k = 0; k < n; k++) words.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)]!);
      expectOnlyFlintErrors(words.join(' '));
    }
  });

  it('every truncation of valid statements', () => {
    const statements = [...PSQL, ...PGBENCH, ...PG_DUMP, ...DRIVERS, ...ORMS, ...APPLICATION];
    for (const sql of statements) {
      for (let end = 0; end < sql.length; end++) expectOnlyFlintErrors(sql.slice(0, end));
    }
  });

  it('random character edits of valid statements', () => {
    const random = prng(99);
    const statements = [...PSQL, ...ORMS, ...APPLICATION];
    const chars = "()[],;.'\"$?:*+-/<>=!~@#%^&|`\\ \nabcXYZ019_\u00e9\u{1F600}";
    for (let i = 0; i < 20_000; i++) {
      const sql = statements[Math.floor(random() * statements.length)]!;
      const at = Math.floor(random() * sql.length);
      const ch = [...chars][Math.floor(random() * [...chars].length)]!;
      const edited = random() < 0.5 ? sql.slice(0, at) + ch + sql.slice(at + 1) : sql.slice(0, at) + sql.slice(at + 1 + Math.floor(random() * 5));
      expectOnlyFlintErrors(edited);
    }
  });
});
