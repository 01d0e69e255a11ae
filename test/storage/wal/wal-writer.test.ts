import { describe, it, expect } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import { createFaultVfs, createMemoryVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import {
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  RECORD_HEADER_SIZE,
  WAL_BUFFER_BYTES_MAX,
  WAL_RECORD_PAYLOAD_MAX,
  WalReader,
  WalWriter,
  readWal,
  walFileName,
} from '../../../src/storage/wal/index.ts';
import { crc32c, encodeFileHeader } from '../../../src/storage/wal/format.ts';
import { DIR, GatedVfs, SMALL_FILE, expectRecords, flintErrorOf, locate, observedVfs, overwrite, payload, readAll, rejectionOf, settle, walFiles, type Rec } from './wal-helpers.ts';

/** Append `count` records of sizes drawn from `sizeOf(i)`; returns them. */
function appendMany(w: WalWriter, count: number, sizeOf: (i: number) => number, seedBase = 0): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < count; i++) {
    const p = payload(seedBase + i, sizeOf(i));
    const type = 1 + ((seedBase + i) % 255);
    out.push({ lsn: w.append(type, p), type, payload: p });
  }
  return out;
}

describe('WAL writer and reader', () => {
  it('starts a fresh directory at LSN 0: the first record follows the file header', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    expect(walFiles(vfs)).toEqual([walFileName(0)]);
    expect(w.nextLsn).toBe(FILE_HEADER_SIZE);
    expect(w.durableLsn).toBe(FILE_HEADER_SIZE);
    const lsn = w.append(9, payload(1, 10));
    expect(lsn).toBe(FILE_HEADER_SIZE);
    expect(w.nextLsn).toBe(FILE_HEADER_SIZE + RECORD_HEADER_SIZE + 10);
    expect(w.writtenLsn).toBe(FILE_HEADER_SIZE);
    w.flush();
    expect(w.writtenLsn).toBe(w.nextLsn);
    expect(w.durableLsn).toBe(FILE_HEADER_SIZE);
    w.sync();
    expect(w.durableLsn).toBe(w.nextLsn);
    w.close();
    const back = readAll(vfs, 0);
    expectRecords(back.records, [{ lsn, type: 9, payload: payload(1, 10) }]);
    expect(back.endLsn).toBe(lsn + RECORD_HEADER_SIZE + 10);
    expect(back.stopReason).toBe('end');
  });

  it('treats a record type outside 1..255 and an append after close as bugs (assertions), not FlintErrors', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    for (const type of [0, 256, 1.5, -1]) expect(() => w.append(type, payload(1, 4))).toThrow(`assertion failed: WAL record type must be in [1, 255], got ${type}`);
    expect(w.nextLsn).toBe(FILE_HEADER_SIZE);
    w.close();
    expect(() => w.append(1, payload(1, 4))).toThrow(`assertion failed: WAL writer for "${DIR}": append after close()`);
  });

  it('reads an empty or missing directory as an empty log ending at fromLsn', () => {
    const vfs = createMemoryVfs();
    expect(readAll(vfs, 0)).toEqual({ records: [], endLsn: 0, stopReason: 'end' });
    vfs.mkdir(DIR);
    expect(readAll(vfs, 12345)).toEqual({ records: [], endLsn: 12345, stopReason: 'end' });
  });

  it('starts a fresh directory at any LSN', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 1 << 20, { fileBytes: SMALL_FILE });
    expect(walFiles(vfs)).toEqual([walFileName(1 << 20)]);
    const recs = appendMany(w, 50, (i) => i * 7);
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 1 << 20).records, recs);
  });

  it('appends and reads back across many file switches, LSNs strictly increasing', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 2000, (i) => (i * 7919) % 1500);
    w.sync();
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.lsn).toBeGreaterThan(recs[i - 1]!.lsn);
    expect(w.stats.appends).toBe(2000);
    expect(w.stats.bytes).toBe(recs.reduce((n, r) => n + RECORD_HEADER_SIZE + r.payload.length, 0));
    const files = walFiles(vfs);
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(w.stats.filesCreated).toBe(files.length);
    for (const name of files) {
      const f = vfs.open(`${DIR}/${name}`, { readOnly: true });
      expect(f.size()).toBe(SMALL_FILE);
      f.close();
    }
    w.close();
    const back = readAll(vfs, 0);
    expectRecords(back.records, recs);
    expect(back.stopReason).toBe('end');
    expect(back.endLsn).toBe(w.nextLsn);
    // From the middle, at any record.
    for (const k of [1, 77, 1000, 1999]) expectRecords(readAll(vfs, recs[k]!.lsn).records, recs.slice(k));
  });

  it('takes payloads of every size from 0 to the maximum, and 54000 past it', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const max = w.maxPayloadBytes;
    expect(max).toBe(SMALL_FILE - FILE_HEADER_SIZE - RECORD_HEADER_SIZE - END_RECORD_SIZE);
    const sizes = [...Array.from({ length: 600 }, (_, i) => i), 4095, 4096, 4097, max - 1, max, 0, max];
    const recs = appendMany(w, sizes.length, (i) => sizes[i]!);
    const err = flintErrorOf(() => w.append(1, new Uint8Array(max + 1)));
    expect(err.code).toBe(SqlState.programLimitExceeded);
    expect(err.message).toContain(`${max + 1} bytes`);
    recs.push(...appendMany(w, 3, () => 5, 9000)); // still usable
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('takes a record of WAL_RECORD_PAYLOAD_MAX bytes when files are large enough', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 2 * 1048576 });
    expect(w.maxPayloadBytes).toBe(WAL_RECORD_PAYLOAD_MAX);
    const recs = appendMany(w, 5, (i) => (i % 2 === 0 ? WAL_RECORD_PAYLOAD_MAX : i));
    expect(flintErrorOf(() => w.append(1, new Uint8Array(WAL_RECORD_PAYLOAD_MAX + 1))).code).toBe(SqlState.programLimitExceeded);
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
    expect(walFiles(vfs).length).toBe(3);
  });

  it('fills a file exactly up to the room for its end record, and switches one byte later', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const first = w.append(1, payload(1, 1000));
    const room = SMALL_FILE - (w.nextLsn - 0) - END_RECORD_SIZE - RECORD_HEADER_SIZE;
    const fill = w.append(2, payload(2, room));
    expect(fill).toBe(first + RECORD_HEADER_SIZE + 1000);
    expect(w.nextLsn).toBe(SMALL_FILE - END_RECORD_SIZE);
    const next = w.append(3, new Uint8Array(0));
    expect(next).toBe(SMALL_FILE + FILE_HEADER_SIZE);
    w.sync();
    w.close();
    expect(readAll(vfs, 0).records.map((r) => r.lsn)).toEqual([first, fill, next]);
  });

  it('writes only when the buffer passes its bound', () => {
    const vfs = createFaultVfs({ seed: 1 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 16 * 1048576 });
    const writes = vfs.counters.write;
    for (let i = 0; i < 100; i++) w.append(1, payload(i, 1000));
    expect(vfs.counters.write).toBe(writes);
    for (let i = 0; i < 2000; i++) w.append(1, payload(i, 1000));
    expect(vfs.counters.write).toBeGreaterThan(writes);
    expect(w.writtenLsn).toBeGreaterThan(FILE_HEADER_SIZE);
    expect(w.durableLsn).toBe(FILE_HEADER_SIZE);
    w.close();
  });

  it('reopens at the end the reader found and continues in a new file', () => {
    const vfs = createMemoryVfs();
    let w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 100, (i) => i * 3);
    w.close(); // writes, does not sync: the records are in the page cache
    for (let round = 1; round <= 10; round++) {
      const back = readAll(vfs, 0);
      expectRecords(back.records, recs);
      w = WalWriter.open(vfs, DIR, back.endLsn, { fileBytes: SMALL_FILE });
      expect(w.nextLsn).toBeGreaterThan(back.endLsn);
      expect(w.durableLsn).toBe(w.nextLsn);
      recs.push(...appendMany(w, 20 * round, (i) => (i * 131) % 900, round * 1000));
      if (round % 2 === 0) w.sync();
      w.close();
    }
    const back = readAll(vfs, 0);
    expectRecords(back.records, recs);
    expect(back.stopReason).toBe('end');
  });

  it('iterates with for..of and reports the end', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 10, (i) => i);
    w.sync();
    const result = readWal(vfs, DIR, 0);
    const lsns: number[] = [];
    for (const r of result.records) lsns.push(r.lsn);
    expect(lsns).toEqual(recs.map((r) => r.lsn));
    expect(result.endLsn()).toBe(w.nextLsn);
    expect(result.stopReason()).toBe('end');
    // Breaking out of the loop releases the file.
    const reader = WalReader.open(vfs, DIR, 0);
    for (const r of reader) if (r.lsn >= recs[3]!.lsn) break;
    expect(reader.done).toBe(true);
    expect(reader.next()).toBeNull();
    w.close();
  });

  it('is an XX001 error when a file in the middle of the chain is missing, naming it', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    appendMany(w, 400, () => 500);
    w.sync();
    w.close();
    const files = walFiles(vfs);
    expect(files.length).toBeGreaterThanOrEqual(3);
    vfs.remove(`${DIR}/${files[1]}`);
    const err = flintErrorOf(() => readAll(vfs, 0));
    expect(err.code).toBe(SqlState.dataCorrupted);
    expect(err.message).toContain(files[1]!);
    expect(err.file).toBe(`${DIR}/${files[1]}`);
  });

  it('is an XX001 error when fromLsn precedes every file', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 1 << 20, { fileBytes: SMALL_FILE });
    w.close();
    const err = flintErrorOf(() => readAll(vfs, 0));
    expect(err.code).toBe(SqlState.dataCorrupted);
    expect(flintErrorOf(() => WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE })).code).toBe(SqlState.dataCorrupted);
  });

  it('refuses a file of another format version', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    w.close();
    const header = new Uint8Array(FILE_HEADER_SIZE);
    encodeFileHeader(header, 0, 0, SMALL_FILE);
    const view = new DataView(header.buffer);
    view.setUint32(4, 99, true);
    view.setUint32(28, crc32c(header, 0, 28), true);
    overwrite(vfs, `${DIR}/${walFileName(0)}`, 0, header);
    const err = flintErrorOf(() => readAll(vfs, 0));
    expect(err.code).toBe(SqlState.featureNotSupported);
    expect(err.message).toContain('version 99');
    expect(flintErrorOf(() => WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE })).message).toContain('version 99');
  });

  it('refuses bad options with 22023', () => {
    expect(flintErrorOf(() => WalWriter.open(createMemoryVfs(), DIR, 0, { fileBytes: 1000 })).code).toBe(SqlState.invalidParameterValue);
  });
});

