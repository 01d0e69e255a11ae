// WalOptions.buffer: the writer buffers records in memory the caller gives
// it (the engine: the kernels' memory after the buffer pool) and checksums
// them with the caller's CRC32C (the WASM kernel in a WASM build). The files
// must be the same bytes as with the writer's own buffer and CRC.
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../../src/kernels/index.ts';
import { createMemoryVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import { RECORD_HEADER_SIZE, WAL_BUFFER_BYTES_MAX, WalWriter, readWal, type WalBuffer } from '../../../src/storage/wal/index.ts';
import { DIR, SMALL_FILE, expectRecords, payload, readAll, walFiles, type Rec } from './wal-helpers.ts';

/** A WalBuffer in a kernels' memory, at a block past its arena start, with the kernel's CRC32C. */
function kernelBuffer(kind: 'wasm' | 'ts'): WalBuffer {
  const k = createKernels({ kind, arenaBytes: WAL_BUFFER_BYTES_MAX + (1 << 17) });
  const at = k.arenaOffset + 65536;
  return { bytes: new Uint8Array(k.buffer, at, WAL_BUFFER_BYTES_MAX), crc32c: (_u8, offset, length) => k.crc32c(at + offset, length, 0) };
}

function fileBytes(vfs: Vfs, name: string): Uint8Array {
  const f = vfs.open(`${DIR}/${name}`);
  const out = new Uint8Array(f.size());
  f.read(out, 0);
  f.close();
  return out;
}

/** Index of the first byte where a and b differ (a length counts), or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Appends a mix of sizes: file switches (small files), buffer flushes, records of a page and more. */
function workload(w: WalWriter): Rec[] {
  const out: Rec[] = [];
  for (let i = 0; i < 700; i++) {
    const size = i % 97 === 0 ? 30000 : i % 13 === 0 ? 4101 : (i * 37) % 300;
    const p = payload(i, size);
    const type = 1 + (i % 255);
    out.push({ lsn: w.append(type, p), type, payload: p });
    if (i % 50 === 0) w.flush();
    if (i % 120 === 0) w.sync();
  }
  w.sync();
  return out;
}

describe('WAL writer with a caller-provided buffer', () => {
  for (const kind of ['wasm', 'ts'] as const) {
    it(`writes the same files as with its own buffer (${kind} kernel memory and CRC32C)`, () => {
      const own = createMemoryVfs();
      const wOwn = WalWriter.open(own, DIR, 0, { fileBytes: SMALL_FILE });
      const recs = workload(wOwn);
      wOwn.close();
      const given = createMemoryVfs();
      const wGiven = WalWriter.open(given, DIR, 0, { fileBytes: SMALL_FILE, buffer: kernelBuffer(kind) });
      expectRecords(workload(wGiven), recs);
      wGiven.close();
      const names = walFiles(own);
      expect(names.length).toBeGreaterThan(5);
      expect(walFiles(given)).toEqual(names);
      for (const name of names) expect(firstDifference(fileBytes(given, name), fileBytes(own, name)), name).toBe(-1);
      const back = readAll(given, 0);
      expectRecords(back.records, recs);
    });
  }

  it("checksums records with the buffer's CRC32C", () => {
    const vfs = createMemoryVfs();
    const good = kernelBuffer('wasm');
    // A CRC off by one: the reader must reject the first record, so the writer used it.
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, buffer: { bytes: good.bytes, crc32c: (u8, offset, length) => good.crc32c(u8, offset, length) + 1 } });
    w.append(5, payload(1, 40));
    w.sync();
    w.close();
    const back = readAll(vfs, 0);
    expect(back.records).toEqual([]);
    expect(back.stopReason).not.toBe('end');
  });

  it('takes the largest record a buffer of WAL_BUFFER_BYTES_MAX holds, and refuses a smaller buffer', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { buffer: kernelBuffer('ts') });
    const recs: Rec[] = [];
    // Fill the buffer to just under its flush point, then the largest record: the buffer holds both.
    for (let i = 0; i < 15; i++) {
      const p = payload(i, 65000);
      recs.push({ lsn: w.append(7, p), type: 7, payload: p });
    }
    const big = payload(99, w.maxPayloadBytes);
    recs.push({ lsn: w.append(8, big), type: 8, payload: big });
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, recs);
    const small = kernelBuffer('ts');
    expect(() => WalWriter.open(createMemoryVfs(), DIR, 0, { buffer: { bytes: small.bytes.subarray(1), crc32c: small.crc32c } })).toThrow(/a WAL buffer holds at least/);
  });
});

