// The file-system contract. Every byte Flint reads or writes goes through a Vfs,
// so the engine runs unchanged on Node, Bun and Deno (node-vfs.ts, the one file
// of the core that imports node:), in memory (memory-vfs.ts), and under a
// seeded fault injector that simulates power loss, torn writes, I/O errors and
// bit rot (fault-vfs.ts).
//
// Contract, shared by every implementation and checked by one test suite
// (test/storage/vfs/vfs-contract.ts):
//   - Methods are synchronous, like the engine's API; only syncAsync() is not,
//     so group commit can await an fdatasync without blocking the event loop.
//   - Reads and writes go straight between the file and the caller's view,
//     which may be a view over WebAssembly memory; no intermediate buffer.
//   - Every failure is a FlintError: 58P01 (undefined_file) for a missing
//     file, 58P02 (duplicate_file) for one that exists, 53100 (disk_full) for
//     ENOSPC, 55P03 (lock_not_available) for a held lock, and 58030 (io_error)
//     for anything else. The message names the operation, the file and, for
//     reads and writes, the byte offset; `cause` holds the underlying error.
//   - Misuse (a closed file, a negative offset, readOnly with create) is a
//     broken invariant and fails an assertion, not a FlintError.
//   - Durability: a write is durable once sync() of its file returns. A
//     created, removed or renamed directory entry is durable once syncDir()
//     of its parent directory returns. Nothing else is promised.
//   - Paths use '/' as separator (see path.ts); the node vfs passes them to
//     the operating system unchanged.

export interface OpenOptions {
  /** Create the file if it does not exist. Default false: a missing file is 58P01. */
  create?: boolean;
  /** Create the file, failing with 58P02 if it already exists (O_CREAT | O_EXCL). Implies create. */
  exclusive?: boolean;
  /** Open for reading only; write() and truncate() then fail with 58030. */
  readOnly?: boolean;
}

export interface Vfs {
  /** 'node', 'memory', 'fault': for messages and test names. */
  readonly name: string;
  /** Open a file for reading and writing (or reading only). Never truncates. */
  open(path: string, opts?: OpenOptions): VfsFile;
  /** True if a file or directory exists at path. */
  exists(path: string): boolean;
  /** Unlink a file. A missing file is 58P01. Open handles stay usable. */
  remove(path: string): void;
  /** Atomically replace `to` by the file `from`: a reader sees one or the other, never neither. */
  rename(from: string, to: string): void;
  /** Names (not paths) of the files and directories in dir, sorted by code unit. A missing dir is 58P01. */
  list(dir: string): string[];
  /** Create dir and its missing parents; no error if it exists. */
  mkdir(path: string): void;
  /** Make the entries of dir (creates, removes, renames) durable. A no-op where unsupported (Windows). */
  syncDir(dir: string): void;
  /**
   * Take the exclusive lock whose lock file is `path` (e.g. `<datadir>/flint.lock`).
   * The lock file holds the owner's pid. A lock held in this process or by
   * another live process fails with 55P03 naming the path; a lock left by a
   * dead process is taken over.
   */
  lock(path: string): VfsLock;
}

export interface VfsFile {
  readonly path: string;
  /**
   * Read up to `into.length` bytes at `position` straight into `into`.
   * Returns the bytes read: fewer only at end of file, 0 at or past it.
   */
  read(into: Uint8Array, position: number): number;
  /** Write all of `from` at `position`; a gap past the end of file reads as zeros. */
  write(from: Uint8Array, position: number): void;
  /** Current size in bytes. */
  size(): number;
  /** Cut or extend (with zeros) the file to `size` bytes. */
  truncate(size: number): void;
  /** fdatasync: every write before this call is durable when it returns. */
  sync(): void;
  /**
   * write() and sync() in one: writes all of `from` at `position`, and when
   * it returns this write and every write before it are durable. The node
   * vfs makes it a single write on a second descriptor of the file opened
   * with O_DSYNC when nothing else written through this handle is unsynced
   * (one system call instead of two, and the kernel writes back only the
   * range written); otherwise, and where O_DSYNC is missing, a write and an
   * fdatasync.
   */
  writeDurable(from: Uint8Array, position: number): void;
  /**
   * writeDurable that does not block the event loop: resolves once this
   * write and every write before it are durable. `from` must not change
   * until the promise settles. The node vfs makes it one asynchronous write
   * on the O_DSYNC descriptor (writeDurable's conditions), else a write now
   * and syncAsync(). Do not close() while it runs.
   */
  writeDurableAsync(from: Uint8Array, position: number): Promise<void>;
  /** sync() that does not block the event loop. Do not close() while it runs. */
  syncAsync(): Promise<void>;
  /** Release the handle. Further calls on it fail an assertion. */
  close(): void;
}

/**
 * writeDurable and writeDurableAsync for a file whose writes and syncs are
 * synchronous (the memory and fault vfs): a write, then a sync; the async
 * form settles with the same outcome.
 */
export function writeThenSync(file: Pick<VfsFile, 'write' | 'sync'>, from: Uint8Array, position: number): void {
  file.write(from, position);
  file.sync();
}

export function writeThenSyncAsync(file: Pick<VfsFile, 'write' | 'sync'>, from: Uint8Array, position: number): Promise<void> {
  try {
    writeThenSync(file, from, position);
  } catch (err) {
    return Promise.reject(err);
  }
  return Promise.resolve();
}

export interface VfsLock {
  /** The lock file's path. */
  readonly path: string;
  /** Remove the lock file and release the lock; calling it again does nothing. */
  release(): void;
}

