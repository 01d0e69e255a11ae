// The byte-level half of `flint check`: reads a data directory's files
// without opening the database (nothing is written) and verifies every
// checksum there is:
//
//   flint.control   magic, size, CRC, version (readControl)
//   catalog.<g>     the generation the control file names (readCatalog)
//   wal/            every record from the checkpoint's redo point to the end
//                   of the log: the reader checks each record's CRC and LSN
//   heap.flint      every 4 KiB page's CRC32C (an all-zero page is a page
//                   never written), and the header of every formatted block
//                   (magic, and its block number equal to its position); a
//                   compressed block (heap/compressed.ts): its header CRC, the
//                   CRC32C of its compressed bytes (its continuation blocks
//                   included), and after decompression every logical page's
//                   CRC32C
//
// A heap page whose CRC fails but which the WAL after the checkpoint
// rebuilds (a PAGE_IMAGE of it, a BLOCK_INIT of its block, or an index page
// after-image) is a page torn by a crash that recovery repairs: a note, not
// a problem. The WAL ending in a torn record is a note too: after a crash
// that is the unacknowledged tail recovery drops, and the reader cannot
// tell it from damage (docs/wal.md, "What recovery cannot tell").
//
// The logical half (every index against its heap) needs the engine:
// src/db/check.ts runs both.

import { FlintError } from '../errors.ts';
import { createKernels, MIN_ARENA_BYTES, type Kernels } from '../kernels/index.ts';
import { BLOCK_MAGIC, BLOCK_OFF_MAGIC, BLOCK_OFF_NUMBER } from '../kernels/layout.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../limits.ts';
import { readCatalog } from './catalog-file.ts';
import { controlPath, readControl, type ControlData } from './control-file.ts';
import { CODEC_LZ4, CODEC_ZSTD, CompressedStore } from './heap/compressed.ts';
import { HEAP_FILE_NAME } from './heap/heap.ts';
import { pageBlock, pageInBlock } from './index/btree-format.ts';
import { FORM_IMAGE } from './index/page-batch.ts';
import { RecordType } from './record-types.ts';
import { joinPath } from './vfs/path.ts';
import type { Vfs } from './vfs/vfs.ts';
import { listWalFiles, walFilePath } from './wal/wal-files.ts';
import { WalReader } from './wal/wal-reader.ts';

export interface CheckProblem {
  /** The file, as a path under the data directory. */
  readonly file: string;
  /** Byte offset in the file, when the problem has one. */
  readonly offset?: number;
  readonly what: string;
}

export interface FileCheckResult {
  readonly problems: CheckProblem[];
  /** What is worth knowing and is not damage (pages recovery will rebuild, a torn WAL tail). */
  readonly notes: string[];
  /** The control file's contents, if it could be read. */
  readonly control: ControlData | null;
  readonly pagesChecked: number;
  readonly walRecordsChecked: number;
}

/** At most this many problems are listed per file: past that the file is simply broken. */
const PROBLEMS_PER_FILE_MAX = 100;

/** Verify the checksums of every file of the data directory `dir`; reads only. */
export function checkFiles(vfs: Vfs, dir: string, kernels?: Kernels): FileCheckResult {
  const problems: CheckProblem[] = [];
  const notes: string[] = [];
  const fail = (error: unknown, file: string): void => {
    if (!(error instanceof FlintError)) throw error;
    problems.push({ file: error.file ?? file, ...(error.offset === undefined ? {} : { offset: error.offset }), what: `${error.message} (${error.code})` });
  };
  let control: ControlData | null = null;
  try {
    control = readControl(vfs, dir);
    if (control === null) problems.push({ file: controlPath(dir), what: 'no control file: this is not a Flint data directory (or one never opened)' });
  } catch (error) {
    fail(error, controlPath(dir));
  }
  if (control !== null) {
    try {
      readCatalog(vfs, dir, control.catalogGeneration);
    } catch (error) {
      fail(error, joinPath(dir, `catalog.${control.catalogGeneration}`));
    }
  }
  const wal = control === null ? { records: 0, rebuilt: new Set<number>() } : checkWal(vfs, dir, control.checkpointLsn, problems, notes);
  const pagesChecked = checkHeap(vfs, dir, kernels ?? createKernels({ arenaBytes: MIN_ARENA_BYTES }), wal.rebuilt, problems, notes);
  return { problems, notes, control, pagesChecked, walRecordsChecked: wal.records };
}

