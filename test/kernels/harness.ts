// Shared by the kernel tests: one suite runs against both implementations.
import * as fc from 'fast-check';
import { createKernels, type Kernels } from '../../src/kernels/index.ts';
import { NODE_OFF_LEFT, NODE_OFF_RIGHT } from '../../src/kernels/layout.ts';
import { PAGE_SIZE } from '../../src/limits.ts';

export const KERNEL_KINDS = ['wasm', 'ts'] as const;

/** A fresh Kernels instance of `kind` with an arena of arenaBytes (default 1 MiB). */
export function makeKernels(kind: (typeof KERNEL_KINDS)[number], arenaBytes = 1 << 20): Kernels {
  return createKernels({ kind, arenaBytes });
}

/** An entry of a node kernel test: a key made from `n` (keyOf), `valueLen` bytes of value. */
export interface NodeTestEntry {
  n: number;
  len: number;
  valueLen: number;
}

/**
 * A leaf at the arena's start, filled with `leaf` by nodeSearch and
 * nodeInsert (a key already there is skipped, and the fill stops at the
 * first entry that does not fit), its siblings set as asked (77 left, 78
 * right) and `flips` written over its bytes last (a corrupted node).
 * Returns the node's offset.
 */
export function fillTestLeaf(
  k: Kernels,
  leaf: readonly NodeTestEntry[],
  keyOf: (e: NodeTestEntry) => Uint8Array,
  options: { left: boolean; right: boolean; flips: readonly { at: number; value: number }[] },
): number {
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  const node = k.arenaOffset;
  k.nodeInit(node, 0);
  const keyPtr = k.scratchOffset;
  const valPtr = keyPtr + 1024;
  for (const e of leaf) {
    const key = keyOf(e);
    u8.set(key, keyPtr);
    for (let i = 0; i < e.valueLen; i++) u8[valPtr + i] = (e.n + i) & 0xff;
    const r = k.nodeSearch(node, keyPtr, key.length);
    if ((r & 1) !== 0) continue;
    if (k.nodeInsert(node, r >>> 1, keyPtr, key.length, valPtr, e.valueLen) !== 1) break;
  }
  if (options.left) view.setInt32(node + NODE_OFF_LEFT, 77, true);
  if (options.right) view.setInt32(node + NODE_OFF_RIGHT, 78, true);
  for (const f of options.flips) u8[node + f.at] = f.value;
  return node;
}

/**
 * A run of entries packed at `inPtr` as the run kernels read them (u16 key
 * length, u16 value length, key, value; entry `badLengthAt`'s key length
 * written as 0), each entry's value made from its `n`. Returns each
 * entry's end, as an offset from inPtr.
 */
export function packTestRun(k: Kernels, inPtr: number, run: readonly { key: Uint8Array; value: Uint8Array }[], badLengthAt: number): number[] {
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  let at = inPtr;
  const ends: number[] = [];
  run.forEach(({ key, value }, i) => {
    view.setUint16(at, i === badLengthAt ? 0 : key.length, true);
    view.setUint16(at + 2, value.length, true);
    u8.set(key, at + 4);
    u8.set(value, at + 4 + key.length);
    at += 4 + key.length + value.length;
    ends.push(at - inPtr);
  });
  return ends;
}

/** Bytes written over a test node (fillTestLeaf's `flips`): none most of the time, else one to three anywhere in the page. */
export const nodeFlipsArb: fc.Arbitrary<{ at: number; value: number }[]> = fc.oneof(
  { arbitrary: fc.constant<{ at: number; value: number }[]>([]), weight: 4 },
  { arbitrary: fc.array(fc.record({ at: fc.nat({ max: PAGE_SIZE - 1 }), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 3 }), weight: 1 },
);

/** Unsigned byte order of two keys, as the node kernels sort them. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
