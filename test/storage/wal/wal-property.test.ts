// Seeded property test: random sequences of append / flush / sync / recycle /
// clean reopen / process crash / power loss against a model list of records.
import { describe, it } from 'vitest';
import * as fc from 'fast-check';
import { createFaultVfs, type FaultVfs } from '../../../src/storage/vfs/index.ts';
import { WalWriter } from '../../../src/storage/wal/index.ts';
import { DIR, SMALL_FILE, diffRecords, payload, readAll, type Rec } from './wal-helpers.ts';

type Op =
  | { readonly kind: 'append'; readonly sizes: readonly number[]; readonly type: number }
  | { readonly kind: 'flush' }
  | { readonly kind: 'sync' }
  | { readonly kind: 'recycle'; readonly at: number }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'processCrash' }
  | { readonly kind: 'powerLoss'; readonly tear: boolean };

const sizeArb = fc.oneof(
  { weight: 8, arbitrary: fc.nat(600) },
  { weight: 2, arbitrary: fc.nat(12000) },
  { weight: 1, arbitrary: fc.constant(SMALL_FILE - 80) }, // the largest record a small file holds
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('append' as const), sizes: fc.array(sizeArb, { minLength: 1, maxLength: 6 }), type: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'sync' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recycle' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'processCrash' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('powerLoss' as const), tear: fc.boolean() }) },
);

/** Plain Errors with short messages: fast-check re-runs failing cases while shrinking. */
function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}

function run(seed: number, ops: readonly Op[]): void {
  let vfs: FaultVfs = createFaultVfs({ seed });
  const options = { fileBytes: SMALL_FILE, spareFilesMax: 2 };
  let w = WalWriter.open(vfs, DIR, 0, options);
  /** Every record from the checkpoint on, in LSN order. */
  let model: Rec[] = [];
  /** model[0, durable) are durable. */
  let durable = 0;
  let checkpoint = 0;
  let serial = 0;

  /** After a restart: the log must read as model[0, n) for some n in [min, max]; the writer continues at its end. */
  const recover = (min: number, max: number, what: string): void => {
    const back = readAll(vfs, checkpoint);
    const n = back.records.length;
    check(n >= min && n <= max, () => `${what}: read ${n} records, want ${min}..${max}`);
    const diff = diffRecords(back.records, model.slice(0, n));
    check(diff === '', () => `${what}: ${diff}`);
    model = model.slice(0, n);
    w = WalWriter.open(vfs, DIR, back.endLsn, options);
    durable = n;
  };

  ops.forEach((op, i) => {
    const what = `op ${i} ${op.kind}`;
    switch (op.kind) {
      case 'append':
        for (const size of op.sizes) {
          const p = payload(serial++, size);
          model.push({ lsn: w.append(op.type, p), type: op.type, payload: p });
        }
        break;
      case 'flush':
        w.flush();
        break;
      case 'sync':
        w.sync();
        durable = model.length;
        break;
      case 'recycle': {
        if (durable === 0) break;
        const k = Math.min(durable - 1, Math.floor(op.at * durable));
        checkpoint = model[k]!.lsn;
        w.recycle(checkpoint);
        model = model.slice(k);
        durable -= k;
        break;
      }
      case 'reopen':
        w.close();
        recover(model.length, model.length, what);
        break;
      case 'processCrash': {
        // The process dies: buffered records are lost, written ones stay in the page cache.
        const written = model.filter((r) => r.lsn < w.writtenLsn).length;
        recover(written, written, what);
        break;
      }
      case 'powerLoss':
        vfs = vfs.crash({ tear: op.tear });
        recover(durable, model.length, what);
        break;
    }
  });
  w.sync();
  w.close();
  const back = readAll(vfs, checkpoint);
  const diff = diffRecords(back.records, model);
  check(diff === '', () => `at the end: ${diff}`);
}

describe('WAL property: random operation sequences against a model', () => {
  it('reads back exactly the model, and after crashes a prefix holding every durable record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(opArb, { minLength: 1, maxLength: 80 }), (seed, ops) => run(seed, ops)),
      { seed: 20240611, numRuns: 300 },
    );
  });
});
