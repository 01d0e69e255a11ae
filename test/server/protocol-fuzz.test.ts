// Protocol fuzzing: random, truncated, oversized and mutated frontend
// messages at every protocol state, over raw sockets, against an in-process
// server. After every batch of cases:
//   - a fresh node-postgres client connects and gets a right answer;
//   - a "bystander" client connected before the first case still works and
//     still sees its own data, and a "holder" keeps a transaction open with
//     an uncommitted row across the whole run, which it commits at the end;
//   - every byte the server sent in the batch parses as backend messages
//     (whole messages of known types, ErrorResponses with their fields,
//     nothing after a FATAL);
//   - no fuzzed session is left registered and no transaction is left
//     open; the heap has not grown past a generous constant.
// A crash of the server would surface as an unhandled error in the test run.
//
// The cases derive from a seeded PRNG. The seed is printed and is part of
// every failure message; replay one with FLINT_FUZZ_SEED=<seed>, and run
// longer with FLINT_FUZZ_ITERATIONS=<cases> (default 320).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { MAX_MESSAGE_BYTES, MessageReader } from '../../src/server/protocol.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';

const SEED = (process.env['FLINT_FUZZ_SEED'] === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env['FLINT_FUZZ_SEED'])) >>> 0;
const ITERATIONS = Number(process.env['FLINT_FUZZ_ITERATIONS'] ?? 320);
const BATCH = 40;
const PASSWORD = 'fuzz password';
/** Generous: the fuzzed clients send at most a few MiB in all; a leak of connections or buffers would pass it. */
const HEAP_GROWTH_MAX_BYTES = 512 * 1024 * 1024;

// ---- seeded randomness (mulberry32) --------------------------------------------------------

function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    chance: (p) => next() < p,
  };
}

interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  bytes(n: number): Uint8Array;
  chance(p: number): boolean;
}

// ---- frontend messages ----------------------------------------------------------------------

const enc = new TextEncoder();
const cstr = (s: string) => concat(enc.encode(s), Uint8Array.of(0));
const i32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};
const i16 = (n: number) => {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setInt16(0, n);
  return b;
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A typed message: type byte, Int32 length (counting itself), body. */
function msg(type: string, ...body: Uint8Array[]): Uint8Array {
  const b = concat(...body);
  return concat(Uint8Array.of(type.charCodeAt(0)), i32(b.length + 4), b);
}

/** A startup-phase message: Int32 length, body (no type byte). */
function untyped(...body: Uint8Array[]): Uint8Array {
  const b = concat(...body);
  return concat(i32(b.length + 4), b);
}

const fe = {
  startup: (params: Record<string, string>) => untyped(i32(196608), ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), Uint8Array.of(0)),
  sslRequest: () => untyped(i32(80877103)),
  gssRequest: () => untyped(i32(80877104)),
  cancel: (pid: number, key: number) => untyped(i32(80877102), i32(pid), i32(key)),
  query: (sql: string) => msg('Q', cstr(sql)),
  parse: (name: string, sql: string, oids: number[] = []) => msg('P', cstr(name), cstr(sql), i16(oids.length), ...oids.map(i32)),
  bind: (portal: string, stmt: string, formats: number[], params: (Uint8Array | null)[], resultFormats: number[] = []) =>
    msg('B', cstr(portal), cstr(stmt), i16(formats.length), ...formats.map(i16), i16(params.length),
      ...params.flatMap((p) => (p === null ? [i32(-1)] : [i32(p.length), p])), i16(resultFormats.length), ...resultFormats.map(i16)),
  describe: (kind: 'S' | 'P', name: string) => msg('D', Uint8Array.of(kind.charCodeAt(0)), cstr(name)),
  execute: (portal: string, maxRows: number) => msg('E', cstr(portal), i32(maxRows)),
  close: (kind: 'S' | 'P', name: string) => msg('C', Uint8Array.of(kind.charCodeAt(0)), cstr(name)),
  sync: () => msg('S'),
  flush: () => msg('H'),
  terminate: () => msg('X'),
  copyData: (text: string | Uint8Array) => msg('d', typeof text === 'string' ? enc.encode(text) : text),
  copyDone: () => msg('c'),
  copyFail: (why: string) => msg('f', cstr(why)),
  saslInitial: (mechanism: string, data: string) => msg('p', cstr(mechanism), i32(enc.encode(data).length), enc.encode(data)),
  saslResponse: (data: string) => msg('p', enc.encode(data)),
  password: (text: string) => msg('p', cstr(text)),
  functionCall: () => msg('F', i32(1234), i16(0), i16(0), i16(0)),
};

/** A message and whether it is startup-phase (untyped). */
interface Segment {
  readonly bytes: Uint8Array;
  readonly untyped: boolean;
}

const typed = (bytes: Uint8Array): Segment => ({ bytes, untyped: false });

