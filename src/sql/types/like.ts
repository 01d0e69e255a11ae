// LIKE and ILIKE, with PostgreSQL's matching algorithm (like_match.c).
//
// A pattern is compiled once into literal / '_' / '%' tokens and cached by
// its text; matching then follows MatchText(), whose "abort" shortcut keeps
// patterns like '%a%a%a%b' polynomial where a naive backtracking regex would
// blow up. '_' matches one character (code point), '\' escapes by default,
// ESCAPE '' turns escaping off, and ESCAPE must be one character (22025).
// Like PostgreSQL, a pattern ending in its escape character is an error only
// when matching actually reaches that point.

import { FlintError, SqlState } from '../../errors.ts';
import { toLowerSql } from './case-map.ts';

const LIT = 0;
const ONE = 1; // _
const ANY = 2; // %
const BAD_ESCAPE = 3; // escape character at the end of the pattern

/** Compiled pattern: token kinds and, for literals, code points. */
interface Compiled {
  readonly kinds: Uint8Array;
  readonly chars: Int32Array;
  /** True for '%' alone: matches everything. */
  readonly matchAll: boolean;
}

export interface LikeOptions {
  /** The ESCAPE character; undefined means the default backslash, '' means none. */
  escape?: string;
  caseInsensitive?: boolean;
}

function badEscapeString(): FlintError {
  return new FlintError(SqlState.invalidEscapeSequence, 'invalid escape string', {
    detail: 'Escape string must be empty or one character.',
  });
}

function endsWithEscape(): FlintError {
  return new FlintError(SqlState.invalidEscapeSequence, 'LIKE pattern must not end with escape character');
}

/** The code points of a string. */
function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    out[n++] = c;
  }
  return n === s.length ? out : out.subarray(0, n);
}

function compile(pattern: string, escape: number | undefined): Compiled {
  const cps = codePoints(pattern);
  const kinds: number[] = [];
  const chars: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === escape) {
      if (i + 1 >= cps.length) {
        kinds.push(BAD_ESCAPE);
        chars.push(0);
      } else {
        kinds.push(LIT);
        chars.push(cps[++i]!);
      }
    } else if (c === 37 /* % */) {
      kinds.push(ANY);
      chars.push(0);
    } else if (c === 95 /* _ */) {
      kinds.push(ONE);
      chars.push(0);
    } else {
      kinds.push(LIT);
      chars.push(c);
    }
  }
  return { kinds: Uint8Array.from(kinds), chars: Int32Array.from(chars), matchAll: kinds.length === 1 && kinds[0] === ANY };
}

const TRUE = 1;
const FALSE = 0;
const ABORT = -1;

/** PostgreSQL MatchText over code points; t and p are start offsets. */
function matchText(text: Int32Array, t: number, pat: Compiled, p: number): number {
  const { kinds, chars } = pat;
  const tlen = text.length;
  const plen = kinds.length;
  while (t < tlen && p < plen) {
    const k = kinds[p]!;
    if (k === BAD_ESCAPE) throw endsWithEscape();
    if (k === ANY) {
      p++;
      // Any run of % and _ is "at least N characters".
      while (p < plen) {
        if (kinds[p] === ANY) p++;
        else if (kinds[p] === ONE) {
          if (t >= tlen) return ABORT;
          t++;
          p++;
        } else break;
      }
      if (p >= plen) return TRUE;
      if (kinds[p] === BAD_ESCAPE) throw endsWithEscape();
      const first = chars[p]!;
      for (; t < tlen; t++) {
        if (text[t] === first) {
          const m = matchText(text, t, pat, p);
          if (m !== FALSE) return m;
        }
      }
      return ABORT;
    }
    if (k === LIT && chars[p] !== text[t]) return FALSE;
    t++;
    p++;
  }
  if (t < tlen) return FALSE;
  while (p < plen && kinds[p] === ANY) p++;
  return p >= plen ? TRUE : ABORT;
}

/** Bounded so that patterns built from data cannot grow it without limit. */
const CACHE_MAX = 1024;
const cache = new Map<string, Compiled>();

function escapeCode(escape: string | undefined): number | undefined {
  if (escape === undefined) return 92; // backslash
  if (escape === '') return undefined;
  const cps = Array.from(escape);
  if (cps.length !== 1) throw badEscapeString();
  return cps[0]!.codePointAt(0);
}

/** A compiled LIKE matcher for one pattern and escape: compile once, call per row. */
export function compileLike(pattern: string, options: LikeOptions = {}): (text: string) => boolean {
  const ci = options.caseInsensitive === true;
  const esc = escapeCode(options.escape);
  const pat = ci ? toLowerSql(pattern) : pattern;
  const key = `${esc ?? -1}:${pat}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compile(pat, esc);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, compiled);
  }
  const c = compiled;
  if (c.matchAll) return () => true;
  return (text: string) => matchText(codePoints(ci ? toLowerSql(text) : text), 0, c, 0) === TRUE;
}

/** text LIKE pattern [ESCAPE e] (ILIKE with caseInsensitive). */
export function likeMatch(text: string, pattern: string, options: LikeOptions = {}): boolean {
  return compileLike(pattern, options)(text);
}
