// GROUP BY over a whole table, read as columns: `SELECT k, count(*),
// sum(x), avg(x) FROM t GROUP BY k` with k an integer or float column and
// the aggregates on plain columns needs, per row, only a few numbers. The
// engine hands them over a heap page at a time as float64 arrays
// (Engine.scanColumns: one pageExtractColumns kernel call per page), so no
// row is decoded, built or passed through the scan's sink; groups are found
// by direct indexing when the key is a small non-negative integer.
//
// The results equal those of run.ts's fastAggregateRunner over the plain
// scan, bit for bit: the same rows (the same visibility rule), in the same
// order (so float sums round alike), the same state slots and the same
// results. Any other shape of query returns null here and runs the plain way.

import type { StorageType } from '../../storage/tuple.ts';
import { EXTRACT_ABSENT, EXTRACT_STRIDE, EXTRACT_VALUE } from '../../kernels/layout.ts';
import type { FastAggregate } from '../functions/aggregates.ts';
import type { BoundExpr } from '../plan/bound.ts';
import type { AggregateCall, ScanPlan } from '../plan/plan.ts';
import { floatAdd } from '../types/arith.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { ExecContext, Row } from './context.ts';

type Sink = (row: Row) => boolean;
type Runner = (ctx: ExecContext, sink: Sink) => boolean;

/** Float64 slots of each fast aggregate's state: a count, then a sum for those that sum. */
export const FAST_SLOTS: Record<FastAggregate, number> = { countStar: 1, count: 1, sumFloat4: 2, sumFloat8: 2, avgFloat: 2 };
/** The state update and result of each fast aggregate, as a small integer for the loops' switch. */
export const FAST_KIND: Record<FastAggregate, number> = { countStar: 0, count: 1, sumFloat4: 2, sumFloat8: 3, avgFloat: 4 };

/**
 * Send each group's row to the sink: its keys, then per aggregate the
 * result of its slots at `base + offsets[a]` (count as int8, sum, avg;
 * NULL for a sum or avg of no values). Returns false if the sink stopped.
 */
export function emitFastGroups(keys: readonly RuntimeValue[][], slots: Float64Array, width: number, kinds: Int32Array, offsets: Int32Array, sink: Sink): boolean {
  for (let g = 0; g < keys.length; g++) {
    const out: Row = keys[g]!.slice();
    const base = g * width;
    for (let a = 0; a < kinds.length; a++) {
      const at = base + offsets[a]!;
      const kind = kinds[a]!;
      const n = slots[at]!;
      out.push(kind <= 1 ? BigInt(n) : n === 0 ? null : kind === 4 ? slots[at + 1]! / n : slots[at + 1]!);
    }
    if (!sink(out)) return false;
  }
  return true;
}

let enabled = true;

/** Tests: plan GROUP BY the plain way (false) or, where it applies, by columns (true, the default). */
export function setColumnarAggregates(on: boolean): void {
  enabled = on;
}

/** SQL types of a group key read as a number, with the storage type each must have. */
const KEY_STORAGE: Record<string, StorageType> = { int2: 'int16', int4: 'int32', float4: 'float32', float8: 'float64' };
/** Rows between two calls of ctx.checkInterrupt, here and in run.ts's scans: cancel, statement_timeout and the memory limit. */
export const INTERRUPT_CHECK_ROWS = 4096;
/** Keys 0 .. DENSE_KEYS_MAX - 1 find their group in an array rather than a Map. */
const DENSE_KEYS_MAX = 1 << 20;

/**
 * The runner for `aggregates` grouped by `groupBy` (none or one column) over
 * `scan`, or null if the query is not of the shape this handles: a full
 * scan (no index, no filter, no tuple ids), a group key that is a column of
 * type int2, int4, float4 or float8, and fast aggregates without FILTER,
 * DISTINCT or ORDER BY whose argument is a column (count of any type, sum
 * and avg of float4 or float8).
 */
