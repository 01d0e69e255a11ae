// The WAL on the real file system: real fdatasync (async for group commit), renames and directory syncs.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { createNodeVfs, joinPath } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';
import { SMALL_FILE, expectRecords, payload, readAll, type Rec } from './wal-helpers.ts';

describe('WAL on the node vfs', () => {
  it('background fdatasyncs on real files: the writer closes before they end, their handle after', async () => {
    const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'flint-wal-'));
    /** Descriptors this process holds open on files under root (Linux: /proc/self/fd). */
    const openUnderRoot = () => {
      if (!fs.existsSync('/proc/self/fd')) return 0;
      let n = 0;
      for (const fd of fs.readdirSync('/proc/self/fd')) {
        try {
          if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(root)) n++;
        } catch {
          // the directory's own descriptor, gone by now
        }
      }
      return n;
    };
    try {
      const vfs = createNodeVfs();
      const dir = joinPath(root, 'wal');
      const w = WalWriter.open(vfs, dir, 0, { fileBytes: 16 * 1048576, backgroundSyncBytes: 1048576 });
      const recs: Rec[] = [];
      for (let i = 0; i < 5000; i++) {
        const p = payload(i, 1000);
        recs.push({ lsn: w.append(3, p), type: 3, payload: p });
      }
      expect(w.stats.backgroundSyncs).toBeGreaterThanOrEqual(2);
      w.sync();
      w.close(); // with background fdatasyncs still running on their own handle
      for (let i = 0; i < 200 && openUnderRoot() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(openUnderRoot()).toBe(0);
      expectRecords(readAll(vfs, 0, dir).records, recs);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

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

  it('a new file has disk blocks ahead of its records after the first commit (zero-filled, not a hole), and reads back the same', () => {
    const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'flint-wal-'));
    try {
      const vfs = createNodeVfs();
      const dir = joinPath(root, 'wal');
      const w = WalWriter.open(vfs, dir, 0, { fileBytes: 16 * 1048576 });
      const [name] = fs.readdirSync(dir);
      const allocated = () => fs.statSync(nodePath.join(dir, name!)).blocks * 512;
      // Truncated to 16 MiB, sparse: only the header's block (a file system may round up a little).
      expect(allocated()).toBeLessThan(1048576);
      const recs: Rec[] = [];
      const p = payload(1, 200);
      recs.push({ lsn: w.append(3, p), type: 3, payload: p });
      w.sync();
      // The first MiB exists on disk: the next commits' fdatasyncs write into allocated blocks.
      expect(allocated()).toBeGreaterThanOrEqual(1048576);
      expect(allocated()).toBeLessThan(16 * 1048576);
      w.close();
      expectRecords(readAll(vfs, 0, dir).records, recs);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
