// `flint shell [DIR | postgres://URL]`: psql's REPL over a Backend (an
// embedded data directory, or a server through postgres.js).
//
// Input is split into statements at top-level semicolons as psql's lexer
// does (statement-splitter.ts); each statement runs on its own and its
// result prints before the next one runs. A line starting with a backslash
// is a meta-command (\? lists them). Output is psql's: aligned tables (or
// expanded with \x), command tags, "ERROR:  ..." with LINE/caret, DETAIL and
// HINT, notices, on stderr for errors and notices as psql does.
//
// Interactive (a TTY): a banner, prompts showing the database, the
// continuation state and the transaction status (flint=>, flint->,
// flint=*>, flint=!>), history kept in ~/.flint_history (the last 500
// statements, a multi-line statement as one entry), Ctrl-C clears the
// input (or cancels the running statement on a server), Ctrl-D quits.
//
// Not interactive (a script on stdin, -f FILE, -c SQL): as psql, errors are
// printed and the script goes on, exit code 0; --on-error-stop stops at the
// first error with exit code 3. A failed -c command exits with 1.

import { readFileSync, writeFileSync, openSync, closeSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ShellError, type Backend, type ShellResult } from './backend.ts';
import { describeRelation, LIST_KINDS, listDatabases, listRelations, type DescribeOutput } from './describe.ts';
import { RemoteBackend } from './remote-backend.ts';
import { errorPositionLines } from './error-position.ts';
import { splitStatements } from './statement-splitter.ts';
import { formatAligned, formatExpanded } from './table-format.ts';

export interface ShellStreams {
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable;
  readonly errors: Writable;
}

export interface ShellOptions {
  /** Prompts, banner, history and Ctrl-C handling (default: the input is a TTY). */
  readonly interactive?: boolean;
  /** Where history is kept (default $FLINT_HISTORY or ~/.flint_history); null keeps none. */
  readonly historyFile?: string | null;
  /** Statements kept in the history file (psql's HISTSIZE default: 500). */
  readonly historySize?: number;
  /** Stop at the first error (psql's ON_ERROR_STOP); exit code 3. */
  readonly onErrorStop?: boolean;
  /** -c: run these (SQL or one meta-command each) and exit, instead of reading input. */
  readonly commands?: readonly string[];
  /** -f: run this file and exit. */
  readonly file?: string;
}

