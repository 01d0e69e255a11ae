// The session's plan cache (src/db/plan-cache.ts): a prepared statement is
// bound once and its plan reused, so everything the plan depends on must
// make it bind again when it changes: DDL (its own, another session's, one
// rolled back), settings (enable_indexscan, TimeZone), parameter types.
// Results must always be what binding afresh would give.

import { describe, expect, it, vi } from 'vitest';
import { Database } from '../src/db/database.ts';
import type { RoleManager } from '../src/db/roles.ts';
import type { Session } from '../src/db/session.ts';
import { codeOf } from './helpers/flint-errors.ts';

function open(): Database {
  const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
  db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, cat int)');
  db.exec("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 10)");
  return db;
}

/** Wait until the wall clock has moved on by at least one millisecond. */
function tick(): void {
  const start = Date.now();
  while (Date.now() <= start + 1) {
    // spin
  }
}

describe('plan cache', () => {
  it('binds again after DROP TABLE and CREATE TABLE between runs', () => {
    const db = open();
    const select = db.prepare('SELECT * FROM t WHERE id = $1');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    db.exec('DROP TABLE t');
    expect(codeOf(() => select.get(1))).toBe('42P01');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, label text)');
    db.exec("INSERT INTO t VALUES (1, 'x')");
    expect(select.get(1)).toEqual({ id: 1, label: 'x' });
    expect(select.columns().map((c) => c.name)).toEqual(['id', 'label']);
    db.close();
  });

  it('sees ALTER TABLE ADD COLUMN and DROP COLUMN in SELECT *', () => {
    const db = open();
    const select = db.prepare('SELECT * FROM t WHERE id = $1');
    expect(select.get(2)).toEqual({ id: 2, name: 'b', cat: 20 });
    db.exec("ALTER TABLE t ADD COLUMN note text DEFAULT 'n'");
    expect(select.get(2)).toEqual({ id: 2, name: 'b', cat: 20, note: 'n' });
    db.exec('ALTER TABLE t DROP COLUMN name');
    expect(select.get(2)).toEqual({ id: 2, cat: 20, note: 'n' });
    db.close();
  });

  it('uses an index created after the statement was prepared, and stops when it is dropped', () => {
    const db = open();
    const byCat = db.prepare('SELECT id FROM t WHERE cat = $1 ORDER BY id');
    const indexScan = vi.spyOn(db.engine, 'indexScan');
    expect(byCat.all(10)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(indexScan).not.toHaveBeenCalled();
    db.exec('CREATE INDEX t_cat ON t (cat)');
    expect(byCat.all(10)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(indexScan).toHaveBeenCalledTimes(1);
    db.exec('DROP INDEX t_cat');
    expect(byCat.all(10)).toEqual([{ id: 1 }, { id: 3 }]);
    expect(indexScan).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('follows SET enable_indexscan', () => {
    const db = open();
    const select = db.prepare('SELECT name FROM t WHERE id = $1');
    const indexScan = vi.spyOn(db.engine, 'indexScan');
    expect(select.get(3)).toEqual({ name: 'c' });
    const before = indexScan.mock.calls.length;
    expect(before).toBeGreaterThan(0);
    db.exec('SET enable_indexscan = off');
    expect(select.get(3)).toEqual({ name: 'c' });
    expect(indexScan.mock.calls.length).toBe(before);
    db.exec('SET enable_indexscan = on');
    expect(select.get(3)).toEqual({ name: 'c' });
    expect(indexScan.mock.calls.length).toBe(before + 1);
    db.close();
  });

  it("sees another session's DDL once it commits, and not before", () => {
    const db = open();
    const select = db.prepare('SELECT * FROM t WHERE id = $1');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    const other = db.session();
    other.execute('BEGIN');
    other.execute('ALTER TABLE t ADD COLUMN extra int DEFAULT 7');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    other.execute('COMMIT');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10, extra: 7 });
    other.execute('DROP TABLE t');
    expect(codeOf(() => select.get(1))).toBe('42P01');
    db.close();
  });

  it('sees its own uncommitted DDL, and forgets it on ROLLBACK', () => {
    const db = open();
    const select = db.prepare('SELECT * FROM t WHERE id = $1');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    db.exec('BEGIN');
    db.exec('ALTER TABLE t ADD COLUMN extra int DEFAULT 7');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10, extra: 7 });
    db.exec('ROLLBACK');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    db.exec('BEGIN');
    db.exec('SAVEPOINT s');
    db.exec('DROP TABLE t');
    expect(codeOf(() => select.get(1))).toBe('42P01');
    db.exec('ROLLBACK TO SAVEPOINT s');
    expect(select.get(1)).toEqual({ id: 1, name: 'a', cat: 10 });
    db.exec('COMMIT');
    db.close();
  });

  it('parses timestamptz constants in the current TimeZone', () => {
    const db = open();
    const select = db.prepare("SELECT '2024-01-01 00:00'::timestamptz AS at");
    const utc = (select.get() as { at: Date }).at.getTime();
    db.exec("SET TIME ZONE 'America/New_York'");
    const ny = (select.get() as { at: Date }).at.getTime();
    expect(ny - utc).toBe(5 * 3600 * 1000);
    db.close();
  });

  it('evaluates the clock per run, also where the constant is folded while binding', () => {
    const db = open();
    const now = db.prepare('SELECT now() AS a');
    const folded = db.prepare("SELECT 'now'::timestamptz AS a");
    const first = [(now.get() as { a: Date }).a.getTime(), (folded.get() as { a: Date }).a.getTime()];
    tick();
    const second = [(now.get() as { a: Date }).a.getTime(), (folded.get() as { a: Date }).a.getTime()];
    expect(second[0]).toBeGreaterThan(first[0]!);
    expect(second[1]).toBeGreaterThan(first[1]!);
    db.close();
  });

  it('converts parameters to the inferred type on every run', () => {
    const db = open();
    const select = db.prepare('SELECT name FROM t WHERE id = $1');
    expect(select.get(2)).toEqual({ name: 'b' });
    expect(select.get('2')).toEqual({ name: 'b' });
    expect(select.get(2n)).toEqual({ name: 'b' });
    expect(select.get(null)).toBeUndefined();
    expect(select.get(99)).toBeUndefined();
    expect(codeOf(() => select.get('x'))).toBe('22P02');
    expect(select.get(3)).toEqual({ name: 'c' });
    db.close();
  });

  it('keeps parameter types a server client declared, per statement', () => {
    const db = open();
    const s = db.session();
    const [parsed] = s.parse('SELECT $1 AS v');
    const asText = s.run(parsed!.statement, ['12'], []);
    expect(asText.rows).toEqual([['12']]);
    expect(asText.columns[0]!.type.id).toBe('text');
    const asInt = s.run(parsed!.statement, ['12'], [{ id: 'int4' }]);
    expect(asInt.rows).toEqual([[12]]);
    expect(asInt.columns[0]!.type.id).toBe('int4');
    expect(s.run(parsed!.statement, ['12'], []).columns[0]!.type.id).toBe('text');
    db.close();
  });

  it('sees a table recreated under the same name by another session between runs', () => {
    const db = open();
    const s = db.session();
    const [parsed] = s.parse('SELECT count(*) AS n FROM t');
    expect(s.run(parsed!.statement).rows).toEqual([[3n]]);
    const other = db.session();
    other.execute('DROP TABLE t');
    other.execute('CREATE TABLE t (id int PRIMARY KEY)');
    other.execute('INSERT INTO t VALUES (1)');
    expect(s.run(parsed!.statement).rows).toEqual([[1n]]);
    db.close();
  });

  it('binds a prepared INSERT again when the table gains a column or a constraint', () => {
    const db = open();
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    expect(insert.run(10, 'j', 1).changes).toBe(1);
    db.exec("ALTER TABLE t ADD COLUMN note text DEFAULT 'dflt'");
    expect(insert.run(11, 'k', 2).changes).toBe(1);
    expect(db.prepare('SELECT note FROM t WHERE id = 11').get()).toEqual({ note: 'dflt' });
    db.exec('ALTER TABLE t ADD CONSTRAINT cat_small CHECK (cat < 100)');
    expect(codeOf(() => insert.run(12, 'l', 500))).toBe('23514');
    expect(insert.run(12, 'l', 5).changes).toBe(1);
    expect(codeOf(() => insert.run(12, 'again', 5))).toBe('23505');
    expect(codeOf(() => insert.run(null, 'n', 5))).toBe('23502');
    db.close();
  });

  it('runs column defaults per row: sequences, now() and DEFAULT in UPDATE', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE s (id serial PRIMARY KEY, v int, at timestamptz DEFAULT now(), tag text DEFAULT \'x\')');
    const insert = db.prepare('INSERT INTO s (v) VALUES ($1) RETURNING id, at');
    const first = insert.get(1) as { id: number; at: Date };
    tick();
    const second = insert.get(2) as { id: number; at: Date };
    expect([first.id, second.id]).toEqual([1, 2]);
    expect(second.at.getTime()).toBeGreaterThan(first.at.getTime());
    expect(insert.run(3).lastInsertId).toBe(3);
    const reset = db.prepare('UPDATE s SET tag = DEFAULT, v = v + $1 WHERE id = $2');
    db.exec("UPDATE s SET tag = 'changed'");
    expect(reset.run(10, 2).changes).toBe(1);
    expect(reset.run(10, 99).changes).toBe(0);
    expect(db.prepare('SELECT id, v, tag FROM s ORDER BY id').raw().all()).toEqual([[1, 1, 'changed'], [2, 12, 'x'], [3, 3, 'changed']]);
    db.close();
  });

  it('keeps foreign key checks and actions in cached UPDATE and DELETE', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE p (id int PRIMARY KEY)');
    db.exec('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE)');
    db.exec('INSERT INTO p VALUES (1), (2), (3)');
    db.exec('INSERT INTO c VALUES (10, 1), (20, 2), (30, 3)');
    const insertChild = db.prepare('INSERT INTO c VALUES ($1, $2)');
    const move = db.prepare('UPDATE p SET id = $1 WHERE id = $2');
    const remove = db.prepare('DELETE FROM p WHERE id = $1');
    expect(codeOf(() => insertChild.run(40, 9))).toBe('23503');
    expect(move.run(11, 1).changes).toBe(1);
    expect(move.run(22, 2).changes).toBe(1);
    expect(remove.run(3).changes).toBe(1);
    expect(remove.run(3).changes).toBe(0);
    expect(codeOf(() => insertChild.run(40, 3))).toBe('23503');
    expect(insertChild.run(40, 11).changes).toBe(1);
    expect(db.prepare('SELECT id, p FROM c ORDER BY id').raw().all()).toEqual([[10, 11], [20, 22], [40, 11]]);
    db.close();
  });

  it('gives the same answers for prepared DML as for the same statements run as text', () => {
    const run = (prepared: boolean) => {
      const db = open();
      const statements: [string, unknown[]][] = [
        ['INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name', [1, 'A', 10]],
        ['INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name', [4, 'd', 30]],
        ['INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [4, 'dd', 30]],
        ['UPDATE t SET cat = cat + $1 WHERE cat = $2 RETURNING id', [1, 10]],
        ['DELETE FROM t WHERE id = $1 RETURNING *', [2]],
        ['INSERT INTO t SELECT id + $1, name, cat FROM t WHERE id < 4', [100]],
      ];
      const out: unknown[] = [];
      for (const [sql, params] of statements) {
        if (prepared) {
          const s = db.prepare(sql).raw();
          out.push(s.all(...params), s.all(...params.map((p) => (typeof p === 'number' ? p + 1000 : p))));
        } else {
          const sess = db.session();
          out.push(sess.execute(sql, params as never[])[0]!.rows, sess.execute(sql, params.map((p) => (typeof p === 'number' ? p + 1000 : p)) as never[])[0]!.rows);
        }
      }
      out.push(db.prepare('SELECT * FROM t ORDER BY id').raw().all());
      db.close();
      return JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    };
    expect(run(true)).toBe(run(false));
  });
});

