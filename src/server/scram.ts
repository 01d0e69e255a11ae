// SCRAM-SHA-256 (RFC 5802, RFC 7677), the server side, as PostgreSQL speaks
// it: the user name taken from the startup message (the SCRAM message's n=
// is ignored, as PostgreSQL does). Over TLS the server also offers
// SCRAM-SHA-256-PLUS with tls-server-end-point channel binding (RFC 5929):
// the client proves it sees the server's certificate, so a man in the
// middle with another certificate cannot relay the exchange.
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

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
export const SCRAM_PLUS_MECHANISM = 'SCRAM-SHA-256-PLUS';

export interface ChannelBinding {
  /** The mechanism the client chose: SCRAM-SHA-256-PLUS binds to the channel. */
  readonly plus: boolean;
  /** tls-server-end-point data (the server certificate's hash) when the connection is TLS and PLUS was offered; else null. */
  readonly endPoint: Buffer | null;
}

/** One SCRAM exchange: client-first -> server-first -> client-final -> server-final. */
export class ScramExchange {
  readonly #verifier: ScramVerifier;
  readonly #binding: ChannelBinding;
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';
  /** What the client-final's c= must be: base64 of the gs2 header (and the binding data with p=). */
  #expectedBinding = '';

  constructor(verifier: ScramVerifier, binding: ChannelBinding = { plus: false, endPoint: null }) {
    this.#verifier = verifier;
    this.#binding = binding;
  }

  /** The server-first message for the client-first message; throws on a malformed one or a channel binding mismatch. */
  serverFirst(clientFirst: string): string {
    // gs2 header: "n,," (no channel binding), "y,," (client supports it but thinks
    // the server does not), or "p=tls-server-end-point,," (SCRAM-SHA-256-PLUS).
    const m = /^(n|y|p=([A-Za-z0-9.-]+)),((?:a=[^,]*)?),(.*)$/.exec(clientFirst);
    if (m === null) throw new Error('malformed SCRAM client-first message');
    const flag = m[1]!;
    if (this.#binding.plus) {
      if (!flag.startsWith('p=')) throw new Error('the client selected SCRAM-SHA-256-PLUS without channel binding data');
      if (m[2] !== 'tls-server-end-point' || this.#binding.endPoint === null) throw new Error(`unsupported SCRAM channel-binding type "${m[2]}"`);
    } else if (flag.startsWith('p=')) {
      throw new Error('the client selected SCRAM-SHA-256 without channel binding, but the message includes channel binding data');
    } else if (flag === 'y' && this.#binding.endPoint !== null) {
      // The server offered PLUS; a client that believes it did not was downgraded by someone in between (RFC 5802 section 6).
      throw new Error('SCRAM channel binding negotiation error');
    }
    const header = Buffer.from(`${flag},${m[3]!},`, 'utf8');
    this.#expectedBinding = (this.#binding.plus ? Buffer.concat([header, this.#binding.endPoint!]) : header).toString('base64');
    this.#clientFirstBare = m[4]!;
    const nonce = /(?:^|,)r=([^,]+)/.exec(this.#clientFirstBare)?.[1];
    if (nonce === undefined) throw new Error('SCRAM client-first message has no nonce');
    this.#nonce = nonce + randomBytes(18).toString('base64');
    this.#serverFirst = `r=${this.#nonce},s=${this.#verifier.salt.toString('base64')},i=${this.#verifier.iterations}`;
    return this.#serverFirst;
  }

  /** The server-final message if the client's proof is right, else null. */
  serverFinal(clientFinal: string): string | null {
    const m = /^(c=([^,]*),r=([^,]*))(?:,.*)?,p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (m === null || m[3] !== this.#nonce || m[2] !== this.#expectedBinding) return null;
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${m[1]}`;
    const clientSignature = hmac(this.#verifier.storedKey, authMessage);
    const proof = Buffer.from(m[4]!, 'base64');
    if (proof.length !== clientSignature.length) return null;
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.#verifier.storedKey)) return null;
    return `v=${hmac(this.#verifier.serverKey, authMessage).toString('base64')}`;
  }
}