/** psql's exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_CONNECTION_LOST = 2;
export const EXIT_SCRIPT_ERROR = 3;

const HELP = `General
  \\q                     quit
  \\? 	                 this help
  \\timing [on|off]       toggle timing of commands
  \\x [on|off]            toggle expanded output
Query buffer
  \\g                     send the query buffer (also: end a statement with ;)
  \\p                     show the query buffer
  \\r                     reset (clear) the query buffer
Input/Output
  \\i FILE                execute commands from a file
  \\o [FILE]              send query results to a file (no FILE: back to stdout)
  \\echo TEXT             write text to the output
Informational
  \\d [NAME]              list relations, or describe table, view or index NAME
  \\dt [PATTERN]          list tables
  \\di [PATTERN]          list indexes
  \\dv [PATTERN]          list views
  \\ds [PATTERN]          list sequences
  \\l                     list databases
  \\conninfo              what the shell is connected to
`;

type Outcome = 'ok' | 'error' | 'quit';

export class Shell {
  readonly #backend: Backend;
  readonly #streams: ShellStreams;
  readonly #options: ShellOptions;
  #buffer = '';
  #timing = false;
  #expanded = false;
  /** \o FILE: the file descriptor query output goes to, or null for the output stream. */
  #outFd: number | null = null;
  /** Files being read by \i, innermost last (a file including itself is refused). */
  readonly #including: string[] = [];
  running = false;

  constructor(backend: Backend, streams: ShellStreams, options: ShellOptions = {}) {
    this.#backend = backend;
    this.#streams = streams;
    this.#options = options;
  }

  /** The prompt psql would show now (PROMPT1 or PROMPT2: '%/%R%x%# ' as a non-superuser). */
  get prompt(): string {
    const status = this.#backend.status;
    const x = status === 'T' ? '*' : status === 'E' ? '!' : '';
    const state = this.#buffer === '' ? '=' : splitStatements(this.#buffer).state;
    return `${this.#backend.database}${state}${x}> `;
  }

  get buffer(): string {
    return this.#buffer;
  }

  /** Ctrl-C with no statement running: forget the query buffer. */
  clearBuffer(): void {
    this.#buffer = '';
  }

  #out(text: string): void {
    if (this.#outFd !== null) writeSync(this.#outFd, text);
    else this.#streams.output.write(text);
  }

  #err(text: string): void {
    this.#streams.errors.write(text);
  }

  /** Take one line of input. 'quit' after \q; 'error' if a statement or command in it failed. */
  async line(text: string): Promise<Outcome> {
    if (this.#buffer === '' || ['-', '('].includes(splitStatements(this.#buffer).state)) {
      const trimmed = text.trimStart();
      if (trimmed.startsWith('\\')) return this.#meta(trimmed);
    }
    this.#buffer += `${text}\n`;
    const split = splitStatements(this.#buffer);
    this.#buffer = split.rest;
    let outcome: Outcome = 'ok';
    for (const statement of split.statements) {
      if ((await this.execute(statement)) === 'error') {
        outcome = 'error';
        if (this.#options.onErrorStop === true) {
          this.#buffer = '';
          return outcome;
        }
      }
    }
    return outcome;
  }

  /** Run one statement and print what it returns. */
  async execute(sql: string): Promise<Outcome> {
    if (/^\s*copy\b[\s\S]*\b(stdin|stdout)\b/i.test(sql)) {
      this.#printError(new ShellError({ code: '0A000', message: 'COPY FROM STDIN / TO STDOUT is not supported in flint shell; use flint import / flint export' }), sql);
      return 'error';
    }
    const started = performance.now();
    let results: ShellResult[];
    this.running = true;
    try {
      results = await this.#backend.run(sql, (n) => {
        this.#err(`${n.severity}:  ${n.message}\n${n.detail === undefined ? '' : `DETAIL:  ${n.detail}\n`}${n.hint === undefined ? '' : `HINT:  ${n.hint}\n`}`);
      });
    } catch (error) {
      if (!(error instanceof ShellError)) throw error;
      this.#printError(error, sql);
      this.#printTiming(started);
      return 'error';
    } finally {
      this.running = false;
    }
    for (const result of results) this.#printResult(result);
    this.#printTiming(started);
    return 'ok';
  }

  #printResult(result: ShellResult): void {
    if (result.columns.length === 0) {
      if (result.command !== '') this.#out(`${result.command}\n`);
      return;
    }
    this.#out(`${this.#expanded ? formatExpanded(result) : formatAligned(result)}\n`);
  }

  #printTiming(started: number): void {
    if (!this.#timing) return;
    const ms = performance.now() - started;
    let text = `Time: ${ms.toFixed(3)} ms`;
    if (ms >= 1000) {
      const s = ms / 1000;
      text += ` (${String(Math.floor(s / 60)).padStart(2, '0')}:${(s % 60).toFixed(3).padStart(6, '0')})`;
    }
    this.#out(`${text}\n`);
  }

  /** psql's layout: ERROR, the LINE with a caret under the position, DETAIL, HINT. */
  #printError(error: ShellError, sql: string): void {
    const lines = [`${error.severity}:  ${error.message}`];
    if (error.position !== undefined) lines.push(...errorPositionLines(sql, error.position));
    if (error.detail !== undefined) lines.push(`DETAIL:  ${error.detail}`);
    if (error.hint !== undefined) lines.push(`HINT:  ${error.hint}`);
    this.#err(`${lines.join('\n')}\n`);
  }

  async #meta(text: string): Promise<Outcome> {
    const [command = '', ...args] = splitArgs(text);
    const arg = args[0];
    switch (command) {
      case '\\q':
        return 'quit';
      case '\\?':
        this.#out(HELP);
        return 'ok';
      case '\\timing':
        this.#timing = toggle(arg, this.#timing);
        this.#out(`Timing is ${this.#timing ? 'on' : 'off'}.\n`);
        return 'ok';
      case '\\x':
        this.#expanded = toggle(arg, this.#expanded);
        this.#out(`Expanded display is ${this.#expanded ? 'on' : 'off'}.\n`);
        return 'ok';
      case '\\g':
      case '\\gx': {
        const sql = this.#buffer.trim();
        this.#buffer = '';
        if (sql === '') return 'ok';
        const expanded = this.#expanded;
        if (command === '\\gx') this.#expanded = true;
        try {
          return await this.execute(sql);
        } finally {
          this.#expanded = expanded;
        }
      }
      case '\\p':
        this.#out(this.#buffer === '' ? 'Query buffer is empty.\n' : this.#buffer);
        return 'ok';
      case '\\r':
        this.#buffer = '';
        this.#out('Query buffer reset (cleared).\n');
        return 'ok';
      case '\\echo':
        this.#out(`${args.join(' ')}\n`);
        return 'ok';
      case '\\conninfo':
        this.#out(`You are connected to ${this.#backend.kind === 'embedded' ? `the data directory ${this.#backend.description}` : this.#backend.description}.\n`);
        return 'ok';
      case '\\i':
      case '\\ir':
        if (arg === undefined) return this.#fail('\\i: missing required argument');
        return this.runFile(command === '\\ir' && this.#including.length > 0 ? join(dirname(this.#including[this.#including.length - 1]!), arg) : arg);
      case '\\o':
        if (this.#outFd !== null) closeSync(this.#outFd);
        this.#outFd = null;
        if (arg !== undefined) {
          try {
            this.#outFd = openSync(arg, 'w');
          } catch (error) {
            return this.#fail(`${arg}: ${(error as Error).message}`);
          }
        }
        return 'ok';
      case '\\l':
      case '\\l+':
        return this.#describe(() => listDatabases(this.#backend));
      default:
        break;
    }
    const base = command.replace(/[+S]+$/, '');
    if (base === '\\d' && arg !== undefined) return this.#describe(() => describeRelation(this.#backend, arg));
    if (base in LIST_KINDS) return this.#describe(() => listRelations(this.#backend, base as keyof typeof LIST_KINDS, arg));
    this.#err(`invalid command ${command}\nTry \\? for help.\n`);
    return 'error';
  }

  async #describe(run: () => Promise<DescribeOutput>): Promise<Outcome> {
    let output: DescribeOutput;
    try {
      output = await run();
    } catch (error) {
      if (!(error instanceof ShellError)) throw error;
      this.#printError(error, '');
      return 'error';
    }
    if (output.error !== undefined) {
      this.#err(`${output.error}\n`);
      return 'error';
    }
    this.#out(`${output.text}\n`);
    return 'ok';
  }

  #fail(message: string): Outcome {
    this.#err(`${message}\n`);
    return 'error';
  }

  /** \i FILE (and -f): its lines as if typed; an unfinished last statement runs at the end, as psql does. */
  async runFile(path: string): Promise<Outcome> {
    const full = resolve(path);
    if (this.#including.includes(full)) return this.#fail(`${path}: a file cannot include itself`);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (error) {
      return this.#fail(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (error as Error).message}`);
    }
    this.#including.push(full);
    const saved = this.#buffer;
    this.#buffer = '';
    let outcome: Outcome = 'ok';
    try {
      for (const line of text.replace(/\n$/, '').split('\n')) {
        const result = await this.line(line);
        if (result === 'quit') return 'quit';
        if (result === 'error') {
          outcome = 'error';
          if (this.#options.onErrorStop === true) return outcome;
        }
      }
      if ((await this.finish()) === 'error') outcome = 'error';
    } finally {
      this.#including.pop();
      this.#buffer = saved;
    }
    return outcome;
  }

  /** End of input: psql sends a statement left without its semicolon. */
  async finish(): Promise<Outcome> {
    const rest = this.#buffer.trim();
    this.#buffer = '';
    return rest === '' ? 'ok' : this.execute(rest);
  }

  /** -c: SQL (every statement of it, the last one with or without a semicolon) or one meta-command. */
  async command(text: string): Promise<Outcome> {
    if (text.trimStart().startsWith('\\')) return this.#meta(text.trimStart());
    const split = splitStatements(text);
    const statements = split.rest.trim() === '' ? split.statements : [...split.statements, split.rest.trim()];
    let outcome: Outcome = 'ok';
    for (const statement of statements) {
      if ((await this.execute(statement)) === 'error') {
        outcome = 'error';
        if (this.#options.onErrorStop === true) break;
      }
    }
    return outcome;
  }

  close(): void {
    if (this.#outFd !== null) closeSync(this.#outFd);
    this.#outFd = null;
  }
}

function toggle(arg: string | undefined, current: boolean): boolean {
  if (arg === undefined) return !current;
  return /^(on|true|1|yes)$/i.test(arg);
}

/** A meta-command line's words: whitespace-separated, 'single' or "double" quoted. */
function splitArgs(text: string): string[] {
  const words: string[] = [];
  const pattern = /'((?:[^']|'')*)'|("(?:[^"]|"")*")|(\S+)/g;
  for (const m of text.matchAll(pattern)) words.push(m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] ?? m[3])!);
  // "\dt+" and "\d"+"NAME" glued together ("\dtfoo" is not psql's syntax either, so no split there).
  return words;
}

