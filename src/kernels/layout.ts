// Byte layouts owned by the kernels: the slotted page, the block header and
// the B+-tree node. Like src/limits.ts this file is shared with AssemblyScript
// (assembly/ imports it as "../src/kernels/layout"), so it holds only integer
// constants. All multi-byte fields are little-endian (WASM's native order).
//
// Slotted page (4 KiB). The slot directory grows up from `slotDirStart`,
// tuple bytes grow down from the end of the page, free space lies between.
//
// OFFSET SIZE DESCRIPTION
//      0    4 CRC32C of bytes [4, PAGE_SIZE) of this page
//      4    1 page kind (PAGE_KIND_*)
//      5    1 page format version (PAGE_FORMAT_VERSION)
//      6    2 flags (reserved, 0)
//      8    8 LSN of the last WAL record applied to this page
//     16    2 slot count (directory entries, live or free)
//     18    2 free_lower: end of the slot directory
//     20    2 free_upper: start of the tuple area
//     22    2 fragmented bytes: tuple bytes of freed slots not yet compacted
//     24    2 live slot count
//     26    2 slotDirStart: first byte of the slot directory (32, or more when
//             a block header or node header sits between page header and slots)
//     28    4 reserved (0)
//     32    … slot directory: 4 bytes a slot: u16 tuple offset, u16 tuple length.
//             Offset 0 marks a free slot (no tuple starts inside the header).
//
// Block header (64 KiB block = 16 pages). It lives in page 0 of the block,
// right after page 0's page header, and page 0's slot directory starts after it.
//
// OFFSET SIZE DESCRIPTION (offsets from the start of the block)
//     32    4 magic BLOCK_MAGIC
//     36    1 block format version (BLOCK_FORMAT_VERSION)
//     37    1 codec (0 none, 1 lz4, 2 zstd)
//     38    2 flags
//     40    4 owner id (table or index that owns the segment)
//     44    4 block number within the heap file
//     48    4 compressed length on disk (0 while uncompressed)
//     52    4 logical length (BLOCK_SIZE while uncompressed)
//     56    4 CRC32C of the compressed bytes (0 while uncompressed)
//     60    4 CRC32C of the block header bytes [32, 128) with this field as 0
//     64   32 free bytes of each of the 16 pages (u16 each), for page choice
//     96    8 highest LSN of any page in the block
//    104   24 reserved (0)
//
// B+-tree node (one 4 KiB page, kind BTREE_LEAF or BTREE_INTERNAL). A slotted
// page whose slot directory is kept in key order. A node header sits between
// the page header and the slot directory.
//
// OFFSET SIZE DESCRIPTION
//     32    4 left sibling page id (NO_PAGE if none)
//     36    4 right sibling page id (NO_PAGE if none)
//     40    4 leftmost child page id (internal nodes; NO_PAGE in leaves)
//     44    2 level (0 for leaves)
//     46    2 reserved (0)
//     48    … slot directory
//  Entry bytes: u16 key length, key bytes, then the value: the rest of the
//  entry in a leaf, a u32 child page id in an internal node. An internal
//  entry's child holds keys >= its key; the leftmost child holds keys below
//  the first entry's key.

export const PAGE_HEADER_SIZE = 32;
export const PAGE_OFF_CRC = 0;
export const PAGE_OFF_KIND = 4;
export const PAGE_OFF_VERSION = 5;
export const PAGE_OFF_FLAGS = 6;
export const PAGE_OFF_LSN = 8;
export const PAGE_OFF_SLOT_COUNT = 16;
export const PAGE_OFF_FREE_LOWER = 18;
export const PAGE_OFF_FREE_UPPER = 20;
export const PAGE_OFF_FRAG_BYTES = 22;
export const PAGE_OFF_LIVE_COUNT = 24;
export const PAGE_OFF_SLOT_DIR = 26;
export const SLOT_SIZE = 4;

export const PAGE_FORMAT_VERSION = 1;
export const PAGE_KIND_FREE = 0;
export const PAGE_KIND_HEAP = 1;
export const PAGE_KIND_BTREE_LEAF = 2;
export const PAGE_KIND_BTREE_INTERNAL = 3;

export const BLOCK_HEADER_OFFSET = 32;
export const BLOCK_HEADER_SIZE = 96;
export const BLOCK_MAGIC = 0x4b424c46; // "FLBK" read as little-endian u32
export const BLOCK_FORMAT_VERSION = 1;
export const BLOCK_OFF_MAGIC = 32;
export const BLOCK_OFF_VERSION = 36;
export const BLOCK_OFF_CODEC = 37;
export const BLOCK_OFF_FLAGS = 38;
export const BLOCK_OFF_OWNER = 40;
export const BLOCK_OFF_NUMBER = 44;
export const BLOCK_OFF_COMPRESSED_LEN = 48;
export const BLOCK_OFF_LOGICAL_LEN = 52;
export const BLOCK_OFF_COMPRESSED_CRC = 56;
export const BLOCK_OFF_HEADER_CRC = 60;
export const BLOCK_OFF_PAGE_FREE = 64;
export const BLOCK_OFF_MAX_LSN = 96;

