// FOREIGN KEY constraints against PostgreSQL 15: definition errors, the
// check on the referencing side, the referential actions on the referenced
// side, DROP and TRUNCATE of a referenced table.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

describe('FOREIGN KEY definition', () => {
  it('column and table constraints, with PostgreSQL default names', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b))');
    rows(db, 'CREATE TABLE c (pid int REFERENCES p, code text REFERENCES p (code), a int, b int, FOREIGN KEY (a, b) REFERENCES p (a, b))');
    const names = (db.engine.table('c')!.meta as { constraints: { name: string }[] }).constraints.map((c) => c.name);
    expect(names).toEqual(['c_pid_fkey', 'c_code_fkey', 'c_a_b_fkey']);
    db.close();
  });

  it('errors: missing table or columns, no unique key, column count, types', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY, x int); CREATE TABLE q (a int)');
    expect(error(db, 'CREATE TABLE c (a int REFERENCES nope)')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(error(db, 'CREATE TABLE c (a int REFERENCES p (x))')).toMatchObject({
      code: '42830', message: 'there is no unique constraint matching given keys for referenced table "p"',
    });
    expect(error(db, 'CREATE TABLE c (a int REFERENCES q)')).toMatchObject({ code: '42704', message: 'there is no primary key for referenced table "q"' });
    expect(error(db, 'CREATE TABLE c (a int, b int, FOREIGN KEY (a, b) REFERENCES p (id))')).toMatchObject({
      code: '42830', message: 'number of referencing and referenced columns for foreign key disagree',
    });
    expect(error(db, 'CREATE TABLE c (a text REFERENCES p (id))')).toMatchObject({
      code: '42804', message: 'foreign key constraint "c_a_fkey" cannot be implemented',
      detail: 'Key columns "a" and "id" are of incompatible types: text and integer.',
    });
    expect(error(db, 'CREATE TABLE c (a int REFERENCES p (nope))')).toMatchObject({ code: '42703', message: 'column "nope" referenced in foreign key constraint does not exist' });
    expect(error(db, 'CREATE TABLE c (a int, FOREIGN KEY (zz) REFERENCES p)')).toMatchObject({ code: '42703', message: 'column "zz" referenced in foreign key constraint does not exist' });
    expect(db.engine.table('c')).toBeUndefined();
    // Compatible types are fine: bigint referencing integer.
    rows(db, 'CREATE TABLE c (a bigint REFERENCES p); INSERT INTO p VALUES (1, 1); INSERT INTO c VALUES (1)');
    expect(error(db, 'INSERT INTO c VALUES (2)')).toMatchObject({ code: '23503' });
    db.close();
  });
});

describe('FOREIGN KEY on the referencing side', () => {
  it('a new or changed key must exist in the referenced table (23503)', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, pid int REFERENCES p); INSERT INTO p VALUES (1)');
    expect(error(db, 'INSERT INTO c VALUES (1, 5)')).toMatchObject({
      code: '23503', message: 'insert or update on table "c" violates foreign key constraint "c_pid_fkey"', detail: 'Key (pid)=(5) is not present in table "p".',
    });
    expect(tag(db, 'INSERT INTO c VALUES (1, 1), (2, NULL)')).toBe('INSERT 0 2');
    expect(error(db, 'UPDATE c SET pid = 2 WHERE id = 1')).toMatchObject({ code: '23503', detail: 'Key (pid)=(2) is not present in table "p".' });
    // Many rows are checked with one pass over the referenced table.
    expect(error(db, 'INSERT INTO c SELECT g, CASE WHEN g = 40 THEN 3 ELSE 1 END FROM generate_series(1, 50) g')).toMatchObject({
      code: '23503', detail: 'Key (pid)=(3) is not present in table "p".',
    });
    expect(rows(db, 'SELECT count(*) FROM c')).toEqual([[2]]);
    db.close();
  });

  it('is checked at the end of the statement: a row may precede the row it references', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree)');
    expect(tag(db, 'INSERT INTO tree VALUES (2, 1), (1, NULL), (3, 2)')).toBe('INSERT 0 3');
    expect(error(db, 'INSERT INTO tree VALUES (6, 99)')).toMatchObject({ code: '23503', detail: 'Key (parent)=(99) is not present in table "tree".' });
    db.close();
  });

  it('sees the referenced rows the transaction sees, its own included', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p)');
    rows(db, 'BEGIN; INSERT INTO p VALUES (1); INSERT INTO c VALUES (1); COMMIT');
    expect(rows(db, 'SELECT * FROM c')).toEqual([[1]]);
    db.close();
  });

  it('MATCH SIMPLE skips keys with a NULL; MATCH FULL refuses a partly NULL key', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE m (a int, b int, PRIMARY KEY (a, b)); INSERT INTO m VALUES (1, 1)');
    rows(db, 'CREATE TABLE s (x int, y int, FOREIGN KEY (x, y) REFERENCES m)');
    expect(tag(db, 'INSERT INTO s VALUES (5, NULL)')).toBe('INSERT 0 1');
    expect(error(db, 'INSERT INTO s VALUES (5, 5)')).toMatchObject({ detail: 'Key (x, y)=(5, 5) is not present in table "m".' });
    rows(db, 'CREATE TABLE f (x int, y int, FOREIGN KEY (x, y) REFERENCES m MATCH FULL)');
    expect(tag(db, 'INSERT INTO f VALUES (NULL, NULL), (1, 1)')).toBe('INSERT 0 2');
    expect(error(db, 'INSERT INTO f VALUES (1, NULL)')).toMatchObject({
      code: '23503', message: 'insert or update on table "f" violates foreign key constraint "f_x_y_fkey"', detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
    });
    db.close();
  });
});

