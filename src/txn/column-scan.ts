// A full scan that hands over numeric columns a page at a time, as float64
// arrays, instead of one decoded row per tuple: for queries that only
// aggregate (GROUP BY an integer column, count, sum and avg of floats),
// where building a row per tuple costs more than the aggregation itself.
//
// One pageExtractColumns call per heap page reads the chosen columns of all
// its live tuples (assembly/heap-scan.ts); this module keeps the rows the
// snapshot sees, by the same rule and in the same order as Engine.scan, so
// an aggregate computed over the batches equals the one computed over
// Engine.scan's rows, float rounding included. A page the kernel will not
// take (a corrupt tuple, more live tuples than a result holds) is walked
// tuple by tuple and decoded as Engine.scan decodes it: corruption is
// reported there, as XX001, exactly as a plain scan reports it.

import { EXTRACT_ABSENT, EXTRACT_NULL, EXTRACT_OUT_FLAGS, EXTRACT_OUT_OFFSETS, EXTRACT_STRIDE, EXTRACT_VALUE } from '../kernels/layout.ts';
import { EXTRACT_COLUMNS_MAX, type Heap } from '../storage/heap/heap.ts';
import { columnExtractDescriptor, columnPlan, decodeTupleInto, tupleColumnCount, tupleXmax, tupleXmin, type StorageType, type StorageValue } from '../storage/tuple.ts';
import { isVisible, type Snapshot } from './snapshot.ts';
import type { TxnStatusLog } from './txn-status.ts';

/**
 * Rows of a batch: for column j, values[j][i] and flags[j][i] for i <
 * count (EXTRACT_VALUE: the value; EXTRACT_NULL; EXTRACT_ABSENT: the row was
 * stored before the column was added). The arrays may be views of the
 * kernels' memory: valid until the visitor returns, and the visitor must
 * not use the engine meanwhile. Returns false to stop the scan.
 */
export type ColumnBatchVisitor = (count: number, values: readonly Float64Array[], flags: readonly Uint8Array[]) => boolean;

/**
 * Scan the table (`owner`, its column types `types`) for `snapshot`, a batch
 * of rows per heap page, reading `columns` (stored positions, ascending and
 * distinct; `presence[j]`: only whether column j is NULL). Returns false,
 * having visited nothing, when the columns cannot be read this way: a value
 * that is not bool, int16, int32, float32 or float64, or too many columns.
 */
export function scanColumns(
  heap: Heap,
  owner: number,
  types: readonly StorageType[],
  snapshot: Snapshot,
  txns: TxnStatusLog,
  columns: readonly number[],
  presence: readonly boolean[],
  visitor: ColumnBatchVisitor,
): boolean {
  if (columns.length > EXTRACT_COLUMNS_MAX) return false;
  const desc = columnExtractDescriptor(types, columns, presence);
  if (desc === undefined) return false;
  const k = columns.length;
  const values = Array.from({ length: k }, () => new Float64Array(EXTRACT_STRIDE));
  const flags = Array.from({ length: k }, () => new Uint8Array(EXTRACT_STRIDE));
  // Engine.scan's visibility, with its memo: a version nobody deleted is visible exactly when its creator is.
  let lastXmin = -1;
  let lastVisible = false;
  const visible = (view: DataView, at: number): boolean => {
    const xmin = tupleXmin(view, at);
    const xmax = tupleXmax(view, at);
    if (xmax !== 0) return isVisible(xmin, xmax, snapshot, txns);
    if (xmin !== lastXmin) {
      lastXmin = xmin;
      lastVisible = isVisible(xmin, 0, snapshot, txns);
    }
    return lastVisible;
  };
  // The fallback's decoding: the chosen columns only, as Engine.scan decodes them.
  const wanted = new Array<boolean>(types.length).fill(false);
  for (const c of columns) wanted[c] = true;
  const plan = columnPlan(types, wanted);
  const row = new Array<StorageValue>(types.length).fill(null);
  let m = 0;
  let stopped = false;
  const emit = (): boolean => {
    const n = m;
    m = 0;
    if (n > 0 && !visitor(n, values, flags)) stopped = true;
    return !stopped;
  };
  const walked = (_tid: number, u8: Uint8Array, view: DataView, at: number, len: number): boolean => {
    if (!visible(view, at)) return true;
    decodeTupleInto(types, u8, at, len, false, plan, row);
    const stored = tupleColumnCount(view, at);
    for (let j = 0; j < k; j++) {
      const c = columns[j]!;
      const v = row[c];
      values[j]![m] = typeof v === 'number' ? v : v === true ? 1 : 0;
      flags[j]![m] = c >= stored ? EXTRACT_ABSENT : v === null ? EXTRACT_NULL : EXTRACT_VALUE;
    }
    return ++m < EXTRACT_STRIDE || emit();
  };
  // The kernel's result arrays, as views (the same place in the scratch area for every page).
  let memory = heap.memory;
  let kernelValues: Float64Array[] = [];
  let kernelFlags: Uint8Array[] = [];
  const out = heap.extractOut;
  const flagsAt = out + EXTRACT_OUT_FLAGS;
  const valuesAt = flagsAt + EXTRACT_STRIDE * k;
  const viewKernelArrays = () => {
    memory = heap.memory;
    const buffer = memory.u8.buffer;
    kernelValues = Array.from({ length: k }, (_, j) => new Float64Array(buffer, valuesAt + 8 * EXTRACT_STRIDE * j, EXTRACT_STRIDE));
    kernelFlags = Array.from({ length: k }, (_, j) => new Uint8Array(buffer, flagsAt + EXTRACT_STRIDE * j, EXTRACT_STRIDE));
  };
  viewKernelArrays();
  heap.scanPages(owner, (p, blockNo, page) => {
    const n = heap.extractColumns(p, desc);
    if (n < 0) return heap.visitPage(p, blockNo, page, walked) && emit();
    if (n === 0) return true;
    if (heap.memory.u8 !== memory.u8) viewKernelArrays();
    const view = memory.view;
    // Rows the snapshot does not see are squeezed out of the kernel's arrays in place (they are ours until the next kernel call).
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (!visible(view, p + view.getUint16(out + EXTRACT_OUT_OFFSETS + 2 * i, true))) continue;
      if (kept !== i) {
        for (let j = 0; j < k; j++) {
          kernelValues[j]![kept] = kernelValues[j]![i]!;
          kernelFlags[j]![kept] = kernelFlags[j]![i]!;
        }
      }
      kept++;
    }
    if (kept > 0 && !visitor(kept, kernelValues, kernelFlags)) stopped = true;
    return !stopped;
  });
  if (!stopped) emit();
  return true;
}
