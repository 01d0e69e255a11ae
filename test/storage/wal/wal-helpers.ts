// Shared helpers of the WAL tests: deterministic payloads, reading a whole log
// into copies, comparing against a model, and a vfs whose syncAsync() the test
// releases by hand (for group commit without timing).
import { expect } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { readWal, type WalStopReason } from '../../../src/storage/wal/index.ts';
import { parseWalFileName } from '../../../src/storage/wal/format.ts';
import { createMemoryVfs, type MemoryVfs, type OpenOptions, type Vfs, type VfsFile, type VfsLock } from '../../../src/storage/vfs/index.ts';

export const DIR = '/db/wal';
/** The smallest WAL file: many switches with few records. */
export const SMALL_FILE = 65536;

export interface Rec {
  readonly lsn: number;
  readonly type: number;
  readonly payload: Uint8Array;
}

export interface ReadBack {
  readonly records: Rec[];
  readonly endLsn: number;
  readonly stopReason: WalStopReason;
}

/** Deterministic bytes for record `seed`, different for every seed. */
export function payload(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 0x9e3779b1 + 0x7f4a7c15) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Read the whole log from `fromLsn`, copying every payload. */
export function readAll(vfs: Vfs, fromLsn: number, dir = DIR): ReadBack {
  const result = readWal(vfs, dir, fromLsn);
  const records: Rec[] = [];
  for (const r of result.records) records.push({ lsn: r.lsn, type: r.type, payload: r.payload.slice() });
  return { records, endLsn: result.endLsn(), stopReason: result.stopReason() };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** '' if `got` equals `want` record for record, else the first difference (short: no big diffs in loops). */
export function diffRecords(got: readonly Rec[], want: readonly Rec[]): string {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g.lsn !== w.lsn || g.type !== w.type || !sameBytes(g.payload, w.payload)) {
      return `record ${i}: got lsn ${g.lsn} type ${g.type} len ${g.payload.length}, want lsn ${w.lsn} type ${w.type} len ${w.payload.length}`;
    }
  }
  return got.length === want.length ? '' : `got ${got.length} records, want ${want.length}`;
}

export function expectRecords(got: readonly Rec[], want: readonly Rec[]): void {
  expect(diffRecords(got, want)).toBe('');
}

/** Names of the WAL files in dir. */
export function walFiles(vfs: Vfs, dir = DIR): string[] {
  return vfs.list(dir).filter((name) => parseWalFileName(name) !== undefined);
}

/** The file and offset holding `lsn`. */
export function locate(vfs: Vfs, lsn: number, dir = DIR): { path: string; offset: number } {
  let best: number | undefined;
  for (const name of walFiles(vfs, dir)) {
    const start = parseWalFileName(name)!;
    if (start <= lsn && (best === undefined || start > best)) best = start;
  }
  if (best === undefined) throw new Error(`no WAL file holds LSN ${lsn}`);
  return { path: `${dir}/${best.toString(16).padStart(16, '0')}.wal`, offset: lsn - best };
}

/** Overwrite bytes of a file, as damage or a torn write would. */
export function overwrite(vfs: Vfs, path: string, offset: number, bytes: Uint8Array): void {
  const f = vfs.open(path);
  f.write(bytes, offset);
  f.sync();
  f.close();
}

/** The FlintError that `fn` throws (synchronously). */
export function flintErrorOf(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlintError);
    return err as FlintError;
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, the promise resolved');
}

/**
 * A memory vfs whose syncAsync() waits until the test calls release(): the
 * test decides when an fdatasync "completes", so group commit is tested
 * without timing. fail() makes the next released sync reject.
 */
export class GatedVfs implements Vfs {
  readonly name = 'gated';
  readonly base: MemoryVfs = createMemoryVfs();
  readonly pending: Array<{ resolve: () => void; reject: (err: unknown) => void; path: string; late?: () => void }> = [];
  /** writeDurableAsync's bytes reach the file only when the test releases it (a write still on its way to the OS). */
  lateWrites = false;
  syncAsyncCalls = 0;
  /** Of those, the ones writeDurableAsync made. */
  durableWritesAsync = 0;

