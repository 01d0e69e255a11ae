// The storage engine as the SQL layer sees it: tables of typed rows under
// snapshot isolation, durable through the WAL, recovered after a crash.
//
//   Engine.open({ vfs, dir })        create or recover a data directory
//   engine.createTable / dropTable   DDL (at once, or inside catalogTxn)
//   engine.begin() -> Transaction    a snapshot taken now
//   insert / update / delete / get / scan   under that snapshot
//   commit (sync) / commitAsync (group commit) / rollback
//   vacuum / checkpoint / close
//
// Recovery (open): read the control file, load the catalog snapshot it names
// (tables, the space map, transaction states), replay the WAL from the
// checkpoint's redo point (heap records rebuild pages, commit/abort records
// transaction states, catalog records DDL), abort every transaction that
// never committed, then checkpoint so the next recovery starts here.
//
// Conflicts: first-updater-wins, and the engine itself never waits. Updating
// or deleting a version that another transaction already replaced or deleted
// (committed after our snapshot, or still in progress) throws WriteConflict
// (40001) at once, naming the transaction in progress; a caller that can
// wait (the SQL session's async path) undoes the statement, waits for it
// with waitFor() (deadlocks: 40P01) and runs the statement again, which
// gives PostgreSQL's row-lock behaviour (write-conflict.ts). The engine is used from one
// JS thread: nothing here blocks, and only commitAsync waits (for fdatasync).
//
// DDL: without a transaction, a catalog change is logged, synced and applied
// at once. With one (engine.catalogTxn, which the SQL session sets around
// each statement), it is logged with the transaction's txid and applied to
// the transaction's own view of the catalog (catalog-state.ts); everyone
// sees it when the transaction commits, nobody if it rolls back (the storage
// it created is given back). Recovery and followers buffer such changes until
// the commit record; a checkpoint keeps those of open transactions.

import { FlintError, SqlState, assert } from '../errors.ts';
import { createKernels, releaseKernels, MAX_ARENA_BYTES, MIN_ARENA_BYTES, type KernelKind, type Kernels } from '../kernels/index.ts';
import { BLOCK_SIZE } from '../limits.ts';
import { BufferPool } from '../storage/buffer-pool/index.ts';
import { readCatalog, removeOldCatalogs, writeCatalog } from '../storage/catalog-file.ts';
import { readControl, writeControl, type ControlData } from '../storage/control-file.ts';
import { CODEC_NUMBERS, type CodecId } from '../storage/compression/codec.ts';
import { Heap, HEAP_FILE_NAME, getU48, type BlockCodec, type Replaces } from '../storage/heap/heap.ts';
import { SpaceMap, type SpaceMapSnapshot } from '../storage/heap/space-map.ts';
import { RecordType } from '../storage/record-types.ts';
import {
  columnMatchDescriptor, columnPlan, decodeTuple, decodeTupleInto, tupleBytesEqual, encodeTuple, encodeTupleOrSize, setTuplePrev, tupleColumnCount, tupleFlags, tuplePrev, tupleXmax, tupleXmin,
  TUPLE_OFF_XMIN, TUPLE_UPDATED, type StorageType, type StorageValue,
} from '../storage/tuple.ts';
import { formatTid, tidSegment } from '../storage/tuple-id.ts';
import type { Vfs, VfsLock } from '../storage/vfs/index.ts';
import { WalReader, WalWriter, WAL_BUFFER_BYTES_MAX, type WalBuffer, type WalOptions } from '../storage/wal/index.ts';
import { CatalogState, type CatalogChange } from './catalog-state.ts';
import { type IndexDef, type IndexSpec } from './index-keys.ts';
import { IndexManager, type IndexRange, type IndexVisitor } from './index-manager.ts';
import { committedBefore, isVisible, type Snapshot } from './snapshot.ts';
import { scanColumns, type ColumnBatchVisitor } from './column-scan.ts';
import { WriteConflict } from './write-conflict.ts';
import { LiveTransactions } from './live-transactions.ts';
import { Transaction } from './transaction.ts';
import { TxnState, TxnStatusLog } from './txn-status.ts';

export type Synchronous = 'full' | 'normal' | 'off';

/**
 * The memtable size when EngineOptions.memtableBytes is not given: 4 MiB, or
 * a sixteenth of the buffer pool if that is more. The frozen memtables a
 * writer lets wait before it flushes one itself (maxFrozenMemtables, 2) then
 * hold up to about a fifth of the pool whatever its size: with a fixed 4 MiB
 * a bulk load into a large pool stalled every 4 MiB past the first 12 to
 * write a memtable back, and to fdatasync the WAL first (the write-ahead
 * rule), while the pool had room for all of it.
 */
export function defaultMemtableBytes(poolBytes: number): number {
  return Math.max(4 * 1024 * 1024, Math.floor(poolBytes / 16));
}

export interface EngineOptions {
  vfs: Vfs;
  /** Data directory; created if missing. */
  dir: string;
  kernels?: KernelKind;
  /** Buffer pool bytes (default 64 MiB). */
  poolBytes?: number;
  /** Tuple bytes per table before its memtable is frozen and queued for flush (default: defaultMemtableBytes of the pool, 4 MiB for the default pool). */
  memtableBytes?: number;
  /** Frozen memtables that may wait before writers flush them themselves (default 2). */
  maxFrozenMemtables?: number;
  /** full: commit returns after fdatasync; normal: after write() (durable at the next sync); off: buffered. */
  synchronous?: Synchronous;
  walFileBytes?: number;
  /**
   * WAL files kept as spares for reuse after a checkpoint (default 1); the
   * rest of the files wholly before the redo point are removed. A clean
   * close keeps none, so a database at rest holds only the WAL file with its
   * redo point.
   */
  walSpareFiles?: number;
  /** WalOptions.zeroFillBytes (default 1 MiB): also the head of the WAL file an explicit CHECKPOINT starts. For tests with small WAL files. */
  walZeroFillBytes?: number;
  /** Checkpoint automatically once this many WAL bytes were written since the last one (default 64 MiB). */
  checkpointWalBytes?: number;
  /** Milliseconds since the epoch; injected for deterministic tests. */
  now?: () => number;
  /**
   * Monotonic milliseconds that pace group commit (which commits share an
   * fdatasync: docs/wal.md), never what a commit means; default
   * performance.now. Injected for tests that replay a workload's fdatasyncs.
   */
  clock?: () => number;
  /**
   * Compression of tables that set none themselves (docs/compression.md).
   * Given, it becomes the database's default, saved in the catalog; absent,
   * the saved default stands ('none' for a new database).
   */
  compression?: CodecId;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: StorageType;
  readonly nullable: boolean;
}

export interface TableDef {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Opaque to the engine: what the SQL layer keeps about the table (constraints, defaults). */
  readonly meta?: unknown;
  /** Block compression of the table's heap blocks written from now on; absent: the database default. */
  readonly compression?: CodecId;
}

export interface EngineStats {
  commits: number;
  rollbacks: number;
  conflicts: number;
  checkpoints: number;
  recoveredRecords: number;
  recoveryAbortedTxns: number;
  vacuumReclaimed: number;
  /** vacuumStep calls (slices of a pass), and passes finished. */
  vacuumSlices: number;
  vacuumPasses: number;
}

interface CatalogSnapshot {
  version: 1;
  nextTableId: number;
  tables: TableDef[];
  indexes?: IndexDef[];
  /** Catalog changes of transactions open at the checkpoint: they apply if the WAL shows them commit. */
  pending?: { txid: number; changes: CatalogChange[] }[];
  space: SpaceMapSnapshot;
  txns: { nextTxid: number; states: string };
  /** The database's default compression (absent: none). */
  compression?: CodecId;
}

const typesOfTables = new WeakMap<TableDef, StorageType[]>();

/** A table's column storage types, computed once per table definition (every write encodes with them). */
function columnTypes(table: TableDef): StorageType[] {
  let types = typesOfTables.get(table);
  if (types === undefined) {
    types = table.columns.map((c) => c.type);
    typesOfTables.set(table, types);
  }
  return types;
}

const CATALOG_VERSION = 1;
const LOCK_FILE = 'flint.lock';
/** rowEstimate counts at most this many primary index entries: a table above it is simply large to the planner. */
const ROW_ESTIMATE_CAP = 1_000_000;

/** Engine.scan's options. */
export interface ScanOptions {
  /** The visitor reads `row` during the call only: one array is filled for every row instead of a new one each. */
  readonly reuseRow?: boolean;
  /**
   * Visit only versions whose stored column `column` (text or bytes) holds
   * exactly `bytes`, tested on the tuple before it is decoded (a version
   * that stores fewer columns is visited: its missing column is the
   * caller's to judge). A NULL never matches.
   */
  readonly match?: { readonly column: number; readonly bytes: Uint8Array };
}

const EMPTY_BYTES = new Uint8Array(0);
/** The `active` set of every snapshot taken while no other transaction is in progress (never added to: #takeSnapshot builds a set of its own for any txid). */
const NO_ACTIVE: ReadonlySet<number> = new Set<number>();

/** Tuple lengths below this get a cached view of the engine's row buffer. */
const ROW_VIEWS = 4096;

/** Bytes of the kernels' memory the WAL writer buffers records in (whole blocks, after the buffer pool's). */
const WAL_ARENA_BYTES = Math.ceil(WAL_BUFFER_BYTES_MAX / BLOCK_SIZE) * BLOCK_SIZE;

/** Commits of one group-commit round, finished together (Engine.commitAsync). */
interface CommitBatch {
  /** What the WAL writer's waitDurable returned for them. */
  readonly durable: Promise<void>;
  readonly txns: Transaction[];
  /** Settles once they are finished (or aborted): every one's commitAsync returns it. */
  readonly done: Promise<void>;
}

/** EngineOptions.poolBytes rounded up to whole blocks; 22023 outside the bounds the kernels' memory allows. */
function checkPoolBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < MIN_ARENA_BYTES || bytes > MAX_ARENA_BYTES - WAL_ARENA_BYTES) {
    throw new FlintError(
      SqlState.invalidParameterValue,
      `buffer pool size must be between ${MIN_ARENA_BYTES} and ${MAX_ARENA_BYTES - WAL_ARENA_BYTES} bytes, got ${bytes}`,
    );
  }
  return Math.ceil(bytes / BLOCK_SIZE) * BLOCK_SIZE;
}

