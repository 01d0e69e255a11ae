// The buffer pool: 64 KiB frames inside the kernels' linear memory.
//
// A frame caches one block of one file. File bytes are read straight into a
// Uint8Array view over the frame and written straight from it: there is no
// intermediate copy, and kernels work on the frame in place by offset.
//
// Bounded by construction: the frame count is fixed when the pool is created
// from the kernel arena. When every frame is pinned, pin() fails with a
// FlintError (53000) instead of growing memory.
//
// Eviction is CLOCK (second chance): each frame has a reference bit set on
// every pin; the hand clears bits until it finds an unpinned frame whose bit
// is clear. Dirty tracking is per 4 KiB page inside a frame (a 16-bit mask),
// so a point update writes back one page, not the whole 64 KiB block.
//
// Checksums: every page is sealed (CRC32C) by the kernels just before it is
// written and verified right after it is read, unless the file was
// registered with `checksums: false` (e.g. compressed-block files, whose
// codec verifies whole blocks). A page of all zero bytes is a page that was
// never written (a hole past a block's written pages) and is accepted as
// such; every other checksum mismatch is a FlintError XX001 naming the file
// and byte offset.

import { FlintError, SqlState, assert, corruption } from '../../errors.ts';
import type { Kernels } from '../../kernels/index.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../limits.ts';

/** The part of a vfs file the pool needs. */
export interface PoolFile {
  readonly path: string;
  read(into: Uint8Array, position: number): number;
  write(from: Uint8Array, position: number): void;
}

export interface RegisterFileOptions {
  /** Seal pages on write and verify them on read (default true). */
  checksums?: boolean;
}

export interface BufferPoolOptions {
  /** Bytes of the kernel arena the pool may use, from kernels.arenaOffset; default all of it. */
  bytes?: number;
  /**
   * Called before dirty pages of a block are written back, with the frame
   * offset. The storage engine uses it to enforce write-ahead logging (flush
   * the WAL up to the pages' LSN first).
   */
  beforeWriteBack?: (fileId: number, blockNo: number, frameOffset: number) => void;
}

export interface BufferPoolStats {
  hits: number;
  misses: number;
  evictions: number;
  pagesWritten: number;
  blocksRead: number;
}

const NO_FILE = -1;
const ALL_PAGES_DIRTY = (1 << PAGES_PER_BLOCK) - 1;
/** File ids fit in 21 bits so (fileId, blockNo) packs into one safe-integer map key. */
const MAX_FILES = 1 << 21;

interface RegisteredFile {
  file: PoolFile;
  checksums: boolean;
}

export class BufferPool {
  readonly frameCount: number;
  readonly stats: BufferPoolStats = { hits: 0, misses: 0, evictions: 0, pagesWritten: 0, blocksRead: 0 };

  readonly #kernels: Kernels;
  readonly #firstFrameOffset: number;
  readonly #beforeWriteBack: BufferPoolOptions['beforeWriteBack'];
  readonly #frameViews: Uint8Array[];
  // Per-frame state in flat typed arrays: no objects per frame, no allocation on pin.
  readonly #frameFile: Int32Array;
  readonly #frameBlock: Float64Array;
  readonly #pinCount: Int32Array;
  readonly #dirtyMask: Uint16Array;
  readonly #referenced: Uint8Array;
  readonly #pageTable = new Map<number, number>();
  /**
   * A direct-mapped cache in front of the page table: slot hintSlot(file,
   * block) holds the frame last found for a block hashing there, or -1.
   * Taken only if the frame still caches that block (its #frameFile and
   * #frameBlock, which change only when a frame is installed or released
   * along with its page table entry), so it is never wrong, only missed: two
   * typed-array reads instead of a Map lookup on a heap-number key (a point
   * select pins ~5 blocks, a lookup of 20 rows by a secondary index ~25).
   */
  readonly #hints: Int32Array;
  readonly #hintShift: number;
  readonly #files: (RegisteredFile | undefined)[] = [];
  #clockHand = 0;
  #freeFrames: number[];

