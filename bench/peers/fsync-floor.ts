// bench/peers: the floor under any durable commit on this file system: a
// loop that writes 4 KiB and fdatasyncs, in a file in the same temp
// directory tree as the databases. It only takes part in the durable-insert
// workloads, where each "insert" is one write + fdatasync.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerDb, PeerEngine, RowTuple } from './types.ts';

export const FSYNC_FLOOR_KEY = 'fsync';

export function fsyncFloor(): PeerEngine {
  return {
    info: { key: FSYNC_FLOOR_KEY, label: 'raw fdatasync loop', version: `node ${process.versions.node}`, durability: 'durable', note: 'write 4 KiB + fdatasync per operation, same file system' },
    open: async (dir) => new FsyncLoop(dir),
  };
}

const unsupported = (): never => {
  throw new Error('the fdatasync loop takes part in the durable-insert workloads only');
};

class FsyncLoop implements PeerDb {
  readonly #path: string;
  readonly #fd: number;
  readonly #page = new Uint8Array(4096).fill(0x5a);
  #writes = 0;
  /** Per table: [operations, sum of ids, sum of amounts], so the runner's count checks apply to the loop too. */
  readonly #tables = new Map<string, [number, number, number]>();

  constructor(dir: string) {
    this.#path = join(dir, 'fsync-loop.bin');
    this.#fd = openSync(this.#path, 'w');
  }

  createSchema(): void {}

  insertAutocommit(table: string, row: RowTuple): void {
    // Cycle over 1 MiB of the file: each write lands on an allocated block after the first pass, like a WAL.
    writeSync(this.#fd, this.#page, 0, this.#page.length, (this.#writes++ % 256) * 4096);
    fdatasyncSync(this.#fd);
    const t = this.#tables.get(table) ?? [0, 0, 0];
    this.#tables.set(table, [t[0] + 1, t[1] + row[0], t[2] + row[3]]);
  }

  totals(table: string): readonly [number, number, number] {
    return this.#tables.get(table) ?? [0, 0, 0];
  }

  bulkInsert = unsupported;
  pointSelect = unsupported;
  byCat = unsupported;
  groupBy = unsupported;
  updateById = unsupported;
  join = unsupported;
  sizeOnDisk = unsupported;

  close(): void {
    closeSync(this.#fd);
    rmSync(this.#path, { force: true });
  }
}