describe('WAL recycling', () => {
  /** A log over several files with a checkpoint in the 4th file. */
  function setup(spareFilesMax?: number) {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, ...(spareFilesMax === undefined ? {} : { spareFilesMax }) });
    const recs = appendMany(w, 600, (i) => 300 + (i % 200));
    w.sync();
    const checkpoint = recs.find((r) => r.lsn >= 3 * SMALL_FILE + 5000)!;
    return { vfs, w, recs, checkpoint };
  }

  it('keeps the current file and every file holding an LSN >= beforeLsn', () => {
    const { vfs, w, recs, checkpoint } = setup();
    const before = walFiles(vfs);
    w.recycle(checkpoint.lsn);
    const after = walFiles(vfs);
    // Files 0..2 end before the checkpoint; file 3 holds it.
    expect(after).not.toContain(walFileName(0));
    expect(after).not.toContain(walFileName(2 * SMALL_FILE));
    for (const name of before.slice(3)) expect(after).toContain(name);
    expect(w.stats.filesRecycled).toBe(3);
    expectRecords(readAll(vfs, checkpoint.lsn).records, recs.filter((r) => r.lsn >= checkpoint.lsn));
    // Everything durable, checkpoint at the end: only the files before the current one go.
    w.recycle(w.durableLsn);
    expect(walFiles(vfs)).toContain(walFileName(Math.floor(w.nextLsn / SMALL_FILE) * SMALL_FILE));
    expect(readAll(vfs, recs[recs.length - 1]!.lsn).records.length).toBe(1);
    w.close();
  });

  it('reuses recycled files for later switches instead of creating files', () => {
    const { vfs, w, recs, checkpoint } = setup();
    w.recycle(checkpoint.lsn);
    const created = w.stats.filesCreated;
    recs.push(...appendMany(w, 300, (i) => 300 + (i % 200), 5000));
    w.sync();
    expect(w.stats.filesCreated).toBe(created);
    expectRecords(readAll(vfs, checkpoint.lsn).records, recs.filter((r) => r.lsn >= checkpoint.lsn));
    w.close();
  });

  it('keeps at most spareFilesMax spares and removes the rest', () => {
    const { vfs, w, checkpoint } = setup(1);
    const count = walFiles(vfs).length;
    w.recycle(checkpoint.lsn);
    expect(w.stats.filesRecycled).toBe(1);
    expect(walFiles(vfs).length).toBe(count - 2);
    w.close();
  });

  it('never returns the stale records of a recycled file, even where their sizes line up', () => {
    // Records of one size start at the same offsets in every file, so a reused
    // file holds a well-formed old record exactly where the next new one would go.
    for (const inSpare of [0, 1, 2, 5, 40]) {
      const vfs = createMemoryVfs();
      const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
      const recs = appendMany(w, 320, () => 1000);
      w.sync();
      const checkpoint = recs.find((r) => r.lsn >= 3 * SMALL_FILE)!;
      w.recycle(checkpoint.lsn);
      const spareStart = (Math.floor(w.nextLsn / SMALL_FILE) + 1) * SMALL_FILE;
      expect(walFiles(vfs)).toContain(walFileName(spareStart));
      let i = 0;
      while (w.nextLsn < spareStart) recs.push(...appendMany(w, 1, () => 1000, 10000 + i++));
      recs.push(...appendMany(w, inSpare, () => 1000, 20000));
      w.sync();
      expect(w.stats.filesCreated).toBe(5);
      const back = readAll(vfs, checkpoint.lsn);
      expectRecords(back.records, recs.filter((r) => r.lsn >= checkpoint.lsn));
      expect(back.endLsn).toBe(w.nextLsn);
      w.close();
    }
  });

  it('never returns records an earlier life left behind a torn one', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 10, () => 500);
    w.sync();
    w.close();
    // Record 5 torn, 6..9 intact: sectors reach the disk in any order.
    const { path, offset } = locate(vfs, recs[5]!.lsn);
    overwrite(vfs, path, offset, new Uint8Array(RECORD_HEADER_SIZE));
    const back = readAll(vfs, 0);
    expectRecords(back.records, recs.slice(0, 5));
    // The next life writes a record of the same size: it must not reconnect the log to records 6..9.
    const w2 = WalWriter.open(vfs, DIR, back.endLsn, { fileBytes: SMALL_FILE });
    const p = payload(99, 500);
    const lsn = w2.append(1, p);
    w2.flush();
    expectRecords(readAll(vfs, 0).records, [...recs.slice(0, 5), { lsn, type: 1, payload: p }]);
    w2.close();
  });
});

