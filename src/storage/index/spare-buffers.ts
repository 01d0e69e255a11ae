// Large work buffers handed from one user to the next, process-wide, so
// that a bulk load does not write into freshly allocated memory.
//
// Why: the first write to each 4 KiB page of a new ArrayBuffer costs a page
// fault and the kernel zeroing the page (or calloc's memset): about 2 us a
// page, as much as the work done on the page's bytes. The buffers of a bulk
// load's indexes (deferred-entries.ts: its arena and the sorted copy;
// BTree's append run) are megabytes each and belong to one database's
// objects, so every load into a fresh database (bench:peers' counted loads)
// paid for them again: ~5,000 faults of the ~6,000 of a 200k-row load.
//
// A user takes a buffer (take) while it holds data and gives it back
// (give) when it is empty again; the buffer's old bytes are stale, and every
// user reads only bytes it wrote since taking it. Everything runs on one
// thread, so nothing locks. The spares are bounded (SPARE_BYTES_MAX), so a
// process keeps at most that much memory for them after its largest load.

/** Bytes kept in spare buffers at most; a buffer given back past it is dropped. */
const SPARE_BYTES_MAX = 32 << 20;
/** Buffers kept at most (a load uses three at once). */
const SPARES_MAX = 4;
/** Smaller buffers are not kept (their faults cost little; they would only take a place). */
const SPARE_MIN = 256 * 1024;

const spares: Uint8Array<ArrayBuffer>[] = [];
let spareBytes = 0;

/**
 * A buffer of at least `min` bytes: the smallest spare that is large enough,
 * else a new one of `size` bytes (at least `min`). Its bytes are not zeroed.
 */
export function takeBuffer(min: number, size = min): Uint8Array<ArrayBuffer> {
  let best = -1;
  for (let i = 0; i < spares.length; i++) {
    const length = spares[i]!.length;
    if (length >= min && (best < 0 || length < spares[best]!.length)) best = i;
  }
  if (best < 0) return new Uint8Array(Math.max(min, size));
  const buffer = spares[best]!;
  spares[best] = spares[spares.length - 1]!;
  spares.pop();
  spareBytes -= buffer.length;
  return buffer;
}

/**
 * Give back a buffer taken with takeBuffer (or any buffer no one uses any
 * more; the caller keeps no reference to it): kept for the next take, the
 * smallest spares dropped while there are too many or too many bytes.
 */
export function giveBuffer(buffer: Uint8Array<ArrayBuffer>): void {
  if (buffer.length < SPARE_MIN || buffer.byteOffset !== 0 || buffer.length !== buffer.buffer.byteLength) return;
  for (const spare of spares) if (spare.buffer === buffer.buffer) return;
  spares.push(buffer);
  spareBytes += buffer.length;
  while (spares.length > SPARES_MAX || spareBytes > SPARE_BYTES_MAX) {
    let smallest = 0;
    for (let i = 1; i < spares.length; i++) if (spares[i]!.length < spares[smallest]!.length) smallest = i;
    spareBytes -= spares[smallest]!.length;
    spares[smallest] = spares[spares.length - 1]!;
    spares.pop();
  }
}

/** Bytes held in spares (tests). */
export function spareBufferBytes(): number {
  return spareBytes;
}
