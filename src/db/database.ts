// The public API: a database you open and run SQL on, synchronously like
// better-sqlite3, with async sessions for concurrency (the server uses those).
//
//   const db = Database.open('./data');        // or ':memory:'
//   db.exec('CREATE TABLE t (id int PRIMARY KEY, name text)');
//   db.prepare('INSERT INTO t VALUES ($1, $2)').run(1, 'ada');
//   db.prepare('SELECT * FROM t WHERE id = ?').get(1);   // { id: 1, name: 'ada' }
//   const tx = db.transaction((rows) => { ... });       // BEGIN/COMMIT, ROLLBACK on throw
//   db.close();

import type { CodecId } from '../storage/compression/codec.ts';
import { FlintError, SqlState } from '../errors.ts';
import type { KernelKind } from '../kernels/index.ts';
import { flushSequenceCaches, type StatementResult } from '../sql/exec/statements.ts';
import type * as ast from '../sql/ast.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { createMemoryVfs, createNodeVfs, type Vfs } from '../storage/vfs/index.ts';
import { Engine, type Synchronous } from '../txn/engine.ts';
import { rowShaper, valuesAsIs, type JsValue, type Row, type ValueOptions } from './js-values.ts';
import { Session, type SessionServices } from './session.ts';

export interface DatabaseOptions {
  /** Commit durability: 'full' (default) syncs every commit, 'normal' at checkpoints, 'off' never waits. */
  synchronous?: Synchronous;
  /** Kernel implementation: 'wasm' (default) or 'ts'. */
  kernels?: KernelKind;
  /** Buffer pool size in bytes (default 64 MiB). */
  poolBytes?: number;
  /** Memtable size per table in bytes (default 4 MiB). */
  memtableBytes?: number;
  /** Default block compression of tables without WITH (compression = ...): 'none', 'lz4' or 'zstd'; saved in the catalog (docs/compression.md). */
  compression?: CodecId;
  /** BIGINT values as 'number' (default; out-of-range values are an error) or 'bigint'. */
  bigint?: 'number' | 'bigint';
  /** File system; default node:fs for a path and in-memory for ':memory:'. */
  vfs?: Vfs;
  /**
   * Milliseconds between background ticks (memtable flush, a vacuum slice);
   * 0 turns background work off (VACUUM still works on demand). Default 100.
   */
  backgroundIntervalMs?: number;
}

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
  /** The value nextval last generated in the statement: the new row's serial/identity value. */
  lastInsertId: number | bigint | undefined;
}

export type { Row } from './js-values.ts';

export class Database {
  readonly #engine: Engine;
  readonly #services: SessionServices;
  readonly #session: Session;
  readonly #values: ValueOptions;
  #open = true;
  /** Depth of nested transaction() calls (each runs in a savepoint). */
  #nested = 0;
  #background: ReturnType<typeof setInterval> | undefined;

  private constructor(engine: Engine, values: ValueOptions, backgroundIntervalMs: number) {
    this.#engine = engine;
    this.#values = values;
    this.#services = {
      engine,
      state: { sequences: new Map(), lastInsertId: undefined },
      clock: millisecondClock(),
      random: Math.random,
      parseCache: new Map(),
      ranOnce: new Set(),
      sharedPlans: new WeakMap(),
      values,
    };
    this.#session = new Session(this.#services);
    if (backgroundIntervalMs > 0) {
      this.#background = setInterval(() => engine.backgroundStep(), backgroundIntervalMs);
      // Background work must not keep the process alive (Node and Bun: unref; Deno: unrefTimer).
      const timer = this.#background as unknown as { unref?: () => void };
      if (typeof timer.unref === 'function') timer.unref();
      else (globalThis as { Deno?: { unrefTimer(id: unknown): void } }).Deno?.unrefTimer(this.#background);
    }
  }

  /** Open (creating or recovering) the database at `path`, or an in-memory one for ':memory:'. */
  static open(path: string, options: DatabaseOptions = {}): Database {
    const memory = path === ':memory:';
    const vfs = options.vfs ?? (memory ? createMemoryVfs() : createNodeVfs());
    const engine = Engine.open({
      vfs,
      dir: memory ? '/memory' : path,
      ...(options.kernels === undefined ? {} : { kernels: options.kernels }),
      ...(options.poolBytes === undefined ? {} : { poolBytes: options.poolBytes }),
      ...(options.memtableBytes === undefined ? {} : { memtableBytes: options.memtableBytes }),
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      synchronous: memory ? 'off' : options.synchronous ?? 'full',
    });
    const bigint = options.bigint ?? 'number';
    if (bigint !== 'number' && bigint !== 'bigint') {
      engine.close();
      throw new FlintError(SqlState.invalidParameterValue, `bigint must be "number" or "bigint", got "${String(bigint)}"`);
    }
    return new Database(engine, { bigint }, options.backgroundIntervalMs ?? 100);
  }

