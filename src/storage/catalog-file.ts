// Catalog snapshots: `<dir>/catalog.<generation>`, one file per generation.
//
// The catalog is a JSON-serialisable object owned by the engine; this module
// only stores it crash-safely. Switching to a new catalog takes three steps:
//
//   1. writeCatalog(vfs, dir, g + 1, catalog): the complete file, durable;
//   2. writeControl(...) with catalogGeneration = g + 1: the atomic switch;
//   3. removeOldCatalogs(vfs, dir, g + 1): the superseded files go.
//
// A crash before step 2 completes leaves the control file naming g, whose
// file step 3 has not removed yet; after it, g + 1, whose file step 1 made
// durable. So the generation the control file names can always be read.
//
// writeCatalog itself writes `catalog.<g>.tmp`, syncs it, renames it to
// `catalog.<g>` and syncs the directory, so a file named `catalog.<g>` is
// always complete: rewriting a generation (a leftover of a crashed attempt,
// or by mistake the current one) never exposes a torn file.
//
// OFFSET SIZE DESCRIPTION
//      0    4 magic CATALOG_MAGIC ("FLCG")
//      4    4 format version (CATALOG_FORMAT_VERSION)
//      8    8 generation (u64 as two u32 LE, low word first; < 2^53)
//     16    4 payload length in bytes
//     20    4 CRC32C of the payload
//     24    4 CRC32C of bytes [0, 24) of this header
//     28    4 reserved (0)
//     32    … payload: the catalog as UTF-8 JSON
//
// Reading checks the magic, the header CRC, the version, the generation (it
// must match the file's name), the file size against the payload length, the
// payload CRC, then parses the JSON. A missing file is 58P01; damage is XX001
// naming the file and offset; a valid file of another version is 0A000.

import { assert, corruption, FlintError, SqlState } from '../errors.ts';
import { crc32cUpdate } from '../kernels/ts/bytes.ts';
import { joinPath } from './vfs/path.ts';
import type { Vfs } from './vfs/vfs.ts';

export const CATALOG_MAGIC = 0x47434c46; // "FLCG" read as a little-endian u32
export const CATALOG_FORMAT_VERSION = 1;
export const CATALOG_HEADER_SIZE = 32;
/** Largest catalog payload: the length field is a u32, and memory holds the whole file. */
export const CATALOG_PAYLOAD_BYTES_MAX = 0x7fffffff;

const OFF_MAGIC = 0;
const OFF_VERSION = 4;
const OFF_GENERATION = 8;
const OFF_PAYLOAD_LENGTH = 16;
const OFF_PAYLOAD_CRC = 20;
const OFF_HEADER_CRC = 24;

const TWO_32 = 0x100000000;
const U53_HIGH_MAX = 0x1fffff;
const FILE_PATTERN = /^catalog\.(0|[1-9][0-9]*)(\.tmp)?$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `catalog.<generation>`: the file name of a generation. */
export function catalogFileName(generation: number): string {
  checkGeneration(generation);
  return `catalog.${generation}`;
}

/**
 * Write `catalog` as generation `generation` of `dir`, durably: when this
 * returns, the file and its name survive a crash. Replaces an existing file
 * of that generation atomically. Syncs: 2 (the file, the directory).
 * The catalog must be JSON-serialisable; anything else is a bug.
 */
