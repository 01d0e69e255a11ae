// The embedded writer of the process-crash test (sigkill.test.ts), run as a
// child process that the test kills with SIGKILL at a random moment:
//   crash-child DIR FIRST_TXN SEED WRITERS
// Opens the database (recovering it), prints `ready`, then runs WRITERS
// concurrent sessions of the ledger workload, printing `begin …` before
// each transaction and `ack K` once its COMMIT returned. Lines are written
// with writeSync, so a line is in the pipe before the next step starts.
// Stops by itself after 60 s (an orphan must not run forever).
import { writeSync } from 'node:fs';
import { Database } from '../../src/db/database.ts';
import { Prng, runWriter } from './ledger-workload.ts';

const [dir, firstK, seed, writers] = process.argv.slice(2);
/**
 * One whole line into the pipe before going on. The pipe is non-blocking:
 * when it is full (a parent slow to read, on a loaded machine) writeSync
 * throws EAGAIN or writes part of the line, so wait a moment and write the rest.
 */
const report = (line: string): void => {
  let bytes = Buffer.from(`${line}\n`);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
};
const started = Date.now();
let k = Number(firstK);
const db = Database.open(dir!, { memtableBytes: 128 * 1024, poolBytes: 8 * 1024 * 1024, backgroundIntervalMs: 5 });
report('ready');
const prng = new Prng(Number(seed));
const deletable: number[] = [];
try {
  await Promise.all(
    Array.from({ length: Number(writers) }, () =>
      runWriter(db.session(), prng.fork(), () => k++, deletable, report, () => Date.now() - started > 60_000),
    ),
  );
  db.close();
} catch (error) {
  report(`error ${error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.stack}` : String(error)}`.replace(/\n/g, ' | '));
  process.exit(1);
}
