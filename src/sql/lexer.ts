// The SQL lexer: a hand-written scanner over char codes, PostgreSQL's rules
// (src/backend/parser/scan.l) with standard_conforming_strings on.
//
// tokenize() turns the whole text into an array of tokens ending with an EOF
// token. A lexical error (unterminated string, bad escape, ...) does not throw
// at once: it ends the array with an ERROR token carrying the error, and the
// parser throws it when it reaches that token. So, as in PostgreSQL, which
// lexes on demand, a syntax error earlier in the text is reported first.
//
// Words are not classified here: every unquoted word is an IDENT token whose
// value is the word folded to lower case (ASCII letters only, as PostgreSQL
// does for UTF-8), and the parser recognises keywords by that value.

import { FlintError, SqlState } from '../errors.ts';
import { sqlError } from './sql-error.ts';

/** End of input. `pos` is the text's length. */
export const TK_EOF = 0;
/** Unquoted word; `value` is folded to lower case. Keywords are IDENT tokens too. */
export const TK_IDENT = 1;
/** "Quoted identifier"; `value` is exact, with "" unescaped. */
export const TK_QIDENT = 2;
/** String constant in any form ('..', E'..', $$..$$, U&'..', N'..'); `value` is the decoded text. */
export const TK_STRING = 3;
/** B'..' or X'..'; `value` is the raw digits, `flag` is 1 for X (hex), 0 for B. */
export const TK_BITSTRING = 4;
/** Numeric constant; `value` is normalised (see below), `flag` is NUM_INTEGER, NUM_DECIMAL or NUM_EXPONENT. */
export const TK_NUMBER = 5;
/** $n parameter; `flag` is n. (`?` is an OP token: the parser decides whether it is a parameter.) */
export const TK_PARAM = 6;
/** Operator or punctuation; `value` is its text ('!=' is normalised to '<>'). */
export const TK_OP = 7;
/** A lexical error; always the last token. The error is LexResult.error. */
export const TK_ERROR = 8;
/** A character that starts no token (`\\`, a lone `$`, ...); the parser rejects it. */
export const TK_OTHER = 9;

export const NUM_INTEGER = 0;
export const NUM_DECIMAL = 1;
export const NUM_EXPONENT = 2;

export interface Token {
  readonly kind: number;
  /** 0-based UTF-16 offset of the token's first character. */
  readonly pos: number;
  /** Offset just past the token's last character. */
  readonly end: number;
  readonly value: string;
  readonly flag: number;
}

export interface LexResult {
  /** Tokens, ending with one TK_EOF or TK_ERROR token. */
  readonly tokens: Token[];
  /** The error the TK_ERROR token stands for, or null. */
  readonly error: FlintError | null;
}

// Character classes of ASCII codes; every code unit >= 128 is an identifier character.
const C_IDENT_START = 1;
const C_IDENT_CONT = 2;
const C_DIGIT = 4;
const C_OP = 8;
const C_SPACE = 16;
const C_HEX = 32;
const CLASS = new Uint8Array(128);
for (let c = 65; c <= 90; c++) CLASS[c] = C_IDENT_START | C_IDENT_CONT;
for (let c = 97; c <= 122; c++) CLASS[c] = C_IDENT_START | C_IDENT_CONT;
CLASS[95] = C_IDENT_START | C_IDENT_CONT; // _
CLASS[36] = C_IDENT_CONT; // $
for (let c = 48; c <= 57; c++) CLASS[c] = C_IDENT_CONT | C_DIGIT | C_HEX;
for (const ch of 'abcdefABCDEF') CLASS[ch.charCodeAt(0)]! |= C_HEX;
for (const ch of '~!@#^&|`?+-*/%<>=') CLASS[ch.charCodeAt(0)]! |= C_OP;
for (const c of [32, 9, 10, 13, 12, 11]) CLASS[c] = C_SPACE;

function cls(c: number): number {
  return c < 128 ? CLASS[c]! : c === c ? C_IDENT_START | C_IDENT_CONT : 0; // NaN (past the end) has no class
}

const QUOTE = 39; // '
const DQUOTE = 34; // "
const BACKSLASH = 92;

/** Characters that, anywhere in an operator, let it end in + or - (scan.l). */
function isNonMathOpChar(c: number): boolean {
  // ~ ! @ # ^ & | ` ? %
  return c === 126 || c === 33 || c === 64 || c === 35 || c === 94 || c === 38 || c === 124 || c === 96 || c === 63 || c === 37;
}

