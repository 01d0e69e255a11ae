// The PostgreSQL frontend/backend protocol, version 3: framing of the
// messages a client sends and writers for the ones the server sends.
// https://www.postgresql.org/docs/15/protocol-message-formats.html
//
// Every message after startup is a type byte, an Int32 length (counting
// itself, not the type byte) and a body; startup-phase messages (startup,
// SSLRequest, CancelRequest) have no type byte. Integers are big-endian.
// Strings are NUL-terminated UTF-8.
//
// MessageReader buffers socket chunks and hands out whole messages; it
// refuses a length below the minimum or above the limit (a malformed or
// hostile client), so memory per connection stays bounded.

import { FlintError, SqlState } from '../errors.ts';

/** Largest message the server accepts (a COPY data row or a query text): 64 MiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export const PROTOCOL_VERSION_3 = 196608; // 3 << 16
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export interface Message {
  /** The type byte as a character ('Q', 'P', ...), or '' for a startup-phase message. */
  readonly type: string;
  readonly body: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function protocolError(message: string): FlintError {
  return new FlintError(SqlState.protocolViolation, message);
}

/** Splits a byte stream into messages. */
export class MessageReader {
  #buffer: Uint8Array = new Uint8Array(0);
  #startup = true;

  /** Bytes received and not yet handed out as a message. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** After the startup message, messages carry a type byte. */
  startupDone(): void {
    this.#startup = false;
  }

  push(chunk: Uint8Array): void {
    if (this.#buffer.length === 0) {
      this.#buffer = chunk;
      this.#owned = false;
      return;
    }
    // Append in place while our own store has room, else move to a store twice
    // as big: a message arriving in many small chunks costs O(its size), not
    // O(size x chunks) (a 64 MiB message in 1 KiB segments would copy ~2 TiB).
    const held = this.#buffer;
    const end = held.byteOffset + held.length;
    if (this.#owned && end + chunk.length <= held.buffer.byteLength) {
      new Uint8Array(held.buffer, end, chunk.length).set(chunk);
      this.#buffer = new Uint8Array(held.buffer, held.byteOffset, held.length + chunk.length);
      return;
    }
    const needed = held.length + chunk.length;
    const store = new Uint8Array(Math.max(needed, Math.min(held.length * 2, MAX_MESSAGE_BYTES + 5)));
    store.set(held, 0);
    store.set(chunk, held.length);
    this.#buffer = store.subarray(0, needed);
    this.#owned = true;
  }

  /** #buffer is a view of a store this reader allocated (so bytes may be appended after it), not of a socket's chunk. */
  #owned = false;

  /** The next whole message, or null if more bytes are needed. Throws 08P01 on a bad length. */
  next(): Message | null {
    const header = this.#startup ? 4 : 5;
    if (this.#buffer.length < header) return null;
    const view = new DataView(this.#buffer.buffer, this.#buffer.byteOffset, this.#buffer.byteLength);
    const length = view.getInt32(this.#startup ? 0 : 1);
    const minimum = this.#startup ? 8 : 4;
    if (length < minimum || length > MAX_MESSAGE_BYTES) {
      throw protocolError(`invalid message length ${length}`);
    }
    const total = length + (this.#startup ? 0 : 1);
    if (this.#buffer.length < total) return null;
    const type = this.#startup ? '' : String.fromCharCode(this.#buffer[0]!);
    const body = this.#buffer.slice(header, total);
    this.#buffer = this.#buffer.subarray(total);
    return { type, body };
  }
}

/** Reads the fields of one message body in order. */
export class BodyReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  int32(): number {
    this.#need(4);
    const v = this.#view.getInt32(this.#at);
    this.#at += 4;
    return v;
  }

  int16(): number {
    this.#need(2);
    const v = this.#view.getInt16(this.#at);
    this.#at += 2;
    return v;
  }

  byte(): number {
    this.#need(1);
    return this.#bytes[this.#at++]!;
  }

  cstring(): string {
    const end = this.#bytes.indexOf(0, this.#at);
    if (end < 0) throw protocolError('unterminated string in message');
    let text: string;
    try {
      text = decoder.decode(this.#bytes.subarray(this.#at, end));
    } catch {
      throw new FlintError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
    }
    this.#at = end + 1;
    return text;
  }

  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.#bytes.slice(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  #need(n: number): void {
    if (n < 0 || this.#at + n > this.#bytes.length) throw protocolError('message is shorter than its fields');
  }
}

/** Builds one backend message. */
export class MessageWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #at = 0;

  constructor(type: string) {
    this.byte(type.charCodeAt(0));
    this.int32(0); // length, filled by finish()
  }

  #grow(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#at));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  byte(v: number): this {
    this.#grow(1);
    this.#buf[this.#at++] = v;
    return this;
  }

  int16(v: number): this {
    this.#grow(2);
    this.#view.setInt16(this.#at, v);
    this.#at += 2;
    return this;
  }

  int32(v: number): this {
    this.#grow(4);
    this.#view.setInt32(this.#at, v);
    this.#at += 4;
    return this;
  }

  cstring(s: string): this {
    const bytes = encoder.encode(s);
    this.#grow(bytes.length + 1);
    this.#buf.set(bytes, this.#at);
    this.#at += bytes.length;
    this.#buf[this.#at++] = 0;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.#grow(bytes.length);
    this.#buf.set(bytes, this.#at);
    this.#at += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    this.#view.setInt32(1, this.#at - 1);
    return this.#buf.slice(0, this.#at);
  }
}

/** A message with an empty body ('1' ParseComplete, '2' BindComplete, 'n' NoData ...). */
export function emptyMessage(type: string): Uint8Array {
  return new MessageWriter(type).finish();
}

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}
