// bench/peers: Flint embedded, through its public API (Database, Statement,
// Session). Single-connection workloads use the synchronous API like
// better-sqlite3 (an autocommit statement returns after its fdatasync);
// concurrent inserts use one Session per worker and runAsync, whose commits
// join group commit (one fdatasync covers every commit waiting at that
// moment), as the server's connections do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, type Statement } from '../../src/db/database.ts';
import type { Session } from '../../src/db/session.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import type * as ast from '../../src/sql/ast.ts';
import { directoryBytes } from './disk.ts';
import type { PeerDb, PeerEngine, PeerSession, RowTuple } from './types.ts';

const POOL_BYTES = 256 << 20;
const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const INSERT_VALUES = '(id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)';

function flintVersion(): string {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function flintEngine(kernels: KernelKind): PeerEngine {
  return {
    info: {
      key: `flint-${kernels}`,
      label: `Flint (${kernels.toUpperCase()} kernels)`,
      version: flintVersion(),
      durability: 'durable',
      note: "synchronous 'full': fdatasync per commit, group commit across sessions",
    },
    open: async (dir) => new FlintPeer(dir, kernels),
  };
}

class FlintPeer implements PeerDb {
  readonly #dir: string;
  readonly #db: Database;
  readonly #inserts = new Map<string, Statement>();
  #select!: Statement;
  #byCat!: Statement;
  #groupBy!: Statement;
  #update!: Statement;
  #join!: Statement;

  constructor(dir: string, kernels: KernelKind) {
    this.#dir = dir;
    this.#db = Database.open(dir, { kernels, synchronous: 'full', poolBytes: POOL_BYTES });
  }

  createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): void {
    const db = this.#db;
    for (const table of ['t', ...durableTables]) {
      db.exec(`CREATE TABLE ${table} ${COLUMNS}`);
      db.exec(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
      this.#inserts.set(table, db.prepare(`INSERT INTO ${table} ${INSERT_VALUES}`));
    }
    db.exec('CREATE TABLE c (cat INTEGER PRIMARY KEY, label TEXT)');
    const insertCat = db.prepare('INSERT INTO c (cat, label) VALUES ($1, $2)');
    db.transaction(() => {
      for (const [cat, label] of cats) insertCat.run(cat, label);
    })();
    this.#select = db.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = $1').raw();
    this.#byCat = db.prepare('SELECT id, amount FROM t WHERE cat = $1').raw();
    this.#groupBy = db.prepare('SELECT cat, count(*), sum(amount) FROM t GROUP BY cat').raw();
    this.#update = db.prepare('UPDATE t SET amount = amount + 1 WHERE id = $1');
    this.#join = db.prepare('SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = $1').raw();
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
    this.#db.exec('CHECKPOINT');
    return directoryBytes(this.#dir);
  }

  sessions(count: number): PeerSession[] {
    return Array.from({ length: count }, () => new FlintSession(this.#db.session()));
  }

  close(): void {
    this.#db.close();
  }
}

/** One connection's worth of autocommit inserts through Session.runAsync (group commit). */
class FlintSession implements PeerSession {
  readonly #session: Session;
  readonly #statements = new Map<string, { statement: ast.Statement; paramTypes: (SqlType | undefined)[] }>();

  constructor(session: Session) {
    this.#session = session;
  }

  async insertAutocommit(table: string, row: RowTuple): Promise<void> {
    let prepared = this.#statements.get(table);
    if (prepared === undefined) {
      const statement = this.#session.parse(`INSERT INTO ${table} ${INSERT_VALUES}`)[0]!.statement;
      const paramTypes: (SqlType | undefined)[] = [];
      this.#session.describe(statement, paramTypes);
      prepared = { statement, paramTypes };
      this.#statements.set(table, prepared);
    }
    const result = await this.#session.runAsync(prepared.statement, [row[0], row[1], row[2], row[3], row[4]], prepared.paramTypes);
    if (result.rowCount !== 1) throw new Error(`Flint session insert into ${table} changed ${result.rowCount} rows`);
  }

  close(): void {
    this.#session.close();
  }
}
