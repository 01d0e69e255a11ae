// One suite for every Vfs implementation: node, memory and fault must behave
// alike wherever the contract in src/storage/vfs/vfs.ts speaks. Each test file
// calls vfsContract() with a factory for its implementation.

import { describe, it, expect } from 'vitest';
import { FlintError, SqlState } from '../../../src/errors.ts';
import { joinPath, type Vfs, type VfsFile } from '../../../src/storage/vfs/index.ts';

/** WebAssembly, typed here because the project's lib setting leaves it out. */
const WASM = (globalThis as unknown as { WebAssembly: { Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

export interface VfsFixture {
  readonly vfs: Vfs;
  /** An empty directory that exists, for the test to use. */
  readonly dir: string;
  /** Remove what the test left behind. */
  dispose(): void;
}

/** Run `fn` on a new fixture and dispose of it afterwards. */
export async function withFixture(make: () => VfsFixture, fn: (fx: VfsFixture) => void | Promise<void>): Promise<void> {
  const fx = make();
  try {
    await fn(fx);
  } finally {
    fx.dispose();
  }
}

/** The FlintError that `fn` throws; fails the test if it throws something else or nothing. */
export function flintErrorOf(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlintError);
    return err as FlintError;
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Deterministic test content: byte i is a function of i and salt. */
export function pattern(length: number, salt = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + salt * 17 + (i >>> 8)) & 0xff;
  return out;
}

/** Index of the first byte where a and b differ, -1 if equal (fast for large arrays, unlike toEqual). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

export function readAll(file: VfsFile): Uint8Array {
  const out = new Uint8Array(file.size());
  expect(file.read(out, 0)).toBe(out.length);
  return out;
}

export function writeFile(vfs: Vfs, path: string, content: Uint8Array, sync = false): void {
  const f = vfs.open(path, { create: true });
  try {
    f.truncate(0);
    f.write(content, 0);
    if (sync) f.sync();
  } finally {
    f.close();
  }
}

export function readFile(vfs: Vfs, path: string): Uint8Array {
  const f = vfs.open(path, { readOnly: true });
  try {
    return readAll(f);
  } finally {
    f.close();
  }
}

export function vfsContract(name: string, make: () => VfsFixture): void {
  const run = (fn: (fx: VfsFixture) => void | Promise<void>) => () => withFixture(make, fn);

  describe(`vfs contract: ${name}`, () => {
    describe('open', () => {
      it('fails with 58P01 naming the file when it does not exist', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'missing');
        const err = flintErrorOf(() => vfs.open(path));
        expect(err.code).toBe(SqlState.undefinedFile);
        expect(err.file).toBe(path);
        expect(err.message).toContain(path);
        expect(err.cause).toBeDefined();
        expect(vfs.exists(path)).toBe(false);
      }));

      it('creates an empty file with create, and opens it again without', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'f');
        const f = vfs.open(path, { create: true });
        expect(f.path).toBe(path);
        expect(f.size()).toBe(0);
        f.write(bytes(1, 2, 3), 0);
        f.close();
        expect(vfs.exists(path)).toBe(true);
        const g = vfs.open(path);
        expect(g.size()).toBe(3); // open never truncates
        g.close();
        const h = vfs.open(path, { create: true });
        expect(h.size()).toBe(3);
        h.close();
      }));

      it('fails with 58P02 when exclusive and the file exists', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'x');
        vfs.open(path, { create: true, exclusive: true }).close();
        const err = flintErrorOf(() => vfs.open(path, { create: true, exclusive: true }));
        expect(err.code).toBe(SqlState.duplicateFile);
        expect(err.file).toBe(path);
      }));

      it('fails with 58P01 when the directory does not exist', run(({ vfs, dir }) => {
        const err = flintErrorOf(() => vfs.open(joinPath(dir, 'nodir', 'f'), { create: true }));
        expect(err.code).toBe(SqlState.undefinedFile);
      }));

      it('refuses a directory with 58030', run(({ vfs, dir }) => {
        vfs.mkdir(joinPath(dir, 'd'));
        expect(flintErrorOf(() => vfs.open(joinPath(dir, 'd'))).code).toBe(SqlState.ioError);
        expect(flintErrorOf(() => vfs.open(joinPath(dir, 'd'), { readOnly: true })).code).toBe(SqlState.ioError);
      }));

      it('opens read-only: reads work, writes and truncates fail with 58030', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'ro');
        writeFile(vfs, path, bytes(9, 8, 7));
        const f = vfs.open(path, { readOnly: true });
        expect(readAll(f)).toEqual(bytes(9, 8, 7));
        const err = flintErrorOf(() => f.write(bytes(1), 0));
        expect(err.code).toBe(SqlState.ioError);
        expect(err.file).toBe(path);
        expect(flintErrorOf(() => f.truncate(0)).code).toBe(SqlState.ioError);
        f.close();
        expect(readFile(vfs, path)).toEqual(bytes(9, 8, 7));
      }));

      it('treats use after close as a bug, not a FlintError', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'c'), { create: true });
        f.close();
        expect(() => f.read(new Uint8Array(1), 0)).toThrow(/assertion failed/);
        expect(() => f.close()).toThrow(/assertion failed/);
      }));
    });

    describe('read and write', () => {
      it('reads straight into a view at an offset of a larger buffer, leaving the rest alone', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'v'), { create: true });
        const content = pattern(100);
        f.write(content, 0);
        const backing = new Uint8Array(64).fill(0xee);
        const view = backing.subarray(16, 48);
        expect(f.read(view, 10)).toBe(32);
        expect(view).toEqual(content.subarray(10, 42));
        expect(backing.subarray(0, 16).every((b) => b === 0xee)).toBe(true);
        expect(backing.subarray(48).every((b) => b === 0xee)).toBe(true);
        f.close();
      }));

      it('reads into and writes from views over WebAssembly memory', run(({ vfs, dir }) => {
        const memory = new WASM.Memory({ initial: 2 }); // two 64 KiB pages, like buffer-pool frames
        const frame = new Uint8Array(memory.buffer, 65536 + 4096, 4096);
        frame.set(pattern(4096, 5));
        const f = vfs.open(joinPath(dir, 'wasm'), { create: true });
        f.write(frame, 8192);
        const other = new Uint8Array(memory.buffer, 512, 4096);
        expect(f.read(other, 8192)).toBe(4096);
        expect(firstDifference(other, pattern(4096, 5))).toBe(-1);
        expect(new Uint8Array(memory.buffer, 0, 512).every((b) => b === 0)).toBe(true);
        f.close();
      }));

      it('writes from a view at an offset of a larger buffer', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'w'), { create: true });
        const backing = pattern(64, 3);
        f.write(backing.subarray(8, 24), 0);
        expect(f.size()).toBe(16);
        expect(readAll(f)).toEqual(backing.subarray(8, 24));
        f.close();
      }));

      it('returns a short count at end of file and 0 past it', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 's'), { create: true });
        f.write(pattern(100), 0);
        const into = new Uint8Array(64).fill(0xaa);
        expect(f.read(into, 80)).toBe(20);
        expect(into.subarray(0, 20)).toEqual(pattern(100).subarray(80));
        expect(into.subarray(20).every((b) => b === 0xaa)).toBe(true);
        expect(f.read(into, 100)).toBe(0);
        expect(f.read(into, 1_000_000)).toBe(0);
        expect(f.read(new Uint8Array(0), 0)).toBe(0);
        f.close();
      }));

      it('zero-fills the gap when writing past the end', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'gap'), { create: true });
        f.write(bytes(1, 2, 3, 4), 0);
        f.write(bytes(5, 6, 7, 8), 10_000);
        expect(f.size()).toBe(10_004);
        const all = readAll(f);
        expect(all.subarray(0, 4)).toEqual(bytes(1, 2, 3, 4));
        expect(all.subarray(4, 10_000).every((b) => b === 0)).toBe(true);
        expect(all.subarray(10_000)).toEqual(bytes(5, 6, 7, 8));
        f.close();
      }));

      it('overwrites in the middle without touching the rest', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'mid'), { create: true });
        f.write(new Uint8Array(1000).fill(1), 0);
        f.write(new Uint8Array(10).fill(2), 495);
        const all = readAll(f);
        expect(all.length).toBe(1000);
        for (let i = 0; i < 1000; i++) expect(all[i]).toBe(i >= 495 && i < 505 ? 2 : 1);
        f.close();
      }));

      it('round-trips a megabyte across many sectors', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'big');
        const content = pattern(1 << 20, 7);
        const f = vfs.open(path, { create: true });
        f.write(content, 0);
        f.sync();
        f.close();
        expect(firstDifference(readFile(vfs, path), content)).toBe(-1);
      }));

      it('writes nothing for an empty view', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'e'), { create: true });
        f.write(new Uint8Array(0), 0);
        expect(f.size()).toBe(0);
        f.close();
      }));
    });

    describe('size and truncate', () => {
      it('cuts and extends with zeros; old bytes never come back', run(({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 't'), { create: true });
        f.write(new Uint8Array(100).fill(9), 0);
        f.truncate(40);
        expect(f.size()).toBe(40);
        f.truncate(120);
        expect(f.size()).toBe(120);
        const all = readAll(f);
        expect(all.subarray(0, 40).every((b) => b === 9)).toBe(true);
        expect(all.subarray(40).every((b) => b === 0)).toBe(true);
        f.truncate(0);
        expect(f.size()).toBe(0);
        f.close();
      }));
    });

    describe('namespace', () => {
      it('rename replaces the target atomically', run(({ vfs, dir }) => {
        const a = joinPath(dir, 'a');
        const b = joinPath(dir, 'b');
        writeFile(vfs, a, bytes(1, 1));
        writeFile(vfs, b, bytes(2, 2, 2));
        vfs.rename(a, b);
        expect(vfs.exists(a)).toBe(false);
        expect(readFile(vfs, b)).toEqual(bytes(1, 1));
        expect(vfs.list(dir)).toEqual(['b']);
      }));

      it('rename of a missing file fails with 58P01', run(({ vfs, dir }) => {
        const err = flintErrorOf(() => vfs.rename(joinPath(dir, 'nope'), joinPath(dir, 'b')));
        expect(err.code).toBe(SqlState.undefinedFile);
        expect(err.message).toContain('nope');
      }));

      it('lists names sorted by code unit, files and directories alike', run(({ vfs, dir }) => {
        for (const n of ['b', 'a', 'C', 'a10', 'a2']) writeFile(vfs, joinPath(dir, n), bytes(0));
        vfs.mkdir(joinPath(dir, 'sub'));
        writeFile(vfs, joinPath(dir, 'sub', 'inner'), bytes(0));
        expect(vfs.list(dir)).toEqual(['C', 'a', 'a10', 'a2', 'b', 'sub']);
        expect(vfs.list(joinPath(dir, 'sub'))).toEqual(['inner']);
        expect(flintErrorOf(() => vfs.list(joinPath(dir, 'nodir'))).code).toBe(SqlState.undefinedFile);
      }));

      it('removes a file; a missing one fails with 58P01', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'r');
        writeFile(vfs, path, bytes(1));
        vfs.remove(path);
        expect(vfs.exists(path)).toBe(false);
        expect(vfs.list(dir)).toEqual([]);
        const err = flintErrorOf(() => vfs.remove(path));
        expect(err.code).toBe(SqlState.undefinedFile);
        expect(err.file).toBe(path);
      }));

      it('mkdir creates parents and accepts an existing directory', run(({ vfs, dir }) => {
        const deep = joinPath(dir, 'x', 'y', 'z');
        vfs.mkdir(deep);
        vfs.mkdir(deep);
        expect(vfs.exists(deep)).toBe(true);
        expect(vfs.list(joinPath(dir, 'x'))).toEqual(['y']);
        writeFile(vfs, joinPath(deep, 'f'), bytes(1));
        expect(vfs.list(deep)).toEqual(['f']);
      }));

      it('mkdir over a file fails with 58P02', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'file');
        writeFile(vfs, path, bytes(1));
        expect(flintErrorOf(() => vfs.mkdir(path)).code).toBe(SqlState.duplicateFile);
      }));
    });

    describe('durability calls', () => {
      it('sync, syncDir and syncAsync succeed; syncAsync resolves', run(async ({ vfs, dir }) => {
        const f = vfs.open(joinPath(dir, 'd'), { create: true });
        f.write(pattern(5000), 0);
        f.sync();
        f.write(pattern(10, 2), 100);
        await expect(f.syncAsync()).resolves.toBeUndefined();
        await Promise.all([f.syncAsync(), f.syncAsync(), f.syncAsync()]);
        vfs.syncDir(dir);
        f.close();
      }));

      it('writeDurable writes like write, after synced and unsynced writes alike, from a view at an offset', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'w');
        const f = vfs.open(path, { create: true });
        f.write(pattern(5000), 0);
        f.sync();
        const big = pattern(300, 3);
        f.writeDurable(big.subarray(100, 250), 4096); // nothing unsynced before it
        f.write(pattern(10, 4), 10); // unsynced, then another durable write
        f.writeDurable(pattern(20, 5), 6000); // past the end: the gap reads as zeros
        f.writeDurable(new Uint8Array(0), 0);
        const expected = new Uint8Array(6020);
        expected.set(pattern(5000), 0);
        expected.set(big.subarray(100, 250), 4096);
        expected.set(pattern(10, 4), 10);
        expected.set(pattern(20, 5), 6000);
        expect(firstDifference(readAll(f), expected)).toBe(-1);
        f.close();
        expect(firstDifference(readFile(vfs, path), expected)).toBe(-1);
        const ro = vfs.open(path, { readOnly: true });
        expect(flintErrorOf(() => ro.writeDurable(bytes(1), 0)).code).toBe(SqlState.ioError);
        ro.close();
      }));

      it('syncDir of a missing directory fails with 58P01', run(({ vfs, dir }) => {
        expect(flintErrorOf(() => vfs.syncDir(joinPath(dir, 'nodir'))).code).toBe(SqlState.undefinedFile);
      }));
    });

    describe('lock', () => {
      it('is exclusive within the process, with 55P03 naming the path', run(({ vfs, dir }) => {
        const path = joinPath(dir, 'flint.lock');
        const lock = vfs.lock(path);
        expect(lock.path).toBe(path);
        expect(vfs.exists(path)).toBe(true);
        const err = flintErrorOf(() => vfs.lock(path));
        expect(err.code).toBe(SqlState.lockNotAvailable);
        expect(err.message).toContain(path);
        lock.release();
        expect(vfs.exists(path)).toBe(false);
        lock.release(); // a second release does nothing
        const again = vfs.lock(path);
        again.release();
      }));

      it('locks of different paths are independent', run(({ vfs, dir }) => {
        const a = vfs.lock(joinPath(dir, 'a.lock'));
        const b = vfs.lock(joinPath(dir, 'b.lock'));
        a.release();
        b.release();
      }));
    });
  });
}