export const NODE_HEADER_OFFSET = 32;
export const NODE_HEADER_SIZE = 16;
export const NODE_OFF_LEFT = 32;
export const NODE_OFF_RIGHT = 36;
export const NODE_OFF_LEFTMOST = 40;
export const NODE_OFF_LEVEL = 44;
export const NO_PAGE = -1;
/** nodeCollect's result flag: the range's upper bound was passed in this node. */
export const NODE_COLLECT_DONE = 0x10000;

// Column filter of a heap page (pageMatchColumn). The caller describes the
// tuple layout (src/storage/tuple.ts owns it; the kernel only follows the
// description) in a descriptor of u16 fields, then one byte per column:
//
// OFFSET SIZE DESCRIPTION
//      0    2 tuple header size
//      2    2 offset of the u16 flags field in the header
//      4    2 offset of the u16 stored column count in the header
//      6    2 flag bit saying a row id follows the header
//      8    2 bytes of that row id
//     10    2 offset of the first u64 header field that must be below 2^53 (xmin)
//     12    2 offset of the second (xmax)
//     14    2 the column to compare (text or bytes)
//     16    2 n: columns of the table
//     18    n per column: the byte width of a fixed-width value, or 0 for a
//             varint length followed by that many bytes (text, bytes)
export const MATCH_OFF_HEADER_SIZE = 0;
export const MATCH_OFF_FLAGS_AT = 2;
export const MATCH_OFF_COUNT_AT = 4;
export const MATCH_OFF_ROWID_FLAG = 6;
export const MATCH_OFF_ROWID_SIZE = 8;
export const MATCH_OFF_U53_A = 10;
export const MATCH_OFF_U53_B = 12;
export const MATCH_OFF_COLUMN = 14;
export const MATCH_OFF_COLUMNS = 16;
export const MATCH_OFF_WIDTHS = 18;
/** A u64 header field is below 2^53 when its high u32 word is at most this. */
export const MATCH_U53_HIGH_MAX = 0x1fffff;

// Column extraction from a heap page (pageExtractColumns): the column
// filter's descriptor, with field 14 holding k, the number of columns to
// extract, and after the n width bytes k entries of 4 bytes each, in
// ascending column order:
//
// OFFSET    SIZE DESCRIPTION
// 18 + n + 4j  2 the column
// 20 + n + 4j  1 its kind (EXTRACT_KIND_*): how to read it as a float64
// 21 + n + 4j  1 unused (0)
//
// The result, at `out`, is per live tuple i < EXTRACT_STRIDE (structure of
// arrays, so each array is read in one pass):
//
// OFFSET                        SIZE DESCRIPTION
// 2i                               2 the tuple's slot
// 256 + 2i                         2 the tuple's offset in the page
// 512 + 128j + i                   1 column j's flag (EXTRACT_VALUE, _NULL, _ABSENT)
// 512 + 128k + 1024j + 8i          8 column j's value as a float64 (0 unless flagged VALUE)
export const EXTRACT_OFF_COUNT = 14;
export const EXTRACT_STRIDE = 128;
export const EXTRACT_OUT_OFFSETS = 256;
export const EXTRACT_OUT_FLAGS = 512;
/** Only whether the value is NULL: any column type. */
export const EXTRACT_KIND_PRESENCE = 0;
export const EXTRACT_KIND_BOOL = 1;
export const EXTRACT_KIND_INT16 = 2;
export const EXTRACT_KIND_INT32 = 3;
export const EXTRACT_KIND_FLOAT32 = 4;
export const EXTRACT_KIND_FLOAT64 = 5;
export const EXTRACT_VALUE = 0;
export const EXTRACT_NULL = 1;
/** The tuple stores fewer columns (it was written before the column was added): the caller's missing value. */
export const EXTRACT_ABSENT = 2;

// Extraction of the chosen tuples of a list (tuplesExtract: a secondary
// index lookup's hinted tuples, on as many pages). The list holds n <=
// TUPLES_STRIDE entries of 8 bytes: the page's address in the kernels'
// memory as an i32 (-1: skip the entry) and the slot (i32). The descriptor
// is pageExtractColumns' (k columns). The result, at `out`, per entry i
// (structure of arrays):
//
// OFFSET                          SIZE DESCRIPTION
// i                                  1 TUPLES_OK, or TUPLES_SKIPPED: no
//                                      page, a free or out-of-range slot, a
//                                      page failing the sanity check, or a
//                                      tuple that decoding would reject
//                                      (the caller reads that one itself)
// 32 + 2i                            2 the tuple's stored column count
// 96 + 4i                            4 the tuple's packed (offset << 16 | length)
// 224 + 32j + i                      1 column j's flag (EXTRACT_VALUE, _NULL, _ABSENT)
// 224 + 32k + 256j + 8i              8 column j's value as a float64 (0 unless
//                                      flagged VALUE); j = k: the tuple's xmin,
//                                      j = k + 1: its xmax (both below 2^53)
// 224 + 32k + 256(k + 2)             4 unused (the touches' sum)
//
// When the last chosen column is the table's last, the tuple's values must
// end exactly at its end (as decodeTupleInto requires of a whole row).
export const TUPLES_STRIDE = 32;
export const TUPLES_OUT_STORED = 32;
export const TUPLES_OUT_PACKED = 96;
export const TUPLES_OUT_FLAGS = 224;
export const TUPLES_OK = 0;
export const TUPLES_SKIPPED = 1;
