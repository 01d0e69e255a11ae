// COPY over the protocol: COPY ... TO STDOUT (a table, or a query's result)
// and COPY ... FROM STDIN, in PostgreSQL's text and csv formats.
//
// Text format: one row per line, columns separated by the delimiter (tab),
// NULL as \N, and backslash escapes (\\ \t \n \r \b \f \v and \NNN octal,
// \xHH hex) in values. CSV: the delimiter is a comma, NULL is an unquoted
// empty field, a field with the delimiter, a quote, CR or LF is quoted with
// double quotes, a quote inside doubled; HEADER writes (or skips) a first line.
//
// COPY FROM inserts every row through one prepared INSERT in one
// transaction (the statement's, or the open block's): all rows or none.

import { FlintError, SqlState } from '../errors.ts';
import type * as ast from '../sql/ast.ts';

export interface CopyFormat {
  readonly csv: boolean;
  readonly delimiter: string;
  readonly null: string;
  readonly header: boolean;
  readonly quote: string;
}

/** The format a COPY statement asks for (FORMAT, DELIMITER, NULL, HEADER, QUOTE; FREEZE and ENCODING 'UTF8' are accepted). */
export function copyFormat(stmt: ast.Copy): CopyFormat {
  let csv = false;
  let delimiter: string | undefined;
  let nullText: string | undefined;
  let header = false;
  let quote = '"';
  for (const o of stmt.options) {
    const value = Array.isArray(o.value) ? o.value.join(',') : o.value === null || o.value === undefined ? '' : String(o.value);
    switch (o.name) {
      case 'format':
        if (value.toLowerCase() === 'csv') csv = true;
        else if (value.toLowerCase() !== 'text') throw new FlintError(SqlState.featureNotSupported, `COPY format "${value}" is not supported (text and csv are)`, { position: o.pos + 1 });
        break;
      case 'csv':
        csv = true;
        break;
      case 'delimiter':
        if ([...value].length !== 1) throw new FlintError(SqlState.featureNotSupported, 'COPY delimiter must be a single one-byte character', { position: o.pos + 1 });
        delimiter = value;
        break;
      case 'null':
        nullText = value;
        break;
      case 'header':
        header = value === '' || /^(true|on|1|yes)$/i.test(value);
        break;
      case 'quote':
        quote = value;
        break;
      case 'freeze':
        // PostgreSQL's FREEZE saves a later vacuum pass over the rows; Flint's
        // visibility needs no such pass, so the option is accepted and has nothing to do.
        break;
      case 'encoding':
        if (!/^utf-?8$/i.test(value)) throw new FlintError(SqlState.featureNotSupported, `COPY encoding "${value}" is not supported (UTF8 is)`, { position: o.pos + 1 });
        break;
      default:
        throw new FlintError(SqlState.syntaxError, `option "${o.name}" not recognized`, { position: o.pos + 1 });
    }
  }
  if (header && !csv) throw new FlintError(SqlState.featureNotSupported, 'COPY HEADER available only in CSV mode');
  return { csv, delimiter: delimiter ?? (csv ? ',' : '\t'), null: nullText ?? (csv ? '' : '\\N'), header, quote };
}

/** One row as a line (with its newline), from the values' text forms (null = NULL). */
export function formatCopyRow(values: readonly (string | null)[], f: CopyFormat): string {
  return `${values.map((v) => (v === null ? f.null : f.csv ? csvField(v, f) : textField(v, f.delimiter))).join(f.delimiter)}\n`;
}

function textField(v: string, delimiter: string): string {
  let out = '';
  for (const ch of v) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === delimiter) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function csvField(v: string, f: CopyFormat): string {
  const needs = v === '' || v.includes(f.delimiter) || v.includes(f.quote) || v.includes('\n') || v.includes('\r') || v === f.null;
  return needs ? f.quote + v.split(f.quote).join(f.quote + f.quote) + f.quote : v;
}

/**
 * Splits COPY input into rows of fields (null for NULL), as it arrives:
 * push() text, take whole rows; finish() takes the last row if the input
 * did not end with a newline.
 */
export class CopyParser {
  readonly #f: CopyFormat;
  #pending = '';
  #line = 0;
  #skipHeader: boolean;

  constructor(format: CopyFormat) {
    this.#f = format;
    this.#skipHeader = format.header;
  }

  push(text: string): (string | null)[][] {
    this.#pending += text;
    const rows: (string | null)[][] = [];
    for (;;) {
      const end = this.#f.csv ? csvRecordEnd(this.#pending, this.#f.quote) : this.#pending.indexOf('\n');
      if (end < 0) break;
      const line = this.#pending.slice(0, end).replace(/\r$/, '');
      this.#pending = this.#pending.slice(end + 1);
      this.#take(line, rows);
    }
    return rows;
  }

  finish(): (string | null)[][] {
    const rows: (string | null)[][] = [];
    const rest = this.#pending.replace(/\r?\n?$/, '');
    this.#pending = '';
    if (rest !== '') this.#take(rest, rows);
    return rows;
  }

  #take(line: string, rows: (string | null)[][]): void {
    this.#line++;
    if (this.#skipHeader) {
      this.#skipHeader = false;
      return;
    }
    if (!this.#f.csv && line === '\\.') return; // the old end-of-data marker
    rows.push(this.#f.csv ? parseCsv(line, this.#f, this.#line) : parseText(line, this.#f, this.#line));
  }
}

/** Index of the newline that ends the first CSV record (newlines inside quotes belong to the field), or -1. */
function csvRecordEnd(s: string, quote: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === quote) quoted = !quoted;
    else if (ch === '\n' && !quoted) return i;
  }
  return -1;
}

function parseText(line: string, f: CopyFormat, lineNo: number): (string | null)[] {
  return line.split(f.delimiter).map((raw) => {
    if (raw === f.null) return null;
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = raw[++i];
      if (next === undefined) throw new FlintError(SqlState.invalidTextRepresentation, `end-of-copy marker corrupt (line ${lineNo})`);
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
      if (simple[next] !== undefined) out += simple[next];
      else if (/[0-7]/.test(next)) {
        let digits = next;
        while (digits.length < 3 && /[0-7]/.test(raw[i + 1] ?? '')) digits += raw[++i];
        out += String.fromCharCode(parseInt(digits, 8));
      } else if (next === 'x' && /[0-9a-fA-F]/.test(raw[i + 1] ?? '')) {
        let digits = raw[++i]!;
        if (/[0-9a-fA-F]/.test(raw[i + 1] ?? '')) digits += raw[++i];
        out += String.fromCharCode(parseInt(digits, 16));
      } else out += next;
    }
    return out;
  });
}

function parseCsv(line: string, f: CopyFormat, lineNo: number): (string | null)[] {
  const fields: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === f.quote) {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new FlintError(SqlState.invalidTextRepresentation, `unterminated CSV quoted field (line ${lineNo})`);
        if (line[i] === f.quote) {
          if (line[i + 1] === f.quote) {
            value += f.quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
    } else {
      const end = line.indexOf(f.delimiter, i);
      const raw = line.slice(i, end < 0 ? line.length : end);
      fields.push(raw === f.null ? null : raw);
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) break;
    if (line[i] !== f.delimiter) throw new FlintError(SqlState.invalidTextRepresentation, `extra data after last expected column (line ${lineNo})`);
    i++;
    if (i === line.length) {
      fields.push(f.null === '' ? null : '');
      break;
    }
  }
  return fields;
}
