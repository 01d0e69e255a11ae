// LZ4 block format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md):
// a compressor and a bounds-checked decompressor that work in place on
// offsets of the linear memory (buffer-pool frames, no copy into another
// module's memory). src/kernels/ts/lz4.ts is the twin and must produce the
// same bytes and the same results.
//
// Compressor: the greedy single-probe matcher of the reference
// LZ4_compress_fast (acceleration 1): a 4096-entry hash table of u32
// positions keyed by Knuth's multiplicative hash of 4 bytes, a 64 KiB window,
// the "skip" heuristic that probes less often the longer no match is found,
// backward extension of a match over pending literals, and an immediate
// re-probe after each match. The end-of-block rules hold: the last 5 bytes
// are literals and the last match starts at least 12 bytes before the end.
// The hash table lives in this module's static data and is cleared on
// every call, so results depend only on the input.
//
// Decompressor: every length is checked before it is used, so a malformed
// block returns a negative code and never reads outside [src, src+srcLen)
// nor writes outside [dst, dst+dstCap). Short literal runs and matches are
// copied 16 (or 8) bytes at a time when both ranges have room for the
// overshoot ("wild copies", as the reference decoder does); bytes written
// past the current end are overwritten by what follows, so only bytes past
// the returned length (or any bytes, after an error) may differ from the
// twin, which copies exactly. The codec (src/storage/compression)
// turns codes into FlintError XX001 and checks the length it expected.
//
// Return codes (LZ4_* below, shared with the twin):
//   lz4Compress:   bytes written, or LZ4_ERR_DST_TOO_SMALL
//   lz4Decompress: bytes written, or LZ4_ERR_TRUNCATED (input ends inside a
//                  sequence), LZ4_ERR_DST_TOO_SMALL (output would pass dstCap),
//                  LZ4_ERR_BAD_OFFSET (offset 0 or before the output start)

const MINMATCH: usize = 4;
const LASTLITERALS: usize = 5;
const MFLIMIT: usize = 12;
const MIN_INPUT: i32 = 13; // MFLIMIT + 1: shorter inputs are all literals
const SKIP_TRIGGER: u32 = 6;
const HASH_LOG: u32 = 12;
const HASH_ENTRIES: i32 = 1 << HASH_LOG;
const MAX_DISTANCE: usize = 65535;
const RUN_MASK: usize = 15;
const ML_MASK: usize = 15;

export const LZ4_ERR_DST_TOO_SMALL: i32 = -1;
export const LZ4_ERR_TRUNCATED: i32 = -2;
export const LZ4_ERR_BAD_OFFSET: i32 = -3;

/** Hash table: HASH_ENTRIES u32 positions relative to the start of the input. */
const HASH_TABLE: usize = memory.data(HASH_ENTRIES * 4, 16);

// @ts-ignore: decorator
@inline function hash4(sequence: u32): usize {
  return <usize>((sequence * 2654435761) >>> (32 - HASH_LOG)) << 2;
}

/** Bytes equal at a and b, counting from a up to (not past) limit. */
// @ts-ignore: decorator
@inline function countMatch(a: usize, b: usize, limit: usize): usize {
  const start = a;
  while (a + 8 <= limit) {
    const diff = load<u64>(a) ^ load<u64>(b);
    if (diff != 0) return a - start + <usize>(ctz(diff) >>> 3);
    a += 8;
    b += 8;
  }
  while (a < limit && load<u8>(a) == load<u8>(b)) {
    a++;
    b++;
  }
  return a - start;
}

/** Bytes a length of `len` needs after its 4-bit token field (0 when len < 15). */
// @ts-ignore: decorator
@inline function extBytes(len: usize): usize {
  return len >= 15 ? (len - 15) / 255 + 1 : 0;
}

/** Writes the extension bytes of len (>= 15) at op; returns the new op. */
// @ts-ignore: decorator
@inline function writeExt(op: usize, len: usize): usize {
  let rest = len - 15;
  while (rest >= 255) {
    store<u8>(op++, 255);
    rest -= 255;
  }
  store<u8>(op++, <u8>rest);
  return op;
}

/**
 * Compresses [src, src+srcLen) into [dst, dst+dstCap) as one LZ4 block.
 * Returns the compressed length, or LZ4_ERR_DST_TOO_SMALL (dst holds
 * partial output then). dstCap >= lz4 bound (n + n/255 + 16) always fits.
 * The ranges must not overlap.
 */
