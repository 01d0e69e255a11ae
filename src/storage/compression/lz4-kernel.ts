// LZ4 through Flint's own kernel (assembly/lz4.ts, or its TypeScript twin):
// the default LZ4 implementation (docs/compression.md says why).
//
// The kernel works on offsets of the kernels' linear memory, where the
// buffer pool's frames live, so the block layer compresses a frame in place
// with compressAt/decompressAt: no copy into another module's memory. The
// Uint8Array methods of the Codec interface pass views over that memory
// straight through as well; other arrays are staged through a work area of
// the same memory (its own Kernels instance unless the caller gives one).
import { FlintError, SqlState } from '../../errors.ts';
import { createKernels, type KernelKind, type Kernels } from '../../kernels/index.ts';
import { LZ4_ERR_BAD_OFFSET, LZ4_ERR_DST_TOO_SMALL, LZ4_ERR_TRUNCATED, lz4Bound } from '../../kernels/lz4-codes.ts';
import { BLOCK_SIZE } from '../../limits.ts';
import { checkDisjoint, corruptCompressed, outputTooSmall, type Codec } from './codec.ts';

/** Work area of a codec that makes its own kernels: room to stage 4 blocks and their bound. */
const OWN_WORK_BYTES = 16 * BLOCK_SIZE;

export interface KernelLz4Options {
  /** Kernels to run on (the engine's, to work in place on the buffer pool); default: a private instance. */
  kernels?: Kernels;
  /** Which implementation when the codec makes its own kernels; default 'wasm' where available. */
  kind?: KernelKind;
  /** Staging area [workOffset, workOffset + workBytes) in kernels memory for arrays outside it. */
  workOffset?: number;
  workBytes?: number;
}

export class KernelLz4Codec implements Codec {
  readonly id = 'lz4' as const;
  readonly name: string;
  readonly kernels: Kernels;
  readonly #u8: Uint8Array;
  readonly #workOffset: number;
  readonly #workBytes: number;

  constructor(options: KernelLz4Options = {}) {
    if (options.kernels) {
      this.kernels = options.kernels;
      this.#workOffset = options.workOffset ?? 0;
      this.#workBytes = options.workBytes ?? 0;
    } else {
      this.kernels = createKernels({ arenaBytes: OWN_WORK_BYTES, ...(options.kind ? { kind: options.kind } : {}) });
      this.#workOffset = this.kernels.arenaOffset;
      this.#workBytes = OWN_WORK_BYTES;
    }
    const k = this.kernels;
    if (this.#workBytes < 0 || this.#workOffset < 0 || this.#workOffset + this.#workBytes > k.memoryBytes) {
      throw new FlintError(SqlState.invalidParameterValue, `lz4: work area [${this.#workOffset}, +${this.#workBytes}) is outside kernel memory`);
    }
    this.#u8 = new Uint8Array(k.buffer);
    this.name = `lz4 kernel (${k.kind})`;
  }

  maxCompressedSize(n: number): number {
    return lz4Bound(n);
  }

  /** Compress kernel memory [src, src+srcLen) into [dst, dst+dstCap); returns the compressed length. */
  compressAt(src: number, srcLen: number, dst: number, dstCap: number): number {
    this.#checkRanges(src, srcLen, dst, dstCap);
    const n = this.kernels.lz4Compress(src, srcLen, dst, dstCap);
    if (n === LZ4_ERR_DST_TOO_SMALL) throw outputTooSmall(this.name, srcLen, dstCap);
    return n;
  }

  /** Decompress [src, src+srcLen) into exactly [dst, dst+expectedLen) of kernel memory; FlintError XX001 otherwise. */
  decompressAt(src: number, srcLen: number, dst: number, expectedLen: number): number {
    this.#checkRanges(src, srcLen, dst, expectedLen);
    const n = this.kernels.lz4Decompress(src, srcLen, dst, expectedLen);
    if (n === expectedLen) return n;
    throw corruptCompressed(this.name, lz4Failure(n, srcLen, expectedLen));
  }

  compress(src: Uint8Array, dst: Uint8Array): number {
    checkDisjoint(this.name, src, dst);
    const [srcAt, dstAt] = this.#stage(src, dst);
    const n = this.compressAt(srcAt, src.length, dstAt, dst.length);
    if (dst.buffer !== this.kernels.buffer) dst.set(this.#u8.subarray(dstAt, dstAt + n));
    return n;
  }

  decompress(src: Uint8Array, dst: Uint8Array): number {
    checkDisjoint(this.name, src, dst);
    const [srcAt, dstAt] = this.#stage(src, dst);
    const n = this.decompressAt(srcAt, src.length, dstAt, dst.length);
    if (dst.buffer !== this.kernels.buffer) dst.set(this.#u8.subarray(dstAt, dstAt + n));
    return n;
  }

  /**
   * Kernel offsets for src and dst: a view over kernel memory is used in
   * place; any other array gets room in the work area (src copied there).
   */
  #stage(src: Uint8Array, dst: Uint8Array): [srcAt: number, dstAt: number] {
    const mine = this.kernels.buffer;
    const srcInside = src.buffer === mine;
    const dstInside = dst.buffer === mine;
    if (srcInside && dstInside) return [src.byteOffset, dst.byteOffset];
    this.#checkWork((srcInside ? 0 : src.length) + (dstInside ? 0 : dst.length));
    for (const view of [src, dst]) {
      if (view.buffer === mine && view.byteOffset < this.#workOffset + this.#workBytes && this.#workOffset < view.byteOffset + view.length) {
        throw new FlintError(SqlState.internalError, `${this.name}: a view over its own work area was passed with an array outside kernel memory`);
      }
    }
    let at = this.#workOffset;
    let srcAt = src.byteOffset;
    if (!srcInside) {
      this.#u8.set(src, at);
      srcAt = at;
      at += src.length;
    }
    return [srcAt, dstInside ? dst.byteOffset : at];
  }

  #checkWork(bytes: number): void {
    if (bytes > this.#workBytes) {
      throw new FlintError(
        SqlState.programLimitExceeded,
        `${this.name}: ${bytes} bytes to stage exceed its work area of ${this.#workBytes} bytes`,
      );
    }
  }

  #checkRanges(src: number, srcLen: number, dst: number, dstLen: number): void {
    this.#checkRange(src, srcLen, 'input');
    this.#checkRange(dst, dstLen, 'output');
    if (src < dst + dstLen && dst < src + srcLen) {
      throw new FlintError(SqlState.internalError, `${this.name}: input [${src}, +${srcLen}) and output [${dst}, +${dstLen}) overlap`);
    }
  }

  #checkRange(offset: number, length: number, what: string): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.kernels.memoryBytes) {
      throw new FlintError(SqlState.internalError, `${this.name}: ${what} [${offset}, +${length}) is outside kernel memory`);
    }
  }
}

function lz4Failure(code: number, srcLen: number, expectedLen: number): string {
  switch (code) {
    case LZ4_ERR_TRUNCATED:
      return `the ${srcLen} bytes end inside a sequence`;
    case LZ4_ERR_DST_TOO_SMALL:
      return `it decodes to more than the expected ${expectedLen} bytes`;
    case LZ4_ERR_BAD_OFFSET:
      return 'a match refers to bytes before the start of the block';
    default:
      return `it decodes to ${code} bytes, expected ${expectedLen}`;
  }
}
