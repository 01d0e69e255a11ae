// `flint import FILE TABLE` and `flint export TABLE|--query SQL [FILE]`:
// CSV (or COPY's text format) into and out of a data directory, streamed.
//
// The format is COPY's, and its one owner is src/server/copy.ts: the same
// CopyParser splits the input into rows (a quoted field may hold the
// delimiter, quotes and newlines; an unquoted empty field is NULL) and the
// same formatCopyRow writes them, so a file round-trips through flint and
// through PostgreSQL's COPY alike.
//
// Import reads the file in chunks (memory stays flat whatever its size),
// inserts every row through one prepared INSERT, and commits every
// `batchRows` rows (10,000 by default): a transaction per batch keeps the
// memory of one transaction bounded, where a single transaction over a
// file of gigabytes would not be. A bad row stops the import: its batch
// rolls back, the batches before it stay committed, and the error says
// which line failed and how many rows (up to which line) are in the table.
// With a header, its names pick the table's columns (in any order);
// without one, fields go to the table's columns in order, as COPY does.
// --create makes the table first: the header's names, every column text.
//
// Export reads a table straight from the heap under one snapshot (engine
// scan, one row at a time), or runs a query (whose result the SQL layer
// materializes), and writes synchronously, so memory stays flat for tables.

import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { Database } from '../db/database.ts';
import { FlintError, SqlState } from '../errors.ts';
import { sqlTableOf } from '../sql/catalog.ts';
import { relationKind } from '../sql/exec/engine-catalog.ts';
import { rowDecoder } from '../sql/row-codec.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import { formatText } from '../sql/types/text-io.ts';
import type { Value } from '../sql/types/type-info.ts';
import { CopyParser, formatCopyRow, type CopyFormat } from '../server/copy.ts';

export interface ImportOptions {
  readonly file: string;
  readonly table: string;
  readonly data: string;
  readonly format: CopyFormat;
  /** CREATE TABLE from the header (text columns) first. */
  readonly create: boolean;
  readonly batchRows: number;
  /** Progress bar (on a TTY): where it draws, or null for none. */
  readonly progress: NodeJS.WriteStream | null;
}

export interface ImportResult {
  readonly rows: number;
  readonly seconds: number;
}

/** An import that stopped: the error, the line it happened on, and what was committed before it. */
export class ImportError extends Error {
  readonly code: string;
  readonly line: number;
  readonly committedRows: number;
  readonly committedThroughLine: number;

