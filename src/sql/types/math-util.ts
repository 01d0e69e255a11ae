// Rounding helpers that must match C's behaviour bit for bit.

/** rint(): round half to even, as C does in the default rounding mode. */
export function rint(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 towards +Infinity; rint rounds it to even.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