export class Engine {
  readonly kernels: Kernels;
  readonly pool: BufferPool;
  readonly stats: EngineStats = {
    commits: 0, rollbacks: 0, conflicts: 0, checkpoints: 0, recoveredRecords: 0, recoveryAbortedTxns: 0, vacuumReclaimed: 0, vacuumSlices: 0, vacuumPasses: 0,
  };

  readonly #vfs: Vfs;
  readonly #dir: string;
  readonly #synchronous: Synchronous;
  readonly #walFileBytes: number | undefined;
  readonly #walZeroFillBytes: number | undefined;
  /** Paces group commit (EngineOptions.clock); undefined: the WAL writer's default. */
  readonly #clock: (() => number) | undefined;
  readonly #walSpareFiles: number;
  /** The database's default compression: the open option, else the catalog's. */
  #compression: CodecId = 'none';
  readonly #checkpointWalBytes: number;
  readonly #now: () => number;
  readonly #lock: VfsLock | undefined;
  #heap!: Heap;
  #wal: WalWriter | undefined;
  /** The WAL writer's buffer: WAL_ARENA_BYTES of the kernels' memory after the buffer pool. */
  readonly #walBuffer: WalBuffer;
  #txns!: TxnStatusLog;
  #control!: ControlData;
  /** The committed catalog. A transaction with DDL sees its own copy (txn.catalog.view). */
  #base = new CatalogState();
  /** Recovery and followers: catalog changes of transactions whose commit record has not come yet. */
  readonly #replayPending = new Map<number, CatalogChange[]>();
  #nextTableId = 1;
  /**
   * The transaction whose uncommitted DDL the catalog calls see and join
   * when they are not given one: the SQL session sets it around each
   * statement. Null: catalog calls read the committed catalog, and DDL
   * commits at once.
   */
  catalogTxn: Transaction | null = null;
  readonly #indexes = new IndexManager(() => this.#heap, () => this.#txns);
  /** Transactions begun and not finished: their snapshots bound what vacuum may remove. */
  readonly #live = new LiveTransactions();
  /** Txids the applied WAL shows writing but not yet committed or aborted (a follower's view of the primary's transactions). */
  readonly #logActive = new Set<number>();
  /** Counts changes to #logActive (a key of the shared snapshot, with the status log's version). */
  #logActiveChanges = 0;
  /**
   * The snapshot begin() took last, shared by every transaction begun while
   * no transaction has ended since: until one commits or aborts, a snapshot
   * taken later sees exactly what this one sees (a txid handed out since is
   * past its xmax, so it is invisible to both). Autocommit statements from
   * many sessions between two group commits begin on one snapshot instead of
   * each building the set of live txids.
   */
  readonly #shared: { snapshot: Snapshot | null; txns: TxnStatusLog | null; version: number; logActive: number } = { snapshot: null, txns: null, version: -1, logActive: -1 };
  #closed = false;
  /** Reused encode buffer for rows. */
  #rowBuffer = new Uint8Array(8192);
  /** #rowBuffer.subarray(0, n) by n (#encode). */
  #rowViews = new Array<Uint8Array | undefined>(ROW_VIEWS);
  /** The table #encode saw last and its column types. */
  #typesOf: TableDef | undefined;
  #types: StorageType[] = [];

  private constructor(options: EngineOptions, lock: VfsLock | undefined) {
    this.#vfs = options.vfs;
    this.#dir = options.dir;
    this.#lock = lock;
    this.#synchronous = options.synchronous ?? 'full';
    if (!['full', 'normal', 'off'].includes(this.#synchronous)) {
      throw new FlintError(SqlState.invalidParameterValue, `synchronous must be "full", "normal" or "off", got "${String(this.#synchronous)}"`);
    }
    this.#walFileBytes = options.walFileBytes;
    this.#walZeroFillBytes = options.walZeroFillBytes;
    this.#clock = options.clock;
    this.#walSpareFiles = options.walSpareFiles ?? 1;
    if (options.compression !== undefined) this.#compression = checkCodec(options.compression);
    this.#checkpointWalBytes = options.checkpointWalBytes ?? 64 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
    // The kernels' memory holds the buffer pool and, after it, the WAL's write buffer (its records are checksummed there, by the WASM kernel in a WASM build).
    const poolBytes = checkPoolBytes(options.poolBytes ?? 64 * 1024 * 1024);
    this.kernels = createKernels({ kind: options.kernels, arenaBytes: poolBytes + WAL_ARENA_BYTES, reuse: true });
    const k = this.kernels;
    const walAt = k.arenaOffset + poolBytes;
    this.#walBuffer = {
      bytes: new Uint8Array(k.buffer, walAt, WAL_ARENA_BYTES),
      crc32c: (_u8, offset, length) => k.crc32c(walAt + offset, length, 0),
      sealRecords: (from, to) => from + k.crc32cRecords(walAt + from, to - from),
    };
    this.pool = new BufferPool(this.kernels, {
      bytes: poolBytes,
      // Undefined only while the heap file itself is being created (no WAL yet).
      beforeWriteBack: (file, _block, frameOffset) => this.#heap?.beforeWriteBack(frameOffset, file),
    });
  }

  /** Open (recovering if needed) or create the database in options.dir. */
  static open(options: EngineOptions): Engine {
    const { vfs, dir } = options;
    vfs.mkdir(dir);
    const lock = vfs.lock(`${dir}/${LOCK_FILE}`);
    let engine: Engine | undefined;
    try {
      engine = new Engine(options, lock);
      const control = readControl(vfs, dir);
      if (control === null) engine.#create(options);
      else engine.#recover(control, options);
      return engine;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * A follower: an empty database that applies another one's WAL records, in
   * order, through applyRecord(). It never writes WAL of its own.
   */
  static follower(options: EngineOptions): Engine {
    const engine = new Engine(options, undefined);
    options.vfs.mkdir(options.dir);
    engine.#heap = Heap.create(options.vfs, options.dir, engine.kernels, engine.pool, engine.#heapOptions(options));
    engine.#txns = new TxnStatusLog();
    engine.#heap.beginRecovery();
    return engine;
  }

  #heapOptions(options: EngineOptions) {
    return { memtableBytes: options.memtableBytes ?? defaultMemtableBytes(this.pool.frameCount * BLOCK_SIZE), maxFrozenMemtables: options.maxFrozenMemtables ?? 2 };
  }

  // ---- creation and recovery ----------------------------------------------------

  #create(options: EngineOptions): void {
    // A directory without a control file is new, or a creation that crashed
    // before its last step: remove what that left and start over.
    for (const name of this.#vfs.list(this.#dir)) {
      if (name === HEAP_FILE_NAME || name.startsWith('catalog.') || name.startsWith('flint.control')) this.#vfs.remove(`${this.#dir}/${name}`);
    }
    if (this.#vfs.exists(`${this.#dir}/wal`)) for (const name of this.#vfs.list(`${this.#dir}/wal`)) this.#vfs.remove(`${this.#dir}/wal/${name}`);
    this.#heap = Heap.create(this.#vfs, this.#dir, this.kernels, this.pool, this.#heapOptions(options));
    this.#txns = new TxnStatusLog();
    this.#wal = WalWriter.open(this.#vfs, `${this.#dir}/wal`, 0, this.#walOptions());
    this.#heap.attachWal(this.#wal);
    this.#control = {
      checkpointLsn: 0, nextTxid: this.#txns.nextTxid, nextTableId: 1, catalogGeneration: 0,
      walFileBytes: this.#wal.fileBytes, createdAt: this.#now(),
    };
    this.checkpoint();
  }

