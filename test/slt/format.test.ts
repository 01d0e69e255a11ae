// Value rendering, sorting and hashing of sqllogictest results.
import * as fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatReal3,
  hashValues,
  parseHashLine,
  renderValue,
  sortValues,
  textToInt32,
  textToReal,
} from '../../scripts/slt/format.ts';
import type { SltValue } from '../../scripts/slt/engine.ts';

const I = (v: SltValue): string => renderValue(v, 'I');
const R = (v: SltValue): string => renderValue(v, 'R');
const T = (v: SltValue): string => renderValue(v, 'T');

/**
 * Reference for C's printf("%.3f"): the exact rational value of the double,
 * times 1000, rounded half to even, in BigInt arithmetic.
 */
function exactFixed3(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = (exponent === 0 ? 1 : exponent) - 1075; // value = mantissa * 2^shift
  let num = mantissa * 1000n;
  let den = 1n;
  if (shift >= 0) num <<= BigInt(shift);
  else den <<= BigInt(-shift);
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(4, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -3)}.${digits.slice(-3)}`;
}

describe('slt format: NULL', () => {
  it('renders NULL whatever the column type', () => {
    expect([I(null), R(null), T(null)]).toEqual(['NULL', 'NULL', 'NULL']);
  });
});

describe('slt format: I (sqlite3_column_int)', () => {
  it('truncates reals toward zero', () => {
    expect([I(2.7), I(-2.7), I(0.5), I(-0.5), I(-0)]).toEqual(['2', '-2', '0', '0', '0']);
  });

  it('takes the leading integer prefix of text, or 0', () => {
    expect([I('12abc'), I('abc'), I(''), I('  42'), I('-17x'), I('+5'), I('12.9'), I('1e5'), I('0x1A')]).toEqual([
      '12', '0', '0', '42', '-17', '5', '12', '1', '0',
    ]);
  });

  it('wraps to 32 bits', () => {
    expect(I(2 ** 31)).toBe('-2147483648');
    expect(I(2 ** 32 + 5)).toBe('5');
    expect(I(-(2 ** 31) - 1)).toBe('2147483647');
    expect(I(2n ** 31n)).toBe('-2147483648');
    expect(I(2n ** 40n + 7n)).toBe('7');
    expect(I('2147483648')).toBe('-2147483648');
    expect(I('4294967297')).toBe('1');
  });

  it('saturates at the int64 range before wrapping', () => {
    // INT64_MAX has all low bits set; INT64_MIN has none.
    expect([I(1e20), I(-1e20), I(Infinity), I(-Infinity), I(NaN)]).toEqual(['-1', '0', '-1', '0', '0']);
    expect([I('99999999999999999999'), I('-99999999999999999999')]).toEqual(['-1', '0']);
    expect([I(2n ** 70n), I(-(2n ** 70n))]).toEqual(['-1', '0']);
  });

  it('renders booleans as 1 and 0', () => {
    expect([I(true), I(false)]).toEqual(['1', '0']);
  });

  it('agrees with textToInt32 on long digit strings (bigint path)', () => {
    expect(textToInt32('000000000000000000000123')).toBe(123);
    expect(textToInt32('12345678901234567')).toBe(Number(BigInt.asIntN(32, 12345678901234567n)));
  });
});

describe('slt format: R (%.3f of sqlite3_column_double)', () => {
  it('rounds the exact binary value, as C printf does', () => {
    // 0.0005 is stored as 0.00050000000000000001…, 1.0005 as 1.00049999999999994493…
    expect([R(0.0005), R(1.0005), R(0.0015)]).toEqual(['0.001', '1.000', '0.002']);
  });

  it('breaks exact ties to even (toFixed would round away from zero)', () => {
    expect([R(0.0625), R(0.1875), R(1.0625), R(-0.0625), R(2.0625)]).toEqual(['0.062', '0.188', '1.062', '-0.062', '2.062']);
    expect(R(240454018115997.3125)).toBe('240454018115997.312');
    expect(R(364425078034400.9375)).toBe('364425078034400.938');
    // Not ties (values checked against glibc): 0.9995 is 0.99950000000000005507…,
    // 15.9995 is 15.99949999999999938893…, 2.675 is 2.67499999999999982236…
    expect([R(0.9995), R(15.9995), R(2.675)]).toEqual(['1.000', '15.999', '2.675']);
    expect(R(1.9375)).toBe('1.938');
  });

  it('keeps the sign of negative zero and of negatives that round to zero', () => {
    expect([R(-0), R(-0.0001), R(-0.0004), R(0.0004)]).toEqual(['-0.000', '-0.000', '-0.000', '0.000']);
  });

  it('prints large values in full', () => {
    expect(R(1e20)).toBe('100000000000000000000.000');
    expect(R(1e21)).toBe('1000000000000000000000.000');
    expect(R(-(2 ** 63))).toBe('-9223372036854775808.000');
    expect(R(1.5e300).startsWith('1500000000000000078757140382806630373056702871662238732373781173267703686983362293679557062620671796065556665749325817265413784853040645863467188277180060474272580801389863705606745350692182135089053429852456199917621678558451461320111979114170213741868888183230085264257173504208294580298189100810240')).toBe(true);
  });

  it('converts integers, bigints, booleans and text', () => {
    expect([R(3), R(2n ** 63n), R(true), R('1.5abc'), R('abc'), R('-'), R('  -.5e1x')]).toEqual([
      '3.000', '9223372036854775808.000', '1.000', '1.500', '0.000', '-0.000', '-5.000',
    ]);
    expect(textToReal('1.5e')).toBe(1.5);
  });

  it('prints infinities like C', () => {
    expect([R(Infinity), R(-Infinity)]).toEqual(['inf', '-inf']);
  });

  it('matches an exact BigInt reference on random doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => formatReal3(x) === exactFixed3(x)),
      { numRuns: 20_000, seed: 42 },
    );
  });

  it('matches the reference on ties and near-ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: -2, max: 2 }), (k, ulp) => {
        const tie = (2 * k + 1) / 16;
        const near = tie + ulp * Number.EPSILON * Math.abs(tie);
        return formatReal3(tie) === exactFixed3(tie) && formatReal3(near) === exactFixed3(near);
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });
});

describe('slt format: T', () => {
  it('renders the empty string as (empty)', () => {
    expect(T('')).toBe('(empty)');
  });

  it('replaces every UTF-8 byte outside 0x20-0x7E with @', () => {
    expect(T('plain text ~')).toBe('plain text ~');
    expect(T('tab\there\n')).toBe('tab@here@');
    expect(T('caf\u00e9')).toBe('caf@@'); // é is 2 bytes
    expect(T('\u20ac1')).toBe('@@@1'); // € is 3 bytes
    expect(T('\u{1f600}!')).toBe('@@@@!'); // a surrogate pair is one 4-byte character
    expect(T('\x7f\x00')).toBe('@@');
  });

  it('renders numbers as SQLite text', () => {
    expect([T(42), T(-7), T(2n ** 63n), T(1.5), T(0.1), T(1.5e-7), T(1e300), T(true)]).toEqual([
      '42', '-7', '9223372036854775808', '1.5', '0.1', '1.5e-07', '1.0e+300', '1',
    ]);
  });
});

interface SqliteColumnValue {
  kind: 'text' | 'real' | 'int';
  value: string;
  int: number;
  real: string;
  text: string;
}

describe('slt format: agrees with SQLite 3.40.1 (fixtures/sqlite-column-values.json)', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/sqlite-column-values.json', import.meta.url), 'utf8')) as {
    sqlite: string;
    values: SqliteColumnValue[];
  };
  const view = new DataView(new ArrayBuffer(8));
  const valueOf = (row: SqliteColumnValue): SltValue => {
    if (row.kind === 'text') return row.value;
    if (row.kind === 'int') return BigInt(row.value);
    view.setBigUint64(0, BigInt(`0x${row.value}`));
    return view.getFloat64(0);
  };

  it('has the fixture', () => {
    expect(fixture.values.length).toBeGreaterThan(300);
  });

  it('I is sqlite3_column_int and R is %.3f of sqlite3_column_double', () => {
    const wrong = fixture.values.filter((row) => I(valueOf(row)) !== String(row.int) || R(valueOf(row)) !== row.real);
    expect(wrong).toEqual([]);
  });

  it('T is sqlite3_column_text for text and integers', () => {
    const rows = fixture.values.filter((row) => row.kind !== 'real');
    const wrong = rows.filter((row) => {
      const bytes = new TextEncoder().encode(row.text);
      const want = bytes.length === 0 ? '(empty)' : Array.from(bytes, (b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '@')).join('');
      return T(valueOf(row)) !== want;
    });
    expect(wrong).toEqual([]);
  });
});

describe('slt format: sorting', () => {
  it('compares like strcmp: "10" before "9", "NULL" among the rest', () => {
    expect(sortValues(['9', '10', 'NULL', '-1', '100'], 1, 'valuesort')).toEqual(['-1', '10', '100', '9', 'NULL']);
  });

  it('nosort keeps the engine order', () => {
    expect(sortValues(['b', 'a', 'c', 'd'], 2, 'nosort')).toEqual(['b', 'a', 'c', 'd']);
  });

  it('rowsort sorts whole rows column by column', () => {
    const values = ['2', 'b', '10', 'z', '2', 'a', '10', 'a'];
    expect(sortValues([...values], 2, 'rowsort')).toEqual(['10', 'a', '10', 'z', '2', 'a', '2', 'b']);
  });

  it('valuesort sorts every value on its own', () => {
    expect(sortValues(['2', 'b', '10', 'z', '2', 'a'], 2, 'valuesort')).toEqual(['10', '2', '2', 'a', 'b', 'z']);
  });
});

describe('slt format: hashing', () => {
  it('parses and rejects hash lines', () => {
    expect(parseHashLine('30 values hashing to 3c13dee48d9356ae19af2515e05e6b54')).toEqual({
      count: 30,
      md5: '3c13dee48d9356ae19af2515e05e6b54',
    });
    expect(parseHashLine('30 values hashing to 3C13DEE48D9356AE19AF2515E05E6B54')).toBeUndefined();
    expect(parseHashLine('3 values hashing to abc')).toBeUndefined();
  });

  it('hashes every value followed by \\n', () => {
    // md5("") and md5("a\nb\n")
    expect(hashValues([])).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(hashValues(['a', 'b'])).toBe(hashValues(['a\nb']));
  });

  it("reproduces the README's example: select1.test line 94, 30 values hashing to 3c13dee4…", () => {
    // Table t1 of select1.test: its first 30 statements, INSERT INTO t1…
    const inserts = `
      (e,c,b,d,a) VALUES(103,102,100,101,104)
      (a,c,d,e,b) VALUES(107,106,108,109,105)
      (e,d,b,a,c) VALUES(110,114,112,111,113)
      (d,c,e,a,b) VALUES(116,119,117,115,118)
      (c,d,b,e,a) VALUES(123,122,124,120,121)
      (a,d,b,e,c) VALUES(127,128,129,126,125)
      (e,c,a,d,b) VALUES(132,134,131,133,130)
      (a,d,b,e,c) VALUES(138,136,139,135,137)
      (e,c,d,a,b) VALUES(144,141,140,142,143)
      (b,a,e,d,c) VALUES(145,149,146,148,147)
      (b,c,a,d,e) VALUES(151,150,153,154,152)
      (c,e,a,d,b) VALUES(155,157,159,156,158)
      (c,b,a,d,e) VALUES(161,160,163,164,162)
      (b,d,a,e,c) VALUES(167,169,168,165,166)
      (d,b,c,e,a) VALUES(171,170,172,173,174)
      (e,c,a,d,b) VALUES(177,176,179,178,175)
      (b,e,a,d,c) VALUES(181,180,182,183,184)
      (c,a,b,e,d) VALUES(187,188,186,189,185)
      (d,b,c,e,a) VALUES(190,194,193,192,191)
      (a,e,b,d,c) VALUES(199,197,198,196,195)
      (b,c,d,a,e) VALUES(200,202,203,201,204)
      (c,e,a,b,d) VALUES(208,209,205,206,207)
      (c,e,a,d,b) VALUES(214,210,213,212,211)
      (b,c,a,d,e) VALUES(218,215,216,217,219)
      (b,e,d,a,c) VALUES(223,221,222,220,224)
      (d,e,b,a,c) VALUES(226,227,228,229,225)
      (a,c,b,e,d) VALUES(234,231,232,230,233)
      (e,b,a,c,d) VALUES(237,236,239,235,238)
      (e,c,b,a,d) VALUES(242,244,240,243,241)
      (e,d,c,b,a) VALUES(246,248,247,249,245)
    `;
    const t1 = [...inserts.matchAll(/\(([a-e,]+)\) VALUES\(([\d,]+)\)/g)].map((m) => {
      const names = m[1]!.split(',');
      const values = m[2]!.split(',').map(Number);
      return ['a', 'b', 'c'].map((name) => values[names.indexOf(name)]!) as [number, number, number];
    });
    expect(t1).toHaveLength(30);
    // SELECT CASE WHEN c>(SELECT avg(c) FROM t1) THEN a*2 ELSE b*10 END FROM t1 ORDER BY 1
    const avg = t1.reduce((sum, row) => sum + row[2], 0) / t1.length;
    const result = t1.map(([a, b, c]) => (c > avg ? a * 2 : b * 10)).sort((x, y) => x - y);
    const values = sortValues(result.map((v) => renderValue(v, 'I')), 1, 'nosort');
    expect(`${values.length} values hashing to ${hashValues(values)}`).toBe('30 values hashing to 3c13dee48d9356ae19af2515e05e6b54');
  });

  it('reproduces a rowsort hash: random/aggregates/slt_good_0.test line 55', () => {
    // tab2 rows (64,77,40), (75,67,58), (46,51,23); SELECT DISTINCT * FROM tab2 WHERE - col2 + col1 IS NOT NULL
    const engineOrder = [64, 77, 40, 75, 67, 58, 46, 51, 23].map((v) => renderValue(v, 'I'));
    const values = sortValues(engineOrder, 3, 'rowsort');
    expect(values).toEqual(['46', '51', '23', '64', '77', '40', '75', '67', '58']);
    expect(hashValues(values)).toBe('75c998aa53ac83218cbf2feb962d0a49');
  });
});
