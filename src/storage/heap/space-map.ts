// Which segments belong to which table, how much room each block has, and
// which older segments are worth filling again (the vacuum queue).
//
// The space map is derived state: it is saved in each checkpoint's catalog
// snapshot and kept current by WAL replay after it, but nothing is lost if a
// free-space figure is stale — a block with less room than recorded simply
// refuses the insert (the kernels check real free space) and its figure is
// corrected. Segment ownership, by contrast, is exact: it is logged
// (SEGMENT_ALLOC / SEGMENT_FREE records) and checkpointed.

import { assert } from '../../errors.ts';
import { BLOCKS_PER_SEGMENT } from '../../limits.ts';

/** Segment 0 of the heap file belongs to the system: block 0 is the file header. */
export const SYSTEM_SEGMENT = 0;
/** A block whose free space was never measured (not yet formatted). */
export const UNFORMATTED = -1;
/** Block kinds (SpaceMap.kind): an uncompressed block, a compressed block's home (its codec byte), a continuation. */
export const BLOCK_KIND_PLAIN = 0;
/** A block holding the tail of a compressed block's stream: no header, never scanned, never filled. */
export const BLOCK_KIND_CONTINUATION = 255;
/** A segment enters the vacuum queue when this many bytes in it are free in formatted blocks. */
export const REUSE_MIN_FREE_BYTES = 16 * 1024;

interface SegmentInfo {
  owner: number;
  /** Free bytes per block (kernels' blockFindPage decides exactly); UNFORMATTED for blocks never formatted. */
  freeBytes: Int32Array;
  /** Per block: BLOCK_KIND_PLAIN, a codec byte (1 lz4, 2 zstd: a compressed block) or BLOCK_KIND_CONTINUATION. */
  kinds: Uint8Array;
  /** LSN of the last write into this segment: recency for the vacuum queue. */
  lastWriteLsn: number;
}

/** The JSON form saved in the catalog snapshot. */
export interface SpaceMapSnapshot {
  segmentCount: number;
  freeSegments: number[];
  segments: { segment: number; owner: number; freeBytes: number[]; lastWriteLsn: number; kinds?: number[] }[];
}

export class SpaceMap {
  #segments = new Map<number, SegmentInfo>();
  /** #segments by segment number, for the lookups of one block or segment (ownedKind per hinted tuple of a secondary lookup; kind, setFreeBytes and ownerOf per inserted row): an array index, not a hash lookup. Kept with #segments. */
  #bySegment: (SegmentInfo | undefined)[] = [];
  #byOwner = new Map<number, number[]>();
  #freeSegments: number[] = [];
  /** Segments ever allocated in the file, including the system segment. */
  #segmentCount = 1;

  get segmentCount(): number {
    return this.#segmentCount;
  }

  /** Segments of an owner in allocation order. */
  segmentsOf(owner: number): readonly number[] {
    return this.#byOwner.get(owner) ?? [];
  }

  /** Every owner that holds at least one segment. */
  owners(): number[] {
    return [...this.#byOwner.keys()].filter((owner) => (this.#byOwner.get(owner) ?? []).length > 0);
  }

  ownerOf(segment: number): number | undefined {
    return this.#bySegment[segment]?.owner;
  }

  /** The segment a new allocation should take: a freed one first, else a new one at the end of the file. */
  nextSegment(): number {
    return this.#freeSegments.length > 0 ? Math.min(...this.#freeSegments) : this.#segmentCount;
  }

  /** Record that `segment` now belongs to `owner` (on SEGMENT_ALLOC, live or replayed). */
  assign(segment: number, owner: number, lsn: number): void {
    assert(segment !== SYSTEM_SEGMENT, 'the system segment is never assigned');
    const previous = this.#segments.get(segment);
    if (previous !== undefined) {
      // Replay may see an allocation the checkpoint already recorded.
      assert(previous.owner === owner, `segment ${segment} is assigned to one owner`);
      return;
    }
    this.#freeSegments = this.#freeSegments.filter((s) => s !== segment);
    this.#segmentCount = Math.max(this.#segmentCount, segment + 1);
    const info = { owner, freeBytes: new Int32Array(BLOCKS_PER_SEGMENT).fill(UNFORMATTED), kinds: new Uint8Array(BLOCKS_PER_SEGMENT), lastWriteLsn: lsn };
    this.#segments.set(segment, info);
    this.#bySegment[segment] = info;
    const list = this.#byOwner.get(owner) ?? [];
    list.push(segment);
    this.#byOwner.set(owner, list);
  }

  /** Give every segment of `owner` back (on DROP/TRUNCATE). Returns them. */
  releaseOwner(owner: number): number[] {
    const list = this.#byOwner.get(owner) ?? [];
    for (const segment of list) {
      this.#segments.delete(segment);
      this.#bySegment[segment] = undefined;
      this.#freeSegments.push(segment);
    }
    this.#byOwner.delete(owner);
    return list;
  }

  /** Whether a block is formatted, not a continuation, and in a segment of `owner`: Heap.holds in one lookup. */
  holdsBlock(owner: number, blockNo: number): boolean {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    if (info === undefined || info.owner !== owner) return false;
    const i = blockNo % BLOCKS_PER_SEGMENT;
    return info.freeBytes[i] !== UNFORMATTED && info.kinds[i] !== BLOCK_KIND_CONTINUATION;
  }

  /** holdsBlock and kind in one lookup: the block's kind if `owner` holds it (holdsBlock), else -1. */
  ownedKind(owner: number, blockNo: number): number {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    if (info === undefined || info.owner !== owner) return -1;
    const i = blockNo % BLOCKS_PER_SEGMENT;
    const kind = info.kinds[i]!;
    return info.freeBytes[i] !== UNFORMATTED && kind !== BLOCK_KIND_CONTINUATION ? kind : -1;
  }

  /** Free bytes of a block, or UNFORMATTED. */
  freeBytes(blockNo: number): number {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    return info === undefined ? UNFORMATTED : info.freeBytes[blockNo % BLOCKS_PER_SEGMENT]!;
  }

  /** A block's kind: BLOCK_KIND_PLAIN, a codec byte, or BLOCK_KIND_CONTINUATION (plain for a block of no segment). */
  kind(blockNo: number): number {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    return info === undefined ? BLOCK_KIND_PLAIN : info.kinds[blockNo % BLOCKS_PER_SEGMENT]!;
  }

  setKind(blockNo: number, kind: number): void {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    if (info !== undefined) info.kinds[blockNo % BLOCKS_PER_SEGMENT] = kind;
  }

  /** Record a block's free bytes after a change, and the segment's last write. */
  setFreeBytes(blockNo: number, bytes: number, lsn: number): void {
    const info = this.#bySegment[Math.floor(blockNo / BLOCKS_PER_SEGMENT)];
    if (info === undefined) return;
    info.freeBytes[blockNo % BLOCKS_PER_SEGMENT] = bytes;
    if (lsn > info.lastWriteLsn) info.lastWriteLsn = lsn;
  }

  /** The first never-formatted block of the owner's segments, or -1. */
  unformattedBlock(owner: number): number {
    for (const segment of this.segmentsOf(owner)) {
      const free = this.#segments.get(segment)!.freeBytes;
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) if (free[b] === UNFORMATTED) return segment * BLOCKS_PER_SEGMENT + b;
    }
    return -1;
  }

