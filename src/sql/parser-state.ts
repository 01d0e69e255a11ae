// The parser's cursor over the token array, with the small helpers every
// grammar file uses: keyword and operator tests, names, errors, and the
// nesting limit.
//
// The grammar itself is in parse-*.ts as functions of a Parser. It is
// recursive descent; expressions use precedence climbing (parse-expr.ts).

import { FlintError, SqlState } from '../errors.ts';
import type { Ident, QualifiedName } from './ast.ts';
import { KW_COL_NAME, KW_RESERVED, KW_TYPE_FUNC, keywordCategory, needsAsLabel } from './keywords.ts';
import { TK_EOF, TK_ERROR, TK_IDENT, TK_OP, TK_QIDENT, type Token, tokenize } from './lexer.ts';
import { sqlError } from './sql-error.ts';

/**
 * Nesting budget. Every construct the parser handles by recursion spends one
 * unit per level while it is open (a parenthesised expression two: the
 * parentheses and the expression inside), and every operator applied in a
 * chain spends one, so the tree's depth stays below it and the binder's
 * recursion over the tree is safe. Deeper input fails with 54001; about 500
 * nested parentheses, or 1000 chained operators, fit.
 */
export const MAX_NESTING_DEPTH = 1000;

export class Parser {
  readonly sql: string;
  readonly tokens: readonly Token[];
  readonly lexError: FlintError | null;
  /** The current token. */
  tok: Token;
  /** Index of the current token. */
  index = 0;
  /** Current nesting depth (see MAX_NESTING_DEPTH). */
  depth = 0;
  /** `?` parameters seen in the current statement. */
  questionMarks = 0;
  readonly #last: number;

  constructor(sql: string) {
    const { tokens, error } = tokenize(sql);
    this.sql = sql;
    this.tokens = tokens;
    this.lexError = error;
    this.#last = tokens.length - 1;
    this.tok = tokens[0]!;
  }

  /** The token `k` ahead of the current one (the last token, EOF or ERROR, beyond the end). */
  peek(k: number): Token {
    return this.tokens[Math.min(this.index + k, this.#last)]!;
  }

  /** Consumes the current token and returns it. Never moves past the last token. */
  advance(): Token {
    const t = this.tok;
    if (this.index < this.#last) this.tok = this.tokens[++this.index]!;
    return t;
  }

  /** Moves back to token `index` (for the rare places that try one reading, then another). */
  reset(index: number): void {
    this.index = index;
    this.tok = this.tokens[index]!;
  }

  // --- keywords and operators

  isKw(word: string): boolean {
    const t = this.tok;
    return t.kind === TK_IDENT && t.value === word;
  }

  isKwAt(k: number, word: string): boolean {
    const t = this.peek(k);
    return t.kind === TK_IDENT && t.value === word;
  }

  acceptKw(word: string): boolean {
    const t = this.tok;
    if (t.kind === TK_IDENT && t.value === word) {
      this.advance();
      return true;
    }
    return false;
  }

  expectKw(word: string): Token {
    const t = this.tok;
    if (t.kind !== TK_IDENT || t.value !== word) this.fail();
    return this.advance();
  }

  /** Accepts the keywords `words` in sequence, or none of them. */
  acceptKws(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKwAt(k, words[k]!)) return false;
    for (let k = 0; k < words.length; k++) this.advance();
    return true;
  }

  isOp(op: string): boolean {
    const t = this.tok;
    return t.kind === TK_OP && t.value === op;
  }

  isOpAt(k: number, op: string): boolean {
    const t = this.peek(k);
    return t.kind === TK_OP && t.value === op;
  }

  acceptOp(op: string): boolean {
    const t = this.tok;
    if (t.kind === TK_OP && t.value === op) {
      this.advance();
      return true;
    }
    return false;
  }

  expectOp(op: string): Token {
    const t = this.tok;
    if (t.kind !== TK_OP || t.value !== op) this.fail();
    return this.advance();
  }

  /** End of a statement: `;` or end of input. */
  atStatementEnd(): boolean {
    const t = this.tok;
    return t.kind === TK_EOF || (t.kind === TK_OP && t.value === ';');
  }

  // --- errors

  /** A syntax error at `t` (the current token by default), worded as PostgreSQL words it. */
  fail(t: Token = this.tok): never {
    if (t.kind === TK_ERROR && this.lexError !== null) throw this.lexError;
    if (t.kind === TK_EOF || t.kind === TK_ERROR) throw sqlError(this.sql, t.pos, 'syntax error at end of input');
    throw sqlError(this.sql, t.pos, `syntax error at or near "${this.sql.slice(t.pos, t.end)}"`);
  }

  /** An error with its own message at offset `pos`. The lexer's error wins if the current token is it. */
  failWith(pos: number, message: string, code: string = SqlState.syntaxError): never {
    if (this.tok.kind === TK_ERROR && this.lexError !== null && this.tok.pos <= pos) throw this.lexError;
    throw sqlError(this.sql, pos, message, code);
  }

  /** Enters one nesting level; fails with 54001 beyond MAX_NESTING_DEPTH. */
  enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw sqlError(
        this.sql,
        this.tok.pos,
        `stack depth limit exceeded: statement nested deeper than ${MAX_NESTING_DEPTH} levels`,
        SqlState.statementTooComplex,
      );
    }
  }