  constructor(kernels: Kernels, options: BufferPoolOptions = {}) {
    const available = kernels.memoryBytes - kernels.arenaOffset;
    const bytes = options.bytes ?? available;
    if (bytes > available || bytes < BLOCK_SIZE) {
      throw new FlintError(SqlState.invalidParameterValue, `buffer pool of ${bytes} bytes does not fit the kernel arena of ${available} bytes`);
    }
    assert(kernels.arenaOffset % BLOCK_SIZE === 0, 'arena is block-aligned');
    this.#kernels = kernels;
    this.#firstFrameOffset = kernels.arenaOffset;
    this.#beforeWriteBack = options.beforeWriteBack;
    this.frameCount = Math.floor(bytes / BLOCK_SIZE);
    this.#frameViews = [];
    for (let i = 0; i < this.frameCount; i++) {
      this.#frameViews.push(new Uint8Array(kernels.buffer, this.frameOffset(i), BLOCK_SIZE));
    }
    this.#frameFile = new Int32Array(this.frameCount).fill(NO_FILE);
    this.#frameBlock = new Float64Array(this.frameCount);
    this.#pinCount = new Int32Array(this.frameCount);
    this.#dirtyMask = new Uint16Array(this.frameCount);
    this.#referenced = new Uint8Array(this.frameCount);
    // 4 slots a frame (at least 1024), a power of two.
    const hintBits = Math.max(10, Math.ceil(Math.log2(this.frameCount * 4)));
    this.#hints = new Int32Array(1 << hintBits).fill(-1);
    this.#hintShift = 32 - hintBits;
    // Hand out low frames first: pop() from the end of a descending list.
    this.#freeFrames = Array.from({ length: this.frameCount }, (_, i) => this.frameCount - 1 - i);
  }

  /** Register a file; returns its id for pin(). */
  registerFile(file: PoolFile, options: RegisterFileOptions = {}): number {
    let id = this.#files.indexOf(undefined);
    if (id < 0) id = this.#files.length;
    if (id >= MAX_FILES) throw new FlintError(SqlState.programLimitExceeded, `too many open files in the buffer pool (${MAX_FILES})`);
    this.#files[id] = { file, checksums: options.checksums ?? true };
    return id;
  }

  /** Write back a file's dirty pages, drop its frames and forget it. Its frames must be unpinned. */
  unregisterFile(fileId: number): void {
    this.flushFile(fileId);
    this.discardFile(fileId);
    this.#files[fileId] = undefined;
  }

  /** Byte offset of a frame in the kernels' memory. */
  frameOffset(frame: number): number {
    return this.#firstFrameOffset + frame * BLOCK_SIZE;
  }

  /** A view over a frame's 64 KiB (valid for the pool's lifetime: the memory never grows). */
  frameView(frame: number): Uint8Array {
    const view = this.#frameViews[frame];
    if (view === undefined) assert(false, `frame ${frame} exists`);
    return view;
  }

  /**
   * Pin a block, reading it from the file on a miss. Returns the frame index.
   * `verify: false` skips checksum verification of what is read: recovery
   * uses it for blocks whose torn pages the WAL is about to overwrite.
   */
  pin(fileId: number, blockNo: number, verify = true): number {
    const cached = this.#lookup(fileId, blockNo);
    if (cached >= 0) {
      this.stats.hits++;
      this.#pinCount[cached]!++;
      this.#referenced[cached] = 1;
      return cached;
    }
    this.stats.misses++;
    const frame = this.#takeFrame();
    try {
      this.#readBlock(fileId, blockNo, frame, verify);
    } catch (error) {
      this.#freeFrames.push(frame);
      throw error;
    }
    this.#install(frame, fileId, blockNo, pageTableKey(fileId, blockNo));
    return frame;
  }

