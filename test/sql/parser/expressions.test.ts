import { describe, expect, it } from 'vitest';
import { parse } from '../../../src/sql/index.ts';
import { expr, fmt, parseError, select, shape } from './helpers.ts';

describe('operator precedence (PostgreSQL gram.y)', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['a OR b AND c', '(a OR (b AND c))'],
    ['a AND b OR c', '((a AND b) OR c)'],
    ['-2 ^ 2', '(-2 ^ 2)'],
    ['- x ^ 2', '((- x) ^ 2)'],
    ['2 ^ 3 ^ 2', '((2 ^ 3) ^ 2)'],
    ["'a' || 'b' = 'ab'", "(('a' || 'b') = 'ab')"],
    ["'a' || 1 + 2", "('a' || (1 + 2))"],
    ['x::int + 1', '(CAST(x AS int4) + 1)'],
    ['-x::int', '(- CAST(x AS int4))'],
    ['a BETWEEN 1 AND 2 AND b', '((a BETWEEN 1 AND 2) AND b)'],
    ['a BETWEEN 1 + 1 AND 2 * 3', '(a BETWEEN (1 + 1) AND (2 * 3))'],
    ['a = b IS NULL', '((a = b) IS NULL)'],
    ['NOT a IS NULL', '(NOT (a IS NULL))'],
    ['a IS NOT NULL AND b', '((a IS NOT NULL) AND b)'],
    ['a < b = c < d', 'error'],
    ['a = b LIKE c', '(a = (b LIKE c))'],
    ["a LIKE 'x' || 'y'", "(a LIKE ('x' || 'y'))"],
    ['a IN (1, 2) = true', '((a IN (1, 2)) = TRUE)'],
    ["data ->> 'k' = 'v'", "((data ->> 'k') = 'v')"],
    ["a -> 'b' ->> 'c'", "((a -> 'b') ->> 'c')"],
    ['a + b -> c', '((a + b) -> c)'],
    ['a @> b AND c <@ d', '((a @> b) AND (c <@ d))'],
    ["ts AT TIME ZONE 'UTC' + interval '1h'", "((ts AT TIME ZONE 'UTC') + CAST('1h' AS interval))"],
    ['a[1] + b[2:3]', '(a[1] + b[2:3])'],
    ["x COLLATE \"C\" < 'b'", "((x COLLATE \"C\") < 'b')"],
    ['- - 5', '5'],
    ['NOT NOT a', '(NOT (NOT a))'],
    ['a IS DISTINCT FROM b + 1', '(a IS DISTINCT FROM (b + 1))'],
    ['a = ANY (b) OR c', '((a = ANY (b)) OR c)'],
    ["a OPERATOR(pg_catalog.~) 'x' COLLATE pg_catalog.default", "(a ~ ('x' COLLATE default))"],
  ];
  for (const [input, expected] of cases) {
    it(`${input}  =>  ${expected}`, () => {
      if (expected === 'error') expect(parseError(`SELECT ${input}`).code).toBe('42601');
      else expect(fmt(input)).toBe(expected);
    });
  }

  it('treats comparison, IS and the LIKE group as non-associative', () => {
    expect(parseError('SELECT a < b < c').message).toBe('syntax error at or near "<"');
    expect(parseError('SELECT a = b = c').position).toBe(14);
    expect(parseError('SELECT a IS NULL IS NULL').message).toBe('syntax error at or near "IS"');
    expect(parseError('SELECT a LIKE b LIKE c').message).toBe('syntax error at or near "LIKE"');
  });

  it('flattens AND and OR chains', () => {
    const e = expr('a AND b AND (c AND d) AND e OR f OR g');
    expect(e.kind).toBe('or');
    if (e.kind !== 'or') return;
    expect(e.args.length).toBe(3);
    expect(e.args[0]!.kind).toBe('and');
    if (e.args[0]!.kind === 'and') expect(e.args[0]!.args.length).toBe(5);
  });

  it('parses a long OR chain without nesting', () => {
    const list = Array.from({ length: 20000 }, (_, i) => `id = ${i}`).join(' OR ');
    const e = expr(list);
    expect(e.kind === 'or' && e.args.length).toBe(20000);
  });
});