/** The valid conversation after authentication: simple query, a block, extended query, binary parameters, a suspended portal, COPY, Terminate. */
function conversation(rng: Rng): Segment[] {
  const n = rng.int(1_000_000);
  return [
    fe.query(`SELECT 1 AS one; INSERT INTO fz (v) VALUES ('simple ${n}')`),
    fe.query('BEGIN'),
    fe.query(`INSERT INTO fz (v) VALUES ('block ${n}')`),
    fe.query('COMMIT'),
    fe.parse('s1', 'SELECT $1::int + 1 AS n, v FROM fz WHERE id = $1', [23]),
    fe.bind('p1', 's1', [0], [enc.encode('1')], [0]),
    fe.describe('P', 'p1'),
    fe.execute('p1', 0),
    fe.sync(),
    fe.parse('', 'INSERT INTO fz (v) VALUES ($1)', [25]),
    fe.bind('', '', [1], [enc.encode(`binary ${n}`)], [1]),
    fe.describe('S', ''),
    fe.execute('', 0),
    fe.sync(),
    fe.parse('s2', 'SELECT id, v FROM fz ORDER BY id LIMIT 3'),
    fe.bind('p2', 's2', [], [], [1, 0]),
    fe.execute('p2', 1),
    fe.execute('p2', 0),
    fe.close('P', 'p2'),
    fe.close('S', 's2'),
    fe.flush(),
    fe.sync(),
    fe.query('COPY fz (v) FROM STDIN'),
    fe.copyData(`copy a ${n}\ncopy `),
    fe.copyData(`b ${n}\n`),
    fe.copyDone(),
    fe.query('SELECT count(*) FROM fz'),
    fe.terminate(),
  ].map(typed);
}

/** Every kind of frontend message, valid in some state: what "a message in the wrong state" draws from. */
function anyMessage(rng: Rng): Segment {
  const all: (() => Segment)[] = [
    () => ({ bytes: fe.startup({ user: 'flint', database: 'flint' }), untyped: true }),
    () => ({ bytes: fe.sslRequest(), untyped: true }),
    () => ({ bytes: fe.gssRequest(), untyped: true }),
    () => ({ bytes: fe.cancel(rng.int(5000), rng.int(2 ** 31)), untyped: true }),
    () => typed(fe.query(rng.pick(['SELECT 1', 'BEGIN', 'COMMIT', 'ROLLBACK', 'COPY fz (v) FROM STDIN', 'COPY fz TO STDOUT', '', ';;', 'SELEC', 'SELECT * FROM fz WHERE id = 1']))),
    () => typed(fe.parse(rng.pick(['', 's1', 'x']), rng.pick(['SELECT $1::int', 'INSERT INTO fz (v) VALUES ($1)', 'COPY fz (v) FROM STDIN', 'BEGIN', 'nonsense']), rng.chance(0.5) ? [23] : [])),
    () => typed(fe.bind(rng.pick(['', 'p1']), rng.pick(['', 's1', 'missing']), rng.pick([[], [0], [1], [0, 1], [7]]), rng.pick([[], [null], [enc.encode('12')], [rng.bytes(rng.int(9))]]), rng.pick([[], [1], [0, 1, 2]]))),
    () => typed(fe.describe(rng.pick(['S', 'P'] as const), rng.pick(['', 's1', 'p1']))),
    () => typed(fe.execute(rng.pick(['', 'p1', 'p2']), rng.pick([0, 1, -1, 2 ** 31 - 1]))),
    () => typed(fe.close(rng.pick(['S', 'P'] as const), rng.pick(['', 's1', 'p1']))),
    () => typed(fe.sync()),
    () => typed(fe.flush()),
    () => typed(fe.terminate()),
    () => typed(fe.copyData(rng.bytes(rng.int(40)))),
    () => typed(fe.copyDone()),
    () => typed(fe.copyFail('fuzz')),
    () => typed(fe.saslInitial('SCRAM-SHA-256', 'n,,n=*,r=abc')),
    () => typed(fe.saslResponse('c=biws,r=abc,p=AAAA')),
    () => typed(fe.password('secret')),
    () => typed(fe.functionCall()),
    () => typed(msg(String.fromCharCode(rng.int(256)), rng.bytes(rng.int(64)))),
  ];
  return rng.pick(all)();
}

// ---- mutations ------------------------------------------------------------------------------

interface Case {
  readonly name: string;
  /** The bytes to send, as the segments they were built from (the first is the startup message). */
  readonly bytes: Uint8Array;
  /**
   * After sending: 'end' half-closes (the server sees end of stream); 'quiet'
   * hangs up once the server has sent nothing for a moment; 'close' waits
   * for the server to close (a conversation that ends with Terminate).
   */
  readonly after: 'end' | 'quiet' | 'close';
  /** Send SSLRequest first and wait for its one-byte answer ('N') before the rest, as clients do. */
  readonly sslFirst: boolean;
  /** How the bytes are cut into writes. */
  readonly chunks: number[];
}

const STARTUP = { bytes: fe.startup({ user: 'flint', database: 'flint', application_name: 'fuzz' }), untyped: true };

function flatten(segments: Segment[]): Uint8Array {
  return concat(...segments.map((s) => s.bytes));
}

/** Offsets of the segments' starts in the flattened bytes. */
function boundaries(segments: Segment[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const s of segments) {
    out.push(at);
    at += s.bytes.length;
  }
  out.push(at);
  return out;
}

