import { describe, it, expect } from 'vitest';
import { SqlState } from '../../../src/errors.ts';
import { createMemoryVfs, joinPath, Prng } from '../../../src/storage/vfs/index.ts';
import { bytes, flintErrorOf, pattern, readFile, vfsContract, writeFile } from './vfs-contract.ts';

vfsContract('memory', () => {
  const vfs = createMemoryVfs();
  vfs.mkdir('/data');
  return { vfs, dir: '/data', dispose: () => {} };
});

describe('memory vfs', () => {
  it('normalizes paths: a//b/./c and a/b/c are one file', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir('a/b/');
    writeFile(vfs, 'a/b/c', bytes(5));
    expect(readFile(vfs, 'a//b/./c')).toEqual(bytes(5));
    expect(readFile(vfs, 'a/x/../b/c')).toEqual(bytes(5));
    expect(vfs.list('a/b/')).toEqual(['c']);
    expect(vfs.list('.')).toEqual(['a']);
  });

  it('keeps an open handle usable after remove and rename, as POSIX does', () => {
    const vfs = createMemoryVfs();
    writeFile(vfs, '/f', bytes(1, 2));
    const f = vfs.open('/f');
    vfs.remove('/f');
    expect(vfs.exists('/f')).toBe(false);
    f.write(bytes(3), 2);
    const into = new Uint8Array(3);
    expect(f.read(into, 0)).toBe(3);
    expect(into).toEqual(bytes(1, 2, 3));
    f.close();
  });

  it('fails with 53100 past its capacity and changes nothing', () => {
    const vfs = createMemoryVfs({ capacityBytes: 1000 });
    writeFile(vfs, '/a', pattern(800));
    expect(vfs.usedBytes()).toBe(800);
    const b = vfs.open('/b', { create: true });
    const err = flintErrorOf(() => b.write(pattern(300), 0));
    expect(err.code).toBe(SqlState.diskFull);
    expect(err.file).toBe('/b');
    expect(err.offset).toBe(0);
    expect(b.size()).toBe(0);
    expect(flintErrorOf(() => b.truncate(201)).code).toBe(SqlState.diskFull);
    b.write(pattern(200), 0); // exactly full
    const a = vfs.open('/a');
    a.write(pattern(800, 2), 0); // overwriting needs no new space
    a.close();
    vfs.remove('/a');
    expect(vfs.usedBytes()).toBe(200);
    b.write(pattern(300), 200);
    expect(vfs.usedBytes()).toBe(500);
    b.close();
  });

  it('counts a replaced rename target as freed', () => {
    const vfs = createMemoryVfs();
    writeFile(vfs, '/a', pattern(10));
    writeFile(vfs, '/b', pattern(30));
    vfs.rename('/a', '/b');
    expect(vfs.usedBytes()).toBe(10);
  });

  describe('crash', () => {
    it('keeps synced writes and loses unsynced ones', () => {
      const vfs = createMemoryVfs();
      const f = vfs.open('/f', { create: true });
      vfs.syncDir('/');
      f.write(pattern(100, 1), 0);
      f.sync();
      f.write(pattern(50, 2), 25); // lost
      f.write(pattern(10, 3), 200); // lost, with the size it added
      const after = vfs.crash();
      expect(readFile(after, '/f')).toEqual(pattern(100, 1));
      f.close();
    });

    it('keeps what writeDurable wrote and every write before it', () => {
      const vfs = createMemoryVfs();
      const f = vfs.open('/f', { create: true });
      vfs.syncDir('/');
      f.write(pattern(100, 1), 0);
      f.writeDurable(pattern(50, 2), 100);
      f.write(pattern(10, 3), 150); // lost
      const expected = new Uint8Array(150);
      expected.set(pattern(100, 1), 0);
      expected.set(pattern(50, 2), 100);
      expect(readFile(vfs.crash({ tear: new Prng(1) }), '/f')).toEqual(expected);
      f.close();
    });

    it('reverts an unsynced truncate', () => {
      const vfs = createMemoryVfs();
      writeFile(vfs, '/f', pattern(100), true);
      vfs.syncDir('/');
      const f = vfs.open('/f');
      f.truncate(10);
      f.close();
      expect(readFile(vfs.crash(), '/f')).toEqual(pattern(100));
    });

    it('loses a synced file whose directory entry was never synced, unless entries: all', () => {
      const vfs = createMemoryVfs();
      vfs.mkdir('/d');
      writeFile(vfs, '/d/f', pattern(10), true);
      expect(vfs.crash().exists('/d/f')).toBe(false);
      expect(vfs.crash().exists('/d')).toBe(true); // directories are durable at once
      expect(readFile(vfs.crash({ entries: 'all' }), '/d/f')).toEqual(pattern(10));
      vfs.syncDir('/d');
      expect(readFile(vfs.crash(), '/d/f')).toEqual(pattern(10));
    });

    it('keeps a durable entry with unsynced content as an empty file', () => {
      const vfs = createMemoryVfs();
      writeFile(vfs, '/f', pattern(10));
      vfs.syncDir('/');
      expect(readFile(vfs.crash(), '/f')).toEqual(new Uint8Array(0));
    });

    it('undoes a rename or remove whose directory was not synced', () => {
      const vfs = createMemoryVfs();
      writeFile(vfs, '/control', bytes(1), true);
      writeFile(vfs, '/control.tmp', bytes(2), true);
      vfs.syncDir('/');
      vfs.rename('/control.tmp', '/control');
      let after = vfs.crash();
      expect(readFile(after, '/control')).toEqual(bytes(1));
      expect(readFile(after, '/control.tmp')).toEqual(bytes(2));
      vfs.syncDir('/');
      after = vfs.crash();
      expect(readFile(after, '/control')).toEqual(bytes(2));
      expect(after.exists('/control.tmp')).toBe(false);
      vfs.remove('/control');
      expect(vfs.crash().exists('/control')).toBe(true);
      vfs.syncDir('/');
      expect(vfs.crash().exists('/control')).toBe(false);
    });

    it('keeps one inode for two durable names after a cross-directory rename synced on one side', () => {
      const vfs = createMemoryVfs();
      vfs.mkdir('/a');
      vfs.mkdir('/b');
      writeFile(vfs, '/a/f', bytes(7), true);
      vfs.syncDir('/a');
      vfs.rename('/a/f', '/b/f');
      vfs.syncDir('/b');
      const after = vfs.crash();
      expect(readFile(after, '/a/f')).toEqual(bytes(7));
      expect(readFile(after, '/b/f')).toEqual(bytes(7));
      expect(after.usedBytes()).toBe(1);
    });

    it('leaves the crashed vfs usable and releases its locks in the survivor', () => {
      const vfs = createMemoryVfs();
      const lock = vfs.lock('/flint.lock');
      vfs.syncDir('/');
      const after = vfs.crash();
      expect(after.exists('/flint.lock')).toBe(true);
      after.lock('/flint.lock').release(); // the holder died in the crash
      expect(flintErrorOf(() => vfs.lock('/flint.lock')).code).toBe(SqlState.lockNotAvailable);
      lock.release();
      writeFile(vfs, '/still-works', bytes(1));
    });

    it('survives a chain of crashes with syncs between them', () => {
      let vfs = createMemoryVfs();
      writeFile(vfs, '/f', pattern(10, 1), true);
      vfs.syncDir('/');
      for (let round = 2; round < 6; round++) {
        vfs = vfs.crash();
        expect(readFile(vfs, '/f')).toEqual(pattern(10, round - 1));
        writeFile(vfs, '/f', pattern(10, round), true);
      }
    });
  });

  it('corrupt flips bytes in the current and the durable content', () => {
    const vfs = createMemoryVfs();
    writeFile(vfs, '/f', new Uint8Array(8), true);
    vfs.syncDir('/');
    vfs.corrupt('/f', 3, 0x10);
    expect(readFile(vfs, '/f')[3]).toBe(0x10);
    expect(readFile(vfs.crash(), '/f')[3]).toBe(0x10);
    expect(() => vfs.corrupt('/f', 8, 1)).toThrow(/assertion failed/);
  });
});
