// bench/compression: every block codec on 64 KiB blocks of realistic data, in
// one run, with the ratios of our LZ4 kernel to the lz4-wasm-nodejs package.
//
//   npm run bench:compression [-- --quick]
//
// Data (test/storage/compression/corpus.ts, seeded): real heap blocks as
// Flint lays them out (16 slotted pages of encodeTuple rows) of
// pgbench_accounts and of a customer table, customer rows as CSV text, JSON
// documents, and random bytes. Each data set is 32 different blocks (one 2
// MiB segment), compressed one block per operation.
//
// Codecs: the LZ4 kernel (WASM and TS twin) in place on kernel memory, as the
// heap will call it on buffer-pool frames; the same WASM kernel through the
// Uint8Array Codec interface (staging copies in and out, to show what they
// cost); the lz4-wasm-nodejs package (which always copies into and out of
// its own memory); zstd-codec at levels 1 and 3. Reported: compression ratio
// (logical / compressed bytes), compress and decompress throughput in MB/s of
// logical bytes, each the best of REPEATS measurements taken in turn across
// all codecs (so a burst of load from elsewhere does not favour one codec).
// Then (compression-size.ts) the same table on disk in Flint with none, lz4
// and zstd against SQLite and PostgreSQL 15, with point-read and scan times.
// Results go to bench/results/compression-*.json.
import { createKernels, type KernelKind } from '../src/kernels/index.ts';
import { BLOCK_SIZE } from '../src/limits.ts';
import { KernelLz4Codec, ZstdCodec, type Codec } from '../src/storage/compression/index.ts';
import { packageLz4Codec } from '../src/storage/compression/lz4-package.ts';
import { corpus, type CorpusKind } from '../test/storage/compression/corpus.ts';
import { sizeBench } from './compression-size.ts';
import { formatNumber, measure, printTable, writeResults } from './harness.ts';

const quick = process.argv.includes('--quick');
const minMs = quick ? 40 : 150;
/** Every codec is measured this many times, interleaved, and its best run kept: fair under a shared machine's load bursts. */
const REPEATS = quick ? 1 : 7;
const BLOCKS = quick ? 8 : 32;

const DATA_SETS: { name: string; kind: CorpusKind }[] = [
  { name: 'pgbench_accounts blocks', kind: 'pgbench-block' },
  { name: 'customer blocks', kind: 'customer-block' },
  { name: 'customer rows (CSV text)', kind: 'customers' },
  { name: 'JSON documents', kind: 'json' },
  { name: 'random bytes', kind: 'random' },
];

interface Runner {
  name: string;
  /** Loads the blocks and compresses each once; returns the total compressed bytes. */
  prepare(blocks: Uint8Array[]): number;
  compress(n: number): void;
  decompress(n: number): void;
  /** Checks the last decompression of every block. */
  verify(blocks: Uint8Array[]): void;
}

/** The LZ4 kernel working in place on offsets of its own memory, as the heap will on buffer-pool frames. */
function inPlaceKernel(kind: KernelKind): Runner {
  const bound = new KernelLz4Codec({ kind }).maxCompressedSize(BLOCK_SIZE);
  const kernels = createKernels({ kind, arenaBytes: BLOCKS * (2 * BLOCK_SIZE + bound) + BLOCK_SIZE });
  const codec = new KernelLz4Codec({ kernels });
  const u8 = new Uint8Array(kernels.buffer);
  const raw = (i: number) => kernels.arenaOffset + i * BLOCK_SIZE;
  const out = (i: number) => kernels.arenaOffset + (BLOCKS + i) * BLOCK_SIZE;
  const packed = (i: number) => kernels.arenaOffset + 2 * BLOCKS * BLOCK_SIZE + i * bound;
  const sizes: number[] = [];
  return {
    name: `lz4 kernel ${kind} (in place)`,
    prepare(blocks) {
      blocks.forEach((b, i) => {
        u8.set(b, raw(i));
        sizes[i] = codec.compressAt(raw(i), BLOCK_SIZE, packed(i), bound);
      });
      return sizes.reduce((a, b) => a + b, 0);
    },
    compress(n) {
      for (let j = 0; j < n; j++) {
        const i = j % BLOCKS;
        kernels.lz4Compress(raw(i), BLOCK_SIZE, packed(i), bound);
      }
    },
    decompress(n) {
      for (let j = 0; j < n; j++) {
        const i = j % BLOCKS;
        if (kernels.lz4Decompress(packed(i), sizes[i]!, out(i), BLOCK_SIZE) !== BLOCK_SIZE) throw new Error('lz4 kernel: bad round trip');
      }
    },
    verify(blocks) {
      blocks.forEach((b, i) => {
        if (!equal(u8.subarray(out(i), out(i) + BLOCK_SIZE), b)) throw new Error(`lz4 kernel ${kind}: block ${i} differs`);
      });
    },
  };
}

