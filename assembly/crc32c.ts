// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8.
//
// WebAssembly has no CRC instruction, so this is table driven: eight 256-entry
// u32 tables (8 KiB) let one step consume 8 bytes with 8 table loads and no
// data-dependent branch. Table k maps a byte to its CRC contribution when it
// is followed by k more bytes. The tables live in static memory reserved by
// memory.data (below KERNEL_STATIC_BYTES) and are filled once by crc32cInit(),
// which kernelInit() calls right after instantiation.
//
// Convention: crc32c(p, n, seed) = ~update(~seed, bytes), so seed 0 starts a
// CRC and passing a previous result continues it:
//   crc32c(b, nb, crc32c(a, na, 0)) == crc32c(a ++ b, na + nb, 0).

const POLY: u32 = 0x82f63b78;
const TABLE_ENTRIES = 256;
const TABLE_BYTES = TABLE_ENTRIES * 4;
/** Table k is at CRC_TABLES + k * TABLE_BYTES. */
const CRC_TABLES: usize = memory.data(8 * TABLE_BYTES, 64);

/** Fills the lookup tables; must run once before crc32c. */
export function crc32cInit(): void {
  for (let i: u32 = 0; i < <u32>TABLE_ENTRIES; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
    store<u32>(CRC_TABLES + (<usize>i << 2), c);
  }
  for (let t = 1; t < 8; t++) {
    const prevTable = CRC_TABLES + <usize>((t - 1) * TABLE_BYTES);
    const table = CRC_TABLES + <usize>(t * TABLE_BYTES);
    for (let i = 0; i < TABLE_ENTRIES; i++) {
      const prev = load<u32>(prevTable + (<usize>i << 2));
      store<u32>(table + (<usize>i << 2), (prev >>> 8) ^ load<u32>(CRC_TABLES + (<usize>(prev & 0xff) << 2)));
    }
  }
}

/** Address of entry `index` (0..255) of the table whose byte offset is `tableOffset`. */
// @ts-ignore: decorator
@inline function entry(index: u32, tableOffset: usize): u32 {
  return load<u32>(CRC_TABLES + tableOffset + (<usize>index << 2));
}

/** One slicing-by-8 step: the CRC after 8 bytes, `lo` their first 4 (XORed with the CRC before them), `hi` the last 4. */
// @ts-ignore: decorator
@inline function step8(lo: u32, hi: u32): u32 {
  return (
    entry(lo & 0xff, 7 * TABLE_BYTES) ^
    entry((lo >>> 8) & 0xff, 6 * TABLE_BYTES) ^
    entry((lo >>> 16) & 0xff, 5 * TABLE_BYTES) ^
    entry(lo >>> 24, 4 * TABLE_BYTES) ^
    entry(hi & 0xff, 3 * TABLE_BYTES) ^
    entry((hi >>> 8) & 0xff, 2 * TABLE_BYTES) ^
    entry((hi >>> 16) & 0xff, TABLE_BYTES) ^
    entry(hi >>> 24, 0)
  );
}

/** CRC32C of [ptr, ptr + len), continuing from `seed` (0 to start). */
export function crc32c(ptr: usize, len: i32, seed: u32): u32 {
  assert(len >= 0, 'crc32c: negative length');
  let crc = ~seed;
  let p = ptr;
  const end = ptr + <usize>len;
  const end8 = ptr + (<usize>len & ~<usize>7);
  while (p < end8) {
    const lo = load<u32>(p) ^ crc;
    const hi = load<u32>(p, 4);
    crc = step8(lo, hi);
    p += 8;
  }
  if (p + 4 <= end) {
    // Four bytes in one step (tables 3..0): a record's tail is as often 4-7 bytes as not.
    const w = load<u32>(p) ^ crc;
    crc = entry(w & 0xff, 3 * TABLE_BYTES) ^ entry((w >>> 8) & 0xff, 2 * TABLE_BYTES) ^ entry((w >>> 16) & 0xff, TABLE_BYTES) ^ entry(w >>> 24, 0);
    p += 4;
  }
  while (p < end) {
    crc = (crc >>> 8) ^ entry((crc ^ <u32>load<u8>(p)) & 0xff, 0);
    p++;
  }
  return ~crc;
}

/** Header bytes of a WAL record (src/storage/wal/format.ts): CRC32C (4), length (4), LSN (8), type and reserved (4). */
const RECORD_HEADER: usize = 20;
/** Where a record's CRC starts covering: after the CRC field. */
const RECORD_CRC_FROM: usize = 4;

/** One record's CRC field at `at`: CRC32C of [at + 4, at + 20 + length). */
// @ts-ignore: decorator
@inline function sealOne(at: usize, length: u32): void {
  store<u32>(at, crc32c(at + RECORD_CRC_FROM, <i32>(RECORD_HEADER - RECORD_CRC_FROM + <usize>length), 0));
}

/**
 * Seal the WAL records lying back to back in [ptr, ptr + len): each one's
 * u32 CRC field (offset 0) becomes the CRC32C of its bytes from offset 4 to
 * its end (20 header bytes, then the payload whose length is the u32 at
 * offset 4). Two records at a time, their 8-byte steps interleaved: one
 * record's steps form a chain of dependent table loads, so a second,
 * independent chain runs in the same time. Returns the bytes sealed: len,
 * unless a record's length runs past the end (then where that record starts).
 */
export function crc32cRecords(ptr: usize, len: i32): i32 {
  assert(len >= 0, 'crc32cRecords: negative length');
  const end = ptr + <usize>len;
  let p = ptr;
  while (p + RECORD_HEADER <= end) {
    const lenA = load<u32>(p, 4);
    const q = p + RECORD_HEADER + <usize>lenA;
    if (q > end) break;
    if (q + RECORD_HEADER > end) {
      sealOne(p, lenA);
      p = q;
      break;
    }
    const lenB = load<u32>(q, 4);
    const r = q + RECORD_HEADER + <usize>lenB;
    if (r > end) {
      sealOne(p, lenA);
      p = q;
      break;
    }
    // Both: the common 8-byte steps together, then each one's rest alone.
    const nA = RECORD_HEADER - RECORD_CRC_FROM + <usize>lenA;
    const nB = RECORD_HEADER - RECORD_CRC_FROM + <usize>lenB;
    const steps = (nA < nB ? nA : nB) & ~<usize>7;
    let a = p + RECORD_CRC_FROM;
    let b = q + RECORD_CRC_FROM;
    let ca: u32 = 0xffffffff;
    let cb: u32 = 0xffffffff;
    const stop = a + steps;
    while (a < stop) {
      const loA = load<u32>(a) ^ ca;
      const hiA = load<u32>(a, 4);
      const loB = load<u32>(b) ^ cb;
      const hiB = load<u32>(b, 4);
      ca = step8(loA, hiA);
      cb = step8(loB, hiB);
      a += 8;
      b += 8;
    }
    store<u32>(p, crc32c(a, <i32>(nA - steps), ~ca));
    store<u32>(q, crc32c(b, <i32>(nB - steps), ~cb));
    p = r;
  }
  return <i32>(p - ptr);
}
