// WAL retention: after a checkpoint, the files wholly before the redo point
// are removed except `walSpareFiles` spares (default 1) kept for reuse, and a
// clean close keeps none, so a database at rest holds one WAL file. Recovery
// and the writer go on from there (a switch creates a file when no spare is
// left).
import { describe, expect, it } from 'vitest';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { DIR, KINDS, ROW_COLUMNS, smallOptions } from './engine-helpers.ts';

function walFiles(vfs: ReturnType<typeof createMemoryVfs>): string[] {
  return vfs.list(`${DIR}/wal`).filter((n) => n.endsWith('.wal')).sort();
}

function load(db: Engine, table: number, from: number, n: number): void {
  const txn = db.begin();
  for (let i = from; i < from + n; i++) db.insert(txn, table, [BigInt(i), i, 'x'.repeat(200)]);
  db.commit(txn);
}

function count(db: Engine, table: number): number {
  const txn = db.begin();
  let n = 0;
  db.scan(txn, table, () => { n++; });
  db.commit(txn);
  return n;
}

describe.each(KINDS)('WAL retention (%s kernels)', (kind) => {
  it('keeps at most one spare after a checkpoint and none at rest', () => {
    const vfs = createMemoryVfs();
    // No automatic checkpoints: the load spans many 64 KiB WAL files.
    const options = smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    load(db, t, 0, 3000);
    expect(walFiles(vfs).length).toBeGreaterThan(8);
    db.checkpoint();
    expect(walFiles(vfs).length).toBeLessThanOrEqual(2);
    load(db, t, 3000, 3000);
    db.checkpoint();
    expect(walFiles(vfs).length).toBeLessThanOrEqual(2);
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);

    db = Engine.open(options);
    expect(count(db, t)).toBe(6000);
    load(db, t, 6000, 3000); // switches files with no spare waiting
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);
    db = Engine.open(options);
    expect(count(db, t)).toBe(9000);
    db.close();
  });

  it('walSpareFiles sets the bound', () => {
    const vfs = createMemoryVfs();
    const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walSpareFiles: 3 }));
    const t = db.createTable('t', ROW_COLUMNS).id;
    load(db, t, 0, 3000);
    db.checkpoint();
    expect(walFiles(vfs)).toHaveLength(4);
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);
  });
});
