// bench/peers: the interface every engine implements, so that one set of
// workloads (workloads.ts) runs unchanged on Flint and on its peers.
//
// Methods may return a value or a promise: the synchronous engines (Flint,
// better-sqlite3, sql.js) return values, so their loops never yield to the
// event loop and pay no promise per operation; PGlite returns promises.

/** One row of t (and of the durable-insert tables): [id, name, email, amount, cat]. */
export type RowTuple = readonly [id: number, name: string, email: string, amount: number, cat: number];

export type MaybePromise<T> = T | Promise<T>;

/**
 * How far a commit that has returned survives: 'durable' (on disk: an
 * fdatasync covered it), 'os-cache' (in the OS page cache: lost on power
 * loss or a kernel crash), 'memory' (nothing is written to a file at all).
 */
export type Durability = 'durable' | 'os-cache' | 'memory';

export interface PeerInfo {
  /** Short key used in JSON and tables. */
  key: string;
  label: string;
  version: string;
  durability: Durability;
  /** Said next to every durable-commit figure of this engine. */
  note: string;
}

/** A connection that can run autocommit inserts concurrently with others (group commit). */
export interface PeerSession {
  insertAutocommit(table: string, row: RowTuple): Promise<void>;
  close(): void;
}

export interface PeerDb {
  /**
   * Creates t(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount <8-byte
   * float>, cat INTEGER) with an index on cat, the durable-insert tables
   * (the same shape) and c(cat INTEGER PRIMARY KEY, label TEXT), and loads c.
   */
  createSchema(durableTables: readonly string[], cats: readonly (readonly [number, string])[]): MaybePromise<void>;
  /** Every row into t in one transaction. */
  bulkInsert(rows: readonly RowTuple[]): MaybePromise<void>;
  /** One row in its own transaction, returning once the commit is as durable as the engine makes it. */
  insertAutocommit(table: string, row: RowTuple): MaybePromise<void>;
  /** SELECT id, name, email, amount, cat FROM t WHERE id = $1, as an array. */
  pointSelect(id: number): MaybePromise<readonly unknown[] | undefined>;
  /** SELECT id, amount FROM t WHERE cat = $1 (through the index on cat). */
  byCat(cat: number): MaybePromise<readonly (readonly unknown[])[]>;
  /** SELECT cat, count(*), sum(amount) FROM t GROUP BY cat. */
  groupBy(): MaybePromise<readonly (readonly unknown[])[]>;
  /** UPDATE t SET amount = amount + 1 WHERE id = $1, autocommit; returns the rows changed. */
  updateById(id: number): MaybePromise<number>;
  /** SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = $1. */
  join(label: string): MaybePromise<readonly (readonly unknown[])[]>;
  /** [count(*), sum(id), sum(amount)] of a table. */
  totals(table: string): MaybePromise<readonly [number, number, number]>;
  /** Bytes the database takes on disk, after a checkpoint. */
  sizeOnDisk(): MaybePromise<number>;
  /**
   * Cumulative counters of the engine's own (Flint: its WAL writer's
   * fdatasyncs and group-commit rounds), read before and after each round
   * of a durable workload; the results keep their change per round.
   */
  counters?(): Record<string, number>;
  /** `count` sessions for concurrent autocommit inserts, or undefined: the runner then runs the inserts serially. */
  sessions?(count: number): PeerSession[];
  close(): MaybePromise<void>;
}

export interface PeerEngine {
  info: PeerInfo;
  /** Opens a new database in `dir` (an empty directory). */
  open(dir: string): Promise<PeerDb>;
}
