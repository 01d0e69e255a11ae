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
import { databaseSequences, newSessionState, planQuery, runStatement, type SqlDatabaseState, type StatementResult } from '../sql/exec/statements.ts';
import type { OutputColumn } from '../sql/plan/plan.ts';
import type { SequenceFunctions } from '../sql/types/eval-context.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { resolveTimeZone, UTC, type TimeZone } from '../sql/types/timezone.ts';
import type { RuntimeValue } from '../sql/types/type-info.ts';
import type { Engine } from '../txn/engine.ts';
import type { Transaction } from '../txn/transaction.ts';
import { fromJs, type JsValue } from './js-values.ts';
import { isRoleStatement, runRoleStatement, type RoleManager } from './roles.ts';

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
  // The server ends a session idle this long inside a transaction block (25P03) or outside one (57P05).
  idle_in_transaction_session_timeout: '0',
  idle_session_timeout: '0',
  transaction_isolation: 'repeatable read',
  default_transaction_isolation: 'repeatable read',
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
}

export interface ParsedStatementText {
  readonly statement: ast.Statement;
  readonly text: string;
}

export class Session {
  readonly settings = new Map<string, string>(Object.entries(DEFAULT_SETTINGS));
  /**
   * The engine transaction, begun by the block's first statement that needs
   * one (PostgreSQL takes a REPEATABLE READ snapshot at the first statement,
   * not at BEGIN). Null before that and outside a transaction.
   */
  #txn: Transaction | null = null;
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
    this.#sequenceFunctions = databaseSequences(services.engine, services.state, this.#sequences);
  }

  /**
   * Role statements (CREATE/ALTER/DROP ROLE) go through this, bound to the
   * session's user; the server sets it. Without one they fail with 0A000.
   */
  roles: RoleManager | null = null;

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
    if (parsed === undefined) {
      parsed = parseScript(sql).map((p) => ({ statement: p.statement, text: sql.slice(p.start, p.end) }));
      if (cache.size > 1000) cache.clear();
      cache.set(sql, parsed);
    }
    return parsed;
  }

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

  /** Run one parsed statement with parameters. A commit waits for fdatasync here, blocking. */
  run(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): StatementResult {
    const { result, commit } = this.#run(stmt, params, paramTypes);
    if (commit !== null) this.#services.engine.commit(commit);
    return result;
  }

  /**
   * Run one statement, and wait for its commit without blocking: the commit
   * of an autocommit statement, or COMMIT of a block, joins group commit
   * (one fdatasync covers every commit waiting at that moment). The server
   * runs every statement this way.
   */
  async runAsync(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): Promise<StatementResult> {
    const { result, finish } = this.runDeferred(stmt, params, paramTypes);
    await finish();
    return result;
  }

  /**
   * Run a statement now and leave its commit for later: `finish()` waits for
   * it (group commit). The result must not be reported as done before
   * finish() resolves. The server uses this to learn a portal's columns at
   * Describe and report its completion at Execute.
   */
  runDeferred(stmt: ast.Statement, params: readonly JsValue[] = [], paramTypes: (SqlType | undefined)[] = []): { result: StatementResult; finish(): Promise<void> } {
    if (stmt.kind === 'commit' && this.#explicit && !this.#failed) {
      const commit = this.commitAsync();
      commit.catch(() => {});
      return { result: { command: 'COMMIT', columns: [], rows: [], rowCount: 0 }, finish: () => commit };
    }
    const { result, commit } = this.#run(stmt, params, paramTypes);
    const engine = this.#services.engine;
    if (commit === null) return { result, finish: () => Promise.resolve() };
    const committed = engine.commitAsync(commit);
    // Whoever calls finish() sees a failure; nobody calling it must not crash the process.
    committed.catch(() => {});
    return { result, finish: () => committed };
  }

  /** Run a statement; an autocommit statement's transaction comes back to be committed by the caller. */
  #run(stmt: ast.Statement, params: readonly JsValue[], paramTypes: (SqlType | undefined)[]): { result: StatementResult; commit: Transaction | null } {
    const done = (result: StatementResult) => ({ result, commit: null });
    switch (stmt.kind) {
      case 'begin':
        return done(this.#begin(stmt.start === true ? 'START TRANSACTION' : 'BEGIN'));
      case 'commit':
        return done(this.#commit());
      case 'rollback':
        return done(this.#rollback());
      case 'set':
        return done(this.#set(stmt));
      case 'show':
        return done(this.#show(stmt));
      case 'reset':
        if (stmt.name === 'all') for (const [k, v] of Object.entries(DEFAULT_SETTINGS)) this.settings.set(k, v);
        else this.settings.set(stmt.name, DEFAULT_SETTINGS[stmt.name] ?? '');
        return done({ command: 'RESET', columns: [], rows: [], rowCount: 0 });
      case 'savepoint':
        return done(this.#savepoint(stmt));
      case 'releaseSavepoint':
        return done(this.#release(stmt));
      case 'rollbackToSavepoint':
        return done(this.#rollbackTo(stmt));
    }
    if (this.#failed) {
      throw new FlintError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    if (isRoleStatement(stmt)) return done(this.#roleStatement(stmt));
    const autocommit = !this.#explicit;
    if (autocommit) this.#startTxn();
    const txn = this.#ensureTxn();
    const evalContext = this.#evalContext();
    const types = [...paramTypes];
    const cache = new Map<number, RuntimeValue>();
    const engine = this.#services.engine;
    // DDL joins the transaction, and the catalog shows its own uncommitted DDL (transactional DDL).
    const outerCatalogTxn = engine.catalogTxn;
    engine.catalogTxn = txn;
    try {
      const result = runStatement(stmt, {
        engine: this.#services.engine,
        txn,
        paramTypes: types,
        params: {
          get: (i) => {
            if (!cache.has(i)) {
              if (i >= params.length) throw new FlintError('08P01', `there is no parameter $${i + 1}`);
              cache.set(i, fromJs(params[i] as JsValue, types[i], evalContext));
            }
            return cache.get(i)!;
          },
        },
        eval: evalContext,
        state: this.#services.state,
        session: this.#sequences,
        indexScans: this.settings.get('enable_indexscan') !== 'off',
        checkInterrupt: this.#interruptCheck(),
      });
      engine.catalogTxn = outerCatalogTxn;
      if (!autocommit) return { result, commit: null };
      // The statement's own transaction: the caller commits it (run: now; runAsync: with group commit).
      const commit = this.#txn;
      this.#txn = null;
      this.#open = false;
      return { result, commit };
    } catch (error) {
      engine.catalogTxn = outerCatalogTxn;
      if (autocommit) this.#abort();
      else this.#failed = true;
      throw error;
    }
  }

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
      return planQuery(stmt, { engine, eval: this.#evalContext() }, paramTypes).columns;
    } finally {
      engine.catalogTxn = outer;
    }
  }

  /**
   * The executor calls this every few thousand rows: past statement_timeout
   * (milliseconds, 0 = none) the statement fails with 57014, as PostgreSQL's
   * does, and its transaction (or block) is rolled back or failed as for any
   * error.
   */
  #interruptCheck(): () => void {
    const timeout = parseTimeout(this.settings.get('statement_timeout') ?? '0');
    if (timeout === 0) return () => {};
    const deadline = performance.now() + timeout;
    return () => {
      if (performance.now() > deadline) throw new FlintError(SqlState.queryCanceled, 'canceling statement due to statement timeout');
    };
  }

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

  #evalContext(): EvalContext {
    const clock = this.#services.clock;
    const random = this.#services.random;
    const now = clock.nowMicros();
    return {
      timeZone: this.#zoneFor(this.settings.get('timezone') ?? 'UTC'),
      transactionTimestamp: this.#open ? this.#transactionStart : now,
      statementTimestamp: now,
      clockTimestamp: () => clock.nowMicros(),
      random,
      randomBytes: (n) => {
        const bytes = new Uint8Array(n);
        for (let i = 0; i < n; i++) bytes[i] = Math.floor(random() * 256);
        return bytes;
      },
      sequences: this.#sequenceFunctions,
    };
  }

  #startTxn(): void {
    this.#txn = null;
    this.#open = true;
    this.#transactionStart = this.#services.clock.nowMicros();
    this.#savepoints = [];
  }

  /** The open transaction's engine transaction, begun (its snapshot taken) now if not yet. */
  #ensureTxn(): Transaction {
    this.#txn ??= this.#services.engine.begin();
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

  #begin(command: string): StatementResult {
    if (this.#explicit) {
      // PostgreSQL warns and carries on; so do we.
      return { command, columns: [], rows: [], rowCount: 0 };
    }
    this.#startTxn();
    this.#explicit = true;
    this.#failed = false;
    return { command, columns: [], rows: [], rowCount: 0 };
  }

  #commit(): StatementResult {
    if (!this.#explicit) return { command: 'COMMIT', columns: [], rows: [], rowCount: 0 };
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
    this.#explicit = false;
    this.#failed = false;
    this.#abort();
    return { command: 'ROLLBACK', columns: [], rows: [], rowCount: 0 };
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
    if (stmt.name === 'enable_indexscan') {
      const b = booleanSetting(value);
      if (b === null) throw new FlintError(SqlState.invalidParameterValue, `parameter "enable_indexscan" requires a Boolean value`, { position: stmt.pos + 1 });
      this.settings.set(stmt.name, b ? 'on' : 'off');
      return { command: 'SET', columns: [], rows: [], rowCount: 0 };
    }
    this.settings.set(stmt.name, value);
    return { command: 'SET', columns: [], rows: [], rowCount: 0 };
  }

  #show(stmt: ast.Show): StatementResult {
    if (stmt.name === 'all') {
      const rows = [...this.settings.entries()].sort().map(([k, v]) => [k, v]);
      return { command: 'SHOW', columns: [{ name: 'name', type: { id: 'text' } }, { name: 'setting', type: { id: 'text' } }], rows, rowCount: rows.length };
    }
    const value = this.settings.get(stmt.name);
    if (value === undefined) throw new FlintError('42704', `unrecognized configuration parameter "${stmt.name}"`, { position: stmt.pos + 1 });
    // The column is named as PostgreSQL spells the parameter (SHOW timezone gives a TimeZone column).
    return { command: 'SHOW', columns: [{ name: SETTING_DISPLAY_NAMES[stmt.name] ?? stmt.name, type: { id: 'text' } }], rows: [[value]], rowCount: 1 };
  }

  /** Roll back whatever is open (the session is closing). */
  close(): void {
    this.#explicit = false;
    this.#failed = false;
    this.#abort();
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
