// Redo of the B+-tree's WAL records (layouts in ../record-types.ts), called
// by Heap.redo for crash recovery and on followers alike. Redo is
// physiological like the heap's: a record names the page it changes and is
// applied only if that page's LSN is below the record's; after-images are
// copied as they are (and rebuild a torn page); everything else replays the
// same node kernel call on the same bytes, so the page ends up identical to
// the primary's. No tree is opened here and none is needed: trees re-read
// their meta tuple when they see that redo has run (Heap.redoCount).

import { FlintError, SqlState } from '../../errors.ts';
import type { Kernels } from '../../kernels/index.ts';
import { PAGE_HEADER_SIZE, PAGE_KIND_BTREE_INTERNAL, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND } from '../../kernels/layout.ts';
import { MAX_BTREE_VALUE_SIZE, MAX_KEY_SIZE, PAGE_SIZE } from '../../limits.ts';
import type { Heap } from '../heap/heap.ts';
import { RecordType } from '../record-types.ts';
import { SCRATCH_KEY, SCRATCH_SEP, SCRATCH_SPLIT_RIGHT, SCRATCH_VALUE, pageBlock, pageInBlock } from './btree-format.ts';
import { FORM_IMAGE, FORM_INSERT, FORM_PATCH, FORM_SPLIT } from './page-batch.ts';

/** Apply one index record; false if `type` is not an index record. */
export function redoIndexRecord(heap: Heap, type: number, payload: Uint8Array, lsn: number): boolean {
  switch (type) {
    case RecordType.indexInsert:
    case RecordType.indexDelete:
    case RecordType.indexValue:
      redoEntryChange(heap, type, payload, lsn);
      return true;
    case RecordType.indexPages:
      redoPages(heap, payload, lsn);
      return true;
    case RecordType.indexInserts:
      redoInserts(heap, payload, lsn);
      return true;
    default:
      return false;
  }
}

function malformed(what: string, lsn: number): FlintError {
  return new FlintError(SqlState.dataCorrupted, `malformed ${what} WAL record at LSN ${lsn}`);
}

function redoEntryChange(heap: Heap, type: number, payload: Uint8Array, lsn: number): void {
  const name = type === RecordType.indexInsert ? 'INDEX_INSERT' : type === RecordType.indexDelete ? 'INDEX_DELETE' : 'INDEX_VALUE';
  const header = type === RecordType.indexInsert ? 8 : 6;
  if (payload.length < header) throw malformed(name, lsn);
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const pageId = p.getUint32(0, true);
  const pos = p.getUint16(4, true);
  redoOnPage(heap, pageId, name, lsn, (node, u8) => {
    const k = heap.kernels;
    const kind = u8[node + PAGE_OFF_KIND];
    if (kind !== PAGE_KIND_BTREE_LEAF && kind !== PAGE_KIND_BTREE_INTERNAL) throw notANode(heap, pageId, name, lsn);
    const count = k.nodeCount(node);
    if (type === RecordType.indexInsert) redoInsert(k, u8, node, kind, count, payload, p, pos, name, lsn);
    else if (type === RecordType.indexDelete) {
      if (pos >= count || payload.length !== header) throw malformed(name, lsn);
      k.nodeDelete(node, pos);
    } else {
      const packed = k.nodeValue(node, pos);
      if (packed < 0 || (packed & 0xffff) !== payload.length - header) throw malformed(name, lsn);
      u8.set(payload.subarray(header), node + (packed >>> 16));
    }
  });
}

/**
 * Replay a change to the B+-tree node on page `pageId`: pin it (nothing to do
 * when the page already has the record at `lsn`), apply `change` to the node
 * at `node` in the kernels' memory `u8`, and mark the page redone.
 */
function redoOnPage(heap: Heap, pageId: number, name: string, lsn: number, change: (node: number, u8: Uint8Array) => void): void {
  const blockNo = pageBlock(pageId);
  const page = pageInBlock(pageId);
  if (page === 0) throw malformed(name, lsn);
  const frame = heap.redoPagePin(blockNo, page, lsn, false);
  if (frame < 0) return;
  try {
    change(heap.frameOffset(frame) + page * PAGE_SIZE, new Uint8Array(heap.kernels.buffer));
  } catch (error) {
    heap.unpinBlock(frame);
    throw error;
  }
  heap.redoPageDone(frame, blockNo, page, lsn);
}

/** Insert the entry staged at the kernels' scratch key and value into the node at `pos`; an entry that does not fit is corruption. */
function insertStaged(k: Kernels, node: number, pos: number, keyLen: number, valLen: number, name: string, lsn: number): void {
  if (k.nodeInsert(node, pos, k.scratchOffset + SCRATCH_KEY, keyLen, k.scratchOffset + SCRATCH_VALUE, valLen) !== 1) {
    throw new FlintError(SqlState.indexCorrupted, `WAL replay of ${name} at LSN ${lsn} does not fit its node`);
  }
}

