// Compressed heap blocks (issue 7, phase 2; docs/compression.md).
//
// A compressed block is one heap block number B whose logical content is
// 1..SUBS_MAX sub-blocks of 64 KiB, each laid out exactly like an
// uncompressed block (16 slotted pages, a block header in page 0), so every
// page kernel works on them unchanged. Tuple ids name logical page
// sub * 16 + page (tuple-id.ts has 8 page bits). On disk the logical content
// is compressed as one stream and stored in B's 64 KiB, after a header:
//
// Home block of a compressed block (B * 65536 in heap.flint)
//
// OFFSET SIZE DESCRIPTION
//      0   32 zero (no page header: the block is not a slotted page on disk)
//     32    4 magic BLOCK_MAGIC
//     36    1 block format version (BLOCK_FORMAT_VERSION)
//     37    1 codec (1 lz4, 2 zstd)
//     38    2 flags (0)
//     40    4 owner id
//     44    4 block number B
//     48    4 compressed length: bytes of the stream
//     52    4 logical length: sub-blocks * 65536
//     56    4 CRC32C of the stream (checked before decompression)
//     60    4 CRC32C of bytes [32, 256) with this field as 0
//     64    1 sub-blocks (1..16)
//     65    1 continuation blocks (0..CONT_MAX)
//     66   30 reserved (0)
//     96    8 highest page LSN of the logical content
//    104   24 reserved (0)
//    128  128 continuation block numbers (u32 each, CONT_MAX of them)
//    256  ... the stream, up to 65280 bytes here; the rest continues at offset
//             0 of each continuation block in order (65536 bytes each)
//
// The second checksum is inside the stream: every logical page carries its
// CRC32C (page header offset 0), sealed before compression and verified
// after decompression, so a decode that "succeeds" to wrong bytes is caught.
// Either mismatch is FlintError XX001 naming heap.flint and B's offset.
//
// Inserts stop taking a compressed block when its compressed size reaches
// FILL_LIMIT (CAPACITY less SLACK), so it normally fits its home block. Later
// in-place changes (xmax, hint bits, reclaimed slots) can still grow it: then
// its stream spills into continuation blocks, allocated from the owner's
// segments and logged (BLOCK_CONT) before the home block naming them is
// written. Correct always; the slack keeps this rare.
//
// Caching: the pool caches each sub-block in a 64 KiB frame of a second,
// virtual pool file (key B * 16 + sub), so the kernels work on it in place;
// this module keeps the decompressed logical blocks (JS memory, bounded by
// CACHE_BYTES) that those frames are read from and written back to, and
// compresses a block when it is written to disk: at a memtable flush, a
// checkpoint, or when evicted from this cache.

import { FlintError, SqlState, assert, corruption } from '../../errors.ts';
import { createKernels, type KernelKind, type Kernels } from '../../kernels/index.ts';
import { BLOCK_FORMAT_VERSION, BLOCK_MAGIC, PAGE_OFF_LSN } from '../../kernels/layout.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';
import type { BufferPool, PoolFile } from '../buffer-pool/index.ts';
import type { Codec } from '../compression/codec.ts';
import { KernelLz4Codec } from '../compression/lz4-kernel.ts';
import { ZstdCodec } from '../compression/zstd.ts';
import type { VfsFile } from '../vfs/index.ts';

/** Sub-blocks of one compressed block: 16 x 64 KiB = 1 MiB logical (256 logical pages, the tid's 8 page bits). */
export const SUBS_MAX = 16;
export const CODEC_LZ4 = 1;
export const CODEC_ZSTD = 2;
const HEADER_END = 256;
const OFF_SUBS = 64;
const OFF_CONTS = 65;
const OFF_MAX_LSN = 96;
const OFF_CONT_LIST = 128;
export const CONT_MAX = 32;
/** Stream bytes the home block holds. */
export const CAPACITY = BLOCK_SIZE - HEADER_END;
/** Room kept for later growth in place (xmax, hint bits): about 10% of the block. */
export const SLACK = 6 * 1024;
/** Inserts stop when the compressed size would pass this. */
export const FILL_LIMIT = CAPACITY - SLACK;
/** A full block compressing to more than this (ratio < 1.1) stays uncompressed. */
export const WORTH_COMPRESSING = Math.floor(BLOCK_SIZE / 1.1);
/** Decompressed blocks kept in memory. */
const CACHE_BYTES = 32 * 1024 * 1024;

