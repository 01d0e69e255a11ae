// The control file: `<dir>/flint.control`, the root of a data directory.
//
// It names where recovery starts (the checkpoint's redo LSN), the counters
// that must never go backwards (txids, table ids), which catalog snapshot is
// current, and the WAL file size. It is small and replaced whole, atomically:
// write `flint.control.tmp`, sync it, rename it over `flint.control`, sync the
// directory. A reader therefore sees the old file or the new one, never a
// torn one; a `.tmp` left by a crash before the rename is ignored by readers
// (the next write replaces it), so reading has no side effects.
//
// Fixed 512 bytes (one sector), little-endian. Every u64 holds an integer
// below 2^53 (a JS number), stored as two u32, low word first.
//
// OFFSET SIZE DESCRIPTION
//      0    4 magic CONTROL_MAGIC ("FLCT")
//      4    4 format version (CONTROL_FORMAT_VERSION)
//      8    8 checkpointLsn: redo point, WAL replay starts here
//     16    8 nextTxid: first txid not yet handed out
//     24    8 nextTableId: first table (or index) id not yet handed out
//     32    8 catalogGeneration: the current catalog file is catalog.<generation>
//     40    8 walFileBytes: size of each WAL file
//     48    8 createdAt: when the directory was created (ms since the epoch)
//     56  452 reserved (0)
//    508    4 CRC32C of bytes [0, 508)
//
// Reading checks, in order: the magic, the size, the CRC, then the version.
// A bad magic, size or CRC is XX001 naming the file and the offset; a valid
// file of another version is 0A000 (written by another Flint); so a flipped
// bit always reads as corruption.

import { assert, corruption, FlintError, SqlState } from '../errors.ts';
import { crc32cUpdate } from '../kernels/ts/bytes.ts';
import { joinPath } from './vfs/path.ts';
import type { Vfs } from './vfs/vfs.ts';

export const CONTROL_FILE_NAME = 'flint.control';
export const CONTROL_TMP_NAME = 'flint.control.tmp';
export const CONTROL_FILE_SIZE = 512;
export const CONTROL_MAGIC = 0x54434c46; // "FLCT" read as a little-endian u32
export const CONTROL_FORMAT_VERSION = 1;

const OFF_MAGIC = 0;
const OFF_VERSION = 4;
const OFF_CHECKPOINT_LSN = 8;
const OFF_NEXT_TXID = 16;
const OFF_NEXT_TABLE_ID = 24;
const OFF_CATALOG_GENERATION = 32;
const OFF_WAL_FILE_BYTES = 40;
const OFF_CREATED_AT = 48;
const OFF_CRC = 508;

const TWO_32 = 0x100000000;
const U53_HIGH_MAX = 0x1fffff;

/** What the control file records. Every field is an integer in [0, 2^53). */
export interface ControlData {
  /** Redo point: WAL replay starts at this LSN. */
  readonly checkpointLsn: number;
  /** First transaction id not yet handed out. */
  readonly nextTxid: number;
  /** First table or index id not yet handed out. */
  readonly nextTableId: number;
  /** Generation of the current catalog file (catalog.<generation>, see catalog-file.ts). */
  readonly catalogGeneration: number;
  /** Size of each WAL file in bytes. */
  readonly walFileBytes: number;
  /** When the data directory was created, in ms since the epoch (from the injected clock). */
  readonly createdAt: number;
}

const FIELDS: readonly (readonly [keyof ControlData, number])[] = [
  ['checkpointLsn', OFF_CHECKPOINT_LSN],
  ['nextTxid', OFF_NEXT_TXID],
  ['nextTableId', OFF_NEXT_TABLE_ID],
  ['catalogGeneration', OFF_CATALOG_GENERATION],
  ['walFileBytes', OFF_WAL_FILE_BYTES],
  ['createdAt', OFF_CREATED_AT],
];

export function controlPath(dir: string): string {
  return joinPath(dir, CONTROL_FILE_NAME);
}