function redoInsert(
  k: Kernels, u8: Uint8Array, node: number, kind: number, count: number,
  payload: Uint8Array, p: DataView, pos: number, name: string, lsn: number,
): void {
  const keyLen = p.getUint16(6, true);
  const valLen = payload.length - 8 - keyLen;
  const valueOk = kind === PAGE_KIND_BTREE_LEAF ? valLen >= 0 && valLen <= MAX_BTREE_VALUE_SIZE : valLen === 4;
  if (keyLen < 1 || keyLen > MAX_KEY_SIZE || !valueOk || pos > count) throw malformed(name, lsn);
  const keyPtr = k.scratchOffset + SCRATCH_KEY;
  const valPtr = k.scratchOffset + SCRATCH_VALUE;
  u8.set(payload.subarray(8, 8 + keyLen), keyPtr);
  u8.set(payload.subarray(8 + keyLen), valPtr);
  insertStaged(k, node, pos, keyLen, valLen, name, lsn);
}

/** INDEX_INSERTS: check every entry first, then, if the leaf's LSN is older, insert them in order. */
function redoInserts(heap: Heap, payload: Uint8Array, lsn: number): void {
  const name = 'INDEX_INSERTS';
  if (payload.length < 6) throw malformed(name, lsn);
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const pageId = p.getUint32(0, true);
  const n = p.getUint16(4, true);
  if (n === 0) throw malformed(name, lsn);
  let at = 6;
  for (let i = 0; i < n; i++) {
    if (at + 6 > payload.length) throw malformed(name, lsn);
    const keyLen = p.getUint16(at + 2, true);
    const valLen = p.getUint16(at + 4, true);
    if (keyLen < 1 || keyLen > MAX_KEY_SIZE || valLen > MAX_BTREE_VALUE_SIZE) throw malformed(name, lsn);
    at += 6 + keyLen + valLen;
  }
  if (at !== payload.length) throw malformed(name, lsn);
  redoOnPage(heap, pageId, name, lsn, (node, u8) => {
    const k = heap.kernels;
    if (u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF) throw notANode(heap, pageId, name, lsn);
    const keyPtr = k.scratchOffset + SCRATCH_KEY;
    const valPtr = k.scratchOffset + SCRATCH_VALUE;
    at = 6;
    for (let i = 0; i < n; i++) {
      const pos = p.getUint16(at, true);
      const keyLen = p.getUint16(at + 2, true);
      const valLen = p.getUint16(at + 4, true);
      at += 6;
      if (pos > k.nodeCount(node)) throw malformed(name, lsn);
      u8.set(payload.subarray(at, at + keyLen), keyPtr);
      u8.set(payload.subarray(at + keyLen, at + keyLen + valLen), valPtr);
      at += keyLen + valLen;
      insertStaged(k, node, pos, keyLen, valLen, name, lsn);
    }
  });
}

function notANode(heap: Heap, pageId: number, name: string, lsn: number): FlintError {
  return new FlintError(SqlState.indexCorrupted, `WAL replay of ${name} at LSN ${lsn}: page ${pageId} is not a B+-tree node`, {
    file: heap.path,
    offset: pageId * PAGE_SIZE,
  });
}

/**
 * INDEX_PAGES: check every entry first, then apply each page whose LSN is
 * older. Consecutive entries of one page (its operations: FORM_SPLIT,
 * FORM_INSERT, FORM_PATCH, in the order they were made) are one change of
 * that page: applied all or, if the page has the record already, none.
 */
