// A session: one connection's worth of state. It owns the current
// transaction (explicit after BEGIN, else one per statement), the session
// settings (SET/SHOW/RESET), and runs statements through the SQL layer.
//
// Errors follow PostgreSQL: outside a transaction block a failed statement
// rolls back its own transaction; inside one, the whole block is failed and
// every statement but ROLLBACK (or COMMIT, which then rolls back) is refused
// with 25P02 until it ends, or until ROLLBACK TO SAVEPOINT undoes what was
// done since the savepoint and clears the failure.

import { FlintError, SqlState } from '../errors.ts';
import type * as ast from '../sql/ast.ts';
import { parseScript } from '../sql/parser.ts';
import {
  bindStatement, databaseSequences, isBindable, newSessionState, planQuery, runStatement,
  type BindOptions, type BoundStatement, type SqlDatabaseState, type SqlSessionState, type StatementResult,
} from '../sql/exec/statements.ts';
import { EngineCatalog } from '../sql/exec/engine-catalog.ts';
import type { Notice, RunOptions } from '../sql/exec/statement-context.ts';
import type { OutputColumn } from '../sql/plan/plan.ts';
import type { SequenceFunctions } from '../sql/types/eval-context.ts';
import type { EvalContext, SystemContext } from '../sql/types/eval-context.ts';
import { buildCatalogView, type SystemCatalogView } from '../sql/system-catalog/index.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { resolveTimeZone, UTC, type TimeZone } from '../sql/types/timezone.ts';
import { T, type RuntimeValue } from '../sql/types/type-info.ts';
import type { Engine } from '../txn/engine.ts';
import type { Transaction } from '../txn/transaction.ts';
import { WriteConflict } from '../txn/write-conflict.ts';
import { checkMemory } from './memory-guard.ts';
import { fromRuntimeError } from './runtime-errors.ts';
import { fromJs, rowShaper, type JsValue, type Row, type ValueOptions } from './js-values.ts';
import { BindingEval, literalShape, literalTemplate, PlanCache, RecordingCatalog, type CachedPlan, type LiteralShape } from './plan-cache.ts';
import { isRoleStatement, runRoleStatement, type RoleManager } from './roles.ts';
import { pollExternalInterrupts } from './external-interrupts.ts';

/** PostgreSQL's spelling of parameters whose name is not all lower case (SHOW's column name). */
const SETTING_DISPLAY_NAMES: Record<string, string> = {
  timezone: 'TimeZone',
  datestyle: 'DateStyle',
  intervalstyle: 'IntervalStyle',
};

/** Settings a session starts with; SHOW reports them, SET changes them for the session. */
const DEFAULT_SETTINGS: Record<string, string> = {
  timezone: 'UTC',
  datestyle: 'ISO, MDY',
  client_encoding: 'UTF8',
  server_encoding: 'UTF8',
  standard_conforming_strings: 'on',
  integer_datetimes: 'on',
  search_path: '"$user", public',
  application_name: '',
  statement_timeout: '0',
  // psql's \password reads it to hash the new password on the client; Flint keeps SCRAM verifiers only.
  password_encryption: 'scram-sha-256',
  // The server ends a session idle this long inside a transaction block (25P03) or outside one (57P05).
  idle_in_transaction_session_timeout: '0',
  idle_session_timeout: '0',
  // PostgreSQL's default: each statement sees what committed before it began.
  transaction_isolation: 'read committed',
  default_transaction_isolation: 'read committed',
  server_version: '15.0 (Flint 0.1.0)',
  max_identifier_length: '63',
  // PostgreSQL's planner switch: off makes every table read a sequential scan.
  enable_indexscan: 'on',
};

export interface Clock {
  /** Microseconds since 1970 UTC. */
  nowMicros(): bigint;
}

export interface SessionServices {
  readonly engine: Engine;
  readonly state: SqlDatabaseState;
  readonly clock: Clock;
  readonly random: () => number;
  /** Parsed statements by SQL text: repeated SQL is parsed once. */
  readonly parseCache: Map<string, readonly ParsedStatementText[]>;
  /**
   * Statements a run bound once, of every session sharing these services
   * (the parse cache hands them all the same statement for one text): a
   * session keeps a run's plan from the statement's second run in any of
   * them. Without it, each session notes its own.
   */
  readonly ranOnce?: Set<ast.Statement>;
  /**
   * The plans sessions kept, by statement, for the other sessions sharing
   * these services: one whose binding read nothing of its session but what
   * the plan cache checks (catalog, settings, declared types, estimates)
   * serves them all, each checking it for itself. Without it, each session
   * binds its own.
   */
  readonly sharedPlans?: WeakMap<ast.Statement, CachedPlan>;
  /** How rows reach JS in query() (BIGINT as number or bigint); default number. */
  readonly values?: ValueOptions;
}

/** What Session.query resolves with: the last statement's rows and command. */
export interface QueryResult {
  /** PostgreSQL's command tag: SELECT 3, INSERT 0 1, CREATE TABLE, ... */
  readonly command: string;
  /** Rows returned (SELECT, RETURNING) or changed (INSERT, UPDATE, DELETE). */
  readonly rowCount: number;
  readonly rows: Row[];
  readonly columns: { name: string; type: string }[];
}

export interface ParsedStatementText {
  readonly statement: ast.Statement;
  readonly text: string;
}

/**
 * The session's settings: a Map whose every change bumps `version`, so
 * what a statement derives from them (enable_indexscan, TimeZone,
 * statement_timeout, a cached plan's settings check) is worked out again
 * only after a change, not for every statement.
 */
export class SessionSettings extends Map<string, string> {
  version = 0;

  override set(name: string, value: string): this {
    this.version++;
    return super.set(name, value);
  }

  override delete(name: string): boolean {
    this.version++;
    return super.delete(name);
  }

  override clear(): void {
    this.version++;
    super.clear();
  }
}

/** What statements read of the settings, worked out once per settings version. */
interface DerivedSettings {
  readonly version: number;
  /** enable_indexscan is not off. */
  readonly indexScans: boolean;
  /** The TimeZone setting as written. */
  readonly timeZone: string;
  /** statement_timeout in milliseconds (0: none; -1, a value SET would refuse: every statement times out at once). */
  readonly timeoutMs: number;
  /** default_transaction_isolation: the level a transaction starts with. */
  readonly isolation: ast.IsolationLevel;
}

export class Session {
  readonly settings: SessionSettings = newSettings();
  /**
   * The engine transaction, begun by the block's first statement that needs
   * one (PostgreSQL takes a REPEATABLE READ snapshot at the first statement,
   * not at BEGIN). Null before that and outside a transaction.
   */
  #txn: Transaction | null = null;
  /**
   * The open transaction's isolation level, as asked for. READ COMMITTED
   * (and READ UNCOMMITTED, as in PostgreSQL) take a snapshot per statement;
   * REPEATABLE READ and SERIALIZABLE one per transaction, and run as
   * snapshot isolation (SERIALIZABLE's read-set validation is not there
   * yet: write skew is possible).
   */
  #isolationLevel: ast.IsolationLevel = 'read committed';
  /** A transaction is open: a block after BEGIN, or an autocommit statement. */
  #open = false;
  #explicit = false;
  #failed = false;
  #transactionStart = 0n;
  /** SAVEPOINTs of the open block, oldest first, with the engine's marker for each. */
  #savepoints: { name: string; marker: number }[] = [];
  /** currval / lastval. */
  readonly #sequences = newSessionState();
  /** nextval and friends, as this session's statements call them. */
  readonly #sequenceFunctions: SequenceFunctions;
  readonly #services: SessionServices;

  constructor(services: SessionServices) {
    this.#services = services;
    this.#ranOnce = services.ranOnce ?? new Set();
    this.#sequenceFunctions = databaseSequences(services.engine, services.state, this.#sequences);
    this.#evalShared = {
      clock: services.clock,
      random: services.random,
      randomBytes: (n: number): Uint8Array => {
        const random = services.random;
        const bytes = new Uint8Array(n);
        for (let i = 0; i < n; i++) bytes[i] = Math.floor(random() * 256);
        return bytes;
      },
      sequences: this.#sequenceFunctions,
      system: () => new StatementSystem(this.#systemSource),
    };
  }

