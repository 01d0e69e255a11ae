import { describe, expect, it } from 'vitest';
import {
  NUM_DECIMAL,
  NUM_EXPONENT,
  NUM_INTEGER,
  TK_BITSTRING,
  TK_EOF,
  TK_ERROR,
  TK_IDENT,
  TK_NUMBER,
  TK_OP,
  TK_PARAM,
  TK_QIDENT,
  TK_STRING,
  tokenize,
} from '../../../src/sql/lexer.ts';
import { positionOf } from '../../../src/sql/sql-error.ts';

function tokens(sql: string): [number, string][] {
  const { tokens: list, error } = tokenize(sql);
  if (error !== null) throw error;
  return list.filter((t) => t.kind !== TK_EOF).map((t) => [t.kind, t.value]);
}

function values(sql: string): string[] {
  return tokens(sql).map(([, v]) => v);
}

function lexError(sql: string): { message: string; code: string; position: number | undefined } {
  const { tokens: list, error } = tokenize(sql);
  expect(error).not.toBeNull();
  expect(list[list.length - 1]!.kind).toBe(TK_ERROR);
  return { message: error!.message, code: error!.code, position: error!.position };
}

describe('lexer: words', () => {
  it('folds unquoted identifiers and keywords to lower case, ASCII letters only', () => {
    expect(tokens('SELECT Foo, BAR_1$x, _z, ÉtÉ')).toEqual([
      [TK_IDENT, 'select'],
      [TK_IDENT, 'foo'],
      [TK_OP, ','],
      [TK_IDENT, 'bar_1$x'],
      [TK_OP, ','],
      [TK_IDENT, '_z'],
      [TK_OP, ','],
      [TK_IDENT, 'ÉtÉ'],
    ]);
  });

  it('keeps quoted identifiers exactly, with "" for a quote', () => {
    expect(tokens('"MixedCase" "a""b" "select"')).toEqual([
      [TK_QIDENT, 'MixedCase'],
      [TK_QIDENT, 'a"b'],
      [TK_QIDENT, 'select'],
    ]);
  });

  it('decodes U&"..." identifiers', () => {
    expect(tokens('U&"d\\0061t\\+000061"')).toEqual([[TK_QIDENT, 'data']]);
    expect(tokens(`U&"d!0061t" UESCAPE '!'`)).toEqual([[TK_QIDENT, 'dat']]);
  });
});

describe('lexer: strings', () => {
  it("reads '' as a quote and leaves backslashes alone (standard_conforming_strings)", () => {
    expect(tokens("'it''s' 'a\\b'")).toEqual([
      [TK_STRING, "it's"],
      [TK_STRING, 'a\\b'],
    ]);
  });

  it('joins constants separated by whitespace with a newline', () => {
    expect(tokens("'foo'\n  'bar'")).toEqual([[TK_STRING, 'foobar']]);
    expect(tokens("'foo' -- comment\n'bar'")).toEqual([[TK_STRING, 'foobar']]);
    expect(tokens("'foo' 'bar'")).toEqual([
      [TK_STRING, 'foo'],
      [TK_STRING, 'bar'],
    ]);
  });

  it('decodes E strings', () => {
    expect(values("E'a\\nb\\tc\\\\d\\'e''f'")).toEqual(["a\nb\tc\\d'e'f"]);
    expect(values("e'\\x41\\102\\u00e9\\U0001F600\\q'")).toEqual(['AB\u00e9\u{1F600}q']);
    expect(values("E'\\xc3\\xa9'")).toEqual(['\u00e9']); // bytes forming UTF-8
    expect(values("E'\\ud83d\\ude00'")).toEqual(['\u{1F600}']); // a surrogate pair
  });

  it('rejects E string bytes that are not UTF-8, with 22021', () => {
    const e = lexError("SELECT E'\\xff'");
    expect(e.code).toBe('22021');
    expect(e.message).toBe('invalid byte sequence for encoding "UTF8": 0xff');
    expect(lexError("E'\\0'").message).toContain('0x00');
  });

  it('reads dollar-quoted strings, with and without tags', () => {
    expect(values("$$it's $ here$$ $fn$ a $$ b $fn$")).toEqual(["it's $ here", ' a $$ b ']);
  });

  it('decodes U& strings with UESCAPE', () => {
    expect(values("U&'d\\0061t\\+000061'")).toEqual(['data']);
    expect(values("u&'d!0061t!!' UESCAPE '!'")).toEqual(['dat!']);
  });

  it('reads N strings as plain strings and B / X strings as bit strings', () => {
    expect(tokens("N'abc' B'0101' X'1F'")).toEqual([
      [TK_STRING, 'abc'],
      [TK_BITSTRING, '0101'],
      [TK_BITSTRING, '1F'],
    ]);
    expect(tokenize("X'1F'").tokens[0]!.flag).toBe(1);
  });

  it('reports unterminated constants at their start', () => {
    expect(lexError("SELECT 'abc")).toMatchObject({ message: `unterminated quoted string at or near "'abc"`, position: 8 });
    expect(lexError('SELECT "abc')).toMatchObject({ message: 'unterminated quoted identifier at or near ""abc"', position: 8 });
    expect(lexError('SELECT $x$abc')).toMatchObject({ message: 'unterminated dollar-quoted string at or near "$x$abc"' });
    expect(lexError("SELECT E'abc\\'")).toMatchObject({ code: '42601', position: 8 });
    expect(lexError("SELECT B'01")).toMatchObject({ message: `unterminated bit string literal at or near "B'01"` });
    expect(lexError("SELECT X'01")).toMatchObject({ message: `unterminated hexadecimal string literal at or near "X'01"` });
    expect(lexError('SELECT ""')).toMatchObject({ message: 'zero-length delimited identifier at or near """"' });
  });
});