describe('literals and parameters', () => {
  it('keeps number text and form, folding a minus sign', () => {
    expect(shape(expr('1'))).toEqual({ kind: 'number', text: '1', form: 'integer' });
    expect(shape(expr('1.5'))).toEqual({ kind: 'number', text: '1.5', form: 'decimal' });
    expect(shape(expr('1e3'))).toEqual({ kind: 'number', text: '1e3', form: 'exponent' });
    expect(shape(expr('-2147483648'))).toEqual({ kind: 'number', text: '-2147483648', form: 'integer' });
    expect(shape(expr('99999999999999999999'))).toEqual({ kind: 'number', text: '99999999999999999999', form: 'integer' });
    expect(shape(expr('+1'))).toEqual({ kind: 'unaryOp', op: '+', operand: { kind: 'number', text: '1', form: 'integer' } });
  });

  it('decodes strings and keeps bit strings', () => {
    expect(shape(expr("'it''s'"))).toEqual({ kind: 'string', value: "it's" });
    expect(shape(expr("E'\\n'"))).toEqual({ kind: 'string', value: '\n' });
    expect(shape(expr('$$a$$'))).toEqual({ kind: 'string', value: 'a' });
    expect(shape(expr("X'1F'"))).toEqual({ kind: 'bitString', value: '1F', hex: true });
    expect(shape(expr("B'01'"))).toEqual({ kind: 'bitString', value: '01', hex: false });
  });

  it('reads TRUE, FALSE, NULL and DEFAULT', () => {
    expect(shape(expr('TRUE'))).toEqual({ kind: 'boolean', value: true });
    expect(shape(expr('false'))).toEqual({ kind: 'boolean', value: false });
    expect(shape(expr('NULL'))).toEqual({ kind: 'null' });
    expect(shape(expr('DEFAULT'))).toEqual({ kind: 'default' });
  });

  it('numbers $n as written and ? in order of appearance, per statement', () => {
    expect(fmt('$2 + $1')).toBe('($2 + $1)');
    expect(fmt('? + ? * ?')).toBe('($1 + ($2 * $3))');
    const [a, b] = parse('SELECT ?, ?; SELECT ?');
    expect(a!.kind === 'query' && a!.body.kind === 'select' && a!.body.targets.map((t) => t.expr)).toEqual([
      { kind: 'param', pos: 7, index: 1 },
      { kind: 'param', pos: 10, index: 2 },
    ]);
    expect(b!.kind === 'query' && b!.body.kind === 'select' && b!.body.targets[0]!.expr).toEqual({ kind: 'param', pos: 20, index: 1 });
  });

  it('tells a ? parameter from the jsonb ? operator by position', () => {
    expect(fmt("doc ? 'k' AND x = ?")).toBe("((doc ? 'k') AND (x = $1))");
    expect(fmt("doc ?| array['a'] OR doc ?& ?")).toBe("((doc ?| ARRAY['a']) OR (doc ?& $1))");
  });

  it('reads typed literals as casts of a string', () => {
    expect(shape(expr("DATE '2024-01-01'"))).toEqual({
      kind: 'cast',
      arg: { kind: 'string', value: '2024-01-01' },
      type: { kind: 'typeName', schema: null, name: 'date', modifiers: [], arrayBounds: [], intervalFields: null },
      syntax: 'literal',
    });
    expect(fmt("TIMESTAMP '2024-01-01 10:00'")).toBe("CAST('2024-01-01 10:00' AS timestamp)");
    expect(fmt("TIMESTAMP(3) WITH TIME ZONE 'x'")).toBe("CAST('x' AS timestamptz(3))");
    expect(fmt("INTERVAL '1 day'")).toBe("CAST('1 day' AS interval)");
    expect(fmt("INTERVAL '1:30' HOUR TO MINUTE")).toBe("CAST('1:30' AS interval hour to minute)");
    expect(fmt("INTERVAL '1.5' SECOND(3)")).toBe("CAST('1.5' AS interval second(3))");
    expect(fmt("uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'")).toBe("CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS uuid)");
    expect(fmt("pg_catalog.int4 '5'")).toBe("CAST('5' AS pg_catalog.int4)");
    expect(fmt("double precision '1.5'")).toBe("CAST('1.5' AS float8)");
    expect(fmt("boolean 't'")).toBe("CAST('t' AS bool)");
  });
});

