// What every statement runner shares: the options a statement runs with
// (engine, transaction, parameters, database-wide SQL state), its result
// shape, and small helpers to build an execution context or a binder and to
// resolve the table a DML or DDL statement names.

import { FlintError } from '../../errors.ts';
import type { Engine } from '../../txn/engine.ts';
import type { Transaction } from '../../txn/transaction.ts';
import type * as ast from '../ast.ts';
import type { CatalogReader, SqlTable } from '../catalog.ts';
import { QueryBinder } from '../plan/bind-query.ts';
import type { OutputColumn } from '../plan/plan.ts';
import type { EvalContext } from '../types/eval-context.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { ExecContext, Row } from './context.ts';
import { EngineCatalog } from './engine-catalog.ts';
import type { SequenceCache, SqlSessionState } from './sequences.ts';

export interface StatementResult {
  /** PostgreSQL's command tag: SELECT 3, INSERT 0 1, CREATE TABLE, ... */
  readonly command: string;
  readonly columns: readonly OutputColumn[];
  readonly rows: Row[];
  /** Rows returned or affected. */
  readonly rowCount: number;
  /**
   * true: `rows` and every row in it were made for this result alone, each
   * row pushed once, and nothing else refers to them (a query whose plan
   * pushes rows it makes per row: run.ts, pushesOwnRows), so an API may hand
   * them out as they are instead of copies.
   */
  readonly ownRows?: boolean;
  /** NOTICEs and WARNINGs the statement raised (PostgreSQL's NoticeResponse), in order. */
  notices?: Notice[];
}

/** A message that is not an error: `DROP TABLE IF EXISTS` of a missing table, COMMIT with no transaction. */
export interface Notice {
  readonly severity: 'NOTICE' | 'WARNING';
  readonly code: string;
  readonly message: string;
}

/** Database-wide state the statements share. */
export interface SqlDatabaseState {
  /** Each sequence's cached batch of values, by the sequence's table id (sequences.ts). */
  readonly sequences: Map<number, SequenceCache>;
  /** The value nextval last handed out, as its sequence's type: a serial/identity column's new value (better-sqlite3's lastInsertRowid). */
  lastInsertId: bigint | number | undefined;
}

/** A statement's parameter values. */
export interface RunParams {
  /** Parameter $index+1 as a value of its type (the same value however often it is read in one run). */
  get(index: number): RuntimeValue;
  /**
   * Parameters $indexes[k]+1 into row[at[k]] for k < n, each as get() would
   * give it, in that order, with the same errors, for a run that reads each
   * of them once: the values need not be kept for a second read (a prepared
   * INSERT's lean path). Optional: without it, the reader calls get().
   */
  readInto?(row: RuntimeValue[], at: readonly number[], indexes: readonly number[], n: number): void;
}

export interface RunOptions {
  readonly engine: Engine;
  readonly txn: Transaction;
  /** Parameter values, read through the types the binder inferred (shared with `paramTypes`). */
  readonly params: RunParams;
  /** Parameter types: declared by the caller, or filled in by the binder as it infers them. */
  readonly paramTypes: (SqlType | undefined)[];
  readonly eval: EvalContext;
  readonly state: SqlDatabaseState;
  /** The session's currval/lastval; a fresh one per statement when absent. */
  readonly session?: SqlSessionState;
  /** enable_indexscan: false plans every table read as a sequential scan. Default true. */
  readonly indexScans?: boolean;
  readonly checkInterrupt: () => void;
  /** Where the statement's notices go (the session puts them on the result); dropped when absent. */
  readonly notice?: (notice: Notice) => void;
  /** The catalog the binder reads; default the engine's (a plan cache passes one that records what planning read). */
  readonly catalog?: CatalogReader;
  /** Told when binding converts a parameter's value to another type (a cast node around it). */
  readonly onParamCast?: (index: number) => void;
}

/** What binding reads of RunOptions (no transaction, parameter values or interrupt check). */
export type BindOptions = Pick<RunOptions, 'engine' | 'paramTypes' | 'eval' | 'indexScans' | 'catalog' | 'state' | 'session' | 'onParamCast'>;

/** Raise a NOTICE (or WARNING) with PostgreSQL's words. */
export function notice(options: RunOptions, message: string, code = '00000', severity: Notice['severity'] = 'NOTICE'): void {
  options.notice?.({ severity, code, message });
}

export function done(command: string, rowCount = 0): StatementResult {
  return { command, columns: [], rows: [], rowCount };
}

export function contextOf(options: RunOptions): ExecContext {
  return new StatementExecContext(options);
}

/**
 * `ctx` (made by contextOf) as a new statement's context for `options`, as
 * contextOf would make it: for a runner that keeps its context from run to
 * run (a prepared INSERT's), once the run that had it is over.
 */
export function restartContext(ctx: ExecContext, options: RunOptions): ExecContext {
  if (!(ctx instanceof StatementExecContext)) return contextOf(options);
  ctx.restart(options);
  return ctx;
}

/** A statement's ExecContext: its subquery cache and outer rows are made on first use (most statements have no subquery). */
class StatementExecContext implements ExecContext {
  engine: Engine;
  txn: Transaction;
  params: RunOptions['params'];
  eval: EvalContext;
  checkInterrupt: () => void;
  #outer: Row[] | null = null;
  #cache: Map<object, unknown> | null = null;

  constructor(options: RunOptions) {
    this.engine = options.engine;
    this.txn = options.txn;
    this.params = options.params;
    this.eval = options.eval;
    this.checkInterrupt = options.checkInterrupt;
  }

  restart(options: RunOptions): void {
    this.engine = options.engine;
    this.txn = options.txn;
    this.params = options.params;
    this.eval = options.eval;
    this.checkInterrupt = options.checkInterrupt;
    this.#outer = null;
    this.#cache = null;
  }

  /** Made on first use too: only correlated subqueries and joins by lookup read it. */
  get outer(): Row[] {
    this.#outer ??= [];
    return this.#outer;
  }

  get cache(): Map<object, unknown> {
    this.#cache ??= new Map();
    return this.#cache;
  }
}

export function binderOf(options: Pick<RunOptions, 'engine' | 'catalog' | 'indexScans' | 'paramTypes' | 'eval' | 'onParamCast'>): QueryBinder {
  return new QueryBinder(options.catalog ?? new EngineCatalog(options.engine, options.indexScans !== false), options.paramTypes, options.eval, options.onParamCast);
}

/** The table a DML statement writes (42P01 if missing, 0A000 for a view). */
export function tableFor(name: ast.QualifiedName, options: Pick<RunOptions, 'engine'>): SqlTable {
  const catalog = new EngineCatalog(options.engine);
  const table = catalog.table(name.name);
  if (table === undefined) {
    if (catalog.view(name.name) !== undefined) throw new FlintError('0A000', `cannot change view "${name.name}"`, { position: name.pos + 1 });
    throw new FlintError('42P01', `relation "${name.name}" does not exist`, { position: name.pos + 1 });
  }
  return table;
}
