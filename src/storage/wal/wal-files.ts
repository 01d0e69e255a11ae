// The WAL directory and its files: listing them, their headers, creating a
// preallocated file, and the state the writer keeps per open file.

import type { Vfs, VfsFile } from '../vfs/index.ts';
import { joinPath } from '../vfs/index.ts';
import {
  decodeFileHeader,
  encodeFileHeader,
  END_RECORD_PAYLOAD_SIZE,
  END_RECORD_SIZE,
  FILE_HEADER_SIZE,
  parseWalFileName,
  RECORD_HEADER_SIZE,
  RECORD_TYPE_END,
  sealRecord,
  setU64,
  walFileName,
  type FileHeader,
} from './format.ts';

export interface WalFileEntry {
  /** Start LSN, from the name. */
  readonly start: number;
  readonly path: string;
}

/** The WAL files of `dir` in LSN order; other names are ignored. A missing directory holds none. */
export function listWalFiles(vfs: Vfs, dir: string): WalFileEntry[] {
  if (!vfs.exists(dir)) return [];
  const files: WalFileEntry[] = [];
  for (const name of vfs.list(dir)) {
    const start = parseWalFileName(name);
    if (start !== undefined) files.push({ start, path: joinPath(dir, name) });
  }
  return files.sort((a, b) => a.start - b.start);
}

export function walFilePath(dir: string, start: number): string {
  return joinPath(dir, walFileName(start));
}

/** Read and decode the header of an open WAL file; a file shorter than a header reads as zeros past its end. */
export function readFileHeader(file: VfsFile): FileHeader {
  const u8 = new Uint8Array(FILE_HEADER_SIZE);
  file.read(u8, 0);
  return decodeFileHeader(u8, 0);
}

/** The header of a file, valid and written for the file's own name (not a recycled one). */
export function isOwnHeader(header: FileHeader, start: number): header is Extract<FileHeader, { kind: 'valid' }> {
  return header.kind === 'valid' && header.start === start;
}

export function fileSize(vfs: Vfs, path: string): number {
  const file = vfs.open(path, { readOnly: true });
  try {
    return file.size();
  } finally {
    file.close();
  }
}

/**
 * Create `path` (it must not exist), preallocate it to fileBytes, write its
 * header if asked, and fdatasync it, so that later fdatasyncs of the file
 * need no metadata update. The caller syncs the directory.
 */
export function createPreallocated(vfs: Vfs, path: string, fileBytes: number, headerStart?: number): VfsFile {
  const file = vfs.open(path, { exclusive: true });
  try {
    file.truncate(fileBytes);
    if (headerStart !== undefined) writeFileHeader(file, headerStart, fileBytes);
    file.sync();
  } catch (err) {
    file.close();
    throw err;
  }
  return file;
}

export function writeFileHeader(file: VfsFile, start: number, fileBytes: number): void {
  const u8 = new Uint8Array(FILE_HEADER_SIZE);
  encodeFileHeader(u8, 0, start, fileBytes);
  file.write(u8, 0);
}

/** Write an end record with LSN `lsn` at `offset` of the file, pointing at the file that starts at `nextStart`. */
export function writeEndRecord(file: VfsFile, offset: number, lsn: number, nextStart: number): void {
  const u8 = new Uint8Array(END_RECORD_SIZE);
  const view = new DataView(u8.buffer);
  setU64(view, RECORD_HEADER_SIZE, nextStart);
  sealRecord(u8, view, 0, lsn, RECORD_TYPE_END, END_RECORD_PAYLOAD_SIZE);
  file.write(u8, offset);
}

/** A WAL file the writer holds open, and what of it is durable. */
export interface WalFile {
  readonly file: VfsFile;
  readonly start: number;
  readonly size: number;
  /** Writes issued to the file so far. */
  writes: number;
  /** Writes covered by a completed fdatasync. */
  syncedWrites: number;
  /** syncAsync() calls running on the file: it must not be closed before they end. */
  syncsInFlight: number;
  /** The second handle background fdatasyncs run on (WalWriter), while any runs; closed after the last. */
  background: { readonly handle: VfsFile; running: number } | null;
  /**
   * Bytes from the file's start known to have disk blocks: written before
   * (a recycled file), written with records, or zero-filled by the writer
   * ahead of its records. A
   * file made by createPreallocated is sparse past its header: an
   * fdatasync after a write into a hole must also commit the block's
   * allocation, which doubled a group commit's fdatasync (WalWriter,
   * "Zero-filling").
   */
  allocatedTo: number;
}

/** A file whose content so far is durable; `allocatedTo` (WalFile.allocatedTo) defaults to all of it. */
export function walFile(file: VfsFile, start: number, size: number, allocatedTo = size): WalFile {
  return { file, start, size, writes: 0, syncedWrites: 0, syncsInFlight: 0, background: null, allocatedTo };
}