  /**
   * Role statements (CREATE/ALTER/DROP ROLE) go through this, bound to the
   * session's user; the server sets it. Without one they fail with 0A000.
   */
  roles: RoleManager | null = null;

  /** How the open transaction treats others' commits: one snapshot per statement, or one for the whole transaction. */
  get #isolation(): 'read committed' | 'repeatable read' {
    return this.#isolationLevel === 'read committed' || this.#isolationLevel === 'read uncommitted' ? 'read committed' : 'repeatable read';
  }

  get inTransaction(): boolean {
    return this.#explicit;
  }

  /** 'I' idle, 'T' in a transaction block, 'E' in a failed one (PostgreSQL's ReadyForQuery status). */
  get status(): 'I' | 'T' | 'E' {
    return !this.#explicit ? 'I' : this.#failed ? 'E' : 'T';
  }

  parse(sql: string): readonly ParsedStatementText[] {
    const cache = this.#services.parseCache;
    let parsed = cache.get(sql);
    this.#lastShape = null;
    if (parsed === undefined) {
      parsed = parseScript(sql).map((p) => ({ statement: p.statement, text: sql.slice(p.start, p.end) }));
      const shape = parsed.length === 1 ? literalShape(parsed[0]!.statement, sql) : undefined;
      if (shape !== undefined) {
        // Its literals make it one of many texts run once each: a template keeps its plan (plan-cache.ts), and the text is not kept.
        this.#lastShape = { statement: parsed[0]!.statement, shape };
        return parsed;
      }
      if (cache.size > 1000) cache.clear();
      cache.set(sql, parsed);
    }
    return parsed;
  }

  /** The literal shape of the statement parse() returned last, if it has one: run() may run it through a template. */
  #lastShape: { readonly statement: ast.Statement; readonly shape: LiteralShape } | null = null;

  /** Run every statement of `sql`; returns each statement's result. */
  execute(sql: string, params: readonly JsValue[] = []): StatementResult[] {
    let parsed: readonly ParsedStatementText[];
    try {
      parsed = this.parse(sql);
    } catch (error) {
      // A syntax error inside a transaction block fails the block, as in PostgreSQL.
      if (this.#explicit) this.#failed = true;
      throw error;
    }
    return parsed.map((p) => this.run(p.statement, params));
  }

  /**
   * The application's async entry point: run `sql` (one statement, or
   * several without parameters) as the server runs a client's statements.
   * A statement that meets a row another session is writing waits for it
   * (READ COMMITTED runs it again on a new snapshot), and each commit joins
   * group commit instead of blocking: many sessions share one fdatasync.
   * Resolves with the last statement's rows as objects.
   *
   *   const s = db.session();
   *   await s.query('BEGIN');
   *   const { rows } = await s.query('SELECT balance FROM acct WHERE id = $1', [7]);
   *   await s.query('UPDATE acct SET balance = $1 WHERE id = $2', [rows[0].balance - 10, 7]);
   *   await s.query('COMMIT');
   */
  async query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    let parsed: readonly ParsedStatementText[];
    try {
      parsed = this.parse(sql);
    } catch (error) {
      if (this.#explicit) this.#failed = true;
      throw error;
    }
    if (parsed.length > 1 && params.length > 0) {
      throw new FlintError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
    }
    let last: StatementResult = { command: '', columns: [], rows: [], rowCount: 0 };
    for (const p of parsed) last = await this.runAsync(p.statement, params as JsValue[]);
    const shape = rowShaper(last.columns, this.#services.values ?? { bigint: 'number' }, false) as (row: readonly RuntimeValue[]) => Row;
    return {
      command: last.command,
      rowCount: last.rowCount,
      rows: last.rows.map(shape),
      columns: last.columns.map((c) => ({ name: c.name, type: c.type.id })),
    };
  }

  /**
   * Run `fn` in a transaction block: BEGIN, then COMMIT (group commit) when
   * its promise resolves, ROLLBACK when it rejects (the rejection is passed
   * on). Inside a block already, `fn` runs in a savepoint instead.
   */
  async transaction<R>(fn: (session: this) => Promise<R>): Promise<R> {
    const nested = this.#explicit;
    const savepoint = `flint_session_transaction_${this.#savepoints.length + 1}`;
    await this.query(nested ? `SAVEPOINT ${savepoint}` : 'BEGIN');
    try {
      const result = await fn(this);
      if (nested) await this.query(`RELEASE SAVEPOINT ${savepoint}`);
      else {
        const failed = this.#failed;
        await this.query('COMMIT');
        // COMMIT of a failed block rolls back, as in PostgreSQL: not a success.
        if (failed) throw new FlintError(SqlState.inFailedSqlTransaction, 'the transaction failed and was rolled back');
      }
      return result;
    } catch (error) {
      if (nested) {
        if (this.#explicit) await this.query(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
      } else if (this.#explicit) await this.query('ROLLBACK');
      throw error;
    }
  }

  /** Run one parsed statement with parameters. A commit waits for fdatasync here, blocking. */
  run(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): StatementResult {
    this.#cancelRequested = false;
    // The statement the block ran last, run again (a prepared INSERT once per row): its plan without looking it up.
    if (stmt === this.#repeatStmt) {
      const repeated = this.#runRepeat(params, paramTypes);
      if (repeated !== null) return repeated;
    }
    const result = this.#runStatement(stmt, params, paramTypes, false, this.#statementDeadline());
    const commit = this.#toCommit;
    if (commit !== null) {
      this.#toCommit = null;
      this.#services.engine.commit(commit);
      this.#keepSpare(commit);
    }
    return result;
  }

  /**
   * An autocommit statement's transaction, just committed: one that wrote
   * nothing (a read) is this session's spare, begun again by its next
   * statement (#ensureTxn, Engine.begin's `spare`). Nothing else refers to
   * it: the statement's context and options let go of it or are set anew
   * before they are read, and a read-only commit is over when commit or
   * commitAsync returns.
   */
  #keepSpare(txn: Transaction): void {
    if (txn.txid === 0 && txn.state === 'committed') this.#spareTxn = txn;
  }

  /** A read-only autocommit transaction that committed, for #ensureTxn to begin again (null: none). */
  #spareTxn: Transaction | null = null;

  /**
   * Run one statement, and wait for its commit without blocking: the commit
   * of an autocommit statement, or COMMIT of a block, joins group commit
   * (one fdatasync covers every commit waiting at that moment). The server
   * runs every statement this way.
   */
  runAsync(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): Promise<StatementResult> {
    // runDeferredAsync and then finish(), without its promises in between:
    // a statement that needs no wait runs now, and its result waits only
    // for its commit (every session's autocommit statement passes here).
    try {
      if (stmt.kind === 'commit' && this.#explicit && !this.#failed) return this.commitAsync().then(() => commitResult());
      const deadline = this.#statementDeadline();
      this.#cancelRequested = false;
      let result: StatementResult;
      try {
        // #runStatement, not #run: no { result, commit } pair made for every statement.
        result = this.#runStatement(stmt, params, paramTypes, true, deadline);
      } catch (error) {
        if (!(error instanceof RetryStatement)) throw error;
        return this.#runAfterWait(error, stmt, params, paramTypes, deadline).then(({ result, finish }) => finish().then(() => result));
      }
      const commit = this.#toCommit;
      if (commit === null) return Promise.resolve(result);
      this.#toCommit = null;
      const committed = this.#services.engine.commitAsync(commit);
      this.#keepSpare(commit);
      return committed.then(this.#resultOf(result));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `() => result`, which runAsync's promise calls once the commit is
   * durable: the last one made is used again for a result that is the same
   * object (a prepared single-row INSERT's result is shared), so such a
   * statement makes no closure. Only a result without rows is kept: nothing
   * large stays reachable from the session.
   */
  #resultOf(result: StatementResult): () => StatementResult {
    if (result === this.#keptResult) return this.#keptResultOf!;
    // Made in a function of its own: a closure here would have every call allocate the context holding `result`.
    const of = constant(result);
    if (result.rows.length === 0) {
      this.#keptResult = result;
      this.#keptResultOf = of;
    }
    return of;
  }

  #keptResult: StatementResult | null = null;
  #keptResultOf: (() => StatementResult) | null = null;

  /**
   * Run a statement now and leave its commit for later: `finish()` waits for
   * it (group commit). The result must not be reported as done before
   * finish() resolves. The server uses this to learn a portal's columns at
   * Describe and report its completion at Execute.
   */
  runDeferred(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): { result: StatementResult; finish(): Promise<void> } {
    if (stmt.kind === 'commit' && this.#explicit && !this.#failed) return this.#deferredCommit();
    this.#cancelRequested = false;
    return this.#deferred(this.#run(stmt, params, paramTypes, false));
  }

  /**
   * runDeferred, but a statement that meets a row another transaction in
   * progress is writing waits for that transaction to end, as PostgreSQL's
   * row locks make it, then runs again: READ COMMITTED on a new snapshot
   * (it sees the other's commit), REPEATABLE READ on its own (40001 if the
   * other committed). The wait ends early on a deadlock (40P01), the
   * statement timeout or a cancel request (57014).
   */
  async runDeferredAsync(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): Promise<{ result: StatementResult; finish(): Promise<void> }> {
    if (stmt.kind === 'commit' && this.#explicit && !this.#failed) return this.#deferredCommit();
    const deadline = this.#statementDeadline();
    this.#cancelRequested = false;
    try {
      return this.#deferred(this.#run(stmt, params, paramTypes, true, deadline));
    } catch (error) {
      if (!(error instanceof RetryStatement)) throw error;
      return this.#runAfterWait(error, stmt, params, paramTypes, deadline);
    }
  }

  /** The statement met a transaction in progress: wait for it and run the statement again, as often as that happens. */
  async #runAfterWait(
    retry: RetryStatement,
    stmt: ast.Statement,
    params: readonly JsValue[],
    paramTypes: (SqlType | undefined)[],
    deadline: number,
  ): Promise<{ result: StatementResult; finish(): Promise<void> }> {
    for (;;) {
      await this.#waitOut(retry, deadline);
      try {
        return this.#deferred(this.#run(stmt, params, paramTypes, true, deadline));
      } catch (error) {
        if (!(error instanceof RetryStatement)) throw error;
        retry = error;
      }
    }
  }

  /** Wait for the transaction a statement ran into; on return the statement runs again. */
  async #waitOut(retry: RetryStatement, deadline: number): Promise<void> {
    const { conflict, txn } = retry;
    const engine = this.#services.engine;
    const failed = (error: unknown): never => {
      // The statement is undone already; inside a block the block fails, as for any error.
      if (this.#explicit) this.#failed = true;
      throw error;
    };
    if (conflict.waitFor !== 0) {
      const stop = this.#waitStopper(deadline);
      try {
        await engine.waitFor(txn, conflict.waitFor, stop.promise);
      } catch (error) {
        failed(error);
      } finally {
        stop.dispose();
      }
    }
    if (this.#closed) failed(new FlintError(SqlState.adminShutdown, 'terminating connection: the session closed'));
    // Snapshot isolation: the row changed under our snapshot for good.
    if (this.#isolation !== 'read committed' && (conflict.waitFor === 0 || engine.committed(conflict.waitFor))) failed(conflict);
  }

  /** Rejects when the wait must stop: the statement timeout passes, or a cancel request or close comes. */
  #waitStopper(deadline: number): { promise: Promise<never>; dispose(): void } {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<never>((_resolve, reject) => {
      this.#stopWait = reject;
      if (deadline !== Infinity) {
        timer = setTimeout(() => reject(new FlintError(SqlState.queryCanceled, 'canceling statement due to statement timeout')), Math.max(0, deadline - performance.now()));
      }
    });
    promise.catch(() => {});
    return {
      promise,
      dispose: () => {
        if (timer !== undefined) clearTimeout(timer);
        this.#stopWait = null;
      },
    };
  }

  #stopWait: ((error: FlintError) => void) | null = null;
  #cancelRequested = false;
  #closed = false;

  /**
   * A cancel request (the server's CancelRequest): a statement waiting for
   * another transaction stops with 57014, a running one at its next check.
   */
  cancel(reason?: FlintError): void {
    this.#cancelRequested = true;
    this.#cancelReason = reason ?? null;
    this.#stopWait?.(this.#cancelError());
  }

  /** Why a cancel stops the statement: a CancelRequest's 57014 unless the canceller gave a reason (a server shutting down: 57P01). */
  #cancelReason: FlintError | null = null;

  #cancelError(): FlintError {
    return this.#cancelReason ?? new FlintError(SqlState.queryCanceled, 'canceling statement due to user request');
  }

  #deferredCommit(): { result: StatementResult; finish(): Promise<void> } {
    const commit = this.commitAsync();
    commit.catch(() => {});
    return { result: commitResult(), finish: () => commit };
  }

  #deferred({ result, commit }: { result: StatementResult; commit: Transaction | null }): { result: StatementResult; finish(): Promise<void> } {
    const engine = this.#services.engine;
    if (commit === null) return { result, finish: () => Promise.resolve() };
    const committed = engine.commitAsync(commit);
    // Whoever calls finish() sees a failure; nobody calling it must not crash the process.
    committed.catch(() => {});
    return { result, finish: () => committed };
  }

  /** Run a statement; an autocommit statement's transaction comes back to be committed by the caller. */
  /**
   * Run a statement; an autocommit statement's transaction comes back to be
   * committed by the caller. `wait`: a write conflict with a transaction in
   * progress undoes just this statement and throws RetryStatement, for the
   * caller to wait and run it again; otherwise it is an ordinary 40001.
   */
  #run(stmt: ast.Statement, params: readonly JsValue[], paramTypes: (SqlType | undefined)[], wait: boolean, deadline = this.#statementDeadline()): { result: StatementResult; commit: Transaction | null } {
    const result = this.#runStatement(stmt, params, paramTypes, wait, deadline);
    const commit = this.#toCommit;
    this.#toCommit = null;
    return { result, commit };
  }

  /**
   * An autocommit statement's transaction, left by #runStatement for its
   * caller to commit (and clear) before anything else runs.
   */
  #toCommit: Transaction | null = null;

  /** #run without the pair: the transaction to commit is left in #toCommit. */
  #runStatement(stmt: ast.Statement, params: readonly JsValue[], paramTypes: (SqlType | undefined)[], wait: boolean, deadline: number): StatementResult {
    this.#forgetRepeat();
    // A query or DML statement (what a prepared statement run again and again is) skips the session's own statements.
    const bindable = isBindable(stmt);
    if (!bindable) switch (stmt.kind) {
      case 'begin':
        return this.#begin(stmt.start === true ? 'START TRANSACTION' : 'BEGIN', stmt.isolationLevel);
      case 'commit':
        return this.#commit();
      case 'rollback':
        return this.#rollback();
      case 'set':
        return this.#set(stmt);
      case 'setTransaction':
        return this.#setTransaction(stmt);
      case 'show':
        return this.#show(stmt);
      case 'reset':
        if (stmt.name === 'all') for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) this.settings.set(k, v);
        else this.settings.set(stmt.name, DEFAULT_SETTINGS[stmt.name] ?? '');
        return { command: 'RESET', columns: [], rows: [], rowCount: 0 };
      case 'savepoint':
        return this.#savepoint(stmt);
      case 'releaseSavepoint':
        return this.#release(stmt);
      case 'rollbackToSavepoint':
        return this.#rollbackTo(stmt);
    }
    if (this.#failed) {
      throw new FlintError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    if (!bindable && isRoleStatement(stmt)) return this.#roleStatement(stmt);
    const autocommit = !this.#explicit;
    if (autocommit) this.#startTxn();
    const engine = this.#services.engine;
    const begun = this.#txn !== null;
    const txn = this.#ensureTxn();
    // READ COMMITTED: every statement of a block sees what committed before it began.
    if (begun && this.#isolation === 'read committed') engine.refreshSnapshot(txn);
    // Inside a block, a statement that may have to wait is undone alone (autocommit: its whole transaction).
    const marker = wait && !autocommit ? engine.savepoint(txn) : -1;
    const derived = this.#derived();
    // The session's spare StatementRun and its StatementEval, taken over for this statement (null while one runs).
    let run = this.#spareRun;
    this.#spareRun = null;
    // DDL joins the transaction, and the catalog shows its own uncommitted DDL (transactional DDL).
    const outerCatalogTxn = engine.catalogTxn;
    engine.catalogTxn = txn;
    try {
      const indexScans = derived.indexScans;
      let cached = bindable ? this.#cachedPlan(stmt, paramTypes, derived) : undefined;
      // An autocommit statement's transaction starts with it: both timestamps are the statement's. The clock
      // is read now, as the statement starts, unless its binding never reads it (BoundStatement.clockFree).
      const transactionStart = autocommit ? undefined : this.#transactionStart;
      const readClock = cached === undefined || cached.bound.clockFree !== true;
      let evalContext: StatementEval;
      if (run === null) evalContext = new StatementEval(this.#zoneFor(derived.timeZone), this.#evalShared, transactionStart, readClock);
      else {
        evalContext = run.eval;
        evalContext.restart(this.#zoneFor(derived.timeZone), transactionStart, readClock);
      }
      // A statement that differs from one run before only in literals runs that one's plan (plan-cache.ts).
      let literals: LiteralShape | undefined;
      if (cached === undefined && bindable && params.length === 0 && paramTypes.length === 0) {
        literals = this.#lastShape?.statement === stmt ? this.#lastShape.shape : undefined;
        if (literals !== undefined) cached = this.#templatePlan(stmt, literals, derived, evalContext);
        if (cached === undefined) literals = undefined;
      }
      // The binder fills in the types it infers; a cached plan has them already.
      const types = cached?.paramTypes ?? [...paramTypes];
      const values = literals !== undefined ? new LiteralValues(literals.values) : params.length === 0 ? NO_PARAMS : null;
      if (run === null) {
        run = new StatementRun(engine, txn, types, values, params, evalContext, this.#services.state, this.#sequences, indexScans, this.#interruptCheck(deadline));
      } else run.start(engine, txn, types, values, params, indexScans, this.#interruptCheck(deadline));
      const options = run;
      let result: StatementResult;
      if (cached !== undefined) {
        cached.eval.target = evalContext;
        result = cached.bound.run(options);
      } else if (bindable) {
        result = this.#bind(stmt, options, paramTypes, 'run').run(options);
      } else {
        result = runStatement(stmt, options);
      }
      // A result may be shared (a prepared single-row INSERT's): one with notices is a copy.
      if (options.notices !== undefined) result = { ...result, notices: options.notices };
      this.#spareRun = run;
      engine.catalogTxn = outerCatalogTxn;
      if (marker >= 0) engine.releaseSavepoint(txn, marker);
      if (!autocommit) {
        // A cached plan run inside the block (not a template's, and none whose validity depends on row estimates): the
        // next statement, if it is this one again in this transaction, may run it through #runRepeat.
        if (cached !== undefined && literals === undefined && cached.estimates.length === 0 && !wait) {
          this.#repeatStmt = stmt;
          this.#repeatPlan = cached;
          this.#repeatTxn = txn;
          this.#repeatSettings = derived.version;
          this.#repeatZone = evalContext.timeZone;
          this.#repeatIndexScans = indexScans;
          this.#repeatTimeout = derived.timeoutMs;
        }
        return result;
      }
      // The statement's own transaction: the caller commits it (run: now; runAsync: with group commit).
      this.#toCommit = this.#txn;
      this.#txn = null;
      this.#open = false;
      return result;
    } catch (error) {
      if (run !== null) this.#spareRun = run;
      engine.catalogTxn = outerCatalogTxn;
      const retry = wait && error instanceof WriteConflict && (error.waitFor !== 0 || this.#isolation === 'read committed');
      if (autocommit) this.#abort();
      else if (retry) {
        engine.rollbackToSavepoint(txn, marker);
        engine.releaseSavepoint(txn, marker);
      } else this.#failed = true;
      if (retry) throw new RetryStatement(error, txn);
      throw fromRuntimeError(error);
    }
  }

  /**
   * Run the block's last statement again with new parameters, as
   * #runStatement would, while nothing its run depended on has changed:
   * the same open, not failed block transaction, the same settings
   * (version), its plan still valid for the catalog as the statement sees
   * it, and the same declared parameter types (each the same object as the
   * plan's). Null when any of that differs (the caller then runs it the
   * general way, which finds out what changed). What it skips is what those
   * decide: the kind of statement, the plan cache's lookup and its
   * settings' comparison, the time zone, the template path.
   */
  #runRepeat(params: readonly JsValue[], paramTypes: (SqlType | undefined)[]): StatementResult | null {
    const txn = this.#txn;
    const plan = this.#repeatPlan!;
    const run = this.#spareRun;
    if (txn === null || txn !== this.#repeatTxn || !this.#explicit || this.#failed || run === null || this.settings.version !== this.#repeatSettings) return null;
    const declared = plan.declared;
    if (paramTypes.length !== declared.length) return null;
    for (let i = 0; i < declared.length; i++) if (paramTypes[i] !== declared[i]) return null;
    const engine = this.#services.engine;
    const outerCatalogTxn = engine.catalogTxn;
    engine.catalogTxn = txn;
    const catalog = engine.catalogView();
    if (plan.catalog !== catalog || plan.catalogVersion !== catalog.version) {
      engine.catalogTxn = outerCatalogTxn;
      return null;
    }
    // READ COMMITTED: every statement of a block sees what committed before it began.
    if (this.#isolation === 'read committed') engine.refreshSnapshot(txn);
    this.#spareRun = null;
    try {
      const evalContext = run.eval;
      evalContext.restart(this.#repeatZone, this.#transactionStart, plan.bound.clockFree !== true);
      const timeout = this.#repeatTimeout;
      run.start(engine, txn, plan.paramTypes, params.length === 0 ? NO_PARAMS : null, params, this.#repeatIndexScans, timeout === 0 ? this.#cancelCheck : this.#deadlineCheck(performance.now() + timeout));
      plan.eval.target = evalContext;
      let result = plan.bound.run(run);
      if (run.notices !== undefined) result = { ...result, notices: run.notices };
      this.#spareRun = run;
      engine.catalogTxn = outerCatalogTxn;
      return result;
    } catch (error) {
      // As #runStatement's error path for a statement inside a block that does not wait.
      this.#spareRun = run;
      engine.catalogTxn = outerCatalogTxn;
      this.#forgetRepeat();
      this.#failed = true;
      throw fromRuntimeError(error);
    }
  }

  /** No statement for #runRepeat, and nothing kept of the last one's run (its plan, its transaction). */
  #forgetRepeat(): void {
    this.#repeatStmt = null;
    this.#repeatPlan = null;
    this.#repeatTxn = null;
  }

  /** The statement #runRepeat may run again (null: none), and what its last run depended on. */
  #repeatStmt: ast.Statement | null = null;
  #repeatPlan: CachedPlan | null = null;
  #repeatTxn: Transaction | null = null;
  #repeatSettings = -1;
  #repeatZone: TimeZone = UTC;
  #repeatIndexScans = true;
  /** statement_timeout (milliseconds, 0 = none) under those settings. */
  #repeatTimeout = 0;

  /**
   * A StatementRun (with its StatementEval) for the next statement to take
   * over instead of making new ones: null while a statement has it.
   */
  #spareRun: StatementRun | null = null;

  /**
   * The plan cache's binding of `stmt`, if it is still valid for the catalog
   * and settings as they are now; else another session's
   * (SessionServices.sharedPlans), if it is valid for this one: taken into
   * this session's cache as its own record (the bound statement shared:
   * each run points its evaluation at the running statement's).
   */
  #cachedPlan(stmt: ast.Statement, declared: readonly (SqlType | undefined)[], derived: DerivedSettings): CachedPlan | undefined {
    const catalog = this.#services.engine.catalogView();
    const plan = this.#plans.get(stmt, catalog, derived, declared, this.#settingOf, this.#rowEstimate);
    if (plan !== undefined) return plan;
    const shared = this.#services.sharedPlans?.get(stmt);
    // None, or taken already (and not valid here).
    if (shared === undefined || this.#plans.peek(stmt)?.bound === shared.bound) return undefined;
    this.#plans.set(stmt, { ...shared, settingsVersion: -1 });
    return this.#plans.get(stmt, catalog, derived, declared, this.#settingOf, this.#rowEstimate);
  }

  readonly #settingOf = (name: string): string | undefined => this.settings.get(name.toLowerCase());
  readonly #rowEstimate = (tableId: number): number => this.#services.engine.rowEstimate(tableId);

  /**
   * Bind `stmt` (with engine.catalogTxn set for the statement) and keep the
   * binding in the plan cache when it holds nothing of this execution (a
   * statement bound by a run: from its second run on).
   * `options.paramTypes` receives the inferred parameter types.
   */
  #bind(stmt: ast.Statement, options: BindOptions, declared: readonly (SqlType | undefined)[], use: 'prepared' | 'template' | 'run'): BoundStatement {
    const template = use === 'template';
    const engine = this.#services.engine;
    const catalog = engine.catalogView();
    const catalogVersion = catalog.version;
    const bindingEval = new BindingEval(options.eval);
    const recording = new RecordingCatalog(new EngineCatalog(engine, options.indexScans !== false));
    let bound: BoundStatement | null;
    // A template's parameters stand for literals: one converted while binding would have been folded as a constant.
    let converted = false;
    try {
      bound = bindStatement(stmt, { ...options, eval: bindingEval, catalog: recording, ...(template ? { onParamCast: () => void (converted = true) } : {}) });
    } finally {
      bindingEval.binding = false;
    }
    if (bound === null) throw new FlintError(SqlState.internalError, `${stmt.kind} statements are not bound ahead`);
    // A statement run (not prepared) is kept from its second run on: most texts run once.
    if (bindingEval.cacheable && !converted && (use !== 'run' || this.#ranBefore(stmt))) {
      const plan: CachedPlan = {
        bound,
        eval: bindingEval,
        catalog,
        catalogVersion,
        indexScans: options.indexScans !== false,
        timeZone: this.settings.get('timezone') ?? 'UTC',
        settingsVersion: -1,
        declared: [...declared],
        paramTypes: options.paramTypes,
        settings: bindingEval.settings,
        estimates: recording.estimates,
      };
      this.#plans.set(stmt, plan);
      // A template's statement is this session's own: no other session looks it up.
      if (bindingEval.shareable && !template) this.#services.sharedPlans?.set(stmt, plan);
    } else this.#plans.delete(stmt);
    return bound;
  }

  readonly #plans = new PlanCache();

  /** Was `stmt` bound by a run before, in this session or another sharing its services (of the last few hundred statements)? Notes it if not. */
  #ranBefore(stmt: ast.Statement): boolean {
    const ranOnce = this.#ranOnce;
    if (ranOnce.has(stmt)) return true;
    if (ranOnce.size >= MAX_RAN_ONCE) ranOnce.clear();
    ranOnce.add(stmt);
    return false;
  }

  /**
   * Statements bound once by a run, not kept in the plan cache yet: keeping
   * every statement's plan (a WeakMap entry) costs more than binding it,
   * for the many texts that run once. The database's sessions share it
   * (SessionServices.ranOnce): a text that one session ran is one that
   * runs again, and a session running it for the first time (a new
   * connection's prepared INSERT) keeps its plan at once instead of binding
   * it twice.
   */
  readonly #ranOnce: Set<ast.Statement>;

  /**
   * The cached plan of the template `stmt` has by its literals, bound now if
   * need be; undefined when the template is not used (plan-cache.ts): then
   * the statement is bound as written.
   */
  #templatePlan(stmt: ast.Statement, shape: LiteralShape, derived: DerivedSettings, evalContext: EvalContext): CachedPlan | undefined {
    const indexScans = derived.indexScans;
    let template = this.#templates.get(shape.key);
    if (template === undefined) {
      if (this.#templates.size >= MAX_TEMPLATES) this.#templates.clear();
      template = { statement: literalTemplate(stmt, shape), declared: shape.values.map(() => T.int4), failed: null };
      this.#templates.set(shape.key, template);
    }
    const catalog = this.#services.engine.catalogView();
    // It failed under this catalog: it would again.
    if (template.failed !== null && template.failed.catalog === catalog && template.failed.version === catalog.version) return undefined;
    const cached = this.#cachedPlan(template.statement, template.declared, derived);
    if (cached !== undefined) return cached;
    const options: BindOptions = {
      engine: this.#services.engine, paramTypes: [...template.declared], eval: evalContext, state: this.#services.state, session: this.#sequences, indexScans,
    };
    try {
      this.#bind(template.statement, options, template.declared, 'template');
    } catch {
      // The statement as written gives its own error.
    }
    const bound = this.#cachedPlan(template.statement, template.declared, derived);
    template.failed = bound === undefined ? { catalog, version: catalog.version } : null;
    return bound;
  }

  /** Templates of statements with literals (plan-cache.ts), by key. */
  readonly #templates = new Map<string, { readonly statement: ast.Statement; readonly declared: readonly SqlType[]; failed: { catalog: object; version: number } | null }>();

  /**
   * Roles live in the server's roles file, outside the engine's transactions,
   * so a role statement is refused inside a transaction block (25001) as
   * PostgreSQL refuses CREATE DATABASE there, rather than being kept by a
   * block that later rolls back.
   */
  #roleStatement(stmt: Parameters<typeof runRoleStatement>[0]): StatementResult {
    const what = stmt.kind === 'createRole' ? 'CREATE ROLE' : stmt.kind === 'alterRole' ? 'ALTER ROLE' : 'DROP ROLE';
    if (this.#explicit) {
      this.#failed = true;
      throw new FlintError('25001', `${what} cannot run inside a transaction block`);
    }
    if (this.roles === null) throw new FlintError(SqlState.featureNotSupported, `${what} needs the server: roles live in its roles file (flint serve, flint user)`, { position: stmt.pos + 1 });
    return runRoleStatement(stmt, this.roles);
  }

  /** Commit the open transaction block asynchronously (group commit). */
  async commitAsync(): Promise<void> {
    if (!this.#explicit) return;
    const txn = this.#txn;
    const failed = this.#failed;
    this.#forgetRepeat();
    this.#txn = null;
    this.#open = false;
    this.#explicit = false;
    this.#failed = false;
    if (txn === null) return;
    if (failed) this.#services.engine.rollback(txn);
    else await this.#services.engine.commitAsync(txn);
  }

  /**
   * Bind a query without running it: name and type errors surface now (at
   * prepare time), and the result columns and parameter types are known.
   * Other statements are checked when they run.
   */
  describe(stmt: ast.Statement, paramTypes: (SqlType | undefined)[]): readonly OutputColumn[] | null {
    if (stmt.kind !== 'query') return null;
    const engine = this.#services.engine;
    const outer = engine.catalogTxn;
    if (this.#txn !== null) engine.catalogTxn = this.#txn;
    try {
      // Bound as it will run (the plan cache keeps it for the first run); the inferred types go back into paramTypes.
      const derived = this.#derived();
      const indexScans = derived.indexScans;
      const types = [...paramTypes];
      const options = { engine, paramTypes: types, eval: this.#evalContext(derived, this.#explicit ? this.#transactionStart : undefined), state: this.#services.state, session: this.#sequences, indexScans };
      const bound = this.#cachedPlan(stmt, paramTypes, derived)?.bound ?? this.#bind(stmt, options, paramTypes, 'prepared');
      types.forEach((t, i) => (paramTypes[i] ??= t));
      return bound.columns ?? [];
    } finally {
      engine.catalogTxn = outer;
    }
  }

  /**
   * The executor calls this every few thousand rows: past statement_timeout
   * (milliseconds, 0 = none) the statement fails with 57014, as PostgreSQL's
   * does, and its transaction (or block) is rolled back or failed as for any
   * error. Past the query memory limit it fails with 53200 (memory-guard.ts).
   */
  #interruptCheck(deadline: number): () => void {
    // The closure is made in #deadlineCheck: made here, its context (deadline, this) would be allocated on every
    // call, also when the statement has no deadline (48 bytes a statement).
    return deadline === Infinity ? this.#cancelCheck : this.#deadlineCheck(deadline);
  }

  #deadlineCheck(deadline: number): () => void {
    return () => {
      pollExternalInterrupts();
      if (this.#cancelRequested) throw this.#cancelError();
      if (performance.now() > deadline) throw new FlintError(SqlState.queryCanceled, 'canceling statement due to statement timeout');
      checkMemory();
    };
  }

  readonly #cancelCheck = (): void => {
    pollExternalInterrupts();
    if (this.#cancelRequested) throw this.#cancelError();
    checkMemory();
  };

  /** When the statement starting now must end (statement_timeout, milliseconds, 0 = never), on performance.now()'s clock. */
  #statementDeadline(): number {
    const timeout = this.#derived().timeoutMs;
    return timeout === 0 ? Infinity : performance.now() + timeout;
  }

  /** What statements read of the settings, for the settings' version now. */
  #derived(): DerivedSettings {
    const settings = this.settings;
    if (this.#derivedSettings.version === settings.version) return this.#derivedSettings;
    this.#derivedSettings = {
      version: settings.version,
      indexScans: settings.get('enable_indexscan') !== 'off',
      timeZone: settings.get('timezone') ?? 'UTC',
      timeoutMs: parseTimeout(settings.get('statement_timeout') ?? '0'),
      isolation: isolationLevel(settings.get('default_transaction_isolation')) ?? 'read committed',
    };
    return this.#derivedSettings;
  }

  #derivedSettings: DerivedSettings = { version: -1, indexScans: true, timeZone: 'UTC', timeoutMs: 0, isolation: 'read committed' };

  #zone: { setting: string; zone: TimeZone } = { setting: 'UTC', zone: UTC };

  /** The session's time zone (SET TIME ZONE): timestamptz values are shown in it, as PostgreSQL's output does. */
  get timeZone(): TimeZone {
    return this.#zoneFor(this.settings.get('timezone') ?? 'UTC');
  }

  /** The session's TimeZone setting as a zone (22023 for a name no one knows), kept for the last setting seen. */
  #zoneFor(setting: string): TimeZone {
    if (this.#zone.setting !== setting) this.#zone = { setting, zone: resolveTimeZone(setting) };
    return this.#zone.zone;
  }

  /**
   * The context a statement evaluates in. `transactionStart`: the open
   * block's transaction timestamp; undefined for an autocommit statement,
   * whose transaction timestamp is its statement's.
   */
  #evalContext(derived: DerivedSettings = this.#derived(), transactionStart?: bigint): EvalContext {
    return new StatementEval(this.#zoneFor(derived.timeZone), this.#evalShared, transactionStart);
  }

  /** The parts of every statement's EvalContext that are the same for all of them (made in the constructor). */
  readonly #evalShared: EvalShared;

  /**
   * Set by the server for each connection: the database the client named
   * and the connection's process id (BackendKeyData). Embedded sessions
   * report database "flint" and the process's own id.
   */
  connection: { readonly database: string; readonly processId: number } | null = null;

  /** What every statement's SystemContext reads of the session (made once; a statement's own part is StatementSystem). */
  readonly #systemSource: SystemSource = {
    databaseName: () => this.connection?.database ?? 'flint',
    userName: () => this.roles?.user ?? 'flint',
    backendPid: () => this.connection?.processId ?? currentProcessId(),
    setting: (name) => this.settings.get(name.toLowerCase()),
    setSetting: (name, value) => void this.settings.set(name.toLowerCase(), value),
    catalog: () => {
      const engine = this.#services.engine;
      const user = this.roles?.user ?? 'flint';
      return buildCatalogView({
        engine,
        databaseName: this.connection?.database ?? 'flint',
        userName: user,
        roles: this.roles?.list().map((r) => ({ name: r.name, superuser: r.superuser, login: r.login })) ?? [{ name: user, superuser: true, login: true }],
        settings: this.settings,
        viewColumns: (query) => {
          const stmt = parseScript(query)[0]?.statement;
          if (stmt?.kind !== 'query') return [];
          return planQuery(stmt, { engine, eval: this.#evalContext() }).columns;
        },
      });
    },
  };

  #startTxn(): void {
    this.#isolationLevel = this.#derived().isolation;
    this.#txn = null;
    this.#open = true;
    if (this.#savepoints.length > 0) this.#savepoints = [];
  }

  /** The open transaction's engine transaction, begun (its snapshot taken) now if not yet. */
  #ensureTxn(): Transaction {
    if (this.#txn === null) {
      this.#txn = this.#services.engine.begin(this.#spareTxn);
      this.#spareTxn = null;
    }
    return this.#txn;
  }

  #inBlock(what: string): void {
    if (!this.#explicit) throw new FlintError('25P01', `${what} can only be used in transaction blocks`);
  }

  #notFailed(): void {
    if (this.#failed) throw new FlintError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
  }

  /** The newest savepoint of that name; a missing one fails the block, as any error in it does. */
  #findSavepoint(name: string): number {
    let index = this.#savepoints.length - 1;
    while (index >= 0 && this.#savepoints[index]!.name !== name) index--;
    if (index < 0) {
      this.#failed = true;
      throw new FlintError('3B001', `savepoint "${name}" does not exist`);
    }
    return index;
  }

  #savepoint(stmt: ast.Savepoint): StatementResult {
    this.#inBlock('SAVEPOINT');
    this.#notFailed();
    this.#savepoints.push({ name: stmt.name, marker: this.#services.engine.savepoint(this.#ensureTxn()) });
    return { command: 'SAVEPOINT', columns: [], rows: [], rowCount: 0 };
  }

  #release(stmt: ast.ReleaseSavepoint): StatementResult {
    this.#inBlock('RELEASE SAVEPOINT');
    this.#notFailed();
    this.#savepoints.length = this.#findSavepoint(stmt.name);
    return { command: 'RELEASE', columns: [], rows: [], rowCount: 0 };
  }

  #rollbackTo(stmt: ast.RollbackToSavepoint): StatementResult {
    this.#inBlock('ROLLBACK TO SAVEPOINT');
    const index = this.#findSavepoint(stmt.name);
    this.#services.engine.rollbackToSavepoint(this.#ensureTxn(), this.#savepoints[index]!.marker);
    // The savepoint stays; the ones after it are gone.
    this.#savepoints.length = index + 1;
    this.#failed = false;
    return { command: 'ROLLBACK', columns: [], rows: [], rowCount: 0 };
  }

  #finishAutocommit(): void {
    const txn = this.#txn;
    this.#txn = null;
    this.#open = false;
    if (txn !== null) this.#services.engine.commit(txn);
  }

  #abort(): void {
    const txn = this.#txn;
    this.#txn = null;
    this.#open = false;
    if (txn !== null) this.#services.engine.rollback(txn);
  }

  #begin(command: string, level: ast.IsolationLevel | null): StatementResult {
    if (this.#explicit) {
      // PostgreSQL warns and carries on; so do we.
      return { command, columns: [], rows: [], rowCount: 0, notices: [{ severity: 'WARNING', code: SqlState.activeSqlTransaction, message: 'there is already a transaction in progress' }] };
    }
    this.#startTxn();
    // A block's transaction timestamp is BEGIN's time (an autocommit statement's is its own, read when first asked for).
    this.#transactionStart = this.#services.clock.nowMicros();
    if (level !== null) this.#isolationLevel = level;
    this.#explicit = true;
    this.#failed = false;
    return { command, columns: [], rows: [], rowCount: 0 };
  }

  #commit(): StatementResult {
    if (!this.#explicit) return { command: 'COMMIT', columns: [], rows: [], rowCount: 0, notices: [NO_TRANSACTION] };
    const failed = this.#failed;
    this.#explicit = false;
    this.#failed = false;
    if (failed) {
      this.#abort();
      return { command: 'ROLLBACK', columns: [], rows: [], rowCount: 0 };
    }
    this.#finishAutocommit();
    return { command: 'COMMIT', columns: [], rows: [], rowCount: 0 };
  }

  #rollback(): StatementResult {
    const notices = this.#explicit ? undefined : [NO_TRANSACTION];
    this.#explicit = false;
    this.#failed = false;
    this.#abort();
    return { command: 'ROLLBACK', columns: [], rows: [], rowCount: 0, ...(notices === undefined ? {} : { notices }) };
  }

  #set(stmt: ast.SetVariable): StatementResult {
    let value = stmt.values === null ? DEFAULT_SETTINGS[stmt.name] ?? '' : stmt.values.map((v) => v.value).join(', ');
    if (stmt.name === 'timezone') {
      // LOCAL and DEFAULT mean the server's zone, which is UTC.
      if (/^(local|default)$/i.test(value)) value = DEFAULT_SETTINGS.timezone!;
      try {
        this.#zoneFor(value);
      } catch (error) {
        if (error instanceof FlintError) throw new FlintError(error.code, error.message, { position: stmt.pos + 1 });
        throw error;
      }
    }
    if (stmt.name === 'statement_timeout' || stmt.name === 'idle_in_transaction_session_timeout' || stmt.name === 'idle_session_timeout') {
      if (parseTimeout(value) < 0) throw new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "${stmt.name}": "${value}"`, { position: stmt.pos + 1 });
      this.settings.set(stmt.name, value);
      return { command: 'SET', columns: [], rows: [], rowCount: 0 };
    }
    if (stmt.name === 'transaction_isolation' || stmt.name === 'default_transaction_isolation') {
      const level = isolationLevel(value);
      if (level === null) throw new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "${stmt.name}": "${value}"`, { position: stmt.pos + 1 });
      if (stmt.name === 'transaction_isolation') this.#setIsolation(level);
      else this.settings.set(stmt.name, level);
      return { command: 'SET', columns: [], rows: [], rowCount: 0 };
    }
    if (stmt.name === 'enable_indexscan') {
      const b = booleanSetting(value);
      if (b === null) throw new FlintError(SqlState.invalidParameterValue, `parameter "enable_indexscan" requires a Boolean value`, { position: stmt.pos + 1 });
      this.settings.set(stmt.name, b ? 'on' : 'off');
      return { command: 'SET', columns: [], rows: [], rowCount: 0 };
    }
    this.settings.set(stmt.name, value);
    return { command: 'SET', columns: [], rows: [], rowCount: 0 };
  }

  /** SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ... */
  #setTransaction(stmt: ast.SetTransaction): StatementResult {
    if (stmt.session) {
      if (stmt.isolationLevel !== null) this.settings.set('default_transaction_isolation', stmt.isolationLevel);
      return { command: 'SET', columns: [], rows: [], rowCount: 0 };
    }
    if (!this.#explicit) return { command: 'SET', columns: [], rows: [], rowCount: 0, notices: [NOT_IN_BLOCK] };
    if (stmt.isolationLevel !== null) this.#setIsolation(stmt.isolationLevel);
    return { command: 'SET', columns: [], rows: [], rowCount: 0 };
  }

  /** The open block's isolation level, before its first query (outside a block PostgreSQL only warns; so does nothing here). */
  #setIsolation(level: ast.IsolationLevel): void {
    if (!this.#explicit) return;
    if (this.#txn !== null && level !== this.#isolationLevel) throw new FlintError(SqlState.activeSqlTransaction, 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
    this.#isolationLevel = level;
  }

  #show(stmt: ast.Show): StatementResult {
    if (stmt.name === 'transaction_isolation') {
      const level = this.#explicit ? this.#isolationLevel : this.settings.get('default_transaction_isolation')!;
      return { command: 'SHOW', columns: [{ name: 'transaction_isolation', type: { id: 'text' } }], rows: [[level]], rowCount: 1 };
    }
    if (stmt.name === 'all') {
      const rows = [...this.settings.entries()].sort().map(([k, v]) => [k, v]);
      return { command: 'SHOW', columns: [{ name: 'name', type: { id: 'text' } }, { name: 'setting', type: { id: 'text' } }], rows, rowCount: rows.length };
    }
    const value = this.settings.get(stmt.name);
    if (value === undefined) throw new FlintError('42704', `unrecognized configuration parameter "${stmt.name}"`, { position: stmt.pos + 1 });
    // The column is named as PostgreSQL spells the parameter (SHOW timezone gives a TimeZone column).
    return { command: 'SHOW', columns: [{ name: SETTING_DISPLAY_NAMES[stmt.name] ?? stmt.name, type: { id: 'text' } }], rows: [[value]], rowCount: 1 };
  }

  /** Roll back whatever is open (the session is closing); a statement waiting for another transaction stops. */
  close(): void {
    this.#closed = true;
    this.#forgetRepeat();
    this.#stopWait?.(new FlintError(SqlState.adminShutdown, 'terminating connection: the session closed'));
    this.#explicit = false;
    this.#failed = false;
    this.#abort();
  }
}