// Zero-filling (wal-writer.ts header): a new WAL file is sparse, and an
// fdatasync after a write into a hole also commits the block's allocation;
// the writer writes zeros ahead of its records, 1 MiB at a time, into new
// files only, never over a record.
// Sealing (wal-writer.ts, #seal): records are stamped as they are appended and
// their CRCs computed in one pass when they leave the buffer, by any path.
describe('WAL writer sealing', () => {
  /** A writer over its own buffer whose CRC function counts its calls. */
  const counted = (vfs: Vfs, fileBytes = SMALL_FILE) => {
    let calls = 0;
    const buffer = {
      bytes: new Uint8Array(WAL_BUFFER_BYTES_MAX),
      crc32c: (u8: Uint8Array, offset: number, length: number) => {
        calls++;
        return crc32c(u8, offset, length);
      },
    };
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes, buffer });
    return { w, calls: () => calls };
  };

  it('computes no CRC as records are appended, each record\'s once as they leave the buffer', () => {
    const vfs = createMemoryVfs();
    const { w, calls } = counted(vfs);
    const recs = appendMany(w, 40, (i) => 10 + i);
    // Built in place (reserve, then commit): stamped alike.
    const at = w.reserve(64);
    const p = payload(7, 50);
    w.bytes.set(p, at);
    recs.push({ lsn: w.commit(3, 50), type: 3, payload: p });
    expect(calls()).toBe(0);
    w.flush();
    expect(calls()).toBe(41);
    w.flush();
    expect(calls()).toBe(41);
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('hands a buffer\'s unsealed records to WalBuffer.sealRecords in one call when it has one', () => {
    const vfs = createMemoryVfs();
    const bytes = new Uint8Array(WAL_BUFFER_BYTES_MAX);
    const view = new DataView(bytes.buffer);
    const calls: [number, number][] = [];
    let crcs = 0;
    const crc = (u8: Uint8Array, offset: number, length: number) => {
      crcs++;
      return crc32c(u8, offset, length);
    };
    const sealRecordsOf = (from: number, to: number) => {
      calls.push([from, to]);
      let at = from;
      while (at < to) {
        const length = view.getUint32(at + 4, true);
        view.setUint32(at, crc32c(bytes, at + 4, 16 + length), true);
        at += RECORD_HEADER_SIZE + length;
      }
      return at;
    };
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, buffer: { bytes, crc32c: crc, sealRecords: sealRecordsOf } });
    const recs = appendMany(w, 25, (i) => 3 * i);
    expect(calls).toEqual([]);
    w.flush();
    expect(calls).toEqual([[0, recs.reduce((n, r) => n + RECORD_HEADER_SIZE + r.payload.length, 0)]]);
    expect(crcs).toBe(0);
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('seals on every way out: a durable write, a group-commit round, a file switch, close', async () => {
    const vfs = createMemoryVfs();
    const { w, calls } = counted(vfs);
    const recs = appendMany(w, 3, (i) => 20 + i);
    w.sync(); // one durable write
    expect(calls()).toBe(3);
    recs.push(...appendMany(w, 4, (i) => 30 + i, 100));
    await w.waitDurable(recs.at(-1)!.lsn); // a round
    expect(calls()).toBe(7);
    // Past a file switch (its end record is sealed with the records before it), then close.
    recs.push(...appendMany(w, 400, (i) => 200 + (i % 300), 200));
    w.close();
    expect(walFiles(vfs).length).toBeGreaterThan(1);
    expectRecords(readAll(vfs, 0).records, recs);
  });
});

