// Shared by the B+-tree tests: a minimal database around a Heap and a WAL
// (what Engine does, without tables or transactions) so trees can be created,
// checkpointed, crashed and recovered; a follower that replays a recorded
// WAL stream; a sorted-array model; and key helpers.
//
// MiniDb mirrors Engine's recovery: the control file names a catalog
// generation holding the space map; open() replays the WAL from the
// checkpoint's redo point through Heap.redo (which hands index records to
// the B+-tree's redo), then checkpoints. A tree's meta block is the first
// block of its owner's first segment, so nothing else needs recording.
import type { KernelKind } from '../../../src/kernels/index.ts';
import { createKernels, type Kernels } from '../../../src/kernels/index.ts';
import { BLOCKS_PER_SEGMENT } from '../../../src/limits.ts';
import { BufferPool } from '../../../src/storage/buffer-pool/index.ts';
import { readCatalog, removeOldCatalogs, writeCatalog } from '../../../src/storage/catalog-file.ts';
import { readControl, writeControl, type ControlData } from '../../../src/storage/control-file.ts';
import { Heap, type HeapWal } from '../../../src/storage/heap/heap.ts';
import { SpaceMap, type SpaceMapSnapshot } from '../../../src/storage/heap/space-map.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import { WalReader, WalWriter } from '../../../src/storage/wal/index.ts';

export const KINDS: readonly KernelKind[] = ['wasm', 'ts'];
export const DIR = '/db';
export const LONG_MS = 120_000;

export interface MiniDbOptions {
  kind: KernelKind;
  vfs: Vfs;
  /** Buffer pool bytes (default 1 MiB: 16 frames, so big trees evict). */
  poolBytes?: number;
  walFileBytes?: number;
}

const HEAP_OPTIONS = { memtableBytes: 1 << 20, maxFrozenMemtables: 2 };

/** A WAL stream record, copied. */
export interface StreamRecord {
  readonly type: number;
  readonly payload: Uint8Array;
  readonly lsn: number;
}

/** Passes appends to the WAL writer and keeps a copy of each: the replication stream. */
class RecordingWal implements HeapWal {
  readonly #wal: WalWriter;
  readonly records: StreamRecord[] = [];
  recording = false;
  constructor(wal: WalWriter) {
    this.#wal = wal;
  }
  append(type: number, payload: Uint8Array): number {
    const lsn = this.#wal.append(type, payload);
    if (this.recording) this.records.push({ type, payload: payload.slice(), lsn });
    return lsn;
  }
  get durableLsn(): number {
    return this.#wal.durableLsn;
  }
  get maxPayloadBytes(): number {
    return this.#wal.maxPayloadBytes;
  }
  sync(): void {
    this.#wal.sync();
  }
}

export class MiniDb {
  readonly kernels: Kernels;
  readonly pool: BufferPool;
  readonly vfs: Vfs;
  heap!: Heap;
  wal!: WalWriter;
  #recording!: RecordingWal;
  #control!: ControlData;
  recoveredRecords = 0;

  private constructor(o: MiniDbOptions) {
    this.vfs = o.vfs;
    const poolBytes = o.poolBytes ?? 1 << 20;
    this.kernels = createKernels({ kind: o.kind, arenaBytes: poolBytes });
    // The pool gets exactly poolBytes (the WASM memory may round the arena up).
    this.pool = new BufferPool(this.kernels, { bytes: poolBytes, beforeWriteBack: (_f, _b, frameOffset) => this.heap?.beforeWriteBack(frameOffset) });
  }

  /** A new database: heap file, WAL, first checkpoint. */
  static create(o: MiniDbOptions): MiniDb {
    const db = new MiniDb(o);
    o.vfs.mkdir(DIR);
    db.heap = Heap.create(o.vfs, DIR, db.kernels, db.pool, HEAP_OPTIONS);
    db.#attach(WalWriter.open(o.vfs, `${DIR}/wal`, 0, walOptions(o)));
    db.#control = { checkpointLsn: 0, nextTxid: 1, nextTableId: 1, catalogGeneration: 0, walFileBytes: db.wal.fileBytes, createdAt: 0 };
    db.checkpoint();
    return db;
  }