/** () => value. */
function constant<T>(value: T): () => T {
  return () => value;
}

function newSettings(): SessionSettings {
  const settings = new SessionSettings();
  for (const [name, value] of Object.entries(DEFAULT_SETTINGS)) settings.set(name, value);
  return settings;
}

/** PostgreSQL's WARNING for COMMIT or ROLLBACK outside a transaction block. */
const NO_TRANSACTION: Notice = { severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' };
const NOT_IN_BLOCK: Notice = { severity: 'WARNING', code: '25P01', message: 'SET TRANSACTION can only be used in transaction blocks' };

/** An isolation level's name as SET takes it ('repeatable read', 'REPEATABLE READ', 'repeatable_read'), or null. */
function isolationLevel(value: string | undefined): ast.IsolationLevel | null {
  const v = (value ?? '').trim().toLowerCase().replace(/[\s_]+/g, ' ');
  // The literals, not v: a string built at run time compares with them character by character, every statement (#isolation).
  switch (v) {
    case 'serializable':
      return 'serializable';
    case 'repeatable read':
      return 'repeatable read';
    case 'read committed':
      return 'read committed';
    case 'read uncommitted':
      return 'read uncommitted';
    default:
      return null;
  }
}

/**
 * A statement undone because it met a row (or key) another transaction
 * holds; runDeferredAsync waits and runs it again. Never leaves the session.
 */
function commitResult(): StatementResult {
  return { command: 'COMMIT', columns: [], rows: [], rowCount: 0 };
}

class RetryStatement extends Error {
  readonly conflict: WriteConflict;
  readonly txn: Transaction;

  constructor(conflict: WriteConflict, txn: Transaction) {
    super(conflict.message);
    this.conflict = conflict;
    this.txn = txn;
  }
}

/** PostgreSQL's spellings of a Boolean setting, or null. */
function booleanSetting(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return true;
  if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return false;
  return null;
}

/** A timeout setting in milliseconds: a number (ms) or with a unit (ms, s, min, h); -1 if invalid. */
export function parseTimeout(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h)?\s*$/i.exec(value);
  if (m === null) return -1;
  const scale: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
  return Math.round(Number(m[1]) * scale[(m[2] ?? 'ms').toLowerCase()]!);
}