describe('WAL writer zero-filling', () => {
  const MIB = 1 << 20;
  /** The bytes of file `name`. */
  const fileBytesOf = (vfs: ReturnType<typeof createMemoryVfs>, name: string) => {
    const f = vfs.open(`${DIR}/${name}`, { readOnly: true });
    try {
      const u8 = new Uint8Array(f.size());
      f.read(u8, 0);
      return u8;
    } finally {
      f.close();
    }
  };

  /**
   * A memory vfs that keeps, per file, the ranges every write() and
   * writeDurable() covered, and the bytes of its writes of 4 KiB or more that were all zeros.
   */
  const recording = () => {
    const inner = createMemoryVfs();
    const ranges = new Map<string, [number, number][]>();
    let zeroWrites = 0;
    const note = (path: string, from: Uint8Array, position: number) => {
      const list = ranges.get(path) ?? [];
      list.push([position, position + from.length]);
      ranges.set(path, list);
      if (from.length >= 4096 && from.every((b) => b === 0)) zeroWrites += from.length;
    };
    const vfs = observedVfs(inner, 'recording', (path, _call, from, position) => {
      if (from !== undefined) note(path, from, position!);
    });
    /** How far from 0 the writes to file `name` cover without a gap. */
    const writtenTo = (name: string) => {
      const list = [...(ranges.get(`${DIR}/${name}`) ?? [])].sort((a, b) => a[0] - b[0]);
      let to = 0;
      for (const [a, b] of list) {
        if (a > to) break;
        to = Math.max(to, b);
      }
      return to;
    };
    return { vfs, inner, writtenTo, zeroWrites: () => zeroWrites };
  };

  it('zero-fills a new file past its records, to the next MiB, and the log reads back the same', () => {
    const { vfs, inner, writtenTo } = recording();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 4 * MIB });
    expect(w.stats.zeroFilledBytes).toBe(0);
    const first = appendMany(w, 1, () => 100);
    w.sync();
    // The first write: the header and the record, then zeros from there to 1 MiB.
    expect(w.stats.zeroFilledBytes).toBe(MIB - FILE_HEADER_SIZE - RECORD_HEADER_SIZE - 100);
    expect(writtenTo(walFileName(0))).toBe(MIB);
    const recs = [...first, ...appendMany(w, 3000, (i) => 200 + ((i * 37) % 900), 1)];
    w.sync();
    const end = w.nextLsn;
    // Written (records or zeros) without a hole up to the MiB past the last record, never further.
    const allocated = (Math.floor(end / MIB) + 1) * MIB;
    expect(writtenTo(walFileName(0))).toBe(allocated);
    expect(w.stats.zeroFilledBytes).toBeLessThanOrEqual(allocated - end + MIB);
    expect(end).toBeLessThan(4 * MIB);
    const bytes = fileBytesOf(inner, walFileName(0));
    for (let at = end; at < allocated; at++) if (bytes[at] !== 0) throw new Error(`byte ${at} past the log is ${bytes[at]}`);
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('writes no zeros where its own records go: full buffers of a long transaction are written once', () => {
    const { vfs, writtenTo, zeroWrites } = recording();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 8 * MIB });
    // About 5 MiB of records with no sync: only the buffer's own flushes write.
    const recs = appendMany(w, 5300, (i) => 900 + ((i * 53) % 200));
    w.flush();
    const end = w.nextLsn;
    expect(end).toBeGreaterThan(5 * MIB);
    // Before: each 1 MiB buffer went out after a MiB of zeros over the same range (~5 MiB of zeros).
    expect(w.stats.zeroFilledBytes).toBeLessThan(MIB);
    expect(zeroWrites()).toBeLessThanOrEqual(w.stats.zeroFilledBytes);
    expect(writtenTo(walFileName(0))).toBe((Math.floor(end / MIB) + 1) * MIB);
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('writes no zeros past a full buffer of a long transaction, when the log does not start on a MiB boundary either', () => {
    const { vfs, writtenTo, zeroWrites } = recording();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 8 * MIB });
    // A first commit of ~600 KiB: the log goes on from there, and each full buffer's write ends ~600 KiB past a MiB.
    const recs = appendMany(w, 600, () => 1000);
    w.sync();
    const zeroed = w.stats.zeroFilledBytes;
    const zeroWritten = zeroWrites();
    recs.push(...appendMany(w, 5300, (i) => 900 + ((i * 53) % 200), 1000));
    const beforeFlush = w.stats.zeroFilledBytes;
    w.flush();
    const end = w.nextLsn;
    expect(end).toBeGreaterThan(5 * MIB);
    // Before: each full buffer's write was followed by zeros to the next MiB (~400 KiB each, ~2 MiB in all).
    expect(beforeFlush).toBe(zeroed);
    expect(w.stats.zeroFilledBytes - zeroed).toBeLessThanOrEqual(MIB);
    expect(zeroWrites() - zeroWritten).toBeLessThanOrEqual(w.stats.zeroFilledBytes - zeroed);
    // Still no hole: records, then zeros from the flush's end to the next MiB.
    expect(writtenTo(walFileName(0))).toBe((Math.floor(end / MIB) + 1) * MIB);
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('zero-fills each new file of a long log, never over a record: every record reads back across switches', () => {
    const { vfs, writtenTo } = recording();
    // Files of 1.5 MiB: a second zero-fill stops at the file's end.
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 1536 * 1024 });
    const recs: Rec[] = [];
    for (let round = 0; round < 40; round++) {
      recs.push(...appendMany(w, 150, (i) => 100 + ((i * 7919 + round) % 2500), round * 1000));
      if (round % 3 === 0) w.flush();
      else w.sync();
    }
    w.sync();
    const files = walFiles(vfs);
    expect(files.length).toBeGreaterThan(3);
    // Every file but the current one was written (records, then zeros) to its end.
    for (const name of files.slice(0, -1)) expect(writtenTo(name)).toBe(1536 * 1024);
    expect(w.stats.zeroFilledBytes).toBeGreaterThan(0);
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('does not zero-fill a recycled file: it was written through before', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 600, (i) => 300 + (i % 200));
    w.sync();
    const checkpoint = recs.find((r) => r.lsn >= 3 * SMALL_FILE + 5000)!;
    w.recycle(checkpoint.lsn);
    const zeroed = w.stats.zeroFilledBytes;
    const created = w.stats.filesCreated;
    recs.push(...appendMany(w, 300, (i) => 300 + (i % 200), 5000));
    w.sync();
    // The switches went into spares: no file created, no zeros written.
    expect(w.stats.filesCreated).toBe(created);
    expect(w.stats.zeroFilledBytes).toBe(zeroed);
    w.close();
    expectRecords(readAll(vfs, checkpoint.lsn).records, recs.filter((r) => r.lsn >= checkpoint.lsn));
  });
});

