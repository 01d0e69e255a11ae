// The golden script format: parsing a .sql script into cases, rendering
// results the way they are written in the script, and rewriting a script's
// expected outputs (UPDATE_GOLDEN=1). The format is described in README.md
// beside this file and at the top of golden.test.ts; the PostgreSQL checker
// (scripts/golden-postgres.ts) renders PostgreSQL's results with the same
// functions, so a script can be compared against both engines.

/** One case: a statement, the session it runs in, and the output expected from it. */
export interface GoldenCase {
  /** Session name: 'default', or the name in a `[s1]` prefix. */
  readonly session: string;
  /** The SQL text, `>` prefixes removed, lines joined with '\n'. */
  readonly sql: string;
  /** 1-based line of the case's first `>` line (for messages). */
  readonly line: number;
  /** The expected output lines. */
  readonly expected: readonly string[];
  /** Index (0-based) in the file's lines of the first expected line, and one past the last. */
  readonly expectedStart: number;
  readonly expectedEnd: number;
  /** False after a `# pg-check: off` comment (until `# pg-check: on`): the PostgreSQL checker skips it. */
  readonly pgCheck: boolean;
  /**
   * True after a `# KNOWN DIFFERENCE: ...` comment: the golden holds Flint's
   * output, which is known to differ from PostgreSQL's (the comment says how).
   */
  readonly knownDifference: boolean;
}

/** A `[restart]` line: close every session and the database, then reopen it from the same storage. */
export interface GoldenRestart {
  readonly kind: 'restart';
  readonly line: number;
}

export type GoldenStep = ({ readonly kind: 'case' } & GoldenCase) | GoldenRestart;

export interface GoldenScript {
  readonly lines: readonly string[];
  readonly steps: readonly GoldenStep[];
}

/** The session a case runs in when its `>` line has no `[name]` prefix. */
export const DEFAULT_SESSION = 'default';

const STATEMENT_LINE = /^(?:\[([A-Za-z0-9_]+)\]\s*)?>(?: (.*)|)$/;
const RESTART_LINE = /^\[restart\]\s*$/;
const PG_CHECK_LINE = /^#\s*pg-check:\s*(on|off)\b/;
const KNOWN_DIFFERENCE_LINE = /^#\s*KNOWN DIFFERENCE\b/;

export class GoldenSyntaxError extends Error {
  constructor(path: string, line: number, message: string) {
    super(`${path}:${line}: ${message}`);
    this.name = 'GoldenSyntaxError';
  }
}

/** Split a script into its steps. Lines between cases (blank or `#` comments) are kept verbatim. */
export function parseGolden(text: string, path: string): GoldenScript {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const steps: GoldenStep[] = [];
  let pgCheck = true;
  let knownDifference = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      const toggle = PG_CHECK_LINE.exec(line);
      if (toggle !== null) pgCheck = toggle[1] === 'on';
      if (KNOWN_DIFFERENCE_LINE.test(line)) knownDifference = true;
      i++;
      continue;
    }
    if (RESTART_LINE.test(line)) {
      steps.push({ kind: 'restart', line: i + 1 });
      i++;
      continue;
    }
    const first = STATEMENT_LINE.exec(line);
    if (first === null) throw new GoldenSyntaxError(path, i + 1, `expected "> SQL", "[name] > SQL", "[restart]", a # comment or a blank line, got: ${line}`);
    const session = first[1] ?? DEFAULT_SESSION;
    const start = i;
    const sql: string[] = [];
    while (i < lines.length) {
      const match = STATEMENT_LINE.exec(lines[i]!);
      if (match === null) break;
      if (match[1] !== undefined && match[1] !== session) {
        throw new GoldenSyntaxError(path, i + 1, `a statement continues in session [${session}] but this line names [${match[1]}]`);
      }
      sql.push(match[2] ?? '');
      i++;
    }
    if (lines[i] !== '---') throw new GoldenSyntaxError(path, i + 1, 'expected "---" after the statement');
    i++;
    const expectedStart = i;
    while (i < lines.length && lines[i] !== '') i++;
    steps.push({
      kind: 'case', session, sql: sql.join('\n'), line: start + 1,
      expected: lines.slice(expectedStart, i), expectedStart, expectedEnd: i, pgCheck, knownDifference,
    });
    knownDifference = false;
  }
  return { lines, steps };
}

