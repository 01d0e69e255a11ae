// bench/kernels: the WASM kernels against their pure-TS twins, in one run.
//
//   npm run bench:kernels [-- --quick]
//
// For each workload both implementations do the same work on the same bytes
// at the same offsets; the table prints each rate and the ratio wasm/ts
// (above 1.0 means WASM is faster). Results go to bench/results/kernels-*.json.
import { createKernels, type KernelKind, type Kernels } from '../src/kernels/index.ts';
import { PAGE_KIND_HEAP, PAGE_HEADER_SIZE } from '../src/kernels/layout.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../src/limits.ts';
import { columnExtractDescriptor, columnMatchDescriptor, encodeTuple, type StorageType } from '../src/storage/tuple.ts';
import { formatNumber, measure, printTable, seededRandom, writeResults } from './harness.ts';

const quick = process.argv.includes('--quick');
const minMs = quick ? 40 : 250;
const rounds = quick ? 1 : 3;
const KINDS: KernelKind[] = ['wasm', 'ts'];

interface Workload {
  name: string;
  unit: string;
  /** Converts ops/s into the unit shown (e.g. bytes/s -> GB/s). */
  scale: number;
  run(k: Kernels): (n: number) => void;
}

const DATA_BYTES = 4 * BLOCK_SIZE;

/** Fills [offset, offset+len) of the kernels' memory with seeded random bytes. */
function fillRandom(k: Kernels, offset: number, len: number, seed: number): void {
  const rand = seededRandom(seed);
  const mem = new Uint8Array(k.buffer, offset, len);
  for (let i = 0; i < len; i++) mem[i] = (rand() * 256) | 0;
}

function crcWorkload(size: number): Workload {
  return {
    name: `crc32c ${size / 1024} KiB`,
    unit: 'GB/s',
    scale: size / 1e9,
    run(k) {
      const base = k.arenaOffset;
      fillRandom(k, base, DATA_BYTES, 1);
      const slots = DATA_BYTES / size;
      return (n) => {
        let crc = 0;
        for (let i = 0; i < n; i++) crc = k.crc32c(base + (i % slots) * size, size, crc);
        if (crc === 0x12345678) console.log('');
      };
    },
  };
}

/**
 * The WAL's sealing of a bulk load's buffer (crc32cRecords): records as the
 * 200k-row load of bench:peers writes them, a run of ~100-byte row records
 * and, every 45th, a 4 KiB index page image (INDEX_PAGES), back to back.
 * One op seals the whole buffer again (the CRC fields are rewritten; the
 * payloads stay).
 */
const sealRecords: Workload = {
  name: 'crc32cRecords, bulk-load WAL',
  unit: 'GB/s',
  scale: 0,
  run(k) {
    const base = k.arenaOffset;
    fillRandom(k, base, DATA_BYTES, 3);
    const view = new DataView(k.buffer);
    const rand = seededRandom(5);
    let at = base;
    for (let i = 0; ; i++) {
      const length = i % 45 === 44 ? 4096 + 8 : 80 + ((rand() * 40) | 0);
      if (at + 20 + length > base + DATA_BYTES) break;
      view.setUint32(at + 4, length, true);
      at += 20 + length;
    }
    const bytes = at - base;
    sealRecords.scale = bytes / 1e9;
    return (n) => {
      for (let i = 0; i < n; i++) if (k.crc32cRecords(base, bytes) !== bytes) throw new Error('crc32cRecords stopped short');
    };
  },
};