describe('names', () => {
  it('reads column references with up to four parts', () => {
    expect(shape(expr('a'))).toEqual({ kind: 'columnRef', catalog: null, schema: null, table: null, column: 'a' });
    expect(shape(expr('t.a'))).toEqual({ kind: 'columnRef', catalog: null, schema: null, table: 't', column: 'a' });
    expect(shape(expr('s.t.a'))).toEqual({ kind: 'columnRef', catalog: null, schema: 's', table: 't', column: 'a' });
    expect(shape(expr('db.s.t.a'))).toEqual({ kind: 'columnRef', catalog: 'db', schema: 's', table: 't', column: 'a' });
    expect(parseError('SELECT a.b.c.d.e').message).toBe('improper qualified name (too many dotted names): a.b.c.d.e');
  });

  it('folds unquoted names and keeps quoted ones', () => {
    expect(shape(expr('"Tab"."Col"'))).toMatchObject({ table: 'Tab', column: 'Col' });
    expect(shape(expr('Tab.Col'))).toMatchObject({ table: 'tab', column: 'col' });
    expect(shape(expr('t."select"'))).toMatchObject({ table: 't', column: 'select' });
  });

  it('accepts any keyword after a dot', () => {
    expect(shape(expr('t.from'))).toMatchObject({ table: 't', column: 'from' });
  });

  it('reads t.* and s.t.* as stars', () => {
    expect(shape(expr('t.*'))).toEqual({ kind: 'star', table: { schema: null, name: 't' } });
    expect(shape(expr('s.t.*'))).toEqual({ kind: 'star', table: { schema: 's', name: 't' } });
  });

  it('uses non-reserved keywords as column names', () => {
    for (const word of ['name', 'key', 'value', 'text', 'date', 'type', 'position', 'time', 'timestamp', 'interval', 'year', 'data', 'level', 'first', 'values', 'row', 'exists']) {
      expect(shape(expr(`${word} + 1`)), word).toMatchObject({ kind: 'binaryOp', left: { kind: 'columnRef', column: word } });
    }
  });

  it('rejects reserved keywords as column names', () => {
    expect(parseError('SELECT select').message).toBe('syntax error at or near "select"');
    expect(parseError('SELECT a FROM t WHERE from = 1').message).toBe('syntax error at or near "from"');
    expect(parseError('SELECT left FROM t').message).toBe('syntax error at or near "left"');
  });
});

