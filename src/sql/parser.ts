// Statements: the entry points parse(), parseOne() and parseScript(), and
// the dispatch on a statement's first keyword.
//
// Grammar files:
//   parser-state.ts   the token cursor, names, errors, the nesting budget
//   parse-select.ts   queries, WITH, select lists, FROM and joins
//   parse-expr.ts     expressions (precedence climbing), literals, names
//   parse-func.ts     function calls, windows, ORDER BY lists, special-syntax functions
//   parse-type.ts     type names
//   parse-dml.ts      INSERT, UPDATE, DELETE
//   parse-table.ts    CREATE TABLE, ALTER TABLE
//   parse-ddl.ts      other CREATE / ALTER, DROP, TRUNCATE, indexes, views, sequences, roles
//   parse-utility.ts  transactions, SET/SHOW/RESET, EXPLAIN, COPY, VACUUM, PREPARE, ...
//   parse-options.ts  generic option lists
//
// Errors are FlintErrors: 42601 with PostgreSQL's wording ("syntax error at
// or near ..." / "syntax error at end of input") and `position` set, 54001
// for input nested deeper than MAX_NESTING_DEPTH. Nothing else is thrown for
// any input.

import { SqlState } from '../errors.ts';
import type { Statement } from './ast.ts';
import { TK_IDENT, TK_OP } from './lexer.ts';
import { parseAlter, parseCreate, parseDrop, parseTruncate } from './parse-ddl.ts';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.ts';
import { parseQuery, parseWithStatement } from './parse-select.ts';
import {
  parseAnalyze,
  parseCopy,
  parseDeallocate,
  parseDiscard,
  parseExecute,
  parseExplain,
  parseNotifications,
  parsePrepare,
  parseReset,
  parseSet,
  parseShow,
  parseTransaction,
  parseVacuum,
} from './parse-utility.ts';
import { Parser } from './parser-state.ts';
import { sqlError } from './sql-error.ts';

/** One statement of a script with the span of its text (0-based UTF-16 offsets, without the `;`). */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly start: number;
  readonly end: number;
}

/** Parses a script of `;`-separated statements (empty statements are skipped). */
export function parse(sql: string): Statement[] {
  return parseScript(sql).map((s) => s.statement);
}

/** Like parse(), with each statement's text span. */
export function parseScript(sql: string): ParsedStatement[] {
  const p = new Parser(sql);
  try {
    return statements(p);
  } catch (e) {
    // The nesting budget keeps recursion far from the engine's stack limit; should a
    // small stack still overflow, the input is as much too complex as beyond the budget.
    if (e instanceof RangeError) throw sqlError(sql, p.tok.pos, 'stack depth limit exceeded', SqlState.statementTooComplex);
    throw e;
  }
}

function statements(p: Parser): ParsedStatement[] {
  const out: ParsedStatement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    if (p.atStatementEnd()) break;
    const start = p.tok.pos;
    p.questionMarks = 0;
    p.depth = 0;
    const statement = parseStatement(p);
    const end = p.tokens[p.index - 1]!.end;
    if (!p.atStatementEnd()) p.fail();
    out.push({ statement, start, end });
  }
  return out;
}

/**
 * Parses exactly one statement (a trailing `;` is allowed), as the extended
 * query protocol requires.
 */
export function parseOne(sql: string): Statement {
  const statements = parseScript(sql);
  const first = statements[0];
  if (first === undefined) throw sqlError(sql, sql.length, 'syntax error at end of input');
  const second = statements[1];
  if (second !== undefined) {
    throw sqlError(sql, second.start, 'cannot insert multiple commands into a prepared statement', SqlState.syntaxError);
  }
  return first.statement;
}

/** One statement, dispatched on its first keyword. */
export function parseStatement(p: Parser): Statement {
  const t = p.tok;
  if (t.kind === TK_OP && t.value === '(') return parseQuery(p);
  if (t.kind !== TK_IDENT) return p.fail();
  switch (t.value) {
    case 'select':
    case 'values':
    case 'table':
      return parseQuery(p);
    case 'with':
      return parseWithStatement(p);
    case 'insert':
      return parseInsert(p, null, t.pos);
    case 'update':
      return parseUpdate(p, null, t.pos);
    case 'delete':
      return parseDelete(p, null, t.pos);
    case 'create':
      return parseCreate(p);
    case 'drop':
      return parseDrop(p);
    case 'alter':
      return parseAlter(p);
    case 'truncate':
      return parseTruncate(p);
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
      return parseTransaction(p);
    case 'set':
      return parseSet(p);
    case 'show':
      return parseShow(p);
    case 'reset':
      return parseReset(p);
    case 'discard':
      return parseDiscard(p);
    case 'explain':
      return parseExplain(p, parseStatement);
    case 'vacuum':
      return parseVacuum(p);
    case 'analyze':
    case 'analyse':
      return parseAnalyze(p);
    case 'copy':
      return parseCopy(p);
    case 'prepare':
      return parsePrepare(p, parseStatement);
    case 'execute':
      return parseExecute(p);
    case 'deallocate':
      return parseDeallocate(p);
    case 'checkpoint':
      p.advance();
      return { kind: 'checkpoint', pos: t.pos };
    case 'listen':
    case 'unlisten':
    case 'notify':
      return parseNotifications(p);
    default:
      return p.fail();
  }
}
