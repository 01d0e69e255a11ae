// Errors the JS runtime raises when a statement asks for too much, turned
// into the FlintErrors PostgreSQL gives for the same thing, so a client sees
// 54000 / 54001 / 53200 with a clear message instead of XX000 "internal
// error": a string or array past V8's length limits (a huge `||`, lpad or
// array_agg), recursion past the JS stack, an allocation that failed.

import { FlintError, SqlState } from '../errors.ts';

export function fromRuntimeError(error: unknown): unknown {
  if (error instanceof FlintError || !(error instanceof RangeError)) return error;
  const message = error.message;
  if (/Invalid string length/i.test(message)) {
    return new FlintError(SqlState.programLimitExceeded, 'string is too long: it passes the longest string the runtime can hold');
  }
  if (/Maximum call stack size exceeded/i.test(message)) {
    return new FlintError(SqlState.statementTooComplex, 'stack depth limit exceeded', {
      hint: 'The statement nests too deeply (expressions, subqueries or views).',
    });
  }
  if (/Invalid (typed )?array length|Array buffer allocation failed|allocation failed/i.test(message)) {
    return new FlintError(SqlState.outOfMemory, 'out of memory', { detail: error.message });
  }
  return error;
}
