// The differential SQL fuzzer's command line (see sql-fuzz-core.ts):
//
//   node scripts/run-ts.mjs scripts/reliability/sql-fuzz.ts [--seed N] [--schemas N] [--queries N]
//        [--minimize N] [--out DIR] [--pg-bin DIR]
//
// Starts PostgreSQL 15 (initdb in a temporary directory, loopback, a free
// port) and Flint (in this process), runs --schemas random schemas with
// --queries queries each (default 200 x 10), prints every disagreement,
// minimized (the first --minimize of them, default 20), and with --out
// writes each as a golden script there. Exits 1 if Flint broke (an internal
// error or a dropped connection), 2 if there were disagreements.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_BIN, fuzz, goldenCase, querySql, show, startFlint, startPostgres } from './sql-fuzz-core.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seed = Number(option('seed') ?? Date.now() % 1_000_000);
const schemas = Number(option('schemas') ?? 200);
const queries = Number(option('queries') ?? 10);
const out = option('out');

const postgres = await startPostgres(option('pg-bin') ?? PG_BIN);
const flint = await startFlint();
const pair = { flint: new pg.Client(flint.config), postgres: new pg.Client(postgres.config) };
await pair.flint.connect();
await pair.postgres.connect();
let code = 0;
try {
  console.log(`sql-fuzz: seed ${seed}, ${schemas} schemas x ${queries} queries`);
  const stats = await fuzz(pair, seed, schemas, queries, Number(option('minimize') ?? 20));
  for (const [i, d] of stats.disagreements.entries()) {
    console.log(`\n#${i + 1} (case seed ${d.seed}): ${querySql(d.query)}\n  PostgreSQL: ${show(d.postgres)}\n  Flint:      ${show(d.flint)}`);
    if (out !== undefined) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, `fuzz-${d.seed}-${i + 1}.sql`), goldenCase(d));
    }
  }
  console.log(`\nsql-fuzz: seed ${seed}: ${stats.queries} queries on ${stats.schemas} schemas, ${stats.bothError} errors on both sides, ${stats.disagreements.length} disagreements`);
  if (stats.disagreements.length > 0) code = 2;
} catch (error) {
  console.error(String(error));
  code = 1;
} finally {
  await pair.flint.end();
  await pair.postgres.end();
  await flint.stop();
  await postgres.stop();
}
process.exit(code);