describe('FOREIGN KEY actions on the referenced side', () => {
  function setup() {
    const db = memoryDb();
    rows(db, `CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
      CREATE TABLE c_cascade (id int, pid int REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE);
      CREATE TABLE c_null (id int, pid int REFERENCES p ON DELETE SET NULL ON UPDATE SET NULL);
      CREATE TABLE c_default (id int, pid int DEFAULT 0 REFERENCES p ON DELETE SET DEFAULT ON UPDATE SET DEFAULT);
      INSERT INTO p VALUES (0, 'zero'), (1, 'one'), (2, 'two');
      INSERT INTO c_cascade VALUES (1, 1), (2, 2), (3, 2);
      INSERT INTO c_null VALUES (1, 1), (2, 2);
      INSERT INTO c_default VALUES (1, 1), (2, 2)`);
    return db;
  }

  it('ON UPDATE CASCADE / SET NULL / SET DEFAULT', () => {
    const db = setup();
    expect(tag(db, 'UPDATE p SET id = 10 WHERE id = 1')).toBe('UPDATE 1');
    expect(rows(db, 'SELECT * FROM c_cascade ORDER BY id')).toEqual([[1, 10], [2, 2], [3, 2]]);
    expect(rows(db, 'SELECT * FROM c_null ORDER BY id')).toEqual([[1, null], [2, 2]]);
    expect(rows(db, 'SELECT * FROM c_default ORDER BY id')).toEqual([[1, 0], [2, 2]]);
    db.close();
  });

  it('ON DELETE CASCADE / SET NULL / SET DEFAULT', () => {
    const db = setup();
    expect(tag(db, 'DELETE FROM p WHERE id = 2')).toBe('DELETE 1');
    expect(rows(db, 'SELECT * FROM c_cascade ORDER BY id')).toEqual([[1, 1]]);
    expect(rows(db, 'SELECT * FROM c_null ORDER BY id')).toEqual([[1, 1], [2, null]]);
    expect(rows(db, 'SELECT * FROM c_default ORDER BY id')).toEqual([[1, 1], [2, 0]]);
    db.close();
  });

  it('SET DEFAULT to a key that is gone is refused', () => {
    const db = setup();
    rows(db, 'UPDATE c_default SET pid = 0');
    expect(error(db, 'DELETE FROM p WHERE id = 0')).toMatchObject({
      code: '23503', message: 'update or delete on table "p" violates foreign key constraint "c_default_pid_fkey" on table "c_default"',
      detail: 'Key (id)=(0) is still referenced from table "c_default".',
    });
    db.close();
  });

  it('NO ACTION (the default) and RESTRICT refuse to orphan rows', () => {
    const db = memoryDb();
    rows(db, `CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
      CREATE TABLE c (pid int REFERENCES p);
      CREATE TABLE r (code text REFERENCES p (code) ON DELETE RESTRICT ON UPDATE RESTRICT);
      INSERT INTO p VALUES (1, 'one'), (2, 'two'); INSERT INTO c VALUES (1); INSERT INTO r VALUES ('two')`);
    expect(error(db, 'DELETE FROM p WHERE id = 1')).toMatchObject({
      code: '23503', message: 'update or delete on table "p" violates foreign key constraint "c_pid_fkey" on table "c"',
      detail: 'Key (id)=(1) is still referenced from table "c".',
    });
    expect(error(db, 'UPDATE p SET id = 3 WHERE id = 1')).toMatchObject({ code: '23503' });
    expect(error(db, "UPDATE p SET code = 'deux' WHERE id = 2")).toMatchObject({
      code: '23503', message: 'update or delete on table "p" violates foreign key constraint "r_code_fkey" on table "r"',
      detail: 'Key (code)=(two) is still referenced from table "r".',
    });
    // Changing other columns, or keys nobody references, is fine.
    expect(tag(db, "UPDATE p SET code = 'uno' WHERE id = 1")).toBe('UPDATE 1');
    expect(tag(db, 'DELETE FROM c')).toBe('DELETE 1');
    expect(tag(db, 'DELETE FROM p WHERE id = 1')).toBe('DELETE 1');
    db.close();
  });

  it('NO ACTION is checked at the end of the statement', () => {
    const db = memoryDb();
    rows(db, `CREATE TABLE p (id int PRIMARY KEY, k int UNIQUE); CREATE TABLE c (k int REFERENCES p (k));
      INSERT INTO p VALUES (1, 10), (2, 20); INSERT INTO c VALUES (10)`);
    // Row 1 gives key 10 up and row 2 takes it in the same statement: no orphan at the end.
    rows(db, 'UPDATE p SET k = CASE id WHEN 1 THEN 11 ELSE 10 END');
    expect(rows(db, 'SELECT id, k FROM p ORDER BY id')).toEqual([[1, 11], [2, 10]]);
    db.close();
  });

  it('many deleted keys are checked together at the end of the statement', () => {
    const db = memoryDb();
    rows(db, `CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p);
      INSERT INTO p SELECT g FROM generate_series(1, 300) g; INSERT INTO c SELECT g * 3 FROM generate_series(1, 100) g`);
    expect(tag(db, 'DELETE FROM p WHERE id % 3 <> 0')).toBe('DELETE 200');
    expect(error(db, 'DELETE FROM p WHERE id > 150')).toMatchObject({ code: '23503', message: 'update or delete on table "p" violates foreign key constraint "c_pid_fkey" on table "c"' });
    expect(rows(db, 'SELECT count(*) FROM p')).toEqual([[100]]);
    db.close();
  });

  it('cascades through a self-referencing tree', () => {
    const db = memoryDb();
    rows(db, `CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree ON DELETE CASCADE);
      INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2), (4, 2), (5, 1), (6, 3)`);
    expect(tag(db, 'DELETE FROM tree WHERE id = 2')).toBe('DELETE 1');
    expect(rows(db, 'SELECT id FROM tree ORDER BY id')).toEqual([[1], [5]]);
    db.close();
  });

  it('cascades across several levels of tables', () => {
    const db = memoryDb();
    rows(db, `CREATE TABLE a (id int PRIMARY KEY);
      CREATE TABLE b (id int PRIMARY KEY, aid int REFERENCES a ON DELETE CASCADE ON UPDATE CASCADE);
      CREATE TABLE c (bid int REFERENCES b ON DELETE CASCADE);
      INSERT INTO a VALUES (1); INSERT INTO b VALUES (10, 1), (11, 1); INSERT INTO c VALUES (10), (11), (11)`);
    rows(db, 'UPDATE a SET id = 2');
    expect(rows(db, 'SELECT * FROM b ORDER BY id')).toEqual([[10, 2], [11, 2]]);
    rows(db, 'DELETE FROM a');
    expect(rows(db, 'SELECT (SELECT count(*) FROM b), (SELECT count(*) FROM c)')).toEqual([[0, 0]]);
    db.close();
  });
});

