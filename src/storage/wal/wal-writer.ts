// The WAL writer: appends records to an in-memory buffer, writes them to the
// current WAL file, and makes them durable with one fdatasync per group of
// waiting commits.
//
// LSNs: nextLsn >= writtenLsn >= durableLsn. Every record below writtenLsn is
// in the OS page cache; every record below durableLsn is on disk (fdatasync).
//
// Opening (wal-open.ts): the writer continues in a new file past every LSN
// position the directory has used, after an end record at startLsn; so no
// stale record can ever sit where a new one goes.
//
// File switch. A record goes into the current file only if an end record
// still fits after it. When it does not, append() writes an end record, hands
// the file to the OS (it is synced with the next sync round and then closed)
// and continues at the next file: a spare already named for that LSN, or a
// new file (created, preallocated to fileBytes, fdatasync'ed so later
// fdatasyncs need no metadata update, and its directory entry synced before
// the end record that names it is written). That is the only I/O append()
// does besides writing a full buffer.
//
// Group commit (waitDurable). One fdatasync round runs at a time; it covers
// every record appended before it started, and the commits that arrive
// while it runs wait for the next round. When no round runs, the first
// commit to wait starts one in a microtask: a lone commit waits for no timer
// and no other commit.
//
// Pacing. Sessions that resume together from one round run their next
// statements in one burst of microtasks, and the thread sees an fdatasync's
// end only after such a burst. Started in a microtask, a round would come
// after the whole burst: every session lands in the same round and the
// thread idles through its fdatasync. So the sessions committing are split
// in two groups that alternate, each running its statements while the
// other's fdatasync is in flight:
//   - the group size is half the sessions seen at the end of the last round
//     (those it covered plus those that arrived while it ran);
//   - a round starts from waitDurable once a group's worth of commits wait
//     and have waited half as long as recent rounds took (a burst shorter
//     than an fdatasync is better served by one round after it, as before);
//   - when a round ends, the next starts at once if a group's worth of
//     commits arrived during it, in a burst of at least half a round; if
//     fewer did, the sessions it woke join them until there are (the rule
//     above), so unequal groups even out, and a macrotask (setImmediate)
//     starts it anyway after their burst. If their burst was shorter, the
//     fdatasync outlasts the statements: one round after both groups' bursts
//     costs less than two, and the groups merge the same way. While a
//     group is under EARLY_ROUND_MIN commits (a few sessions), the next
//     round starts at once, as before pacing.
//
// Blocking rounds. Handing a round's write to the runtime's thread pool and
// seeing its end costs the thread two wake-ups: on the development VM an
// asynchronous O_DSYNC write of 2.5 KB took 0.23-0.29 ms from the call to
// its callback where the same write blocking took 0.17-0.22. That is worth
// paying only if the thread has something to do meanwhile. When it has not
// (every session is waiting for the round, as with closed-loop clients of
// one process), the round may as well block: the writer measures each
// asynchronous round's share of the thread's idle time (the event loop's,
// performance.eventLoopUtilization), and when the thread idled through at
// least IDLE_ROUND_SHARE of it, the next BLOCKING_ROUNDS_RUN rounds run as
// sync() does (one O_DSYNC write, or write + fdatasync), in a macrotask
// (setImmediate) after the burst of commits that made them: no round is
// started early from waitDurable, so one round covers the whole burst, and
// the event loop still turns between rounds. Then an asynchronous round
// looks again: if the thread had work during it (statements of sessions not
// waiting, a server's other connections), the rounds stay asynchronous.
// Blocking is not always faster: on the same VM with its two cores
// oversubscribed, a thread blocked in a write got its core back ~3-4 ms
// after the write ended (a scheduler slice), where a pool thread's wake-up
// handed it over sooner, and blocking rounds took 3x as long. So the writer
// also keeps each kind's cost per commit (a round's time from its first
// commit, or the end of the round before, to its end, over the commits it
// covered: a moving average of the asynchronous rounds, the median of the
// current blocking run's, judged once a run has BLOCKING_JUDGED_ROUNDS so
// that one slow write does not end it) and blocks only while the blocking
// rounds' cost is not above the asynchronous ones', and while the bursts of
// commits the blocking rounds cover are shorter than half an asynchronous
// round (a longer one is what pacing overlaps with the rounds: 64
// sessions; it counts as an endless cost); after
// BLOCKING_ROUNDS_RUN asynchronous rounds the thread idled through, it
// tries blocking again. Each further try in a row that ends the same way
// doubles that wait (up to 256 rounds), and a run that blocks to its end
// halves it again: on a loaded machine a try costs a blocking round of a
// scheduler slice, and tries every 16 rounds kept 30-55% of the rounds
// blocking (8 sessions at load average 7-9: 2-3x the asynchronous rounds'
// time per commit; the backoff made 1, 8 and 64 sessions 1.2-1.8x faster).
// Where the runtime has no event-loop utilisation, rounds never block.
//
// Background fdatasync. A transaction that writes a lot of WAL before it
// commits (a bulk load) would leave all of it to its commit's fdatasync: the
// disk writes tens of MB then, while the thread waits. Once
// backgroundSyncBytes (default 4 MiB) have been written to the OS since the
// last fdatasync, the writer starts one on a second handle of the file
// (Vfs.open, then syncAsync) and does not wait for it: the disk writes the
// log while the thread goes on appending, and the commit's own fdatasync
// finds little left (PostgreSQL's WAL writer does the same:
// wal_writer_flush_after). It changes no LSN and makes nothing durable as far
// as the writer knows: durableLsn moves only with sync() and group-commit
// rounds, which fdatasync every file with writes as before. Those of one
// file share a second handle, closed after the last; at most
// BACKGROUND_SYNCS_MAX are in flight (a synchronous loop never lets their
// callbacks run). One that fails stops the writer, as any failed fdatasync
// does (below).
//
// Zero-filling. A new WAL file is made by truncate: sparse past its header.
// An fdatasync after a write into a hole must also commit the allocation of
// the new block (on ext4, a journal commit), and a group commit's round,
// which writes a few KiB past the last, met a hole every round: 4 KiB
// written and fdatasynced at a time took twice as long (p50 ~500 against
// ~230 µs) as into written blocks. So the writer writes zeros ahead of its
// records, 1 MiB at a time: a write of records that reaches past what is
// allocated is followed by zeros from its end to the next MiB boundary
// (PostgreSQL zero-fills a whole WAL segment when it makes one; here a new
// file costs nothing until used, and each database open starts one). The
// records' own range is not zero-filled first: their write allocates it (a
// bulk load's full 1 MiB buffers were each written twice, zeros then
// records). Nor is the range past a full buffer's write (a long
// transaction's, from #makeRoom): the next buffer's records follow at once
// and allocate it themselves, and the write that ends the burst (a sync's,
// a flush's, a round's) zero-fills past its end as before. A load whose
// log did not start on a MiB boundary used to zero-fill nearly a MiB after
// every full buffer (~19 MiB of zeros, over each its records, for
// bench:peers' 200k-row load). The zeros are what a hole reads as, past the
// end of the log, so recovery reads the same; a recycled file was written
// through before and is not zero-filled again.
//
// One write per synchronous commit. sync() usually finds only the commit's
// own records unsynced: it writes them with VfsFile.writeDurable (the node
// vfs: one pwrite on an O_DSYNC descriptor, instead of a pwrite and an
// fdatasync), and falls back to write + fdatasync when anything else is
// unsynced (an earlier write, a switch's end record, a round's fdatasync in
// flight) or the records reach blocks not zero-filled yet. A group-commit
// round does the same off the thread when it can (same conditions): it
// copies its records aside and waits for VfsFile.writeDurableAsync of the
// copy (one asynchronous O_DSYNC write: the thread no longer makes the write
// system call, and the runtime's pool thread makes one call instead of an
// fdatasync after the thread's write). Until it ends, the records may not
// have reached the OS: a sync() meanwhile writes the copy again (the same
// bytes at the same place) before its fdatasync.
//
// Failures. Any failed write, fdatasync, create, rename or directory sync
// stops the writer: retrying an fdatasync after a failure is unsafe (the
// kernel may have dropped the dirty pages and reports success the next time),
// so every later call fails with 58030 and the database must restart and
// recover from what is on disk. Waiting commits are rejected with the
// original error.

