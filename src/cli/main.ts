// The `flint` command line.
import { Command } from 'commander';
import { runDoctor } from './doctor.ts';
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

await program.parseAsync(process.argv);
