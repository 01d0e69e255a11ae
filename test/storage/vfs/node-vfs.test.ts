import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { SqlState } from '../../../src/errors.ts';
import { createNodeVfs, joinPath } from '../../../src/storage/vfs/index.ts';
import { flintErrorOf, pattern, vfsContract, withFixture, type VfsFixture } from './vfs-contract.ts';

function makeNodeFixture(): VfsFixture {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'flint-vfs-'));
  return {
    vfs: createNodeVfs(),
    dir,
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

vfsContract('node', makeNodeFixture);

/** A pid no process has: above every platform's pid limit. */
const DEAD_PID = 2147483646;

describe('node vfs', () => {
  const run = (fn: (fx: VfsFixture) => void | Promise<void>) => () => withFixture(makeNodeFixture, fn);

  it('writeDurable reaches the file it was opened on, even after a rename, with O_DSYNC or without', run(({ vfs, dir }) => {
    const from = joinPath(dir, 'a');
    const to = joinPath(dir, 'b');
    const f = vfs.open(from, { create: true });
    f.write(pattern(100), 0);
    f.sync();
    vfs.rename(from, to);
    f.writeDurable(pattern(50, 2), 100); // nothing unsynced: the O_DSYNC descriptor (Linux), opened now, after the rename
    f.write(pattern(10, 3), 0);
    f.writeDurable(pattern(50, 4), 150); // a write unsynced before it: a write and an fdatasync
    f.writeDurable(pattern(50, 5), 200); // the O_DSYNC descriptor again
    f.close();
    const expected = new Uint8Array(250);
    expected.set(pattern(100), 0);
    expected.set(pattern(10, 3), 0);
    expected.set(pattern(50, 2), 100);
    expected.set(pattern(50, 4), 150);
    expected.set(pattern(50, 5), 200);
    expect(new Uint8Array(fs.readFileSync(to))).toEqual(expected);
    expect(fs.existsSync(from)).toBe(false);
  }));

  it('writes the lock owner pid into the lock file', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    const lock = vfs.lock(path);
    expect(fs.readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(fs.readdirSync(dir)).toEqual(['flint.lock']); // no temporary file left behind
    lock.release();
  }));

  it('refuses a lock held by another live process', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    const other = process.ppid; // our parent is alive while we run
    fs.writeFileSync(path, `${other}\n`);
    const err = flintErrorOf(() => vfs.lock(path));
    expect(err.code).toBe(SqlState.lockNotAvailable);
    expect(err.message).toContain(path);
    expect(err.message).toContain(String(other));
    expect(fs.readFileSync(path, 'utf8')).toBe(`${other}\n`); // untouched
  }));

  it('takes over a lock left by a dead process', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    fs.writeFileSync(path, `${DEAD_PID}\n`);
    const lock = vfs.lock(path);
    expect(fs.readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(path)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  }));

  it('takes over a lock with our own pid that this process does not hold (a recycled pid)', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    fs.writeFileSync(path, `${process.pid}\n`);
    const lock = vfs.lock(path);
    expect(flintErrorOf(() => vfs.lock(path)).code).toBe(SqlState.lockNotAvailable);
    lock.release();
  }));

  it('refuses a lock file that holds no pid', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    fs.writeFileSync(path, 'garbage');
    expect(flintErrorOf(() => vfs.lock(path)).code).toBe(SqlState.lockNotAvailable);
  }));

  it('is exclusive across vfs instances of one process', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    const lock = vfs.lock(path);
    expect(flintErrorOf(() => createNodeVfs().lock(path)).code).toBe(SqlState.lockNotAvailable);
    lock.release();
  }));

  it('release leaves a lock file that someone else owns now', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'flint.lock');
    const lock = vfs.lock(path);
    fs.writeFileSync(path, `${DEAD_PID}\n`); // broken by hand and retaken
    lock.release();
    expect(fs.readFileSync(path, 'utf8')).toBe(`${DEAD_PID}\n`);
  }));

  it('reports a write into a read-only file with the path and offset', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'f');
    fs.writeFileSync(path, 'abc');
    const f = vfs.open(path, { readOnly: true });
    const err = flintErrorOf(() => f.write(new Uint8Array(4), 4096));
    expect(err.code).toBe(SqlState.ioError);
    expect(err.offset).toBe(4096);
    expect(err.message).toContain('4096');
    expect(err.message).toContain(path);
    f.close();
  }));

  it('sees what node:fs wrote and the reverse', run(({ vfs, dir }) => {
    const path = joinPath(dir, 'shared');
    fs.writeFileSync(path, Uint8Array.from([1, 2, 3]));
    const f = vfs.open(path);
    f.write(Uint8Array.from([9]), 1);
    f.close();
    expect(Array.from(fs.readFileSync(path))).toEqual([1, 9, 3]);
  }));
});
