// A scan reader keeps one visitor and its state (the statement's context and
// sink, rows seen, whether the sink stopped it) from scan to scan instead of
// a closure a scan (src/sql/exec/run.ts, scanReader and
// projectingScanReader). A scan of the same plan started inside its own
// visit must get a visitor of its own: sharing the kept one would send the
// outer scan's later rows to the inner scan's sink. Driven with a fake
// engine that calls the visitor with stored rows; no database needed.
import { describe, expect, it } from 'vitest';
import type { ExecContext, Row } from '../../../src/sql/exec/context.ts';
import { runPlanUntil } from '../../../src/sql/exec/run.ts';
import type { Plan, ScanPlan } from '../../../src/sql/plan/plan.ts';
import type { TableDef } from '../../../src/txn/engine.ts';

const STORED = [
  [1, 'a'],
  [2, 'b'],
  [3, 'c'],
];

/** A context whose engine "scans" STORED, calling the visitor as Engine.scan does, stopping when it returns false. */
function fakeContext(scans: { count: number }): ExecContext {
  const engine = {
    scan(_txn: unknown, _table: number, visit: (tid: number, stored: unknown[], storedCount: number) => boolean): void {
      scans.count++;
      for (let i = 0; i < STORED.length; i++) if (visit(i + 1, STORED[i]!.slice(), 2) === false) return;
    },
  };
  return { engine, txn: null, checkInterrupt() {} } as unknown as ExecContext;
}

function scanPlan(needed?: boolean[]): ScanPlan {
  const table = { id: 7, name: 't', columns: [{ name: 'id' }, { name: 'v' }] } as unknown as TableDef;
  return {
    kind: 'scan',
    columns: [],
    table,
    decoders: [(v: unknown) => v, (v: unknown) => v],
    positions: [0, 1],
    missing: [null, null],
    filter: null,
    alias: 't',
    ...(needed === undefined ? {} : { needed }),
  } as unknown as ScanPlan;
}

/** SELECT v, id over the scan: projectingScanReader builds the projected rows itself. */
function projectPlan(): Plan {
  return { kind: 'project', columns: [], input: scanPlan(), exprs: [{ kind: 'column', index: 1 }, { kind: 'column', index: 0 }] } as unknown as Plan;
}

describe('scan readers reuse their visitor', () => {
  const shapes: [string, () => Plan, (r: Row) => unknown, (r: Row) => unknown][] = [
    ['every column read', () => scanPlan(), (r) => r[0], (r) => r[1]],
    ['pruned columns', () => scanPlan([true, false]), (r) => r[0], (r) => r[1]],
    ['a projection of the scan', projectPlan, (r) => r[1], (r) => r[0]],
  ];
  for (const [name, makePlan, idOf, vOf] of shapes) {
    it(`a scan of the same plan inside its own visit has its own visitor (${name})`, () => {
      const plan = makePlan();
      const scans = { count: 0 };
      const ctx = fakeContext(scans);
      const outer: Row[] = [];
      const inner: Row[] = [];
      const completed = runPlanUntil(plan, ctx, (row) => {
        outer.push(row);
        // The same plan again, inside the first row's visit; its sink stops it after two rows.
        if (outer.length === 1) {
          const innerCompleted = runPlanUntil(plan, ctx, (r) => {
            inner.push(r);
            return inner.length < 2;
          });
          expect(innerCompleted).toBe(false);
        }
        return true;
      });
      expect(scans.count).toBe(2);
      expect(completed).toBe(true);
      const ids = (rows: Row[]) => rows.map(idOf);
      // Every outer row reached the outer sink, the inner scan stopped where its sink did.
      expect(ids(outer)).toEqual([1, 2, 3]);
      expect(ids(inner)).toEqual([1, 2]);
      expect(outer.map(vOf)).toEqual(name === 'pruned columns' ? [null, null, null] : ['a', 'b', 'c']);

      // The kept visitor is free again: the next scan reads every row, and a stop is its own.
      const again: Row[] = [];
      expect(runPlanUntil(plan, ctx, (r) => (again.push(r), again.length < 1))).toBe(false);
      expect(ids(again)).toEqual([1]);
      const all: Row[] = [];
      expect(runPlanUntil(plan, ctx, (r) => (all.push(r), true))).toBe(true);
      expect(ids(all)).toEqual([1, 2, 3]);
    });
  }

  it('an error thrown by the sink leaves the visitor free for the next scan', () => {
    const plan = scanPlan();
    const ctx = fakeContext({ count: 0 });
    expect(() =>
      runPlanUntil(plan, ctx, () => {
        throw new Error('sink failed');
      }),
    ).toThrow('sink failed');
    const rows: Row[] = [];
    expect(runPlanUntil(plan, ctx, (r) => (rows.push(r), true))).toBe(true);
    expect(rows.map((r) => r[0])).toEqual([1, 2, 3]);
  });
});
