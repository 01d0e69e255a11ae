// Where statements end in what the user typed, as psql's lexer finds them:
// at a semicolon outside quotes ('...', E'...', "..."), dollar quotes
// ($$...$$, $tag$...$tag$), comments (-- to the end of the line, nested
// /* */) and parentheses. The shell sends each statement on its own, as psql
// does, so each one's result (or error) shows before the next one runs.

/** What an unfinished statement is inside of, as psql's %R prompt shows it. */
export type ContinuationState = '-' | "'" | '"' | '$' | '*' | '(';

export interface SplitResult {
  /** Complete statements, each with its semicolon. */
  readonly statements: string[];
  /** Text after the last complete statement ('' if only blanks and comments). */
  readonly rest: string;
  /** What `rest` is inside of ('-' when nothing). */
  readonly state: ContinuationState;
}

export function splitStatements(text: string): SplitResult {
  const statements: string[] = [];
  let start = 0;
  let depth = 0;
  let i = 0;
  const n = text.length;
  let state: ContinuationState = '-';
  while (i < n) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (ch === '/' && next === '*') {
      let nest = 1;
      i += 2;
      while (i < n && nest > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (nest++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (nest--, (i += 2));
        else i++;
      }
      if (nest > 0) state = '*';
    } else if (ch === "'") {
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (escapes && c === '\\') i += 2;
        else if (c === "'" && text[i + 1] === "'") i += 2;
        else if (c === "'") {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) state = "'";
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < n) {
        if (text[i] === '"' && text[i + 1] === '"') i += 2;
        else if (text[i] === '"') {
          i++;
          closed = true;
          break;
        } else i++;
      }
      if (!closed) state = '"';
    } else if (ch === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (tag === null) {
        i++;
      } else {
        const end = text.indexOf(tag[0], i + tag[0].length);
        if (end < 0) {
          state = '$';
          i = n;
        } else i = end + tag[0].length;
      }
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (ch === ';' && depth === 0) {
      statements.push(text.slice(start, i + 1).trim());
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  const rest = text.slice(start);
  if (state === '-' && depth > 0) state = '(';
  return { statements, rest: state === '-' && isBlank(rest) ? '' : rest, state };
}

/** Only whitespace and comments. */
function isBlank(text: string): boolean {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}