  #walOptions(): WalOptions {
    return {
      buffer: this.#walBuffer,
      spareFilesMax: this.#walSpareFiles,
      // Rounds block the thread when it idles through them anyway (docs/wal.md, "Blocking rounds").
      blockingRounds: 'auto',
      ...(this.#walFileBytes === undefined ? {} : { fileBytes: this.#walFileBytes }),
      ...(this.#walZeroFillBytes === undefined ? {} : { zeroFillBytes: this.#walZeroFillBytes }),
      ...(this.#clock === undefined ? {} : { now: this.#clock }),
    };
  }

  #recover(control: ControlData, options: EngineOptions): void {
    this.#control = control;
    const catalog = readCatalog(this.#vfs, this.#dir, control.catalogGeneration) as CatalogSnapshot;
    if (catalog.version !== CATALOG_VERSION) {
      throw new FlintError(SqlState.featureNotSupported, `catalog version ${catalog.version} is not supported (this Flint reads ${CATALOG_VERSION})`);
    }
    for (const table of catalog.tables) this.#base.addTable(table);
    if (options.compression === undefined) this.#compression = catalog.compression ?? 'none';
    for (const index of catalog.indexes ?? []) {
      this.#base.indexes.set(index.id, index);
      this.#indexes.register(index);
    }
    for (const p of catalog.pending ?? []) this.#replayPending.set(p.txid, [...p.changes]);
    this.#nextTableId = Math.max(catalog.nextTableId, control.nextTableId);
    this.#txns = TxnStatusLog.fromSnapshot(catalog.txns);
    this.#txns.reserveThrough(control.nextTxid - 1);
    const space = SpaceMap.fromSnapshot(catalog.space);
    this.#heap = Heap.open(this.#vfs, this.#dir, this.kernels, this.pool, space, this.#heapOptions(options));
    this.#heap.redoLsn = control.checkpointLsn;

    this.#syncWalFiles();
    this.#heap.beginRecovery();
    // Read into the WAL's buffer in the kernels' memory (its writer opens after): the records are checked by the kernel's CRC32C.
    const reader = WalReader.open(this.#vfs, `${this.#dir}/wal`, control.checkpointLsn, { buffer: this.#walBuffer });
    for (let record = reader.next(); record !== null; record = reader.next()) {
      this.applyRecord(record.type, record.payload, record.lsn);
      this.stats.recoveredRecords++;
    }
    this.#heap.endRecovery();
    this.stats.recoveryAbortedTxns = this.#txns.abortAllInProgress();
    this.#logActive.clear();
    this.#logActiveChanges++;
    // DDL of transactions that never committed never happened; their storage goes with the orphans below.
    this.#replayPending.clear();

    this.#wal = WalWriter.open(this.#vfs, `${this.#dir}/wal`, reader.endLsn, this.#walOptions());
    this.#heap.attachWal(this.#wal);
    this.#releaseOrphans();
    this.checkpoint();
  }

  /**
   * Give back segments whose owner is neither a table nor an index: a
   * CREATE INDEX (or CREATE TABLE) that crashed after building its tree but
   * before its catalog record. Their catalog record never made it, so nothing
   * can refer to them.
   */
  #releaseOrphans(): void {
    for (const owner of this.#heap.space.owners()) {
      if (owner !== 0 && !this.#base.tables.has(owner) && !this.#base.indexes.has(owner)) {
        this.#indexes.unregister(owner);
        this.#heap.releaseOwner(owner);
      }
    }
  }

  /**
   * Make the WAL durable before replaying it. Replay rebuilds pages that the
   * buffer pool may write back to the heap (eviction) long before the new
   * WAL writer syncs anything, and after a process crash the log's tail may
   * still be only in the OS page cache. A power loss during recovery then
   * kept heap pages (or torn halves of them) whose WAL records were gone:
   * torn pages that no page image could rebuild (XX001 on the next open),
   * and changes of a transaction whose txid was handed out again, which came
   * back to life when the new owner of that txid committed. The write-ahead
   * rule holds for recovery too.
   */
  #syncWalFiles(): void {
    const walDir = `${this.#dir}/wal`;
    if (!this.#vfs.exists(walDir)) return;
    for (const name of this.#vfs.list(walDir)) {
      const file = this.#vfs.open(`${walDir}/${name}`);
      try {
        file.sync();
      } finally {
        file.close();
      }
    }
  }

  /**
   * Apply one WAL record: recovery uses it, and so does a follower fed the
   * primary's records in order.
   */
  applyRecord(type: number, payload: Uint8Array, lsn: number): void {
    if (this.#heap.redo(type, payload, lsn)) {
      // Txids seen in the log are never handed out again, committed or not.
      let txid = 0;
      if (type === RecordType.tupleInsert) txid = u64At(payload, 7 + TUPLE_OFF_XMIN);
      else if (type === RecordType.tupleInsertEntry || type === RecordType.tupleUpdate) txid = u64At(payload, 9 + TUPLE_OFF_XMIN);
      else if (type === RecordType.tupleXmax) txid = u64At(payload, 7);
      if (txid !== 0) {
        this.#txns.reserveThrough(txid);
        if (this.#txns.state(txid) === TxnState.inProgress && !this.#logActive.has(txid)) {
          this.#logActive.add(txid);
          this.#logActiveChanges++;
        }
      }
      return;
    }
    switch (type) {
      case RecordType.txnCommit: {
        const txid = u64At(payload, 0);
        this.#txns.set(txid, TxnState.committed);
        if (this.#logActive.delete(txid)) this.#logActiveChanges++;
        const changes = this.#replayPending.get(txid);
        if (changes !== undefined) {
          this.#replayPending.delete(txid);
          for (const change of changes) this.#applyCommitted(change, (owner) => this.#releaseOnRedo(owner, lsn));
        }
        return;
      }
      case RecordType.txnAbort:
        this.#txns.set(getU48(view(payload), 0), TxnState.aborted);
        if (this.#logActive.delete(getU48(view(payload), 0))) this.#logActiveChanges++;
        this.#replayPending.delete(getU48(view(payload), 0));
        return;
      case RecordType.catalog: {
        const change = JSON.parse(new TextDecoder().decode(payload)) as CatalogChange;
        this.#noteIds(change);
        if (change.txid === undefined) {
          this.#applyCommitted(change, (owner) => this.#releaseOnRedo(owner, lsn));
          return;
        }
        // DDL inside a transaction: it counts only if the transaction commits.
        this.#txns.reserveThrough(change.txid);
        const list = this.#replayPending.get(change.txid) ?? [];
        if (change.op === 'rollbackTo') list.length = Math.min(list.length, change.count);
        else list.push(change);
        this.#replayPending.set(change.txid, list);
        return;
      }
      default:
        throw new FlintError(SqlState.dataCorrupted, `unknown WAL record type ${type} at LSN ${lsn}`);
    }
  }

  /** Owner ids a change uses are never handed out again. */
  #noteIds(change: CatalogChange): void {
    if (change.op === 'create') {
      this.#nextTableId = Math.max(this.#nextTableId, change.table.id + 1, ...(change.indexes ?? []).map((i) => i.id + 1));
    } else if (change.op === 'createIndex') {
      this.#nextTableId = Math.max(this.#nextTableId, change.index.id + 1);
    }
  }

  /**
   * A catalog change takes effect: in the committed catalog, in the index
   * registry, and for storage (`release` gives back the segments of what was
   * dropped: logged when live, redone during recovery).
   */
  #applyCommitted(change: CatalogChange, release: (owner: number) => void): void {
    const dropped = change.op === 'drop' ? this.#base.indexesOf(change.id) : [];
    // Copy on write: a transaction's view remembers the committed state it
    // started from, to find DDL that committed concurrently (see #checkCatalogCommit).
    this.#base = this.#base.clone();
    this.#base.apply(change);
    switch (change.op) {
      case 'create':
        for (const index of change.indexes ?? []) this.#indexes.register(index);
        return;
      case 'createIndex':
        if (change.replaces !== undefined) {
          this.#indexes.unregister(change.replaces);
          release(change.replaces);
        }
        this.#indexes.register(change.index);
        return;
      case 'renameIndex': {
        const def = this.#indexes.get(change.id);
        if (def !== undefined) this.#indexes.register({ ...def, name: change.name });
        return;
      }
      case 'dropIndex':
        this.#indexes.unregister(change.id);
        release(change.id);
        return;
      case 'drop':
        // The table's segments go with it here too, not only at the
        // OWNER_RELEASE record that dropTable logs after a sync: a crash between
        // the two left a dropped table's segments owned forever (leaked).
        // Releasing again at OWNER_RELEASE does nothing. So do its indexes'.
        release(change.id);
        for (const index of [...dropped, ...this.#indexes.dropTable(change.id)]) release(index.id);
        this.#indexes.forgetTable(change.id);
        return;
      default:
        return;
    }
  }

  #releaseOnRedo(owner: number, lsn: number): void {
    const payload = new Uint8Array(4);
    view(payload).setUint32(0, owner, true);
    this.#heap.redo(RecordType.ownerRelease, payload, lsn);
  }


  // ---- catalog --------------------------------------------------------------------

  /** The transaction catalog calls act for: the one given, else catalogTxn while it is active. */
  #ddlTxn(txn?: Transaction | null): Transaction | null {
    if (txn !== undefined) return txn;
    return this.catalogTxn !== null && this.catalogTxn.isActive ? this.catalogTxn : null;
  }

  /** The catalog as a transaction sees it: the committed one, plus its own uncommitted DDL. */
  #view(txn?: Transaction | null): CatalogState {
    return this.#ddlTxn(txn)?.catalog?.view ?? this.#base;
  }

  /**
   * The catalog as the current statement sees it (see #view), as an object
   * whose identity and `version` change whenever that catalog changes: a
   * plan bound against it stays valid while both are the same.
   */
  catalogView(): { readonly version: number } {
    return this.#view();
  }

  get tables(): readonly TableDef[] {
    return [...this.#view().tables.values()];
  }

  table(name: string, txn?: Transaction | null): TableDef | undefined {
    return this.#view(txn).byName.get(name);
  }

  #tableByIdOrNull(id: number, txn?: Transaction | null): TableDef | undefined {
    return this.#view(txn).tables.get(id) ?? this.#base.tables.get(id) ?? this.#createdByOpenTxn(id);
  }

  #tableById(id: number, txn?: Transaction | null): TableDef {
    const table = this.#tableByIdOrNull(id, txn);
    if (table === undefined) throw new FlintError('42P01', `table with id ${id} does not exist`);
    return table;
  }

