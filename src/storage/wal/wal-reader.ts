// The WAL reader: replays records from an LSN (a checkpoint's redo point) to
// the end of the log, for recovery and for replication.
//
// It follows the chain of files: from the file holding fromLsn, record after
// record, and at an end record to the file it names. It stops cleanly at the
// first place that is not a valid record where it lies, and endLsn is then
// where a WalWriter continues. Why it stopped (stopReason):
//   'end'      nothing was written there: zero bytes, a stale record left by
//              an earlier use of a recycled file (its LSN is not its position),
//              or an end record naming a file whose header was never written;
//   'torn'     a record whose LSN matches its position but whose checksum or
//              length does not check out: what a crash during a write leaves;
//   'corrupt'  a record whose checksum is right but whose header is not one
//              this version writes (reserved bits, a bad end record): a torn
//              write cannot produce it.
// A record damaged in the middle of the log (bit rot) looks like a torn tail,
// and the records after it are not returned: a torn write can leave valid
// records behind a broken one as well (sectors reach the disk in any order),
// so the two cannot be told apart here. The reader cannot know which records
// were acknowledged; a later check could compare endLsn with the durable LSN
// a checkpoint recorded.
//
// An end record naming a file that does not exist is XX001: the writer makes
// a file's name durable before it writes the end record pointing to it.

import { FlintError, SqlState, assert } from '../../errors.ts';
import type { Vfs, VfsFile } from '../vfs/index.ts';
import {
  type Crc32c,
  END_RECORD_PAYLOAD_SIZE,
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  getU64,
  maxPayloadBytes,
  RECORD_HEADER_SIZE,
  RECORD_OFF_CRC,
  RECORD_OFF_LENGTH,
  RECORD_OFF_LSN,
  RECORD_OFF_RESERVED,
  RECORD_OFF_TYPE,
  RECORD_TYPE_END,
  crc32c,
  unsupportedVersion,
  WAL_RECORD_PAYLOAD_MAX,
} from './format.ts';
import { isOwnHeader, listWalFiles, readFileHeader, walFilePath } from './wal-files.ts';
import type { WalBuffer, WalOptions } from './wal-writer.ts';

export type WalStopReason = 'end' | 'torn' | 'corrupt';

export interface WalRecordView {
  /** Where the record's header starts in the WAL stream. */
  readonly lsn: number;
  /** 1..255, as given to append(). */
  readonly type: number;
  /** A view into the reader's buffer: valid until the next call to next(). Copy it to keep it. */
  readonly payload: Uint8Array;
}

/** Bytes read from a file at a time; grows to fit one record. */
const READ_CHUNK_BYTES = 262144;
/** The least a caller's buffer (WalOptions.buffer) holds: a chunk, or the longest record of any file (next() loads no more). */
const READ_BUFFER_BYTES_MIN = Math.max(READ_CHUNK_BYTES, RECORD_HEADER_SIZE + WAL_RECORD_PAYLOAD_MAX);

export class WalReader implements Iterable<WalRecordView> {
  readonly dir: string;
  readonly #vfs: Vfs;
  #file: VfsFile | undefined;
  #fileStart = 0;
  #fileEnd = 0;
  #payloadMax = 0;
  /** LSN of the next record to read; the final endLsn once done. */
  #pos: number;
  #buf: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(this.#buf.buffer);
  /** The CRC32C records are checked with: format.ts's, or that of the caller's buffer (WalOptions.buffer). */
  #crc: Crc32c = crc32c;
  /** Whether #buf is the caller's (WalOptions.buffer): large enough for any chunk and record, never replaced. */
  #fixed = false;
  /** LSN of #buf[0] and the number of bytes of the current file loaded from there. */
  #bufLsn = 0;
  #bufLen = 0;
  #stop: WalStopReason | undefined;

  private constructor(vfs: Vfs, dir: string, fromLsn: number, buffer: WalBuffer | undefined) {
    this.#vfs = vfs;
    this.dir = dir;
    this.#pos = fromLsn;
    if (buffer !== undefined) {
      const bytes = buffer.bytes;
      assert(bytes.length >= READ_BUFFER_BYTES_MIN, `WalReader: a buffer of ${bytes.length} bytes is shorter than ${READ_BUFFER_BYTES_MIN}`);
      this.#buf = bytes;
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#crc = buffer.crc32c;
      this.#fixed = true;
    }
  }

