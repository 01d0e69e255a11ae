import { describe, it, expect } from 'vitest';
import { baseName, joinPath, normalizePath, parentDir } from '../../../src/storage/vfs/index.ts';

describe('vfs paths', () => {
  it('joins with one separator', () => {
    expect(joinPath('/data', 'wal', '0001')).toBe('/data/wal/0001');
    expect(joinPath('/data/', '/wal')).toBe('/data/wal');
    expect(joinPath('/', 'x')).toBe('/x');
    expect(joinPath('', 'x')).toBe('x');
    expect(joinPath('C:\\tmp', 'x')).toBe('C:\\tmp/x');
    expect(joinPath('a', '', 'b')).toBe('a/b');
  });

  it('finds the parent directory', () => {
    expect(parentDir('/data/heap')).toBe('/data');
    expect(parentDir('/data/sub/')).toBe('/data');
    expect(parentDir('/heap')).toBe('/');
    expect(parentDir('heap')).toBe('.');
    expect(parentDir('a//b')).toBe('a');
    expect(parentDir('C:\\tmp\\x')).toBe('C:\\tmp');
  });

  it('finds the base name', () => {
    expect(baseName('/data/heap')).toBe('heap');
    expect(baseName('/data/sub/')).toBe('sub');
    expect(baseName('heap')).toBe('heap');
    expect(baseName('C:\\tmp\\x')).toBe('x');
  });

  it('normalizes', () => {
    expect(normalizePath('/a//b/./c/')).toBe('/a/b/c');
    expect(normalizePath('a/b/../c')).toBe('a/c');
    expect(normalizePath('/../a')).toBe('/a');
    expect(normalizePath('../a')).toBe('../a');
    expect(normalizePath('')).toBe('.');
    expect(normalizePath('./')).toBe('.');
    expect(normalizePath('/')).toBe('/');
  });
});
