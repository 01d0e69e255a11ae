// Synchronous start of the zstd-codec package's WebAssembly build.
//
// zstd-codec (0.1.x) starts through `ZstdCodec.run(callback)`: its Emscripten
// glue compiles the module asynchronously and calls back when ready, with no
// error path (a failure is printed and the callback never comes). Flint's API
// is synchronous (Database.open, like better-sqlite3), so we start it
// ourselves, synchronously, through Emscripten's documented
// `Module.instantiateWasm(imports, receive)` hook:
//
//   1. The glue embeds the module as a base64 data URI in the source text of
//      its factory function; we read it from `String(factory)` (no file
//      access, so the same code runs on Node, Bun, Deno and in bundles; Bun
//      reformats the source, so the match allows spaces around `=`).
//   2. We compile and instantiate it with `new WebAssembly.Module/Instance`
//      and hand the instance to `receive`. The glue's run dependency is then
//      met before its factory returns, so its runtime initialises inside the
//      factory call and the embind classes are there when it returns.
//   3. Every failure is captured and thrown as a FlintError (0A000 naming
//      the step); nothing is left waiting on a callback.
//
// Only src/kernels touches WebAssembly (test/architecture.test.ts), so this
// loader lives here; the codec built on it is src/storage/compression/zstd.ts.
// The binding's heap is a fixed 16 MiB WebAssembly memory (no growth): the
// codec bounds its inputs (MAX_ZSTD_INPUT_BYTES) so that it always fits.
import factory, {
  type EmscriptenVectorU8, type EmscriptenZstdCodec, type EmscriptenZstdModule,
} from 'zstd-codec/lib/zstd-codec-binding-wasm.js';
import { FlintError, SqlState } from '../../errors.ts';

export interface ZstdBinding {
  readonly VectorU8: new () => EmscriptenVectorU8;
  readonly ZstdCodec: new () => EmscriptenZstdCodec;
  readonly cloneToVector: (vector: EmscriptenVectorU8, bytes: Uint8Array) => void;
  readonly cloneAsTypedArray: (vector: EmscriptenVectorU8) => Uint8Array;
}

export type { EmscriptenVectorU8, EmscriptenZstdCodec };

const DATA_URI = /wasmBinaryFile\s*=\s*["']data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)["']/;

let compiled: WebAssembly.Module | undefined;

function fail(step: string, cause?: unknown): FlintError {
  const reason = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
  return new FlintError(SqlState.featureNotSupported, `zstd codec cannot start (${step})${reason}`, { cause });
}

function zstdModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const match = DATA_URI.exec(String(factory));
  if (!match) throw fail('the zstd-codec glue no longer embeds its WebAssembly module as a data URI');
  let bytes: Uint8Array;
  try {
    const binary = atob(match[1]!);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  } catch (cause) {
    throw fail('compiling the embedded module', cause);
  }
  return compiled;
}

/**
 * A freshly started zstd-codec runtime. Each call creates a new one (its own
 * 16 MiB memory); callers keep the one they use and start another only after
 * the previous one aborted.
 */
export function startZstdBinding(): ZstdBinding {
  const wasmModule = zstdModule();
  let instantiateError: unknown;
  let aborted: unknown;
  let ready = false;
  const emscripten: EmscriptenZstdModule = {
    instantiateWasm(imports, receive) {
      try {
        const instance = new WebAssembly.Instance(wasmModule, imports as WebAssembly.Imports);
        receive(instance, wasmModule);
        return instance.exports;
      } catch (cause) {
        instantiateError = cause;
        throw cause;
      }
    },
    onRuntimeInitialized() {
      ready = true;
    },
    onAbort(what) {
      aborted = what;
    },
    // The glue prints its own errors; ours carry them instead.
    print() {},
    printErr() {},
  };
  try {
    factory(emscripten);
  } catch (cause) {
    throw fail('running the Emscripten glue', cause);
  }
  if (instantiateError !== undefined) throw fail('instantiating the module', instantiateError);
  if (aborted !== undefined) throw fail('the runtime aborted', aborted);
  const { VectorU8, ZstdCodec, cloneToVector, cloneAsTypedArray } = emscripten;
  if (!ready || !VectorU8 || !ZstdCodec || !cloneToVector || !cloneAsTypedArray) {
    throw fail('the runtime did not initialise synchronously');
  }
  return { VectorU8, ZstdCodec, cloneToVector, cloneAsTypedArray };
}
