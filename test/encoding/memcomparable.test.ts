// Tests of the memcomparable key encoding: edge values with exact bytes where
// the format matters, seeded property tests against an independent model of
// PostgreSQL's ordering, and the errors bad input and corrupt keys raise.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  decodeKey,
  encodeInt64KeyInto,
  encodeKey,
  encodeKeyInto,
  encodedKeySize,
  keyEquals,
  int64KeyEqualsAt,
  keyEqualsAt,
  type KeyColumn,
  type KeyType,
  type KeyValue,
} from '../../src/encoding/index.ts';
import { FlintError, SqlState } from '../../src/errors.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TYPES: readonly KeyType[] = ['bool', 'int64', 'float64', 'text', 'bytes', 'numeric'];

// ---- helpers -------------------------------------------------------------------

function enc(column: KeyColumn, value: KeyValue): Uint8Array {
  return encodeKey([column], [value]);
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Asserts the encodings of `values` (in one column) sort strictly in the given order. */
function expectStrictlyAscending(column: KeyColumn, values: readonly KeyValue[]): void {
  const keys = values.map((v) => enc(column, v));
  for (let i = 0; i + 1 < keys.length; i++) {
    const c = compareKeys(keys[i]!, keys[i + 1]!);
    if (c !== -1) {
      throw new Error(`expected ${show(values[i]!)} < ${show(values[i + 1]!)} in ${JSON.stringify(column)}`);
    }
  }
}

function show(v: KeyValue): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `[${Array.from(v).join(',')}]`;
  if (Object.is(v, -0)) return '-0';
  return JSON.stringify(v) ?? String(v);
}

/** Runs fn and returns the FlintError it throws; fails if it throws nothing or something else. */
function flintError(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FlintError) return e;
    throw e;
  }
  throw new Error('expected a FlintError, but nothing was thrown');
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

// ---- an independent model of PostgreSQL's order ----------------------------------

function nullsFirst(column: KeyColumn): boolean {
  return column.nulls === undefined ? column.descending === true : column.nulls === 'first';
}

function compareLex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return sign(a.length - b.length);
}

function codePoints(s: string): number[] {
  return Array.from(s, (ch) => ch.codePointAt(0)!);
}

function compareNonNull(type: KeyType, a: Exclude<KeyValue, null>, b: Exclude<KeyValue, null>): number {
  switch (type) {
    case 'numeric':
      return compareDecimalText(a as string, b as string);
    case 'bool':
      return sign(Number(a) - Number(b));
    case 'int64': {
      const x = BigInt(a as bigint | number);
      const y = BigInt(b as bigint | number);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'float64': {
      // PostgreSQL float8: NaN = NaN, NaN above everything else, -0 = 0.
      const x = a as number;
      const y = b as number;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'text': // "C" collation: Unicode code point order.
      return compareLex(codePoints(a as string), codePoints(b as string));
    case 'bytes':
      return compareLex(a as Uint8Array, b as Uint8Array);
  }
}

function modelCompareColumn(column: KeyColumn, a: KeyValue, b: KeyValue): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst(column) ? -1 : 1;
  }
  const c = compareNonNull(column.type, a, b);
  return column.descending === true ? -c : c;
}

function modelCompare(columns: readonly KeyColumn[], a: readonly KeyValue[], b: readonly KeyValue[]): number {
  for (let i = 0; i < columns.length; i++) {
    const c = modelCompareColumn(columns[i]!, a[i]!, b[i]!);
    if (c !== 0) return sign(c);
  }
  return 0;
}

/** What decodeKey gives back for a value: int64 as bigint, -0 as +0. */
function canonical(column: KeyColumn, v: KeyValue): KeyValue {
  if (v === null) return null;
  if (column.type === 'int64') return BigInt(v as bigint | number);
  if (column.type === 'float64' && Object.is(v, -0)) return 0;
  if (column.type === 'numeric') return normalizeDecimal(v as string);
  return v;
}

// ---- arbitraries ------------------------------------------------------------------
// Each mixes the full domain with a few values that often collide, so equal
// values and shared prefixes (the cases that break encodings) come up often.

const FLOAT_EDGES = [
  -Infinity,
  -Number.MAX_VALUE,
  -1,
  -Number.MIN_VALUE,
  -0,
  0,
  Number.MIN_VALUE,
  1,
  Number.MAX_VALUE,
  Infinity,
  NaN,
];

const valueArbs: Record<KeyType, fc.Arbitrary<KeyValue>> = {
  numeric: fc.oneof(
    fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.integer({ min: 0, max: 10 })).map(([n, c, s]) => formatDecimal(n, c, s)),
    fc.constantFrom('NaN', 'Infinity', '-Infinity', '0', '-0.0'),
  ),
  bool: fc.boolean(),
  int64: fc.oneof(
    fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
    fc.constantFrom(INT64_MIN, INT64_MIN + 1n, -1n, 0n, 1n, INT64_MAX - 1n, INT64_MAX),
    fc.maxSafeInteger(),
    fc.integer({ min: -2, max: 2 }),
    fc.integer({ min: -2, max: 2 }).map((n) => BigInt(n)),
  ),
  float64: fc.oneof(fc.double(), fc.constantFrom(...FLOAT_EDGES), fc.integer({ min: -2, max: 2 })),
  text: fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({
      unit: fc.constantFrom('\0', '\x01', 'a', 'b', '\u00e9', '\uffff', '\u{10000}', '\u{10ffff}'),
      maxLength: 4,
    }),
  ),
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.array(fc.constantFrom(0x00, 0x01, 0xfe, 0xff), { maxLength: 4 }).map((a) => Uint8Array.from(a)),
  ),
};

