// What every statement run does, kept true by the per-statement fast path
// (Session #run, StatementRun, StatementEval, DmlContext, fromJs): the
// clock read once when a statement starts (PostgreSQL's statement_timestamp), settings
// derived once per change (also changes made straight to the settings map,
// as the server's startup parameters are), constraint checks, defaults and
// errors of a prepared INSERT run many times, and a failed statement
// failing its transaction block.

import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import { fromJs } from '../src/db/js-values.ts';
import { Session, type Clock } from '../src/db/session.ts';
import { FlintError } from '../src/errors.ts';
import { T } from '../src/sql/types/type-info.ts';
import { fixedContext } from '../src/sql/types/eval-context.ts';
import { bindStatement } from '../src/sql/exec/statements.ts';
import { parseScript } from '../src/sql/parser.ts';
import { codeOf, flintError } from './helpers/flint-errors.ts';

/** Whether `sql`, bound against `db`'s catalog, never reads the statement's clock (BoundStatement.clockFree). */
function clockFreeOf(db: Database, sql: string): boolean | undefined {
  const stmt = parseScript(sql)[0]!.statement;
  return bindStatement(stmt, { engine: db.engine, paramTypes: [], eval: fixedContext({ now: 0n }), state: db.sqlState })!.clockFree;
}

/** A clock that moves on by one millisecond at every reading, and counts them. */
function steppingClock(): Clock & { reads: number } {
  const clock = {
    reads: 0,
    nowMicros(): bigint {
      clock.reads++;
      return 1_700_000_000_000_000n + BigInt(clock.reads) * 1000n;
    },
  };
  return clock;
}

function sessionWith(db: Database, clock: Clock): Session {
  return new Session({ engine: db.engine, state: db.sqlState, clock, random: Math.random, parseCache: new Map() });
}

const micros = (v: unknown): bigint => BigInt((v as Date).getTime()) * 1000n;

