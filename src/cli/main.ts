// The `flint` command line.
import { Command } from 'commander';
import { runDoctor } from './doctor.ts';
import { runServe } from './serve.ts';
import { runShell } from './shell.ts';

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

program
  .command('shell')
  .description('an interactive SQL shell on a database directory (created if missing)')
  .argument('[dir]', 'data directory, or :memory:', './flint-data')
  .action(async (dir: string) => {
    await runShell(dir);
  });

program
  .command('serve')
  .description('serve a database directory to PostgreSQL clients (psql, drivers) on localhost')
  .option('--data <dir>', 'data directory (created if missing)', './flint-data')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'TCP port (0 picks a free one)', '5432')
  .option('--user <name>', 'the superuser created on a new data directory', 'flint')
  .option('--password <password>', 'its password (default: $FLINT_PASSWORD, else generated on a new directory)')
  .option('--trust', 'let loopback clients in without a password')
  .action(async (o: { data: string; host: string; port: string; user: string; password?: string; trust?: boolean }) => {
    const port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`flint serve: --port must be 0..65535, got ${o.port}`);
      process.exit(2);
    }
    try {
      await runServe({ data: o.data, host: o.host, port, user: o.user, ...(o.password === undefined ? {} : { password: o.password }), trust: o.trust === true });
    } catch (error) {
      const e = error as { code?: string; message?: string };
      console.error(`flint serve: ${e.message ?? String(error)}${e.code === undefined ? '' : ` (${e.code})`}`);
      process.exit(1);
    }
  });

await program.parseAsync(process.argv);