  /** The storage engine underneath (for tools and tests). */
  get engine(): Engine {
    return this.#engine;
  }

  get inTransaction(): boolean {
    return this.#session.inTransaction;
  }

  /** Run one or more ;-separated statements, ignoring results. */
  exec(sql: string): this {
    this.#check();
    this.#session.execute(sql);
    return this;
  }

  /** Parse once; run many times with different parameters. */
  prepare(sql: string): Statement {
    this.#check();
    const parsed = this.#session.parse(sql);
    if (parsed.length !== 1) {
      throw new FlintError(SqlState.syntaxError, parsed.length === 0 ? 'the SQL text holds no statement' : 'prepare() takes one statement; use exec() for several');
    }
    const statement = new Statement(this, this.#session, parsed[0]!.statement, sql, this.#values);
    statement.describe();
    return statement;
  }

  /**
   * Wrap fn in BEGIN/COMMIT: the returned function runs fn in a transaction
   * and rolls back if it throws (better-sqlite3's db.transaction). Called
   * inside a transaction it runs in a savepoint instead, so a throw undoes
   * only its own work.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      this.#check();
      if (this.#session.inTransaction) {
        const name = `flint_transaction_${++this.#nested}`;
        this.#session.execute(`SAVEPOINT ${name}`);
        try {
          const result = fn(...args);
          this.#session.execute(`RELEASE SAVEPOINT ${name}`);
          return result;
        } catch (error) {
          if (this.#session.inTransaction) this.#session.execute(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
          throw error;
        } finally {
          this.#nested--;
        }
      }
      this.#session.execute('BEGIN');
      try {
        const result = fn(...args);
        this.#session.execute('COMMIT');
        return result;
      } catch (error) {
        if (this.#session.inTransaction) this.#session.execute('ROLLBACK');
        throw error;
      }
    };
  }

  /** An independent session with its own transaction state; commitAsync joins group commit. */
  session(): Session {
    this.#check();
    return new Session(this.#services);
  }

  /** Flush, checkpoint and release the data directory. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#background !== undefined) clearInterval(this.#background);
    this.#session.close();
    try {
      // Write back where cached sequences really are, so a clean close skips no values.
      flushSequenceCaches(this.#engine, this.#services.state.sequences);
    } finally {
      this.#engine.close();
    }
  }

  /** @internal Shared SQL state (sequence counters, last insert id). */
  get sqlState(): SessionServices['state'] {
    return this.#services.state;
  }

  /** @internal */
  check(): void {
    this.#check();
  }

  #check(): void {
    if (!this.#open) throw new FlintError(SqlState.objectNotInPrerequisiteState, 'the database is closed');
  }
}

/** The wall clock in microseconds (at millisecond resolution): the BigInt is made once per millisecond, not per statement. */
function millisecondClock(): { nowMicros(): bigint } {
  let ms = -1;
  let micros = 0n;
  return {
    nowMicros() {
      const now = Date.now();
      if (now !== ms) {
        ms = now;
        micros = BigInt(now) * 1000n;
      }
      return micros;
    },
  };
}

export interface ColumnInfo {
  name: string;
  type: string;
}

export class Statement {
  readonly source: string;
  readonly #db: Database;
  readonly #session: Session;
  readonly #statement: ast.Statement;
  readonly #values: ValueOptions;
  #raw = false;
  #lastColumns: ColumnInfo[] | null = null;
  readonly #paramTypes: (SqlType | undefined)[] = [];

  constructor(db: Database, session: Session, statement: ast.Statement, source: string, values: ValueOptions) {
    this.#db = db;
    this.#session = session;
    this.#statement = statement;
    this.source = source;
    this.#values = values;
  }

  /** Rows as arrays instead of objects. */
  raw(on = true): this {
    this.#raw = on;
    return this;
  }

  /** Run a statement that returns no rows (or ignore them). */
  run(...params: unknown[]): RunResult {
    // Small enough to be inlined where it is called, where the parameter array is then made without a builtin call.
    return this.#run(params);
  }

  #run(params: unknown[]): RunResult {
    const state = this.#db.sqlState;
    state.lastInsertId = undefined;
    const result = this.#execute(params);
    let id: RunResult['lastInsertId'] = state.lastInsertId;
    // BIGINT values as numbers (the default) where they fit.
    if (typeof id === 'bigint' && this.#values.bigint === 'number' && id <= 9007199254740991n && id >= -9007199254740991n) id = Number(id);
    // A cached plan gives the same command string every run (a prepared INSERT's shared result): looked at once.
    const command = result.command;
    if (command !== this.#changeCommand) {
      this.#changeCommand = command;
      this.#changes = isChange(command);
    }
    return { changes: this.#changes ? result.rowCount : 0, lastInsertId: id };
  }

  /** The command #changes was worked out for, and whether it reports changed rows (INSERT, UPDATE, DELETE). */
  #changeCommand = '';
  #changes = false;

  /** The first row, or undefined. */
  get(...params: unknown[]): Row | JsValue[] | undefined;
  get(): Row | JsValue[] | undefined {
    // `arguments`, not a rest parameter: one argument (a point select's id) goes into the array kept for it, not a
    // new array a call. A run reads its parameters while it runs only; one started while that array is in use (this
    // statement run again from inside its own run) gets an array of its own.
    if (arguments.length === 1 && !this.#oneBusy) {
      const one = this.#one;
      one[0] = arguments[0];
      this.#oneBusy = true;
      try {
        return this.#get(one);
      } finally {
        one[0] = undefined;
        this.#oneBusy = false;
      }
    }
    return this.#get(Array.from(arguments));
  }

  /** The parameter array of get() with one argument, and whether a run has it. */
  readonly #one: unknown[] = [undefined];
  #oneBusy = false;

  #get(params: unknown[]): Row | JsValue[] | undefined {
    const result = this.#execute(params);
    const first = result.rows[0];
    if (first === undefined) return undefined;
    const shape = this.#shaper(result);
    return result.ownRows === true && this.#shape!.asIs ? (first as JsValue[]) : shape(first);
  }

  /** Every row. */
  all(...params: unknown[]): (Row | JsValue[])[] {
    const result = this.#execute(params);
    const shape = this.#shaper(result);
    // Arrays of values that need no conversion, made for this result alone: the caller's as they are.
    if (result.ownRows === true && this.#shape!.asIs) return result.rows as JsValue[][];
    return result.rows.map(shape);
  }

  /** Rows one at a time. */
  *iterate(...params: unknown[]): IterableIterator<Row | JsValue[]> {
    const result = this.#execute(params);
    const shape = this.#shaper(result);
    for (const r of result.rows) yield shape(r);
  }

  /** @internal Bind a query now: type errors at prepare time, columns known before the first run. */
  describe(): void {
    const columns = this.#session.describe(this.#statement, this.#paramTypes);
    if (columns !== null) this.#lastColumns = columns.map((c) => ({ name: c.name, type: c.type.id }));
  }

  /** The result columns of the last run (name and SQL type). */
  columns(): ColumnInfo[] {
    if (this.#lastColumns === null) this.#execute([], true);
    return this.#lastColumns ?? [];
  }

  #execute(params: unknown[], describeOnly = false): StatementResult {
    this.#db.check();
    const flat = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
    if (describeOnly && this.#statement.kind !== 'query') return { command: '', columns: [], rows: [], rowCount: 0 };
    const result = this.#session.run(this.#statement, flat as JsValue[], this.#paramTypes);
    // A cached plan gives the same column objects every run: describe them once.
    if (result.columns !== this.#columnsOf) {
      this.#columnsOf = result.columns;
      this.#lastColumns = result.columns.map((c) => ({ name: c.name, type: c.type.id }));
    }
    return result;
  }

  /** Converts rows of `result`; reused while the result's columns stay the same objects (a cached plan). */
  #shaper(result: StatementResult): (row: readonly unknown[]) => Row | JsValue[] {
    const cached = this.#shape;
    if (cached !== null && cached.columns === result.columns && cached.raw === this.#raw) return cached.fn;
    const fn = rowShaper(result.columns, this.#values, this.#raw) as (row: readonly unknown[]) => Row | JsValue[];
    this.#shape = { columns: result.columns, raw: this.#raw, fn, asIs: this.#raw && valuesAsIs(result.columns) };
    return fn;
  }

  /** The last shaper; `asIs`: raw arrays of values that need no conversion (the shaper only copies). */
  #shape: { columns: StatementResult['columns']; raw: boolean; fn: (row: readonly unknown[]) => Row | JsValue[]; asIs: boolean } | null = null;
  /** The result columns #lastColumns describes. */
  #columnsOf: StatementResult['columns'] | null = null;
}

function isChange(command: string): boolean {
  // By the first letter, then the rest of the word (INSERT, UPDATE, DELETE) a character at a time: no startsWith call.
  const c = command.charCodeAt(0);
  return c === 73 ? startsWith(command, 'INSERT') : c === 85 ? startsWith(command, 'UPDATE') : c === 68 && startsWith(command, 'DELETE');
}

function startsWith(s: string, word: string): boolean {
  if (s.length < word.length) return false;
  for (let i = 1; i < word.length; i++) if (s.charCodeAt(i) !== word.charCodeAt(i)) return false;
  return true;
}
