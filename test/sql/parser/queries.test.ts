import { describe, expect, it } from 'vitest';
import { fmtQuery, one, parseError, query, select, shape } from './helpers.ts';

describe('SELECT', () => {
  it('builds a complete query node', () => {
    expect(shape(query('SELECT DISTINCT a AS x, b y, * FROM t WHERE a > 1 GROUP BY 1, b HAVING count(*) > 1 ORDER BY x DESC LIMIT 10 OFFSET 5'))).toEqual({
      kind: 'query',
      with: null,
      body: {
        kind: 'select',
        distinct: true,
        distinctOn: null,
        targets: [
          { kind: 'target', expr: { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'a' }, alias: 'x' },
          { kind: 'target', expr: { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'b' }, alias: 'y' },
          { kind: 'target', expr: { kind: 'star', table: null }, alias: null },
        ],
        from: [{ kind: 'tableRef', name: { schema: null, name: 't' }, alias: null, only: false }],
        where: {
          kind: 'binaryOp',
          op: '>',
          left: { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'a' },
          right: { kind: 'number', text: '1', form: 'integer' },
        },
        groupBy: [
          { kind: 'number', text: '1', form: 'integer' },
          { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'b' },
        ],
        having: {
          kind: 'binaryOp',
          op: '>',
          left: { kind: 'funcCall', schema: null, name: 'count', args: [], star: true, distinct: false, variadic: false, orderBy: [], withinGroup: false, filter: null, over: null },
          right: { kind: 'number', text: '1', form: 'integer' },
        },
        windows: [],
      },
      orderBy: [{ kind: 'sortBy', expr: { kind: 'columnRef', catalog: null, schema: null, table: null, column: 'x' }, desc: true, nulls: null }],
      limit: { kind: 'number', text: '1' + '0', form: 'integer' },
      withTies: false,
      offset: { kind: 'number', text: '5', form: 'integer' },
      locking: [],
    });
  });

  it('reads DISTINCT ON and ALL', () => {
    expect(shape(select('SELECT DISTINCT ON (a, b) a FROM t'))).toMatchObject({ distinct: true, distinctOn: [{ column: 'a' }, { column: 'b' }] });
    expect(shape(select('SELECT ALL a FROM t'))).toMatchObject({ distinct: false, distinctOn: null });
  });

  it('allows an empty select list', () => {
    expect(select('SELECT FROM t').targets).toEqual([]);
    expect(select('SELECT').targets).toEqual([]);
    expect(shape(one('SELECT EXISTS (SELECT FROM t WHERE x)'))).toMatchObject({ kind: 'query' });
  });

  it('takes aliases with AS (any keyword) or bare (unless the word needs AS)', () => {
    expect(select('SELECT 1 AS from, 2 AS "Mixed", 3 value, 4 "q"').targets.map((t) => t.alias)).toEqual(['from', 'Mixed', 'value', 'q']);
    expect(parseError('SELECT 1 year').message).toBe('syntax error at or near "year"');
  });

  it('reads WINDOW definitions', () => {
    expect(shape(select('SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY a), v AS (w ORDER BY b)').windows)).toMatchObject([
      { name: 'w', spec: { name: null, partitionBy: [{ column: 'a' }] } },
      { name: 'v', spec: { name: 'w', orderBy: [{ expr: { column: 'b' } }] } },
    ]);
  });

  it('reads grouping sets', () => {
    expect(shape(select('SELECT 1 FROM t GROUP BY ROLLUP (a, b), CUBE (c), GROUPING SETS ((a, b), c, ()), ()').groupBy)).toMatchObject([
      { kind: 'groupingSet', type: 'rollup', items: [{ column: 'a' }, { column: 'b' }] },
      { kind: 'groupingSet', type: 'cube', items: [{ column: 'c' }] },
      { kind: 'groupingSet', type: 'sets', items: [{ kind: 'row' }, { column: 'c' }, { type: 'empty' }] },
      { kind: 'groupingSet', type: 'empty', items: [] },
    ]);
  });

  it('reads TABLE t as SELECT * FROM t and VALUES as a query', () => {
    expect(fmtQuery('TABLE s.t')).toBe('SELECT * FROM s.t');
    expect(shape(query('VALUES (1, 2), (3, DEFAULT)').body)).toMatchObject({ kind: 'values', rows: [[{ text: '1' }, { text: '2' }], [{ text: '3' }, { kind: 'default' }]] });
  });
});

