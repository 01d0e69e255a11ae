// One structural change of a B+-tree (a split, a merge, a new or collapsed
// root, pages taken from or given to the free list, the meta tuple), made
// atomic by logging every page it touched in ONE INDEX_PAGES record.
//
//   batch.begin()
//   const node = batch.touch(pageId)       pin, keep a before-image; after-image logged
//   batch.patchInt32(pageId, offset, v)    a 4-byte change logged as a patch
//   batch.touchOps(pageId)                 pin for changes logged as node operations:
//   batch.opInsert(pageId, pos, ...)         a nodeInsert it made
//   batch.opSplit(pageId, pos, rightId)      a nodeSplit it made (the left half)
//   batch.commit()                         one record, page LSNs, dirty marks, unpin
//   batch.abort()                          put every page back as it was, unpin
//
// Pages stay pinned until commit or abort, so none of them can be written
// back half changed: the buffer pool only writes a page after the record that
// describes its change, and the record describes the whole change.
//
// After-images leave out the free gap of the slotted page ([free_lower,
// free_upper)): it is zeroed here before the image is taken, so redo, which
// zeroes it too, leaves the same bytes. A split then logs about one page of
// bytes, not two. A touched page needs no torn-page guard: its after-image
// rebuilds it whole. A patched page (a sibling's left link) does: its patch
// applies only to the page as it was.
//
// Node operations. A split's left half and the parent that takes the
// separator would each cost a page image, though what happened to them is
// one kernel call each on bytes that redo has in hand (the page as it was
// before the record: redo is physiological). So a page touched with
// touchOps() is logged as the operations made on it, in order (FORM_SPLIT,
// FORM_INSERT; a patch of it as FORM_PATCH), and redo replays the same
// kernel calls, which leave the same bytes (nodeSplit's left half is
// compacted, so its bytes depend only on its entries). Such a page needs
// the torn-page guard, as a patched page does. A page that is also
// touched() (any other change: a merge, a delete) is logged as an
// after-image instead, and its operations are dropped. The new right half
// of a split is an after-image: its entries are not on any page redo has.
// A leaf split of a secondary index then logs about half a page (the right
// half) instead of a page and a half, an ascending primary key's split a
// few dozen bytes.
//
// If anything fails before the record is appended (the pool is exhausted,
// the record exceeds the WAL's largest payload, a corrupt page is found),
// abort() restores each page from its before-image byte for byte, LSN
// included; nothing was logged, so nothing else needs undoing (a block
// formatted meanwhile stays formatted and unused).

import { FlintError, SqlState, assert } from '../../errors.ts';
import type { Kernels } from '../../kernels/index.ts';
import { PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_HEADER_SIZE } from '../../kernels/layout.ts';
import { PAGE_SIZE } from '../../limits.ts';
import type { Heap } from '../heap/heap.ts';
import { RecordType } from '../record-types.ts';
import { pageBlock, pageInBlock } from './btree-format.ts';

/** Record header bytes: u16 page count. */
const RECORD_HEADER = 2;
/** Per page: u32 id, u8 form, u16 lower/offset/position, u16 upper/length. */
const ENTRY_HEADER = 9;
/** The page's bytes but its free gap. */
export const FORM_IMAGE = 0;
/** Bytes at an offset. */
export const FORM_PATCH = 1;
/** nodeSplit's left half: the first `position` entries stay, the right link becomes the i32 right page id (the 4 bytes). */
export const FORM_SPLIT = 2;
/** nodeInsert at `position` of u16 key length, key, value (the bytes). */
export const FORM_INSERT = 3;
/** A touched page logged as the operations made on it (not a form in the record: each operation is an entry). */
const FORM_OPS = -1;
/** Most pages one structural change may touch (bounds the arrays; far above any real change). */
const MAX_TOUCHED = 4096;

export class PageBatch {
  readonly #heap: Heap;
  readonly #kernels: Kernels;
  readonly #u8: Uint8Array;
  readonly #view: DataView;
  #active = false;
  // Touched pages, in order: id, frame, node offset, form, before-image.
  readonly #ids: number[] = [];
  readonly #frames: number[] = [];
  readonly #nodes: number[] = [];
  readonly #forms: number[] = [];
  readonly #before: Uint8Array[] = [];
  #count = 0;
  // Patches: index into the touched pages, offset in the page.
  readonly #patchPage: number[] = [];
  readonly #patchOffset: number[] = [];
  #patches = 0;
  #record = new Uint8Array(64 * 1024);
  // Operations of FORM_OPS pages, as record entries (header and bytes), one after another; per entry its page index, start and end.
  #ops = new Uint8Array(4096);
  #opsView = new DataView(this.#ops.buffer);
  #opsUsed = 0;
  readonly #opPage: number[] = [];
  readonly #opStart: number[] = [];
  #opCount = 0;

