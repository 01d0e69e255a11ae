// Bit rot, at the SQL level, in every kind of file: flipping random bits in
// a table's blocks or an index's blocks of heap.flint, in the WAL, the
// catalog or the control file either leaves every answer exact or is
// reported as a FlintError with SQLSTATE XX001 (data corrupted; XX002 for
// an index that disagrees with its table, 58030 for I/O) naming the file
// (and for heap.flint the damaged page's offset). It never returns a wrong
// row and never throws anything else.
//
// Two states of one database (many types, a primary key, secondary and
// unique indexes, updates, deletes, vacuum): "clean" (closed: everything
// checkpointed) and "crashed" (a power loss while open, with commits since
// the last checkpoint only in the WAL, which recovery must replay). Each
// trial copies a state, flips 1-3 bits in one file of the kind the trial
// targets, opens the database and runs a fixed set of queries (full scans,
// index lookups and ranges, aggregates, a join) and an index check, and
// compares the answers with those of the undamaged state.
//
// Known limit (docs/wal.md, "What recovery cannot tell"): a flipped bit in
// a WAL record that recovery still needs cannot be told from a torn tail,
// so the log ends there and the commits after it are lost without an
// error. Those trials are counted apart ("WAL cut short"): the answers must
// then be those of an earlier commit of the workload (never a mix, never
// garbage); see docs/reliability.md.
//
// FLINT_BITROT_TRIALS (default 200) and FLINT_BITROT_SEED; a failure names
// the seed and the trial, and FLINT_BITROT_ONLY=<trial> replays just that.
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { FlintError } from '../../src/errors.ts';
import { BLOCK_SIZE, PAGE_SIZE } from '../../src/limits.ts';
import { createMemoryVfs, type MemoryVfs } from '../../src/storage/vfs/index.ts';
import { Prng } from '../../src/storage/vfs/prng.ts';

const TRIALS = Number(process.env.FLINT_BITROT_TRIALS ?? 200);
const SEED = Number(process.env.FLINT_BITROT_SEED ?? 4242);
const ONLY = process.env.FLINT_BITROT_ONLY === undefined ? undefined : Number(process.env.FLINT_BITROT_ONLY);
const DIR = '/db';
const HEAP = `${DIR}/heap.flint`;

const SETUP = [
  `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), qty bigint, ratio float8,
     flag boolean, born date, at timestamp, blob bytea, uid uuid, doc jsonb)`,
  'CREATE INDEX items_name ON items (name)',
  'CREATE UNIQUE INDEX items_uid ON items (uid)',
  'CREATE TABLE orders (id int PRIMARY KEY, item int NOT NULL, amount int, note text)',
  'CREATE INDEX orders_item ON orders (item)',
  `INSERT INTO items SELECT g, 'item-' || g, (g * 1.25)::numeric(10,2), g::bigint * 1000003, g / 7.0, g % 3 = 0,
     date '2020-01-01' + g, timestamp '2021-06-01 12:00' + g * interval '1 hour', decode(md5(g::text), 'hex'),
     md5('u' || g)::uuid, ('{"g": ' || g || ', "tags": ["a", "b"]}')::jsonb
   FROM generate_series(1, 300) g`,
  `INSERT INTO orders SELECT g, 1 + g % 300, g % 97, CASE WHEN g % 5 = 0 THEN NULL ELSE repeat('n', g % 40) END FROM generate_series(1, 700) g`,
  "UPDATE items SET name = name || '-renamed', qty = NULL WHERE id % 9 = 0",
  'DELETE FROM orders WHERE id % 11 = 0',
  'VACUUM',
];

/** After the checkpoint of the crashed state: commits that exist only in the WAL. */
const AFTER_CHECKPOINT = [
  "INSERT INTO orders SELECT g, 1 + g % 50, g % 13, 'late' FROM generate_series(2001, 2150) g",
  "UPDATE items SET price = price + 1, doc = '{\"late\": true}' WHERE id % 13 = 0",
  'DELETE FROM items WHERE id BETWEEN 200 AND 220',
  "INSERT INTO items (id, name, uid) VALUES (5000, 'late-item', '00000000-0000-0000-0000-000000005000')",
];

