// The keys the engine builds from rows (src/txn/index-keys.ts): primaryKeyOf
// and encodeSecondaryEntryInto take a short way for one integer column
// (encodeInt64KeyInto); whatever way they take, their bytes must be the
// general encoder's (a lookup encodes its bound with encodeIndexKey), for
// every column shape and value, at any offset (the deferred entries' arena).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyColumn } from '../../src/encoding/index.ts';
import { MAX_KEY_SIZE } from '../../src/limits.ts';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { checkSecondaryEntrySize, encodeIndexKey, encodeSecondaryEntryInto, keyValues, keyValuesInto, primaryKeyOf, secondaryEntry, type IndexDef } from '../../src/txn/index-keys.ts';
import { encodedKeySize } from '../../src/encoding/index.ts';

function def(columns: { column: number; key: KeyColumn; missing?: StorageValue }[], primary: boolean): IndexDef {
  return { id: 5, tableId: 1, name: 'i', primary, unique: primary, method: 'btree', columns, metaBlock: 0 };
}

const keyShapes: KeyColumn[][] = [
  [{ type: 'int64' }],
  [{ type: 'int64', descending: true }],
  [{ type: 'float64' }],
  [{ type: 'text' }],
  [{ type: 'int64' }, { type: 'text' }],
];

/** A row of 3 columns: an integer (safe or not, or a bigint), a float and a text, any of them NULL. */
const rowArb = fc.tuple(
  fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constant(null)),
  fc.oneof(fc.double({ noNaN: true }), fc.constant(null)),
  fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null)),
);

describe('index keys of a row', () => {
  it('primaryKeyOf and encodeSecondaryEntryInto write the general encoder’s bytes (property)', () => {
    fc.assert(
      // Primary keys of 9 bytes (one integer column: copied unrolled) and of other lengths (copied by a loop).
      fc.property(fc.constantFrom(...keyShapes), rowArb, fc.nat(40), fc.integer({ min: 1, max: 3 }), fc.oneof(fc.constant(9), fc.integer({ min: 1, max: 24 })), (shape, row, offset, stored, pkLength) => {
        // Columns over the row's types: an integer key reads column 0, a float column 1, a text column 2; missing values past `stored`.
        const columns = shape.map((key) => ({ column: key.type === 'int64' ? 0 : key.type === 'float64' ? 1 : 2, key, missing: key.type === 'int64' ? 7 : null }));
        const values = row as unknown as StorageValue[];
        const pkDef = def(columns, true);
        const want = encodeIndexKey(pkDef, keyValues(pkDef, values, stored));
        expect(primaryKeyOf(pkDef, values, stored, -1)).toEqual(want);
        const pk = Uint8Array.from({ length: pkLength }, (_, i) => (0x20 + 37 * i) & 0xff);
        const secondary = def(columns, false);
        const keyVals = keyValues(secondary, values, stored);
        const out = new Uint8Array(offset + MAX_KEY_SIZE).fill(0xcc);
        const skeyLen = encodeSecondaryEntryInto(secondary, keyVals, pk, out, offset);
        const skey = encodeIndexKey(secondary, keyVals);
        expect(skeyLen).toBe(skey.length);
        expect(out.subarray(offset, offset + skeyLen + pk.length)).toEqual(secondaryEntry(secondary, skey, pk));
        expect(out.subarray(0, offset).every((b) => b === 0xcc)).toBe(true);
      }),
      { seed: 31, numRuns: 1500 },
    );
  });

  it('checkSecondaryEntrySize throws exactly when the entry would pass MAX_KEY_SIZE; keyValuesInto is keyValues (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...keyShapes), rowArb, fc.integer({ min: MAX_KEY_SIZE - 40, max: MAX_KEY_SIZE }), (shape, row, pkLength) => {
        const columns = shape.map((key) => ({ column: key.type === 'int64' ? 0 : key.type === 'float64' ? 1 : 2, key }));
        const secondary = def(columns, false);
        const values = keyValues(secondary, row as unknown as StorageValue[], 3);
        expect(keyValuesInto(secondary, row as unknown as StorageValue[], 3, [1, 2, 3, 4, 5])).toEqual(values);
        let size: number;
        try {
          size = encodedKeySize(shape, values);
        } catch {
          expect(() => checkSecondaryEntrySize(secondary, values, new Uint8Array(pkLength))).toThrow();
          return;
        }
        const check = () => checkSecondaryEntrySize(secondary, values, new Uint8Array(pkLength));
        if (size + pkLength > MAX_KEY_SIZE) expect(check).toThrow(/exceeds the maximum/);
        else expect(check).not.toThrow();
      }),
      { seed: 32, numRuns: 1500 },
    );
  });

  it('encodeSecondaryEntryInto refuses an output without room for the entry', () => {
    const secondary = def([{ column: 0, key: { type: 'int64' } }], false);
    const pk = new Uint8Array(9).fill(1);
    expect(() => encodeSecondaryEntryInto(secondary, [5], pk, new Uint8Array(12), 0)).toThrow();
    expect(() => encodeSecondaryEntryInto(secondary, [5], pk, new Uint8Array(30), 20)).toThrow();
    expect(encodeSecondaryEntryInto(secondary, [5], pk, new Uint8Array(18), 0)).toBe(9);
  });
});