describe('the statement clock', () => {
  it('is read once per statement, when it starts, not per row', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    // The DEFAULT now() makes the INSERT read its clock (a statement that never reads it does not: below).
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, at timestamptz DEFAULT now())');
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    const insert = s.parse('INSERT INTO t (id, v) VALUES ($1, $2)')[0]!.statement;
    for (let i = 0; i < 5; i++) s.run(insert, [i, `v${i}`]);
    s.run(s.parse('SELECT * FROM t WHERE id = 3')[0]!.statement);
    expect(clock.reads).toBe(6);
    s.run(s.parse('INSERT INTO t SELECT g, now()::text FROM generate_series(10, 99) g')[0]!.statement);
    expect(clock.reads).toBe(7);
    expect(s.run(s.parse('SELECT count(DISTINCT v) FROM t WHERE id >= 10')[0]!.statement).rows).toEqual([[1n]]);
    // Each of the five INSERTs its own reading.
    expect(s.run(s.parse('SELECT count(DISTINCT at) FROM t WHERE id < 5')[0]!.statement).rows).toEqual([[5n]]);
    db.close();
  });

  it('is not read by a cached single-row INSERT that never asks for it, and is again once it may', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8)');
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    const insert = s.parse('INSERT INTO t (id, v, n) VALUES ($1, $2, $3)')[0]!.statement;
    // Bound by its first two runs (the plan is kept from the second), cached after.
    for (let i = 0; i < 3; i++) s.run(insert, [i, `v${i}`, i / 2]);
    const before = clock.reads;
    for (let i = 3; i < 10; i++) s.run(insert, [i, `v${i}`, i / 2]);
    expect(clock.reads).toBe(before);
    // A column added after prepare, whose DEFAULT reads the statement's time: every run reads the clock, at its start.
    s.run(s.parse('ALTER TABLE t ADD COLUMN at timestamptz DEFAULT statement_timestamp()')[0]!.statement);
    let reads = clock.reads;
    for (let i = 10; i < 14; i++) {
      s.run(insert, [i, `v${i}`, i / 2]);
      expect(clock.reads).toBe(reads + 1);
      reads = clock.reads;
      const [at] = s.run(s.parse(`SELECT at FROM t WHERE id = ${i}`)[0]!.statement).rows[0] as bigint[];
      // The reading the INSERT took, not the SELECT's (one later).
      expect(at).toBe(1_700_000_000_000_000n + BigInt(reads) * 1000n);
      reads = clock.reads;
    }
    db.close();
  });

  it("is not read by a session's second run of a statement another session ran before (the plan kept from its first run)", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8)');
    const clock = steppingClock();
    // Sessions of one database share these, as Database.session()'s do.
    const services = { engine: db.engine, state: db.sqlState, clock, random: Math.random, parseCache: new Map(), ranOnce: new Set<never>() };
    const sql = 'INSERT INTO t (id, v, n) VALUES ($1, $2, $3)';
    const first = new Session(services);
    const insert = first.parse(sql)[0]!.statement;
    // Bound by its first two runs here (the plan is kept from the second).
    for (let i = 0; i < 2; i++) first.run(insert, [i, `v${i}`, i]);
    let reads = clock.reads;
    for (let s = 0; s < 3; s++) {
      const session = new Session(services);
      expect(session.parse(sql)[0]!.statement).toBe(insert);
      session.run(insert, [10 + s, 'a', 1]);
      expect(clock.reads).toBe(reads + 1); // bound by its first run, and kept
      reads = clock.reads;
      for (let i = 0; i < 3; i++) session.run(insert, [100 * (s + 1) + i, 'b', 2]);
      expect(clock.reads).toBe(reads);
    }
    expect(first.run(first.parse('SELECT count(*) FROM t')[0]!.statement).rows).toEqual([[14n]]);
    db.close();
  });

  it("is not read by a session's first run of a statement another session kept the plan of (a plan sessions share)", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8)');
    const clock = steppingClock();
    // As Database.session()'s sessions share them.
    const services = { engine: db.engine, state: db.sqlState, clock, random: Math.random, parseCache: new Map(), ranOnce: new Set<never>(), sharedPlans: new WeakMap() };
    const sql = 'INSERT INTO t (id, v, n) VALUES ($1, $2, $3)';
    const first = new Session(services);
    const insert = first.parse(sql)[0]!.statement;
    for (let i = 0; i < 2; i++) first.run(insert, [i, `v${i}`, i]);
    const reads = clock.reads;
    for (let s = 0; s < 3; s++) {
      const session = new Session(services);
      for (let i = 0; i < 3; i++) session.run(insert, [100 * (s + 1) + i, 'b', 2]);
    }
    expect(clock.reads).toBe(reads); // none bound it
    // An index added: the plan is bound again, by one session, and shared in turn.
    first.run(first.parse('CREATE INDEX t_n ON t (n)')[0]!.statement);
    const second = new Session(services);
    second.run(insert, [1000, 'c', 3]);
    second.run(insert, [1001, 'c', 3]);
    const after = clock.reads;
    first.run(insert, [1002, 'c', 3]);
    new Session(services).run(insert, [1003, 'c', 3]);
    expect(clock.reads).toBe(after);
    expect(first.run(first.parse('SELECT count(*) FROM t WHERE n = 3')[0]!.statement).rows).toEqual([[4n]]);
    db.close();
  });

  it('is skipped only for single-row INSERTs whose parameters, DEFAULTs and constraints cannot read it', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8, b bool, d numeric)');
    db.exec('CREATE TABLE td (id int PRIMARY KEY, v text, at timestamptz DEFAULT now(), k int DEFAULT 7)');
    db.exec('CREATE TABLE tc (id int PRIMARY KEY, n int CHECK (n > 0))');
    db.exec('CREATE TABLE tf (id int PRIMARY KEY, p int REFERENCES t)');
    db.exec('CREATE TABLE ts (id int PRIMARY KEY, at timestamptz, day date)');
    const clockFree = (sql: string) => clockFreeOf(db, sql);
    expect(clockFree('INSERT INTO t VALUES ($1, $2, $3, $4, $5)')).toBe(true);
    expect(clockFree('INSERT INTO t (id, v) VALUES ($1, $2)')).toBe(true);
    expect(clockFree("INSERT INTO t VALUES ($1, 'x', 1.5, true, DEFAULT)")).toBe(true);
    expect(clockFree('INSERT INTO td (id, v, at, k) VALUES ($1, $2, NULL, 1)')).toBe(true);
    // A DEFAULT evaluated (left out, or DEFAULT), whatever it is.
    expect(clockFree('INSERT INTO td (id, v) VALUES ($1, $2)')).toBe(false);
    expect(clockFree('INSERT INTO td (id, v, at, k) VALUES ($1, $2, NULL, DEFAULT)')).toBe(false);
    // Date and time input reads the clock ('now', 'today').
    expect(clockFree('INSERT INTO ts VALUES ($1, $2, NULL)')).toBe(false);
    expect(clockFree('INSERT INTO ts VALUES ($1, NULL, $2)')).toBe(false);
    // Anything but a bare parameter or a constant.
    expect(clockFree("INSERT INTO t (id, v) VALUES ($1, $2 || 'x')")).toBe(false);
    expect(clockFree('INSERT INTO t (id, v) VALUES ($1, $2::text)')).toBe(true);
    expect(clockFree('INSERT INTO t (id, n) VALUES ($1, $2::int)')).toBe(false);
    // CHECK, foreign keys; more than one row, a query, RETURNING, ON CONFLICT.
    expect(clockFree('INSERT INTO tc VALUES ($1, $2)')).toBe(false);
    expect(clockFree('INSERT INTO tf VALUES ($1, $2)')).toBe(false);
    expect(clockFree('INSERT INTO t (id) VALUES ($1), ($2)')).toBe(false);
    expect(clockFree('INSERT INTO t (id) SELECT $1::int')).toBe(false);
    expect(clockFree('INSERT INTO t (id) VALUES ($1) RETURNING id')).toBe(false);
    expect(clockFree('INSERT INTO t (id) VALUES ($1) ON CONFLICT DO NOTHING')).toBe(false);
    db.close();
  });

  it('is skipped for cached queries over scans, projections and filters of clock-free values, and read by any other', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8, b bool, d numeric)');
    db.exec('CREATE INDEX t_n ON t (n)');
    db.exec('CREATE TABLE ts (id int PRIMARY KEY, at timestamptz, day date)');
    const clockFree = (sql: string) => clockFreeOf(db, sql);
    expect(clockFree('SELECT id, v, n, b, d FROM t WHERE id = $1')).toBe(true);
    expect(clockFree('SELECT id, n FROM t WHERE n = $1')).toBe(true);
    expect(clockFree("SELECT * FROM t WHERE n > $1 AND (v = $2 OR v IS NULL) AND NOT b")).toBe(true);
    expect(clockFree("SELECT id, v || 'x' FROM t WHERE d = 1.5")).toBe(true);
    expect(clockFree('SELECT id FROM ts WHERE id = $1')).toBe(true);
    // Date and time values (a column, a parameter's input: 'now'), function calls, casts, other plans.
    expect(clockFree('SELECT at FROM ts WHERE id = $1')).toBe(false);
    expect(clockFree('SELECT id FROM ts WHERE at = $1')).toBe(false);
    expect(clockFree('SELECT id FROM ts WHERE day < $1')).toBe(false);
    expect(clockFree('SELECT now()')).toBe(false);
    expect(clockFree('SELECT id FROM t WHERE v = statement_timestamp()::text')).toBe(false);
    expect(clockFree('SELECT id FROM t WHERE length(v) = $1')).toBe(false);
    expect(clockFree('SELECT id::text FROM t')).toBe(false);
    expect(clockFree('SELECT count(*) FROM t')).toBe(false);
    expect(clockFree('SELECT id FROM t ORDER BY id')).toBe(false);
    expect(clockFree('SELECT id FROM t WHERE id IN (SELECT id FROM ts)')).toBe(false);
    // Run: after the two runs that bind and keep its plan, a cached point select reads no clock; one asking for
    // the statement's time reads it at every run.
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    s.run(s.parse("INSERT INTO t VALUES (1, 'a', 1.5, true, 2)")[0]!.statement);
    const select = s.parse('SELECT id, v, n FROM t WHERE id = $1')[0]!.statement;
    for (let i = 0; i < 2; i++) s.run(select, [1]);
    let reads = clock.reads;
    for (let i = 0; i < 5; i++) expect(s.run(select, [1]).rows).toEqual([[1, 'a', 1.5]]);
    expect(clock.reads).toBe(reads);
    const timed = s.parse('SELECT id, statement_timestamp() FROM t WHERE id = $1')[0]!.statement;
    for (let i = 0; i < 2; i++) s.run(timed, [1]);
    reads = clock.reads;
    for (let i = 0; i < 3; i++) {
      const [, at] = s.run(timed, [1]).rows[0] as [number, bigint];
      expect(clock.reads).toBe(reads + 1);
      reads = clock.reads;
      expect(at).toBe(1_700_000_000_000_000n + BigInt(reads) * 1000n);
    }
    db.close();
  });

  it('is skipped for cached UPDATEs whose target rows, assignments and constraints cannot read it, and read by any other', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n float8, b bool, d numeric)');
    db.exec('CREATE TABLE tc (id int PRIMARY KEY, n int CHECK (n > 0))');
    db.exec('CREATE TABLE tp (id int PRIMARY KEY, n int)');
    db.exec('CREATE TABLE tf (id int PRIMARY KEY, p int REFERENCES tp)');
    db.exec('CREATE TABLE td (id int PRIMARY KEY, at timestamptz DEFAULT now(), k int DEFAULT 7)');
    db.exec('CREATE TABLE ts (id int PRIMARY KEY, at timestamptz, n int)');
    const clockFree = (sql: string) => clockFreeOf(db, sql);
    expect(clockFree('UPDATE t SET n = n + 1 WHERE id = $1')).toBe(true);
    expect(clockFree("UPDATE t SET v = $2, b = NOT b WHERE id = $1 AND v <> 'x'")).toBe(true);
    expect(clockFree('UPDATE t SET d = 2.5')).toBe(true);
    expect(clockFree('UPDATE ts SET n = $2 WHERE id = $1')).toBe(true);
    // Date and time values and parameters, function calls, casts, DEFAULT, ROW and sub-SELECT sources.
    expect(clockFree('UPDATE ts SET at = $2 WHERE id = $1')).toBe(false);
    expect(clockFree('UPDATE ts SET n = 1 WHERE at < $1')).toBe(false);
    expect(clockFree('UPDATE ts SET at = now() WHERE id = 1')).toBe(false);
    expect(clockFree('UPDATE t SET n = length(v) WHERE id = 1')).toBe(false);
    expect(clockFree('UPDATE t SET v = n::text WHERE id = 1')).toBe(false);
    expect(clockFree('UPDATE td SET k = DEFAULT WHERE id = 1')).toBe(false);
    expect(clockFree('UPDATE t SET (n, v) = ROW(1, $2) WHERE id = $1')).toBe(false);
    expect(clockFree('UPDATE t SET (n) = (SELECT 1) WHERE id = 1')).toBe(false);
    expect(clockFree('UPDATE t SET n = 1 WHERE id IN (SELECT id FROM ts)')).toBe(false);
    // CHECK, foreign keys either way, FROM, RETURNING, WITH.
    expect(clockFree('UPDATE tc SET n = $2 WHERE id = $1')).toBe(false);
    expect(clockFree('UPDATE tf SET p = $2 WHERE id = $1')).toBe(false);
    expect(clockFree('UPDATE tp SET n = 1 WHERE id = $1')).toBe(false);
    expect(clockFree('UPDATE ts SET n = tc.n FROM tc WHERE ts.id = tc.id')).toBe(false);
    expect(clockFree('UPDATE ts SET n = 1 WHERE id = $1 RETURNING n')).toBe(false);
    expect(clockFree('WITH x AS (SELECT 1) UPDATE ts SET n = 1 WHERE id = $1')).toBe(false);
    // Run: after the runs that bind and keep its plan, a cached UPDATE by id reads no clock, and does its work.
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    s.run(s.parse('INSERT INTO ts VALUES (1, NULL, 0)')[0]!.statement);
    const update = s.parse('UPDATE ts SET n = n + 1 WHERE id = $1')[0]!.statement;
    for (let i = 0; i < 2; i++) s.run(update, [1]);
    const reads = clock.reads;
    for (let i = 0; i < 5; i++) expect(s.run(update, [1]).rowCount).toBe(1);
    expect(clock.reads).toBe(reads);
    expect(s.run(s.parse('SELECT n FROM ts WHERE id = 1')[0]!.statement).rows).toEqual([[7]]);
    // One that asks: its reading at every run.
    s.run(s.parse('ALTER TABLE ts ADD COLUMN seen timestamptz')[0]!.statement);
    const stamp = s.parse('UPDATE ts SET seen = statement_timestamp() WHERE id = $1')[0]!.statement;
    for (let i = 0; i < 3; i++) {
      const before = clock.reads;
      s.run(stamp, [1]);
      expect(clock.reads).toBe(before + 1);
    }
    db.close();
  });

  it('gives a statement expected never to read the clock the first reading it asks for after all', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    for (let i = 0; i < 3; i++) s.run(insert, [i, 'x']);
    // DEFAULTs evaluated in column order: the clock_timestamp() first, then the statement's timestamp, which is
    // read as the statement starts, so earlier. (Were the INSERT still taken to read no clock, both would be one reading.)
    s.run(s.parse('ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp(), ADD COLUMN st timestamptz DEFAULT statement_timestamp()')[0]!.statement);
    s.run(insert, [3, 'y']);
    const [c, st] = s.run(s.parse('SELECT c, st FROM t WHERE id = 3')[0]!.statement).rows[0] as bigint[];
    expect(st! < c!).toBe(true);
    db.close();
  });

  it("is read as a statement starts when a parameter's text input may read it ('now'), or a CHECK may", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, ts timestamptz)');
    db.exec('CREATE TABLE c (id int PRIMARY KEY, n int)');
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    for (let i = 0; i < 4; i++) {
      const reads = clock.reads;
      s.run(insert, [i, 'now']);
      expect(clock.reads).toBe(reads + 1);
      const [ts] = s.run(s.parse(`SELECT ts FROM t WHERE id = ${i}`)[0]!.statement).rows[0] as bigint[];
      expect(ts).toBe(1_700_000_000_000_000n + BigInt(reads + 1) * 1000n);
    }
    const insertC = s.parse('INSERT INTO c VALUES ($1, $2)')[0]!.statement;
    for (let i = 0; i < 3; i++) s.run(insertC, [i, i]);
    s.run(s.parse("ALTER TABLE c ADD CONSTRAINT recent CHECK (now() > '2000-01-01'::timestamptz)")[0]!.statement);
    for (let i = 3; i < 6; i++) {
      const reads = clock.reads;
      s.run(insertC, [i, i]);
      expect(clock.reads).toBe(reads + 1);
    }
    db.close();
  });

  it("gives an autocommit statement one timestamp for the statement and its transaction: its start, before any clock_timestamp() it reads", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    // clock_timestamp() first: the statement's timestamp is still its start, earlier.
    const [row] = s.run(s.parse('SELECT clock_timestamp() AS c1, statement_timestamp() AS st, now() AS tx, clock_timestamp() AS c2')[0]!.statement).rows;
    const [c1, st, tx, c2] = row as bigint[];
    expect(st! < c1!).toBe(true);
    expect(tx).toBe(st);
    expect(c2! > c1!).toBe(true);
    // The statement's timestamp first: fixed for the statement, clock readings after it are later.
    const [again] = s.run(s.parse('SELECT statement_timestamp() AS a, clock_timestamp() AS c, statement_timestamp() AS b')[0]!.statement).rows;
    const [a, c, b] = again as bigint[];
    expect(b).toBe(a);
    expect(c! > a!).toBe(true);
    expect(a! > c2!).toBe(true);
    db.close();
  });

  it("keeps a block's transaction timestamp at BEGIN, and gives each statement its own", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    const run = (sql: string) => s.run(s.parse(sql)[0]!.statement).rows[0] as bigint[];
    s.run(s.parse('BEGIN')[0]!.statement);
    const begun = clock.reads;
    expect(begun).toBe(1);
    const [tx1, st1] = run('SELECT now(), statement_timestamp()');
    const [tx2, st2] = run('SELECT transaction_timestamp(), statement_timestamp()');
    expect(tx1).toBe(tx2);
    expect(tx1! < st1!).toBe(true);
    expect(st1! < st2!).toBe(true);
    s.run(s.parse('COMMIT')[0]!.statement);
    const [tx3, st3] = run('SELECT now(), statement_timestamp()');
    expect(tx3).toBe(st3);
    expect(tx3! > st2!).toBe(true);
    db.close();
  });

  it('gives a column default now() the statement timestamp, the same for every row of the statement', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE e (id int PRIMARY KEY, at timestamptz DEFAULT now(), st timestamptz DEFAULT statement_timestamp())');
    const clock = steppingClock();
    const s = sessionWith(db, clock);
    s.run(s.parse('INSERT INTO e (id) VALUES (1), (2), (3)')[0]!.statement);
    const insert = s.parse('INSERT INTO e (id) VALUES ($1)')[0]!.statement;
    s.run(insert, [4]);
    s.run(insert, [5]);
    const rows = db.prepare('SELECT id, at, st FROM e ORDER BY id').raw().all() as unknown[][];
    expect(new Set(rows.slice(0, 3).map((r) => micros(r[1])))).toHaveLength(1);
    expect(rows.map((r) => micros(r[1]))).toEqual(rows.map((r) => micros(r[2])));
    expect(micros(rows[3]![1]) > micros(rows[0]![1])).toBe(true);
    expect(micros(rows[4]![1]) > micros(rows[3]![1])).toBe(true);
    db.close();
  });
});

