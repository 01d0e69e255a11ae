// The vfs over the real file system: the one file of Flint's core that imports
// node: modules. Node, Bun and Deno all provide node:fs, so it runs on each.
//
// Synchronous node:fs calls throughout (the engine's API is synchronous), with
// syncAsync() on the callback fdatasync so group commit can wait for the disk
// without blocking the event loop. read() and write() pass the caller's view
// straight to readSync/writeSync: no intermediate buffer.
//
// Locking: node:fs has no flock(), so the lock is a lock file created
// atomically with link(2) from a temporary file that already holds our pid
// (a reader never sees an empty lock file). A lock file whose pid is dead is
// stale and is taken over; one whose pid is ours but that this process does
// not hold is stale too (a previous incarnation with a recycled pid, common
// in containers where the server is pid 1).

import * as fs from 'node:fs';
import { resolve } from 'node:path';
import process from 'node:process';
import { assert } from '../../errors.ts';
import type { OpenOptions, Vfs, VfsFile, VfsLock } from './vfs.ts';
import { errorCode, lockNotAvailable, simulatedOsError, vfsError } from './vfs-error.ts';

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;

/** Mode of files Flint creates: the owner only, as PostgreSQL does. */
const FILE_MODE = 0o600;
/** Rounds of "lock file exists, but its owner is gone" before giving up. */
const LOCK_ATTEMPTS_MAX = 8;
/** Lock files are a pid and a newline; anything longer is not ours. */
const LOCK_FILE_BYTES_MAX = 64;
/** Errors of fsync on a directory that mean "not supported here" (as PostgreSQL's fsync_fname treats them). */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'EISDIR', 'EBADF', 'EACCES', 'EPERM']);
/** Errors of link(2) that mean "this file system has no hard links". */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Lock files held by this process, by absolute path. */
const heldLocks = new Set<string>();

/** The vfs over node:fs. */
export function createNodeVfs(): Vfs {
  return new NodeVfs();
}

class NodeVfs implements Vfs {
  readonly name = 'node';

  open(path: string, opts: OpenOptions = {}): VfsFile {
    const readOnly = opts.readOnly === true;
    const create = opts.create === true || opts.exclusive === true;
    assert(!(readOnly && create), `open ${path}: readOnly cannot be combined with create or exclusive`);
    let flags = readOnly ? O_RDONLY : O_RDWR;
    if (create) flags |= O_CREAT;
    if (opts.exclusive === true) flags |= O_EXCL;
    let fd: number;
    try {
      fd = fs.openSync(path, flags, FILE_MODE);
    } catch (err) {
      throw vfsError(err, { op: 'open', path });
    }
    // A directory opens fine read-only; refuse it here rather than at the first read.
    let isDirectory: boolean;
    try {
      isDirectory = fs.fstatSync(fd).isDirectory();
    } catch (err) {
      fs.closeSync(fd);
      throw vfsError(err, { op: 'open', path });
    }
    if (isDirectory) {
      fs.closeSync(fd);
      throw vfsError(simulatedOsError('EISDIR'), { op: 'open', path });
    }
    return new NodeFile(path, fd, readOnly);
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  remove(path: string): void {
    try {
      fs.unlinkSync(path);
    } catch (err) {
      throw vfsError(err, { op: 'remove', path });
    }
  }

  rename(from: string, to: string): void {
    try {
      fs.renameSync(from, to);
    } catch (err) {
      throw vfsError(err, { op: 'rename', path: from, to });
    }
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir).sort();
    } catch (err) {
      throw vfsError(err, { op: 'list', path: dir });
    }
  }

  mkdir(path: string): void {
    try {
      fs.mkdirSync(path, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw vfsError(err, { op: 'mkdir', path });
    }
  }

  syncDir(dir: string): void {
    if (process.platform === 'win32') return; // directories cannot be opened for fsync there
    let fd: number;
    try {
      fd = fs.openSync(dir, O_RDONLY);
    } catch (err) {
      if (DIR_SYNC_UNSUPPORTED.has(errorCode(err) ?? '')) return;
      throw vfsError(err, { op: 'syncDir', path: dir });
    }
    try {
      fs.fsyncSync(fd);
    } catch (err) {
      if (!DIR_SYNC_UNSUPPORTED.has(errorCode(err) ?? '')) throw vfsError(err, { op: 'syncDir', path: dir });
    } finally {
      fs.closeSync(fd);
    }
  }

  lock(path: string): VfsLock {
    const key = resolve(path);
    if (heldLocks.has(key)) throw lockNotAvailable(path, `this process (pid ${process.pid})`);
    for (let attempt = 0; attempt < LOCK_ATTEMPTS_MAX; attempt++) {
      if (createLockFile(path)) {
        heldLocks.add(key);
        return new NodeLock(path, key);
      }
      const holder = readLockPid(path);
      if (holder === 'missing') continue; // released meanwhile: try again
      if (holder === 'unreadable') {
        throw lockNotAvailable(path, 'an unknown owner (the lock file holds no pid; remove it if no Flint process uses this directory)');
      }
      if (holder !== process.pid && isAlive(holder)) throw lockNotAvailable(path, `process ${holder}`);
      removeStaleLock(path, holder);
    }
    throw lockNotAvailable(path, `other processes (it changed hands ${LOCK_ATTEMPTS_MAX} times while we tried)`);
  }
}