  /** Open after a crash or a close: replay the WAL from the redo point, then checkpoint. */
  static open(o: MiniDbOptions): MiniDb {
    const db = new MiniDb(o);
    const control = readControl(o.vfs, DIR);
    if (control === null) throw new Error('no control file');
    db.#control = control;
    const catalog = readCatalog(o.vfs, DIR, control.catalogGeneration) as { space: SpaceMapSnapshot };
    db.heap = Heap.open(o.vfs, DIR, db.kernels, db.pool, SpaceMap.fromSnapshot(catalog.space), HEAP_OPTIONS);
    db.heap.redoLsn = control.checkpointLsn;
    for (const name of o.vfs.list(`${DIR}/wal`)) {
      const f = o.vfs.open(`${DIR}/wal/${name}`);
      f.sync();
      f.close();
    }
    db.heap.beginRecovery();
    const reader = WalReader.open(o.vfs, `${DIR}/wal`, control.checkpointLsn);
    for (let r = reader.next(); r !== null; r = reader.next()) {
      if (!db.heap.redo(r.type, r.payload, r.lsn)) throw new Error(`record type ${r.type} is not a heap record`);
      db.recoveredRecords++;
    }
    db.heap.endRecovery();
    db.#attach(WalWriter.open(o.vfs, `${DIR}/wal`, reader.endLsn, walOptions(o)));
    db.checkpoint();
    return db;
  }

  #attach(wal: WalWriter): void {
    this.wal = wal;
    this.#recording = new RecordingWal(wal);
    this.heap.attachWal(this.#recording);
  }

  /** Start keeping a copy of every record appended from now on. */
  record(): StreamRecord[] {
    this.#recording.recording = true;
    return this.#recording.records;
  }

  checkpoint(): void {
    this.wal.sync();
    const redo = this.wal.nextLsn;
    this.heap.redoLsn = redo;
    this.heap.flushAll();
    const generation = this.#control.catalogGeneration + 1;
    writeCatalog(this.vfs, DIR, generation, { space: this.heap.space.snapshot() });
    this.#control = { ...this.#control, checkpointLsn: redo, catalogGeneration: generation };
    writeControl(this.vfs, DIR, this.#control);
    removeOldCatalogs(this.vfs, DIR, generation);
    this.wal.recycle(redo);
  }

  /** The tree of `owner` (its meta block is the first block of the owner's first segment). */
  openTree(owner: number): BTree {
    const segment = this.heap.space.segmentsOf(owner)[0];
    if (segment === undefined) throw new Error(`owner ${owner} has no segments`);
    return BTree.open(this.heap, owner, segment * BLOCKS_PER_SEGMENT);
  }

  close(): void {
    this.checkpoint();
    this.wal.close();
  }
}

function walOptions(o: MiniDbOptions): { fileBytes?: number } {
  return o.walFileBytes === undefined ? {} : { fileBytes: o.walFileBytes };
}

/** A follower: an empty heap that applies a primary's WAL records in order, as Engine.follower does. */
export class Follower {
  readonly kernels: Kernels;
  readonly pool: BufferPool;
  readonly heap: Heap;
  applied = 0;

  constructor(kind: KernelKind, poolBytes = 1 << 20) {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    this.kernels = createKernels({ kind, arenaBytes: poolBytes });
    this.pool = new BufferPool(this.kernels);
    this.heap = Heap.create(vfs, DIR, this.kernels, this.pool, HEAP_OPTIONS);
    this.heap.beginRecovery();
  }

  apply(records: readonly StreamRecord[]): void {
    for (; this.applied < records.length; this.applied++) {
      const r = records[this.applied]!;
      if (!this.heap.redo(r.type, r.payload, r.lsn)) throw new Error(`record type ${r.type} is not a heap record`);
    }
  }
}

// ---- the model --------------------------------------------------------------------

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (const b of bytes) parts.push(HEX[b]!);
  return parts.join('');
}