describe('WAL writer: one durable write per synchronous commit', () => {
  /** A memory vfs (or the one given) counting each file's write, sync and writeDurable calls, in order. */
  const counting = (inner: Vfs = createMemoryVfs()) => {
    const calls: string[] = [];
    const vfs = observedVfs(inner, 'counting', (_path, call) => void calls.push(call));
    return { vfs, calls, take: () => calls.splice(0) };
  };

  it('sync() with nothing else unsynced is one writeDurable; after an unsynced write, a zero-fill or a switch, a write and an fdatasync', () => {
    const { vfs, take } = counting();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, backgroundSyncBytes: 0 });
    take();
    const recs: Rec[] = [];
    recs.push(...appendMany(w, 2, () => 100));
    w.sync(); // the file's first records: the zero-fill's writes, then the records', then an fdatasync
    expect(take().slice(-2)).toEqual(['write', 'sync']);
    expect(w.stats.durableWrites).toBe(0);
    for (let i = 0; i < 5; i++) {
      recs.push(...appendMany(w, 3, (j) => 50 + j * 40, 10 + i * 3));
      const syncs = w.stats.syncs;
      w.sync();
      expect(take()).toEqual(['writeDurable']);
      expect(w.stats.syncs).toBe(syncs + 1);
      expect(w.durableLsn).toBe(w.nextLsn);
    }
    expect(w.stats.durableWrites).toBe(5);
    recs.push(...appendMany(w, 2, () => 80, 100));
    w.flush(); // written, not synced: the next sync() must fdatasync it too
    recs.push(...appendMany(w, 2, () => 80, 110));
    w.sync();
    expect(take()).toEqual(['write', 'write', 'sync']);
    w.sync(); // nothing new: nothing
    expect(take()).toEqual([]);
    // A switch leaves the old file's end record unsynced: a write and an fdatasync of each file.
    const lsn = w.nextLsn;
    while (w.nextLsn < lsn + SMALL_FILE) recs.push(...appendMany(w, 1, () => 1000, 200 + recs.length));
    w.sync();
    expect(take()).not.toContain('writeDurable');
    recs.push(...appendMany(w, 1, () => 10, 900));
    w.sync();
    expect(take()).toEqual(['writeDurable']);
    expect(w.stats.durableWrites).toBe(6);
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
  });

  it('a round with nothing else unsynced is one writeDurableAsync; sync() during it writes the round\'s bytes again before its fdatasync', async () => {
    const gated = new GatedVfs();
    gated.lateWrites = true; // the round's bytes reach the file only when its write completes
    const w = WalWriter.open(gated, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 1, () => 100);
    w.sync(); // the first records: zero-fill, write and fdatasync
    recs.push(...appendMany(w, 3, () => 100, 1));
    const waiting = w.waitDurable(recs[3]!.lsn);
    await settle(); // the round started its durable write
    expect(gated.pending.length).toBe(1);
    expect(gated.durableWritesAsync).toBe(1);
    recs.push(...appendMany(w, 2, () => 100, 10));
    const durableWrites = w.stats.durableWrites;
    w.sync(); // not a durable write of its own: the round's bytes again, its own, an fdatasync
    expect(w.stats.durableWrites).toBe(durableWrites);
    expect(w.durableLsn).toBe(w.nextLsn);
    // Power loss now, the round's write still on its way: what sync() acknowledged is on disk, the round's records too.
    expectRecords(readAll(gated.base.crash(), 0).records, recs);
    await gated.release();
    await waiting;
    expect(w.stats.rounds).toBe(1);
    recs.push(...appendMany(w, 1, () => 100, 20));
    w.sync();
    expect(w.stats.durableWrites).toBe(durableWrites + 2); // the round's, counted as it ended, and this one
    w.close();
    expectRecords(readAll(gated.base, 0).records, recs);
  });

  it('a round falls back to a write and an fdatasync when an earlier write is unsynced', async () => {
    const gated = new GatedVfs();
    const w = WalWriter.open(gated, DIR, 0, { fileBytes: SMALL_FILE });
    appendMany(w, 1, () => 100);
    w.sync();
    appendMany(w, 2, () => 100, 1);
    w.flush(); // written, not synced
    const [r] = appendMany(w, 1, () => 100, 5);
    const waiting = w.waitDurable(r!.lsn);
    await settle();
    expect(gated.durableWritesAsync).toBe(0);
    expect(gated.syncAsyncCalls).toBe(1);
    await gated.release();
    await waiting;
    const [s] = appendMany(w, 1, () => 100, 6);
    const next = w.waitDurable(s!.lsn);
    await settle();
    expect(gated.durableWritesAsync).toBe(1);
    await gated.release();
    await next;
    w.close();
  });

  it('what sync() returned for survives a crash, torn last writes and all', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const fault = createFaultVfs({ seed });
      const w = WalWriter.open(fault, DIR, 0, { fileBytes: SMALL_FILE });
      const all: Rec[] = [];
      for (let i = 0; i < 30; i++) {
        all.push(...appendMany(w, 1 + (i % 3), (j) => 20 + ((i * 131 + j * 17) % 700), i * 10));
        if ((i * seed) % 7 === 3) w.flush();
        else w.sync();
      }
      expect(w.stats.durableWrites).toBeGreaterThan(0);
      const durableLsn = w.durableLsn;
      const after = fault.crash();
      w.close();
      const got = readAll(after, 0).records;
      // Every record sync() made durable, exactly; past them at most a prefix of the rest.
      const durable = all.filter((r) => r.lsn < durableLsn);
      expectRecords(got.slice(0, durable.length), durable);
      expectRecords(got, all.slice(0, got.length));
    }
  });
});

