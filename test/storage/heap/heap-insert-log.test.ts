// Heap.insert builds its record in the WAL's buffer when the WAL can
// reserve room (WalWriter.reserve/commit): the tuple is copied once, into
// the record, and the page takes it from there when that buffer is in the
// kernels' memory (the engine's is). Whichever way, the heap must log the
// same records, give the same tuple ids and hold the same bytes as with a
// WAL that only appends: three heaps take the same tuples, with and without
// compression, and are compared record for record and tuple for tuple.
import { describe, expect, it } from 'vitest';
import { createKernels, type KernelKind, type Kernels } from '../../../src/kernels/index.ts';
import { BufferPool } from '../../../src/storage/buffer-pool/index.ts';
import { Heap, type BlockCodec, type HeapWal } from '../../../src/storage/heap/heap.ts';
import { createMemoryVfs, type Vfs } from '../../../src/storage/vfs/index.ts';
import { readWal, WAL_BUFFER_BYTES_MAX, WalWriter } from '../../../src/storage/wal/index.ts';

const KINDS: readonly KernelKind[] = ['wasm', 'ts'];
const DIR = '/db';
const OWNER = 1;
const POOL_BYTES = 1 << 20;
const HEAP_OPTIONS = { memtableBytes: 256 << 10, maxFrozenMemtables: 2 };

type Mode = 'append only' | 'reserve, own buffer' | 'reserve, buffer in kernel memory';
const MODES: readonly Mode[] = ['append only', 'reserve, own buffer', 'reserve, buffer in kernel memory'];

/** Only what the heap needs of a WAL, without reserve/commit: the heap appends a copy of each record. */
function appendOnly(wal: WalWriter): HeapWal {
  return {
    append: (type, payload) => wal.append(type, payload),
    get durableLsn() {
      return wal.durableLsn;
    },
    get maxPayloadBytes() {
      return wal.maxPayloadBytes;
    },
    sync: () => wal.sync(),
  };
}

interface Setup {
  vfs: Vfs;
  kernels: Kernels;
  heap: Heap;
  wal: WalWriter;
}

function setup(kind: KernelKind, mode: Mode): Setup {
  const vfs = createMemoryVfs();
  vfs.mkdir(DIR);
  const kernels = createKernels({ kind, arenaBytes: POOL_BYTES + WAL_BUFFER_BYTES_MAX + 65536 });
  let created: Heap | undefined;
  const pool = new BufferPool(kernels, { bytes: POOL_BYTES, beforeWriteBack: (_f, _b, frameOffset) => created?.beforeWriteBack(frameOffset) });
  const heap = Heap.create(vfs, DIR, kernels, pool, HEAP_OPTIONS);
  created = heap;
  const walAt = kernels.arenaOffset + POOL_BYTES;
  const wal = WalWriter.open(vfs, `${DIR}/wal`, 0, {
    fileBytes: 1 << 20,
    ...(mode === 'reserve, buffer in kernel memory'
      ? { buffer: { bytes: new Uint8Array(kernels.buffer, walAt, WAL_BUFFER_BYTES_MAX), crc32c: (_u8: Uint8Array, offset: number, length: number) => kernels.crc32c(walAt + offset, length, 0) } }
      : {}),
  });
  heap.attachWal(mode === 'append only' ? appendOnly(wal) : wal);
  heap.redoLsn = wal.nextLsn;
  return { vfs, kernels, heap, wal };
}

/** Deterministic tuple bytes of varied lengths (the heap does not decode them). */
function tuple(i: number): Uint8Array {
  const len = 1 + ((i * 7919) % 600);
  const out = new Uint8Array(len);
  let x = (i * 0x9e3779b1) >>> 0 || 1;
  for (let b = 0; b < len; b++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[b] = x & 0xff;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b]!;
  return out;
}

/** Every record of the log: "type lsn payload-in-hex". */
function records(vfs: Vfs): string[] {
  const out: string[] = [];
  for (const r of readWal(vfs, `${DIR}/wal`, 0).records) out.push(`${r.type} ${r.lsn} ${hex(r.payload)}`);
  return out;
}

describe('Heap.insert logs the same records however its WAL takes them', () => {
  for (const kind of KINDS) {
    for (const codec of [0, 1] as BlockCodec[]) {
      it(`${kind} kernels, ${codec === 0 ? 'plain' : 'lz4'} blocks`, () => {
        const runs = MODES.map((mode) => {
          const s = setup(kind, mode);
          const tids: number[] = [];
          for (let i = 0; i < 1500; i++) tids.push(s.heap.insert(OWNER, tuple(i), codec));
          s.wal.sync();
          const stored = tids.map((tid) => s.heap.visit(tid, (u8, _view, offset, length) => hex(u8.subarray(offset, offset + length))));
          return { mode, tids, stored, records: records(s.vfs) };
        });
        const [base, ...others] = runs;
        expect(base!.records.length).toBeGreaterThan(1500);
        for (let i = 0; i < base!.stored.length; i++) expect(base!.stored[i], `tuple ${i}`).toBe(hex(tuple(i)));
        for (const other of others) {
          expect(other.tids, other.mode).toEqual(base!.tids);
          expect(other.records.length, other.mode).toBe(base!.records.length);
          for (let r = 0; r < base!.records.length; r++) if (other.records[r] !== base!.records[r]) expect(other.records[r], `${other.mode}: record ${r}`).toBe(base!.records[r]);
          expect(other.stored, other.mode).toEqual(base!.stored);
        }
      });
    }
  }
});
