// The on-disk format of the write-ahead log: file names, the file header, the
// record header, and their checksums. The writer (wal-writer.ts) and the
// reader (wal-reader.ts) share these definitions; docs/wal.md explains them.
//
// LSNs. An LSN is a byte position in the logical WAL stream, a JS number below
// 2^53. Every WAL file covers the LSN range [start, start + fileSize): its
// byte at offset k has LSN start + k, header included, so a record's LSN is
// where its header starts and no record ever has LSN 0 (0 can mean "none").
// The stream has gaps: a writer that opens an existing log continues in a new
// file beyond every position the directory has ever used (see wal-writer.ts),
// and an end record says where the next file starts.
//
// Files. `<dir>/<start LSN as 16 lowercase hex digits>.wal`, preallocated to
// fileSize bytes. Little-endian throughout.
//
// File header (FILE_HEADER_SIZE = 32 bytes, at offset 0 of every file):
//
// OFFSET SIZE DESCRIPTION
//      0    4 magic WAL_MAGIC: the bytes "FWAL"
//      4    4 format version (WAL_FORMAT_VERSION)
//      8    8 file size in bytes (u64); equals the file's length on disk
//     16    8 start LSN (u64); equals the LSN in the file's name
//     24    4 reserved (0)
//     28    4 CRC32C of bytes [0, 28)
//
// A header whose start LSN differs from the file's name is a recycled file
// waiting to be reused: its old records carry LSNs below its new name.
//
// Record (RECORD_HEADER_SIZE = 20 bytes of header, then the payload), at any
// offset >= 32 of a file; records are packed without alignment:
//
// OFFSET SIZE DESCRIPTION
//      0    4 CRC32C of bytes [4, 20 + payload length) of the record
//      4    4 payload length in bytes (u32)
//      8    8 LSN of this record (u64): the file's start LSN + this offset
//     16    1 type: 1..255 chosen by the caller; 0 is the writer's end record
//     17    3 reserved (0)
//     20    … payload
//
// End record (type 0, END_RECORD_SIZE = 28 bytes): the payload is one u64,
// the start LSN of the file where the log continues (this file's end LSN, or
// further on after a writer restart). Nothing after it in the file counts.
// Records never span files: a record is placed only if an end record still
// fits after it, so every file can end with an end record.
//
// A record is valid where it lies only if its LSN field equals its position:
// that rejects stale records left in a recycled file, whose LSNs are older.

import { FlintError, SqlState } from '../../errors.ts';
import { crc32cUpdate } from '../../kernels/ts/bytes.ts';

/** Format version written into every file header. */
export const WAL_FORMAT_VERSION = 1;
/** "FWAL" as a little-endian u32. */
export const WAL_MAGIC = 0x4c415746;

export const FILE_HEADER_SIZE = 32;
export const FILE_HEADER_OFF_MAGIC = 0;
export const FILE_HEADER_OFF_VERSION = 4;
export const FILE_HEADER_OFF_SIZE = 8;
export const FILE_HEADER_OFF_START = 16;
export const FILE_HEADER_OFF_CRC = 28;

export const RECORD_HEADER_SIZE = 20;
export const RECORD_OFF_CRC = 0;
export const RECORD_OFF_LENGTH = 4;
export const RECORD_OFF_LSN = 8;
export const RECORD_OFF_TYPE = 16;
export const RECORD_OFF_RESERVED = 17;

/** Type of the writer's end-of-file record; callers use 1..255. */
export const RECORD_TYPE_END = 0;
export const RECORD_TYPE_MIN = 1;
export const RECORD_TYPE_MAX = 255;
/** Payload of an end record: the u64 start LSN of the next file. */
export const END_RECORD_PAYLOAD_SIZE = 8;
export const END_RECORD_SIZE = RECORD_HEADER_SIZE + END_RECORD_PAYLOAD_SIZE;