describe('compound expressions', () => {
  it('reads IS forms', () => {
    expect(shape(expr('a IS NOT TRUE'))).toEqual({ kind: 'isBool', arg: { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'a' }, value: true, not: true });
    expect(fmt('a IS UNKNOWN')).toBe('(a IS UNKNOWN)');
    expect(fmt('a ISNULL')).toBe('(a IS NULL)');
    expect(fmt('a NOTNULL')).toBe('(a IS NOT NULL)');
    expect(fmt('a IS NOT DISTINCT FROM b')).toBe('(a IS NOT DISTINCT FROM b)');
  });

  it('reads BETWEEN, IN, LIKE and quantified comparisons', () => {
    expect(shape(expr('x NOT BETWEEN SYMMETRIC 1 AND 2'))).toMatchObject({ kind: 'between', not: true, symmetric: true });
    expect(shape(expr('x IN (1, 2)'))).toMatchObject({ kind: 'inList', not: false, list: [{ text: '1' }, { text: '2' }] });
    expect(shape(expr('x NOT IN (SELECT y FROM t)'))).toMatchObject({ kind: 'inSubquery', not: true, query: { kind: 'query' } });
    expect(shape(expr('x IN ((SELECT 1))'))).toMatchObject({ kind: 'inSubquery' });
    expect(shape(expr('x IN ((SELECT 1), 2)'))).toMatchObject({ kind: 'inList' });
    expect(shape(expr("x NOT ILIKE 'a%' ESCAPE '!'"))).toMatchObject({ kind: 'like', op: 'ilike', not: true, escape: { value: '!' } });
    expect(shape(expr("x SIMILAR TO 'a|b'"))).toMatchObject({ kind: 'like', op: 'similar' });
    expect(shape(expr('x = ANY (SELECT 1)'))).toMatchObject({ kind: 'quantified', op: '=', quantifier: 'any', array: null });
    expect(shape(expr('x <> ALL ($1)'))).toMatchObject({ kind: 'quantified', op: '<>', quantifier: 'all', subquery: null, array: { kind: 'param' } });
    expect(shape(expr('x = SOME (ARRAY[1])'))).toMatchObject({ kind: 'quantified', quantifier: 'any' });
    expect(shape(expr("x LIKE ANY (ARRAY['a%'])"))).toMatchObject({ kind: 'quantified', op: 'like' });
    expect(shape(expr("x NOT LIKE ALL (ARRAY['a%'])"))).toMatchObject({ kind: 'quantified', op: 'not like', quantifier: 'all' });
    expect(parseError('SELECT x IN ()').message).toBe('syntax error at or near ")"');
  });

  it('reads subqueries', () => {
    expect(shape(expr('(SELECT 1)'))).toMatchObject({ kind: 'subquery', query: { kind: 'query' } });
    expect(shape(expr('EXISTS (SELECT 1)'))).toMatchObject({ kind: 'exists' });
    expect(shape(expr('ARRAY(SELECT 1)'))).toMatchObject({ kind: 'arraySubquery' });
    expect(fmt('((SELECT 1) UNION SELECT 2)')).toBe('((SELECT 1 UNION SELECT 2))');
    expect(fmt('((SELECT 1)) + 1')).toBe('((SELECT 1) + 1)');
  });

  it('reads rows and arrays', () => {
    expect(shape(expr('(1, 2)'))).toMatchObject({ kind: 'row', explicit: false, fields: [{}, {}] });
    expect(shape(expr('ROW(1)'))).toMatchObject({ kind: 'row', explicit: true, fields: [{}] });
    expect(shape(expr('ROW()'))).toMatchObject({ kind: 'row', explicit: true, fields: [] });
    expect(fmt('ARRAY[[1, 2], [3, 4]]')).toBe('ARRAY[ARRAY[1, 2], ARRAY[3, 4]]');
    expect(fmt('ARRAY[]::int[]')).toBe('CAST(ARRAY[] AS int4[])');
    expect(fmt('(a, b) = (1, 2)')).toBe('(ROW(a, b) = ROW(1, 2))');
    expect(fmt('(1)')).toBe('1');
  });

  it('reads CASE', () => {
    expect(shape(expr("CASE x WHEN 1 THEN 'a' END"))).toMatchObject({ kind: 'case', operand: { column: 'x' }, whens: [{ when: { text: '1' }, then: { value: 'a' } }], else: null });
    expect(fmt('CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END')).toBe('CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END');
    expect(parseError('SELECT CASE END').message).toBe('syntax error at or near "END"');
  });

  it('reads casts in all three forms', () => {
    expect(shape(expr('CAST(x AS varchar(10))'))).toMatchObject({ kind: 'cast', syntax: 'cast', type: { name: 'varchar', modifiers: [10] } });
    expect(shape(expr('x::text[]'))).toMatchObject({ kind: 'cast', syntax: 'operator', type: { name: 'text', arrayBounds: [-1] } });
    expect(expr('x::text[]').pos).toBe(8);
    expect(fmt('x::int::text')).toBe('CAST(CAST(x AS int4) AS text)');
  });

  it('reads subscripts, field selection, COLLATE and AT TIME ZONE', () => {
    expect(shape(expr('a[1]'))).toMatchObject({ kind: 'subscript', lower: { text: '1' }, upper: null, slice: false });
    expect(shape(expr('a[:2]'))).toMatchObject({ kind: 'subscript', lower: null, upper: { text: '2' }, slice: true });
    expect(shape(expr('(t).f'))).toMatchObject({ kind: 'fieldSelect', arg: { column: 't' }, field: 'f' });
    expect(shape(expr('(f(x)).*'))).toMatchObject({ kind: 'fieldSelect', field: '*' });
    expect(shape(expr('x COLLATE "de_DE"'))).toMatchObject({ kind: 'collate', collation: { schema: null, name: 'de_DE' } });
    expect(shape(expr('x AT LOCAL'))).toMatchObject({ kind: 'atTimeZone', zone: null });
  });

  it('reads prefix operators', () => {
    expect(fmt('@ -5')).toBe('(@ -5)');
    expect(fmt('|/ 25')).toBe('(|/ 25)');
    expect(fmt('~ a & b')).toBe('((~ a) & b)');
    expect(fmt('OPERATOR(pg_catalog.-) 1')).toBe('(- 1)');
  });
});

