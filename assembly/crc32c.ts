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
    crc =
      entry(lo & 0xff, 7 * TABLE_BYTES) ^
      entry((lo >>> 8) & 0xff, 6 * TABLE_BYTES) ^
      entry((lo >>> 16) & 0xff, 5 * TABLE_BYTES) ^
      entry(lo >>> 24, 4 * TABLE_BYTES) ^
      entry(hi & 0xff, 3 * TABLE_BYTES) ^
      entry((hi >>> 8) & 0xff, 2 * TABLE_BYTES) ^
      entry((hi >>> 16) & 0xff, TABLE_BYTES) ^
      entry(hi >>> 24, 0);
    p += 8;
  }
  while (p < end) {
    crc = (crc >>> 8) ^ entry((crc ^ <u32>load<u8>(p)) & 0xff, 0);
    p++;
  }
  return ~crc;
}