/** The length field of a segment rewritten. */
function withLength(s: Segment, length: number): Segment {
  const bytes = s.bytes.slice();
  new DataView(bytes.buffer).setInt32(s.untyped ? 0 : 1, length);
  return { bytes, untyped: s.untyped };
}

const MUTATIONS: Record<string, (rng: Rng, segments: Segment[]) => Segment[] | Uint8Array> = {
  valid: (_rng, segments) => segments,
  bitflip(rng, segments) {
    const bytes = flatten(segments);
    for (let k = 1 + rng.int(6); k > 0; k--) {
      // Mostly after the startup message, so the flips reach the later states.
      const at = rng.chance(0.85) ? segments[0]!.bytes.length + rng.int(bytes.length - segments[0]!.bytes.length) : rng.int(bytes.length);
      bytes[at]! ^= 1 << rng.int(8);
    }
    return bytes;
  },
  truncateAtBoundary(rng, segments) {
    const cuts = boundaries(segments);
    return flatten(segments).subarray(0, cuts[rng.int(cuts.length)]!);
  },
  truncateInside(rng, segments) {
    const bytes = flatten(segments);
    return bytes.subarray(0, rng.int(bytes.length));
  },
  badLength(rng, segments) {
    const i = rng.int(segments.length);
    const s = segments[i]!;
    const real = s.bytes.length - (s.untyped ? 0 : 1);
    const length = rng.pick([0, 1, 3, 4, 7, -1, -real, 0x7fffffff, MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES, real - 1, real + 1, real + rng.int(100), rng.int(2 ** 32) | 0]);
    return segments.map((x, j) => (j === i ? withLength(x, length) : x));
  },
  badType(rng, segments) {
    const i = 1 + rng.int(segments.length - 1);
    return segments.map((x, j) => {
      if (j !== i) return x;
      const bytes = x.bytes.slice();
      bytes[0] = rng.int(256);
      return { bytes, untyped: false };
    });
  },
  garbageAfterStartup: (rng, segments) => [segments[0]!, typed(rng.bytes(1 + rng.int(rng.chance(0.2) ? 70_000 : 300)))],
  garbageFromStart: (rng) => rng.bytes(1 + rng.int(300)),
  wrongState(rng, segments) {
    const out = segments.slice();
    for (let k = 1 + rng.int(3); k > 0; k--) out.splice(rng.int(out.length + 1), 0, anyMessage(rng));
    return out;
  },
  shuffled(rng, segments) {
    const tail = segments.slice(1);
    for (let i = tail.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [tail[i], tail[j]] = [tail[j]!, tail[i]!];
    }
    return [segments[0]!, ...tail.slice(0, 1 + rng.int(tail.length))];
  },
  dropped(rng, segments) {
    const out = segments.slice();
    for (let k = 1 + rng.int(3); k > 0 && out.length > 2; k--) out.splice(1 + rng.int(out.length - 1), 1);
    return out;
  },
  randomMessages(rng, segments) {
    const out = [segments[0]!];
    for (let k = 1 + rng.int(12); k > 0; k--) out.push(typed(msg(String.fromCharCode(rng.pick([0x51, 0x50, 0x42, 0x44, 0x45, 0x43, 0x53, 0x48, 0x64, 0x63, 0x66, 0x70, 0x46, rng.int(256)])), rng.bytes(rng.int(48)))));
    return out;
  },
  oversized(rng, segments) {
    // Big but legal messages (a 1.5 MiB query text, a 1 MiB CopyData), and one that claims more than the limit.
    const big = rng.pick([
      () => typed(fe.query(`SELECT '${'x'.repeat(1_500_000)}' AS big`)),
      () => typed(fe.query(`SELEC ${'y'.repeat(1_000_000)}`)),
      () => typed(concat(fe.query('COPY fz (v) FROM STDIN'), fe.copyData(`${'z'.repeat(1_000_000)}\n`), fe.copyDone())),
      () => typed(concat(Uint8Array.of(0x51), i32(MAX_MESSAGE_BYTES + 1 + rng.int(1000)), rng.bytes(rng.int(5000)))),
      () => typed(concat(Uint8Array.of(0x64), i32(0x7ffffff0), rng.bytes(rng.int(5000)))),
    ])();
    const out = segments.slice();
    out.splice(1 + rng.int(out.length - 1), 0, big);
    return out;
  },
  startupVariants(rng) {
    const variants: (() => Uint8Array)[] = [
      () => fe.startup({}),
      () => fe.startup({ user: '' }),
      () => fe.startup({ user: 'nobody' }),
      () => fe.startup({ database: 'flint' }),
      () => untyped(i32(0x00020000), cstr('user'), cstr('flint'), Uint8Array.of(0)), // protocol 2
      () => untyped(i32(0x00030001), cstr('user'), cstr('flint'), Uint8Array.of(0)), // protocol 3.1
      () => untyped(i32(196608), cstr('user')), // unterminated parameters
      () => untyped(i32(196608), cstr('user'), Uint8Array.of(0xff, 0xfe, 0), cstr('x'), Uint8Array.of(0)), // bad UTF-8
      () => untyped(i32(rng.int(2 ** 32) | 0), rng.bytes(rng.int(40))),
      () => fe.cancel(rng.int(10_000), rng.int(2 ** 31)),
      () => untyped(i32(80877102)), // short CancelRequest
      () => concat(fe.sslRequest(), fe.sslRequest(), STARTUP.bytes),
      () => concat(fe.gssRequest(), fe.startup({ user: 'flint' }), fe.query('SELECT 1')),
      () => concat(fe.startup({ user: 'flint' }), fe.startup({ user: 'flint' })),
    ];
    return rng.pick(variants)();
  },
};