/** A string that identifies a key (one char per byte), for sets and maps. */
export function keyId(key: Uint8Array): string {
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/** A sorted array of unique keys with values: what the tree must hold. */
export class Model {
  readonly entries: { key: Uint8Array; value: Uint8Array }[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first entry >= key. */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.entries[mid]!.key, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    return e !== undefined && compareBytes(e.key, key) === 0 ? e.value : undefined;
  }

  insert(key: Uint8Array, value: Uint8Array): boolean {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    if (e !== undefined && compareBytes(e.key, key) === 0) return false;
    this.entries.splice(i, 0, { key: key.slice(), value: value.slice() });
    return true;
  }

  update(key: Uint8Array, value: Uint8Array): boolean {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    if (e === undefined || compareBytes(e.key, key) !== 0) return false;
    e.value = value.slice();
    return true;
  }

  delete(key: Uint8Array): boolean {
    const i = this.lowerBound(key);
    const e = this.entries[i];
    if (e === undefined || compareBytes(e.key, key) !== 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** Entries a scan with these bounds visits, in scan order. */
  range(o: { lower?: Uint8Array; lowerInclusive?: boolean; upper?: Uint8Array; upperInclusive?: boolean; reverse?: boolean }): { key: Uint8Array; value: Uint8Array }[] {
    const out = this.entries.filter((e) => {
      if (o.lower !== undefined) {
        const c = compareBytes(e.key, o.lower);
        if (c < 0 || (c === 0 && o.lowerInclusive === false)) return false;
      }
      if (o.upper !== undefined) {
        const c = compareBytes(e.key, o.upper);
        if (c > 0 || (c === 0 && o.upperInclusive === false)) return false;
      }
      return true;
    });
    return o.reverse === true ? out.reverse() : out;
  }

  clone(): Model {
    const m = new Model();
    for (const e of this.entries) m.entries.push({ key: e.key, value: e.value });
    return m;
  }
}

/** Every entry of a tree, in order (copies). */
export function treeEntries(tree: BTree): { key: Uint8Array; value: Uint8Array }[] {
  const out: { key: Uint8Array; value: Uint8Array }[] = [];
  tree.scan({}, (key, value) => {
    out.push({ key: key.slice(), value: value.slice() });
  });
  return out;
}

/** '' if the two entry lists are equal, else the first difference. */
export function diffEntries(got: readonly { key: Uint8Array; value: Uint8Array }[], want: readonly { key: Uint8Array; value: Uint8Array }[]): string {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (compareBytes(g.key, w.key) !== 0) return `entry ${i}: key ${hex(g.key).slice(0, 40)} (${g.key.length} bytes), want ${hex(w.key).slice(0, 40)} (${w.key.length} bytes)`;
    if (compareBytes(g.value, w.value) !== 0) return `entry ${i}: value ${hex(g.value)}, want ${hex(w.value)}`;
  }
  return got.length === want.length ? '' : `got ${got.length} entries, want ${want.length}`;
}

/** A key of `length` bytes that starts with the big-endian u32 `n` (so keys order by n), then filler from n. */
export function numberedKey(n: number, length: number): Uint8Array {
  const key = new Uint8Array(Math.max(4, length));
  new DataView(key.buffer).setUint32(0, n);
  for (let i = 4; i < key.length; i++) key[i] = (n * 31 + i * 7) & 0xff;
  return key;
}

export function value8(n: number): Uint8Array {
  const v = new Uint8Array(8);
  new DataView(v.buffer).setFloat64(0, n);
  return v;
}

/**
 * Entries packed as BTree.insertPacked takes them (u16 key length, u16 value
 * length, key, value, back to back in src[from, to)), after `from` bytes of
 * something else and followed by more, so a read past either end shows.
 */
export function packEntries(entries: { readonly keys: readonly Uint8Array[]; readonly values: readonly Uint8Array[] }, from: number): { src: Uint8Array; from: number; to: number } {
  const size = entries.keys.reduce((sum, k, i) => sum + 4 + k.length + entries.values[i]!.length, 0);
  const src = new Uint8Array(from + size + 16).fill(0xee);
  let at = from;
  for (let i = 0; i < entries.keys.length; i++) {
    const key = entries.keys[i]!;
    const value = entries.values[i]!;
    src[at] = key.length & 0xff;
    src[at + 1] = key.length >>> 8;
    src[at + 2] = value.length & 0xff;
    src[at + 3] = value.length >>> 8;
    src.set(key, at + 4);
    src.set(value, at + 4 + key.length);
    at += 4 + key.length + value.length;
  }
  return { src, from, to: at };
}
