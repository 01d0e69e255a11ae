// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8, with
// three independent chains where the data allows.
//
// WebAssembly has no CRC instruction, so this is table driven: eight 256-entry
// u32 tables (8 KiB) let one step consume 8 bytes with 8 table loads and no
// data-dependent branch. Table k maps a byte to its CRC contribution when it
// is followed by k more bytes. One range's steps form a chain (each needs the
// last one's state), which leaves most of the core idle, so three chains run
// interleaved: three WAL records at once (crc32cRecords), or three lanes of a
// long range (finishLong), whose states are then combined with shift tables
// (8 KiB more). A 4 KiB page or a 64 KiB block checksums at 2-3x the speed of
// one chain (bench:kernels). The tables live in static memory reserved by
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
/**
 * Bytes of each of the three lanes a long range is cut into (finishLong): a
 * multiple of 8. Each 3 * LANE bytes pay one combination (eight table loads),
 * so the lanes must be long against that; a WAL page image (4 KiB) must still
 * hold several triples.
 */
const LANE: usize = 256;
/**
 * The shift operators finishLong combines its lanes with: set 0 maps a raw
 * CRC state to the state LANE zero bytes later, set 1 to the state 2 * LANE
 * zero bytes later. Each set is four 256-entry u32 tables, one per byte of
 * the state (the operator is linear over GF(2): a state's image is the XOR
 * of its four bytes' images). Filled by crc32cInit().
 */
const SHIFT_TABLES: usize = memory.data(8 * TABLE_BYTES, 64);

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
  // The shift operators (finishLong): the image of each single bit of a state first, then every byte value's as the
  // XOR of its bits' (the operator is linear), so that filling them costs 16 * 768 byte steps, not 1024 * 768.
  for (let s = 0; s < 2; s++) {
    const zeros = <i32>LANE * (s + 1);
    const set = SHIFT_TABLES + <usize>(s * 4 * TABLE_BYTES);
    for (let j = 0; j < 4; j++) {
      const table = set + <usize>(j * TABLE_BYTES);
      store<u32>(table, 0);
      for (let bit = 0; bit < 8; bit++) store<u32>(table + (<usize>(1 << bit) << 2), afterZeros(<u32>1 << <u32>(8 * j + bit), zeros));
      for (let b = 3; b < TABLE_ENTRIES; b++) {
        const rest = b & (b - 1);
        if (rest != 0) store<u32>(table + (<usize>b << 2), load<u32>(table + (<usize>rest << 2)) ^ load<u32>(table + (<usize>(b & -b) << 2)));
      }
    }
  }
}

/** The raw CRC state `crc` after `n` zero bytes, a byte at a time (crc32cInit's, to fill the shift tables). */
function afterZeros(crc: u32, n: i32): u32 {
  for (let i = 0; i < n; i++) crc = (crc >>> 8) ^ load<u32>(CRC_TABLES + (<usize>(crc & 0xff) << 2));
  return crc;
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
 * The CRC of [p, p + n) on and returning the inverted state: crc32c's whole
 * body, and the rest of each record after crc32cRecords' interleaved steps
 * (inlined there: a call per record's tail cost about a fifth of the
 * sealing). A range of three lanes or more goes to finishLong.
 */
// @ts-ignore: decorator
@inline function finish(p: usize, n: usize, crc: u32): u32 {
  return n >= 3 * LANE ? finishLong(p, n, crc) : finishShort(p, n, crc);
}

/** The state `crc` shifted by one of SHIFT_TABLES' operators (`set`: its first table). */
// @ts-ignore: decorator
@inline function shifted(crc: u32, set: usize): u32 {
  return (
    load<u32>(set + (<usize>(crc & 0xff) << 2)) ^
    load<u32>(set + TABLE_BYTES + (<usize>((crc >>> 8) & 0xff) << 2)) ^
    load<u32>(set + 2 * TABLE_BYTES + (<usize>((crc >>> 16) & 0xff) << 2)) ^
    load<u32>(set + 3 * TABLE_BYTES + (<usize>(crc >>> 24) << 2))
  );
}

/**
 * finish() of a long range: each 3 * LANE bytes as three lanes whose 8-byte
 * steps run interleaved (one chain of dependent table loads runs at about a
 * third of what the core can do; a WAL page image, the heap's block
 * checksums), the first lane from `crc`, the other two from a zero state,
 * combined as A's state shifted by 2 * LANE, B's by LANE, and C's: the
 * table-driven update is affine in the state (update(s, X) = shift_|X|(s)
 * ^ update(0, X)). Then finishShort() of the rest.
 */
function finishLong(p: usize, n: usize, crc: u32): u32 {
  const end = p + n;
  while (p + 3 * LANE <= end) {
    let a = crc;
    let b: u32 = 0;
    let c: u32 = 0;
    const stop = p + LANE;
    for (let q = p; q < stop; q += 8) {
      a = step8At(load<u32>(q) ^ a, q);
      b = step8At(load<u32>(q, LANE) ^ b, q + LANE);
      c = step8At(load<u32>(q, 2 * LANE) ^ c, q + 2 * LANE);
    }
    crc = shifted(a, SHIFT_TABLES + 4 * TABLE_BYTES) ^ shifted(b, SHIFT_TABLES) ^ c;
    p += 3 * LANE;
  }
  return finishShort(p, end - p, crc);
}

/** finish() of a range shorter than three lanes (and of what finishLong leaves), slicing by 8. */
// @ts-ignore: decorator
@inline function finishShort(p: usize, n: usize, crc: u32): u32 {
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