/** The serving process's id for pg_backend_pid() in an embedded session (0 where the runtime has none). */
function currentProcessId(): number {
  // process.pid calls into the runtime on every read; it never changes.
  processId ??= (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return processId;
}

let processId: number | undefined;

/** The session's side of the system functions (current_setting, pg_backend_pid, the catalogs). */
interface SystemSource {
  databaseName(): string;
  userName(): string;
  backendPid(): number;
  setting(name: string): string | undefined;
  setSetting(name: string, value: string): void;
  catalog(): SystemCatalogView;
}

/** A statement's SystemContext: the session's, with the catalog view built at most once per statement. */
class StatementSystem implements SystemContext {
  readonly #source: SystemSource;
  #view: SystemCatalogView | undefined;

  constructor(source: SystemSource) {
    this.#source = source;
  }

  get databaseName(): string {
    return this.#source.databaseName();
  }

  get userName(): string {
    return this.#source.userName();
  }

  get backendPid(): number {
    return this.#source.backendPid();
  }

  setting(name: string): string | undefined {
    return this.#source.setting(name);
  }

  setSetting(name: string, value: string): void {
    this.#source.setSetting(name, value);
  }

  catalog(): SystemCatalogView {
    this.#view ??= this.#source.catalog();
    return this.#view;
  }
}

/** What every statement's StatementEval shares with the session's others. */
interface EvalShared {
  readonly clock: Clock;
  readonly random: () => number;
  readonly randomBytes: (length: number) => Uint8Array;
  readonly sequences: SequenceFunctions;
  readonly system: () => StatementSystem;
}

/**
 * A statement's EvalContext. Its statement timestamp is read when the
 * statement starts, as PostgreSQL's statement_timestamp() is (a statement
 * that computes for a while before it asks still gets its start time);
 * the clock is a Date.now() reading cached per millisecond, so this costs a
 * prepared INSERT run many times next to nothing. An autocommit statement's
 * transaction timestamp is its statement timestamp; a block's was read at
 * BEGIN.
 */
class StatementEval implements EvalContext {
  timeZone: TimeZone;
  readonly #shared: EvalShared;
  #transactionStart: bigint | undefined;
  #statementStart = 0n;
  /** #statementStart holds the statement's timestamp (false: not read, the statement was expected never to ask). */
  #started = false;
  #system: StatementSystem | undefined = undefined;

  /** `readClock` false: the statement is known never to read its timestamps (BoundStatement.clockFree); the clock is not read now. */
  constructor(timeZone: TimeZone, shared: EvalShared, transactionStart: bigint | undefined, readClock = true) {
    this.timeZone = timeZone;
    this.#shared = shared;
    this.#transactionStart = transactionStart;
    if (readClock) this.#start();
  }

  /** The context of a new statement, in this object (a session's spare: see Session.#spareRun); as the constructor. */
  restart(timeZone: TimeZone, transactionStart: bigint | undefined, readClock: boolean): void {
    this.timeZone = timeZone;
    this.#transactionStart = transactionStart;
    this.#system = undefined;
    this.#started = false;
    if (readClock) this.#start();
  }

  #start(): bigint {
    this.#started = true;
    this.#statementStart = this.#shared.clock.nowMicros();
    return this.#statementStart;
  }

  get transactionTimestamp(): bigint {
    return this.#transactionStart ?? this.statementTimestamp;
  }

  /**
   * When the statement started: read as it started, or, for a statement
   * expected never to ask (which asked after all), when it first asks.
   */
  get statementTimestamp(): bigint {
    return this.#started ? this.#statementStart : this.#start();
  }

  clockTimestamp(): bigint {
    // A statement whose start was not read: its timestamp is no later than this reading.
    return this.#started ? this.#shared.clock.nowMicros() : this.#start();
  }

  random(): number {
    return this.#shared.random();
  }

  randomBytes(length: number): Uint8Array {
    return this.#shared.randomBytes(length);
  }

  get sequences(): SequenceFunctions {
    return this.#shared.sequences;
  }

  get system(): SystemContext {
    this.#system ??= this.#shared.system();
    return this.#system;
  }
}