const LOGICAL_MAX = SUBS_MAX * BLOCK_SIZE;
// The private codec kernels' arena: [logical 1 MiB][stream up to 1 MiB + bound][home block 64 KiB].
const AT_LOGICAL = 0;
const AT_STREAM = LOGICAL_MAX;
const STREAM_MAX = LOGICAL_MAX + 64 * 1024;
const AT_HOME = AT_STREAM + STREAM_MAX;
const ARENA = AT_HOME + BLOCK_SIZE;

/** A decompressed compressed block. `bytes` holds subs * 64 KiB; frames in the pool may be newer (flushFrames). */
export interface CBlock {
  readonly blockNo: number;
  owner: number;
  codec: number;
  subs: number;
  bytes: Uint8Array;
  conts: number[];
  dirty: boolean;
  /** Compressed size when last measured, and bytes possibly added since (an upper bound of the growth). */
  measured: number;
  pending: number;
  /** measured / logical bytes at the last measurement. */
  ratio: number;
  lastUse: number;
}

/** What the store needs from the heap. */
export interface CompressedHost {
  /** Make the WAL durable past `lsn` (the write-ahead rule, before a block is written). */
  walDurable(lsn: number): void;
  /** Allocate and log a continuation block for `home` (owned like it); returns its number. */
  allocateContinuation(home: number, owner: number): number;
}

export class CompressedStore {
  readonly logicalFileId: number;
  readonly #pool: BufferPool | null;
  readonly #file: VfsFile;
  readonly #host: CompressedHost;
  readonly #ck: Kernels;
  readonly #ck8: Uint8Array;
  readonly #lz4: KernelLz4Codec;
  #zstd: ZstdCodec | undefined;
  readonly #cache = new Map<number, CBlock>();
  /** Sub-block counts of blocks seen, kept past the cache: a pool hit on a sub-block then needs no decompression. */
  readonly #subs = new Map<number, number>();
  #cacheBytes = 0;
  #clock = 0;
  readonly stats = { compressions: 0, decompressions: 0, blocksWritten: 0, continuations: 0 };

  /** `pool` null: a reader for `flint check` (verify() only). */
  constructor(pool: BufferPool | null, file: VfsFile, kind: KernelKind, host: CompressedHost) {
    this.#pool = pool;
    this.#file = file;
    this.#host = host;
    this.#ck = createKernels({ arenaBytes: ARENA, kind });
    this.#ck8 = new Uint8Array(this.#ck.buffer);
    this.#lz4 = new KernelLz4Codec({ kernels: this.#ck, workOffset: this.#ck.arenaOffset, workBytes: 0 });
    const logical: PoolFile = {
      path: `${file.path} (decompressed blocks)`,
      read: (into, position) => this.#readSub(into, position),
      write: (from, position) => this.#writeSub(from, position),
    };
    this.logicalFileId = pool === null ? -1 : pool.registerFile(logical, { checksums: false });
  }

  /** Read and check compressed block B on disk (both checksums); the FlintError, or null if it is intact. */
  verify(blockNo: number): FlintError | null {
    try {
      this.#readBlock(blockNo);
      return null;
    } catch (error) {
      if (error instanceof FlintError) return error;
      throw error;
    }
  }

