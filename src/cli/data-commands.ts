// The commands that work on data: `flint shell`, `flint import`,
// `flint export` and `flint check` (main.ts registers them here, so the
// commands file stays a list).
import type { Command } from 'commander';
import { checkDatabase } from '../db/check.ts';
import type { CopyFormat } from '../server/copy.ts';
import type { Backend } from './backend.ts';
import { EmbeddedBackend, toShellError } from './embedded-backend.ts';
import { exportRows, importFile, ImportError } from './import-export.ts';
import { RemoteBackend } from './remote-backend.ts';
import { EXIT_CONNECTION_LOST, runShell } from './shell.ts';

const DEFAULT_DATA = './flint-data';

function fail(command: string, message: string, code?: string): never {
  console.error(`flint ${command}: ${message}${code === undefined ? '' : ` (SQLSTATE ${code})`}`);
  process.exit(1);
}

function copyFormat(o: { format?: string; delimiter?: string; null?: string; header?: boolean; quote?: string }, defaultHeader: boolean, command: string): CopyFormat {
  const format = (o.format ?? 'csv').toLowerCase();
  if (format !== 'csv' && format !== 'text') fail(command, `--format must be csv or text, got ${o.format}`);
  const csv = format === 'csv';
  const delimiter = o.delimiter === undefined ? (csv ? ',' : '\t') : o.delimiter === '\\t' ? '\t' : o.delimiter;
  if ([...delimiter].length !== 1) fail(command, `--delimiter must be one character, got "${delimiter}"`);
  const header = o.header ?? defaultHeader;
  if (header && !csv) fail(command, '--header is available only with --format csv (as COPY HEADER)');
  return { csv, delimiter, null: o.null ?? (csv ? '' : '\\N'), header, quote: o.quote ?? '"' };
}

