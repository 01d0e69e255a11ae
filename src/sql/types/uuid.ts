// uuid: held as the canonical lower-case 8-4-4-4-12 string.
//
// Input accepts what PostgreSQL's uuid_in does: upper or lower case hex,
// optional braces around the whole value, and a hyphen after any group of
// four hex digits (so 'a0eebc999c0b4ef8bb6d6bb9bd380a11' and
// '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}' both parse). Nothing else; no spaces.

import { FlintError, SqlState } from '../../errors.ts';

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** PostgreSQL uuid_in, returning the canonical text form. */
export function parseUuid(text: string): string {
  let pos = 0;
  const braces = text.charCodeAt(0) === 123; /* { */
  if (braces) pos++;
  let hex = '';
  for (let i = 0; i < 16; i++) {
    const a = text.charCodeAt(pos);
    const b = text.charCodeAt(pos + 1);
    if (!isHex(a) || !isHex(b)) throw badUuid(text);
    hex += text.slice(pos, pos + 2);
    pos += 2;
    if (text.charCodeAt(pos) === 45 /* - */ && i % 2 === 1 && i < 15) pos++;
  }
  if (braces) {
    if (text.charCodeAt(pos) !== 125 /* } */) throw badUuid(text);
    pos++;
  }
  if (pos !== text.length) throw badUuid(text);
  return canonical(hex.toLowerCase());
}

function badUuid(text: string): FlintError {
  return new FlintError(SqlState.invalidTextRepresentation, `invalid input syntax for type uuid: "${text}"`);
}

function canonical(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a canonical uuid string (the storage form). */
export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Canonical uuid text from 16 bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return canonical(hex);
}

/** gen_random_uuid(): version 4, variant 1, from 16 bytes of the injected random source. */
export function randomUuid(randomBytes: (length: number) => Uint8Array): string {
  const bytes = randomBytes(16).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return uuidFromBytes(bytes);
}
