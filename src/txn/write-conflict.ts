// A write that met another transaction's write to the same row (or key).
//
// PostgreSQL makes the later writer wait on the row lock until the earlier
// transaction ends, and then (READ COMMITTED) re-reads the row or (REPEATABLE
// READ) fails with 40001 if the other committed. The engine never blocks (it
// runs on one JS thread), so it throws this error instead, saying whom to
// wait for; a caller that can wait (Session.runAsync, used by the server)
// undoes the statement, waits for that transaction (Engine.waitFor) and runs
// the statement again. A caller that cannot wait (the synchronous API) sees
// an ordinary 40001, which is what this is.

import { FlintError, SqlState, type FlintErrorDetails } from '../errors.ts';

export class WriteConflict extends FlintError {
  /**
   * The txid of the transaction still in progress that holds the row, or 0
   * when the one that changed it has already committed (after this
   * statement's snapshot was taken).
   */
  readonly waitFor: number;

  constructor(message: string, waitFor: number, details: FlintErrorDetails = {}) {
    super(SqlState.serializationFailure, message, details);
    this.waitFor = waitFor;
  }
}
