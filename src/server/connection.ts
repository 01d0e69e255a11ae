// One client connection: the protocol state machine over a socket, driving
// one Session (its own transaction state).
//
//   startup   SSLRequest / GSSENCRequest are answered 'N' (TLS is not
//             offered yet); CancelRequest cancels another connection's
//             statement; the startup message names user and database.
//   auth      trust (only when the server allows it), or SCRAM-SHA-256
//             against the user's stored verifier.
//   ready     ParameterStatus for what drivers read, BackendKeyData,
//             ReadyForQuery.
//   queries   simple query (several statements, one ReadyForQuery), and the
//             extended protocol: Parse / Bind / Describe / Execute / Close /
//             Sync / Flush with named statements and portals. After an
//             error in the extended protocol every message up to Sync is
//             skipped, as PostgreSQL does.
//
// Errors of a statement become an ErrorResponse and the connection lives on;
// a protocol violation (bad framing, unknown message) ends the connection
// after an ErrorResponse. Nothing here takes the server down.

import { FlintError, SqlState } from '../errors.ts';
import type { Database } from '../db/database.ts';
import { parseTimeout, type Session } from '../db/session.ts';
import type * as ast from '../sql/ast.ts';
import type { StatementResult } from '../sql/exec/statements.ts';
import type { OutputColumn } from '../sql/plan/plan.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import { formatText } from '../sql/types/text-io.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import type { RuntimeValue, Value } from '../sql/types/type-info.ts';
import {
  BodyReader, CANCEL_REQUEST_CODE, emptyMessage, encodeUtf8, GSSENC_REQUEST_CODE, MessageReader, MessageWriter, protocolError,
  PROTOCOL_VERSION_3, SSL_REQUEST_CODE, type Message,
} from './protocol.ts';
import { CopyParser, copyFormat, formatCopyRow } from './copy.ts';
import { SCRAM_MECHANISM, SCRAM_PLUS_MECHANISM, ScramExchange, parseVerifier, type ScramVerifier } from './scram.ts';
import { typeForOid, typeModifier, wireType } from './types.ts';
import type { ServerMetrics } from './metrics.ts';
import type { RoleManager } from '../db/roles.ts';

/** What a connection needs from the server. */
export interface ConnectionHost {
  readonly db: Database;
  /**
   * Authentication for a user: 'trust', a SCRAM verifier, null (no such user:
   * 28P01 as for a wrong password), or 'reject' with the error to end the
   * connection with (a plain-text connection where TLS is required).
   */
  authFor(user: string, loopback: boolean, encrypted: boolean): { kind: 'trust' } | { kind: 'scram'; verifier: string } | { kind: 'reject'; error: FlintError } | null;
  /** Role statements for the session of this user (CREATE / ALTER / DROP ROLE); none: they fail with 0A000. */
  rolesFor?(user: string): RoleManager;
  /** Cancel the statement of the connection with this key (CancelRequest). */
  cancel(processId: number, secretKey: number): void;
  register(connection: Connection): void;
  unregister(connection: Connection): void;
  readonly serverVersion: string;
  /** Where statements, errors and terminations are counted (none: not counted). */
  readonly metrics?: ServerMetrics;
  /** Settings every new session starts with (the server's defaults for idle timeouts ...). */
  readonly sessionSettings?: Readonly<Record<string, string>>;
  /** A client not authenticated after this many ms is disconnected (PostgreSQL's authentication_timeout); default 60 000. */
  readonly authenticationTimeoutMs?: number;
}

/** The transport: bytes out, close. The server wraps a socket in it (tests may wrap anything). */
export interface Transport {
  write(bytes: Uint8Array): void;
  end(): void;
  readonly remoteIsLoopback: boolean;
  /** Over TLS: tls-server-end-point channel binding data, the server certificate's hash (SCRAM-SHA-256-PLUS is offered). */
  readonly channelBinding?: Buffer | null;
  /** The connection is TLS now. */
  readonly encrypted?: boolean;
  /** Offered when the server has a certificate: start TLS over this connection (after 'S' was written). */
  startTls?(): void;
  /** Bytes written and not yet taken by the network. */
  readonly backlog?: number;
  /** Resolves once the backlog has drained (or the transport closed). */
  drained?(): Promise<void>;
  /** Stop and restart reading from the client (while handled messages are behind). */
  pause?(): void;
  resume?(): void;
}

/**
 * Backpressure: past this much unsent output the connection handles no more
 * messages until the client reads, and past this much unhandled input it stops
 * reading, so a client that writes without reading cannot make the server buffer
 * without bound (TCP flow control pushes back on it instead, as on PostgreSQL).
 */
const BACKLOG_MAX_BYTES = 1 << 20;
const INPUT_AHEAD_MAX_BYTES = 1 << 20;

interface Prepared {
  readonly statement: ast.Statement | null;
  readonly text: string;
  readonly paramTypes: (SqlType | undefined)[];
}

interface Portal {
  readonly prepared: Prepared;
  readonly params: unknown[];
  readonly resultFormats: number[];
  /** Run at Describe or at the first Execute; rows are then handed out in Execute-sized pieces. */
  result: StatementResult | null;
  /** Waits for the statement's commit (group commit): awaited before CommandComplete. */
  finish: (() => Promise<void>) | null;
  sent: number;
}

type Phase = 'startup' | 'sasl-initial' | 'sasl-continue' | 'ready' | 'copy-in' | 'closed';