/**
 * The options one statement runs with (RunOptions), as one object: the
 * notices it raises are collected on it, and it is its own `params` when
 * it has JS parameter values (converted to each parameter's type on first
 * use). It carries its statement's EvalContext.
 *
 * A session reuses one StatementRun (and its StatementEval) for statement
 * after statement (Session.#spareRun): a statement runs synchronously from
 * start to end inside #runStatement, and nothing it leaves behind (its
 * result, a cached binding) keeps the run's options or context to read
 * later, so the next statement can take the object over. start() sets
 * every field a statement reads, as a new object would have them.
 */
class StatementRun implements RunOptions {
  engine: Engine;
  txn: Transaction;
  paramTypes: (SqlType | undefined)[];
  params: RunOptions['params'];
  readonly eval: StatementEval;
  readonly state: SqlDatabaseState;
  readonly session: SqlSessionState;
  indexScans: boolean;
  checkInterrupt: () => void;
  notices: Notice[] | undefined = undefined;
  #js: readonly JsValue[];
  /** Converted parameters (undefined: not yet); #used of them belong to the running statement. */
  #values: (RuntimeValue | undefined)[] | null = null;
  #fresh = true;

  /** `params` null: the parameters are `js`, converted on first use. */
  constructor(
    engine: Engine, txn: Transaction, paramTypes: (SqlType | undefined)[], params: RunOptions['params'] | null, js: readonly JsValue[],
    evalContext: StatementEval, state: SqlDatabaseState, session: SqlSessionState, indexScans: boolean, checkInterrupt: () => void,
  ) {
    this.engine = engine;
    this.txn = txn;
    this.paramTypes = paramTypes;
    this.params = params ?? this;
    this.#js = js;
    this.eval = evalContext;
    this.state = state;
    this.session = session;
    this.indexScans = indexScans;
    this.checkInterrupt = checkInterrupt;
  }