  /**
   * The vacuum queue: a formatted block of `owner` with at least `need` free
   * bytes, in a segment with at least REUSE_MIN_FREE_BYTES free. Segments
   * least recently written come first (their blocks are cold and will not be
   * rewritten soon), then those with more free space. `exclude` skips the
   * block currently being filled. Returns -1 if none.
   */
  reusableBlock(owner: number, need: number, exclude: number): number {
    let bestSegment = -1;
    let bestLsn = Infinity;
    let bestFree = -1;
    for (const segment of this.segmentsOf(owner)) {
      const info = this.#segments.get(segment)!;
      let total = 0;
      let fits = false;
      for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
        const free = info.freeBytes[b]!;
        if (free <= 0) continue;
        total += free;
        if (free >= need && segment * BLOCKS_PER_SEGMENT + b !== exclude) fits = true;
      }
      if (!fits || total < REUSE_MIN_FREE_BYTES) continue;
      if (info.lastWriteLsn < bestLsn || (info.lastWriteLsn === bestLsn && total > bestFree)) {
        bestSegment = segment;
        bestLsn = info.lastWriteLsn;
        bestFree = total;
      }
    }
    if (bestSegment < 0) return -1;
    const info = this.#segments.get(bestSegment)!;
    const free = info.freeBytes;
    let bestBlock = -1;
    let most = -1;
    for (let b = 0; b < BLOCKS_PER_SEGMENT; b++) {
      const blockNo = bestSegment * BLOCKS_PER_SEGMENT + b;
      if (free[b]! >= need && free[b]! > most && blockNo !== exclude && info.kinds[b] !== BLOCK_KIND_CONTINUATION) {
        most = free[b]!;
        bestBlock = blockNo;
      }
    }
    return bestBlock;
  }

  /** Free bytes summed over an owner's formatted blocks (for stats). */
  ownerFreeBytes(owner: number): number {
    let total = 0;
    for (const segment of this.segmentsOf(owner)) for (const f of this.#segments.get(segment)!.freeBytes) if (f > 0) total += f;
    return total;
  }

  snapshot(): SpaceMapSnapshot {
    return {
      segmentCount: this.#segmentCount,
      freeSegments: [...this.#freeSegments].sort((a, b) => a - b),
      segments: [...this.#segments.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([segment, info]) => ({
          segment, owner: info.owner, freeBytes: [...info.freeBytes], lastWriteLsn: info.lastWriteLsn,
          ...(info.kinds.some((k) => k !== BLOCK_KIND_PLAIN) ? { kinds: [...info.kinds] } : {}),
        })),
    };
  }

  static fromSnapshot(snapshot: SpaceMapSnapshot): SpaceMap {
    const map = new SpaceMap();
    map.#segmentCount = snapshot.segmentCount;
    map.#freeSegments = [...snapshot.freeSegments];
    for (const s of snapshot.segments) {
      const kinds = s.kinds === undefined ? new Uint8Array(BLOCKS_PER_SEGMENT) : Uint8Array.from(s.kinds);
      const info = { owner: s.owner, freeBytes: Int32Array.from(s.freeBytes), kinds, lastWriteLsn: s.lastWriteLsn };
      map.#segments.set(s.segment, info);
      map.#bySegment[s.segment] = info;
      const list = map.#byOwner.get(s.owner) ?? [];
      list.push(s.segment);
      map.#byOwner.set(s.owner, list);
    }
    return map;
  }
}
