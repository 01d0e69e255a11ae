// Byte-range kernels: compare, copy, fill. Lengths are i32 byte counts; a
// negative length is a caller bug and aborts.

/**
 * Lexicographic unsigned compare of [aPtr, aPtr+aLen) and [bPtr, bPtr+bLen);
 * a proper prefix sorts first. Returns -1, 0 or 1.
 *
 * Long ranges go 16 bytes at a time with SIMD: i8x16.eq + bitmask gives one
 * bit per equal byte, and ctz of its complement is the first differing byte.
 * The tail goes 8 bytes at a time (xor, ctz to find the byte), then bytewise.
 */
export function memCompare(aPtr: usize, aLen: i32, bPtr: usize, bLen: i32): i32 {
  assert(aLen >= 0 && bLen >= 0, 'memCompare: negative length');
  const n = <usize>(aLen < bLen ? aLen : bLen);
  let i: usize = 0;
  while (i + 16 <= n) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(aPtr + i), v128.load(bPtr + i)));
    if (mask != 0xffff) {
      const j = i + <usize>ctz(~mask);
      return load<u8>(aPtr + j) < load<u8>(bPtr + j) ? -1 : 1;
    }
    i += 16;
  }
  if (i + 8 <= n) {
    const diff = load<u64>(aPtr + i) ^ load<u64>(bPtr + i);
    if (diff != 0) {
      const j = i + <usize>(ctz(diff) >>> 3);
      return load<u8>(aPtr + j) < load<u8>(bPtr + j) ? -1 : 1;
    }
    i += 8;
  }
  while (i < n) {
    const x = load<u8>(aPtr + i);
    const y = load<u8>(bPtr + i);
    if (x != y) return x < y ? -1 : 1;
    i++;
  }
  return aLen < bLen ? -1 : aLen > bLen ? 1 : 0;
}

/** Copy len bytes from src to dst; the ranges may overlap (memmove). */
export function memCopy(dst: usize, src: usize, len: i32): void {
  assert(len >= 0, 'memCopy: negative length');
  memory.copy(dst, src, <usize>len);
}

/** Fill len bytes at dst with the low 8 bits of value. */
export function memFill(dst: usize, value: i32, len: i32): void {
  assert(len >= 0, 'memFill: negative length');
  memory.fill(dst, <u8>value, <usize>len);
}