describe("a session's statements, one after another", () => {
  it('each build their own view of the system catalogs', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    const count = db.prepare("SELECT count(*) AS n FROM pg_catalog.pg_class WHERE relname LIKE 'stmt_run_%'");
    expect(count.get()).toEqual({ n: 0 });
    db.exec('CREATE TABLE stmt_run_a (id int)');
    expect(count.get()).toEqual({ n: 1 });
    db.exec('CREATE TABLE stmt_run_b (id int)');
    expect(count.get()).toEqual({ n: 2 });
    db.close();
  });
});

describe('settings a statement reads', () => {
  it('follows changes made straight to the settings map, as the server makes them', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const s = db.session();
    const select = s.parse("SELECT '2024-01-01 00:00'::timestamptz AS at")[0]!.statement;
    const utc = s.run(select).rows[0]![0] as bigint;
    s.settings.set('timezone', 'America/New_York');
    const ny = s.run(select).rows[0]![0] as bigint;
    expect(ny - utc).toBe(5n * 3600n * 1_000_000n);
    s.settings.delete('timezone');
    expect(s.run(select).rows[0]![0]).toBe(utc);
    // statement_timeout set straight in the map: a 1 ms limit is always exceeded by a hundred million rows.
    const count = s.parse('SELECT count(*) FROM generate_series(1, $1::int)')[0]!.statement;
    expect(s.run(count, [1000]).rows[0]![0]).toBe(1000n);
    s.settings.set('statement_timeout', '1');
    expect(codeOf(() => s.run(count, [100_000_000]))).toBe('57014');
    s.settings.set('statement_timeout', '0');
    expect(s.run(count, [100_000]).rows[0]![0]).toBe(100_000n);
    db.close();
  });
});

