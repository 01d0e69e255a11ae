// One structural change of a B+-tree (a split, a merge, a new or collapsed
// root, pages taken from or given to the free list, the meta tuple), made
// atomic by logging every page it touched in ONE INDEX_PAGES record.
//
//   batch.begin()
//   const node = batch.touch(pageId)       pin, keep a before-image; after-image logged
//   batch.patchInt32(pageId, offset, v)    a 4-byte change logged as a patch
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
/** Per page: u32 id, u8 form, u16 lower/offset, u16 upper/length. */
const ENTRY_HEADER = 9;
export const FORM_IMAGE = 0;
export const FORM_PATCH = 1;
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

  /** Write a little-endian i32 into a page, logged as a patch (unless the page's after-image is logged anyway). */
  patchInt32(pageId: number, offset: number, value: number): void {
    assert(offset >= PAGE_HEADER_SIZE && offset + 4 <= PAGE_SIZE, 'a patch leaves the page header alone');
    let i = this.#find(pageId);
    if (i < 0) i = this.#add(pageId, FORM_PATCH);
    this.#view.setInt32(this.#nodes[i]! + offset, value, true);
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
    let length: number;
    let lsn: number;
    try {
      length = this.#encode();
      if (length > this.#heap.maxRecordBytes) {
        throw new FlintError(
          SqlState.programLimitExceeded,
          `B+-tree change of ${this.#count} pages needs a WAL record of ${length} bytes; the maximum is ${this.#heap.maxRecordBytes} (use larger WAL files)`,
        );
      }
      lsn = this.#heap.logRecord(RecordType.indexPages, this.#record.subarray(0, length));
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
      if (form === FORM_PATCH) this.#heap.guardPage(frame, blockNo, page);
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

  /** Build the record payload; returns its length. */
  #encode(): number {
    let size = RECORD_HEADER;
    for (let i = 0; i < this.#count; i++) {
      if (this.#forms[i] !== FORM_IMAGE) continue;
      const [lower, upper] = this.#gap(this.#nodes[i]!);
      size += ENTRY_HEADER + lower + (PAGE_SIZE - upper);
    }
    for (let p = 0; p < this.#patches; p++) if (this.#forms[this.#patchPage[p]!] === FORM_PATCH) size += ENTRY_HEADER + 4;
    if (size > this.#record.length) this.#record = new Uint8Array(Math.max(size, this.#record.length * 2));
    const out = this.#record;
    const v = new DataView(out.buffer);
    let at = RECORD_HEADER;
    let entries = 0;
    for (let i = 0; i < this.#count; i++) {
      if (this.#forms[i] !== FORM_IMAGE) continue;
      const node = this.#nodes[i]!;
      const [lower, upper] = this.#gap(node);
      this.#kernels.memFill(node + lower, 0, upper - lower);
      v.setUint32(at, this.#ids[i]!, true);
      v.setUint8(at + 4, FORM_IMAGE);
      v.setUint16(at + 5, lower, true);
      v.setUint16(at + 7, upper, true);
      at += ENTRY_HEADER;
      out.set(this.#u8.subarray(node, node + lower), at);
      at += lower;
      out.set(this.#u8.subarray(node + upper, node + PAGE_SIZE), at);
      at += PAGE_SIZE - upper;
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
      out.set(this.#u8.subarray(this.#nodes[i]! + offset, this.#nodes[i]! + offset + 4), at);
      at += 4;
      entries++;
    }
    v.setUint16(0, entries, true);
    assert(at === size, 'INDEX_PAGES record size');
    return size;
  }

  /** The free gap [lower, upper) of a slotted page; empty if the header is not sane. */
  #gap(node: number): [number, number] {
    const lower = this.#view.getUint16(node + PAGE_OFF_FREE_LOWER, true);
    const upper = this.#view.getUint16(node + PAGE_OFF_FREE_UPPER, true);
    if (lower < PAGE_HEADER_SIZE || lower > upper || upper > PAGE_SIZE) return [PAGE_SIZE, PAGE_SIZE];
    return [lower, upper];
  }
}
