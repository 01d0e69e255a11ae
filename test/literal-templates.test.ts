// Statements that differ only in integer literals share one plan (the
// session's literal templates, src/db/plan-cache.ts): `... WHERE aid = 48213`
// runs the plan bound for `... WHERE aid = $1` with 48213 as the value.
// Every statement here is run twice: through Session.parse (where a
// template may be used) and from an AST the session never saw (bound as
// written); the two must agree in everything a client sees: the command,
// the column names and types, the rows, and an error's code, message and
// position.

import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import type { Session } from '../src/db/session.ts';
import { literalShape } from '../src/db/plan-cache.ts';
import { FlintError } from '../src/errors.ts';
import { parseScript } from '../src/sql/parser.ts';

interface Outcome {
  command?: string;
  columns?: { name: string; type: string }[];
  rows?: unknown[][];
  error?: { code: string; message: string; position: number | undefined; detail: string | undefined };
}

function outcome(run: () => { command: string; columns: readonly { name: string; type: { id: string } }[]; rows: unknown[][] }): Outcome {
  try {
    const r = run();
    return { command: r.command, columns: r.columns.map((c) => ({ name: c.name, type: c.type.id })), rows: r.rows };
  } catch (error) {
    if (!(error instanceof FlintError)) throw error;
    return { error: { code: error.code, message: error.message, position: error.position, detail: error.detail } };
  }
}

/** Through the session's parse: a template may answer. */
function viaTemplate(s: Session, sql: string): Outcome {
  return outcome(() => s.run(s.parse(sql)[0]!.statement));
}

/** From an AST of its own: bound as written. */
function asWritten(s: Session, sql: string): Outcome {
  return outcome(() => s.run(parseScript(sql)[0]!.statement));
}

function open(): Database {
  const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
  db.exec(`CREATE TABLE t (id int PRIMARY KEY, big bigint, small smallint, num numeric, dbl double precision, name text, flag boolean, re real)`);
  for (let i = -3; i <= 40; i++) {
    db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8)').run(i, i * 1000, i % 7, `${i}.5`, i / 4, `n${i}`, i % 2 === 0, i / 8);
  }
  db.exec('CREATE INDEX t_small ON t (small)');
  return db;
}

/** Runs each statement through a template and as written, and compares. */
function agree(db: Database, statements: readonly string[]): void {
  const s = db.session();
  const plain = db.session();
  for (const sql of statements) expect(viaTemplate(s, sql), sql).toEqual(asWritten(plain, sql));
  s.close();
  plain.close();
}

