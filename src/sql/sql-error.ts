// Errors about SQL text, with PostgreSQL's position convention.
//
// AST positions are 0-based UTF-16 offsets into the SQL text (what JavaScript
// string indexing uses). PostgreSQL reports a 1-based *character* position
// (the P field of ErrorResponse), so characters outside the BMP, which take
// two UTF-16 units, count once. positionOf() converts.

import { FlintError, SqlState } from '../errors.ts';

/** 1-based character position of UTF-16 offset `offset` in `sql`, as PostgreSQL reports it. */
export function positionOf(sql: string, offset: number): number {
  const end = Math.min(Math.max(offset, 0), sql.length);
  let position = 1;
  for (let i = 0; i < end; i++) {
    const c = sql.charCodeAt(i);
    // A high surrogate followed by a low one is one character: count it at the low one.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = sql.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    position++;
  }
  return position;
}

/** A FlintError about the SQL text at `offset`: 42601 unless `code` says otherwise. */
export function sqlError(sql: string, offset: number, message: string, code: string = SqlState.syntaxError): FlintError {
  return new FlintError(code, message, { position: positionOf(sql, offset) });
}
