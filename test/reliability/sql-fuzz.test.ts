// Differential SQL fuzzing against PostgreSQL 15 (scripts/reliability/sql-fuzz-core.ts),
// bounded for CI: FLINT_SQLFUZZ_SCHEMAS random schemas (default 40) with 10
// queries each, from FLINT_SQLFUZZ_SEED. Skipped where PostgreSQL 15 is not
// installed (.ci/run installs it). Flint must never break (XX000 or a
// dropped connection), and must agree with PostgreSQL on every query; a
// disagreement is printed minimized, as a golden script
// (`node scripts/run-ts.mjs scripts/reliability/sql-fuzz.ts --out DIR` writes
// them to files). Longer runs: that script, with --schemas.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { fuzz, goldenCase, postgresAvailable, startFlint, startPostgres } from '../../scripts/reliability/sql-fuzz-core.ts';

const SEED = Number(process.env.FLINT_SQLFUZZ_SEED ?? 15);
const SCHEMAS = Number(process.env.FLINT_SQLFUZZ_SCHEMAS ?? 40);

describe.skipIf(!postgresAvailable())('differential SQL fuzzing against PostgreSQL 15', () => {
  it(`${SCHEMAS} random schemas x 10 queries agree with PostgreSQL, and Flint never breaks`, { timeout: Math.max(300_000, SCHEMAS * 3000) }, async () => {
    const postgres = await startPostgres();
    const flint = await startFlint();
    const pair = { flint: new pg.Client(flint.config), postgres: new pg.Client(postgres.config) };
    try {
      await pair.flint.connect();
      await pair.postgres.connect();
      const stats = await fuzz(pair, SEED, SCHEMAS, 10, 3);
      console.log(`sql-fuzz seed ${SEED}: ${stats.queries} queries on ${stats.schemas} schemas, ${stats.bothError} errors on both sides, ${stats.disagreements.length} disagreements`);
      const cases = stats.disagreements.slice(0, 3).map(goldenCase).join('\n');
      expect(stats.disagreements.length, `seed ${SEED} (FLINT_SQLFUZZ_SEED=${SEED} to replay); minimized:\n${cases}`).toBe(0);
      expect(stats.queries).toBe(SCHEMAS * 10);
    } finally {
      await pair.flint.end().catch(() => undefined);
      await pair.postgres.end().catch(() => undefined);
      await flint.stop();
      await postgres.stop();
    }
  });
});
