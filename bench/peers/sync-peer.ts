// bench/peers: the workloads on an engine with a synchronous, better-sqlite3
// style API (exec, prepare → run/get/all/raw, transaction), which Flint's
// Database and better-sqlite3 both have. Each adapter gives its connection,
// its column types and its placeholder spelling, and measures its own size.
import type { PeerDb, RowTuple } from './types.ts';

export interface SyncStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(on?: boolean): SyncStatement;
}

export interface SyncDb {
  exec(sql: string): unknown;
  prepare(sql: string): SyncStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}

export abstract class SyncPeer implements PeerDb {
  protected readonly db: SyncDb;
  readonly #columns: string;
  readonly #placeholder: (n: number) => string;
  readonly #inserts = new Map<string, SyncStatement>();
  #select!: SyncStatement;
  #byCat!: SyncStatement;
  #groupBy!: SyncStatement;
  #update!: SyncStatement;
  #join!: SyncStatement;

  /** `columns`: t's column list with this engine's types; `placeholder(n)`: the n-th parameter ($1 or ?). */
  constructor(db: SyncDb, columns: string, placeholder: (n: number) => string) {
    this.db = db;
    this.#columns = columns;
    this.#placeholder = placeholder;
  }

  abstract sizeOnDisk(): number;

  createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): void {
    const db = this.db;
    const p = this.#placeholder;
    for (const table of ['t', ...durableTables]) {
      db.exec(`CREATE TABLE ${table} ${this.#columns}`);
      db.exec(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
      this.#inserts.set(table, db.prepare(`INSERT INTO ${table} (id, name, email, amount, cat) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`));
    }
    db.exec('CREATE TABLE c (cat INTEGER PRIMARY KEY, label TEXT)');
    const insertCat = db.prepare(`INSERT INTO c (cat, label) VALUES (${p(1)}, ${p(2)})`);
    db.transaction(() => {
      for (const [cat, label] of cats) insertCat.run(cat, label);
    })();
    this.#select = db.prepare(`SELECT id, name, email, amount, cat FROM t WHERE id = ${p(1)}`).raw();
    this.#byCat = db.prepare(`SELECT id, amount FROM t WHERE cat = ${p(1)}`).raw();
    this.#groupBy = db.prepare('SELECT cat, count(*), sum(amount) FROM t GROUP BY cat').raw();
    this.#update = db.prepare(`UPDATE t SET amount = amount + 1 WHERE id = ${p(1)}`);
    this.#join = db.prepare(`SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = ${p(1)}`).raw();
  }

  bulkInsert(rows: readonly RowTuple[]): void {
    const insert = this.#inserts.get('t')!;
    this.db.transaction(() => {
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
    const r = this.db.prepare(`SELECT count(*), sum(id), sum(amount) FROM ${table}`).raw().get() as unknown[];
    return [Number(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)];
  }

  close(): void {
    this.db.close();
  }
}