  open(path: string, opts?: OpenOptions): VfsFile {
    const inner = this.base.open(path, opts);
    const gated = this;
    return {
      path: inner.path,
      read: (into, position) => inner.read(into, position),
      write: (from, position) => inner.write(from, position),
      size: () => inner.size(),
      truncate: (size) => inner.truncate(size),
      sync: () => inner.sync(),
      writeDurable: (from, position) => inner.writeDurable(from, position),
      syncAsync(): Promise<void> {
        gated.syncAsyncCalls++;
        // An fdatasync covers the writes issued before it: take them now, report later.
        inner.sync();
        return new Promise<void>((resolve, reject) => {
          gated.pending.push({ path: inner.path, resolve, reject });
        });
      },
      // A write, then an fdatasync the test completes (counted with syncAsync's).
      writeDurableAsync(from, position): Promise<void> {
        gated.durableWritesAsync++;
        if (!gated.lateWrites) {
          inner.write(from, position);
          return this.syncAsync();
        }
        gated.syncAsyncCalls++;
        const bytes = from.slice();
        const late = () => {
          inner.write(bytes, position);
          inner.sync();
        };
        return new Promise<void>((resolve, reject) => {
          gated.pending.push({ path: inner.path, resolve, reject, late });
        });
      },
      close: () => inner.close(),
    };
  }

  /** Report the oldest pending syncAsync() as done (or failed), then let the promise callbacks run. */
  async release(error?: unknown): Promise<void> {
    const p = this.pending.shift();
    if (p === undefined) throw new Error('no syncAsync() pending');
    if (error === undefined) p.late?.();
    if (error === undefined) p.resolve();
    else p.reject(error);
    await settle();
  }

  exists(path: string): boolean {
    return this.base.exists(path);
  }
  remove(path: string): void {
    this.base.remove(path);
  }
  rename(from: string, to: string): void {
    this.base.rename(from, to);
  }
  list(dir: string): string[] {
    return this.base.list(dir);
  }
  mkdir(path: string): void {
    this.base.mkdir(path);
  }
  syncDir(dir: string): void {
    this.base.syncDir(dir);
  }
  lock(path: string): VfsLock {
    return this.base.lock(path);
  }
}

/** Let every queued promise callback run (a macrotask boundary). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * `inner` with every call to an opened file's write, writeDurable,
 * writeDurableAsync, sync and syncAsync told to `on` first (the bytes and
 * position for the writes), so that a test can record what reached the
 * files and in what order.
 */
export function observedVfs(inner: Vfs, name: string, on: (path: string, call: string, from?: Uint8Array, position?: number) => void): Vfs {
  return {
    name,
    open: (path, opts) => {
      const f = inner.open(path, opts);
      return {
        path: f.path,
        read: (into, position) => f.read(into, position),
        write: (from, position) => {
          on(path, 'write', from, position);
          f.write(from, position);
        },
        writeDurable: (from, position) => {
          on(path, 'writeDurable', from, position);
          f.writeDurable(from, position);
        },
        writeDurableAsync: (from, position) => {
          on(path, 'writeDurableAsync', from, position);
          return f.writeDurableAsync(from, position);
        },
        size: () => f.size(),
        truncate: (size) => f.truncate(size),
        sync: () => {
          on(path, 'sync');
          f.sync();
        },
        syncAsync: () => {
          on(path, 'syncAsync');
          return f.syncAsync();
        },
        close: () => f.close(),
      };
    },
    exists: (path) => inner.exists(path),
    remove: (path) => inner.remove(path),
    rename: (from, to) => inner.rename(from, to),
    list: (dir) => inner.list(dir),
    mkdir: (path) => inner.mkdir(path),
    syncDir: (dir) => inner.syncDir(dir),
    lock: (path) => inner.lock(path),
  };
}
