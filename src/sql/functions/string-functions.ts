// String functions (PostgreSQL's varlena.c, oracle_compat.c): lengths and
// positions count characters (code points), not UTF-16 units; char(n)
// arguments lose their padding when they become text, except where
// PostgreSQL has a char(n) variant (length, octet_length).

import { FlintError, SqlState } from '../../errors.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import { formatText } from '../types/text-io.ts';
import { codePointLength, utf8Decode, utf8Encode, utf8Length } from '../types/text-util.ts';
import { initcap, toLowerSql, toUpperSql } from '../types/case-map.ts';
import { stripTrailingSpaces } from '../types/compare.ts';
import { md5Hex } from './md5.ts';
import { fn, type FunctionDef, type ScalarFn } from './function-def.ts';

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of s as an array of strings, only when s has astral characters. */
function chars(s: string): string[] | null {
  return SURROGATE.test(s) ? Array.from(s) : null;
}

/** Characters [from, to) of s, counted in code points (0-based, clamped). */
export function sliceChars(s: string, from: number, to?: number): string {
  const cs = chars(s);
  if (cs === null) return s.slice(Math.max(0, from), to === undefined ? undefined : Math.max(0, to));
  return cs.slice(Math.max(0, from), to === undefined ? undefined : Math.max(0, to)).join('');
}

function negativeLength(): FlintError {
  return new FlintError(SqlState.substringError, 'negative substring length not allowed');
}

/** PostgreSQL text_substring: 1-based start, which may be <= 0, and an optional non-negative count. */
export function substring(s: string, start: number, count?: number): string {
  if (count === undefined) return sliceChars(s, Math.max(start, 1) - 1);
  if (count < 0) throw negativeLength();
  const end = start + count; // exclusive, 1-based
  if (end < 1) return '';
  return sliceChars(s, Math.max(start, 1) - 1, end - 1);
}

function bytesSubstring(b: Uint8Array, start: number, count?: number): Uint8Array {
  if (count === undefined) return b.slice(Math.max(start, 1) - 1);
  if (count < 0) throw negativeLength();
  const end = start + count;
  if (end < 1) return new Uint8Array(0);
  return b.slice(Math.max(start, 1) - 1, Math.max(end - 1, 0));
}

/** strpos / position: 1-based character index of the first occurrence, 0 if none. */
export function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return codePointLength(s.slice(0, i)) + 1;
}

function trimChars(s: string, set: string, leading: boolean, trailing: boolean): string {
  const remove = new Set(Array.from(set));
  const cs = Array.from(s);
  let start = 0;
  let end = cs.length;
  if (leading) while (start < end && remove.has(cs[start]!)) start++;
  if (trailing) while (end > start && remove.has(cs[end - 1]!)) end--;
  return cs.slice(start, end).join('');
}

/** Longest text a function builds, in characters (PostgreSQL's limit is 1 GB of bytes). */
const MAX_TEXT_CHARS = 256 * 1024 * 1024;

function pad(s: string, length: number, fill: string, left: boolean): string {
  if (length <= 0) return '';
  if (length > MAX_TEXT_CHARS) throw new FlintError(SqlState.programLimitExceeded, 'requested length too large');
  const cs = Array.from(s);
  if (cs.length >= length) return cs.slice(0, length).join('');
  const fillChars = Array.from(fill);
  if (fillChars.length === 0) return s;
  const need = length - cs.length;
  // Whole copies of fill, then the first characters of one more (by code point, as PostgreSQL counts).
  const padding = fill.repeat(Math.floor(need / fillChars.length)) + fillChars.slice(0, need % fillChars.length).join('');
  return left ? padding + s : s + padding;
}

/** PostgreSQL 14+ split_part: negative n counts from the end; 0 is an error. */
function splitPart(s: string, delimiter: string, n: number): string {
  if (n === 0) throw new FlintError(SqlState.invalidParameterValue, 'field position must not be zero');
  if (delimiter === '') return n === 1 || n === -1 ? s : '';
  const parts = s.split(delimiter);
  const i = n > 0 ? n - 1 : parts.length + n;
  return parts[i] ?? '';
}

function repeat(s: string, n: number): string {
  if (n <= 0 || s === '') return '';
  // Bounded like PostgreSQL's 1 GB text limit, but in characters.
  if (s.length * n > MAX_TEXT_CHARS) {
    throw new FlintError(SqlState.programLimitExceeded, 'requested length too large');
  }
  return s.repeat(n);
}

function chr(code: number): string {
  if (code === 0) throw new FlintError(SqlState.programLimitExceeded, 'null character not permitted');
  if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    throw new FlintError(SqlState.programLimitExceeded, 'requested character too large for encoding: ' + code);
  }
  return String.fromCodePoint(code);
}

