// Index definitions and the keys the engine builds from rows.
//
// Every table has one primary index and any number of secondary ones, all
// B+-trees over memcomparable keys (src/encoding/memcomparable.ts):
//
//   INDEX      KEY                          VALUE
//   primary    primary key                  u48 tid of the key's newest version
//   secondary  secondary key ++ primary key u16 byte length of the secondary key,
//                                           u48 tid of the version the entry was
//                                           written for: a location hint, checked
//                                           on use (index-manager.ts, #hintedRow)
//   hash       hash32(secondary key) ++ pk  u16 4
//
// A hash index (CREATE INDEX ... USING HASH) keeps only a 32-bit hash of the
// encoded key, big-endian, so its entries stay small whatever the key's
// length (and keys may exceed MAX_KEY_SIZE); it answers equality only, and
// a reader re-checks the key on the row. The B+-tree orders entries by hash,
// so each leaf is a bucket: a range of the hash space that splits as it
// fills.
//
// A table declared without a primary key gets a hidden row id (an int64
// stored in each tuple's header, TUPLE_HAS_ROWID) as its primary key. A
// secondary entry ends with the primary key, so entries are unique even in
// non-unique indexes and name their row without a tuple id: an UPDATE that
// changes no secondary key leaves the secondary indexes alone (the MySQL
// style indirection of DESIGN.md).

import { encodedKeySize, encodeInt64KeyInto, encodeKey, encodeKeyInto, type KeyColumn, type KeyType, type KeyValue } from '../encoding/index.ts';
import { FlintError, SqlState } from '../errors.ts';
import { MAX_KEY_SIZE } from '../limits.ts';
import type { StorageType, StorageValue } from '../storage/tuple.ts';

export type IndexMethod = 'btree' | 'hash';

export interface IndexColumnDef {
  /** Storage position of the column in the table's rows. */
  readonly column: number;
  /** How the column's storage value is encoded into the key. */
  readonly key: KeyColumn;
  /** What a tuple written before the column existed holds for it (ADD COLUMN ... DEFAULT); absent means NULL. */
  readonly missing?: StorageValue;
}

export interface IndexDef {
  /** Heap owner id of the index's segments (ids are shared with tables). */
  readonly id: number;
  readonly tableId: number;
  readonly name: string;
  /** The table's primary index: key -> newest version. Exactly one per table. */
  readonly primary: boolean;
  readonly unique: boolean;
  readonly method: IndexMethod;
  /** Key columns; empty for a row-id primary index (the key is the hidden row id). */
  readonly columns: readonly IndexColumnDef[];
  /** Heap block holding the tree's meta record. */
  readonly metaBlock: number;
}

/** What a caller asks for when it creates an index. */
export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly IndexColumnDef[];
  readonly unique?: boolean;
  readonly method?: IndexMethod;
}

/** The key type a storage type is indexed as, unless the caller says otherwise. */
export function defaultKeyType(type: StorageType): KeyType {
  switch (type) {
    case 'bool':
      return 'bool';
    case 'int16':
    case 'int32':
    case 'int64':
      return 'int64';
    case 'float32':
    case 'float64':
      return 'float64';
    case 'text':
      return 'text';
    case 'bytes':
      return 'bytes';
  }
}

const ROW_ID_COLUMN: readonly KeyColumn[] = [{ type: 'int64' }];

/** Reused encode buffer for row id keys (9 bytes), copied out before anything else encodes. */
const keyBuffer = new Uint8Array(16);

/**
 * The values of an index's columns in a stored row. `stored` is how many
 * columns the tuple holds: later ones read as the column's missing value.
 */
