// Indexes under MVCC: how the engine keeps every index of a table in step
// with its heap, finds rows through them under a snapshot, enforces
// uniqueness, and cleans entries up in vacuum. Keys and definitions are in
// index-keys.ts; the trees are src/storage/index/btree.ts.
//
// Invariants (each one is what a reader or vacuum relies on):
//
// 1. One primary entry per primary key, pointing at the key's newest
//    version. Versions of one key chain newest to oldest through the tuple's
//    `prev` link: an UPDATE links the new version to the one it replaced, and
//    an INSERT of a key whose newest version is deleted (or aborted) links to
//    that version, so a snapshot that still sees the old row reaches it from
//    the one entry. An UPDATE that changes the primary key starts a new chain
//    (prev = 0) under the new key: every chain holds versions of one key.
// 2. A secondary entry (skey ++ pk) exists for every version that some
//    snapshot may still see (and for aborted ones until vacuum). Stale entries
//    are harmless: a reader re-checks that the version it reaches through the
//    primary index really has the entry's secondary key. An INSERT's entries
//    in non-unique indexes may wait in #deferred (deferred-entries.ts) until
//    the index is read or cleaned, or a transaction commits: until then only
//    their creator could see those versions.
// 3. Walks along a chain stop at the first version whose creation every live
//    snapshot sees (creator committed before the vacuum horizon), exactly as
//    Engine.get does: nothing behind it is visible to anyone, and vacuum may
//    already have reused those slots. Vacuum therefore never reclaims a
//    version while a version linking to it is still unseen by some snapshot
//    (it defers it to a later pass), so no walk ever follows a dangling link.
// 4. Vacuum, before reclaiming a version: re-points the primary entry to the
//    previous version if the reclaimed one was the newest and aborted,
//    deletes the entry if the newest is deleted for everyone, and deletes the
//    version's secondary entries that no other live version of the row shares.
//
// Uniqueness (primary keys and UNIQUE indexes) is checked before anything is
// written, against the newest version of each row with the key, whether or
// not the snapshot sees it (PostgreSQL's rule): a committed live row is a
// duplicate (23505); a row that a transaction still in progress inserted,
// updated or deleted is a conflict (WriteConflict, 40001) naming that
// transaction: the engine never waits, a caller that can waits for it and
// runs the statement again (write-conflict.ts). NULLs never conflict.

import { encodeInt64KeyInto, int64KeyEqualsAt, keyEquals, keyEqualsAt, type KeyColumn, type KeyValue } from '../encoding/index.ts';
import { FlintError, SqlState } from '../errors.ts';
import { EXTRACT_COLUMNS_MAX, tuplesOutBytes, type Heap } from '../storage/heap/heap.ts';
import { EXTRACT_VALUE, TUPLES_OK, TUPLES_OUT_FLAGS, TUPLES_OUT_STORED, TUPLES_STRIDE } from '../kernels/layout.ts';
import { MAX_KEY_SIZE } from '../limits.ts';
import { BTree, type StagedInsert, type StagedValue } from '../storage/index/btree.ts';
import type { BTreeScanOptions } from '../storage/index/btree-scan.ts';
import { formatTid } from '../storage/tuple-id.ts';
import { columnExtractDescriptor, columnPlan, decodeTuple, decodeTupleInto, tupleColumnCount, tupleFlags, tuplePrev, tupleRowId, tupleXmax, tupleXmin, type ColumnPlan, type StorageType, type StorageValue } from '../storage/tuple.ts';
import {
  afterPrefix, checkSecondaryEntrySize, copyPrimaryKeyInto, encodeIndexKey, encodeSecondaryEntryInto, fullKey, hasNull, indexedKey, keyColumnsOf, keyValues, keyValuesInto, primaryKeyInto, primaryKeyOf, rowIdKey, sameKey, secondaryEntry, startsWith,
  type IndexDef,
} from './index-keys.ts';
import { WriteConflict } from './write-conflict.ts';
import { DeferredEntries } from './deferred-entries.ts';
import { committedBefore, isVisible, type Snapshot } from './snapshot.ts';
import { TxnState, type TxnStatusLog } from './txn-status.ts';
import type { TableDef } from './engine.ts';

/** One version of a row, decoded. */
export interface Version {
  readonly tid: number;
  readonly xmin: number;
  readonly xmax: number;
  readonly prev: number;
  readonly flags: number;
  readonly rowId: number;
  readonly row: StorageValue[];
  readonly stored: number;
}

/** A visible row found through an index. */
export type IndexVisitor = (tid: number, row: StorageValue[], storedColumns: number) => boolean | void;

export interface KeyBound {
  /** Values of the first k index columns (k >= 1). */
  readonly values: readonly StorageValue[];
  readonly inclusive: boolean;
}

export interface IndexRange {
  readonly lower?: KeyBound;
  readonly upper?: KeyBound;
  /** Visit in descending key order. */
  readonly reverse?: boolean;
}

interface OpenIndex {
  readonly def: IndexDef;
  readonly tree: BTree;
}

/** Result of a uniqueness probe: nobody has the key, a committed live row has it, or a transaction whose outcome is open (its txid; 0: one that committed after our snapshot). */
type KeyHolder = 'free' | 'taken' | { readonly busy: number };

const TID_BYTES = 8;
/** A B-tree secondary entry's value: u16 secondary key length, u48 location hint (hintValue). */
const HINT_VALUE_BYTES = 8;
/** Safety bound on chain walks (a chain is never this long: vacuum trims it). */
const MAX_CHAIN = 1_000_000;

/** A table's indexes, as IndexManager keeps them until any index comes or goes. */
interface TableIndexes {
  readonly tableId: number;
  readonly primary: IndexDef | undefined;
  readonly secondaries: OpenIndex[];
  /** The primary index opened, once asked for. */
  primaryIndex: OpenIndex | null;
  /** keyVersion's plan (the columns any of the table's indexes reads), for the column types it was made for. */
  keyPlan: ColumnPlan | null;
  keyPlanTypes: readonly StorageType[] | null;
}

export class IndexManager {
  readonly #heap: () => Heap;
  readonly #txns: () => TxnStatusLog;
  readonly #defs = new Map<number, IndexDef>();
  readonly #trees = new Map<number, BTree>();
  readonly #nextRowId = new Map<number, number>();
  readonly #tidBytes = new Uint8Array(TID_BYTES);
  readonly #tidView = new DataView(this.#tidBytes.buffer);

  /** The heap and the status log are replaced during open, so they are read through getters. */
  constructor(heap: () => Heap, txns: () => TxnStatusLog) {
    this.#heap = heap;
    this.#txns = txns;
  }

  // ---- catalog --------------------------------------------------------------------

  register(def: IndexDef): void {
    this.#defs.set(def.id, def);
    this.#forgetOpen();
  }

  unregister(id: number): void {
    this.#releaseProbe();
    this.#deferred.discard(id);
    this.#trees.get(id)?.discardRun();
    this.#defs.delete(id);
    this.#trees.delete(id);
    this.#forgetOpen();
  }

  /** Open indexes by id, and each table's primary and secondaries: rebuilt after any index comes or goes (every write asks). */
  readonly #opened = new Map<number, OpenIndex>();
  readonly #byTable = new Map<number, TableIndexes>();
  /** The entry of #byTable asked for last (a load writes one table: its every row asks several times). */
  #lastTable: TableIndexes | null = null;

