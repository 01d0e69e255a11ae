// TLS for the server: the certificate and key loaded once at start, and the
// upgrade of a client's socket after it asked for TLS (SSLRequest, answered
// 'S').
//
// A client that wants TLS sends SSLRequest and waits for the one-byte
// answer before it starts the handshake; PostgreSQL treats bytes that arrive
// before the answer as a protocol violation ("received unencrypted data
// after SSL request"), since a man in the middle could have injected them
// into what the client then believes is an encrypted session. So does
// Connection.
//
// PostgreSQL 17's direct TLS (libpq's sslnegotiation=direct) skips
// SSLRequest: the client starts the handshake at once, with ALPN
// "postgresql". The server tells it apart by the first byte (0x16, a TLS
// handshake record; a startup packet's length starts with 0).
//
// Channel binding (SCRAM-SHA-256-PLUS, tls-server-end-point): the binding
// data is the hash of the server's certificate (RFC 5929 section 4.1: the
// certificate's signature hash, SHA-256 when that is MD5 or SHA-1), the
// same for every connection, so it is computed here once.

import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { FlintError, SqlState } from '../errors.ts';

export interface TlsFiles {
  /** PEM certificate (chain) file. */
  readonly certFile: string;
  /** PEM private key file. */
  readonly keyFile: string;
}

export interface TlsConfig {
  readonly context: SecureContext;
  /** tls-server-end-point channel binding data: the hash of the server certificate. */
  readonly endPoint: Buffer;
}

/**
 * Load the certificate and key: F0000 with the file and the reason when one
 * cannot be read or they do not fit together, so `flint serve` stops at start
 * rather than at the first client.
 */
export function loadTls(files: TlsFiles): TlsConfig {
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (error as Error).message;
      throw new FlintError(SqlState.configFileError, `could not load ${what} file "${path}": ${reason}`, { file: path });
    }
  };
  const cert = read('server certificate', files.certFile);
  const key = read('private key', files.keyFile);
  let context: SecureContext;
  try {
    context = createSecureContext({ cert, key, minVersion: 'TLSv1.2' });
  } catch (error) {
    throw new FlintError(SqlState.configFileError, `could not load TLS certificate "${files.certFile}" and key "${files.keyFile}": ${(error as Error).message}`, { cause: error });
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new FlintError(SqlState.configFileError, `could not load server certificate file "${files.certFile}": ${(error as Error).message}`, { cause: error });
  }
  return { context, endPoint: endPointHash(x509) };
}

/** RFC 5929's tls-server-end-point: the certificate hashed with its signature's hash (MD5 and SHA-1 become SHA-256). */
function endPointHash(cert: X509Certificate): Buffer {
  // Node does not expose the signature algorithm; read it from the DER: the
  // signatureAlgorithm AlgorithmIdentifier follows tbsCertificate.
  const algorithm = signatureHash(cert.raw);
  return createHash(algorithm).update(cert.raw).digest();
}

const HASH_BY_OID: Record<string, string> = {
  // sha256/384/512 WithRSAEncryption, ecdsa-with-SHA256/384/512, RSASSA-PSS defaults to SHA-256 here.
  '2a864886f70d01010b': 'sha256',
  '2a864886f70d01010c': 'sha384',
  '2a864886f70d01010d': 'sha512',
  '2a8648ce3d040302': 'sha256',
  '2a8648ce3d040303': 'sha384',
  '2a8648ce3d040304': 'sha512',
};

/** The hash for tls-server-end-point from a DER certificate: SHA-256 unless it is signed with SHA-384/512. */
function signatureHash(der: Buffer): string {
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE { OID, ... }, signature BIT STRING }
  const readLength = (at: number): [number, number] => {
    const first = der[at]!;
    if (first < 0x80) return [first, at + 1];
    const n = first & 0x7f;
    let length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[at + 1 + i]!;
    return [length, at + 1 + n];
  };
  try {
    const [, certBody] = readLength(1);
    const [tbsLength, tbsBody] = readLength(certBody + 1);
    const algAt = tbsBody + tbsLength;
    const [, algBody] = readLength(algAt + 1);
    if (der[algBody] !== 0x06) return 'sha256';
    const [oidLength, oidBody] = readLength(algBody + 1);
    return HASH_BY_OID[der.subarray(oidBody, oidBody + oidLength).toString('hex')] ?? 'sha256';
  } catch {
    return 'sha256';
  }
}

/** The ALPN protocol name PostgreSQL 17 registered; a direct TLS connection must negotiate it. */
export const ALPN_PROTOCOL = 'postgresql';

/** A connection's first bytes are a TLS handshake record (PostgreSQL 17's direct TLS), not a startup packet. */
export function isTlsHandshake(first: Uint8Array): boolean {
  // A startup packet starts with its Int32 length, whose first byte is 0 for any length the server accepts.
  return first[0] === 0x16;
}

/**
 * Start TLS on a client's socket: after SSLRequest (the server has just
 * written 'S'), or at once for a direct TLS connection (`direct`), which
 * must negotiate ALPN "postgresql" as PostgreSQL 17 requires (so a TLS
 * client of another protocol pointed at this port gets nowhere); without
 * it the connection is closed after the handshake. The returned socket
 * carries the rest of the session; the raw socket must no longer be read
 * or written by the caller.
 */
export function upgradeSocket(socket: Socket, config: TlsConfig, direct = false): TLSSocket {
  const secure = new TLSSocket(socket, { isServer: true, secureContext: config.context, ALPNProtocols: [ALPN_PROTOCOL] });
  if (direct) {
    secure.once('secure', () => {
      if (secure.alpnProtocol !== ALPN_PROTOCOL) secure.destroy();
    });
  }
  return secure;
}