class LexError {
  constructor(readonly offset: number, readonly message: string, readonly code: string = SqlState.syntaxError) {}
}

class Lexer {
  readonly sql: string;
  readonly n: number;
  readonly tokens: Token[] = [];

  constructor(sql: string) {
    this.sql = sql;
    this.n = sql.length;
  }

  push(kind: number, pos: number, end: number, value: string, flag: number): void {
    this.tokens.push({ kind, pos, end, value, flag });
  }

  /** `at or near "..."` text for an error at `offset`: from there to the end of the input. */
  near(offset: number): string {
    return this.sql.slice(offset);
  }

  run(): void {
    const sql = this.sql;
    const n = this.n;
    let i = 0;
    while (i < n) {
      const c = sql.charCodeAt(i);
      const k = cls(c);
      if (k & C_SPACE) {
        i++;
        continue;
      }
      if (c === 45 && sql.charCodeAt(i + 1) === 45) {
        i = this.skipLineComment(i + 2);
        continue;
      }
      if (c === 47 && sql.charCodeAt(i + 1) === 42) {
        i = this.skipBlockComment(i);
        continue;
      }
      if (k & C_IDENT_START) {
        i = this.word(i, c);
        continue;
      }
      if (k & C_DIGIT || (c === 46 && cls(sql.charCodeAt(i + 1)) & C_DIGIT)) {
        i = this.number(i);
        continue;
      }
      if (c === QUOTE) {
        i = this.standardString(i, i);
        continue;
      }
      if (c === DQUOTE) {
        i = this.quotedIdent(i, i, false);
        continue;
      }
      if (c === 36) {
        i = this.dollar(i);
        continue;
      }
      if (c === 63) {
        i = this.questionMark(i);
        continue;
      }
      if (k & C_OP) {
        i = this.operator(i);
        continue;
      }
      if (c === 58) {
        // : :: :=
        const d = sql.charCodeAt(i + 1);
        if (d === 58) this.push(TK_OP, i, i + 2, '::', 0);
        else if (d === 61) this.push(TK_OP, i, i + 2, ':=', 0);
        else this.push(TK_OP, i, i + 1, ':', 0);
        i += d === 58 || d === 61 ? 2 : 1;
        continue;
      }
      if (c === 44 || c === 40 || c === 41 || c === 91 || c === 93 || c === 59 || c === 46) {
        // , ( ) [ ] ; .
        this.push(TK_OP, i, i + 1, sql[i]!, 0);
        i++;
        continue;
      }
      const end = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? i + 2 : i + 1;
      this.push(TK_OTHER, i, end, sql.slice(i, end), 0);
      i = end;
    }
  }

  skipLineComment(i: number): number {
    const sql = this.sql;
    const n = this.n;
    while (i < n) {
      const c = sql.charCodeAt(i);
      if (c === 10 || c === 13) return i + 1;
      i++;
    }
    return n;
  }