export function lz4Compress(src: usize, srcLen: i32, dst: usize, dstCap: i32): i32 {
  assert(srcLen >= 0 && dstCap >= 0, 'lz4Compress: negative length');
  const iend = src + <usize>srcLen;
  const oend = dst + <usize>dstCap;
  let op = dst;
  let anchor = src;

  if (srcLen >= MIN_INPUT) {
    memory.fill(HASH_TABLE, 0, <usize>HASH_ENTRIES << 2);
    const mflimitPlusOne = iend - MFLIMIT + 1;
    const matchlimit = iend - LASTLITERALS;
    let ip = src;
    store<u32>(HASH_TABLE + hash4(load<u32>(ip)), 0);
    ip++;
    let forwardH = hash4(load<u32>(ip));
    let done = false;
    while (!done) {
      // Find a match, probing less often the longer none is found.
      let forwardIp = ip;
      let step: usize = 1;
      let searchMatchNb: u32 = 1 << SKIP_TRIGGER;
      let match: usize = 0;
      while (true) {
        const h = forwardH;
        ip = forwardIp;
        forwardIp += step;
        step = <usize>(searchMatchNb++ >>> SKIP_TRIGGER);
        if (forwardIp > mflimitPlusOne) {
          done = true;
          break;
        }
        const matchIdx = <usize>load<u32>(HASH_TABLE + h);
        forwardH = hash4(load<u32>(forwardIp));
        const cur = ip - src;
        store<u32>(HASH_TABLE + h, <u32>cur);
        if (matchIdx + MAX_DISTANCE >= cur && load<u32>(src + matchIdx) == load<u32>(ip)) {
          match = src + matchIdx;
          break;
        }
      }
      if (done) break;

      // Extend backwards over the pending literals.
      while (ip > anchor && match > src && load<u8>(ip - 1) == load<u8>(match - 1)) {
        ip--;
        match--;
      }

      // Token, literal length, literals; then offset and match length, as
      // long as each next position matches immediately.
      const litLen = ip - anchor;
      if (op + 1 + extBytes(litLen) + litLen + 2 > oend) return LZ4_ERR_DST_TOO_SMALL;
      let token = op++;
      if (litLen >= RUN_MASK) {
        store<u8>(token, <u8>(RUN_MASK << 4));
        op = writeExt(op, litLen);
      } else {
        store<u8>(token, <u8>(litLen << 4));
      }
      if (litLen <= 32 && oend - op >= 32 && iend - anchor >= 32) {
        // Wild copy: bytes past the literals are overwritten next.
        v128.store(op, v128.load(anchor));
        if (litLen > 16) v128.store(op, v128.load(anchor, 16), 16);
      } else {
        memory.copy(op, anchor, litLen);
      }
      op += litLen;

      while (true) {
        store<u16>(op, <u16>(ip - match));
        op += 2;
        const mlCode = countMatch(ip + MINMATCH, match + MINMATCH, matchlimit);
        ip += mlCode + MINMATCH;
        if (op + extBytes(mlCode) > oend) return LZ4_ERR_DST_TOO_SMALL;
        if (mlCode >= ML_MASK) {
          store<u8>(token, load<u8>(token) | <u8>ML_MASK);
          op = writeExt(op, mlCode);
        } else {
          store<u8>(token, load<u8>(token) | <u8>mlCode);
        }
        anchor = ip;
        if (ip >= mflimitPlusOne) {
          done = true;
          break;
        }
        store<u32>(HASH_TABLE + hash4(load<u32>(ip - 2)), <u32>(ip - 2 - src));
        const h = hash4(load<u32>(ip));
        const matchIdx = <usize>load<u32>(HASH_TABLE + h);
        const cur = ip - src;
        store<u32>(HASH_TABLE + h, <u32>cur);
        if (!(matchIdx + MAX_DISTANCE >= cur && load<u32>(src + matchIdx) == load<u32>(ip))) break;
        // Another match right away: a sequence with no literals.
        match = src + matchIdx;
        if (op + 1 + 2 > oend) return LZ4_ERR_DST_TOO_SMALL;
        token = op++;
        store<u8>(token, 0);
      }
      if (done) break;
      ip++;
      forwardH = hash4(load<u32>(ip));
    }
  }

  // The last literals.
  const lastRun = iend - anchor;
  if (op + 1 + extBytes(lastRun) + lastRun > oend) return LZ4_ERR_DST_TOO_SMALL;
  if (lastRun >= RUN_MASK) {
    store<u8>(op++, <u8>(RUN_MASK << 4));
    op = writeExt(op, lastRun);
  } else {
    store<u8>(op++, <u8>(lastRun << 4));
  }
  memory.copy(op, anchor, lastRun);
  op += lastRun;
  return <i32>(op - dst);
}