describe('WAL writer background fdatasync', () => {
  const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  it('starts one each backgroundSyncBytes written, on a handle of its own; durableLsn does not move, but the disk has the log', async () => {
    const vfs = createFaultVfs({ seed: 11 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 16 * 1048576, backgroundSyncBytes: 1.5 * 1048576 });
    const opens = vfs.counters.open;
    const syncs = vfs.counters.sync;
    // ~6 MiB in 1000-byte records: written in five writes of just under 1 MiB (the rest stays buffered), a background fdatasync after the second and the fourth.
    const recs = appendMany(w, 6000, () => 1000);
    expect(w.stats.backgroundSyncs).toBe(2);
    expect(vfs.counters.sync - syncs).toBe(2);
    expect(vfs.counters.open - opens).toBe(1); // one handle for both: its first fdatasync has not ended when the second starts
    expect(w.stats.syncs).toBe(0);
    expect(w.durableLsn).toBe(FILE_HEADER_SIZE);
    await tick();
    // Their handles are closed once they end; a crash now keeps what the last one saw written.
    const after = vfs.crash({ tear: false });
    const kept = readAll(after, 0).records;
    expect(kept.length).toBeGreaterThan(3000);
    expect(kept.length).toBeLessThan(6000);
    expectRecords(kept, recs.slice(0, kept.length));
  });

  it('none with backgroundSyncBytes 0, none from a sync()\'s own write, none after close', async () => {
    const vfs = createFaultVfs({ seed: 12 });
    const off = WalWriter.open(vfs, DIR, 0, { fileBytes: 16 * 1048576, backgroundSyncBytes: 0 });
    appendMany(off, 6000, () => 1000);
    expect(off.stats.backgroundSyncs).toBe(0);
    off.sync();
    off.close();
    const vfs2 = createMemoryVfs();
    // The threshold at one buffer: sync()'s and close()'s writes would each pass it.
    const w = WalWriter.open(vfs2, DIR, 0, { fileBytes: 16 * 1048576, backgroundSyncBytes: 1000 });
    appendMany(w, 500, () => 1000);
    expect(w.stats.backgroundSyncs).toBe(0); // nothing written yet: the buffer holds it all
    w.sync();
    appendMany(w, 500, () => 1000, 500);
    w.close();
    expect(w.stats.backgroundSyncs).toBe(0);
    await tick();
  });

  it('at most 64 in flight: a synchronous loop starts 64, and more once their callbacks ran; each file\'s handle is closed after its last', async () => {
    const vfs = createFaultVfs({ seed: 14 });
    // Files of 256 KiB: a write at every switch, each past the threshold.
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE * 4, backgroundSyncBytes: 1, spareFilesMax: 0 });
    const opens = vfs.counters.open;
    appendMany(w, 20_000, () => 1000); // ~80 files
    expect(w.stats.backgroundSyncs).toBe(64);
    expect(vfs.counters.open - opens).toBeGreaterThan(64); // the files themselves, and one second handle for each of 64
    await tick();
    appendMany(w, 3000, () => 1000, 20_000);
    expect(w.stats.backgroundSyncs).toBeGreaterThan(70);
    w.sync();
    w.close();
    await tick();
  });

  it('a background fdatasync that fails stops the writer (58030), as any failed fdatasync', async () => {
    const vfs = createFaultVfs({ seed: 13 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: 16 * 1048576, backgroundSyncBytes: 1.5 * 1048576 });
    vfs.failAt('sync', 1, 'eio');
    appendMany(w, 3000, () => 1000);
    expect(w.stats.backgroundSyncs).toBe(1);
    await tick();
    const refused = flintErrorOf(() => w.append(1, payload(1, 1)));
    expect(refused.code).toBe(SqlState.ioError);
    expect(refused.message).toMatch(/refuses append.*background fdatasync/);
    expect(flintErrorOf(() => w.sync()).code).toBe(SqlState.ioError);
    w.close();
  });

  it('the records read back the same with background fdatasyncs as without (one every write)', () => {
    const logs = [0, 1].map((bytes) => {
      const vfs = createMemoryVfs();
      const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE * 4, backgroundSyncBytes: bytes });
      appendMany(w, 3000, (i) => (i * 37) % 700);
      // ~1.1 MB in files of 256 KiB: a write at every file switch.
      if (bytes > 0) expect(w.stats.backgroundSyncs).toBeGreaterThanOrEqual(4);
      w.sync();
      w.close();
      return readAll(vfs, 0).records;
    });
    expect(logs[1]!.length).toBe(3000);
    expectRecords(logs[1]!, logs[0]!.map((r) => ({ lsn: r.lsn, type: r.type, payload: r.payload })));
  });
});