export function writeCatalog(vfs: Vfs, dir: string, generation: number, catalog: unknown): void {
  const path = joinPath(dir, catalogFileName(generation));
  const json = JSON.stringify(catalog);
  assert(typeof json === 'string', `catalog generation ${generation} is not JSON-serialisable`);
  const payload = encoder.encode(json);
  if (payload.length > CATALOG_PAYLOAD_BYTES_MAX) {
    throw new FlintError(SqlState.programLimitExceeded, `catalog of ${payload.length} bytes is larger than ${CATALOG_PAYLOAD_BYTES_MAX}`, { file: path });
  }
  const bytes = new Uint8Array(CATALOG_HEADER_SIZE + payload.length);
  bytes.set(payload, CATALOG_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(OFF_MAGIC, CATALOG_MAGIC, true);
  view.setUint32(OFF_VERSION, CATALOG_FORMAT_VERSION, true);
  view.setUint32(OFF_GENERATION, generation >>> 0, true);
  view.setUint32(OFF_GENERATION + 4, Math.floor(generation / TWO_32), true);
  view.setUint32(OFF_PAYLOAD_LENGTH, payload.length, true);
  view.setUint32(OFF_PAYLOAD_CRC, crc(bytes, CATALOG_HEADER_SIZE, payload.length), true);
  view.setUint32(OFF_HEADER_CRC, crc(bytes, 0, OFF_HEADER_CRC), true);

  const tmp = `${path}.tmp`;
  const file = vfs.open(tmp, { create: true });
  try {
    file.write(bytes, 0);
    if (file.size() > bytes.length) file.truncate(bytes.length); // a longer leftover of a crashed attempt
    file.sync();
  } finally {
    file.close();
  }
  vfs.rename(tmp, path);
  vfs.syncDir(dir);
}

/**
 * The catalog of generation `generation` of `dir`, as JSON.parse returns it.
 * Missing: 58P01. Damaged: XX001 naming the file and offset.
 */
export function readCatalog(vfs: Vfs, dir: string, generation: number): unknown {
  const path = joinPath(dir, catalogFileName(generation));
  if (!vfs.exists(path)) {
    throw new FlintError(SqlState.undefinedFile, `catalog generation ${generation} is missing: no file ${path}`, { file: path });
  }
  const file = vfs.open(path, { readOnly: true });
  let bytes: Uint8Array;
  try {
    const size = file.size();
    if (size < CATALOG_HEADER_SIZE) throw corruption(path, size, `catalog file is ${size} bytes, shorter than its ${CATALOG_HEADER_SIZE}-byte header`);
    if (size > CATALOG_HEADER_SIZE + CATALOG_PAYLOAD_BYTES_MAX) throw corruption(path, CATALOG_HEADER_SIZE, `catalog file of ${size} bytes is too large`);
    bytes = new Uint8Array(size);
    const got = file.read(bytes, 0);
    if (got !== size) throw corruption(path, got, `catalog file ended after ${got} of ${size} bytes`);
  } finally {
    file.close();
  }
  return decodeCatalog(path, generation, bytes);
}

function decodeCatalog(path: string, generation: number, bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(OFF_MAGIC, true) !== CATALOG_MAGIC) throw corruption(path, OFF_MAGIC, 'bad catalog file magic');
  const headerCrc = crc(bytes, 0, OFF_HEADER_CRC);
  if (view.getUint32(OFF_HEADER_CRC, true) !== headerCrc) throw corruption(path, OFF_HEADER_CRC, 'catalog file header checksum mismatch');
  const version = view.getUint32(OFF_VERSION, true);
  if (version !== CATALOG_FORMAT_VERSION) {
    throw new FlintError(
      SqlState.featureNotSupported,
      `catalog file ${path} has format version ${version}; this Flint reads version ${CATALOG_FORMAT_VERSION}`,
      { file: path, offset: OFF_VERSION },
    );
  }
  const lo = view.getUint32(OFF_GENERATION, true);
  const hi = view.getUint32(OFF_GENERATION + 4, true);
  const stored = hi > U53_HIGH_MAX ? Number.NaN : hi * TWO_32 + lo;
  if (stored !== generation) throw corruption(path, OFF_GENERATION, `catalog file holds generation ${hi > U53_HIGH_MAX ? '>= 2^53' : stored}, its name says ${generation}`);
  const length = view.getUint32(OFF_PAYLOAD_LENGTH, true);
  if (CATALOG_HEADER_SIZE + length !== bytes.length) {
    throw corruption(path, Math.min(bytes.length, CATALOG_HEADER_SIZE + length), `catalog file is ${bytes.length} bytes, its header says ${CATALOG_HEADER_SIZE + length}`);
  }
  if (view.getUint32(OFF_PAYLOAD_CRC, true) !== crc(bytes, CATALOG_HEADER_SIZE, length)) {
    throw corruption(path, CATALOG_HEADER_SIZE, 'catalog payload checksum mismatch');
  }
  try {
    return JSON.parse(decoder.decode(bytes.subarray(CATALOG_HEADER_SIZE)));
  } catch (err) {
    // The checksum matched, so these are the bytes that were written: a bug rather than bit rot, but unreadable all the same.
    const what = `catalog payload is not UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`;
    throw new FlintError(SqlState.dataCorrupted, `${what} in ${path} at offset ${CATALOG_HEADER_SIZE}`, { file: path, offset: CATALOG_HEADER_SIZE, cause: err });
  }
}

/**
 * Remove the catalog files of `dir` older than `keepGeneration`, and every
 * `catalog.<g>.tmp` left by a crashed write. Newer generations stay: they
 * are leftovers of a write whose control-file switch never happened, and the
 * next writeCatalog of that generation replaces them. Refuses (58P01) when
 * `catalog.<keepGeneration>` itself is missing, rather than leave none.
 * Not synced: a removal lost in a crash is redone next time. Returns the
 * names removed.
 */
export function removeOldCatalogs(vfs: Vfs, dir: string, keepGeneration: number): string[] {
  const keep = joinPath(dir, catalogFileName(keepGeneration));
  if (!vfs.exists(keep)) {
    throw new FlintError(SqlState.undefinedFile, `not removing old catalogs: the current generation ${keepGeneration} is missing (${keep})`, { file: keep });
  }
  const removed: string[] = [];
  for (const name of vfs.list(dir)) {
    const match = FILE_PATTERN.exec(name);
    if (match === null) continue;
    const generation = Number(match[1]);
    const isTmp = match[2] !== undefined;
    if (isTmp || generation < keepGeneration) {
      vfs.remove(joinPath(dir, name));
      removed.push(name);
    }
  }
  return removed;
}

function checkGeneration(generation: number): void {
  if (!(Number.isSafeInteger(generation) && generation >= 0)) assert(false, `catalog generation must be an integer in [0, 2^53), got ${generation}`);
}

function crc(bytes: Uint8Array, start: number, length: number): number {
  return ~crc32cUpdate(bytes, start, length, -1) >>> 0;
}
