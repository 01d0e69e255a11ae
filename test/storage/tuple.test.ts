import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { FlintError, SqlState } from '../../src/errors.ts';
import {
  decodeColumn, decodeTuple, decodeTupleInto, encodedRowSize, tupleBytesEqual, encodeTuple, encodeTupleOrSize, encodeTupleTwoPass, setTupleFlags, setTuplePrev, setTupleXmax, setTupleXmin,
  STORAGE_TYPES, TUPLE_COLUMNS_MAX, columnPlan, TUPLE_FROZEN, TUPLE_HEADER_SIZE, TUPLE_OFF_COLUMN_COUNT, TUPLE_OFF_XMAX, TUPLE_UPDATED,
  TUPLE_XMAX_COMMITTED, TUPLE_XMIN_COMMITTED, tupleColumnCount, tupleFlags, tuplePrev, tupleRowId, tupleXmax, tupleXmin, TUPLE_HAS_ROWID,
  type StorageType, type StorageValue,
} from '../../src/storage/tuple.ts';

// ---- helpers ------------------------------------------------------------------

/** A printable form that tells -0 from 0, NaN from NaN-free, bigint from number and bytes from text. */
function show(v: StorageValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? 'num:-0' : `num:${v}`;
  if (typeof v === 'bigint') return `big:${v}`;
  if (typeof v === 'string') return `text:${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return `bool:${v}`;
  return `bytes:${Array.from(v).join(',')}`;
}

/** What a value reads back as: float32 rounds, int64 numbers become bigints. */
function stored(type: StorageType, v: StorageValue): StorageValue {
  if (v === null) return null;
  if (type === 'float32') return Math.fround(v as number);
  if (type === 'int64') return BigInt(v as number | bigint);
  if ((type === 'int16' || type === 'int32') && typeof v === 'bigint') return Number(v);
  if ((type === 'int16' || type === 'int32') && Object.is(v, -0)) return 0;
  return v;
}

function roundTrip(types: StorageType[], values: StorageValue[], at = 0, xmin = 7): { bytes: Uint8Array; size: number } {
  const size = encodedRowSize(types, values);
  const bytes = new Uint8Array(at + size + 16).fill(0xee);
  expect(encodeTuple(types, values, xmin, bytes, at)).toBe(size);
  expect(bytes[at + size]).toBe(0xee); // nothing written past the tuple
  const decoded = decodeTuple(types, bytes, at, size);
  expect(decoded.map(show)).toEqual(values.map((v, i) => show(stored(types[i]!, v))));
  for (let c = 0; c < types.length; c++) expect(show(decodeColumn(types, bytes, at, size, c))).toBe(show(decoded[c]!));
  return { bytes, size };
}

/** The SQLSTATE of the FlintError fn throws; anything else thrown fails the test. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlintError) return err.code;
    throw new Error(`expected a FlintError, got ${String(err)}`);
  }
  return 'no error';
}

function errorOf(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlintError) return err;
    throw new Error(`expected a FlintError, got ${String(err)}`);
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

function encoded(types: StorageType[], values: StorageValue[]): Uint8Array {
  const out = new Uint8Array(encodedRowSize(types, values));
  encodeTuple(types, values, 1, out, 0);
  return out;
}

const utf8 = new TextEncoder();

// ---- round trips ----------------------------------------------------------------

describe('tuple encoding round-trips', () => {
  it('bool', () => {
    roundTrip(['bool', 'bool'], [true, false]);
  });

  it('int16 and int32 at their limits', () => {
    roundTrip(['int16', 'int16', 'int16', 'int16'], [-32768, 32767, 0, -1]);
    roundTrip(['int32', 'int32', 'int32', 'int32'], [-(2 ** 31), 2 ** 31 - 1, 0, -1]);
    roundTrip(['int16', 'int32'], [-0, -0]);
    roundTrip(['int16', 'int32'], [12n, -(2n ** 31n)]);
  });

  it('int64 at its limits, as bigints and as integral numbers', () => {
    roundTrip(['int64', 'int64', 'int64', 'int64'], [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]);
    roundTrip(['int64', 'int64', 'int64'], [Number.MAX_SAFE_INTEGER, -(2 ** 62), -(2 ** 63)]);
  });

  it('float64 special values', () => {
    roundTrip(['float64', 'float64', 'float64', 'float64', 'float64', 'float64', 'float64'], [
      -0, 0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE,
    ]);
    roundTrip(['float64'], [0.1 + 0.2]);
  });

  it('float32 rounds to the nearest float32 and keeps -0, NaN and infinities', () => {
    roundTrip(['float32', 'float32', 'float32', 'float32', 'float32', 'float32'], [-0, NaN, Infinity, -Infinity, 0.1, 3.4e38]);
    const { bytes, size } = roundTrip(['float32'], [0.1]);
    expect(decodeTuple(['float32'], bytes, 0, size)[0]).toBe(Math.fround(0.1));
    expect(decodeTuple(['float32'], encoded(['float32'], [1e40]), 0, TUPLE_HEADER_SIZE + 1 + 4)[0]).toBe(Infinity);
  });

  it('text: empty, ASCII around the short-text boundary, non-ASCII, non-BMP, a leading BOM, NUL', () => {
    roundTrip(['text'], ['']);
    for (const n of [1, 23, 24, 25, 127, 128, 129]) roundTrip(['text'], ['x'.repeat(n)]);
    roundTrip(['text', 'text', 'text'], ['é', 'ünïcödé', '日本語のテキスト']);
    roundTrip(['text', 'text'], ['😀', 'a😀b𝄞c']);
    roundTrip(['text'], ['\uFEFFstarts with a BOM']);
    roundTrip(['text'], ['a\u0000b']);
    roundTrip(['text'], ['\u07FF\u0800\uFFFF\u{10000}\u{10FFFF}']);
  });

  it('text of every length to 80 bytes (the JS decoders for ASCII up to 10 and 64 bytes, TextDecoder past them): ASCII, a non-ASCII character first, in the middle or last, twice in a row', () => {
    for (let n = 0; n <= 80; n++) {
      const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(i === 1 ? 0 : i === 2 ? 0x7f : 33 + ((i * 7) % 90))).join('');
      const other = 'q'.repeat(n);
      // Two columns of one length one after the other: the second is not the first's array.
      roundTrip(['text', 'text', 'text'], [ascii, other, ascii]);
      if (n === 0) continue;
      for (const at of [0, n >> 1, n - 1]) {
        roundTrip(['text'], [ascii.slice(0, at) + 'é' + ascii.slice(at + 1)]);
        roundTrip(['text'], [ascii.slice(0, at) + '€' + ascii.slice(at + 1)]);
      }
    }
  });

  it('text of 11 to 64 bytes that is not UTF-8 is corruption, wherever the bad byte is', () => {
    for (const n of [11, 20, 33, 64]) {
      for (const at of [0, n >> 1, n - 1]) {
        const bytes = encoded(['text'], ['a'.repeat(n)]);
        bytes[bytes.length - n + at] = 0xff;
        expect(codeOf(() => decodeTuple(['text'], bytes, 0, bytes.length))).toBe(SqlState.dataCorrupted);
      }
    }
  });

  it('text and bytes of up to 4000 bytes (multi-byte varint lengths)', () => {
    const ascii = 'abcdefghij'.repeat(400);
    const { bytes } = roundTrip(['text'], [ascii]);
    expect(bytes[TUPLE_HEADER_SIZE + 1]).toBe(0x80 | (4000 & 0x7f)); // varint low group, continuation bit set
    roundTrip(['text'], ['ä'.repeat(2000)]); // 4000 UTF-8 bytes
    roundTrip(['text'], ['😀'.repeat(1000)]); // 4000 UTF-8 bytes
    const blob = new Uint8Array(4000).map((_, i) => (i * 37) & 0xff);
    roundTrip(['bytes', 'bytes'], [blob, new Uint8Array(0)]);
  });

  it('bytes are copied out of the page', () => {
    const { bytes, size } = roundTrip(['bytes'], [new Uint8Array([1, 2, 3])]);
    const value = decodeTuple(['bytes'], bytes, 0, size)[0] as Uint8Array;
    bytes.fill(0);
    expect(Array.from(value)).toEqual([1, 2, 3]);
  });

  it('every type together, at an odd offset', () => {
    roundTrip([...STORAGE_TYPES], [true, -5, 70000, 2n ** 40n, 1.5, Math.PI, 'hi', new Uint8Array([9])], 13);
  });

  it('an empty row is just the header', () => {
    const { size } = roundTrip([], []);
    expect(size).toBe(TUPLE_HEADER_SIZE);
  });

  it('null bitmaps of 1..70 columns', () => {
    for (let n = 1; n <= 70; n++) {
      const types = Array.from({ length: n }, (_, i) => STORAGE_TYPES[i % STORAGE_TYPES.length]!);
      const sample = (i: number): StorageValue => {
        switch (types[i]) {
          case 'bool': return i % 3 === 0;
          case 'int16': return i - 30;
          case 'int32': return i * 1000;
          case 'int64': return BigInt(i) * -(10n ** 12n);
          case 'float32': return i / 4;
          case 'float64': return i / 3;
          case 'text': return `col${i}`;
          default: return new Uint8Array([i, i + 1]);
        }
      };
      const patterns: ((i: number) => boolean)[] = [() => false, () => true, (i) => i % 2 === 0, (i) => i % 7 === 3, (i) => i === n - 1];
      for (const isNull of patterns) {
        const values = types.map((_, i) => (isNull(i) ? null : sample(i)));
        const { bytes, size } = roundTrip(types, values);
        const bitmapBytes = Math.ceil(n / 8);
        for (let i = 0; i < n; i++) {
          expect((bytes[TUPLE_HEADER_SIZE + (i >> 3)]! >> (i & 7)) & 1).toBe(isNull(i) ? 1 : 0);
        }
        if (values.every((v) => v === null)) expect(size).toBe(TUPLE_HEADER_SIZE + bitmapBytes);
      }
    }
  });

  it('reads missing trailing columns of an older, narrower tuple as NULL', () => {
    const old = encoded(['int32', 'text'], [1, 'a']);
    expect(decodeTuple(['int32', 'text', 'int64', 'bool'], old, 0, old.length).map(show)).toEqual(['num:1', 'text:"a"', 'null', 'null']);
    expect(decodeColumn(['int32', 'text', 'int64', 'bool'], old, 0, old.length, 2)).toBe(null);
    expect(tupleColumnCount(new DataView(old.buffer), 0)).toBe(2);
  });

  it('works with views at a byte offset and alternating buffers', () => {
    const backing = new Uint8Array(400);
    const a = backing.subarray(100, 250);
    const b = new Uint8Array(150);
    const types: StorageType[] = ['int64', 'float64', 'text'];
    const rowA: StorageValue[] = [5n, 2.5, 'in a'];
    const rowB: StorageValue[] = [-6n, -0.5, 'in b'];
    const nA = encodeTuple(types, rowA, 3, a, 10);
    const nB = encodeTuple(types, rowB, 4, b, 20);
    expect(decodeTuple(types, a, 10, nA).map(show)).toEqual(rowA.map(show));
    expect(decodeTuple(types, b, 20, nB).map(show)).toEqual(rowB.map(show));
    expect(decodeTuple(types, backing, 110, nA).map(show)).toEqual(rowA.map(show));
    expect(tupleXmin(new DataView(backing.buffer), 110)).toBe(3);
  });
});

// ---- header -----------------------------------------------------------------------

describe('tuple header', () => {
  it('is written with xmin, zero xmax, next and flags, and the column count', () => {
    const out = new Uint8Array(200).fill(0xaa);
    const n = encodeTuple(['int32', 'text'], [1, 'x'], 2 ** 40 + 3, out, 50);
    const view = new DataView(out.buffer);
    expect(tupleXmin(view, 50)).toBe(2 ** 40 + 3);
    expect(tupleXmax(view, 50)).toBe(0);
    expect(tuplePrev(view, 50)).toBe(0);
    expect(tupleFlags(view, 50)).toBe(0);
    expect(tupleColumnCount(view, 50)).toBe(2);
    expect(view.getUint32(50, true)).toBe(3); // low word first
    expect(view.getUint32(54, true)).toBe(2 ** 8);
    expect(n).toBe(TUPLE_HEADER_SIZE + 1 + 4 + 2);
  });

  it('carries a row id after the header when given one, and decodes the row around it', () => {
    const types: StorageType[] = ['int32', 'text', 'int64'];
    const row: StorageValue[] = [7, null, -5n];
    const out = new Uint8Array(200);
    for (const rowId of [0, 1, 2 ** 40 + 9, Number.MAX_SAFE_INTEGER]) {
      const n = encodeTuple(types, row, 3, out, 11, rowId);
      const view = new DataView(out.buffer);
      expect(n).toBe(encodedRowSize(types, row, rowId));
      expect(n).toBe(encodeTuple(types, row, 3, new Uint8Array(200), 0) + 8);
      expect(tupleFlags(view, 11)).toBe(TUPLE_HAS_ROWID);
      expect(tupleRowId(view, 11)).toBe(rowId);
      expect(decodeTuple(types, out, 11, n).map(show)).toEqual(row.map(show));
      expect(show(decodeColumn(types, out, 11, n, 2))).toBe(show(-5n));
      // A wider schema (ADD COLUMN) reads the missing column as NULL.
      expect(decodeTuple([...types, 'bool'], out, 11, n).map(show)).toEqual([...row, null].map(show));
    }
    const plain = encodeTuple(types, row, 3, out, 0);
    expect(tupleRowId(new DataView(out.buffer), 0)).toBe(-1);
    expect(decodeTuple(types, out, 0, plain).map(show)).toEqual(row.map(show));
  });

  it('accessors set and get each field at an absolute offset without touching the row', () => {
    const types: StorageType[] = ['text', 'int64'];
    const row: StorageValue[] = ['keep me', -1n];
    const out = new Uint8Array(300);
    const at = 77;
    const size = encodeTuple(types, row, 1, out, at);
    const view = new DataView(out.buffer);
    for (const v of [0, 1, 0xffffffff, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      setTupleXmin(view, at, v);
      setTupleXmax(view, at, v);
      setTuplePrev(view, at, v);
      expect([tupleXmin(view, at), tupleXmax(view, at), tuplePrev(view, at)]).toEqual([v, v, v]);
    }
    setTupleXmax(view, at, 99);
    setTuplePrev(view, at, 12345);
    setTupleFlags(view, at, TUPLE_XMIN_COMMITTED | TUPLE_XMAX_COMMITTED | TUPLE_UPDATED | TUPLE_FROZEN);
    expect(tupleXmax(view, at)).toBe(99);
    expect(tuplePrev(view, at)).toBe(12345);
    expect(tupleFlags(view, at)).toBe(0x35);
    expect(decodeTuple(types, out, at, size).map(show)).toEqual(row.map(show));
    expect(out.subarray(0, at).every((b) => b === 0)).toBe(true);
  });

  it('a txid field at or beyond 2^53 is corruption', () => {
    const out = encoded(['bool'], [true]);
    const view = new DataView(out.buffer);
    view.setUint32(TUPLE_OFF_XMAX + 4, 0x200000, true);
    expect(codeOf(() => tupleXmax(view, 0))).toBe(SqlState.dataCorrupted);
  });

  it('setters refuse values that are not txids (assertions)', () => {
    const view = new DataView(new Uint8Array(64).buffer);
    expect(() => setTupleXmax(view, 0, -1)).toThrow(/assertion failed/);
    expect(() => setTupleXmin(view, 0, 2 ** 53)).toThrow(/assertion failed/);
    expect(() => setTuplePrev(view, 0, 1.5)).toThrow(/assertion failed/);
    expect(() => setTupleFlags(view, 0, 0x10000)).toThrow(/assertion failed/);
  });
});

// ---- bad input ----------------------------------------------------------------------

describe('tuple encoding rejects bad rows', () => {
  it('values of the wrong type: 22023 naming the column', () => {
    const cases: [StorageType, StorageValue][] = [
      ['bool', 1], ['int16', 1.5], ['int16', '1'], ['int32', NaN], ['int32', true], ['int64', 0.5], ['int64', '5'],
      ['float32', 1n], ['float64', '1.0'], ['text', 5], ['text', new Uint8Array(1)], ['bytes', 'abc'], ['int32', Infinity],
    ];
    for (const [type, value] of cases) {
      const err = errorOf(() => encodedRowSize(['int32', type], [0, value]));
      expect(err.code).toBe(SqlState.invalidParameterValue);
      expect(err.message).toContain('column 1');
    }
  });

  it('integers out of range: 22003 naming the column', () => {
    const cases: [StorageType, StorageValue][] = [
      ['int16', 40000], ['int16', -32769], ['int16', 32768n], ['int32', 2 ** 31], ['int32', -(2 ** 31) - 1],
      ['int64', 2n ** 63n], ['int64', -(2n ** 63n) - 1n], ['int64', 2 ** 63],
    ];
    for (const [type, value] of cases) {
      const err = errorOf(() => encodeTuple(['bool', 'bool', type], [true, null, value], 1, new Uint8Array(100), 0));
      expect(err.code).toBe(SqlState.numericValueOutOfRange);
      expect(err.message).toContain('column 2');
    }
  });

  it('text with a lone surrogate: 22021', () => {
    for (const s of ['\uD800', 'a\uDC00b', '\uD83D', 'x\uD83Dy']) {
      const err = errorOf(() => encodedRowSize(['text'], [s]));
      expect(err.code).toBe(SqlState.characterNotInRepertoire);
      expect(err.message).toContain('column 0');
    }
  });

  it('a row that does not fit: 54000, and nothing is written before the offset', () => {
    for (const values of [['x'.repeat(100)], ['x'.repeat(30)]] as StorageValue[][]) {
      const types: StorageType[] = ['text'];
      const size = encodedRowSize(types, values);
      const out = new Uint8Array(size + 10).fill(0x55);
      expect(codeOf(() => encodeTuple(types, values, 1, out, 11))).toBe(SqlState.programLimitExceeded);
      expect(out.subarray(0, 11).every((b) => b === 0x55)).toBe(true);
      expect(encodeTuple(types, values, 1, out, 10)).toBe(size);
    }
  });

  it('a bad value: its error, and nothing is written before the offset', () => {
    const out = new Uint8Array(100).fill(0x55);
    expect(codeOf(() => encodeTuple(['text', 'int16'], ['fine', 1e6], 1, out, 7))).toBe(SqlState.numericValueOutOfRange);
    expect(out.subarray(0, 7).every((b) => b === 0x55)).toBe(true);
  });

  it('a row whose length differs from the schema: 22023; too many columns: 54000', () => {
    expect(codeOf(() => encodedRowSize(['int32', 'int32'], [1]))).toBe(SqlState.invalidParameterValue);
    const wide = new Array<StorageType>(TUPLE_COLUMNS_MAX + 1).fill('bool');
    expect(codeOf(() => encodedRowSize(wide, new Array<StorageValue>(wide.length).fill(null)))).toBe(SqlState.programLimitExceeded);
  });
});

describe('tuple decoding of corrupt bytes', () => {
  const types: StorageType[] = ['int32', 'text', 'bytes', 'bool', 'int64', 'text'];
  const row: StorageValue[] = [42, 'hello, world', new Uint8Array([1, 2, 3]), true, 7n, 'ünï'];
  const good = encoded(types, row);

  /** Decoding (whole tuple and each column) gives values or XX001, never another error. */
  function decodeOrCorrupt(bytes: Uint8Array, offset: number, length: number, t = types): 'ok' | 'corrupt' {
    let corrupt = false;
    const attempt = (fn: () => unknown): void => {
      try {
        fn();
      } catch (err) {
        if (!(err instanceof FlintError) || err.code !== SqlState.dataCorrupted) throw err;
        expect(err.message).toMatch(/^corrupt tuple/);
        expect(err.file).toBe(undefined);
        corrupt = true;
      }
    };
    attempt(() => decodeTuple(t, bytes, offset, length));
    const wholeCorrupt = corrupt;
    for (let c = 0; c < t.length; c++) attempt(() => decodeColumn(t, bytes, offset, length, c));
    return wholeCorrupt ? 'corrupt' : 'ok';
  }

  it('the good tuple decodes', () => {
    expect(decodeOrCorrupt(good, 0, good.length)).toBe('ok');
  });

  it('every truncation is XX001 and reads nothing past the given length', () => {
    for (let len = 0; len < good.length; len++) {
      // Garbage after the cut must not matter: the decoder may not look there.
      const bytes = new Uint8Array(good.length + 8).fill(0xff);
      bytes.set(good.subarray(0, len));
      expect(decodeOrCorrupt(bytes, 0, len)).toBe('corrupt');
      expect(codeOf(() => decodeTuple(types, good.subarray(0, len), 0, len))).toBe(SqlState.dataCorrupted);
    }
  });

  it('a tuple range outside the buffer is XX001', () => {
    expect(codeOf(() => decodeTuple(types, good, 1, good.length))).toBe(SqlState.dataCorrupted);
    expect(codeOf(() => decodeColumn(types, good, 0, good.length + 1, 0))).toBe(SqlState.dataCorrupted);
  });

  it('bad varints: too long, not shortest, running off the end', () => {
    const t: StorageType[] = ['text'];
    const header = new Uint8Array(TUPLE_HEADER_SIZE + 1);
    header[TUPLE_OFF_COLUMN_COUNT] = 1;
    const withBody = (...body: number[]): Uint8Array => {
      const b = new Uint8Array(header.length + body.length);
      b.set(header);
      b.set(body, header.length);
      return b;
    };
    for (const bad of [withBody(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), withBody(0x81, 0x00, 0x41), withBody(0x80), withBody(0xff, 0xff)]) {
      const err = errorOf(() => decodeTuple(t, bad, 0, bad.length));
      expect(err.code).toBe(SqlState.dataCorrupted);
      expect(err.message).toMatch(/varint|needs/);
      expect(decodeOrCorrupt(bad, 0, bad.length, t)).toBe('corrupt');
    }
    expect(decodeTuple(t, withBody(0x01, 0x41), 0, header.length + 2)).toEqual(['A']);
  });

  it('a length beyond the tuple is XX001', () => {
    const bytes = good.slice();
    const textAt = TUPLE_HEADER_SIZE + 1 + 4; // bitmap, int32
    expect(bytes[textAt]).toBe(12);
    bytes[textAt] = 100;
    expect(errorOf(() => decodeTuple(types, bytes, 0, bytes.length)).message).toContain('column 1');
    expect(codeOf(() => decodeColumn(types, bytes, 0, bytes.length, 5))).toBe(SqlState.dataCorrupted);
  });

  it('other structural damage is XX001', () => {
    const cases: [string, (b: Uint8Array) => void][] = [
      ['more columns than the table', (b) => (b[TUPLE_OFF_COLUMN_COUNT] = 7)],
      ['stray bitmap bits', (b) => (b[TUPLE_HEADER_SIZE] = 0x80)],
      ['a bool byte of 2', (b) => (b[b.length - 6 - 8 - 1] = 2)],
      ['invalid UTF-8', (b) => (b[TUPLE_HEADER_SIZE + 1 + 4 + 1] = 0xff)],
      ['a UTF-8 sequence cut short', (b) => (b[b.length - 1] = 0xc3)],
    ];
    for (const [what, damage] of cases) {
      const bytes = good.slice();
      damage(bytes);
      expect([what, codeOf(() => decodeTuple(types, bytes, 0, bytes.length))]).toEqual([what, SqlState.dataCorrupted]);
    }
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(errorOf(() => decodeTuple(types, longer, 0, longer.length)).message).toContain('1 bytes follow the last column');
  });

  it('random damage never escapes as anything but XX001 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(good.length), (edits, cut) => {
        const bytes = good.slice();
        for (const [at, mask] of edits) bytes[at]! ^= mask;
        decodeOrCorrupt(bytes, 0, bytes.length);
        decodeOrCorrupt(bytes, 0, cut);
        return true;
      }),
      { seed: 99, numRuns: 3000 },
    );
  });
});

// ---- property: random schemas and rows --------------------------------------------------

function valueArb(type: StorageType): fc.Arbitrary<StorageValue> {
  switch (type) {
    case 'bool': return fc.boolean();
    case 'int16': return fc.integer({ min: -32768, max: 32767 });
    case 'int32': return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float32': return fc.double();
    case 'float64': return fc.double();
    case 'text': return fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 200 }));
    case 'bytes': return fc.uint8Array({ maxLength: 300 });
  }
}

const rowArb = fc
  .array(fc.constantFrom(...STORAGE_TYPES), { maxLength: 70 })
  .chain((types) => fc.tuple(fc.constant(types), fc.tuple(...types.map((t) => fc.option(valueArb(t), { nil: null, freq: 3 })))));

describe('tuple property', () => {
  it('random schemas and rows round-trip through encode, decodeTuple and decodeColumn', () => {
    fc.assert(
      fc.property(rowArb, fc.nat(64), fc.nat(Number.MAX_SAFE_INTEGER), ([types, values], at, xmin) => {
        const size = encodedRowSize(types, values);
        const out = new Uint8Array(at + size);
        expect(encodeTuple(types, values, xmin, out, at)).toBe(size);
        const view = new DataView(out.buffer);
        expect(tupleXmin(view, at)).toBe(xmin);
        expect(tupleColumnCount(view, at)).toBe(types.length);
        const expected = values.map((v, i) => show(stored(types[i]!, v)));
        expect(decodeTuple(types, out, at, size).map(show)).toEqual(expected);
        for (let c = 0; c < types.length; c++) expect(show(decodeColumn(types, out, at, size, c))).toBe(expected[c]);
        // The header accessors leave the row alone.
        setTupleXmax(view, at, xmin);
        setTuplePrev(view, at, 1);
        setTupleFlags(view, at, 0xffff);
        expect(decodeTuple(types, out, at, size).map(show)).toEqual(expected);
      }),
      { seed: 424242, numRuns: 400 },
    );
  });

  // encodeTupleOrSize writes rows of short ASCII text in one pass; the
  // general two-pass path is the reference it must match byte for byte.
  it('the single pass writes the same bytes as the two-pass encoder, and hands every other row to it (property)', () => {
    const shortText = fc.oneof(
      fc.string({ maxLength: 42 }),
      fc.string({ minLength: 40, maxLength: 44 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('\u007f', 'a\u0080', 'é', '\uD83D\uDE00', 'x'.repeat(42), 'x'.repeat(43)),
    );
    const int64Number = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.constantFrom(-(2 ** 63), 2 ** 63 - 2 ** 10, -(2 ** 53) - 2, 2 ** 53 + 2, -1, 2 ** 32, -(2 ** 32) - 1),
      fc.double({ min: -(2 ** 62), max: 2 ** 62, noNaN: true }).map(Math.trunc),
    );
    const value = (type: StorageType): fc.Arbitrary<StorageValue> =>
      type === 'text' ? shortText : type === 'int64' ? fc.oneof(int64Number, valueArb('int64')) : valueArb(type);
    const rows = fc
      .array(fc.constantFrom(...STORAGE_TYPES, 'text', 'text', 'int64'), { maxLength: 20 })
      .chain((types) => fc.tuple(fc.constant(types), fc.tuple(...types.map((t) => fc.option(value(t), { nil: null, freq: 4 })))));
    fc.assert(
      fc.property(rows, fc.nat(16), fc.integer({ min: -1, max: 1000 }), fc.nat(Number.MAX_SAFE_INTEGER), ([types, values], at, rowId, xmin) => {
        const size = encodedRowSize(types, values, rowId);
        const want = new Uint8Array(at + size + 8).fill(0xa5);
        expect(encodeTupleTwoPass(types, values, xmin, want, at, rowId)).toBe(size);
        // Room for exactly the tuple, and room for its worst-case bound.
        for (const room of [size, size + 3 * 44 * types.length + 8]) {
          const got = new Uint8Array(at + room + 8).fill(0xa5);
          expect(encodeTupleOrSize(types, values, xmin, got, at, rowId)).toBe(size);
          expect(Buffer.from(got.subarray(0, at + size + 8)).equals(Buffer.from(want))).toBe(true);
        }
        // Too little room: minus the size, nothing written before `at` (nor past the end: a typed array ignores it,
        // so the exact room above already holds the single pass to bounds checks of its own).
        if (size > 0) {
          const small = new Uint8Array(at + size - 1).fill(0xa5);
          expect(encodeTupleOrSize(types, values, xmin, small, at, rowId)).toBe(-size);
          expect(small.subarray(0, at).every((b) => b === 0xa5)).toBe(true);
        }
      }),
      { seed: 20261121, numRuns: 600 },
    );
  });

  it('text of 0..13 units, ASCII or with one unit above 0x7f anywhere, ending at the output\'s last byte: the same bytes as the two-pass encoder', () => {
    for (let len = 0; len <= 13; len++) {
      for (let odd = -1; odd < len; odd++) {
        for (const unit of [0x80, 0xff, 0x100, 0x7ff, 0xe9]) {
          const text = Array.from({ length: len }, (_, i) => String.fromCharCode(i === odd ? unit : 0x61 + i)).join('');
          const types: StorageType[] = ['int32', 'text'];
          const values: StorageValue[] = [len, text];
          const size = encodedRowSize(types, values);
          for (const at of [0, 1, 3]) {
            const want = new Uint8Array(at + size).fill(0xa5);
            expect(encodeTupleTwoPass(types, values, 9, want, at)).toBe(size);
            const got = new Uint8Array(at + size).fill(0xa5);
            expect(encodeTupleOrSize(types, values, 9, got, at)).toBe(size);
            expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
          }
        }
      }
    }
  });

  it('a bad value after short ASCII text: the general path reports it', () => {
    const out = new Uint8Array(200).fill(0x55);
    expect(codeOf(() => encodeTuple(['text', 'int32', 'text'], ['ok', 2 ** 31, 'fine'], 1, out, 0))).toBe(SqlState.numericValueOutOfRange);
    expect(codeOf(() => encodeTuple(['text', 'int64'], ['ok', 2.5], 1, out, 0))).toBe(SqlState.invalidParameterValue);
    expect(codeOf(() => encodeTuple(['text', 'int16'], ['ok', '5'], 1, out, 0))).toBe(SqlState.invalidParameterValue);
    // A lone surrogate after ASCII text is found while copying: still 22021 (bytes before it may be written).
    expect(codeOf(() => encodeTuple(['text', 'text'], ['ok', 'a\uD800'], 1, out, 0))).toBe(SqlState.characterNotInRepertoire);
  });

  it('decodeTupleInto with wanted columns reads those, NULL for the rest, into a reused array (property)', () => {
    const reused: StorageValue[] = [];
    fc.assert(
      fc.property(rowArb.chain(([types, values]) => fc.tuple(fc.constant(types), fc.constant(values), fc.array(fc.boolean(), { minLength: types.length, maxLength: types.length }))), ([types, values, wanted]) => {
        const size = encodedRowSize(types, values);
        const out = new Uint8Array(size);
        encodeTuple(types, values, 1, out, 0);
        const expected = values.map((v, i) => show(wanted[i] ? stored(types[i]!, v) : null));
        expect(decodeTuple(types, out, 0, size, false, wanted).map(show)).toEqual(expected);
        reused.fill('stale');
        decodeTupleInto(types, out, 0, size, false, columnPlan(types, wanted), reused);
        expect(reused.slice(0, types.length).map(show)).toEqual(expected);
        decodeTupleInto(types, out, 0, size, false, columnPlan(types), reused);
        expect(reused.slice(0, types.length).map(show)).toEqual(values.map((v, i) => show(stored(types[i]!, v))));
      }),
      { seed: 77, numRuns: 300 },
    );
  });

  it('tupleBytesEqual agrees with decoding and comparing, without decoding (property)', () => {
    const utf8e = new TextEncoder();
    fc.assert(
      fc.property(rowArb, fc.nat(), fc.boolean(), fc.string({ maxLength: 8 }), ([types, values], pick, same, other) => {
        const columns = types.flatMap((t, i) => (t === 'text' || t === 'bytes' ? [i] : []));
        if (columns.length === 0) return;
        const column = columns[pick % columns.length]!;
        const size = encodedRowSize(types, values);
        const out = new Uint8Array(size);
        encodeTuple(types, values, 1, out, 0);
        const v = values[column]!;
        const asBytes = (x: StorageValue) => (typeof x === 'string' ? utf8e.encode(x) : (x as Uint8Array));
        const expected = same && v !== null ? asBytes(v) : utf8e.encode(other);
        const decoded = decodeColumn(types, out, 0, size, column);
        const equal = decoded !== null && Buffer.compare(Buffer.from(asBytes(decoded)), Buffer.from(expected)) === 0;
        expect(tupleBytesEqual(types, out, 0, size, column, expected)).toBe(equal);
        // A column added after the tuple was written: not stored, so the caller decides.
        expect(tupleBytesEqual([...types, 'text'], out, 0, size, types.length, expected)).toBe(true);
      }),
      { seed: 31, numRuns: 400 },
    );
    const types: StorageType[] = ['int32', 'text', 'text'];
    const out = encoded(types, [1, null, 'é']);
    expect(tupleBytesEqual(types, out, 0, out.length, 1, new Uint8Array(0))).toBe(false); // NULL never matches
    expect(tupleBytesEqual(types, out, 0, out.length, 2, utf8e.encode('é'))).toBe(true);
    expect(tupleBytesEqual(types, out, 0, out.length, 2, utf8e.encode('e'))).toBe(false);
    expect(codeOf(() => tupleBytesEqual(types, out, 0, out.length - 1, 2, utf8e.encode('é')))).toBe(SqlState.dataCorrupted);
  });

  it('wanted columns stop the walk after the last one: trailing bytes are checked only when every column is walked', () => {
    const types: StorageType[] = ['int32', 'text', 'int64'];
    const good = encoded(types, [1, 'abc', 5n]);
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(errorOf(() => decodeTuple(types, longer, 0, longer.length, false, [false, false, true])).message).toContain('1 bytes follow the last column');
    expect(decodeTuple(types, longer, 0, longer.length, false, [true, false, false])).toEqual([1, null, null]);
    expect(columnPlan(types, [true, false, false]).last).toBe(1);
    expect(columnPlan(types).last).toBe(3);
    expect(columnPlan(types, [false, false, false]).last).toBe(0);
  });

  it('encodedRowSize is exact for text of any code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
        const n = utf8.encode(s).length;
        expect(encodedRowSize(['text'], [s])).toBe(TUPLE_HEADER_SIZE + 1 + (n < 128 ? 1 : 2) + n);
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});

// ---- layout facts the engine relies on ------------------------------------------------

describe('tuple layout', () => {
  it('matches the documented offsets', () => {
    const out = encoded(['int16', 'text'], [0x1234, 'ab']);
    expect(Array.from(out.subarray(TUPLE_HEADER_SIZE))).toEqual([0x00, 0x34, 0x12, 2, 0x61, 0x62]);
    expect(Array.from(out.subarray(TUPLE_OFF_COLUMN_COUNT, TUPLE_OFF_COLUMN_COUNT + 2))).toEqual([2, 0]);
    expect(Array.from(out.subarray(0, 8))).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });
});