/** A COPY FROM STDIN taking rows: what to insert with, and the rest of the simple query to run after it. */
interface CopyIn {
  readonly parser: CopyParser;
  /** Streaming, so a character split across two CopyData messages decodes whole; fatal, so bad UTF-8 is an error. */
  readonly decoder: InstanceType<typeof TextDecoder>;
  readonly insert: ast.Statement;
  readonly paramTypes: (SqlType | undefined)[];
  readonly columns: number;
  /** The COPY began the transaction (it was not in a block): it commits or rolls back at the end. */
  readonly ownTransaction: boolean;
  rows: number;
  error: unknown;
  /** Simple query: the statements after the COPY. Extended query (null): Sync follows instead. */
  readonly rest: ReturnType<Session['parse']> | null;
}

/** Startup-packet parameters applied to the session (PostgreSQL applies any setting; these are the ones drivers send). */
const STARTUP_SETTINGS = ['application_name', 'statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout'];

let nextProcessId = 1000;

export class Connection {
  readonly processId = nextProcessId++;
  readonly secretKey = (Math.random() * 0x7fffffff) | 0;
  readonly #host: ConnectionHost;
  readonly #transport: Transport;
  readonly #reader = new MessageReader();
  #phase: Phase = 'startup';
  #session: Session | null = null;
  #user = '';
  #database = '';
  #startupParams = new Map<string, string>();
  #scram: ScramExchange | null = null;
  readonly #statements = new Map<string, Prepared>();
  readonly #portals = new Map<string, Portal>();
  /** Extended protocol: after an error, skip messages until Sync. */
  #skipToSync = false;
  #out: Uint8Array[] = [];
  /** When the running statement started (performance.now()), for the latency histogram; null between statements. */
  #started: number | null = null;
  /** Armed at ReadyForQuery when an idle timeout is set; any client byte disarms it. */
  #idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(host: ConnectionHost, transport: Transport) {
    this.#host = host;
    this.#transport = transport;
    this.#authTimer = setTimeout(() => {
      this.#authTimer = null;
      if (this.#session !== null || this.#closed) return;
      this.#host.metrics?.sessionTerminated('authentication_timeout');
      // As PostgreSQL: silence for a startup packet that never came whole, FATAL 57014 in the middle of authentication.
      if (this.#phase === 'startup') this.close();
      else this.#fatal(new FlintError(SqlState.queryCanceled, 'canceling authentication due to timeout'));
    }, host.authenticationTimeoutMs ?? 60_000);
    this.#authTimer.unref?.();
  }

  /** Armed until the client has authenticated: a socket that never gets there is not kept for ever. */
  #authTimer: ReturnType<typeof setTimeout> | null;

  get user(): string {
    return this.#user;
  }

  /** Inside a transaction block (or a failed one) now. */
  get inTransaction(): boolean {
    return this.#session !== null && this.#session.status !== 'I';
  }

  /**
   * Bytes from the client. Messages are handled one after another; a
   * statement's commit is awaited (group commit with other connections)
   * before the next message of this connection is looked at.
   */
  receive(chunk: Uint8Array): void {
    if (this.#phase === 'closed') return;
    this.#disarmIdleTimer();
    this.#reader.push(chunk);
    if (this.#pumping && this.#reader.buffered > INPUT_AHEAD_MAX_BYTES) this.#transport.pause?.();
    if (!this.#pumping) void this.#pump();
  }

  #pumping = false;

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (;;) {
        const m = this.#reader.next();
        if (m === null || this.#closed) break;
        const pending = this.#handle(m);
        if (pending !== undefined) {
          this.#flush();
          await pending;
        }
        if ((this.#transport.backlog ?? 0) > BACKLOG_MAX_BYTES) {
          this.#flush();
          await this.#transport.drained?.();
        }
      }
    } catch (error) {
      // Bad framing or a message out of place: say why, then hang up.
      this.#host.metrics?.sessionTerminated('protocol_violation');
      this.#error(error instanceof FlintError ? error : protocolError(String((error as Error).message ?? error)));
      this.close();
    } finally {
      this.#pumping = false;
      this.#transport.resume?.();
    }
    this.#flush();
  }

  get #closed(): boolean {
    return this.#phase === 'closed';
  }

  /**
   * Stop this connection's statement, waiting or computing (at its next interrupt check): with
   * 57014 for another connection's CancelRequest, or with `reason` (57P01 when the server stops).
   */
  requestCancel(reason?: FlintError): void {
    this.#session?.cancel(reason);
  }

  close(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#disarmIdleTimer();
    if (this.#authTimer !== null) clearTimeout(this.#authTimer);
    this.#flush();
    try {
      this.#session?.close();
    } catch {
      // The session rolls back what is open; an engine that is closing may refuse, which is fine.
    }
    this.#host.unregister(this);
    this.#transport.end();
  }

  // ---- messages -----------------------------------------------------------------------

  /** Handle one message; a promise when it waits for a commit. */
  #handle(m: Message): Promise<void> | undefined {
    this.#disarmIdleTimer();
    switch (this.#phase) {
      case 'startup':
        this.#startup(m);
        return;
      case 'sasl-initial':
      case 'sasl-continue':
        if (m.type !== 'p') throw protocolError(`expected a password message, got '${m.type}'`);
        this.#sasl(m);
        return;
      case 'ready':
        break;
      case 'copy-in':
        return this.#copyMessage(m);
      default:
        return;
    }
    if (this.#skipToSync && m.type !== 'S' && m.type !== 'X') return;
    switch (m.type) {
      case 'Q':
        return this.#simpleQuery(new BodyReader(m.body).cstring());
      case 'P':
        this.#extended(() => this.#parse(new BodyReader(m.body)));
        return;
      case 'B':
        this.#extended(() => this.#bind(new BodyReader(m.body)));
        return;
      case 'D':
        return this.#extendedAsync(() => this.#describe(new BodyReader(m.body)));
      case 'E':
        return this.#extendedAsync(() => this.#execute(new BodyReader(m.body)));
      case 'C':
        this.#extended(() => this.#closeObject(new BodyReader(m.body)));
        return;
      case 'H':
        this.#flush();
        return;
      case 'S':
        this.#skipToSync = false;
        // Outside a transaction block, the extended protocol's implicit transaction ends at Sync.
        this.#ready();
        return;
      case 'X':
        this.close();
        return;
      case 'd':
      case 'c':
      case 'f':
        // Copy messages outside COPY: ignored, as PostgreSQL does (a client may
        // still be sending data for a COPY that already ended or failed).
        return;
      default:
        throw protocolError(`invalid frontend message type '${m.type}'`);
    }
  }

  #startup(m: Message): void {
    const r = new BodyReader(m.body);
    const code = r.int32();
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      // The client must wait for the answer: anything sent before it was not encrypted (PostgreSQL's check).
      if (this.#reader.buffered > 0) {
        this.#fatal(new FlintError(SqlState.protocolViolation, `received unencrypted data after ${code === SSL_REQUEST_CODE ? 'SSL' : 'GSSAPI encryption'} request`, {
          detail: 'This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.',
        }));
        return;
      }
      if (code === SSL_REQUEST_CODE && this.#transport.startTls !== undefined && this.#transport.encrypted !== true) {
        this.#send(Uint8Array.of(0x53)); // 'S': the TLS handshake follows, then the startup message over TLS
        this.#flush();
        this.#transport.startTls();
        return;
      }
      // Not offered: the client goes on unencrypted or gives up, as it chooses.
      this.#send(Uint8Array.of(0x4e)); // 'N'
      return;
    }
    if (code === CANCEL_REQUEST_CODE) {
      this.#host.cancel(r.int32(), r.int32());
      this.close();
      return;
    }
    if (code >> 16 !== 3) {
      throw new FlintError(SqlState.featureNotSupported, `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: server supports 3.0`);
    }
    void PROTOCOL_VERSION_3;
    const params = new Map<string, string>();
    while (r.remaining > 1) {
      const key = r.cstring();
      params.set(key, r.cstring());
    }
    this.#reader.startupDone();
    this.#user = params.get('user') ?? '';
    this.#database = params.get('database') ?? this.#user;
    this.#startupParams = params;
    if (this.#user === '') throw new FlintError(SqlState.invalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet');
    const auth = this.#host.authFor(this.#user, this.#transport.remoteIsLoopback, this.#transport.encrypted === true);
    if (auth !== null && auth.kind === 'reject') {
      this.#fatal(auth.error);
      return;
    }
    if (auth === null) {
      this.#fatal(new FlintError(SqlState.invalidPassword, `password authentication failed for user "${this.#user}"`));
      return;
    }
    if (auth.kind === 'trust') {
      this.#authenticated();
      return;
    }
    const verifier = parseVerifier(auth.verifier);
    if (verifier === null) {
      this.#fatal(new FlintError(SqlState.invalidPassword, `password authentication failed for user "${this.#user}"`));
      return;
    }
    this.#scramVerifier = verifier;
    this.#phase = 'sasl-initial';
    // Over TLS, SCRAM-SHA-256-PLUS (channel binding) first, as PostgreSQL lists them.
    const offer = new MessageWriter('R').int32(10);
    if (this.#transport.channelBinding != null) offer.cstring(SCRAM_PLUS_MECHANISM);
    this.#send(offer.cstring(SCRAM_MECHANISM).byte(0).finish());
  }

  #scramVerifier: ScramVerifier | null = null;

  #sasl(m: Message): void {
    const r = new BodyReader(m.body);
    const fail = () => this.#fatal(new FlintError(SqlState.invalidPassword, `password authentication failed for user "${this.#user}"`));
    if (this.#phase === 'sasl-initial') {
      const mechanism = r.cstring();
      const endPoint = this.#transport.channelBinding ?? null;
      if (mechanism !== SCRAM_MECHANISM && !(mechanism === SCRAM_PLUS_MECHANISM && endPoint !== null)) {
        this.#fatal(new FlintError(SqlState.protocolViolation, `client selected an invalid SASL authentication mechanism`));
        return;
      }
      this.#scram = new ScramExchange(this.#scramVerifier!, { plus: mechanism === SCRAM_PLUS_MECHANISM, endPoint });
      const length = r.int32();
      const data = new TextDecoder().decode(r.bytes(length));
      let serverFirst: string;
      try {
        serverFirst = this.#scram!.serverFirst(data);
      } catch {
        fail();
        return;
      }
      this.#phase = 'sasl-continue';
      this.#send(new MessageWriter('R').int32(11).raw(encodeUtf8(serverFirst)).finish());
      return;
    }
    const final = this.#scram!.serverFinal(new TextDecoder().decode(r.bytes(r.remaining)));
    if (final === null) {
      fail();
      return;
    }
    this.#send(new MessageWriter('R').int32(12).raw(encodeUtf8(final)).finish());
    this.#authenticated();
  }

  #authenticated(): void {
    this.#scram = null;
    if (this.#authTimer !== null) clearTimeout(this.#authTimer);
    this.#authTimer = null;
    this.#send(new MessageWriter('R').int32(0).finish());
    this.#session = this.#host.db.session();
    this.#session.roles = this.#host.rolesFor?.(this.#user) ?? null;
    this.#session.connection = { database: this.#database, processId: this.processId };
    for (const [name, value] of Object.entries(this.#host.sessionSettings ?? {})) this.#session.settings.set(name, value);
    // Settings a client may give in its startup packet (node-postgres sends statement_timeout and
    // idle_in_transaction_session_timeout there); a bad value ends the connection, as in PostgreSQL.
    for (const name of STARTUP_SETTINGS) {
      const value = this.#startupParams.get(name);
      if (value === undefined) continue;
      if (name !== 'application_name' && parseTimeout(value) < 0) {
        this.#fatal(new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${value}"`));
        return;
      }
      this.#session.settings.set(name, value);
    }
    // The `options` parameter (libpq's PGOPTIONS, `options=-c search_path=app` in a URL): each
    // `-c name=value` or `--name=value` is applied as SET would; a bad one is FATAL, as in PostgreSQL.
    try {
      for (const [name, value] of parseStartupOptions(this.#startupParams.get('options') ?? '')) {
        const session = this.#session;
        session.run(session.parse(`SET ${name} = '${value.replaceAll("'", "''")}'`)[0]!.statement);
      }
    } catch (error) {
      this.#fatal(error instanceof FlintError ? error : new FlintError(SqlState.invalidParameterValue, String(error)));
      return;
    }
    this.#phase = 'ready';
    try {
      this.#host.register(this);
    } catch (error) {
      // Refused after authentication (a NOLOGIN role, too many clients): FATAL, as PostgreSQL says it.
      if (!(error instanceof FlintError)) throw error;
      this.#fatal(error);
      return;
    }
    const status: [string, string][] = [
      ['server_version', this.#host.serverVersion],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['TimeZone', this.#session.settings.get('timezone') ?? 'UTC'],
      ['IntervalStyle', 'postgres'],
      ['is_superuser', this.#session.roles?.list().find((r) => r.name === this.#user)?.superuser === false ? 'off' : 'on'],
      ['session_authorization', this.#user],
      ['application_name', this.#session.settings.get('application_name') ?? ''],
    ];
    for (const [k, v] of status) this.#send(new MessageWriter('S').cstring(k).cstring(v).finish());
    this.#send(new MessageWriter('K').int32(this.processId).int32(this.secretKey).finish());
    this.#ready();
  }

  // ---- simple query --------------------------------------------------------------------

  async #simpleQuery(sql: string): Promise<void> {
    const session = this.#session!;
    let parsed: ReturnType<Session['parse']>;
    try {
      parsed = session.parse(sql);
    } catch (error) {
      this.#error(error);
      this.#ready();
      return;
    }
    if (parsed.length === 0) this.#send(emptyMessage('I'));
    await this.#runStatements(parsed);
  }

  /** The statements of a simple query, in order, then ReadyForQuery (or a pause for COPY FROM STDIN's data). */
  async #runStatements(parsed: ReturnType<Session['parse']>): Promise<void> {
    const session = this.#session!;
    for (let i = 0; i < parsed.length; i++) {
      const statement = parsed[i]!.statement;
      this.#started = performance.now();
      try {
        if (statement.kind === 'copy') {
          if (statement.direction === 'from') {
            this.#startCopyIn(statement, parsed.slice(i + 1));
            return; // resumed by CopyDone / CopyFail
          }
          await this.#copyOut(statement);
          continue;
        }
        const result = await session.runAsync(statement);
        this.#sendResult(result, [], true);
      } catch (error) {
        this.#error(error);
        break;
      }
    }
    this.#ready();
  }

  // ---- COPY -------------------------------------------------------------------------------

  async #copyOut(stmt: ast.Copy): Promise<void> {
    if (!stmt.stdio) throw new FlintError(SqlState.featureNotSupported, 'COPY to a server file is not supported; use COPY ... TO STDOUT (psql: \\copy)');
    const format = copyFormat(stmt);
    const source = stmt.query ?? this.#session!.parse(`SELECT ${stmt.columns === null ? '*' : stmt.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(stmt.table!.name)}`)[0]!.statement;
    if (source.kind !== 'query') throw new FlintError(SqlState.featureNotSupported, 'COPY of an INSERT, UPDATE or DELETE is not supported yet');
    const result = await this.#session!.runAsync(source);
    const header = new MessageWriter('H').byte(0).int16(result.columns.length);
    for (let i = 0; i < result.columns.length; i++) header.int16(0);
    this.#send(header.finish());
    const context = { timeZone: this.#session!.timeZone } as EvalContext;
    if (format.header) this.#send(new MessageWriter('d').raw(encodeUtf8(formatCopyRow(result.columns.map((c) => c.name), format))).finish());
    for (const row of result.rows) {
      const values = result.columns.map((c, i) => {
        const v = row[i] as RuntimeValue | undefined;
        return v === null || v === undefined ? null : formatText(v as Value, c.type, context);
      });
      this.#send(new MessageWriter('d').raw(encodeUtf8(formatCopyRow(values, format))).finish());
    }
    this.#send(emptyMessage('c'));
    this.#commandComplete(`COPY ${result.rows.length}`);
  }

  #copyIn: CopyIn | null = null;

  #startCopyIn(stmt: ast.Copy, rest: ReturnType<Session['parse']> | null): void {
    if (!stmt.stdio) throw new FlintError(SqlState.featureNotSupported, 'COPY from a server file is not supported; use COPY ... FROM STDIN (psql: \\copy)');
    if (stmt.table === null) throw new FlintError(SqlState.syntaxError, 'COPY FROM needs a table');
    if (stmt.where !== null) throw new FlintError(SqlState.featureNotSupported, 'COPY FROM ... WHERE is not supported yet');
    const format = copyFormat(stmt);
    const session = this.#session!;
    // The table's columns as this session sees them (it may have created the table in its open block).
    const all = session.describe(session.parse(`SELECT * FROM ${quoteIdent(stmt.table.name)}`)[0]!.statement, []) ?? [];
    const names = stmt.columns?.map((c) => c.name) ?? all.map((c) => c.name);
    const insertSql = `INSERT INTO ${quoteIdent(stmt.table.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
    const insert = session.parse(insertSql)[0]!.statement;
    const ownTransaction = !session.inTransaction;
    if (ownTransaction) session.run(session.parse('BEGIN')[0]!.statement);
    this.#copyIn = { parser: new CopyParser(format), decoder: new TextDecoder('utf-8', { fatal: true }), insert, paramTypes: [], columns: names.length, ownTransaction, rows: 0, error: null, rest };
    this.#phase = 'copy-in';
    const w = new MessageWriter('G').byte(0).int16(names.length);
    for (let i = 0; i < names.length; i++) w.int16(0);
    this.#send(w.finish());
    this.#flush();
  }

  /** A message while COPY FROM STDIN takes data: CopyData, CopyDone, CopyFail (Flush and Sync are ignored). */
  #copyMessage(m: Message): Promise<void> | undefined {
    const copy = this.#copyIn!;
    switch (m.type) {
      case 'd':
        if (copy.error === null) {
          try {
            this.#insertRows(copy, copy.parser.push(decodeCopyData(copy.decoder, m.body, true)));
          } catch (error) {
            this.#copyFailed(copy, error);
          }
        }
        return undefined;
      case 'c':
        if (copy.error === null) {
          try {
            decodeCopyData(copy.decoder, new Uint8Array(0), false);
            this.#insertRows(copy, copy.parser.finish());
          } catch (error) {
            this.#copyFailed(copy, error);
          }
        }
        return this.#copyIn === null ? undefined : this.#endCopy(null);
      case 'f':
        return this.#endCopy(new FlintError(SqlState.queryCanceled, `COPY from stdin failed: ${new BodyReader(m.body).cstring()}`));
      case 'H':
      case 'S':
        return undefined;
      default:
        throw protocolError(`unexpected message type '${m.type}' during COPY from stdin`);
    }
  }

  #insertRows(copy: CopyIn, rows: (string | null)[][]): void {
    const session = this.#session!;
    for (const row of rows) {
      if (row.length !== copy.columns) {
        throw new FlintError(SqlState.badCopyFileFormat, row.length < copy.columns ? `missing data for column ${row.length + 1}` : 'extra data after last expected column');
      }
      session.run(copy.insert, row, copy.paramTypes);
      copy.rows++;
    }
  }

  /**
   * A row failed: report it at once, as PostgreSQL does (clients stop
   * sending on an ErrorResponse), undo the COPY, and ignore the rest of the
   * data until CopyDone or CopyFail.
   */
  #copyFailed(copy: CopyIn, error: unknown): void {
    copy.error = error;
    const session = this.#session!;
    if (copy.ownTransaction) session.run(session.parse('ROLLBACK')[0]!.statement);
    this.#error(error);
    // Copy mode ends now: the client's further CopyData, CopyDone or CopyFail are dropped.
    this.#copyIn = null;
    this.#phase = 'ready';
    if (copy.rest === null) this.#skipToSync = true;
    else this.#ready();
    this.#flush();
  }

  async #endCopy(failure: FlintError | null): Promise<void> {
    const copy = this.#copyIn!;
    this.#copyIn = null;
    this.#phase = 'ready';
    const session = this.#session!;
    const error = failure;
    const fail = (e: unknown) => {
      this.#error(e);
      if (copy.rest === null) this.#skipToSync = true;
      else this.#ready();
    };
    if (error !== null) {
      if (copy.ownTransaction) session.run(session.parse('ROLLBACK')[0]!.statement);
      fail(error);
      return;
    }
    try {
      if (copy.ownTransaction) await session.runAsync(session.parse('COMMIT')[0]!.statement);
      this.#commandComplete(`COPY ${copy.rows}`);
    } catch (e) {
      fail(e);
      return;
    }
    if (copy.rest !== null) await this.#runStatements(copy.rest);
  }

  // ---- extended query --------------------------------------------------------------------

  async #extendedAsync(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.protocolViolation) throw error;
      this.#error(error);
      this.#skipToSync = true;
    }
  }

  #extended(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof FlintError && error.code === SqlState.protocolViolation) throw error;
      this.#error(error);
      this.#skipToSync = true;
    }
  }

  #parse(r: BodyReader): void {
    const name = r.cstring();
    const text = r.cstring();
    const count = r.int16();
    const paramTypes: (SqlType | undefined)[] = [];
    for (let i = 0; i < count; i++) paramTypes.push(typeForOid(r.int32()));
    if (name !== '' && this.#statements.has(name)) {
      throw new FlintError('42P05', `prepared statement "${name}" already exists`);
    }
    const parsed = this.#session!.parse(text);
    if (parsed.length > 1) throw new FlintError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
    this.#statements.set(name, { statement: parsed[0]?.statement ?? null, text, paramTypes });
    this.#send(emptyMessage('1'));
  }

  #bind(r: BodyReader): void {
    const portalName = r.cstring();
    const statementName = r.cstring();
    const prepared = this.#statements.get(statementName);
    if (prepared === undefined) throw new FlintError('26000', `prepared statement "${statementName}" does not exist`);
    const formatCount = r.int16();
    const formats: number[] = [];
    for (let i = 0; i < formatCount; i++) formats.push(r.int16());
    const paramCount = r.int16();
    const params: unknown[] = [];
    for (let i = 0; i < paramCount; i++) {
      const length = r.int32();
      if (length === -1) {
        params.push(null);
        continue;
      }
      const bytes = r.bytes(length);
      const format = formats.length === 1 ? formats[0]! : formats[i] ?? 0;
      params.push(format === 0 ? decodeTextParam(bytes) : decodeBinaryParam(bytes, prepared.paramTypes[i], i + 1));
    }
    const resultCount = r.int16();
    const resultFormats: number[] = [];
    for (let i = 0; i < resultCount; i++) resultFormats.push(r.int16());
    this.#portals.set(portalName, { prepared, params, resultFormats, result: null, finish: null, sent: 0 });
    this.#send(emptyMessage('2'));
  }

  async #describe(r: BodyReader): Promise<void> {
    const kind = String.fromCharCode(r.byte());
    const name = r.cstring();
    if (kind === 'S') {
      const prepared = this.#statements.get(name);
      if (prepared === undefined) throw new FlintError('26000', `prepared statement "${name}" does not exist`);
      const columns = prepared.statement === null ? null : this.#session!.describe(prepared.statement, prepared.paramTypes);
      const count = Math.max(prepared.paramTypes.length, countParams(prepared.text));
      const w = new MessageWriter('t').int16(count);
      for (let i = 0; i < count; i++) w.int32(prepared.paramTypes[i] === undefined ? 25 : wireType(prepared.paramTypes[i]!).oid);
      this.#send(w.finish());
      this.#sendDescription(columns, []);
      return;
    }
    const portal = this.#portals.get(name);
    if (portal === undefined) throw new FlintError('34000', `portal "${name}" does not exist`);
    // COPY sends its rows (or takes them) in CopyData messages, not DataRows.
    if (portal.prepared.statement?.kind === 'copy') {
      this.#send(emptyMessage('n'));
      return;
    }
    // The columns of a portal are what it returns: run it now and hand the rows out at Execute.
    if (portal.result === null) await this.#runPortal(portal);
    const columns = portal.result!.columns;
    this.#sendDescription(columns.length === 0 ? null : columns, portal.resultFormats);
  }

  async #execute(r: BodyReader): Promise<void> {
    const name = r.cstring();
    const maxRows = r.int32();
    this.#started ??= performance.now();
    const portal = this.#portals.get(name);
    if (portal === undefined) throw new FlintError('34000', `portal "${name}" does not exist`);
    if (portal.prepared.statement === null) {
      this.#send(emptyMessage('I'));
      return;
    }
    const statement = portal.prepared.statement;
    if (statement.kind === 'copy') {
      if (statement.direction === 'from') this.#startCopyIn(statement, null);
      else await this.#copyOut(statement);
      return;
    }
    if (portal.result === null) await this.#runPortal(portal);
    const result = portal.result!;
    if (portal.sent === 0) this.#sendNotices(result);
    const end = maxRows > 0 ? Math.min(result.rows.length, portal.sent + maxRows) : result.rows.length;
    this.#sendRows(result, portal.resultFormats, portal.sent, end);
    portal.sent = end;
    if (end < result.rows.length) {
      this.#send(emptyMessage('s')); // PortalSuspended
      return;
    }
    // Done only once its commit is durable (group commit with other connections).
    const finish = portal.finish;
    portal.finish = null;
    if (finish !== null) await finish();
    this.#commandComplete(result.command);
  }

  /** Run a portal's statement; its commit is awaited at Execute (Describe may run it first, to learn its columns). */
  async #runPortal(portal: Portal): Promise<void> {
    this.#started = performance.now();
    // It may wait for another transaction's row (runDeferredAsync); others go on meanwhile.
    const { result, finish } = await this.#session!.runDeferredAsync(portal.prepared.statement!, portal.params as never[], portal.prepared.paramTypes);
    portal.result = result;
    portal.finish = finish;
  }

  #closeObject(r: BodyReader): void {
    const kind = String.fromCharCode(r.byte());
    const name = r.cstring();
    if (kind === 'S') this.#statements.delete(name);
    else this.#portals.delete(name);
    this.#send(emptyMessage('3'));
  }

  // ---- results ------------------------------------------------------------------------------

  #sendResult(result: StatementResult, formats: number[], describe: boolean): void {
    this.#sendNotices(result);
    if (describe && result.columns.length > 0) this.#sendDescription(result.columns, formats);
    this.#sendRows(result, formats, 0, result.rows.length);
    this.#commandComplete(result.command);
  }

  /** The statement's NOTICEs and WARNINGs, as NoticeResponse messages (clients show or log them). */
  #sendNotices(result: StatementResult): void {
    if (result.notices === undefined) return;
    for (const n of result.notices) this.#send(errorMessage('N', n.severity, new FlintError(n.code, n.message)));
  }

  #sendDescription(columns: readonly OutputColumn[] | null, formats: number[]): void {
    if (columns === null) {
      this.#send(emptyMessage('n'));
      return;
    }
    const w = new MessageWriter('T').int16(columns.length);
    columns.forEach((c, i) => {
      const t = wireType(c.type);
      w.cstring(c.name).int32(0).int16(0).int32(t.oid).int16(t.length).int32(typeModifier(c.type)).int16(formatOf(formats, i));
    });
    this.#send(w.finish());
  }

  #sendRows(result: StatementResult, formats: number[], from: number, to: number): void {
    const context = { timeZone: this.#session!.timeZone } as EvalContext;
    const types = result.columns.map((c) => c.type);
    for (let r = from; r < to; r++) {
      const row = result.rows[r]!;
      const w = new MessageWriter('D').int16(types.length);
      for (let i = 0; i < types.length; i++) {
        const v = row[i] as RuntimeValue | undefined;
        if (v === null || v === undefined) {
          w.int32(-1);
          continue;
        }
        const bytes = formatOf(formats, i) === 1 ? encodeBinary(v as Value, types[i]!) : encodeUtf8(formatText(v as Value, types[i]!, context));
        w.int32(bytes.length).raw(bytes);
      }
      this.#send(w.finish());
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  #ready(): void {
    this.#started = null;
    this.#send(new MessageWriter('Z').byte((this.#session?.status ?? 'I').charCodeAt(0)).finish());
    this.#flush();
    this.#armIdleTimer();
  }

  /** CommandComplete: the statement is done (counted by its tag, its latency observed). */
  #commandComplete(tag: string): void {
    this.#send(new MessageWriter('C').cstring(tag).finish());
    this.#statementEnded(tag);
  }

  #statementEnded(tag: string | null): void {
    if (this.#started === null) return;
    this.#host.metrics?.statement(tag, (performance.now() - this.#started) / 1000);
    this.#started = null;
  }

  #error(error: unknown): void {
    const e = error instanceof FlintError ? error : new FlintError(SqlState.internalError, `internal error: ${(error as Error)?.message ?? String(error)}`);
    this.#host.metrics?.error(e.code);
    this.#statementEnded(null);
    this.#send(errorMessage('E', 'ERROR', e));
  }

  /** An error that ends the connection (authentication, idle timeouts). */
  #fatal(error: FlintError): void {
    this.#host.metrics?.error(error.code);
    if (error.code === SqlState.invalidPassword) this.#host.metrics?.connectionRefused('authentication');
    this.#send(errorMessage('E', 'FATAL', error));
    this.close();
  }

  /**
   * At ReadyForQuery: idle_in_transaction_session_timeout inside a
   * transaction block, idle_session_timeout outside one (0: off). When it
   * fires, the session ends with FATAL as in PostgreSQL, and closing it
   * rolls its transaction back.
   */
  #armIdleTimer(): void {
    this.#disarmIdleTimer();
    const session = this.#session;
    if (session === null || this.#phase !== 'ready') return;
    const inBlock = session.status !== 'I';
    const ms = parseTimeout(session.settings.get(inBlock ? 'idle_in_transaction_session_timeout' : 'idle_session_timeout') ?? '0');
    if (ms <= 0) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      if (this.#closed || this.#pumping) return;
      this.#host.metrics?.sessionTerminated(inBlock ? 'idle_in_transaction_timeout' : 'idle_session_timeout');
      this.#fatal(inBlock
        ? new FlintError(SqlState.idleInTransactionTimeout, 'terminating connection due to idle-in-transaction timeout')
        : new FlintError('57P05', 'terminating connection due to idle-session timeout'));
    }, ms);
    // A waiting timer must not keep a stopping process alive.
    this.#idleTimer.unref?.();
  }

  #disarmIdleTimer(): void {
    if (this.#idleTimer === null) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #send(bytes: Uint8Array): void {
    this.#out.push(bytes);
  }

  #flush(): void {
    if (this.#out.length === 0) return;
    const total = this.#out.reduce((n, b) => n + b.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const b of this.#out) {
      joined.set(b, at);
      at += b.length;
    }
    this.#out = [];
    this.#transport.write(joined);
  }
}

/**
 * The startup packet's `options`: command-line switches for the backend, split at unescaped
 * spaces (a backslash escapes the next character). Only settings are accepted: `-c name=value`,
 * `-cname=value` and `--name=value`; anything else is refused (08P01), where PostgreSQL
 * would take its other switches.
 */
export function parseStartupOptions(options: string): [string, string][] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < options.length; i++) {
    const ch = options[i]!;
    if (ch === '\\' && i + 1 < options.length) {
      word += options[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  const settings: [string, string][] = [];
  const setting = (text: string) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new FlintError(SqlState.syntaxError, `-c ${text} requires a value`);
    // As PostgreSQL's command line: dashes in the name stand for underscores.
    const name = text.slice(0, eq).replaceAll('-', '_').toLowerCase();
    // A name goes into a SET statement as written, so only a plain (or dotted custom) name passes.
    if (!/^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$/.test(name)) throw new FlintError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
    settings.push([name, text.slice(eq + 1)]);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-c') {
      if (i + 1 >= words.length) throw new FlintError(SqlState.syntaxError, 'option -c requires an argument');
      setting(words[++i]!);
    } else if (w.startsWith('-c')) setting(w.slice(2));
    else if (w.startsWith('--')) setting(w.slice(2));
    else throw new FlintError(SqlState.protocolViolation, `invalid command-line argument for server process: ${w}`, { hint: 'Only settings (-c name=value) are accepted in the options parameter.' });
  }
  return settings;
}

function formatOf(formats: readonly number[], i: number): number {
  if (formats.length === 0) return 0;
  return formats.length === 1 ? formats[0]! : formats[i] ?? 0;
}

/** $n placeholders in a statement's text (Describe reports as many parameters as the text uses). */
function countParams(text: string): number {
  let most = 0;
  for (const m of text.matchAll(/\$(\d+)/g)) most = Math.max(most, Number(m[1]));
  return most;
}

/** ErrorResponse / NoticeResponse: severity, SQLSTATE, message and the optional fields. */
export function errorMessage(type: 'E' | 'N', severity: string, e: FlintError): Uint8Array {
  const w = new MessageWriter(type);
  w.byte(0x53).cstring(severity); // S
  w.byte(0x56).cstring(severity); // V (not localized)
  w.byte(0x43).cstring(e.code); // C
  w.byte(0x4d).cstring(e.message); // M
  if (e.detail !== undefined) w.byte(0x44).cstring(e.detail); // D
  if (e.hint !== undefined) w.byte(0x48).cstring(e.hint); // H
  if (e.position !== undefined) w.byte(0x50).cstring(String(e.position)); // P
  if (e.constraint !== undefined) w.byte(0x6e).cstring(e.constraint); // n
  w.byte(0);
  return w.finish();
}

/** Binary format of a value, for the types drivers ask binary for. Others go as their text. */
function encodeBinary(v: Value, type: SqlType): Uint8Array {
  const buf = new DataView(new ArrayBuffer(8));
  switch (type.id) {
    case 'bool':
      return Uint8Array.of(v === true ? 1 : 0);
    case 'int2':
      buf.setInt16(0, v as number);
      return new Uint8Array(buf.buffer, 0, 2);
    case 'int4':
    case 'date':
      // A date is days since 2000-01-01 on the wire; Flint keeps days since 1970-01-01.
      buf.setInt32(0, type.id === 'date' ? (v as number) - 10957 : (v as number));
      return new Uint8Array(buf.buffer, 0, 4);
    case 'int8':
      buf.setBigInt64(0, v as bigint);
      return new Uint8Array(buf.buffer, 0, 8);
    case 'timestamp':
    case 'timestamptz':
      // Microseconds since 2000-01-01.
      buf.setBigInt64(0, (v as bigint) - 946_684_800_000_000n);
      return new Uint8Array(buf.buffer, 0, 8);
    case 'float4':
      buf.setFloat32(0, v as number);
      return new Uint8Array(buf.buffer, 0, 4);
    case 'float8':
      buf.setFloat64(0, v as number);
      return new Uint8Array(buf.buffer, 0, 8);
    case 'bytea':
      return v as Uint8Array;
    case 'uuid': {
      const hex = (v as string).replace(/-/g, '');
      return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
    }
    default:
      return encodeUtf8(formatText(v, type));
  }
}

/** Sizes of the fixed-size binary parameter formats: another length is 22P03, as in PostgreSQL. */
const BINARY_PARAM_BYTES: Record<string, number> = { bool: 1, int2: 2, int4: 4, int8: 8, float4: 4, float8: 8 };

/** A binary parameter as a JS value the session converts to the parameter's type. */
function decodeBinaryParam(bytes: Uint8Array, type: SqlType | undefined, n: number): unknown {
  const size = BINARY_PARAM_BYTES[type?.id ?? ''];
  if (size !== undefined && bytes.length !== size) throw new FlintError('22P03', `incorrect binary data format in bind parameter ${n}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type?.id) {
    case 'bool':
      return bytes[0] !== 0;
    case 'int2':
      return view.getInt16(0);
    case 'int4':
      return view.getInt32(0);
    case 'int8':
      return view.getBigInt64(0);
    case 'float4':
      return view.getFloat32(0);
    case 'float8':
      return view.getFloat64(0);
    case 'bytea':
    case undefined:
      return bytes;
    default:
      return new TextDecoder().decode(bytes);
  }
}

/** An identifier quoted for SQL text. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A text-format parameter; invalid UTF-8 is 22021 as in PostgreSQL, never silently replaced. */
function decodeTextParam(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new FlintError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
  }
}

/** CopyData bytes as text; invalid UTF-8 is 22021 like PostgreSQL's. */
function decodeCopyData(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, more: boolean): string {
  try {
    return decoder.decode(bytes, { stream: more });
  } catch {
    throw new FlintError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
  }
}
