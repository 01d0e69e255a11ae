// Every WAL record type Flint writes, in one place: the WAL is also the
// replication stream, so this list is a wire format. Numbers are never
// reused; a new kind of record gets a new number.
//
// Payload layouts (little-endian; u48 = a JS-safe integer in a u64 field):
//
// TYPE              PAYLOAD
// BLOCK_INIT    1   u32 owner, u32 heap block number
// PAGE_IMAGE    2   u32 block, u8 page, 4096 bytes: the page as it was before
//                   its first change after the last checkpoint (torn-page guard)
// TUPLE_INSERT  3   u32 block, u8 page, u16 slot, tuple bytes
// TUPLE_XMAX    4   u32 block, u8 page, u16 slot, u64 xmax, u16 flags
// TUPLE_RECLAIM 5   u32 block, u8 page, u16 slot   (vacuum freed the slot)
// SEGMENT_ALLOC 6   u32 segment, u32 owner
// OWNER_RELEASE 7   u32 owner                      (every segment of it is freed)
// INDEX_INSERT  8   u32 page id, u16 pos, u16 key length, key, value (the rest):
//                   a B+-tree entry inserted at pos of a node (kernels' nodeInsert)
// INDEX_DELETE  9   u32 page id, u16 pos           (nodeDelete of entry pos)
// INDEX_VALUE  10   u32 page id, u16 pos, value: entry pos's value overwritten in
//                   place by as many bytes as it has
// INDEX_PAGES  11   u16 n, then n pages, each u32 page id, u8 form, and
//                   form 0 (after-image): u16 lower, u16 upper, the page's bytes
//                     [0, lower) then [upper, 4096); the bytes between are zero
//                   form 1 (patch): u16 offset, u16 length, the bytes at offset
//                   form 2 (split): u16 pos, u16 4, i32 right page id: the
//                     left half of nodeSplit at pos (the right half is an image)
//                   form 3 (insert): u16 pos, u16 length n, n bytes: u16 key
//                     length, key, value: nodeInsert at pos
//                   (consecutive entries of one page: one change, in order)
//                   One structural change of a B+-tree (split, merge, root
//                   change, page allocation or freeing, meta) whole: every page
//                   it touched. A page id is heap block * 16 + page in block.
// BLOCK_IMAGE  12   u32 block, u32 owner, u8 codec, u8 sub-blocks, u32 stream
//                   length, u32 offset, then stream bytes [offset, offset+n):
//                   the compressed logical content of a compressed block
//                   (src/storage/heap/compressed.ts), in one record or several
//                   consecutive ones when it exceeds a record. Logged when a
//                   full block becomes compressed (phase 2) and before the
//                   first change to a compressed block after a checkpoint
//                   (the torn-block guard). Redo installs it whole.
// BLOCK_EXTEND 13   u32 block, u8 sub-block: a new empty sub-block (16 logical
//                   pages) appended to a compressed block, formatted as
//                   BLOCK_INIT formats a block
// BLOCK_CONT   14   u32 block, u32 continuation block: the continuation block
//                   now holds part of that compressed block's stream
// TXN_COMMIT   16   u64 txid
// TXN_ABORT    17   u64 txid
// INDEX_INSERTS 18  u32 page id, u16 n, then n entries, each u16 pos, u16 key
//                   length, u16 value length, key, value: n INDEX_INSERTs into
//                   one leaf, applied in order (BTree.insertMany)
// TUPLE_INSERT_ENTRY 19  u16 tuple length n, then a TUPLE_INSERT payload
//                   (u32 block, u8 page, u16 slot, the n-byte tuple), then an
//                   INDEX_INSERT payload: a tuple and its primary key's entry
//                   (naming the tuple) in one record, each applied to its own
//                   page if that page's LSN is older
// TUPLE_UPDATE 20   u16 tuple length n, then a TUPLE_INSERT payload (the new
//                   version: u32 block, u8 page, u16 slot, the n-byte tuple),
//                   then a TUPLE_XMAX payload (the version it replaces: u32
//                   block, u8 page, u16 slot, u64 xmax, u16 flags), then
//                   optionally (the record goes on) an INDEX_VALUE payload
//                   (the primary key's entry now naming the new version): an
//                   UPDATE's changes in one record, each applied to its own
//                   page if that page's LSN is older (the two tuples' page
//                   once, when they share it)
// CATALOG      32   UTF-8 JSON: a catalog change (create/drop/alter table)

export const RecordType = {
  blockInit: 1,
  pageImage: 2,
  tupleInsert: 3,
  tupleXmax: 4,
  tupleReclaim: 5,
  segmentAlloc: 6,
  ownerRelease: 7,
  indexInsert: 8,
  indexDelete: 9,
  indexValue: 10,
  indexPages: 11,
  blockImage: 12,
  blockExtend: 13,
  blockCont: 14,
  txnCommit: 16,
  txnAbort: 17,
  indexInserts: 18,
  tupleInsertEntry: 19,
  tupleUpdate: 20,
  catalog: 32,
} as const;

export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];
