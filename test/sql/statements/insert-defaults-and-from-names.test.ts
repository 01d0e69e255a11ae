import { describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import { flintError as error } from '../../helpers/flint-errors.ts';

describe('INSERT without a column list and FROM entry names', () => {
  it('fills the first columns and defaults the rest, as PostgreSQL does', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE s3 (a text, b int DEFAULT 7, c int)');
    db.exec("INSERT INTO s3 VALUES ('x'), ('y')");
    expect(db.prepare('SELECT * FROM s3 ORDER BY a').all()).toEqual([{ a: 'x', b: 7, c: null }, { a: 'y', b: 7, c: null }]);
    const e = error(() => db.exec("INSERT INTO s3 (a, b) VALUES ('x')"));
    expect([e.code, e.message, e.position]).toEqual(['42601', 'INSERT has more target columns than expressions', 20]);
    expect(error(() => db.exec("INSERT INTO s3 VALUES ('x'), ('y', 1)")).message).toBe('VALUES lists must all be the same length');
    db.close();
  });

  it('refuses the same table name twice in FROM (42712)', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE emp (id int)');
    const e = error(() => db.prepare('SELECT * FROM emp, emp'));
    expect([e.code, e.message]).toEqual(['42712', 'table name "emp" specified more than once']);
    expect(error(() => db.prepare('SELECT * FROM emp JOIN emp ON true')).code).toBe('42712');
    expect(db.prepare('SELECT * FROM emp a, emp b').all()).toEqual([]);
    db.close();
  });
});