/**
 * Decompresses the LZ4 block [src, src+srcLen) into [dst, dst+dstCap).
 * Returns the decompressed length, or a negative LZ4_ERR_* code. Never
 * reads or writes outside the two ranges, whatever the input bytes.
 */
export function lz4Decompress(src: usize, srcLen: i32, dst: usize, dstCap: i32): i32 {
  assert(srcLen >= 0 && dstCap >= 0, 'lz4Decompress: negative length');
  const iend = src + <usize>srcLen;
  const oend = dst + <usize>dstCap;
  const cap = <usize>dstCap;
  let ip = src;
  let op = dst;
  while (true) {
    if (ip >= iend) return LZ4_ERR_TRUNCATED;
    const token = <usize>load<u8>(ip++);

    let litLen = token >>> 4;
    if (litLen == RUN_MASK) {
      while (true) {
        if (ip >= iend) return LZ4_ERR_TRUNCATED;
        const b = <usize>load<u8>(ip++);
        litLen += b;
        if (litLen > cap) return LZ4_ERR_DST_TOO_SMALL;
        if (b != 255) break;
      }
    }
    if (litLen > iend - ip) return LZ4_ERR_TRUNCATED;
    if (litLen > oend - op) return LZ4_ERR_DST_TOO_SMALL;
    if (litLen <= 32 && iend - ip >= 32 && oend - op >= 32) {
      // Wild copy inside both ranges; the excess is overwritten next.
      v128.store(op, v128.load(ip));
      if (litLen > 16) v128.store(op, v128.load(ip, 16), 16);
    } else {
      memory.copy(op, ip, litLen);
    }
    ip += litLen;
    op += litLen;
    if (ip == iend) return <i32>(op - dst); // the last sequence has no match

    if (iend - ip < 2) return LZ4_ERR_TRUNCATED;
    const offset = <usize>load<u16>(ip);
    ip += 2;
    if (offset == 0 || offset > op - dst) return LZ4_ERR_BAD_OFFSET;

    let matchLen = token & ML_MASK;
    if (matchLen == ML_MASK) {
      while (true) {
        if (ip >= iend) return LZ4_ERR_TRUNCATED;
        const b = <usize>load<u8>(ip++);
        matchLen += b;
        if (matchLen > cap) return LZ4_ERR_DST_TOO_SMALL;
        if (b != 255) break;
      }
    }
    matchLen += MINMATCH;
    if (matchLen > oend - op) return LZ4_ERR_DST_TOO_SMALL;

    const match = op - offset;
    if (offset >= 16 && oend - op >= matchLen + 15) {
      // 16 bytes at a time, overshooting by at most 15 inside the output;
      // each chunk reads bytes at least 16 behind, already written.
      let s = match;
      let d = op;
      const e = op + matchLen;
      do {
        v128.store(d, v128.load(s));
        d += 16;
        s += 16;
      } while (d < e);
    } else if (offset >= 8 && oend - op >= matchLen + 7) {
      let s = match;
      let d = op;
      const e = op + matchLen;
      do {
        store<u64>(d, load<u64>(s));
        d += 8;
        s += 8;
      } while (d < e);
    } else if (offset >= matchLen) {
      memory.copy(op, match, matchLen);
    } else if (offset == 1) {
      memory.fill(op, load<u8>(match), matchLen);
    } else {
      // Overlapping copy: [match, op) repeats with period `offset`; copy it
      // in chunks that double, each from `match` and never overlapping.
      let span = offset;
      let rest = matchLen;
      let out = op;
      while (rest > 0) {
        const n = span < rest ? span : rest;
        memory.copy(out, match, n);
        out += n;
        rest -= n;
        span += n;
      }
    }
    op += matchLen;
  }
  return 0; // unreachable
}
