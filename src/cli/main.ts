// The `flint` command line.
import { Command } from 'commander';
import { registerUserCommands } from './user.ts';
import { runDoctor } from './doctor.ts';
import { parseTimeout } from '../db/session.ts';
import { runServe } from './serve.ts';
import { registerDataCommands } from './data-commands.ts';

const program = new Command();
program.name('flint').description('Flint: a lighter SQL database').version('0.1.0');

program
  .command('doctor')
  .description('check that this runtime can run Flint (WASM and TS kernels agree)')
  .action(() => {
    const lines = runDoctor();
    const width = Math.max(...lines.map((l) => l.check.length));
    for (const line of lines) console.log(`${line.ok ? 'ok  ' : 'FAIL'} ${line.check.padEnd(width)}  ${line.detail}`);
    if (lines.some((l) => !l.ok)) process.exitCode = 1;
  });

registerDataCommands(program); // shell, import, export, check

program
  .command('serve')
  .description('serve a database directory to PostgreSQL clients (psql, drivers) on localhost')
  .option('--data <dir>', 'data directory (created if missing)', './flint-data')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'TCP port (0 picks a free one)', '5432')
  .option('--user <name>', 'the superuser created on a new data directory', 'flint')
  .option('--password <password>', 'its password (default: $FLINT_PASSWORD, else generated on a new directory)')
  .option('--trust', 'let loopback clients in without a password')
  .option('--tls-cert <file>', 'PEM certificate: clients may connect with TLS (sslmode=require); needs --tls-key')
  .option('--tls-key <file>', 'PEM private key of --tls-cert')
  .option('--tls-required', 'refuse clients on other hosts that do not use TLS (loopback clients may still)')
  .option('--max-connections <n>', 'most clients at once; more get 53300', '100')
  .option('--metrics-port <port>', 'serve Prometheus metrics on GET /metrics at this port (0 picks a free one)')
  .option('--metrics-host <host>', 'address of the metrics listener', '127.0.0.1')
  .option('--idle-in-transaction-timeout <time>', 'default idle_in_transaction_session_timeout (e.g. 30s, 5min; 0 = off)')
  .option('--idle-session-timeout <time>', 'default idle_session_timeout (0 = off)')
  .action(async (o: {
    data: string; host: string; port: string; user: string; password?: string; trust?: boolean;
    tlsCert?: string; tlsKey?: string; tlsRequired?: boolean;
    maxConnections: string; metricsPort?: string; metricsHost: string; idleInTransactionTimeout?: string; idleSessionTimeout?: string;
  }) => {
    const usage = (message: string): never => {
      console.error(`flint serve: ${message}`);
      process.exit(2);
    };
    const port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be 0..65535, got ${o.port}`);
    const metricsPort = o.metricsPort === undefined ? undefined : Number(o.metricsPort);
    if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) usage(`--metrics-port must be 0..65535, got ${o.metricsPort}`);
    const maxConnections = Number(o.maxConnections);
    if (!Number.isInteger(maxConnections) || maxConnections < 1) usage(`--max-connections must be a positive integer, got ${o.maxConnections}`);
    for (const [flag, value] of [['--idle-in-transaction-timeout', o.idleInTransactionTimeout], ['--idle-session-timeout', o.idleSessionTimeout]] as const) {
      if (value !== undefined && parseTimeout(value) < 0) usage(`${flag} must be milliseconds or a time like 30s or 5min, got ${value}`);
    }
    try {
      await runServe({
        data: o.data, host: o.host, port, user: o.user, ...(o.password === undefined ? {} : { password: o.password }), trust: o.trust === true, maxConnections,
        ...(o.tlsCert === undefined ? {} : { tlsCert: o.tlsCert }), ...(o.tlsKey === undefined ? {} : { tlsKey: o.tlsKey }), tlsRequired: o.tlsRequired === true,
        ...(metricsPort === undefined ? {} : { metricsPort, metricsHost: o.metricsHost }),
        ...(o.idleInTransactionTimeout === undefined ? {} : { idleInTransactionTimeout: o.idleInTransactionTimeout }),
        ...(o.idleSessionTimeout === undefined ? {} : { idleSessionTimeout: o.idleSessionTimeout }),
      });
    } catch (error) {
      const e = error as { code?: string; message?: string };
      console.error(`flint serve: ${e.message ?? String(error)}${e.code === undefined ? '' : ` (${e.code})`}`);
      process.exit(1);
    }
  });

registerUserCommands(program);

await program.parseAsync(process.argv);