  /**
   * Read the log in `dir` from the record at `fromLsn` (or the first record
   * after it, if fromLsn falls in a file header). A directory without WAL
   * files ends at once with endLsn = fromLsn. XX001 if no file holds fromLsn
   * while later ones exist, or if that file's header is damaged although
   * records should follow it. With `options.buffer` (the engine's, in the
   * kernels' memory, before its writer uses it) the records are read into
   * it and checked with its CRC32C: the WASM kernel's, ~3x format.ts's, a
   * quarter of a recovery's time before (a bulk load's 32 MB of WAL).
   */
  static open(vfs: Vfs, dir: string, fromLsn: number, options: WalOptions = {}): WalReader {
    assert(Number.isSafeInteger(fromLsn) && fromLsn >= 0, `fromLsn must be a non-negative integer, got ${fromLsn}`);
    const reader = new WalReader(vfs, dir, fromLsn, options.buffer);
    reader.#start(fromLsn);
    return reader;
  }

  /** True once next() has returned null. */
  get done(): boolean {
    return this.#stop !== undefined;
  }

  /** The LSN after the last record returned; once done, where a WalWriter continues. */
  get endLsn(): number {
    return this.#pos;
  }

  /** Why reading stopped; only once done. */
  get stopReason(): WalStopReason {
    assert(this.#stop !== undefined, 'WalReader.stopReason before the end of the log');
    return this.#stop;
  }

  /** The next record, or null at the end of the log (see stopReason). */
  next(): WalRecordView | null {
    // Each pass either returns, stops, or moves to a later file: bounded by the files in the directory.
    for (;;) {
      const file = this.#file;
      if (this.#stop !== undefined || file === undefined) return null;
      const pos = this.#pos;
      if (pos + END_RECORD_SIZE > this.#fileEnd) return this.#end('corrupt'); // the writer always leaves room for an end record
      let at = this.#load(pos, RECORD_HEADER_SIZE);
      const u8 = this.#buf;
      const view = this.#view;
      if (isZero(u8, at, RECORD_HEADER_SIZE)) return this.#end('end');
      if (getU64(view, at + RECORD_OFF_LSN) !== pos) return this.#end('end');
      const length = view.getUint32(at + RECORD_OFF_LENGTH, true);
      const size = RECORD_HEADER_SIZE + length;
      if (length > this.#payloadMax || pos + size > this.#fileEnd) return this.#end('torn');
      at = this.#load(pos, size);
      if (this.#crc(this.#buf, at + RECORD_OFF_LENGTH, size - RECORD_OFF_LENGTH) >>> 0 !== this.#view.getUint32(at + RECORD_OFF_CRC, true)) return this.#end('torn');
      const type = this.#buf[at + RECORD_OFF_TYPE]!;
      if (!isZero(this.#buf, at + RECORD_OFF_RESERVED, 3)) return this.#end('corrupt');
      if (type === RECORD_TYPE_END) {
        if (length !== END_RECORD_PAYLOAD_SIZE) return this.#end('corrupt');
        const nextStart = getU64(this.#view, at + RECORD_HEADER_SIZE);
        if (nextStart < this.#fileEnd) return this.#end('corrupt');
        const entered = this.#enter(nextStart, `the end record at LSN ${pos} in "${file.path}" points to it`);
        if (entered !== true) return this.#end(entered);
        continue;
      }
      if (pos + size + END_RECORD_SIZE > this.#fileEnd) return this.#end('corrupt');
      this.#pos = pos + size;
      return { lsn: pos, type, payload: this.#buf.subarray(at + RECORD_HEADER_SIZE, at + size) };
    }
  }

  /** Release the open file; next() then returns null. Done automatically at the end of the log. */
  close(): void {
    this.#closeFile();
    if (this.#stop === undefined) this.#stop = 'end';
  }

  *[Symbol.iterator](): Iterator<WalRecordView> {
    try {
      for (let r = this.next(); r !== null; r = this.next()) yield r;
    } finally {
      if (!this.done) this.close();
    }
  }

  // ---- internals -----------------------------------------------------------

  #start(fromLsn: number): void {
    const files = listWalFiles(this.#vfs, this.dir);
    let holder: (typeof files)[number] | undefined;
    for (const f of files) if (f.start <= fromLsn) holder = f;
    if (holder === undefined) {
      const first = files[0];
      if (first === undefined) {
        this.#stop = 'end';
        return;
      }
      throw new FlintError(SqlState.dataCorrupted, `WAL file holding LSN ${fromLsn} is missing: the first WAL file is "${first.path}"`, { file: first.path });
    }
    const firstRecord = holder.start + FILE_HEADER_SIZE;
    if (fromLsn < firstRecord) this.#pos = firstRecord;
    const entered = this.#enter(holder.start, undefined);
    if (entered === true) {
      if (this.#pos + END_RECORD_SIZE > this.#fileEnd) {
        this.#closeFile();
        throw new FlintError(SqlState.dataCorrupted, `no WAL file holds LSN ${fromLsn}: "${holder.path}" ends at ${this.#fileEnd}`, { file: holder.path });
      }
      return;
    }
    // A file whose header never reached the disk holds no records: fine where the log begins, corrupt where records should be.
    if (fromLsn > firstRecord) throw new FlintError(SqlState.dataCorrupted, `invalid header in WAL file "${holder.path}", which should hold the record at LSN ${fromLsn}`, { file: holder.path, offset: 0 });
    this.#pos = fromLsn;
    this.#stop = entered;
  }

  /**
   * Make the file starting at `start` current, positioned at its first
   * record. Returns true, or the stop reason if its header is not one
   * written for it (never written, torn, or a recycled file's).
   */
  #enter(start: number, pointedFrom: string | undefined): true | WalStopReason {
    const path = walFilePath(this.dir, start);
    this.#closeFile();
    let file: VfsFile;
    try {
      file = this.#vfs.open(path, { readOnly: true });
    } catch (err) {
      if (err instanceof FlintError && err.code === SqlState.undefinedFile) {
        throw new FlintError(SqlState.dataCorrupted, `WAL file "${path}" is missing${pointedFrom === undefined ? '' : `: ${pointedFrom}`}`, { file: path, cause: err });
      }
      throw err;
    }
    let header;
    try {
      header = readFileHeader(file);
    } catch (err) {
      file.close();
      throw err;
    }
    if (header.kind === 'version') {
      file.close();
      throw unsupportedVersion(path, header.version);
    }
    if (!isOwnHeader(header, start)) {
      file.close();
      return header.kind === 'invalid' ? 'torn' : 'end';
    }
    this.#file = file;
    this.#fileStart = start;
    this.#fileEnd = start + header.fileBytes;
    this.#payloadMax = maxPayloadBytes(header.fileBytes);
    if (this.#pos < start + FILE_HEADER_SIZE) this.#pos = start + FILE_HEADER_SIZE;
    this.#bufLen = 0;
    return true;
  }

  /** Load [lsn, lsn + n) of the current file into the buffer; returns its offset there. Bytes past the file's end read as zero. */
  #load(lsn: number, n: number): number {
    if (lsn >= this.#bufLsn && lsn + n <= this.#bufLsn + this.#bufLen) return lsn - this.#bufLsn;
    const file = this.#file;
    assert(file !== undefined, 'WalReader load without a file');
    const want = Math.max(n, Math.min(READ_CHUNK_BYTES, this.#fileEnd - lsn));
    if (this.#buf.length < want) {
      // The caller's buffer holds a chunk and the longest record (READ_BUFFER_BYTES_MIN): next() never asks for more.
      assert(!this.#fixed, `WalReader: ${want} bytes wanted from a buffer of ${this.#buf.length}`);
      this.#buf = new Uint8Array(Math.max(want, READ_CHUNK_BYTES));
      this.#view = new DataView(this.#buf.buffer);
    }
    const into = this.#buf.subarray(0, want);
    const got = file.read(into, lsn - this.#fileStart);
    if (got < want) into.fill(0, got);
    this.#bufLsn = lsn;
    this.#bufLen = want;
    return 0;
  }

  #end(reason: WalStopReason): null {
    this.#stop = reason;
    this.#closeFile();
    return null;
  }

  #closeFile(): void {
    this.#file?.close();
    this.#file = undefined;
    this.#bufLen = 0;
  }
}

function isZero(u8: Uint8Array, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) if (u8[i] !== 0) return false;
  return true;
}

/** The result of readWal(): iterate `records` once, then ask endLsn() and stopReason(). */
export interface WalReadResult {
  readonly records: Iterable<WalRecordView>;
  endLsn(): number;
  stopReason(): WalStopReason;
}

/** readWal(vfs, dir, from) is WalReader.open() in the shape of an iterable and two questions for after it. */
export function readWal(vfs: Vfs, dir: string, fromLsn: number, options: WalOptions = {}): WalReadResult {
  const reader = WalReader.open(vfs, dir, fromLsn, options);
  return {
    records: reader,
    endLsn: () => reader.endLsn,
    stopReason: () => reader.stopReason,
  };
}