/** Run the shell over `backend` until \q, end of input or Ctrl-D; returns the exit code. */
export async function runShell(backend: Backend, streams: ShellStreams, options: ShellOptions = {}): Promise<number> {
  const shell = new Shell(backend, streams, options);
  try {
    if (options.commands !== undefined && options.commands.length > 0) {
      for (const c of options.commands) {
        const outcome = await shell.command(c);
        if (outcome === 'quit') break;
        if (outcome === 'error') return EXIT_FAILED;
      }
      return EXIT_OK;
    }
    if (options.file !== undefined) {
      const outcome = await shell.runFile(options.file);
      return outcome === 'error' ? (options.onErrorStop === true ? EXIT_SCRIPT_ERROR : EXIT_OK) : EXIT_OK;
    }
    const interactive = options.interactive ?? streams.input.isTTY === true;
    return interactive ? await interactiveLoop(shell, backend, streams, options) : await scriptLoop(shell, streams, options);
  } finally {
    shell.close();
  }
}

async function scriptLoop(shell: Shell, streams: ShellStreams, options: ShellOptions): Promise<number> {
  const rl = createInterface({ input: streams.input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      const outcome = await shell.line(line);
      if (outcome === 'quit') return EXIT_OK;
      if (outcome === 'error' && options.onErrorStop === true) return EXIT_SCRIPT_ERROR;
    }
    const outcome = await shell.finish();
    if (outcome === 'error' && options.onErrorStop === true) return EXIT_SCRIPT_ERROR;
    return EXIT_OK;
  } finally {
    rl.close();
  }
}

