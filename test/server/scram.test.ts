// The SCRAM-SHA-256 server exchange against a client written here from RFC
// 5802: a right proof passes and a wrong one fails; the client-final's
// channel binding must repeat the gs2 header (and, for SCRAM-SHA-256-PLUS,
// the server certificate's hash); a client that was told no channel binding
// is offered while it was ("y" over TLS) is a downgrade and fails; a text
// that only looks like a verifier is none.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeVerifier, parseVerifier, ScramExchange } from '../../src/server/scram.ts';

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** Run one exchange; `bindingData` is what the client puts after the gs2 header in c= (the certificate hash for PLUS). */
function exchange(server: ScramExchange, password: string, gs2Header: string, bindingData: Buffer = Buffer.alloc(0)): string | null {
  const clientNonce = randomBytes(12).toString('base64');
  const clientFirstBare = `n=,r=${clientNonce}`;
  const serverFirst = server.serverFirst(gs2Header + clientFirstBare);
  const params = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(params['s']!, 'base64'), Number(params['i']), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const c = Buffer.concat([Buffer.from(gs2Header), bindingData]).toString('base64');
  const withoutProof = `c=${c},r=${params['r']}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(sha256(clientKey), authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  return server.serverFinal(`${withoutProof},p=${proof.toString('base64')}`);
}

const verifier = parseVerifier(makeVerifier('pencil'))!;
const endPoint = sha256(Buffer.from('the server certificate'));

describe('SCRAM-SHA-256 exchange', () => {
  it('without channel binding: the right password passes with the server signature, a wrong one fails', () => {
    expect(exchange(new ScramExchange(verifier), 'pencil', 'n,,')).toMatch(/^v=[A-Za-z0-9+/]+=*$/);
    expect(exchange(new ScramExchange(verifier), 'crayon', 'n,,')).toBeNull();
    // "y": the client could bind but the server offered no PLUS (plain text): fine.
    expect(exchange(new ScramExchange(verifier, { plus: false, endPoint: null }), 'pencil', 'y,,')).not.toBeNull();
  });

  it('the client-final must repeat the gs2 header in c=', () => {
    const server = new ScramExchange(verifier);
    const clientNonce = 'abc';
    server.serverFirst(`n,,n=,r=${clientNonce}`);
    // c=eSws is "y,," while the client-first said "n,,".
    expect(server.serverFinal(`c=eSws,r=${clientNonce}x,p=AAAA`)).toBeNull();
  });

  it('SCRAM-SHA-256-PLUS: passes with the certificate hash, fails with another', () => {
    const header = 'p=tls-server-end-point,,';
    expect(exchange(new ScramExchange(verifier, { plus: true, endPoint }), 'pencil', header, endPoint)).not.toBeNull();
    expect(exchange(new ScramExchange(verifier, { plus: true, endPoint }), 'pencil', header, sha256(Buffer.from('a man in the middle')))).toBeNull();
    expect(() => exchange(new ScramExchange(verifier, { plus: true, endPoint }), 'pencil', 'p=tls-unique,,')).toThrow(/unsupported SCRAM channel-binding type/);
    expect(() => exchange(new ScramExchange(verifier, { plus: true, endPoint }), 'pencil', 'n,,')).toThrow(/without channel binding data/);
    expect(() => exchange(new ScramExchange(verifier, { plus: false, endPoint }), 'pencil', header, endPoint)).toThrow(/includes channel binding data/);
  });

  it('a client that believes PLUS was not offered when it was ("y" over TLS) is refused as a downgrade', () => {
    expect(() => exchange(new ScramExchange(verifier, { plus: false, endPoint }), 'pencil', 'y,,')).toThrow('SCRAM channel binding negotiation error');
    // "n" (a client that cannot bind) over TLS is allowed, as in PostgreSQL.
    expect(exchange(new ScramExchange(verifier, { plus: false, endPoint }), 'pencil', 'n,,')).not.toBeNull();
  });

  it("verifiers: PostgreSQL's text format round-trips; keys of the wrong size are no verifier", () => {
    const text = makeVerifier('pencil', 4096, Buffer.alloc(16, 1));
    expect(text).toMatch(/^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(parseVerifier(text)).toMatchObject({ iterations: 4096 });
    expect(parseVerifier('SCRAM-SHA-256$4096:c2FsdA==$YWJj:ZGVm')).toBeNull();
    expect(parseVerifier('md5' + '0'.repeat(32))).toBeNull();
  });
});