describe('a prepared INSERT run many times', () => {
  it('checks NOT NULL and CHECK on every run, with the SQLSTATE and the failing row', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, n int CHECK (n > 0))');
    const insert = db.prepare('INSERT INTO t (id, name, n) VALUES ($1, $2, $3)');
    expect(insert.run(1, 'a', 1).changes).toBe(1);
    let error: unknown;
    try {
      insert.run(2, null, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlintError);
    expect((error as FlintError).code).toBe('23502');
    expect((error as FlintError).message).toBe('null value in column "name" of relation "t" violates not-null constraint');
    expect((error as FlintError).detail).toBe('Failing row contains (2, null, 1).');
    expect(codeOf(() => insert.run(2, 'b', 0))).toBe('23514');
    expect(codeOf(() => insert.run(1, 'dup', 1))).toBe('23505');
    expect(insert.run(2, 'b', 2).changes).toBe(1);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
    db.close();
  });

  it('checks foreign keys at the end of each run, and explains a duplicate key with its DETAIL', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE p (id int PRIMARY KEY)');
    db.exec('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)');
    db.exec('INSERT INTO p VALUES (1)');
    const insert = db.prepare('INSERT INTO c VALUES ($1, $2)');
    expect(insert.run(1, 1).changes).toBe(1);
    expect(insert.run(2, null).changes).toBe(1);
    expect(codeOf(() => insert.run(3, 2))).toBe('23503');
    db.exec('INSERT INTO p VALUES (2)');
    expect(insert.run(3, 2).changes).toBe(1);
    let error: unknown;
    try {
      insert.run(3, 1);
    } catch (e) {
      error = e;
    }
    expect((error as FlintError).code).toBe('23505');
    expect((error as FlintError).detail).toBe('Key (id)=(3) already exists.');
    expect(db.prepare('SELECT id, p FROM c ORDER BY id').raw().all()).toEqual([[1, 1], [2, null], [3, 2]]);
    db.close();
  });

  it('takes a default set after it was prepared, and a scalar subquery sees the rows before each run', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, tag text, seen bigint)');
    const insert = db.prepare('INSERT INTO t (id, seen) VALUES ($1, (SELECT count(*) FROM t))');
    insert.run(1);
    db.exec("ALTER TABLE t ALTER COLUMN tag SET DEFAULT 'later'");
    insert.run(2);
    insert.run(3);
    expect(db.prepare('SELECT id, tag, seen FROM t ORDER BY id').raw().all()).toEqual([[1, null, 0], [2, 'later', 1], [3, 'later', 2]]);
    db.close();
  });

  it('fails the transaction block on an error, and undoes only that statement when run through runAsync', async () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES ($1)');
    expect(() =>
      db.transaction(() => {
        insert.run(1);
        insert.run(1);
      })(),
    ).toThrow(/duplicate key/);
    expect(db.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    // Inside a block: the failed statement fails the block (25P02) until ROLLBACK.
    db.exec('BEGIN');
    insert.run(1);
    expect(codeOf(() => insert.run(1))).toBe('23505');
    expect(codeOf(() => insert.run(2))).toBe('25P02');
    db.exec('ROLLBACK');
    const s = db.session();
    const stmt = s.parse('INSERT INTO t VALUES ($1)')[0]!.statement;
    await s.query('BEGIN');
    await s.runAsync(stmt, [1]);
    await expect(s.runAsync(stmt, [1])).rejects.toMatchObject({ code: '23505' });
    expect(s.status).toBe('E');
    await s.query('ROLLBACK TO SAVEPOINT nonexistent').catch(() => undefined);
    await s.query('ROLLBACK');
    expect((await s.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
    db.close();
  });

  it('goes on after an error inside a block once ROLLBACK TO SAVEPOINT undid it, and fills a column added after it was prepared', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
    const insert = db.prepare('INSERT INTO t (id, v) VALUES ($1, $2)');
    db.exec('BEGIN');
    insert.run(1, 'a');
    db.exec('SAVEPOINT s');
    insert.run(2, 'b');
    expect(codeOf(() => insert.run(3, null))).toBe('23502');
    expect(codeOf(() => insert.run(3, 'c'))).toBe('25P02');
    db.exec('ROLLBACK TO SAVEPOINT s');
    insert.run(2, 'b2');
    expect(codeOf(() => insert.run(1, 'dup'))).toBe('23505');
    db.exec('ROLLBACK TO SAVEPOINT s');
    db.exec("ALTER TABLE t ADD COLUMN tag text DEFAULT 'x'");
    insert.run(3, 'c');
    db.exec('COMMIT');
    expect(db.prepare('SELECT id, v, tag FROM t ORDER BY id').raw().all()).toEqual([[1, 'a', 'x'], [3, 'c', 'x']]);
    db.close();
  });

  it('puts each parameter in its column: out of order, one parameter twice, left-out columns and DEFAULT', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec("CREATE TABLE t (id int PRIMARY KEY, v text, n int, tag text DEFAULT 'd')");
    const swapped = db.prepare('INSERT INTO t (v, id) VALUES ($2, $1)');
    const twice = db.prepare('INSERT INTO t (id, n) VALUES ($1, $1)');
    const withDefault = db.prepare('INSERT INTO t VALUES ($1, $2, $3, DEFAULT)');
    const mixed = db.prepare("INSERT INTO t VALUES ($1, 'c', $2)");
    for (let i = 0; i < 3; i++) {
      swapped.run(10 + i, `s${i}`);
      twice.run(20 + i);
      withDefault.run(30 + i, `w${i}`, i);
      mixed.run(40 + i, i);
    }
    expect(db.prepare('SELECT id, v, n, tag FROM t WHERE id % 10 = 2 ORDER BY id').raw().all()).toEqual([
      [12, 's2', null, 'd'],
      [22, null, 22, 'd'],
      [32, 'w2', 2, 'd'],
      [42, 'c', 2, 'd'],
    ]);
    db.close();
  });

  it('with nothing but parameters and NOT NULL to check keeps every check when a DEFAULT, CHECK or foreign key comes after prepare', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE p (id int PRIMARY KEY)');
    db.exec('INSERT INTO p VALUES (1), (2), (3), (4), (5)');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL, n int, tag text)');
    const insert = db.prepare('INSERT INTO t (id, v, n) VALUES ($1, $2, $3)');
    for (let i = 1; i <= 3; i++) insert.run(i, `v${i}`, i);
    const notNull = flintError(() => insert.run(4, null, 4));
    expect([notNull.code, notNull.detail]).toEqual(['23502', 'Failing row contains (4, null, 4, null).']);
    const duplicate = flintError(() => insert.run(3, 'again', 3));
    expect([duplicate.code, duplicate.detail]).toEqual(['23505', 'Key (id)=(3) already exists.']);
    insert.run(4, 'v4', 4);
    db.exec("ALTER TABLE t ALTER COLUMN tag SET DEFAULT 'later'");
    insert.run(5, 'v5', 5);
    db.exec('ALTER TABLE t ADD CONSTRAINT positive CHECK (n > 0)');
    expect(codeOf(() => insert.run(6, 'v6', -6))).toBe('23514');
    db.exec('ALTER TABLE t ADD CONSTRAINT to_p FOREIGN KEY (n) REFERENCES p');
    expect(codeOf(() => insert.run(6, 'v6', 6))).toBe('23503');
    insert.run(6, 'v6', 1);
    expect(db.prepare('SELECT id, v, n, tag FROM t ORDER BY id').raw().all()).toEqual([
      [1, 'v1', 1, null], [2, 'v2', 2, null], [3, 'v3', 3, null], [4, 'v4', 4, null], [5, 'v5', 5, 'later'], [6, 'v6', 1, 'later'],
    ]);
    // Inside a block: an error fails it, as on every path.
    db.exec('BEGIN');
    insert.run(7, 'v7', 1);
    expect(codeOf(() => insert.run(7, 'v7', 1))).toBe('23505');
    expect(codeOf(() => insert.run(8, 'v8', 1))).toBe('25P02');
    db.exec('ROLLBACK');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 6 });
    db.close();
  });

  it('returns no rows for INSERT without RETURNING, and the rows for INSERT ... RETURNING', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const plain = db.prepare('INSERT INTO t VALUES ($1, $2)');
    expect(plain.all(1, 'a')).toEqual([]);
    expect(plain.all(2, 'b')).toEqual([]);
    const returning = db.prepare('INSERT INTO t VALUES ($1, $2) RETURNING id, v');
    expect(returning.all(3, 'c')).toEqual([{ id: 3, v: 'c' }]);
    db.close();
  });
});

