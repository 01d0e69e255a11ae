// The heap: tuples of every table in one file, `heap.flint`, that grows by
// 2 MiB segments. Each segment belongs to one owner (table); each 64 KiB
// block in it is 16 slotted 4 KiB pages (layouts in src/kernels/layout.ts).
//
// Heap file
//
// OFFSET      SIZE      DESCRIPTION
//      0    2 MiB      segment 0, the system segment. Block 0 is the file
//                      header block: a formatted block (owner 0) whose page 0
//                      slot 0 holds the file header tuple below. Blocks 1..31
//                      are reserved.
//  2 MiB    2 MiB      segment 1, owned by the table named in each block's
//                      header, and so on. Blocks are formatted when first used.
//
// File header tuple (page 0, slot 0 of block 0)
//
// OFFSET SIZE DESCRIPTION
//      0    8 magic "FLNTHEAP"
//      8    4 heap format version (HEAP_FORMAT_VERSION)
//     12    4 page size, 16 block size, 20 segment size (bytes; must match limits.ts)
//
// Every change to a page is WAL-logged with the tuple id it produced, so
// replay on a follower or after a crash reaches the same bytes in the same
// places (record layouts in ../record-types.ts). Torn pages: the first change
// to a page after a checkpoint logs the page's image first (PAGE_IMAGE), and
// a block formatted after the checkpoint is logged as BLOCK_INIT; recovery
// restores either before replaying changes, so a page torn by a crash is
// always rebuilt, and a torn page with neither is reported as corruption.
//
// The memtable: new tuples of a table go into the block being filled (its
// "active" block). The blocks filled since the last freeze are the table's
// memtable; when their tuple bytes reach `memtableBytes` the memtable is
// frozen and queued for flush (its dirty blocks written back in full). When
// more than `maxFrozenMemtables` wait, the writer that froze one flushes the
// oldest itself: backpressure instead of unbounded memory. Without pressure,
// a table that needs a new block first takes one with room from its older
// segments (the vacuum queue, SpaceMap.reusableBlock); under pressure, or
// with no such block, it formats a new block at the end, appending a segment
// when needed.
//
// Index owners (src/storage/index) keep B+-tree nodes in their blocks'
// pages 1..15 and their own meta tuple in page 0. They use the small API in
// "index pages" below: formatting a block, pinning, the torn-page guard, page
// LSNs and dirty marks, and WAL records of their own, which Heap.redo hands to
// redoIndexRecord. Their pages never go through the tuple free-space
// bookkeeping (blockRefreshPage, space-map free bytes) once they are nodes.
// Tuple scans and inserts go by owner (and the engine's vacuum visits only
// tables' blocks), so they never touch an index owner's blocks.