/** Largest record payload the format allows. A writer may allow less: see maxPayloadBytes(). */
export const WAL_RECORD_PAYLOAD_MAX = 1048576;
/** Default size of a WAL file. */
export const WAL_FILE_BYTES_DEFAULT = 16777216;
/** Smallest WAL file. */
export const WAL_FILE_BYTES_MIN = 65536;
/** Largest WAL file. */
export const WAL_FILE_BYTES_MAX = 1073741824;
/** WAL file sizes are multiples of this (whole pages for the OS). */
export const WAL_FILE_BYTES_ALIGN = 4096;
/** LSNs are JS numbers: exact below 2^53. */
export const LSN_LIMIT = Number.MAX_SAFE_INTEGER;

const TWO_POW_32 = 4294967296;
const FILE_NAME_PATTERN = /^[0-9a-f]{16}\.wal$/;

/** Largest payload a file of `fileBytes` holds: the record and an end record after it must fit after the header. */
export function maxPayloadBytes(fileBytes: number): number {
  return Math.min(WAL_RECORD_PAYLOAD_MAX, fileBytes - FILE_HEADER_SIZE - RECORD_HEADER_SIZE - END_RECORD_SIZE);
}

/** Check a fileBytes option: 22023 if it is not a valid WAL file size. */
export function checkFileBytes(fileBytes: number): number {
  if (
    !Number.isSafeInteger(fileBytes) ||
    fileBytes < WAL_FILE_BYTES_MIN ||
    fileBytes > WAL_FILE_BYTES_MAX ||
    fileBytes % WAL_FILE_BYTES_ALIGN !== 0
  ) {
    throw new FlintError(
      SqlState.invalidParameterValue,
      `WAL fileBytes must be a multiple of ${WAL_FILE_BYTES_ALIGN} in [${WAL_FILE_BYTES_MIN}, ${WAL_FILE_BYTES_MAX}], got ${fileBytes}`,
    );
  }
  return fileBytes;
}

/** `<start as 16 hex digits>.wal` */
export function walFileName(start: number): string {
  return start.toString(16).padStart(16, '0') + '.wal';
}

/** The start LSN a WAL file name encodes, or undefined if `name` is not a WAL file name. */
export function parseWalFileName(name: string): number | undefined {
  if (!FILE_NAME_PATTERN.test(name)) return undefined;
  const start = parseInt(name.slice(0, 16), 16);
  return start <= LSN_LIMIT ? start : undefined;
}

/** CRC32C of u8[offset, offset + length). */
export function crc32c(u8: Uint8Array, offset: number, length: number): number {
  return ~crc32cUpdate(u8, offset, length, -1) >>> 0;
}

export function getU64(view: DataView, offset: number): number {
  const lo = view.getUint32(offset, true);
  const hi = view.getUint32(offset + 4, true);
  // Values at or above 2^53 are not LSNs; map them to a value no check accepts.
  return hi >= 0x200000 ? Number.POSITIVE_INFINITY : hi * TWO_POW_32 + lo;
}

export function setU64(view: DataView, offset: number, value: number): void {
  // >>> 0 is value mod 2^32 for an integer below 2^53, without a floating-point remainder.
  view.setUint32(offset, value >>> 0, true);
  view.setUint32(offset + 4, Math.floor(value / TWO_POW_32), true);
}

/** Write a file header for a file covering [start, start + fileBytes) at u8[at]. */
export function encodeFileHeader(u8: Uint8Array, at: number, start: number, fileBytes: number): void {
  const view = new DataView(u8.buffer, u8.byteOffset + at, FILE_HEADER_SIZE);
  u8.fill(0, at, at + FILE_HEADER_SIZE);
  view.setUint32(FILE_HEADER_OFF_MAGIC, WAL_MAGIC, true);
  view.setUint32(FILE_HEADER_OFF_VERSION, WAL_FORMAT_VERSION, true);
  setU64(view, FILE_HEADER_OFF_SIZE, fileBytes);
  setU64(view, FILE_HEADER_OFF_START, start);
  view.setUint32(FILE_HEADER_OFF_CRC, crc32c(u8, at, FILE_HEADER_OFF_CRC), true);
}

/** What a file header says. */
export type FileHeader =
  /** A header this version wrote, for the file named `start`... or for another name, if the file was recycled. */
  | { readonly kind: 'valid'; readonly start: number; readonly fileBytes: number }
  /** Zero bytes: the header was never written (or never reached the disk). */
  | { readonly kind: 'zero' }
  /** Not a header: torn, damaged, or not a WAL file. */
  | { readonly kind: 'invalid' }
  /** A checksummed header of another format version. */
  | { readonly kind: 'version'; readonly version: number };

