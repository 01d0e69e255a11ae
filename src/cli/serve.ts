// `flint serve`: a PostgreSQL-protocol server on a data directory.
//
// On a new data directory it creates the superuser (--user, default
// "flint") with the password given by --password or FLINT_PASSWORD, or a
// generated one, and prints a ready-to-use postgres:// URL first. It listens
// on loopback unless told otherwise, and refuses other addresses without a
// password. SIGINT/SIGTERM stop it gracefully: connections end (open
// transactions roll back), the database checkpoints, exit code 0.

import { mkdirSync } from 'node:fs';
import { Database } from '../db/database.ts';
import { FlintError, SqlState } from '../errors.ts';
import { generatePassword, RoleStore } from '../server/roles.ts';
import { FlintServer } from '../server/server.ts';

export interface ServeOptions {
  readonly data: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  /** Let loopback clients in without a password. */
  readonly trust?: boolean;
  /** PEM certificate and key files: clients may use TLS (sslmode=require). */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Refuse non-loopback clients without TLS. */
  readonly tlsRequired?: boolean;
  /** Most clients at once (53300 beyond); default 100. */
  readonly maxConnections?: number;
  /** Serve Prometheus metrics on this port (GET /metrics), at metricsHost (default 127.0.0.1). */
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  /** Server-wide defaults of idle_in_transaction_session_timeout and idle_session_timeout (SET syntax: '30s', ms). */
  readonly idleInTransactionTimeout?: string;
  readonly idleSessionTimeout?: string;
}

export async function runServe(options: ServeOptions, print: (line: string) => void = console.log): Promise<FlintServer> {
  mkdirSync(options.data, { recursive: true });
  const db = Database.open(options.data);
  const roles = RoleStore.open(options.data);
  let password = options.password ?? process.env['FLINT_PASSWORD'];
  if (roles.get(options.user) === undefined) {
    password ??= generatePassword();
    roles.set(options.user, password, true);
  } else if (password !== undefined) {
    roles.set(options.user, password, roles.get(options.user)!.superuser);
  }
  let server: FlintServer;
  try {
    const sessionSettings: Record<string, string> = {};
    if (options.idleInTransactionTimeout !== undefined) sessionSettings['idle_in_transaction_session_timeout'] = options.idleInTransactionTimeout;
    if (options.idleSessionTimeout !== undefined) sessionSettings['idle_session_timeout'] = options.idleSessionTimeout;
    server = await FlintServer.start({
      db, host: options.host, port: options.port, roles, trustLoopback: options.trust === true, sessionSettings,
      // Ctrl-C or a service manager's stop ends a computing statement, so that the shutdown below can run.
      abortOnShutdownSignal: true,
      ...tlsOptions(options),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.metricsPort === undefined ? {} : { metricsPort: options.metricsPort, metricsHost: options.metricsHost ?? '127.0.0.1' }),
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const secret = password === undefined ? 'PASSWORD' : encodeURIComponent(password);
  print(`postgres://${encodeURIComponent(options.user)}:${secret}@${host}:${server.port}/flint`);
  print(`Flint is serving ${options.data} on ${host}:${server.port}${password === undefined ? ` (the password of "${options.user}" was set earlier; --password sets a new one)` : ''}`);
  if (options.tlsCert !== undefined) print(`TLS: on with ${options.tlsCert}${options.tlsRequired === true ? ', required for clients on other hosts' : ''} (sslmode=require)`);
  if (server.metricsPort !== null) print(`metrics: http://${hostForUrl(options.metricsHost ?? '127.0.0.1')}:${server.metricsPort}/metrics`);
  const stop = async () => {
    await server.stop();
    db.close();
  };
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    print('Flint is shutting down');
    void stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (options.tlsCert !== undefined) {
    // SIGHUP reads the certificate and key again (a renewal), as PostgreSQL's reload does.
    process.on('SIGHUP', () => {
      try {
        server.reloadTls();
        print(`TLS: reloaded ${options.tlsCert}`);
      } catch (error) {
        console.error(`flint serve: ${(error as Error).message}; keeping the previous certificate`);
      }
    });
  }
  return server;
}

/** --tls-cert and --tls-key come together; --tls-required needs them. */
function tlsOptions(options: ServeOptions): { tls?: { certFile: string; keyFile: string }; tlsRequired?: boolean } {
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new FlintError(SqlState.configFileError, '--tls-cert and --tls-key must be given together');
  }
  return {
    ...(options.tlsCert === undefined ? {} : { tls: { certFile: options.tlsCert, keyFile: options.tlsKey! } }),
    ...(options.tlsRequired === true ? { tlsRequired: true } : {}),
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