/** One op: insert a tuple of 40..160 bytes; when the page fills, free every other slot and compact. */
const pageInsertCompact: Workload = {
  name: 'page insert+compact',
  unit: 'ops/s',
  scale: 1,
  run(k) {
    const page = k.arenaOffset;
    const src = k.scratchOffset;
    fillRandom(k, src, 256, 2);
    const rand = seededRandom(3);
    const lengths = Array.from({ length: 1024 }, () => 40 + ((rand() * 120) | 0));
    k.pageInit(page, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
    return (n) => {
      for (let i = 0; i < n; i++) {
        const len = lengths[i & 1023]!;
        if (k.pageInsert(page, src, len) < 0) {
          for (let s = k.pageNextSlot(page, 0); s >= 0; s = k.pageNextSlot(page, s + 2)) k.pageDelete(page, s);
          k.pageCompact(page);
          if (k.pageInsert(page, src, len) < 0) k.pageInit(page, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
        }
      }
    };
  },
};

/**
 * Node search: a leaf filled with sorted keys of keySize bytes; each op is
 * one nodeSearch of a random key (half present, half absent) that already
 * sits in memory, as a key encoded into the scratch area would.
 */
function nodeSearchWorkload(keySize: number): Workload {
  return {
    name: `node search ${keySize} B keys`,
    unit: 'ops/s',
    scale: 1,
    run(k) {
      const node = k.arenaOffset;
      const mem = new Uint8Array(k.buffer);
      const rand = seededRandom(keySize);
      k.nodeInit(node, 0);
      // Sorted keys: a shared random prefix (worst case for compares) and a big-endian counter at the end.
      const prefix = Array.from({ length: keySize }, () => (rand() * 256) | 0);
      const keyAt = (i: number, out: number) => {
        for (let b = 0; b < keySize; b++) mem[out + b] = prefix[b]!;
        mem[out + keySize - 2] = (i >> 8) & 0xff;
        mem[out + keySize - 1] = i & 0xff;
      };
      const keyTmp = k.scratchOffset;
      const value = k.scratchOffset + 2048;
      let count = 0;
      for (let i = 0; ; i += 2) {
        keyAt(i, keyTmp);
        if (k.nodeInsert(node, count, keyTmp, keySize, value, 8) === 0) break;
        count++;
      }
      const queries = 1024;
      const queryBase = k.arenaOffset + BLOCK_SIZE;
      for (let q = 0; q < queries; q++) keyAt((rand() * count * 2) | 0, queryBase + q * keySize);
      return (n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += k.nodeSearch(node, queryBase + (i & (queries - 1)) * keySize, keySize);
        if (acc === -1) console.log('');
      };
    },
  };
}

/**
 * One op: pageMatchColumn over a heap page of bench:peers' c rows (int4 cat,
 * text 'label N'), looking for one label: the full scan of the join by label.
 */
const pageMatch: Workload = {
  name: 'heap page text match (~150 tuples)',
  unit: 'pages/s',
  scale: 1,
  run(k) {
    const types: StorageType[] = ['int32', 'text'];
    const page = k.arenaOffset;
    const u8 = new Uint8Array(k.buffer);
    k.pageInit(page, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
    const tuple = new Uint8Array(PAGE_SIZE);
    for (let i = 0; ; i++) {
      const n = encodeTuple(types, [i, `label ${i * 37}`], 1, tuple, 0);
      u8.set(tuple.subarray(0, n), k.scratchOffset);
      if (k.pageInsert(page, k.scratchOffset, n) < 0) break;
    }
    const desc = k.scratchOffset;
    const needle = desc + 256;
    const out = needle + 256;
    u8.set(columnMatchDescriptor(types, 1)!, desc);
    const label = new TextEncoder().encode(`label ${50 * 37}`);
    u8.set(label, needle);
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += k.pageMatchColumn(page, desc, needle, label.length, out);
      if (acc !== n) throw new Error(`pageMatchColumn found ${acc} matches in ${n} calls`);
    };
  },
};

/**
 * One op: pageExtractColumns over a heap page of bench:peers' t rows (id,
 * name, email, amount, cat), reading amount and cat: the full scan of its
 * GROUP BY cat.
 */
const pageExtract: Workload = {
  name: 'heap page column read (~45 tuples)',
  unit: 'pages/s',
  scale: 1,
  run(k) {
    const types: StorageType[] = ['int32', 'text', 'text', 'float64', 'int32'];
    const page = k.arenaOffset;
    const u8 = new Uint8Array(k.buffer);
    k.pageInit(page, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
    const tuple = new Uint8Array(PAGE_SIZE);
    let rows = 0;
    for (let i = 0; ; i++, rows++) {
      const name = `kaloru${i % 10}`;
      const n = encodeTuple(types, [i, name, `${name}.${i}@example.com`, i * 1.25, i % 10_000], 1, tuple, 0);
      u8.set(tuple.subarray(0, n), k.scratchOffset);
      if (k.pageInsert(page, k.scratchOffset, n) < 0) break;
    }
    const out = k.scratchOffset;
    const desc = out + 32768;
    u8.set(columnExtractDescriptor(types, [3, 4], [false, false])!, desc);
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += k.pageExtractColumns(page, desc, out);
      if (acc !== n * rows) throw new Error(`pageExtractColumns read ${acc} tuples in ${n} calls of ${rows}`);
    };
  },
};

/**
 * One op: nodeCollect of 20 consecutive entries of a leaf of 9-byte keys
 * (bench:peers' lookup by category: a secondary key and a primary key) with
 * 8-byte values, up to an upper bound.
 */
const nodeCollectWorkload: Workload = {
  name: 'leaf range read (20 entries)',
  unit: 'ops/s',
  scale: 1,
  run(k) {
    const node = k.arenaOffset;
    const u8 = new Uint8Array(k.buffer);
    k.nodeInit(node, 0);
    const keyPtr = k.scratchOffset;
    const valPtr = keyPtr + 64;
    const keyAt = (i: number, at: number) => {
      u8[at] = 0x80;
      for (let b = 1; b < 9; b++) u8[at + b] = b < 7 ? 0 : b === 7 ? (i >> 8) & 0xff : i & 0xff;
    };
    let count = 0;
    for (; ; count++) {
      keyAt(count * 2, keyPtr);
      if (k.nodeInsert(node, count, keyPtr, 9, valPtr, 8) !== 1) break;
    }
    const upperPtr = keyPtr + 128;
    const out = keyPtr + 1024;
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) {
        const pos = (i * 7) % (count - 21);
        keyAt((pos + 19) * 2, upperPtr);
        acc += k.nodeCollect(node, pos, upperPtr, 9, 1, out, 8192) & 0xffff;
      }
      if (acc !== n * 20) throw new Error(`nodeCollect copied ${acc} entries in ${n} calls`);
    };
  },
};