  leave(): void {
    this.depth--;
  }

  // --- names

  /** Whether `t` can be a column, table or alias name (PostgreSQL's ColId). */
  isColId(t: Token = this.tok): boolean {
    if (t.kind === TK_QIDENT) return true;
    if (t.kind !== TK_IDENT) return false;
    const category = keywordCategory(t.value);
    return category === 0 || category === KW_COL_NAME;
  }

  /** Whether `t` can be a function or type name (type_function_name). */
  isTypeFuncName(t: Token = this.tok): boolean {
    if (t.kind === TK_QIDENT) return true;
    if (t.kind !== TK_IDENT) return false;
    const category = keywordCategory(t.value);
    return category === 0 || category === KW_TYPE_FUNC;
  }

  /** Whether `t` is a word that is no keyword with restrictions (NonReservedWord without col_name). */
  isPlainName(t: Token = this.tok): boolean {
    return t.kind === TK_QIDENT || (t.kind === TK_IDENT && keywordCategory(t.value) === 0);
  }

  /** Whether `t` is any word, reserved or not (ColLabel). */
  isLabel(t: Token = this.tok): boolean {
    return t.kind === TK_IDENT || t.kind === TK_QIDENT;
  }

  /** Whether `t` may label a select target without AS (BareColLabel). */
  isBareLabel(t: Token = this.tok): boolean {
    return t.kind === TK_QIDENT || (t.kind === TK_IDENT && !needsAsLabel(t.value));
  }

  isReserved(t: Token = this.tok): boolean {
    return t.kind === TK_IDENT && keywordCategory(t.value) === KW_RESERVED;
  }

  colId(): string {
    if (!this.isColId()) this.fail();
    return this.advance().value;
  }

  colLabel(): string {
    if (!this.isLabel()) this.fail();
    return this.advance().value;
  }

  /** A ColId with its position. */
  ident(): Ident {
    const pos = this.tok.pos;
    return { name: this.colId(), pos };
  }

  /** `(name, ...)` of ColIds. */
  identList(): Ident[] {
    this.expectOp('(');
    const names: Ident[] = [];
    do names.push(this.ident());
    while (this.acceptOp(','));
    this.expectOp(')');
    return names;
  }

  /** `(name, ...)` of ColIds, as strings. */
  nameList(): string[] {
    return this.identList().map((id) => id.name);
  }

  /** ColId ('.' ColLabel)*, as parts. */
  dottedName(): { parts: string[]; pos: number } {
    const pos = this.tok.pos;
    const parts = [this.colId()];
    while (this.isOp('.') && this.isLabel(this.peek(1))) {
      this.advance();
      parts.push(this.advance().value);
    }
    return { parts, pos };
  }

  /** A table-like name: `t`, `s.t`, or `db.s.t` (the catalog is dropped). */
  qualifiedName(): QualifiedName {
    const { parts, pos } = this.dottedName();
    return this.toQualifiedName(parts, pos);
  }

  toQualifiedName(parts: readonly string[], pos: number): QualifiedName {
    if (parts.length > 3) {
      this.failWith(pos, `improper qualified name (too many dotted names): ${parts.join('.')}`);
    }
    const name = parts[parts.length - 1]!;
    const schema = parts.length >= 2 ? parts[parts.length - 2]! : null;
    return { schema, name, pos };
  }
}