class NodeFile implements VfsFile {
  readonly path: string;
  readonly #fd: number;
  readonly #readOnly: boolean;
  #closed = false;
  #syncsPending = 0;
  /** Writes issued through this handle (writeDurable: whether anything is unsynced). */
  #writes = 0;
  /** Of those, the writes a completed fdatasync (or an O_DSYNC write) covers. */
  #syncedWrites = 0;
  /** writeDurable's O_DSYNC descriptor of the same file: undefined until first needed, null where there is none. */
  #dsyncFd: number | null | undefined;

  constructor(path: string, fd: number, readOnly: boolean) {
    this.path = path;
    this.#fd = fd;
    this.#readOnly = readOnly;
  }

  read(into: Uint8Array, position: number): number {
    this.#check(position);
    let done = 0;
    // Every round moves at least one byte or ends the loop, so it ends.
    while (done < into.length) {
      let n: number;
      try {
        n = fs.readSync(this.#fd, into, done, into.length - done, position + done);
      } catch (err) {
        throw vfsError(err, { op: 'read', path: this.path, offset: position + done, length: into.length - done });
      }
      if (n === 0) break; // end of file
      done += n;
    }
    return done;
  }

  write(from: Uint8Array, position: number): void {
    this.#check(position);
    if (this.#readOnly) {
      throw vfsError(simulatedOsError('EBADF', 'file is open read-only'), { op: 'write', path: this.path, offset: position, length: from.length });
    }
    this.#writes++;
    this.#writeAll(this.#fd, from, position);
  }

  writeDurable(from: Uint8Array, position: number): void {
    this.#check(position);
    const dsync = this.#syncedWrites === this.#writes && !this.#readOnly ? this.#dsync() : null;
    if (dsync === null) {
      this.write(from, position);
      this.sync();
      return;
    }
    // Nothing else written through this handle is unsynced: one write that returns once its bytes are durable.
    const seen = ++this.#writes;
    this.#writeAll(dsync, from, position);
    this.#syncedWrites = Math.max(this.#syncedWrites, seen);
  }

  writeDurableAsync(from: Uint8Array, position: number): Promise<void> {
    this.#check(position);
    const dsync = this.#syncedWrites === this.#writes && !this.#readOnly && from.length > 0 ? this.#dsync() : null;
    if (dsync === null) {
      try {
        this.write(from, position);
      } catch (err) {
        return Promise.reject(err);
      }
      return this.syncAsync();
    }
    const seen = ++this.#writes;
    this.#syncsPending++;
    return new Promise((resolvePromise, reject) => {
      const step = (done: number): void => {
        fs.write(dsync, from, done, from.length - done, position + done, (err, n) => {
          const failed = err ?? (n <= 0 ? simulatedOsError('EIO', 'the write made no progress') : undefined);
          if (failed !== undefined) {
            this.#syncsPending--;
            reject(vfsError(failed, { op: 'write', path: this.path, offset: position + done, length: from.length - done }));
          } else if (done + n < from.length) {
            step(done + n);
          } else {
            this.#syncsPending--;
            this.#syncedWrites = Math.max(this.#syncedWrites, seen);
            resolvePromise();
          }
        });
      };
      step(0);
    });
  }

  /**
   * The file opened again with O_DSYNC, through /proc/self/fd (the same
   * file, even if renamed since): Linux only; elsewhere, or if that open
   * fails, null and writeDurable writes and fdatasyncs.
   */
  #dsync(): number | null {
    if (this.#dsyncFd === undefined) {
      this.#dsyncFd = null;
      const flag = (fs.constants as { O_DSYNC?: number }).O_DSYNC;
      if (process.platform === 'linux' && typeof flag === 'number') {
        try {
          this.#dsyncFd = fs.openSync(`/proc/self/fd/${this.#fd}`, fs.constants.O_WRONLY | flag);
        } catch {
          // No /proc: write and fdatasync.
        }
      }
    }
    return this.#dsyncFd;
  }