/** Any codec through the Uint8Array interface. */
function viaCodec(codec: Codec, name = codec.name): Runner {
  let packed: Uint8Array[] = [];
  let outs: Uint8Array[] = [];
  let inputs: Uint8Array[] = [];
  const scratch = new Uint8Array(codec.maxCompressedSize(BLOCK_SIZE));
  return {
    name,
    prepare(blocks) {
      inputs = blocks;
      packed = blocks.map((b) => scratch.slice(0, codec.compress(b, scratch)));
      outs = blocks.map(() => new Uint8Array(BLOCK_SIZE));
      return packed.reduce((a, b) => a + b.length, 0);
    },
    compress(n) {
      for (let j = 0; j < n; j++) codec.compress(inputs[j % BLOCKS]!, scratch);
    },
    decompress(n) {
      for (let j = 0; j < n; j++) codec.decompress(packed[j % BLOCKS]!, outs[j % BLOCKS]!);
    },
    verify(blocks) {
      blocks.forEach((b, i) => {
        if (!equal(outs[i]!, b)) throw new Error(`${name}: block ${i} differs`);
      });
    },
  };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const runners: Runner[] = [
  inPlaceKernel('wasm'),
  inPlaceKernel('ts'),
  viaCodec(new KernelLz4Codec({ kind: 'wasm' }), 'lz4 kernel wasm (Codec, staged)'),
  viaCodec(packageLz4Codec),
  viaCodec(new ZstdCodec(1)),
  viaCodec(new ZstdCodec(3)),
];

interface Row {
  data: string;
  codec: string;
  ratio: number;
  compressMBps: number;
  decompressMBps: number;
}

const results: Row[] = [];
const mbPerBlock = BLOCK_SIZE / 1e6;
for (const set of DATA_SETS) {
  const blocks = Array.from({ length: BLOCKS }, (_, i) => corpus(set.kind, BLOCK_SIZE, 100 + i));
  console.log(`\n${set.name}: ${BLOCKS} blocks of 64 KiB`);
  const rows: string[][] = [];
  const sizes = runners.map((r) => r.prepare(blocks));
  const best = runners.map(() => ({ c: 0, d: 0 }));
  for (let rep = 0; rep < REPEATS; rep++) {
    runners.forEach((r, i) => {
      best[i]!.c = Math.max(best[i]!.c, measure((n) => r.compress(n), { minMs, rounds: 1 }).opsPerSec);
      best[i]!.d = Math.max(best[i]!.d, measure((n) => r.decompress(n), { minMs, rounds: 1 }).opsPerSec);
    });
  }
  runners.forEach((r, i) => {
    r.decompress(BLOCKS); // the timed runs may not have covered every block
    r.verify(blocks);
    const row: Row = {
      data: set.name,
      codec: r.name,
      ratio: (BLOCKS * BLOCK_SIZE) / sizes[i]!,
      compressMBps: best[i]!.c * mbPerBlock,
      decompressMBps: best[i]!.d * mbPerBlock,
    };
    results.push(row);
    rows.push([r.name, row.ratio.toFixed(2), formatNumber(row.compressMBps), formatNumber(row.decompressMBps)]);
  });
  printTable(['codec', 'ratio', 'compress MB/s', 'decompress MB/s'], rows);
  const find = (name: string) => results.find((x) => x.data === set.name && x.codec === name)!;
  const kernel = find('lz4 kernel wasm (in place)');
  const staged = find('lz4 kernel wasm (Codec, staged)');
  const pkg = find(packageLz4Codec.name);
  console.log(
    `kernel wasm (in place) / package: ratio ${(kernel.ratio / pkg.ratio).toFixed(3)}, ` +
      `compress ${(kernel.compressMBps / pkg.compressMBps).toFixed(2)}x, decompress ${(kernel.decompressMBps / pkg.decompressMBps).toFixed(2)}x; ` +
      `kernel wasm (Codec, staged) / package: compress ${(staged.compressMBps / pkg.compressMBps).toFixed(2)}x, decompress ${(staged.decompressMBps / pkg.decompressMBps).toFixed(2)}x`,
  );
}

const onDisk = await sizeBench(quick);
const file = writeResults('compression', { quick, blocks: BLOCKS, blockBytes: BLOCK_SIZE, repeats: REPEATS, rows: results, onDisk });
console.log(`\nresults: ${file}`);