/** The script with each case's expected output replaced by `actual` (by case index). */
export function rewriteGolden(script: GoldenScript, actual: readonly (readonly string[])[]): string {
  const out: string[] = [];
  let next = 0;
  let caseIndex = 0;
  for (const step of script.steps) {
    if (step.kind !== 'case') continue;
    out.push(...script.lines.slice(next, step.expectedStart));
    out.push(...(actual[caseIndex] ?? step.expected));
    next = step.expectedEnd;
    caseIndex++;
  }
  out.push(...script.lines.slice(next));
  return out.join('\n') + '\n';
}

/** Two outputs are equal when their lines are equal ignoring trailing whitespace. */
export function sameOutput(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, i) => line.trimEnd() === b[i]!.trimEnd());
}

// ---------------------------------------------------------------------------
// Rendering

/** How NULL is shown in a result table (psql: `\pset null NULL`). */
export const NULL_TEXT = 'NULL';

export interface ResultColumn {
  readonly name: string;
  /** Numbers are right-aligned, as psql does for numeric types. */
  readonly numeric: boolean;
}

/**
 * A result table as psql's aligned format prints it: centred headers, a
 * separator, cells padded to the column width (numbers right-aligned), a `+`
 * where a multi-line value continues, and the row count. Trailing spaces are
 * dropped, except that a line never becomes empty (it would end the case).
 */
export function renderTable(columns: readonly ResultColumn[], rows: readonly (readonly (string | null)[])[]): string[] {
  // psql prints a table without columns as a bare separator.
  if (columns.length === 0) return ['--', `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`];
  const cells = rows.map((row) => columns.map((_, c) => (row[c] ?? NULL_TEXT).split('\n')));
  const widths = columns.map((col, c) => Math.max(width(col.name), ...cells.map((row) => Math.max(...row[c]!.map(width)))));
  const out: string[] = [];
  out.push(
    columns
      .map((col, c) => {
        const pad = widths[c]! - width(col.name);
        const left = Math.floor(pad / 2);
        return ' ' + ' '.repeat(left) + col.name + ' '.repeat(pad - left) + ' ';
      })
      .join('|'),
  );
  out.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const row of cells) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let h = 0; h < height; h++) {
      let line = '';
      columns.forEach((col, c) => {
        const lines = row[c]!;
        const text = lines[h] ?? '';
        const pad = ' '.repeat(widths[c]! - width(text));
        const continues = h < lines.length - 1;
        if (c > 0) line += '|';
        line += ' ' + (col.numeric ? pad + text : text + pad) + (continues ? '+' : ' ');
      });
      out.push(line);
    }
  }
  out.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`);
  return out.map((line) => line.trimEnd() || ' ');
}

/** Display width: code points (psql counts East Asian wide characters twice; the scripts avoid them). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface StatementOutput {
  /** Command tag: SELECT 3, INSERT 0 1, CREATE TABLE, ... */
  readonly command: string;
  /** Result columns; empty for statements that return no rows. */
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/**
 * One statement's output: a table for statements that return rows (followed
 * by the command tag for INSERT/UPDATE/DELETE ... RETURNING, as psql does),
 * the command tag otherwise.
 */
export function renderResult(result: StatementOutput): string[] {
  if (result.columns.length === 0 && !/^SELECT\b/.test(result.command)) return [result.command];
  const table = renderTable(result.columns, result.rows);
  return /^(INSERT|UPDATE|DELETE|MERGE)\b/.test(result.command) ? [...table, result.command] : table;
}

export interface ErrorOutput {
  readonly code: string;
  readonly message: string;
  readonly detail?: string | undefined;
  /** 1-based character position in the statement; printed for syntax errors only. */
  readonly position?: number | undefined;
}

/** `ERROR <SQLSTATE>: <message>[ at position N]` and, when there is one, `DETAIL: <detail>`. */
export function renderError(error: ErrorOutput): string[] {
  const at = error.code === SYNTAX_ERROR && error.position !== undefined ? ` at position ${error.position}` : '';
  const out = [`ERROR ${error.code}: ${error.message}${at}`];
  if (error.detail !== undefined && error.detail !== '') out.push(...`DETAIL: ${error.detail}`.split('\n'));
  return out;
}

const SYNTAX_ERROR = '42601';