/** PostgreSQL's report_invalid_encoding: the bytes of the first bad character, in hex. */
function invalidUtf8(bytes: Uint8Array): FlintError {
  let i = 0;
  for (;;) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    const chunk = bytes.subarray(i, i + Math.max(len, 1));
    if (len === 0 || chunk.length < len || utf8Decode(chunk) === null) {
      const hex = Array.from(bytes.subarray(i, i + Math.max(len, 1)), (x) => '0x' + x.toString(16).padStart(2, '0')).join(' ');
      return new FlintError(SqlState.characterNotInRepertoire, `invalid byte sequence for encoding "UTF8": ${hex}`);
    }
    i += len;
  }
}

/** length(bytes, encoding): characters the bytes hold in that encoding. */
function lengthInEncoding(bytes: Uint8Array, encoding: string): number {
  const name = encoding.toUpperCase().replace(/[-_]/g, '');
  if (name === 'UTF8' || name === 'UNICODE') {
    const text = utf8Decode(bytes);
    if (text === null) throw invalidUtf8(bytes);
    return codePointLength(text);
  }
  if (name === 'SQLASCII' || name === 'LATIN1' || name === 'ISO88591' || name === 'WIN1252') return bytes.length;
  throw new FlintError(SqlState.invalidParameterValue, `invalid encoding name "${encoding}"`);
}

function trimBytes(b: Uint8Array, set: Uint8Array, leading: boolean, trailing: boolean): Uint8Array {
  const remove = new Set(set);
  let start = 0;
  let end = b.length;
  if (leading) while (start < end && remove.has(b[start]!)) start++;
  if (trailing) while (end > start && remove.has(b[end - 1]!)) end--;
  return b.slice(start, end);
}

function regexSubstring(text: string, pattern: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch (e) {
    throw new FlintError(SqlState.invalidRegularExpression, `invalid regular expression: ${(e as Error).message}`);
  }
  const m = re.exec(text);
  if (m === null) return null;
  return m.length > 1 ? (m[1] ?? null) : m[0];
}

/** Translates a SIMILAR TO pattern to a JavaScript regex source; escape + '"' marks the returned part. */
function similarToRegex(pattern: string, escape: string): string {
  let out = '';
  const cs = Array.from(pattern);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === escape) {
      const next = cs[++i];
      if (next === undefined) throw new FlintError(SqlState.invalidEscapeSequence, 'invalid escape string');
      out += next === '"' ? '\u0000' : next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '.' || c === '^' || c === '$' || c === '\\' || c === '/') out += '\\' + c;
    else out += c;
  }
  return out;
}

function similarSubstring(text: string, pattern: string, escape: string): string | null {
  const source = similarToRegex(pattern, escape);
  const parts = source.split('\u0000');
  let re: RegExp;
  try {
    re =
      parts.length === 3
        ? new RegExp(`^(?:${parts[0]}?)(${parts[1]})(?:${parts[2]})$`, 'su')
        : new RegExp(`^(?:${source})$`, 'su');
  } catch (e) {
    throw new FlintError(SqlState.invalidRegularExpression, `invalid regular expression: ${(e as Error).message}`);
  }
  const m = re.exec(text);
  if (m === null) return null;
  return parts.length === 3 ? (m[1] ?? null) : m[0];
}

function translate(s: string, from: string, to: string): string {
  const f = Array.from(from);
  const t = Array.from(to);
  let out = '';
  for (const c of s) {
    const i = f.indexOf(c);
    if (i < 0) out += c;
    else if (i < t.length) out += t[i];
  }
  return out;
}

function toHex(v: number | bigint, bits: 32 | 64): string {
  const b = BigInt(v);
  const unsigned = b < 0n ? b + (1n << BigInt(bits)) : b;
  return unsigned.toString(16);
}

export function quoteLiteral(s: string): string {
  const escaped = s.replace(/'/g, "''");
  // PostgreSQL uses the E'' form when the string has backslashes.
  return s.includes('\\') ? `E'${escaped.replace(/\\/g, '\\\\')}'` : `'${escaped}'`;
}

export function quoteIdent(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) && !RESERVED.has(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

// Keywords quote_ident must quote (PostgreSQL's reserved and type-function-name keywords, abridged).
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or',
  'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric',
  'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where',
  'window', 'with',
]);

/** The text form concat() and format() use for a value of any type: its output function. */
function asText(v: RuntimeValue, type: SqlType): string {
  return formatText(v!, type);
}

