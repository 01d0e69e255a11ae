// Byte-range kernels, TypeScript twin of assembly/crc32c.ts and assembly/mem.ts.
import { assert } from '../../errors.ts';
import type { ByteKernels, TsMemory } from './memory.ts';

// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8: table
// k (entries [k*256, k*256+256)) maps a byte to its CRC contribution when k
// more bytes follow it, so one step consumes 8 bytes with 8 lookups. Same
// tables and convention as the WASM kernel: crc32c(p, n, seed) = ~update(~seed).
const POLY = 0x82f63b78;
const CRC_TABLES = buildCrcTables();

function buildCrcTables(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

/** Header bytes of a WAL record (src/storage/wal/format.ts): CRC32C (4), length (4), LSN (8), type and reserved (4). */
const RECORD_HEADER = 20;
/** Where a record's CRC starts covering: after the CRC field. */
const RECORD_CRC_FROM = 4;

/** CRC32C update over u8[ptr, ptr+len) from an already-inverted state; returns the inverted state. */
export function crc32cUpdate(u8: Uint8Array, ptr: number, len: number, state: number): number {
  const t = CRC_TABLES;
  let crc = state | 0;
  let p = ptr;
  const end = ptr + len;
  const end8 = ptr + (len & ~7);
  while (p < end8) {
    const lo = crc ^ (u8[p]! | (u8[p + 1]! << 8) | (u8[p + 2]! << 16) | (u8[p + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + u8[p + 4]!]! ^
      t[512 + u8[p + 5]!]! ^
      t[256 + u8[p + 6]!]! ^
      t[u8[p + 7]!]!;
    p += 8;
  }
  while (p < end) crc = (crc >>> 8) ^ t[(crc ^ u8[p++]!) & 0xff]!;
  return crc;
}

export function createByteKernels(mem: TsMemory): ByteKernels {
  const { u8, view } = mem;

  function crc32c(ptr: number, len: number, seed: number): number {
    assert(len >= 0, 'crc32c: negative length');
    return ~crc32cUpdate(u8, ptr, len, ~seed);
  }

  function crc32cRecords(ptr: number, len: number): number {
    assert(len >= 0, 'crc32cRecords: negative length');
    const end = ptr + len;
    let p = ptr;
    // One record at a time (the WASM kernel interleaves three; the CRCs are the same).
    while (p + RECORD_HEADER <= end) {
      const n = RECORD_HEADER - RECORD_CRC_FROM + view.getUint32(p + 4, true);
      if (p + RECORD_CRC_FROM + n > end) break;
      view.setInt32(p, ~crc32cUpdate(u8, p + RECORD_CRC_FROM, n, -1), true);
      p += RECORD_CRC_FROM + n;
    }
    return p - ptr;
  }

  function memCompare(aPtr: number, aLen: number, bPtr: number, bLen: number): number {
    assert(aLen >= 0 && bLen >= 0, 'memCompare: negative length');
    const n = aLen < bLen ? aLen : bLen;
    let i = 0;
    // Four bytes at a time, read big-endian so the integer order is the byte order.
    for (; i + 4 <= n; i += 4) {
      const x = view.getUint32(aPtr + i);
      const y = view.getUint32(bPtr + i);
      if (x !== y) return x < y ? -1 : 1;
    }
    for (; i < n; i++) {
      const x = u8[aPtr + i]!;
      const y = u8[bPtr + i]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
  }

  function memCopy(dst: number, src: number, len: number): void {
    assert(len >= 0, 'memCopy: negative length');
    u8.copyWithin(dst, src, src + len);
  }

  function memFill(dst: number, value: number, len: number): void {
    assert(len >= 0, 'memFill: negative length');
    u8.fill(value & 0xff, dst, dst + len);
  }

  return { crc32c, crc32cRecords, memCompare, memCopy, memFill };
}