export function keyValues(def: IndexDef, row: readonly StorageValue[], stored: number): KeyValue[] {
  const values: KeyValue[] = new Array(def.columns.length);
  for (let i = 0; i < def.columns.length; i++) {
    const c = def.columns[i]!;
    values[i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
  }
  return values;
}

/** keyValues into `out` (its length set to the index's columns): for a caller that uses the values at once and keeps none. */
export function keyValuesInto(def: IndexDef, row: readonly StorageValue[], stored: number, out: KeyValue[]): KeyValue[] {
  const columns = def.columns;
  // Setting an array's length is a runtime call: only when it changes.
  if (out.length !== columns.length) out.length = columns.length;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    out[i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
  }
  return out;
}

/** Encode key values of the first values.length columns of the index (a prefix for range bounds). */
export function encodeIndexKey(def: IndexDef, values: readonly KeyValue[]): Uint8Array {
  const keyColumns = values.length === def.columns.length ? keyColumnsOf(def) : def.columns.slice(0, values.length).map((c) => c.key);
  const size = encodedKeySize(keyColumns, values);
  if (size > MAX_KEY_SIZE) throw keyTooLong(def, size);
  const out = new Uint8Array(size);
  encodeKeyInto(keyColumns, values, out, 0);
  return out;
}

/**
 * The key an index stores for key values: the encoded key, or for a hash
 * index the 4-byte hash of it (see indexHash).
 */
export function indexedKey(def: IndexDef, values: readonly KeyValue[]): Uint8Array {
  if (def.method !== 'hash') return encodeIndexKey(def, values);
  const hash = indexHash(encodeKey(def.columns.map((c) => c.key), values));
  return Uint8Array.of(hash >>> 24, (hash >>> 16) & 0xff, (hash >>> 8) & 0xff, hash & 0xff);
}

/** The full encoded key, whatever the index's method (a hash index's reader re-checks with it). */
export function fullKey(def: IndexDef, values: readonly KeyValue[]): Uint8Array {
  return def.method === 'hash' ? encodeKey(def.columns.map((c) => c.key), values) : encodeIndexKey(def, values);
}

/**
 * The hash of a hash index: 32-bit FNV-1a over the encoded key's bytes,
 * then MurmurHash3's finalizer to spread the bits. Part of the on-disk
 * format: changing it needs a new index format version.
 */
export function indexHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The primary key of a row: its key columns, or its hidden row id. */
export function primaryKeyOf(def: IndexDef, row: readonly StorageValue[], stored: number, rowId: number): Uint8Array {
  const columns = def.columns;
  if (columns.length === 0) return rowIdKey(rowId);
  if (columns.length === 1) {
    // One integer column (the usual primary key): its 9 bytes without the general encoder.
    const c = columns[0]!;
    const key = new Uint8Array(9);
    if (encodeInt64KeyInto(c.key, (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue, key, 0)) return key;
  }
  return encodeIndexKey(def, keyValues(def, row, stored));
}

/**
 * primaryKeyOf into `scratch` (9 bytes) when the key is one integer column
 * holding a safe integer: returns `scratch`, which the next call overwrites,
 * so the caller must not keep it. Any other key is primaryKeyOf's, fresh.
 */
export function primaryKeyInto(def: IndexDef, row: readonly StorageValue[], stored: number, rowId: number, scratch: Uint8Array): Uint8Array {
  const columns = def.columns;
  if (columns.length === 1) {
    const c = columns[0]!;
    if (encodeInt64KeyInto(c.key, (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue, scratch, 0)) return scratch;
  }
  return primaryKeyOf(def, row, stored, rowId);
}

/** The row id key for a row-id primary index. */
export function rowIdKey(rowId: number): Uint8Array {
  const n = encodeKeyInto(ROW_ID_COLUMN, [rowId], keyBuffer, 0);
  return keyBuffer.slice(0, n);
}

/** The key columns of an index, built once per column list (writes encode keys per row). */
const keyColumnLists = new WeakMap<readonly IndexColumnDef[], readonly KeyColumn[]>();

/** The last two column lists asked for and theirs (a row's writes ask for its primary and a secondary index in turn). */
let lastColumns: readonly IndexColumnDef[] | null = null;
let lastList: readonly KeyColumn[] = [];
let otherColumns: readonly IndexColumnDef[] | null = null;
let otherList: readonly KeyColumn[] = [];

export function keyColumnsOf(def: IndexDef): readonly KeyColumn[] {
  const columns = def.columns;
  if (columns === lastColumns) return lastList;
  if (columns === otherColumns) {
    const list = otherList;
    otherColumns = lastColumns;
    otherList = lastList;
    lastColumns = columns;
    lastList = list;
    return list;
  }
  let list = keyColumnLists.get(columns);
  if (list === undefined) keyColumnLists.set(columns, (list = columns.map((c) => c.key)));
  otherColumns = lastColumns;
  otherList = lastList;
  lastColumns = columns;
  lastList = list;
  return list;
}

/**
 * Encode a B-tree secondary index's entry key (the key, then `primaryKey`)
 * into `out` (at least MAX_KEY_SIZE bytes), the same bytes as
 * secondaryEntry(def, indexedKey(def, values), primaryKey) without
 * allocating; returns the secondary key's length. A hash index, or an entry
 * over the limit, returns -1: the caller takes the allocating path (which
 * throws 54000 for the latter).
 */
export function encodeSecondaryEntryInto(def: IndexDef, values: readonly KeyValue[], primaryKey: Uint8Array, out: Uint8Array, offset = 0): number {
  if (def.method === 'hash') return -1;
  const columns = keyColumnsOf(def);
  let size = 9;
  // One integer column (the usual secondary key): its 9 bytes without the general encoder.
  if (columns.length !== 1 || 9 + primaryKey.length > MAX_KEY_SIZE || out.length - offset < 9 + primaryKey.length || !encodeInt64KeyInto(columns[0]!, values[0]!, out, offset)) {
    size = encodedKeySize(columns, values);
    if (size + primaryKey.length > MAX_KEY_SIZE) return -1;
    encodeKeyInto(columns, values, out, offset);
  }
  const at = offset + size;
  if (at + primaryKey.length > out.length) throw new RangeError('encodeSecondaryEntryInto: no room for the entry');
  copyPrimaryKeyInto(primaryKey, out, at);
  return size;
}

/**
 * Copy a primary key into a secondary entry at `at` (the caller checked the
 * room). Primary keys are short: a byte loop costs less than TypedArray.set's
 * call, and one integer column's 9 bytes are unrolled.
 */
export function copyPrimaryKeyInto(primaryKey: Uint8Array, out: Uint8Array, at: number): void {
  if (primaryKey.length === 9) {
    out[at] = primaryKey[0]!;
    out[at + 1] = primaryKey[1]!;
    out[at + 2] = primaryKey[2]!;
    out[at + 3] = primaryKey[3]!;
    out[at + 4] = primaryKey[4]!;
    out[at + 5] = primaryKey[5]!;
    out[at + 6] = primaryKey[6]!;
    out[at + 7] = primaryKey[7]!;
    out[at + 8] = primaryKey[8]!;
  } else for (let i = 0; i < primaryKey.length; i++) out[at + i] = primaryKey[i]!;
}

/** A secondary entry's key: the secondary key, then the primary key. */
export function secondaryEntry(def: IndexDef, secondaryKey: Uint8Array, primaryKey: Uint8Array): Uint8Array {
  const size = secondaryKey.length + primaryKey.length;
  if (size > MAX_KEY_SIZE) throw keyTooLong(def, size);
  const out = new Uint8Array(size);
  out.set(secondaryKey, 0);
  out.set(primaryKey, secondaryKey.length);
  return out;
}

/**
 * Throws 54000 if the entry of `row` in secondary index `def` (its key, then
 * the primary key) would be over MAX_KEY_SIZE: what secondaryEntry would
 * throw, computed without encoding. Checked before a version is written, so
 * the heap never holds a version its indexes cannot take.
 */
export function checkSecondaryEntrySize(def: IndexDef, values: readonly KeyValue[], primaryKey: Uint8Array): void {
  if (values.length === 1 && primaryKey.length <= MAX_KEY_SIZE - 9 && def.columns.length === 1 && def.columns[0]!.key.type === 'int64') {
    // One integer column: 9 bytes (1 for NULL) if the value is a safe-integer number; anything else is measured (and checked) below.
    const value = values[0];
    if (value === null || (typeof value === 'number' && Number.isSafeInteger(value))) return;
  }
  const key = def.method === 'hash' ? 4 : encodedKeySize(keyColumnsOf(def), values);
  if (key > MAX_KEY_SIZE) throw keyTooLong(def, key);
  if (key + primaryKey.length > MAX_KEY_SIZE) throw keyTooLong(def, key + primaryKey.length);
}

/** Does any key column hold NULL? (NULLs are distinct: such a key never conflicts.) */
export function hasNull(values: readonly KeyValue[]): boolean {
  for (const v of values) if (v === null) return true;
  return false;
}

function keyTooLong(def: IndexDef, size: number): FlintError {
  return new FlintError(
    SqlState.programLimitExceeded,
    `index row size ${size} exceeds the maximum ${MAX_KEY_SIZE} for index "${def.name}"`,
    { hint: 'Values larger than about 1000 bytes cannot be indexed; index a prefix or a hash of the value instead.' },
  );
}

/** Byte equality of two keys. */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Does `key` start with `prefix`? */
export function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** The smallest key above every key that starts with `prefix` (0xFF is never a key byte after a column: see memcomparable). */
export function afterPrefix(prefix: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + 1);
  out.set(prefix, 0);
  out[prefix.length] = 0xff;
  return out;
}