describe('literal templates', () => {
  it('note the integer literals compared with columns in WHERE, and nothing else', () => {
    const db = open();
    const shape = (sql: string) => {
      const found = literalShape(parseScript(sql)[0]!.statement, sql);
      return found === undefined ? undefined : { key: found.key, values: found.values };
    };
    expect(shape('SELECT name FROM t WHERE id = 48213')).toEqual({ key: 'SELECT name FROM t WHERE id = 00000', values: [48213] });
    expect(shape('SELECT 7, name FROM t WHERE 12 < id AND id <= -3 AND name = $$x$$ ORDER BY 1 LIMIT 5')).toBeUndefined();
    expect(shape('SELECT 7, name FROM t WHERE 12 < id AND id <= -3 ORDER BY 1 LIMIT 5')).toEqual({ key: 'SELECT 7, name FROM t WHERE 00 < id AND id <= -0 ORDER BY 1 LIMIT 5', values: [12, -3] });
    // pgbench's tpcb-like statements: a negative literal is one token (the parser folds the minus into it).
    expect(shape('UPDATE pgbench_accounts SET abalance = abalance + -2345 WHERE aid = 48213;')).toEqual({
      key: 'UPDATE pgbench_accounts SET abalance = abalance + -0000 WHERE aid = 00000;', values: [-2345, 48213],
    });
    expect(shape('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (7, 1, 48213, 123, CURRENT_TIMESTAMP);')).toEqual({
      key: 'INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (0, 0, 00000, 000, CURRENT_TIMESTAMP);', values: [7, 1, 48213, 123],
    });
    expect(shape('UPDATE t SET small = 4 - small, name = \'x\', big = 5 WHERE 3 < id AND name = \'y\' RETURNING 8')).toEqual({
      key: 'UPDATE t SET small = 0 - small, name = \'x\', big = 0 WHERE 0 < id AND name = \'y\' RETURNING 8', values: [4, 5, 3],
    });
    expect(shape('DELETE FROM t WHERE id = 5 RETURNING 1')).toEqual({ key: 'DELETE FROM t WHERE id = 0 RETURNING 1', values: [5] });
    // Not qualifying: int8-sized or ten characters, a spaced minus, separators, hex, decimals, nested, arithmetic, parameters.
    for (const sql of [
      'SELECT * FROM t WHERE id = 2147483647', 'SELECT * FROM t WHERE id = -123456789', 'SELECT * FROM t WHERE id = - 5',
      'SELECT * FROM t WHERE id = 1_000', 'SELECT * FROM t WHERE id = 0x10', 'SELECT * FROM t WHERE id = 1.0', 'SELECT * FROM t WHERE id = 1e3',
      'SELECT * FROM t WHERE (id = 1 OR id = 2)', 'SELECT * FROM t WHERE id = 1 + 1', 'SELECT * FROM t WHERE id = ?', 'SELECT * FROM t WHERE id = $1',
      'SELECT * FROM t WHERE id IN (1, 2)', 'SELECT * FROM t WHERE id BETWEEN 1 AND 2', 'WITH w AS (SELECT 1) SELECT * FROM t WHERE id = 1',
      'SELECT * FROM t WHERE id = 1 FOR UPDATE', 'SELECT 1 UNION SELECT id FROM t WHERE id = 1',
      // DML: nested or other arithmetic, several VALUES rows, INSERT ... SELECT, FROM / USING, WITH, a DELETE of everything, strings.
      'UPDATE t SET id = 1 + 1', 'UPDATE t SET id = id * 2', 'UPDATE t SET id = (id + 1) + 2', 'UPDATE t SET id = - 5', 'UPDATE t SET (id, small) = (1, 2)',
      'UPDATE t SET id = 3 FROM t u WHERE u.id = 1', 'WITH w AS (SELECT 1) UPDATE t SET id = 1', 'UPDATE t SET name = $$x$$ WHERE name = \'y\'',
      'INSERT INTO t (id) VALUES (1), (2)', 'INSERT INTO t (id) SELECT 1', 'INSERT INTO t (id) VALUES (1 + 1)', 'INSERT INTO t (id) VALUES (\'1\')',
      'INSERT INTO t (id) VALUES (2147483647)', 'INSERT INTO t (id) VALUES ($1)', 'WITH w AS (SELECT 1) INSERT INTO t (id) VALUES (1)', 'INSERT INTO t DEFAULT VALUES',
      'DELETE FROM t', 'DELETE FROM t USING t u WHERE t.id = 1', 'DELETE FROM t WHERE id = 1 OR id = 2',
    ]) {
      expect(shape(sql), sql).toBeUndefined();
    }
    db.close();
  });

  it('answer as the statement bound as written, for every column type, operator and value', () => {
    const db = open();
    const statements: string[] = [];
    for (const column of ['id', 'big', 'small', 'num', 'dbl', 'name', 'flag', 're']) {
      for (const op of ['=', '<>', '<', '<=', '>', '>=']) {
        for (const value of ['5', '-2', '0', '39', '100000', '999999999', '-99999999', '00012']) {
          statements.push(`SELECT id, ${column} FROM t WHERE ${column} ${op} ${value} ORDER BY id`);
          statements.push(`SELECT id FROM t WHERE ${value} ${op} ${column} AND id < 30 ORDER BY 1`);
        }
      }
    }
    agree(db, statements);
    db.close();
  });

  it('keep literals outside WHERE comparisons: select list, ordinals, LIMIT, GROUP BY', () => {
    const db = open();
    agree(db, [
      'SELECT id, 1 FROM t WHERE id > 3 ORDER BY 1 LIMIT 2',
      'SELECT id, 1 FROM t WHERE id > 4 ORDER BY 2, 1 DESC LIMIT 3',
      'SELECT id, 1 FROM t WHERE id > 3 ORDER BY 1 DESC LIMIT 2',
      'SELECT id = 5, id FROM t WHERE id = 5',
      'SELECT id = 6, id FROM t WHERE id = 6',
      'SELECT small, count(*) FROM t WHERE id >= 10 GROUP BY 1 ORDER BY 1',
      'SELECT small, count(*) FROM t WHERE id >= 20 GROUP BY 1 ORDER BY 1',
      'SELECT small, count(*) FROM t WHERE id >= 20 GROUP BY 1 ORDER BY 2 DESC, 1',
      'SELECT 5 FROM t WHERE id = 5',
      'SELECT 55 FROM t WHERE id = 7',
      'SELECT id FROM t WHERE id = 3 OFFSET 0',
      'SELECT id FROM t WHERE id > 3 AND id < 9 ORDER BY id LIMIT 1 OFFSET 2',
      'SELECT id FROM t WHERE id > 3 AND id < 9 ORDER BY id LIMIT 2 OFFSET 1',
      'SELECT t.id, u.id FROM t JOIN t u ON u.id = t.id + 1 WHERE t.id = 4',
      'SELECT t.id, u.id FROM t JOIN t u ON u.id = t.id + 1 WHERE t.id = 5',
      'SELECT id FROM t WHERE id = 5 AND name = \'n5\'',
      'SELECT id FROM t WHERE id = 6 AND name = \'n5\'',
      'SELECT id FROM t WHERE id = 5 AND now() > \'2000-01-01\'',
      'SELECT id FROM t WHERE id = 6 AND now() > \'2000-01-01\'',
      'SELECT id FROM t WHERE id = 7 AND random() < 2',
      'SELECT id FROM t WHERE nosuch = 5',
      'SELECT id FROM nosuch WHERE id = 5',
      'SELECT id FROM t WHERE id = 5 AND id = 6',
      'SELECT count(*) FROM t WHERE id > 5',
      'SELECT count(*) FROM t WHERE id > 6 HAVING count(*) > 3',
      'SELECT count(*) FROM t WHERE id > 7 HAVING count(*) > 300',
      'SELECT DISTINCT small FROM t WHERE id < 9 ORDER BY small',
    ]);
    db.close();
  });

  it('follow DDL: a dropped table, a column of another type, a new index', () => {
    const db = open();
    const s = db.session();
    const plain = db.session();
    const check = (sql: string) => expect(viaTemplate(s, sql), sql).toEqual(asWritten(plain, sql));
    check('SELECT id, small FROM t WHERE small = 3 ORDER BY id');
    check('SELECT id, small FROM t WHERE small = 4 ORDER BY id');
    db.exec('DROP INDEX t_small');
    check('SELECT id, small FROM t WHERE small = 5 ORDER BY id');
    db.exec('ALTER TABLE t DROP COLUMN small');
    check('SELECT id, small FROM t WHERE small = 6 ORDER BY id');
    db.exec("ALTER TABLE t ADD COLUMN small text DEFAULT 'x'");
    check('SELECT id, small FROM t WHERE small = 6 ORDER BY id');
    db.exec('ALTER TABLE t DROP COLUMN small');
    db.exec('ALTER TABLE t ADD COLUMN small bigint DEFAULT 6');
    check('SELECT id, small FROM t WHERE small = 6 ORDER BY id');
    check('SELECT id, small FROM t WHERE small = 7 ORDER BY id');
    db.exec('DROP TABLE t');
    check('SELECT id, small FROM t WHERE small = 8 ORDER BY id');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, small int)');
    db.exec('INSERT INTO t VALUES (1, 8), (2, 9)');
    check('SELECT id, small FROM t WHERE small = 8 ORDER BY id');
    check('SELECT id, small FROM t WHERE small = 9 ORDER BY id');
    s.close();
    plain.close();
    db.close();
  });

  it('share one plan between statements of one template, inside a transaction too', () => {
    const db = open();
    const s = db.session();
    s.run(s.parse('BEGIN')[0]!.statement);
    const first = s.run(s.parse('SELECT id, name FROM t WHERE id = 11')[0]!.statement);
    const second = s.run(s.parse('SELECT id, name FROM t WHERE id = 12')[0]!.statement);
    expect(first.rows).toEqual([[11, 'n11']]);
    expect(second.rows).toEqual([[12, 'n12']]);
    // One bound plan: the same result column objects.
    expect(second.columns).toBe(first.columns);
    s.run(s.parse("UPDATE t SET name = 'changed' WHERE id = 13")[0]!.statement);
    expect(s.run(s.parse('SELECT id, name FROM t WHERE id = 13')[0]!.statement).rows).toEqual([[13, 'changed']]);
    s.run(s.parse('ROLLBACK')[0]!.statement);
    expect(s.run(s.parse('SELECT id, name FROM t WHERE id = 13')[0]!.statement).rows).toEqual([[13, 'n13']]);
    // Run again, or after another text was parsed: the same answers.
    const again = s.parse('SELECT id, name FROM t WHERE id = 14')[0]!.statement;
    expect(s.run(again).rows).toEqual([[14, 'n14']]);
    expect(s.run(again).rows).toEqual([[14, 'n14']]);
    s.parse('SELECT 1');
    expect(s.run(again).rows).toEqual([[14, 'n14']]);
    s.close();
    db.close();
  });

  // DML changes the data: each statement runs on two databases kept in
  // step, through a template on one and as written on the other; the
  // outcomes, and at the end every table, must be the same.
  describe('INSERT, UPDATE and DELETE', () => {
    const SCHEMA = [
      `CREATE TABLE u (id int PRIMARY KEY, big bigint, small smallint NOT NULL DEFAULT 0, num numeric, dbl double precision, name text DEFAULT 'd',
         flag boolean, re real, pos int CHECK (pos > 0), uq int UNIQUE, ser serial, i4 int DEFAULT 7)`,
      'CREATE INDEX u_small ON u (small)',
      'CREATE TABLE child (id int PRIMARY KEY, parent int REFERENCES u (id))',
    ];
    const COLUMNS = ['id', 'big', 'small', 'num', 'dbl', 'name', 'flag', 're', 'pos', 'uq', 'ser', 'i4'];
    const VALUES = ['5', '-2', '0', '39', '100000', '999999999', '-99999999', '00012'];

    function pair(): { run(sql: string): void; exec(sql: string): void; same(): void; close(): void } {
      const a = Database.open(':memory:', { backgroundIntervalMs: 0 });
      const b = Database.open(':memory:', { backgroundIntervalMs: 0 });
      for (const sql of SCHEMA) {
        a.exec(sql);
        b.exec(sql);
      }
      for (let i = 1; i <= 30; i++) {
        const row = `INSERT INTO u (id, big, small, num, dbl, name, flag, re, pos, uq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
        const values = [i, i * 1000, i % 7, `${i}.5`, i / 4, `n${i}`, i % 2 === 0, i / 8, i, i * 10];
        a.prepare(row).run(...values);
        b.prepare(row).run(...values);
      }
      const sa = a.session();
      const sb = b.session();
      return {
        run(sql) {
          expect(viaTemplate(sa, sql), sql).toEqual(asWritten(sb, sql));
        },
        exec(sql) {
          a.exec(sql);
          b.exec(sql);
        },
        same() {
          for (const table of ['u', 'child']) {
            const q = `SELECT * FROM ${table} ORDER BY id`;
            expect(asWritten(sa, q), q).toEqual(asWritten(sb, q));
          }
        },
        close() {
          sa.close();
          sb.close();
          a.close();
          b.close();
        },
      };
    }

    it('UPDATE: SET column = literal, column +/- literal, literal - column, every column type and value', () => {
      const p = pair();
      let k = 0;
      for (const column of COLUMNS) {
        for (const value of VALUES) {
          k = (k % 28) + 1;
          p.run(`UPDATE u SET ${column} = ${value} WHERE id = ${k}`);
          p.run(`UPDATE u SET ${column} = ${column} + ${value} WHERE id = ${k} RETURNING id, ${column}`);
          p.run(`UPDATE u SET ${column} = ${column} - ${value} WHERE id >= ${k} AND id < ${k + 3} RETURNING *`);
          p.run(`UPDATE u SET ${column} = ${value} - ${column} WHERE ${column} = ${value} RETURNING ${column}, 1`);
          p.run(`UPDATE u SET ${column} = ${value} + ${column}, i4 = i4 + 1 WHERE ${value} < ${column} AND id = ${k}`);
        }
        p.same();
      }
      p.close();
    });

    it('UPDATE: overflow, division, NOT NULL, CHECK, UNIQUE, foreign keys, missing columns and tables', () => {
      const p = pair();
      p.exec('INSERT INTO child VALUES (1, 1), (2, 2)');
      for (const sql of [
        // int4 overflow of column + literal, at run time; smallint overflow when stored.
        'UPDATE u SET i4 = i4 + 999999999 WHERE id = 3', 'UPDATE u SET i4 = i4 + 999999999 WHERE id = 3', 'UPDATE u SET i4 = i4 + 999999999 WHERE id = 3',
        'UPDATE u SET i4 = i4 - 999999999 WHERE id = 4', 'UPDATE u SET i4 = -99999999 - i4 WHERE id = 4', 'UPDATE u SET i4 = i4 + -99999999 WHERE id = 4',
        'UPDATE u SET small = small + 32000 WHERE id = 5', 'UPDATE u SET small = small + 30000 WHERE id = 6', 'UPDATE u SET small = 40000 WHERE id = 6',
        'UPDATE u SET small = small - 99999 WHERE id = 7',
        'UPDATE u SET dbl = dbl / 0 WHERE id = 5', 'UPDATE u SET i4 = i4 / 0 WHERE id = 5', 'UPDATE u SET i4 = i4 % 0 WHERE id = 5',
        // Constraints: 23502, 23514, 23505, 23503.
        'UPDATE u SET small = NULL WHERE id = 8', 'UPDATE u SET pos = 0 WHERE id = 8', 'UPDATE u SET pos = pos - 10 WHERE id = 8',
        'UPDATE u SET pos = pos - 100 WHERE id = 9', 'UPDATE u SET uq = 20 WHERE id = 8', 'UPDATE u SET uq = uq + 10 WHERE id = 1',
        'UPDATE u SET uq = uq + 10 WHERE id = 30', 'UPDATE u SET id = 31 WHERE id = 1', 'UPDATE u SET id = id + 100 WHERE id = 3',
        'UPDATE u SET id = 2 WHERE id = 3', 'UPDATE child SET parent = 999 WHERE id = 1', 'UPDATE child SET parent = parent + 1 WHERE id = 2',
        // Types that take no int4 (the template fails to bind; so does the statement).
        'UPDATE u SET flag = 1 WHERE id = 10', 'UPDATE u SET flag = flag + 1 WHERE id = 10', 'UPDATE u SET name = name + 1 WHERE id = 10',
        'UPDATE u SET nosuch = 1 WHERE id = 10', 'UPDATE u SET id = nosuch + 1 WHERE id = 10', 'UPDATE nosuch SET id = 1 WHERE id = 10',
        'UPDATE u SET id = 1 WHERE nosuch = 10', 'UPDATE u SET ser = DEFAULT, i4 = 3 WHERE id = 11 RETURNING ser, i4', 'UPDATE u SET i4 = DEFAULT WHERE id = 12 RETURNING i4',
        'UPDATE u SET i4 = 5 WHERE id = 12 AND now() > \'2000-01-01\'', 'UPDATE u SET i4 = 6 WHERE id = 13 AND random() < 2',
        'UPDATE u SET i4 = 5, i4 = 6 WHERE id = 14 RETURNING i4', 'UPDATE u AS x SET i4 = x.i4 + 2 WHERE x.id = 15 RETURNING x.i4',
        'DELETE FROM u WHERE id = 1', 'DELETE FROM u WHERE id = 2', 'DELETE FROM child WHERE id = 1', 'DELETE FROM u WHERE id = 1 RETURNING id, name',
        'DELETE FROM u WHERE id > 25 AND small <> 3 RETURNING id', 'DELETE FROM u WHERE nosuch = 1', 'DELETE FROM u WHERE name = 5',
      ]) {
        p.run(sql);
      }
      p.same();
      p.close();
    });

    it('INSERT ... VALUES: every column type and value, defaults, constraints, ON CONFLICT, RETURNING', () => {
      const p = pair();
      let id = 100;
      for (const column of COLUMNS.filter((c) => c !== 'id')) {
        for (const value of VALUES) {
          id++;
          p.run(`INSERT INTO u (id, ${column}) VALUES (${id}, ${value})`);
          p.run(`INSERT INTO u (${column}, id, small) VALUES (${value}, ${id + 500}, 3) RETURNING *`);
        }
        p.same();
      }
      for (const sql of [
        'INSERT INTO u VALUES (900, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)', 'INSERT INTO u VALUES (901, 1, 2, 3, 4, 5, NULL, 7, 8, 9, 10, 11)',
        'INSERT INTO u VALUES (902, 1, 2, 3, 4, NULL, NULL, 7, 8, 9)', 'INSERT INTO u VALUES (903, 1, 2)', 'INSERT INTO u VALUES (904) RETURNING ser, i4, small, name',
        'INSERT INTO u (id) VALUES (905, 2)', 'INSERT INTO u (id, small) VALUES (906)', 'INSERT INTO u (id, nosuch) VALUES (907, 1)', 'INSERT INTO nosuch VALUES (1)',
        'INSERT INTO u (id, id) VALUES (908, 1)', 'INSERT INTO u (id, small) VALUES (909, NULL)', 'INSERT INTO u (id, small) VALUES (910, 40000)',
        'INSERT INTO u (id, small) VALUES (911, -32768)', 'INSERT INTO u (id, pos) VALUES (912, 0)', 'INSERT INTO u (id, pos) VALUES (913, -5)',
        'INSERT INTO u (id, uq) VALUES (914, 10)', 'INSERT INTO u (id, uq) VALUES (915, 10)', 'INSERT INTO u (id) VALUES (5)', 'INSERT INTO u (id) VALUES (5)',
        'INSERT INTO u (id, ser) VALUES (916, DEFAULT)', 'INSERT INTO u (id, ser, i4) VALUES (917, 3, DEFAULT) RETURNING ser, i4',
        'INSERT INTO u (id, small) VALUES (5, 1) ON CONFLICT (id) DO UPDATE SET small = excluded.small + 1 RETURNING id, small',
        'INSERT INTO u (id, small) VALUES (5, 2) ON CONFLICT (id) DO UPDATE SET small = excluded.small + 1 RETURNING id, small',
        'INSERT INTO u (id, small) VALUES (918, 2) ON CONFLICT (id) DO UPDATE SET small = excluded.small + 1 RETURNING id, small',
        'INSERT INTO u (id, small) VALUES (6, 1) ON CONFLICT DO NOTHING RETURNING id', 'INSERT INTO u (id, small) VALUES (919, 1) ON CONFLICT DO NOTHING RETURNING id',
        'INSERT INTO u (id, uq) VALUES (920, 20) ON CONFLICT (id) DO NOTHING', 'INSERT INTO u (id, flag) VALUES (921, 1)', 'INSERT INTO u (id, i4) VALUES (922, CURRENT_TIMESTAMP)',
        'INSERT INTO child VALUES (3, 999)', 'INSERT INTO child VALUES (4, 5)', 'INSERT INTO child (parent, id) VALUES (6, 4)',
        'INSERT INTO u AS x (id, i4) VALUES (923, -1) RETURNING x.i4 + 1, 5',
      ]) {
        p.run(sql);
      }
      p.same();
      p.close();
    });

    it('pgbench tpcb-like transactions, and DDL between runs', () => {
      const p = pair();
      p.exec('CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int, abalance int, filler char(84))');
      p.exec('CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))');
      p.exec("INSERT INTO pgbench_accounts SELECT g, 1, 0, '' FROM generate_series(1, 50) g");
      for (let i = 0; i < 60; i++) {
        const aid = (i * 17) % 50 + 1;
        const delta = ((i * 7919) % 10001) - 5000;
        p.run('BEGIN');
        p.run(`UPDATE pgbench_accounts SET abalance = abalance + ${delta} WHERE aid = ${aid};`);
        p.run(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`);
        p.run(`INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${i % 10}, 1, ${aid}, ${delta}, CURRENT_TIMESTAMP);`);
        p.run(i % 3 === 0 ? 'ROLLBACK' : 'END');
        if (i === 20) p.exec('ALTER TABLE pgbench_accounts DROP COLUMN abalance; ALTER TABLE pgbench_accounts ADD COLUMN abalance bigint DEFAULT 0');
        if (i === 30) p.exec('ALTER TABLE pgbench_accounts DROP COLUMN abalance; ALTER TABLE pgbench_accounts ADD COLUMN abalance smallint DEFAULT 0');
        if (i === 40) p.exec('ALTER TABLE pgbench_history DROP COLUMN delta');
        if (i === 50) p.exec('ALTER TABLE pgbench_history ADD COLUMN delta int CHECK (delta > -4000)');
      }
      for (const q of ['SELECT * FROM pgbench_accounts ORDER BY aid', 'SELECT tid, bid, aid, delta FROM pgbench_history ORDER BY tid, aid, delta']) p.run(q);
      p.close();
    });

    it('share one plan between statements of one template', () => {
      const db = open();
      const s = db.session();
      const run = (sql: string) => s.run(s.parse(sql)[0]!.statement);
      const first = run('UPDATE t SET small = small + -2 WHERE id = 11 RETURNING id, small');
      const second = run('UPDATE t SET small = small + -3 WHERE id = 12 RETURNING id, small');
      expect(first.rows).toEqual([[11, 2]]);
      expect(second.rows).toEqual([[12, 2]]);
      expect(second.columns).toBe(first.columns);
      // An int4 literal stored into an int4 column; into smallint it would be converted (bound as written, a plan of its own each time).
      const a = run('INSERT INTO t (id, name) VALUES (100, \'x\') RETURNING id, name');
      const b = run('INSERT INTO t (id, name) VALUES (101, \'x\') RETURNING id, name');
      expect(b.rows).toEqual([[101, 'x']]);
      expect(b.columns).toBe(a.columns);
      const e = run('INSERT INTO t (id, small) VALUES (102, 1) RETURNING id, small');
      const f = run('INSERT INTO t (id, small) VALUES (103, 2) RETURNING id, small');
      expect(f.rows).toEqual([[103, 2]]);
      expect(f.columns).not.toBe(e.columns);
      const c = run('DELETE FROM t WHERE id = 100 RETURNING id');
      const d = run('DELETE FROM t WHERE id = 103 RETURNING id');
      expect([c.rows, d.rows]).toEqual([[[100]], [[103]]]);
      expect(d.columns).toBe(c.columns);
      s.close();
      db.close();
    });
  });
});