/**
 * The control file of `dir`, or null if it has none (a new data directory).
 * A damaged file is XX001 naming the file and offset; one of another format
 * version is 0A000. A leftover `flint.control.tmp` is ignored.
 */
export function readControl(vfs: Vfs, dir: string): ControlData | null {
  const path = controlPath(dir);
  if (!vfs.exists(path)) return null;
  const bytes = new Uint8Array(CONTROL_FILE_SIZE);
  const file = vfs.open(path, { readOnly: true });
  let size: number;
  let got: number;
  try {
    size = file.size();
    got = file.read(bytes, 0);
  } finally {
    file.close();
  }
  const view = new DataView(bytes.buffer);
  if (got < 4 || view.getUint32(OFF_MAGIC, true) !== CONTROL_MAGIC) throw corruption(path, OFF_MAGIC, 'bad control file magic');
  if (size !== CONTROL_FILE_SIZE || got !== CONTROL_FILE_SIZE) {
    throw corruption(path, Math.min(size, got), `control file is ${size} bytes, expected ${CONTROL_FILE_SIZE}`);
  }
  const stored = view.getUint32(OFF_CRC, true);
  const computed = controlCrc(bytes);
  if (stored !== computed) {
    throw corruption(path, OFF_CRC, `control file checksum mismatch (stored 0x${hex(stored)}, computed 0x${hex(computed)})`);
  }
  const version = view.getUint32(OFF_VERSION, true);
  if (version !== CONTROL_FORMAT_VERSION) {
    throw new FlintError(
      SqlState.featureNotSupported,
      `control file ${path} has format version ${version}; this Flint reads version ${CONTROL_FORMAT_VERSION}`,
      { file: path, offset: OFF_VERSION },
    );
  }
  const data: Record<string, number> = {};
  for (const [name, offset] of FIELDS) {
    const lo = view.getUint32(offset, true);
    const hi = view.getUint32(offset + 4, true);
    if (hi > U53_HIGH_MAX) throw corruption(path, offset, `control file field ${name} is not below 2^53`);
    data[name] = hi * TWO_32 + lo;
  }
  return data as unknown as ControlData;
}

/**
 * Replace the control file of `dir` atomically and durably: when this
 * returns, a crash leaves `data`; a crash before leaves the old file or this
 * one, never a damaged or missing file (once one existed). Syncs: 2.
 */
export function writeControl(vfs: Vfs, dir: string, data: ControlData): void {
  const bytes = encodeControl(data);
  const tmp = joinPath(dir, CONTROL_TMP_NAME);
  const file = vfs.open(tmp, { create: true });
  try {
    file.write(bytes, 0);
    if (file.size() > CONTROL_FILE_SIZE) file.truncate(CONTROL_FILE_SIZE); // a longer leftover, whatever made it
    file.sync();
  } finally {
    file.close();
  }
  vfs.rename(tmp, controlPath(dir));
  vfs.syncDir(dir);
}

/** The 512 bytes of a control file holding `data`. */
export function encodeControl(data: ControlData): Uint8Array {
  const bytes = new Uint8Array(CONTROL_FILE_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(OFF_MAGIC, CONTROL_MAGIC, true);
  view.setUint32(OFF_VERSION, CONTROL_FORMAT_VERSION, true);
  for (const [name, offset] of FIELDS) {
    const value = data[name];
    assert(Number.isSafeInteger(value) && value >= 0, `control file field ${name} must be an integer in [0, 2^53), got ${value}`);
    view.setUint32(offset, value >>> 0, true);
    view.setUint32(offset + 4, Math.floor(value / TWO_32), true);
  }
  view.setUint32(OFF_CRC, controlCrc(bytes), true);
  return bytes;
}

function controlCrc(bytes: Uint8Array): number {
  return ~crc32cUpdate(bytes, 0, OFF_CRC, -1) >>> 0;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
