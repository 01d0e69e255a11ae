// jsonb: parsing, canonical text output and PostgreSQL's jsonb ordering.
//
// A jsonb value is a JsonValue (sql-type.ts). Objects are built without a
// prototype, so a key named "__proto__" is an ordinary key; duplicate keys
// keep the last value, as jsonb does. Object key order in JavaScript is not
// jsonb's (integer-like keys come first), so output and comparison sort keys
// the jsonb way every time: shorter keys first, then by bytes.
//
// Numbers are JavaScript doubles, as the value table prescribes. That differs
// from PostgreSQL, which keeps jsonb numbers as numeric: '1.0'::jsonb prints
// 1 here and 1.0 there, and integers beyond 2^53 lose precision.

import { FlintError, SqlState } from '../../errors.ts';
import type { JsonValue } from './sql-type.ts';
import { Decimal } from './decimal.ts';
import { compareCodePoints, utf8Length } from './text-util.ts';

export type { JsonValue } from './sql-type.ts';
export type JsonObject = { [key: string]: JsonValue };

/**
 * The runtime value of a jsonb whose top level is JSON null. SQL NULL is
 * JavaScript null for every type, so the JSON null of '{"a":null}' -> 'a'
 * needs a value of its own at the top level; inside arrays and objects JSON
 * null stays plain null. Symbol.for keeps it one value even if this module
 * is loaded twice.
 */
export const JSON_NULL: unique symbol = Symbol.for('flint.jsonb.null') as typeof JSON_NULL;

/** A non-null jsonb runtime value: a JsonValue, with JSON_NULL for a top-level JSON null. */
export type Jsonb = Exclude<JsonValue, null> | typeof JSON_NULL;

/** A parsed or computed JSON document as a jsonb runtime value. */
export function toJsonb(v: JsonValue): Jsonb {
  return v === null ? JSON_NULL : v;
}

/** A jsonb runtime value as the JSON document it holds. */
export function fromJsonb(v: unknown): JsonValue {
  return v === JSON_NULL ? null : (v as JsonValue);
}

export function isJsonObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A new object with no prototype, safe for any key. */
export function newJsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

// ---------------------------------------------------------------- parsing

function syntaxError(detail: string): FlintError {
  // PostgreSQL's message, with its DETAIL ("Token "x" is invalid.").
  return new FlintError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', { detail });
}

/**
 * Nesting limit: keeps a hostile document from exhausting the JavaScript
 * stack, here and in the recursive output and comparison code (PostgreSQL's
 * own limit comes from max_stack_depth and is deeper).
 */
export const JSON_MAX_DEPTH = 1000;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  token(): string {
    const m = /^(?:[A-Za-z0-9_.+-]+|.)/su.exec(this.text.slice(this.pos, this.pos + 64));
    return m === null ? '' : m[0];
  }

  value(depth: number): JsonValue {
    if (depth > JSON_MAX_DEPTH) throw new FlintError(SqlState.statementTooComplex, 'stack depth limit exceeded');
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case undefined:
        throw syntaxError('The input string ended unexpectedly.');
      default:
        return this.scalar();
    }
  }

  object(depth: number): JsonObject {
    this.pos++;
    const obj = newJsonObject();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return obj;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') throw this.expected('string');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') throw this.expected('":"');
      this.pos++;
      obj[key] = this.value(depth + 1);
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return obj;
      }
      throw this.expected('"," or "}"');
    }
  }

  array(depth: number): JsonValue[] {
    this.pos++;
    const arr: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return arr;
      }
      throw this.expected('"," or "]"');
    }
  }

  expected(what: string): FlintError {
    if (this.pos >= this.text.length) return syntaxError('The input string ended unexpectedly.');
    return syntaxError(`Expected ${what}, but found "${this.token()}".`);
  }

  string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= t.length) throw syntaxError('The input string ended unexpectedly.');
      const c = t.charCodeAt(this.pos);
      if (c === 34 /* " */) {
        out += t.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw syntaxError(`Character with value 0x${c.toString(16).padStart(2, '0')} must be escaped.`);
      if (c !== 92 /* \ */) {
        this.pos++;
        continue;
      }
      out += t.slice(start, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          out += this.unicodeEscape();
          break;
        default:
          throw syntaxError(`Escape sequence "\\${e ?? ''}" is invalid.`);
      }
      start = this.pos;
    }
  }

  hex4(): number {
    const h = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) throw syntaxError('"\\u" must be followed by four hexadecimal digits.');
    this.pos += 4;
    return parseInt(h, 16);
  }

  unicodeEscape(): string {
    const code = this.hex4();
    if (code === 0) {
      throw new FlintError(SqlState.untranslatableCharacter, 'unsupported Unicode escape sequence', {
        detail: '\\u0000 cannot be converted to text.',
      });
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      if (this.text.slice(this.pos, this.pos + 2) !== '\\u') throw syntaxError('Unicode high surrogate must not follow a high surrogate.');
      this.pos += 2;
      const low = this.hex4();
      if (low < 0xdc00 || low > 0xdfff) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
      return String.fromCharCode(code, low);
    }
    if (code >= 0xdc00 && code <= 0xdfff) throw syntaxError('Unicode low surrogate must follow a high surrogate.');
    return String.fromCharCode(code);
  }

  scalar(): JsonValue {
    const rest = this.text.slice(this.pos);
    const word = /^(?:true|false|null)(?![A-Za-z0-9_])/.exec(rest);
    if (word !== null) {
      this.pos += word[0].length;
      return word[0] === 'null' ? null : word[0] === 'true';
    }
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.])/.exec(rest);
    if (num === null) throw syntaxError(`Token "${this.token()}" is invalid.`);
    this.pos += num[0].length;
    const value = Number(num[0]);
    if (!Number.isFinite(value)) {
      throw new FlintError(SqlState.featureNotSupported, `jsonb number ${num[0]} is outside the range Flint supports (double precision)`);
    }
    return value;
  }
}