export function decodeFileHeader(u8: Uint8Array, at: number): FileHeader {
  let zero = true;
  for (let i = at; i < at + FILE_HEADER_SIZE; i++) if (u8[i] !== 0) zero = false;
  if (zero) return { kind: 'zero' };
  const view = new DataView(u8.buffer, u8.byteOffset + at, FILE_HEADER_SIZE);
  if (view.getUint32(FILE_HEADER_OFF_MAGIC, true) !== WAL_MAGIC) return { kind: 'invalid' };
  if (view.getUint32(FILE_HEADER_OFF_CRC, true) !== crc32c(u8, at, FILE_HEADER_OFF_CRC)) return { kind: 'invalid' };
  const version = view.getUint32(FILE_HEADER_OFF_VERSION, true);
  if (version !== WAL_FORMAT_VERSION) return { kind: 'version', version };
  const fileBytes = getU64(view, FILE_HEADER_OFF_SIZE);
  const start = getU64(view, FILE_HEADER_OFF_START);
  if (fileBytes < WAL_FILE_BYTES_MIN || fileBytes > WAL_FILE_BYTES_MAX || start + fileBytes > LSN_LIMIT) return { kind: 'invalid' };
  return { kind: 'valid', start, fileBytes };
}

/** 0A000: an intact file header of a format version this build cannot read (damage is XX001, never this). */
export function unsupportedVersion(path: string, version: number): FlintError {
  return new FlintError(
    SqlState.featureNotSupported,
    `WAL file "${path}" has format version ${version}; this build reads version ${WAL_FORMAT_VERSION}`,
    { file: path, offset: FILE_HEADER_OFF_VERSION },
  );
}

/** A CRC32C of u8[offset, offset + length), as crc32c() computes it (a signed result is taken modulo 2^32). */
export type Crc32c = (u8: Uint8Array, offset: number, length: number) => number;

/**
 * A record's header at u8[at] but its CRC (sealRecord without the
 * checksum): the writer stamps each record as it is appended and computes
 * the CRCs of a run of stamped records at once (sealRecords) before they
 * leave its buffer.
 */
export function stampRecord(u8: Uint8Array, view: DataView, at: number, lsn: number, type: number, length: number): void {
  view.setUint32(at + RECORD_OFF_LENGTH, length, true);
  setU64(view, at + RECORD_OFF_LSN, lsn);
  u8[at + RECORD_OFF_TYPE] = type;
  u8[at + RECORD_OFF_RESERVED] = 0;
  u8[at + RECORD_OFF_RESERVED + 1] = 0;
  u8[at + RECORD_OFF_RESERVED + 2] = 0;
}

/**
 * The CRC of each stamped record in u8[from, to), which holds whole records
 * back to back; returns where the last one ends (to, unless the lengths
 * disagree with it).
 */
export function sealRecords(u8: Uint8Array, view: DataView, from: number, to: number, crc: Crc32c = crc32c): number {
  let at = from;
  while (at < to) {
    const length = view.getUint32(at + RECORD_OFF_LENGTH, true);
    view.setUint32(at + RECORD_OFF_CRC, crc(u8, at + RECORD_OFF_LENGTH, RECORD_HEADER_SIZE - RECORD_OFF_LENGTH + length), true);
    at += RECORD_HEADER_SIZE + length;
  }
  return at;
}

/**
 * Write a record header for a payload already at u8[at + RECORD_HEADER_SIZE,
 * ... + length), and its CRC over header and payload (by `crc`: the
 * writer's buffer may live in the kernels' memory, where the WASM kernel
 * computes it).
 */
export function sealRecord(u8: Uint8Array, view: DataView, at: number, lsn: number, type: number, length: number, crc: Crc32c = crc32c): void {
  stampRecord(u8, view, at, lsn, type, length);
  view.setUint32(at + RECORD_OFF_CRC, crc(u8, at + RECORD_OFF_LENGTH, RECORD_HEADER_SIZE - RECORD_OFF_LENGTH + length), true);
}
