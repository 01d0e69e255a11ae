// sqllogictest file parser (format: ../shared/sqllogictest/README.md).
//
// A single pass over the text, one line at a time, yielding records lazily:
//
//   - a trailing `\r` is stripped from every line;
//   - a line that begins with `#` is a comment and is dropped before anything
//     else looks at it, so a comment never separates two records;
//   - a line of only whitespace (C isspace: space, \t, \v, \f, \r) is blank;
//   - a record is a run of non-blank lines; blank lines separate records;
//   - leading `skipif <db>` / `onlyif <db>` lines are conditions, and anything
//     after the db name is a comment;
//   - `statement ok|error`: the remaining lines are the SQL;
//   - `query <types> [sortmode] [label]`: the SQL runs up to a line that is
//     exactly `----`; the lines after it are the expected values, one per
//     line. No `----`, or nothing after it, means zero rows are expected;
//   - `hash-threshold N` and `halt` are control records.
//
// SQL lines are joined with "\n"; trailing whitespace and `;` are removed.
// A malformed record is a FlintError 42601 naming the file and line: the
// corpus is data we trust, so a record we cannot read is never skipped.

import { FlintError } from '../../src/errors.ts';

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

/** `skipif <engine>` or `onlyif <engine>` in front of a record. */
export interface Condition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: string;
}

interface RecordBase {
  /** 1-based line of the record's command (`statement`, `query`, …), after its conditions. */
  readonly line: number;
  readonly conditions: readonly Condition[];
}

export interface StatementRecord extends RecordBase {
  readonly kind: 'statement';
  readonly expectError: boolean;
  readonly sql: string;
}

export interface QueryRecord extends RecordBase {
  readonly kind: 'query';
  /** One letter per result column: I, T or R. */
  readonly types: string;
  readonly sortMode: SortMode;
  readonly label: string | undefined;
  readonly sql: string;
  /** Expected lines after `----`: rendered values, or one `N values hashing to MD5` line. */
  readonly expected: readonly string[];
  /** 1-based line of the first expected value (or where it would be). */
  readonly expectedLine: number;
}

export interface HashThresholdRecord extends RecordBase {
  readonly kind: 'hash-threshold';
  readonly threshold: number;
}

export interface HaltRecord extends RecordBase {
  readonly kind: 'halt';
}

export type SltRecord = StatementRecord | QueryRecord | HashThresholdRecord | HaltRecord;

const SYNTAX_ERROR = '42601';

function syntaxError(file: string, line: number, what: string): FlintError {
  return new FlintError(SYNTAX_ERROR, `${file}:${line}: ${what}`, { file });
}

/** C isspace() in the C locale. `\n` never occurs inside a line. */
function isSpaceCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isSpaceCode(line.charCodeAt(i))) return false;
  return true;
}

