// An INSERT's uniqueness probe of a new primary key keeps the key's leaf
// pinned for the insert of its entry (IndexManager.beforeInsert,
// BTree.probe). Through the engine: every insert, whether it succeeds or a
// later check refuses it (a UNIQUE secondary key, a key over the limit), a
// commit and a dropped index leave no frame pinned, and the rows are there.
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../src/errors.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef } from '../../src/txn/engine.ts';
import { KINDS, smallOptions } from './engine-helpers.ts';

const COLUMNS: readonly ColumnDef[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'email', type: 'text', nullable: true },
  { name: 'cat', type: 'int32', nullable: true },
];
const PK = { name: 't_pkey', columns: [{ column: 0, key: { type: 'int64' as const } }] };

for (const kind of KINDS) {
  describe(`the primary key's probe through the engine (${kind} kernels)`, () => {
    it('holds no pin after an insert, a refused insert, a commit or a dropped index', () => {
      const db = Engine.open(smallOptions(kind, createMemoryVfs()));
      const t = db.createTable('t', COLUMNS, undefined, PK);
      const byEmail = db.createIndex(t.id, { name: 't_email_key', columns: [{ column: 1, key: { type: 'text' } }], unique: true });
      db.createIndex(t.id, { name: 't_cat', columns: [{ column: 2, key: { type: 'int64' } }] });
      const pinned = db.pool.pinnedFrames();
      const txn = db.begin();
      let refused = 0;
      for (let i = 0; i < 400; i++) {
        try {
          // Every 7th row repeats an earlier email: its new key's probe misses, then the UNIQUE check refuses the row.
          db.insert(txn, t.id, [BigInt(i), i % 7 === 6 ? 'e0' : `e${i}`, i % 13]);
        } catch (error) {
          expect(error).toBeInstanceOf(FlintError);
          expect((error as FlintError).code).toBe('23505');
          refused++;
        }
        expect(db.pool.pinnedFrames()).toBe(pinned);
      }
      // A key over the limit is refused after the probe as well.
      expect(() => db.insert(txn, t.id, [1000n, 'x'.repeat(5000), 1])).toThrow();
      expect(db.pool.pinnedFrames()).toBe(pinned);
      db.commit(txn);
      expect(db.pool.pinnedFrames()).toBe(pinned);
      expect(refused).toBe(57);
      const reader = db.begin();
      let rows = 0;
      db.scan(reader, t.id, () => void rows++);
      expect(rows).toBe(400 - 57);
      db.commit(reader);
      db.dropIndex(byEmail.id);
      expect(db.pool.pinnedFrames()).toBe(pinned);
      db.verifyIndexes(t.id);
      db.close();
    });
  });
}