describe('WAL writer: reserve and commit (a record built in place)', () => {
  for (const own of [true, false]) {
    it(`writes the same log as append() (${own ? "the writer's own buffer" : 'a buffer in kernel memory'})`, () => {
      const viaAppend = createMemoryVfs();
      const a = WalWriter.open(viaAppend, DIR, 0, { fileBytes: SMALL_FILE });
      const inPlace = createMemoryVfs();
      const b = WalWriter.open(inPlace, DIR, 0, { fileBytes: SMALL_FILE, ...(own ? {} : { buffer: kernelBuffer('wasm') }) });
      const recs: Rec[] = [];
      for (let i = 0; i < 400; i++) {
        const size = i % 37 === 0 ? 20000 : (i * 53) % 700;
        const p = payload(i, size);
        const type = 1 + (i % 255);
        const lsn = a.append(type, p);
        // Reserve the exact length (so file switches fall where append's do), fill, commit.
        const at = b.reserve(size);
        b.bytes.set(p, at);
        expect(b.commit(type, size)).toBe(lsn);
        recs.push({ lsn, type, payload: p });
      }
      a.sync();
      b.sync();
      a.close();
      b.close();
      for (const name of walFiles(viaAppend)) expect(firstDifference(fileBytes(inPlace, name), fileBytes(viaAppend, name)), name).toBe(-1);
      expectRecords(readAll(inPlace, 0).records, recs);
    });
  }

  it('commits fewer bytes than reserved; the view writes the same bytes', () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE, buffer: kernelBuffer('ts') });
    const at = w.reserve(100);
    w.view.setUint32(at, 0xdeadbeef, true);
    w.bytes[at + 4] = 7;
    const lsn = w.commit(3, 5);
    const next = w.append(4, payload(2, 9));
    expect(next).toBe(lsn + RECORD_HEADER_SIZE + 5);
    w.sync();
    w.close();
    expectRecords(readAll(vfs, 0).records, [
      { lsn, type: 3, payload: new Uint8Array([0xef, 0xbe, 0xad, 0xde, 7]) },
      { lsn: next, type: 4, payload: payload(2, 9) },
    ]);
  });

  it('refuses a commit without a live reservation, or longer than reserved; a reservation too long is 54000', () => {
    const w = WalWriter.open(createMemoryVfs(), DIR, 0, { fileBytes: SMALL_FILE });
    expect(() => w.commit(1, 0)).toThrow(/no reservation/);
    w.reserve(10);
    expect(() => w.commit(1, 11)).toThrow(/10 reserved/);
    w.reserve(10);
    w.append(1, payload(1, 3)); // voids the reservation
    expect(() => w.commit(1, 4)).toThrow(/no reservation/);
    w.reserve(10);
    w.flush(); // so does a flush
    expect(() => w.commit(1, 4)).toThrow(/no reservation/);
    const before = w.nextLsn;
    expect(() => w.reserve(w.maxPayloadBytes + 1)).toThrow(expect.objectContaining({ code: '54000' }));
    expect(w.nextLsn).toBe(before);
    w.close();
  });
});

describe('WAL reader with a caller-provided buffer (recovery reads into the kernels\' memory)', () => {
  /** The whole log read through `buffer` (payloads copied), as readAll() reads it with the reader's own. */
  const readWith = (vfs: Vfs, buffer: WalBuffer) => {
    const result = readWal(vfs, DIR, 0, { buffer });
    const records: Rec[] = [];
    for (const r of result.records) records.push({ lsn: r.lsn, type: r.type, payload: r.payload.slice() });
    return { records, endLsn: result.endLsn(), stopReason: result.stopReason() };
  };

  for (const kind of ['wasm', 'ts'] as const) {
    it(`reads the same records, file switches and the largest record included (${kind} kernel memory and CRC32C)`, () => {
      const vfs = createMemoryVfs();
      const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
      const recs = workload(w);
      w.close();
      // One more log whose records are larger than the reader's chunk (256 KiB), up to the largest a file takes.
      const big = createMemoryVfs();
      const wb = WalWriter.open(big, DIR, 0);
      const bigRecs: Rec[] = [];
      for (const size of [300000, 17, wb.maxPayloadBytes, 5]) {
        const p = payload(size, size);
        bigRecs.push({ lsn: wb.append(9, p), type: 9, payload: p });
      }
      wb.sync();
      wb.close();
      const buffer = kernelBuffer(kind);
      for (const [log, want] of [[vfs, recs], [big, bigRecs]] as const) {
        const own = readAll(log, 0);
        const given = readWith(log, buffer);
        expectRecords(given.records, want);
        expect({ endLsn: given.endLsn, stopReason: given.stopReason }).toEqual({ endLsn: own.endLsn, stopReason: own.stopReason });
      }
    });
  }

  it("checks records with the buffer's CRC32C", () => {
    const vfs = createMemoryVfs();
    const w = WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE });
    w.append(5, payload(1, 40));
    w.sync();
    w.close();
    const good = kernelBuffer('wasm');
    expect(readWith(vfs, good).records).toHaveLength(1);
    // A CRC off by one: the first record no longer checks out, so the reader used it.
    const off = readWith(vfs, { bytes: good.bytes, crc32c: (u8, offset, length) => good.crc32c(u8, offset, length) + 1 });
    expect(off.records).toEqual([]);
    expect(off.stopReason).toBe('torn');
  });

  it('refuses a buffer that cannot hold a chunk and the longest record', () => {
    const good = kernelBuffer('ts');
    const vfs = createMemoryVfs();
    WalWriter.open(vfs, DIR, 0, { fileBytes: SMALL_FILE }).close();
    expect(() => readWal(vfs, DIR, 0, { buffer: { bytes: good.bytes.subarray(0, 300000), crc32c: good.crc32c } })).toThrow(/shorter than/);
  });
});