/**
 * Read the WAL from the redo point to its end. Returns the number of records
 * and the heap pages (block * PAGES_PER_BLOCK + page) its records rebuild whole.
 */
function checkWal(vfs: Vfs, dir: string, fromLsn: number, problems: CheckProblem[], notes: string[]): { records: number; rebuilt: Set<number> } {
  const walDir = joinPath(dir, 'wal');
  const rebuilt = new Set<number>();
  let records = 0;
  let reader: WalReader;
  try {
    reader = WalReader.open(vfs, walDir, fromLsn);
  } catch (error) {
    if (!(error instanceof FlintError)) throw error;
    problems.push({ file: error.file ?? walDir, ...(error.offset === undefined ? {} : { offset: error.offset }), what: `${error.message} (${error.code})` });
    return { records, rebuilt };
  }
  try {
    for (let r = reader.next(); r !== null; r = reader.next()) {
      records++;
      const p = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength);
      if (r.type === RecordType.pageImage && r.payload.length >= 5) rebuilt.add(p.getUint32(0, true) * PAGES_PER_BLOCK + p.getUint8(4));
      else if ((r.type === RecordType.blockInit || r.type === RecordType.blockImage) && r.payload.length >= 8) {
        // BLOCK_IMAGE: a compressed block's whole content (its torn-block guard).
        const blockNo = p.getUint32(r.type === RecordType.blockInit ? 4 : 0, true);
        for (let page = 0; page < PAGES_PER_BLOCK; page++) rebuilt.add(blockNo * PAGES_PER_BLOCK + page);
      } else if (r.type === RecordType.indexPages) {
        for (const pageId of imagedIndexPages(p)) rebuilt.add(pageBlock(pageId) * PAGES_PER_BLOCK + pageInBlock(pageId));
      }
    }
  } catch (error) {
    if (!(error instanceof FlintError)) throw error;
    problems.push({ file: error.file ?? walDir, ...(error.offset === undefined ? {} : { offset: error.offset }), what: `${error.message} (${error.code})` });
    return { records, rebuilt };
  }
  const end = reader.endLsn;
  const where = walPosition(vfs, walDir, end);
  if (reader.stopReason === 'corrupt') {
    problems.push({ ...where, what: `WAL record at LSN ${end} has a valid checksum but is not one this version writes; the log is unreadable from there` });
  } else if (reader.stopReason === 'torn') {
    notes.push(`the WAL ends at LSN ${end} (${where.file} offset ${where.offset}) with a record whose length or checksum does not check out: after a crash that is the unacknowledged tail recovery drops; after a clean shutdown it is damage (nothing is lost: a checkpoint made the heap durable)`);
  }
  return { records, rebuilt };
}

/** Page ids of an INDEX_PAGES record that carry whole after-images (form 0). */
function imagedIndexPages(p: DataView): number[] {
  const ids: number[] = [];
  if (p.byteLength < 2) return ids;
  const n = p.getUint16(0, true);
  let at = 2;
  for (let i = 0; i < n && at + 9 <= p.byteLength; i++) {
    const form = p.getUint8(at + 4);
    const a = p.getUint16(at + 5, true);
    const b = p.getUint16(at + 7, true);
    if (form === FORM_IMAGE) ids.push(p.getUint32(at, true));
    at += 9 + (form === FORM_IMAGE ? a + PAGE_SIZE - b : b);
  }
  return ids;
}

function walPosition(vfs: Vfs, walDir: string, lsn: number): { file: string; offset: number } {
  let start = 0;
  for (const f of listWalFiles(vfs, walDir)) if (f.start <= lsn) start = f.start;
  return { file: walFilePath(walDir, start), offset: lsn - start };
}