describe('lexer: numbers and parameters', () => {
  it('keeps the form of numbers', () => {
    const list = tokenize('1 1.5 .5 5. 1e3 1.5E-3 0x1F 0o17 0b101 1_000_000 9223372036854775808').tokens;
    expect(list.filter((t) => t.kind === TK_NUMBER).map((t) => [t.value, t.flag])).toEqual([
      ['1', NUM_INTEGER],
      ['1.5', NUM_DECIMAL],
      ['.5', NUM_DECIMAL],
      ['5.', NUM_DECIMAL],
      ['1e3', NUM_EXPONENT],
      ['1.5E-3', NUM_EXPONENT],
      ['31', NUM_INTEGER],
      ['15', NUM_INTEGER],
      ['5', NUM_INTEGER],
      ['1000000', NUM_INTEGER],
      ['9223372036854775808', NUM_INTEGER],
    ]);
  });

  it('rejects trailing junk after a number, as PostgreSQL 15+ does', () => {
    expect(lexError('SELECT 123abc')).toMatchObject({ message: 'trailing junk after numeric literal at or near "123a"', position: 8 });
    expect(lexError('SELECT 1e')).toMatchObject({ code: '42601' });
    expect(lexError('SELECT 0x')).toMatchObject({ code: '42601' });
  });

  it('does not read 1..2 as a decimal', () => {
    expect(values('1..2')[0]).toBe('1');
  });

  it('reads $n parameters', () => {
    const list = tokenize('$1 $23').tokens;
    expect(list.slice(0, 2).map((t) => [t.kind, t.flag])).toEqual([
      [TK_PARAM, 1],
      [TK_PARAM, 23],
    ]);
    expect(lexError('SELECT $1a').message).toBe('trailing junk after parameter at or near "$1a"');
  });
});

describe('lexer: operators', () => {
  it('takes the longest run of operator characters', () => {
    expect(values("a->>'x' #>> b @> c <@ d || e ~* f !~ g <> h != i >= j")).toEqual([
      'a', '->>', 'x', '#>>', 'b', '@>', 'c', '<@', 'd', '||', 'e', '~*', 'f', '!~', 'g', '<>', 'h', '<>', 'i', '>=', 'j',
    ]);
  });

  it('drops a trailing + or - from an operator of math characters only', () => {
    expect(values('a=-1')).toEqual(['a', '=', '-', '1']);
    expect(values('a<-1')).toEqual(['a', '<', '-', '1']);
    expect(values('a*-1')).toEqual(['a', '*', '-', '1']);
    expect(values('a@-1')).toEqual(['a', '@-', '1']);
  });

  it('stops an operator where a comment starts', () => {
    expect(values('a+--c\nb')).toEqual(['a', '+', 'b']);
    expect(values('a*/*c*/b')).toEqual(['a', '*', 'b']);
  });

  it('never lets another operator absorb ?, so a=? is a parameter', () => {
    expect(values('a=? b<>? c ?| d ?& e ? f @? g')).toEqual(['a', '=', '?', 'b', '<>', '?', 'c', '?|', 'd', '?&', 'e', '?', 'f', '@?', 'g']);
  });

  it('reads punctuation', () => {
    expect(values('f(a, b)[1:2]::int; x := 1 => y.z')).toEqual([
      'f', '(', 'a', ',', 'b', ')', '[', '1', ':', '2', ']', '::', 'int', ';', 'x', ':=', '1', '=>', 'y', '.', 'z',
    ]);
  });
});

describe('lexer: comments and positions', () => {
  it('skips line comments and nested block comments', () => {
    expect(values('a -- one\n/* two /* three */ still */ b')).toEqual(['a', 'b']);
    expect(values('a -- to the end')).toEqual(['a']);
  });

  it('reports an unterminated block comment', () => {
    expect(lexError('SELECT /* a /* b */')).toMatchObject({ message: 'unterminated /* comment at or near "/* a /* b */"', position: 8 });
  });

  it('gives each token its UTF-16 span', () => {
    const [select, star] = tokenize('  SELECT *').tokens;
    expect([select!.pos, select!.end, star!.pos, star!.end]).toEqual([2, 8, 9, 10]);
    const eof = tokenize('ab').tokens[1]!;
    expect([eof.kind, eof.pos]).toEqual([TK_EOF, 2]);
  });

  it('converts offsets to 1-based character positions, counting astral characters once', () => {
    expect(positionOf('abc', 0)).toBe(1);
    expect(positionOf('abc', 3)).toBe(4);
    expect(positionOf('\u{1F600}x', 2)).toBe(2);
    expect(positionOf('\u{1F600}\u{1F600}x', 4)).toBe(3);
  });
});
