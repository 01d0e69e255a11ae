// Running statements: the dispatcher. Queries go through the planner and
// executor; DML, DDL and the rest each have one module:
//
//   dml-insert.ts          INSERT (… ON CONFLICT)
//   dml-update-delete.ts   UPDATE (… FROM), DELETE (… USING)
//   constraints.ts         NOT NULL, CHECK, UNIQUE / PRIMARY KEY on written rows
//   table-writer.ts        writes rows for a statement: constraints, foreign key actions
//   foreign-keys.ts        FOREIGN KEY definitions and lookups
//   ddl-table.ts           CREATE TABLE [AS], DROP, TRUNCATE
//   ddl-alter.ts           ALTER TABLE
//   ddl-index-view.ts      CREATE VIEW, CREATE INDEX, DROP INDEX
//   ddl-sequence.ts        CREATE / ALTER SEQUENCE
//   sequences.ts           sequence storage, nextval and friends
//
// The session layer (src/db) owns transactions and calls runStatement with
// the transaction a statement runs in.

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import { QueryBinder } from '../plan/bind-query.ts';
import type { OutputColumn, Plan } from '../plan/plan.ts';
import type { Engine } from '../../txn/engine.ts';
import type { SequenceFunctions } from '../types/eval-context.ts';
import type { SqlType } from '../types/sql-type.ts';
import { T } from '../types/type-info.ts';
import { alterTable } from './ddl-alter.ts';
import { createTable, createTableAs, drop, truncate } from './ddl-table.ts';
import { runAlterSequence, runCreateSequence } from './ddl-sequence.ts';
import { createIndex, createView } from './ddl-index-view.ts';
import { planClockFree } from './clock-free.ts';
import { bindInsert, runInsert } from './dml-insert.ts';
import { bindUpdateOrDelete, runDelete, runUpdate } from './dml-update-delete.ts';
import { EngineCatalog } from './engine-catalog.ts';
import { explainPlan } from './explain.ts';
import { planRows, pushesOwnRows } from './run.ts';
import type { ExecContext, Row } from './context.ts';
import { newSessionState, sequenceFunctions, type SqlSessionState } from './sequences.ts';
import { binderOf, contextOf, done, restartContext, type BindOptions, type RunOptions, type SqlDatabaseState, type StatementResult } from './statement-context.ts';

export type { BindOptions, RunOptions, SqlDatabaseState, StatementResult } from './statement-context.ts';
export { flushSequenceCaches, newSessionState, type SqlSessionState } from './sequences.ts';

/**
 * The sequence functions (nextval, ...) of a session: what its EvalContext
 * carries as `sequences`. nextval also records the value as the database's
 * lastInsertId.
 */
export function databaseSequences(engine: Engine, state: SqlDatabaseState, session: SqlSessionState): SequenceFunctions {
  return sequenceFunctions({
    engine, caches: state.sequences, session,
    onNext: (value, type) => (state.lastInsertId = type === 'int8' ? value : Number(value)),
  });
}

export function runStatement(stmt: ast.Statement, given: RunOptions): StatementResult {
  // nextval and friends reach the database's sequences through the EvalContext
  // (a session puts them there; anyone else gets them here).
  let options = given;
  if (given.eval.sequences === undefined || given.session === undefined) {
    const session = given.session ?? newSessionState();
    options = { ...given, session, eval: { ...given.eval, sequences: databaseSequences(given.engine, given.state, session) } };
  }
  switch (stmt.kind) {
    case 'query':
      return runQuery(stmt, options);
    case 'insert':
      return runInsert(stmt, options);
    case 'update':
      return runUpdate(stmt, options);
    case 'delete':
      return runDelete(stmt, options);
    case 'createTable':
      return createTable(stmt, options);
    case 'createTableAs':
      return createTableAs(stmt, options);
    case 'alterTable':
      return alterTable(stmt, options);
    case 'createSequence':
      return runCreateSequence(stmt, options);
    case 'alterSequence':
      return runAlterSequence(stmt, options);
    case 'createView':
      return createView(stmt, options);
    case 'drop':
      return drop(stmt, options);
    case 'createIndex':
      return createIndex(stmt, options);
    case 'truncate':
      return truncate(stmt, options);
    case 'explain':
      return explain(stmt, options);
    case 'vacuum':
      options.engine.vacuum();
      return done('VACUUM');
    case 'checkpoint':
      options.engine.checkpointTruncate();
      return done('CHECKPOINT');
    default:
      throw new FlintError(SqlState.featureNotSupported, `${stmt.kind} statements are not supported yet`, { position: stmt.pos + 1 });
  }
}

