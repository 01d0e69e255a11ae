// The server: a TCP listener speaking the PostgreSQL protocol, one
// Connection (and Session) per client, all on one Database.
//
//   const server = await FlintServer.start({ db, port: 5432, roles });
//   server.url   // postgres://flint:PASSWORD@127.0.0.1:5432/flint
//   await server.stop();
//
// Authentication: SCRAM-SHA-256 against the roles' verifiers; `trust` lets
// loopback clients in without a password, and only when asked for. The
// server refuses to listen beyond loopback without a password.

import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { FlintError, SqlState } from '../errors.ts';
import type { Database } from '../db/database.ts';
import { Connection, errorMessage, type ConnectionHost } from './connection.ts';
import type { RoleManager } from '../db/roles.ts';
import type { RoleStore } from './roles.ts';
import { isTlsHandshake, loadTls, upgradeSocket, type TlsConfig, type TlsFiles } from './tls.ts';
import { ServerMetrics, serveMetrics } from './metrics.ts';
import { CancelWatcher } from './cancel-watcher.ts';

export interface ServerOptions {
  readonly db: Database;
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly roles: RoleStore;
  /** Let loopback clients in without a password (never remote ones). */
  readonly trustLoopback?: boolean;
  /** Certificate and key: SSLRequest is answered 'S' and the connection goes on over TLS. Without: 'N'. */
  readonly tls?: TlsFiles;
  /** Refuse non-loopback clients that do not use TLS (28000), as PostgreSQL's hostssl lines do. Needs `tls`. */
  readonly tlsRequired?: boolean;
  /** Most clients at once; more are refused with 53300. Default 100. */
  readonly maxConnections?: number;
  readonly database?: string;
  /** Serve Prometheus metrics on GET /metrics at this port (0 picks a free one); none when absent. */
  readonly metricsPort?: number;
  /** Address of the metrics listener; default 127.0.0.1. */
  readonly metricsHost?: string;
  /** Settings every new session starts with (flint serve --idle-in-transaction-timeout), as SET would take them. */
  readonly sessionSettings?: Readonly<Record<string, string>>;
  /** Disconnect a client that has not authenticated after this many ms; default 60 000 (PostgreSQL's authentication_timeout). */
  readonly authenticationTimeoutMs?: number;
  /**
   * Let a CancelRequest stop a statement that is computing (cancel-watcher.ts: a
   * child process watches the socket while the server's thread is busy). Default
   * true; without it, a cancel stops only a statement that waits. Node only.
   */
  readonly cancelWatcher?: boolean;
  /**
   * When SIGINT or SIGTERM reaches the process group (Ctrl-C in a terminal, systemd's stop), end
   * every running statement with 57P01 so that the process's own signal handler, which waits for
   * the thread, can run its graceful shutdown (`flint serve` sets it). Needs the cancel watcher.
   */
  readonly abortOnShutdownSignal?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export class FlintServer implements ConnectionHost {
  readonly db: Database;
  readonly serverVersion = '15.0 (Flint 0.1.0)';
  readonly sessionSettings: Readonly<Record<string, string>>;
  readonly #server: Server;
  readonly #options: ServerOptions;
  readonly #connections = new Set<Connection>();
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #tls: TlsConfig | null = null;
  /** Counters and gauges of the server and its database (Prometheus text: metrics.text()). */
  readonly metrics: ServerMetrics;
  #metricsHttp: HttpServer | null = null;
  #watcher: CancelWatcher | null = null;
  /** TCP connections open now, authenticated or not. */
  #accepted = 0;

  private constructor(options: ServerOptions) {
    this.db = options.db;
    this.#options = options;
    this.sessionSettings = options.sessionSettings ?? {};
    this.metrics = new ServerMetrics(options.db, {
      connectionsOpen: () => this.#connections.size,
      transactionsOpen: () => [...this.#connections].filter((c) => c.inTransaction).length,
    });
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(options: ServerOptions): Promise<FlintServer> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host) && !options.roles.hasPasswords()) {
      throw new FlintError(SqlState.invalidAuthorizationSpecification, `refusing to listen on ${host} without a password: create a user with a password first`);
    }
    if (options.tlsRequired === true && options.tls === undefined) {
      throw new FlintError(SqlState.configFileError, 'TLS is required but no certificate is given (--tls-cert and --tls-key)');
    }
    const server = new FlintServer(options);
    if (options.tls !== undefined) server.#tls = loadTls(options.tls);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(options.port ?? 5432, host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const address = server.#server.address();
    server.#port = typeof address === 'object' && address !== null ? address.port : options.port ?? 5432;
    if (options.cancelWatcher !== false) {
      server.#watcher = CancelWatcher.start(server.#server, {
        onCancel: (processId, secretKey) => server.cancel(processId, secretKey),
        onConnection: (socket) => server.#accept(socket),
        onShutdownSignal: () => {
          if (options.abortOnShutdownSignal === true) server.abortStatements();
        },
      });
    }
    if (options.metricsPort !== undefined) {
      try {
        server.#metricsHttp = await serveMetrics(server.metrics, options.metricsHost ?? '127.0.0.1', options.metricsPort);
      } catch (error) {
        await server.stop();
        throw error;
      }
    }
    return server;
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#options.host ?? '127.0.0.1';
  }

  /**
   * Read the certificate and key again (a renewed certificate): connections
   * from now on use them, open ones keep theirs. On an error the old ones
   * stay and the error is thrown (F0000), as PostgreSQL keeps its SSL
   * configuration when a reload fails.
   */
  reloadTls(): void {
    if (this.#options.tls === undefined) return;
    this.#tls = loadTls(this.#options.tls);
  }

  get authenticationTimeoutMs(): number | undefined {
    return this.#options.authenticationTimeoutMs;
  }

  /** The port of the metrics listener, or null when there is none. */
  get metricsPort(): number | null {
    const address = this.#metricsHttp?.address();
    return typeof address === 'object' && address !== null ? address.port : null;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Stop listening, end every connection (their open transactions roll back). */
  async stop(): Promise<void> {
    // First, so that no connection comes in through the watcher's copy of the socket.
    await this.#watcher?.stop();
    this.#watcher = null;
    const metricsHttp = this.#metricsHttp;
    this.#metricsHttp = null;
    if (metricsHttp !== null) {
      await new Promise<void>((resolve) => {
        metricsHttp.close(() => resolve());
        metricsHttp.closeAllConnections();
      });
    }
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const c of [...this.#connections]) c.close();
      for (const s of this.#sockets) s.destroy();
    });
  }

  #accept(socket: Socket): void {
    // As PostgreSQL's postmaster: connections still authenticating count too, up to twice the limit, so
    // sockets that never log in cannot pile up without bound (each also has the authentication timeout).
    if (this.#accepted >= 2 * (this.#options.maxConnections ?? 100)) {
      this.metrics.connectionRefused('too_many_clients');
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      socket.resume(); // read and drop what the client sends, so its end of stream closes the socket
      socket.end(errorMessage('E', 'FATAL', new FlintError(SqlState.tooManyConnections, 'sorry, too many clients already')));
      return;
    }
    this.#accepted++;
    socket.once('close', () => this.#accepted--);
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    const remote = socket.remoteAddress ?? '';
    // The socket the session speaks over: the TCP socket, or the TLS socket over it after SSLRequest.
    let stream: Socket = socket;
    const tls = this.#tls;
    const onData = (chunk: Buffer) => connection.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    /** Go on over TLS: after SSLRequest ('S' written), or at once for a direct TLS connection. */
    const secure = (direct: boolean) => {
      socket.off('data', onData);
      const tlsSocket = upgradeSocket(socket, tls!, direct);
      stream = tlsSocket;
      this.#sockets.add(tlsSocket);
      tlsSocket.on('data', onData);
      tlsSocket.on('close', () => {
        this.#sockets.delete(tlsSocket);
        connection.close();
      });
      // A failed handshake (or a client that hangs up in it) ends this connection only.
      tlsSocket.on('error', () => {
        connection.close();
        tlsSocket.destroy();
      });
    };
    const connection = new Connection(this, {
      write: (bytes) => {
        if (!stream.destroyed) stream.write(bytes);
      },
      end: () => stream.end(),
      remoteIsLoopback: isLoopback(remote),
      get encrypted() {
        return stream !== socket;
      },
      get backlog() {
        return stream.writableLength;
      },
      drained: () => new Promise<void>((resolve) => {
        if (stream.destroyed || stream.writableLength === 0) return resolve();
        const s = stream;
        const done = () => {
          s.off('drain', done);
          s.off('close', done);
          resolve();
        };
        s.on('drain', done);
        s.on('close', done);
      }),
      pause: () => stream.pause(),
      resume: () => stream.resume(),
      get channelBinding() {
        return stream !== socket && tls !== null ? tls.endPoint : null;
      },
      ...(tls === null ? {} : { startTls: () => secure(false) }),
    });
    if (tls === null) socket.on('data', onData);
    else {
      // PostgreSQL 17's direct TLS (sslnegotiation=direct): the first byte is a TLS handshake record, not a startup packet.
      socket.once('data', (first: Buffer) => {
        if (isTlsHandshake(first)) {
          // Back into the socket's buffer, paused so nothing else takes it: the TLS socket reads it first.
          socket.pause();
          socket.unshift(first);
          secure(true);
          return;
        }
        socket.on('data', onData);
        onData(first);
      });
    }
    socket.on('close', () => {
      this.#sockets.delete(socket);
      connection.close();
    });
    socket.on('error', () => connection.close());
  }

  // ---- ConnectionHost -----------------------------------------------------------------

  authFor(user: string, loopback: boolean, encrypted: boolean): ReturnType<ConnectionHost['authFor']> {
    if (this.#options.tlsRequired === true && !loopback && !encrypted) {
      return { kind: 'reject', error: new FlintError(SqlState.invalidAuthorizationSpecification, `connection for user "${user}" refused: this server requires TLS for connections from other hosts`, { hint: 'Connect with sslmode=require.' }) };
    }
    const role = this.#options.roles.get(user);
    if (loopback && this.#options.trustLoopback === true) return role === undefined ? null : { kind: 'trust' };
    if (role === undefined || role.verifier === null) return null;
    return { kind: 'scram', verifier: role.verifier };
  }

  rolesFor(user: string): RoleManager {
    return this.#options.roles.managerFor(user);
  }

  register(connection: Connection): void {
    // Authenticated, but a NOLOGIN role may not open a session (PostgreSQL checks it after authentication too).
    if (this.#options.roles.get(connection.user)?.login === false) {
      throw new FlintError(SqlState.invalidAuthorizationSpecification, `role "${connection.user}" is not permitted to log in`);
    }
    const max = this.#options.maxConnections ?? 100;
    if (this.#connections.size >= max) {
      this.metrics.connectionRefused('too_many_clients');
      throw new FlintError(SqlState.tooManyConnections, 'sorry, too many clients already');
    }
    this.#connections.add(connection);
    this.metrics.connectionOpened();
  }

  unregister(connection: Connection): void {
    this.#connections.delete(connection);
  }

  /** End every connection's running or waiting statement with 57P01 (the server is stopping). */
  abortStatements(): void {
    const error = new FlintError(SqlState.adminShutdown, 'terminating connection due to administrator command');
    for (const c of this.#connections) c.requestCancel(error);
  }

  cancel(processId: number, secretKey: number): void {
    for (const c of this.#connections) if (c.processId === processId && c.secretKey === secretKey) c.requestCancel();
  }
}