function makeCase(rng: Rng, index: number): Case {
  const names = Object.keys(MUTATIONS);
  // Weights: the structural mutations more often than the valid baseline.
  const name = index % 16 === 0 ? 'valid' : rng.pick(names);
  let segments: Segment[] = [STARTUP, ...conversation(rng)];
  const sslFirst = rng.chance(0.1);
  const mutated = MUTATIONS[name]!(rng, segments);
  let bytes = mutated instanceof Uint8Array ? mutated : flatten(mutated);
  segments = [];
  const chunks: number[] = [];
  if (rng.chance(0.3)) {
    for (let left = bytes.length; left > 0; ) {
      const n = Math.min(left, 1 + rng.int(rng.chance(0.5) ? 8 : 600));
      chunks.push(n);
      left -= n;
    }
  } else {
    chunks.push(bytes.length);
  }
  return { name, bytes, after: rng.chance(0.7) ? 'end' : 'quiet', sslFirst: sslFirst && name !== 'garbageFromStart' && name !== 'startupVariants', chunks };
}

// ---- backend messages: what the server sends must parse -------------------------------------------

const BACKEND_TYPES = new Set('RSKZTDCEN123nstIGHdcAVv'.split(''));

/** Check that `bytes` is a sequence of whole, well-formed backend messages; returns them. Throws why not. */
function parseBackend(bytes: Uint8Array, sslFirst: boolean, cutAllowed = false): { type: string; body: Uint8Array }[] {
  const out: { type: string; body: Uint8Array }[] = [];
  let at = 0;
  // The answer to SSLRequest is one byte, before any message.
  if (sslFirst && bytes.length > 0) {
    if (bytes[0] !== 0x4e) throw new Error(`SSLRequest answered 0x${bytes[0]!.toString(16)}, not 'N'`);
    at = 1;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fatal = false;
  while (at < bytes.length) {
    if (fatal) throw new Error(`bytes after a FATAL error at ${at}`);
    if (bytes.length - at < 5) {
      if (cutAllowed) break;
      throw new Error(`partial message header at ${at} (${bytes.length - at} bytes)`);
    }
    const type = String.fromCharCode(bytes[at]!);
    if (!BACKEND_TYPES.has(type)) throw new Error(`unknown backend message type 0x${bytes[at]!.toString(16)} at ${at}`);
    const length = view.getInt32(at + 1);
    if (cutAllowed && length >= 4 && at + 1 + length > bytes.length) break;
    if (length < 4 || at + 1 + length > bytes.length) throw new Error(`bad length ${length} of '${type}' at ${at} (${bytes.length - at} bytes left)`);
    const body = bytes.subarray(at + 5, at + 1 + length);
    checkBody(type, body);
    if (type === 'E' && errorFields(body)['S'] === 'FATAL') fatal = true;
    out.push({ type, body });
    at += 1 + length;
  }
  return out;
}

function errorFields(body: Uint8Array): Record<string, string> {
  const fields: Record<string, string> = {};
  let at = 0;
  const dec = new TextDecoder('utf-8', { fatal: true });
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    if (end < 0) throw new Error('unterminated error field');
    fields[code] = dec.decode(body.subarray(at + 1, end));
    at = end + 1;
  }
  if (at !== body.length - 1) throw new Error('error fields not terminated by a zero byte');
  return fields;
}

function checkBody(type: string, body: Uint8Array): void {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (type) {
    case 'Z':
      if (body.length !== 1 || !'ITE'.includes(String.fromCharCode(body[0]!))) throw new Error(`bad ReadyForQuery ${[...body]}`);
      return;
    case 'E':
    case 'N': {
      const f = errorFields(body);
      if (!['ERROR', 'FATAL', 'PANIC', 'WARNING', 'NOTICE', 'DEBUG', 'INFO', 'LOG'].includes(f['S'] ?? '')) throw new Error(`bad severity ${f['S']}`);
      if (!/^[0-9A-Z]{5}$/.test(f['C'] ?? '')) throw new Error(`bad SQLSTATE ${f['C']}`);
      if (f['M'] === undefined) throw new Error('error without a message');
      if (type === 'E' && f['C'] === 'XX000') throw new Error(`internal error sent to the client: ${f['M']}`);
      return;
    }
    case 'R':
      if (body.length < 4 || ![0, 3, 5, 10, 11, 12].includes(view.getInt32(0))) throw new Error('bad Authentication message');
      return;
    case 'K':
      if (body.length !== 8) throw new Error('bad BackendKeyData');
      return;
    case '1': case '2': case '3': case 'n': case 's': case 'I': case 'c':
      if (body.length !== 0) throw new Error(`'${type}' with a body`);
      return;
    case 'C': case 'S':
      if (body[body.length - 1] !== 0) throw new Error(`'${type}' not NUL-terminated`);
      return;
    case 'D': {
      const n = view.getInt16(0);
      let at = 2;
      for (let i = 0; i < n; i++) {
        const len = view.getInt32(at);
        at += 4 + Math.max(0, len);
      }
      if (at !== body.length) throw new Error('DataRow fields do not add up');
      return;
    }
    case 'T': {
      const n = view.getInt16(0);
      let at = 2;
      for (let i = 0; i < n; i++) {
        const end = body.indexOf(0, at);
        if (end < 0) throw new Error('RowDescription name unterminated');
        at = end + 1 + 18;
      }
      if (at !== body.length) throw new Error('RowDescription fields do not add up');
      return;
    }
    default:
  }
}