  constructor(heap: Heap) {
    this.#heap = heap;
    this.#kernels = heap.kernels;
    this.#u8 = new Uint8Array(this.#kernels.buffer);
    this.#view = new DataView(this.#kernels.buffer);
  }

  get active(): boolean {
    return this.#active;
  }

  begin(): void {
    assert(!this.#active, 'one structural change at a time');
    this.#active = true;
    this.#count = 0;
    this.#patches = 0;
    this.#opsUsed = 0;
    this.#opCount = 0;
  }

  /** Pin a page for a change logged as an after-image; returns its offset in the kernels' memory. */
  touch(pageId: number): number {
    const i = this.#find(pageId);
    if (i >= 0) {
      this.#forms[i] = FORM_IMAGE;
      return this.#nodes[i]!;
    }
    return this.#nodes[this.#add(pageId, FORM_IMAGE)]!;
  }

  /**
   * Pin a node page for changes logged as the operations made on it
   * (opInsert, opSplit; patchInt32 too); returns its offset in the kernels'
   * memory. A page already touched keeps its form.
   */
  touchOps(pageId: number): number {
    const i = this.#find(pageId);
    if (i >= 0) {
      // A patched page's patches are not operations in order with the new ones: log its image.
      if (this.#forms[i] === FORM_PATCH) this.#forms[i] = FORM_IMAGE;
      return this.#nodes[i]!;
    }
    return this.#nodes[this.#add(pageId, FORM_OPS)]!;
  }

  /** Log nodeInsert(node, pos, keyPtr, keyLen, valPtr, valLen) just made on a page (nothing if its after-image is logged). */
  opInsert(pageId: number, pos: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number): void {
    const i = this.#find(pageId);
    assert(i >= 0, 'an operation on a touched page');
    if (this.#forms[i] !== FORM_OPS) return;
    const at = this.#opEntry(i, pageId, FORM_INSERT, pos, 2 + keyLen + valLen);
    const out = this.#ops;
    const u8 = this.#u8;
    out[at] = keyLen & 0xff;
    out[at + 1] = keyLen >>> 8;
    for (let b = 0; b < keyLen; b++) out[at + 2 + b] = u8[keyPtr + b]!;
    for (let b = 0; b < valLen; b++) out[at + 2 + keyLen + b] = u8[valPtr + b]!;
  }

  /** Log nodeSplit(node, pageId, right, rightId, pos, ...) just made on a page: its left half (nothing if its after-image is logged). */
  opSplit(pageId: number, pos: number, rightId: number): void {
    const i = this.#find(pageId);
    assert(i >= 0, 'an operation on a touched page');
    if (this.#forms[i] !== FORM_OPS) return;
    const at = this.#opEntry(i, pageId, FORM_SPLIT, pos, 4);
    this.#opsView.setInt32(at, rightId, true);
  }

  /** Room for one operation entry of page index i with `bytes` after its header; returns where those bytes go. */
  #opEntry(i: number, pageId: number, form: number, a: number, bytes: number): number {
    const size = ENTRY_HEADER + bytes;
    if (this.#opsUsed + size > this.#ops.length) {
      const grown = new Uint8Array(Math.max(this.#opsUsed + size, this.#ops.length * 2));
      grown.set(this.#ops.subarray(0, this.#opsUsed));
      this.#ops = grown;
      this.#opsView = new DataView(grown.buffer);
    }
    const at = this.#opsUsed;
    const v = this.#opsView;
    v.setUint32(at, pageId, true);
    v.setUint8(at + 4, form);
    v.setUint16(at + 5, a, true);
    v.setUint16(at + 7, bytes, true);
    this.#opPage[this.#opCount] = i;
    this.#opStart[this.#opCount] = at;
    this.#opCount++;
    this.#opsUsed = at + size;
    return at + ENTRY_HEADER;
  }

  /** Write a little-endian i32 into a page, logged as a patch (unless the page's after-image is logged anyway). */
  patchInt32(pageId: number, offset: number, value: number): void {
    assert(offset >= PAGE_HEADER_SIZE && offset + 4 <= PAGE_SIZE, 'a patch leaves the page header alone');
    let i = this.#find(pageId);
    if (i < 0) i = this.#add(pageId, FORM_PATCH);
    this.#view.setInt32(this.#nodes[i]! + offset, value, true);
    if (this.#forms[i] === FORM_OPS) {
      // In order with the page's other operations.
      const at = this.#opEntry(i, pageId, FORM_PATCH, offset, 4);
      this.#opsView.setInt32(at, value, true);
      return;
    }
    if (this.#forms[i] !== FORM_PATCH) return;
    for (let p = 0; p < this.#patches; p++) if (this.#patchPage[p] === i && this.#patchOffset[p] === offset) return;
    this.#patchPage[this.#patches] = i;
    this.#patchOffset[this.#patches] = offset;
    this.#patches++;
  }

  /** Log every touched page in one INDEX_PAGES record, stamp their LSNs, unpin them. */
  commit(): void {
    assert(this.#active, 'commit of an active batch');
    if (this.#count === 0) {
      this.#active = false;
      return;
    }
    let lsn: number;
    try {
      const length = this.#size();
      if (length > this.#heap.maxRecordBytes) {
        throw new FlintError(
          SqlState.programLimitExceeded,
          `B+-tree change of ${this.#count} pages needs a WAL record of ${length} bytes; the maximum is ${this.#heap.maxRecordBytes} (use larger WAL files)`,
        );
      }
      const wal = this.#heap.reservingWal;
      if (wal !== undefined) {
        // Built in the WAL's buffer (reserve, then commit): the page images are copied once, not into a record of ours
        // that append() copies again (a bulk load's index build logs ~11 MB of them). The reservation's I/O (a full
        // buffer's write, a file switch) may fail: abort() then, nothing logged.
        const at = wal.reserve(length);
        this.#encode(wal.bytes, wal.view, at, length);
        lsn = wal.commit(RecordType.indexPages, length);
      } else {
        if (length > this.#record.length) this.#record = new Uint8Array(Math.max(length, this.#record.length * 2));
        this.#encode(this.#record, new DataView(this.#record.buffer), 0, length);
        lsn = this.#heap.logRecord(RecordType.indexPages, this.#record.subarray(0, length));
      }
    } catch (error) {
      this.abort();
      throw error;
    }
    for (let i = 0; i < this.#count; i++) {
      const frame = this.#frames[i]!;
      this.#heap.pageChanged(frame, pageInBlock(this.#ids[i]!), lsn);
      this.#heap.unpinBlock(frame);
    }
    this.#active = false;
    this.#count = 0;
  }

  /** Undo: every touched page gets its before-image back; unpin. */
  abort(): void {
    if (!this.#active) return;
    for (let i = 0; i < this.#count; i++) {
      this.#u8.set(this.#before[i]!, this.#nodes[i]!);
      this.#heap.unpinBlock(this.#frames[i]!);
    }
    this.#active = false;
    this.#count = 0;
  }

  #find(pageId: number): number {
    for (let i = 0; i < this.#count; i++) if (this.#ids[i] === pageId) return i;
    return -1;
  }

  #add(pageId: number, form: number): number {
    assert(this.#active, 'pages are touched inside begin() .. commit()');
    assert(this.#count < MAX_TOUCHED, 'a structural change touches a bounded number of pages');
    const blockNo = pageBlock(pageId);
    const page = pageInBlock(pageId);
    const frame = this.#heap.pinBlock(blockNo);
    const node = this.#heap.frameOffset(frame) + page * PAGE_SIZE;
    const i = this.#count;
    try {
      if (form !== FORM_IMAGE) this.#heap.guardPage(frame, blockNo, page);
    } catch (error) {
      this.#heap.unpinBlock(frame);
      throw error;
    }
    if (this.#before.length <= i) this.#before.push(new Uint8Array(PAGE_SIZE));
    this.#before[i]!.set(this.#u8.subarray(node, node + PAGE_SIZE));
    this.#ids[i] = pageId;
    this.#frames[i] = frame;
    this.#nodes[i] = node;
    this.#forms[i] = form;
    this.#count++;
    return i;
  }

  /** The record payload's length. */
  #size(): number {
    const view = this.#view;
    let size = RECORD_HEADER;
    for (let i = 0; i < this.#count; i++) {
      if (this.#forms[i] !== FORM_IMAGE) continue;
      const node = this.#nodes[i]!;
      const lower = view.getUint16(node + PAGE_OFF_FREE_LOWER, true);
      const upper = view.getUint16(node + PAGE_OFF_FREE_UPPER, true);
      // The gap is [lower, upper) if the header is sane, else empty (#encode's rule).
      size += ENTRY_HEADER + (saneGap(lower, upper) ? lower + (PAGE_SIZE - upper) : PAGE_SIZE);
    }
    for (let p = 0; p < this.#patches; p++) if (this.#forms[this.#patchPage[p]!] === FORM_PATCH) size += ENTRY_HEADER + 4;
    for (let o = 0; o < this.#opCount; o++) if (this.#forms[this.#opPage[o]!] === FORM_OPS) size += this.#opEnd(o) - this.#opStart[o]!;
    return size;
  }

  /**
   * Write the record payload, #size() bytes, into out[base, base + size) (v a
   * DataView over the same bytes as out): the WAL's buffer, which may lie in
   * the kernels' memory (the engine's does), or #record.
   */
  #encode(out: Uint8Array, v: DataView, base: number, size: number): void {
    const u8 = this.#u8;
    const view = this.#view;
    const k = this.#kernels;
    // out in the kernels' memory: a page's bytes go by memCopy (no typed-array set between views of one buffer).
    const inKernels = out.buffer === u8.buffer ? out.byteOffset : -1;
    let at = base + RECORD_HEADER;
    let entries = 0;
    for (let i = 0; i < this.#count; i++) {
      if (this.#forms[i] !== FORM_IMAGE) continue;
      const node = this.#nodes[i]!;
      let lower = view.getUint16(node + PAGE_OFF_FREE_LOWER, true);
      let upper = view.getUint16(node + PAGE_OFF_FREE_UPPER, true);
      if (!saneGap(lower, upper)) lower = upper = PAGE_SIZE;
      k.memFill(node + lower, 0, upper - lower);
      v.setUint32(at, this.#ids[i]!, true);
      v.setUint8(at + 4, FORM_IMAGE);
      v.setUint16(at + 5, lower, true);
      v.setUint16(at + 7, upper, true);
      at += ENTRY_HEADER;
      if (inKernels >= 0) {
        k.memCopy(inKernels + at, node, lower);
        k.memCopy(inKernels + at + lower, node + upper, PAGE_SIZE - upper);
      } else {
        out.set(u8.subarray(node, node + lower), at);
        out.set(u8.subarray(node + upper, node + PAGE_SIZE), at + lower);
      }
      at += lower + (PAGE_SIZE - upper);
      entries++;
    }
    for (let p = 0; p < this.#patches; p++) {
      const i = this.#patchPage[p]!;
      if (this.#forms[i] !== FORM_PATCH) continue;
      const offset = this.#patchOffset[p]!;
      v.setUint32(at, this.#ids[i]!, true);
      v.setUint8(at + 4, FORM_PATCH);
      v.setUint16(at + 5, offset, true);
      v.setUint16(at + 7, 4, true);
      at += ENTRY_HEADER;
      const from = this.#nodes[i]! + offset;
      for (let b = 0; b < 4; b++) out[at + b] = u8[from + b]!;
      at += 4;
      entries++;
    }
    // Each page's operations in the order they were made (redo replays a page's consecutive entries as one change).
    for (let i = 0; i < this.#count; i++) {
      if (this.#forms[i] !== FORM_OPS) continue;
      for (let o = 0; o < this.#opCount; o++) {
        if (this.#opPage[o] !== i) continue;
        const start = this.#opStart[o]!;
        const end = this.#opEnd(o);
        out.set(this.#ops.subarray(start, end), at);
        at += end - start;
        entries++;
      }
    }
    v.setUint16(base, entries, true);
    assert(at - base === size, 'INDEX_PAGES record size');
  }

  /** End of operation entry o in #ops. */
  #opEnd(o: number): number {
    return o + 1 < this.#opCount ? this.#opStart[o + 1]! : this.#opsUsed;
  }

}

/** Whether [lower, upper) is a slotted page's free gap with a sane header (else the image leaves out nothing). */
function saneGap(lower: number, upper: number): boolean {
  return lower >= PAGE_HEADER_SIZE && lower <= upper && upper <= PAGE_SIZE;
}