  /** Skips a (nested) block comment starting at `start`. */
  skipBlockComment(start: number): number {
    const sql = this.sql;
    const n = this.n;
    let depth = 1;
    let i = start + 2;
    while (i < n) {
      const c = sql.charCodeAt(i);
      if (c === 42 && sql.charCodeAt(i + 1) === 47) {
        i += 2;
        if (--depth === 0) return i;
      } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
        i += 2;
        depth++;
      } else {
        i++;
      }
    }
    throw new LexError(start, `unterminated /* comment at or near "${this.near(start)}"`);
  }

  /** An identifier or keyword, or a prefixed string: E'..', B'..', X'..', N'..', U&'..', U&"..". */
  word(start: number, c: number): number {
    const sql = this.sql;
    const next = sql.charCodeAt(start + 1);
    if (next === QUOTE) {
      const lower = c | 32;
      if (lower === 101) return this.escapeString(start, start + 1); // E
      if (lower === 98 || lower === 120) return this.bitString(start, lower === 120); // B, X
      if (lower === 110) return this.standardString(start, start + 1); // N (national character: a plain string)
    }
    if ((c | 32) === 117 && next === 38) {
      const q = sql.charCodeAt(start + 2);
      if (q === QUOTE) return this.unicodeString(start);
      if (q === DQUOTE) return this.quotedIdent(start, start + 2, true);
    }
    let i = start + 1;
    let upper = c >= 65 && c <= 90;
    let ascii = c < 128;
    const n = this.n;
    while (i < n) {
      const d = sql.charCodeAt(i);
      if (!(cls(d) & C_IDENT_CONT)) break;
      if (d >= 65 && d <= 90) upper = true;
      else if (d >= 128) ascii = false;
      i++;
    }
    let text = sql.slice(start, i);
    if (upper) text = ascii ? text.toLowerCase() : foldAscii(text);
    this.push(TK_IDENT, start, i, text, 0);
    return i;
  }

  number(start: number): number {
    const sql = this.sql;
    let i = start;
    const c0 = sql.charCodeAt(i);
    const c1 = sql.charCodeAt(i + 1) | 32;
    if (c0 === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      const radix = c1 === 120 ? 16 : c1 === 111 ? 8 : 2;
      const digitsStart = i + 2;
      i = this.digits(digitsStart, radix);
      if (i > digitsStart) {
        this.checkJunk(start, i);
        const digits = sql.slice(digitsStart, i).replaceAll('_', '');
        const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '0b';
        this.push(TK_NUMBER, start, i, BigInt(prefix + digits).toString(), NUM_INTEGER);
        return i;
      }
      i = start; // "0x" without digits: junk after "0", reported below
    }
    let form = NUM_INTEGER;
    i = this.digits(i, 10);
    if (sql.charCodeAt(i) === 46 && sql.charCodeAt(i + 1) !== 46) {
      form = NUM_DECIMAL;
      i = this.digits(i + 1, 10);
    }
    const e = sql.charCodeAt(i) | 32;
    if (e === 101) {
      let j = i + 1;
      const sign = sql.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (cls(sql.charCodeAt(j)) & C_DIGIT) {
        form = NUM_EXPONENT;
        i = this.digits(j, 10);
      }
    }
    this.checkJunk(start, i);
    let text = sql.slice(start, i);
    if (text.includes('_')) text = text.replaceAll('_', '');
    this.push(TK_NUMBER, start, i, text, form);
    return i;
  }

  /** Digits of `radix` from `i`, with single underscores between digits (PostgreSQL 16). */
  digits(i: number, radix: number): number {
    const sql = this.sql;
    const n = this.n;
    let seen = false;
    while (i < n) {
      const c = sql.charCodeAt(i);
      if (isRadixDigit(c, radix)) {
        seen = true;
        i++;
      } else if (c === 95 && seen && isRadixDigit(sql.charCodeAt(i + 1), radix)) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  /** PostgreSQL 15+ rejects a number followed directly by an identifier character (`123abc`). */
  checkJunk(start: number, end: number): void {
    if (cls(this.sql.charCodeAt(end)) & C_IDENT_CONT) {
      throw new LexError(start, `trailing junk after numeric literal at or near "${this.sql.slice(start, end + 1)}"`);
    }
  }

  /**
   * Where a string continues after its closing quote at `after`: PostgreSQL joins
   * 'a'<whitespace with a newline>'b' into one constant. Returns the offset of the
   * next opening quote, or -1.
   */
  continuation(after: number): number {
    const sql = this.sql;
    const n = this.n;
    let i = after;
    let newline = false;
    while (i < n) {
      const c = sql.charCodeAt(i);
      if (c === 10 || c === 13) {
        newline = true;
        i++;
      } else if (c === 32 || c === 9 || c === 12 || c === 11) {
        i++;
      } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
        i = this.skipLineComment(i + 2);
        newline = true;
      } else {
        break;
      }
    }
    return newline && sql.charCodeAt(i) === QUOTE ? i : -1;
  }

  /** '...' with '' for a quote; backslashes are ordinary. `quote` is the opening quote's offset. */
  standardString(start: number, quote: number): number {
    const value = this.plainQuoted(start, quote, 'unterminated quoted string');
    this.push(TK_STRING, start, this.lastEnd, value, 0);
    return this.lastEnd;
  }

  lastEnd = 0;

  /** Body of a '...' string (with continuations); sets lastEnd past the closing quote. */
  plainQuoted(start: number, quote: number, what: string): string {
    const sql = this.sql;
    let i = quote + 1;
    let value = '';
    for (;;) {
      const q = sql.indexOf("'", i);
      if (q < 0) throw new LexError(start, `${what} at or near "${this.near(start)}"`);
      value += sql.slice(i, q);
      if (sql.charCodeAt(q + 1) === QUOTE) {
        value += "'";
        i = q + 2;
        continue;
      }
      const next = this.continuation(q + 1);
      if (next < 0) {
        this.lastEnd = q + 1;
        return value;
      }
      i = next + 1;
    }
  }

  /** E'...': C-style backslash escapes. Octal and hex escapes give bytes, which must form UTF-8. */
  escapeString(start: number, quote: number): number {
    const sql = this.sql;
    const n = this.n;
    let i = quote + 1;
    let value = '';
    let bytes: number[] | null = null;
    const flush = (): void => {
      if (bytes !== null) {
        value += decodeUtf8(bytes, start);
        bytes = null;
      }
    };
    for (;;) {
      if (i >= n) throw new LexError(start, `unterminated quoted string at or near "${this.near(start)}"`);
      const c = sql.charCodeAt(i);
      if (c === QUOTE) {
        if (sql.charCodeAt(i + 1) === QUOTE) {
          flush();
          value += "'";
          i += 2;
          continue;
        }
        const next = this.continuation(i + 1);
        if (next < 0) {
          flush();
          this.push(TK_STRING, start, i + 1, value, 0);
          return i + 1;
        }
        i = next + 1;
        continue;
      }
      if (c !== BACKSLASH) {
        flush();
        // Copy the run of ordinary characters at once.
        let j = i + 1;
        while (j < n) {
          const d = sql.charCodeAt(j);
          if (d === QUOTE || d === BACKSLASH) break;
          j++;
        }
        value += sql.slice(i, j);
        i = j;
        continue;
      }
      if (i + 1 >= n) throw new LexError(start, `unterminated quoted string at or near "${this.near(start)}"`);
      const e = sql.charCodeAt(i + 1);
      if (e >= 48 && e <= 55) {
        // \o, \oo, \ooo
        let j = i + 1;
        let byte = 0;
        while (j < i + 4 && j < n) {
          const d = sql.charCodeAt(j);
          if (d < 48 || d > 55) break;
          byte = byte * 8 + (d - 48);
          j++;
        }
        (bytes ??= []).push(byte & 0xff);
        i = j;
        continue;
      }
      if (e === 120 && cls(sql.charCodeAt(i + 2)) & C_HEX) {
        // \xh, \xhh
        let j = i + 2;
        let byte = 0;
        while (j < i + 4 && j < n && cls(sql.charCodeAt(j)) & C_HEX) {
          byte = byte * 16 + parseInt(sql[j]!, 16);
          j++;
        }
        (bytes ??= []).push(byte);
        i = j;
        continue;
      }
      flush();
      if (e === 117 || e === 85) {
        // \uXXXX, \UXXXXXXXX
        const len = e === 117 ? 4 : 8;
        const hex = sql.slice(i + 2, i + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
          throw new LexError(i, 'invalid Unicode escape', SqlState.syntaxError);
        }
        let code = parseInt(hex, 16);
        i += 2 + len;
        if (code >= 0xd800 && code <= 0xdbff) {
          // A surrogate pair written as two \u escapes.
          const low = sql.slice(i, i + 6);
          const lowCode = /^\\u[0-9a-fA-F]{4}$/.test(low) ? parseInt(low.slice(2), 16) : -1;
          if (lowCode < 0xdc00 || lowCode > 0xdfff) throw new LexError(i, 'invalid Unicode surrogate pair');
          code = 0x10000 + ((code - 0xd800) << 10) + (lowCode - 0xdc00);
          i += 6;
        } else if ((code >= 0xdc00 && code <= 0xdfff) || code === 0 || code > 0x10ffff) {
          throw new LexError(i - 2 - len, 'invalid Unicode escape value');
        }
        value += String.fromCodePoint(code);
        continue;
      }
      value += e === 98 ? '\b' : e === 102 ? '\f' : e === 110 ? '\n' : e === 114 ? '\r' : e === 116 ? '\t' : sql[i + 1]!;
      i += 2;
    }
  }

  /** B'0101' or X'1F': the digits are checked when the constant is converted, as PostgreSQL does. */
  bitString(start: number, hex: boolean): number {
    const value = this.plainQuoted(start, start + 1, hex ? 'unterminated hexadecimal string literal' : 'unterminated bit string literal');
    this.push(TK_BITSTRING, start, this.lastEnd, value, hex ? 1 : 0);
    return this.lastEnd;
  }

  /** U&'...' [UESCAPE 'c']: \XXXX and \+XXXXXX escapes. */
  unicodeString(start: number): number {
    const raw = this.plainQuoted(start, start + 2, 'unterminated quoted string');
    let end = this.lastEnd;
    const escape = this.uescape(end);
    if (escape !== null) end = this.lastEnd;
    this.push(TK_STRING, start, end, decodeUnicodeEscapes(raw, escape ?? '\\', start), 0);
    return end;
  }

  /** An optional UESCAPE 'c' after a U& string or identifier; sets lastEnd when present. */
  uescape(after: number): string | null {
    const sql = this.sql;
    let i = after;
    while (cls(sql.charCodeAt(i)) & C_SPACE) i++;
    if (sql.slice(i, i + 7).toLowerCase() !== 'uescape' || cls(sql.charCodeAt(i + 7)) & C_IDENT_CONT) return null;
    i += 7;
    while (cls(sql.charCodeAt(i)) & C_SPACE) i++;
    const c = sql.charCodeAt(i + 1);
    if (sql.charCodeAt(i) !== QUOTE || sql.charCodeAt(i + 2) !== QUOTE || c !== c) {
      throw new LexError(i, 'invalid Unicode escape character');
    }
    const ch = sql[i + 1]!;
    if (/[0-9a-fA-F+'"\s]/.test(ch)) throw new LexError(i, 'invalid Unicode escape character');
    this.lastEnd = i + 3;
    return ch;
  }

  /** "..." with "" for a quote; `quote` is the opening quote's offset. */
  quotedIdent(start: number, quote: number, unicode: boolean): number {
    const sql = this.sql;
    let i = quote + 1;
    let value = '';
    for (;;) {
      const q = sql.indexOf('"', i);
      if (q < 0) throw new LexError(start, `unterminated quoted identifier at or near "${this.near(start)}"`);
      value += sql.slice(i, q);
      if (sql.charCodeAt(q + 1) === DQUOTE) {
        value += '"';
        i = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    if (value.length === 0) throw new LexError(start, `zero-length delimited identifier at or near "${sql.slice(start, i)}"`);
    if (unicode) {
      const escape = this.uescape(i);
      if (escape !== null) i = this.lastEnd;
      value = decodeUnicodeEscapes(value, escape ?? '\\', start);
    }
    this.push(TK_QIDENT, start, i, value, 0);
    return i;
  }

  /** $n parameter, $tag$...$tag$ string, or a lone '$' (TK_OTHER). */
  dollar(start: number): number {
    const sql = this.sql;
    const c = sql.charCodeAt(start + 1);
    if (cls(c) & C_DIGIT) {
      let i = start + 1;
      while (cls(sql.charCodeAt(i)) & C_DIGIT) i++;
      if (cls(sql.charCodeAt(i)) & C_IDENT_CONT) {
        throw new LexError(start, `trailing junk after parameter at or near "${sql.slice(start, i + 1)}"`);
      }
      const digits = sql.slice(start + 1, i);
      if (digits.length > 9) throw new LexError(start, `parameter number too large at or near "${sql.slice(start, i)}"`);
      this.push(TK_PARAM, start, i, digits, Number(digits));
      return i;
    }
    let i = start + 1;
    if (c !== 36) {
      if (!(cls(c) & C_IDENT_START)) {
        this.push(TK_OTHER, start, start + 1, '$', 0);
        return start + 1;
      }
      while (i < this.n) {
        const d = sql.charCodeAt(i);
        if (d === 36 || !(cls(d) & C_IDENT_CONT)) break;
        i++;
      }
      if (sql.charCodeAt(i) !== 36) {
        this.push(TK_OTHER, start, start + 1, '$', 0);
        return start + 1;
      }
    }
    const delimiter = sql.slice(start, i + 1);
    const close = sql.indexOf(delimiter, i + 1);
    if (close < 0) throw new LexError(start, `unterminated dollar-quoted string at or near "${this.near(start)}"`);
    const end = close + delimiter.length;
    this.push(TK_STRING, start, end, sql.slice(i + 1, close), 0);
    return end;
  }

  /** `?`, `?|` or `?&`. Other operators never absorb a `?`, so `a=?` is `a`, `=`, `?`. */
  questionMark(start: number): number {
    const sql = this.sql;
    const d = sql.charCodeAt(start + 1);
    if ((d === 124 && sql.charCodeAt(start + 2) !== 124) || d === 38) {
      this.push(TK_OP, start, start + 2, d === 124 ? '?|' : '?&', 0);
      return start + 2;
    }
    this.push(TK_OP, start, start + 1, '?', 0);
    return start + 1;
  }

  /** An operator: the longest run of operator characters, cut as scan.l cuts it. */
  operator(start: number): number {
    const sql = this.sql;
    const n = this.n;
    let i = start + 1;
    while (i < n) {
      const c = sql.charCodeAt(i);
      if (!(cls(c) & C_OP)) break;
      if (c === 63 && !(i === start + 1 && sql.charCodeAt(start) === 64)) break; // '?' only in '@?'
      if ((c === 45 && sql.charCodeAt(i + 1) === 45) || (c === 47 && sql.charCodeAt(i + 1) === 42)) break; // a comment starts
      i++;
    }
    let len = i - start;
    if (len > 1) {
      const last = sql.charCodeAt(start + len - 1);
      if (last === 43 || last === 45) {
        let keep = false;
        for (let j = start; j < start + len; j++) if (isNonMathOpChar(sql.charCodeAt(j))) keep = true;
        if (!keep) {
          while (len > 1) {
            const l = sql.charCodeAt(start + len - 1);
            if (l !== 43 && l !== 45) break;
            len--;
          }
        }
      }
    }
    let text = sql.slice(start, start + len);
    if (text === '!=') text = '<>';
    this.push(TK_OP, start, start + len, text, 0);
    return start + len;
  }
}

function isRadixDigit(c: number, radix: number): boolean {
  if (radix === 10) return c >= 48 && c <= 57;
  if (radix === 16) return (cls(c) & C_HEX) !== 0;
  if (radix === 8) return c >= 48 && c <= 55;
  return c === 48 || c === 49;
}

/** Lower-cases ASCII letters only, as PostgreSQL folds identifiers in UTF-8. */
function foldAscii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i]!;
  }
  return out;
}

/** Strict UTF-8 decoding of bytes written as escapes; errors like PostgreSQL's. */
function decodeUtf8(bytes: readonly number[], start: number): string {
  let out = '';
  let i = 0;
  const bad = (at: number): never => {
    const shown = bytes.slice(at, at + Math.min(4, bytes.length - at)).map((b) => b.toString(16).padStart(2, '0'));
    throw new LexError(start, `invalid byte sequence for encoding "UTF8": 0x${shown.join(' 0x')}`, SqlState.characterNotInRepertoire);
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0) bad(i);
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (len === 0 || i + len > bytes.length) bad(i);
    let code = len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    for (let j = 1; j < len; j++) {
      const cont = bytes[i + j]!;
      if ((cont & 0xc0) !== 0x80) bad(i);
      code = (code << 6) | (cont & 0x3f);
    }
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) bad(i);
    out += String.fromCodePoint(code);
    i += len;
  }
  return out;
}

