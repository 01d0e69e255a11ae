// LIKE against a reference matcher, jsonb API details, text[] literals,
// uuid and bytea helpers.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileLike, likeMatch } from '../../../src/sql/types/like.ts';
import { JSON_NULL, formatJson, formatJsonPretty, parseJson, parseJsonValue, compareJson } from '../../../src/sql/types/json.ts';
import { jsonGetField } from '../../../src/sql/types/json-ops.ts';
import { parseTextArray } from '../../../src/sql/types/text-array.ts';
import { parseUuid, randomUuid, uuidFromBytes, uuidToBytes } from '../../../src/sql/types/uuid.ts';
import { decodeBytes, encodeBytes } from '../../../src/sql/types/bytea.ts';
import { md5Hex } from '../../../src/sql/functions/md5.ts';
import { utf8Encode } from '../../../src/sql/types/text-util.ts';
import { FlintError } from '../../../src/errors.ts';

/** Reference LIKE: a regex built from the pattern (fine for the short strings generated here). */
function referenceLike(text: string, pattern: string): boolean {
  let re = '';
  const cs = Array.from(pattern);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === '\\') re += cs[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su').test(text);
}

describe('LIKE', () => {
  const alphabet = fc.constantFrom('a', 'b', '%', '_', '\\', '😀');
  it('agrees with a reference matcher on patterns without a trailing escape', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '😀', '%', '_'), { maxLength: 8 }), fc.array(alphabet, { maxLength: 6 }), (t, p) => {
        const text = t.join('');
        const pattern = p.join('');
        if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) return;
        expect(likeMatch(text, pattern)).toBe(referenceLike(text, pattern));
      }),
      { seed: 1, numRuns: 3000 },
    );
  });

  it('stays fast on patterns that make backtracking regexes explode', () => {
    const text = 'a'.repeat(5000);
    const started = Date.now();
    expect(likeMatch(text, '%a%a%a%a%a%a%a%a%a%a%b')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('validates ESCAPE and reports a trailing escape only when reached', () => {
    expect(() => compileLike('a', { escape: 'ab' })).toThrow('invalid escape string');
    expect(likeMatch('abc', 'x\\')).toBe(false);
    try {
      likeMatch('abc', 'ab\\');
      expect.unreachable();
    } catch (e) {
      expect((e as FlintError).code).toBe('22025');
    }
    expect(likeMatch('a\\c', 'a\\c', { escape: '' })).toBe(true);
    expect(likeMatch('AbC', 'a%c', { caseInsensitive: true })).toBe(true);
  });
});

describe('jsonb', () => {
  it('keeps a top-level JSON null apart from SQL NULL', () => {
    expect(parseJson('null')).toBe(JSON_NULL);
    expect(formatJson(JSON_NULL)).toBe('null');
    expect(compareJson(JSON_NULL, parseJson('null'))).toBe(0);
    expect(jsonGetField(parseJsonValue('{"a":null}'), 'a')).toBeNull();
    expect(jsonGetField(parseJsonValue('{"a":null}'), 'b')).toBeUndefined();
  });

  it('treats __proto__ as an ordinary key', () => {
    const v = parseJsonValue('{"__proto__": {"x": 1}, "a": 2}');
    expect(Object.keys(v as object).sort()).toEqual(['__proto__', 'a']);
    expect(formatJson(v)).toBe('{"a": 2, "__proto__": {"x": 1}}');
  });

  it('pretty-prints like jsonb_pretty', () => {
    expect(formatJsonPretty(parseJsonValue('{"a":[1,{}],"b":[]}'))).toBe('{\n    "a": [\n        1,\n        {\n        }\n    ],\n    "b": [\n    ]\n}');
  });

  it('rejects hostile nesting with a clean error', () => {
    expect(() => parseJsonValue('['.repeat(10000) + ']'.repeat(10000))).toThrow('stack depth limit exceeded');
  });
});

describe('text[] literals', () => {
  it.each([
    ['{}', []],
    ['{a,b}', ['a', 'b']],
    ['{ a , "b c" ,NULL,"NULL"}', ['a', 'b c', null, 'NULL']],
    ['{"a\\"b",c\\,d}', ['a"b', 'c,d']],
  ])('%s', (text, expected) => {
    expect(parseTextArray(text)).toEqual(expected);
  });
  it.each(['a,b', '{a', '{a,}', '{a}x', '{"a}'])('rejects %s', (text) => {
    expect(() => parseTextArray(text)).toThrow(`malformed array literal: "${text}"`);
  });
});

describe('uuid and bytea helpers', () => {
  it('converts uuids to and from their 16 bytes', () => {
    const u = parseUuid('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11');
    expect(uuidFromBytes(uuidToBytes(u))).toBe(u);
    const v4 = randomUuid(() => new Uint8Array(16).fill(0xff));
    expect(v4).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('round-trips every encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const f of ['hex', 'base64', 'escape']) expect(decodeBytes(encodeBytes(bytes, f), f)).toEqual(bytes);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('computes MD5 across block boundaries', () => {
    expect(md5Hex(utf8Encode('a'.repeat(55)))).toBe('ef1772b6dff9a122358552954ad0df65');
    expect(md5Hex(utf8Encode('a'.repeat(56)))).toBe('3b0c8ac703f828b04c6c197006d17218');
    expect(md5Hex(utf8Encode('a'.repeat(64)))).toBe('014842d480b571495a4a0363793f7367');
  });
});