/** format(): %s, %I, %L with optional argument positions (%2$s) and %%. */
function format(formatString: string, args: readonly RuntimeValue[], types: readonly SqlType[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < formatString.length; i++) {
    const c = formatString[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    if (formatString[i] === '%') {
      out += '%';
      continue;
    }
    let spec = '';
    while (i < formatString.length && /[0-9$\-]/.test(formatString[i]!)) spec += formatString[i++];
    const conv = formatString[i];
    if (conv === undefined) throw new FlintError(SqlState.invalidParameterValue, 'unterminated format() type specifier');
    if (conv !== 's' && conv !== 'I' && conv !== 'L') {
      throw new FlintError(SqlState.invalidParameterValue, `unrecognized format() type specifier "${conv}"`);
    }
    const position = /^(\d+)\$/.exec(spec);
    const index = position === null ? next : Number(position[1]) - 1;
    next = index + 1;
    if (index >= args.length) throw new FlintError(SqlState.invalidParameterValue, 'too few arguments for format()');
    const v = args[index]!;
    const text = v === null ? null : asText(v, types[index]!);
    if (conv === 's') out += text ?? '';
    else if (conv === 'L') out += text === null ? 'NULL' : quoteLiteral(text);
    else {
      if (text === null) throw new FlintError(SqlState.nullValueNotAllowed, 'null values cannot be formatted as an SQL identifier');
      out += quoteIdent(text);
    }
  }
  return out;
}

const s = (v: RuntimeValue): string => v as string;
const n = (v: RuntimeValue): number => v as number;

export const STRING_FUNCTIONS: FunctionDef[] = [
  fn('lower', ['text'], 'text', (_c, a) => toLowerSql(s(a))),
  fn('upper', ['text'], 'text', (_c, a) => toUpperSql(s(a))),
  fn('initcap', ['text'], 'text', (_c, a) => initcap(s(a))),
  ...['length', 'char_length', 'character_length'].flatMap((name) => [
    fn(name, ['text'], 'int4', (_c, a) => codePointLength(s(a))),
    fn(name, ['bpchar'], 'int4', (_c, a) => codePointLength(stripTrailingSpaces(s(a)))),
  ]),
  fn('length', ['bytea'], 'int4', (_c, a) => (a as Uint8Array).length),
  fn('length', ['bytea', 'text'], 'int4', (_c, a, e) => lengthInEncoding(a as Uint8Array, s(e))),
  fn('octet_length', ['text'], 'int4', (_c, a) => utf8Length(s(a))),
  fn('octet_length', ['bpchar'], 'int4', (_c, a) => utf8Length(s(a))),
  fn('octet_length', ['bytea'], 'int4', (_c, a) => (a as Uint8Array).length),
  fn('bit_length', ['text'], 'int4', (_c, a) => utf8Length(s(a)) * 8),
  fn('bit_length', ['bytea'], 'int4', (_c, a) => (a as Uint8Array).length * 8),
  ...['substr', 'substring'].flatMap((name) => [
    fn(name, ['text', 'int4'], 'text', (_c, a, b) => substring(s(a), n(b))),
    fn(name, ['text', 'int4', 'int4'], 'text', (_c, a, b, c) => substring(s(a), n(b), n(c))),
    fn(name, ['bytea', 'int4'], 'bytea', (_c, a, b) => bytesSubstring(a as Uint8Array, n(b))),
    fn(name, ['bytea', 'int4', 'int4'], 'bytea', (_c, a, b, c) => bytesSubstring(a as Uint8Array, n(b), n(c))),
  ]),
  // position(substring IN string) is parsed as position(string, substring), like strpos.
  fn('position', ['text', 'text'], 'int4', (_c, a, b) => strpos(s(a), s(b))),
  fn('strpos', ['text', 'text'], 'int4', (_c, a, b) => strpos(s(a), s(b))),
  ...(['btrim', 'ltrim', 'rtrim'] as const).map((name) =>
    fn(name, ['bytea', 'bytea'], 'bytea', (_c, a, b) => trimBytes(a as Uint8Array, b as Uint8Array, name !== 'rtrim', name !== 'ltrim')),
  ),
  fn('btrim', ['text'], 'text', (_c, a) => trimChars(s(a), ' ', true, true)),
  fn('btrim', ['text', 'text'], 'text', (_c, a, b) => trimChars(s(a), s(b), true, true)),
  fn('ltrim', ['text'], 'text', (_c, a) => trimChars(s(a), ' ', true, false)),
  fn('ltrim', ['text', 'text'], 'text', (_c, a, b) => trimChars(s(a), s(b), true, false)),
  fn('rtrim', ['text'], 'text', (_c, a) => trimChars(s(a), ' ', false, true)),
  fn('rtrim', ['text', 'text'], 'text', (_c, a, b) => trimChars(s(a), s(b), false, true)),
  fn('replace', ['text', 'text', 'text'], 'text', (_c, a, b, c) => (s(b) === '' ? s(a) : s(a).split(s(b)).join(s(c)))),
  fn('translate', ['text', 'text', 'text'], 'text', (_c, a, b, c) => translate(s(a), s(b), s(c))),
  fn('left', ['text', 'int4'], 'text', (_c, a, b) => {
    const k = n(b);
    return k >= 0 ? sliceChars(s(a), 0, k) : sliceChars(s(a), 0, codePointLength(s(a)) + k);
  }),
  fn('right', ['text', 'int4'], 'text', (_c, a, b) => {
    const k = n(b);
    const len = codePointLength(s(a));
    return k >= 0 ? sliceChars(s(a), Math.max(0, len - k)) : sliceChars(s(a), -k);
  }),
  fn('repeat', ['text', 'int4'], 'text', (_c, a, b) => repeat(s(a), n(b))),
  fn('reverse', ['text'], 'text', (_c, a) => Array.from(s(a)).reverse().join('')),
  fn('lpad', ['text', 'int4'], 'text', (_c, a, b) => pad(s(a), n(b), ' ', true)),
  fn('lpad', ['text', 'int4', 'text'], 'text', (_c, a, b, c) => pad(s(a), n(b), s(c), true)),
  fn('rpad', ['text', 'int4'], 'text', (_c, a, b) => pad(s(a), n(b), ' ', false)),
  fn('rpad', ['text', 'int4', 'text'], 'text', (_c, a, b, c) => pad(s(a), n(b), s(c), false)),
  fn('split_part', ['text', 'text', 'int4'], 'text', (_c, a, b, c) => splitPart(s(a), s(b), n(c))),
  fn('starts_with', ['text', 'text'], 'bool', (_c, a, b) => s(a).startsWith(s(b))),
  fn('md5', ['text'], 'text', (_c, a) => md5Hex(utf8Encode(s(a)))),
  fn('md5', ['bytea'], 'text', (_c, a) => md5Hex(a as Uint8Array)),
  fn('chr', ['int4'], 'text', (_c, a) => chr(n(a))),
  fn('ascii', ['text'], 'int4', (_c, a) => s(a).codePointAt(0) ?? 0),
  fn('to_hex', ['int4'], 'text', (_c, a) => toHex(n(a), 32)),
  fn('to_hex', ['int8'], 'text', (_c, a) => toHex(a as bigint, 64)),
  fn('quote_literal', ['text'], 'text', (_c, a) => quoteLiteral(s(a))),
  {
    name: 'quote_literal',
    args: ['anynonarray'],
    result: 'text',
    bindsTypes: true,
    impl: (types: readonly SqlType[]): ScalarFn => (_c, a) => quoteLiteral(asText(a, types[0]!)),
  },
  // substring(string FROM pattern): the first match of a regular expression,
  // or of its first parenthesized group. JavaScript's regex dialect stands in
  // for POSIX ARE; common patterns behave the same.
  fn('substring', ['text', 'text'], 'text', (_c, a, b) => regexSubstring(s(a), s(b))),
  // substring(string SIMILAR pattern ESCAPE escape): the part between the two escape-double-quote markers.
  fn('substring', ['text', 'text', 'text'], 'text', (_c, a, b, c) => similarSubstring(s(a), s(b), s(c))),
  fn('quote_ident', ['text'], 'text', (_c, a) => quoteIdent(s(a))),
  // concat and concat_ws take "any" and skip NULLs, so they are not strict.
  {
    name: 'concat',
    args: [],
    variadic: 'any',
    result: 'text',
    bindsTypes: true,
    strict: false,
    impl: (types: readonly SqlType[]): ScalarFn =>
      (_c, ...args) => args.map((v, i) => (v === null ? '' : asText(v, types[i]!))).join(''),
  },
  {
    name: 'concat_ws',
    args: ['text'],
    variadic: 'any',
    result: 'text',
    bindsTypes: true,
    strict: false,
    impl: (types: readonly SqlType[]): ScalarFn =>
      (_c, sep, ...args) => {
        if (sep === null) return null;
        const parts: string[] = [];
        args.forEach((v, i) => {
          if (v !== null) parts.push(asText(v, types[i + 1]!));
        });
        return parts.join(s(sep));
      },
  },
  {
    name: 'format',
    args: ['text'],
    result: 'text',
    strict: false,
    impl: (_c, f) => (f === null ? null : format(s(f), [], [])),
  },
  {
    name: 'format',
    args: ['text'],
    variadic: 'any',
    result: 'text',
    bindsTypes: true,
    strict: false,
    impl: (types: readonly SqlType[]): ScalarFn =>
      (_c, f, ...args) => (f === null ? null : format(s(f), args, types.slice(1))),
  },
];

