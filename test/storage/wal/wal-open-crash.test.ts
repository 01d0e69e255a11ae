// A log whose last end record points at a file that holds nothing of it (a
// recycled spare whose new header never reached the disk: the writer writes
// the header with the records that follow it, unsynced, while the end record
// in the previous file may already be durable). Opening a writer after such a
// log renames that file away, as it does every file after the log's end; a
// crash at any point of the open must still leave a log that reads, and
// reopens, without error. (The end record used to stay behind, pointing at a
// file that was no longer there: XX001 at every later open.)
import { describe, expect, it } from 'vitest';
import { createFaultVfs, type MemoryVfs } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';
import { listWalFiles, writeFileHeader } from '../../../src/storage/wal/wal-files.ts';
import { DIR, SMALL_FILE, diffRecords, payload, readAll, type Rec } from './wal-helpers.ts';

/** A synced log over two files whose second file's header is then made a spare's (another start LSN). */
function logEndingInStaleSpare(): { base: MemoryVfs; recs: Rec[] } {
  const vfs = createFaultVfs({ seed: 1 });
  const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
  const recs: Rec[] = [];
  for (let i = 0; listWalFiles(vfs, DIR).length < 2 || i < 30; i++) {
    const p = payload(i, 3000);
    recs.push({ lsn: w.append(5, p), type: 5, payload: p });
  }
  w.sync();
  w.close();
  const second = listWalFiles(vfs, DIR)[1]!;
  const f = vfs.open(second.path);
  writeFileHeader(f, second.start + 100 * SMALL_FILE, SMALL_FILE);
  f.sync();
  f.close();
  const base = vfs.base.crash();
  const back = readAll(base, 0);
  // The log now ends at the end record of the first file.
  return { base, recs: recs.filter((r) => r.lsn < second.start).slice(0, back.records.length) };
}

describe('WAL open after a log that ends at an end record', () => {
  it('leaves a readable log at a crash at any sync of the open', () => {
    const { base, recs } = logEndingInStaleSpare();
    expect(diffRecords(readAll(base, 0).records, recs)).toBe('');
    let crashes = 0;
    for (let n = 1; n <= 10; n++) {
      const vfs = createFaultVfs({ seed: n, base: base.crash() });
      vfs.crashAtSync(n);
      const end = readAll(vfs, 0).endLsn;
      try {
        WalWriter.open(vfs, DIR, end, { fileBytes: SMALL_FILE }).close();
        break;
      } catch (error) {
        if (!vfs.crashed) throw error;
      }
      crashes++;
      const after = vfs.crash({ tear: false });
      const back = readAll(after, 0);
      expect(diffRecords(back.records, recs), `crash at open sync ${n}`).toBe('');
      const w = WalWriter.open(after, DIR, back.endLsn, { fileBytes: SMALL_FILE });
      const lsn = w.append(6, payload(999, 10));
      w.sync();
      w.close();
      expect(readAll(after, 0).records.map((r) => r.lsn)).toEqual([...recs.map((r) => r.lsn), lsn]);
    }
    expect(crashes).toBeGreaterThan(1);
  });
});