describe('set operations', () => {
  it('binds INTERSECT tighter than UNION and EXCEPT, which are left-associative', () => {
    expect(fmtQuery('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3')).toBe('(SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3))');
    expect(fmtQuery('SELECT 1 INTERSECT SELECT 2 UNION SELECT 3')).toBe('((SELECT 1 INTERSECT SELECT 2) UNION SELECT 3)');
    expect(fmtQuery('SELECT 1 UNION SELECT 2 EXCEPT SELECT 3')).toBe('((SELECT 1 UNION SELECT 2) EXCEPT SELECT 3)');
    expect(fmtQuery('SELECT 1 EXCEPT ALL SELECT 2 UNION DISTINCT SELECT 3')).toBe('((SELECT 1 EXCEPT ALL SELECT 2) UNION SELECT 3)');
  });

  it('applies ORDER BY and LIMIT to the whole set operation', () => {
    const q = query('SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 3');
    expect(q.body.kind).toBe('setOp');
    expect(q.orderBy.length).toBe(1);
    expect(shape(q.limit)).toEqual({ kind: 'number', text: '3', form: 'integer' });
  });

  it('respects parentheses, keeping inner ORDER BY / LIMIT as a nested query', () => {
    expect(fmtQuery('SELECT 1 UNION (SELECT 2 UNION SELECT 3)')).toBe('(SELECT 1 UNION (SELECT 2 UNION SELECT 3))');
    expect(fmtQuery('(SELECT 1) UNION (SELECT 2)')).toBe('(SELECT 1 UNION SELECT 2)');
    const q = query('(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u) ORDER BY 1');
    expect(shape(q.body)).toMatchObject({ kind: 'setOp', all: true, left: { kind: 'query', limit: { text: '1' } }, right: { kind: 'select' } });
    expect(fmtQuery('((SELECT 1))')).toBe('SELECT 1');
  });

  it('rejects ORDER BY before a set operator', () => {
    expect(parseError('SELECT 1 ORDER BY 1 UNION SELECT 2').message).toBe('syntax error at or near "UNION"');
  });
});

describe('trailing clauses', () => {
  it('reads LIMIT ALL, OFFSET ROWS and FETCH FIRST', () => {
    expect(query('SELECT 1 LIMIT ALL').limit).toBeNull();
    expect(shape(query('SELECT 1 OFFSET 5 ROWS FETCH FIRST 3 ROWS ONLY'))).toMatchObject({ limit: { text: '3' }, offset: { text: '5' }, withTies: false });
    expect(shape(query('SELECT 1 FETCH NEXT ROW ONLY'))).toMatchObject({ limit: { text: '1' } });
    expect(shape(query('SELECT 1 ORDER BY 1 FETCH FIRST $1 ROWS WITH TIES'))).toMatchObject({ limit: { kind: 'param', index: 1 }, withTies: true });
    expect(shape(query('SELECT 1 OFFSET 2 LIMIT 1'))).toMatchObject({ limit: { text: '1' }, offset: { text: '2' } });
  });

  it('rejects MySQL LIMIT a, b like PostgreSQL', () => {
    const e = parseError('SELECT 1 LIMIT 1, 2');
    expect([e.code, e.message, e.position]).toEqual(['42601', 'LIMIT #,# syntax is not supported', 10]);
  });

  it('reads locking clauses', () => {
    expect(shape(query('SELECT 1 FROM t FOR UPDATE').locking)).toEqual([{ strength: 'update', tables: [], wait: 'block' }]);
    expect(shape(query('SELECT 1 FROM t, u FOR SHARE OF t NOWAIT FOR KEY SHARE OF u SKIP LOCKED').locking)).toEqual([
      { strength: 'share', tables: [{ schema: null, name: 't' }], wait: 'nowait' },
      { strength: 'keyShare', tables: [{ schema: null, name: 'u' }], wait: 'skipLocked' },
    ]);
    expect(shape(query('SELECT 1 FROM t FOR NO KEY UPDATE LIMIT 1'))).toMatchObject({ locking: [{ strength: 'noKeyUpdate' }], limit: { text: '1' } });
  });
});