export function defaultHistoryFile(): string {
  return process.env['FLINT_HISTORY'] ?? join(homedir(), '.flint_history');
}

/** History entries, newest first (the order readline keeps), from a file of one entry per line, oldest first. */
export function loadHistory(path: string | null, size: number): string[] {
  if (path === null) return [];
  try {
    return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').slice(-size).reverse();
  } catch {
    return [];
  }
}

export function saveHistory(path: string | null, history: readonly string[], size: number): void {
  if (path === null) return;
  try {
    writeFileSync(path, `${history.slice(0, size).reverse().join('\n')}\n`, { mode: 0o600 });
  } catch {
    // psql, too, goes on without its history file when it cannot write it.
  }
}

async function interactiveLoop(shell: Shell, backend: Backend, streams: ShellStreams, options: ShellOptions): Promise<number> {
  const historyFile = options.historyFile === undefined ? defaultHistoryFile() : options.historyFile;
  const historySize = options.historySize ?? 500;
  const rl: Interface = createInterface({
    input: streams.input,
    output: streams.output,
    terminal: true,
    history: loadHistory(historyFile, historySize),
    historySize,
    removeHistoryDuplicates: false,
  });
  const history = (rl as unknown as { history: string[] }).history;
  streams.output.write(`flint shell (${backend.kind === 'embedded' ? `data directory ${backend.description}` : `server ${backend.description}`})\nType "\\?" for help, "\\q" to quit.\n\n`);
  /** Lines of the statement being typed, to keep it in the history as one entry. */
  let pendingLines = 0;
  rl.on('SIGINT', () => {
    if (shell.running) {
      if (backend instanceof RemoteBackend) backend.cancel();
      return;
    }
    // psql: Ctrl-C forgets the line and the query buffer, and prompts again.
    shell.clearBuffer();
    pendingLines = 0;
    (rl as unknown as { line: string }).line = '';
    streams.output.write('^C\n');
    rl.setPrompt(shell.prompt);
    rl.prompt();
  });
  let exitCode = EXIT_OK;
  try {
    await new Promise<void>((done) => {
      let queue = Promise.resolve();
      let quitting = false;
      rl.on('close', () => {
        if (!quitting) streams.output.write('\\q\n'); // Ctrl-D: psql echoes the \q it stands for
        void queue.then(() => done());
      });
      // Lines typed while a statement runs wait in this queue; the input stays read, so Ctrl-C reaches the SIGINT handler.
      rl.on('line', (line) => {
        queue = queue.then(async () => {
          if (line.trim() !== '') pendingLines++;
          const outcome = await shell.line(line);
          if (shell.buffer === '' && pendingLines > 1) {
            // A multi-line statement is one history entry (readline added each line).
            const lines = history.splice(0, pendingLines).reverse();
            history.unshift(lines.map((l) => l.trim()).join(' '));
          }
          if (shell.buffer === '') pendingLines = 0;
          if (outcome === 'quit') {
            quitting = true;
            rl.close();
            return;
          }
          if (outcome === 'error' && options.onErrorStop === true) {
            exitCode = EXIT_SCRIPT_ERROR;
            quitting = true;
            rl.close();
            return;
          }
          rl.setPrompt(shell.prompt);
          rl.prompt();
        });
      });
      rl.setPrompt(shell.prompt);
      rl.prompt();
    });
  } finally {
    saveHistory(historyFile, history, historySize);
  }
  return exitCode;
}
