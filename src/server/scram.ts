// SCRAM-SHA-256 (RFC 5802, RFC 7677), the server side, as PostgreSQL speaks
// it: no channel binding ("n,,"), the user name taken from the startup
// message (the SCRAM message's n= is ignored, as PostgreSQL does).
//
// A role stores a verifier, never the password: PostgreSQL's format
//   SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
// so a verifier made by PostgreSQL can be imported and vice versa.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_ITERATIONS = 4096;

export interface ScramVerifier {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** A verifier for a password, in PostgreSQL's text format. */
export function makeVerifier(password: string, iterations = SCRAM_ITERATIONS, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export function parseVerifier(text: string): ScramVerifier | null {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text);
  if (m === null) return null;
  const verifier = { iterations: Number(m[1]), salt: Buffer.from(m[2]!, 'base64'), storedKey: Buffer.from(m[3]!, 'base64'), serverKey: Buffer.from(m[4]!, 'base64') };
  // As PostgreSQL's parse_scram_secret: both keys are SHA-256 sized, else the text is no verifier.
  if (verifier.storedKey.length !== 32 || verifier.serverKey.length !== 32 || verifier.iterations < 1) return null;
  return verifier;
}

/** One SCRAM exchange: client-first -> server-first -> client-final -> server-final. */
export class ScramExchange {
  readonly #verifier: ScramVerifier;
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';

  constructor(verifier: ScramVerifier) {
    this.#verifier = verifier;
  }

  /** The server-first message for the client-first message; throws on a malformed one. */
  serverFirst(clientFirst: string): string {
    // gs2 header: "n,," (no channel binding) or "y,," (client supports it, server does not offer it).
    const m = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (m === null) throw new Error('malformed SCRAM client-first message');
    this.#clientFirstBare = m[2]!;
    const nonce = /(?:^|,)r=([^,]+)/.exec(this.#clientFirstBare)?.[1];
    if (nonce === undefined) throw new Error('SCRAM client-first message has no nonce');
    this.#nonce = nonce + randomBytes(18).toString('base64');
    this.#serverFirst = `r=${this.#nonce},s=${this.#verifier.salt.toString('base64')},i=${this.#verifier.iterations}`;
    return this.#serverFirst;
  }

  /** The server-final message if the client's proof is right, else null. */
  serverFinal(clientFinal: string): string | null {
    const m = /^(c=[^,]*,r=([^,]*))(?:,.*)?,p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (m === null || m[2] !== this.#nonce) return null;
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${m[1]}`;
    const clientSignature = hmac(this.#verifier.storedKey, authMessage);
    const proof = Buffer.from(m[3]!, 'base64');
    if (proof.length !== clientSignature.length) return null;
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.#verifier.storedKey)) return null;
    return `v=${hmac(this.#verifier.serverKey, authMessage).toString('base64')}`;
  }
}
