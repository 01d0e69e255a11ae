// A file system in memory that remembers what a power loss would keep.
//
// Files are inodes: growable byte arrays named by directory entries, so an
// open handle survives remove() and rename() as on POSIX. Each inode keeps two
// contents: the current one (what reads see: the page cache) and the durable
// one (as of its last sync: the disk). The namespace is kept twice as well:
// the current entries and the durable ones, which syncDir() of the parent
// directory brings up to date. crash() builds a new MemoryVfs from the durable
// side alone, the state a machine would find after power loss.
//
// What crash() keeps:
//   - of each file, its content as of its last sync; unsynced writes are lost,
//     except that with `tear` the last unsynced write of each file may leave
//     any of its 512-byte sectors behind (none, a prefix, a random subset, or
//     all; sectors aligned to file offsets, as disks write them);
//   - of the namespace, the entries as of the last syncDir() of their
//     directory (`entries: 'synced'`, the POSIX promise and the default): a
//     file created or renamed since then is gone or back under its old name;
//     or every current entry (`entries: 'all'`, like file systems that journal
//     metadata in order);
//   - every directory mkdir() made (a simplification: directories are durable
//     at once; Flint creates them before anything that needs them durable).
//
// Disk full: with `capacityBytes`, a write or truncate that would make the
// files' total size exceed it fails with ENOSPC (53100) and changes nothing.

import { assert } from '../../errors.ts';
import { normalizePath, parentDir, baseName } from './path.ts';
import type { Prng } from './prng.ts';
import { writeThenSync, writeThenSyncAsync, type OpenOptions, type Vfs, type VfsFile, type VfsLock } from './vfs.ts';
import { lockNotAvailable, simulatedOsError, vfsError, type VfsErrorContext } from './vfs-error.ts';

/** The unit a disk writes atomically: a torn write keeps or loses whole sectors. */
export const SECTOR_SIZE = 512;
/** Largest file the memory vfs holds: typed arrays stop near 2^32 bytes. */
export const MEMORY_FILE_BYTES_MAX = 2 ** 31;
/** Dirty ranges kept per file before they collapse into one covering range. */
const DIRTY_RANGES_MAX = 64;
/** First allocation of a file's byte array. */
const INITIAL_CAPACITY_BYTES = 4096;
/** What a memory lock file holds in place of a pid: there is one process. */
const LOCK_FILE_CONTENT = new TextEncoder().encode('memory\n');

export interface MemoryVfsOptions {
  /** Total bytes all files may hold; past it writes fail with ENOSPC. Default: unlimited. */
  capacityBytes?: number;
}

export interface CrashOptions {
  /** Draw which sectors of each file's last unsynced write persist from this generator. Without it, unsynced writes are lost whole. */
  tear?: Prng;
  /** Which directory entries survive: 'synced' (default) or 'all'; see the top of memory-vfs.ts. */
  entries?: 'synced' | 'all';
}

/** A write that a crash kept in part: `persisted` lists the [start, end) byte ranges that survived. */
export interface TornWrite {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly persisted: ReadonlyArray<readonly [number, number]>;
}

export interface MemoryVfs extends Vfs {
  /** The state after a power loss now, as a new MemoryVfs. This one stays usable. */
  crash(opts?: CrashOptions): MemoryVfs;
  /** Writes the crash that made this vfs tore (empty for a new vfs). */
  readonly tornWrites: readonly TornWrite[];
  /** XOR `mask` into the byte at `offset` of the file, in its current and durable content alike: damage to the medium. */
  corrupt(path: string, offset: number, mask: number): void;
  /** Total size of all files. */
  usedBytes(): number;
}

export function createMemoryVfs(opts: MemoryVfsOptions = {}): MemoryVfs {
  const capacity = opts.capacityBytes ?? Number.POSITIVE_INFINITY;
  assert(capacity >= 0, `capacityBytes must be >= 0, got ${capacity}`);
  return new MemoryVfsImpl(new Space(capacity), new Map(), new Map(), new Set(), []);
}

/** Bytes in use against the capacity, shared by the inodes of one vfs. */
class Space {
  readonly capacityBytes: number;
  usedBytes = 0;
  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }
}