// ---- running a case -------------------------------------------------------------------------

interface Outcome {
  readonly received: Uint8Array;
  /** We hung up first ('quiet'): the last message may be cut where we stopped reading. */
  readonly hungUp: boolean;
}

/** Send a case over a raw socket; resolve with everything the server sent once it closed or went quiet. */
function runCase(port: number, c: Case): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Uint8Array[] = [];
    let quiet: ReturnType<typeof setTimeout> | null = null;
    let hungUp = false;
    const settle = () => {
      if (quiet !== null) clearTimeout(quiet);
      // Not a threshold on the server: only how long this client waits for more before hanging up.
      if (c.after === 'quiet') quiet = setTimeout(() => {
        hungUp = true;
        socket.destroy();
      }, 60);
    };
    socket.on('data', (d: Buffer) => {
      received.push(new Uint8Array(d));
      settle();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // The server may hang up while we still write (it refused the stream): that is an answer, not a failure.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    // The server hung up: so do we (allowHalfOpen keeps our side open until then, to read every answer).
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      if (quiet !== null) clearTimeout(quiet);
      resolve({ received: concat(...received), hungUp });
    });
    const send = () => {
      let at = 0;
      for (const n of c.chunks) {
        if (socket.destroyed) return;
        socket.write(c.bytes.subarray(at, at + n));
        at += n;
      }
      if (c.after === 'end') socket.end();
      else settle();
    };
    socket.on('connect', () => {
      if (!c.sslFirst) return send();
      socket.once('data', send);
      socket.write(fe.sslRequest());
    });
  });
}

