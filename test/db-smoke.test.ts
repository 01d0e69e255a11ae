import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';

describe('db smoke', () => {
  it('runs SQL end to end', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, amount numeric(10,2))');
    db.exec("INSERT INTO t VALUES (1, 'ada', 10.5), (2, 'bob', 20), (3, NULL, NULL)");
    expect(db.prepare('SELECT * FROM t WHERE id = $1').get(2)).toEqual({ id: 2, name: 'bob', amount: '20.00' });
    expect(db.prepare('SELECT count(*) AS n, sum(amount) AS s FROM t').get()).toEqual({ n: 3, s: '30.50' });
    expect(db.prepare('SELECT name FROM t ORDER BY id DESC').all()).toEqual([{ name: null }, { name: 'bob' }, { name: 'ada' }]);
    expect(() => db.exec("INSERT INTO t VALUES (1, 'dup', 0)")).toThrow(/duplicate key/);
    expect(db.prepare('UPDATE t SET amount = amount + 1 WHERE id < 3').run().changes).toBe(2);
    expect(db.prepare('SELECT a.id, b.id AS bid FROM t a JOIN t b ON a.id = b.id + 1 ORDER BY 1').all()).toEqual([{ id: 2, bid: 1 }, { id: 3, bid: 2 }]);
    expect(db.prepare('SELECT id FROM t WHERE id IN (SELECT id FROM t WHERE name IS NOT NULL) ORDER BY id').all()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(db.prepare('SELECT 1/0 AS x WHERE false').all()).toEqual([]);
    expect(() => db.prepare('SELECT 1/0').get()).toThrow(/division by zero/);
    db.close();
  });
});

describe('prepare', () => {
  it('reports name and type errors at prepare time, before any run, and knows the columns', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int, name text)');
    expect(() => db.prepare('SELECT nosuch FROM t')).toThrow(/column "nosuch" does not exist/);
    expect(() => db.prepare("SELECT id + 'x' FROM t")).toThrow(/invalid input syntax for type integer/);
    expect(() => db.prepare('SELECT * FROM missing')).toThrow(/relation "missing" does not exist/);
    const stmt = db.prepare('SELECT id, name FROM t WHERE id = $1');
    expect(stmt.columns()).toEqual([{ name: 'id', type: 'int4' }, { name: 'name', type: 'text' }]);
    expect(stmt.all(1)).toEqual([]);
    db.close();
  });
});