class Inode {
  readonly space: Space;
  /** Current content; bytes in [size, data.length) are zero. */
  data: Uint8Array;
  size = 0;
  /** Content as of the last sync; bytes in [durableSize, durable.length) are zero. */
  durable: Uint8Array;
  durableSize = 0;
  /** [start, end) ranges written since the last sync, possibly overlapping. */
  dirty: Array<[number, number]> = [];
  /** The last write since the last sync: what a crash may tear. */
  lastWrite: { offset: number; length: number } | undefined;
  /** Directory entries naming this inode in the current namespace; only linked inodes count against the capacity. */
  links = 0;

  constructor(space: Space, data: Uint8Array, size: number) {
    this.space = space;
    this.data = data;
    this.size = size;
    this.durable = data.slice();
    this.durableSize = size;
  }

  static empty(space: Space): Inode {
    return new Inode(space, new Uint8Array(0), 0);
  }

  /** Make room for `size` bytes, or fail with ENOSPC / EFBIG before anything changes. */
  reserve(size: number, ctx: VfsErrorContext): void {
    if (size > MEMORY_FILE_BYTES_MAX) throw vfsError(simulatedOsError('EFBIG', `the memory vfs holds at most ${MEMORY_FILE_BYTES_MAX} bytes per file`), ctx);
    const growth = Math.max(0, size - this.size);
    if (growth > 0 && this.links > 0 && this.space.usedBytes + growth > this.space.capacityBytes) {
      throw vfsError(simulatedOsError('ENOSPC', `capacity is ${this.space.capacityBytes} bytes`), ctx);
    }
    if (size <= this.data.length) return;
    const capacity = Math.min(MEMORY_FILE_BYTES_MAX, Math.max(size, INITIAL_CAPACITY_BYTES, this.data.length * 2));
    const grown = new Uint8Array(capacity);
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }

  write(from: Uint8Array, position: number): void {
    const end = position + from.length;
    const oldSize = this.size;
    this.data.set(from, position);
    if (end > oldSize) this.#resize(end);
    // A write past the end also changes the gap to zeros.
    this.#markDirty(Math.min(position, oldSize), end);
    this.lastWrite = { offset: position, length: from.length };
  }

  truncate(size: number): void {
    const oldSize = this.size;
    if (size < oldSize) {
      this.data.fill(0, size, oldSize);
      if (this.lastWrite !== undefined) {
        const end = Math.min(this.lastWrite.offset + this.lastWrite.length, size);
        this.lastWrite = end > this.lastWrite.offset ? { offset: this.lastWrite.offset, length: end - this.lastWrite.offset } : undefined;
      }
    } else if (size > oldSize) {
      this.#markDirty(oldSize, size);
    }
    this.#resize(size);
  }

  sync(): void {
    if (this.durable.length < this.size) {
      const grown = new Uint8Array(this.data.length);
      grown.set(this.durable.subarray(0, this.durableSize));
      this.durable = grown;
    }
    for (const [start, end] of this.dirty) {
      const e = Math.min(end, this.size);
      if (start < e) this.durable.set(this.data.subarray(start, e), start);
    }
    if (this.durableSize > this.size) this.durable.fill(0, this.size, this.durableSize);
    this.durableSize = this.size;
    this.dirty = [];
    this.lastWrite = undefined;
  }

  unlink(): void {
    assert(this.links > 0, 'unlink of an inode without links');
    this.links--;
    if (this.links === 0) this.space.usedBytes -= this.size;
  }

  link(): void {
    if (this.links === 0) this.space.usedBytes += this.size;
    this.links++;
  }

  #resize(size: number): void {
    if (this.links > 0) this.space.usedBytes += size - this.size;
    this.size = size;
  }

  #markDirty(start: number, end: number): void {
    if (start >= end) return;
    this.dirty.push([start, end]);
    if (this.dirty.length > DIRTY_RANGES_MAX) {
      let lo = start;
      let hi = end;
      for (const [s, e] of this.dirty) {
        lo = Math.min(lo, s);
        hi = Math.max(hi, e);
      }
      this.dirty = [[lo, hi]];
    }
  }
}