  /**
   * A table an open transaction created: reachable by id only (its creator
   * hands the id out, e.g. to the internal transactions of nextval on a
   * sequence created in the same transaction block).
   */
  #createdByOpenTxn(id: number): TableDef | undefined {
    for (const txn of this.#live) {
      const table = txn.catalog?.view.tables.get(id);
      if (table !== undefined) return table;
    }
    return undefined;
  }

  /**
   * Log a catalog change and make it take effect: at once (durable when
   * this returns) without a transaction; else in the transaction's view,
   * for everyone when it commits (or never, if it rolls back).
   */
  #ddl(change: CatalogChange, txn: Transaction | null, created: number[] = []): void {
    if (txn === null) {
      this.#wal!.append(RecordType.catalog, new TextEncoder().encode(JSON.stringify(change)));
      this.#wal!.sync();
      this.#applyCommitted(change, (owner) => this.#heap.releaseOwner(owner));
      return;
    }
    const txid = this.#writeTxid(txn);
    txn.catalog ??= { changes: [], view: this.#base.clone(), origin: this.#base, created: [] };
    this.#wal!.append(RecordType.catalog, new TextEncoder().encode(JSON.stringify({ ...change, txid })));
    txn.catalog.changes.push(change);
    txn.catalog.view.apply(change);
    txn.catalog.created.push(...created);
  }

  /**
   * Create a table: at once and durable when this returns, or as part of
   * catalogTxn (see the top of this file).
   * `primaryKey` names the primary key's columns; without one the table's
   * rows get a hidden row id as their primary key. `null` creates a catalog
   * entry that never holds rows (a view): no index, and inserts fail.
   */
  createTable(name: string, columns: readonly ColumnDef[], meta?: unknown, primaryKey?: IndexSpec | null, options: { compression?: CodecId } = {}): TableDef {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    if (this.#view(txn).byName.has(name)) throw new FlintError('42P07', `relation "${name}" already exists`);
    const seen = new Set<string>();
    for (const column of columns) {
      if (seen.has(column.name)) throw new FlintError('42701', `column "${column.name}" specified more than once`);
      seen.add(column.name);
    }
    for (const c of primaryKey?.columns ?? []) {
      if (!(c.column >= 0 && c.column < columns.length)) throw new FlintError('42703', `primary key column ${c.column} of "${name}" does not exist`);
    }
    const table: TableDef = {
      id: this.#nextTableId++, name, columns: columns.map((c) => ({ ...c })), ...(meta === undefined ? {} : { meta }),
      ...(options.compression === undefined ? {} : { compression: checkCodec(options.compression) }),
    };
    // The primary index's tree is built before the catalog record that names
    // both: a crash in between leaves segments without an owner, which the
    // next open releases, never a table without its index.
    if (primaryKey === null) {
      this.#ddl({ op: 'create', table }, txn, [table.id]);
      return table;
    }
    const indexId = this.#nextTableId++;
    const primary: IndexDef = {
      id: indexId,
      tableId: table.id,
      name: primaryKey?.name ?? `${name}_rowid`,
      primary: true,
      unique: true,
      method: 'btree',
      columns: primaryKey?.columns ?? [],
      metaBlock: this.#indexes.createTree(indexId),
    };
    this.#indexes.register(primary);
    this.#ddl({ op: 'create', table, indexes: [primary] }, txn, [table.id, primary.id]);
    return table;
  }

  /** The table's indexes, its primary index first. */
  indexes(tableId: number, txn?: Transaction | null): IndexDef[] {
    return this.#view(txn).indexesOf(tableId);
  }

  /** Approximate row counts per table for the planner: counted once from the primary index, then kept up by insert and delete. */
  readonly #rowEstimates = new Map<number, number>();

  /**
   * About how many rows a table holds, for the planner's cost estimates
   * (never for answers): the entries of its primary index when first asked
   * (at most ROW_ESTIMATE_CAP are counted), then +1 per insert and -1 per
   * delete, whatever becomes of the transactions. 0 for an unknown table.
   */
  rowEstimate(tableId: number): number {
    this.#addCounted();
    let n = this.#rowEstimates.get(tableId);
    if (n === undefined) {
      try {
        n = this.#indexes.countPrimaryEntries(tableId, ROW_ESTIMATE_CAP);
      } catch {
        return 0;
      }
      this.#rowEstimates.set(tableId, n);
    }
    return Math.max(0, n);
  }

  /**
   * Count a row in or out of a table's estimate: added up for the table
   * counted last (#countedTable) and put in #rowEstimates when another table
   * is counted or an estimate is read (one Map update per run of a table's
   * rows, not two Map calls per row). As then, only an estimate that exists
   * takes them.
   */
  #countRow(tableId: number, delta: number): void {
    if (tableId !== this.#countedTable) {
      this.#addCounted();
      this.#countedTable = tableId;
    }
    this.#counted += delta;
  }

  #addCounted(): void {
    const counted = this.#counted;
    if (counted === 0) return;
    this.#counted = 0;
    const n = this.#rowEstimates.get(this.#countedTable);
    if (n !== undefined) this.#rowEstimates.set(this.#countedTable, n + counted);
  }

  /** Rows #countRow counted for #countedTable that #rowEstimates does not have yet. */
  #countedTable = -1;
  #counted = 0;

  /**
   * Create a secondary index on a table and fill it from the table's rows.
   * A unique index fails with 23505 if live rows share a key. Like all DDL,
   * at once or as part of catalogTxn.
   */
  createIndex(tableId: number, spec: IndexSpec): IndexDef {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    const table = this.#tableById(tableId, txn);
    for (const c of spec.columns) {
      if (!(c.column >= 0 && c.column < table.columns.length)) throw new FlintError('42703', `index column ${c.column} of "${table.name}" does not exist`);
    }
    if (spec.columns.length === 0) throw new FlintError('42601', 'an index needs at least one column');
    const id = this.#nextTableId++;
    const def: IndexDef = {
      id,
      tableId,
      name: spec.name,
      primary: false,
      unique: spec.unique === true,
      method: spec.method ?? 'btree',
      columns: spec.columns.map((c) => ({ ...c })),
      metaBlock: this.#indexes.createTree(id),
    };
    this.#indexes.register(def);
    try {
      this.#indexes.build(table, def, this.#vacuumHorizon());
    } catch (error) {
      this.#indexes.unregister(id);
      this.#heap.releaseOwner(id);
      throw error;
    }
    // Every writer maintains it from now on (it is registered), so it is
    // complete when the transaction commits, although only this one sees it.
    this.#ddl({ op: 'createIndex', index: def }, txn, [id]);
    return def;
  }

  /**
   * Give a table a new primary index: on `primaryKey`'s columns, or hidden
   * row ids without one. Only while the table holds no row versions at all
   * (right after CREATE TABLE, or after VACUUM of an emptied table): rows
   * already stored are organized by their old key, and moving them is a
   * table rewrite, which Flint does not do yet (0A000). Commits at once.
   */
  replacePrimaryIndex(tableId: number, primaryKey?: IndexSpec): IndexDef {
    this.#checkWritable();
    const table = this.#tableById(tableId);
    const old = this.#indexes.primaryOf(tableId);
    if (!this.isEmpty(tableId)) {
      throw new FlintError(SqlState.featureNotSupported, `changing the primary key of table "${table.name}", which holds rows, is not supported yet`, {
        hint: 'Create a new table with the key you want and copy the rows into it.',
      });
    }
    const id = this.#nextTableId++;
    const def: IndexDef = {
      id, tableId, name: primaryKey?.name ?? `${table.name}_rowid`, primary: true, unique: true, method: 'btree',
      columns: (primaryKey?.columns ?? []).map((c) => ({ ...c })), metaBlock: this.#indexes.createTree(id),
    };
    // At once even inside a transaction: two primary indexes of one table
    // cannot be maintained side by side (see docs/indexes.md).
    this.#indexes.forgetTable(tableId);
    this.#ddl({ op: 'createIndex', index: def, replaces: old.id }, null);
    const pending = this.#ddlTxn()?.catalog?.view;
    if (pending !== undefined) pending.apply({ op: 'createIndex', index: def, replaces: old.id });
    return def;
  }

  /** Does the table hold no row versions at all, live or dead? */
  isEmpty(tableId: number): boolean {
    let empty = true;
    this.#heap.scan(tableId, () => {
      empty = false;
      return false;
    });
    return empty;
  }

  /** Rename an index (DDL: at once or as part of catalogTxn). */
  renameIndex(id: number, name: string): void {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    if (!this.#view(txn).indexes.has(id)) throw new FlintError(SqlState.undefinedObject, `index ${id} does not exist`);
    this.#ddl({ op: 'renameIndex', id, name }, txn);
  }

  /** Drop a secondary index (DDL: at once or as part of catalogTxn). */
  dropIndex(id: number): void {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    const def = this.#view(txn).indexes.get(id);
    if (def === undefined) throw new FlintError(SqlState.undefinedObject, `index ${id} does not exist`);
    if (def.primary) throw new FlintError(SqlState.featureNotSupported, `cannot drop the primary index "${def.name}" of a table`);
    this.#ddl({ op: 'dropIndex', id }, txn);
  }

  /**
   * Visit the rows txn sees whose key in index `indexId` lies in `range`
   * (bounds are values of a prefix of the index's columns), in index order,
   * or reversed. Stop by returning false.
   */
  indexScan(
    txn: Transaction,
    tableId: number,
    indexId: number,
    range: IndexRange,
    visitor: IndexVisitor,
    /** Which stored columns the caller reads (by position); the others are not decoded and read as NULL. Absent: all. */
    columns?: readonly boolean[],
    /** The visitor reads `row` during the call only: it may be one array refilled for every row (a secondary index's scan does). */
    reuseRow = false,
  ): void {
    const table = this.#tableById(tableId, txn);
    this.#indexes.scan(table, indexId, range, txn.snapshot, visitor, columns, reuseRow);
  }

  /** Check that every index of a table agrees with its rows (tests, diagnostics). Throws XX002 if not. */
  verifyIndexes(tableId: number): void {
    this.#indexes.verify(this.#tableById(tableId), this.#vacuumHorizon());
  }

  /** Every disagreement between a table and its indexes, and within each index's tree (up to `limit`), with the tid of the version concerned (0: none), and the number of harmless stale secondary entries. For `flint check`. */
  indexProblems(tableId: number, limit = 100): { problems: { what: string; tid: number }[]; staleEntries: number } {
    const problems: { what: string; tid: number }[] = [];
    let staleEntries = 0;
    this.#indexes.verify(this.#tableById(tableId), this.#vacuumHorizon(), (what, tid) => void problems.push({ what, tid }), limit, () => void staleEntries++, true);
    return { problems, staleEntries };
  }

  /** Drop a table and give its segments back (DDL: at once or when catalogTxn commits). */
  dropTable(name: string): void {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    const table = this.#view(txn).byName.get(name);
    if (table === undefined) throw new FlintError('42P01', `table "${name}" does not exist`);
    // Inside a transaction the rows stay until it commits: others still see the table.
    this.#ddl({ op: 'drop', id: table.id }, txn);
  }

  /**
   * Replace a table's definition: its name, its metadata, or columns added
   * at the end (existing tuples read the new trailing columns as NULL).
   * DDL: at once or as part of catalogTxn.
   */
  alterTable(id: number, change: { name?: string; meta?: unknown; columns?: readonly ColumnDef[]; compression?: CodecId | null }): TableDef {
    this.#checkWritable();
    const txn = this.#ddlTxn();
    const old = this.#tableById(id, txn);
    if (change.name !== undefined && change.name !== old.name && this.#view(txn).byName.has(change.name)) {
      throw new FlintError('42P07', `relation "${change.name}" already exists`);
    }
    if (change.columns !== undefined) {
      const same = old.columns.every((c, i) => change.columns![i]?.type === c.type);
      if (!same || change.columns.length < old.columns.length) {
        throw new FlintError(SqlState.featureNotSupported, 'only adding columns at the end of a table is supported');
      }
    }
    const table: TableDef = {
      id: old.id,
      name: change.name ?? old.name,
      columns: (change.columns ?? old.columns).map((c) => ({ ...c })),
      ...(change.meta !== undefined ? { meta: change.meta } : old.meta !== undefined ? { meta: old.meta } : {}),
    };
    // ALTER TABLE ... SET (compression = ...): blocks written from now on; RESET (null): the database default.
    const compression = change.compression === undefined ? old.compression : change.compression === null ? undefined : checkCodec(change.compression);
    if (compression !== undefined) (table as { compression?: CodecId }).compression = compression;
    this.#ddl({ op: 'alter', table }, txn);
    return table;
  }

  // ---- transactions -----------------------------------------------------------------

  /**
   * Begin a transaction: its snapshot is taken now. `spare`: a transaction
   * of the caller's that committed without writing (txid 0) and that
   * nothing else refers to, begun again in the same object instead of a
   * new one (a session's autocommit reads: ~120 bytes less garbage each);
   * anything else in it is ignored.
   */
  begin(spare?: Transaction | null): Transaction {
    this.#checkOpen();
    const snapshot = this.#sharedSnapshot();
    let txn: Transaction;
    if (spare != null && spare.state === 'committed' && spare.txid === 0 && spare.liveIndex < 0 && spare.catalog === null) {
      txn = spare;
      txn.reset(snapshot);
    } else txn = new Transaction(snapshot);
    this.#live.add(txn);
    return txn;
  }

  /** A snapshot taken now for a transaction without a txid: the shared one while it is still good. */
  #sharedSnapshot(): Snapshot {
    const shared = this.#shared;
    const txns = this.#txns;
    if (shared.snapshot !== null && shared.txns === txns && shared.version === txns.version && shared.logActive === this.#logActiveChanges) return shared.snapshot;
    const snapshot = this.#takeSnapshot(0);
    // One holder, its fields replaced (each autocommit statement after a commit passes here).
    shared.snapshot = snapshot;
    shared.txns = txns;
    shared.version = txns.version;
    shared.logActive = this.#logActiveChanges;
    return snapshot;
  }

  #takeSnapshot(ownTxid: number): Snapshot {
    // Built only when some txid is in progress: an autocommit statement with
    // no other transaction open (one session) shares one empty set.
    let active: Set<number> | null = null;
    let xmin = this.#txns.nextTxid;
    // On a follower, the primary's transactions in progress are in progress
    // for our snapshots too. Without this a follower snapshot saw a primary
    // transaction that was in progress when it was taken once its commit
    // record arrived (a non-repeatable read under snapshot isolation).
    if (this.#logActive.size > 0) {
      for (const txid of this.#logActive) {
        (active ??= new Set<number>()).add(txid);
        if (txid < xmin) xmin = txid;
      }
    }
    // By index: the list's iterator copies it (no transaction ends here).
    const live = this.#live;
    for (let i = 0; i < live.size; i++) {
      const txid = live.at(i).txid;
      if (txid !== 0 && txid !== ownTxid) {
        (active ??= new Set<number>()).add(txid);
        if (txid < xmin) xmin = txid;
      }
    }
    return { txid: ownTxid, xmax: this.#txns.nextTxid, active: active ?? NO_ACTIVE, xmin };
  }

  /** The txid of a transaction, taken at its first write. */
  #writeTxid(txn: Transaction): number {
    if (!txn.isActive) throw new FlintError('25P02', 'current transaction is aborted or finished, commands ignored until end of transaction block');
    this.#checkWritable();
    if (txn.txid === 0) {
      txn.txid = this.#txns.allocate();
      // Its own snapshot now (a begun one may be shared: #sharedSnapshot), built field by field (cheaper than a spread).
      const { xmax, active, xmin } = txn.snapshot;
      txn.snapshot = { txid: txn.txid, xmax, active, xmin };
    }
    return txn.txid;
  }

  /** Commit. With synchronous 'full' it returns after the commit record is on disk. */
  commit(txn: Transaction): void {
    const lsn = this.#beginCommit(txn);
    if (lsn < 0) return;
    if (this.#synchronous === 'full') this.#wal!.sync();
    else if (this.#synchronous === 'normal') this.#wal!.flush();
    this.#finishCommit(txn);
  }

  /**
   * Commit, waiting for durability without blocking: every commit waiting at
   * the moment an fdatasync starts is covered by it (group commit).
   */
  commitAsync(txn: Transaction): Promise<void> {
    // Written without async/await: every autocommit statement of every session passes here, and each await is a promise and a turn.
    let lsn: number;
    try {
      lsn = this.#beginCommit(txn);
    } catch (error) {
      return Promise.reject(error);
    }
    if (lsn < 0) return Promise.resolve();
    let durable: Promise<void> | undefined;
    try {
      if (this.#synchronous === 'full') durable = this.#wal!.waitDurable(lsn);
      else if (this.#synchronous === 'normal') this.#wal!.flush();
    } catch (error) {
      this.#commitFailed(txn);
      return Promise.reject(error);
    }
    if (durable !== undefined) {
      // A transaction with DDL finishes alone: what it changes in the catalog may fail it alone.
      if (txn.catalog !== null) {
        return durable.then(
          () => this.#finishCommit(txn),
          (error: unknown) => {
            this.#commitFailed(txn);
            throw error;
          },
        );
      }
      // The WAL hands every commit one group-commit round covers the same promise: they finish
      // together, in one reaction, and share its promise (not a promise and two closures each).
      let batch = this.#commitBatch;
      if (batch === null || batch.durable !== durable) batch = this.#commitBatch = this.#newCommitBatch(durable);
      batch.txns.push(txn);
      return batch.done;
    }
    try {
      this.#finishCommit(txn);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  /** The commits waiting for the latest promise waitDurable returned (commitAsync), or null. */
  #commitBatch: CommitBatch | null = null;

  /**
   * Commits that wait for `durable` (one group-commit round): in the order
   * they came, each finished when it resolves (#finishCommit, a checkpoint
   * checked once after them all) or aborted when it rejects. `done` settles
   * after that: with the checkpoint's error if one fails (every commit of
   * the batch is durable and visible then, as a commit that finished alone
   * was when its checkpoint failed), with the round's if it failed.
   */
  #newCommitBatch(durable: Promise<void>): CommitBatch {
    const txns: Transaction[] = [];
    const done = durable.then(
      () => {
        if (this.#commitBatch?.txns === txns) this.#commitBatch = null;
        for (let i = 0; i < txns.length; i++) this.#finishCommit(txns[i]!, false);
        this.#maybeCheckpoint();
      },
      (error: unknown) => {
        if (this.#commitBatch?.txns === txns) this.#commitBatch = null;
        for (let i = 0; i < txns.length; i++) this.#commitFailed(txns[i]!);
        throw error;
      },
    );
    return { durable, txns, done };
  }

  /** Its commit record could not be made durable: the transaction counts as aborted (recovery finds no durable commit record either). */
  #commitFailed(txn: Transaction): void {
    this.#abortTxn(txn, false);
  }

  /** Returns the commit record's LSN, or -1 for a read-only transaction (nothing to make durable). */
  #beginCommit(txn: Transaction): number {
    if (!txn.isActive) throw new FlintError('25P02', `cannot commit a transaction that is ${txn.state}`);
    if (txn.txid === 0) {
      txn.state = 'committed';
      this.#live.delete(txn);
      return -1;
    }
    this.#checkWritable();
    if (txn.catalog !== null) this.#checkCatalogCommit(txn);
    // Deferred secondary entries go into their trees (and the WAL) before the commit record.
    this.#indexes.flushDeferred();
    txn.state = 'committing';
    // The WAL copies the payload: one buffer serves every commit record.
    this.#commitView.setUint32(0, txn.txid >>> 0, true);
    this.#commitView.setUint32(4, Math.floor(txn.txid / 0x1_0000_0000), true);
    const lsn = this.#wal!.append(RecordType.txnCommit, this.#commitPayload);
    txn.commitLogged = true;
    return lsn;
  }

  readonly #commitPayload = new Uint8Array(8);
  readonly #commitView = new DataView(this.#commitPayload.buffer);

  /** `checkpoint`: and checkpoint if the WAL has grown enough since the last (a batch of commits checks once, after them all). */
  #finishCommit(txn: Transaction, checkpoint = true): void {
    // Visible to new snapshots only now that the commit is as durable as promised.
    this.#txns.set(txn.txid, TxnState.committed);
    // Its DDL too: from now on every statement sees it, and what it dropped gives its storage back.
    if (txn.catalog !== null) {
      for (const change of txn.catalog.changes) this.#applyCommitted(change, (owner) => this.#releaseLive(owner));
      txn.catalog = null;
    }
    txn.state = 'committed';
    this.#live.delete(txn);
    this.#ended(txn.txid);
    this.stats.commits++;
    if (checkpoint) this.#maybeCheckpoint();
  }

  /** Roll back: everything the transaction wrote becomes invisible at once (vacuum removes it later). */
  rollback(txn: Transaction): void {
    // Only an active transaction can be rolled back. One that is committing
    // (commitAsync waiting for fdatasync) has its commit record in the WAL
    // already: rolling it back appended an abort record after it, so recovery
    // replaying both aborted a transaction whose commit then resolved (close()
    // did this to every commit in flight).
    if (txn.state !== 'active') return;
    this.#abortTxn(txn, true);
  }

  /**
   * Before a transaction with DDL commits: the names it creates must still
   * be free (another transaction may have committed the same name since).
   */
  #checkCatalogCommit(txn: Transaction): void {
    const { changes, origin } = txn.catalog!;
    // A table this transaction altered or dropped that another one changed meanwhile: its change would undo theirs.
    for (const c of changes) {
      const id = c.op === 'alter' ? c.table.id : c.op === 'drop' ? c.id : -1;
      if (id >= 0 && origin.tables.has(id) && this.#base.tables.get(id) !== origin.tables.get(id)) {
        throw new FlintError(SqlState.serializationFailure, `could not serialize access due to concurrent change of relation "${origin.tables.get(id)!.name}"`, { hint: 'Retry the transaction.' });
      }
    }
    // Tables this transaction dropped or renamed: their committed names are its to reuse.
    const movedAway = new Set<number>();
    for (const c of changes) if (c.op === 'drop') movedAway.add(c.id);
    for (const c of changes) if (c.op === 'alter' && this.#base.tables.get(c.table.id)?.name !== c.table.name) movedAway.add(c.table.id);
    for (const c of changes) {
      if (c.op !== 'create' && c.op !== 'alter') continue;
      const holder = this.#base.byName.get(c.table.name);
      if (holder !== undefined && holder.id !== c.table.id && !movedAway.has(holder.id)) {
        throw new FlintError(SqlState.serializationFailure, `could not serialize access: relation "${c.table.name}" was created by a concurrent transaction`, { hint: 'Retry the transaction.' });
      }
    }
  }

  /** Give back an owner's segments now (logged), if the WAL still takes records. */
  #releaseLive(owner: number): void {
    if (this.#wal === undefined || this.#closed) return;
    try {
      this.#heap.releaseOwner(owner);
    } catch {
      // A WAL that refuses writes leaves the segments to the next recovery's orphan release.
    }
  }

  /** Undo the storage of what a transaction's DDL created (it rolled back, or back to a savepoint). */
  #dropCreated(owners: readonly number[]): void {
    for (let i = owners.length - 1; i >= 0; i--) {
      const owner = owners[i]!;
      this.#indexes.unregister(owner);
      this.#indexes.dropTable(owner);
      this.#indexes.forgetTable(owner);
      this.#releaseLive(owner);
    }
  }

  #abortTxn(txn: Transaction, log: boolean): void {
    if (txn.catalog !== null) {
      this.#dropCreated(txn.catalog.created);
      txn.catalog = null;
    }
    if (txn.txid !== 0) {
      this.#txns.set(txn.txid, TxnState.aborted);
      if (log && this.#wal !== undefined && !this.#closed) {
        const payload = new Uint8Array(8);
        setU48View(payload, 0, txn.txid);
        try {
          this.#wal.append(RecordType.txnAbort, payload);
        } catch {
          // An abort record is a hint (no commit record means aborted at
          // recovery), so a WAL that refuses writes does not stop a rollback.
        }
      }
    }
    txn.state = 'aborted';
    this.#live.delete(txn);
    if (txn.txid !== 0) this.#ended(txn.txid);
    this.stats.rollbacks++;
  }

  // ---- rows -----------------------------------------------------------------------

  /** The row's tuple in #rowBuffer (a view valid until the next call). */
  #encode(table: TableDef, values: readonly StorageValue[], xmin: number, rowId: number): Uint8Array {
    // The table written last keeps its column types at hand (a load writes one table row after row).
    if (table !== this.#typesOf) {
      this.#types = columnTypes(table);
      this.#typesOf = table;
    }
    const types = this.#types;
    let n = encodeTupleOrSize(types, values, xmin, this.#rowBuffer, 0, rowId);
    if (n < 0) {
      this.#rowBuffer = new Uint8Array(Math.max(-n, this.#rowBuffer.length * 2));
      this.#rowViews = new Array<Uint8Array | undefined>(ROW_VIEWS);
      n = encodeTuple(types, values, xmin, this.#rowBuffer, 0, rowId);
    }
    // Views by length, made once each: no allocation per row (a tuple that fits a page; longer ones are rare).
    if (n >= ROW_VIEWS) return this.#rowBuffer.subarray(0, n);
    let view = this.#rowViews[n];
    if (view === undefined) this.#rowViews[n] = view = this.#rowBuffer.subarray(0, n);
    return view;
  }

  /** The database's default compression (Engine.open's `compression`, saved in the catalog). */
  get compression(): CodecId {
    return this.#compression;
  }

  /** The codec byte of the blocks a table writes now. */
  #codecOf(table: TableDef): BlockCodec {
    return CODEC_NUMBERS[table.compression ?? this.#compression] as BlockCodec;
  }

  /** The row fits the table: as many values as columns, no NULL in a NOT NULL column. */
  #checkRow(table: TableDef, values: readonly StorageValue[]): void {
    if (values.length !== table.columns.length) {
      throw new FlintError('42601', `table "${table.name}" has ${table.columns.length} columns but ${values.length} values were given`);
    }
    for (let i = 0; i < values.length; i++) {
      if (values[i] === null && !table.columns[i]!.nullable) {
        throw new FlintError('23502', `null value in column "${table.columns[i]!.name}" of relation "${table.name}" violates not-null constraint`);
      }
    }
  }

  /** Insert a row; returns its tuple id. */
  insert(txn: Transaction, tableId: number, values: readonly StorageValue[]): number {
    const table = this.#insertTable(tableId, txn);
    const txid = this.#writeTxid(txn);
    this.#checkRow(table, values);
    const rowId = this.#inserting.rowIds ? this.#indexes.allocateRowId(table) : -1;
    // Every check comes before the first write: a violation changes nothing.
    const { pk, prev } = this.#indexes.beforeInsert(txn.snapshot, table, values, rowId);
    const bytes = this.#encode(table, values, txid, rowId);
    if (prev !== 0) setTuplePrev(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, prev);
    // A new key's primary entry is logged with the version, in one record, when its leaf is at hand; from the
    // transaction's second row on, a key above every key of the tree waits in its append run instead.
    const staged = prev === 0 ? this.#indexes.stagePrimary(table, pk, txn.inserted > 0) : null;
    let tid: number;
    try {
      tid = this.#heap.insert(table.id, bytes, this.#codecOf(table), staged);
    } finally {
      staged?.release();
    }
    // A transaction's first row goes into its indexes at once (an autocommit INSERT gains nothing from deferring).
    this.#indexes.afterInsert(table, values, pk, prev, tid, txn.inserted > 0, staged?.done === true);
    this.#countRow(table.id, 1);
    txn.inserted++;
    txn.changes?.push(tid);
    return tid;
  }

  /**
   * Replace the version at `tid` (which the transaction found visible) with
   * a new row. Returns the new version's tuple id. 40001 if another
   * transaction replaced or deleted it since our snapshot, or is doing so.
   */
  update(txn: Transaction, tableId: number, tid: number, values: readonly StorageValue[]): number {
    const table = this.#tableById(tableId, txn);
    const txid = this.#writeTxid(txn);
    if (!this.#claim(txn, table, tid)) {
      // This transaction already replaced or deleted that version: it no
      // longer sees it. Going on used to write a second new version beside
      // the first (the row then appeared twice) or bring a deleted row back.
      throw new FlintError(SqlState.objectNotInPrerequisiteState, `attempted to update invisible tuple ${formatTid(tid)} of "${table.name}": this transaction already updated or deleted it`);
    }
    this.#checkRow(table, values);
    // Only its key columns: nothing here reads the others.
    const old = this.#indexes.keyVersion(table, tid)!;
    const { pk, prev, samePk } = this.#indexes.beforeUpdate(txn.snapshot, table, old, values);
    const bytes = this.#encode(table, values, txid, old.rowId);
    if (prev !== 0) setTuplePrev(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, prev);
    // The new version, the old one's xmax and (the key kept) the primary entry's new value in one record, when the heap can.
    const staged = samePk ? this.#indexes.stageHead(table, pk) : null;
    const replaces = this.#replaces;
    replaces.tid = tid;
    replaces.xmax = txid;
    replaces.flags = TUPLE_UPDATED;
    replaces.done = false;
    let newTid: number;
    try {
      newTid = this.#heap.insert(table.id, bytes, this.#codecOf(table), staged, replaces);
    } finally {
      staged?.release();
    }
    if (!replaces.done) this.#heap.setXmax(tid, txid, TUPLE_UPDATED);
    this.#indexes.afterUpdate(table, old, values, pk, prev, samePk, newTid, staged?.done === true);
    txn.inserted++;
    txn.deleted++;
    txn.changes?.push(newTid, -tid);
    return newTid;
  }

  /**
   * #tableById for insert(), and whether the table's rows get row ids (no
   * primary key columns): looked up again only when the table or the
   * catalog as `txn` sees it changed (another object, or the same one's
   * version moved on) since the last insert. A table found only past the
   * view (#tableById's fallbacks) is not kept.
   */
  #insertTable(tableId: number, txn: Transaction): TableDef {
    const view = this.#view(txn);
    const last = this.#inserting;
    if (tableId === last.tableId && view === last.view && view.version === last.version) return last.table!;
    const table = this.#tableById(tableId, txn);
    const rowIds = this.#indexes.primaryOf(table.id).columns.length === 0;
    if (view.tables.get(tableId) === table) {
      last.tableId = tableId;
      last.view = view;
      last.version = view.version;
      last.table = table;
    } else last.tableId = -1;
    last.rowIds = rowIds;
    return table;
  }

  /** #insertTable's last lookup (tableId -1: none kept). `rowIds` is the last call's, kept or not. */
  readonly #inserting: { tableId: number; view: CatalogState | null; version: number; table: TableDef | null; rowIds: boolean } = { tableId: -1, view: null, version: -1, table: null, rowIds: false };

  /** update()'s Heap.insert `replaces`, one reused object (the heap reads it during the call). */
  readonly #replaces: Replaces = { tid: 0, xmax: 0, flags: 0, done: false };

  /** Delete the version at `tid`. Returns false if this transaction had already deleted it. */
  delete(txn: Transaction, tableId: number, tid: number): boolean {
    const table = this.#tableById(tableId, txn);
    const txid = this.#writeTxid(txn);
    if (!this.#claim(txn, table, tid)) return false;
    this.#heap.setXmax(tid, txid, 0);
    this.#countRow(table.id, -1);
    txn.deleted++;
    txn.changes?.push(-tid);
    return true;
  }

  // ---- savepoints ---------------------------------------------------------------------

  /**
   * Mark the transaction's position for rollbackToSavepoint. From the first
   * savepoint on, the transaction logs each version it inserts and each
   * version whose xmax it sets.
   */
  savepoint(txn: Transaction): number {
    if (!txn.isActive) throw new FlintError('25P02', 'current transaction is aborted or finished, commands ignored until end of transaction block');
    txn.changes ??= [];
    (txn.savepoints ??= []).push({ changes: txn.changes.length, ddl: txn.catalog?.changes.length ?? 0, created: txn.catalog?.created.length ?? 0 });
    return txn.savepoints.length - 1;
  }

  /**
   * Undo, newest first, every change made since `marker`: a version the
   * transaction inserted gets its own txid as xmax (deleted by itself, it is
   * visible to no one and vacuum reclaims it once the transaction ends); a
   * version it deleted or replaced gets xmax 0 back. Both are WAL-logged
   * like any xmax change. The transaction stays active.
   */
  rollbackToSavepoint(txn: Transaction, marker: number): void {
    if (txn.state !== 'active') throw new FlintError('25P02', `cannot roll back to a savepoint of a transaction that is ${txn.state}`);
    const changes = txn.changes;
    const mark = txn.savepoints?.[marker];
    assert(changes !== null && mark !== undefined && mark.changes <= changes.length, `savepoint marker ${marker} is valid`);
    for (let i = changes.length - 1; i >= mark.changes; i--) {
      const entry = changes[i]!;
      if (entry > 0) {
        this.#heap.setXmax(entry, txn.txid, 0);
        const owner = this.#heap.space.ownerOf(tidSegment(entry));
        const table = owner === undefined ? undefined : this.#tableByIdOrNull(owner, txn);
        if (table !== undefined) this.#indexes.undoInsert(table, entry);
      } else this.#heap.setXmax(-entry, 0, 0);
    }
    changes.length = mark.changes;
    txn.savepoints!.length = marker + 1;
    // DDL since the savepoint: forget it, and give back the storage it created.
    const catalog = txn.catalog;
    if (catalog !== null && catalog.changes.length > mark.ddl) {
      this.#wal!.append(RecordType.catalog, new TextEncoder().encode(JSON.stringify({ op: 'rollbackTo', count: mark.ddl, txid: txn.txid })));
      catalog.changes.length = mark.ddl;
      catalog.view = this.#base.clone();
      for (const change of catalog.changes) catalog.view.apply(change);
      this.#dropCreated(catalog.created.slice(mark.created));
      catalog.created.length = mark.created;
    }
  }

  /** Check that `tid` may be replaced or deleted by txn; false if txn already did. */
  #claim(txn: Transaction, table: TableDef, tid: number): boolean {
    const header = this.#heap.visit(tid, (_u8, v, at) => [tupleXmin(v, at), tupleXmax(v, at), tupleFlags(v, at)] as const);
    if (header === undefined) throw new FlintError(SqlState.internalError, `tuple ${formatTid(tid)} of "${table.name}" does not exist`);
    const [xmin, xmax, flags] = header;
    if (xmax === txn.txid) return false;
    if (!isVisible(xmin, xmax, txn.snapshot, this.#txns) && xmin !== txn.txid) {
      this.#conflict(table, 'update', this.#inProgress(xmin) ? xmin : this.#inProgress(xmax) ? xmax : 0);
    }
    if (xmax !== 0 && this.#txns.state(xmax) !== TxnState.aborted) {
      this.#conflict(table, (flags & TUPLE_UPDATED) !== 0 ? 'update' : 'delete', this.#inProgress(xmax) ? xmax : 0);
    }
    return true;
  }

  #inProgress(txid: number): boolean {
    return txid !== 0 && this.#txns.state(txid) === TxnState.inProgress;
  }

  /** PostgreSQL's words exactly, so clients that match on them keep working. */
  #conflict(_table: TableDef, what: 'update' | 'delete', waitFor: number): never {
    this.stats.conflicts++;
    throw new WriteConflict(`could not serialize access due to concurrent ${what}`, waitFor);
  }

  // ---- waiting for another transaction (row locks, as the caller sees them) ----------

  /** Who waits for whom: a waiting transaction's txid -> the txid it waits for. */
  readonly #waitsFor = new Map<number, number>();
  /** Callbacks to run when a transaction ends (commits or aborts), by txid. */
  readonly #onEnd = new Map<number, (() => void)[]>();

  /** Has `txid` committed? (false while it is in progress or committing, and if it aborted). */
  committed(txid: number): boolean {
    return this.#txns.state(txid) === TxnState.committed;
  }

  /**
   * Wait until transaction `blocker` commits or aborts: what a row lock does
   * in PostgreSQL. A wait that would close a cycle (the blocker waits, maybe
   * through others, for `waiter`) fails at once with 40P01, as PostgreSQL's
   * deadlock detector does, so the waiter's transaction can be rolled back.
   * `cancel` ends the wait early with its error (statement timeout, cancel
   * request, the connection closing).
   */
  async waitFor(waiter: Transaction, blocker: number, cancel?: Promise<never>): Promise<void> {
    if (!this.#inProgress(blocker)) return;
    const me = waiter.txid;
    if (me !== 0) {
      for (let t: number | undefined = blocker; t !== undefined; t = this.#waitsFor.get(t)) {
        if (t === me) {
          throw new FlintError(SqlState.deadlockDetected, 'deadlock detected', {
            detail: `Transaction ${me} waits for transaction ${blocker}, which waits for transaction ${me}.`,
            hint: 'Retry the transaction.',
          });
        }
      }
      this.#waitsFor.set(me, blocker);
    }
    try {
      const ended = new Promise<void>((resolve) => {
        const list = this.#onEnd.get(blocker);
        if (list === undefined) this.#onEnd.set(blocker, [resolve]);
        else list.push(resolve);
      });
      await (cancel === undefined ? ended : Promise.race([ended, cancel]));
    } finally {
      if (me !== 0) this.#waitsFor.delete(me);
    }
  }

  /** The transaction ended: wake whoever waits for it. */
  #ended(txid: number): void {
    const waiting = this.#onEnd.get(txid);
    if (waiting === undefined) return;
    this.#onEnd.delete(txid);
    for (const wake of waiting) wake();
  }

  /**
   * Give txn a new snapshot, taken now (READ COMMITTED takes one per
   * statement). What it wrote itself stays visible to it.
   */
  refreshSnapshot(txn: Transaction): void {
    if (!txn.isActive) return;
    if (txn.txid === 0) {
      txn.snapshot = this.#sharedSnapshot();
      return;
    }
    // Nothing committed or aborted since this transaction's snapshot was
    // taken here: a new one would see the same (#sharedSnapshot's rule; a
    // txid handed out since is at or past the old snapshot's xmax, so
    // invisible to both). Most statements of a block take none then.
    const txns = this.#txns;
    if (txn.snapshotVersion === txns.version && txn.snapshotLogActive === this.#logActiveChanges) return;
    txn.snapshot = this.#takeSnapshot(txn.txid);
    txn.snapshotVersion = txns.version;
    txn.snapshotLogActive = this.#logActiveChanges;
  }

  /** Forget the newest savepoint (a statement's own, once the statement succeeded). */
  releaseSavepoint(txn: Transaction, marker: number): void {
    const savepoints = txn.savepoints;
    if (savepoints !== null && marker === savepoints.length - 1) savepoints.length = marker;
  }

  /**
   * The row version visible to txn, starting at `tid` (the newest version,
   * as an index finds it) and walking back through older versions.
   */
  get(txn: Transaction, tableId: number, tid: number): StorageValue[] | undefined {
    const table = this.#tableById(tableId, txn);
    const types = table.columns.map((c) => c.type);
    let current = tid;
    for (let hops = 0; current !== 0 && hops < 1_000_000; hops++) {
      const result = this.#heap.visit(current, (u8, v, at, len) => {
        const xmin = tupleXmin(v, at);
        if (isVisible(xmin, tupleXmax(v, at), txn.snapshot, this.#txns)) return { row: decodeTuple(types, u8, at, len) };
        // A version whose creation this snapshot sees, but which it sees
        // deleted or replaced, ends the walk: everything behind it is older
        // still and invisible too. Walking on was a bug: vacuum may have
        // reclaimed those older versions and their slots may hold other rows
        // now, which get() then returned as this row.
        // (A version this transaction created and then deleted itself, as a
        // ROLLBACK TO SAVEPOINT does, hides nothing: go on to the older one.)
        if ((xmin === txn.txid && xmin !== 0 && tupleXmax(v, at) !== xmin) || committedBefore(xmin, txn.snapshot, this.#txns)) return { row: undefined };
        return { prev: tuplePrev(v, at) };
      });
      if (result === undefined) return undefined;
      if ('row' in result) return result.row;
      current = result.prev;
    }
    return undefined;
  }

  /**
   * Visit every row visible to txn. Stop by returning false. `storedColumns`
   * is how many columns the version stores: fewer than the table has if it
   * was written before columns were added (those read as NULL in `row`).
   */
  scan(
    txn: Transaction,
    tableId: number,
    visitor: (tid: number, row: StorageValue[], storedColumns: number) => boolean | void,
    /** Which stored columns the caller reads (by position); the others are not decoded and read as NULL. Absent: all. */
    columns?: readonly boolean[],
    options: ScanOptions = {},
  ): void {
    const table = this.#tableById(tableId, txn);
    const types = table.columns.map((c) => c.type);
    const snapshot = txn.snapshot;
    const txns = this.#txns;
    // A version nobody deleted is visible exactly when its creator is, and
    // that depends on nothing but xmin for the whole scan (one snapshot, and
    // no transaction ends while it runs): remember the last answer, which
    // covers a table loaded by one transaction with one lookup.
    let lastXmin = -1;
    let lastVisible = false;
    const plan = columnPlan(types, columns);
    const shared: StorageValue[] | null = options.reuseRow === true ? new Array<StorageValue>(types.length).fill(null) : null;
    const match = options.match;
    const matchColumn = match === undefined ? -1 : match.column;
    const matchBytes = match === undefined ? EMPTY_BYTES : match.bytes;
    // The heap hands over only the tuples whose column holds the bytes (the pageMatchColumn kernel, a page a call); they are tested again below.
    const desc = match === undefined ? undefined : columnMatchDescriptor(types, matchColumn);
    const filter = desc === undefined ? undefined : { desc, needle: matchBytes };
    this.#heap.scan(table.id, (tid, u8, v, at, len) => {
      const xmin = tupleXmin(v, at);
      const xmax = tupleXmax(v, at);
      if (xmax === 0) {
        if (xmin !== lastXmin) {
          lastXmin = xmin;
          lastVisible = isVisible(xmin, 0, snapshot, txns);
        }
        if (!lastVisible) return true;
      } else if (!isVisible(xmin, xmax, snapshot, txns)) {
        return true;
      }
      if (matchColumn >= 0 && !tupleBytesEqual(types, u8, at, len, matchColumn, matchBytes)) return true;
      if (shared === null) {
        const row = new Array<StorageValue>(types.length);
        decodeTupleInto(types, u8, at, len, false, plan, row);
        return visitor(tid, row, tupleColumnCount(v, at));
      }
      decodeTupleInto(types, u8, at, len, false, plan, shared);
      return visitor(tid, shared, tupleColumnCount(v, at));
    }, filter);
  }

  /**
   * The rows visible to txn as numeric columns, a batch per heap page
   * (column-scan.ts): for a query that only aggregates them. `columns` are
   * stored positions, ascending; `presence[j]`: only whether column j is
   * NULL is read. Returns false, having visited nothing, if the columns
   * cannot be read this way (then Engine.scan reads them).
   */
  scanColumns(txn: Transaction, tableId: number, columns: readonly number[], presence: readonly boolean[], visitor: ColumnBatchVisitor): boolean {
    const table = this.#tableById(tableId, txn);
    return scanColumns(this.#heap, table.id, table.columns.map((c) => c.type), txn.snapshot, this.#txns, columns, presence, visitor);
  }

  // ---- maintenance --------------------------------------------------------------------

  /** The oldest txid any live snapshot may still need: versions deleted before it are dead to all. */
  #vacuumHorizon(): number {
    let horizon = this.#txns.nextTxid;
    for (const txn of this.#live) {
      horizon = Math.min(horizon, txn.snapshot.xmin);
      if (txn.txid !== 0) horizon = Math.min(horizon, txn.txid);
    }
    return horizon;
  }

  /**
   * Reclaim the slots of versions no live snapshot can see: those whose
   * creator aborted, and those deleted by a transaction that committed
   * before every live snapshot began. Returns the number reclaimed.
   */
  vacuum(): number {
    this.#checkWritable();
    this.#vacuumCursor = null;
    let reclaimed = 0;
    for (;;) {
      const step = this.vacuumStep(Number.MAX_SAFE_INTEGER);
      reclaimed += step.reclaimed;
      if (step.done) return reclaimed;
    }
  }

  /**
   * One bounded slice of vacuum: at most `maxBlocks` blocks are examined,
   * so a background caller never holds the thread (and so a commit) for
   * long. A pass walks every table's blocks; the next call continues where
   * this one stopped, and a finished pass starts over on the next call.
   */
  vacuumStep(maxBlocks = 8): { blocks: number; reclaimed: number; done: boolean } {
    this.#checkWritable();
    if (this.#vacuumCursor === null) {
      const work: number[][] = [];
      for (const table of this.#base.tables.values()) work.push([table.id, ...this.#heap.blocksOf(table.id)]);
      this.#vacuumCursor = { work, table: 0, block: 1, deferred: [] };
    }
    const cursor = this.#vacuumCursor;
    const horizon = this.#vacuumHorizon();
    let blocks = 0;
    let reclaimed = 0;
    while (blocks < maxBlocks && cursor.table < cursor.work.length) {
      const entry = cursor.work[cursor.table]!;
      if (cursor.block >= entry.length || !this.#base.tables.has(entry[0]!)) {
        cursor.table++;
        cursor.block = 1;
        continue;
      }
      const blockNo = entry[cursor.block++]!;
      blocks++;
      const table = this.#base.tables.get(entry[0]!)!;
      const dead: number[] = [];
      this.#heap.scanBlock(blockNo, (tid, _u8, v, at) => {
        const xmin = tupleXmin(v, at);
        const xmax = tupleXmax(v, at);
        const creatorAborted = this.#txns.state(xmin) === TxnState.aborted;
        const deletedForAll = xmax !== 0 && xmax < horizon && this.#txns.state(xmax) === TxnState.committed;
        if (creatorAborted || deletedForAll) dead.push(tid);
      });
      for (const tid of dead) {
        // Indexes first: nothing may point at a slot once it is reused.
        if (this.#indexes.beforeReclaim(table, tid, horizon)) {
          this.#heap.reclaim(tid);
          reclaimed++;
        } else {
          cursor.deferred.push([table.id, tid]);
        }
      }
    }
    const done = cursor.table >= cursor.work.length;
    if (done) {
      reclaimed += this.#retryDeferred(cursor.deferred, horizon);
      this.#vacuumCursor = null;
      this.stats.vacuumPasses++;
    }
    this.stats.vacuumSlices++;
    this.stats.vacuumReclaimed += reclaimed;
    return { blocks, reclaimed, done };
  }

  /** Blocks the current vacuum pass has still to examine (0 between passes): its progress, for metrics. */
  get vacuumPendingBlocks(): number {
    const cursor = this.#vacuumCursor;
    if (cursor === null) return 0;
    let pending = 0;
    for (let t = cursor.table; t < cursor.work.length; t++) pending += cursor.work[t]!.length - (t === cursor.table ? cursor.block : 1);
    return Math.max(0, pending);
  }

  /** Where the current vacuum pass stands: each table's id then its blocks, and the versions it had to defer. */
  #vacuumCursor: { work: number[][]; table: number; block: number; deferred: [tableId: number, tid: number][] } | null = null;

  /**
   * At the end of a pass, try the deferred versions again: most waited for
   * a newer, aborted version of their row that the pass reclaimed later.
   * Repeats while that frees more (a chain of aborted versions).
   */
  #retryDeferred(deferred: [number, number][], horizon: number): number {
    let reclaimed = 0;
    for (let progress = true; progress && deferred.length > 0; ) {
      progress = false;
      for (let i = deferred.length - 1; i >= 0; i--) {
        const [tableId, tid] = deferred[i]!;
        const table = this.#base.tables.get(tableId);
        if (table !== undefined && !this.#indexes.beforeReclaim(table, tid, horizon)) continue;
        if (table !== undefined) {
          this.#heap.reclaim(tid);
          reclaimed++;
        }
        deferred.splice(i, 1);
        progress = true;
      }
    }
    return reclaimed;
  }

  /**
   * Background work for one tick of a timer: flush a frozen memtable if one
   * waits, and one vacuum slice. The Database schedules it; the engine
   * itself never starts timers (it runs deterministically under test).
   */
  backgroundStep(): void {
    if (this.#closed || this.#wal === undefined) return;
    this.#heap.flushOne();
    this.vacuumStep();
  }

  /**
   * Checkpoint: make the heap durable up to now and move the redo point, so
   * recovery replays less and older WAL files can be recycled.
   */
  checkpoint(): void {
    this.#checkpoint(this.#walSpareFiles, false);
  }

  /**
   * The CHECKPOINT statement: a checkpoint that leaves the least WAL on
   * disk. The log continues in a fresh file (its first MiB zero-filled, for
   * the commits after it) when the current one holds more than that, so the
   * checkpoint removes the old one, and no spare is kept. Automatic
   * checkpoints keep recycling (walSpareFiles). docs/wal.md, "Recycling".
   */
  checkpointTruncate(): void {
    this.#checkpoint(0, true);
  }

  #checkpoint(walSpareFiles: number, freshFile: boolean): void {
    this.#checkWritable();
    const wal = this.#wal!;
    // Commit records already written become durable now, so transactions
    // whose commitAsync is still waiting count as committed in the snapshot.
    wal.sync();
    // Before the redo point is taken: it then lies in the new file, and everything before it can go.
    if (freshFile) wal.startFreshFile();
    const redo = wal.nextLsn;
    this.#heap.redoLsn = redo;
    this.#heap.flushAll();
    const generation = this.#control.catalogGeneration + 1;
    const txns = this.#txns.snapshot();
    // Commit records written but not yet durable (commitAsync in flight): a field of each such transaction, no set kept.
    const committing: number[] = [];
    for (let i = 0; i < this.#live.size; i++) {
      const txn = this.#live.at(i);
      if (txn.state === 'committing' && txn.commitLogged) committing.push(txn.txid);
    }
    const snapshot: CatalogSnapshot = {
      version: CATALOG_VERSION,
      nextTableId: this.#nextTableId,
      tables: [...this.#base.tables.values()],
      indexes: [...this.#base.indexes.values()],
      pending: [...this.#live].filter((t) => t.catalog !== null && t.catalog.changes.length > 0).map((t) => ({ txid: t.txid, changes: t.catalog!.changes })),
      space: this.#heap.space.snapshot(),
      txns: committing.length === 0 ? txns : withCommitted(txns, committing),
      ...(this.#compression === 'none' ? {} : { compression: this.#compression }),
    };
    writeCatalog(this.#vfs, this.#dir, generation, snapshot);
    this.#control = {
      ...this.#control,
      checkpointLsn: redo,
      nextTxid: this.#txns.nextTxid,
      nextTableId: this.#nextTableId,
      catalogGeneration: generation,
      walFileBytes: wal.fileBytes,
    };
    writeControl(this.#vfs, this.#dir, this.#control);
    removeOldCatalogs(this.#vfs, this.#dir, generation);
    wal.recycle(redo, walSpareFiles);
    this.#walAtCheckpoint = wal.nextLsn;
    this.stats.checkpoints++;
  }

  #walAtCheckpoint = 0;

  #maybeCheckpoint(): void {
    // A commitAsync finishing after close() (its fdatasync was in flight) must not checkpoint a closed engine.
    if (this.#closed) return;
    if (this.#wal !== undefined && this.#wal.nextLsn - this.#walAtCheckpoint >= this.#checkpointWalBytes) this.checkpoint();
  }

  /** Flush one frozen memtable if any waits (a background tick's work). Returns whether it did. */
  flushStep(): boolean {
    return this.#heap.flushOne();
  }

  get heapStats() {
    return this.#heap.stats;
  }

  get walStats() {
    return this.#wal?.stats;
  }

  /** Counters of compressed blocks: compressions, decompressions, blocks written, continuation blocks (undefined until one was used). */
  get compressionStats() {
    return this.#heap.compressionStats;
  }

  get walLsn(): number {
    return this.#wal?.nextLsn ?? 0;
  }

  /** Flush, checkpoint and release the directory. Open transactions are rolled back. */
  close(): void {
    if (this.#closed) return;
    let clean = false;
    try {
      for (const txn of [...this.#live]) this.rollback(txn);
      if (this.#wal !== undefined) {
        this.#checkpoint(0, false);
        this.#wal.close();
      }
      clean = true;
    } finally {
      this.#closed = true;
      // Its kernel instance goes to the next database opened (src/kernels/index.ts, releaseKernels); not after a failed close, which may leave work that still touches the memory.
      if (clean) releaseKernels(this.kernels);
      this.#lock?.release();
      // Whoever still waits for a transaction learns that the database is gone when it retries.
      for (const txid of [...this.#onEnd.keys()]) this.#ended(txid);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new FlintError(SqlState.objectNotInPrerequisiteState, 'the database is closed');
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#wal === undefined) throw new FlintError('25006', 'cannot write to a follower: it only applies the primary\'s WAL');
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * getU48(view(bytes), at) without the DataView: applyRecord reads a txid
 * from nearly every record, and a DataView made for each cost ~7% of a
 * recovery (a bulk load's ~200k records). Short bytes throw as before.
 */
function u64At(bytes: Uint8Array, at: number): number {
  if (!(at >= 0 && at + 8 <= bytes.length)) return getU48(view(bytes), at);
  const low = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const high = (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24)) >>> 0;
  return low + high * 0x1_0000_0000;
}

function setU48View(bytes: Uint8Array, at: number, value: number): void {
  const v = view(bytes);
  v.setUint32(at, value >>> 0, true);
  v.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}

/** The txn snapshot with some in-flight commits counted as committed (their records are durable). */
function withCommitted(txns: { nextTxid: number; states: string }, committed: number[]): { nextTxid: number; states: string } {
  const log = TxnStatusLog.fromSnapshot(txns);
  for (const txid of committed) log.set(txid, TxnState.committed);
  return log.snapshot();
}

assert(BLOCK_SIZE > 0, 'limits are loaded');

function checkCodec(codec: CodecId): CodecId {
  if (codec !== 'none' && codec !== 'lz4' && codec !== 'zstd') {
    throw new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "compression": "${String(codec)}"`, { hint: 'Valid values are "none", "lz4" and "zstd".' });
  }
  return codec;
}