  /** Set up for a new statement (eval restarted by the caller), as the constructor would. */
  start(
    engine: Engine, txn: Transaction, paramTypes: (SqlType | undefined)[], params: RunOptions['params'] | null, js: readonly JsValue[],
    indexScans: boolean, checkInterrupt: () => void,
  ): void {
    this.engine = engine;
    this.txn = txn;
    this.paramTypes = paramTypes;
    this.params = params ?? this;
    this.#js = js;
    this.indexScans = indexScans;
    this.checkInterrupt = checkInterrupt;
    this.notices = undefined;
    this.#fresh = true;
  }

  notice(notice: Notice): void {
    (this.notices ??= []).push(notice);
  }

  /** RunParams.readInto: each parameter converted as get() converts it, not kept (nor are the kept ones touched). */
  readInto(row: RuntimeValue[], at: readonly number[], indexes: readonly number[], n: number): void {
    const js = this.#js;
    const types = this.paramTypes;
    const evalContext = this.eval;
    for (let k = 0; k < n; k++) {
      const i = indexes[k]!;
      if (i >= js.length) throw new FlintError('08P01', `there is no parameter $${i + 1}`);
      row[at[k]!] = fromJs(js[i] as JsValue, types[i], evalContext);
    }
  }

  /** Parameter $i+1 as a value of its type (the JS parameters' `params`). */
  get(i: number): RuntimeValue {
    const js = this.#js;
    let values = this.#values;
    if (this.#fresh) {
      // The statement's first parameter read: forget the previous statement's values (the array is reused while its length fits).
      this.#fresh = false;
      if (values === null || values.length !== js.length) values = this.#values = new Array<RuntimeValue | undefined>(js.length);
      else for (let k = 0; k < values.length; k++) values[k] = undefined;
    }
    let value = values![i];
    if (value === undefined) {
      if (i >= js.length) throw new FlintError('08P01', `there is no parameter $${i + 1}`);
      value = values![i] = fromJs(js[i] as JsValue, this.paramTypes[i], this.eval);
    }
    return value;
  }
}

/** The parameters of a statement run without any. */
const NO_PARAMS = {
  get(i: number): RuntimeValue {
    throw new FlintError('08P01', `there is no parameter $${i + 1}`);
  },
};

/** Statements run once a session remembers, to keep the plan of one that runs again. */
const MAX_RAN_ONCE = 256;

/** Templates a session keeps (plan-cache.ts); past this many it starts over. */
const MAX_TEMPLATES = 256;

/** The parameters of a literal template: the statement's literals, already values of their type (int4). */
class LiteralValues {
  readonly #values: readonly number[];

  constructor(values: readonly number[]) {
    this.#values = values;
  }

  get(i: number): RuntimeValue {
    const value = this.#values[i];
    if (value === undefined) throw new FlintError('08P01', `there is no parameter $${i + 1}`);
    return value;
  }
}