/** \XXXX, \+XXXXXX and \\ (with `escape` for the backslash) in U&'..' and U&"..". */
function decodeUnicodeEscapes(raw: string, escape: string, start: number): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch !== escape) {
      out += ch;
      i++;
      continue;
    }
    if (raw[i + 1] === escape) {
      out += escape;
      i += 2;
      continue;
    }
    const plus = raw[i + 1] === '+';
    const hex = plus ? raw.slice(i + 2, i + 8) : raw.slice(i + 1, i + 5);
    if (hex.length !== (plus ? 6 : 4) || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw new LexError(start, 'invalid Unicode escape');
    }
    let code = parseInt(hex, 16);
    i += plus ? 8 : 5;
    if (code >= 0xd800 && code <= 0xdbff) {
      const m = /^.([0-9a-fA-F]{4})|^.\+([0-9a-fA-F]{6})/.exec(raw.slice(i));
      const low = m === null ? -1 : parseInt((m[1] ?? m[2])!, 16);
      if (raw[i] !== escape || low < 0xdc00 || low > 0xdfff) throw new LexError(start, 'invalid Unicode surrogate pair');
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      i += m![0].length;
    } else if ((code >= 0xdc00 && code <= 0xdfff) || code === 0 || code > 0x10ffff) {
      throw new LexError(start, 'invalid Unicode escape value');
    }
    out += String.fromCodePoint(code);
  }
  return out;
}

/** Scans `sql` into tokens. Never throws: a lexical error becomes the final TK_ERROR token. */
export function tokenize(sql: string): LexResult {
  const lexer = new Lexer(sql);
  try {
    lexer.run();
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    lexer.push(TK_ERROR, e.offset, e.offset, e.message, 0);
    return { tokens: lexer.tokens, error: sqlError(sql, e.offset, e.message, e.code) };
  }
  lexer.push(TK_EOF, sql.length, sql.length, '', 0);
  return { tokens: lexer.tokens, error: null };
}
