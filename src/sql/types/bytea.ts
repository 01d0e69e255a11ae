// bytea: Uint8Array values, with PostgreSQL's text forms.
//
// Input: '\x0102...' hex (white space allowed between digit pairs) or the
// traditional escape format ('\\' for a backslash, '\ooo' octal); other text
// becomes its UTF-8 bytes. Output: hex ('\x0102'), PostgreSQL's default
// bytea_output. encode/decode: hex, base64 (76-character lines) and escape.

import { FlintError, SqlState } from '../../errors.ts';
import { utf8Encode } from './text-util.ts';

const HEX_DIGITS = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** PostgreSQL hex_decode: pairs of hex digits, white space between pairs. */
export function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const hi = hexValue(c);
    if (hi < 0) throw badHexDigit(text, i);
    i++;
    if (i >= text.length) {
      throw new FlintError(SqlState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
    }
    const lo = hexValue(text.charCodeAt(i));
    if (lo < 0) throw badHexDigit(text, i);
    i++;
    out[n++] = (hi << 4) | lo;
  }
  return out.slice(0, n);
}

function badHexDigit(text: string, i: number): FlintError {
  const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
  return new FlintError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${ch}"`);
}

/** The escape format: '\\' is a backslash, '\ooo' an octal byte, anything else its UTF-8 bytes. */
function fromEscaped(text: string, typeName: string): Uint8Array {
  const bytes = utf8Encode(text);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b !== 92) {
      out[n++] = b;
      i++;
      continue;
    }
    const d1 = bytes[i + 1] ?? 0;
    const d2 = bytes[i + 2] ?? 0;
    const d3 = bytes[i + 3] ?? 0;
    if (d1 >= 48 && d1 <= 51 && d2 >= 48 && d2 <= 55 && d3 >= 48 && d3 <= 55) {
      out[n++] = ((d1 - 48) << 6) | ((d2 - 48) << 3) | (d3 - 48);
      i += 4;
    } else if (d1 === 92) {
      out[n++] = 92;
      i += 2;
    } else {
      throw new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeName}`);
    }
  }
  return out.slice(0, n);
}

/** PostgreSQL byteain. */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) return fromHex(text.slice(2));
  return fromEscaped(text, 'bytea');
}

/** PostgreSQL byteaout with bytea_output = 'hex'. */
export function formatBytea(bytes: Uint8Array): string {
  return '\\x' + toHex(bytes);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  let line = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const chunk =
      BASE64[b0 >> 2]! +
      BASE64[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]! +
      (b1 === undefined ? '=' : BASE64[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!) +
      (b2 === undefined ? '=' : BASE64[b2 & 63]!);
    // PostgreSQL breaks lines every 76 output characters.
    if (line + 4 > 76) {
      out += '\n';
      line = 0;
    }
    out += chunk;
    line += 4;
  }
  return out;
}

/** PostgreSQL pg_b64_decode, including how it treats '=' in the middle. */
function fromBase64(text: string): Uint8Array {
  const out: number[] = [];
  let buf = 0;
  let pos = 0;
  let end = 0;
  for (const c of text) {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    let b: number;
    if (c === '=') {
      if (end === 0) {
        if (pos === 2) end = 1;
        else if (pos === 3) end = 2;
        else throw new FlintError(SqlState.invalidParameterValue, 'unexpected "=" while decoding base64 sequence');
      }
      b = 0;
    } else {
      b = BASE64.indexOf(c);
      if (b < 0 || c.length !== 1) {
        throw new FlintError(SqlState.invalidParameterValue, `invalid symbol "${c}" found while decoding base64 sequence`);
      }
    }
    buf = (buf << 6) + b;
    pos++;
    if (pos === 4) {
      out.push((buf >> 16) & 255);
      if (end === 0 || end > 1) out.push((buf >> 8) & 255);
      if (end === 0 || end > 2) out.push(buf & 255);
      buf = 0;
      pos = 0;
    }
  }
  if (pos !== 0) throw new FlintError(SqlState.invalidParameterValue, 'invalid base64 end sequence');
  return Uint8Array.from(out);
}

/** PostgreSQL's escape encoding: NUL and high bytes as \ooo, backslash doubled. */
function toEscaped(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0 || b >= 0x80) out += '\\' + b.toString(8).padStart(3, '0');
    else if (b === 92) out += '\\\\';
    else out += String.fromCharCode(b);
  }
  return out;
}

function unknownEncoding(format: string): FlintError {
  return new FlintError(SqlState.invalidParameterValue, `unrecognized encoding: "${format}"`);
}

/** encode(bytea, format). */
export function encodeBytes(bytes: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return toHex(bytes);
    case 'base64':
      return toBase64(bytes);
    case 'escape':
      return toEscaped(bytes);
    default:
      throw unknownEncoding(format);
  }
}

/** decode(text, format). */
export function decodeBytes(text: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case 'hex':
      return fromHex(text);
    case 'base64':
      return fromBase64(text);
    case 'escape':
      return fromEscaped(text, 'bytea');
    default:
      throw unknownEncoding(format);
  }
}

/** Bytewise comparison, shorter first on a common prefix (PostgreSQL byteacmp). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
