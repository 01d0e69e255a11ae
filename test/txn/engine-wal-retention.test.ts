// WAL retention: after a checkpoint, the files wholly before the redo point
// are removed except `walSpareFiles` spares (default 1) kept for reuse, and a
// clean close keeps none, so a database at rest holds one WAL file. Recovery
// and the writer go on from there (a switch creates a file when no spare is
// left).
import { describe, expect, it } from 'vitest';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { countRows, DIR, KINDS, loadRows, ROW_COLUMNS, smallOptions, walFiles } from './engine-helpers.ts';

describe.each(KINDS)('WAL retention (%s kernels)', (kind) => {
  it('keeps at most one spare after a checkpoint and none at rest', () => {
    const vfs = createMemoryVfs();
    // No automatic checkpoints: the load spans many 64 KiB WAL files.
    const options = smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30 });
    let db = Engine.open(options);
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 3000);
    expect(walFiles(vfs).length).toBeGreaterThan(8);
    db.checkpoint();
    expect(walFiles(vfs).length).toBeLessThanOrEqual(2);
    loadRows(db, t, 3000, 3000);
    db.checkpoint();
    expect(walFiles(vfs).length).toBeLessThanOrEqual(2);
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);

    db = Engine.open(options);
    expect(countRows(db, t)).toBe(6000);
    loadRows(db, t, 6000, 3000); // switches files with no spare waiting
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);
    db = Engine.open(options);
    expect(countRows(db, t)).toBe(9000);
    db.close();
  });

  it('walSpareFiles sets the bound', () => {
    const vfs = createMemoryVfs();
    const db = Engine.open(smallOptions(kind, vfs, { checkpointWalBytes: 1 << 30, walSpareFiles: 3 }));
    const t = db.createTable('t', ROW_COLUMNS).id;
    loadRows(db, t, 0, 3000);
    db.checkpoint();
    expect(walFiles(vfs)).toHaveLength(4);
    db.close();
    expect(walFiles(vfs)).toHaveLength(1);
  });
});
