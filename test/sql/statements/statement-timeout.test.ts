// statement_timeout: a statement running past it fails with 57014 (and a
// block it ran in needs ROLLBACK, as after any error); SET validates it;
// 0 turns it off. The executor checks every few thousand rows, so a long
// scan or series stops; a 1 ms limit is always exceeded by a hundred
// million rows, which makes the test independent of machine speed.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

describe('statement_timeout', () => {
  it('stops a long statement with 57014; the session goes on', () => {
    const db = memoryDb();
    expect(tag(db, "SET statement_timeout = '1ms'")).toBe('SET');
    expect(error(db, 'SELECT count(*) FROM generate_series(1, 100000000)')).toMatchObject({
      code: '57014', message: 'canceling statement due to statement timeout',
    });
    expect(rows(db, 'SELECT 1')).toEqual([[1]]);
    rows(db, 'BEGIN');
    expect(error(db, 'SELECT count(*) FROM generate_series(1, 100000000)')).toMatchObject({ code: '57014' });
    expect(error(db, 'SELECT 1')).toMatchObject({ code: '25P02' });
    rows(db, 'ROLLBACK');
    rows(db, 'SET statement_timeout = 0');
    expect(rows(db, 'SELECT count(*) FROM generate_series(1, 100000)')).toEqual([[100000]]);
    expect(error(db, "SET statement_timeout = 'soon'")).toMatchObject({ code: '22023', message: 'invalid value for parameter "statement_timeout": "soon"' });
    expect(rows(db, 'SHOW statement_timeout')).toEqual([['0']]);
    db.close();
  });
});
