// bench/peers: PGlite, PostgreSQL compiled to WebAssembly, on a directory
// (its Node file system). It runs with its defaults, and those start
// PostgreSQL with -F (fsync off): a commit reaches the OS page cache, never
// the disk, so its commits are not durable (lost on power loss). Its
// relaxedDurability option only changes when IndexedDB/OPFS file systems are
// synced, not this. One connection; concurrent inserts queue on it.
import { PGlite } from '@electric-sql/pglite';
import { directoryBytes } from './disk.ts';
import type { PeerDb, PeerEngine, RowTuple } from './types.ts';
import { packageVersion } from './versions.ts';

const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const ARRAYS = { rowMode: 'array' } as const;

export async function pgliteEngine(): Promise<PeerEngine> {
  return {
    info: {
      key: 'pglite',
      label: 'PGlite',
      version: packageVersion('@electric-sql/pglite'),
      durability: 'os-cache',
      note: 'defaults: fsync off (-F), so commits are not durable',
    },
    open: async (dir) => {
      const pg = await PGlite.create(dir);
      const fsync = await pg.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'fsync'");
      if (fsync.rows[0]?.setting !== 'off') throw new Error(`PGlite runs with fsync=${String(fsync.rows[0]?.setting)}; the output says it is off`);
      return new PglitePeer(dir, pg);
    },
  };
}

/** PGlite's full version string (PostgreSQL's, with PGlite's). */
export async function pgliteServerVersion(dir: string): Promise<string> {
  const pg = await PGlite.create(dir);
  const v = await pg.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await pg.close();
  return `PostgreSQL ${v.rows[0]!.v}`;
}

class PglitePeer implements PeerDb {
  readonly #dir: string;
  readonly #pg: PGlite;

  constructor(dir: string, pg: PGlite) {
    this.#dir = dir;
    this.#pg = pg;
  }

  async createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): Promise<void> {
    const pg = this.#pg;
    for (const table of ['t', ...durableTables]) {
      await pg.exec(`CREATE TABLE ${table} ${COLUMNS}`);
      await pg.exec(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
    }
    await pg.exec('CREATE TABLE c (cat INTEGER PRIMARY KEY, label TEXT)');
    await pg.transaction(async (tx) => {
      for (const [cat, label] of cats) await tx.query('INSERT INTO c (cat, label) VALUES ($1, $2)', [cat, label]);
    });
  }

  async bulkInsert(rows: readonly RowTuple[]): Promise<void> {
    await this.#pg.transaction(async (tx) => {
      for (const row of rows) await tx.query('INSERT INTO t (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)', row as unknown as unknown[]);
    });
  }

  async insertAutocommit(table: string, row: RowTuple): Promise<void> {
    await this.#pg.query(`INSERT INTO ${table} (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)`, row as unknown as unknown[]);
  }

  async pointSelect(id: number): Promise<readonly unknown[] | undefined> {
    const r = await this.#pg.query<unknown[]>('SELECT id, name, email, amount, cat FROM t WHERE id = $1', [id], ARRAYS);
    return r.rows[0];
  }

  async byCat(cat: number): Promise<readonly (readonly unknown[])[]> {
    return (await this.#pg.query<unknown[]>('SELECT id, amount FROM t WHERE cat = $1', [cat], ARRAYS)).rows;
  }

  async groupBy(): Promise<readonly (readonly unknown[])[]> {
    return (await this.#pg.query<unknown[]>('SELECT cat, count(*), sum(amount) FROM t GROUP BY cat', [], ARRAYS)).rows;
  }

  async updateById(id: number): Promise<number> {
    return (await this.#pg.query('UPDATE t SET amount = amount + 1 WHERE id = $1', [id])).affectedRows ?? 0;
  }

  async join(label: string): Promise<readonly (readonly unknown[])[]> {
    return (await this.#pg.query<unknown[]>('SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = $1', [label], ARRAYS)).rows;
  }

  async totals(table: string): Promise<readonly [number, number, number]> {
    const r = (await this.#pg.query<unknown[]>(`SELECT count(*), sum(id), sum(amount) FROM ${table}`, [], ARRAYS)).rows[0]!;
    return [Number(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)];
  }

  async sizeOnDisk(): Promise<number> {
    await this.#pg.exec('CHECKPOINT');
    return directoryBytes(this.#dir);
  }

  async close(): Promise<void> {
    await this.#pg.close();
  }
}