import { FlintError, SqlState, assert } from '../../errors.ts';
import type { Vfs, VfsFile } from '../vfs/index.ts';
import {
  checkFileBytes,
  encodeFileHeader,
  END_RECORD_PAYLOAD_SIZE,
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  LSN_LIMIT,
  maxPayloadBytes,
  RECORD_HEADER_SIZE,
  RECORD_TYPE_END,
  RECORD_TYPE_MAX,
  RECORD_TYPE_MIN,
  sealRecords,
  stampRecord,
  setU64,
  WAL_FILE_BYTES_DEFAULT,
  WAL_RECORD_PAYLOAD_MAX,
  crc32c,
  type Crc32c,
} from './format.ts';
import { createPreallocated, fileSize, listWalFiles, walFile, walFilePath, type WalFile } from './wal-files.ts';
import { openLog, type OpenedLog } from './wal-open.ts';

export interface WalOptions {
  /** Size of each WAL file in bytes: a multiple of 4 KiB in [64 KiB, 1 GiB]; default 16 MiB. Applies to files created from now on. */
  fileBytes?: number;
  /**
   * Bytes written to the OS since the last fdatasync after which the writer
   * starts one in the background, not waited for (see the header). Default
   * BACKGROUND_SYNC_BYTES_DEFAULT (4 MiB); 0 never does.
   */
  backgroundSyncBytes?: number;
  /**
   * Whether group-commit rounds may block the thread (see "Blocking rounds"
   * in the header): 'auto' after an asynchronous round the thread idled
   * through (the engine's choice), 'never' (the default), or 'always'
   * (every round).
   */
  blockingRounds?: 'auto' | 'never' | 'always';
  /**
   * The thread's idle time so far in ms, on the clock of `now`, for
   * blockingRounds 'auto'; default: performance.eventLoopUtilization().idle
   * where the runtime has it (else rounds never block). Tests only.
   */
  idleMs?: () => number;
  /** Recycled files kept as spares for future file switches; more are removed. Default 4. Writer only. */
  spareFilesMax?: number;
  /**
   * Zero-filling's step (see the header): a power of two from 4 KiB, the
   * zeros written ahead of the records reach the next multiple; also the
   * head of the file startFreshFile() starts. Default 1 MiB; tests use a
   * small one with small files.
   */
  zeroFillBytes?: number;
  /** Monotonic clock in milliseconds, for group commit's pacing only (never for correctness); default performance.now. */
  now?: () => number;
  /**
   * Where the writer buffers records, instead of a buffer of its own: at
   * least WAL_BUFFER_BYTES_MAX bytes (it never grows), with the CRC32C that
   * works on them. The engine puts it in the kernels' memory, so that the
   * WASM kernel checksums each record where it lies.
   */
  buffer?: WalBuffer;
}

/** A write buffer the caller provides (WalOptions.buffer). */
export interface WalBuffer {
  readonly bytes: Uint8Array;
  /** CRC32C of bytes[offset, offset + length). */
  readonly crc32c: Crc32c;
  /**
   * Seal the records lying back to back in bytes[from, to) (each one's CRC,
   * as sealRecords computes them) and return where the last one sealed ends
   * (`to`): Kernels.crc32cRecords, which interleaves three records' CRCs.
   * Without it the writer calls crc32c once a record.
   */
  readonly sealRecords?: (from: number, to: number) => number;
}

export interface WalWriterStats {
  /** Records appended. */
  appends: number;
  /** Bytes of the records appended (headers and payloads). */
  bytes: number;
  /** fdatasync calls by sync() and group-commit rounds (not those that preallocate a file or open the log). */
  syncs: number;
  /** WAL files created (a new file, not a renamed spare). */
  filesCreated: number;
  /** WAL files renamed to become future files, by recycle() or open(). */
  filesRecycled: number;
  /** Files startFreshFile() ended early to continue in a new one (explicit CHECKPOINTs). */
  freshFiles: number;
  /** Group-commit rounds completed (each one flush and an fdatasync per file written since the last). */
  rounds: number;
  /** Commits those rounds covered. */
  roundCommits: number;
  /** Their duration summed, ms: from each round's start to the moment the thread saw its end (#now). */
  roundMs: number;
  /** Group-commit rounds started early, from waitDurable, rather than at the end of a burst (see the header). */
  earlyRounds: number;
  /** Background fdatasyncs started (backgroundSyncBytes; not counted in syncs). */
  backgroundSyncs: number;
  /** Zeros written past the records into new (sparse) files (see "Zero-filling" in the header). */
  zeroFilledBytes: number;
  /** Of syncs, those sync() did as one durable write (VfsFile.writeDurable) instead of a write and an fdatasync. */
  durableWrites: number;
  /** Of rounds, those that blocked the thread (see "Blocking rounds" in the header). */
  blockingRounds: number;
}

/** A write is issued once this many bytes are buffered. */
export const WAL_WRITE_BUFFER_BYTES = 1048576;
/** Most bytes the write buffer ever holds: a full buffer's worth, a file header, the largest record and an end record. */
export const WAL_BUFFER_BYTES_MAX = WAL_WRITE_BUFFER_BYTES + FILE_HEADER_SIZE + RECORD_HEADER_SIZE + WAL_RECORD_PAYLOAD_MAX + END_RECORD_SIZE;
/** First allocation of the write buffer; it doubles up to what one flush needs. */
const WRITE_BUFFER_INITIAL_BYTES = 65536;
const SPARE_FILES_DEFAULT = 4;
/** What #zeroFill writes at a time, at most: 1 MiB of a new file's blocks allocated before the records reach them. */
const ZERO_FILL_BYTES = 1 << 20;
/** WalOptions.backgroundSyncBytes' default. */
export const BACKGROUND_SYNC_BYTES_DEFAULT = 4 * 1024 * 1024;
/**
 * Background fdatasyncs in flight at most, as the writer counts them: until
 * its callback runs, which a synchronous loop never lets happen, so this
 * bounds how many one long transaction queues (one every
 * backgroundSyncBytes) on the runtime's thread pool, 256 MiB of log at the
 * default.
 */
const BACKGROUND_SYNCS_MAX = 64;
/**
 * Fewest commits a round started early (from waitDurable) covers: a burst of
 * a few commits is far shorter than an fdatasync, so splitting it only costs
 * one; and a few concurrent commits keep sharing one round.
 */
const EARLY_ROUND_MIN = 4;
/** Rounds that block after an asynchronous round the thread idled through, before another asynchronous round looks again (see the header). */
export const BLOCKING_ROUNDS_RUN = 16;
/**
 * Blocking runs ended by their cost in a row, past the first, each double the
 * asynchronous rounds before blocking is tried again, up to this many times
 * (BLOCKING_ROUNDS_RUN << 4 = 256 rounds; see the header).
 */
export const BLOCKING_TRIAL_BACKOFF_MAX = 5;
/** Blocking rounds a run has before the median of their costs may end it (#judgeBlocking). */
export const BLOCKING_JUDGED_ROUNDS = 2;
/** Asynchronous rounds the thread idles through before blocking is tried again, after `failed` blocking runs ended by their cost (see the header). */
export function blockingRetryRounds(failed: number): number {
  return BLOCKING_ROUNDS_RUN << Math.max(0, Math.min(BLOCKING_TRIAL_BACKOFF_MAX, failed) - 1);
}
/** The share of an asynchronous round's time (from its start to the moment the thread saw its end) the thread must have idled for the next rounds to block. */
export const IDLE_ROUND_SHARE = 0.5;