/**
 * A statement bound once and run many times: a session's plan cache keeps
 * it per prepared statement. Nothing in it belongs to the execution it was
 * bound in (the transaction, parameter values and the evaluation context
 * come with each run's options), but it is only valid for the catalog and
 * the settings the binding read: the cache checks them before each run.
 */
export interface BoundStatement {
  /** A query's result columns. */
  readonly columns?: readonly OutputColumn[];
  /**
   * True when running it never reads the statement's clock (statement and
   * transaction timestamps, now(), 'now' as date/time input): the session
   * then need not read the clock as the statement starts (and reads it
   * after all if it is asked). Absent: it may.
   */
  readonly clockFree?: boolean;
  run(options: RunOptions): StatementResult;
}

/** Statements bindStatement binds. */
export function isBindable(stmt: ast.Statement): boolean {
  return stmt.kind === 'query' || stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete';
}

/** Bind a query, INSERT, UPDATE or DELETE for reuse; null for statements that are not cached (they run through runStatement). */
export function bindStatement(stmt: ast.Statement, options: BindOptions): BoundStatement | null {
  switch (stmt.kind) {
    case 'query': {
      const plan = binderOf(options).bindQuery(stmt, null);
      // Compiled on the first run, and kept here (not in compilePlan's cache: most statements run once).
      let runner: ((ctx: ExecContext) => Row[]) | undefined;
      const ownRows = pushesOwnRows(plan);
      // The context of the last run, taken over by the next (restartContext) instead of a new one a run: a run's
      // rows are all made when it returns, and nothing made keeps its context. Null while a run has it (the
      // same statement run inside its own run, or another session's, makes one of its own).
      let spare: ExecContext | null = null;
      return {
        columns: plan.columns,
        clockFree: planClockFree(plan, options.paramTypes),
        run(o) {
          runner ??= planRows(plan);
          const ctx = spare === null ? contextOf(o) : restartContext(spare, o);
          spare = null;
          let rows: Row[];
          try {
            rows = runner(ctx);
          } finally {
            spare = ctx;
          }
          return { command: rows.length === 1 ? 'SELECT 1' : `SELECT ${rows.length}`, columns: plan.columns, rows, rowCount: rows.length, ownRows };
        },
      };
    }
    case 'insert':
      return bindInsert(stmt, options);
    case 'update':
    case 'delete':
      return bindUpdateOrDelete(stmt, options);
    default:
      return null;
  }
}

/** Bind a query to a plan (exported for prepare-time column descriptions). */
export function planQuery(stmt: ast.Query, options: Pick<RunOptions, 'engine' | 'eval'>, paramTypes: (SqlType | undefined)[] = []): Plan {
  return new QueryBinder(new EngineCatalog(options.engine), paramTypes, options.eval).bindQuery(stmt, null);
}

function runQuery(stmt: ast.Query, options: RunOptions): StatementResult {
  const plan = binderOf(options).bindQuery(stmt, null);
  const rows = planRows(plan)(contextOf(options));
  return { command: `SELECT ${rows.length}`, columns: plan.columns, rows, rowCount: rows.length };
}

function explain(stmt: ast.Explain, options: RunOptions): StatementResult {
  if (stmt.statement.kind !== 'query') throw new FlintError(SqlState.featureNotSupported, 'EXPLAIN supports queries only so far', { position: stmt.pos + 1 });
  const plan = binderOf(options).bindQuery(stmt.statement, null);
  const analyze = stmt.options.some((o) => o.name === 'analyze' && o.value !== 'false' && o.value !== 'off');
  const lines = explainPlan(plan, analyze ? contextOf(options) : null);
  return { command: 'EXPLAIN', columns: [{ name: 'QUERY PLAN', type: T.text }], rows: lines.map((l) => [l]), rowCount: lines.length };
}
