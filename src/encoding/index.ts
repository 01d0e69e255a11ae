// Public surface of src/encoding: Flint's byte encodings of values.
// memcomparable: order-preserving keys, compared as plain bytes by the B+-tree.
export { compareKeys, decodeKey, encodeInt64KeyInto, encodeKey, encodeKeyInto, encodedKeySize, int64KeyEqualsAt, keyEquals, keyEqualsAt } from './memcomparable.ts';
export type { KeyColumn, KeyType, KeyValue } from './memcomparable.ts';