/**
 * One op: 20 new entries of 18-byte keys (bench:peers' secondary entries: a
 * category, then a primary key) with 8-byte values into a leaf of 80, in key
 * order, as the deferred secondary entries go in; the leaf is restored from
 * a copy after each op. `perEntry`: nodeSearch and nodeInsert per entry (and
 * the JS loop that copies each key and value in, as BTree.insertMany does),
 * else one nodeInsertRun call (BTree.insertPacked), which also writes the
 * INDEX_INSERTS entries.
 */
function leafRunWorkload(perEntry: boolean): Workload {
  return {
    name: perEntry ? 'leaf run of 20 inserts, per entry' : 'leaf run of 20 inserts, nodeInsertRun',
    unit: 'ops/s',
    scale: 1,
    run(k) {
      const node = k.arenaOffset;
      const saved = node + PAGE_SIZE;
      const u8 = new Uint8Array(k.buffer);
      const keyAt = (i: number, at: number) => {
        u8[at] = 0x80;
        for (let b = 1; b < 18; b++) u8[at + b] = b === 7 ? (i >> 8) & 0xff : b === 8 ? i & 0xff : b === 9 ? 0x80 : b === 17 ? i & 0xff : 0;
      };
      k.nodeInit(node, 0);
      const keyPtr = k.scratchOffset;
      const valPtr = keyPtr + 64;
      for (let i = 0; i < 80; i++) {
        keyAt(i * 4, keyPtr);
        if (k.nodeInsert(node, i, keyPtr, 18, valPtr, 8) !== 1) throw new Error('leaf setup');
      }
      k.memCopy(saved, node, PAGE_SIZE);
      // The run: keys between those of the leaf, packed as nodeInsertRun takes them (u16 key length, u16 value length, key, value).
      const inPtr = k.scratchOffset + 8192;
      const out = k.scratchOffset + 24576;
      const js = new Uint8Array(20 * 30);
      for (let j = 0; j < 20; j++) {
        const at = inPtr + j * 30;
        u8[at] = 18;
        u8[at + 1] = 0;
        u8[at + 2] = 8;
        u8[at + 3] = 0;
        keyAt(40 + j * 4 + 1, at + 4);
        for (let b = 0; b < 8; b++) u8[at + 22 + b] = j + b;
      }
      js.set(u8.subarray(inPtr, inPtr + 20 * 30));
      return (n) => {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          k.memCopy(node, saved, PAGE_SIZE);
          if (perEntry) {
            for (let j = 0; j < 20; j++) {
              const at = j * 30;
              for (let b = 0; b < 18; b++) u8[keyPtr + b] = js[at + 4 + b]!;
              for (let b = 0; b < 8; b++) u8[valPtr + b] = js[at + 22 + b]!;
              const r = k.nodeSearch(node, keyPtr, 18);
              acc += k.nodeInsert(node, r >>> 1, keyPtr, 18, valPtr, 8);
            }
          } else {
            acc += k.nodeInsertRun(node, inPtr, 20, 1, out, 16000) & 0xffff;
          }
        }
        if (acc !== n * 20) throw new Error(`leaf run inserted ${acc} entries in ${n} runs`);
      };
    },
  };
}

/** The price of one JS->kernel call that does almost nothing: nodeCount of a page. */
const callCost: Workload = {
  name: 'one JS->kernel call',
  unit: 'Mcalls/s',
  scale: 1e-6,
  run(k) {
    const node = k.arenaOffset;
    k.nodeInit(node, 0);
    return (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += k.nodeCount(node);
      if (acc === -1) console.log('');
    };
  },
};

const workloads = [crcWorkload(PAGE_SIZE), crcWorkload(BLOCK_SIZE), sealRecords, pageInsertCompact, nodeSearchWorkload(8), nodeSearchWorkload(100), nodeCollectWorkload, leafRunWorkload(true), leafRunWorkload(false), pageMatch, pageExtract, callCost];

const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
for (const workload of workloads) {
  const rate: Record<string, number> = {};
  for (const kind of KINDS) {
    const kernels = createKernels({ kind, arenaBytes: 8 * BLOCK_SIZE });
    rate[kind] = measure(workload.run(kernels), { minMs, rounds }).opsPerSec * workload.scale;
  }
  const ratio = rate.wasm! / rate.ts!;
  rows.push([workload.name, workload.unit, formatNumber(rate.wasm!), formatNumber(rate.ts!), `${ratio.toFixed(2)}x`]);
  results.push({ workload: workload.name, unit: workload.unit, wasm: rate.wasm, ts: rate.ts, ratioWasmOverTs: ratio });
}

console.log(`bench:kernels${quick ? ' (quick)' : ''}: WASM kernels vs pure-TS twins, same run`);
printTable(['workload', 'unit', 'wasm', 'ts', 'wasm/ts'], rows);
const call = results.at(-1)!;
console.log(`one JS->WASM call costs ${(1000 / (call.wasm as number)).toFixed(1)} ns (ts twin call ${(1000 / (call.ts as number)).toFixed(1)} ns)`);
console.log(`results: ${writeResults('kernels', results)}`);
