import { describe, expect, it } from 'vitest';
import { parse, parseScript } from '../../../src/sql/index.ts';
import { APPLICATION, DRIVERS, KEYWORD_NAMES, ORMS, PG_DUMP, PGBENCH, PSQL } from './real-world-statements.ts';

const groups = { PSQL, PGBENCH, PG_DUMP, DRIVERS, ORMS, APPLICATION, KEYWORD_NAMES };

describe('real-world statements parse', () => {
  for (const [group, statements] of Object.entries(groups)) {
    describe(group, () => {
      for (const sql of statements) {
        it(sql.replace(/\s+/g, ' ').slice(0, 100), () => {
          const result = parse(sql);
          expect(result.length).toBe(1);
        });
      }
    });
  }

  it('parses them all as one script, with each statement’s span', () => {
    const all = Object.values(groups).flat();
    const script = all.map((s) => s.replace(/;\s*$/, '')).join('\n;\n');
    const parsed = parseScript(script);
    expect(parsed.length).toBe(all.length);
    for (let i = 0; i < parsed.length; i++) {
      // A span runs from the first to the last token: trailing comments are not part of it.
      const text = script.slice(parsed[i]!.start, parsed[i]!.end);
      expect(all[i]!.startsWith(text)).toBe(true);
      expect(all[i]!.slice(text.length)).toMatch(/^(\s|;|--.*)*$/);
    }
  });

  it('builds plain JSON data: no undefined, no bigint, no classes', () => {
    for (const sql of Object.values(groups).flat()) {
      const tree = parse(sql);
      expect(JSON.parse(JSON.stringify(tree))).toStrictEqual(tree);
    }
  });

  it('parses the pgbench statements into the expected kinds', () => {
    expect(PGBENCH.map((s) => parse(s)[0]!.kind)).toEqual([
      'drop', 'createTable', 'createTable', 'createTable', 'createTable', 'truncate', 'insert', 'insert', 'copy', 'copy', 'insert',
      'vacuum', 'vacuum', 'alterTable', 'alterTable', 'alterTable', 'alterTable', 'alterTable', 'query', 'query', 'begin', 'update',
      'query', 'update', 'update', 'insert', 'commit', 'update',
    ]);
  });

  it('parses a typical statement in microseconds', () => {
    const sql = "SELECT c.id, c.name, sum(o.total) AS total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.created_at > $1 AND o.status IN ('paid', 'shipped') GROUP BY c.id, c.name ORDER BY total DESC LIMIT 10";
    for (let i = 0; i < 2000; i++) parse(sql); // warm up
    const n = 5000;
    const start = performance.now();
    for (let i = 0; i < n; i++) parse(sql);
    const usPerStatement = ((performance.now() - start) * 1000) / n;
    // Typically 3-10 us on a laptop; the bound only catches pathologies (e.g. quadratic scanning).
    expect(usPerStatement).toBeLessThan(200);
  });
});