export function registerDataCommands(program: Command): void {
  program
    .command('shell')
    .description('a psql-like SQL shell on a data directory (created if missing) or a server (postgres://URL)')
    .argument('[target]', 'data directory, :memory:, or postgres://user:password@host:port/database', DEFAULT_DATA)
    .option('-c, --command <sql>', 'run this (SQL or one backslash command) and exit; may be repeated', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('-f, --file <file>', 'run the commands in this file and exit')
    .option('--on-error-stop', 'stop at the first error (exit code 3), as psql -v ON_ERROR_STOP=1')
    .option('--no-history', 'do not read or write ~/.flint_history')
    .action(async (target: string, o: { command: string[]; file?: string; onErrorStop?: boolean; history: boolean }) => {
      let backend: Backend;
      try {
        backend = /^postgres(ql)?:\/\//.test(target) ? await RemoteBackend.connect(target) : new EmbeddedBackend(target);
      } catch (error) {
        const e = toShellError(error);
        console.error(`flint shell: ${e.message} (SQLSTATE ${e.code})`);
        // 55P03: another process (a server, most likely) has the directory open.
        if (e.code === '55P03') console.error('HINT:  if `flint serve` has it open, connect to the server instead: flint shell postgres://USER:PASSWORD@HOST:PORT/flint');
        process.exit(EXIT_CONNECTION_LOST);
      }
      let code: number;
      try {
        code = await runShell(backend, { input: process.stdin, output: process.stdout, errors: process.stderr }, {
          ...(o.command.length > 0 ? { commands: o.command } : {}),
          ...(o.file === undefined ? {} : { file: o.file }),
          onErrorStop: o.onErrorStop === true,
          ...(o.history ? {} : { historyFile: null }),
        });
      } finally {
        await backend.close();
      }
      process.exitCode = code;
    });

  program
    .command('import')
    .description('load a CSV (or COPY text) file into a table, streamed, committed every --batch rows')
    .argument('<file>', 'the file to read')
    .argument('<table>', 'the table to fill')
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option('--header', 'the first line names the columns (matched to the table\'s by name)')
    .option('--no-header', 'no header line: fields fill the table\'s columns in order (the default)')
    .option('--delimiter <char>', 'field delimiter (csv: ",", text: tab)')
    .option('--null <string>', 'the text of NULL (csv: an unquoted empty field, text: \\N)')
    .option('--quote <char>', 'csv quote character', '"')
    .option('--format <format>', 'csv or text (COPY\'s formats)', 'csv')
    .option('--create', 'create the table first, from the header, with text columns (implies --header)')
    .option('--batch <rows>', 'rows per transaction', '10000')
    .action(async (file: string, table: string, o: { data: string; header?: boolean; delimiter?: string; null?: string; quote: string; format: string; create?: boolean; batch: string }) => {
      const batchRows = Number(o.batch);
      if (!Number.isInteger(batchRows) || batchRows < 1) fail('import', `--batch must be a positive integer, got ${o.batch}`);
      const format = copyFormat(o, o.create === true, 'import');
      try {
        const result = await importFile({ file, table, data: o.data, format, create: o.create === true, batchRows, progress: process.stderr.isTTY ? process.stderr : null });
        console.log(`imported ${result.rows} rows into ${table} in ${result.seconds.toFixed(2)} s`);
      } catch (error) {
        if (error instanceof ImportError) {
          const kept = error.committedRows === 0 ? 'no rows were imported' : `${error.committedRows} rows (through line ${error.committedThroughLine}) were committed and stay in ${table}; the batch after them was rolled back`;
          fail('import', `${file}, line ${error.line}: ${error.message} (SQLSTATE ${error.code}); ${kept}`);
        }
        const e = toShellError(error);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') fail('import', `${file}: no such file`);
        fail('import', e.message, e.code);
      }
    });

  program
    .command('export')
    .description('write a table or a query\'s rows as CSV (or COPY text) to a file or stdout, streamed')
    .argument('[table]', 'the table to export (or --query)')
    .argument('[file]', 'output file (default: stdout)')
    .option('--query <sql>', 'export this query\'s rows instead of a table')
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option('--format <format>', 'csv or text', 'csv')
    .option('--header', 'write a header line with the column names (csv)')
    .option('--delimiter <char>', 'field delimiter (csv: ",", text: tab)')
    .option('--null <string>', 'the text of NULL')
    .action((table: string | undefined, file: string | undefined, o: { query?: string; data: string; format: string; header?: boolean; delimiter?: string; null?: string }) => {
      // With --query the one positional argument is the output file.
      if (o.query !== undefined && file === undefined) [file, table] = [table, undefined];
      if ((table === undefined) === (o.query === undefined)) fail('export', 'give a table or --query SQL (not both)');
      const format = copyFormat(o, false, 'export');
      try {
        const result = exportRows({ data: o.data, table: table ?? null, query: o.query ?? null, file: file ?? null, format, progress: file !== undefined && process.stderr.isTTY ? process.stderr : null });
        if (file !== undefined) console.log(`exported ${result.rows} rows to ${file} in ${result.seconds.toFixed(2)} s`);
      } catch (error) {
        const e = toShellError(error);
        fail('export', e.message, e.code);
      }
    });

  program
    .command('check')
    .description('verify a data directory: every checksum (control, catalog, WAL, heap pages) and that every index agrees with its table')
    .argument('<dir>', 'data directory')
    .option('--files-only', 'check the files only: do not open the database (nothing is written)')
    .action((dir: string, o: { filesOnly?: boolean }) => {
      let report;
      try {
        report = checkDatabase(dir, { filesOnly: o.filesOnly === true });
      } catch (error) {
        const e = toShellError(error);
        fail('check', e.message, e.code);
      }
      for (const p of report.problems) console.log(`PROBLEM ${p.file}${p.offset === undefined ? '' : ` offset ${p.offset}`}: ${p.what}`);
      for (const n of report.notes) console.log(`note: ${n}`);
      const summary = `${report.pagesChecked} heap pages, ${report.walRecordsChecked} WAL records, ${report.tablesChecked} tables with ${report.indexesChecked} indexes checked`;
      console.log(report.ok ? `ok: ${summary}` : `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found; ${summary}`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
