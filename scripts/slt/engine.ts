// The contract between the sqllogictest runner and a SQL engine.
//
// The runner knows nothing about any engine: it hands SQL text to an
// SltEngine and renders the values it gets back. An adapter wraps a real
// engine (Flint's SQL layer, see flint-engine.ts) behind this interface.

/** One value of a result row, as the engine produced it. */
export type SltValue = null | number | bigint | string | boolean;

/** What one execute() call produced. */
export type SltResult =
  /** The SQL ran and returned no result set (DDL, INSERT, …). */
  | { readonly kind: 'ok' }
  /** The SQL returned a result set; every row has `columns` values. */
  | { readonly kind: 'rows'; readonly columns: number; readonly rows: readonly (readonly SltValue[])[] }
  /** The SQL failed. The runner never compares the message. */
  | { readonly kind: 'error'; readonly message: string };

/**
 * A SQL engine as the runner sees it.
 *
 * - `reset()` empties the database. The runner calls it once before each file;
 *   every file starts from an empty database in autocommit mode.
 * - `execute(sql)` runs the SQL of one record. The text may hold several
 *   `;`-separated statements (SQLite's sqlite3_exec semantics, used by a few
 *   evidence files): run them all, stop at the first error, and return the
 *   result of the last one. SQL errors come back as `{ kind: 'error' }`. A
 *   thrown exception that carries a string `code` (a FlintError, a driver's
 *   error) is treated the same way; any other thrown exception is an engine
 *   crash and fails the record whatever it expected.
 */
export interface SltEngine {
  reset(): void | Promise<void>;
  execute(sql: string): SltResult | Promise<SltResult>;
  /** Optional: release resources after the last file. */
  close?(): void | Promise<void>;
}
