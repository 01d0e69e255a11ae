// Model-based property test of the engine (the model and the operations are
// in engine-model-harness.ts): random interleavings of up to four concurrent
// transactions with savepoints, commits, group commits, rollbacks, vacuum
// (whole and in slices), checkpoints, flushes, DROP + CREATE, clean reopens
// and power losses, against a model of snapshot isolation: every read (scan
// and get, tuple ids included) and every 40001 is predicted. Fixed seeds: a
// failure replays.
import { describe, it } from 'vitest';
import * as fc from 'fast-check';
import { KINDS, LONG_MS } from './engine-helpers.ts';
import { opArb, runOps } from './engine-model-harness.ts';

for (const kind of KINDS) {
  describe(`engine model (${kind} kernels)`, () => {
    it('matches the snapshot-isolation model over random interleavings', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { minLength: 20, maxLength: 120 }), (seed, ops) => runOps(kind, seed, ops)),
        { seed: kind === 'wasm' ? 20240611 : 20240612, numRuns: 40 },
      );
    }, LONG_MS);

    it('long runs with many reopens, crashes and vacuums', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(opArb, { minLength: 300, maxLength: 500 }), (seed, ops) => runOps(kind, seed, ops)),
        // Shrinking 300-500 operations takes minutes: report the failing seed and path instead.
        { seed: kind === 'wasm' ? 777 : 778, numRuns: 5, endOnFailure: true },
      );
    }, LONG_MS);
  });
}
