// `flint check` on directories a power loss left behind: what the crash
// leaves (torn pages that the WAL rebuilds, a torn WAL tail) is not damage,
// so the check must pass on every one of them, before recovery (files only:
// such pages and tails are notes) and after it (the index pass). The
// workload and its crash points are the crash suites' (test/txn/).
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/storage/check.ts';
import { checkDatabase } from '../../src/db/check.ts';
import { createFaultVfs, type FaultVfs } from '../../src/storage/vfs/fault-vfs.ts';
import { Journal, runWorkload, type WorkloadOptions } from '../txn/crash-workload.ts';

const DIR = '/db';
const o: WorkloadOptions = { kind: 'ts', seed: 21, transactions: 60 };

async function crashedAt(k: number, tear: boolean): Promise<FaultVfs | null> {
  const vfs = createFaultVfs({ seed: 7919 * k });
  vfs.crashAtSync(k);
  try {
    const db = await runWorkload(vfs, o, new Journal());
    db.close();
    return null; // the workload has fewer syncs than k
  } catch (error) {
    if (!vfs.crashed) throw error;
  }
  return vfs.crash({ tear });
}

describe('flint check after a power loss', () => {
  it('finds no problem at any sampled crash point, before recovery and after it', { timeout: 120_000 }, async () => {
    let checked = 0;
    const notes: string[] = [];
    let walRecords = 0;
    for (let k = 3; k < 400; k += 9) {
      const vfs = await crashedAt(k, k % 2 === 0);
      if (vfs === null) break;
      if (!vfs.exists(`${DIR}/flint.control`)) continue; // the crash came before the directory was a database
      const files = checkFiles(vfs, DIR);
      expect(files.problems, `crash at sync ${k}, files`).toEqual([]);
      notes.push(...files.notes);
      walRecords += files.walRecordsChecked;
      const report = checkDatabase(DIR, { vfs });
      expect(report.problems, `crash at sync ${k}, after recovery`).toEqual([]);
      expect(report.tablesChecked).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(walRecords).toBeGreaterThan(1000); // the crashes left WAL to read
    // What the crashes left shows as notes: torn pages the WAL rebuilds, torn WAL tails.
    expect(notes.some((n) => /^\/db\/heap\.flint offset \d+: page checksum mismatch, but the WAL holds its image/.test(n))).toBe(true);
    expect(notes.some((n) => /^the WAL ends at LSN \d+ \(\/db\/wal\/[0-9a-f]+\.wal offset \d+\) with a record whose length or checksum/.test(n))).toBe(true);
  });
});
