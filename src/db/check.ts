// `flint check DIR`: is this data directory intact?
//
//   const report = checkDatabase('./data');
//   report.ok;         // true when nothing is wrong
//   report.problems;   // [{ file, offset?, what }]
//
// Two passes:
// 1. Files (src/storage/check.ts), read-only: control file, current catalog,
//    WAL records from the redo point to the end, every heap page's CRC32C.
// 2. Indexes: the database is opened as any open does (recovering from the
//    WAL if it was not shut down cleanly, which writes and checkpoints, and
//    loses nothing), and every index of every table is compared with the
//    heap (Engine.indexProblems: each visible version has its primary and
//    secondary entries, each entry points at a version with its key), and
//    a full scan through each index must find the rows a heap scan finds
//    (src/txn/check.ts). Every heap page is read, and verified, on the way.
// A directory another process has open is reported (55P03) and not opened;
// neither is one whose files have problems (recovery over damaged files
// could overwrite what a repair might use).

import { FlintError, SqlState } from '../errors.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../limits.ts';
import { checkFiles, type CheckProblem } from '../storage/check.ts';
import { HEAP_FILE_NAME } from '../storage/heap/heap.ts';
import { tidBlock, tidPage } from '../storage/tuple-id.ts';
import { joinPath } from '../storage/vfs/path.ts';
import { createNodeVfs, type Vfs } from '../storage/vfs/index.ts';
import { indexScanProblems } from '../txn/check.ts';
import { Engine } from '../txn/engine.ts';

export type { CheckProblem } from '../storage/check.ts';

export interface CheckReport {
  readonly ok: boolean;
  readonly problems: CheckProblem[];
  readonly notes: string[];
  readonly pagesChecked: number;
  readonly walRecordsChecked: number;
  readonly tablesChecked: number;
  readonly indexesChecked: number;
}

export interface CheckOptions {
  /** File system (default node:fs). */
  readonly vfs?: Vfs;
  /** Skip the index pass (files only, nothing opened or written). */
  readonly filesOnly?: boolean;
}

export function checkDatabase(dir: string, options: CheckOptions = {}): CheckReport {
  const vfs = options.vfs ?? createNodeVfs();
  if (!vfs.exists(dir)) throw new FlintError(SqlState.undefinedFile, `no data directory at ${dir}`, { file: dir });
  const files = checkFiles(vfs, dir);
  const problems = [...files.problems];
  const notes = [...files.notes];
  let tablesChecked = 0;
  let indexesChecked = 0;
  // Opening runs recovery, which goes only as far as the WAL reads and then writes over what lies after:
  // over damaged files it could destroy what a repair might still use. So the index pass needs clean files.
  if (options.filesOnly !== true && files.problems.length > 0) {
    notes.push('the index pass was skipped: opening the database would run recovery over the damaged files');
  } else if (options.filesOnly !== true && files.control !== null) {
    const heap = joinPath(dir, HEAP_FILE_NAME);
    const report = (error: unknown): void => {
      if (!(error instanceof FlintError)) throw error;
      // The file pass usually reported this already; otherwise say what the open or the scan ran into.
      if (problems.some((p) => p.file === error.file && p.offset === error.offset)) return;
      problems.push({ file: error.file ?? dir, ...(error.offset === undefined ? {} : { offset: error.offset }), what: `${error.message} (${error.code})` });
    };
    let engine: Engine | undefined;
    try {
      engine = Engine.open({ vfs, dir, poolBytes: 16 * 1024 * 1024 });
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.lockNotAvailable) {
        notes.push('the index pass was skipped: the directory is in use (stop the server to check the indexes too)');
      }
      report(error);
    }
    if (engine !== undefined) {
      try {
        for (const table of engine.tables) {
          const indexes = engine.indexes(table.id).length;
          if (indexes === 0) continue; // a view: no storage (every table has its primary index)
          tablesChecked++;
          indexesChecked += indexes;
          try {
            const found = engine.indexProblems(table.id);
            for (const p of found.problems) {
              problems.push({ file: heap, ...(p.tid === 0 ? {} : { offset: tidBlock(p.tid) * BLOCK_SIZE + tidPage(p.tid) * PAGE_SIZE }), what: p.what });
            }
            for (const what of indexScanProblems(engine, table.id)) problems.push({ file: heap, what });
            if (found.staleEntries > 0) {
              notes.push(`table "${table.name}": ${found.staleEntries} secondary index entries name no version of their row (stale entries of transactions a crash cut short: harmless, readers re-check every entry)`);
            }
          } catch (error) {
            report(error);
          }
        }
      } finally {
        try {
          engine.close();
        } catch (error) {
          report(error);
        }
      }
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    notes,
    pagesChecked: files.pagesChecked,
    walRecordsChecked: files.walRecordsChecked,
    tablesChecked,
    indexesChecked,
  };
}
