// A fast byte comparison for large arrays (expect().toEqual walks typed
// arrays element by element through generic equality: seconds per MiB).
import { expect } from 'vitest';

/** Index of the first byte where a and b differ, -1 if equal (a length difference counts at the shorter length). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Asserts actual is a Uint8Array with exactly the bytes of expected; reports the first difference. */
export function expectBytes(actual: unknown, expected: Uint8Array): void {
  expect(actual).toBeInstanceOf(Uint8Array);
  const got = actual as Uint8Array;
  const at = firstDifference(got, expected);
  expect({ length: got.length, firstDifference: at }).toEqual({ length: expected.length, firstDifference: -1 });
}

/** Asserts two results (bytes or a number code) are the same. */
export function expectSameResult(a: Uint8Array | number, b: Uint8Array | number): void {
  if (typeof a === 'number' || typeof b === 'number') expect(a).toBe(b);
  else expectBytes(a, b);
}