/** The event loop's idle time so far (ms), where the runtime measures it (Node: performance.eventLoopUtilization). */
function loopIdleMs(): (() => number) | undefined {
  const perf = (globalThis as { performance?: { eventLoopUtilization?: () => { idle: number } } }).performance;
  if (typeof perf?.eventLoopUtilization !== 'function') return undefined;
  return () => perf.eventLoopUtilization!().idle;
}

/** Runs fn after the current macrotask and its microtasks (setImmediate where the runtime has it). */
const later: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => void (globalThis as unknown as { setImmediate(fn: () => void): unknown }).setImmediate(fn)
    : (fn) => void setTimeout(fn, 0);

/**
 * Commits that one round covers share one promise: waitDurable hands every
 * caller the same one, instead of a promise, a closure and a record each.
 */
class WaitGroup {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;
  /** Callers waiting on it. */
  count = 0;
  /** The lowest LSN waited for (close()'s message names it). */
  readonly firstLsn: number;
  /** When the first and the last caller arrived (ms): how long the burst that made it ran. */
  readonly firstAt: number;
  lastAt: number;

  constructor(firstLsn: number, at: number) {
    this.firstLsn = firstLsn;
    this.firstAt = at;
    this.lastAt = at;
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export class WalWriter {
  readonly dir: string;
  /** Size of the files this writer creates. */
  readonly fileBytes: number;
  /** Largest payload append() takes: WAL_RECORD_PAYLOAD_MAX, or less if fileBytes is small. */
  readonly maxPayloadBytes: number;
  readonly stats: WalWriterStats;

  readonly #vfs: Vfs;
  readonly #spareFilesMax: number;
  readonly #zeroFillBytes: number;
  /**
   * Starts of files the log left before their end (open()'s file holding
   * the old end, startFreshFile()'s): they may have holes past what was
   * written, so #recycle removes them instead of keeping them as spares,
   * which are taken as written through (no zero-fill ahead of the records).
   */
  readonly #partial = new Set<number>();
  #current: WalFile;
  /** Files before the current one with writes not yet known durable. */
  #retired: WalFile[] = [];
  /** Bytes for the current file from file offset #bufOffset; #bufLen of them are used. */
  #buf: Uint8Array;
  #view: DataView;
  /** The buffer is the caller's (WalOptions.buffer): fixed, never grown. */
  readonly #fixed: boolean;
  readonly #crc: Crc32c;
  /** WalBuffer.sealRecords, if given. */
  readonly #sealBatch: ((from: number, to: number) => number) | undefined;
  #bufLen = 0;
  /** The records in #buf from here to #bufLen are stamped but not sealed: #seal() computes their CRCs before they leave the buffer. */
  #sealedTo = 0;
  /** Payload bytes reserve() made room for at #bufLen, until commit(); -1: no reservation. */
  #reservedLength = -1;
  #bufOffset: number;
  #writtenLsn: number;
  #durableLsn: number;
  /** No file in the directory covers an LSN at or above this. */
  #frontier: number;
  /** Commits waiting for a round that has not started yet: the next round covers all of them. */
  #waiting: WaitGroup | null = null;
  /** Commits the running round covers: every record below #roundTarget. */
  #covered: WaitGroup | null = null;
  #roundTarget = 0;
  #syncScheduled = false;
  #syncRunning = false;
  readonly #now: () => number;
  /** Commits that make a group (pacing, above): half those the last round saw (2 at least; none before the first round). */
  #groupSize = Number.MAX_SAFE_INTEGER;
  /** Commits wait for a round that starts when a group forms, or in a macrotask. */
  #deferred = false;
  /** Recent rounds' duration, from their start to the moment the thread saw their end (ms, moving average). */
  #roundMs = 0;
  /** Group-commit rounds completed. */
  #syncRounds = 0;
  /** When the first commit waiting for a round not yet started arrived (ms, #now). */
  #firstWaitAt = 0;
  #failure: { readonly what: string; readonly cause: unknown } | undefined;
  #closed = false;
  /** WalOptions.backgroundSyncBytes (0: none). */
  readonly #backgroundSyncBytes: number;
  /** WalOptions.blockingRounds, 'never' where the thread's idle time is not known. */
  #blockingMode: 'auto' | 'never' | 'always' = 'never';
  /** WalOptions.idleMs. */
  #idleMs: () => number = () => 0;
  /** Rounds left to run blocking (blockingRounds 'auto'). */
  #blockingLeft = 0;
  /**
   * Cost per commit (ms; NaN: none measured lately) of recent asynchronous
   * rounds (a moving average) and of the blocking rounds of the latest run
   * (the median of its rounds, #judgeBlocking). See the header.
   */
  #asyncCost = Number.NaN;
  #blockingCost = Number.NaN;
  /** The cost per commit of each round of the current (or last) blocking run, in order. */
  readonly #blockingRunCosts: number[] = [];
  /** Asynchronous rounds in a row the thread idled through while blocking ones cost more. */
  #idleAsyncRounds = 0;
  /** Blocking runs ended by their cost lately, less those that ran whole (0..BLOCKING_TRIAL_BACKOFF_MAX): each doubles the wait for the next try. */
  #failedBlockingRuns = 0;
  /** When the last round ended (#now). */
  #lastRoundEnd = 0;
  /** Bytes written to the OS since the last fdatasync (or background fdatasync) started. */
  #unsyncedBytes = 0;
  /** Background fdatasyncs whose callback has not run yet. */
  #backgroundSyncsRunning = 0;

  private constructor(vfs: Vfs, dir: string, fileBytes: number, spareFilesMax: number, opened: OpenedLog, now: () => number, buffer: WalBuffer | undefined, backgroundSyncBytes: number, zeroFillBytes: number) {
    this.#vfs = vfs;
    this.#zeroFillBytes = zeroFillBytes;
    this.#backgroundSyncBytes = backgroundSyncBytes;
    this.#buf = buffer?.bytes ?? new Uint8Array(WRITE_BUFFER_INITIAL_BYTES);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
    this.#fixed = buffer !== undefined;
    this.#crc = buffer?.crc32c ?? crc32c;
    this.#sealBatch = buffer?.sealRecords;
    this.#now = now;
    this.dir = dir;
    this.fileBytes = fileBytes;
    this.maxPayloadBytes = maxPayloadBytes(fileBytes);
    this.#spareFilesMax = spareFilesMax;
    this.#current = opened.current;
    this.#bufOffset = FILE_HEADER_SIZE;
    this.#writtenLsn = this.nextLsn;
    this.#durableLsn = this.nextLsn;
    this.#frontier = opened.frontier;
    if (opened.abandoned !== undefined) this.#partial.add(opened.abandoned);
    this.stats = { blockingRounds: 0, appends: 0, bytes: 0, syncs: 0, filesCreated: opened.created, filesRecycled: opened.recycled, freshFiles: 0, rounds: 0, roundCommits: 0, roundMs: 0, earlyRounds: 0, backgroundSyncs: 0, zeroFilledBytes: 0, durableWrites: 0 };
  }

  /**
   * Open the log in `dir` to continue after `startLsn`: the endLsn a WalReader
   * found, or 0 (any LSN) for a directory without WAL files. Creates the
   * directory and files as needed; wal-open.ts says what it does to existing
   * files. When it returns, everything below startLsn and the new file's
   * header are durable, and nextLsn is the LSN of the first record.
   */
  static open(vfs: Vfs, dir: string, startLsn: number, options: WalOptions = {}): WalWriter {
    const fileBytes = checkFileBytes(options.fileBytes ?? WAL_FILE_BYTES_DEFAULT);
    const spareFilesMax = options.spareFilesMax ?? SPARE_FILES_DEFAULT;
    assert(Number.isSafeInteger(spareFilesMax) && spareFilesMax >= 0, `spareFilesMax must be a non-negative integer, got ${spareFilesMax}`);
    assert(Number.isSafeInteger(startLsn) && startLsn >= 0, `startLsn must be a non-negative integer, got ${startLsn}`);
    const now = options.now ?? (() => performance.now());
    const buffer = options.buffer;
    if (buffer !== undefined) assert(buffer.bytes.length >= WAL_BUFFER_BYTES_MAX, `a WAL buffer holds at least ${WAL_BUFFER_BYTES_MAX} bytes, got ${buffer.bytes.length}`);
    const backgroundSyncBytes = options.backgroundSyncBytes ?? BACKGROUND_SYNC_BYTES_DEFAULT;
    assert(Number.isSafeInteger(backgroundSyncBytes) && backgroundSyncBytes >= 0, `backgroundSyncBytes must be a non-negative integer, got ${backgroundSyncBytes}`);
    const zeroFillBytes = options.zeroFillBytes ?? ZERO_FILL_BYTES;
    assert(Number.isSafeInteger(zeroFillBytes) && zeroFillBytes >= 4096 && (zeroFillBytes & (zeroFillBytes - 1)) === 0, `zeroFillBytes must be a power of two of at least 4096, got ${zeroFillBytes}`);
    const writer = new WalWriter(vfs, dir, fileBytes, spareFilesMax, openLog(vfs, dir, startLsn, fileBytes, spareFilesMax), now, buffer, backgroundSyncBytes, zeroFillBytes);
    // Idle time on another clock than `now` (a test's) says nothing about a round's time: no blocking rounds then.
    const idleMs = options.idleMs ?? (options.now === undefined ? loopIdleMs() : undefined);
    const blocking = options.blockingRounds ?? 'never';
    assert(blocking === 'auto' || blocking === 'never' || blocking === 'always', `blockingRounds must be 'auto', 'never' or 'always', got ${String(blocking)}`);
    writer.#blockingMode = blocking === 'auto' && idleMs === undefined ? 'never' : blocking;
    if (idleMs !== undefined) writer.#idleMs = idleMs;
    return writer;
  }

  /** The LSN the next record gets if it fits in the current file (else the first one in the next file); every record so far is below it. */
  get nextLsn(): number {
    return this.#current.start + this.#bufOffset + this.#bufLen;
  }

  /** Every record below this LSN has been written to the OS. */
  get writtenLsn(): number {
    return this.#writtenLsn;
  }

  /** Every record below this LSN is durable (fdatasync'ed). */
  get durableLsn(): number {
    return this.#durableLsn;
  }

  /**
   * Buffer a record and return its LSN. Copies the payload; does no I/O
   * unless the buffer is full (a write, no sync) or the record starts a new
   * file. A payload over maxPayloadBytes is 54000.
   */
  append(type: number, payload: Uint8Array): number {
    this.#checkUsable('append');
    // The messages only when the check fails: append runs for every row, and a template literal is built before assert is called.
    if (!(Number.isInteger(type) && type >= RECORD_TYPE_MIN && type <= RECORD_TYPE_MAX)) assert(false, `WAL record type must be in [${RECORD_TYPE_MIN}, ${RECORD_TYPE_MAX}], got ${type}`);
    const length = payload.length;
    const size = this.#makeRoom(length);
    this.#reservedLength = -1;
    const lsn = this.nextLsn;
    const at = this.#reserve(size);
    this.#buf.set(payload, at + RECORD_HEADER_SIZE);
    stampRecord(this.#buf, this.#view, at, lsn, type, length);
    this.#bufLen += size;
    this.stats.appends++;
    this.stats.bytes += size;
    return lsn;
  }

  /**
   * The I/O a record of `length` payload bytes needs before it is buffered
   * (append() and reserve() alike): 54000 if it is too long, a file switch
   * if it and an end record do not fit the current file, a write of the
   * buffer if it does not fit that. Returns the record's size.
   */
  #makeRoom(length: number): number {
    if (length > this.maxPayloadBytes) {
      throw new FlintError(
        SqlState.programLimitExceeded,
        `WAL record of ${length} bytes exceeds the maximum record payload of ${this.maxPayloadBytes} bytes (WAL fileBytes ${this.fileBytes})`,
      );
    }
    const size = RECORD_HEADER_SIZE + length;
    if (this.#bufOffset + this.#bufLen + size + END_RECORD_SIZE > this.#current.size) this.#switchFile();
    // A full buffer mid-stream: more records follow at once, and their own writes allocate the blocks past it.
    if (this.#bufLen > 0 && this.#bufLen + size > WAL_WRITE_BUFFER_BYTES) this.#flushBuffer(true, false);
    return size;
  }

  /**
   * The buffer records are built in (reserve() returns offsets into it) and
   * a DataView over the same bytes: WalOptions.buffer's bytes, or the
   * writer's own buffer, which a reserve() or append() may replace when it
   * grows. Read them after reserve().
   */
  get bytes(): Uint8Array {
    return this.#buf;
  }

  get view(): DataView {
    return this.#view;
  }

  /**
   * Room for one record of at most `maxLength` payload bytes, for a caller
   * that builds the payload in place instead of copying it in: returns the
   * payload's offset in `bytes`. Does the I/O append() would (a full
   * buffer's write, a file switch) now; commit() then seals the record. A
   * record too long is 54000 as in append(). Nothing else may touch the
   * writer between the two: an append() or flush in between voids the
   * reservation, and commit() then fails its assertion.
   */
  reserve(maxLength: number): number {
    this.#checkUsable('append');
    if (!(Number.isInteger(maxLength) && maxLength >= 0)) assert(false, `WAL reserve: length must be a non-negative integer, got ${maxLength}`);
    const at = this.#reserve(this.#makeRoom(maxLength));
    this.#reservedLength = maxLength;
    return at + RECORD_HEADER_SIZE;
  }

  /** Seal the record reserve() made room for, with its first `length` payload bytes; returns its LSN as append() does. */
  commit(type: number, length: number): number {
    this.#checkUsable('append');
    if (!(Number.isInteger(type) && type >= RECORD_TYPE_MIN && type <= RECORD_TYPE_MAX)) assert(false, `WAL record type must be in [${RECORD_TYPE_MIN}, ${RECORD_TYPE_MAX}], got ${type}`);
    if (!(Number.isInteger(length) && length >= 0 && length <= this.#reservedLength)) {
      assert(false, `WAL commit of ${length} bytes: ${this.#reservedLength < 0 ? 'no reservation (none made, or voided by an append or flush)' : `${this.#reservedLength} reserved`}`);
    }
    this.#reservedLength = -1;
    const lsn = this.nextLsn;
    const size = RECORD_HEADER_SIZE + length;
    stampRecord(this.#buf, this.#view, this.#bufLen, lsn, type, length);
    this.#bufLen += size;
    this.stats.appends++;
    this.stats.bytes += size;
    return lsn;
  }

  /** Write every buffered record to the OS (no sync): writtenLsn = nextLsn. */
  flush(): void {
    this.#checkUsable('flush');
    this.#flushBuffer();
  }

  /** Flush and fdatasync, synchronously: durableLsn = nextLsn at the call. */
  sync(): void {
    this.#checkUsable('sync');
    const target = this.nextLsn;
    if (target <= this.#durableLsn) return;
    if (this.#writeDurable()) {
      this.#madeDurable(target, true);
      return;
    }
    const inFlight = this.#inFlight;
    if (inFlight !== null) {
      // A round's durable write may not have reached the OS yet: its bytes again (the same bytes at the same place), then the fdatasync covers them.
      try {
        inFlight.file.file.write(inFlight.bytes, inFlight.offset);
      } catch (err) {
        throw this.#fail(err, `write to "${inFlight.file.file.path}"`);
      }
    }
    this.#flushBuffer(false);
    this.#unsyncedBytes = 0;
    const files = this.#filesToSync();
    for (const f of files) {
      const seen = f.writes;
      try {
        f.file.sync();
      } catch (err) {
        throw this.#fail(err, `fdatasync of "${f.file.path}"`);
      }
      this.stats.syncs++;
      f.syncedWrites = Math.max(f.syncedWrites, seen);
    }
    this.#madeDurable(target, true);
  }

  /**
   * Group commit: resolves once the record at `lsn` is durable (durableLsn > lsn).
   * Callers in the same tick share one sync round: it starts in a microtask
   * (or earlier, from here, in a long burst of commits: see the header),
   * flushes and fdatasyncs once (one fdatasync per file written since the last
   * round, normally one), and covers every record appended before it started.
   * Callers arriving while a round runs wait for the next one, which covers
   * all of them. Rejects with the I/O error if the round fails.
   */
  waitDurable(lsn: number): Promise<void> {
    if (lsn < this.#durableLsn) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#refusal('waitDurable'));
    // The messages only when a check fails: every commit passes here.
    if (this.#closed) assert(false, `WAL writer for "${this.dir}": waitDurable after close()`);
    if (!(Number.isSafeInteger(lsn) && lsn < this.nextLsn)) assert(false, `waitDurable(${lsn}): no record was appended at or after nextLsn ${this.nextLsn}`);
    const now = this.#now();
    if (this.#syncRunning) {
      // A record the running round covers (appended before it started) waits for that round only.
      if (lsn < this.#roundTarget) {
        const covered = (this.#covered ??= new WaitGroup(lsn, now));
        covered.count++;
        return covered.promise;
      }
      const group = (this.#waiting ??= new WaitGroup(lsn, now));
      group.count++;
      group.lastAt = now;
      return group.promise;
    }
    const group = (this.#waiting ??= new WaitGroup(lsn, now));
    const waiting = ++group.count;
    group.lastAt = now;
    if (waiting === 1 && !this.#deferred) {
      this.#firstWaitAt = now;
      this.#scheduleSync();
    } else if (waiting >= this.#groupSize && waiting >= EARLY_ROUND_MIN && now - this.#firstWaitAt >= this.#roundMs / 2 && !this.#blocksNext()) {
      // A group is waiting, for half a round's time: its fdatasync overlaps the rest of the burst.
      this.stats.earlyRounds++;
      void this.#runSync();
    }
    return group.promise;
  }

  /**
   * Drop the files that hold only records below `beforeLsn` (a checkpoint's
   * redo point, which must be durable). Up to spareFilesMax of them are
   * renamed to become the next files (their old records carry LSNs below
   * their new names, so no reader accepts them), the rest are removed. Never
   * touches the current file or any file holding an LSN >= beforeLsn.
   * `spareFilesMax` overrides the writer's bound for this call (0 at a clean
   * close: a database at rest keeps no spares); spares already waiting past
   * the current file beyond the bound are removed too, the highest first, so
   * the remaining ones stay contiguous after the current file.
   */
  recycle(beforeLsn: number, spareFilesMax = this.#spareFilesMax): void {
    this.#checkUsable('recycle');
    assert(Number.isSafeInteger(beforeLsn) && beforeLsn <= this.#durableLsn, `recycle(${beforeLsn}): must not pass durableLsn ${this.#durableLsn}`);
    assert(Number.isSafeInteger(spareFilesMax) && spareFilesMax >= 0, `spareFilesMax must be a non-negative integer, got ${spareFilesMax}`);
    try {
      this.#recycle(beforeLsn, spareFilesMax);
    } catch (err) {
      // A rename whose directory entry may not be durable must never be used.
      throw this.#fail(err, `recycling WAL files in "${this.dir}"`);
    }
  }

  /**
   * For a checkpoint that should leave the least WAL on disk (an explicit
   * CHECKPOINT): if the current file has more than a fresh file's head on
   * disk (zeroFillBytes, written or zero-filled), end it and continue in
   * a new file, and sync, so that a checkpoint whose redo point is then
   * nextLsn lets recycle() remove the old one. Spares waiting past the
   * current file are removed first (nothing refers to them), so the new
   * file is created sparse and only its first MiB is zero-filled, here,
   * not in the commits after it. Returns whether it switched (then every
   * record so far is durable); with false it did nothing.
   */
  startFreshFile(): boolean {
    this.#checkUsable('startFreshFile');
    const cur = this.#current;
    if (cur.allocatedTo <= Math.min(this.#zeroFillBytes, cur.size)) return false;
    try {
      for (const f of listWalFiles(this.#vfs, this.dir)) if (f.start > cur.start) this.#vfs.remove(f.path);
    } catch (err) {
      throw this.#fail(err, `removing spare WAL files in "${this.dir}"`);
    }
    // No file lies past the current one now, and records were only ever written at or below it: later spares go right after the new file.
    this.#frontier = cur.start + cur.size;
    if (cur.allocatedTo < cur.size) this.#partial.add(cur.start);
    this.#switchFile();
    this.sync();
    this.stats.freshFiles++;
    return true;
  }

  /**
   * Write buffered records (no sync: call sync() first for a clean shutdown)
   * and release the files. Commits still waiting are rejected with 55000,
   * unless a sync round already running covers them. Calling it again does
   * nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    let error: unknown;
    if (this.#failure === undefined) {
      try {
        this.#flushBuffer();
      } catch (err) {
        error = err;
      }
    }
    if (!this.#syncRunning) this.#finishClose();
    if (error !== undefined) throw error;
  }

  // ---- internals -----------------------------------------------------------

  #checkUsable(op: string): void {
    if (this.#closed) assert(false, `WAL writer for "${this.dir}": ${op} after close()`);
    if (this.#failure !== undefined) throw this.#refusal(op);
  }

  #refusal(op: string): FlintError {
    const failure = this.#failure;
    assert(failure !== undefined, 'refusal without a failure');
    const reason = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
    return new FlintError(
      SqlState.ioError,
      `WAL writer for "${this.dir}" refuses ${op}: it stopped after ${failure.what} failed (${reason}); restart to recover from the WAL on disk`,
      { cause: failure.cause },
    );
  }

  /** Record the first failure, reject every waiter with it, and return `err` for the caller to throw. */
  #fail(err: unknown, what: string): unknown {
    if (this.#failure === undefined) this.#failure = { what, cause: err };
    const covered = this.#covered;
    const waiting = this.#waiting;
    this.#covered = null;
    this.#waiting = null;
    covered?.reject(err);
    waiting?.reject(err);
    return err;
  }

  /** Room for `n` more bytes in the buffer; returns where they go. */
  #reserve(n: number): number {
    const need = this.#bufLen + n;
    if (need > this.#buf.length) {
      assert(!this.#fixed, `WAL write buffer of ${this.#buf.length} bytes cannot take ${need}`);
      const capacityMax = WAL_WRITE_BUFFER_BYTES + FILE_HEADER_SIZE + RECORD_HEADER_SIZE + this.maxPayloadBytes + END_RECORD_SIZE;
      assert(need <= capacityMax, `WAL write buffer would grow to ${need} bytes, past its bound ${capacityMax}`);
      const grown = new Uint8Array(Math.min(capacityMax, Math.max(need, this.#buf.length * 2)));
      grown.set(this.#buf.subarray(0, this.#bufLen));
      this.#buf = grown;
      this.#view = new DataView(grown.buffer);
    }
    return this.#bufLen;
  }

  /**
   * Compute the CRC of every record stamped since the last seal, in one
   * pass (the CRC tables stay in cache, where one CRC a record as it was
   * appended met them evicted by the work between two records). Every
   * path that takes bytes out of the buffer (#flushBuffer, #writeDurable,
   * #stageRound) seals first, so no record reaches a file unsealed.
   */
  #seal(): void {
    const from = this.#sealedTo;
    const to = this.#bufLen;
    if (from === to) return;
    const end = this.#sealBatch !== undefined ? this.#sealBatch(from, to) : sealRecords(this.#buf, this.#view, from, to, this.#crc);
    if (end !== to) assert(false, `WAL seal: the records from ${from} end at ${end}, the buffer at ${to}`);
    this.#sealedTo = to;
  }

  /**
   * Write the buffered records to the current file; `background`: and start
   * a background fdatasync if enough is unsynced (not when an fdatasync
   * follows at once). `zeroAhead` false (a full buffer's write, #makeRoom):
   * no zeros past the records, whose write allocated their own blocks, as
   * the next buffer's write allocates the blocks past them (see
   * "Zero-filling" in the header).
   */
  #flushBuffer(background = true, zeroAhead = true): void {
    this.#reservedLength = -1;
    if (this.#bufLen === 0) return;
    const cur = this.#current;
    this.#seal();
    try {
      const end = this.#bufOffset + this.#bufLen;
      cur.file.write(this.#buf.subarray(0, this.#bufLen), this.#bufOffset);
      // Zeros only past the records just written: the write itself allocated their blocks.
      if (end > cur.allocatedTo) {
        if (zeroAhead) this.#zeroFill(cur, end);
        else cur.allocatedTo = end;
      }
    } catch (err) {
      throw this.#fail(err, `write to "${cur.file.path}"`);
    }
    cur.writes++;
    this.#unsyncedBytes += this.#bufLen;
    this.#bufOffset += this.#bufLen;
    this.#bufLen = 0;
    this.#sealedTo = 0;
    this.#writtenLsn = this.nextLsn;
    if (background && this.#backgroundSyncBytes > 0 && this.#unsyncedBytes >= this.#backgroundSyncBytes) this.#backgroundSync(cur);
  }

  /**
   * sync()'s usual case, a commit's records and nothing else unsynced: they
   * go out in one VfsFile.writeDurable (O_DSYNC) instead of a write and an
   * fdatasync (see "One write per synchronous commit" in the header).
   * Returns false, having done nothing, if anything else needs an fdatasync
   * (an earlier write of any file not yet synced, a round's in flight) or
   * the records would reach blocks not yet zero-filled.
   */
  #writeDurable(): boolean {
    const cur = this.#current;
    const len = this.#bufLen;
    if (len === 0 || cur.syncedWrites < cur.writes || cur.syncsInFlight > 0 || this.#bufOffset + len > cur.allocatedTo) return false;
    const retired = this.#retired;
    for (let i = 0; i < retired.length; i++) if (retired[i]!.syncedWrites < retired[i]!.writes) return false;
    this.#reservedLength = -1;
    this.#seal();
    const seen = ++cur.writes;
    try {
      cur.file.writeDurable(this.#buf.subarray(0, len), this.#bufOffset);
    } catch (err) {
      throw this.#fail(err, `fdatasync (a durable write) of "${cur.file.path}"`);
    }
    cur.syncedWrites = Math.max(cur.syncedWrites, seen);
    this.stats.syncs++;
    this.stats.durableWrites++;
    this.#unsyncedBytes = 0;
    this.#bufOffset += len;
    this.#bufLen = 0;
    this.#sealedTo = 0;
    this.#writtenLsn = this.nextLsn;
    return true;
  }

  /**
   * A round's usual case, its commits' records and nothing else unsynced
   * (#writeDurable's conditions): copies them to #stage and starts
   * VfsFile.writeDurableAsync of the copy, which leaves the thread the
   * write as well as the fdatasync (see "Group commit" in the header).
   * Returns null, having done nothing, otherwise. The bytes count as
   * written (writtenLsn) from here, though on the node vfs they reach the
   * OS only as the write runs; sync() writes them again before its
   * fdatasync while it runs (#inFlight).
   */
  #stageRound(): { file: WalFile; seen: number; written: Promise<void> } | null {
    const cur = this.#current;
    const len = this.#bufLen;
    if (len === 0 || cur.syncedWrites < cur.writes || cur.syncsInFlight > 0 || this.#bufOffset + len > cur.allocatedTo) return null;
    for (const f of this.#retired) if (f.syncedWrites < f.writes) return null;
    if (this.#stage.length < len) this.#stage = new Uint8Array(Math.max(len, this.#stage.length * 2));
    this.#seal();
    const bytes = this.#stage.subarray(0, len);
    bytes.set(this.#buf.subarray(0, len));
    this.#reservedLength = -1;
    const seen = ++cur.writes;
    const offset = this.#bufOffset;
    this.#inFlight = { file: cur, offset, bytes };
    this.#unsyncedBytes = 0;
    this.#bufOffset += len;
    this.#bufLen = 0;
    this.#sealedTo = 0;
    this.#writtenLsn = this.nextLsn;
    let written: Promise<void>;
    try {
      written = cur.file.writeDurableAsync(bytes, offset);
    } catch (err) {
      written = Promise.reject(err);
    }
    return { file: cur, seen, written };
  }

  /** Where #stageRound copies a round's records (grown as needed, never shrunk). */
  #stage = new Uint8Array(16384);
  /** A round's durable write in flight (#stageRound): sync() writes its bytes again before its fdatasync. */
  #inFlight: { readonly file: WalFile; readonly offset: number; readonly bytes: Uint8Array } | null = null;

  /**
   * After a write of records that ends at `end`, past `f.allocatedTo`:
   * write zeros from `end` to the next multiple of ZERO_FILL_BYTES past it
   * (or the file's end), so that the blocks the log is about to use exist
   * on disk before fdatasyncs that must make them durable (see
   * "Zero-filling" in the header). Only ever past every record written to
   * the file. The records' own range gets no zeros: their write allocated
   * it (a bulk load's full buffers used to be zero-filled and then written
   * over, twice the bytes through write()).
   */
  #zeroFill(f: WalFile, end: number): void {
    const step = this.#zeroFillBytes;
    const to = Math.min(f.size, (Math.floor(end / step) + 1) * step);
    const zeros = (this.#zeros ??= new Uint8Array(step));
    for (let at = end; at < to; at += zeros.length) f.file.write(zeros.subarray(0, Math.min(zeros.length, to - at)), at);
    if (to > end) this.stats.zeroFilledBytes += to - end;
    f.allocatedTo = Math.max(to, end);
  }

  /** zeroFillBytes of zeros, for #zeroFill (made at its first use). */
  #zeros: Uint8Array | undefined;

  /**
   * Start an fdatasync of `f` that nobody waits for, on a second handle of
   * the file (see the header), shared by the background fdatasyncs running
   * on it and closed after the last: the writer's own handle may be closed,
   * or the file renamed, while they run. Not while a group-commit round's
   * fdatasync runs (it covers these writes), after close(), or with
   * BACKGROUND_SYNCS_MAX in flight.
   */
  #backgroundSync(f: WalFile): void {
    if (this.#closed || this.#syncRunning || this.#failure !== undefined || this.#backgroundSyncsRunning >= BACKGROUND_SYNCS_MAX) return;
    this.#unsyncedBytes = 0;
    const path = f.file.path;
    let bg = f.background;
    if (bg === null) {
      try {
        // Read-write, though nothing is written through it: some systems (Windows) flush only handles open for writing.
        bg = { handle: this.#vfs.open(path), running: 0 };
      } catch {
        return; // no handle (e.g. out of descriptors): the commit's fdatasync does it all, as without this
      }
      f.background = bg;
    }
    const running = bg;
    running.running++;
    this.#backgroundSyncsRunning++;
    this.stats.backgroundSyncs++;
    let syncing: Promise<void>;
    try {
      syncing = running.handle.syncAsync();
    } catch (err) {
      syncing = Promise.reject(err);
    }
    syncing.then(
      () => this.#backgroundSyncDone(f, running),
      (err: unknown) => {
        this.#backgroundSyncDone(f, running);
        // As any failed fdatasync: the kernel may have dropped the pages it could not write.
        this.#fail(err, `background fdatasync of "${path}"`);
      },
    );
  }

  #backgroundSyncDone(f: WalFile, bg: { readonly handle: VfsFile; running: number }): void {
    this.#backgroundSyncsRunning--;
    if (--bg.running > 0) return;
    if (f.background === bg) f.background = null;
    try {
      bg.handle.close();
    } catch {
      // Nothing was written through it: nothing of the log depends on its close.
    }
  }

  /** End the current file with an end record and continue in the next one. */
  #switchFile(): void {
    const from = this.#current;
    const nextStart = from.start + from.size;
    if (nextStart + this.fileBytes > LSN_LIMIT) {
      throw new FlintError(SqlState.programLimitExceeded, `WAL in "${this.dir}" has run out of LSNs (next file would start at ${nextStart})`);
    }
    let next: WalFile;
    try {
      next = this.#openNextFile(nextStart);
    } catch (err) {
      throw this.#fail(err, `starting WAL file "${walFilePath(this.dir, nextStart)}"`);
    }
    const at = this.#reserve(END_RECORD_SIZE);
    setU64(this.#view, at + RECORD_HEADER_SIZE, nextStart);
    stampRecord(this.#buf, this.#view, at, this.nextLsn, RECORD_TYPE_END, END_RECORD_PAYLOAD_SIZE);
    this.#bufLen += END_RECORD_SIZE;
    this.#flushBuffer();
    this.#retired.push(from);
    this.#current = next;
    this.#bufOffset = 0;
    encodeFileHeader(this.#buf, this.#reserve(FILE_HEADER_SIZE), nextStart, this.fileBytes);
    this.#bufLen += FILE_HEADER_SIZE;
    // The header has its own CRC and is no record: sealing starts after it.
    this.#sealedTo = this.#bufLen;
  }

  /** The file starting at `start`: a spare waiting there, or a new preallocated one whose name is durable. */
  #openNextFile(start: number): WalFile {
    const path = walFilePath(this.dir, start);
    if (this.#vfs.exists(path)) {
      const file = this.#vfs.open(path);
      let written: number;
      try {
        // Spares are made with this size; a foreign size is fixed (and made durable) once.
        written = file.size();
        if (written !== this.fileBytes) {
          file.truncate(this.fileBytes);
          file.sync();
        }
      } catch (err) {
        file.close();
        throw err;
      }
      // A spare was written through before (up to its old size, if that was smaller).
      return walFile(file, start, this.fileBytes, Math.min(written, this.fileBytes));
    }
    const file = createPreallocated(this.#vfs, path, this.fileBytes);
    this.#vfs.syncDir(this.dir);
    this.stats.filesCreated++;
    this.#frontier = Math.max(this.#frontier, start + this.fileBytes);
    // Sparse from its first byte: its header goes out with the first records.
    return walFile(file, start, this.fileBytes, 0);
  }

  /** Every file with writes no completed fdatasync covers (the current one last). */
  #filesToSync(): WalFile[] {
    const files = this.#retired.filter((f) => f.syncedWrites < f.writes);
    if (this.#current.syncedWrites < this.#current.writes) files.push(this.#current);
    return files;
  }

  /**
   * After a sync covering every record below `target`: advance durableLsn,
   * close finished files, wake the running round's commits, and with `all`
   * (a synchronous sync(): every record appended so far) those waiting for
   * the next round too.
   */
  #madeDurable(target: number, all: boolean): void {
    if (target > this.#durableLsn) this.#durableLsn = target;
    // Usually no file is retired: no new array then (every synchronous commit passes here).
    if (this.#retired.length > 0) this.#closeRetired();
    const covered = this.#covered;
    this.#covered = null;
    covered?.resolve();
    if (all) {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.resolve();
    }
  }

  /** Close the retired files every write of which is synced; keep the others. */
  #closeRetired(): void {
    this.#retired = this.#retired.filter((f) => {
      if (f.syncsInFlight > 0 || f.syncedWrites < f.writes) return true;
      f.file.close();
      return false;
    });
  }

  #scheduleSync(): void {
    if (this.#syncScheduled || this.#syncRunning) return;
    this.#syncScheduled = true;
    if (this.#blocksNext()) {
      // After the whole burst of commits (every microtask), and after a turn of the event loop.
      later(() => {
        this.#syncScheduled = false;
        if (!this.#syncRunning) this.#runRound();
      });
      return;
    }
    void Promise.resolve().then(() => {
      this.#syncScheduled = false;
      // A round started early (waitDurable) may be running: it, or the one after it, covers these waiters.
      if (!this.#syncRunning) return this.#runSync();
    });
  }

  /** Whether the next round blocks the thread (see "Blocking rounds" in the header). */
  #blocksNext(): boolean {
    return this.#blockingMode === 'always' || (this.#blockingMode === 'auto' && this.#blockingLeft > 0);
  }

  /** Start the next round, blocking or not (#blocksNext). */
  #runRound(): void {
    if (this.#blocksNext()) this.#runBlocking();
    else void this.#runSync();
  }

  /**
   * A round that blocks the thread (see the header): sync(), which covers
   * every waiting commit (nothing can be appended while it runs) and wakes
   * them; a failure rejects them (#fail).
   */
  #runBlocking(): void {
    this.#deferred = false;
    if (this.#waiting === null || this.#failure !== undefined || this.#closed || this.#syncRunning) return;
    if (this.#blockingLeft > 0) this.#blockingLeft--;
    const group = this.#waiting;
    const commits = group.count;
    const startedAt = this.#now();
    try {
      this.sync();
    } catch (err) {
      // sync() failed through #fail (the waiters are rejected), or closing a finished file failed after it.
      this.#fail(err, `closing WAL files in "${this.dir}"`);
      return;
    }
    const end = this.#now();
    this.stats.rounds++;
    this.stats.blockingRounds++;
    this.stats.roundCommits += commits;
    this.stats.roundMs += end - startedAt;
    // A burst of commits as long as half an asynchronous round: pacing's overlap of the statements with the rounds serves it better.
    const burst = group.lastAt - group.firstAt >= this.#roundMs / 2;
    // Costlier than the asynchronous rounds (a busy machine: see the header): back to those, for
    // longer each time in a row this happens. A run that blocked to its end shortens the wait again.
    if (this.#judgeBlocking(this.#roundCost(group, commits, end), burst)) {
      this.#blockingLeft = 0;
      this.#failedBlockingRuns = Math.min(BLOCKING_TRIAL_BACKOFF_MAX, this.#failedBlockingRuns + 1);
    } else if (this.#blockingLeft === 0 && this.#failedBlockingRuns > 0) this.#failedBlockingRuns--;
  }

  /**
   * A blocking round of the current run cost `cost` per commit (a long burst
   * counts as an endless cost): whether the run ends, its rounds dearer than
   * the asynchronous ones (#blockingCost is then what they cost). The run is
   * judged by the median of its rounds (the lower one of an even count) once
   * it has BLOCKING_JUDGED_ROUNDS: a thread that waits a scheduler slice for
   * its core after every blocking write (a busy machine) ends a run in two
   * rounds, one stall does not. Until session 17 one round dearer than the
   * asynchronous average ended a run by itself. Stalls of 4-15x the
   * asynchronous cost a commit hit about one blocking round in ten on a
   * quiet machine (one slow write; the asynchronous rounds see them too, but
   * their moving average hardly moves), and long bursts one in twenty (a
   * collection in the statements): in a full bench:peers run the 8-session
   * rounds blocked 148, 42, 146, 30, 10, 0, 0 and 0 of their ~158 rounds as
   * the waits between tries doubled, the rounds that blocked running
   * 39-45k commits/s and the others 22-37k.
   */
  #judgeBlocking(cost: number, burst: boolean): boolean {
    const run = this.#blockingRunCosts;
    run.push(burst ? Number.POSITIVE_INFINITY : cost);
    this.#blockingCost = lowerMedian(run);
    return run.length >= BLOCKING_JUDGED_ROUNDS && this.#blockingCost > this.#asyncCost;
  }

  /** A round's cost per commit (see the header): from its first commit, or the round before's end if later, to its end. */
  #roundCost(group: WaitGroup, commits: number, end: number): number {
    const cost = (end - Math.max(group.firstAt, this.#lastRoundEnd)) / Math.max(1, commits);
    this.#lastRoundEnd = end;
    return cost;
  }

  /** A round's cost per commit (#roundCost) into a moving average `average` (NaN: none yet). */
  #averageCost(average: number, group: WaitGroup, commits: number, end: number): number {
    const cost = this.#roundCost(group, commits, end);
    return Number.isNaN(average) ? cost : average + (cost - average) / 4;
  }

  /** blockingRounds 'auto', after an asynchronous round: whether the next rounds block (see the header). */
  #afterAsyncRound(idle: boolean, end: number): void {
    const covered = this.#covered;
    if (covered !== null) this.#asyncCost = this.#averageCost(this.#asyncCost, covered, covered.count, end);
    if (!idle) {
      this.#idleAsyncRounds = 0;
      return;
    }
    // Blocking rounds cost more lately: stay asynchronous, and try them again after a run of these.
    if (this.#blockingCost > this.#asyncCost && ++this.#idleAsyncRounds < blockingRetryRounds(this.#failedBlockingRuns)) return;
    this.#idleAsyncRounds = 0;
    this.#blockingCost = Number.NaN;
    this.#blockingRunCosts.length = 0;
    this.#blockingLeft = BLOCKING_ROUNDS_RUN;
  }

  /** One group-commit round: flush, fdatasync every file with new writes, wake the waiters it covers. */
  async #runSync(): Promise<void> {
    this.#deferred = false;
    if (this.#waiting === null || this.#failure !== undefined || this.#closed || this.#syncRunning) return;
    this.#syncRunning = true;
    const target = this.nextLsn;
    // Every commit waiting now has its record below target: this round covers them all.
    this.#covered = this.#waiting;
    this.#waiting = null;
    this.#roundTarget = target;
    const startedAt = this.#now();
    const idleAt = this.#idleMs();
    let files: WalFile[] = [];
    let ok = false;
    try {
      const staged = this.#stageRound();
      if (staged !== null) {
        // The round's records alone are unsynced: one durable write off the thread (see the header).
        const cur = staged.file;
        files = [cur];
        cur.syncsInFlight++;
        try {
          await staged.written;
        } catch (err) {
          throw this.#fail(err, `fdatasync (a durable write) of "${cur.file.path}"`);
        } finally {
          this.#inFlight = null;
        }
        this.stats.syncs++;
        this.stats.durableWrites++;
        cur.syncedWrites = Math.max(cur.syncedWrites, staged.seen);
      } else {
        this.#flushBuffer(false);
        this.#unsyncedBytes = 0;
        files = this.#filesToSync();
        for (const f of files) f.syncsInFlight++;
        for (const f of files) {
          const seen = f.writes;
          try {
            await f.file.syncAsync();
          } catch (err) {
            throw this.#fail(err, `fdatasync of "${f.file.path}"`);
          }
          this.stats.syncs++;
          f.syncedWrites = Math.max(f.syncedWrites, seen);
        }
      }
      ok = true;
    } catch {
      // #fail() recorded the failure and rejected every waiter with the error.
    } finally {
      for (const f of files) f.syncsInFlight--;
      this.#syncRunning = false;
    }
    // Nothing may escape: this runs detached from any caller.
    try {
      if (ok) {
        const ms = this.#now() - startedAt;
        this.#roundMs = this.#syncRounds++ === 0 ? ms : this.#roundMs + (ms - this.#roundMs) / 8;
        this.stats.rounds++;
        this.stats.roundCommits += this.#waitingCount(this.#covered);
        this.stats.roundMs += ms;
        // The thread idled through this round: the next ones block, unless blocking rounds cost more lately (see the header).
        if (this.#blockingMode === 'auto') this.#afterAsyncRound(ms > 0 && this.#idleMs() - idleAt >= IDLE_ROUND_SHARE * ms, this.#now());
        // The commits this round saw: those it covered and those that arrived while it ran.
        this.#groupSize = Math.max(2, Math.ceil((this.#waitingCount(this.#covered) + this.#waitingCount(this.#waiting)) / 2));
        this.#madeDurable(target, false);
      }
      const next = this.#waitingCount(this.#waiting);
      if (this.#closed) this.#finishClose();
      else if (next > 0 && this.#failure === undefined) {
        const now = this.#now();
        this.#firstWaitAt = now;
        const few = this.#groupSize < EARLY_ROUND_MIN;
        if (this.#blocksNext()) {
          // A blocking round after the burst of the sessions this one woke, covering them too.
          this.#deferred = true;
          later(() => {
            if (this.#deferred) this.#runRound();
          });
        } else if (few || (next >= this.#groupSize && this.#burstMs(this.#waiting) >= this.#roundMs / 2)) {
          // A group arrived during this round (or only a few commits come at a time, which gain
          // nothing from waiting): its round starts now, before the sessions this one woke run again.
          void this.#runSync();
        } else {
          // Too few for a group, or they came in a burst shorter than half a round (then one round
          // after the woken sessions' burst serves both better than two): the woken sessions join
          // them (waitDurable), or a macrotask starts the round after their burst.
          this.#deferred = true;
          later(() => {
            if (this.#deferred) this.#runRound();
          });
        }
      }
    } catch (err) {
      this.#fail(err, `closing WAL files in "${this.dir}"`);
    }
  }

  /** How long the burst of commits that made a group ran (ms). */
  #burstMs(group: WaitGroup | null): number {
    return group === null ? 0 : group.lastAt - group.firstAt;
  }

  /** Callers waiting on a group (0 for none). A method: the compiler keeps narrowing fields across the round's await. */
  #waitingCount(group: WaitGroup | null): number {
    return group === null ? 0 : group.count;
  }

  #finishClose(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(new FlintError(SqlState.objectNotInPrerequisiteState, `WAL writer for "${this.dir}" was closed before the record at LSN ${waiting.firstLsn} was durable`));
    for (const f of this.#retired) f.file.close();
    this.#retired = [];
    this.#current.file.close();
  }

  #recycle(beforeLsn: number, spareFilesMax: number): void {
    const current = this.#current.start;
    const files = listWalFiles(this.#vfs, this.dir);
    const busy = new Set(this.#retired.map((f) => f.start));
    const waiting = files.filter((f) => f.start > current);
    let changed = false;
    // Spares past the bound: nothing refers to a spare until the switch that opens it.
    while (waiting.length > spareFilesMax) {
      this.#vfs.remove(waiting.pop()!.path);
      changed = true;
    }
    let spares = waiting.length;
    for (const f of files) {
      if (f.start >= current) break;
      if (busy.has(f.start)) continue;
      const size = fileSize(this.#vfs, f.path);
      if (f.start + size > beforeLsn) continue;
      const target = this.#frontier;
      const partial = this.#partial.delete(f.start);
      if (size === this.fileBytes && !partial && spares < spareFilesMax && target + this.fileBytes <= LSN_LIMIT) {
        this.#vfs.rename(f.path, walFilePath(this.dir, target));
        this.#frontier = target + this.fileBytes;
        spares++;
        this.stats.filesRecycled++;
      } else {
        this.#vfs.remove(f.path);
      }
      changed = true;
    }
    if (changed) this.#vfs.syncDir(this.dir);
  }
}

/** The median of a few numbers (a blocking run's round costs: at most BLOCKING_ROUNDS_RUN), the lower one of an even count. */
function lowerMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}
