// Zstandard through the zstd-codec package (the reference zstd library
// compiled by Emscripten). Its start-up is made synchronous by
// src/kernels/wasm/zstd-binding.ts (see there how); this file wraps the
// runtime behind the Codec contract:
//
//   - The runtime starts lazily, on the first compress or decompress of the
//     first zstd codec, and is shared by all of them: programs that never
//     use zstd never pay for it (about 100-250 ms and 16 MiB).
//   - Its heap is a fixed 16 MiB WebAssembly memory with no growth. Inputs
//     are blocks (64 KiB, a few of them at most), so we cap one call at
//     MAX_ZSTD_INPUT_BYTES and fail earlier, with 54000, than it could.
//   - Its API reports errors as negative results (the package's own wrapper
//     turns them into null); every one becomes a FlintError here. An
//     exception from inside the runtime (an Emscripten abort throws a
//     string) also does, and drops the runtime so the next call starts a
//     fresh one rather than using a broken one.
//   - Frames carry their content size; decompress checks it against the
//     length the caller expects before decoding and the decoded length after.
import { FlintError, SqlState } from '../../errors.ts';
import { BLOCK_SIZE } from '../../limits.ts';
import {
  startZstdBinding, type EmscriptenVectorU8, type EmscriptenZstdCodec, type ZstdBinding,
} from '../../kernels/wasm/zstd-binding.ts';
import { checkDisjoint, corruptCompressed, outputTooSmall, type Codec } from './codec.ts';

/** Largest input (and output) of one zstd call: 16 blocks, well inside the runtime's fixed 16 MiB heap. */
export const MAX_ZSTD_INPUT_BYTES = 16 * BLOCK_SIZE;
export const DEFAULT_ZSTD_LEVEL = 3;

interface Runtime {
  readonly binding: ZstdBinding;
  readonly codec: EmscriptenZstdCodec;
  readonly input: EmscriptenVectorU8;
  readonly output: EmscriptenVectorU8;
}

let runtime: Runtime | undefined;

function started(): Runtime {
  if (runtime) return runtime;
  const binding = startZstdBinding();
  runtime = { binding, codec: new binding.ZstdCodec(), input: new binding.VectorU8(), output: new binding.VectorU8() };
  return runtime;
}

/** ZSTD_COMPRESSBOUND. */
function zstdBound(n: number): number {
  return n + (n >>> 8) + (n < 131072 ? (131072 - n) >>> 11 : 0);
}

export class ZstdCodec implements Codec {
  readonly id = 'zstd' as const;
  readonly name: string;
  readonly level: number;

  constructor(level = DEFAULT_ZSTD_LEVEL) {
    if (!Number.isInteger(level) || level < 1 || level > 19) {
      throw new FlintError(SqlState.invalidParameterValue, `zstd level must be an integer from 1 to 19, got ${level}`);
    }
    this.level = level;
    this.name = `zstd level ${level} (zstd-codec)`;
  }

  maxCompressedSize(n: number): number {
    return zstdBound(n);
  }

  compress(src: Uint8Array, dst: Uint8Array): number {
    checkDisjoint(this.name, src, dst);
    this.#checkSize(src.length);
    // Always compress into a bound-sized buffer of the runtime: with less
    // room zstd may give up on output that would have fit.
    const rt = started();
    const n = this.#call(() => {
      rt.binding.cloneToVector(rt.input, src);
      rt.output.resize(zstdBound(src.length), 0);
      return rt.codec.compress(rt.output, rt.input, this.level);
    }, 'compress');
    if (n < 0) throw new FlintError(SqlState.internalError, `${this.name}: compression of ${src.length} bytes failed (code ${n})`);
    if (n > dst.length) throw outputTooSmall(this.name, src.length, dst.length);
    rt.output.resize(n, 0);
    dst.set(this.#call(() => rt.binding.cloneAsTypedArray(rt.output), 'compress'));
    return n;
  }

  decompress(src: Uint8Array, dst: Uint8Array): number {
    checkDisjoint(this.name, src, dst);
    this.#checkSize(dst.length);
    if (src.length > MAX_ZSTD_INPUT_BYTES + 1024) throw corruptCompressed(this.name, `${src.length} compressed bytes for ${dst.length} bytes of content`);
    const rt = started();
    const declared = this.#call(() => {
      rt.binding.cloneToVector(rt.input, src);
      return rt.codec.contentSize(rt.input);
    }, 'decompress');
    if (declared < 0) throw corruptCompressed(this.name, 'not a zstd frame with a content size');
    if (declared !== dst.length) throw corruptCompressed(this.name, `the frame declares ${declared} bytes, expected ${dst.length}`);
    const n = this.#call(() => {
      rt.output.resize(dst.length, 0);
      return rt.codec.decompress(rt.output, rt.input);
    }, 'decompress');
    if (n < 0) throw corruptCompressed(this.name, `the frame does not decode (code ${n})`);
    if (n !== dst.length) throw corruptCompressed(this.name, `it decodes to ${n} bytes, expected ${dst.length}`);
    dst.set(this.#call(() => rt.binding.cloneAsTypedArray(rt.output), 'decompress'));
    return n;
  }

  #checkSize(bytes: number): void {
    if (bytes > MAX_ZSTD_INPUT_BYTES) {
      throw new FlintError(SqlState.programLimitExceeded, `${this.name}: ${bytes} bytes exceed the ${MAX_ZSTD_INPUT_BYTES}-byte limit of one call`);
    }
  }

  /** Runs fn on the runtime; an exception from inside it drops the runtime and becomes a FlintError. */
  #call<T>(fn: () => T, op: 'compress' | 'decompress'): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof FlintError) throw cause;
      runtime = undefined;
      const what = `the zstd runtime failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      if (op === 'decompress') throw corruptCompressed(this.name, what, cause);
      throw new FlintError(SqlState.internalError, `${this.name}: ${what}`, { cause });
    }
  }
}