const columnArb: fc.Arbitrary<KeyColumn> = fc.record({
  type: fc.constantFrom(...TYPES),
  descending: fc.boolean(),
  nulls: fc.constantFrom<'first' | 'last' | undefined>(undefined, 'first', 'last'),
});

function rowArb(columns: readonly KeyColumn[]): fc.Arbitrary<KeyValue[]> {
  return fc.tuple(...columns.map((c) => fc.option(valueArbs[c.type], { freq: 6 })));
}

/** A schema and two rows that share a random subset of their values. */
const schemaAndTwoRows = fc.array(columnArb, { minLength: 1, maxLength: 5 }).chain((columns) =>
  fc
    .tuple(
      rowArb(columns),
      rowArb(columns),
      fc.array(fc.boolean(), { minLength: columns.length, maxLength: columns.length }),
    )
    .map(([a, b, same]) => ({ columns, a, b: b.map((v, i) => (same[i] === true ? a[i]! : v)) })),
);

// ---- unit tests: each type -----------------------------------------------------------

describe('int64', () => {
  const col: KeyColumn = { type: 'int64' };

  it('writes the sign-flipped big-endian bytes', () => {
    expect(enc(col, 0n)).toEqual(bytes(0x20, 0x80, 0, 0, 0, 0, 0, 0, 0));
    expect(enc(col, INT64_MIN)).toEqual(bytes(0x20, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(enc(col, INT64_MAX)).toEqual(bytes(0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(enc(col, -1n)).toEqual(bytes(0x20, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
  });

  it('orders edge values', () => {
    expectStrictlyAscending(col, [
      INT64_MIN,
      INT64_MIN + 1n,
      -(2n ** 53n),
      -(2n ** 32n) - 1n,
      -(2n ** 32n),
      -1n,
      0n,
      1n,
      2n ** 31n,
      2n ** 32n,
      2n ** 53n,
      INT64_MAX - 1n,
      INT64_MAX,
    ]);
  });

  it('encodes a safe-integer number exactly like the same bigint', () => {
    const numbers = [0, -0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32) - 1];
    for (const n of [...numbers, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(enc(col, n)).toEqual(enc(col, BigInt(n)));
    }
  });

  it('encodeInt64KeyInto writes what encodeKeyInto writes, and takes only safe-integer numbers of an int64 column (property)', () => {
    const columns: KeyColumn[] = [col, { type: 'int64', descending: true }, { type: 'int64', nulls: 'first' }, { type: 'int64', descending: true, nulls: 'last' }];
    const edges = [0, -0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    fc.assert(
      fc.property(fc.constantFrom(...columns), fc.oneof(fc.constantFrom(...edges), fc.maxSafeInteger(), fc.integer()), fc.nat(20), (column, value, offset) => {
        const fast = new Uint8Array(offset + 12).fill(0xaa);
        const slow = new Uint8Array(offset + 12).fill(0xaa);
        expect(encodeInt64KeyInto(column, value, fast, offset)).toBe(true);
        expect(encodeKeyInto([column], [value], slow, offset)).toBe(9);
        expect(fast).toEqual(slow);
      }),
      { seed: 8, numRuns: 2000 },
    );
    const out = new Uint8Array(12).fill(0xaa);
    for (const [column, value] of [
      [col, 2 ** 53],
      [col, 1.5],
      [col, 5n],
      [col, null],
      [col, Number.NaN],
      [{ type: 'float64' }, 1],
      [{ type: 'text' }, 'x'],
    ] as [KeyColumn, KeyValue][]) {
      expect(encodeInt64KeyInto(column, value, out, 0)).toBe(false);
    }
    expect(out.every((b) => b === 0xaa)).toBe(true);
  });

  it('decodes to bigint', () => {
    for (const v of [INT64_MIN, -1n, 0n, 1n, INT64_MAX]) expect(decodeKey([col], enc(col, v))).toEqual([v]);
    expect(decodeKey([col], enc(col, -42))).toEqual([-42n]);
  });
});

describe('float64', () => {
  const col: KeyColumn = { type: 'float64' };

  it('orders -Inf < -MAX < -1 < -MIN_VALUE < 0 < MIN_VALUE < 1 < MAX < Inf < NaN', () => {
    expectStrictlyAscending(col, FLOAT_EDGES.filter((v) => !Object.is(v, -0)));
  });

  it('treats -0 as 0 and decodes it as +0', () => {
    expect(enc(col, -0)).toEqual(enc(col, 0));
    const [v] = decodeKey([col], enc(col, -0));
    expect(Object.is(v, 0)).toBe(true);
  });

  it('writes every NaN as the one canonical NaN, above +Infinity', () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, 0xfff80000); // negative quiet NaN
    const negativeNaN = view.getFloat64(0);
    view.setUint32(0, 0x7ff00000);
    view.setUint32(4, 1); // signalling NaN with a payload
    const payloadNaN = view.getFloat64(0);
    const canonicalKey = bytes(0x30, 0xff, 0xf8, 0, 0, 0, 0, 0, 0);
    for (const nan of [NaN, 0 / 0, negativeNaN, payloadNaN]) expect(enc(col, nan)).toEqual(canonicalKey);
    expect(compareKeys(enc(col, Infinity), canonicalKey)).toBe(-1);
    expect(decodeKey([col], canonicalKey)).toEqual([NaN]);
  });

  it('round-trips edge values', () => {
    for (const v of [...FLOAT_EDGES, 0.1, -1e-300, 1e300, Math.PI]) {
      expect(decodeKey([col], enc(col, v))).toEqual([Object.is(v, -0) ? 0 : v]);
    }
  });
});

describe('text', () => {
  const col: KeyColumn = { type: 'text' };

  it('escapes 0x00 and terminates with 0x00 0x01', () => {
    expect(enc(col, '')).toEqual(bytes(0x40, 0x00, 0x01));
    expect(enc(col, '\0')).toEqual(bytes(0x40, 0x00, 0xff, 0x00, 0x01));
    expect(enc(col, 'a\0b')).toEqual(bytes(0x40, 0x61, 0x00, 0xff, 0x62, 0x00, 0x01));
    expect(enc(col, '\u{1f600}')).toEqual(bytes(0x40, 0xf0, 0x9f, 0x98, 0x80, 0x00, 0x01));
  });

  it('orders by code point, prefixes first', () => {
    expectStrictlyAscending(col, [
      '',
      '\0',
      '\0\0',
      '\0\x01',
      '\x01',
      'a',
      'a\0',
      'a\0\0',
      'a\x01',
      'ab',
      'b',
      '\u00e9',
      '\uffff',
      '\u{10000}', // below U+FFFF in JavaScript's UTF-16 order, above it in code point order
      '\u{10ffff}',
    ]);
    expect('\u{10000}' < '\uffff').toBe(true); // why the model compares code points
  });

  it('round-trips NULs, non-BMP characters and a leading BOM', () => {
    for (const s of ['', '\0', '\0\0\0', 'a\0b\0', '\u{1f600}x\u{10ffff}', '\ufeffbom', '\ufeff', 'héllo wörld']) {
      expect(decodeKey([col], enc(col, s))).toEqual([s]);
      expect(decodeKey([{ type: 'text', descending: true }], enc({ type: 'text', descending: true }, s))).toEqual([s]);
    }
  });

  it('round-trips a long string with many escapes in both directions', () => {
    const char = (i: number): string =>
      i % 7 === 0 ? '\0' : i % 11 === 0 ? '\u{1f600}' : String.fromCharCode(97 + (i % 26));
    const s = Array.from({ length: 5000 }, (_, i) => char(i)).join('');
    for (const descending of [false, true]) {
      const c: KeyColumn = { type: 'text', descending };
      expect(decodeKey([c], enc(c, s))).toEqual([s]);
    }
  });

  it('sizes a key as UTF-8 bytes + escapes + tag + terminator', () => {
    expect(encodedKeySize([col], ['a\0\u00e9\u20ac\u{1f600}'])).toBe(1 + (1 + 2 + 2 + 3 + 4) + 2);
  });
});

describe('bytes', () => {
  const col: KeyColumn = { type: 'bytes' };

  it('escapes 0x00, leaves 0xFF alone', () => {
    expect(enc(col, bytes())).toEqual(bytes(0x50, 0x00, 0x01));
    expect(enc(col, bytes(0x00, 0xff))).toEqual(bytes(0x50, 0x00, 0xff, 0xff, 0x00, 0x01));
  });

  it('orders lexicographically, prefixes first', () => {
    expectStrictlyAscending(col, [
      bytes(),
      bytes(0),
      bytes(0, 0),
      bytes(0, 1),
      bytes(0, 0xff),
      bytes(1),
      bytes(0xfe),
      bytes(0xff),
      bytes(0xff, 0),
      bytes(0xff, 0xff),
    ]);
  });

  it('round-trips, and the result does not alias the key', () => {
    const value = bytes(0, 0xff, 0, 0, 7, 0xff);
    for (const descending of [false, true]) {
      const c: KeyColumn = { type: 'bytes', descending };
      const key = enc(c, value);
      const [decoded] = decodeKey([c], key);
      expect(decoded).toEqual(value);
      key.fill(0x55);
      expect(decoded).toEqual(value);
    }
    const plain = enc(col, bytes(1, 2, 3));
    const [decoded] = decodeKey([col], plain);
    plain.fill(0);
    expect(decoded).toEqual(bytes(1, 2, 3));
  });
});

describe('bool', () => {
  it('orders false < true and round-trips', () => {
    expectStrictlyAscending({ type: 'bool' }, [false, true]);
    expectStrictlyAscending({ type: 'bool', descending: true }, [true, false]);
    expect(enc({ type: 'bool' }, true)).toEqual(bytes(0x10, 0x01));
    const columns: KeyColumn[] = [{ type: 'bool' }, { type: 'bool', descending: true }];
    expect(decodeKey(columns, encodeKey(columns, [true, false]))).toEqual([true, false]);
  });
});

// ---- direction and NULLs ----------------------------------------------------------------

describe('descending', () => {
  it('reverses the order of every type', () => {
    expectStrictlyAscending({ type: 'int64', descending: true }, [INT64_MAX, 1n, 0n, -1n, INT64_MIN]);
    expectStrictlyAscending({ type: 'float64', descending: true }, [
      NaN,
      Infinity,
      1,
      Number.MIN_VALUE,
      0,
      -Number.MIN_VALUE,
      -1,
      -Infinity,
    ]);
    expectStrictlyAscending({ type: 'text', descending: true }, ['b', 'ab', 'a\x01', 'a\0', 'a', '\0', '']);
    const descendingBytes = [bytes(0xff, 0xff), bytes(0xff), bytes(1), bytes(0, 0), bytes(0), bytes()];
    expectStrictlyAscending({ type: 'bytes', descending: true }, descendingBytes);
  });

  it('inverts the payload and terminator but not the tag', () => {
    expect(enc({ type: 'text', descending: true }, 'a')).toEqual(bytes(0x41, 0x9e, 0xff, 0xfe));
    const zeroDesc = bytes(0x21, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(enc({ type: 'int64', descending: true }, 0n)).toEqual(zeroDesc);
  });
});

describe('nulls', () => {
  const greatest: Record<KeyType, KeyValue> = {
    bool: true,
    int64: INT64_MAX,
    float64: NaN,
    text: '\u{10ffff}\u{10ffff}',
    bytes: bytes(0xff, 0xff),
    numeric: 'NaN',
  };
  const least: Record<KeyType, KeyValue> = { numeric: '-Infinity', bool: false, int64: INT64_MIN, float64: -Infinity, text: '', bytes: bytes() };

  it('sort last ascending and first descending by default, as in PostgreSQL', () => {
    for (const type of TYPES) {
      expectStrictlyAscending({ type }, [least[type]!, greatest[type]!, null]);
      expectStrictlyAscending({ type, descending: true }, [null, greatest[type]!, least[type]!]);
    }
    expect(enc({ type: 'int64' }, null)).toEqual(bytes(0xfe));
    expect(enc({ type: 'int64', descending: true }, null)).toEqual(bytes(0x01));
  });

  it('follow an explicit nulls option in either direction', () => {
    for (const type of TYPES) {
      expectStrictlyAscending({ type, nulls: 'first' }, [null, least[type]!, greatest[type]!]);
      expectStrictlyAscending({ type, nulls: 'last' }, [least[type]!, greatest[type]!, null]);
      expectStrictlyAscending({ type, descending: true, nulls: 'first' }, [null, greatest[type]!, least[type]!]);
      expectStrictlyAscending({ type, descending: true, nulls: 'last' }, [greatest[type]!, least[type]!, null]);
    }
  });

  it('round-trip', () => {
    const columns: KeyColumn[] = TYPES.map((type, i) => ({
      type,
      descending: i % 2 === 1,
      nulls: i % 3 === 0 ? 'first' : 'last',
    }));
    const values = columns.map(() => null);
    expect(decodeKey(columns, encodeKey(columns, values))).toEqual(values);
  });
});

// ---- composite keys ----------------------------------------------------------------------

describe('composite keys', () => {
  const textText: KeyColumn[] = [{ type: 'text' }, { type: 'text' }];

  it('compare the first column before the second, whatever the lengths', () => {
    const order: [string, string][] = [
      ['', 'zzz'],
      ['\0', ''],
      ['a', ''],
      ['a', 'b'],
      ['a\0', ''],
      ['ab', ''],
      ['ab', 'a'],
      ['b', ''],
    ];
    for (let i = 0; i + 1 < order.length; i++) {
      expect(compareKeys(encodeKey(textText, order[i]!), encodeKey(textText, order[i + 1]!))).toBe(-1);
    }
  });

  it('mix types, directions and NULLs', () => {
    const columns: KeyColumn[] = [
      { type: 'bytes' },
      { type: 'int64', descending: true },
      { type: 'text', nulls: 'first' },
    ];
    const rows: KeyValue[][] = [
      [bytes(0), 5n, null],
      [bytes(0), 5n, ''],
      [bytes(0), 5n, 'x'],
      [bytes(0), -5n, null],
      [bytes(0, 0), 9n, 'a'],
      [bytes(1), INT64_MAX, 'a'],
      [null, INT64_MAX, null],
    ];
    for (let i = 0; i + 1 < rows.length; i++) {
      expect(compareKeys(encodeKey(columns, rows[i]!), encodeKey(columns, rows[i + 1]!))).toBe(-1);
    }
    for (const row of rows) expect(decodeKey(columns, encodeKey(columns, row))).toEqual(row);
  });

  it('have the encoding of a column prefix as a byte prefix, bounded by prefix+0x00 and prefix+0xFF', () => {
    const columns: KeyColumn[] = [{ type: 'int64' }, { type: 'text', descending: true }, { type: 'float64' }];
    const full = encodeKey(columns, [7n, 'abc', 1.5]);
    const prefix = encodeKey(columns.slice(0, 2), [7n, 'abc']);
    expect(full.subarray(0, prefix.length)).toEqual(prefix);
    const low = Uint8Array.from([...prefix, 0x00]);
    const high = Uint8Array.from([...prefix, 0xff]);
    for (const last of [null, -Infinity, 0, NaN]) {
      const key = encodeKey(columns, [7n, 'abc', last]);
      expect(compareKeys(low, key)).toBe(-1);
      expect(compareKeys(key, high)).toBe(-1);
    }
  });

  it('allow zero columns', () => {
    expect(encodeKey([], [])).toEqual(bytes());
    expect(decodeKey([], bytes())).toEqual([]);
  });
});

// ---- encodeKeyInto, sizes, decode ranges ---------------------------------------------------------

describe('encodeKeyInto', () => {
  const columns: KeyColumn[] = [{ type: 'text' }, { type: 'int64', descending: true }];
  const values: KeyValue[] = ['k\0y', -3];
  const expected = encodeKey(columns, values);

  it('writes the same bytes at the offset and nothing else', () => {
    const out = new Uint8Array(64).fill(0xaa);
    const n = encodeKeyInto(columns, values, out, 10);
    expect(n).toBe(expected.length);
    expect(out.subarray(10, 10 + n)).toEqual(expected);
    expect(out.subarray(0, 10).every((b) => b === 0xaa)).toBe(true);
    expect(out.subarray(10 + n).every((b) => b === 0xaa)).toBe(true);
  });

  it('fits exactly, and refuses one byte less without writing', () => {
    const exact = new Uint8Array(expected.length + 3);
    expect(encodeKeyInto(columns, values, exact, 3)).toBe(expected.length);
    const short = new Uint8Array(expected.length + 2).fill(0xaa);
    const err = flintError(() => encodeKeyInto(columns, values, short, 3));
    expect(err.code).toBe(SqlState.programLimitExceeded);
    expect(err.message).toContain(`needs ${expected.length} bytes`);
    expect(short.every((b) => b === 0xaa)).toBe(true);
  });

  it('agrees with encodedKeySize', () => {
    expect(encodedKeySize(columns, values)).toBe(expected.length);
  });
});

describe('decodeKey', () => {
  it('reads a key from the middle of a larger buffer', () => {
    const columns: KeyColumn[] = [{ type: 'bytes' }, { type: 'float64', descending: true }];
    const key = encodeKey(columns, [bytes(0, 1), -2.5]);
    const buffer = new Uint8Array(key.length + 8).fill(0x33);
    buffer.set(key, 5);
    expect(decodeKey(columns, buffer, 5, key.length)).toEqual([bytes(0, 1), -2.5]);
  });
});

// ---- property tests ---------------------------------------------------------------------------

describe('properties', () => {
  for (const [i, type] of TYPES.entries()) {
    it(`${type}: byte order matches the model`, () => {
      const arb = fc.tuple(
        columnArb.map((c) => ({ ...c, type })),
        fc.option(valueArbs[type], { freq: 6 }),
        fc.option(valueArbs[type], { freq: 6 }),
      );
      fc.assert(
        fc.property(arb, ([column, a, b]) => {
          expect(sign(compareKeys(enc(column, a), enc(column, b)))).toBe(sign(modelCompareColumn(column, a, b)));
        }),
        { seed: 42 + i, numRuns: 2000 },
      );
    });
  }

  it('composite keys: byte order matches the model', () => {
    fc.assert(
      fc.property(schemaAndTwoRows, ({ columns, a, b }) => {
        const ka = encodeKey(columns, a);
        const kb = encodeKey(columns, b);
        expect(sign(compareKeys(ka, kb))).toBe(modelCompare(columns, a, b));
      }),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('composite keys: decode(encode(x)) round-trips', () => {
    fc.assert(
      fc.property(schemaAndTwoRows, ({ columns, a }) => {
        expect(decodeKey(columns, encodeKey(columns, a))).toEqual(a.map((v, i) => canonical(columns[i]!, v)));
      }),
      { seed: 4343, numRuns: 2000 },
    );
  });

  it('composite keys: encodeKeyInto and encodedKeySize agree with encodeKey', () => {
    fc.assert(
      fc.property(schemaAndTwoRows, fc.nat({ max: 16 }), ({ columns, a }, offset) => {
        const key = encodeKey(columns, a);
        expect(encodedKeySize(columns, a)).toBe(key.length);
        const out = new Uint8Array(offset + key.length);
        expect(encodeKeyInto(columns, a, out, offset)).toBe(key.length);
        expect(out.subarray(offset)).toEqual(key);
      }),
      { seed: 4444, numRuns: 1000 },
    );
  });
});

// ---- errors -----------------------------------------------------------------------------------

describe('errors on bad values', () => {
  const cases: [KeyType, KeyValue | undefined][] = [
    ['bool', 1],
    ['bool', 'true'],
    ['int64', '1'],
    ['int64', true],
    ['float64', 1n],
    ['float64', '1.5'],
    ['text', 1],
    ['text', bytes(0x61)],
    ['bytes', 'abc'],
    ['bytes', [1, 2] as unknown as KeyValue],
    ['text', undefined],
  ];

  for (const [type, value] of cases) {
    it(`${type} rejects ${typeof value} ${String(value)}`, () => {
      const columns: KeyColumn[] = [{ type: 'int64' }, { type }];
      const err = flintError(() => encodeKey(columns, [1n, value as KeyValue]));
      expect(err.code).toBe(SqlState.invalidParameterValue);
      expect(err.message).toContain(`column 1 (${type})`);
    });
  }

  it('rejects int64 values out of range', () => {
    const col: KeyColumn = { type: 'int64' };
    for (const v of [INT64_MAX + 1n, INT64_MIN - 1n, 2n ** 64n, 2 ** 53, -(2 ** 63), Infinity, -Infinity]) {
      const err = flintError(() => encodeKey([col], [v]));
      expect(err.code).toBe(SqlState.numericValueOutOfRange);
      expect(err.message).toContain('column 0 (int64)');
    }
    expect(decodeKey([col], enc(col, INT64_MAX))).toEqual([INT64_MAX]);
  });

  it('rejects int64 numbers that are not integers', () => {
    for (const v of [1.5, -0.25, NaN]) {
      const err = flintError(() => encodeKey([{ type: 'int64' }], [v]));
      expect(err.code).toBe(SqlState.invalidParameterValue);
      expect(err.message).toContain('column 0 (int64)');
    }
  });

  it('rejects lone surrogates in text', () => {
    for (const s of ['\ud800', 'a\ud800b', '\udc00', 'x\udfff', '\udc00\ud800']) {
      const err = flintError(() => encodeKey([{ type: 'text' }], [s]));
      expect(err.code).toBe(SqlState.invalidParameterValue);
      expect(err.message).toContain('surrogate');
    }
  });

  it('rejects a value count that differs from the column count', () => {
    expect(flintError(() => encodeKey([{ type: 'int64' }], [1n, 2n])).code).toBe(SqlState.invalidParameterValue);
    expect(flintError(() => encodeKey([{ type: 'int64' }], [])).code).toBe(SqlState.invalidParameterValue);
    expect(flintError(() => encodedKeySize([], [null])).code).toBe(SqlState.invalidParameterValue);
  });

  it('checks values in encodeKeyInto before writing', () => {
    const out = new Uint8Array(32).fill(0xaa);
    const err = flintError(() => encodeKeyInto([{ type: 'text' }, { type: 'int64' }], ['fine', 1.5], out, 0));
    expect(err.code).toBe(SqlState.invalidParameterValue);
    expect(out.every((b) => b === 0xaa)).toBe(true);
  });
});

describe('errors on corrupt keys', () => {
  const corrupt: [string, KeyColumn[], Uint8Array][] = [
    ['an empty key', [{ type: 'int64' }], bytes()],
    ['a truncated int64', [{ type: 'int64' }], bytes(0x20, 0x80, 0)],
    ['a missing bool byte', [{ type: 'bool' }], bytes(0x10)],
    ['a bool byte of 2', [{ type: 'bool' }], bytes(0x10, 0x02)],
    ['another type tag', [{ type: 'int64' }], enc({ type: 'float64' }, 1)],
    ['the other direction', [{ type: 'text' }], enc({ type: 'text', descending: true }, 'a')],
    ['the other null tag', [{ type: 'text' }], bytes(0x01)],
    ['a tag of 0x00', [{ type: 'bytes' }], bytes(0x00)],
    ['trailing bytes', [{ type: 'bool' }], bytes(0x10, 0x01, 0x00)],
    ['a missing terminator', [{ type: 'text' }], bytes(0x40, 0x61, 0x62)],
    ['a half terminator', [{ type: 'bytes' }], bytes(0x50, 0x61, 0x00)],
    ['an invalid escape', [{ type: 'bytes' }], bytes(0x50, 0x00, 0x02, 0x00, 0x01)],
    ['invalid UTF-8', [{ type: 'text' }], bytes(0x40, 0xc3, 0x28, 0x00, 0x01)],
    ['UTF-8 of a surrogate', [{ type: 'text' }], bytes(0x40, 0xed, 0xa0, 0x80, 0x00, 0x01)],
    ['a -0 float', [{ type: 'float64' }], bytes(0x30, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
    ['a NaN with a payload', [{ type: 'float64' }], bytes(0x30, 0xff, 0xf8, 0, 0, 0, 0, 0, 1)],
    ['a second column missing', [{ type: 'int64' }, { type: 'text' }], enc({ type: 'int64' }, 1n)],
  ];

  for (const [what, columns, key] of corrupt) {
    it(`reports ${what} as indexCorrupted`, () => {
      const err = flintError(() => decodeKey(columns, key));
      expect(err.code).toBe(SqlState.indexCorrupted);
      expect(err.message).toContain('corrupt key');
    });
  }

  it('names the column and byte offset', () => {
    const columns: KeyColumn[] = [{ type: 'int64' }, { type: 'text' }];
    const key = Uint8Array.from([...enc({ type: 'int64' }, 1n), 0x40, 0x61]);
    const err = flintError(() => decodeKey(columns, key));
    expect(err.message).toContain('column 1 (text)');
    expect(err.message).toContain('at byte 10');
  });
});

describe('numeric', () => {
  const col: KeyColumn = { type: 'numeric' };
  const desc: KeyColumn = { type: 'numeric', descending: true };
  // Ascending, as PostgreSQL orders numeric: -Infinity, negatives, 0, positives, Infinity, NaN.
  const ORDERED = [
    '-Infinity', '-1e40', '-12345.6789', '-100', '-99.99', '-1.01', '-1', '-0.101', '-0.1', '-0.000001',
    '0', '0.000001', '0.1', '0.101', '0.11', '1', '1.01', '9', '10', '99.99', '100', '12345.6789', '1e40', 'Infinity', 'NaN',
  ];

  it('orders like PostgreSQL, in both directions', () => {
    expectStrictlyAscending(col, ORDERED);
    expectStrictlyAscending(desc, [...ORDERED].reverse());
  });

  it('gives equal numbers of different scale one key, and decodes the normalized text', () => {
    for (const [a, b] of <[string, string][]>[['1.0', '1.00'], ['0', '-0.000'], ['100', '100.000'], ['0.50', '.5'], ['-2.10', '-2.1'], ['12e2', '1200']]) {
      expect(enc(col, a)).toEqual(enc(col, b));
    }
    expect(decodeKey([col], enc(col, '-012.3400'))).toEqual(['-12.34']);
    expect(decodeKey([col], enc(col, '1200.00'))).toEqual(['1200']);
    expect(decodeKey([col], enc(col, '0.0012'))).toEqual(['0.0012']);
    expect(decodeKey([desc], enc(desc, '-7.25'))).toEqual(['-7.25']);
    expect(decodeKey([col, col], encodeKey([col, col], ['NaN', null]))).toEqual(['NaN', null]);
  });

  it('orders random decimals as their values compare (property, against exact rational comparison)', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }))
      .map(([neg, coef, scale]) => ({ text: formatDecimal(neg, coef, scale), coef: neg ? -coef : coef, scale }));
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const lhs = a.coef * 10n ** BigInt(b.scale);
        const rhs = b.coef * 10n ** BigInt(a.scale);
        const expected = lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
        expect(compareKeys(enc(col, a.text), enc(col, b.text))).toBe(expected);
        expect(compareKeys(enc(desc, a.text), enc(desc, b.text))).toBe(-expected);
        const back = decodeKey([col], enc(col, a.text))[0] as string;
        expect(enc(col, back)).toEqual(enc(col, a.text));
      }),
      { seed: 5150, numRuns: 2000 },
    );
  });

  it('rejects text that is not a number, and corrupt payloads', () => {
    expect(() => enc(col, 'abc')).toThrow(FlintError);
    expect(() => enc(col, 12 as unknown as string)).toThrow(/decimal string/);
    const key = enc(col, '12.5');
    expect(() => decodeKey([col], key.subarray(0, key.length - 1))).toThrow(expect.objectContaining({ code: SqlState.indexCorrupted }));
  });
});

function formatDecimal(negative: boolean, coef: bigint, scale: number): string {
  const digits = coef.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (negative ? '-' : '') + text;
}

/** PostgreSQL's numeric order over decimal text: -Infinity < numbers < Infinity < NaN. */
function compareDecimalText(a: string, b: string): number {
  const rank = (t: string): number => (t === '-Infinity' ? 0 : t === 'Infinity' ? 2 : t === 'NaN' ? 3 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 1 || rb !== 1) return sign(ra - rb);
  const parts = (t: string): [bigint, number] => {
    const [int, frac = ''] = t.replace('-', '').split('.');
    return [BigInt((t.startsWith('-') ? '-' : '') + (int! + frac || '0')), frac.length];
  };
  const [ca, sa] = parts(a);
  const [cb, sb] = parts(b);
  const x = ca * 10n ** BigInt(sb);
  const y = cb * 10n ** BigInt(sa);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Decimal text as decodeKey gives it back: no sign on zero, no leading or trailing zeros. */
function normalizeDecimal(t: string): string {
  if (t === 'NaN' || t === 'Infinity' || t === '-Infinity') return t;
  const negative = t.startsWith('-');
  let [int, frac = ''] = t.replace('-', '').split('.') as [string, string?];
  int = int.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  if (int === '' && frac === '') return '0';
  return (negative ? '-' : '') + (int === '' ? '0' : int) + (frac === '' ? '' : `.${frac}`);
}

describe('keyEquals', () => {
  const columnArb = fc.record({
    type: fc.constantFrom('int64', 'float64', 'text', 'bytes', 'bool') as fc.Arbitrary<KeyColumn['type']>,
    descending: fc.boolean(),
  });
  const valueFor = (type: KeyColumn['type']): fc.Arbitrary<KeyValue> => {
    const v: fc.Arbitrary<KeyValue> =
      type === 'int64' ? fc.oneof(fc.integer({ min: -5, max: 5 }), fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 0, 2 ** 32, -(2 ** 32)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))
      : type === 'float64' ? fc.double()
      : type === 'text' ? fc.string({ maxLength: 6 })
      : type === 'bytes' ? fc.uint8Array({ maxLength: 6 })
      : fc.boolean();
    return fc.oneof({ arbitrary: v, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 });
  };
  const keyArb = fc.array(columnArb, { minLength: 1, maxLength: 4 }).chain((columns) =>
    fc.tuple(fc.constant(columns), fc.tuple(...columns.map((c) => valueFor(c.type))), fc.tuple(...columns.map((c) => valueFor(c.type)))),
  );

  it('says whether the values encode to exactly the given bytes (property)', () => {
    fc.assert(
      fc.property(keyArb, fc.nat({ max: 3 }), ([columns, a, b], pad) => {
        const key = encodeKey(columns, a);
        const other = encodeKey(columns, b);
        // Inside a larger buffer, at an offset.
        const buf = new Uint8Array(pad + other.length + 2).fill(0xaa);
        buf.set(other, pad);
        expect(keyEquals(columns, a, buf, pad, pad + other.length)).toBe(Buffer.from(key).equals(Buffer.from(other)));
        buf.set(key.length <= other.length ? key : key.subarray(0, other.length), pad);
        expect(keyEquals(columns, a, key, 0, key.length)).toBe(true);
        // A prefix or a longer range is never equal.
        if (key.length > 1) expect(keyEquals(columns, a, key, 0, key.length - 1)).toBe(false);
        const longer = new Uint8Array(key.length + 1);
        longer.set(key);
        expect(keyEquals(columns, a, longer, 0, longer.length)).toBe(false);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('compares an int64 number as it encodes (every bit of both words), and validates values as encodedKeySize does', () => {
    const columns: KeyColumn[] = [{ type: 'int64' }, { type: 'int64', descending: true }];
    const key = encodeKey(columns, [7, -3]);
    expect(keyEquals(columns, [7, -3], key, 0, key.length)).toBe(true);
    expect(keyEquals(columns, [7n, -3n], key, 0, key.length)).toBe(true);
    // Every bit of both words, ascending and descending, for values that fill both words.
    for (const values of [[7, -3], [2 ** 40 + 12345, -(2 ** 45) - 7], [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER], [-1, 2 ** 32]]) {
      const k = encodeKey(columns, values);
      expect(keyEquals(columns, values, k, 0, k.length)).toBe(true);
      for (let i = 0; i < k.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const bad = k.slice();
          bad[i] = bad[i]! ^ (1 << bit);
          expect(keyEquals(columns, values, bad, 0, bad.length)).toBe(false);
        }
      }
    }
    expect(() => keyEquals(columns, [7.5, 1], key, 0, key.length)).toThrow(FlintError);
    expect(() => keyEquals(columns, [7], key, 0, key.length)).toThrow(FlintError);
  });

  it('keyEqualsAt reads the values where they lie in a row and answers as keyEquals (property)', () => {
    fc.assert(
      fc.property(keyArb, fc.nat({ max: 3 }), fc.nat({ max: 1000 }), ([columns, a, b], pad, seed) => {
        // The values scattered over a longer row (an undefined hole reads as null), in a shuffled order.
        const n = columns.length;
        const at = Array.from({ length: n }, (_, i) => ((seed + 3 * i) % n) * 2 + 1);
        if (new Set(at).size !== n) at.forEach((_, i) => (at[i] = 2 * i + 1));
        const row: unknown[] = new Array(2 * n + 2).fill('junk');
        for (let i = 0; i < n; i++) row[at[i]!] = a[i] === null && seed % 2 === 0 ? undefined : a[i];
        const other = encodeKey(columns, b);
        const buf = new Uint8Array(pad + other.length + 2).fill(0xaa);
        buf.set(other, pad);
        expect(keyEqualsAt(columns, row, at, buf, pad, pad + other.length)).toBe(keyEquals(columns, a, buf, pad, pad + other.length));
        const key = encodeKey(columns, a);
        expect(keyEqualsAt(columns, row, at, key, 0, key.length)).toBe(true);
        if (key.length > 1) expect(keyEqualsAt(columns, row, at, key, 0, key.length - 1)).toBe(false);
        for (let i = 0; i < key.length; i++) {
          const bad = key.slice();
          bad[i] = bad[i]! ^ 0x10;
          expect(keyEqualsAt(columns, row, at, bad, 0, bad.length)).toBe(keyEquals(columns, a, bad, 0, bad.length));
        }
      }),
      { seed: 43, numRuns: 1000 },
    );
  });

  it('keyEqualsAt splits an int32 number without a division and a wider one with it: the same answers at the word edges', () => {
    // Numbers around the int32 range's ends (split by sign) and the 2^32 words' edges (split by division), -0 as 0.
    const edges = [0, -0, 1, -1, 0x7fff_fffe, 0x7fff_ffff, 0x8000_0000, -0x8000_0000, -0x8000_0001, 0xffff_ffff, 0x1_0000_0000, -0x1_0000_0000, -0x1_0000_0001, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const column of [{ type: 'int64' }, { type: 'int64', descending: true }] as KeyColumn[]) {
      for (const a of edges) {
        for (const b of edges) {
          const key = encodeKey([column], [b]);
          const same = a === b || (Object.is(a, -0) && b === 0) || (a === 0 && Object.is(b, -0));
          expect(keyEqualsAt([column], [a], [0], key, 0, key.length)).toBe(same);
          expect(keyEqualsAt([column], [a], [0], key, 0, key.length)).toBe(keyEquals([column], [a], key, 0, key.length));
        }
      }
    }
  });

  it('int64KeyEqualsAt answers as keyEqualsAt for integers read from a Float64Array (property)', () => {
    const int = fc.oneof(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), fc.constantFrom(0, -0, 0x8000_0000, -0x8000_0001, 2 ** 40, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), int, int, fc.boolean()), { minLength: 1, maxLength: 3 }), fc.nat({ max: 4 }), (cols, from) => {
        const columns: KeyColumn[] = cols.map(([descending]) => (descending ? { type: 'int64', descending: true } : { type: 'int64' }));
        const a = cols.map(([, x]) => x);
        // The other key: each value the same or another.
        const b = cols.map(([, x, y, same]) => (same ? x : y));
        // Value i at values[from + at[i]], at[i] = 8 * (n - 1 - i): scattered, in reverse.
        const n = cols.length;
        const at = cols.map((_, i) => 8 * (n - 1 - i));
        const values = new Float64Array(from + 8 * n).fill(0.5);
        a.forEach((x, i) => (values[from + at[i]!] = x));
        const key = encodeKey(columns, b);
        const buf = new Uint8Array(key.length + 3).fill(0xaa);
        buf.set(key, 2);
        expect(int64KeyEqualsAt(columns, values, from, at, buf, 2, 2 + key.length)).toBe(keyEqualsAt(columns, a, Array.from(a, (_, i) => i), buf, 2, 2 + key.length));
        expect(int64KeyEqualsAt(columns, values, from, at, encodeKey(columns, a), 0, encodeKey(columns, a).length)).toBe(true);
        if (key.length > 9) expect(int64KeyEqualsAt(columns, values, from, at, buf, 2, 2 + key.length - 9)).toBe(false);
      }),
      { seed: 17, numRuns: 1000 },
    );
  });
});