  /**
   * Pin `frame` if it still caches block `blockNo` of `fileId` (a frame its
   * caller pinned before and remembered): true and pinned, else false and
   * nothing changes. The page table is not consulted: a frame's file and
   * block change only when it is installed or released.
   */
  pinIfCached(frame: number, fileId: number, blockNo: number): boolean {
    if (!(frame >= 0 && frame < this.frameCount) || this.#frameFile[frame] !== fileId || this.#frameBlock[frame] !== blockNo) return false;
    this.stats.hits++;
    this.#pinCount[frame]!++;
    this.#referenced[frame] = 1;
    return true;
  }

  /**
   * Pin a block that is new (beyond what the file holds): the frame is zeroed
   * and fully dirty, and nothing is read. The caller formats it. `zero`
   * false: the frame keeps whatever it held (another block's bytes), for a
   * caller that writes every byte of it at once, before anything reads it
   * (Heap's block format: blockInit writes all 64 KiB, and zeroing the frame
   * first was a second 64 KiB memset a block, ~1.5% of a bulk load).
   */
  pinNew(fileId: number, blockNo: number, zero = true): number {
    const key = pageTableKey(fileId, blockNo);
    assert(!this.#pageTable.has(key), `block ${blockNo} of file ${fileId} is not cached when created`);
    const frame = this.#takeFrame();
    if (zero) this.frameView(frame).fill(0);
    this.#install(frame, fileId, blockNo, key);
    this.#dirtyMask[frame] = ALL_PAGES_DIRTY;
    return frame;
  }

  /**
   * Pin a block that is about to be formatted from scratch: the cached frame
   * if there is one, else a zeroed frame (nothing is read; `zero` false: not
   * zeroed either, as pinNew). Fully dirty.
   */
  pinForFormat(fileId: number, blockNo: number, zero = true): number {
    const cached = this.#lookup(fileId, blockNo);
    if (cached < 0) return this.pinNew(fileId, blockNo, zero);
    this.#pinCount[cached]!++;
    this.#referenced[cached] = 1;
    this.#dirtyMask[cached] = ALL_PAGES_DIRTY;
    return cached;
  }

  /**
   * A read of a frame cachedFrame found, made without pinning it (a kernel
   * reading it at once): counted as a hit and marked referenced, as pin
   * marks it, so that the clock keeps blocks read this way.
   */
  reference(frame: number): void {
    this.stats.hits++;
    this.#referenced[frame] = 1;
  }

  /** The frame caching a block, or -1; pins nothing. */
  cachedFrame(fileId: number, blockNo: number): number {
    return this.#lookup(fileId, blockNo);
  }

  /** The frame caching a block, or -1: the hint slot's frame if it still caches the block, else the page table's (then hinted). */
  #lookup(fileId: number, blockNo: number): number {
    const slot = hintSlot(fileId, blockNo, this.#hintShift);
    const hinted = this.#hints[slot]!;
    if (hinted >= 0 && this.#frameFile[hinted] === fileId && this.#frameBlock[hinted] === blockNo) return hinted;
    const frame = this.#pageTable.get(pageTableKey(fileId, blockNo));
    if (frame === undefined) return -1;
    this.#hints[slot] = frame;
    return frame;
  }

  /** Block number cached in a frame (for write-back hooks and diagnostics). */
  frameBlock(frame: number): number {
    return this.#frameBlock[frame]!;
  }

  /** 1 if the page's checksum is right or the page was never written (all zeros), else 0. */
  pageIsIntact(frame: number, pageIndex: number): boolean {
    const offset = this.frameOffset(frame) + pageIndex * PAGE_SIZE;
    return this.#kernels.pageVerify(offset) === 1 || isAllZero(this.frameView(frame), pageIndex * PAGE_SIZE, PAGE_SIZE);
  }

  unpin(frame: number): void {
    // The message only on failure: every pin is unpinned, and a template literal is built before assert is called.
    if (!(this.#pinCount[frame]! > 0)) assert(false, `frame ${frame} is pinned when unpinned`);
    this.#pinCount[frame]!--;
  }

  /** Mark one 4 KiB page of a pinned frame as changed. */
  markPageDirty(frame: number, pageIndex: number): void {
    assert(this.#pinCount[frame]! > 0, 'only a pinned frame is changed');
    assert(pageIndex >= 0 && pageIndex < PAGES_PER_BLOCK, 'page index within the block');
    this.#dirtyMask[frame]! |= 1 << pageIndex;
  }

  /** Mark every page of a pinned frame as changed. */
  markBlockDirty(frame: number): void {
    assert(this.#pinCount[frame]! > 0, 'only a pinned frame is changed');
    this.#dirtyMask[frame] = ALL_PAGES_DIRTY;
  }

  isDirty(frame: number): boolean {
    return this.#dirtyMask[frame] !== 0;
  }

  pinCount(frame: number): number {
    return this.#pinCount[frame]!;
  }

  /** Write back one frame's dirty pages (pinned or not). */
  flushFrame(frame: number): void {
    const mask = this.#dirtyMask[frame]!;
    if (mask === 0) return;
    const fileId = this.#frameFile[frame]!;
    const blockNo = this.#frameBlock[frame]!;
    const registered = this.#registered(fileId);
    const base = this.frameOffset(frame);
    this.#beforeWriteBack?.(fileId, blockNo, base);
    const view = this.frameView(frame);
    const blockPosition = blockNo * BLOCK_SIZE;
    // Coalesce runs of adjacent dirty pages into one write each.
    let page = 0;
    while (page < PAGES_PER_BLOCK) {
      if ((mask & (1 << page)) === 0) {
        page++;
        continue;
      }
      const first = page;
      while (page < PAGES_PER_BLOCK && (mask & (1 << page)) !== 0) {
        if (registered.checksums) this.#kernels.pageSeal(base + page * PAGE_SIZE);
        page++;
      }
      registered.file.write(view.subarray(first * PAGE_SIZE, page * PAGE_SIZE), blockPosition + first * PAGE_SIZE);
      this.stats.pagesWritten += page - first;
    }
    this.#dirtyMask[frame] = 0;
  }

  /** Write back every dirty frame of a file. The caller syncs the file. */
  flushFile(fileId: number): void {
    for (let frame = 0; frame < this.frameCount; frame++) {
      if (this.#frameFile[frame] === fileId) this.flushFrame(frame);
    }
  }

  /** Write back every dirty frame. */
  flushAll(): void {
    for (let frame = 0; frame < this.frameCount; frame++) {
      if (this.#frameFile[frame] !== NO_FILE) this.flushFrame(frame);
    }
  }

  /** Drop a file's cached blocks without writing them (after truncation or drop). */
  discardFile(fileId: number): void {
    for (let frame = 0; frame < this.frameCount; frame++) {
      if (this.#frameFile[frame] !== fileId) continue;
      assert(this.#pinCount[frame] === 0, `frame ${frame} of a discarded file is unpinned`);
      this.#pageTable.delete(pageTableKey(fileId, this.#frameBlock[frame]!));
      this.#release(frame);
    }
  }

  /** Drop one cached block without writing it (its pages are known bad or rebuilt elsewhere). */
  discardBlock(fileId: number, blockNo: number): void {
    const key = pageTableKey(fileId, blockNo);
    const frame = this.#pageTable.get(key);
    if (frame === undefined) return;
    assert(this.#pinCount[frame] === 0, `frame ${frame} of a discarded block is unpinned`);
    this.#pageTable.delete(key);
    this.#release(frame);
  }

  /** How many frames are pinned now (for tests and metrics). */
  pinnedFrames(): number {
    let pinned = 0;
    for (let frame = 0; frame < this.frameCount; frame++) if (this.#pinCount[frame]! > 0) pinned++;
    return pinned;
  }

  #registered(fileId: number): RegisteredFile {
    const registered = this.#files[fileId];
    assert(registered !== undefined, `file ${fileId} is registered`);
    return registered;
  }

  #install(frame: number, fileId: number, blockNo: number, key: number): void {
    this.#frameFile[frame] = fileId;
    this.#frameBlock[frame] = blockNo;
    this.#pinCount[frame] = 1;
    this.#referenced[frame] = 1;
    this.#dirtyMask[frame] = 0;
    this.#pageTable.set(key, frame);
    this.#hints[hintSlot(fileId, blockNo, this.#hintShift)] = frame;
  }

  #release(frame: number): void {
    this.#frameFile[frame] = NO_FILE;
    this.#pinCount[frame] = 0;
    this.#dirtyMask[frame] = 0;
    this.#referenced[frame] = 0;
    this.#freeFrames.push(frame);
  }

  #takeFrame(): number {
    const free = this.#freeFrames.pop();
    if (free !== undefined) return free;
    // CLOCK: at most two sweeps (the first may only clear reference bits).
    for (let step = 0; step < 2 * this.frameCount; step++) {
      const frame = this.#clockHand;
      this.#clockHand = (this.#clockHand + 1) % this.frameCount;
      if (this.#pinCount[frame]! > 0) continue;
      if (this.#referenced[frame] === 1) {
        this.#referenced[frame] = 0;
        continue;
      }
      this.flushFrame(frame);
      this.#pageTable.delete(pageTableKey(this.#frameFile[frame]!, this.#frameBlock[frame]!));
      this.#frameFile[frame] = NO_FILE;
      this.stats.evictions++;
      return frame;
    }
    throw new FlintError(
      SqlState.insufficientResources,
      `buffer pool exhausted: all ${this.frameCount} frames are pinned; raise the pool size or pin fewer blocks at once`,
    );
  }

  #readBlock(fileId: number, blockNo: number, frame: number, verify: boolean): void {
    const registered = this.#registered(fileId);
    const view = this.frameView(frame);
    const position = blockNo * BLOCK_SIZE;
    const got = registered.file.read(view, position);
    if (got < BLOCK_SIZE) view.fill(0, got);
    this.stats.blocksRead++;
    if (!registered.checksums || !verify) return;
    const base = this.frameOffset(frame);
    for (let page = 0; page < PAGES_PER_BLOCK; page++) {
      const pageOffset = base + page * PAGE_SIZE;
      if (this.#kernels.pageVerify(pageOffset) === 1) continue;
      if (isAllZero(view, page * PAGE_SIZE, PAGE_SIZE)) continue;
      throw corruption(registered.file.path, position + page * PAGE_SIZE, 'page checksum mismatch');
    }
  }
}

function pageTableKey(fileId: number, blockNo: number): number {
  return fileId * 0x1_0000_0000 + blockNo;
}

/** The hint slot of a block: a multiplicative hash of its file and the low 32 bits of its number, top bits. Exported for tests. */
export function hintSlot(fileId: number, blockNo: number, shift: number): number {
  return Math.imul((blockNo | 0) ^ Math.imul(fileId, 0x27d4eb2d), 0x9e3779b1) >>> shift;
}

function isAllZero(bytes: Uint8Array, start: number, length: number): boolean {
  const end = start + length;
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