describe('JS parameters', () => {
  const ctx = fixedContext({ now: 0n });
  it('convert to text, int4 and float8 as the general path does', () => {
    expect(fromJs('abc', T.text, ctx)).toBe('abc');
    expect(fromJs('abc', undefined, ctx)).toBe('abc');
    expect(fromJs(7, T.int4, ctx)).toBe(7);
    expect(Object.is(fromJs(-0, T.int4, ctx), -0)).toBe(true);
    expect(fromJs(1.5, T.float8, ctx)).toBe(1.5);
    expect(fromJs(2 ** 40, T.float8, ctx)).toBe(2 ** 40);
    expect(fromJs(2 ** 60, T.float8, ctx)).toBe(2 ** 60);
    expect(Number.isNaN(fromJs(Number.NaN, T.float8, ctx))).toBe(true);
    expect(fromJs(Infinity, T.float8, ctx)).toBe(Infinity);
    expect(fromJs('12', T.int4, ctx)).toBe(12);
    expect(fromJs(2 ** 40, T.int8, ctx)).toBe(2n ** 40n);
  });

  it('keep their errors: out of range, not an integer, too long for the column', () => {
    expect(codeOf(() => fromJs(2 ** 31, T.int4, ctx))).toBe('22003');
    expect(codeOf(() => fromJs(1.5, T.int4, ctx))).toBe(undefined);
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, code varchar(3), n int)');
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    expect(codeOf(() => insert.run(1, 'abcd', 1))).toBe('22001');
    expect(codeOf(() => insert.run(1, 'abc', 2 ** 31))).toBe('22003');
    expect(insert.run(1, 'abc', 1.4).changes).toBe(1);
    expect(db.prepare('SELECT n FROM t').get()).toEqual({ n: 1 });
    db.close();
  });
});

