// A test-only engine with canned answers keyed by SQL text. Not a product:
// it exists so the runner's tests need no SQL engine. Unknown SQL is an
// error, like a table that does not exist.
import type { SltEngine, SltResult, SltValue } from '../../scripts/slt/engine.ts';

export type Canned = SltResult | (() => SltResult | Promise<SltResult>);

export class StubEngine implements SltEngine {
  readonly executed: string[] = [];
  resets = 0;
  closed = false;

  constructor(readonly answers: Readonly<Record<string, Canned>>) {}

  reset(): void {
    this.resets++;
  }

  async execute(sql: string): Promise<SltResult> {
    this.executed.push(sql);
    const answer = this.answers[sql];
    if (answer === undefined) return { kind: 'error', message: `no canned answer for: ${sql}` };
    return typeof answer === 'function' ? answer() : answer;
  }

  close(): void {
    this.closed = true;
  }
}

export const OK: SltResult = { kind: 'ok' };
export const ERROR: SltResult = { kind: 'error', message: 'canned error' };

/** A result set; the column count is taken from the first row unless given. */
export function rows(values: SltValue[][], columns = values[0]?.length ?? 1): SltResult {
  return { kind: 'rows', columns, rows: values };
}
