// Test and benchmark data for the compression codecs, all deterministic from
// a seed: random bytes, zeros, short repeated patterns, realistic text
// (customer rows with names, addresses and e-mails; JSON documents) and real
// 64 KiB heap blocks as Flint lays them out (kernel-formatted pages holding
// tuples from encodeTuple: pgbench_accounts rows and customer rows).
// bench/compression.ts uses the same generators.
import { createKernels, type Kernels } from '../../../src/kernels/index.ts';
import { BLOCK_SIZE } from '../../../src/limits.ts';
import { encodeTuple, type StorageType, type StorageValue } from '../../../src/storage/tuple.ts';

export type CorpusKind = 'random' | 'zeros' | 'repetitive' | 'customers' | 'json' | 'pgbench-block' | 'customer-block';

export const CORPUS_KINDS: readonly CorpusKind[] = ['random', 'zeros', 'repetitive', 'customers', 'json', 'pgbench-block', 'customer-block'];

/** xorshift32: a small seeded generator (never 0 state). */
export function rng(seed: number): () => number {
  let s = (seed | 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Chloé', 'José', 'Zoë', 'Łukasz'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Müller', 'Nguyen'];
const STREETS = ['Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Pine St', 'Elm St', 'Washington Blvd', 'Lake View Rd', 'Hillcrest Ave', 'Park Pl', 'Sunset Blvd', 'River Rd'];
const CITIES = ['Springfield', 'Portland', 'Madison', 'Georgetown', 'Franklin', 'Clinton', 'Salem', 'Fairview', 'Riverside', 'Bristol', 'Lyon', 'Kraków'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'gmail.test', 'outlook.test'];
const STATES = ['CA', 'NY', 'TX', 'WA', 'OR', 'IL', 'MA', 'FL'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

export interface Customer {
  id: number;
  first: string;
  last: string;
  email: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  phone: string;
  balance: number;
}

export function customer(r: () => number, id: number): Customer {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  return {
    id,
    first,
    last,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${Math.floor(r() * 100)}@${pick(r, DOMAINS)}`,
    street: `${1 + Math.floor(r() * 9999)} ${pick(r, STREETS)}`,
    city: pick(r, CITIES),
    state: pick(r, STATES),
    zip: String(10000 + Math.floor(r() * 89999)),
    phone: `+1-${200 + Math.floor(r() * 799)}-555-${String(Math.floor(r() * 10000)).padStart(4, '0')}`,
    balance: Math.round(r() * 1e6) / 100,
  };
}

const encoder = new TextEncoder();

function fillText(n: number, line: (i: number) => string): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; at < n; i++) {
    const bytes = encoder.encode(line(i));
    const take = Math.min(bytes.length, n - at);
    out.set(bytes.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** n bytes of data of the given kind, deterministic in (kind, n, seed). */
export function corpus(kind: CorpusKind, n: number, seed: number): Uint8Array {
  const r = rng(seed * 7919 + n + 1);
  switch (kind) {
    case 'random': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
      return out;
    }
    case 'zeros':
      return new Uint8Array(n);
    case 'repetitive': {
      const period = 1 + Math.floor(r() * 40);
      const pattern = Array.from({ length: period }, () => Math.floor(r() * 256));
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = r() < 0.02 ? Math.floor(r() * 256) : pattern[i % period]!;
      return out;
    }
    case 'customers':
      return fillText(n, (i) => {
        const c = customer(r, i + 1);
        return `${c.id},"${c.first}","${c.last}","${c.email}","${c.street}","${c.city}",${c.state},${c.zip},${c.phone},${c.balance}\n`;
      });
    case 'json':
      return fillText(n, (i) => {
        const c = customer(r, i + 1);
        return JSON.stringify({
          id: c.id, name: `${c.first} ${c.last}`, email: c.email,
          address: { street: c.street, city: c.city, state: c.state, zip: c.zip },
          tags: r() < 0.5 ? ['vip'] : [], orders: Math.floor(r() * 50), active: r() < 0.8,
          created_at: `2026-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T12:00:00Z`,
        }) + '\n';
      });
    case 'pgbench-block':
    case 'customer-block': {
      const out = new Uint8Array(n);
      for (let at = 0, b = 0; at < n; at += BLOCK_SIZE, b++) {
        const block = kind === 'pgbench-block' ? pgbenchBlock(seed + b) : customerBlock(seed + b);
        out.set(block.subarray(0, Math.min(BLOCK_SIZE, n - at)), at);
      }
      return out;
    }
  }
}

let blockKernels: Kernels | undefined;

/** A sealed 64 KiB heap block filled with tuples from rows(i) until no page takes the next one. */
function heapBlock(types: readonly StorageType[], row: (i: number) => StorageValue[], xmin: number, blockNo: number): Uint8Array {
  blockKernels ??= createKernels({ kind: 'ts', arenaBytes: 4 * BLOCK_SIZE });
  const k = blockKernels;
  const u8 = new Uint8Array(k.buffer);
  const block = k.arenaOffset;
  const tuple = k.scratchOffset;
  k.blockInit(block, 7, blockNo);
  for (let i = 0; ; i++) {
    const len = encodeTuple(types, row(i), xmin, u8.subarray(tuple, tuple + 4096), 0);
    const page = k.blockFindPage(block, len);
    if (page < 0) break;
    const slot = k.pageInsert(block + page * 4096, tuple, len);
    if (slot < 0) break;
    k.blockRefreshPage(block, page);
  }
  k.blockSeal(block);
  return u8.slice(block, block + BLOCK_SIZE);
}

/** pgbench_accounts (aid int4, bid int4, abalance int4, filler char(84)) as pgbench -i loads it. */
export function pgbenchBlock(seed: number): Uint8Array {
  const r = rng(seed + 17);
  const firstAid = 1 + Math.floor(r() * 1_000_000);
  const filler = ' '.repeat(84);
  return heapBlock(
    ['int32', 'int32', 'int32', 'text'],
    (i) => [firstAid + i, 1 + Math.floor((firstAid + i - 1) / 100000), r() < 0.1 ? Math.floor(r() * 10000) - 5000 : 0, filler],
    1000 + (seed % 7),
    seed,
  );
}

/** customer (id int8, first, last, email, street, city, state, zip, phone text, balance float8). */
export function customerBlock(seed: number): Uint8Array {
  const r = rng(seed + 29);
  const base = Math.floor(r() * 1_000_000);
  return heapBlock(
    ['int64', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'float64'],
    (i) => {
      const c = customer(r, base + i);
      return [BigInt(c.id), c.first, c.last, c.email, c.street, c.city, c.state, c.zip, c.phone, c.balance];
    },
    2000 + Math.floor(r() * 100),
    seed,
  );
}