class MemoryVfsImpl implements MemoryVfs {
  readonly name = 'memory';
  readonly tornWrites: readonly TornWrite[];
  readonly #space: Space;
  /** Current namespace: normalized path → inode. */
  readonly #files: Map<string, Inode>;
  /** Durable namespace, as of each directory's last syncDir(). */
  readonly #durableFiles: Map<string, Inode>;
  /** Directories, normalized; '/' and '.' always exist. */
  readonly #dirs: Set<string>;
  /** Lock files held, normalized. */
  readonly #locks = new Set<string>();

  constructor(space: Space, files: Map<string, Inode>, durableFiles: Map<string, Inode>, dirs: Set<string>, tornWrites: TornWrite[]) {
    this.#space = space;
    this.#files = files;
    this.#durableFiles = durableFiles;
    this.#dirs = dirs;
    this.tornWrites = tornWrites;
  }

  open(path: string, opts: OpenOptions = {}): VfsFile {
    const readOnly = opts.readOnly === true;
    const create = opts.create === true || opts.exclusive === true;
    assert(!(readOnly && create), `open ${path}: readOnly cannot be combined with create or exclusive`);
    const p = normalizePath(path);
    const ctx = { op: 'open', path };
    if (this.#isDir(p)) throw vfsError(simulatedOsError('EISDIR'), ctx);
    this.#requireParent(p, ctx);
    let inode = this.#files.get(p);
    if (inode !== undefined && opts.exclusive === true) throw vfsError(simulatedOsError('EEXIST'), ctx);
    if (inode === undefined) {
      if (!create) throw vfsError(simulatedOsError('ENOENT'), ctx);
      inode = Inode.empty(this.#space);
      this.#link(p, inode);
    }
    return new MemoryFile(path, inode, readOnly);
  }

  exists(path: string): boolean {
    const p = normalizePath(path);
    return this.#files.has(p) || this.#isDir(p);
  }

  remove(path: string): void {
    const p = normalizePath(path);
    const ctx = { op: 'remove', path };
    if (this.#isDir(p)) throw vfsError(simulatedOsError('EISDIR'), ctx);
    if (!this.#files.has(p)) throw vfsError(simulatedOsError('ENOENT'), ctx);
    this.#unlink(p);
  }

  rename(from: string, to: string): void {
    const f = normalizePath(from);
    const t = normalizePath(to);
    const ctx = { op: 'rename', path: from, to };
    if (this.#isDir(f) || this.#isDir(t)) throw vfsError(simulatedOsError('EISDIR', 'the memory vfs renames files only'), ctx);
    const inode = this.#files.get(f);
    if (inode === undefined) throw vfsError(simulatedOsError('ENOENT'), ctx);
    this.#requireParent(t, ctx);
    if (f === t) return;
    if (this.#files.has(t)) this.#unlink(t);
    this.#link(t, inode);
    this.#unlink(f);
  }

  list(dir: string): string[] {
    const d = normalizePath(dir);
    const ctx = { op: 'list', path: dir };
    if (this.#files.has(d)) throw vfsError(simulatedOsError('ENOTDIR'), ctx);
    if (!this.#isDir(d)) throw vfsError(simulatedOsError('ENOENT'), ctx);
    const names: string[] = [];
    for (const p of this.#files.keys()) if (p !== d && parentDir(p) === d) names.push(baseName(p));
    for (const p of this.#dirs) if (p !== d && parentDir(p) === d) names.push(baseName(p));
    return names.sort();
  }

  mkdir(path: string): void {
    const p = normalizePath(path);
    const ctx = { op: 'mkdir', path };
    if (this.#files.has(p)) throw vfsError(simulatedOsError('EEXIST'), ctx);
    // Collect the missing ancestors first, so a file in the way changes nothing.
    const missing: string[] = [];
    for (let d = p; !this.#isDir(d); d = parentDir(d)) {
      if (this.#files.has(d)) throw vfsError(simulatedOsError('ENOTDIR'), ctx);
      missing.push(d);
      if (parentDir(d) === d) break;
    }
    for (const d of missing) this.#dirs.add(d);
  }

  syncDir(dir: string): void {
    const d = normalizePath(dir);
    if (!this.#isDir(d)) throw vfsError(simulatedOsError(this.#files.has(d) ? 'ENOTDIR' : 'ENOENT'), { op: 'syncDir', path: dir });
    for (const p of [...this.#durableFiles.keys()]) {
      if (parentDir(p) === d && !this.#files.has(p)) this.#durableFiles.delete(p);
    }
    for (const [p, inode] of this.#files) if (parentDir(p) === d) this.#durableFiles.set(p, inode);
  }

  lock(path: string): VfsLock {
    const p = normalizePath(path);
    if (this.#locks.has(p)) throw lockNotAvailable(path, 'this process');
    // A lock file nobody holds was left by a process that died in a crash.
    const file = this.open(path, { create: true });
    try {
      file.truncate(0);
      file.write(LOCK_FILE_CONTENT, 0);
    } finally {
      file.close();
    }
    this.#locks.add(p);
    return new MemoryLock(path, () => {
      this.#locks.delete(p);
      if (this.#files.has(p)) this.#unlink(p);
    });
  }

  crash(opts: CrashOptions = {}): MemoryVfs {
    const entries = opts.entries === 'all' ? this.#files : this.#durableFiles;
    const space = new Space(this.#space.capacityBytes);
    const copies = new Map<Inode, Inode>();
    const torn: TornWrite[] = [];
    const files = new Map<string, Inode>();
    const paths = [...entries.keys()].sort(); // a fixed order keeps the tear draws deterministic
    for (const p of paths) {
      const old = entries.get(p);
      assert(old !== undefined, 'entry vanished during crash');
      let copy = copies.get(old);
      if (copy === undefined) {
        copy = survivor(old, space);
        if (opts.tear !== undefined && old.lastWrite !== undefined) {
          const tornWrite = tear(p, old, copy, opts.tear);
          if (tornWrite !== undefined) torn.push(tornWrite);
        }
        copies.set(old, copy);
      }
      copy.link();
      files.set(p, copy);
    }
    return new MemoryVfsImpl(space, files, new Map(files), new Set(this.#dirs), torn);
  }

  corrupt(path: string, offset: number, mask: number): void {
    const inode = this.#files.get(normalizePath(path));
    if (inode === undefined) throw vfsError(simulatedOsError('ENOENT'), { op: 'corrupt', path });
    assert(Number.isSafeInteger(offset) && offset >= 0 && offset < Math.max(inode.size, inode.durableSize), `corrupt ${path}: offset ${offset} is outside the file`);
    const m = mask & 0xff;
    if (offset < inode.size) inode.data[offset] = (inode.data[offset] ?? 0) ^ m;
    if (offset < inode.durableSize) inode.durable[offset] = (inode.durable[offset] ?? 0) ^ m;
  }

  usedBytes(): number {
    return this.#space.usedBytes;
  }

  #isDir(p: string): boolean {
    return p === '/' || p === '.' || this.#dirs.has(p);
  }

  #requireParent(p: string, ctx: VfsErrorContext): void {
    const parent = parentDir(p);
    if (this.#isDir(parent)) return;
    throw vfsError(simulatedOsError(this.#files.has(parent) ? 'ENOTDIR' : 'ENOENT'), ctx);
  }

  #link(p: string, inode: Inode): void {
    inode.link();
    this.#files.set(p, inode);
  }

  #unlink(p: string): void {
    const inode = this.#files.get(p);
    assert(inode !== undefined, `unlink of missing ${p}`);
    inode.unlink();
    this.#files.delete(p);
  }
}

/** The inode a crash leaves of `old`: its durable content only. */
function survivor(old: Inode, space: Space): Inode {
  const data = new Uint8Array(Math.max(old.durableSize, INITIAL_CAPACITY_BYTES));
  data.set(old.durable.subarray(0, old.durableSize));
  return new Inode(space, data, old.durableSize); // its bytes count once it is linked
}

/**
 * Let some sectors of `old`'s last unsynced write reach `copy`. The choice
 * is one of four shapes, equally likely: nothing, a prefix cut at a sector
 * boundary, a random subset of sectors, or all of it.
 */
function tear(path: string, old: Inode, copy: Inode, prng: Prng): TornWrite | undefined {
  const lastWrite = old.lastWrite;
  assert(lastWrite !== undefined, 'tear without a last write');
  const start = lastWrite.offset;
  const end = Math.min(start + lastWrite.length, old.size);
  const sectors: Array<[number, number]> = [];
  for (let s = start; s < end; ) {
    const e = Math.min(end, (Math.floor(s / SECTOR_SIZE) + 1) * SECTOR_SIZE);
    sectors.push([s, e]);
    s = e;
  }
  if (sectors.length === 0) return undefined;
  let kept: Array<[number, number]>;
  switch (prng.int(4)) {
    case 0:
      kept = [];
      break;
    case 1:
      kept = sectors.slice(0, prng.int(sectors.length + 1));
      break;
    case 2:
      kept = sectors.filter(() => prng.chance(0.5));
      break;
    default:
      kept = sectors;
  }
  for (const [s, e] of kept) {
    copy.reserve(e, { op: 'crash', path });
    copy.data.set(old.data.subarray(s, e), s);
    if (e > copy.size) copy.size = e;
  }
  // What persisted is now on the disk: durable, like the rest of the survivor.
  copy.durable = copy.data.slice();
  copy.durableSize = copy.size;
  const persisted: Array<readonly [number, number]> = [];
  for (const [s, e] of kept) {
    const prev = persisted[persisted.length - 1];
    if (prev !== undefined && prev[1] === s) persisted[persisted.length - 1] = [prev[0], e];
    else persisted.push([s, e]);
  }
  return { path, offset: lastWrite.offset, length: lastWrite.length, persisted };
}

class MemoryFile implements VfsFile {
  readonly path: string;
  readonly #inode: Inode;
  readonly #readOnly: boolean;
  #closed = false;

  constructor(path: string, inode: Inode, readOnly: boolean) {
    this.path = path;
    this.#inode = inode;
    this.#readOnly = readOnly;
  }

  read(into: Uint8Array, position: number): number {
    this.#check(position);
    const inode = this.#inode;
    if (position >= inode.size) return 0;
    const n = Math.min(into.length, inode.size - position);
    into.set(inode.data.subarray(position, position + n));
    return n;
  }

  write(from: Uint8Array, position: number): void {
    this.#check(position);
    const ctx = { op: 'write', path: this.path, offset: position, length: from.length };
    if (this.#readOnly) throw vfsError(simulatedOsError('EBADF', 'file is open read-only'), ctx);
    if (from.length === 0) return;
    this.#inode.reserve(position + from.length, ctx);
    this.#inode.write(from, position);
  }

  size(): number {
    this.#check(0);
    return this.#inode.size;
  }

  truncate(size: number): void {
    this.#check(size);
    const ctx = { op: 'truncate', path: this.path, offset: size };
    if (this.#readOnly) throw vfsError(simulatedOsError('EBADF', 'file is open read-only'), ctx);
    this.#inode.reserve(size, ctx);
    this.#inode.truncate(size);
  }

  sync(): void {
    this.#check(0);
    this.#inode.sync();
  }

  syncAsync(): Promise<void> {
    this.#check(0);
    this.#inode.sync();
    return Promise.resolve();
  }

  writeDurable(from: Uint8Array, position: number): void {
    writeThenSync(this, from, position);
  }

  writeDurableAsync(from: Uint8Array, position: number): Promise<void> {
    return writeThenSyncAsync(this, from, position);
  }

  close(): void {
    assert(!this.#closed, `close of ${this.path}: already closed`);
    this.#closed = true;
  }

  #check(position: number): void {
    assert(!this.#closed, `use of ${this.path} after close`);
    assert(Number.isSafeInteger(position) && position >= 0, `offset in ${this.path} must be a non-negative integer, got ${position}`);
  }
}

class MemoryLock implements VfsLock {
  readonly path: string;
  #release: (() => void) | undefined;

  constructor(path: string, release: () => void) {
    this.path = path;
    this.#release = release;
  }

  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
