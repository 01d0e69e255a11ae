// What the shell runs SQL against: an embedded database directory or a
// PostgreSQL-protocol server (Flint's or PostgreSQL's). One small interface,
// so the REPL, the describe commands (\d and friends) and their output are
// the same code for both.
import type { TextResult } from './table-format.ts';

/** One statement's result: rows as text (PostgreSQL's text output), or just a command tag. */
export interface ShellResult extends TextResult {
  /** The command tag: SELECT 2, INSERT 0 1, CREATE TABLE, ... */
  readonly command: string;
}

/** A NOTICE, WARNING or INFO message from the database. */
export interface ShellNotice {
  readonly severity: string;
  readonly message: string;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

/** PostgreSQL's transaction status: idle, in a transaction block, in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** An error from the database, with PostgreSQL's fields. */
export class ShellError extends Error {
  readonly code: string;
  readonly severity: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** 1-based character position in the statement, when the error has one. */
  readonly position: number | undefined;

  constructor(fields: { code: string; message: string; severity?: string; detail?: string | undefined; hint?: string | undefined; position?: number | undefined }) {
    super(fields.message);
    this.code = fields.code;
    this.severity = fields.severity ?? 'ERROR';
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
  }
}

export interface Backend {
  readonly kind: 'embedded' | 'remote';
  /** What the shell is connected to, for its banner: a directory, or user@host:port/database. */
  readonly description: string;
  /** The database name the prompt shows. */
  readonly database: string;
  /**
   * Run SQL: one statement, as the shell splits input at top-level
   * semicolons as psql does (more are run in order). Throws ShellError for
   * errors the database reports. `notice` receives NOTICE/WARNING messages
   * as they arrive.
   */
  run(sql: string, notice: (notice: ShellNotice) => void): Promise<ShellResult[]>;
  /** The transaction status after the last statement. */
  readonly status: TransactionStatus;
  close(): Promise<void>;
}
