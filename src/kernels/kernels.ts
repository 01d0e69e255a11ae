// The kernel contract: every byte-level hot path of Flint, as one interface
// with two implementations that must agree byte for byte:
//   - wasm: assembly/ compiled by AssemblyScript, called through raw exports
//   - ts:   src/kernels/ts/, a pure TypeScript twin over the same bytes
//
// Rules of the boundary (DESIGN.md, "The WebAssembly / TypeScript boundary"):
//   - Arguments and results are integers only. Pointers are byte offsets into
//     the one linear memory (`buffer`), which is sized once at creation.
//   - One call does a whole operation (a page insert, a node search).
//   - Kernels never allocate. Callers pass every area they use.
//   - Results that are 32-bit unsigned (CRCs) come back as signed i32, as
//     WebAssembly returns them; compare with `| 0`, store with setUint32.
//   - Results that are a (offset, length) pair come back packed as
//     `(offset << 16) | length`, both relative to the page; -1 means absent.
//
// The byte layouts live in ./layout.ts, shared with AssemblyScript.

export type KernelKind = 'wasm' | 'ts';

export interface Kernels {
  readonly kind: KernelKind;
  /** The linear memory: a WebAssembly.Memory's buffer (wasm) or an ArrayBuffer (ts). Never grows. */
  readonly buffer: ArrayBuffer;
  /** First byte of the scratch area (KERNEL_SCRATCH_BYTES long) for call arguments such as keys. */
  readonly scratchOffset: number;
  /** First byte free for the buffer pool and other arenas; BLOCK_SIZE-aligned. */
  readonly arenaOffset: number;
  /** Total bytes of `buffer`. */
  readonly memoryBytes: number;

  // ---- bytes ---------------------------------------------------------------
  /** CRC32C (Castagnoli) of [ptr, ptr+len), continuing from `seed` (0 to start). */
  crc32c(ptr: number, len: number, seed: number): number;
  /**
   * Seal the WAL records lying back to back in [ptr, ptr+len): each one's
   * u32 CRC field (offset 0) becomes the CRC32C of its bytes from offset 4
   * to its end (a 20-byte header, then as many payload bytes as the u32 at
   * offset 4 says). Returns the bytes sealed: len, unless a record runs
   * past the end (then the offset of the first record not sealed).
   */
  crc32cRecords(ptr: number, len: number): number;
  /** Lexicographic unsigned byte compare; a proper prefix sorts first. Returns -1, 0 or 1. */
  memCompare(aPtr: number, aLen: number, bPtr: number, bLen: number): number;
  /** Copy len bytes; the ranges may overlap (memmove). */
  memCopy(dst: number, src: number, len: number): void;
  /** Fill len bytes with the low 8 bits of value. */
  memFill(dst: number, value: number, len: number): void;

  // ---- slotted page ----------------------------------------------------------
  /** Format an empty page of `kind`; its slot directory starts at slotDirStart (>= PAGE_HEADER_SIZE). */
  pageInit(page: number, kind: number, slotDirStart: number): void;
  /**
   * Store len bytes from src as a new tuple. Reuses the lowest free slot if
   * any, else appends one. Compacts the page first if only fragmented space
   * would fit it. Returns the slot number, or -1 if the page cannot hold it.
   */
  pageInsert(page: number, src: number, len: number): number;
  /** Packed (offset << 16 | length) of the tuple in `slot`, or -1 if the slot is free or out of range. */
  pageRead(page: number, slot: number): number;
  /** Free `slot`; its bytes count as fragmented until compaction. Returns 1, or 0 if it was not live. */
  pageDelete(page: number, slot: number): number;
  /**
   * Replace the tuple in a live slot with len bytes from src, keeping the slot
   * number. Returns 1, or 0 if the page cannot hold the new length (nothing changed).
   */
  pageUpdate(page: number, slot: number, src: number, len: number): number;
  /** Move live tuples together at the end of the page; slot numbers do not change. */
  pageCompact(page: number): void;
  /** Largest tuple pageInsert would accept now (after compaction if needed). */
  pageFreeSpace(page: number): number;
  /** The first live slot >= from, or -1. Iterate with `for (s = next(p,0); s >= 0; s = next(p,s+1))`. */
  pageNextSlot(page: number, from: number): number;
  /** Number of live slots. */
  pageLiveCount(page: number): number;
  /** Write the page CRC32C over [4, PAGE_SIZE). */
  pageSeal(page: number): void;
  /** 1 if the stored page CRC32C matches, else 0. */
  pageVerify(page: number): number;