function redoPages(heap: Heap, payload: Uint8Array, lsn: number): void {
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.length < 2) throw malformed('INDEX_PAGES', lsn);
  const n = p.getUint16(0, true);
  let at = 2;
  for (let i = 0; i < n; i++) {
    if (at + 9 > payload.length) throw malformed('INDEX_PAGES', lsn);
    const form = p.getUint8(at + 4);
    const a = p.getUint16(at + 5, true);
    const b = p.getUint16(at + 7, true);
    let bytes: number;
    if (form === FORM_IMAGE) {
      if (a < PAGE_HEADER_SIZE || a > b || b > PAGE_SIZE) throw malformed('INDEX_PAGES', lsn);
      bytes = a + PAGE_SIZE - b;
    } else if (form === FORM_PATCH) {
      if (a < PAGE_HEADER_SIZE || a + b > PAGE_SIZE) throw malformed('INDEX_PAGES', lsn);
      bytes = b;
    } else if (form === FORM_SPLIT) {
      if (b !== 4) throw malformed('INDEX_PAGES', lsn);
      bytes = b;
    } else if (form === FORM_INSERT) {
      if (b < 3 || at + 9 + 2 > payload.length) throw malformed('INDEX_PAGES', lsn);
      const keyLen = p.getUint16(at + 9, true);
      if (keyLen < 1 || keyLen > MAX_KEY_SIZE || b - 2 - keyLen < 0 || b - 2 - keyLen > MAX_BTREE_VALUE_SIZE) throw malformed('INDEX_PAGES', lsn);
      bytes = b;
    } else {
      throw malformed('INDEX_PAGES', lsn);
    }
    at += 9 + bytes;
  }
  if (at !== payload.length) throw malformed('INDEX_PAGES', lsn);
  const u8 = new Uint8Array(heap.kernels.buffer);
  // The page of the previous entry while it is being changed (pinned: `frame`), or -1.
  let openPage = -1;
  let frame = -1;
  let skipPage = -1;
  const close = (): void => {
    if (frame >= 0) heap.redoPageDone(frame, pageBlock(openPage), pageInBlock(openPage), lsn);
    frame = -1;
    openPage = -1;
  };
  try {
    at = 2;
    for (let i = 0; i < n; i++) {
      const pageId = p.getUint32(at, true);
      const form = p.getUint8(at + 4);
      const a = p.getUint16(at + 5, true);
      const b = p.getUint16(at + 7, true);
      at += 9;
      const bytes = form === FORM_IMAGE ? a + PAGE_SIZE - b : b;
      const body = at;
      at += bytes;
      const blockNo = pageBlock(pageId);
      const page = pageInBlock(pageId);
      if (pageId !== openPage) {
        close();
        if (pageId === skipPage) continue;
        if (page === 0 && form !== FORM_IMAGE && form !== FORM_PATCH) throw malformed('INDEX_PAGES', lsn);
        frame = heap.redoPagePin(blockNo, page, lsn, form === FORM_IMAGE);
        if (frame < 0) {
          // The page has this record already: so do its next entries.
          skipPage = pageId;
          continue;
        }
        skipPage = -1;
        openPage = pageId;
      }
      const node = heap.frameOffset(frame) + page * PAGE_SIZE;
      if (form === FORM_IMAGE) {
        u8.set(payload.subarray(body, body + a), node);
        u8.fill(0, node + a, node + b);
        u8.set(payload.subarray(body + a, body + a + PAGE_SIZE - b), node + b);
      } else if (form === FORM_PATCH) {
        u8.set(payload.subarray(body, body + b), node + a);
      } else {
        redoNodeOp(heap, u8, node, pageId, form, a, payload, p, body, b, lsn);
      }
    }
    close();
  } catch (error) {
    if (frame >= 0) heap.unpinBlock(frame);
    throw error;
  }
}

/** A FORM_SPLIT or FORM_INSERT entry of INDEX_PAGES replayed on its node: the kernel call the primary made. */
function redoNodeOp(heap: Heap, u8: Uint8Array, node: number, pageId: number, form: number, pos: number, payload: Uint8Array, p: DataView, body: number, bytes: number, lsn: number): void {
  const k = heap.kernels;
  const kind = u8[node + PAGE_OFF_KIND];
  if (kind !== PAGE_KIND_BTREE_LEAF && kind !== PAGE_KIND_BTREE_INTERNAL) throw notANode(heap, pageId, 'INDEX_PAGES', lsn);
  const count = k.nodeCount(node);
  if (form === FORM_SPLIT) {
    // The left half, exactly as nodeSplit leaves it; the right half it builds in scratch is not needed (its image is in the record).
    if (kind === PAGE_KIND_BTREE_LEAF ? pos > count : pos >= count) throw malformed('INDEX_PAGES', lsn);
    k.nodeSplit(node, pageId, k.scratchOffset + SCRATCH_SPLIT_RIGHT, p.getInt32(body, true), pos, k.scratchOffset + SCRATCH_SEP);
    return;
  }
  const keyLen = p.getUint16(body, true);
  const valLen = bytes - 2 - keyLen;
  if (pos > count || (kind === PAGE_KIND_BTREE_INTERNAL && valLen !== 4)) throw malformed('INDEX_PAGES', lsn);
  u8.set(payload.subarray(body + 2, body + 2 + keyLen), k.scratchOffset + SCRATCH_KEY);
  u8.set(payload.subarray(body + 2 + keyLen, body + bytes), k.scratchOffset + SCRATCH_VALUE);
  insertStaged(k, node, pos, keyLen, valLen, 'INDEX_PAGES', lsn);
}