describe('WITH', () => {
  it('reads common table expressions', () => {
    expect(shape(query('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r), s AS MATERIALIZED (SELECT 2), u AS NOT MATERIALIZED (SELECT 3) SELECT * FROM r').with)).toMatchObject({
      kind: 'with',
      recursive: true,
      ctes: [
        { kind: 'cte', name: 'r', columns: ['n'], materialized: null, query: { kind: 'query', body: { kind: 'setOp', op: 'union', all: true } } },
        { name: 's', columns: null, materialized: true },
        { name: 'u', materialized: false },
      ],
    });
  });

  it('allows data-modifying statements in and after WITH', () => {
    expect(shape(one('WITH d AS (DELETE FROM t RETURNING id) SELECT count(*) FROM d'))).toMatchObject({ kind: 'query', with: { ctes: [{ query: { kind: 'delete' } }] } });
    expect(shape(one('WITH v AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM v'))).toMatchObject({ kind: 'insert', with: { ctes: [{ name: 'v' }] } });
    expect(shape(one('WITH v AS (SELECT 1) UPDATE t SET a = 1'))).toMatchObject({ kind: 'update', with: { ctes: [{}] } });
    expect(shape(one('WITH v AS (SELECT 1) DELETE FROM t'))).toMatchObject({ kind: 'delete', with: { ctes: [{}] } });
    expect(one('WITH v AS (SELECT 1) DELETE FROM t').pos).toBe(0);
  });

  it('allows WITH inside a subquery', () => {
    expect(fmtQuery('SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) AS y')).toBe('SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) AS y');
  });
});

describe('FROM', () => {
  it('reads tables with aliases and column aliases', () => {
    expect(shape(select('SELECT 1 FROM s.t AS x (a, b), u y, ONLY v, w *').from)).toEqual([
      { kind: 'tableRef', name: { schema: 's', name: 't' }, alias: { name: 'x', columns: ['a', 'b'] }, only: false },
      { kind: 'tableRef', name: { schema: null, name: 'u' }, alias: { name: 'y', columns: null }, only: false },
      { kind: 'tableRef', name: { schema: null, name: 'v' }, alias: null, only: true },
      { kind: 'tableRef', name: { schema: null, name: 'w' }, alias: null, only: false },
    ]);
  });

  it('reads subqueries, VALUES and functions', () => {
    expect(shape(select('SELECT 1 FROM (SELECT 1) AS s, LATERAL (SELECT 2) l, (VALUES (1)) v (x), generate_series(1, 10) AS g (n), unnest($1) WITH ORDINALITY, (SELECT 3)').from)).toMatchObject([
      { kind: 'subqueryRef', alias: { name: 's' }, lateral: false, query: { kind: 'query' } },
      { kind: 'subqueryRef', alias: { name: 'l' }, lateral: true },
      { kind: 'subqueryRef', alias: { name: 'v', columns: ['x'] }, query: { body: { kind: 'values' } } },
      { kind: 'functionRef', call: { kind: 'funcCall', name: 'generate_series' }, alias: { name: 'g', columns: ['n'] }, ordinality: false },
      { kind: 'functionRef', call: { name: 'unnest' }, alias: null, ordinality: true },
      { kind: 'subqueryRef', alias: null },
    ]);
    expect(shape(select('SELECT * FROM current_date').from)).toMatchObject([{ kind: 'functionRef', call: { kind: 'sqlValueFunction' } }]);
  });

  it('reads every join form, left-associative', () => {
    expect(fmtQuery('SELECT 1 FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x) CROSS JOIN d')).toBe(
      'SELECT 1 FROM (((a INNER JOIN b ON (a.x = b.x)) LEFT JOIN c USING (x)) CROSS JOIN d)',
    );
    const joins = [
      ['a INNER JOIN b ON true', 'inner', false],
      ['a LEFT OUTER JOIN b ON true', 'left', false],
      ['a RIGHT JOIN b ON true', 'right', false],
      ['a FULL OUTER JOIN b ON true', 'full', false],
      ['a NATURAL JOIN b', 'inner', true],
      ['a NATURAL LEFT JOIN b', 'left', true],
      ['a CROSS JOIN b', 'cross', false],
    ] as const;
    for (const [text, type, natural] of joins) {
      expect(shape(select(`SELECT 1 FROM ${text}`).from[0]), text).toMatchObject({ kind: 'join', type, natural });
    }
    expect(shape(select('SELECT 1 FROM a JOIN b USING (x, y) AS j').from[0])).toMatchObject({ using: [{ name: 'x' }, { name: 'y' }], usingAlias: 'j', on: null });
  });

  it('reads parenthesised joins with an alias', () => {
    expect(shape(select('SELECT 1 FROM (a JOIN b ON true) AS j, ((c CROSS JOIN d))').from)).toMatchObject([
      { kind: 'join', alias: { name: 'j' } },
      { kind: 'join', type: 'cross', alias: null },
    ]);
  });

  it('rejects a join without a condition', () => {
    expect(parseError('SELECT 1 FROM a JOIN b').message).toBe('syntax error at end of input');
    expect(parseError('SELECT 1 FROM a LEFT b ON true').message).toBe('syntax error at or near "b"');
  });
});
