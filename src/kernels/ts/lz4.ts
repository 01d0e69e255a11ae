// LZ4 block format, TypeScript twin of assembly/lz4.ts: the same greedy
// matcher (4096-entry hash table of u32 positions, 64 KiB window, skip
// heuristic, backward extension, immediate re-probe), the same checks and
// the same results, byte for byte. See assembly/lz4.ts for the algorithm and
// ../lz4-codes.ts for the return codes.
import { assert } from '../../errors.ts';
import { LZ4_ERR_BAD_OFFSET, LZ4_ERR_DST_TOO_SMALL, LZ4_ERR_TRUNCATED } from '../lz4-codes.ts';
import type { Lz4Kernels, TsMemory } from './memory.ts';

const MINMATCH = 4;
const LASTLITERALS = 5;
const MFLIMIT = 12;
const MIN_INPUT = 13;
const SKIP_TRIGGER = 6;
const HASH_LOG = 12;
const HASH_ENTRIES = 1 << HASH_LOG;
const MAX_DISTANCE = 65535;
const RUN_MASK = 15;
const ML_MASK = 15;
const PRIME = 2654435761 | 0;

function extBytes(len: number): number {
  return len >= 15 ? Math.floor((len - 15) / 255) + 1 : 0;
}

export function createLz4Kernels(mem: TsMemory): Lz4Kernels {
  const { u8, view } = mem;
  // The twin of the module's static hash table: one per kernels instance.
  const table = new Uint32Array(HASH_ENTRIES);

  const read32 = (p: number): number => view.getUint32(p, true);
  const hash4 = (p: number): number => Math.imul(view.getUint32(p, true), PRIME) >>> (32 - HASH_LOG);

  function countMatch(a: number, b: number, limit: number): number {
    const start = a;
    while (a + 4 <= limit) {
      const diff = (view.getUint32(a, true) ^ view.getUint32(b, true)) >>> 0;
      if (diff !== 0) return a - start + ((31 - Math.clz32(diff & -diff)) >>> 3);
      a += 4;
      b += 4;
    }
    while (a < limit && u8[a] === u8[b]) {
      a++;
      b++;
    }
    return a - start;
  }

  function writeExt(op: number, len: number): number {
    let rest = len - 15;
    while (rest >= 255) {
      u8[op++] = 255;
      rest -= 255;
    }
    u8[op++] = rest;
    return op;
  }

  function lz4Compress(src: number, srcLen: number, dst: number, dstCap: number): number {
    assert(srcLen >= 0 && dstCap >= 0, 'lz4Compress: negative length');
    const iend = src + srcLen;
    const oend = dst + dstCap;
    let op = dst;
    let anchor = src;

    if (srcLen >= MIN_INPUT) {
      table.fill(0);
      const mflimitPlusOne = iend - MFLIMIT + 1;
      const matchlimit = iend - LASTLITERALS;
      let ip = src;
      table[hash4(ip)] = 0;
      ip++;
      let forwardH = hash4(ip);
      let done = false;
      while (!done) {
        let forwardIp = ip;
        let step = 1;
        let searchMatchNb = 1 << SKIP_TRIGGER;
        let match = 0;
        for (;;) {
          const h = forwardH;
          ip = forwardIp;
          forwardIp += step;
          step = searchMatchNb++ >>> SKIP_TRIGGER;
          if (forwardIp > mflimitPlusOne) {
            done = true;
            break;
          }
          const matchIdx = table[h]!;
          forwardH = hash4(forwardIp);
          const cur = ip - src;
          table[h] = cur;
          if (matchIdx + MAX_DISTANCE >= cur && read32(src + matchIdx) === read32(ip)) {
            match = src + matchIdx;
            break;
          }
        }
        if (done) break;

        while (ip > anchor && match > src && u8[ip - 1] === u8[match - 1]) {
          ip--;
          match--;
        }

        const litLen = ip - anchor;
        if (op + 1 + extBytes(litLen) + litLen + 2 > oend) return LZ4_ERR_DST_TOO_SMALL;
        let token = op++;
        if (litLen >= RUN_MASK) {
          u8[token] = RUN_MASK << 4;
          op = writeExt(op, litLen);
        } else {
          u8[token] = litLen << 4;
        }
        u8.copyWithin(op, anchor, anchor + litLen);
        op += litLen;

        for (;;) {
          view.setUint16(op, ip - match, true);
          op += 2;
          const mlCode = countMatch(ip + MINMATCH, match + MINMATCH, matchlimit);
          ip += mlCode + MINMATCH;
          if (op + extBytes(mlCode) > oend) return LZ4_ERR_DST_TOO_SMALL;
          if (mlCode >= ML_MASK) {
            u8[token] = u8[token]! | ML_MASK;
            op = writeExt(op, mlCode);
          } else {
            u8[token] = u8[token]! | mlCode;
          }
          anchor = ip;
          if (ip >= mflimitPlusOne) {
            done = true;
            break;
          }
          table[hash4(ip - 2)] = ip - 2 - src;
          const h = hash4(ip);
          const matchIdx = table[h]!;
          const cur = ip - src;
          table[h] = cur;
          if (!(matchIdx + MAX_DISTANCE >= cur && read32(src + matchIdx) === read32(ip))) break;
          match = src + matchIdx;
          if (op + 1 + 2 > oend) return LZ4_ERR_DST_TOO_SMALL;
          token = op++;
          u8[token] = 0;
        }
        if (done) break;
        ip++;
        forwardH = hash4(ip);
      }
    }

    const lastRun = iend - anchor;
    if (op + 1 + extBytes(lastRun) + lastRun > oend) return LZ4_ERR_DST_TOO_SMALL;
    if (lastRun >= RUN_MASK) {
      u8[op++] = RUN_MASK << 4;
      op = writeExt(op, lastRun);
    } else {
      u8[op++] = lastRun << 4;
    }
    u8.copyWithin(op, anchor, anchor + lastRun);
    op += lastRun;
    return op - dst;
  }

  function lz4Decompress(src: number, srcLen: number, dst: number, dstCap: number): number {
    assert(srcLen >= 0 && dstCap >= 0, 'lz4Decompress: negative length');
    const iend = src + srcLen;
    const oend = dst + dstCap;
    let ip = src;
    let op = dst;
    for (;;) {
      if (ip >= iend) return LZ4_ERR_TRUNCATED;
      const token = u8[ip++]!;

      let litLen = token >>> 4;
      if (litLen === RUN_MASK) {
        for (;;) {
          if (ip >= iend) return LZ4_ERR_TRUNCATED;
          const b = u8[ip++]!;
          litLen += b;
          if (litLen > dstCap) return LZ4_ERR_DST_TOO_SMALL;
          if (b !== 255) break;
        }
      }
      if (litLen > iend - ip) return LZ4_ERR_TRUNCATED;
      if (litLen > oend - op) return LZ4_ERR_DST_TOO_SMALL;
      u8.copyWithin(op, ip, ip + litLen);
      ip += litLen;
      op += litLen;
      if (ip === iend) return op - dst;

      if (iend - ip < 2) return LZ4_ERR_TRUNCATED;
      const offset = u8[ip]! | (u8[ip + 1]! << 8);
      ip += 2;
      if (offset === 0 || offset > op - dst) return LZ4_ERR_BAD_OFFSET;

      let matchLen = token & ML_MASK;
      if (matchLen === ML_MASK) {
        for (;;) {
          if (ip >= iend) return LZ4_ERR_TRUNCATED;
          const b = u8[ip++]!;
          matchLen += b;
          if (matchLen > dstCap) return LZ4_ERR_DST_TOO_SMALL;
          if (b !== 255) break;
        }
      }
      matchLen += MINMATCH;
      if (matchLen > oend - op) return LZ4_ERR_DST_TOO_SMALL;

      const match = op - offset;
      if (offset >= matchLen) {
        u8.copyWithin(op, match, match + matchLen);
      } else if (offset === 1) {
        u8.fill(u8[match]!, op, op + matchLen);
      } else if (offset >= 8) {
        let span = offset;
        let rest = matchLen;
        let out = op;
        while (rest > 0) {
          const n = span < rest ? span : rest;
          u8.copyWithin(out, match, match + n);
          out += n;
          rest -= n;
          span += n;
        }
      } else {
        // Short periods: a byte loop beats many tiny copyWithin calls.
        for (let i = 0; i < matchLen; i++) u8[op + i] = u8[match + i]!;
      }
      op += matchLen;
    }
  }

  return { lz4Compress, lz4Decompress };
}