  /** The continuation blocks a compressed home block's header lists (no checks beyond the header's CRC); [] if it is not one. */
  static continuationsOf(home: Uint8Array): number[] {
    const h = new DataView(home.buffer, home.byteOffset, home.byteLength);
    if (h.getUint32(32, true) !== BLOCK_MAGIC || (h.getUint8(37) !== CODEC_LZ4 && h.getUint8(37) !== CODEC_ZSTD)) return [];
    const out: number[] = [];
    for (let i = 0; i < Math.min(h.getUint8(OFF_CONTS), CONT_MAX); i++) out.push(h.getUint32(OFF_CONT_LIST + 4 * i, true));
    return out;
  }

  get #p(): BufferPool {
    assert(this.#pool !== null, 'the store has a pool');
    return this.#pool;
  }

  get path(): string {
    return this.#file.path;
  }

  // ---- sub-block frames ------------------------------------------------------

  /** Sub-blocks of B, from memory when known, else from the block (read and decompressed). */
  subsOf(blockNo: number): number {
    return this.#subs.get(blockNo) ?? this.get(blockNo).subs;
  }

  /** Pin sub-block `sub` of compressed block B (its frame in the pool). */
  pinSub(blockNo: number, sub: number): number {
    return this.#p.pin(this.logicalFileId, blockNo * SUBS_MAX + sub);
  }

  /** Append a new, zeroed sub-block to B; returns its frame, pinned and fully dirty (the caller formats it). */
  newSub(cb: CBlock): number {
    assert(cb.subs < SUBS_MAX, 'a compressed block has room for another sub-block');
    const sub = cb.subs;
    const bytes = new Uint8Array((sub + 1) * BLOCK_SIZE);
    bytes.set(cb.bytes);
    this.#cacheBytes += BLOCK_SIZE;
    cb.bytes = bytes;
    cb.subs = sub + 1;
    this.#subs.set(cb.blockNo, cb.subs);
    cb.dirty = true;
    cb.pending += 512;
    // A frame left from an earlier life of this block number is stale.
    this.#dropFrame(cb.blockNo * SUBS_MAX + sub);
    return this.#p.pinNew(this.logicalFileId, cb.blockNo * SUBS_MAX + sub);
  }