  #forgetOpen(): void {
    this.#opened.clear();
    this.#byTable.clear();
    this.#lastTable = null;
  }

  #tableIndexes(tableId: number): TableIndexes {
    const last = this.#lastTable;
    if (last !== null && last.tableId === tableId) return last;
    let entry = this.#byTable.get(tableId);
    if (entry === undefined) {
      let primary: IndexDef | undefined;
      const secondaries: OpenIndex[] = [];
      for (const def of this.#defs.values()) {
        if (def.tableId !== tableId) continue;
        if (def.primary) primary = def;
        else secondaries.push(this.#open(def));
      }
      entry = { tableId, primary, secondaries, primaryIndex: null, keyPlan: null, keyPlanTypes: null };
      this.#byTable.set(tableId, entry);
    }
    this.#lastTable = entry;
    return entry;
  }

  get(id: number): IndexDef | undefined {
    return this.#defs.get(id);
  }

  get all(): IndexDef[] {
    return [...this.#defs.values()];
  }

  /** The table's indexes, primary first. */
  of(tableId: number): IndexDef[] {
    const result: IndexDef[] = [];
    for (const def of this.#defs.values()) if (def.tableId === tableId) (def.primary ? result.unshift(def) : result.push(def));
    return result;
  }

  primaryOf(tableId: number): IndexDef {
    const primary = this.#tableIndexes(tableId).primary;
    if (primary === undefined) throw new FlintError(SqlState.internalError, `table ${tableId} has no primary index`);
    return primary;
  }

  /** Forget a table's row id counter (its primary index is gone). */
  forgetTable(tableId: number): void {
    this.#nextRowId.delete(tableId);
  }

  #open(def: IndexDef): OpenIndex {
    const opened = this.#opened.get(def.id);
    if (opened !== undefined && opened.def === def) return opened;
    let tree = this.#trees.get(def.id);
    if (tree === undefined) {
      tree = BTree.open(this.#heap(), def.id, def.metaBlock);
      this.#trees.set(def.id, tree);
    }
    const index = { def, tree };
    this.#opened.set(def.id, index);
    return index;
  }

  /** A new, empty tree for an index id; returns its meta block. */
  createTree(id: number): number {
    const tree = BTree.create(this.#heap(), id);
    this.#trees.set(id, tree);
    this.#forgetOpen();
    return tree.metaBlock;
  }

  #primary(table: TableDef): OpenIndex {
    const entry = this.#tableIndexes(table.id);
    if (entry.primaryIndex !== null) return entry.primaryIndex;
    const index = this.#open(this.primaryOf(table.id));
    entry.primaryIndex = index;
    return index;
  }

  /** Entries of a table's primary index (one per key, live or not yet vacuumed), counting at most `limit`. For the planner's row estimates. */
  countPrimaryEntries(tableId: number, limit: number): number {
    let n = 0;
    this.#open(this.primaryOf(tableId)).tree.scan({}, () => ++n < limit);
    return n;
  }

  #secondaries(table: TableDef): OpenIndex[] {
    return this.#tableIndexes(table.id).secondaries;
  }

  // ---- versions ---------------------------------------------------------------------

  /** The version at `tid`; with `wanted`, only those stored columns are decoded (the others read NULL). */
  version(table: TableDef, tid: number, wanted?: readonly boolean[]): Version | undefined {
    const types = storageTypesOf(table);
    return this.#heap().visit(tid, (u8, v, at, len) => ({
      tid,
      xmin: tupleXmin(v, at),
      xmax: tupleXmax(v, at),
      prev: tuplePrev(v, at),
      flags: tupleFlags(v, at),
      rowId: tupleRowId(v, at),
      // Extra columns: a version written under an ADD COLUMN that rolled back (only its creator ever saw them).
      row: decodeTuple(types, u8, at, len, true, wanted),
      stored: tupleColumnCount(v, at),
    }));
  }

  /**
   * version() of only the columns the table's indexes read (the others read
   * null): all beforeUpdate and afterUpdate read of the version an UPDATE
   * replaces, without decoding its other columns (an UPDATE by id of a
   * table with text columns decoded each of them again, into new strings).
   */
  keyVersion(table: TableDef, tid: number): Version | undefined {
    const types = storageTypesOf(table);
    const entry = this.#tableIndexes(table.id);
    let plan = entry.keyPlan;
    if (plan === null || entry.keyPlanTypes !== types) {
      const wanted = new Array<boolean>(types.length).fill(false);
      const mark = (def: IndexDef): void => {
        for (const c of def.columns) if (c.column < wanted.length) wanted[c.column] = true;
      };
      if (entry.primary !== undefined) mark(entry.primary);
      for (const index of entry.secondaries) mark(index.def);
      plan = columnPlan(types, wanted);
      entry.keyPlan = plan;
      entry.keyPlanTypes = types;
    }
    const keyPlan = plan;
    return this.#heap().visit(tid, (u8, v, at, len) => {
      const row = new Array<StorageValue>(types.length);
      decodeTupleInto(types, u8, at, len, true, keyPlan, row);
      return { tid, xmin: tupleXmin(v, at), xmax: tupleXmax(v, at), prev: tuplePrev(v, at), flags: tupleFlags(v, at), rowId: tupleRowId(v, at), row, stored: tupleColumnCount(v, at) };
    });
  }

  #header(tid: number): { xmin: number; xmax: number; prev: number } | undefined {
    return this.#heap().visit(tid, (_u8, v, at) => ({ xmin: tupleXmin(v, at), xmax: tupleXmax(v, at), prev: tuplePrev(v, at) }));
  }

  #headOf(primary: OpenIndex, pk: Uint8Array): number {
    return primary.tree.find(pk, readTidValue) ?? 0;
  }

  #setHead(primary: OpenIndex, pk: Uint8Array, tid: number, exists: boolean): void {
    writeTid(this.#tidView, 0, tid);
    if (exists) primary.tree.update(pk, this.#tidBytes);
    else primary.tree.insert(pk, this.#tidBytes);
  }

  primaryKey(table: TableDef, row: readonly StorageValue[], stored: number, rowId: number): Uint8Array {
    return primaryKeyOf(this.primaryOf(table.id), row, stored, rowId);
  }

  /** The next hidden row id of a table without a primary key (one past the largest in its primary index). */
  allocateRowId(table: TableDef): number {
    let next = this.#nextRowId.get(table.id);
    if (next === undefined) {
      next = 1;
      this.#primary(table).tree.scan({ reverse: true }, (key) => {
        next = Number(decodeRowIdKey(key)) + 1;
        return false;
      });
    }
    this.#nextRowId.set(table.id, next + 1);
    return next;
  }

  // ---- uniqueness ----------------------------------------------------------------------

  /**
   * Who holds a key among the versions of one chain: walk from the newest,
   * skipping aborted versions. `matches` says whether a version has the key
   * (always true for the primary key: a chain holds one key).
   */
  #holder(snapshot: Snapshot, head: number, table: TableDef, matches: ((v: Version) => boolean) | null): KeyHolder {
    const txns = this.#txns();
    const snapshotTxid = snapshot.txid;
    let tid = head;
    for (let hops = 0; tid !== 0 && hops < MAX_CHAIN; hops++) {
      const v = matches === null ? this.#header(tid) : this.version(table, tid);
      if (v === undefined) return 'free';
      const creator = txns.state(v.xmin);
      const own = v.xmin === snapshotTxid && snapshotTxid !== 0;
      if (creator === TxnState.aborted && !own) {
        tid = v.prev;
        continue;
      }
      const has = matches === null || matches(v as Version);
      if (!own && creator === TxnState.inProgress) {
        // Its fate is open: if it commits the key is taken, if it aborts the older version may hold it.
        if (has) return { busy: v.xmin };
        tid = v.prev;
        continue;
      }
      if (v.xmax === 0) return has ? 'taken' : 'free';
      if (v.xmax === snapshotTxid && snapshotTxid !== 0) return 'free';
      const deleter = txns.state(v.xmax);
      if (deleter === TxnState.aborted) return has ? 'taken' : 'free';
      if (deleter === TxnState.inProgress) return has ? { busy: v.xmax } : 'free';
      // Deleted by a commit this snapshot does not see: the row is still
      // there for us, so a second row with its key would make two. 40001.
      if (has && !committedBefore(v.xmax, snapshot, txns)) return { busy: 0 };
      return 'free';
    }
    return 'free';
  }

  #uniqueError(def: IndexDef, holder: KeyHolder): FlintError {
    if (typeof holder === 'object') {
      return new WriteConflict(`could not serialize access due to concurrent update`, holder.busy, {
        detail: `Another transaction in progress holds a row with the same key in "${def.name}".`,
        hint: 'Retry the transaction.',
        constraint: def.name,
      });
    }
    return new FlintError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${def.name}"`, { constraint: def.name });
  }

  /**
   * Check a new primary key is free; returns the key's current chain head (0
   * if none) to link to. With `probe` (an INSERT), a key not in the index
   * leaves its leaf pinned for the insert of its entry (BTree.probe).
   */
  #checkPrimary(snapshot: Snapshot, table: TableDef, primary: OpenIndex, pk: Uint8Array, probe = false): number {
    const head = probe ? (primary.tree.probe(pk, readTidValue) ?? 0) : this.#headOf(primary, pk);
    if (head === 0) return 0;
    const holder = this.#holder(snapshot, head, table, null);
    if (holder !== 'free') throw this.#uniqueError(primary.def, holder);
    return head;
  }

  /** Check a unique secondary key is free among rows other than `ownPk`. */
  #checkUnique(snapshot: Snapshot, table: TableDef, primary: OpenIndex, index: OpenIndex, skey: Uint8Array, ownPk: Uint8Array): void {
    const heads: Uint8Array[] = [];
    index.tree.scan({ lower: skey, lowerInclusive: true, upper: afterPrefix(skey), upperInclusive: false }, (key, value) => {
      const pk = key.subarray(skeyLength(value));
      if (!sameKey(pk, ownPk)) heads.push(pk.slice());
    });
    const def = index.def;
    for (const pk of heads) {
      const head = this.#headOf(primary, pk);
      if (head === 0) continue;
      const holder = this.#holder(snapshot, head, table, (v) => sameKey(this.#secondaryKey(def, v), skey));
      if (holder !== 'free') throw this.#uniqueError(def, holder);
    }
  }

  /** The key index `def` stores for a version (hashed for a hash index). */
  #secondaryKey(def: IndexDef, v: { row: readonly StorageValue[]; stored: number }): Uint8Array {
    return indexedKey(def, keyValues(def, v.row, v.stored));
  }

  /** The version's key in index `def`, or null if its entry (the key, then `pk`) is over the key limit. */
  #entryOrNull(def: IndexDef, v: { row: readonly StorageValue[]; stored: number }, pk: Uint8Array): Uint8Array | null {
    try {
      checkSecondaryEntrySize(def, keyValues(def, v.row, v.stored), pk);
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.programLimitExceeded) return null;
      throw error;
    }
    return this.#secondaryKey(def, v);
  }

  // ---- writes ---------------------------------------------------------------------------

  /**
   * Before inserting a row: check every unique key. Returns the primary key
   * and the chain head the new version links to (0 for none).
   */
  beforeInsert(snapshot: Snapshot, table: TableDef, row: readonly StorageValue[], rowId: number): { readonly pk: Uint8Array; readonly prev: number } {
    const primary = this.#primary(table);
    const pk = primaryKeyInto(primary.def, row, row.length, rowId, this.#pkScratch);
    const prev = this.#checkPrimary(snapshot, table, primary, pk, true);
    if (prev === 0) this.#probed = primary.tree;
    try {
      for (const index of this.#secondaries(table)) {
        const def = index.def;
        if (!def.unique && def.columns.length === 1 && def.columns[0]!.key.type === 'int64' && pk.length <= MAX_KEY_SIZE - 9) {
          // One integer column of a non-unique index (the usual secondary key), without the row's key values collected:
          // its entry takes 9 bytes (1 for NULL) if the value is a safe-integer number (checkSecondaryEntrySize's short way).
          const c = def.columns[0]!;
          const value = c.column < row.length ? row[c.column] ?? null : c.missing ?? null;
          if (value === null || (typeof value === 'number' && Number.isSafeInteger(value))) continue;
        }
        const values = keyValuesInto(def, row, row.length, this.#keyScratch);
        checkSecondaryEntrySize(def, values, pk);
        if (!def.unique) continue;
        if (hasNull(values as KeyValue[])) continue;
        this.#checkUnique(snapshot, table, primary, index, indexedKey(index.def, values), pk);
      }
    } catch (error) {
      primary.tree.releaseProbe();
      throw error;
    }
    const result = this.#inserting;
    result.pk = pk;
    result.prev = prev;
    return result;
  }

  /**
   * beforeInsert's result, one reused object, and where it encodes a
   * one-integer primary key: both are the row's until the next
   * beforeInsert, which the engine's insert of that row (stagePrimary,
   * afterInsert) comes before; nothing keeps `pk` (the trees, the deferred
   * entries and the WAL record copy its bytes).
   */
  readonly #inserting: { pk: Uint8Array; prev: number } = { pk: new Uint8Array(0), prev: 0 };
  readonly #pkScratch = new Uint8Array(9);

  /**
   * A new primary key's entry (beforeInsert found no version of it: prev 0),
   * staged in its leaf for the heap to log in the same record as the
   * version (Heap.insert's `entry`, BTree.stageInsert). null when it cannot
   * be staged, or when (with `defer`: the engine passes it from a
   * transaction's second row on) the key is above every key of the tree and
   * its entry is to wait in the tree's append run (BTree.canAppend), where
   * afterInsert puts it; otherwise, once the heap took it (`done`),
   * afterInsert is told the primary entry is in (`headDone`), and if it did
   * not, the caller releases it and afterInsert inserts the entry as usual.
   */
  stagePrimary(table: TableDef, pk: Uint8Array, defer = false): StagedInsert | null {
    this.#probed = null;
    const tree = this.#primary(table).tree;
    // From a transaction's second row on, a key above every key of the tree waits in its append run (BTree.append): afterInsert puts it there.
    if (defer && tree.canAppend(pk)) return null;
    return tree.stageInsert(pk, TID_BYTES, writeTidValue);
  }

  /**
   * After the new version is in the heap: point the primary key at it and
   * add its secondary entries. With `defer` (the engine passes it from a
   * transaction's second row on: a lone row gains nothing from waiting),
   * those of non-unique indexes wait in #deferred (deferred-entries.ts); so
   * does a first row's entry in an index with no entry yet. In a tree that
   * holds one entry, every entry of a load sorting below it went in before
   * that entry, into a leaf that was not the last: those leaves were split
   * in the middle and stayed half full, where a load into an empty tree
   * appends and splits the last leaf leaving full ones behind (BTree.#split).
   */
  afterInsert(table: TableDef, row: readonly StorageValue[], pk: Uint8Array, prev: number, tid: number, defer: boolean, headDone = false): void {
    this.#probed = null;
    if (!headDone) {
      const primary = this.#primary(table);
      if (prev !== 0 || !primary.tree.append(pk, TID_BYTES, writeTidValue, tid)) this.#setHead(primary, pk, tid, prev !== 0);
      else if (this.#appending !== primary.tree && !this.#appendingAlso.includes(primary.tree)) this.#noteAppending(primary.tree);
    }
    for (const index of this.#secondaries(table)) {
      const def = index.def;
      const deferred = !def.unique && (defer || index.tree.isEmpty());
      if (deferred && def.method !== 'hash' && def.columns.length === 1 && this.#deferInt64(index, row, pk, tid)) continue;
      const values = keyValuesInto(def, row, row.length, this.#keyScratch);
      if (deferred) this.#deferSecondary(index, values, pk, tid);
      else this.#insertSecondary(index, values, pk, tid);
    }
  }

  /**
   * #deferSecondary's short way for a B-tree index of one integer column
   * holding a safe integer (the usual secondary key): the entry, the
   * column's 9 bytes then the primary key, encoded straight into the
   * holder's arena, without the row's key values collected first or the
   * general encoder's checks. false (nothing held) for any other value.
   */
  #deferInt64(index: OpenIndex, row: readonly StorageValue[], pk: Uint8Array, tid: number): boolean {
    const c = index.def.columns[0]!;
    const value = (c.column < row.length ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
    const pkLength = pk.length;
    if (typeof value !== 'number' || c.key.type !== 'int64' || 9 + pkLength > MAX_KEY_SIZE) return false;
    const deferred = this.#deferred;
    const arena = deferred.reserve(index.def.id, index.tree);
    const at = deferred.keyAt;
    if (!encodeInt64KeyInto(c.key, value, arena, at)) {
      deferred.cancel();
      return false;
    }
    copyPrimaryKeyInto(pk, arena, at + 9);
    deferred.commit(9 + pkLength, 9, tid);
    return true;
  }

  /**
   * Put every deferred secondary entry into its tree. The engine calls it
   * before a commit record: a committed version has all its entries.
   */
  flushDeferred(): void {
    this.#releaseProbe();
    if (this.#deferred.size > 0) this.#deferred.flush();
    if (this.#appending !== null) {
      this.#appending.flushRun();
      this.#appending = null;
      for (const tree of this.#appendingAlso) tree.flushRun();
      this.#appendingAlso.length = 0;
    }
  }

  /** Primary trees whose append run may hold entries (BTree.append): the last one to take one, and any others since the last flushDeferred. */
  #appending: BTree | null = null;
  readonly #appendingAlso: BTree[] = [];

  #noteAppending(tree: BTree): void {
    if (this.#appending !== null) this.#appendingAlso.push(this.#appending);
    this.#appending = tree;
  }

  /**
   * The primary tree whose probe (beforeInsert) may still hold a leaf: the
   * insert that follows takes it over (stagePrimary, afterInsert); if that
   * never came (the row failed in between), a commit or a dropped index
   * gives the leaf back here rather than at the tree's next use.
   */
  #probed: BTree | null = null;

  #releaseProbe(): void {
    const tree = this.#probed;
    if (tree !== null) {
      this.#probed = null;
      tree.releaseProbe();
    }
  }

  /** A row's key values of one index at a time, as beforeInsert and afterInsert compute and use them (never kept). */
  readonly #keyScratch: KeyValue[] = [];

  /** Secondary entries of a non-unique index held for a sorted insert. */
  readonly #deferred = new DeferredEntries(MAX_KEY_SIZE);

  /** Hold a row's entry of a non-unique secondary index in #deferred (with its version's tid as a B-tree entry's location hint). */
  #deferSecondary(index: OpenIndex, values: readonly KeyValue[], pk: Uint8Array, tid: number): void {
    const deferred = this.#deferred;
    if (index.def.method !== 'hash') {
      // Encoded straight into the holder's arena (room for MAX_KEY_SIZE bytes is reserved).
      const arena = deferred.reserve(index.def.id, index.tree);
      const skeyLen = encodeSecondaryEntryInto(index.def, values, pk, arena, deferred.keyAt);
      if (skeyLen >= 0) {
        deferred.commit(skeyLen + pk.length, skeyLen, tid);
        return;
      }
      deferred.cancel();
    }
    const skey = indexedKey(index.def, values);
    const entry = secondaryEntry(index.def, skey, pk);
    deferred.add(index.def.id, index.tree, entry, entry.length, skey.length, index.def.method === 'hash' ? 0 : tid);
  }

  /** Add a row's entry to a secondary index: encoded in a reused buffer (the tree copies it), without allocating; a B-tree entry's value carries `tid`, its version's location hint. */
  #insertSecondary(index: OpenIndex, values: readonly KeyValue[], pk: Uint8Array, tid: number): void {
    const skeyLen = encodeSecondaryEntryInto(index.def, values, pk, this.#entryBuf);
    if (skeyLen < 0) {
      const skey = indexedKey(index.def, values);
      index.tree.insert(secondaryEntry(index.def, skey, pk), this.#entryValue(index.def, skey.length, tid));
      return;
    }
    const length = skeyLen + pk.length;
    let entry = this.#entryViews[length];
    if (entry === undefined) this.#entryViews[length] = entry = this.#entryBuf.subarray(0, length);
    index.tree.insert(entry, hintValue(this.#hintValue, skeyLen, tid));
  }

  /** A secondary entry's value: with the location hint `tid` for a B-tree index, without for a hash index. */
  #entryValue(def: IndexDef, skeyLen: number, tid: number): Uint8Array {
    return def.method === 'hash' ? skeyValue(skeyLen) : hintValue(this.#hintValue, skeyLen, tid);
  }

  /** Where a secondary entry's value is built (the tree copies it). */
  readonly #hintValue = new Uint8Array(HINT_VALUE_BYTES);

  /** Where #insertSecondary encodes an entry, and a view of it for each length. */
  readonly #entryBuf = new Uint8Array(MAX_KEY_SIZE);
  readonly #entryViews: (Uint8Array | undefined)[] = [];

  /**
   * Before replacing version `old` by `row`: check the keys that change.
   * Returns the new primary key and what the new version links to: the old
   * version if the primary key stays, else the new key's chain head.
   */
  beforeUpdate(snapshot: Snapshot, table: TableDef, old: Version, row: readonly StorageValue[]): { readonly pk: Uint8Array; readonly prev: number; readonly samePk: boolean } {
    const primary = this.#primary(table);
    const oldPk = primaryKeyOf(primary.def, old.row, old.stored, old.rowId);
    // Key columns that keep their values keep the key: not encoded again to find that out (an UPDATE of other columns).
    const keptPk = sameKeyValues(primary.def, old, row);
    const pk = keptPk ? oldPk : primaryKeyOf(primary.def, row, row.length, old.rowId);
    const samePk = keptPk || sameKey(pk, oldPk);
    const prev = samePk ? old.tid : this.#checkPrimary(snapshot, table, primary, pk);
    for (const index of this.#secondaries(table)) {
      const values = keyValuesInto(index.def, row, row.length, this.#keyScratch);
      checkSecondaryEntrySize(index.def, values, pk);
      if (!index.def.unique) continue;
      if (hasNull(values as KeyValue[])) continue;
      if (samePk && sameKeyValues(index.def, old, row)) continue;
      const skey = indexedKey(index.def, values);
      if (samePk && sameKey(skey, this.#secondaryKey(index.def, old))) continue;
      // The row's own entries (under its old primary key) are not a conflict.
      this.#checkUnique(snapshot, table, primary, index, skey, oldPk);
    }
    const result = this.#updating;
    result.pk = pk;
    result.prev = prev;
    result.samePk = samePk;
    return result;
  }

  /** beforeUpdate's result, one reused object (as #inserting): the engine reads it at once. */
  readonly #updating: { pk: Uint8Array; prev: number; samePk: boolean } = { pk: new Uint8Array(0), prev: 0, samePk: false };

  /**
   * An UPDATE that keeps its primary key: the key's entry, which names the
   * chain's head, staged for the heap to point it at the new version in the
   * version's own record (Heap.insert's `replaces`, BTree.stageValue). null
   * when it cannot be staged; once the heap took it (`done`), afterUpdate is
   * told the primary entry is set (`headDone`); if it did not, the caller
   * releases it and afterUpdate sets it as usual.
   */
  stageHead(table: TableDef, pk: Uint8Array): StagedValue | null {
    return this.#primary(table).tree.stageValue(pk, TID_BYTES, writeTidValue);
  }

  afterUpdate(table: TableDef, old: Version, row: readonly StorageValue[], pk: Uint8Array, prev: number, samePk: boolean, tid: number, headDone = false): void {
    if (!headDone) this.#setHead(this.#primary(table), pk, tid, samePk || prev !== 0);
    for (const index of this.#secondaries(table)) {
      // The same key under the same primary key: the entry there is the new version's too.
      if (samePk && sameKeyValues(index.def, old, row)) continue;
      const skey = indexedKey(index.def, keyValues(index.def, row, row.length));
      if (samePk && sameKey(skey, this.#secondaryKey(index.def, old))) continue;
      index.tree.insert(secondaryEntry(index.def, skey, pk), this.#entryValue(index.def, skey.length, tid));
    }
  }

  /**
   * A savepoint rollback undid version `tid` (its creator now deletes it
   * itself, so no one ever sees it): point its key's primary entry back
   * where it was before the version was written. That is the version it
   * links to (the one an UPDATE replaced, whose xmax the rollback cleared,
   * or an older deleted one), or no entry for a key that was new. Left at
   * the undone version, the entry made readers and the uniqueness check
   * stop there, as at a deleted row: the revived row vanished from every
   * index lookup and a second row with its key could be inserted.
   */
  undoInsert(table: TableDef, tid: number): void {
    const v = this.version(table, tid);
    if (v === undefined) return;
    const primary = this.#primary(table);
    const pk = primaryKeyOf(primary.def, v.row, v.stored, v.rowId);
    if (this.#headOf(primary, pk) !== tid) return;
    if (v.prev !== 0) this.#setHead(primary, pk, v.prev, true);
    else primary.tree.delete(pk);
  }

  // ---- reads ----------------------------------------------------------------------------

  /**
   * The version of the chain starting at `head` that the snapshot sees, as
   * Engine.get finds it (see there for why the walk stops where it does).
   */
  visibleVersion(table: TableDef, head: number, snapshot: Snapshot, wanted?: readonly boolean[]): Version | undefined {
    const txns = this.#txns();
    const types = storageTypesOf(table);
    let tid = head;
    let stop = false;
    // The header decides; only the version the snapshot sees is decoded.
    const read = (u8: Uint8Array, view: DataView, at: number, len: number): Version | null => {
      const xmin = tupleXmin(view, at);
      const xmax = tupleXmax(view, at);
      const prev = tuplePrev(view, at);
      if (isVisible(xmin, xmax, snapshot, txns)) {
        return {
          tid, xmin, xmax, prev, flags: tupleFlags(view, at), rowId: tupleRowId(view, at),
          row: decodeTuple(types, u8, at, len, true, wanted), stored: tupleColumnCount(view, at),
        };
      }
      stop = (xmin === snapshot.txid && xmin !== 0 && xmax !== xmin) || committedBefore(xmin, snapshot, txns);
      tid = prev;
      return null;
    };
    const heap = this.#heap();
    for (let hops = 0; tid !== 0 && hops < MAX_CHAIN; hops++) {
      const v = heap.visit(tid, read);
      if (v === undefined) return undefined;
      if (v !== null || stop) return v ?? undefined;
    }
    return undefined;
  }

  /** Visit the rows the snapshot sees whose index key lies in `range`, in index order. */
  scan(table: TableDef, indexId: number, range: IndexRange, snapshot: Snapshot, visit: IndexVisitor, columns?: readonly boolean[], reuseRow = false): void {
    const def = this.#defs.get(indexId);
    if (def === undefined || def.tableId !== table.id) throw new FlintError(SqlState.undefinedObject, `index ${indexId} of "${table.name}" does not exist`);
    // The caller's columns, and the index's own: a version's key is checked against its entry.
    const wanted = columns === undefined ? undefined : this.#withKeyColumns(columns, def);
    if (this.#deferred.has(indexId)) this.#deferred.flushIndex(indexId);
    const index = this.#open(def);
    const primary = def.primary ? index : this.#primary(table);
    // A hash index answers equality on all its columns; rows are re-checked against the full key.
    let probe: Uint8Array | null = null;
    if (def.method === 'hash') {
      const values = range.lower?.values;
      if (values === undefined || range.upper === undefined || values.length !== def.columns.length || !range.lower!.inclusive || !range.upper.inclusive || !sameKey(fullKey(def, range.upper.values as KeyValue[]), fullKey(def, values as KeyValue[]))) {
        throw new FlintError(SqlState.featureNotSupported, `hash index "${def.name}" answers equality on all its columns only`);
      }
      probe = fullKey(def, values as KeyValue[]);
    }
    // Equality on every column of the primary key: one lookup, no cursor.
    if (def.primary && probe === null) {
      const values = equalityValues(def, range);
      if (values !== null) {
        // One integer column (the usual key): its 9 bytes into a buffer kept for it, not a new array per lookup.
        const keyColumns = keyColumnsOf(def);
        const head = keyColumns.length === 1 && encodeInt64KeyInto(keyColumns[0]!, values[0]!, this.#pointKey, 0)
          ? index.tree.findAt(this.#pointKey, 0, INT64_KEY_BYTES, readTidAt)
          : index.tree.find(encodeIndexKey(def, values), readTidAt);
        if (head === undefined) return;
        if (reuseRow) {
          // The walk of #visibleRow (the same versions as visibleVersion's), by a column plan kept for the last
          // table and columns: no Version object, closure or plan per lookup.
          const types = storageTypesOf(table);
          this.#vShared = null;
          const row = this.#visibleRow(head, snapshot, types, this.#pointPlan(types, wanted));
          if (row !== undefined) visit(this.#rowTid, row, this.#rowStored);
          return;
        }
        const v = this.visibleVersion(table, head, snapshot, wanted);
        if (v !== undefined) visit(v.tid, v.row, v.stored);
        return;
      }
    }
    if (!def.primary && probe === null) {
      this.#scanSecondary(table, primary, def, index, this.#secondaryBounds(def, range), snapshot, visit, wanted, reuseRow, columns);
      return;
    }
    const bounds = probe === null ? treeBounds(def, range) : hashBounds(def, range.lower!.values as KeyValue[]);
    // Collect first: the visitor may write to this table (an UPDATE through
    // the index), and entries it adds must not be visited again.
    const found: Uint8Array[] = [];
    const tids: number[] = [];
    index.tree.scan(bounds, (key, value) => {
      if (def.primary) {
        tids.push(readTid(new DataView(value.buffer, value.byteOffset, value.byteLength), 0));
      } else {
        found.push(key.slice());
        tids.push(skeyLength(value));
      }
    });
    for (let i = 0; i < tids.length; i++) {
      let head: number;
      let skey: Uint8Array | null = null;
      if (def.primary) {
        head = tids[i]!;
      } else {
        const key = found[i]!;
        skey = key.subarray(0, tids[i]!);
        head = this.#headOf(primary, key.subarray(tids[i]!));
        if (head === 0) continue;
      }
      const v = this.visibleVersion(table, head, snapshot, wanted);
      if (v === undefined) continue;
      // A stale secondary entry leads to a version with another key: skip it.
      // (A hash entry also matches other keys with the same hash.)
      if (probe !== null) {
        if (!sameKey(fullKey(def, keyValues(def, v.row, v.stored)), probe)) continue;
      } else if (skey !== null && !sameKey(this.#secondaryKey(def, v), skey)) continue;
      if (visit(v.tid, v.row, v.stored) === false) return;
    }
  }

  /**
   * scan() through a B-tree secondary index: the entries in range are
   * collected first (their bytes one after another in one buffer), then
   * each entry's primary key is looked up in the primary index and the
   * version the snapshot sees is decoded, by one column plan for the whole
   * scan, and re-checked against the entry's secondary key (a stale entry
   * leads to a version with another key) by comparing its key, as it would
   * encode, with the entry's bytes in place (keyEquals: no encoding, an
   * int64 column's 9 bytes computed on the way). The same rows, in the same
   * order, as the general path.
   */
  #scanSecondary(table: TableDef, primary: OpenIndex, def: IndexDef, index: OpenIndex, bounds: BTreeScanOptions, snapshot: Snapshot, visit: IndexVisitor, wanted: readonly boolean[] | undefined, reuseRow: boolean, callerColumns: readonly boolean[] | undefined): void {
    // A visitor may scan again (a nested query): each depth has its own collector.
    const depth = this.#scanDepth++;
    try {
      const collector = (this.#collectors[depth] ??= new EntryCollector());
      collector.reset();
      this.#scanCollected(table, primary, def, index, bounds, snapshot, visit, wanted, reuseRow, callerColumns, collector);
    } finally {
      this.#scanDepth--;
    }
  }

  /**
   * treeBounds(def, range) for a secondary scan. Equality on one int64
   * column (a lookup by a category, a foreign key), forward: its two keys
   * written into buffers kept for it, in a bounds object kept for it, not
   * two new arrays and an object a lookup (~0.5 KB of a lookup's ~3 KB).
   * Safe to share: the scan reads its bounds only while it collects its
   * entries, before any visitor (which may scan again) runs.
   */
  #secondaryBounds(def: IndexDef, range: IndexRange): BTreeScanOptions {
    const lower = range.lower;
    const upper = range.upper;
    if (lower === undefined || upper === undefined || range.reverse === true || !lower.inclusive || !upper.inclusive) return treeBounds(def, range);
    const values = lower.values;
    if (values.length !== 1 || upper.values.length !== 1 || def.columns.length < 1 || !Object.is(values[0], upper.values[0])) return treeBounds(def, range);
    const bounds = this.#eqBounds;
    if (!encodeInt64KeyInto(def.columns[0]!.key, values[0] as KeyValue, bounds.lower, 0)) return treeBounds(def, range);
    // afterPrefix(lower): the key, then 0xFF.
    const after = bounds.upper;
    for (let i = 0; i < INT64_KEY_BYTES; i++) after[i] = bounds.lower[i]!;
    after[INT64_KEY_BYTES] = 0xff;
    return bounds;
  }

  readonly #eqBounds = { lower: new Uint8Array(INT64_KEY_BYTES), lowerInclusive: true, upper: new Uint8Array(INT64_KEY_BYTES + 1), upperInclusive: false } as const;

  /** Secondary scans running (visitors may nest them), and the entry collector of each depth, reused from scan to scan. */
  #scanDepth = 0;
  readonly #collectors: EntryCollector[] = [];

  /**
   * withKeyColumns(columns, def), the last result kept: a prepared lookup
   * asks with the same flags every time, and a new array a lookup (the
   * caller's columns rarely include the key's) was ~2% of bench:peers'
   * lookups by cat. Compared by content: a caller may refill its array.
   */
  #withKeyColumns(columns: readonly boolean[], def: IndexDef): readonly boolean[] {
    const last = this.#lastWanted;
    if (last !== null && last.def === def && sameFlags(last.columns, columns)) return last.wanted;
    const wanted = withKeyColumns(columns, def);
    this.#lastWanted = { def, columns: columns.slice(), wanted };
    return wanted;
  }

  #lastWanted: { def: IndexDef; columns: readonly boolean[]; wanted: readonly boolean[] } | null = null;

  #scanCollected(table: TableDef, primary: OpenIndex, def: IndexDef, index: OpenIndex, bounds: BTreeScanOptions, snapshot: Snapshot, visit: IndexVisitor, wanted: readonly boolean[] | undefined, reuseRow: boolean, callerColumns: readonly boolean[] | undefined, collector: EntryCollector): void {
    // Collect first: the visitor may write to this table (an UPDATE through
    // the index), and entries it adds must not be visited again.
    index.tree.collectBlocks(bounds, collector.block, collector.visit);
    const count = collector.count;
    if (count === 0) return;
    const bytes = collector.bytes;
    const starts = collector.starts;
    const ends = collector.ends;
    const pkStarts = collector.pkStarts;
    const hints = collector.hints;
    const types = storageTypesOf(table);
    const setup = this.#scanSetup(types, primary.def, def, wanted, callerColumns);
    const plan = setup.plan;
    const columns = def.columns;
    const keyColumns = keyColumnsOf(def);
    const values = setup.values;
    // A hinted version is checked against the whole entry (secondary key, then primary key) at once.
    const pkColumns = primary.def.columns;
    const entryColumns = setup.entryColumns;
    const entryValues = setup.entryValues;
    const tree = primary.tree;
    // With reuseRow every version is decoded into one array (the visitor reads it during the call only).
    const shared = reuseRow ? collector.sharedRow(types.length) : null;
    // The hinted tuples' cache misses, all at once rather than one per row.
    // Their frames too: a row's visit pins its frame without the page table when the frame still caches its block.
    const frames = this.#hintFrames;
    // With every column read a number or boolean (and rows read during the visit only), the hinted tuples are read by
    // the tuplesExtract kernel, TUPLES_STRIDE a call (it touches them all first, as prefetch does): their
    // columns, xmin and xmax, before the visits of that stretch of entries (see #extractedRow).
    const extract = shared !== null && count > 1 ? setup.extract : null;
    // Where the kernel's result holds the entry's columns (each the row's value of an int16 or int32 column, read by the kernel), or null.
    const entryExtractAt = extract !== null ? setup.entryExtractAt : null;
    const extractBase = extract !== null ? (TUPLES_OUT_FLAGS + TUPLES_STRIDE * extract.columns.length) >>> 3 : 0;
    const heap = this.#heap();
    if (count > 1 && extract === null) heap.prefetch(hints, 0, count, frames);
    for (let e = 0; e < count; e++) {
      this.#vShared = shared;
      const end = ends[e]!;
      const pkStart = pkStarts[e]!;
      const entryStart = starts[e]!;
      // The version the entry's location hint names, if it is still the row's visible version; else the primary index's way.
      const hint = hints[e]!;
      let row: StorageValue[] | undefined | null;
      let verified = false;
      let checked = false;
      if (extract !== null) {
        const i = e % TUPLES_STRIDE;
        if (i === 0) heap.extractTuples(table.id, hints, e, Math.min(e + TUPLES_STRIDE, count), extract.desc, collector.tuples());
        row = hint === 0 ? undefined : this.#extractedRow(collector, i, hint, extract, snapshot, shared!);
        // Skipped by the kernel (not cached, not a plain block of the table, a tuple it leaves to decoding): as below.
        if (row === null) row = this.#hintedRow(table.id, primary.def, hint, -1, snapshot, types, plan, bytes, pkStart, end, false);
        else if (row !== undefined && entryExtractAt !== null && this.#rowAllValues) {
          // Every column read holds a value (so every column of the entry is stored): the entry compared with the
          // kernel's numbers, as keyEqualsAt below compares it with the row's.
          verified = int64KeyEqualsAt(entryColumns!, collector.tupleValues, extractBase + i, entryExtractAt, bytes, entryStart, end);
          checked = true;
          if (!verified) row = undefined;
        }
      } else {
        row = hint === 0 ? undefined : this.#hintedRow(table.id, primary.def, hint, count > 1 ? frames[e]! : -1, snapshot, types, plan, bytes, pkStart, end, entryColumns === null);
      }
      if (checked) {
        // Compared above.
      } else if (row !== undefined && entryColumns !== null && this.#rowStored > setup.entryMaxColumn) {
        // Every column of the entry stored in the version: compared where they lie in the row.
        verified = keyEqualsAt(entryColumns, row, setup.entryAt!, bytes, entryStart, end);
        if (!verified) row = undefined;
      } else if (row !== undefined && entryColumns !== null) {
        const stored = this.#rowStored;
        for (let i = 0; i < columns.length; i++) {
          const c = columns[i]!;
          entryValues[i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
        }
        for (let i = 0; i < pkColumns.length; i++) {
          const c = pkColumns[i]!;
          entryValues[columns.length + i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
        }
        verified = keyEquals(entryColumns, entryValues, bytes, entryStart, end);
        // Another row's version, or this row's with another secondary key: the primary index decides.
        if (!verified) row = undefined;
      }
      if (row === undefined) {
        const head = tree.findAt(bytes, pkStart, end - pkStart, readTidAt);
        if (head === undefined || head === 0) continue;
        row = this.#visibleRow(head, snapshot, types, plan);
        if (row === undefined) continue;
      }
      const tid = this.#rowTid;
      const stored = this.#rowStored;
      if (verified) {
        if (visit(tid, row, stored) === false) return;
        continue;
      }
      // A stale secondary entry leads to a version with another key: skip it.
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i]!;
        values[i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
      }
      if (!keyEquals(keyColumns, values, bytes, entryStart, pkStart)) continue;
      if (visit(tid, row, stored) === false) return;
    }
  }

  /**
   * What a secondary scan needs besides its entries, kept for the last
   * (table types, primary index, index, caller's columns) it ran with, so a
   * prepared statement's lookups build it once: the column plan (the
   * wanted columns and both indexes' key columns), the whole entry's key
   * columns (secondary, then primary; null for hidden row ids) and arrays
   * for the values compared. The arrays are filled and read within one
   * entry's check, so nested scans may share them.
   */
  #scanSetup(types: StorageType[], primaryDef: IndexDef, def: IndexDef, wanted: readonly boolean[] | undefined, callerColumns: readonly boolean[] | undefined): ScanSetup {
    const last = this.#lastSetup;
    if (last !== null && last.types === types && last.primary === primaryDef && last.def === def && sameFlags(last.callerColumns, callerColumns)) return last;
    const pkColumns = primaryDef.columns;
    const extract = pkColumns.length === 0 ? null : extractSetup(types, wanted === undefined ? undefined : withKeyColumns(wanted, primaryDef));
    const setup: ScanSetup = {
      types,
      primary: primaryDef,
      def,
      // A copy: the caller may refill its array.
      callerColumns: callerColumns === undefined ? undefined : callerColumns.slice(),
      // A hinted version is checked against the entry's primary key: decode its columns too.
      plan: columnPlan(types, wanted === undefined ? undefined : withKeyColumns(wanted, primaryDef)),
      entryColumns: pkColumns.length === 0 ? null : [...keyColumnsOf(def), ...keyColumnsOf(primaryDef)],
      values: new Array<KeyValue>(def.columns.length),
      entryValues: new Array<KeyValue>(def.columns.length + pkColumns.length),
      entryAt: pkColumns.length === 0 ? null : [...def.columns.map((c) => c.column), ...pkColumns.map((c) => c.column)],
      entryMaxColumn: pkColumns.length === 0 ? Infinity : Math.max(...def.columns.map((c) => c.column), ...pkColumns.map((c) => c.column)),
      extract,
      entryExtractAt: extract === null ? null : extractKeyAt(types, [...def.columns, ...pkColumns], extract),
    };
    this.#lastSetup = setup;
    return setup;
  }

  #lastSetup: ScanSetup | null = null;

  /**
   * The row at a secondary entry's location hint `tid` from the
   * tuplesExtract kernel's result (entry i of the collector's last call),
   * as #hintedRow(..., checkPk false) finds it: the row, decoded into
   * `row`, if the snapshot sees the tuple; undefined if it does not (the
   * caller takes the primary index); null if the kernel skipped it (the
   * caller reads it with #hintedRow). The tuple was read when the kernel
   * ran, before the visits of the entries before it in its stretch: a
   * visitor of this scan does not write to the table (reuseRow scans are
   * the executor's reads; an UPDATE or DELETE collects its rows first).
   */
  #extractedRow(collector: EntryCollector, i: number, tid: number, extract: ExtractSetup, snapshot: Snapshot, row: StorageValue[]): StorageValue[] | undefined | null {
    const out = collector.tuples();
    if (out[i] !== TUPLES_OK) return null;
    const columns = extract.columns;
    const k = columns.length;
    const values = collector.tupleValues;
    const base = (TUPLES_OUT_FLAGS + TUPLES_STRIDE * k) >>> 3;
    const xmin = values[base + k * TUPLES_STRIDE + i]!;
    const xmax = values[base + (k + 1) * TUPLES_STRIDE + i]!;
    let visible: boolean;
    if (xmax === 0) {
      if (xmin !== this.#vLastXmin || snapshot !== this.#vVisibleSnapshot) {
        this.#vLastXmin = xmin;
        this.#vVisibleSnapshot = snapshot;
        this.#vLastVisible = isVisible(xmin, 0, snapshot, this.#txns());
      }
      visible = this.#vLastVisible;
    } else {
      visible = isVisible(xmin, xmax, snapshot, this.#txns());
    }
    if (!visible) return undefined;
    const bools = extract.bools;
    let allValues = true;
    for (let j = 0; j < k; j++) {
      if (out[TUPLES_OUT_FLAGS + j * TUPLES_STRIDE + i] !== EXTRACT_VALUE) {
        row[columns[j]!] = null;
        allValues = false;
      } else {
        const v = values[base + j * TUPLES_STRIDE + i]!;
        row[columns[j]!] = bools[j] ? v !== 0 : v;
      }
    }
    this.#rowTid = tid;
    this.#rowStored = collector.tupleStored[(TUPLES_OUT_STORED >>> 1) + i]!;
    this.#rowRowId = -1;
    this.#rowAllValues = allValues;
    return row;
  }

  /**
   * The row at a secondary entry's location hint `tid`, if that is the
   * version of the entry's row (primary key bytes[pkStart, pkEnd)) that the
   * snapshot sees; else undefined, and the caller takes the primary index.
   * A hint is never trusted: the slot may have been vacuumed and reused by
   * another row, the segment released and taken by another table, or the
   * row updated since (the entry then names an older version). What makes
   * the check enough: a tuple of this table, visible to the snapshot, with
   * the entry's primary key, is the version the primary index's chain walk
   * finds, since a snapshot sees at most one version of a primary key (the
   * chain's versions replace each other; a key reinserted after a delete
   * links to the deleted version, and the insert needs the delete committed
   * before its snapshot). The caller re-checks the secondary key as for any
   * entry.
   */
  #hintedRow(owner: number, primaryDef: IndexDef, tid: number, frameHint: number, snapshot: Snapshot, types: readonly StorageType[], plan: ColumnPlan, bytes: Uint8Array, pkStart: number, pkEnd: number, checkPk = true): StorageValue[] | undefined {
    this.#vSnapshot = snapshot;
    this.#vTypes = types;
    this.#vPlan = plan;
    this.#vTid = tid;
    this.#vStop = false;
    // Only a tuple of this table (Heap.holds): a hint may name a slot of a segment another table took since.
    const row = this.#heap().visitOwned(owner, tid, this.#readVisible, frameHint);
    if (row === undefined || row === null) return undefined;
    // Unchecked: the caller compares the version's whole entry with the entry's bytes.
    if (!checkPk) return row;
    const pkLength = pkEnd - pkStart;
    const columns = primaryDef.columns;
    if (columns.length === 0) {
      const key = rowIdKey(this.#rowRowId);
      if (key.length !== pkLength) return undefined;
      for (let i = 0; i < pkLength; i++) if (key[i] !== bytes[pkStart + i]) return undefined;
      return row;
    }
    const stored = this.#rowStored;
    const values = this.#pkValues;
    values.length = columns.length;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      values[i] = (c.column < stored ? row[c.column] ?? null : c.missing ?? null) as KeyValue;
    }
    return keyEquals(keyColumnsOf(primaryDef), values, bytes, pkStart, pkEnd) ? row : undefined;
  }

  /**
   * The frames Heap.prefetch found for a secondary scan's hinted tuples
   * (#scanCollected). A nested scan (run by a visitor) may overwrite them:
   * harmless, since Heap.visitOwned takes a hint only if its frame still
   * caches the tuple's block, and otherwise looks the block up.
   */
  readonly #hintFrames: number[] = [];

  /** A point lookup's one-integer primary key (scan). */
  readonly #pointKey = new Uint8Array(INT64_KEY_BYTES);

  /** The column plan of the last point lookup's table types and wanted columns (a copy), reused while they stay the same. */
  #pointPlan(types: readonly StorageType[], wanted: readonly boolean[] | undefined): ColumnPlan {
    const last = this.#lastPointPlan;
    if (last !== null && last.types === types && sameFlags(last.wanted, wanted)) return last.plan;
    const plan = columnPlan(types, wanted);
    this.#lastPointPlan = { types, wanted: wanted?.slice(), plan };
    return plan;
  }

  #lastPointPlan: { types: readonly StorageType[]; wanted: readonly boolean[] | undefined; plan: ColumnPlan } | null = null;

  /** Where #hintedRow puts a version's primary key values. */
  readonly #pkValues: KeyValue[] = [];

  // What #visibleRow found besides the row (it runs to completion without calling out, so fields are safe).
  #rowTid = 0;
  #rowStored = 0;
  #rowRowId = -1;
  /** Whether #extractedRow's row had a value (not NULL, not missing) in every column the kernel read. */
  #rowAllValues = false;
  // #readVisible's inputs and state for one #visibleRow call.
  #vSnapshot: Snapshot | null = null;
  #vTypes: readonly StorageType[] = [];
  #vPlan: ColumnPlan | null = null;
  #vTid = 0;
  #vStop = false;
  /** The array #readVisible decodes into, or null for a new one per row. */
  #vShared: StorageValue[] | null = null;
  /**
   * The last undeleted version's creator and whether #vVisibleSnapshot sees
   * it: a table loaded by one transaction costs one visibility test (the
   * answer for a given snapshot never changes while a scan runs).
   */
  #vLastXmin = -1;
  #vLastVisible = false;
  #vVisibleSnapshot: Snapshot | null = null;

  /**
   * The row of the chain starting at `head` that the snapshot sees, decoded
   * by `plan` (visibleVersion without a Version object or a closure per
   * call); its tid and stored column count in #rowTid and #rowStored.
   */
  #visibleRow(head: number, snapshot: Snapshot, types: readonly StorageType[], plan: ColumnPlan): StorageValue[] | undefined {
    this.#vSnapshot = snapshot;
    this.#vTypes = types;
    this.#vPlan = plan;
    this.#vTid = head;
    this.#vStop = false;
    const heap = this.#heap();
    for (let hops = 0; this.#vTid !== 0 && hops < MAX_CHAIN; hops++) {
      const row = heap.visit(this.#vTid, this.#readVisible);
      if (row === undefined) return undefined;
      if (row !== null) return row;
      if (this.#vStop) return undefined;
    }
    return undefined;
  }

  /** The tuple step of #visibleRow: its row if the snapshot sees it, else null and the walk's next tid (or stop). */
  readonly #readVisible = (u8: Uint8Array, view: DataView, at: number, len: number): StorageValue[] | null => {
    const snapshot = this.#vSnapshot!;
    const txns = this.#txns();
    const xmin = tupleXmin(view, at);
    const xmax = tupleXmax(view, at);
    let visible: boolean;
    if (xmax === 0) {
      if (xmin !== this.#vLastXmin || snapshot !== this.#vVisibleSnapshot) {
        this.#vLastXmin = xmin;
        this.#vVisibleSnapshot = snapshot;
        this.#vLastVisible = isVisible(xmin, 0, snapshot, txns);
      }
      visible = this.#vLastVisible;
    } else {
      visible = isVisible(xmin, xmax, snapshot, txns);
    }
    if (visible) {
      const types = this.#vTypes;
      const row = this.#vShared ?? new Array<StorageValue>(types.length);
      decodeTupleInto(types, u8, at, len, true, this.#vPlan!, row);
      this.#rowTid = this.#vTid;
      this.#rowStored = tupleColumnCount(view, at);
      this.#rowRowId = tupleRowId(view, at);
      return row;
    }
    this.#vStop = (xmin === snapshot.txid && xmin !== 0 && xmax !== xmin) || committedBefore(xmin, snapshot, txns);
    this.#vTid = tuplePrev(view, at);
    return null;
  };

  // ---- building and vacuum ----------------------------------------------------------------

  /**
   * Fill a new secondary index from the table's versions: an entry for every
   * version that is not dead to everyone (older snapshots may look for
   * theirs). A unique index fails (23505) if two live rows share a key.
   */
  build(table: TableDef, def: IndexDef, horizon: number): void {
    const index = this.#open(def);
    const primary = this.#primary(table);
    const txns = this.#txns();
    const liveKeys = new Map<string, true>();
    const entries: { key: Uint8Array; value: Uint8Array }[] = [];
    for (const tid of this.#allTids(table)) {
      const v = this.version(table, tid);
      if (v === undefined || deadToAll(v, horizon, txns)) continue;
      const values = keyValues(def, v.row, v.stored);
      const skey = indexedKey(def, values);
      const pk = primaryKeyOf(primary.def, v.row, v.stored, v.rowId);
      entries.push({ key: secondaryEntry(def, skey, pk), value: this.#entryValue(def, skey.length, tid).slice() });
      if (def.unique && !hasNull(values as KeyValue[]) && newestLive(v, txns)) {
        const text = skey.join(',');
        if (liveKeys.has(text)) {
          throw new FlintError(SqlState.uniqueViolation, `could not create unique index "${def.name}"`, {
            detail: 'The table holds two rows with the same key.',
            constraint: def.name,
          });
        }
        liveKeys.set(text, true);
      }
    }
    for (const e of entries) index.tree.insert(e.key, e.value);
  }

  #allTids(table: TableDef): number[] {
    const tids: number[] = [];
    this.#heap().scan(table.id, (tid) => {
      tids.push(tid);
    });
    return tids;
  }

  /**
   * Vacuum is about to reclaim `tid`: fix the indexes so nothing points at
   * it. Returns false if it must wait (a newer version that links to it is
   * not yet seen by every snapshot), in which case nothing changed.
   */
  beforeReclaim(table: TableDef, tid: number, horizon: number): boolean {
    this.flushDeferred();
    const v = this.version(table, tid);
    if (v === undefined) return true;
    const txns = this.#txns();
    const primary = this.#primary(table);
    const pk = primaryKeyOf(primary.def, v.row, v.stored, v.rowId);
    const head = this.#headOf(primary, pk);
    // Who links to v? Only a newer version of the same chain.
    if (head !== 0 && head !== tid) {
      let cur = head;
      for (let hops = 0; cur !== 0 && hops < MAX_CHAIN; hops++) {
        const h = this.#header(cur);
        if (h === undefined) break;
        if (h.prev === tid) {
          if (!createdForAll(h.xmin, horizon, txns)) return false;
          break;
        }
        if (createdForAll(h.xmin, horizon, txns)) break;
        cur = h.prev;
      }
    }
    if (head === tid) {
      const aborted = txns.state(v.xmin) === TxnState.aborted;
      if (aborted && v.prev !== 0) this.#setHead(primary, pk, v.prev, true);
      else primary.tree.delete(pk);
    }
    const secondaries = this.#secondaries(table);
    if (secondaries.length === 0) return true;
    const newHead = head === tid ? (txns.state(v.xmin) === TxnState.aborted ? v.prev : 0) : head;
    const others = this.#chainVersions(table, newHead, tid, horizon);
    for (const index of secondaries) {
      // A version whose entry is over the key limit was never indexed (an earlier build wrote such versions
      // before failing on their entries): nothing to remove.
      const skey = this.#entryOrNull(index.def, v, pk);
      if (skey === null) continue;
      if (others.some((w) => sameKey(this.#secondaryKey(index.def, w), skey))) continue;
      index.tree.delete(secondaryEntry(index.def, skey, pk));
    }
    return true;
  }

  /** The versions of a chain some snapshot may still see (or aborted ones not yet reclaimed), except `skip`. */
  #chainVersions(table: TableDef, head: number, skip: number, horizon: number): Version[] {
    const txns = this.#txns();
    const result: Version[] = [];
    let cur = head;
    for (let hops = 0; cur !== 0 && hops < MAX_CHAIN; hops++) {
      const w = cur === skip ? undefined : this.version(table, cur);
      if (cur !== skip && w === undefined) break;
      if (w !== undefined) result.push(w);
      const h = w ?? this.#header(cur);
      if (h === undefined || createdForAll(h.xmin, horizon, txns)) break;
      cur = h.prev;
    }
    return result;
  }

  /** Drop the trees of a table's indexes from the cache (DROP TABLE releases their segments). */
  dropTable(tableId: number): IndexDef[] {
    const defs = this.of(tableId);
    for (const def of defs) this.unregister(def.id);
    this.#nextRowId.delete(tableId);
    return defs;
  }

  /**
   * Every index agrees with its table (tests, `flint check`): every version
   * some snapshot may see has its primary entry (and is reachable from it)
   * and its entry in every secondary index; every primary entry points at a
   * version with its key. Calls `problem` for each disagreement (with the
   * version's tid, 0 when there is none) and stops after `limit` of them;
   * the default throws XX002 on the first. A secondary entry that belongs to
   * no version of its row with its key goes to `stale` instead: readers
   * re-check every entry, so it is harmless, and a transaction cut short by
   * a crash can leave one (its entry's WAL record made it, its tuple's not).
   * `structure` also checks each tree's own invariants (BTree.check) first.
   */
  verify(
    table: TableDef,
    horizon: number,
    problem: (what: string, tid: number) => void = throwIndexCorrupted,
    limit = 100,
    stale: (what: string) => void = () => {},
    structure = false,
  ): void {
    this.flushDeferred();
    const txns = this.#txns();
    const primary = this.#primary(table);
    let found = 0;
    const report = (what: string, tid: number): boolean => {
      problem(what, tid);
      return ++found < limit;
    };
    if (structure) {
      // Each tree's own invariants first (key order, separators, sibling links, page accounting: btree-check.ts).
      for (const index of [primary, ...this.#secondaries(table)]) {
        try {
          index.tree.check();
        } catch (error) {
          if (!(error instanceof FlintError)) throw error;
          if (!report(`index "${index.def.name}" of "${table.name}": ${error.message}`, 0)) return;
        }
      }
    }
    for (const tid of this.#allTids(table)) {
      const v = this.version(table, tid)!;
      if (deadToAll(v, horizon, txns)) continue;
      const pk = primaryKeyOf(primary.def, v.row, v.stored, v.rowId);
      const head = this.#headOf(primary, pk);
      if (head === 0) {
        if (!report(`version ${formatTid(tid)} of "${table.name}" has no primary index entry`, tid)) return;
      } else if (!this.#chainVersions(table, head, 0, horizon).some((w) => w.tid === tid)) {
        if (!report(`version ${formatTid(tid)} of "${table.name}" is not reachable from its primary index entry`, tid)) return;
      }
      for (const index of this.#secondaries(table)) {
        const entry = secondaryEntry(index.def, this.#secondaryKey(index.def, v), pk);
        if (index.tree.get(entry) === undefined) {
          if (!report(`version ${formatTid(tid)} of "${table.name}" is missing from index "${index.def.name}"`, tid)) return;
        }
      }
    }
    let stop = false;
    primary.tree.scan({}, (key, value) => {
      const head = readTid(new DataView(value.buffer, value.byteOffset, value.byteLength), 0);
      const v = this.version(table, head);
      if (v === undefined) stop = !report(`primary entry of "${table.name}" points at an empty slot ${formatTid(head)}`, head);
      else if (!sameKey(primaryKeyOf(primary.def, v.row, v.stored, v.rowId), key)) {
        stop = !report(`primary entry of "${table.name}" points at version ${formatTid(head)}, which has another key`, head);
      }
      return !stop;
    });
    for (const index of this.#secondaries(table)) {
      if (stop) return;
      index.tree.scan({}, (key, value) => {
        const entry = key.slice();
        const skey = entry.subarray(0, skeyLength(value));
        const pk = entry.subarray(skey.length);
        // Stale entries are allowed (invariant 2) while their version is not yet reclaimed, so walk the whole chain.
        let cur = this.#headOf(primary, pk);
        for (let hops = 0; cur !== 0 && hops < MAX_CHAIN; hops++) {
          const w = this.version(table, cur);
          if (w === undefined) break;
          if (sameKey(primaryKeyOf(primary.def, w.row, w.stored, w.rowId), pk) && sameKey(this.#secondaryKey(index.def, w), skey)) return true;
          cur = w.prev;
        }
        stale(`an entry of index "${index.def.name}" of "${table.name}" names no version of its row with its key`);
        return true;
      });
    }
  }
}

function throwIndexCorrupted(what: string): never {
  throw new FlintError(SqlState.indexCorrupted, what);
}

// ---- helpers ---------------------------------------------------------------------------------

const typesOfTables = new WeakMap<TableDef, StorageType[]>();

/** A table's column storage types (computed once per table definition). */
function storageTypesOf(table: TableDef): StorageType[] {
  let types = typesOfTables.get(table);
  if (types === undefined) {
    types = table.columns.map((c) => c.type);
    typesOfTables.set(table, types);
  }
  return types;
}

/** The key values of a range that is one key of the index (equality on all its columns), else null. */
function equalityValues(def: IndexDef, range: IndexRange): readonly KeyValue[] | null {
  const { lower, upper } = range;
  const n = def.columns.length;
  if (n === 0 || lower === undefined || upper === undefined || !lower.inclusive || !upper.inclusive) return null;
  if (lower.values.length !== n || upper.values.length !== n) return null;
  if (lower.values !== upper.values) {
    for (let i = 0; i < n; i++) if (lower.values[i] !== upper.values[i]) return null;
  }
  return lower.values as readonly KeyValue[];
}

/** `columns` plus the stored columns of the index's key. */
function withKeyColumns(columns: readonly boolean[], def: IndexDef): readonly boolean[] {
  let all = true;
  for (const c of def.columns) if (columns[c.column] !== true) all = false;
  if (all) return columns;
  const out = columns.slice();
  for (const c of def.columns) out[c.column] = true;
  return out;
}

const readTidAt = (_u8: Uint8Array, view: DataView, at: number): number => readTid(view, at);

/** Bytes of a one-column int64 key (encodeInt64KeyInto). */
const INT64_KEY_BYTES = 9;

/** #scanSecondary's setup for one (table types, primary index, index, caller's columns): see IndexManager.#scanSetup. */
interface ScanSetup {
  readonly types: StorageType[];
  readonly primary: IndexDef;
  readonly def: IndexDef;
  readonly callerColumns: readonly boolean[] | undefined;
  readonly plan: ColumnPlan;
  readonly entryColumns: KeyColumn[] | null;
  readonly values: KeyValue[];
  readonly entryValues: KeyValue[];
  /** Where each of entryColumns' values lies in a row, and the largest of them (Infinity when entryColumns is null): a version storing more columns is compared in place (keyEqualsAt). */
  readonly entryAt: number[] | null;
  readonly entryMaxColumn: number;
  /** The tuplesExtract kernel's reading of the plan's columns, or null if one of them is not a number or boolean (or the table has no declared primary key). */
  readonly extract: ExtractSetup | null;
  /** extractKeyAt for the entry's columns (secondary, then primary), or null. */
  readonly entryExtractAt: number[] | null;
}

/** How a secondary scan reads its hinted tuples through the tuplesExtract kernel (#extractedRow). */
interface ExtractSetup {
  readonly desc: Uint8Array;
  /** The columns read, ascending, and whether each is a bool. */
  readonly columns: readonly number[];
  readonly bools: readonly boolean[];
}

/** The ExtractSetup for reading `wanted` (all when undefined) of `types`, or null if the kernel cannot read them all exactly. */
function extractSetup(types: readonly StorageType[], wanted: readonly boolean[] | undefined): ExtractSetup | null {
  const columns: number[] = [];
  for (let i = 0; i < types.length; i++) if (wanted === undefined || wanted[i] === true) columns.push(i);
  if (columns.length === 0 || columns.length > EXTRACT_COLUMNS_MAX) return null;
  const desc = columnExtractDescriptor(types, columns, []);
  if (desc === undefined) return null;
  return { desc, columns, bools: columns.map((c) => types[c] === 'bool') };
}

/**
 * Where the tuplesExtract kernel's result holds each of an entry's columns
 * (column j of the extracted ones at j * TUPLES_STRIDE, from an entry's
 * first value), when each is an int64 key of an int16 or int32 column that
 * the kernel reads (its values then integers: int64KeyEqualsAt); else null.
 */
function extractKeyAt(types: readonly StorageType[], entryColumns: readonly { readonly column: number; readonly key: KeyColumn }[], extract: ExtractSetup): number[] | null {
  const at: number[] = [];
  for (const c of entryColumns) {
    const j = extract.columns.indexOf(c.column);
    const type = types[c.column];
    if (j < 0 || c.key.type !== 'int64' || (type !== 'int16' && type !== 'int32')) return null;
    at.push(j * TUPLES_STRIDE);
  }
  return at;
}

/** Whether two column selections are the same (undefined: all columns). */
function sameFlags(a: readonly boolean[] | undefined, b: readonly boolean[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes of collected entries a collector keeps between scans; a larger buffer is dropped after its scan. */
const COLLECTOR_KEEP_BYTES = 1 << 20;

/**
 * A secondary scan's entries, collected before any is visited: their bytes
 * in one buffer, and per entry where its key starts and ends, where its
 * primary key starts and its location hint (0: none). Reused from scan to
 * scan.
 */
class EntryCollector {
  bytes = new Uint8Array(256);
  used = 0;
  count = 0;
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly pkStarts: number[] = [];
  readonly hints: number[] = [];
  /** Where Heap.extractTuples copies the tuplesExtract kernel's result, and views of it (made on first use). */
  #tuples: Uint8Array | null = null;
  tupleValues: Float64Array = new Float64Array(0);
  tupleStored: Uint16Array = new Uint16Array(0);

  tuples(): Uint8Array {
    if (this.#tuples === null) {
      const buffer = new ArrayBuffer(tuplesOutBytes(EXTRACT_COLUMNS_MAX) + 8);
      this.#tuples = new Uint8Array(buffer);
      this.tupleValues = new Float64Array(buffer, 0, buffer.byteLength >>> 3);
      this.tupleStored = new Uint16Array(buffer, 0, buffer.byteLength >>> 1);
    }
    return this.#tuples;
  }

  /**
   * The row a reuseRow scan decodes every version into, all null: this
   * depth's, kept from scan to scan (a scan's visitor reads it during its
   * call only; a nested scan has its own depth's).
   */
  sharedRow(n: number): StorageValue[] {
    let row = this.#shared;
    if (row === null || row.length !== n) this.#shared = row = new Array<StorageValue>(n).fill(null);
    else row.fill(null);
    return row;
  }

  #shared: StorageValue[] | null = null;

  reset(): void {
    if (this.bytes.length > COLLECTOR_KEEP_BYTES) this.bytes = new Uint8Array(256);
    this.used = 0;
    this.count = 0;
  }

  /** BTree.collect's visitor: one entry (key at keyAt, value at valueAt in u8). */
  readonly visit = (u8: Uint8Array, keyAt: number, keyLen: number, valueAt: number, valueLen: number): void => {
    const used = this.used;
    let bytes = this.bytes;
    if (used + keyLen > bytes.length) {
      const grown = new Uint8Array(Math.max(256, 2 * (used + keyLen)));
      grown.set(bytes.subarray(0, used));
      this.bytes = bytes = grown;
    }
    for (let i = 0; i < keyLen; i++) bytes[used + i] = u8[keyAt + i]!;
    const n = this.count;
    this.starts[n] = used;
    this.pkStarts[n] = used + (u8[valueAt]! | (u8[valueAt + 1]! << 8));
    this.hints[n] = hintOf(u8, valueAt, valueLen);
    this.used = used + keyLen;
    this.ends[n] = used + keyLen;
    this.count = n + 1;
  };

  /**
   * BTree.collectBlocks' visitor: a leaf's `count` entries packed from
   * u8[at] on (u16 key length, key, u16 value length, value), read where
   * they lie (each entry's offsets in the copy to come) and then copied in
   * one go; each entry's key is then read where it lies in the copy.
   */
  readonly block = (u8: Uint8Array, at: number, count: number): void => {
    const used = this.used;
    // An entry at u8[p] lies at bytes[p + shift] once copied.
    const shift = used - at;
    let p = at;
    let n = this.count;
    for (let i = 0; i < count; i++, n++) {
      const keyLen = u8[p]! | (u8[p + 1]! << 8);
      const key = p + 2;
      const valueAt = key + keyLen + 2;
      const valueLen = u8[key + keyLen]! | (u8[key + keyLen + 1]! << 8);
      this.starts[n] = key + shift;
      this.ends[n] = key + keyLen + shift;
      this.pkStarts[n] = key + shift + (u8[valueAt]! | (u8[valueAt + 1]! << 8));
      this.hints[n] = hintOf(u8, valueAt, valueLen);
      p = valueAt + valueLen;
    }
    const length = p - at;
    let bytes = this.bytes;
    if (used + length > bytes.length) {
      const grown = new Uint8Array(Math.max(256, 2 * (used + length)));
      grown.set(bytes.subarray(0, used));
      this.bytes = bytes = grown;
    }
    bytes.set(u8.subarray(at, p), used);
    this.count = n;
    this.used = used + length;
  };
}

function treeBounds(def: IndexDef, range: IndexRange) {
  const bounds: { lower?: Uint8Array; lowerInclusive?: boolean; upper?: Uint8Array; upperInclusive?: boolean; reverse?: boolean } = {};
  const lower = range.lower;
  const upper = range.upper;
  if (lower !== undefined && upper !== undefined && lower.inclusive && upper.inclusive && sameValues(lower.values, upper.values)) {
    // Equality (a lookup by an index's columns): the key is encoded once for both bounds; one integer column's
    // 9 bytes directly (the usual lookup: a foreign key, a category), not through the general encoder.
    const values = lower.values as KeyValue[];
    let prefix: Uint8Array;
    if (values.length === 1 && def.columns.length >= 1) {
      prefix = new Uint8Array(INT64_KEY_BYTES);
      if (!encodeInt64KeyInto(def.columns[0]!.key, values[0]!, prefix, 0)) prefix = encodeIndexKey(def, values);
    } else prefix = encodeIndexKey(def, values);
    bounds.lower = prefix;
    bounds.lowerInclusive = true;
    bounds.upper = afterPrefix(prefix);
    bounds.upperInclusive = false;
    if (range.reverse === true) bounds.reverse = true;
    return bounds;
  }
  if (range.lower !== undefined) {
    const prefix = encodeIndexKey(def, range.lower.values as KeyValue[]);
    bounds.lower = range.lower.inclusive ? prefix : afterPrefix(prefix);
    bounds.lowerInclusive = true;
  }
  if (range.upper !== undefined) {
    const prefix = encodeIndexKey(def, range.upper.values as KeyValue[]);
    bounds.upper = range.upper.inclusive ? afterPrefix(prefix) : prefix;
    bounds.upperInclusive = false;
  }
  if (range.reverse === true) bounds.reverse = true;
  return bounds;
}

/** The same values, each the same (Object.is: 0 and -0 differ), so that they encode to the same key. */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Entries of a hash index whose hash is that of `values`. */
function hashBounds(def: IndexDef, values: readonly KeyValue[]) {
  const prefix = indexedKey(def, values);
  return { lower: prefix, lowerInclusive: true, upper: afterPrefix(prefix), upperInclusive: false };
}

/** Created by a transaction that committed before every live snapshot began. */
function createdForAll(xmin: number, horizon: number, txns: TxnStatusLog): boolean {
  return xmin < horizon && txns.state(xmin) === TxnState.committed;
}

/** No snapshot can see it: its creator aborted, or its deleter committed before every live snapshot. */
function deadToAll(v: Version, horizon: number, txns: TxnStatusLog): boolean {
  if (txns.state(v.xmin) === TxnState.aborted) return true;
  return v.xmax !== 0 && v.xmax < horizon && txns.state(v.xmax) === TxnState.committed;
}

/** The newest version of its row and not deleted (or its deleter aborted). */
function newestLive(v: Version, txns: TxnStatusLog): boolean {
  return v.xmax === 0 || txns.state(v.xmax) === TxnState.aborted;
}

function readTid(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;
}

function writeTid(view: DataView, at: number, tid: number): void {
  view.setUint32(at, tid >>> 0, true);
  view.setUint32(at + 4, Math.floor(tid / 0x1_0000_0000), true);
}

/** A primary entry's tid, as BTree.find reads it (one function, not a closure per call). */
const readTidValue = (_u8: Uint8Array, view: DataView, at: number): number => readTid(view, at);

/** A primary entry's value for a staged insert (BTree.stageInsert's valueOf). */
const writeTidValue = (tid: number, view: DataView, at: number): void => writeTid(view, at, tid);

function skeyValue(length: number): Uint8Array {
  return Uint8Array.of(length & 0xff, length >>> 8);
}

/**
 * A B-tree secondary entry's value with a location hint: the secondary
 * key's length (u16), then the tid of the version the entry was written
 * for (u48, little-endian), in `out` (HINT_VALUE_BYTES). A reader tries the
 * hinted tuple first and trusts it only after checking it (#hintedRow).
 */
export function hintValue(out: Uint8Array, skeyLen: number, tid: number): Uint8Array {
  out[0] = skeyLen & 0xff;
  out[1] = skeyLen >>> 8;
  let t = tid;
  for (let i = 2; i < HINT_VALUE_BYTES; i++) {
    out[i] = t % 256;
    t = Math.floor(t / 256);
  }
  return out;
}

/** The location hint of a secondary entry's value at u8[at, at + length), or 0 if it has none (a hash index's, or written before hints). */
export function hintOf(u8: Uint8Array, at: number, length: number): number {
  if (length < HINT_VALUE_BYTES) return 0;
  // Its u48 little-endian as a u16 high part and a u32 low part (not six multiply-adds: one a collected entry).
  const high = u8[at + 6]! | (u8[at + 7]! << 8);
  const low = (u8[at + 2]! | (u8[at + 3]! << 8) | (u8[at + 4]! << 16) | (u8[at + 5]! << 24)) >>> 0;
  return high * 0x1_0000_0000 + low;
}

function skeyLength(value: Uint8Array): number {
  return value[0]! | (value[1]! << 8);
}

function decodeRowIdKey(key: Uint8Array): bigint {
  // Tag, then the int64 big-endian with its sign bit flipped (memcomparable).
  let v = 0n;
  for (let i = 1; i < 9; i++) v = (v << 8n) | BigInt(key[i]!);
  return v - 2n ** 63n;
}

export { rowIdKey, startsWith };

/**
 * Whether `row` has every key value of index `def` that version `old` has,
 * value for value: its key is then the same, without encoding either.
 * Strings, booleans, bigints and null compare by value, numbers too except
 * 0 and -0 (Object.is: their encodings may differ) and NaN; anything else
 * (bytes, arrays) only as the same object, so a value decoded again counts
 * as changed, and the caller compares the encoded keys as before.
 */
function sameKeyValues(def: IndexDef, old: Version, row: readonly StorageValue[]): boolean {
  const columns = def.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const a = c.column < old.stored ? old.row[c.column] ?? null : c.missing ?? null;
    const b = c.column < row.length ? row[c.column] ?? null : c.missing ?? null;
    if (!Object.is(a, b) || (typeof a === 'object' && a !== null) || (typeof a === 'number' && a !== a)) return false;
  }
  return true;
}