const QUERIES = [
  'SELECT * FROM items ORDER BY id',
  'SELECT * FROM orders ORDER BY id',
  "SELECT id, name, price FROM items WHERE name = 'item-37'",
  "SELECT id, name FROM items WHERE name >= 'item-5' AND name < 'item-6' ORDER BY name",
  "SELECT id FROM items WHERE uid = md5('u' || 123)::uuid",
  'SELECT * FROM items WHERE id BETWEEN 100 AND 150 ORDER BY id',
  'SELECT id, amount FROM orders WHERE item = 5 ORDER BY id',
  'SELECT count(*), sum(price), sum(qty), min(born), max(at), sum(ratio), count(DISTINCT flag) FROM items',
  'SELECT i.id, count(o.id), sum(o.amount) FROM items i LEFT JOIN orders o ON o.item = i.id GROUP BY i.id ORDER BY i.id',
];

type Kind = 'table' | 'index' | 'wal' | 'catalog' | 'control';
const KINDS: readonly Kind[] = ['table', 'index', 'wal', 'catalog', 'control'];

function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : v instanceof Date ? v.toISOString() : v));
}

function open(vfs: MemoryVfs): Database {
  return Database.open(DIR, { vfs, backgroundIntervalMs: 0, bigint: 'bigint', poolBytes: 4 * 1024 * 1024 });
}

/** Every answer, then the index check of each table; throws what the database throws. */
function answers(vfs: MemoryVfs): string[] {
  const db = open(vfs);
  try {
    const out = QUERIES.map((q) => stringify(db.prepare(q).all()));
    for (const name of ['items', 'orders']) db.engine.verifyIndexes(db.engine.table(name)!.id);
    return out;
  } finally {
    try {
      db.close();
    } catch {
      // Closing after a corruption error may fail too (the checkpoint meets the same page).
    }
  }
}

function fileBytes(vfs: MemoryVfs, path: string): Uint8Array {
  const file = vfs.open(path, { readOnly: true });
  try {
    const bytes = new Uint8Array(file.size());
    file.read(bytes, 0);
    return bytes;
  } finally {
    file.close();
  }
}

interface State {
  name: 'clean' | 'crashed';
  vfs: MemoryVfs;
  want: string[];
  /** Answers after each earlier commit of the crashed state's WAL-only tail: what a cut-short WAL may show. */
  earlier: string[][];
  /** Heap blocks by owner kind. */
  blocks: Record<'table' | 'index', number[]>;
}

function buildStates(): State[] {
  const vfs = createMemoryVfs();
  let db = open(vfs);
  for (const sql of SETUP) db.exec(sql);
  db.close();
  const clean = vfs.crash(); // all synced: an exact copy
  db = open(vfs);
  db.exec('CHECKPOINT');
  const earlier: string[][] = [];
  for (const sql of AFTER_CHECKPOINT) {
    earlier.push(answers(vfs.crash()));
    db.exec(sql);
  }
  const crashed = vfs.crash(); // a power loss now: the last four commits are in the WAL only
  db.close();
  // Which heap blocks hold tables and which hold indexes: the owner id in each block's header.
  const owners = (() => {
    const d = open(clean.crash());
    try {
      const index = new Set<number>();
      for (const name of ['items', 'orders']) for (const def of d.engine.indexes(d.engine.table(name)!.id)) index.add(def.id);
      return index;
    } finally {
      d.close();
    }
  })();
  const states: State[] = [];
  for (const [name, base] of [['clean', clean], ['crashed', crashed]] as const) {
    const heap = fileBytes(base, HEAP);
    const blocks: State['blocks'] = { table: [], index: [] };
    for (let b = 32; b < heap.length / BLOCK_SIZE; b++) {
      const at = b * BLOCK_SIZE;
      if (!heap.subarray(at, at + BLOCK_SIZE).some((x) => x !== 0)) continue;
      const owner = new DataView(heap.buffer, heap.byteOffset + at + 40, 4).getUint32(0, true);
      blocks[owners.has(owner) ? 'index' : 'table'].push(b);
    }
    states.push({ name, vfs: base, want: answers(base.crash()), earlier: name === 'crashed' ? earlier : [], blocks });
  }
  return states;
}

interface Outcome {
  exact: number;
  reported: number;
  walCut: number;
}