/** Splits a line on runs of whitespace, dropping empty tokens. */
export function tokens(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const space = i === line.length || isSpaceCode(line.charCodeAt(i));
    if (space) {
      if (start >= 0) out.push(line.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return out;
}

/** Joins SQL lines with "\n" and drops trailing whitespace and semicolons. */
function joinSql(lines: readonly string[], from: number, to: number): string {
  let sql = lines.slice(from, to).join('\n');
  let end = sql.length;
  while (end > 0) {
    const c = sql.charCodeAt(end - 1);
    if (c !== 0x3b /* ; */ && !isSpaceCode(c)) break;
    end--;
  }
  if (end !== sql.length) sql = sql.slice(0, end);
  return sql;
}

const SORT_MODES: ReadonlySet<string> = new Set(['nosort', 'rowsort', 'valuesort']);

/** Builds one record from its non-comment lines; `lines[i]` is physical line `lineNos[i]`. */
function buildRecord(file: string, lines: readonly string[], lineNos: readonly number[]): SltRecord {
  const conditions: Condition[] = [];
  let i = 0;
  let head: string[] = [];
  for (; i < lines.length; i++) {
    head = tokens(lines[i]!);
    const kind = head[0];
    if (kind !== 'skipif' && kind !== 'onlyif') break;
    const engine = head[1];
    if (engine === undefined) throw syntaxError(file, lineNos[i]!, `${kind} without a database name`);
    conditions.push({ kind, engine });
  }
  const line = lineNos[i];
  if (line === undefined) throw syntaxError(file, lineNos[0]!, 'skipif/onlyif with no record after it');
  const command = head[0]!;
  const rest = i + 1;

  switch (command) {
    case 'statement': {
      const mode = head[1];
      if ((mode !== 'ok' && mode !== 'error') || head.length > 2) {
        throw syntaxError(file, line, `expected "statement ok" or "statement error", got "${lines[i]}"`);
      }
      const sql = joinSql(lines, rest, lines.length);
      if (sql === '') throw syntaxError(file, line, 'statement without SQL');
      return { kind: 'statement', line, conditions, expectError: mode === 'error', sql };
    }
    case 'query': {
      const types = head[1];
      if (types === undefined || !/^[ITR]+$/.test(types)) {
        throw syntaxError(file, line, `query types must be letters I, T, R; got "${types ?? ''}"`);
      }
      const sortMode = head[2] ?? 'nosort';
      if (!SORT_MODES.has(sortMode)) throw syntaxError(file, line, `unknown sort mode "${sortMode}"`);
      if (head.length > 4) throw syntaxError(file, line, `too many words after query: "${lines[i]}"`);
      let sep = rest;
      while (sep < lines.length && lines[sep] !== '----') sep++;
      const sql = joinSql(lines, rest, sep);
      if (sql === '') throw syntaxError(file, line, 'query without SQL');
      const expected = sep < lines.length ? lines.slice(sep + 1) : [];
      const expectedLine = lineNos[sep + 1] ?? (lineNos[sep] ?? lineNos[lines.length - 1]!) + 1;
      return {
        kind: 'query',
        line,
        conditions,
        types,
        sortMode: sortMode as SortMode,
        label: head[3],
        sql,
        expected,
        expectedLine,
      };
    }
    case 'hash-threshold': {
      const n = head[1];
      if (n === undefined || !/^\d+$/.test(n) || head.length > 2 || rest < lines.length) {
        throw syntaxError(file, line, `expected "hash-threshold N", got "${lines[i]}"`);
      }
      return { kind: 'hash-threshold', line, conditions, threshold: Number(n) };
    }
    case 'halt': {
      if (head.length > 1 || rest < lines.length) throw syntaxError(file, line, `expected "halt" alone, got "${lines[i]}"`);
      return { kind: 'halt', line, conditions };
    }
    default:
      throw syntaxError(file, line, `unknown record type "${command}"`);
  }
}

/**
 * Parses sqllogictest text lazily, one record at a time. `file` only names
 * the source in error messages.
 */
export function* parseSlt(text: string, file = '<input>'): Generator<SltRecord, void, undefined> {
  let lines: string[] = [];
  let lineNos: number[] = [];
  let lineNo = 0;
  let pos = 0;
  const length = text.length;
  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = length;
    lineNo++;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    const line = text.slice(pos, lineEnd);
    pos = end + 1;
    if (line.charCodeAt(0) === 0x23 /* # */) continue;
    if (isBlank(line)) {
      if (lines.length > 0) {
        yield buildRecord(file, lines, lineNos);
        lines = [];
        lineNos = [];
      }
      continue;
    }
    lines.push(line);
    lineNos.push(lineNo);
  }
  if (lines.length > 0) yield buildRecord(file, lines, lineNos);
}

/** Whether a record runs under `engineName`, by its skipif/onlyif conditions. */
export function recordApplies(record: SltRecord, engineName: string): boolean {
  for (const c of record.conditions) {
    if (c.kind === 'skipif' ? c.engine === engineName : c.engine !== engineName) return false;
  }
  return true;
}
