import { describe, it, expect } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import {
  checkFileBytes,
  crc32c,
  decodeFileHeader,
  encodeFileHeader,
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  getU64,
  maxPayloadBytes,
  parseWalFileName,
  RECORD_HEADER_SIZE,
  sealRecord,
  setU64,
  WAL_FILE_BYTES_DEFAULT,
  WAL_FILE_BYTES_MIN,
  WAL_RECORD_PAYLOAD_MAX,
  walFileName,
} from '../../../src/storage/wal/format.ts';

describe('WAL format', () => {
  it('computes CRC32C with the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'), 0, 9)).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0), 0, 0)).toBe(0);
  });

  it('names files by their start LSN in 16 hex digits', () => {
    expect(walFileName(0)).toBe('0000000000000000.wal');
    expect(walFileName(0x10000)).toBe('0000000000010000.wal');
    for (const lsn of [0, 1, 65536, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) expect(parseWalFileName(walFileName(lsn))).toBe(lsn);
    for (const name of ['0000000000000000.WAL', '000000000000000.wal', '00000000000000000.wal', '000000000000000G.wal', 'ffffffffffffffff.wal', 'x.wal', 'flint.lock']) {
      expect(parseWalFileName(name)).toBeUndefined();
    }
  });

  it('stores u64 values up to 2^53 - 1 and rejects larger ones', () => {
    const view = new DataView(new ArrayBuffer(8));
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 52 + 7, Number.MAX_SAFE_INTEGER]) {
      setU64(view, 0, v);
      expect(getU64(view, 0)).toBe(v);
    }
    view.setUint32(4, 0x200000, true);
    expect(getU64(view, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('round-trips a file header and rejects every single-bit flip of it', () => {
    const u8 = new Uint8Array(FILE_HEADER_SIZE + 8);
    encodeFileHeader(u8, 8, 0x30000, 65536);
    expect(decodeFileHeader(u8, 8)).toEqual({ kind: 'valid', start: 0x30000, fileBytes: 65536 });
    for (let bit = 0; bit < FILE_HEADER_SIZE * 8; bit++) {
      const bad = u8.slice();
      bad[8 + (bit >> 3)]! ^= 1 << (bit & 7);
      expect(decodeFileHeader(bad, 8).kind).toBe('invalid');
    }
    expect(decodeFileHeader(new Uint8Array(FILE_HEADER_SIZE), 0)).toEqual({ kind: 'zero' });
  });

  it('reports a checksummed header of another version as such', () => {
    const u8 = new Uint8Array(FILE_HEADER_SIZE);
    encodeFileHeader(u8, 0, 0, 65536);
    const view = new DataView(u8.buffer);
    view.setUint32(4, 2, true);
    view.setUint32(28, crc32c(u8, 0, 28), true);
    expect(decodeFileHeader(u8, 0)).toEqual({ kind: 'version', version: 2 });
  });

  it('seals a record whose CRC covers header fields and payload', () => {
    const u8 = new Uint8Array(RECORD_HEADER_SIZE + 5);
    const view = new DataView(u8.buffer);
    u8.set([1, 2, 3, 4, 5], RECORD_HEADER_SIZE);
    sealRecord(u8, view, 0, 1234, 7, 5);
    expect(view.getUint32(0, true)).toBe(crc32c(u8, 4, u8.length - 4));
    expect(view.getUint32(4, true)).toBe(5);
    expect(getU64(view, 8)).toBe(1234);
    expect(u8[16]).toBe(7);
    expect([...u8.subarray(17, 20)]).toEqual([0, 0, 0]);
  });

  it('limits payloads by the format and by the file size', () => {
    expect(maxPayloadBytes(WAL_FILE_BYTES_DEFAULT)).toBe(WAL_RECORD_PAYLOAD_MAX);
    expect(maxPayloadBytes(WAL_FILE_BYTES_MIN)).toBe(WAL_FILE_BYTES_MIN - FILE_HEADER_SIZE - RECORD_HEADER_SIZE - END_RECORD_SIZE);
  });

  it('accepts only aligned file sizes in range', () => {
    expect(checkFileBytes(65536)).toBe(65536);
    for (const bad of [0, 4096, 65535, 65536 + 512, 2 ** 31, 1.5, Number.NaN]) {
      let err: unknown;
      try {
        checkFileBytes(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FlintError);
      expect((err as FlintError).code).toBe(SqlState.invalidParameterValue);
    }
  });
});