  // ---- 64 KiB block of 16 pages -------------------------------------------------
  /** Format a block: header in page 0 (owner, number), all 16 pages empty heap pages. */
  blockInit(block: number, ownerId: number, blockNo: number): void;
  /** Index of a page with room for a tuple of len bytes (from the header summary), or -1. */
  blockFindPage(block: number, len: number): number;
  /**
   * blockFindPage checked on the page itself: a summary figure that
   * overstates its page's free space (stale after the block was evicted and
   * read back) is refreshed and the search goes on. A page with room, or -1.
   */
  blockFindRoom(block: number, len: number): number;
  /**
   * pageInsert into page pageIndex, then that page's summary figure
   * refreshed (not the block's highest LSN: the caller stamps the page once
   * the change is logged). Returns slot | (largest summary figure of the
   * block << 16), or -1 if the page cannot hold it.
   */
  blockInsert(block: number, pageIndex: number, src: number, len: number): number;
  /** Re-read one page's free space into the header summary after it changed. */
  blockRefreshPage(block: number, pageIndex: number): void;
  /** Seal the header CRC and all 16 page CRCs. */
  blockSeal(block: number): void;
  /** -1 if the block is intact; else the first bad page index (0..15), or 16 for a bad header. */
  blockVerify(block: number): number;

  // ---- B+-tree node (one page) ----------------------------------------------------
  /** Format an empty node; leaf if level is 0, else internal. Siblings and leftmost child = NO_PAGE. */
  nodeInit(node: number, level: number): void;
  /** Number of entries. */
  nodeCount(node: number): number;
  /** Lower bound of key: (pos << 1) | found, pos = first entry with key >= the given key. */
  nodeSearch(node: number, keyPtr: number, keyLen: number): number;
  /**
   * nodeSearch over a leaf, for lookups: -1 if the page is not a node of
   * level 0 (kind B+-tree leaf, level field 0); else it first reads one byte
   * a cache line (64 bytes) of the slot directory [64, free_lower) and of the
   * entries [free_upper rounded down to 64, PAGE_SIZE), both pointers clamped
   * to the page, so that a leaf not in the processor's caches arrives with its
   * misses in flight at once, then returns nodeSearch's result. Reads only.
   */
  nodeSeek(node: number, keyPtr: number, keyLen: number): number;
  /** Internal node: the child page id to descend into for key (last entry with key <= it, else leftmost). */
  nodeChildFor(node: number, keyPtr: number, keyLen: number): number;
  /** Insert an entry at pos (0..count). value: leaf value bytes, or 4 bytes child id for internal. 1 ok, 0 full. */
  nodeInsert(node: number, pos: number, keyPtr: number, keyLen: number, valPtr: number, valLen: number): number;
  /** Remove the entry at pos. */
  nodeDelete(node: number, pos: number): void;
  /** Packed (offset << 16 | length) of entry pos's key, relative to the node. */
  nodeKey(node: number, pos: number): number;
  /** Packed (offset << 16 | length) of entry pos's value (leaf) or child id bytes (internal). */
  nodeValue(node: number, pos: number): number;
  /** Child page id of entry pos in an internal node; pos -1 gives the leftmost child. */
  nodeChildAt(node: number, pos: number): number;
  /** Where to split a full node: the entry index that balances bytes between the halves (1..count-1). */
  nodeSplitPoint(node: number): number;
  /**
   * Move entries [pos, count) into `right` (formatted here with the same level)
   * and link siblings (right.left = nodeId, right.right = old node.right,
   * node.right = rightId; the old right sibling's left link is the caller's).
   * Writes the separator key to sepOut and returns its length: a leaf's
   * separator is a copy of right's first key; an internal node's is entry
   * pos's key, whose child becomes right's leftmost and which leaves both nodes.
   */
  nodeSplit(node: number, nodeId: number, right: number, rightId: number, pos: number, sepOut: number): number;
  /**
   * Merge `right` into `left` if everything fits: 1 merged, 0 not (nothing changed).
   * For internal nodes, the parent's separator (sepPtr, sepLen) comes down with right's leftmost child.
   * left.right takes right.right; the caller fixes the next sibling's left link and the parent.
   */
  nodeMerge(left: number, right: number, sepPtr: number, sepLen: number): number;
  /**
   * Leaf range read (a secondary index's lookup collects its entries in one
   * call per leaf): the entries from `pos` on whose key is at most the upper
   * bound at upperPtr (below it if upperInclusive is 0; upperLen -1 for no
   * bound), copied to `out` as u16 key length, key, u16 value length, value,
   * while they fit in outCap bytes. Returns how many, | NODE_COLLECT_DONE
   * (layout.ts) when an entry past the bound was reached; -1 if an entry of
   * the node is invalid.
   */
  nodeCollect(node: number, pos: number, upperPtr: number, upperLen: number, upperInclusive: number, out: number, outCap: number): number;
  /**
   * A sorted run of entries into one leaf (BTree.insertPacked): the inCount
   * entries at inPtr (each u16 key length, u16 value length, key, value), in
   * order, while each is new, provably in the leaf's range (entry 0 on trust
   * if trustFirst is 1), fits, and its INDEX_INSERTS entry (u16 pos, u16 key
   * length, u16 value length, key, value) fits in outCap (< 32768) bytes at
   * out. Returns the number inserted | (bytes written to out) << 16. With
   * out 0 nothing is written (the bytes still count): a leaf logged as an
   * image needs no INDEX_INSERTS entries (BTree's build).
   */
  nodeInsertRun(node: number, inPtr: number, inCount: number, trustFirst: number, out: number, outCap: number): number;
  /**
   * nodeInsertRun for a bottom-up build (BTree's #fillLeaf): the entries
   * lying whole in [inPtr, inPtr + inBytes) (inBytes < 65536; one cut short
   * at the end is left alone), none on trust, nothing written out: the
   * entries nodeInsertRun(node, inPtr, n, 0, 0, 32767) inserts for n those
   * whole entries, the same bytes left; a key past the last entry of a leaf
   * without a right sibling goes in at the end without a search. Returns the
   * number inserted | (input bytes they took) << 16.
   */
  nodeAppendRun(node: number, inPtr: number, inBytes: number): number;