describe('WAL writer failures', () => {
  it('refuses further appends after a failed fdatasync (58030)', async () => {
    const vfs = createFaultVfs({ seed: 3 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const recs = appendMany(w, 10, (i) => i);
    w.sync();
    const lost = appendMany(w, 10, (i) => i, 100);
    vfs.failAt('sync', 1, 'eio');
    const err = flintErrorOf(() => w.sync());
    expect(err.code).toBe(SqlState.ioError);
    const refused = flintErrorOf(() => w.append(1, payload(1, 1)));
    expect(refused.code).toBe(SqlState.ioError);
    expect(refused.message).toMatch(/refuses append.*fdatasync/);
    expect(refused.cause).toBe(err);
    expect(flintErrorOf(() => w.sync()).code).toBe(SqlState.ioError);
    expect(flintErrorOf(() => w.flush()).code).toBe(SqlState.ioError);
    expect(flintErrorOf(() => w.recycle(0)).code).toBe(SqlState.ioError);
    const rejected = await rejectionOf(w.waitDurable(lost[0]!.lsn));
    expect((rejected as FlintError).code).toBe(SqlState.ioError);
    await w.waitDurable(recs[9]!.lsn); // already durable: still fine
    w.close();
    // A restart recovers what is on disk (without torn writes: exactly what was synced).
    const after = vfs.crash({ tear: false });
    expectRecords(readAll(after, 0).records, recs);
  });

  it('rejects every waiting commit when the group sync fails, then refuses appends', async () => {
    const vfs = createFaultVfs({ seed: 4 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    vfs.failAt('sync', 1, 'eio');
    const waits = appendMany(w, 8, (i) => i).map((r) => rejectionOf(w.waitDurable(r.lsn)));
    for (const err of await Promise.all(waits)) expect((err as FlintError).code).toBe(SqlState.ioError);
    expect(flintErrorOf(() => w.append(1, payload(1, 1))).code).toBe(SqlState.ioError);
    w.close();
  });

  it('refuses further appends after a failed write', () => {
    const vfs = createFaultVfs({ seed: 5 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    appendMany(w, 10, (i) => i);
    vfs.failAt('write', 1, 'enospc');
    expect(flintErrorOf(() => w.flush()).code).toBe(SqlState.diskFull);
    expect(flintErrorOf(() => w.append(1, payload(1, 1))).message).toMatch(/refuses append/);
    w.close();
  });

  it('refuses further appends after a failed file switch', () => {
    const vfs = createFaultVfs({ seed: 6 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    vfs.failAt('truncate', 1, 'enospc');
    expect(flintErrorOf(() => appendMany(w, 200, () => 1000)).code).toBe(SqlState.diskFull);
    expect(flintErrorOf(() => w.append(1, payload(1, 1))).code).toBe(SqlState.ioError);
    w.close();
  });

  it('refuses further appends after a failed recycle', () => {
    const vfs = createFaultVfs({ seed: 7 });
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    appendMany(w, 300, () => 1000);
    w.sync();
    vfs.failAt('rename', 1, 'eio');
    expect(flintErrorOf(() => w.recycle(w.durableLsn)).code).toBe(SqlState.ioError);
    expect(flintErrorOf(() => w.append(1, payload(1, 1))).code).toBe(SqlState.ioError);
    w.close();
  });

  it('rejects commits still waiting at close with 55000', async () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    const lsn = w.append(1, payload(1, 10));
    const wait = rejectionOf(w.waitDurable(lsn));
    w.close();
    expect(((await wait) as FlintError).code).toBe(SqlState.objectNotInPrerequisiteState);
    w.close(); // again: nothing
  });
});
