// A closed database's WASM kernel instance is taken by the next database
// opened with the same memory size (src/kernels/index.ts, releaseKernels), so
// that databases opened one after another keep one call target at the kernel
// call sites. What must hold: a live database's instance is never handed to
// another, a reused instance carries nothing of its last database into the
// next (the pool reads or zero-fills every frame before use), and every
// database keeps its own rows through opens, closes, evictions and reopens.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { IDLE_KERNELS_KEEP_MS } from '../../src/kernels/wasm/wasm-kernels.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import { LONG_MS, ROW_COLUMNS, committedRows, diffRows, loadRows, rowValues, smallOptions, type Row } from './engine-helpers.ts';

const vfs0 = createMemoryVfs;
// Instances are compared with === and a boolean: a failed toBe on two Kernels objects would have vitest diff their whole memories.

function open(vfs: ReturnType<typeof vfs0>, dir: string, poolBytes = 1 << 20): Engine {
  return Engine.open(smallOptions('wasm', vfs, { dir, poolBytes }));
}

function insert(db: Engine, rows: Map<bigint, Row>, from: number, n: number, txn: number): void {
  const t = db.table('t')!.id;
  const tx = db.begin();
  for (let i = 0; i < n; i++) {
    const row: Row = { k: BigInt(from + i), txn, v: `${txn}:${'x'.repeat((from + i) % 300)}` };
    db.insert(tx, t, rowValues(row));
    rows.set(row.k, row);
  }
  db.commit(tx);
}

describe('kernel instance reuse (wasm)', () => {
  it('gives a closed database\'s instance to the next database of the same size, never a live one\'s', () => {
    const vfs = vfs0();
    const a = open(vfs, '/a');
    const b = open(vfs, '/b');
    expect(b.kernels === a.kernels, 'same instance').toBe(false);
    const aKernels = a.kernels;
    a.close();
    const c = open(vfs, '/c');
    expect(c.kernels === aKernels, 'same instance').toBe(true);
    const d = open(vfs, '/d');
    expect(d.kernels === aKernels, 'same instance').toBe(false);
    expect(d.kernels === b.kernels, 'same instance').toBe(false);
    // Another memory size: a new instance; the kept one stays kept for its size.
    d.close();
    const e = open(vfs, '/e', 2 << 20);
    expect(e.kernels === d.kernels, 'same instance').toBe(false);
    const f = open(vfs, '/f');
    expect(f.kernels === d.kernels, 'same instance').toBe(true);
    for (const db of [b, c, e, f]) db.close();
  });

  it('a database on a reused instance sees none of the last one\'s pages', () => {
    const vfs = vfs0();
    const a = open(vfs, '/a');
    a.createTable('t', ROW_COLUMNS);
    loadRows(a, a.table('t')!.id, 0, 2000);
    const kernels = a.kernels;
    a.close();
    const b = open(vfs, '/b');
    expect(b.kernels === kernels, 'same instance').toBe(true);
    expect(b.table('t')).toBeUndefined();
    b.createTable('t', ROW_COLUMNS);
    const want = new Map<bigint, Row>();
    insert(b, want, 5000, 500, 1);
    expect(diffRows(committedRows(b, 't'), want)).toBe('');
    b.close();
    const again = open(vfs, '/b');
    expect(diffRows(committedRows(again, 't'), want)).toBe('');
    again.close();
  });

  it('keeps every database\'s rows through interleaved opens, closes, writes and reads', { timeout: LONG_MS }, () => {
    const slots = 3;
    const command = fc.record({ slot: fc.integer({ min: 0, max: slots - 1 }), op: fc.constantFrom('open', 'close', 'insert', 'insert', 'check'), n: fc.integer({ min: 1, max: 400 }) });
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (commands) => {
        const vfs = vfs0();
        const dbs: (Engine | undefined)[] = new Array(slots).fill(undefined);
        const models = Array.from({ length: slots }, () => new Map<bigint, Row>());
        const created = new Array<boolean>(slots).fill(false);
        const next = new Array<number>(slots).fill(0);
        let txn = 0;
        const live = (s: number): Engine => {
          let db = dbs[s];
          if (db === undefined) {
            db = open(vfs, `/db${s}`);
            if (!created[s]) db.createTable('t', ROW_COLUMNS);
            created[s] = true;
            dbs[s] = db;
          }
          return db;
        };
        try {
          for (const { slot, op, n } of commands) {
            if (op === 'open') live(slot);
            else if (op === 'close') {
              dbs[slot]?.close();
              dbs[slot] = undefined;
            } else if (op === 'insert') {
              insert(live(slot), models[slot]!, next[slot]!, n, ++txn);
              next[slot]! += n;
            } else expect(diffRows(committedRows(live(slot), 't'), models[slot]!)).toBe('');
            // No two live databases ever share an instance.
            const open = dbs.filter((db) => db !== undefined).map((db) => db!.kernels);
            expect(new Set(open).size).toBe(open.length);
          }
          for (let s = 0; s < slots; s++) if (created[s]) expect(diffRows(committedRows(live(s), 't'), models[s]!)).toBe('');
        } finally {
          for (const db of dbs) db?.close();
        }
      }),
      { numRuns: 25, seed: 20261122 },
    );
  });

  it('drops a kept instance after the keep time, so closed databases do not hold memory for good', () => {
    vi.useFakeTimers();
    try {
      const vfs = vfs0();
      const a = open(vfs, '/a');
      const kernels = a.kernels;
      a.close();
      vi.advanceTimersByTime(IDLE_KERNELS_KEEP_MS - 1);
      const b = open(vfs, '/b');
      expect(b.kernels === kernels, 'same instance').toBe(true);
      b.close();
      vi.advanceTimersByTime(IDLE_KERNELS_KEEP_MS);
      const c = open(vfs, '/c');
      expect(c.kernels === kernels, 'same instance').toBe(false);
      c.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('ts kernels are never kept', () => {
    const vfs = vfs0();
    const a = Engine.open(smallOptions('ts', vfs, { dir: '/a' }));
    const kernels = a.kernels;
    a.close();
    const b = Engine.open(smallOptions('ts', vfs, { dir: '/b' }));
    expect(b.kernels === kernels, 'same instance').toBe(false);
    b.close();
  });
});
