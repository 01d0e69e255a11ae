// bench/peers: better-sqlite3, a file database in WAL mode, synchronous
// FULL (every commit fdatasyncs the WAL: durable) or NORMAL (the WAL is
// synced at checkpoints only: a commit survives a process crash but not a
// power loss). One connection; concurrent inserts run serially on it.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { directoryBytes } from './disk.ts';
import type { PeerDb, PeerEngine, RowTuple } from './types.ts';

/** better-sqlite3's API, as far as this file uses it (the package ships no types). */
interface BetterStatement {
  run(...p: unknown[]): { changes: number };
  get(...p: unknown[]): unknown;
  all(...p: unknown[]): unknown[];
  raw(on?: boolean): BetterStatement;
}
interface BetterDb {
  pragma(source: string): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): BetterStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}
type BetterSqlite3 = new (filename: string) => BetterDb;

const require = createRequire(import.meta.url);
const BetterSqlite3 = require('better-sqlite3') as BetterSqlite3;
const CACHE_KIB = 256 << 10;
const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount REAL, cat INTEGER)';

export function sqliteVersions(): { betterSqlite3: string; sqlite: string } {
  const probe = new BetterSqlite3(':memory:');
  const sqlite = (probe.prepare('SELECT sqlite_version()').raw().get() as string[])[0]!;
  probe.close();
  return { betterSqlite3: (require('better-sqlite3/package.json') as { version: string }).version, sqlite };
}

export function sqliteEngine(synchronous: 'FULL' | 'NORMAL'): PeerEngine {
  const v = sqliteVersions();
  return {
    info: {
      key: `sqlite-${synchronous.toLowerCase()}`,
      label: `better-sqlite3 WAL ${synchronous}`,
      version: `${v.betterSqlite3} (SQLite ${v.sqlite})`,
      durability: synchronous === 'FULL' ? 'durable' : 'os-cache',
      note: synchronous === 'FULL' ? 'journal_mode=WAL, synchronous=FULL: fdatasync per commit' : 'journal_mode=WAL, synchronous=NORMAL: commits are not synced (lost on power loss)',
    },
    open: async (dir) => new SqlitePeer(dir, synchronous),
  };
}

class SqlitePeer implements PeerDb {
  readonly #dir: string;
  readonly #db: BetterDb;
  readonly #inserts = new Map<string, BetterStatement>();
  #select!: BetterStatement;
  #byCat!: BetterStatement;
  #groupBy!: BetterStatement;
  #update!: BetterStatement;
  #join!: BetterStatement;

  constructor(dir: string, synchronous: 'FULL' | 'NORMAL') {
    this.#dir = dir;
    this.#db = new BetterSqlite3(join(dir, 'sqlite.db'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${synchronous}`);
    this.#db.pragma(`cache_size = -${CACHE_KIB}`);
  }

  createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): void {
    const db = this.#db;
    for (const table of ['t', ...durableTables]) {
      db.exec(`CREATE TABLE ${table} ${COLUMNS}`);
      db.exec(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
      this.#inserts.set(table, db.prepare(`INSERT INTO ${table} (id, name, email, amount, cat) VALUES (?, ?, ?, ?, ?)`));
    }
    db.exec('CREATE TABLE c (cat INTEGER PRIMARY KEY, label TEXT)');
    const insertCat = db.prepare('INSERT INTO c (cat, label) VALUES (?, ?)');
    db.transaction(() => {
      for (const [cat, label] of cats) insertCat.run(cat, label);
    })();
    this.#select = db.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = ?').raw();
    this.#byCat = db.prepare('SELECT id, amount FROM t WHERE cat = ?').raw();
    this.#groupBy = db.prepare('SELECT cat, count(*), sum(amount) FROM t GROUP BY cat').raw();
    this.#update = db.prepare('UPDATE t SET amount = amount + 1 WHERE id = ?');
    this.#join = db.prepare('SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = ?').raw();
  }

  bulkInsert(rows: readonly RowTuple[]): void {
    const insert = this.#inserts.get('t')!;
    this.#db.transaction(() => {
      for (const row of rows) insert.run(row[0], row[1], row[2], row[3], row[4]);
    })();
  }

  insertAutocommit(table: string, row: RowTuple): void {
    this.#inserts.get(table)!.run(row[0], row[1], row[2], row[3], row[4]);
  }

  pointSelect(id: number): readonly unknown[] | undefined {
    return this.#select.get(id) as unknown[] | undefined;
  }

  byCat(cat: number): readonly (readonly unknown[])[] {
    return this.#byCat.all(cat) as unknown[][];
  }

  groupBy(): readonly (readonly unknown[])[] {
    return this.#groupBy.all() as unknown[][];
  }

  updateById(id: number): number {
    return this.#update.run(id).changes;
  }

  join(label: string): readonly (readonly unknown[])[] {
    return this.#join.all(label) as unknown[][];
  }

  totals(table: string): readonly [number, number, number] {
    const r = this.#db.prepare(`SELECT count(*), sum(id), sum(amount) FROM ${table}`).raw().get() as unknown[];
    return [Number(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)];
  }

  sizeOnDisk(): number {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return directoryBytes(this.#dir);
  }

  close(): void {
    this.#db.close();
  }
}