describe('READ COMMITTED snapshots per statement', () => {
  it("keep a writing block's snapshot while nothing commits, and see another session's commit at the next statement", () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v int)');
    db.exec('INSERT INTO t VALUES (1, 1)');
    const engine = db.engine;
    const a = db.session();
    const b = db.session();
    const run = (s: Session, sql: string) => s.run(s.parse(sql)[0]!.statement).rows;
    run(a, 'BEGIN');
    run(a, 'INSERT INTO t VALUES (2, 2)');
    // The block's transaction has a txid now; spy on the snapshots its statements get.
    const snapshots: unknown[] = [];
    const refresh = engine.refreshSnapshot.bind(engine);
    engine.refreshSnapshot = (t) => {
      refresh(t);
      snapshots.push(t.snapshot);
    };
    run(a, 'INSERT INTO t VALUES (3, 3)');
    run(a, 'INSERT INTO t VALUES (4, 4)');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]).toBe(snapshots[0]);
    // Another session commits: the block's next statement sees it (READ COMMITTED), with a new snapshot.
    run(b, 'UPDATE t SET v = 10 WHERE id = 1');
    expect(run(a, 'SELECT v FROM t WHERE id = 1')).toEqual([[10]]);
    expect(snapshots[2]).not.toBe(snapshots[1]);
    // Another session's rolled-back write is never seen, and its end also gives a new snapshot.
    run(b, 'BEGIN');
    run(b, 'UPDATE t SET v = 20 WHERE id = 1');
    expect(run(a, 'SELECT v FROM t WHERE id = 1')).toEqual([[10]]);
    run(b, 'ROLLBACK');
    expect(run(a, 'SELECT v FROM t WHERE id = 1')).toEqual([[10]]);
    expect(run(a, 'SELECT count(*) FROM t')).toEqual([[4n]]);
    run(a, 'COMMIT');
    expect(run(b, 'SELECT count(*) FROM t')).toEqual([[4n]]);
    db.close();
  });
});