describe('DROP and TRUNCATE of a referenced table', () => {
  it('DROP TABLE needs CASCADE, which drops the constraint only', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)');
    expect(error(db, 'DROP TABLE p')).toMatchObject({
      code: '2BP01', message: 'cannot drop table p because other objects depend on it',
      detail: 'constraint c_pid_fkey on table c depends on table p', hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
    expect(tag(db, 'DROP TABLE p CASCADE')).toBe('DROP TABLE');
    rows(db, 'INSERT INTO c VALUES (99)');
    expect(rows(db, 'SELECT * FROM c ORDER BY pid')).toEqual([[1], [99]]);
    db.close();
  });

  it('dropping both tables together needs no CASCADE', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p)');
    expect(tag(db, 'DROP TABLE p, c')).toBe('DROP TABLE');
    db.close();
  });

  it('TRUNCATE needs the referencing tables too, or CASCADE', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1)');
    expect(error(db, 'TRUNCATE p')).toMatchObject({
      code: '0A000', message: 'cannot truncate a table referenced in a foreign key constraint',
      detail: 'Table "c" references "p".', hint: 'Truncate table "c" at the same time, or use TRUNCATE ... CASCADE.',
    });
    rows(db, 'TRUNCATE p CASCADE');
    expect(rows(db, 'SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c)')).toEqual([[0, 0]]);
    db.close();
  });
});
