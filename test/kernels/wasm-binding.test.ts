// The Kernels object each implementation hands out: its kernel functions are
// plain fast properties. Every kernel call loads its function from that
// object, so an object V8 keeps as a hash table (a "dictionary", what an
// object becomes when more than a dozen properties are added to it by
// computed-key stores, as the WASM binding's loop used to do) costs every
// call a lookup by name; the WASM build ran the bulk load slower than the TS
// build partly for that.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { KERNEL_FUNCTIONS } from '../../src/kernels/index.ts';
import { KERNEL_KINDS, makeKernels } from './harness.ts';

/** V8's %HasFastProperties, where the runtime is V8 and lets a script call natives (Node); undefined elsewhere. */
function fastPropertiesProbe(): ((o: object) => boolean) | undefined {
  if (typeof (process.versions as { bun?: string }).bun === 'string' || typeof process.versions.v8 !== 'string') return undefined;
  setFlagsFromString('--allow-natives-syntax');
  // Compiled after the flag is set, so the parser accepts the native call. Deno runs V8 too but ignores the
  // flag (its parser then rejects the `%`): no probe there.
  try {
    return new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
  } catch {
    return undefined;
  }
}

const probe = fastPropertiesProbe();

describe.each(KERNEL_KINDS)('%s kernels object', (kind) => {
  it('holds every kernel function as an own property', () => {
    const k = makeKernels(kind) as unknown as Record<string, unknown>;
    for (const name of KERNEL_FUNCTIONS) expect(typeof k[name], name).toBe('function');
  });

  it.skipIf(probe === undefined)('has fast (not dictionary) properties', () => {
    const k = makeKernels(kind);
    expect(probe!(k)).toBe(true);
  });
});