import { FlintError, SqlState, assert, corruption } from '../../errors.ts';
import type { Kernels } from '../../kernels/index.ts';
import {
  BLOCK_OFF_MAX_LSN,
  BLOCK_OFF_PAGE_FREE,
  PAGE_HEADER_SIZE,
  PAGE_OFF_FRAG_BYTES,
  PAGE_OFF_FREE_LOWER,
  PAGE_OFF_FREE_UPPER,
  PAGE_OFF_LIVE_COUNT,
  PAGE_OFF_LSN,
  PAGE_OFF_SLOT_COUNT,
  PAGE_OFF_SLOT_DIR,
  SLOT_SIZE,
  EXTRACT_OFF_COUNT,
  TUPLES_OUT_FLAGS,
  TUPLES_STRIDE,
} from '../../kernels/layout.ts';
import { BLOCK_SIZE, BLOCKS_PER_SEGMENT, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import type { BufferPool } from '../buffer-pool/index.ts';
import { redoIndexRecord } from '../index/btree-redo.ts';
import { RecordType } from '../record-types.ts';
import { WAL_RECORD_PAYLOAD_MAX } from '../wal/format.ts';
import { makeTid, tidBlock, tidPage, tidSlot, formatTid } from '../tuple-id.ts';
import { setTupleFlags, setTupleXmax } from '../tuple.ts';
import type { Vfs, VfsFile } from '../vfs/index.ts';
import { CODEC_LZ4, CODEC_ZSTD, CompressedStore, FILL_LIMIT, SUBS_MAX, WORTH_COMPRESSING, type CBlock } from './compressed.ts';
import { BLOCK_KIND_CONTINUATION, BLOCK_KIND_PLAIN, SpaceMap, SYSTEM_SEGMENT, UNFORMATTED } from './space-map.ts';

export const HEAP_FILE_NAME = 'heap.flint';
/** 2: tuple ids with 8 page bits (tuple-id.ts), compressed blocks. */
export const HEAP_FORMAT_VERSION = 2;
const HEAP_MAGIC = 'FLNTHEAP';
const FILE_HEADER_TUPLE_SIZE = 24;
/** The largest tuple a page holds: a page other than a block's page 0, less one slot. */
export const MAX_TUPLE_SIZE = PAGE_SIZE - PAGE_HEADER_SIZE - SLOT_SIZE;

/** A table's compression as the heap takes it: 0 none, 1 lz4, 2 zstd (the block header's codec byte). */
export type BlockCodec = 0 | 1 | 2;

/** The WAL as the heap sees it. */
export interface HeapWal {
  append(type: number, payload: Uint8Array): number;
  readonly durableLsn: number;
  sync(): void;
  /** Largest record payload append() takes (WAL_RECORD_PAYLOAD_MAX if absent). */
  readonly maxPayloadBytes?: number;
  /**
   * A WAL that builds records in place (WalWriter.reserve/commit): a tuple
   * insert writes its record straight into `bytes` instead of a copy of its
   * own that append() copies again. Optional: without them, append().
   * A `bytes` in the kernels' memory must stay the same array (attachWal
   * notes where it is once), as WalOptions.buffer does.
   */
  reserve?(maxLength: number): number;
  commit?(type: number, length: number): number;
  readonly bytes?: Uint8Array;
  readonly view?: DataView;
}

/** A HeapWal with reserve/commit. */
export type ReservingWal = HeapWal & Required<Pick<HeapWal, 'reserve' | 'commit' | 'bytes' | 'view'>>;

export interface HeapOptions {
  /** Tuple bytes a table's memtable takes before it is frozen and queued for flush. */
  memtableBytes: number;
  /** Frozen memtables that may wait for flush before writers flush them themselves. */
  maxFrozenMemtables: number;
}

export interface HeapStats {
  tuplesInserted: number;
  pageImagesLogged: number;
  memtablesFrozen: number;
  memtablesFlushed: number;
  /** Writers that flushed a memtable themselves because the queue was full. */
  backpressureStalls: number;
  blocksFormatted: number;
  segmentsAllocated: number;
  blocksReused: number;
  /** Full blocks that became compressed (phase 2), and those left uncompressed because they compressed too little. */
  blocksCompressed: number;
  blocksIncompressible: number;
  /** Sub-blocks appended to compressed blocks. */
  subBlocksAdded: number;
  /** Images of compressed blocks logged (torn-block guard and phase changes). */
  blockImagesLogged: number;
}

/** A visit of one tuple in place: bytes live in the kernels' memory. */
/**
 * A full scan's pre-test (pageMatchColumn): only tuples whose column holds
 * exactly `needle` (or that store too few columns to have it) are visited.
 * `desc` is the kernel's description of the tuple layout and the column
 * (columnMatchDescriptor in tuple.ts).
 */
export interface ColumnMatch {
  readonly desc: Uint8Array;
  readonly needle: Uint8Array;
}

// Where #matchPage puts pageMatchColumn's arguments, relative to the kernels'
// scratch area: above what B+-tree and tuple writes use (MAX_KEY_SIZE * 3, a page).
/** Bytes between prefetch's touches of one tuple: a cache line. */
const PREFETCH_LINE = 64;
const MATCH_OUT_AT = 32768;
const MATCH_DESC_AT = MATCH_OUT_AT + 2 * (PAGE_SIZE / 4);
const MATCH_DESC_MAX = 8192;
const MATCH_NEEDLE_AT = MATCH_DESC_AT + MATCH_DESC_MAX;
/** A longer value cannot be in a tuple of one page. */
const MATCH_NEEDLE_MAX = PAGE_SIZE;

export type TupleVisitor = (tid: number, u8: Uint8Array, view: DataView, offset: number, length: number) => boolean | void;
/** A page of a scan: its offset in the kernels' memory, its block and logical page. Returns false to stop. */
export type PageVisitor = (page: number, blockNo: number, logicalPage: number) => boolean;

// Where extractColumns puts pageExtractColumns' result, relative to the
// scratch area (below MATCH_OUT_AT: the result of EXTRACT_COLUMNS_MAX columns
// takes 512 + 1152 bytes a column), and its descriptor (where #matchPage puts its own).
const EXTRACT_OUT_AT = 0;
/** Columns pageExtractColumns takes in one call. */
export const EXTRACT_COLUMNS_MAX = 24;

/** Bytes of tuplesExtract's result for k columns (layout.ts): flags, values, xmin and xmax, and the touches' sum. */
export function tuplesOutBytes(k: number): number {
  return TUPLES_OUT_FLAGS + TUPLES_STRIDE * k + 8 * TUPLES_STRIDE * (k + 2) + 4;
}

interface Memtable {
  activeBlock: number;
  /** The frame that held activeBlock when it was last pinned (BufferPool.pinIfCached checks it still does), or -1. */
  activeFrame: number;
  blocks: Set<number>;
  /** The block #inserted added to `blocks` last (a run of inserts into one block adds it once). */
  lastAdded: number;
  bytes: number;
}

/**
 * A change to one other page logged in the same record as a tuple insert
 * (TUPLE_INSERT_ENTRY): a primary key's leaf insert staged by
 * BTree.stageInsert. The heap calls guard() before it changes its page
 * (the other page's torn-page guard), write() once the tuple id is known
 * (the change made, its INDEX_INSERT payload written at record[at]; returns
 * its length, at most `bytes`), then logged(lsn), or undo() if the record
 * was not appended.
 */
export interface LoggedEntry {
  readonly bytes: number;
  guard(): void;
  write(tid: number, record: Uint8Array, view: DataView, at: number): number;
  logged(lsn: number): void;
  undo(): void;
}

/**
 * The version an UPDATE replaces (Heap.insert's `replaces`): its xmax and
 * flags are set in the new version's record (TUPLE_UPDATE) when both
 * versions are in uncompressed blocks and the record has room; `done` says
 * whether they were. If not, the caller sets them (setXmax). An `entry`
 * passed with it is the primary key's value overwrite (BTree.stageValue),
 * logged in the same record or not at all.
 */
export interface Replaces {
  tid: number;
  xmax: number;
  flags: number;
  done: boolean;
}

export class Heap {
  readonly stats: HeapStats = {
    tuplesInserted: 0, pageImagesLogged: 0, memtablesFrozen: 0, memtablesFlushed: 0,
    backpressureStalls: 0, blocksFormatted: 0, segmentsAllocated: 0, blocksReused: 0,
    blocksCompressed: 0, blocksIncompressible: 0, subBlocksAdded: 0, blockImagesLogged: 0,
  };
  /** WAL position of the last checkpoint: pages older than it log an image before their first change. */
  redoLsn = 0;

  readonly #kernels: Kernels;
  readonly #pool: BufferPool;
  readonly #file: VfsFile;
  readonly #fileId: number;
  readonly #u8: Uint8Array;
  readonly #view: DataView;
  readonly #options: HeapOptions;
  #wal: HeapWal | undefined;
  /** The WAL buffer's offset in the kernels' memory (attachWal), or -1 if it is elsewhere. */
  #walInKernels = -1;
  #space: SpaceMap;
  readonly #memtables = new Map<number, Memtable>();
  /** The owner #memtable looked up last and its memtable (a load inserts into one table row after row). */
  #lastOwner = -1;
  #lastMemtable: Memtable | undefined;
  readonly #flushQueue: number[][] = [];
  /** Scratch payload buffer for WAL records: header fields + one page image or tuple. */
  readonly #record = new Uint8Array(16 + PAGE_SIZE + 64);
  readonly #recordView = new DataView(this.#record.buffer);
  // Recovery state: pages found torn that the WAL has not yet rebuilt.
  #recovering = false;
  readonly #checkedBlocks = new Set<number>();
  readonly #tornPages = new Set<number>();
  /** Records applied by redo(): index trees re-read their meta when it moves. */
  #redoCount = 0;
  /** Compressed blocks (made on first use). */
  #store: CompressedStore | undefined;
  /** Compressed block -> the redo point at which its image was last logged (the torn-block guard). */
  readonly #imagedAt = new Map<number, number>();
  /** BLOCK_IMAGE records being reassembled by redo. */
  readonly #imageParts = new Map<number, { stream: Uint8Array; got: number }>();

  private constructor(kernels: Kernels, pool: BufferPool, file: VfsFile, space: SpaceMap, options: HeapOptions) {
    this.#kernels = kernels;
    this.#pool = pool;
    this.#file = file;
    this.#space = space;
    this.#options = options;
    this.#u8 = new Uint8Array(kernels.buffer);
    this.#view = new DataView(kernels.buffer);
    this.#fileId = pool.registerFile(file);
  }

  /** Create the heap file of a new database: the file header block, synced. */
  static create(vfs: Vfs, dir: string, kernels: Kernels, pool: BufferPool, options: HeapOptions): Heap {
    const file = vfs.open(`${dir}/${HEAP_FILE_NAME}`, { create: true, exclusive: true });
    const heap = new Heap(kernels, pool, file, new SpaceMap(), options);
    const frame = pool.pinNew(heap.#fileId, 0);
    const base = pool.frameOffset(frame);
    kernels.blockInit(base, SYSTEM_SEGMENT, 0);
    const header = kernels.scratchOffset;
    heap.#writeFileHeader(header);
    const slot = kernels.pageInsert(base, header, FILE_HEADER_TUPLE_SIZE);
    assert(slot === 0, 'the file header is slot 0');
    pool.flushFrame(frame);
    pool.unpin(frame);
    file.sync();
    vfs.syncDir(dir);
    return heap;
  }

  /** Open the heap file of an existing database and check its header. */
  static open(vfs: Vfs, dir: string, kernels: Kernels, pool: BufferPool, space: SpaceMap, options: HeapOptions): Heap {
    const file = vfs.open(`${dir}/${HEAP_FILE_NAME}`);
    const heap = new Heap(kernels, pool, file, space, options);
    const frame = pool.pin(heap.#fileId, 0);
    try {
      heap.#checkFileHeader(pool.frameOffset(frame));
    } finally {
      pool.unpin(frame);
    }
    return heap;
  }

  get path(): string {
    return this.#file.path;
  }

  get space(): SpaceMap {
    return this.#space;
  }

  get kernels(): Kernels {
    return this.#kernels;
  }

  /** Attach the WAL writer (after recovery has replayed the log). */
  attachWal(wal: HeapWal): void {
    this.#wal = wal;
    // Where the WAL's buffer sits in the kernels' memory, if it does (the engine's: fixed, never replaced), else -1.
    // Found once: a typed array's .buffer is a call into the runtime (a C++ builtin) that V8 does not inline.
    const bytes = wal.reserve !== undefined ? wal.bytes : undefined;
    this.#walInKernels = bytes !== undefined && bytes.buffer === this.#u8.buffer ? bytes.byteOffset : -1;
  }

  /** The pool's write-back hook: the WAL must be durable past every page LSN before the page is written. */
  beforeWriteBack(frameOffset: number, fileId = this.#fileId): void {
    // A compressed block's sub-block frame goes back into its logical block in memory; the store applies the rule when it writes the block.
    if (fileId !== this.#fileId) return;
    let maxLsn = 0;
    for (let page = 0; page < PAGES_PER_BLOCK; page++) {
      const lsn = this.#pageLsn(frameOffset + page * PAGE_SIZE);
      if (lsn > maxLsn) maxLsn = lsn;
    }
    if (this.#wal !== undefined && maxLsn >= this.#wal.durableLsn) this.#wal.sync();
  }

  // ---- writes ---------------------------------------------------------------

  /** Allocate a segment for a new owner's first block (logged). */
  #allocateSegment(owner: number): number {
    const segment = this.#space.nextSegment();
    const p = this.#recordView;
    p.setUint32(0, segment, true);
    p.setUint32(4, owner, true);
    const lsn = this.#log(RecordType.segmentAlloc, 8);
    this.#space.assign(segment, owner, lsn);
    this.stats.segmentsAllocated++;
    return segment;
  }

  /** Format a block for an owner (logged as BLOCK_INIT). Returns the frame, pinned. */
  #formatBlock(owner: number, blockNo: number): number {
    this.#unCompress(blockNo);
    // An unzeroed frame: blockInit writes every byte of it, here, before the record (a log that fails leaves the
    // frame a formatted empty block, as a zeroed one was, not another block's bytes).
    const frame = this.#pool.pinForFormat(this.#fileId, blockNo, false);
    this.#kernels.blockInit(this.#pool.frameOffset(frame), owner, blockNo);
    const p = this.#recordView;
    p.setUint32(0, owner, true);
    p.setUint32(4, blockNo, true);
    const lsn = this.#log(RecordType.blockInit, 8);
    this.#stampBlockInit(frame, blockNo, lsn);
    this.stats.blocksFormatted++;
    return frame;
  }

  /** BLOCK_INIT's change once blockInit has formatted the frame: every page stamped with its LSN, the block dirty, the space map told. */
  #stampBlockInit(frame: number, blockNo: number, lsn: number): void {
    const base = this.#pool.frameOffset(frame);
    for (let page = 0; page < PAGES_PER_BLOCK; page++) this.#setPageLsn(base + page * PAGE_SIZE, lsn);
    this.#pool.markBlockDirty(frame);
    this.#space.setFreeBytes(blockNo, this.#largestFree(base), lsn);
  }

  /**
   * Insert an encoded tuple for `owner` and return its tuple id. The bytes
   * are copied; the WAL record carries them and the tuple id. With `entry`
   * (a primary key's leaf insert staged by BTree.stageInsert), a tuple going
   * into an uncompressed block is logged together with that entry in one
   * TUPLE_INSERT_ENTRY record; otherwise `entry` is left as it was, for the
   * caller to release and insert on its own. With `replaces` (an UPDATE):
   * the replaced version's xmax and `entry` (then a value overwrite) go into
   * the new version's TUPLE_UPDATE record (#updateAt), or, if `replaces.done`
   * stays false, are left to the caller.
   */
  insert(owner: number, tuple: Uint8Array, codec: BlockCodec = 0, entry: LoggedEntry | null = null, replaces: Replaces | null = null): number {
    const len = tuple.length;
    if (len > MAX_TUPLE_SIZE) {
      throw new FlintError(SqlState.programLimitExceeded, `row is too big: ${len} bytes, the maximum is ${MAX_TUPLE_SIZE}`);
    }
    const memtable = owner === this.#lastOwner ? this.#lastMemtable! : this.#memtable(owner);
    // Each failed attempt marks the block full in the space map, so this ends.
    for (let attempt = 0; attempt < 16; attempt++) {
      let blockNo = memtable.activeBlock;
      const compressed = blockNo >= 0 && this.#isCompressed(blockNo);
      if (compressed) {
        const tid = this.#insertCompressed(owner, blockNo, tuple);
        if (tid < 0) {
          this.#space.setFreeBytes(blockNo, 0, 0);
          memtable.activeBlock = -1;
          continue;
        }
        return this.#inserted(memtable, blockNo, len, tid);
      }
      let frame: number;
      if (blockNo >= 0) {
        // The active block's frame as pinned last time, if the pool still has it there (no page table lookup).
        frame = memtable.activeFrame;
        if (!this.#pool.pinIfCached(frame, this.#fileId, blockNo)) frame = memtable.activeFrame = this.#pool.pin(this.#fileId, blockNo);
      } else {
        [blockNo, frame] = this.#chooseBlock(owner, len);
        memtable.activeBlock = blockNo;
        memtable.activeFrame = frame;
        if (frame < 0) continue; // a compressed block with room: taken on the next round
      }
      const base = this.#pool.frameOffset(frame);
      const page = this.#findPage(base, len);
      if (page < 0) {
        // Phase 2: a full block of a compressed table is compressed and goes on taking tuples.
        if (codec !== 0 && this.#compressFull(owner, blockNo, frame, codec)) continue;
        this.#space.setFreeBytes(blockNo, this.#largestFree(base), 0);
        memtable.activeBlock = -1;
        this.#pool.unpin(frame);
        continue;
      }
      let tid: number;
      try {
        // The block is plain here (not compressed): #insertAt need not look it up again.
        tid = replaces === null ? this.#insertAt(frame, base, blockNo, page, tuple, entry, false) : this.#updateAt(frame, base, blockNo, page, tuple, replaces, entry);
      } finally {
        this.#pool.unpin(frame);
      }
      return this.#inserted(memtable, blockNo, len, tid);
    }
    throw new FlintError(SqlState.internalError, `could not find room for a ${len}-byte tuple of owner ${owner}`);
  }

  #inserted(memtable: Memtable, blockNo: number, len: number, tid: number): number {
    this.stats.tuplesInserted++;
    if (blockNo !== memtable.lastAdded) {
      memtable.blocks.add(blockNo);
      memtable.lastAdded = blockNo;
    }
    memtable.bytes += len;
    if (memtable.bytes >= this.#options.memtableBytes) this.#freeze(memtable);
    return tid;
  }

  /**
   * Insert into logical page `page` of a pinned frame (a plain block, or a
   * compressed block's sub-block) that has room. With `entry` and room for
   * it in the record: TUPLE_INSERT_ENTRY, the entry written once the tuple
   * id is known and stamped with the same LSN.
   */
  #insertAt(frame: number, base: number, blockNo: number, page: number, tuple: Uint8Array, entry: LoggedEntry | null = null, compressed = this.#isCompressed(blockNo)): number {
    const len = tuple.length;
    const pageOffset = base + (page & 15) * PAGE_SIZE;
    const withEntry = entry !== null && !compressed && 9 + len + entry.bytes <= this.#record.length;
    // Both torn-page guards (each may log its page's image) before either page changes.
    this.#beforeChange(frame, blockNo, page, compressed);
    if (withEntry) entry.guard();
    const wal = this.#wal;
    if (wal !== undefined && wal.reserve !== undefined) return this.#insertLogged(wal as ReservingWal, frame, base, blockNo, page, tuple, withEntry ? entry : null);
    const src = this.#kernels.scratchOffset;
    this.#u8.set(tuple, src);
    const inserted = this.#kernels.blockInsert(base, page & 15, src, len);
    assert(inserted >= 0, 'blockFindPage promised room');
    const slot = inserted & 0xffff;
    const tid = makeTid(blockNo, page, slot);
    const p = this.#recordView;
    let lsn: number;
    if (withEntry) {
      writeLongTupleHead(p, 0, len, blockNo, page, slot);
      this.#record.set(tuple, 9);
      const n = entry.write(tid, this.#record, p, 9 + len);
      try {
        lsn = this.#log(RecordType.tupleInsertEntry, 9 + len + n);
      } catch (error) {
        entry.undo();
        throw error;
      }
      entry.logged(lsn);
    } else {
      p.setUint32(0, blockNo, true);
      p.setUint8(4, page);
      p.setUint16(5, slot, true);
      this.#record.set(tuple, 7);
      lsn = this.#log(RecordType.tupleInsert, 7 + len);
    }
    this.#afterInsert(frame, base, blockNo, page, lsn, inserted >>> 16);
    return tid;
  }

  /**
   * #insertAt's page change and record, the record built in the WAL's buffer
   * (reserve, then commit): the tuple is copied once, into the record, and
   * the page takes it from there when that buffer is in the kernels' memory
   * (the engine's is), else from the scratch area. The reservation comes
   * before the page changes: its I/O (a full buffer's write, a file switch)
   * may fail with nothing changed.
   */
  #insertLogged(wal: ReservingWal, frame: number, base: number, blockNo: number, page: number, tuple: Uint8Array, entry: LoggedEntry | null): number {
    const len = tuple.length;
    const head = entry === null ? 7 : 9;
    const at = wal.reserve(head + len + (entry === null ? 0 : entry.bytes));
    const record = wal.bytes;
    const view = wal.view;
    const tupleAt = at + head;
    const inserted = this.#placeTuple(record, tupleAt, tuple, base, page, true);
    const slot = inserted & 0xffff;
    const tid = makeTid(blockNo, page, slot);
    let lsn: number;
    if (entry !== null) {
      writeLongTupleHead(view, at, len, blockNo, page, slot);
      const n = entry.write(tid, record, view, tupleAt + len);
      try {
        lsn = wal.commit(RecordType.tupleInsertEntry, head + len + n);
      } catch (error) {
        entry.undo();
        throw error;
      }
      entry.logged(lsn);
    } else {
      view.setUint32(at, blockNo, true);
      view.setUint8(at + 4, page);
      view.setUint16(at + 5, slot, true);
      lsn = wal.commit(RecordType.tupleInsert, head + len);
    }
    this.#afterInsert(frame, base, blockNo, page, lsn, inserted >>> 16);
    return tid;
  }

  /**
   * Copy `tuple` into `record` at `tupleAt` and insert it into logical page
   * `page` of the block at `base`; returns blockInsert's result (slot in the
   * low 16 bits). The page takes the bytes from the record when `inWal` says
   * the record is the WAL's reserved buffer and that buffer lies in the
   * kernels' memory (the engine's does): one copy of the tuple, not two.
   * Else from the scratch area.
   */
  #placeTuple(record: Uint8Array, tupleAt: number, tuple: Uint8Array, base: number, page: number, inWal: boolean): number {
    record.set(tuple, tupleAt);
    let src: number;
    if (inWal && this.#walInKernels >= 0) {
      src = this.#walInKernels + tupleAt;
    } else {
      src = this.#kernels.scratchOffset;
      this.#u8.set(tuple, src);
    }
    const inserted = this.#kernels.blockInsert(base, page & 15, src, tuple.length);
    assert(inserted >= 0, 'blockFindPage promised room');
    return inserted;
  }

  /**
   * Heap.insert with `replaces` into logical page `page` of a pinned plain
   * block: the new version, the replaced version's xmax and flags and the
   * staged `entry` (the primary key's value) in ONE TUPLE_UPDATE record,
   * every page stamped with its LSN. A replaced version in a compressed
   * block, or a record too long for the heap's buffer, takes #insertAt's
   * way (`replaces.done` stays false, the entry untouched).
   */
  #updateAt(frame: number, base: number, blockNo: number, page: number, tuple: Uint8Array, replaces: Replaces, entry: LoggedEntry | null): number {
    const len = tuple.length;
    const oldTid = replaces.tid;
    const oldBlock = tidBlock(oldTid);
    const oldPage = tidPage(oldTid);
    const oldSlot = tidSlot(oldTid);
    const extra = entry === null ? 0 : entry.bytes;
    const wal = this.#wal;
    const reserving = wal !== undefined && wal.reserve !== undefined;
    if (oldPage >= PAGES_PER_BLOCK || this.#isCompressed(oldBlock) || (!reserving && 9 + len + 17 + extra > this.#record.length)) {
      return this.#insertAt(frame, base, blockNo, page, tuple, null, false);
    }
    // The replaced version's block: the new version's frame when they share it.
    const same = oldBlock === blockNo;
    const oldFrame = same ? frame : this.#pool.pin(this.#fileId, oldBlock);
    try {
      const oldBase = same ? base : this.#pool.frameOffset(oldFrame);
      // A missing version fails here, before anything changed.
      this.#tupleOffset(oldBase, oldPage, oldSlot, oldTid);
      // Every torn-page guard (each may log its page's image) before any page changes.
      this.#beforeChange(frame, blockNo, page, false);
      this.#beforeChange(oldFrame, oldBlock, oldPage, false);
      entry?.guard();
      const head = 9;
      let at: number;
      let record: Uint8Array;
      let view: DataView;
      if (reserving) {
        at = (wal as ReservingWal).reserve(head + len + 17 + extra);
        record = (wal as ReservingWal).bytes;
        view = (wal as ReservingWal).view;
      } else {
        at = 0;
        record = this.#record;
        view = this.#recordView;
      }
      const tupleAt = at + head;
      const inserted = this.#placeTuple(record, tupleAt, tuple, base, page, reserving);
      const slot = inserted & 0xffff;
      const tid = makeTid(blockNo, page, slot);
      writeLongTupleHead(view, at, len, blockNo, page, slot);
      // The replaced version, found again: the insert may have compacted its page.
      const old = this.#tupleOffset(oldBase, oldPage, oldSlot, oldTid);
      setTupleXmax(this.#view, old, replaces.xmax);
      setTupleFlags(this.#view, old, replaces.flags);
      const x = tupleAt + len;
      view.setUint32(x, oldBlock, true);
      view.setUint8(x + 4, oldPage);
      view.setUint16(x + 5, oldSlot, true);
      setU48(view, x + 7, replaces.xmax);
      view.setUint16(x + 15, replaces.flags, true);
      const n = entry === null ? 0 : entry.write(tid, record, view, x + 17);
      let lsn: number;
      try {
        lsn = reserving ? (wal as ReservingWal).commit(RecordType.tupleUpdate, head + len + 17 + n) : this.#log(RecordType.tupleUpdate, head + len + 17 + n);
      } catch (error) {
        entry?.undo();
        throw error;
      }
      entry?.logged(lsn);
      replaces.done = true;
      this.#afterInsert(frame, base, blockNo, page, lsn, inserted >>> 16);
      this.#afterChange(oldFrame, oldBase, oldBlock, oldPage, lsn);
      return tid;
    } finally {
      if (!same) this.#pool.unpin(oldFrame);
    }
  }

  // ---- compressed blocks (compressed.ts) -------------------------------------------

  #cs(): CompressedStore {
    if (this.#store === undefined) {
      this.#store = new CompressedStore(this.#pool, this.#file, this.#kernels.kind, {
        walDurable: (lsn) => {
          if (this.#wal !== undefined && lsn >= this.#wal.durableLsn) this.#wal.sync();
        },
        allocateContinuation: (home, owner) => this.#allocateContinuation(home, owner),
      });
      this.#store.setFrameKernels(this.#kernels);
    }
    return this.#store;
  }

  /** Counters of the compressed-block store (undefined until a compressed block was used). */
  get compressionStats(): CompressedStore['stats'] | undefined {
    return this.#store?.stats;
  }

  #isCompressed(blockNo: number): boolean {
    const kind = this.#space.kind(blockNo);
    return kind !== BLOCK_KIND_PLAIN && kind !== BLOCK_KIND_CONTINUATION;
  }

  /**
   * A full uncompressed block of a compressed table: compress its content;
   * if it is worth it, log its image (BLOCK_IMAGE), drop the plain frame and
   * make it a compressed block of one sub-block. Returns false (the frame
   * still pinned) when the block stays as it is.
   */
  #compressFull(owner: number, blockNo: number, frame: number, codec: BlockCodec): boolean {
    if (this.#pool.pinCount(frame) !== 1 || this.#wal === undefined) return false;
    const cs = this.#cs();
    const logical = this.#pool.frameView(frame).slice();
    const cb = cs.install(blockNo, owner, codec, logical);
    const image = cs.image(cb);
    if (image.length > WORTH_COMPRESSING) {
      cs.discard(blockNo);
      this.stats.blocksIncompressible++;
      return false;
    }
    this.#space.setKind(blockNo, codec);
    this.#logImage(cb, image);
    this.#pool.unpin(frame);
    this.#pool.discardBlock(this.#fileId, blockNo);
    this.stats.blocksCompressed++;
    return true;
  }

  /** Insert into a compressed block while its compressed size stays under FILL_LIMIT; -1 when it is full. */
  #insertCompressed(owner: number, blockNo: number, tuple: Uint8Array): number {
    const cs = this.#cs();
    const len = tuple.length;
    let cb = cs.get(blockNo);
    let need = cs.estimate(cb, len + SLOT_SIZE);
    if (cb.measured + cb.pending + need > FILL_LIMIT) {
      cs.measure(cb);
      need = cs.estimate(cb, len + SLOT_SIZE);
      if (cb.measured + need > FILL_LIMIT) return -1;
    }
    for (let sub = cb.subs - 1; sub >= 0; sub--) {
      const frame = cs.pinSub(blockNo, sub);
      try {
        const base = this.#pool.frameOffset(frame);
        const page = this.#findPage(base, len);
        if (page >= 0) {
          const tid = this.#insertAt(frame, base, blockNo, sub * PAGES_PER_BLOCK + page, tuple);
          cs.get(blockNo).pending += need;
          return tid;
        }
      } finally {
        this.#pool.unpin(frame);
      }
    }
    cb = cs.get(blockNo);
    if (cb.subs >= SUBS_MAX) return -1;
    this.#guardCompressed(blockNo);
    cb = cs.get(blockNo);
    const sub = cb.subs;
    const p = this.#recordView;
    p.setUint32(0, blockNo, true);
    p.setUint8(4, sub);
    const lsn = this.#log(RecordType.blockExtend, 5);
    const frame = cs.newSub(cb);
    try {
      this.#formatSub(frame, owner, blockNo, lsn);
      this.stats.subBlocksAdded++;
      const base = this.#pool.frameOffset(frame);
      const page = this.#findPage(base, len);
      assert(page >= 0, 'a new sub-block has room for a tuple');
      const tid = this.#insertAt(frame, base, blockNo, sub * PAGES_PER_BLOCK + page, tuple);
      cs.get(blockNo).pending += need;
      return tid;
    } finally {
      this.#pool.unpin(frame);
    }
  }

  #formatSub(frame: number, owner: number, blockNo: number, lsn: number): void {
    const base = this.#pool.frameOffset(frame);
    this.#kernels.blockInit(base, owner, blockNo);
    for (let page = 0; page < PAGES_PER_BLOCK; page++) this.#setPageLsn(base + page * PAGE_SIZE, lsn);
    this.#pool.markBlockDirty(frame);
  }

  /** The torn-block guard: before the first change to a compressed block after a checkpoint, log its image. */
  #guardCompressed(blockNo: number): void {
    if (this.#recovering || this.#imagedAt.get(blockNo) === this.redoLsn) return;
    const cs = this.#cs();
    const cb = cs.get(blockNo);
    this.#logImage(cb, cs.image(cb));
  }

  /** Log a compressed block's image as BLOCK_IMAGE records (several when it exceeds one record). */
  #logImage(cb: CBlock, stream: Uint8Array): void {
    const max = this.maxRecordBytes - 18;
    let offset = 0;
    do {
      const n = Math.min(max, stream.length - offset);
      const payload = new Uint8Array(18 + n);
      const p = new DataView(payload.buffer);
      p.setUint32(0, cb.blockNo, true);
      p.setUint32(4, cb.owner, true);
      p.setUint8(8, cb.codec);
      p.setUint8(9, cb.subs);
      p.setUint32(10, stream.length, true);
      p.setUint32(14, offset, true);
      payload.set(stream.subarray(offset, offset + n), 18);
      this.logRecord(RecordType.blockImage, payload);
      offset += n;
    } while (offset < stream.length);
    this.#imagedAt.set(cb.blockNo, this.redoLsn);
    this.stats.blockImagesLogged++;
  }

  /** A continuation block for a compressed block's stream: logged (BLOCK_CONT) and durable before the home block names it. */
  #allocateContinuation(home: number, owner: number): number {
    if (this.#wal === undefined) {
      // A follower logs nothing, and a segment it took on its own could be the one the primary's next SEGMENT_ALLOC names.
      throw new FlintError(SqlState.featureNotSupported, `compressed block ${home} outgrew its 64 KiB on a follower, which cannot allocate continuation blocks`);
    }
    let blockNo = this.#space.unformattedBlock(owner);
    if (blockNo < 0) {
      const segment = this.#space.nextSegment();
      const payload = new Uint8Array(8);
      const p = new DataView(payload.buffer);
      p.setUint32(0, segment, true);
      p.setUint32(4, owner, true);
      const lsn = this.logRecord(RecordType.segmentAlloc, payload);
      this.#space.assign(segment, owner, lsn);
      this.stats.segmentsAllocated++;
      blockNo = segment * BLOCKS_PER_SEGMENT;
    }
    const payload = new Uint8Array(8);
    const p = new DataView(payload.buffer);
    p.setUint32(0, home, true);
    p.setUint32(4, blockNo, true);
    const lsn = this.logRecord(RecordType.blockCont, payload);
    this.#space.setKind(blockNo, BLOCK_KIND_CONTINUATION);
    this.#space.setFreeBytes(blockNo, 0, lsn);
    this.#wal!.sync();
    return blockNo;
  }

  /** Pin the frame that holds logical page `page` of a block: the block's own frame, or a compressed block's sub-block. */
  #pinFor(blockNo: number, page: number, tid: number): number {
    if (this.#isCompressed(blockNo)) {
      const cs = this.#cs();
      if ((page >> 4) >= cs.subsOf(blockNo)) throw this.#missing(tid);
      return cs.pinSub(blockNo, page >> 4);
    }
    if (page >= PAGES_PER_BLOCK) throw this.#missing(tid);
    return this.#pool.pin(this.#fileId, blockNo);
  }

  #missing(tid: number): FlintError {
    return new FlintError(SqlState.dataCorrupted, `tuple ${formatTid(tid)} is missing from ${this.#file.path}`, {
      file: this.#file.path,
      offset: tidBlock(tid) * BLOCK_SIZE,
    });
  }

  /**
   * A page of the block with room for `len` bytes, or -1. The block header's
   * per-page free figures are only a hint: they live in page 0, which is not
   * marked dirty (nor WAL-protected) when another page changes, so after the
   * block is evicted and read back they can be stale. (Trusting them failed
   * the "blockFindPage promised room" assertion after eviction.) So the
   * kernel (blockFindRoom) checks the page itself and corrects a stale
   * figure; each correction excludes that page, so it ends within
   * PAGES_PER_BLOCK rounds. One kernel call (it was up to three a round).
   */
  #findPage(base: number, len: number): number {
    return this.#kernels.blockFindRoom(base, len);
  }

  /** Pick the next block to fill: reuse older space unless flushes are backed up, else format a new one. The frame is -1 (nothing pinned) for a compressed block. */
  #chooseBlock(owner: number, len: number): [blockNo: number, frame: number] {
    if (this.#flushQueue.length === 0) {
      const reuse = this.#space.reusableBlock(owner, len + SLOT_SIZE, -1);
      if (reuse >= 0) {
        this.stats.blocksReused++;
        return [reuse, this.#isCompressed(reuse) ? -1 : this.#pool.pin(this.#fileId, reuse)];
      }
    }
    let blockNo = this.#space.unformattedBlock(owner);
    if (blockNo < 0) blockNo = this.#allocateSegment(owner) * BLOCKS_PER_SEGMENT;
    return [blockNo, this.#formatBlock(owner, blockNo)];
  }

  /** Set a tuple's xmax and flags (an UPDATE or DELETE of that version). */
  setXmax(tid: number, xmax: number, flags: number): void {
    const blockNo = tidBlock(tid);
    const page = tidPage(tid);
    const slot = tidSlot(tid);
    const frame = this.#pinFor(blockNo, page, tid);
    try {
      const base = this.#pool.frameOffset(frame);
      const at = this.#tupleOffset(base, page, slot, tid);
      this.#beforeChange(frame, blockNo, page);
      setTupleXmax(this.#view, at, xmax);
      setTupleFlags(this.#view, at, flags);
      const p = this.#recordView;
      p.setUint32(0, blockNo, true);
      p.setUint8(4, page);
      p.setUint16(5, slot, true);
      setU48(p, 7, xmax);
      p.setUint16(15, flags, true);
      const lsn = this.#log(RecordType.tupleXmax, 17);
      this.#afterChange(frame, base, blockNo, page, lsn);
      this.#grew(blockNo, 24);
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /** Free a dead tuple's slot (vacuum). Its bytes become reusable. */
  reclaim(tid: number): void {
    const blockNo = tidBlock(tid);
    const page = tidPage(tid);
    const slot = tidSlot(tid);
    const frame = this.#pinFor(blockNo, page, tid);
    try {
      const base = this.#pool.frameOffset(frame);
      this.#beforeChange(frame, blockNo, page);
      const freed = this.#kernels.pageDelete(base + (page & 15) * PAGE_SIZE, slot);
      assert(freed === 1, `tuple ${formatTid(tid)} is live when reclaimed`);
      const p = this.#recordView;
      p.setUint32(0, blockNo, true);
      p.setUint8(4, page);
      p.setUint16(5, slot, true);
      const lsn = this.#log(RecordType.tupleReclaim, 7);
      this.#afterChange(frame, base, blockNo, page, lsn);
      this.#grew(blockNo, 16);
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /** Give back every segment of an owner (DROP or TRUNCATE). Logged. */
  releaseOwner(owner: number): void {
    this.#recordView.setUint32(0, owner, true);
    this.#log(RecordType.ownerRelease, 4);
    this.#applyOwnerRelease(owner);
  }

  #applyOwnerRelease(owner: number): void {
    this.#memtables.delete(owner);
    if (owner === this.#lastOwner) {
      this.#lastOwner = -1;
      this.#lastMemtable = undefined;
    }
    if (this.#store !== undefined) {
      for (const segment of this.#space.segmentsOf(owner)) {
        for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
          if (this.#isCompressed(segment * BLOCKS_PER_SEGMENT + b)) this.#store.discard(segment * BLOCKS_PER_SEGMENT + b);
        }
      }
    }
    this.#space.releaseOwner(owner);
  }

  // ---- reads ----------------------------------------------------------------

  /**
   * Whether `tid` lies in a formatted block of one of `owner`'s segments: a
   * tuple id kept outside the heap (a secondary entry's location hint) is
   * checked with it before it is read, since its segment may have been
   * released and taken by another owner since.
   */
  holds(owner: number, tid: number): boolean {
    if (!(Number.isSafeInteger(tid) && tid > 0)) return false;
    return this.#space.holdsBlock(owner, tidBlock(tid));
  }

  /**
   * Touch the page header, slot and first tuple bytes of tids[from, to)
   * whose blocks are cached, in two tight loops, so that their cache misses
   * overlap instead of stalling one visit() after another (a
   * secondary-index lookup reads ~20 rows on as many pages). Changes
   * nothing, pins nothing and trusts nothing (a compressed or corrupt block
   * only makes it touch other bytes of its frame): visit() reads and checks.
   * Returns a value of the bytes read only so that the reads are kept.
   */
  prefetch(tids: readonly number[], from: number, to: number, frames?: number[]): number {
    const u8 = this.#u8;
    const pages = this.#prefetchPages;
    const slots = this.#prefetchSlots;
    // First where each tuple's page is (the page table's lookups, which touch no page), then the touches
    // in loops of a few instructions each: the processor keeps all the misses of a loop in flight at once
    // only if the loop's iterations fit its reorder window together.
    for (let i = from; i < to; i++) {
      const tid = tids[i]!;
      let at = -1;
      let frame = -1;
      if (tid > 0) {
        frame = this.#pool.cachedFrame(this.#fileId, tidBlock(tid));
        if (frame >= 0) at = this.#pool.frameOffset(frame) + (tidPage(tid) & 15) * PAGE_SIZE;
      }
      pages[i - from] = at;
      slots[i - from] = at + ((PAGE_HEADER_SIZE + tidSlot(tid) * SLOT_SIZE) & (PAGE_SIZE - 1));
      if (frames !== undefined) frames[i] = frame;
    }
    const n = to - from;
    let acc = 0;
    // The page header and the slot (the directory follows the header on a heap page).
    for (let i = 0; i < n; i++) {
      const at = pages[i]!;
      if (at >= 0) acc += u8[at]! + u8[slots[i]!]!;
    }
    // The tuple's first, second and last cache lines (a row of ~100 bytes often spans three), where the slot
    // touched above says: nothing else in the loop, so that many iterations' misses are in flight at once.
    const view = this.#view;
    for (let i = 0; i < n; i++) {
      const at = pages[i]!;
      if (at < 0) continue;
      const slot = slots[i]!;
      const start = view.getUint16(slot, true) & (PAGE_SIZE - 1);
      const last = (start + view.getUint16(slot + 2, true) - 1) & (PAGE_SIZE - 1);
      acc += u8[at + start]! + u8[at + (start + PREFETCH_LINE < last ? start + PREFETCH_LINE : last)]! + u8[at + last]!;
    }
    return acc;
  }

  readonly #prefetchPages: number[] = [];
  /** Each prefetched tuple's slot address (the directory follows the header on a heap page). */
  readonly #prefetchSlots: number[] = [];

  /**
   * holds(owner, tid), then visit(tid, visitor), with one space-map lookup
   * instead of three (a secondary-index lookup does this for every row it
   * reads). `frameHint`: the frame prefetch() found caching the tid's block,
   * or -1; taken only if the frame still caches it (BufferPool.pinIfCached),
   * which saves the page table's lookup.
   */
  visitOwned<T>(owner: number, tid: number, visitor: (u8: Uint8Array, view: DataView, offset: number, length: number) => T, frameHint = -1): T | undefined {
    if (!(Number.isSafeInteger(tid) && tid > 0)) return undefined;
    const blockNo = tidBlock(tid);
    const kind = this.#space.ownedKind(owner, blockNo);
    if (kind < 0) return undefined;
    const page = tidPage(tid);
    let frame: number;
    if (kind !== BLOCK_KIND_PLAIN) {
      const cs = this.#cs();
      if ((page >> 4) >= cs.subsOf(blockNo)) return undefined;
      frame = cs.pinSub(blockNo, page >> 4);
    } else {
      if (page >= PAGES_PER_BLOCK) return undefined;
      frame = frameHint >= 0 && this.#pool.pinIfCached(frameHint, this.#fileId, blockNo) ? frameHint : this.#pool.pin(this.#fileId, blockNo);
    }
    return this.#visitPinned(frame, page, tid, visitor);
  }

  /** visit()'s read of the tuple `tid` (page `page` of its block) from the frame pinned for it; unpins the frame. */
  #visitPinned<T>(frame: number, page: number, tid: number, visitor: (u8: Uint8Array, view: DataView, offset: number, length: number) => T): T | undefined {
    try {
      const pageOffset = this.#pool.frameOffset(frame) + (page & 15) * PAGE_SIZE;
      const packed = this.#kernels.pageRead(pageOffset, tidSlot(tid));
      if (packed < 0) return undefined;
      return visitor(this.#u8, this.#view, pageOffset + (packed >>> 16), packed & 0xffff);
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /**
   * Visit one tuple in place. Returns what the visitor returns, or undefined
   * if the slot holds no tuple. The bytes are valid only during the call.
   */
  visit<T>(tid: number, visitor: (u8: Uint8Array, view: DataView, offset: number, length: number) => T): T | undefined {
    const blockNo = tidBlock(tid);
    const page = tidPage(tid);
    if (this.#isCompressed(blockNo) ? (page >> 4) >= this.#cs().subsOf(blockNo) : page >= PAGES_PER_BLOCK) return undefined;
    return this.#visitPinned(this.#pinFor(blockNo, page, tid), page, tid, visitor);
  }

  /**
   * Visit every tuple of an owner in place, block by block. Stops when the
   * visitor returns false. Tuples inserted during the scan may or may not be
   * visited; callers that write while scanning collect tuple ids first.
   */
  scan(owner: number, visitor: TupleVisitor, match?: ColumnMatch): void {
    // The pageMatchColumn kernel takes the page's tuples when its arguments fit its scratch area.
    const filter = match !== undefined && match.desc.length <= MATCH_DESC_MAX && match.needle.length <= MATCH_NEEDLE_MAX ? match : undefined;
    for (const segment of [...this.#space.segmentsOf(owner)]) {
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
        const blockNo = segment * BLOCKS_PER_SEGMENT + b;
        if (this.#space.freeBytes(blockNo) === UNFORMATTED || this.#space.kind(blockNo) === BLOCK_KIND_CONTINUATION) continue;
        if (this.#scanBlock(blockNo, visitor, filter) === false) return;
      }
    }
  }

  /** Every formatted block of an owner, in file order (for work done a few blocks at a time). */
  blocksOf(owner: number): number[] {
    const blocks: number[] = [];
    for (const segment of this.#space.segmentsOf(owner)) {
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
        const blockNo = segment * BLOCKS_PER_SEGMENT + b;
        if (this.#space.freeBytes(blockNo) !== UNFORMATTED && this.#space.kind(blockNo) !== BLOCK_KIND_CONTINUATION) blocks.push(blockNo);
      }
    }
    return blocks;
  }

  /** Visit every tuple of one block in place (see scan). Returns false if the visitor stopped. */
  scanBlock(blockNo: number, visitor: TupleVisitor): boolean {
    return this.#scanBlock(blockNo, visitor);
  }

  #scanBlock(blockNo: number, visitor: TupleVisitor, match?: ColumnMatch): boolean {
    if (this.#isCompressed(blockNo)) {
      const cs = this.#cs();
      for (let sub = 0; sub < cs.subsOf(blockNo); sub++) {
        if (!this.#scanFrame(cs.pinSub(blockNo, sub), blockNo, sub * PAGES_PER_BLOCK, visitor, match)) return false;
      }
      return true;
    }
    return this.#scanFrame(this.#pool.pin(this.#fileId, blockNo), blockNo, 0, visitor, match);
  }

  /**
   * Visit the tuples of a pinned frame's 16 pages (logical pages firstPage..), then unpin it.
   * The hot loop of every full scan: it reads the slot directory straight from
   * the kernels' memory (a field read costs less than a WASM call), with the
   * checks of pageNextSlot and pageRead: a page that fails pageSane is
   * skipped as they skip it, and a live slot whose tuple lies outside the
   * page is corruption (XX001) rather than a tuple. The slot count is read
   * again after every visit, since a visitor may write to the page.
   */
  #scanFrame(frame: number, blockNo: number, firstPage: number, visitor: TupleVisitor, match?: ColumnMatch): boolean {
    try {
      const base = this.#pool.frameOffset(frame);
      for (let page = 0; page < PAGES_PER_BLOCK; page++) {
        const p = base + page * PAGE_SIZE;
        if (match !== undefined) {
          const matched = this.#matchPage(p, match);
          if (matched === 0) continue;
          if (matched > 0) {
            if (!this.#visitMatched(p, matched, blockNo, firstPage + page, visitor)) return false;
            continue;
          }
          // -1: a corrupt slot or tuple; the loop below walks the page and reports it.
        }
        if (!this.visitPage(p, blockNo, firstPage + page, visitor)) return false;
      }
      return true;
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /**
   * Visit the tuples of one page of a pinned frame (at `p` in the kernels'
   * memory; logical page `page` of block `blockNo`) as scan does: a page that
   * fails pageSane is skipped, a live slot outside the page is XX001.
   * Returns false if the visitor stopped.
   */
  visitPage(p: number, blockNo: number, page: number, visitor: TupleVisitor): boolean {
    const view = this.#view;
    const u8 = this.#u8;
    if (!pageSane(view, p)) return true;
    const tidBase = makeTid(blockNo, page, 0);
    for (let slot = 0; slot < view.getUint16(p + PAGE_OFF_SLOT_COUNT, true); slot++) {
      const packed = this.#liveSlot(p, blockNo, page, slot);
      if (packed !== 0 && visitor(tidBase + slot, u8, view, p + (packed >>> 16), packed & 0xffff) === false) return false;
    }
    return true;
  }

  /**
   * Slot `slot` of the sane page at `p` (logical page `page` of block
   * `blockNo`): 0 if it is free, else its tuple's offset << 16 | length. A
   * live slot whose tuple lies outside the page is corruption (XX001).
   */
  #liveSlot(p: number, blockNo: number, page: number, slot: number): number {
    const view = this.#view;
    const a = p + view.getUint16(p + PAGE_OFF_SLOT_DIR, true) + slot * SLOT_SIZE;
    const off = view.getUint16(a, true);
    if (off === 0) return 0;
    const len = view.getUint16(a + 2, true);
    if (len === 0 || off < view.getUint16(p + PAGE_OFF_FREE_UPPER, true) || off + len > PAGE_SIZE) {
      throw corruption(this.#file.path, blockNo * BLOCK_SIZE + (page & 15) * PAGE_SIZE, `slot ${slot} of page ${page} of block ${blockNo} points outside the page`);
    }
    return (off << 16) | len;
  }

  /**
   * Visit every page of an owner with its frame pinned, in scan's order (so
   * the same tuples in the same sequence as scan). For work a page at a time
   * (extractColumns); visitPage walks one page's tuples.
   */
  scanPages(owner: number, visitor: PageVisitor): void {
    for (const segment of [...this.#space.segmentsOf(owner)]) {
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
        const blockNo = segment * BLOCKS_PER_SEGMENT + b;
        if (this.#space.freeBytes(blockNo) === UNFORMATTED || this.#space.kind(blockNo) === BLOCK_KIND_CONTINUATION) continue;
        if (this.#isCompressed(blockNo)) {
          const cs = this.#cs();
          for (let sub = 0; sub < cs.subsOf(blockNo); sub++) {
            if (!this.#pagesOfFrame(cs.pinSub(blockNo, sub), blockNo, sub * PAGES_PER_BLOCK, visitor)) return;
          }
        } else if (!this.#pagesOfFrame(this.#pool.pin(this.#fileId, blockNo), blockNo, 0, visitor)) {
          return;
        }
      }
    }
  }

  #pagesOfFrame(frame: number, blockNo: number, firstPage: number, visitor: PageVisitor): boolean {
    try {
      const base = this.#pool.frameOffset(frame);
      for (let page = 0; page < PAGES_PER_BLOCK; page++) if (!visitor(base + page * PAGE_SIZE, blockNo, firstPage + page)) return false;
      return true;
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /**
   * pageExtractColumns over the page at `p` (a page scanPages handed over)
   * with descriptor `desc` (columnExtractDescriptor in tuple.ts, at most
   * EXTRACT_COLUMNS_MAX columns). Returns the kernel's result; the tuples'
   * slots, offsets, flags and values are then at extractOut in the kernels'
   * memory until the next kernel call.
   */
  extractColumns(p: number, desc: Uint8Array): number {
    const scratch = this.#kernels.scratchOffset;
    this.#u8.set(desc, scratch + MATCH_DESC_AT);
    return this.#kernels.pageExtractColumns(p, scratch + MATCH_DESC_AT, scratch + EXTRACT_OUT_AT);
  }

  /**
   * The tuplesExtract kernel over tids[from, to) (at most TUPLES_STRIDE) with
   * descriptor `desc` (columnExtractDescriptor, at most EXTRACT_COLUMNS_MAX
   * columns), its result copied into `into` (tuplesOutBytes(k) bytes; the
   * kernels' scratch area is the next call's). A tid is listed only if it
   * lies in a plain block of `owner` (as visitOwned checks) that the pool
   * caches: the rest are TUPLES_SKIPPED and read by visitOwned. Nothing is
   * pinned (the call reads the cached frames and returns); each frame listed
   * is marked referenced (BufferPool.reference), as a pin would mark it.
   * Returns how many are TUPLES_OK.
   */
  extractTuples(owner: number, tids: readonly number[], from: number, to: number, desc: Uint8Array, into: Uint8Array): number {
    const scratch = this.#kernels.scratchOffset;
    const view = this.#view;
    const list = scratch + MATCH_OUT_AT;
    const pool = this.#pool;
    // Hints of one block in a row resolve it once (its owner and kind, its frame): -2 for none yet, -1 not listed.
    let lastBlock = -2;
    let lastFrame = -1;
    for (let i = from; i < to; i++) {
      const tid = tids[i]!;
      let at = -1;
      if (Number.isSafeInteger(tid) && tid > 0) {
        const blockNo = tidBlock(tid);
        const page = tidPage(tid);
        if (page < PAGES_PER_BLOCK) {
          if (blockNo !== lastBlock) {
            lastBlock = blockNo;
            lastFrame = this.#space.ownedKind(owner, blockNo) === BLOCK_KIND_PLAIN ? pool.cachedFrame(this.#fileId, blockNo) : -1;
          }
          if (lastFrame >= 0) {
            at = pool.frameOffset(lastFrame) + page * PAGE_SIZE;
            pool.reference(lastFrame);
          }
        }
      }
      view.setInt32(list + 8 * (i - from), at, true);
      view.setInt32(list + 8 * (i - from) + 4, tidSlot(tid), true);
    }
    this.#u8.set(desc, scratch + MATCH_DESC_AT);
    const ok = this.#kernels.tuplesExtract(list, to - from, scratch + MATCH_DESC_AT, scratch + EXTRACT_OUT_AT);
    const k = desc[EXTRACT_OFF_COUNT]! | (desc[EXTRACT_OFF_COUNT + 1]! << 8);
    into.set(this.#tuplesOut(k));
    return ok;
  }

  /** The tuplesExtract result in the kernels' memory for k columns (a view, made once per k: the memory does not move). */
  #tuplesOut(k: number): Uint8Array {
    let view = this.#tuplesOutViews[k];
    if (view === undefined) {
      const at = this.#kernels.scratchOffset + EXTRACT_OUT_AT;
      view = this.#tuplesOutViews[k] = this.#u8.subarray(at, at + tuplesOutBytes(k));
    }
    return view;
  }

  readonly #tuplesOutViews: Uint8Array[] = [];

  /** Where extractColumns leaves its result in the kernels' memory. */
  get extractOut(): number {
    return this.#kernels.scratchOffset + EXTRACT_OUT_AT;
  }

  /** The kernels' memory, as the visitors see it. */
  get memory(): { readonly u8: Uint8Array; readonly view: DataView } {
    return { u8: this.#u8, view: this.#view };
  }

  /**
   * pageMatchColumn over one page: the descriptor and needle go to the
   * scratch area first (a visitor may have used it since the last page), the
   * matched slots are copied out of it before any visitor runs. Returns the
   * kernel's result.
   */
  #matchPage(page: number, match: ColumnMatch): number {
    const u8 = this.#u8;
    const scratch = this.#kernels.scratchOffset;
    u8.set(match.desc, scratch + MATCH_DESC_AT);
    const needle = match.needle;
    const needleAt = scratch + MATCH_NEEDLE_AT;
    for (let i = 0; i < needle.length; i++) u8[needleAt + i] = needle[i]!;
    const out = scratch + MATCH_OUT_AT;
    const n = this.#kernels.pageMatchColumn(page, scratch + MATCH_DESC_AT, needleAt, needle.length, out);
    const slots = this.#matchedSlots;
    for (let i = 0; i < n; i++) slots[i] = u8[out + 2 * i]! | (u8[out + 2 * i + 1]! << 8);
    return n;
  }

  /** Matched slots of the page being scanned (at most a page's slot count). */
  readonly #matchedSlots = new Uint16Array(PAGE_SIZE / SLOT_SIZE);

  /**
   * Visit the slots #matchPage found, reading each slot entry again (a
   * visitor may have written to the page: freed a slot, compacted it). A
   * slot found by the kernel is in the page's directory; one pointing
   * outside the page now is corruption as in #scanFrame.
   */
  #visitMatched(p: number, matched: number, blockNo: number, page: number, visitor: TupleVisitor): boolean {
    const view = this.#view;
    const u8 = this.#u8;
    const tidBase = makeTid(blockNo, page, 0);
    // Copied: a visitor's own filtered scan reuses #matchedSlots.
    const slots = this.#matchedSlots.slice(0, matched);
    for (let i = 0; i < matched; i++) {
      const slot = slots[i]!;
      if (!pageSane(view, p) || slot >= view.getUint16(p + PAGE_OFF_SLOT_COUNT, true)) return true;
      const packed = this.#liveSlot(p, blockNo, page, slot);
      if (packed !== 0 && visitor(tidBase + slot, u8, view, p + (packed >>> 16), packed & 0xffff) === false) return false;
    }
    return true;
  }

  // ---- memtable and flush --------------------------------------------------------

  #memtable(owner: number): Memtable {
    let memtable = this.#memtables.get(owner);
    if (memtable === undefined) {
      memtable = { activeBlock: -1, activeFrame: -1, blocks: new Set(), lastAdded: -1, bytes: 0 };
      this.#memtables.set(owner, memtable);
    }
    this.#lastOwner = owner;
    this.#lastMemtable = memtable;
    return memtable;
  }

  #freeze(memtable: Memtable): void {
    this.#flushQueue.push([...memtable.blocks]);
    memtable.blocks = new Set(memtable.activeBlock >= 0 ? [memtable.activeBlock] : []);
    memtable.lastAdded = memtable.activeBlock;
    memtable.bytes = 0;
    this.stats.memtablesFrozen++;
    if (this.#flushQueue.length > this.#options.maxFrozenMemtables) {
      this.stats.backpressureStalls++;
      this.flushOne();
    }
  }

  /** Frozen memtables waiting for flush. */
  get pendingFlushes(): number {
    return this.#flushQueue.length;
  }

  /** Flush the oldest frozen memtable: write its blocks back. Returns false if none waited. */
  flushOne(): boolean {
    const blocks = this.#flushQueue.shift();
    if (blocks === undefined) return false;
    for (const blockNo of blocks) {
      if (this.#isCompressed(blockNo)) {
        this.#store?.flushBlock(blockNo);
        continue;
      }
      const frame = this.#pool.cachedFrame(this.#fileId, blockNo);
      if (frame >= 0) this.#pool.flushFrame(frame);
    }
    this.stats.memtablesFlushed++;
    return true;
  }

  /** Write back every dirty block of the heap and sync the file (a checkpoint's heap half). */
  flushAll(): void {
    this.#flushQueue.length = 0;
    this.#pool.flushFile(this.#fileId);
    this.#store?.flushAll();
    this.#file.sync();
  }

  // ---- index pages (src/storage/index) ---------------------------------------------

  /**
   * Format a new block for an index owner (SEGMENT_ALLOC when the owner needs
   * a segment, then BLOCK_INIT, both logged) and return its number, unpinned.
   */
  formatIndexBlock(owner: number): number {
    let blockNo = this.#space.unformattedBlock(owner);
    if (blockNo < 0) blockNo = this.#allocateSegment(owner) * BLOCKS_PER_SEGMENT;
    this.#pool.unpin(this.#formatBlock(owner, blockNo));
    return blockNo;
  }

  /** Pin a block of the heap file; returns the frame (see frameOffset). */
  pinBlock(blockNo: number): number {
    return this.#pool.pin(this.#fileId, blockNo);
  }

  unpinBlock(frame: number): void {
    this.#pool.unpin(frame);
  }

  /** Byte offset of a pinned frame in the kernels' memory. */
  frameOffset(frame: number): number {
    return this.#pool.frameOffset(frame);
  }

  /**
   * The torn-page guard for a change that its WAL record does not describe
   * whole (anything but a full after-image): logs the page's image first if
   * this is its first change since the last checkpoint. For a page of an
   * index block (the B-tree's, its only callers), which is never compressed
   * (formatIndexBlock formats it plain; only a table's own blocks are
   * compressed): the space map is not asked (once a row on a load's
   * primary key path).
   */
  guardPage(frame: number, blockNo: number, page: number): void {
    this.#beforeChange(frame, blockNo, page, false);
  }

  /** A page of a pinned frame was changed by the record at lsn: stamp the LSN, mark it dirty. */
  pageChanged(frame: number, page: number, lsn: number): void {
    this.#setPageLsn(this.#pool.frameOffset(frame) + page * PAGE_SIZE, lsn);
    this.#pool.markPageDirty(frame, page);
  }

  /** Append a WAL record (an index record: see record-types.ts); returns its LSN. */
  logRecord(type: number, payload: Uint8Array): number {
    if (this.#wal === undefined) throw new FlintError(SqlState.objectNotInPrerequisiteState, 'the heap has no WAL attached (read-only or recovering)');
    return this.#wal.append(type, payload);
  }

  /** The attached WAL if it builds records in place (reserve/commit), for an index record written straight into its buffer (page-batch.ts); else undefined: logRecord(). */
  get reservingWal(): ReservingWal | undefined {
    const wal = this.#wal;
    return wal !== undefined && wal.reserve !== undefined ? (wal as ReservingWal) : undefined;
  }

  /** Largest payload logRecord() accepts. */
  get maxRecordBytes(): number {
    return this.#wal?.maxPayloadBytes ?? WAL_RECORD_PAYLOAD_MAX;
  }

  /** Records applied by redo() so far (recovery and followers). */
  get redoCount(): number {
    return this.#redoCount;
  }

  /**
   * Redo of an index record on one page: pin its block and return the frame,
   * or -1 (nothing pinned) if the page already has the record (page LSN >= lsn).
   * A full after-image (`image`) also rebuilds a torn page; any other change
   * to a torn page is corruption, as for heap records. Finish with redoPageDone.
   */
  redoPagePin(blockNo: number, page: number, lsn: number, image: boolean): number {
    const frame = this.#pinForRedo(blockNo);
    const pageOffset = this.#pool.frameOffset(frame) + page * PAGE_SIZE;
    if (this.#tornPages.has(blockNo * PAGES_PER_BLOCK + page)) {
      if (image) return frame;
      this.#pool.unpin(frame);
      throw corruption(this.#file.path, blockNo * BLOCK_SIZE + page * PAGE_SIZE, 'torn page with no page image in the WAL');
    }
    if (this.#pageLsn(pageOffset) >= lsn) {
      this.#pool.unpin(frame);
      return -1;
    }
    return frame;
  }

  /** The page pinned by redoPagePin now holds the record: stamp its LSN, mark it dirty (and not torn), unpin. */
  redoPageDone(frame: number, blockNo: number, page: number, lsn: number): void {
    this.#tornPages.delete(blockNo * PAGES_PER_BLOCK + page);
    this.pageChanged(frame, page, lsn);
    this.#pool.unpin(frame);
  }

  // ---- recovery -------------------------------------------------------------------

  beginRecovery(): void {
    this.#recovering = true;
    this.#checkedBlocks.clear();
    this.#tornPages.clear();
  }

  /** Apply one heap or index record during recovery or on a follower. Returns false for other records. */
  redo(type: number, payload: Uint8Array, lsn: number): boolean {
    const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#redoCount++;
    switch (type) {
      case RecordType.segmentAlloc:
        this.#space.assign(p.getUint32(0, true), p.getUint32(4, true), lsn);
        return true;
      case RecordType.ownerRelease:
        this.#applyOwnerRelease(p.getUint32(0, true));
        return true;
      case RecordType.blockInit: {
        const owner = p.getUint32(0, true);
        const blockNo = p.getUint32(4, true);
        this.#unCompress(blockNo);
        // Not zeroed: blockInit writes every byte of the frame.
        const frame = this.#pool.pinForFormat(this.#fileId, blockNo, false);
        this.#checkedBlocks.add(blockNo);
        for (let page = 0; page < PAGES_PER_BLOCK; page++) this.#tornPages.delete(blockNo * PAGES_PER_BLOCK + page);
        this.#kernels.blockInit(this.#pool.frameOffset(frame), owner, blockNo);
        this.#stampBlockInit(frame, blockNo, lsn);
        this.#pool.unpin(frame);
        return true;
      }
      case RecordType.pageImage: {
        const blockNo = p.getUint32(0, true);
        const page = p.getUint8(4);
        const frame = this.#pinForRedo(blockNo);
        const pageOffset = this.#pool.frameOffset(frame) + page * PAGE_SIZE;
        this.#u8.set(payload.subarray(5, 5 + PAGE_SIZE), pageOffset);
        this.#tornPages.delete(blockNo * PAGES_PER_BLOCK + page);
        this.#setPageLsn(pageOffset, lsn);
        this.#pool.markPageDirty(frame, page);
        this.#pool.unpin(frame);
        return true;
      }
      case RecordType.tupleInsert:
      case RecordType.tupleXmax:
      case RecordType.tupleReclaim:
        this.#redoTupleChange(type, payload, p, lsn);
        return true;
      case RecordType.tupleInsertEntry: {
        // A TUPLE_INSERT and an INDEX_INSERT: each goes to its own page, if that page is older.
        const len = payload.length >= 2 ? p.getUint16(0, true) : -1;
        if (len < 0 || payload.length < 9 + len + 8) throw corruption(this.#file.path, 0, `malformed TUPLE_INSERT_ENTRY WAL record at LSN ${lsn}`);
        const tuple = payload.subarray(2, 9 + len);
        this.#redoTupleChange(RecordType.tupleInsert, tuple, new DataView(tuple.buffer, tuple.byteOffset, tuple.byteLength), lsn);
        redoIndexRecord(this, RecordType.indexInsert, payload.subarray(9 + len), lsn);
        return true;
      }
      case RecordType.tupleUpdate: {
        // A TUPLE_INSERT, a TUPLE_XMAX and perhaps an INDEX_VALUE: each goes to its own page, if that page is older.
        const len = payload.length >= 2 ? p.getUint16(0, true) : -1;
        if (len < 0 || payload.length < 9 + len + 17) throw corruption(this.#file.path, 0, `malformed TUPLE_UPDATE WAL record at LSN ${lsn}`);
        const tuple = payload.subarray(2, 9 + len);
        const redone = this.#redoTupleChange(RecordType.tupleInsert, tuple, new DataView(tuple.buffer, tuple.byteOffset, tuple.byteLength), lsn);
        const xmax = payload.subarray(9 + len, 9 + len + 17);
        const xv = new DataView(xmax.buffer, xmax.byteOffset, xmax.byteLength);
        // Both versions on one page: that page took the record whole or not at all (its LSN now says it has it).
        if (xv.getUint32(0, true) !== p.getUint32(2, true) || xv.getUint8(4) !== p.getUint8(6)) this.#redoTupleChange(RecordType.tupleXmax, xmax, xv, lsn);
        else if (redone) this.#redoTupleChange(RecordType.tupleXmax, xmax, xv, lsn, true);
        if (payload.length > 9 + len + 17) redoIndexRecord(this, RecordType.indexValue, payload.subarray(9 + len + 17), lsn);
        return true;
      }
      case RecordType.blockImage:
        this.#redoImage(payload, p, lsn);
        return true;
      case RecordType.blockExtend: {
        const blockNo = p.getUint32(0, true);
        const sub = p.getUint8(4);
        const cb = this.#compressedForRedo(blockNo, lsn);
        if (cb.subs > sub) return true; // on disk already
        if (cb.subs < sub) throw corruption(this.#file.path, blockNo * BLOCK_SIZE, `WAL replay adds sub-block ${sub} to compressed block ${blockNo} of ${cb.subs}`);
        const frame = this.#cs().newSub(cb);
        this.#formatSub(frame, cb.owner, blockNo, lsn);
        this.#pool.unpin(frame);
        return true;
      }
      case RecordType.blockCont: {
        const cont = p.getUint32(4, true);
        this.#space.setKind(cont, BLOCK_KIND_CONTINUATION);
        this.#space.setFreeBytes(cont, 0, lsn);
        return true;
      }
      default:
        return redoIndexRecord(this, type, payload, lsn);
    }
  }

  /** A compressed block for redo: XX001 when its disk image is torn and the WAL had no image of it. */
  #compressedForRedo(blockNo: number, lsn: number): CBlock {
    const cb = this.#recovering ? this.#cs().tryGet(blockNo) : this.#cs().get(blockNo);
    if (cb === null) throw corruption(this.#file.path, blockNo * BLOCK_SIZE, `torn or corrupt compressed block ${blockNo} with no image in the WAL before LSN ${lsn}`);
    return cb;
  }

  /** BLOCK_IMAGE: reassemble the stream, then install the block whole (it becomes compressed if it was not). */
  #redoImage(payload: Uint8Array, p: DataView, lsn: number): void {
    const blockNo = p.getUint32(0, true);
    const owner = p.getUint32(4, true);
    const codec = p.getUint8(8);
    const subs = p.getUint8(9);
    const total = p.getUint32(10, true);
    const offset = p.getUint32(14, true);
    const n = payload.length - 18;
    let parts = this.#imageParts.get(blockNo);
    if (offset === 0) {
      parts = { stream: new Uint8Array(total), got: 0 };
      this.#imageParts.set(blockNo, parts);
    }
    if (parts === undefined || parts.stream.length !== total || parts.got !== offset || offset + n > total || subs < 1 || subs > SUBS_MAX || (codec !== CODEC_LZ4 && codec !== CODEC_ZSTD)) {
      this.#imageParts.delete(blockNo);
      throw corruption(this.#file.path, blockNo * BLOCK_SIZE, `malformed BLOCK_IMAGE record at LSN ${lsn}`);
    }
    parts.stream.set(payload.subarray(18), offset);
    parts.got += n;
    if (parts.got < total) return;
    this.#imageParts.delete(blockNo);
    const cs = this.#cs();
    const logical = cs.decompressImage(codec, subs, parts.stream, `WAL image of compressed block ${blockNo} (LSN ${lsn})`, blockNo * BLOCK_SIZE);
    const conts = cs.cached(blockNo)?.conts ?? [];
    if (this.#pool.cachedFrame(this.#fileId, blockNo) >= 0) this.#pool.discardBlock(this.#fileId, blockNo);
    for (let page = 0; page < PAGES_PER_BLOCK; page++) this.#tornPages.delete(blockNo * PAGES_PER_BLOCK + page);
    this.#checkedBlocks.add(blockNo);
    cs.install(blockNo, owner, codec, logical, conts);
    this.#space.setKind(blockNo, codec);
    this.#space.setFreeBytes(blockNo, 0, lsn);
  }

  /** A block is formatted anew: forget that it was compressed. */
  #unCompress(blockNo: number): void {
    if (this.#space.kind(blockNo) === BLOCK_KIND_PLAIN) return;
    this.#store?.discard(blockNo);
    this.#space.setKind(blockNo, BLOCK_KIND_PLAIN);
  }

  /**
   * Redo one tuple change on its page if the page is older than the record
   * (or, with `redone`, because an earlier part of the same record was just
   * applied to that page). Returns whether it was applied.
   */
  #redoTupleChange(type: number, payload: Uint8Array, p: DataView, lsn: number, redone = false): boolean {
    const blockNo = p.getUint32(0, true);
    const page = p.getUint8(4);
    const slot = p.getUint16(5, true);
    const tid = makeTid(blockNo, page, slot);
    let frame: number;
    if (this.#isCompressed(blockNo)) {
      const cb = this.#compressedForRedo(blockNo, lsn);
      if ((page >> 4) >= cb.subs) throw corruption(this.#file.path, blockNo * BLOCK_SIZE, `WAL replay of ${formatTid(tid)}: compressed block ${blockNo} has ${cb.subs} sub-blocks`);
      frame = this.#cs().pinSub(blockNo, page >> 4);
    } else {
      if (page >= PAGES_PER_BLOCK) throw corruption(this.#file.path, blockNo * BLOCK_SIZE, `WAL replay of ${formatTid(tid)} in an uncompressed block`);
      frame = this.#pinForRedo(blockNo);
    }
    try {
      const base = this.#pool.frameOffset(frame);
      const pageOffset = base + (page & 15) * PAGE_SIZE;
      if (!this.#isCompressed(blockNo) && this.#tornPages.has(blockNo * PAGES_PER_BLOCK + page)) {
        throw corruption(this.#file.path, blockNo * BLOCK_SIZE + page * PAGE_SIZE, 'torn page with no page image in the WAL');
      }
      if (!redone && this.#pageLsn(pageOffset) >= lsn) return false; // already on disk
      if (type === RecordType.tupleInsert) {
        const src = this.#kernels.scratchOffset;
        this.#u8.set(payload.subarray(7), src);
        const got = this.#kernels.pageInsert(pageOffset, src, payload.length - 7);
        if (got !== slot) throw corruption(this.#file.path, blockNo * BLOCK_SIZE + page * PAGE_SIZE, `WAL replay of ${formatTid(tid)} landed in slot ${got}`);
      } else if (type === RecordType.tupleXmax) {
        const at = this.#tupleOffset(base, page, slot, tid);
        setTupleXmax(this.#view, at, getU48(p, 7));
        setTupleFlags(this.#view, at, p.getUint16(15, true));
      } else {
        if (this.#kernels.pageDelete(pageOffset, slot) !== 1) {
          throw corruption(this.#file.path, blockNo * BLOCK_SIZE + page * PAGE_SIZE, `WAL replay reclaims free slot ${formatTid(tid)}`);
        }
      }
      this.#afterChange(frame, base, blockNo, page, lsn);
      return true;
    } finally {
      this.#pool.unpin(frame);
    }
  }

  /** Pin a block during recovery without trusting its checksums; remember torn pages. */
  #pinForRedo(blockNo: number): number {
    if (!this.#recovering) return this.#pool.pin(this.#fileId, blockNo);
    const frame = this.#pool.pin(this.#fileId, blockNo, false);
    if (!this.#checkedBlocks.has(blockNo)) {
      this.#checkedBlocks.add(blockNo);
      for (let page = 0; page < PAGES_PER_BLOCK; page++) {
        if (!this.#pool.pageIsIntact(frame, page)) this.#tornPages.add(blockNo * PAGES_PER_BLOCK + page);
      }
    }
    return frame;
  }

  /** End recovery: every torn page must have been rebuilt from the WAL. */
  endRecovery(): void {
    this.#recovering = false;
    for (const key of this.#tornPages) {
      const blockNo = Math.floor(key / PAGES_PER_BLOCK);
      const frame = this.#pool.cachedFrame(this.#fileId, blockNo);
      if (frame >= 0) this.#pool.discardBlock(this.#fileId, blockNo);
      throw corruption(this.#file.path, blockNo * BLOCK_SIZE + (key % PAGES_PER_BLOCK) * PAGE_SIZE, 'page checksum mismatch (torn or corrupt page)');
    }
    this.#checkedBlocks.clear();
  }

  // ---- helpers ----------------------------------------------------------------

  #log(type: number, length: number): number {
    if (this.#wal === undefined) throw new FlintError(SqlState.objectNotInPrerequisiteState, 'the heap has no WAL attached (read-only or recovering)');
    let view = this.#recordViews[length];
    if (view === undefined) this.#recordViews[length] = view = this.#record.subarray(0, length);
    return this.#wal.append(type, view);
  }

  /** Views of #record by length, made once each (a row's insert logs one: no allocation per row). */
  readonly #recordViews = new Array<Uint8Array | undefined>(this.#record.length + 1);

  /** Before the first change to a page after a checkpoint, log its image: the torn-page guard. */
  #beforeChange(frame: number, blockNo: number, page: number, compressed = this.#isCompressed(blockNo)): void {
    if (compressed) {
      this.#guardCompressed(blockNo);
      return;
    }
    const pageOffset = this.#pool.frameOffset(frame) + page * PAGE_SIZE;
    if (this.#recovering || this.#pageLsn(pageOffset) >= this.redoLsn) return;
    const p = this.#recordView;
    p.setUint32(0, blockNo, true);
    p.setUint8(4, page);
    this.#record.set(this.#u8.subarray(pageOffset, pageOffset + PAGE_SIZE), 5);
    const lsn = this.#log(RecordType.pageImage, 5 + PAGE_SIZE);
    this.#setPageLsn(pageOffset, lsn);
    this.stats.pageImagesLogged++;
  }

  /**
   * #afterChange after blockInsert, which refreshed the page's summary figure
   * and found the block's largest: the page stamped, the block's highest LSN
   * raised (what blockRefreshPage would add), the page dirty, the space map told.
   */
  #afterInsert(frame: number, base: number, blockNo: number, page: number, lsn: number, largest: number): void {
    const local = page & 15;
    this.#setPageLsn(base + local * PAGE_SIZE, lsn);
    if (lsn > getU48(this.#view, base + BLOCK_OFF_MAX_LSN)) setU48(this.#view, base + BLOCK_OFF_MAX_LSN, lsn);
    this.#pool.markPageDirty(frame, local);
    this.#space.setFreeBytes(blockNo, largest, lsn);
  }

  #afterChange(frame: number, base: number, blockNo: number, page: number, lsn: number): void {
    const local = page & 15;
    this.#setPageLsn(base + local * PAGE_SIZE, lsn);
    this.#kernels.blockRefreshPage(base, local);
    this.#pool.markPageDirty(frame, local);
    this.#space.setFreeBytes(blockNo, this.#largestFree(base), lsn);
  }

  /** An in-place change to a compressed block may grow its compressed size by up to `bytes`. */
  #grew(blockNo: number, bytes: number): void {
    const cb = this.#store?.cached(blockNo);
    if (cb !== undefined && this.#isCompressed(blockNo)) cb.pending += bytes;
  }

  #tupleOffset(base: number, page: number, slot: number, tid: number): number {
    page &= 15;
    const packed = this.#kernels.pageRead(base + page * PAGE_SIZE, slot);
    if (packed < 0) {
      throw new FlintError(SqlState.dataCorrupted, `tuple ${formatTid(tid)} is missing from ${this.#file.path}`, {
        file: this.#file.path,
        offset: tidBlock(tid) * BLOCK_SIZE + page * PAGE_SIZE,
      });
    }
    return base + page * PAGE_SIZE + (packed >>> 16);
  }

  /** Largest free space of any page in a block, from the block header summary. */
  #largestFree(base: number): number {
    let most = 0;
    for (let page = 0; page < PAGES_PER_BLOCK; page++) {
      const free = this.#view.getUint16(base + BLOCK_OFF_PAGE_FREE + page * 2, true);
      if (free > most) most = free;
    }
    return most;
  }

  #pageLsn(pageOffset: number): number {
    return getU48(this.#view, pageOffset + PAGE_OFF_LSN);
  }

  #setPageLsn(pageOffset: number, lsn: number): void {
    setU48(this.#view, pageOffset + PAGE_OFF_LSN, lsn);
  }

  #writeFileHeader(at: number): void {
    for (let i = 0; i < 8; i++) this.#u8[at + i] = HEAP_MAGIC.charCodeAt(i);
    this.#view.setUint32(at + 8, HEAP_FORMAT_VERSION, true);
    this.#view.setUint32(at + 12, PAGE_SIZE, true);
    this.#view.setUint32(at + 16, BLOCK_SIZE, true);
    this.#view.setUint32(at + 20, BLOCKS_PER_SEGMENT * BLOCK_SIZE, true);
  }

  #checkFileHeader(base: number): void {
    const packed = this.#kernels.pageRead(base, 0);
    const at = base + (packed >>> 16);
    let magic = '';
    if (packed >= 0) for (let i = 0; i < 8; i++) magic += String.fromCharCode(this.#u8[at + i]!);
    if (packed < 0 || (packed & 0xffff) !== FILE_HEADER_TUPLE_SIZE || magic !== HEAP_MAGIC) {
      throw corruption(this.#file.path, 0, 'not a Flint heap file (bad file header)');
    }
    const version = this.#view.getUint32(at + 8, true);
    if (version !== HEAP_FORMAT_VERSION) {
      throw new FlintError(SqlState.featureNotSupported, `${this.#file.path} has heap format version ${version}; this Flint reads version ${HEAP_FORMAT_VERSION}`, { file: this.#file.path, offset: 0 });
    }
    const sizes = [this.#view.getUint32(at + 12, true), this.#view.getUint32(at + 16, true), this.#view.getUint32(at + 20, true)];
    if (sizes[0] !== PAGE_SIZE || sizes[1] !== BLOCK_SIZE || sizes[2] !== BLOCKS_PER_SEGMENT * BLOCK_SIZE) {
      throw corruption(this.#file.path, 12, `heap file sizes ${sizes.join('/')} do not match this build`);
    }
  }
}

/** The page kernels' pageSane check (src/kernels/ts/page.ts), for the scan's direct reads of the slot directory. */
function pageSane(view: DataView, page: number): boolean {
  const dirStart = view.getUint16(page + PAGE_OFF_SLOT_DIR, true);
  const lower = view.getUint16(page + PAGE_OFF_FREE_LOWER, true);
  const upper = view.getUint16(page + PAGE_OFF_FREE_UPPER, true);
  return (
    dirStart >= PAGE_HEADER_SIZE &&
    lower === dirStart + view.getUint16(page + PAGE_OFF_SLOT_COUNT, true) * SLOT_SIZE &&
    lower <= upper &&
    upper <= PAGE_SIZE &&
    view.getUint16(page + PAGE_OFF_LIVE_COUNT, true) <= view.getUint16(page + PAGE_OFF_SLOT_COUNT, true) &&
    view.getUint16(page + PAGE_OFF_FRAG_BYTES, true) <= PAGE_SIZE - upper
  );
}

/**
 * The 9-byte head of a TUPLE_INSERT_ENTRY or TUPLE_UPDATE record at `at`:
 * u16 tuple length, then TUPLE_INSERT's u32 block, u8 page, u16 slot
 * (src/storage/record-types.ts).
 */
function writeLongTupleHead(view: DataView, at: number, len: number, blockNo: number, page: number, slot: number): void {
  view.setUint16(at, len, true);
  view.setUint32(at + 2, blockNo, true);
  view.setUint8(at + 6, page);
  view.setUint16(at + 7, slot, true);
}

/** Writes a JS-safe integer (< 2^53) as a little-endian u64. */
export function setU48(view: DataView, at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}

export function getU48(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;
}
