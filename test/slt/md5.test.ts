// The pure-TypeScript MD5 against RFC 1321's vectors and node:crypto.
import * as fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Md5, md5Hex } from '../../scripts/slt/md5.ts';

const nodeMd5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

describe('md5', () => {
  it('matches the RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex('abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(md5Hex('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')).toBe('d174ab98d277d9f5a5611c2c9f419d9f');
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches node:crypto around the padding boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const text = 'x'.repeat(n);
      expect(md5Hex(text), `length ${n}`).toBe(nodeMd5(text));
    }
  });

  it('matches node:crypto on random strings, including non-ASCII and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => md5Hex(text) === nodeMd5(text)),
      { numRuns: 3_000, seed: 1 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => md5Hex(text) === nodeMd5(text)),
      { numRuns: 3_000, seed: 2 },
    );
  });

  it('hashes incrementally like in one piece, and resets after a digest', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 40 }), (parts) => {
        const md5 = new Md5();
        for (const part of parts) md5.update(part);
        const first = md5.digestHex();
        for (const part of parts) md5.update(part);
        return first === nodeMd5(parts.join('')) && md5.digestHex() === first;
      }),
      { numRuns: 1_000, seed: 3 },
    );
  });

  it('hashes a megabyte', () => {
    const text = 'sqllogictest\n'.repeat(80_000);
    expect(md5Hex(text)).toBe(nodeMd5(text));
    expect(new Md5().updateBytes(new TextEncoder().encode(text)).digestHex()).toBe(nodeMd5(text));
  });
});
