// Runs PostgreSQL-generated fixture rows through the test evaluator.

import { describe, expect, it } from 'vitest';
import { fixedContext, type EvalContext } from '../../../../src/sql/types/eval-context.ts';
import { resolveTimeZone } from '../../../../src/sql/types/timezone.ts';
import { runSql } from './sql-expr.ts';

/** 2024-06-15 12:34:56.789 UTC: the fixed "now" of every test context. */
export const TEST_NOW = 1718454896789000n;

const contexts = new Map<string, EvalContext>();

export function contextFor(timeZone: string): EvalContext {
  let ctx = contexts.get(timeZone);
  if (ctx === undefined) {
    ctx = fixedContext({ now: TEST_NOW, timeZone: resolveTimeZone(timeZone), seed: 42 });
    contexts.set(timeZone, ctx);
  }
  return ctx;
}

/**
 * One `it` per case: Flint's (expr)::text and type must equal PostgreSQL's.
 * `divergences` maps the few expressions where Flint knowingly differs to
 * Flint's expected text (each one is a documented limit).
 */
export function describeFixture(
  name: string,
  cases: readonly (readonly [string, string, string, string])[],
  divergences: Readonly<Record<string, string>> = {},
): void {
  describe(name, () => {
    it.each(cases.map((c) => [c[1], c[0], c[2], c[3]] as const))('%s (TimeZone %s)', (sql, tz, pgText, type) => {
      const [gotText, gotType] = runSql(sql, contextFor(tz));
      const text = divergences[sql] ?? pgText;
      expect({ sql, text: gotText }).toEqual({ sql, text });
      if (!type.startsWith('ERROR') && !text.startsWith('ERROR')) expect({ sql, type: gotType }).toEqual({ sql, type });
    });
  });
}