export function columnarAggregateRunner(scan: ScanPlan, groupBy: readonly BoundExpr[], aggregates: readonly AggregateCall[], fallback: Runner): Runner | null {
  if (!enabled) return null;
  if (scan.index !== undefined || scan.filter !== null || scan.tid === true || groupBy.length > 1) return null;
  const storedTypes = scan.table.columns.map((c) => c.type as StorageType);
  // Stored columns to read: position → whether only NULL-ness is needed.
  const reads = new Map<number, boolean>();
  const need = (position: number, presenceOnly: boolean) => reads.set(position, (reads.get(position) ?? true) && presenceOnly);
  // A scan column's stored position and what it reads in a row stored before it was added, or undefined if unusable.
  const columnOf = (e: BoundExpr): { position: number; missing: number | null } | undefined => {
    if (e.kind !== 'column' || e.index >= scan.positions.length) return undefined;
    const missing = scan.missing[e.index];
    if (missing !== null && typeof missing !== 'number') return undefined;
    return { position: scan.positions[e.index]!, missing };
  };
  let key: { position: number; missing: number | null } | undefined;
  if (groupBy.length === 1) {
    const g = groupBy[0]!;
    key = columnOf(g);
    if (key === undefined || KEY_STORAGE[g.type.id] === undefined || storedTypes[key.position] !== KEY_STORAGE[g.type.id]) return null;
    need(key.position, false);
  }
  const nAgg = aggregates.length;
  const kinds = new Int32Array(nAgg);
  const offsets = new Int32Array(nAgg);
  const args: ({ position: number; missing: number | null } | null)[] = [];
  let width = 0;
  for (let a = 0; a < nAgg; a++) {
    const call = aggregates[a]!;
    const fast = call.def.fast;
    if (fast === undefined || call.filter !== null || call.distinct || call.orderBy.length > 0) return null;
    kinds[a] = FAST_KIND[fast];
    offsets[a] = width;
    width += FAST_SLOTS[fast];
    if (fast === 'countStar') {
      args.push(null);
      continue;
    }
    const arg = columnOf(call.args[0]!);
    if (arg === undefined) return null;
    const stored = storedTypes[arg.position];
    if (fast !== 'count' && stored !== 'float32' && stored !== 'float64') return null;
    need(arg.position, fast === 'count');
    args.push(arg);
  }
  const positions = [...reads.keys()].sort((x, y) => x - y);
  const presence = positions.map((p) => reads.get(p)!);
  const slotOf = (position: number) => positions.indexOf(position);
  const keySlot = key === undefined ? -1 : slotOf(key.position);
  const keyMissing = key?.missing ?? null;
  const argSlots = Int32Array.from(args, (arg) => (arg === null ? -1 : slotOf(arg.position)));
  const argMissing = args.map((arg) => arg?.missing ?? null);
  const float4 = aggregates.map((a) => a.def.fast === 'sumFloat4');
  const tableId = scan.table.id;

  return (ctx, sink) => {
    const keys: RuntimeValue[][] = [];
    let slots = new Float64Array(width * 64);
    const addGroup = (groupKeys: RuntimeValue[]): number => {
      if ((keys.length + 1) * width > slots.length) {
        const grown = new Float64Array(slots.length * 2);
        grown.set(slots);
        slots = grown;
      }
      keys.push(groupKeys);
      return keys.length - 1;
    };
    if (keySlot < 0) addGroup([]);
    // Group numbers + 1 by key: small non-negative integers in `dense`, the rest (NULL as null) in `sparse`.
    let dense = new Int32Array(0);
    const sparse = new Map<number | null, number>();
    const groupOf = (value: number | null): number => {
      if (value !== null && value >= 0 && value < DENSE_KEYS_MAX && Number.isInteger(value) && !Object.is(value, -0)) {
        if (value >= dense.length) {
          const grown = new Int32Array(Math.min(DENSE_KEYS_MAX, Math.max(1024, dense.length * 2, value + 1)));
          grown.set(dense);
          dense = grown;
        }
        const found = dense[value]!;
        if (found !== 0) return found - 1;
        // A group first met as -0 (not dense) is the same group: -0 = 0.
        if (value === 0 && sparse.has(0)) return sparse.get(0)!;
        const group = addGroup([value]);
        dense[value] = group + 1;
        return group;
      }
      // Map keys compare by SameValueZero: -0 finds 0, NaN finds NaN, as hashKey groups them.
      if (value === 0 && dense.length > 0 && dense[0] !== 0) return dense[0]! - 1;
      const found = sparse.get(value);
      if (found !== undefined) return found;
      const group = addGroup([value]);
      sparse.set(value, group);
      return group;
    };
    let groupOfRow = new Int32Array(EXTRACT_STRIDE);
    let unchecked = 0;
    const done = ctx.engine.scanColumns(ctx.txn, tableId, positions, presence, (count, values, flags) => {
      // Cancel, statement_timeout and the memory limit, every few thousand rows as the plain scan checks them.
      unchecked += count;
      if (unchecked >= INTERRUPT_CHECK_ROWS) {
        unchecked = 0;
        ctx.checkInterrupt();
      }
      // The group of each row, then each aggregate over the batch: one tight loop each.
      if (count > groupOfRow.length) groupOfRow = new Int32Array(count);
      const rowGroup = groupOfRow;
      if (keySlot < 0) rowGroup.fill(0, 0, count);
      else {
        const keyValues = values[keySlot]!;
        const keyFlags = flags[keySlot]!;
        for (let i = 0; i < count; i++) {
          const flag = keyFlags[i]!;
          const value = flag === EXTRACT_VALUE ? keyValues[i]! : flag === EXTRACT_ABSENT ? keyMissing : null;
          // The common case inline: a key already seen, in the dense array.
          const found = value !== null && value >= 0 && value < dense.length && value === (value | 0) ? dense[value]! : 0;
          rowGroup[i] = found !== 0 && !Object.is(value, -0) ? found - 1 : groupOf(value);
        }
      }
      for (let a = 0; a < nAgg; a++) {
        const off = offsets[a]!;
        const kind = kinds[a]!;
        if (kind === 0) {
          for (let i = 0; i < count; i++) {
            const at = rowGroup[i]! * width + off;
            slots[at] = slots[at]! + 1;
          }
          continue;
        }
        const slot = argSlots[a]!;
        const argValues = values[slot]!;
        const argFlags = flags[slot]!;
        const missing = argMissing[a]!;
        const f4 = float4[a]!;
        for (let i = 0; i < count; i++) {
          const flag = argFlags[i]!;
          let v: number;
          if (flag === EXTRACT_VALUE) v = argValues[i]!;
          else if (flag === EXTRACT_ABSENT && missing !== null) v = missing;
          else continue;
          const at = rowGroup[i]! * width + off;
          slots[at] = slots[at]! + 1;
          if (kind !== 1) slots[at + 1] = floatAdd(slots[at + 1]!, v, f4);
        }
      }
      return true;
    });
    // Columns the engine cannot read this way (more than one kernel call takes): nothing was visited.
    if (!done) return fallback(ctx, sink);
    return emitFastGroups(keys, slots, width, kinds, offsets, sink);
  };
}
