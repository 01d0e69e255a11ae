// A structural change's INDEX_PAGES record is built in the WAL's buffer
// (page-batch.ts: WalWriter.reserve/commit) when the heap's WAL builds records
// in place, as the engine's does; else in a record of its own that append()
// copies (a WAL without reserve: the tests' recording WAL). With both kernel
// implementations, and with the WAL's buffer in the kernels' memory (the
// engine's) or its own:
//   - no INDEX_PAGES record goes through append();
//   - the INDEX_PAGES records in the log are byte for byte those a heap
//     without reserve logs for the same changes (a bottom-up build, splits
//     of random inserts, merges of deletes);
//   - replaying the log gives the same tree.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKernels, type KernelKind } from '../../../src/kernels/index.ts';
import { BufferPool } from '../../../src/storage/buffer-pool/index.ts';
import { Heap } from '../../../src/storage/heap/heap.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { RecordType } from '../../../src/storage/record-types.ts';
import { createMemoryVfs, Prng } from '../../../src/storage/vfs/index.ts';
import { WalReader, WalWriter, WAL_BUFFER_BYTES_MAX } from '../../../src/storage/wal/index.ts';
import { Follower, KINDS, MiniDb, compareBytes, diffEntries, packEntries, treeEntries, type StreamRecord } from './harness.ts';

const POOL = 8 << 20;
const HEAP_OPTIONS = { memtableBytes: 1 << 20, maxFrozenMemtables: 2 };

afterEach(() => {
  vi.restoreAllMocks();
});

/** A heap whose WAL is a WalWriter attached as it is (reserve/commit), its buffer in the kernels' memory or its own. */
function reservingHeap(kind: KernelKind, bufferInKernels: boolean): { heap: Heap; wal: WalWriter; records: () => StreamRecord[] } {
  const walArena = Math.ceil(WAL_BUFFER_BYTES_MAX / 65536) * 65536;
  const k = createKernels({ kind, arenaBytes: POOL + walArena });
  const vfs = createMemoryVfs();
  vfs.mkdir('/db');
  let heap: Heap | undefined;
  const pool = new BufferPool(k, { bytes: POOL, beforeWriteBack: (_f, _b, frameOffset) => heap?.beforeWriteBack(frameOffset) });
  heap = Heap.create(vfs, '/db', k, pool, HEAP_OPTIONS);
  const walAt = k.arenaOffset + POOL;
  const wal = WalWriter.open(vfs, '/db/wal', 0, {
    fileBytes: 1 << 24,
    ...(bufferInKernels
      ? {
          buffer: {
            bytes: new Uint8Array(k.buffer, walAt, walArena),
            crc32c: (_u8: Uint8Array, offset: number, length: number) => k.crc32c(walAt + offset, length, 0),
            sealRecords: (from: number, to: number) => from + k.crc32cRecords(walAt + from, to - from),
          },
        }
      : {}),
  });
  heap.attachWal(wal);
  const records = (): StreamRecord[] => {
    wal.flush();
    const out: StreamRecord[] = [];
    const reader = WalReader.open(vfs, '/db/wal', 0);
    for (let r = reader.next(); r !== null; r = reader.next()) out.push({ type: r.type, payload: r.payload.slice(), lsn: r.lsn });
    return out;
  };
  return { heap, wal, records };
}

/** The same changes on any heap: a bottom-up build, random inserts (splits), deletes (merges). */
function changes(heap: Heap, seed: number): BTree {
  const prng = new Prng(seed);
  const tree = BTree.create(heap, 3);
  const keys: Uint8Array[] = [];
  const seen = new Set<string>();
  while (keys.length < 6000) {
    const key = Uint8Array.from({ length: 10 + prng.int(20) }, (_, j) => (j < 2 ? prng.int(4) : prng.int(256)));
    const id = key.join(',');
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(key);
  }
  const built = keys.slice(0, 4000).sort(compareBytes);
  const values = built.map((k) => k.subarray(0, 8).slice());
  const { src, from, to } = packEntries({ keys: built, values }, 3);
  expect(tree.insertPacked(src, from, to)).toBe(built.length);
  for (const key of keys.slice(4000)) tree.insert(key, key.subarray(1, 7));
  for (let i = 0; i < built.length; i += 2) tree.delete(built[i]!);
  return tree;
}

const pages = (records: readonly StreamRecord[]) => records.filter((r) => r.type === RecordType.indexPages).map((r) => Buffer.from(r.payload));

for (const kind of KINDS) {
  describe(`INDEX_PAGES records built in the WAL's buffer (${kind} kernels)`, () => {
    for (const inKernels of [true, false]) {
      it(`logs the records a WAL without reserve gets, none through append() (buffer ${inKernels ? "in the kernels' memory" : 'of its own'})`, () => {
        const reference = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 24, poolBytes: POOL });
        const stream = reference.record();
        const refTree = changes(reference.heap, 7);
        const want = pages(stream);
        expect(want.length).toBeGreaterThan(30);

        const appended: number[] = [];
        const append = WalWriter.prototype.append;
        vi.spyOn(WalWriter.prototype, 'append').mockImplementation(function (this: WalWriter, type: number, payload: Uint8Array) {
          appended.push(type);
          return append.call(this, type, payload);
        });
        const { heap, records } = reservingHeap(kind, inKernels);
        const tree = changes(heap, 7);
        expect(appended.filter((t) => t === RecordType.indexPages)).toEqual([]);
        const logged = records();
        const got = pages(logged);
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) expect(got[i]!.equals(want[i]!), `INDEX_PAGES record ${i}`).toBe(true);
        expect(diffEntries(treeEntries(tree), treeEntries(refTree))).toBe('');

        // Replayed, the log gives the same tree.
        const follower = new Follower(kind === 'wasm' ? 'ts' : 'wasm', POOL);
        follower.apply(logged);
        const replayed = BTree.open(follower.heap, 3, tree.metaBlock);
        expect(replayed.check()).toEqual(tree.check());
        expect(diffEntries(treeEntries(replayed), treeEntries(tree))).toBe('');
      });
    }
  });
}