/** Verify every page of heap.flint; returns the number of pages read. */
function checkHeap(vfs: Vfs, dir: string, kernels: Kernels, rebuilt: Set<number>, problems: CheckProblem[], notes: string[]): number {
  const path = joinPath(dir, HEAP_FILE_NAME);
  if (!vfs.exists(path)) {
    problems.push({ file: path, what: 'the heap file is missing' });
    return 0;
  }
  const file = vfs.open(path, { readOnly: true });
  const base = kernels.arenaOffset;
  const block = new Uint8Array(kernels.buffer, base, BLOCK_SIZE);
  const view = new DataView(kernels.buffer, base, BLOCK_SIZE);
  let pages = 0;
  let found = 0;
  try {
    const size = file.size();
    // Compressed blocks and the continuation blocks their headers list (raw stream bytes, checked with their home block).
    const homes = new Set<number>();
    const continuations = new Set<number>();
    const header = new Uint8Array(256);
    for (let blockNo = 1; blockNo * BLOCK_SIZE < size; blockNo++) {
      if (file.read(header, blockNo * BLOCK_SIZE) < header.length) break;
      if (header[37] === CODEC_LZ4 || header[37] === CODEC_ZSTD) {
        const conts = CompressedStore.continuationsOf(header);
        if (new DataView(header.buffer).getUint32(BLOCK_OFF_MAGIC, true) !== BLOCK_MAGIC) continue;
        homes.add(blockNo);
        for (const c of conts) continuations.add(c);
      }
    }
    const store = homes.size === 0 ? null : new CompressedStore(null, file, kernels.kind, {
      walDurable: () => {},
      allocateContinuation: () => { throw new Error('flint check writes nothing'); },
    });
    // A file extension cut short by a crash; the missing bytes read as zeros, and the page is checked below like any other.
    if (size % PAGE_SIZE !== 0) notes.push(`${path} ends inside a page (${size} bytes): a write cut short by a crash`);
    for (let blockNo = 0; blockNo * BLOCK_SIZE < size && found < PROBLEMS_PER_FILE_MAX; blockNo++) {
      if (continuations.has(blockNo) && !homes.has(blockNo)) continue;
      if (store !== null && homes.has(blockNo)) {
        pages += PAGES_PER_BLOCK;
        const error = store.verify(blockNo);
        if (error === null) continue;
        if (rebuilt.has(blockNo * PAGES_PER_BLOCK)) {
          notes.push(`${path} offset ${blockNo * BLOCK_SIZE}: compressed block ${blockNo} does not check out (${error.message}), but the WAL holds its image: a block torn by a crash, which recovery rebuilds`);
        } else {
          problems.push({ file: path, offset: error.offset ?? blockNo * BLOCK_SIZE, what: `${error.message} (${error.code})` });
          found++;
        }
        continue;
      }
      const got = file.read(block, blockNo * BLOCK_SIZE);
      if (got < BLOCK_SIZE) block.fill(0, got);
      for (let page = 0; page < PAGES_PER_BLOCK && blockNo * BLOCK_SIZE + page * PAGE_SIZE < size; page++) {
        pages++;
        const offset = blockNo * BLOCK_SIZE + page * PAGE_SIZE;
        if (kernels.pageVerify(base + page * PAGE_SIZE) === 1 || allZero(block, page * PAGE_SIZE, PAGE_SIZE)) continue;
        if (rebuilt.has(blockNo * PAGES_PER_BLOCK + page)) {
          notes.push(`${path} offset ${offset}: page checksum mismatch, but the WAL holds its image: a page torn by a crash, which recovery rebuilds`);
          continue;
        }
        problems.push({ file: path, offset, what: `page checksum mismatch (block ${blockNo}, page ${page})` });
        found++;
      }
      // A formatted block names itself: a block written to the wrong place shows here.
      const magic = view.getUint32(BLOCK_OFF_MAGIC, true);
      if (blockNo > 0 && magic === BLOCK_MAGIC && kernels.pageVerify(base) === 1 && view.getInt32(BLOCK_OFF_NUMBER, true) !== blockNo) {
        problems.push({ file: path, offset: blockNo * BLOCK_SIZE + BLOCK_OFF_NUMBER, what: `block ${blockNo}'s header says it is block ${view.getInt32(BLOCK_OFF_NUMBER, true)}` });
        found++;
      }
    }
  } finally {
    file.close();
  }
  return pages;
}

function allZero(bytes: Uint8Array, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) if (bytes[i] !== 0) return false;
  return true;
}
