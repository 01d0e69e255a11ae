import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/txn/engine.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';

describe('engine smoke', () => {
  it('creates, inserts, commits, reopens and reads back', () => {
    const vfs = createMemoryVfs();
    let db = Engine.open({ vfs, dir: '/db', poolBytes: 1 << 22 });
    const t = db.createTable('t', [
      { name: 'id', type: 'int64', nullable: false },
      { name: 'name', type: 'text', nullable: true },
    ]);
    const txn = db.begin();
    for (let i = 0; i < 1000; i++) db.insert(txn, t.id, [BigInt(i), `name ${i}`]);
    db.commit(txn);
    const r = db.begin();
    let n = 0;
    db.scan(r, t.id, () => void n++);
    expect(n).toBe(1000);
    db.commit(r);
    db.close();
    db = Engine.open({ vfs, dir: '/db', poolBytes: 1 << 22 });
    const r2 = db.begin();
    n = 0;
    db.scan(r2, db.table('t')!.id, () => void n++);
    expect(n).toBe(1000);
    db.close();
  });
});