  // ---- LZ4 block format (assembly/lz4.ts; codes LZ4_ERR_* in ./lz4-codes.ts) ----
  /**
   * Compress [src, src+srcLen) into [dst, dst+dstCap) as one LZ4 block (the
   * ranges must not overlap). Returns the compressed length, or
   * LZ4_ERR_DST_TOO_SMALL; dstCap >= lz4Bound(srcLen) always fits.
   */
  lz4Compress(src: number, srcLen: number, dst: number, dstCap: number): number;
  /**
   * Decompress the LZ4 block [src, src+srcLen) into [dst, dst+dstCap).
   * Returns the decompressed length or a negative LZ4_ERR_* code; never reads
   * or writes outside the two ranges, whatever the input bytes are.
   */
  lz4Decompress(src: number, srcLen: number, dst: number, dstCap: number): number;

  // ---- heap page filter (assembly/heap-scan.ts) -------------------------------------
  /**
   * The live slots of heap page `page` whose tuple's column holds exactly
   * the needleLen bytes at `needle`, or stores too few columns to have it
   * (it reads as a default only the caller knows): their slot numbers as
   * u16 at `out` (room for the page's slot count), in slot order. `desc`
   * describes the tuple layout and the column (layout.ts, "Column filter").
   * Returns how many; 0 for a page that fails the page sanity check (a scan
   * skips such a page); -1 if a live slot points outside the page or a
   * tuple it walks is malformed (a header field at or above 2^53, too many
   * columns, a bitmap, varint or value past the tuple's end): the caller
   * walks that page itself and reports the corruption.
   */
  pageMatchColumn(page: number, desc: number, needle: number, needleLen: number, out: number): number;
  /**
   * The chosen columns of every live tuple of heap page `page`, in slot
   * order: each tuple's slot and offset, and per column a flag (a value,
   * NULL, or not stored) and the value as a float64 (layout.ts, "Column
   * extraction"; `desc` is the column filter's descriptor with the columns
   * to extract after it). Tuples are checked as pageMatchColumn checks them,
   * up to the last chosen column. Returns how many tuples; 0 for a page that
   * fails the page sanity check; -1 if a live slot points outside the page,
   * a tuple it walks is malformed (a bool byte above 1 included), or the page
   * has more than EXTRACT_STRIDE live tuples: the caller walks that page itself.
   */
  pageExtractColumns(page: number, desc: number, out: number): number;
  /**
   * The chosen columns, stored column count, xmin and xmax of up to
   * TUPLES_STRIDE listed tuples (page address and slot each; layout.ts,
   * "Extraction of the chosen tuples of a list"), touching all their pages
   * before reading any so that the cache misses overlap. An entry whose slot
   * pageRead would not return, or whose tuple decodeTupleInto would reject
   * (or a column of which is not read exactly as a float64), is
   * TUPLES_SKIPPED: the caller reads it itself. Returns how many are TUPLES_OK.
   */
  tuplesExtract(list: number, n: number, desc: number, out: number): number;
}

/** Names of every kernel entry point, for the twin-agreement tests and the WASM binding. */
export const KERNEL_FUNCTIONS = [
  'crc32c', 'crc32cRecords', 'memCompare', 'memCopy', 'memFill',
  'pageInit', 'pageInsert', 'pageRead', 'pageDelete', 'pageUpdate', 'pageCompact',
  'pageFreeSpace', 'pageNextSlot', 'pageLiveCount', 'pageSeal', 'pageVerify',
  'blockInit', 'blockFindPage', 'blockFindRoom', 'blockInsert', 'blockRefreshPage', 'blockSeal', 'blockVerify',
  'nodeInit', 'nodeCount', 'nodeSearch', 'nodeSeek', 'nodeChildFor', 'nodeInsert', 'nodeDelete',
  'nodeKey', 'nodeValue', 'nodeChildAt', 'nodeSplitPoint', 'nodeSplit', 'nodeMerge', 'nodeCollect', 'nodeInsertRun', 'nodeAppendRun',
  'lz4Compress', 'lz4Decompress',
  'pageMatchColumn', 'pageExtractColumns', 'tuplesExtract',
] as const;

export type KernelFunctionName = (typeof KERNEL_FUNCTIONS)[number];

/** Unpack the offset of a packed (offset << 16 | length) result. */
export function packedOffset(packed: number): number {
  return packed >>> 16;
}

/** Unpack the length of a packed (offset << 16 | length) result. */
export function packedLength(packed: number): number {
  return packed & 0xffff;
}