describe('bit rot in every file, through SQL', () => {
  it(`${TRIALS} seeded trials: every answer exact, or XX001 naming the file; never a wrong row, never another error`, { timeout: Math.max(600_000, TRIALS * 1000) }, () => {
    const states = buildStates();
    for (const s of states) {
      expect(s.blocks.table.length, s.name).toBeGreaterThanOrEqual(2);
      expect(s.blocks.index.length, s.name).toBeGreaterThanOrEqual(2);
    }
    // The crashed state needs its WAL: its answers differ from those at the checkpoint.
    expect(states[1]!.want).not.toEqual(states[1]!.earlier[0]);
    const counts = new Map<string, Outcome>();
    for (let trial = 0; trial < TRIALS; trial++) {
      if (ONLY !== undefined && trial !== ONLY) continue;
      const prng = new Prng(SEED * 1_000_003 + trial);
      const state = states[trial % 2]!;
      const kind = KINDS[Math.floor(trial / 2) % KINDS.length]!;
      const vfs = state.vfs.crash();
      // The current catalog: the newest generation (the control file names it; older ones are left for a while).
      const catalog = vfs.list(DIR).filter((n) => /^catalog\.\d+$/.test(n)).sort((a, b) => Number(b.slice(8)) - Number(a.slice(8)))[0]!;
      const wal = `${DIR}/wal/${vfs.list(`${DIR}/wal`).sort()[0]!}`;
      const path = kind === 'table' || kind === 'index' ? HEAP : kind === 'wal' ? wal : kind === 'catalog' ? `${DIR}/${catalog}` : `${DIR}/flint.control`;
      const bytes = fileBytes(vfs, path);
      // Where the file holds data: the blocks of that kind, the WAL up to its last nonzero byte, all of the rest.
      let pick: () => number;
      if (kind === 'table' || kind === 'index') {
        const blocks = state.blocks[kind];
        pick = () => blocks[prng.int(blocks.length)]! * BLOCK_SIZE + prng.int(BLOCK_SIZE);
      } else {
        let end = bytes.length;
        while (end > 0 && bytes[end - 1] === 0) end--;
        pick = () => prng.int(Math.max(end, 1));
      }
      const flips = 1 + prng.int(3);
      const offsets: number[] = [];
      for (let f = 0; f < flips; f++) {
        const at = f === 0 ? pick() : Math.min(bytes.length - 1, offsets[0]! + prng.int(64)); // later flips near the first
        offsets.push(at);
        vfs.corrupt(path, at, 1 << prng.int(8));
      }
      const what = `seed ${SEED}, trial ${trial} (FLINT_BITROT_SEED=${SEED} FLINT_BITROT_ONLY=${trial}): ${state.name} state, ${kind}: flipped ${path} at ${offsets.join(', ')}`;
      const key = `${state.name} ${kind}`;
      if (!counts.has(key)) counts.set(key, { exact: 0, reported: 0, walCut: 0 });
      const outcome = counts.get(key)!;
      let got: string[] | undefined;
      let error: unknown;
      try {
        got = answers(vfs);
      } catch (e) {
        error = e;
      }
      if (got !== undefined) {
        if (got.every((a, i) => a === state.want[i])) {
          outcome.exact++;
          continue;
        }
        // Only a cut-short WAL may change answers without an error, and only to an earlier commit's.
        const cut = kind === 'wal' && state.earlier.some((e) => e.every((a, i) => a === got![i]));
        const wrong = got.findIndex((a, i) => a !== state.want[i]);
        expect(cut, `${what}: a wrong answer to ${QUERIES[wrong] ?? 'the index check'}:\n got  ${got[wrong]?.slice(0, 300)}\n want ${state.want[wrong]?.slice(0, 300)}`).toBe(true);
        outcome.walCut++;
        continue;
      }
      expect(error, `${what}: not a FlintError: ${String(error)}`).toBeInstanceOf(FlintError);
      const fe = error as FlintError;
      expect(['XX001', 'XX002', '58030'], `${what}: ${fe.code} ${fe.message}`).toContain(fe.code);
      if (fe.code === 'XX001') {
        expect(fe.file, `${what}: ${fe.message}`).toBe(path);
        if (path === HEAP) expect(offsets.map((o) => o - (o % PAGE_SIZE)), `${what}: ${fe.message}`).toContain(fe.offset);
      }
      outcome.reported++;
    }
    const lines = [...counts].map(([k, o]) => `${k}: ${o.exact} exact, ${o.reported} reported${o.walCut > 0 ? `, ${o.walCut} WAL cut short` : ''}`);
    console.log(`bit rot, seed ${SEED}, ${TRIALS} trials:\n  ${lines.join('\n  ')}`);
    if (ONLY === undefined) {
      // Damage in data the database reads is found, in every kind of file.
      for (const kind of ['table', 'index', 'catalog', 'control'] as const) {
        expect(counts.get(`clean ${kind}`)!.reported, kind).toBeGreaterThan(0);
      }
    }
  });
});