  constructor(cause: FlintError, line: number, committedRows: number, committedThroughLine: number) {
    super(cause.message);
    this.code = cause.code;
    this.line = line;
    this.committedRows = committedRows;
    this.committedThroughLine = committedThroughLine;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const CHUNK_BYTES = 1 << 20;

export async function importFile(o: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const size = statSync(o.file).size;
  const db = Database.open(o.data);
  const session = db.session();
  const bar = o.progress === null ? null : new SingleBar({
    stream: o.progress,
    format: 'import [{bar}] {percentage}% | {done}/{size} MB | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 50,
  });
  bar?.start(size, 0, { done: '0.0', size: (size / 1e6).toFixed(1), rows: 0, rate: 0 });
  // Records read so far (the header included): the "line" of errors, as COPY counts them.
  let line = 0;
  let rows = 0;
  let committedRows = 0;
  let committedThroughLine = 0;
  let inBatch = 0;
  let open = false;
  let insert: ReturnType<typeof session.parse>[number]['statement'] | null = null;
  let targetColumns = 0;
  const paramTypes: never[] = [];
  const run = (sql: string) => session.run(session.parse(sql)[0]!.statement);
  const prepare = (header: (string | null)[] | null) => {
    if (o.create) {
      if (header === null) throw new FlintError(SqlState.invalidParameterValue, '--create needs a header line to name the columns');
      run(`CREATE TABLE ${quoteIdent(o.table)} (${header.map((h, i) => `${quoteIdent(h ?? `column${i + 1}`)} text`).join(', ')})`);
    }
    const all = session.describe(session.parse(`SELECT * FROM ${quoteIdent(o.table)}`)[0]!.statement, []) ?? [];
    let names = all.map((c) => c.name);
    if (header !== null) {
      for (const h of header) {
        if (h === null || !names.includes(h)) throw new FlintError(SqlState.undefinedColumn, `column "${h ?? ''}" of relation "${o.table}" does not exist (the header names the columns)`);
      }
      names = header as string[];
    }
    targetColumns = names.length;
    insert = session.parse(`INSERT INTO ${quoteIdent(o.table)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`)[0]!.statement;
  };
  const take = (batch: (string | null)[][]) => {
    for (const row of batch) {
      line++;
      if (insert === null) {
        if (o.format.header) {
          prepare(row);
          continue;
        }
        prepare(null);
      }
      if (row.length !== targetColumns) {
        throw new FlintError(SqlState.badCopyFileFormat, row.length < targetColumns ? `missing data for column ${row.length + 1}` : 'extra data after last expected column');
      }
      if (!open) {
        run('BEGIN');
        open = true;
      }
      session.run(insert!, row, paramTypes);
      rows++;
      if (++inBatch >= o.batchRows) commit();
    }
  };
  const commit = () => {
    if (!open) return;
    run('COMMIT');
    open = false;
    inBatch = 0;
    committedRows = rows;
    committedThroughLine = line;
  };
  try {
    // The header goes through the same parser as the rows (it may be quoted), so the parser skips nothing.
    const parser = new CopyParser({ ...o.format, header: false });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let bytes = 0;
    let first = true;
    try {
      for await (const chunk of createReadStream(o.file, { highWaterMark: CHUNK_BYTES })) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        let text = decoder.decode(buf, { stream: true });
        if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark
        first = false;
        take(parser.push(text));
        if (bar !== null) {
          const seconds = (performance.now() - started) / 1000;
          bar.update(bytes, { done: (bytes / 1e6).toFixed(1), rows, rate: seconds > 0 ? Math.round(rows / seconds) : 0 });
        }
      }
      take(parser.push(decoder.decode()));
      take(parser.finish());
      if (insert === null) prepare(null); // an empty file: still check the table exists
      commit();
    } catch (error) {
      if (open) {
        run('ROLLBACK');
        open = false;
      }
      if (error instanceof TypeError && /encoded data was not valid/i.test(error.message)) {
        throw new ImportError(new FlintError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"'), line + 1, committedRows, committedThroughLine);
      }
      if (!(error instanceof FlintError)) throw error;
      // A parse error names its line itself; others happened on the row just taken.
      const at = /\(line (\d+)\)$/.exec(error.message);
      const failed = at === null ? line : Number(at[1]);
      const cause = at === null ? error : new FlintError(error.code, error.message.slice(0, at.index).trimEnd());
      throw new ImportError(cause, failed, committedRows, committedThroughLine);
    }
  } finally {
    bar?.stop();
    session.close();
    db.close();
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

export interface ExportOptions {
  readonly data: string;
  /** A table name, or null with `query`. */
  readonly table: string | null;
  readonly query: string | null;
  /** Output file, or null for stdout. */
  readonly file: string | null;
  readonly format: CopyFormat;
  readonly progress: NodeJS.WriteStream | null;
}

/** Export rows; returns how many. */
export function exportRows(o: ExportOptions): { rows: number; seconds: number } {
  const started = performance.now();
  const db = Database.open(o.data);
  const session = db.session();
  const fd = o.file === null ? 1 : openSync(o.file, 'w');
  const context = { timeZone: session.timeZone } as EvalContext;
  let pending = '';
  let rows = 0;
  const flush = () => {
    if (pending === '') return;
    writeAll(fd, pending);
    pending = '';
  };
  const write = (line: string) => {
    pending += line;
    if (pending.length >= 1 << 20) flush();
  };
  let bar: SingleBar | null = null;
  try {
    if (o.table !== null) {
      const def = db.engine.table(o.table);
      if (def === undefined || relationKind(def) !== 'table') {
        if (def !== undefined && relationKind(def) === 'view') return exportQuery(`SELECT * FROM ${quoteIdent(o.table)}`);
        throw new FlintError(SqlState.undefinedTable, `relation "${o.table}" does not exist`);
      }
      const table = sqlTableOf(def);
      const decode = rowDecoder(table);
      if (o.format.header) write(formatCopyRow(table.columns.map((c) => c.name), o.format));
      const txn = db.engine.begin();
      // Rows visible now: the bar's total (counting is a scan too, without decoding: cheap next to formatting).
      let total = 0;
      if (o.progress !== null) {
        db.engine.scan(txn, def.id, () => void total++);
        bar = startBar(o.progress, 'export', total);
      }
      try {
        db.engine.scan(txn, def.id, (_tid, stored, storedCount) => {
          const values = decode(stored, storedCount);
          write(formatCopyRow(table.columns.map((c, i) => {
            const v = values[i];
            return v === null || v === undefined ? null : formatText(v as Value, c.type, context);
          }), o.format));
          rows++;
          if (bar !== null && rows % 1000 === 0) bar.update(rows);
        });
      } finally {
        db.engine.commit(txn);
      }
    } else {
      return exportQuery(o.query!);
    }
    flush();
    bar?.update(rows);
  } finally {
    bar?.stop();
    if (fd !== 1) closeSync(fd);
    session.close();
    db.close();
  }
  return { rows, seconds: (performance.now() - started) / 1000 };

  function exportQuery(sql: string): { rows: number; seconds: number } {
    const results = session.execute(sql);
    const result = results[results.length - 1];
    if (result === undefined || result.columns.length === 0) throw new FlintError(SqlState.syntaxError, 'the query returns no rows to export (use a SELECT)');
    if (o.format.header) write(formatCopyRow(result.columns.map((c) => c.name), o.format));
    bar = o.progress === null ? null : startBar(o.progress, 'export', result.rows.length);
    for (const row of result.rows) {
      write(formatCopyRow(result.columns.map((c, i) => {
        const v = row[i];
        return v === null || v === undefined ? null : formatText(v as Value, c.type, context);
      }), o.format));
      rows++;
      if (bar !== null && rows % 1000 === 0) bar.update(rows);
    }
    flush();
    bar?.update(rows);
    return { rows, seconds: (performance.now() - started) / 1000 };
  }
}

function startBar(stream: NodeJS.WriteStream, what: string, total: number): SingleBar {
  const bar = new SingleBar({ stream, format: `${what} [{bar}] {percentage}% | {value}/{total} rows | ETA {eta_formatted}`, hideCursor: true });
  bar.start(total, 0);
  return bar;
}

/** writeSync until everything is written (stdout may be a non-blocking pipe: retry on EAGAIN). */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