describe("plan cache: another session's plans", () => {
  const asUser = (user: string) => ({ user, list: () => [], create() {}, alter() {}, rename() {}, drop: () => [] }) as unknown as RoleManager;

  it("runs a plan another session kept, checked for its own catalog and settings", () => {
    const db = open();
    const a = db.session();
    const b = db.session();
    const sql = 'SELECT name FROM t WHERE cat = $1 ORDER BY id';
    const run = (s: Session, params: unknown[] = [10]) => s.run(s.parse(sql)[0]!.statement, params as never[]).rows;
    expect(run(a)).toEqual([['a'], ['c']]);
    expect(run(a)).toEqual([['a'], ['c']]); // kept from this run
    expect(run(b)).toEqual([['a'], ['c']]); // a's plan (statement-run.test.ts: it binds nothing)
    // A setting binding read differs in b: b binds its own; a keeps its.
    b.run(b.parse('SET enable_indexscan = off')[0]!.statement);
    expect(run(b, [20])).toEqual([['b']]);
    expect(run(a, [20])).toEqual([['b']]);
    // DDL: both see it.
    db.exec("INSERT INTO t VALUES (4, 'd', 20)");
    db.exec('ALTER TABLE t RENAME COLUMN name TO label');
    expect(() => run(a)).toThrow();
    expect(() => run(b)).toThrow();
    db.close();
  });

  it('does not run a plan whose binding read the user in another session', () => {
    const db = open();
    const a = db.session();
    const b = db.session();
    a.roles = asUser('alice');
    b.roles = asUser('bob');
    const sql = 'SELECT current_user, $1::int AS n';
    const run = (s: Session) => s.run(s.parse(sql)[0]!.statement, [1]).rows;
    for (let i = 0; i < 3; i++) expect(run(a)).toEqual([['alice', 1]]);
    for (let i = 0; i < 3; i++) expect(run(b)).toEqual([['bob', 1]]);
    expect(run(a)).toEqual([['alice', 1]]);
    db.close();
  });
});