  #readSub(into: Uint8Array, position: number): number {
    const key = position / BLOCK_SIZE;
    const blockNo = Math.floor(key / SUBS_MAX);
    const sub = key % SUBS_MAX;
    const cb = this.get(blockNo);
    assert(sub < cb.subs, `sub-block ${sub} of compressed block ${blockNo} exists`);
    into.set(cb.bytes.subarray(sub * BLOCK_SIZE, (sub + 1) * BLOCK_SIZE));
    return BLOCK_SIZE;
  }

  /** A frame's dirty pages go back into the logical block, sealed (the logical checksum). */
  #writeSub(from: Uint8Array, position: number): void {
    assert(from.buffer === this.#p.frameView(0).buffer && from.length % PAGE_SIZE === 0, 'whole pages of a pool frame');
    const key = Math.floor(position / BLOCK_SIZE);
    const blockNo = Math.floor(key / SUBS_MAX);
    const sub = key % SUBS_MAX;
    const cb = this.get(blockNo);
    const kernels = this.#frameKernels;
    assert(kernels !== undefined, 'the heap set the frame kernels');
    for (let at = 0; at < from.length; at += PAGE_SIZE) kernels.pageSeal(from.byteOffset + at);
    cb.bytes.set(from, sub * BLOCK_SIZE + (position % BLOCK_SIZE));
    cb.dirty = true;
  }

  /** The kernels that own the pool frames (to seal pages in place). */
  #frameKernels: Kernels | undefined;
  setFrameKernels(kernels: Kernels): void {
    this.#frameKernels = kernels;
  }

  /** Write B's dirty sub-block frames back into its logical bytes. */
  flushFrames(cb: CBlock): void {
    for (let sub = 0; sub < cb.subs; sub++) {
      const frame = this.#p.cachedFrame(this.logicalFileId, cb.blockNo * SUBS_MAX + sub);
      if (frame >= 0) this.#p.flushFrame(frame);
    }
  }

  #dropFrame(key: number): void {
    const frame = this.#p.cachedFrame(this.logicalFileId, key);
    if (frame >= 0) {
      assert(this.#p.pinCount(frame) === 0, 'a dropped sub-block frame is unpinned');
      this.#p.discardBlock(this.logicalFileId, key);
    }
  }

  // ---- the cache of logical blocks ---------------------------------------------

  /** The cached logical block B, read and decompressed from disk on a miss. */
  get(blockNo: number): CBlock {
    const cached = this.#cache.get(blockNo);
    if (cached !== undefined) {
      cached.lastUse = ++this.#clock;
      return cached;
    }
    const cb = this.#readBlock(blockNo);
    this.#add(cb);
    return cb;
  }

  /** Like get(), but null where the block on disk does not check out (recovery: a torn block the WAL must rebuild). */
  tryGet(blockNo: number): CBlock | null {
    try {
      return this.get(blockNo);
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.dataCorrupted) return null;
      throw error;
    }
  }

  cached(blockNo: number): CBlock | undefined {
    return this.#cache.get(blockNo);
  }

  /** A block becomes compressed: its logical content (sub-blocks) is `logical`. Replaces anything cached. */
  install(blockNo: number, owner: number, codec: number, logical: Uint8Array, conts: number[] = []): CBlock {
    this.discard(blockNo);
    this.#subs.set(blockNo, logical.length / BLOCK_SIZE);
    assert(logical.length % BLOCK_SIZE === 0 && logical.length >= BLOCK_SIZE && logical.length <= LOGICAL_MAX, 'whole sub-blocks');
    const cb: CBlock = {
      blockNo, owner, codec, subs: logical.length / BLOCK_SIZE, bytes: logical, conts, dirty: true, measured: 0, pending: 0, ratio: 1, lastUse: ++this.#clock,
    };
    this.#sealAll(cb);
    this.#add(cb);
    return cb;
  }

  /** Forget B (reformatted, or its owner dropped): cached bytes and sub-block frames, unwritten. Returns its continuation blocks if cached. */
  discard(blockNo: number): void {
    this.#subs.delete(blockNo);
    const cb = this.#cache.get(blockNo);
    if (cb !== undefined) {
      this.#cache.delete(blockNo);
      this.#cacheBytes -= cb.bytes.length;
    }
    for (let sub = 0; sub < SUBS_MAX; sub++) this.#dropFrame(blockNo * SUBS_MAX + sub);
  }

  /** Forget every cached block of an owner (DROP/TRUNCATE), unwritten. */
  discardOwner(owner: number): void {
    for (const cb of [...this.#cache.values()]) if (cb.owner === owner) this.discard(cb.blockNo);
  }

  #add(cb: CBlock): void {
    this.#cache.set(cb.blockNo, cb);
    this.#subs.set(cb.blockNo, cb.subs);
    this.#cacheBytes += cb.bytes.length;
    this.#evict(cb.blockNo);
  }

  /** Keep the cache under CACHE_BYTES: write back and drop the least recently used blocks whose frames are not pinned. */
  #evict(keep: number): void {
    if (this.#cacheBytes <= CACHE_BYTES) return;
    const byAge = [...this.#cache.values()].sort((a, b) => a.lastUse - b.lastUse);
    for (const cb of byAge) {
      if (this.#cacheBytes <= CACHE_BYTES) return;
      if (cb.blockNo === keep || this.#pinned(cb)) continue;
      this.flushFrames(cb);
      if (cb.dirty) this.write(cb);
      this.#cache.delete(cb.blockNo);
      this.#cacheBytes -= cb.bytes.length;
    }
  }

  #pinned(cb: CBlock): boolean {
    for (let sub = 0; sub < cb.subs; sub++) {
      const frame = this.#p.cachedFrame(this.logicalFileId, cb.blockNo * SUBS_MAX + sub);
      if (frame >= 0 && this.#p.pinCount(frame) > 0) return true;
    }
    return false;
  }

  /** Write back every dirty compressed block (a checkpoint or close). The caller syncs the file. */
  flushAll(): void {
    this.#p.flushFile(this.logicalFileId);
    for (const cb of this.#cache.values()) if (cb.dirty) this.write(cb);
  }

  /** Write back one block if it is cached and dirty (a memtable flush). */
  flushBlock(blockNo: number): void {
    const cb = this.#cache.get(blockNo);
    if (cb === undefined) return;
    this.flushFrames(cb);
    if (cb.dirty) this.write(cb);
  }

  // ---- compression ----------------------------------------------------------------

  #codec(codec: number): Codec & { compressAt?: unknown } {
    if (codec === CODEC_LZ4) return this.#lz4;
    if (codec === CODEC_ZSTD) return (this.#zstd ??= new ZstdCodec());
    throw new FlintError(SqlState.dataCorrupted, `unknown codec ${codec} in a compressed block of ${this.#file.path}`, { file: this.#file.path });
  }

  /** Compress B's current content (frames included) into the codec kernels' stream area; returns the length. */
  #compress(cb: CBlock): number {
    this.flushFrames(cb);
    const len = cb.subs * BLOCK_SIZE;
    this.#ck8.set(cb.bytes.subarray(0, len), this.#ck.arenaOffset + AT_LOGICAL);
    const n = this.#compressArena(cb.codec, len);
    cb.measured = n;
    cb.pending = 0;
    cb.ratio = n / len;
    this.stats.compressions++;
    return n;
  }

  #compressArena(codec: number, len: number): number {
    const base = this.#ck.arenaOffset;
    if (codec === CODEC_LZ4) return this.#lz4.compressAt(base + AT_LOGICAL, len, base + AT_STREAM, STREAM_MAX);
    return this.#codec(codec).compress(this.#ck8.subarray(base + AT_LOGICAL, base + AT_LOGICAL + len), this.#ck8.subarray(base + AT_STREAM, base + AT_STREAM + STREAM_MAX));
  }

  /**
   * Bytes that `raw` new bytes may add to B's compressed size: twice what
   * they would at the block's measured ratio. An estimate, not a bound: when
   * the estimates reach the fill limit the block is measured again, and
   * growth the estimates missed ends in continuation blocks, never in loss.
   */
  estimate(cb: CBlock, raw: number): number {
    return Math.ceil(raw * Math.min(1, 2 * cb.ratio)) + 8;
  }

  /** Compressed size of B now (measures, so that pending growth is known exactly). */
  measure(cb: CBlock): number {
    return this.#compress(cb);
  }

  /** The compressed stream of B's current content (a copy), for a WAL image. */
  image(cb: CBlock): Uint8Array {
    const n = this.#compress(cb);
    const at = this.#ck.arenaOffset + AT_STREAM;
    return this.#ck8.slice(at, at + n);
  }

  /** Decompress a stream (from the WAL) into a new logical buffer of `subs` sub-blocks; XX001 on bad input. */
  decompressImage(codec: number, subs: number, stream: Uint8Array, what: string, offset: number): Uint8Array {
    const base = this.#ck.arenaOffset;
    if (stream.length > STREAM_MAX) throw corruption(this.#file.path, offset, `${what}: compressed stream of ${stream.length} bytes`);
    this.#ck8.set(stream, base + AT_STREAM);
    return this.#decompressArena(codec, subs, stream.length, what, offset);
  }

  #decompressArena(codec: number, subs: number, n: number, what: string, offset: number): Uint8Array {
    const base = this.#ck.arenaOffset;
    const len = subs * BLOCK_SIZE;
    try {
      if (codec === CODEC_LZ4) this.#lz4.decompressAt(base + AT_STREAM, n, base + AT_LOGICAL, len);
      else this.#codec(codec).decompress(this.#ck8.subarray(base + AT_STREAM, base + AT_STREAM + n), this.#ck8.subarray(base + AT_LOGICAL, base + AT_LOGICAL + len));
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.dataCorrupted) throw corruption(this.#file.path, offset, `${what}: ${error.message}`);
      throw error;
    }
    this.stats.decompressions++;
    for (let page = 0; page < subs * PAGES_PER_BLOCK; page++) {
      if (this.#ck.pageVerify(base + AT_LOGICAL + page * PAGE_SIZE) !== 1) {
        throw corruption(this.#file.path, offset, `${what}: logical page ${page} checksum mismatch after decompression`);
      }
    }
    return this.#ck8.slice(base + AT_LOGICAL, base + AT_LOGICAL + len);
  }

  /** Seal every logical page (content that did not come through the frames, e.g. a block just compressed). */
  #sealAll(cb: CBlock): void {
    const base = this.#ck.arenaOffset + AT_LOGICAL;
    const len = cb.subs * BLOCK_SIZE;
    this.#ck8.set(cb.bytes.subarray(0, len), base);
    for (let page = 0; page < cb.subs * PAGES_PER_BLOCK; page++) this.#ck.pageSeal(base + page * PAGE_SIZE);
    cb.bytes.set(this.#ck8.subarray(base, base + len));
  }

  // ---- disk ------------------------------------------------------------------------

  /** Compress and write B: continuation blocks first, then the home block. */
  write(cb: CBlock): void {
    const n = this.#compress(cb);
    let maxLsn = 0;
    const view = new DataView(cb.bytes.buffer, cb.bytes.byteOffset, cb.bytes.byteLength);
    for (let page = 0; page < cb.subs * PAGES_PER_BLOCK; page++) {
      const at = page * PAGE_SIZE + PAGE_OFF_LSN;
      const lsn = view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;
      if (lsn > maxLsn) maxLsn = lsn;
    }
    this.#host.walDurable(maxLsn);
    const needed = n <= CAPACITY ? 0 : Math.ceil((n - CAPACITY) / BLOCK_SIZE);
    if (needed > CONT_MAX) throw new FlintError(SqlState.internalError, `compressed block ${cb.blockNo} needs ${needed} continuation blocks`);
    while (cb.conts.length < needed) {
      cb.conts.push(this.#host.allocateContinuation(cb.blockNo, cb.owner));
      this.stats.continuations++;
    }
    const base = this.#ck.arenaOffset;
    const stream = base + AT_STREAM;
    for (let i = 0; i < needed; i++) {
      const from = stream + CAPACITY + i * BLOCK_SIZE;
      const chunk = new Uint8Array(BLOCK_SIZE);
      chunk.set(this.#ck8.subarray(from, Math.min(from + BLOCK_SIZE, stream + n)));
      this.#file.write(chunk, cb.conts[i]! * BLOCK_SIZE);
    }
    const home = base + AT_HOME;
    this.#ck8.fill(0, home, home + BLOCK_SIZE);
    const h = new DataView(this.#ck.buffer, home, BLOCK_SIZE);
    h.setUint32(32, BLOCK_MAGIC, true);
    h.setUint8(36, BLOCK_FORMAT_VERSION);
    h.setUint8(37, cb.codec);
    h.setUint32(40, cb.owner, true);
    h.setUint32(44, cb.blockNo, true);
    h.setUint32(48, n, true);
    h.setUint32(52, cb.subs * BLOCK_SIZE, true);
    h.setUint32(56, this.#ck.crc32c(stream, n, 0) >>> 0, true);
    h.setUint8(OFF_SUBS, cb.subs);
    h.setUint8(OFF_CONTS, needed);
    h.setUint32(OFF_MAX_LSN, maxLsn >>> 0, true);
    h.setUint32(OFF_MAX_LSN + 4, Math.floor(maxLsn / 0x1_0000_0000), true);
    for (let i = 0; i < needed; i++) h.setUint32(OFF_CONT_LIST + 4 * i, cb.conts[i]!, true);
    h.setUint32(60, this.#ck.crc32c(home + 32, HEADER_END - 32, 0) >>> 0, true);
    this.#ck.memCopy(home + HEADER_END, stream, Math.min(n, CAPACITY));
    this.#file.write(this.#ck8.subarray(home, home + BLOCK_SIZE), cb.blockNo * BLOCK_SIZE);
    cb.dirty = false;
    this.stats.blocksWritten++;
  }

  /** Read, check and decompress B from disk. XX001 naming heap.flint and the offset on any mismatch. */
  #readBlock(blockNo: number): CBlock {
    const path = this.#file.path;
    const position = blockNo * BLOCK_SIZE;
    const base = this.#ck.arenaOffset;
    const home = base + AT_HOME;
    const got = this.#file.read(this.#ck8.subarray(home, home + BLOCK_SIZE), position);
    if (got < BLOCK_SIZE) throw corruption(path, position, `compressed block ${blockNo} is cut short (${got} bytes)`);
    const h = new DataView(this.#ck.buffer, home, BLOCK_SIZE);
    if (h.getUint32(32, true) !== BLOCK_MAGIC) throw corruption(path, position + 32, `compressed block ${blockNo}: bad magic`);
    const headerCrc = h.getUint32(60, true);
    h.setUint32(60, 0, true);
    const computed = this.#ck.crc32c(home + 32, HEADER_END - 32, 0) >>> 0;
    h.setUint32(60, headerCrc, true);
    if (computed !== headerCrc) throw corruption(path, position + 32, `compressed block ${blockNo}: header checksum mismatch`);
    const codec = h.getUint8(37);
    const owner = h.getUint32(40, true);
    const n = h.getUint32(48, true);
    const subs = h.getUint8(OFF_SUBS);
    const contCount = h.getUint8(OFF_CONTS);
    if (h.getUint8(36) !== BLOCK_FORMAT_VERSION || h.getUint32(44, true) !== blockNo || (codec !== CODEC_LZ4 && codec !== CODEC_ZSTD) ||
        subs < 1 || subs > SUBS_MAX || h.getUint32(52, true) !== subs * BLOCK_SIZE || contCount > CONT_MAX ||
        n > CAPACITY + contCount * BLOCK_SIZE || n > STREAM_MAX || (contCount > 0 && n <= CAPACITY + (contCount - 1) * BLOCK_SIZE)) {
      throw corruption(path, position + 32, `compressed block ${blockNo}: inconsistent header`);
    }
    const conts: number[] = [];
    for (let i = 0; i < contCount; i++) conts.push(h.getUint32(OFF_CONT_LIST + 4 * i, true));
    const stream = base + AT_STREAM;
    this.#ck.memCopy(stream, home + HEADER_END, Math.min(n, CAPACITY));
    for (let i = 0; i < contCount; i++) {
      const at = stream + CAPACITY + i * BLOCK_SIZE;
      const len = Math.min(BLOCK_SIZE, n - CAPACITY - i * BLOCK_SIZE);
      const read = this.#file.read(this.#ck8.subarray(at, at + len), conts[i]! * BLOCK_SIZE);
      if (read < len) throw corruption(path, conts[i]! * BLOCK_SIZE, `continuation block of compressed block ${blockNo} is cut short`);
    }
    if ((this.#ck.crc32c(stream, n, 0) >>> 0) !== h.getUint32(56, true)) {
      throw corruption(path, position, `compressed block ${blockNo}: checksum mismatch of the compressed bytes`);
    }
    const bytes = this.#decompressArena(codec, subs, n, `compressed block ${blockNo}`, position);
    return { blockNo, owner, codec, subs, bytes, conts, dirty: false, measured: n, pending: 0, ratio: n / (subs * BLOCK_SIZE), lastUse: ++this.#clock };
  }
}
