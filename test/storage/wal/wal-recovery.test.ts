// Recovery: torn tails, bit rot, stale records, and power loss at every sync
// and every write of a seeded workload (the fault vfs).
import { describe, it, expect } from 'vitest';
import { SqlState } from '../../../src/errors.ts';
import { createFaultVfs, createMemoryVfs, Prng, SimulatedCrash, type FaultCrashOptions, type FaultVfs, type MemoryVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import { END_RECORD_SIZE, FILE_HEADER_SIZE, RECORD_HEADER_SIZE, WalWriter, walFileName } from '../../../src/storage/wal/index.ts';
import { crc32c, sealRecord } from '../../../src/storage/wal/format.ts';
import { DIR, SMALL_FILE, diffRecords, expectRecords, flintErrorOf, locate, overwrite, payload, readAll, type Rec } from './wal-helpers.ts';

const recordSize = (r: Rec): number => RECORD_HEADER_SIZE + r.payload.length;

/** A synced log of `count` records over several small files, in a memory vfs. */
function syncedLog(count: number, sizeOf: (i: number) => number): { vfs: MemoryVfs; recs: Rec[]; endLsn: number } {
  const vfs = createMemoryVfs();
  const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
  const recs: Rec[] = [];
  for (let i = 0; i < count; i++) {
    const p = payload(i, sizeOf(i));
    recs.push({ lsn: w.append(1 + (i % 200), p), type: 1 + (i % 200), payload: p });
  }
  w.sync();
  w.close();
  return { vfs, recs, endLsn: w.nextLsn };
}

/** Reopen at the end found, append and sync a few records, and check that the log reads as `kept` plus them. */
function continueAfter(vfs: Vfs, kept: readonly Rec[], endLsn: number, fromLsn: number, seed: number): void {
  const w = WalWriter.open(vfs, DIR, endLsn, { fileBytes: SMALL_FILE });
  const more: Rec[] = [];
  for (let i = 0; i < 5; i++) {
    const p = payload(seed * 100 + i, 50 + i * 300);
    more.push({ lsn: w.append(7, p), type: 7, payload: p });
  }
  w.sync();
  w.close();
  expect(more[0]!.lsn).toBeGreaterThan(endLsn);
  const again = readAll(vfs, fromLsn);
  expect(diffRecords(again.records, [...kept, ...more])).toBe('');
}

describe('WAL recovery from a torn tail', () => {
  const { vfs, recs } = syncedLog(40, (i) => 100 + i * 13);
  const last = recs[recs.length - 1]!;
  const size = recordSize(last);
  const { path, offset } = locate(vfs, last.lsn);

  for (const [name, fill] of [['zeros', 0x00], ['garbage', 0xa5]] as const) {
    it(`stops cleanly at every byte of the last record (${name} after the cut)`, () => {
      for (let cut = 0; cut <= size; cut++) {
        const copy = vfs.crash();
        if (cut < size) overwrite(copy, path, offset + cut, new Uint8Array(size - cut).fill(fill));
        const back = readAll(copy, 0);
        const kept = cut < size ? recs.slice(0, -1) : recs;
        expect(diffRecords(back.records, kept), `cut ${cut}`).toBe('');
        expect(back.endLsn, `cut ${cut}`).toBe(cut < size ? last.lsn : last.lsn + size);
        if (cut < size) expect(['end', 'torn'], `cut ${cut}`).toContain(back.stopReason);
        if (cut % 37 === 0 || cut === size) continueAfter(copy, kept, back.endLsn, 0, cut);
      }
    });
  }

  it('stops at a cut inside a file header or an end record, and continues after it', () => {
    const big = syncedLog(300, () => 700);
    const files = big.vfs.list(DIR);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const second = parseInt(files[1]!.slice(0, 16), 16);
    const endRecordLsn = big.recs.filter((r) => r.lsn < second).reduce((end, r) => r.lsn + recordSize(r), 0);
    const before = big.recs.filter((r) => r.lsn < second);
    for (const cut of [0, 1, 27, 28, 31]) {
      // The second file's header, torn: the log ends at the end record that points to it.
      const copy = big.vfs.crash();
      overwrite(copy, `${DIR}/${files[1]}`, cut, new Uint8Array(FILE_HEADER_SIZE - cut));
      const back = readAll(copy, 0);
      expectRecords(back.records, before);
      expect(back.endLsn).toBe(endRecordLsn);
      continueAfter(copy, before, back.endLsn, 0, 1000 + cut);
    }
    for (let cut = 0; cut < END_RECORD_SIZE; cut++) {
      const copy = big.vfs.crash();
      overwrite(copy, `${DIR}/${files[0]}`, endRecordLsn + cut, new Uint8Array(END_RECORD_SIZE - cut).fill(0xa5)); // zeros would not change the high bytes
      const back = readAll(copy, 0);
      expectRecords(back.records, before);
      expect(back.endLsn).toBe(endRecordLsn);
    }
  });

  it('reports a checksummed record this version did not write as corrupt', () => {
    const copy = vfs.crash();
    const end = last.lsn + size;
    const u8 = new Uint8Array(RECORD_HEADER_SIZE + 4);
    const view = new DataView(u8.buffer);
    sealRecord(u8, view, 0, end, 5, 4);
    u8[18] = 1; // a reserved byte
    view.setUint32(0, crc32c(u8, 4, u8.length - 4), true);
    overwrite(copy, path, end - (last.lsn - offset), u8);
    const back = readAll(copy, 0);
    expectRecords(back.records, recs);
    expect(back.stopReason).toBe('corrupt');
    expect(back.endLsn).toBe(end);
  });
});

describe('WAL recovery from bit rot', () => {
  const { vfs, recs } = syncedLog(300, (i) => (i * 7919) % 1200);

  it('stops at the record holding a flipped bit, for 200 random flips', () => {
    const prng = new Prng(2024);
    for (let trial = 0; trial < 200; trial++) {
      const i = prng.int(recs.length);
      const rec = recs[i]!;
      const { path, offset } = locate(vfs, rec.lsn);
      const copy = vfs.crash();
      copy.corrupt(path, offset + prng.int(recordSize(rec)), 1 << prng.int(8));
      const back = readAll(copy, 0);
      expect(diffRecords(back.records, recs.slice(0, i)), `trial ${trial}, record ${i}`).toBe('');
      expect(back.endLsn).toBe(rec.lsn);
      expect(['end', 'torn']).toContain(back.stopReason);
      if (trial % 20 === 0) continueAfter(copy, recs.slice(0, i), back.endLsn, 0, trial);
    }
  });

  it('treats a damaged file header as the end where the log begins, and as XX001 where records should be', () => {
    const copy = vfs.crash();
    copy.corrupt(`${DIR}/${walFileName(0)}`, 20, 0x10);
    expect(readAll(copy, 0)).toEqual({ records: [], endLsn: 0, stopReason: 'torn' });
    const err = flintErrorOf(() => readAll(copy, recs[5]!.lsn));
    expect(err.code).toBe(SqlState.dataCorrupted);
    expect(err.file).toBe(`${DIR}/${walFileName(0)}`);
    // The writer starts over where the reader ended: the log is usable again.
    continueAfter(copy, [], 0, 0, 1);
  });
});

describe('WAL recovery after a process crash', () => {
  it('makes the records it found durable before it writes new ones', () => {
    const vfs = createFaultVfs({ seed: 9 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs: Rec[] = [];
    for (let i = 0; i < 120; i++) {
      const p = payload(i, 1000);
      recs.push({ lsn: w.append(3, p), type: 3, payload: p });
    }
    w.flush(); // in the page cache, over two files, never synced; then the process dies
    const back = readAll(vfs, 0);
    expectRecords(back.records, recs);
    const w2 = WalWriter.open(vfs, DIR, back.endLsn, { fileBytes: SMALL_FILE });
    const p = payload(999, 10);
    recs.push({ lsn: w2.append(3, p), type: 3, payload: p });
    w2.sync();
    // Then the power fails: the records recovery found must still be there, or the new one would be lost behind a hole.
    expectRecords(readAll(vfs.crash(), 0).records, recs);
  });
});

// ---- power loss at every sync and every write of a seeded workload ------------

interface CrashState {
  /** Every record appended, in order. */
  model: Rec[];
  /** Every record at or below this LSN was acknowledged (sync returned or waitDurable resolved). */
  ackedLsn: number;
  /** The checkpoint's redo point, as a durable control file would hold it: recovery reads from here. */
  checkpoint: number;
}

const newState = (): CrashState => ({ model: [], ackedLsn: -1, checkpoint: 0 });

/** Appends of random sizes (some large), syncs, group commits, flushes and checkpoints with recycling. */
async function workload(vfs: Vfs, seed: number, st: CrashState, ops: number): Promise<void> {
  const prng = new Prng(seed);
  const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, spareFilesMax: 2 });
  const add = (): number => {
    const p = payload(st.model.length + seed * 100000, prng.chance(0.1) ? prng.int(20000) : prng.int(1500));
    const type = 1 + prng.int(255);
    const lsn = w.append(type, p);
    st.model.push({ lsn, type, payload: p });
    return lsn;
  };
  for (let op = 0; op < ops; op++) {
    const k = prng.int(12);
    if (k < 5) {
      for (let n = prng.range(1, 4); n > 0; n--) add();
    } else if (k < 7) {
      add();
      w.sync();
      st.ackedLsn = st.model[st.model.length - 1]!.lsn;
    } else if (k < 10) {
      const lsns = Array.from({ length: prng.range(1, 8) }, add);
      await Promise.all(lsns.map((lsn) => w.waitDurable(lsn)));
      st.ackedLsn = Math.max(st.ackedLsn, ...lsns);
    } else if (k === 10) {
      w.flush();
    } else {
      const acked = st.model.filter((r) => r.lsn >= st.checkpoint && r.lsn <= st.ackedLsn);
      if (acked.length === 0) continue;
      st.checkpoint = acked[prng.int(acked.length)]!.lsn;
      w.recycle(st.checkpoint);
    }
  }
  add();
  w.sync();
  st.ackedLsn = st.model[st.model.length - 1]!.lsn;
  w.close();
}

/** After power loss: every acknowledged record is there and intact, nothing else but a prefix of what followed; then the log continues. */
function verify(after: FaultVfs, st: CrashState, label: string): void {
  const back = readAll(after, st.checkpoint);
  const expected = st.model.filter((r) => r.lsn >= st.checkpoint);
  const acked = expected.filter((r) => r.lsn <= st.ackedLsn).length;
  expect(diffRecords(back.records, expected.slice(0, back.records.length)), label).toBe('');
  expect(back.records.length, label).toBeGreaterThanOrEqual(acked);
  // The end is after the last record returned (further on if the next file was started but its first record is missing).
  const lastBack = back.records[back.records.length - 1];
  expect(back.endLsn, label).toBeGreaterThanOrEqual(lastBack === undefined ? st.checkpoint : lastBack.lsn + recordSize(lastBack));
  // Reopen, commit more, lose power again: the log reads as what was found plus the new records.
  const w = WalWriter.open(after, DIR, back.endLsn, { fileBytes: SMALL_FILE, spareFilesMax: 2 });
  const more: Rec[] = [];
  for (let i = 0; i < 4; i++) {
    const p = payload(777000 + i, 3000 * i);
    more.push({ lsn: w.append(200, p), type: 200, payload: p });
  }
  w.sync();
  w.append(201, payload(1, 100)); // unsynced: may survive or not, never harms what did
  w.flush();
  const again = readAll(after.crash(), st.checkpoint);
  expect(diffRecords(again.records.slice(0, back.records.length + more.length), [...back.records, ...more]), label).toBe('');
  expect(again.records.length - back.records.length - more.length, label).toBeLessThanOrEqual(1);
}

async function runCrashing(vfs: FaultVfs, seed: number, st: CrashState, ops: number): Promise<boolean> {
  try {
    await workload(vfs, seed, st, ops);
    return false;
  } catch (err) {
    if (!(err instanceof SimulatedCrash)) throw err;
    return true;
  }
}

describe('WAL recovery from power loss (fault vfs)', () => {
  const OPS = 90;
  for (const seed of [1, 2, 3]) {
    for (const entries of ['synced', 'all'] as const) {
      if (entries === 'all' && seed !== 1) continue;
      it(`keeps every acknowledged record at a crash at each sync (seed ${seed}, entries ${entries})`, async () => {
        const counting = createFaultVfs({ seed });
        await workload(counting, seed, newState(), OPS);
        const syncs = counting.counters.sync;
        expect(syncs).toBeGreaterThan(20);
        const opts: FaultCrashOptions = { entries };
        for (let n = 1; n <= syncs; n++) {
          const vfs = createFaultVfs({ seed: seed * 1000 + n });
          vfs.crashAtSync(n);
          const st = newState();
          expect(await runCrashing(vfs, seed, st, OPS)).toBe(true);
          verify(vfs.crash(opts), st, `seed ${seed}, crash at sync ${n} of ${syncs}`);
        }
      });
    }

    it(`keeps every acknowledged record at a crash at each write (seed ${seed})`, async () => {
      const counting = createFaultVfs({ seed });
      await workload(counting, seed, newState(), OPS);
      const writes = counting.counters.write;
      for (let n = 1; n <= writes; n++) {
        const vfs = createFaultVfs({ seed: seed * 7000 + n });
        vfs.inject({ op: 'write', nth: n, effect: 'crash' });
        const st = newState();
        expect(await runCrashing(vfs, seed, st, OPS)).toBe(true);
        verify(vfs.crash(), st, `seed ${seed}, crash at write ${n} of ${writes}`);
      }
    });
  }

  it('keeps every acknowledged record at crashes at renames and removes of recycling', async () => {
    const seed = 4;
    const counting = createFaultVfs({ seed });
    await workload(counting, seed, newState(), 200);
    for (const op of ['rename', 'remove'] as const) {
      const count = counting.counters[op];
      for (let n = 1; n <= count; n++) {
        const vfs = createFaultVfs({ seed: n });
        vfs.inject({ op, nth: n, effect: 'crash' });
        const st = newState();
        expect(await runCrashing(vfs, seed, st, 200)).toBe(true);
        verify(vfs.crash(), st, `crash at ${op} ${n} of ${count}`);
      }
    }
  });

  it('survives repeated crashes, each recovery continuing the log', async () => {
    let vfs = createFaultVfs({ seed: 77 });
    const prng = new Prng(77);
    const model: Rec[] = [];
    let acked = 0; // records of model known durable
    let end = 0;
    for (let life = 0; life < 30; life++) {
      const w = WalWriter.open(vfs, DIR, end, { fileBytes: SMALL_FILE });
      const n = prng.range(1, 60);
      let crashed = false;
      vfs.inject({ op: prng.chance(0.5) ? 'sync' : 'write', nth: prng.range(1, 12), effect: 'crash' });
      try {
        for (let i = 0; i < n; i++) {
          const p = payload(life * 1000 + i, prng.int(3000));
          model.push({ lsn: w.append(9, p), type: 9, payload: p });
          if (prng.chance(0.3)) {
            w.sync();
            acked = model.length;
          }
        }
        w.close();
      } catch (err) {
        if (!(err instanceof SimulatedCrash)) throw err;
        crashed = true;
      }
      if (!crashed) vfs.clearFaults();
      vfs = vfs.crash();
      const back = readAll(vfs, 0);
      expect(diffRecords(back.records, model.slice(0, back.records.length)), `life ${life}`).toBe('');
      expect(back.records.length, `life ${life}`).toBeGreaterThanOrEqual(acked);
      model.length = back.records.length;
      acked = model.length; // the next open makes them durable
      end = back.endLsn;
    }
    expect(model.length).toBeGreaterThan(50);
  });
});
