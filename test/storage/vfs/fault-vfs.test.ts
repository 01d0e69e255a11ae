import { describe, it, expect } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import { createFaultVfs, createMemoryVfs, SECTOR_SIZE, SimulatedCrash, type FaultVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import { bytes, firstDifference, flintErrorOf, pattern, readFile, vfsContract, writeFile } from './vfs-contract.ts';

vfsContract('fault (no faults injected)', () => {
  const vfs = createFaultVfs({ seed: 42 });
  vfs.mkdir('/data');
  return { vfs, dir: '/data', dispose: () => {} };
});

/** The SimulatedCrash that `fn` throws; fails the test otherwise. */
function crashOf(fn: () => unknown): SimulatedCrash {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SimulatedCrash);
    expect(err).not.toBeInstanceOf(FlintError);
    return err as SimulatedCrash;
  }
  throw new Error('expected a SimulatedCrash, nothing was thrown');
}

/** A file made durable, name and content: the starting point of most tests. */
function durableFile(vfs: Vfs, path: string, content: Uint8Array): void {
  writeFile(vfs, path, content, true);
  vfs.syncDir('/');
}

const RECORD_BYTES = 700; // not a sector multiple, so records straddle sectors
const RECORDS = 6;

/**
 * A small commit log: create the file, make its name durable, then append
 * records, each followed by a sync (a commit). Syncs: 1 + RECORDS.
 */
function logWorkload(vfs: Vfs): void {
  const f = vfs.open('/wal', { create: true, exclusive: true });
  vfs.syncDir('/');
  for (let i = 0; i < RECORDS; i++) {
    f.write(pattern(RECORD_BYTES, i + 1), i * RECORD_BYTES);
    f.sync();
  }
  f.close();
}

