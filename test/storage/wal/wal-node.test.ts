// The WAL on the real file system: real fdatasync (async for group commit), renames and directory syncs.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { createNodeVfs, joinPath } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';
import { SMALL_FILE, expectRecords, payload, readAll, type Rec } from './wal-helpers.ts';

describe('WAL on the node vfs', () => {
  it('appends with group commit across files, recycles, reopens and reads back', async () => {
    const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'flint-wal-'));
    try {
      const vfs = createNodeVfs();
      const dir = joinPath(root, 'wal');
      let w = WalWriter.open(vfs, dir, 0, { fileBytes: SMALL_FILE });
      const recs: Rec[] = [];
      for (let batch = 0; batch < 10; batch++) {
        const waits: Promise<void>[] = [];
        for (let i = 0; i < 32; i++) {
          const p = payload(batch * 100 + i, 700);
          const lsn = w.append(4, p);
          recs.push({ lsn, type: 4, payload: p });
          waits.push(w.waitDurable(lsn));
        }
        await Promise.all(waits);
      }
      expect(w.stats.syncs).toBeLessThanOrEqual(20);
      const checkpoint = recs[200]!.lsn;
      w.recycle(checkpoint);
      expect(w.stats.filesRecycled).toBeGreaterThan(0);
      w.close();
      const back = readAll(vfs, checkpoint, dir);
      expectRecords(back.records, recs.slice(200));
      w = WalWriter.open(vfs, dir, back.endLsn, { fileBytes: SMALL_FILE });
      const p = payload(5000, 123);
      recs.push({ lsn: w.append(5, p), type: 5, payload: p });
      w.sync();
      w.close();
      expectRecords(readAll(vfs, checkpoint, dir).records, recs.slice(200));
      for (const name of fs.readdirSync(dir)) expect(fs.statSync(nodePath.join(dir, name)).size).toBe(SMALL_FILE);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