/** Parses JSON text into a JsonValue (JSON null is null); 22P02 on bad input. */
export function parseJsonValue(text: string): JsonValue {
  const p = new Parser(text);
  const value = p.value(0);
  p.skipSpace();
  if (p.pos < text.length) throw syntaxError(`Expected end of input, but found "${p.token()}".`);
  return value;
}

/** PostgreSQL jsonb_in: the jsonb runtime value (JSON_NULL for 'null'). */
export function parseJson(text: string): Jsonb {
  return toJsonb(parseJsonValue(text));
}

// ---------------------------------------------------------------- output

/** jsonb's storage order of keys: shorter (in UTF-8 bytes) first, then bytewise. */
export function compareJsonKeys(a: string, b: string): number {
  const la = utf8Length(a);
  const lb = utf8Length(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return compareCodePoints(a, b);
}

export function sortedKeys(obj: JsonObject): string[] {
  return Object.keys(obj).sort(compareJsonKeys);
}

/** A JSON number as PostgreSQL's numeric output prints it: never an exponent. */
export function formatJsonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : String(n);
  return Decimal.parse(String(n)).toString();
}

/** PostgreSQL escape_json. */
export function quoteJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 8 ? '\\b' : c === 12 ? '\\f' : c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c === 34) {
      esc = '\\"';
    } else if (c === 92) {
      esc = '\\\\';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** PostgreSQL jsonb_out: `{"a": 1, "b": [1, 2]}`. Accepts JSON_NULL too. */
export function formatJson(v: JsonValue | Jsonb): string {
  if (v === null || v === JSON_NULL) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return formatJsonNumber(v);
    case 'string':
      return quoteJsonString(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map(formatJson).join(', ') + ']';
  const obj = v as JsonObject;
  return '{' + sortedKeys(obj).map((k) => `${quoteJsonString(k)}: ${formatJson(obj[k]!)}`).join(', ') + '}';
}

/** PostgreSQL jsonb_pretty: four-space indentation. */
export function formatJsonPretty(v: JsonValue, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[\n' + indent + ']';
    const inner = indent + '    ';
    return '[\n' + v.map((e) => inner + formatJsonPretty(e, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (isJsonObject(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{\n' + indent + '}';
    const inner = indent + '    ';
    return '{\n' + keys.map((k) => `${inner}${quoteJsonString(k)}: ${formatJsonPretty(v[k]!, inner)}`).join(',\n') + '\n' + indent + '}';
  }
  return formatJson(v);
}

// ---------------------------------------------------------------- ordering

/** jbvType order: null < string < number < boolean < array < object. */
function typeRank(v: JsonValue): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'string':
      return 1;
    case 'number':
      return 2;
    case 'boolean':
      return 3;
    default:
      return Array.isArray(v) ? 16 : 17;
  }
}

function compareScalars(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'string') return compareCodePoints(a, b as string);
  if (typeof a === 'number') {
    const y = b as number;
    return a < y ? -1 : a > y ? 1 : 0;
  }
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return 0; // null
}

function compareArrays(a: JsonValue[], b: JsonValue[], rawA: boolean, rawB: boolean): number {
  // PostgreSQL compares the raw-scalar flag and then, overriding it, the
  // element counts; so '[]' sorts below every scalar.
  let res = 0;
  if (rawA !== rawB) res = rawA ? -1 : 1;
  if (a.length !== b.length) res = a.length > b.length ? 1 : -1;
  if (res !== 0) return res;
  for (let i = 0; i < a.length; i++) {
    const r = compareNested(a[i]!, b[i]!);
    if (r !== 0) return r;
  }
  return 0;
}

function compareObjects(a: JsonObject, b: JsonObject): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  if (ka.length !== kb.length) return ka.length > kb.length ? 1 : -1;
  for (let i = 0; i < ka.length; i++) {
    const r = compareCodePoints(ka[i]!, kb[i]!);
    if (r !== 0) return r;
    const v = compareNested(a[ka[i]!]!, b[kb[i]!]!);
    if (v !== 0) return v;
  }
  return 0;
}

function compareNested(a: JsonValue, b: JsonValue): number {
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === 16) return compareArrays(a as JsonValue[], b as JsonValue[], false, false);
  if (ta === 17) return compareObjects(a as JsonObject, b as JsonObject);
  return compareScalars(a, b);
}

/** PostgreSQL's jsonb btree order (compareJsonbContainers), including its quirks. */
export function compareJson(x: JsonValue | Jsonb, y: JsonValue | Jsonb): number {
  const a = fromJsonb(x);
  const b = fromJsonb(y);
  const objA = isJsonObject(a);
  const objB = isJsonObject(b);
  if (objA && objB) return compareObjects(a, b);
  if (objA !== objB) return objA ? 1 : -1;
  // At the top level a scalar is a one-element "raw scalar" array.
  const rawA = !Array.isArray(a);
  const rawB = !Array.isArray(b);
  return compareArrays(rawA ? [a] : (a as JsonValue[]), rawB ? [b] : (b as JsonValue[]), rawA, rawB);
}

export function equalJson(a: JsonValue | Jsonb, b: JsonValue | Jsonb): boolean {
  return compareJson(a, b) === 0;
}