describe('fault vfs', () => {
  describe('crash', () => {
    it('loses unsynced writes', () => {
      const vfs = createFaultVfs({ seed: 1 });
      durableFile(vfs, '/f', pattern(1000, 1));
      const f = vfs.open('/f');
      f.write(pattern(1000, 2), 0);
      f.write(pattern(10, 3), 2000);
      const after = vfs.crash({ tear: false });
      expect(readFile(after, '/f')).toEqual(pattern(1000, 1));
      expect(after.tornWrites).toEqual([]);
    });

    it('keeps synced writes, torn or not', () => {
      for (let seed = 0; seed < 16; seed++) {
        const vfs = createFaultVfs({ seed });
        durableFile(vfs, '/f', pattern(3000, 1));
        const f = vfs.open('/f');
        f.write(pattern(500, 2), 1000);
        f.sync();
        const after = vfs.crash();
        const expected = pattern(3000, 1);
        expected.set(pattern(500, 2), 1000);
        expect(firstDifference(readFile(after, '/f'), expected)).toBe(-1);
      }
    });

    it('tears only the last unsynced write, and only at sector boundaries', () => {
      const shapes = new Set<string>();
      const durable = pattern(8192, 1);
      const last = pattern(2000, 3);
      const offset = 700;
      for (let seed = 0; seed < 64; seed++) {
        const vfs = createFaultVfs({ seed });
        durableFile(vfs, '/f', durable);
        const f = vfs.open('/f');
        f.write(pattern(300, 2), 3000); // an earlier unsynced write: never survives
        f.write(last, offset);
        const after = vfs.crash();
        const got = readFile(after, '/f');
        expect(got.length).toBe(durable.length);
        expect(firstDifference(got.subarray(0, offset), durable.subarray(0, offset))).toBe(-1);
        expect(firstDifference(got.subarray(offset + last.length), durable.subarray(offset + last.length))).toBe(-1);
        // Each sector of the write is wholly old or wholly new.
        const persisted: Array<[number, number]> = [];
        for (let s = offset; s < offset + last.length; ) {
          const e = Math.min(offset + last.length, (Math.floor(s / SECTOR_SIZE) + 1) * SECTOR_SIZE);
          const isNew = firstDifference(got.subarray(s, e), last.subarray(s - offset, e - offset)) === -1;
          const isOld = firstDifference(got.subarray(s, e), durable.subarray(s, e)) === -1;
          expect(isNew !== isOld).toBe(true);
          if (isNew) {
            const prev = persisted[persisted.length - 1];
            if (prev !== undefined && prev[1] === s) prev[1] = e;
            else persisted.push([s, e]);
          }
          s = e;
        }
        const reported = after.tornWrites.find((t) => t.path === '/f');
        expect(reported?.offset).toBe(offset);
        expect(reported?.length).toBe(last.length);
        expect(reported?.persisted).toEqual(persisted);
        const kept = persisted.reduce((n, [s, e]) => n + e - s, 0);
        shapes.add(kept === 0 ? 'none' : kept === last.length ? 'all' : 'part');
      }
      expect([...shapes].sort()).toEqual(['all', 'none', 'part']);
    });

    it('a torn append extends the file only as far as a persisted sector, with zeros between', () => {
      let extended = 0;
      for (let seed = 0; seed < 32; seed++) {
        const vfs = createFaultVfs({ seed });
        durableFile(vfs, '/f', pattern(1000, 1));
        const f = vfs.open('/f');
        f.write(pattern(2000, 2), 1500);
        const got = readFile(vfs.crash(), '/f');
        expect(firstDifference(got.subarray(0, 1000), pattern(1000, 1))).toBe(-1);
        if (got.length > 1000) {
          extended++;
          expect(got.length === 3500 || got.length % SECTOR_SIZE === 0).toBe(true);
          expect(got.subarray(1000, 1500).every((b) => b === 0)).toBe(true);
        }
      }
      expect(extended).toBeGreaterThan(0);
    });

    it('crashes at each sync of a workload and keeps exactly the committed records', () => {
      const probe = createFaultVfs({ seed: 0 });
      logWorkload(probe);
      const syncs = probe.counters.sync;
      expect(syncs).toBe(1 + RECORDS);
      for (let n = 1; n <= syncs; n++) {
        const vfs = createFaultVfs({ seed: 1000 + n });
        vfs.crashAtSync(n);
        const crash = crashOf(() => logWorkload(vfs));
        expect(crash.op).toBe(n === 1 ? 'syncDir' : 'sync');
        expect(vfs.crashed).toBe(true);
        const after = vfs.crash();
        if (n === 1) {
          expect(after.exists('/wal')).toBe(false); // its name never became durable
          continue;
        }
        const wal = readFile(after, '/wal');
        const committed = n - 2; // syncs 2..n-1 each committed one record
        expect(wal.length).toBeGreaterThanOrEqual(committed * RECORD_BYTES);
        for (let i = 0; i < committed; i++) {
          expect(firstDifference(wal.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES), pattern(RECORD_BYTES, i + 1))).toBe(-1);
        }
        // The record whose sync crashed may be there in part, sector by sector, never anything else.
        const start = committed * RECORD_BYTES;
        const partial = pattern(RECORD_BYTES, committed + 1);
        for (let i = start; i < wal.length; i++) {
          const b = wal[i];
          expect(b === partial[i - start] || b === 0).toBe(true);
        }
      }
      // And without a crash, everything is there.
      const done = probe.crash();
      expect(readFile(done, '/wal').length).toBe(RECORDS * RECORD_BYTES);
    });

    it('counts writeDurable as a write and a sync, each a crash point, and keeps it once it returns', () => {
      const workload = (vfs: Vfs): void => {
        const f = vfs.open('/wal', { create: true, exclusive: true });
        vfs.syncDir('/');
        for (let i = 0; i < RECORDS; i++) f.writeDurable(pattern(RECORD_BYTES, i + 1), i * RECORD_BYTES);
        f.close();
      };
      const probe = createFaultVfs({ seed: 0 });
      workload(probe);
      expect(probe.counters.write).toBe(RECORDS);
      expect(probe.counters.sync).toBe(1 + RECORDS);
      for (let n = 2; n <= 1 + RECORDS; n++) {
        const vfs = createFaultVfs({ seed: 2000 + n });
        vfs.crashAtSync(n);
        expect(crashOf(() => workload(vfs)).op).toBe('sync');
        const wal = readFile(vfs.crash(), '/wal');
        const committed = n - 2;
        for (let i = 0; i < committed; i++) {
          expect(firstDifference(wal.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES), pattern(RECORD_BYTES, i + 1))).toBe(-1);
        }
        // The write whose sync crashed reached the page cache: it may be there in part, never anything else.
        const partial = pattern(RECORD_BYTES, committed + 1);
        for (let i = committed * RECORD_BYTES; i < wal.length; i++) expect(wal[i] === partial[i - committed * RECORD_BYTES] || wal[i] === 0).toBe(true);
      }
    });

    it('crashes after a write reached the page cache, so the write may be torn', () => {
      const vfs = createFaultVfs({ seed: 5 });
      durableFile(vfs, '/f', pattern(100, 1));
      vfs.inject({ op: 'write', nth: 1, effect: 'crash' });
      const f = vfs.open('/f');
      const crash = crashOf(() => f.write(pattern(1024, 2), 0));
      expect(crash.path).toBe('/f');
      expect(crash.message).toContain('offset 0');
      expect(vfs.crash().tornWrites.map((t) => t.path)).toEqual(['/f']);
    });

    it('after a crash every operation throws SimulatedCrash, but close and release stay quiet', async () => {
      const vfs = createFaultVfs({ seed: 2 });
      vfs.mkdir('/d');
      const f = vfs.open('/d/f', { create: true });
      const lock = vfs.lock('/d/lock');
      vfs.crashAtSync(1);
      crashOf(() => f.sync());
      crashOf(() => f.write(bytes(1), 0));
      crashOf(() => f.read(new Uint8Array(1), 0));
      crashOf(() => f.size());
      crashOf(() => vfs.open('/d/f'));
      crashOf(() => vfs.list('/d'));
      crashOf(() => vfs.exists('/d'));
      await expect(f.syncAsync()).rejects.toBeInstanceOf(SimulatedCrash);
      f.close();
      lock.release();
    });

    it('rejects syncAsync with SimulatedCrash at its sync', async () => {
      const vfs = createFaultVfs({ seed: 3 });
      const f = vfs.open('/f', { create: true });
      vfs.crashAtSync(2);
      await f.syncAsync();
      await expect(f.syncAsync()).rejects.toBeInstanceOf(SimulatedCrash);
    });

    it('can crash again while recovering', () => {
      const vfs = createFaultVfs({ seed: 4 });
      durableFile(vfs, '/f', pattern(10, 1));
      const second = vfs.crash();
      second.crashAtSync(1);
      const f = second.open('/f');
      f.write(pattern(10, 2), 0);
      crashOf(() => f.sync());
      expect(readFile(second.crash({ tear: false }), '/f')).toEqual(pattern(10, 1));
    });
  });

  describe('injected errors', () => {
    it('fails the n-th write with 58030 naming file and offset, and writes nothing', () => {
      const vfs = createFaultVfs({ seed: 6 });
      const f = vfs.open('/f', { create: true });
      vfs.failAt('write', 2);
      f.write(bytes(1, 1), 0);
      const err = flintErrorOf(() => f.write(bytes(2, 2), 8192));
      expect(err.code).toBe(SqlState.ioError);
      expect(err.file).toBe('/f');
      expect(err.offset).toBe(8192);
      expect(err.message).toContain('"/f"');
      expect(err.message).toContain('8192');
      expect(err.message).toContain('EIO');
      expect((err.cause as { code?: string }).code).toBe('EIO');
      expect(f.size()).toBe(2);
      f.write(bytes(3, 3), 2); // one-shot: the next write works
      expect(readFile(vfs, '/f')).toEqual(bytes(1, 1, 3, 3));
      expect(vfs.counters.write).toBe(3);
    });

    it('fails a sync with 53100 for ENOSPC, and makes nothing durable', () => {
      const vfs = createFaultVfs({ seed: 7 });
      durableFile(vfs, '/f', pattern(10, 1));
      const f = vfs.open('/f');
      f.write(pattern(10, 2), 0);
      vfs.failAt('sync', 1, 'enospc');
      expect(flintErrorOf(() => f.sync()).code).toBe(SqlState.diskFull);
      expect(readFile(vfs.crash({ tear: false }), '/f')).toEqual(pattern(10, 1));
    });

    it('fails each kind of operation it is told to', () => {
      const vfs = createFaultVfs({ seed: 8 });
      writeFile(vfs, '/f', bytes(1, 2, 3));
      vfs.failAt('open', 1);
      expect(flintErrorOf(() => vfs.open('/f')).code).toBe(SqlState.ioError);
      const f = vfs.open('/f');
      vfs.failAt('read', 1);
      const readErr = flintErrorOf(() => f.read(new Uint8Array(2), 1));
      expect(readErr.code).toBe(SqlState.ioError);
      expect(readErr.offset).toBe(1);
      vfs.failAt('truncate', 1, 'enospc');
      expect(flintErrorOf(() => f.truncate(100)).code).toBe(SqlState.diskFull);
      expect(f.size()).toBe(3);
      f.close();
      vfs.failAt('rename', 1);
      expect(flintErrorOf(() => vfs.rename('/f', '/g')).code).toBe(SqlState.ioError);
      vfs.failAt('remove', 1);
      expect(flintErrorOf(() => vfs.remove('/f')).code).toBe(SqlState.ioError);
      vfs.failAt('sync', 1);
      expect(flintErrorOf(() => vfs.syncDir('/')).code).toBe(SqlState.ioError);
      expect(readFile(vfs, '/f')).toEqual(bytes(1, 2, 3));
    });

    it('matches rules by path', () => {
      const vfs = createFaultVfs({ seed: 9 });
      vfs.mkdir('/db');
      vfs.inject({ op: 'write', nth: 1, effect: 'eio', path: /\.wal$/ });
      writeFile(vfs, '/db/heap', bytes(1));
      const wal = vfs.open('/db/0001.wal', { create: true });
      expect(flintErrorOf(() => wal.write(bytes(1), 0)).code).toBe(SqlState.ioError);
      wal.write(bytes(1), 0);
      wal.close();
    });

    it('fails with a probability, and clearFaults stops it', () => {
      const vfs = createFaultVfs({ seed: 10 });
      const f = vfs.open('/f', { create: true });
      vfs.failRandomly('write', 1);
      expect(flintErrorOf(() => f.write(bytes(1), 0)).code).toBe(SqlState.ioError);
      vfs.clearFaults();
      vfs.failRandomly('write', 0);
      f.write(bytes(1), 0);
      vfs.clearFaults();
      vfs.failRandomly('write', 0.3, 'enospc');
      let failures = 0;
      for (let i = 0; i < 200; i++) {
        try {
          f.write(bytes(i & 0xff), i);
        } catch (err) {
          expect((err as FlintError).code).toBe(SqlState.diskFull);
          failures++;
        }
      }
      expect(failures).toBeGreaterThan(30);
      expect(failures).toBeLessThan(100);
      f.close();
    });

    it('rejects a rule with both or neither of nth and probability', () => {
      const vfs = createFaultVfs({ seed: 11 });
      expect(() => vfs.inject({ op: 'write', effect: 'eio' })).toThrow(/assertion failed/);
      expect(() => vfs.inject({ op: 'write', effect: 'eio', nth: 1, probability: 0.5 })).toThrow(/assertion failed/);
      expect(() => vfs.failAt('write', 0)).toThrow(/assertion failed/);
    });
  });

  describe('bit flips', () => {
    it('flips distinct bits at the offsets it reports, on the medium', () => {
      const vfs = createFaultVfs({ seed: 12 });
      const content = pattern(4096, 1);
      durableFile(vfs, '/f', content);
      const flips = vfs.flipBits('/f', 20);
      expect(flips.length).toBe(20);
      expect(new Set(flips.map((x) => x.offset * 8 + x.bit)).size).toBe(20);
      const expected = content.slice();
      for (const { offset, bit } of flips) expected[offset] = (expected[offset] ?? 0) ^ (1 << bit);
      expect(firstDifference(readFile(vfs, '/f'), expected)).toBe(-1);
      expect(firstDifference(readFile(vfs.crash(), '/f'), expected)).toBe(-1);
    });

    it('can flip every bit of a small file', () => {
      const vfs = createFaultVfs({ seed: 13 });
      writeFile(vfs, '/f', bytes(0, 0));
      expect(vfs.flipBits('/f', 16).length).toBe(16);
      expect(readFile(vfs, '/f')).toEqual(bytes(0xff, 0xff));
      expect(() => vfs.flipBits('/f', 17)).toThrow(/assertion failed/);
    });
  });

  describe('determinism', () => {
    /** A workload touching every random choice: probability faults, flips, tears. */
    function scenario(seed: number): { failures: number[]; flips: string; torn: string; content: Uint8Array } {
      const vfs: FaultVfs = createFaultVfs({ seed });
      durableFile(vfs, '/f', pattern(20_000, 1));
      vfs.failRandomly('write', 0.2);
      const f = vfs.open('/f');
      const failures: number[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          f.write(pattern(600, i + 2), i * 450);
        } catch {
          failures.push(i);
        }
      }
      const flips = JSON.stringify(vfs.flipBits('/f', 8));
      const after = vfs.crash();
      const content = readFile(after, '/f');
      const torn = JSON.stringify(after.tornWrites);
      const again = after.crash(); // nothing unsynced: the same content
      expect(firstDifference(readFile(again, '/f'), content)).toBe(-1);
      return { failures, flips, torn, content };
    }

    it('replays the same faults, flips and tears from the same seed', () => {
      for (const seed of [1, 2, 0xdeadbeef]) {
        const a = scenario(seed);
        const b = scenario(seed);
        expect(b.failures).toEqual(a.failures);
        expect(b.flips).toBe(a.flips);
        expect(b.torn).toBe(a.torn);
        expect(firstDifference(b.content, a.content)).toBe(-1);
      }
    });

    it('differs between seeds', () => {
      const a = scenario(1);
      const b = scenario(2);
      expect(a.flips === b.flips && a.failures.join() === b.failures.join()).toBe(false);
    });

    it('reports its seed and starts the survivor from a seed of its own', () => {
      const vfs = createFaultVfs({ seed: 77 });
      expect(vfs.seed).toBe(77);
      const a = vfs.crash().seed;
      const b = createFaultVfs({ seed: 77 }).crash().seed;
      expect(a).toBe(b);
    });
  });

  it('starts from a given memory vfs', () => {
    const base = createMemoryVfs();
    writeFile(base, '/f', bytes(4, 2));
    const vfs = createFaultVfs({ seed: 14, base });
    expect(readFile(vfs, '/f')).toEqual(bytes(4, 2));
    expect(vfs.base).toBe(base);
  });
});