  #writeAll(fd: number, from: Uint8Array, position: number): void {
    let done = 0;
    while (done < from.length) {
      let n: number;
      try {
        n = fs.writeSync(fd, from, done, from.length - done, position + done);
      } catch (err) {
        throw vfsError(err, { op: 'write', path: this.path, offset: position + done, length: from.length - done });
      }
      if (n <= 0) {
        throw vfsError(simulatedOsError('EIO', 'the write made no progress'), { op: 'write', path: this.path, offset: position + done, length: from.length - done });
      }
      done += n;
    }
  }

  size(): number {
    this.#check(0);
    try {
      return fs.fstatSync(this.#fd).size;
    } catch (err) {
      throw vfsError(err, { op: 'stat', path: this.path });
    }
  }

  truncate(size: number): void {
    this.#check(size);
    if (this.#readOnly) throw vfsError(simulatedOsError('EBADF', 'file is open read-only'), { op: 'truncate', path: this.path, offset: size });
    try {
      fs.ftruncateSync(this.#fd, size);
    } catch (err) {
      throw vfsError(err, { op: 'truncate', path: this.path, offset: size });
    }
  }

  sync(): void {
    this.#check(0);
    const seen = this.#writes;
    try {
      fs.fdatasyncSync(this.#fd);
    } catch (err) {
      throw vfsError(err, { op: 'sync', path: this.path });
    }
    this.#syncedWrites = Math.max(this.#syncedWrites, seen);
  }

  syncAsync(): Promise<void> {
    this.#check(0);
    this.#syncsPending++;
    const seen = this.#writes;
    return new Promise((resolvePromise, reject) => {
      fs.fdatasync(this.#fd, (err) => {
        this.#syncsPending--;
        if (err) reject(vfsError(err, { op: 'sync', path: this.path }));
        else {
          this.#syncedWrites = Math.max(this.#syncedWrites, seen);
          resolvePromise();
        }
      });
    });
  }

  close(): void {
    assert(!this.#closed, `close of ${this.path}: already closed`);
    // The descriptor number could be reused by the next open, and the pending fdatasync would then sync the wrong file.
    assert(this.#syncsPending === 0, `close of ${this.path}: ${this.#syncsPending} syncAsync() still running`);
    this.#closed = true;
    try {
      if (typeof this.#dsyncFd === 'number') fs.closeSync(this.#dsyncFd);
      fs.closeSync(this.#fd);
    } catch (err) {
      throw vfsError(err, { op: 'close', path: this.path });
    }
  }

  #check(position: number): void {
    // The messages only when a check fails: every read and write passes here (a commit's too), and a template literal is built before assert is called.
    if (this.#closed) assert(false, `use of ${this.path} after close`);
    if (!(Number.isSafeInteger(position) && position >= 0)) assert(false, `offset in ${this.path} must be a non-negative integer, got ${position}`);
  }
}

class NodeLock implements VfsLock {
  readonly path: string;
  readonly #key: string;
  #released = false;

  constructor(path: string, key: string) {
    this.path = path;
    this.#key = key;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    heldLocks.delete(this.#key);
    // Remove the file only if it is still ours: someone may have broken the lock by hand.
    if (readLockPid(this.path) !== process.pid) return;
    try {
      fs.unlinkSync(this.path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw vfsError(err, { op: 'unlock', path: this.path });
    }
  }
}

/** Create the lock file holding our pid. False if it exists already. */
function createLockFile(path: string): boolean {
  const content = `${process.pid}\n`;
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, content, { mode: FILE_MODE });
  } catch (err) {
    throw vfsError(err, { op: 'lock', path });
  }
  try {
    fs.linkSync(tmp, path); // atomic, and the file is complete before it has its name
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') return false;
    if (!LINK_UNSUPPORTED.has(code ?? '')) throw vfsError(err, { op: 'lock', path });
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // A leftover temporary file is harmless: the next attempt overwrites it.
    }
  }
  // No hard links on this file system: O_EXCL, then write the pid.
  try {
    const fd = fs.openSync(path, O_RDWR | O_CREAT | O_EXCL, FILE_MODE);
    try {
      fs.writeSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw vfsError(err, { op: 'lock', path });
  }
}

/** The pid in a lock file, 'missing' if there is none, 'unreadable' if it holds no pid. */
function readLockPid(path: string): number | 'missing' | 'unreadable' {
  let text: string;
  try {
    const fd = fs.openSync(path, O_RDONLY);
    try {
      const bytes = new Uint8Array(LOCK_FILE_BYTES_MAX);
      const n = fs.readSync(fd, bytes, 0, bytes.length, 0);
      text = new TextDecoder().decode(bytes.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return 'missing';
    throw vfsError(err, { op: 'lock', path });
  }
  const match = /^(\d+)\n?$/.exec(text);
  if (match === null || match[1] === undefined) return 'unreadable';
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 'unreadable';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user. Anything unexpected: assume alive.
    return errorCode(err) !== 'ESRCH';
  }
}

/**
 * Remove a lock file left by `deadPid`. It is first renamed to a name of our
 * own, so that if another process replaced it in the meantime we notice (the
 * renamed file holds another pid) and put it back instead of deleting it.
 */
function removeStaleLock(path: string, deadPid: number): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    fs.renameSync(path, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return; // someone else removed it
    throw vfsError(err, { op: 'lock', path });
  }
  const moved = readLockPid(aside);
  if (moved !== deadPid) {
    try {
      fs.linkSync(aside, path); // not the stale file after all: restore it
    } catch {
      // Someone created a new lock file meanwhile; theirs stands.
    }
  }
  try {
    fs.unlinkSync(aside);
  } catch {
    // Already gone.
  }
}
