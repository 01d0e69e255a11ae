// bench/peers: sql.js, SQLite compiled to WebAssembly, in memory (it has no
// file storage: a database is a buffer the application may export and save).
// Its "durable" inserts write nothing; its on-disk size is the size of the
// exported database image.
import { createRequire } from 'node:module';
import type { PeerDb, PeerEngine, RowTuple } from './types.ts';
import { packageVersion } from './versions.ts';

/** sql.js's API, as far as this file uses it. */
interface SqlJsStatement {
  bind(params: unknown[]): boolean;
  step(): boolean;
  get(): unknown[];
  run(params: unknown[]): void;
  reset(): void;
  free(): void;
}
interface SqlJsDb {
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  run(sql: string, params?: unknown[]): void;
  prepare(sql: string): SqlJsStatement;
  getRowsModified(): number;
  export(): Uint8Array;
  close(): void;
}
interface SqlJs {
  Database: new () => SqlJsDb;
}

const require = createRequire(import.meta.url);
let loaded: Promise<SqlJs> | undefined;
const loadSqlJs = () => (loaded ??= (require('sql.js') as () => Promise<SqlJs>)());
const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount REAL, cat INTEGER)';

export async function sqljsEngine(): Promise<PeerEngine> {
  const SQL = await loadSqlJs();
  const probe = new SQL.Database();
  const sqlite = String(probe.exec('SELECT sqlite_version()')[0]!.values[0]![0]);
  probe.close();
  return {
    info: {
      key: 'sqljs',
      label: 'sql.js',
      version: `${packageVersion('sql.js')} (SQLite ${sqlite})`,
      durability: 'memory',
      note: 'in memory: nothing is written to a file (size on disk: the exported image)',
    },
    open: async () => new SqlJsPeer(new SQL.Database()),
  };
}

class SqlJsPeer implements PeerDb {
  readonly #db: SqlJsDb;
  #tables: string[] = [];
  #inserts = new Map<string, SqlJsStatement>();
  #select!: SqlJsStatement;
  #byCat!: SqlJsStatement;
  #groupBy!: SqlJsStatement;
  #update!: SqlJsStatement;
  #join!: SqlJsStatement;

  constructor(db: SqlJsDb) {
    this.#db = db;
  }

  createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): void {
    const db = this.#db;
    this.#tables = ['t', ...durableTables];
    for (const table of this.#tables) {
      db.run(`CREATE TABLE ${table} ${COLUMNS}`);
      db.run(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
    }
    db.run('CREATE TABLE c (cat INTEGER PRIMARY KEY, label TEXT)');
    const insertCat = db.prepare('INSERT INTO c (cat, label) VALUES (?, ?)');
    db.run('BEGIN');
    for (const [cat, label] of cats) insertCat.run([cat, label]);
    db.run('COMMIT');
    insertCat.free();
    this.#prepare();
  }

  /** (Re)prepares the statements: export() frees every statement of the database. */
  #prepare(): void {
    const db = this.#db;
    this.#inserts = new Map(this.#tables.map((t) => [t, db.prepare(`INSERT INTO ${t} (id, name, email, amount, cat) VALUES (?, ?, ?, ?, ?)`)]));
    this.#select = db.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = ?');
    this.#byCat = db.prepare('SELECT id, amount FROM t WHERE cat = ?');
    this.#groupBy = db.prepare('SELECT cat, count(*), sum(amount) FROM t GROUP BY cat');
    this.#update = db.prepare('UPDATE t SET amount = amount + 1 WHERE id = ?');
    this.#join = db.prepare('SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = ?');
  }

  bulkInsert(rows: readonly RowTuple[]): void {
    const insert = this.#inserts.get('t')!;
    this.#db.run('BEGIN');
    for (const row of rows) insert.run(row as unknown as unknown[]);
    this.#db.run('COMMIT');
  }

  insertAutocommit(table: string, row: RowTuple): void {
    this.#inserts.get(table)!.run(row as unknown as unknown[]);
  }

  #all(statement: SqlJsStatement, params: unknown[]): unknown[][] {
    statement.bind(params);
    const rows: unknown[][] = [];
    while (statement.step()) rows.push(statement.get());
    statement.reset();
    return rows;
  }

  pointSelect(id: number): readonly unknown[] | undefined {
    const s = this.#select;
    s.bind([id]);
    const row = s.step() ? s.get() : undefined;
    s.reset();
    return row;
  }

  byCat(cat: number): readonly (readonly unknown[])[] {
    return this.#all(this.#byCat, [cat]);
  }

  groupBy(): readonly (readonly unknown[])[] {
    return this.#all(this.#groupBy, []);
  }

  updateById(id: number): number {
    this.#update.run([id]);
    return this.#db.getRowsModified();
  }

  join(label: string): readonly (readonly unknown[])[] {
    return this.#all(this.#join, [label]);
  }

  totals(table: string): readonly [number, number, number] {
    const r = this.#db.exec(`SELECT count(*), sum(id), sum(amount) FROM ${table}`)[0]!.values[0]!;
    return [Number(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)];
  }

  sizeOnDisk(): number {
    const bytes = this.#db.export().length;
    this.#prepare();
    return bytes;
  }

  close(): void {
    this.#db.close();
  }
}
