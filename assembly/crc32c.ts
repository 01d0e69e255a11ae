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
  // The loop crc32cRecords finishes each record with (inlined there and here: one copy of it).
  return ~finish(ptr, <usize>len, ~seed);
}

/** Header bytes of a WAL record (src/storage/wal/format.ts): CRC32C (4), length (4), LSN (8), type and reserved (4). */
const RECORD_HEADER: usize = 20;
/** Where a record's CRC starts covering: after the CRC field. */
const RECORD_CRC_FROM: usize = 4;

/**
 * step8 of the 8 bytes at `p`, `lo` their first 4 already XORed with the
 * CRC: the last 4 read a byte at a time (a load each, instead of a shift
 * and a mask of one u32), as the interleaved loops below run out of
 * instructions, not loads (~5% faster there; no faster for one chain).
 */
// @ts-ignore: decorator
@inline function step8At(lo: u32, p: usize): u32 {
  return (
    entry(lo & 0xff, 7 * TABLE_BYTES) ^
    entry((lo >>> 8) & 0xff, 6 * TABLE_BYTES) ^
    entry((lo >>> 16) & 0xff, 5 * TABLE_BYTES) ^
    entry(lo >>> 24, 4 * TABLE_BYTES) ^
    entry(<u32>load<u8>(p, 4), 3 * TABLE_BYTES) ^
    entry(<u32>load<u8>(p, 5), 2 * TABLE_BYTES) ^
    entry(<u32>load<u8>(p, 6), TABLE_BYTES) ^
    entry(<u32>load<u8>(p, 7), 0)
  );
}

/**
 * The CRC of [p, p + n) on and returning the inverted state, slicing by
 * 8: crc32c's whole body, and the rest of each record after
 * crc32cRecords' interleaved steps (inlined there: a call per record's
 * tail cost about a fifth of the sealing).
 */
// @ts-ignore: decorator
@inline function finish(p: usize, n: usize, crc: u32): u32 {
  const end = p + n;
  while (p + 8 <= end) {
    crc = step8(load<u32>(p) ^ crc, load<u32>(p, 4));
    p += 8;
  }
  if (p + 4 <= end) {
    const w = load<u32>(p) ^ crc;
    crc = entry(w & 0xff, 3 * TABLE_BYTES) ^ entry((w >>> 8) & 0xff, 2 * TABLE_BYTES) ^ entry((w >>> 16) & 0xff, TABLE_BYTES) ^ entry(w >>> 24, 0);
    p += 4;
  }
  while (p < end) {
    crc = (crc >>> 8) ^ entry((crc ^ <u32>load<u8>(p)) & 0xff, 0);
    p++;
  }
  return crc;
}

/** One record's CRC field at `at`: CRC32C of [at + 4, at + 20 + length). */
// @ts-ignore: decorator
@inline function sealOne(at: usize, length: u32): void {
  store<u32>(at, crc32c(at + RECORD_CRC_FROM, <i32>(RECORD_HEADER - RECORD_CRC_FROM + <usize>length), 0));
}

/**
 * Seal the WAL records lying back to back in [ptr, ptr + len): each one's
 * u32 CRC field (offset 0) becomes the CRC32C of its bytes from offset 4 to
 * its end (20 header bytes, then the payload whose length is the u32 at
 * offset 4). Three records at a time, their 8-byte steps interleaved: one
 * record's steps form a chain of dependent table loads, so other,
 * independent chains run in the same time (three: ~25% faster than two on
 * a bulk load's ~100-byte records; four gained nothing more). Two, or one,
 * where fewer are left. Returns the bytes sealed: len, unless a record's
 * length runs past the end (then where that record starts).
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
    const nA = RECORD_HEADER - RECORD_CRC_FROM + <usize>lenA;
    const nB = RECORD_HEADER - RECORD_CRC_FROM + <usize>lenB;
    let a = p + RECORD_CRC_FROM;
    let b = q + RECORD_CRC_FROM;
    let ca: u32 = 0xffffffff;
    let cb: u32 = 0xffffffff;
    if (r + RECORD_HEADER <= end) {
      const lenC = load<u32>(r, 4);
      const s = r + RECORD_HEADER + <usize>lenC;
      if (s <= end) {
        // Three: the common 8-byte steps together, then each one's rest alone.
        const nC = RECORD_HEADER - RECORD_CRC_FROM + <usize>lenC;
        let shortest = nA < nB ? nA : nB;
        if (nC < shortest) shortest = nC;
        const steps = shortest & ~<usize>7;
        let c = r + RECORD_CRC_FROM;
        let cc: u32 = 0xffffffff;
        const stop = a + steps;
        while (a < stop) {
          ca = step8At(load<u32>(a) ^ ca, a);
          cb = step8At(load<u32>(b) ^ cb, b);
          cc = step8At(load<u32>(c) ^ cc, c);
          a += 8;
          b += 8;
          c += 8;
        }
        store<u32>(p, ~finish(a, nA - steps, ca));
        store<u32>(q, ~finish(b, nB - steps, cb));
        store<u32>(r, ~finish(c, nC - steps, cc));
        p = s;
        continue;
      }
    }
    // Two (the last two of the range): as above, two chains.
    const steps = (nA < nB ? nA : nB) & ~<usize>7;
    const stop = a + steps;
    while (a < stop) {
      ca = step8At(load<u32>(a) ^ ca, a);
      cb = step8At(load<u32>(b) ^ cb, b);
      a += 8;
      b += 8;
    }
    store<u32>(p, ~finish(a, nA - steps, ca));
    store<u32>(q, ~finish(b, nB - steps, cb));
    p = r;
  }
  return <i32>(p - ptr);
}
