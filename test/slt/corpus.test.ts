// The runner over the real corpus (../shared/sqllogictest beside the
// repository, or $SLT_CORPUS). Skipped when the corpus is not there.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandPaths } from '../../scripts/slt/cli.ts';
import { parseHashLine, sortValues } from '../../scripts/slt/format.ts';
import { parseSlt, type QueryRecord } from '../../scripts/slt/parser.ts';
import { runText } from '../../scripts/slt/runner.ts';
import { OracleEngine } from './oracle-engine.ts';

const CORPUS = process.env['SLT_CORPUS'] ?? fileURLToPath(new URL('../../../shared/sqllogictest', import.meta.url));
const present = existsSync(CORPUS);

/** Deterministic shuffle (xorshift32), so any failure replays. */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed;
  for (let i = items.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe.skipIf(!present)('slt corpus', () => {
  const files = (): Promise<string[]> => expandPaths([CORPUS]);

  it('parses every file; record counts match the README exactly', async () => {
    const count = { query: 0, statement: 0, 'hash-threshold': 0, halt: 0 };
    const list = await files();
    for (const file of list) for (const record of parseSlt(readFileSync(file, 'utf8'), file)) count[record.kind]++;
    expect(list).toHaveLength(29);
    expect(count).toEqual({ query: 174_625, statement: 25_450, 'hash-threshold': 27, halt: 4 });
  });

  it('sorts a corpus valuesort and rowsort record back to its listed values', async () => {
    const listed = (file: string, mode: string, minColumns: number): QueryRecord => {
      const records = parseSlt(readFileSync(`${CORPUS}/${file}`, 'utf8'), file);
      const found = [...records].find(
        (r): r is QueryRecord =>
          r.kind === 'query' &&
          r.sortMode === mode &&
          r.types.length >= minColumns &&
          r.expected.length >= 2 * r.types.length &&
          r.expected.length <= 8 &&
          new Set(r.expected).size > 2,
      );
      if (found === undefined) throw new Error(`no suitable ${mode} record in ${file}`);
      return found;
    };
    const valuesort = listed('index/orderby/10/slt_good_0.test', 'valuesort', 1);
    expect(sortValues(shuffle([...valuesort.expected], 11), valuesort.types.length, 'valuesort')).toEqual(valuesort.expected);
    const rowsort = listed('random/aggregates/slt_good_0.test', 'rowsort', 2);
    const columns = rowsort.types.length;
    const rowList: string[][] = [];
    for (let i = 0; i < rowsort.expected.length; i += columns) rowList.push(rowsort.expected.slice(i, i + columns));
    const shuffled = shuffle(rowList, 5).flat();
    expect(sortValues(shuffled, columns, 'rowsort')).toEqual(rowsort.expected);
  });

  it('runs every file against an engine that echoes the listed values', async () => {
    // Every statement and every query with listed values passes; a query whose
    // expected block is a hash cannot be echoed and fails; nothing else fails.
    let statements = 0;
    let listed = 0;
    let hashed = 0;
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const file of await files()) {
      const text = readFileSync(file, 'utf8');
      const engine = new OracleEngine(text, 'postgresql');
      const result = await runText(text, file, engine, { maxFailureDetails: Infinity });
      statements += engine.stats.statements;
      listed += engine.stats.listedQueries;
      hashed += engine.stats.hashedQueries;
      totals.passed += result.passed;
      totals.failed += result.failed;
      totals.skipped += result.skipped;
      const unexpected = result.failures.filter((f) => !(f.expected?.length === 1 && parseHashLine(f.expected[0]!)));
      expect(unexpected).toEqual([]);
    }
    expect(totals.passed).toBe(statements + listed);
    expect(totals.failed).toBe(hashed);
    // Not reached: what follows `skipif sqlite` + `halt` in slt_lang_aggfunc.test.
    expect(totals.passed + totals.failed + totals.skipped).toBe(174_625 + 25_450 - 75);
  });

  it("fails exactly the README's three R values above 2^63 when run as sqlite", async () => {
    const file = `${CORPUS}/evidence/slt_lang_aggfunc.test`;
    const text = readFileSync(file, 'utf8');
    const result = await runText(text, file, new OracleEngine(text, 'sqlite'), { engineName: 'sqlite' });
    expect(result.failures.map((f) => [f.line, f.expected, f.got])).toEqual([
      [484, ['-9223372036854776000.000'], ['-9223372036854775808.000']],
      [491, ['-18446744073709550000.000'], ['-18446744073709549568.000']],
      [496, ['-9223372036854776000.000'], ['-9223372036854775808.000']],
    ]);
  });
});
