// Does every index of a table find what the table holds? The logical half
// of `flint check` (src/db/check.ts) and of the crash suites' index check
// (test/txn/crash-workload.ts), in one place:
//
//   - Engine.indexProblems: the entries themselves (IndexManager.verify);
//   - indexScanProblems: under one snapshot, a full scan through each index
//     visits exactly the rows a heap scan visits (same count, same tids).
import type { Engine } from './engine.ts';

/** What differs between a heap scan and a full scan through each index of the table, under one snapshot ([] if nothing). */
export function indexScanProblems(engine: Engine, tableId: number): string[] {
  const problems: string[] = [];
  const table = engine.tables.find((t) => t.id === tableId);
  const txn = engine.begin();
  try {
    const heap = new Set<number>();
    engine.scan(txn, tableId, (tid) => void heap.add(tid));
    for (const index of engine.indexes(tableId)) {
      const seen = new Set<number>();
      let visits = 0;
      engine.indexScan(txn, tableId, index.id, {}, (tid) => {
        visits++;
        seen.add(tid);
      });
      let missing = 0;
      for (const tid of heap) if (!seen.has(tid)) missing++;
      // Visits beyond one per row of the table: rows found twice, or found and not in the table.
      const extra = visits - (heap.size - missing);
      if (missing === 0 && extra === 0) continue;
      const details = [missing > 0 ? `${missing} of them missing` : '', extra > 0 ? `${extra} found twice or not in the table` : ''].filter((d) => d !== '');
      problems.push(`a scan through index "${index.name}" of "${table?.name ?? tableId}" finds ${visits} rows where a scan of the table finds ${heap.size} (${details.join(', ')})`);
    }
  } finally {
    engine.commit(txn);
  }
  return problems;
}
