// A statement a transaction block runs again right after itself (a prepared
// INSERT run once per row inside BEGIN/COMMIT) runs its plan without the
// plan cache's lookup (Session #runRepeat), while nothing its last run
// depended on has changed. Whatever changes in between (DDL, settings, the
// declared parameter types, another session's commit, an error, the end of
// the block) must be seen as the general path sees it.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database } from '../src/db/database.ts';
import { PlanCache } from '../src/db/plan-cache.ts';
import type { Session } from '../src/db/session.ts';
import { T } from '../src/sql/types/type-info.ts';
import { codeOf } from './helpers/flint-errors.ts';

const open = (): Database => Database.open(':memory:', { backgroundIntervalMs: 0 });
const sql = (s: Session, text: string, params: unknown[] = []) => s.run(s.parse(text)[0]!.statement, params as never[]).rows;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a statement run again inside a block', () => {
  it('runs its plan without looking it up in the plan cache again', () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, amount float8, cat int)');
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4)');
    // Two runs outside a block keep the plan (a statement bound by a run is kept from its second run on).
    insert.run(1, 'a', 1.5, 1);
    insert.run(2, 'b', 2.5, 2);
    const lookups = vi.spyOn(PlanCache.prototype, 'get');
    db.transaction(() => {
      for (let i = 3; i < 103; i++) expect(insert.run(i, `n${i}`, i / 2, i % 7).changes).toBe(1);
    })();
    // The block's first run looks the plan up; the 99 after it run it as they find it.
    expect(lookups).toHaveBeenCalledTimes(1);
    let sum = 1.5 + 2.5;
    for (let i = 3; i < 103; i++) sum += i / 2;
    expect(db.prepare('SELECT count(*) AS n, sum(amount) AS s FROM t').get()).toEqual({ n: 102, s: sum });
    db.close();
  });

  it("sees DDL between its runs: the block's own and another session's", () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const insert = db.prepare('INSERT INTO t (id, v) VALUES ($1, $2)');
    db.exec('BEGIN');
    insert.run(1, 'a');
    insert.run(2, 'b');
    db.exec("ALTER TABLE t ADD COLUMN tag text DEFAULT 'x'");
    insert.run(3, 'c');
    db.exec('ALTER TABLE t ADD CONSTRAINT short CHECK (length(v) < 3)');
    expect(codeOf(() => insert.run(4, 'long'))).toBe('23514');
    db.exec('ROLLBACK');
    // Another session's committed DDL, between two runs of the block: the next run sees it.
    const other = db.session();
    db.exec('BEGIN');
    insert.run(7, 'g');
    insert.run(8, 'h');
    sql(other, "ALTER TABLE t ADD COLUMN tag text DEFAULT 'late'");
    insert.run(9, 'i');
    db.exec('COMMIT');
    expect(db.prepare('SELECT id, tag FROM t ORDER BY id').raw().all()).toEqual([[7, 'late'], [8, 'late'], [9, 'late']]);
    // The table dropped and made again with other columns.
    insert.run(10, 'p');
    db.exec('BEGIN');
    insert.run(11, 'q');
    insert.run(12, 'r');
    db.exec('COMMIT');
    sql(other, 'DROP TABLE t');
    sql(other, "CREATE TABLE t (v text, id int PRIMARY KEY, extra int DEFAULT 7)");
    db.exec('BEGIN');
    insert.run(13, 's');
    insert.run(14, 't');
    db.exec('COMMIT');
    expect(db.prepare('SELECT id, v, extra FROM t ORDER BY id').raw().all()).toEqual([[13, 's', 7], [14, 't', 7]]);
    db.close();
  });

  it('follows settings changed between its runs: SET and the settings map', () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    sql(s, 'BEGIN');
    for (let i = 1; i <= 3; i++) s.run(insert, [i, '2024-01-01 00:00:00']);
    sql(s, "SET TIME ZONE 'Asia/Tokyo'");
    s.run(insert, [4, '2024-01-01 00:00:00']);
    s.run(insert, [5, '2024-01-01 00:00:00']);
    s.settings.set('timezone', 'America/New_York');
    s.run(insert, [6, '2024-01-01 00:00:00']);
    sql(s, 'COMMIT');
    const hours = (db.prepare('SELECT at FROM t ORDER BY id').raw().all() as [Date][]).map(([at]) => at.getUTCHours());
    expect(hours).toEqual([0, 0, 0, 15, 15, 5]);
    db.close();
  });

  it('converts its parameters to the types declared for each run', () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    sql(s, 'BEGIN');
    s.run(insert, [1, 'a']);
    s.run(insert, [2, 'b']);
    s.run(insert, [3, 'c']);
    // Declared int4 for $2 now: its value converts to int4, then to the text column.
    s.run(insert, ['4', '12'], [T.int4, T.int4]);
    expect(codeOf(() => s.run(insert, [5, 'x'], [T.int4, T.int4]))).toBe('22P02');
    sql(s, 'ROLLBACK');
    sql(s, 'BEGIN');
    s.run(insert, [1, 'a']);
    s.run(insert, [2, 'b']);
    s.run(insert, ['3', '012'], [T.int4, T.int4]);
    sql(s, 'COMMIT');
    expect(sql(s, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b'], [3, '12']]);
    db.close();
  });

  it("takes a new snapshot for each run under READ COMMITTED (another session's commit seen), and keeps the block's under REPEATABLE READ", () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const count = db.prepare('SELECT count(*) AS n FROM t');
    const other = db.session();
    const seen = (): unknown => (count.get() as { n: number }).n;
    db.exec('BEGIN');
    const before = [seen(), seen()];
    sql(other, 'INSERT INTO t VALUES (1)');
    const after = seen();
    sql(other, 'INSERT INTO t VALUES (2)');
    db.exec('COMMIT');
    expect([...before, after, seen()]).toEqual([0, 0, 1, 2]);
    db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const first = [seen(), seen()];
    sql(other, 'INSERT INTO t VALUES (3)');
    const later = seen();
    db.exec('COMMIT');
    expect([...first, later, seen()]).toEqual([2, 2, 2, 3]);
    db.close();
  });

  it('fails the block on an error, and runs again in the next block', () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2)');
    db.exec('BEGIN');
    insert.run(1, 'a');
    insert.run(2, 'b');
    expect(codeOf(() => insert.run(2, 'dup'))).toBe('23505');
    expect(codeOf(() => insert.run(3, 'c'))).toBe('25P02');
    expect(codeOf(() => insert.run(4, 'd'))).toBe('25P02');
    db.exec('ROLLBACK');
    db.exec('BEGIN');
    insert.run(1, 'a');
    insert.run(2, 'b');
    db.exec('SAVEPOINT s');
    insert.run(3, 'c');
    expect(codeOf(() => insert.run(4, null))).toBe('23502');
    db.exec('ROLLBACK TO SAVEPOINT s');
    insert.run(3, 'c2');
    insert.run(4, 'd');
    db.exec('COMMIT');
    // Outside a block again: each run its own transaction.
    insert.run(5, 'e');
    expect(codeOf(() => insert.run(5, 'e'))).toBe('23505');
    insert.run(6, 'f');
    expect(db.prepare('SELECT id, v FROM t ORDER BY id').raw().all()).toEqual([[1, 'a'], [2, 'b'], [3, 'c2'], [4, 'd'], [5, 'e'], [6, 'f']]);
    db.close();
  });

  it('times out under a statement_timeout set between its runs', () => {
    const db = open();
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    db.exec('INSERT INTO t SELECT g FROM generate_series(1, 50000) g');
    const slow = db.prepare('SELECT count(*) FROM t a, t b WHERE a.id = b.id + $1');
    db.exec('BEGIN');
    slow.run(0);
    slow.run(1);
    db.exec("SET statement_timeout = '1ms'");
    // A clock that moves on by a second at every reading: the deadline passes at the first check.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 1000));
    expect(codeOf(() => slow.run(2))).toBe('57014');
    vi.restoreAllMocks();
    expect(codeOf(() => slow.run(3))).toBe('25P02');
    db.exec('ROLLBACK');
    db.close();
  });
});
