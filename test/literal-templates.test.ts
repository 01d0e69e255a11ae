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
  error?: { code: string; message: string; position: number | undefined };
}

function outcome(run: () => { command: string; columns: readonly { name: string; type: { id: string } }[]; rows: unknown[][] }): Outcome {
  try {
    const r = run();
    return { command: r.command, columns: r.columns.map((c) => ({ name: c.name, type: c.type.id })), rows: r.rows };
  } catch (error) {
    if (!(error instanceof FlintError)) throw error;
    return { error: { code: error.code, message: error.message, position: error.position } };
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
    // Not qualifying: int8-sized or ten characters, a spaced minus, separators, hex, decimals, nested, arithmetic, parameters.
    for (const sql of [
      'SELECT * FROM t WHERE id = 2147483647', 'SELECT * FROM t WHERE id = -123456789', 'SELECT * FROM t WHERE id = - 5',
      'SELECT * FROM t WHERE id = 1_000', 'SELECT * FROM t WHERE id = 0x10', 'SELECT * FROM t WHERE id = 1.0', 'SELECT * FROM t WHERE id = 1e3',
      'SELECT * FROM t WHERE (id = 1 OR id = 2)', 'SELECT * FROM t WHERE id = 1 + 1', 'SELECT * FROM t WHERE id = ?', 'SELECT * FROM t WHERE id = $1',
      'SELECT * FROM t WHERE id IN (1, 2)', 'SELECT * FROM t WHERE id BETWEEN 1 AND 2', 'WITH w AS (SELECT 1) SELECT * FROM t WHERE id = 1',
      'SELECT * FROM t WHERE id = 1 FOR UPDATE', 'SELECT 1 UNION SELECT id FROM t WHERE id = 1', 'UPDATE t SET name = 1 WHERE id = 1',
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
});