// ---- SCRAM cases: a live exchange, mutated at one step ----------------------------------------------

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/** A raw-socket SCRAM login whose messages may be mutated; the post-authentication tail is the mutated conversation. */
async function scramCase(port: number, rng: Rng): Promise<{ received: Uint8Array; name: string }> {
  const step = rng.pick(['valid', 'clientFirst', 'clientFinal', 'proof', 'tail', 'mechanism', 'early'] as const);
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const received: Uint8Array[] = [];
  let buffered: Uint8Array = new Uint8Array(0);
  let closed = false;
  const waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    received.push(new Uint8Array(d));
    buffered = concat(buffered, new Uint8Array(d));
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => {});
  const closedPromise = new Promise<void>((resolve) => socket.on('close', () => {
    closed = true;
    for (const w of waiters.splice(0)) w();
    resolve();
  }));
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  /** The next Authentication message's body, or null if the server closed or sent something else first. */
  const nextAuth = async (): Promise<Uint8Array | null> => {
    for (;;) {
      if (buffered.length >= 5) {
        const len = new DataView(buffered.buffer, buffered.byteOffset).getInt32(1);
        if (buffered.length >= 1 + len) {
          const type = String.fromCharCode(buffered[0]!);
          const body = buffered.slice(5, 1 + len);
          buffered = buffered.slice(1 + len);
          return type === 'R' ? body : null;
        }
      }
      if (closed) return null;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const mutate = (bytes: Uint8Array): Uint8Array => {
    const m = rng.pick(['flip', 'truncate', 'length'] as const);
    const out = bytes.slice();
    if (m === 'flip') out[rng.int(out.length)]! ^= 1 << rng.int(8);
    if (m === 'truncate') return out.subarray(0, rng.int(out.length));
    if (m === 'length') new DataView(out.buffer).setInt32(1, rng.pick([0, 4, -1, 0x7fffffff, out.length + rng.int(10)]));
    return out;
  };
  const finish = async () => {
    socket.end();
    await closedPromise;
    return { received: concat(...received), name: `scram:${step}` };
  };
  socket.write(fe.startup({ user: 'flint', database: 'flint' }));
  if (step === 'early') {
    socket.write(fe.query('SELECT 1'));
    return finish();
  }
  const r10 = await nextAuth();
  if (r10 === null) return finish();
  const nonce = randomBytes(18).toString('base64');
  const clientFirstBare = `n=*,r=${nonce}`;
  let first = fe.saslInitial(step === 'mechanism' ? rng.pick(['SCRAM-SHA-1', 'PLAIN', '']) : 'SCRAM-SHA-256', `n,,${clientFirstBare}`);
  if (step === 'clientFirst') first = mutate(first);
  socket.write(first);
  if (step === 'clientFirst' || step === 'mechanism') return finish();
  const r11 = await nextAuth();
  if (r11 === null) return finish();
  const serverFirst = new TextDecoder().decode(r11.subarray(4));
  const fields = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = pbkdf2Sync(PASSWORD, Buffer.from(fields['s']!, 'base64'), Number(fields['i']), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${fields['r']}`;
  const signature = hmac(storedKey, `${clientFirstBare},${serverFirst},${withoutProof}`);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  if (step === 'proof') proof[rng.int(proof.length)]! ^= 1 << rng.int(8);
  let final = fe.saslResponse(`${withoutProof},p=${proof.toString('base64')}`);
  if (step === 'clientFinal') final = mutate(final);
  socket.write(final);
  if (step !== 'valid' && step !== 'tail') return finish();
  const r12 = await nextAuth();
  expect(r12, 'a right SCRAM proof is accepted').not.toBeNull();
  const tail = conversation(rng);
  const bytes = step === 'valid' ? flatten(tail) : (MUTATIONS[rng.pick(['bitflip', 'badLength', 'badType', 'wrongState', 'truncateInside'])]!(rng, tail));
  socket.write(bytes instanceof Uint8Array ? bytes : flatten(bytes));
  return finish();
}

// ---- the test -------------------------------------------------------------------------------

let db: Database;
let dir: string | undefined;
let trustServer: FlintServer;
let scramServer: FlintServer;
let bystander: pg.Client;
/** Holds a transaction open (an uncommitted row) over SCRAM for the whole fuzz run. */
let holder: pg.Client;

beforeAll(async () => {
  // A file database: commits wait for fdatasync (group commit), so connections close while their commit is in flight.
  dir = mkdtempSync(join(tmpdir(), 'flint-fuzz-'));
  db = Database.open(dir);
  const roles = RoleStore.memory();
  roles.set('flint', PASSWORD, true);
  trustServer = await FlintServer.start({ db, port: 0, roles, trustLoopback: true });
  scramServer = await FlintServer.start({ db, port: 0, roles });
  bystander = new pg.Client({ host: '127.0.0.1', port: trustServer.port, user: 'flint', database: 'flint' });
  await bystander.connect();
  await bystander.query('CREATE TABLE fz (id serial PRIMARY KEY, v text)');
  await bystander.query('CREATE TABLE mine (k int PRIMARY KEY, v text)');
  await bystander.query("INSERT INTO mine VALUES (1, 'one'), (2, 'two')");
  holder = new pg.Client({ host: '127.0.0.1', port: scramServer.port, user: 'flint', database: 'flint', password: PASSWORD });
  await holder.connect();
});

afterAll(async () => {
  await bystander?.end();
  await holder?.end();
  await scramServer?.stop();
  await trustServer?.stop();
  db?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe(`protocol fuzz (FLINT_FUZZ_SEED=${SEED}, ${ITERATIONS} cases)`, () => {
  it('the valid conversation gets the answers a PostgreSQL client expects', async () => {
    const rng = prng(SEED);
    const c: Case = { name: 'valid', bytes: flatten([STARTUP, ...conversation(rng)]), after: 'close', sslFirst: false, chunks: [] };
    const out = await runCase(trustServer.port, { ...c, chunks: [c.bytes.length] });
    const messages = parseBackend(out.received, false);
    const types = messages.map((m) => m.type).join('');
    expect(messages.filter((m) => m.type === 'E').map((m) => errorFields(m.body)['M'])).toEqual([]);
    // Auth, then: 2 statements, BEGIN, INSERT, COMMIT, extended x3 with Sync, COPY, count.
    expect(types.startsWith('R')).toBe(true);
    expect(types.match(/Z/g)!.length).toBe(1 + 4 + 3 + 2);
    expect(types).toContain('G'); // CopyInResponse
    expect(types).toContain('s'); // PortalSuspended
    expect(types).toContain('t'); // ParameterDescription
  });

  it('random, truncated, oversized and mutated messages: the server stays up, answers in valid messages, others unaffected', { timeout: 300_000 }, async () => {
    const rng = prng(SEED);
    const heapBase = process.memoryUsage().heapUsed;
    const buffersBase = process.memoryUsage().arrayBuffers;
    await holder.query('BEGIN');
    await holder.query("INSERT INTO mine VALUES (3, 'held')");
    let done = 0;
    const counts = new Map<string, number>();
    /** Backend message types and errors seen (FLINT_FUZZ_VERBOSE=1 prints them: what the cases reached). */
    const seen = new Map<string, number>();
    while (done < ITERATIONS) {
      const n = Math.min(BATCH, ITERATIONS - done);
      const cases = Array.from({ length: n }, (_, i) => makeCase(rng, done + i));
      const scramRng = prng((SEED ^ (done * 7919)) >>> 0);
      const scramCount = Math.max(1, Math.floor(n / 10));
      const [outcomes, scrams] = await Promise.all([
        Promise.all(cases.map((c) => runCase(trustServer.port, c))),
        Promise.all(Array.from({ length: scramCount }, () => scramCase(scramServer.port, scramRng))),
      ]);
      for (const [i, o] of outcomes.entries()) {
        const c = cases[i]!;
        counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
        try {
          for (const m of parseBackend(o.received, c.sslFirst, o.hungUp)) {
            const key = m.type === 'E' ? `E ${errorFields(m.body)['C']} ${errorFields(m.body)['M']!.slice(0, 60)}` : m.type;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        } catch (error) {
          throw new Error(`seed ${SEED}, case ${done + i} (${c.name}, ${c.after}, ${c.chunks.length} writes${c.sslFirst ? ', SSLRequest first' : ''}): the server's answer does not parse: ${(error as Error).message}\n` +
            `sent ${c.bytes.length} bytes: ${Buffer.from(c.bytes.subarray(0, 400)).toString('hex')}`);
        }
      }
      for (const s of scrams) {
        counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
        try {
          parseBackend(s.received, false);
        } catch (error) {
          throw new Error(`seed ${SEED}, batch at ${done} (${s.name}): the server's answer does not parse: ${(error as Error).message}`);
        }
      }
      done += n;
      const context = `seed ${SEED}, after ${done} cases`;

      // A fresh client gets a right answer, over trust and over SCRAM.
      for (const [server, password] of [[trustServer, undefined], [scramServer, PASSWORD]] as const) {
        const fresh = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'flint', database: 'flint', ...(password === undefined ? {} : { password }) });
        await fresh.connect();
        expect((await fresh.query('SELECT $1::int * 2 AS n', [21])).rows, context).toEqual([{ n: 42 }]);
        await fresh.end();
      }
      // The bystander still works and sees its data; a block it opens and ends works too.
      expect((await bystander.query('SELECT k, v FROM mine ORDER BY k')).rows, context).toEqual([{ k: 1, v: 'one' }, { k: 2, v: 'two' }]);
      await bystander.query('BEGIN');
      await bystander.query("UPDATE mine SET v = 'tmp' WHERE k = 1");
      await bystander.query('ROLLBACK');
      // The holder's transaction is intact: it sees its own row, nobody else does.
      expect((await holder.query('SELECT v FROM mine WHERE k = 3')).rows, context).toEqual([{ v: 'held' }]);

      // Every fuzzed session is gone, and took its transaction with it: only the holder's is open.
      while (trustServer.connections !== 1 || scramServer.connections !== 1) await new Promise((r) => setTimeout(r, 5));
      const openTransactions = async (server: FlintServer) => (await server.metrics.registry.getSingleMetricAsString('flint_transactions_open')).split('\n').find((l) => l.startsWith('flint_transactions_open '));
      expect(await openTransactions(trustServer), context).toBe('flint_transactions_open 0');
      expect(await openTransactions(scramServer), context).toBe('flint_transactions_open 1');
      const memory = process.memoryUsage();
      expect(memory.heapUsed - heapBase, `${context}: heap growth`).toBeLessThan(HEAP_GROWTH_MAX_BYTES);
      expect(memory.arrayBuffers - buffersBase, `${context}: buffer growth`).toBeLessThan(HEAP_GROWTH_MAX_BYTES);
    }
    await holder.query('COMMIT');
    expect((await bystander.query('SELECT k FROM mine ORDER BY k')).rows).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
    if (process.env['FLINT_FUZZ_VERBOSE'] === '1') {
      console.log(`cases by mutation: ${JSON.stringify(Object.fromEntries(counts))}`);
      console.log([...seen].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${String(v).padStart(6)}  ${k}`).join('\n'));
    }
    // Every mutation ran (the seed decides how often).
    if (ITERATIONS >= 200) for (const name of Object.keys(MUTATIONS)) expect(counts.get(name) ?? 0, `seed ${SEED}: mutation ${name} never ran`).toBeGreaterThan(0);
  });
});

describe(`message framing (FLINT_FUZZ_SEED=${SEED})`, () => {
  it('MessageReader hands out the same messages however the stream is cut, big ones included', () => {
    const rng = prng(SEED ^ 0x5eed);
    for (let round = 0; round < 30; round++) {
      const sent = Array.from({ length: 1 + rng.int(30) }, () => ({ type: String.fromCharCode(65 + rng.int(26)), body: rng.bytes(rng.chance(0.03) ? 100_000 + rng.int(100_000) : rng.int(200)) }));
      const stream = concat(...sent.map((m) => msg(m.type, m.body)));
      const reader = new MessageReader();
      reader.startupDone();
      const got: { type: string; body: Uint8Array }[] = [];
      let outside = 0;
      for (let at = 0; at < stream.length; ) {
        const n = Math.min(stream.length - at, 1 + rng.int(rng.chance(0.3) ? 64 : 70_000));
        // A socket's chunks are views of bigger buffers: the reader must never write past a chunk it was given.
        const slab = new Uint8Array(n + 32).fill(0xee);
        slab.set(stream.subarray(at, at + n), 16);
        reader.push(slab.subarray(16, 16 + n));
        for (let m = reader.next(); m !== null; m = reader.next()) got.push({ type: m.type, body: m.body });
        for (let i = 0; i < 16; i++) if (slab[i] !== 0xee || slab[16 + n + i] !== 0xee) outside++;
        at += n;
      }
      expect(outside, `seed ${SEED}, round ${round}: bytes the reader wrote outside its chunks`).toBe(0);
      expect(reader.buffered).toBe(0);
      expect(got.length, `seed ${SEED}, round ${round}`).toBe(sent.length);
      for (let i = 0; i < sent.length; i++) {
        expect(got[i]!.type).toBe(sent[i]!.type);
        expect(Buffer.from(got[i]!.body).equals(Buffer.from(sent[i]!.body)), `seed ${SEED}, round ${round}, message ${i}`).toBe(true);
      }
    }
  });
});

describe('backpressure', () => {
  it('a client that writes and never reads makes the server stop, not buffer; reading again gets every answer', { timeout: 120_000 }, async () => {
    const queries = 60;
    const big = 1_000_000;
    const completed = async () => {
      const text = await trustServer.metrics.registry.getSingleMetricAsString('flint_statements_total');
      return text.split('\n').filter((l) => l.startsWith('flint_statements_total{command="SELECT"}')).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    };
    const before = await completed();
    const socket = connect({ port: trustServer.port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.pause(); // read nothing
    const stream = concat(STARTUP.bytes, ...Array.from({ length: queries }, () => fe.query(`SELECT repeat('x', ${big}) AS x`)));
    socket.write(stream);
    // Wait until the server stops making progress (how long is only patience, not an assertion).
    let last = -1;
    for (let now = await completed(); now !== last || now === before; now = await completed()) {
      last = now;
      await new Promise((r) => setTimeout(r, 200));
    }
    const stalled = last - before;
    // Unread output is bounded by the backlog limit plus one statement's result and the socket buffers:
    // far from the ~60 MB all the answers would take.
    expect(stalled, 'statements answered while the client read nothing').toBeGreaterThan(0);
    expect(stalled, 'statements answered while the client read nothing').toBeLessThan(queries / 2);
    // Reading again: every answer arrives, whole.
    const received: Buffer[] = [];
    let total = 0;
    const expected = queries;
    await new Promise<void>((resolve) => {
      let rows = 0;
      let carry = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        received.push(d);
        total += d.length;
        carry = Buffer.concat([carry, d]);
        while (carry.length >= 5 && carry.length >= 1 + carry.readInt32BE(1)) {
          const len = carry.readInt32BE(1);
          if (carry[0] === 0x44) rows++;
          carry = carry.subarray(1 + len);
        }
        if (rows === expected) resolve();
      });
      socket.resume();
    });
    expect(total).toBeGreaterThan(queries * big);
    socket.end(fe.terminate());
    expect((await bystander.query('SELECT count(*)::int AS n FROM mine WHERE k <= 2')).rows).toEqual([{ n: 2 }]);
  });
});

describe('parameters the fuzz test found wanting', () => {
  /** Send a startup then `messages` over trust; the backend messages until the server's last ReadyForQuery. */
  async function converse(messages: Uint8Array[]): Promise<{ type: string; fields: Record<string, string> }[]> {
    const bytes = concat(STARTUP.bytes, ...messages, fe.terminate());
    const out = await runCase(trustServer.port, { name: 'fixed', bytes, after: 'close', sslFirst: false, chunks: [bytes.length] });
    return parseBackend(out.received, false).map((m) => ({ type: m.type, fields: m.type === 'E' ? errorFields(m.body) : {} }));
  }

  it('a binary parameter of the wrong size is 22P03, and the session goes on', async () => {
    const replies = await converse([
      fe.parse('', 'SELECT $1::int8 AS n', [20]),
      fe.bind('', '', [1], [Uint8Array.of(0, 0, 0, 7)]), // 4 bytes for an int8
      fe.execute('', 0),
      fe.sync(),
      fe.query('SELECT 1 AS one'),
    ]);
    const errors = replies.filter((r) => r.type === 'E').map((r) => [r.fields['C'], r.fields['M']]);
    expect(errors).toEqual([['22P03', 'incorrect binary data format in bind parameter 1']]);
    expect(replies.filter((r) => r.type === 'Z')).toHaveLength(3); // startup, Sync, the query
    expect(replies.filter((r) => r.type === 'D')).toHaveLength(1);
  });

  it('a text parameter that is not UTF-8 is 22021, not stored with replacement characters', async () => {
    const replies = await converse([
      fe.parse('', 'INSERT INTO fz (v) VALUES ($1)', [25]),
      fe.bind('', '', [0], [Uint8Array.of(0x61, 0xff, 0xfe, 0x62)]),
      fe.execute('', 0),
      fe.sync(),
    ]);
    expect(replies.filter((r) => r.type === 'E').map((r) => r.fields['C'])).toEqual(['22021']);
    expect((await bystander.query("SELECT count(*)::int AS n FROM fz WHERE v LIKE 'a%b'")).rows).toEqual([{ n: 0 }]);
  });
});