describe('function calls', () => {
  it('reads plain and qualified calls', () => {
    expect(shape(expr('now()'))).toEqual({
      kind: 'funcCall', schema: null, name: 'now', args: [], star: false, distinct: false, variadic: false, orderBy: [], withinGroup: false, filter: null, over: null,
    });
    expect(shape(expr('pg_catalog.lower(x)'))).toMatchObject({ schema: 'pg_catalog', name: 'lower', args: [{ column: 'x' }] });
    expect(shape(expr('"MyFunc"(1)'))).toMatchObject({ name: 'MyFunc' });
    expect(shape(expr('left(s, 2)'))).toMatchObject({ kind: 'funcCall', name: 'left' });
  });

  it('reads aggregate decorations', () => {
    expect(shape(expr('count(*)'))).toMatchObject({ name: 'count', star: true, args: [] });
    expect(shape(expr('count(DISTINCT x)'))).toMatchObject({ distinct: true, args: [{ column: 'x' }] });
    expect(shape(expr("string_agg(x, ',' ORDER BY y DESC NULLS LAST)"))).toMatchObject({
      args: [{}, { value: ',' }],
      orderBy: [{ kind: 'sortBy', expr: { column: 'y' }, desc: true, nulls: 'last' }],
      withinGroup: false,
    });
    expect(shape(expr('percentile_disc(0.5) WITHIN GROUP (ORDER BY x)'))).toMatchObject({ withinGroup: true, orderBy: [{ expr: { column: 'x' } }] });
    expect(shape(expr('sum(x) FILTER (WHERE x > 0)'))).toMatchObject({ filter: { kind: 'binaryOp', op: '>' } });
    expect(shape(expr('format(VARIADIC arr)'))).toMatchObject({ variadic: true });
    expect(shape(expr('f(a => 1, b := 2)'))).toMatchObject({ args: [{ kind: 'namedArg', name: 'a' }, { kind: 'namedArg', name: 'b' }] });
  });

  it('reads window functions', () => {
    expect(shape(expr('row_number() OVER (PARTITION BY a, b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING EXCLUDE TIES)'))).toMatchObject({
      over: {
        kind: 'windowSpec',
        name: null,
        partitionBy: [{ column: 'a' }, { column: 'b' }],
        orderBy: [{ expr: { column: 'c' } }],
        frame: { mode: 'rows', start: { type: 'unboundedPreceding', offset: null }, end: { type: 'following', offset: { text: '1' } }, exclude: 'ties' },
      },
    });
    expect(shape(expr('sum(x) OVER w'))).toMatchObject({ over: { name: 'w', partitionBy: [], frame: null } });
    expect(shape(expr('sum(x) OVER (w RANGE CURRENT ROW)'))).toMatchObject({ over: { name: 'w', frame: { mode: 'range', start: { type: 'currentRow' }, end: { type: 'currentRow' } } } });
  });

  it('turns SQL special syntax into calls', () => {
    expect(fmt('COALESCE(a, b)')).toBe('coalesce(a, b)');
    expect(fmt('NULLIF(a, b)')).toBe('nullif(a, b)');
    expect(fmt('GREATEST(1, 2, 3)')).toBe('greatest(1, 2, 3)');
    expect(fmt('LEAST(1, 2)')).toBe('least(1, 2)');
    expect(fmt('EXTRACT(YEAR FROM ts)')).toBe("extract('year', ts)");
    expect(fmt("EXTRACT('epoch' FROM ts)")).toBe("extract('epoch', ts)");
    expect(fmt("POSITION('b' IN s)")).toBe("position(s, 'b')");
    expect(fmt('SUBSTRING(s FROM 2 FOR 3)')).toBe('substring(s, 2, 3)');
    expect(fmt('SUBSTRING(s FOR 3)')).toBe('substring(s, 1, 3)');
    expect(fmt('SUBSTRING(s FROM 2)')).toBe('substring(s, 2)');
    expect(fmt('SUBSTRING(s, 2, 3)')).toBe('substring(s, 2, 3)');
    expect(fmt("TRIM(BOTH 'x' FROM s)")).toBe("btrim(s, 'x')");
    expect(fmt("TRIM(LEADING FROM s)")).toBe('ltrim(s)');
    expect(fmt("TRIM(TRAILING 'x' FROM s)")).toBe("rtrim(s, 'x')");
    expect(fmt('TRIM(s)')).toBe('btrim(s)');
    expect(fmt("OVERLAY(s PLACING 'ab' FROM 2 FOR 3)")).toBe("overlay(s, 'ab', 2, 3)");
    expect(fmt('NORMALIZE(s, NFKC)')).toBe("normalize(s, 'NFKC')");
  });

  it('reads SQL value functions', () => {
    expect(shape(expr('CURRENT_DATE'))).toEqual({ kind: 'sqlValueFunction', name: 'current_date', precision: null });
    expect(shape(expr('CURRENT_TIMESTAMP(3)'))).toEqual({ kind: 'sqlValueFunction', name: 'current_timestamp', precision: 3 });
    for (const name of ['current_time', 'localtime', 'localtimestamp', 'current_user', 'session_user', 'user', 'current_role', 'current_catalog', 'current_schema']) {
      expect(shape(expr(name)), name).toEqual({ kind: 'sqlValueFunction', name, precision: null });
    }
    expect(shape(expr('current_schema()'))).toMatchObject({ kind: 'funcCall', name: 'current_schema' });
  });
});

describe('positions', () => {
  it('point at the token PostgreSQL reports', () => {
    const s = select('SELECT a + b, f(x), t.c, CAST(x AS int), x::int, x IS NULL FROM t');
    const pos = s.targets.map((t) => t.expr.pos);
    //                    SELECT a + b, f(x), t.c, CAST(x AS int), x::int, x IS NULL
    //                    0123456789012345678901234567890123456789012345678901234567
    expect(pos).toEqual([9, 14, 20, 25, 42, 51]);
    expect(s.targets.map((t) => t.pos)).toEqual([7, 14, 20, 25, 41, 49]);
    expect(s.from[0]!.pos).toBe(64);
  });
});
