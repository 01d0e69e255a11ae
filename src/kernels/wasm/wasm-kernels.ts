// The WASM implementation of Kernels: the AssemblyScript module instantiated
// over a WebAssembly.Memory that we create (the module imports it), sized
// once and never grown, so views over it never detach.
//
// Binding choice: neither @assemblyscript/loader nor asc's generated
// bindings. Our exports take and return integers only, so they need no
// marshalling; the loader's wrapper costs about 4x a raw call and the
// generated bindings copy arrays per call. The Kernels object below holds
// the raw export functions themselves, so `kernels.pageInsert(...)` is one
// direct JS->WASM call.

import { FlintError, SqlState, assert } from '../../errors.ts';
import { KERNEL_SCRATCH_BYTES, KERNEL_STATIC_BYTES, BLOCK_SIZE } from '../../limits.ts';
import { KERNEL_FUNCTIONS, type Kernels } from '../kernels.ts';
import { FLINT_WASM_BASE64 } from './generated/flint-wasm.ts';

const WASM_PAGE_SIZE = 65536;

let compiledModule: WebAssembly.Module | undefined;

/** True where this runtime can run the WASM kernels. */
export function wasmAvailable(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.Memory === 'function' && typeof WebAssembly.Instance === 'function';
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function kernelModule(): WebAssembly.Module {
  compiledModule ??= new WebAssembly.Module(decodeBase64(FLINT_WASM_BASE64));
  return compiledModule;
}

/** Reads an AssemblyScript string (UTF-16, byte length at ptr-4) for abort messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const view = new DataView(memory.buffer);
  const byteLength = view.getUint32(ptr - 4, true);
  let text = '';
  for (let i = 0; i < byteLength; i += 2) text += String.fromCharCode(view.getUint16(ptr + i, true));
  return text;
}

/**
 * How long a released instance is kept for the next database. Long enough
 * for a process that closes one database and opens the next: tests, and
 * bench:peers' fresh database for each bulk-load round, with the other
 * engines' rounds between two of Flint's (PGlite's alone can take over
 * 10 s). Short enough that a process done with its databases gets the
 * pool's memory back within a minute (at the next GC once dropped).
 */
export const IDLE_KERNELS_KEEP_MS = 60_000;

/** The instance released last (releaseWasmKernels), until a createKernels({ reuse: true }) of its size takes it or the keep time ends. */
let idle: Kernels | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function dropIdle(): void {
  idle = undefined;
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
}

/** Keep `kernels` for takeIdleWasmKernels, for IDLE_KERNELS_KEEP_MS; an instance kept before is dropped. */
export function releaseWasmKernels(kernels: Kernels): void {
  dropIdle();
  idle = kernels;
  idleTimer = setTimeout(dropIdle, IDLE_KERNELS_KEEP_MS);
  // The timer must not keep a process alive that has nothing else to do: unref() on Node and Bun, Deno.unrefTimer on Deno.
  if (typeof idleTimer === 'object' && idleTimer !== null && 'unref' in idleTimer) (idleTimer as { unref(): void }).unref();
  else (globalThis as { Deno?: { unrefTimer?(id: unknown): void } }).Deno?.unrefTimer?.(idleTimer);
}

/**
 * The kept instance if its memory is memoryBytes long (then no longer
 * kept, so no two users ever hold it), its scratch area zeroed as a new
 * instance's is; else undefined.
 */
export function takeIdleWasmKernels(memoryBytes: number): Kernels | undefined {
  const kernels = idle;
  if (kernels === undefined || kernels.memoryBytes !== memoryBytes) return undefined;
  dropIdle();
  kernels.memFill(kernels.scratchOffset, 0, KERNEL_SCRATCH_BYTES);
  return kernels;
}

export function createWasmKernels(memoryBytes: number): Kernels {
  assert(memoryBytes % BLOCK_SIZE === 0, 'kernel memory is a whole number of blocks');
  const pages = memoryBytes / WASM_PAGE_SIZE;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch (cause) {
    throw new FlintError(SqlState.outOfMemory, `cannot reserve ${memoryBytes} bytes of WebAssembly memory for the buffer pool`, { cause });
  }
  const instance = new WebAssembly.Instance(kernelModule(), {
    env: {
      memory,
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        // An abort is a failed assertion inside a kernel: a bug, never bad input.
        throw new Error(
          `assertion failed in WASM kernel: ${readAsString(memory, messagePtr)} (${readAsString(memory, filePtr)}:${line}:${column})`,
        );
      },
    },
  });
  const exports = instance.exports as Record<string, unknown>;
  const staticEnd = (exports['kernelStaticEnd'] as () => number)();
  assert(staticEnd <= KERNEL_STATIC_BYTES, `kernel static data (${staticEnd} bytes) fits KERNEL_STATIC_BYTES`);
  (exports['kernelInit'] as () => void)();

  const functions: Record<string, unknown> = {};
  for (const name of KERNEL_FUNCTIONS) {
    const fn = exports[name];
    assert(typeof fn === 'function', `WASM module exports ${name}`);
    functions[name] = fn;
  }
  // Spread into a literal, not filled in place: an object given more than a
  // dozen properties by computed-key stores (kernels[name] = fn) becomes a
  // V8 dictionary, and every kernel call then paid a hash lookup of its
  // name (the TS twin's object, built by spreads, stayed fast). That was one
  // reason the WASM build ran the bulk load slower than the TS one. The
  // spread copies into an object with fast properties;
  // test/kernels/wasm-binding.test.ts holds both kinds to that.
  const kernels = {
    kind: 'wasm',
    buffer: memory.buffer,
    scratchOffset: KERNEL_STATIC_BYTES,
    arenaOffset: KERNEL_STATIC_BYTES + KERNEL_SCRATCH_BYTES,
    memoryBytes,
    ...functions,
  };
  return kernels as unknown as Kernels;
}
