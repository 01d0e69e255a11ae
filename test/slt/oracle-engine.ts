// A test-only engine that answers from the .test file itself: it replays the
// records a run will reach, in order, and returns the values each query's
// expected block lists (rows reversed, so sorting is exercised). A query
// whose expected block is a hash cannot be answered and gets one wrong row.
// It checks that the runner sends exactly the SQL it expects, in order.
import type { SltEngine, SltResult, SltValue } from '../../scripts/slt/engine.ts';
import { parseHashLine } from '../../scripts/slt/format.ts';
import { parseSlt, recordApplies, type QueryRecord } from '../../scripts/slt/parser.ts';

function valueOf(text: string, type: string): SltValue {
  if (text === 'NULL') return null;
  if (type === 'T') return text === '(empty)' ? '' : text;
  return Number(text);
}

function answer(record: QueryRecord): SltResult {
  const columns = record.types.length;
  const only = record.expected.length === 1 ? parseHashLine(record.expected[0]!) : undefined;
  if (only !== undefined) return { kind: 'rows', columns, rows: [Array.from(record.types, () => null)] };
  const rows: SltValue[][] = [];
  for (let i = 0; i < record.expected.length; i += columns) {
    rows.push(Array.from(record.types, (type, c) => valueOf(record.expected[i + c]!, type)));
  }
  if (record.sortMode !== 'nosort') rows.reverse();
  return { kind: 'rows', columns, rows };
}

export interface OracleStats {
  statements: number;
  listedQueries: number;
  hashedQueries: number;
}

export class OracleEngine implements SltEngine {
  readonly stats: OracleStats = { statements: 0, listedQueries: 0, hashedQueries: 0 };
  readonly #script: { sql: string; result: SltResult }[] = [];
  #next = 0;

  constructor(text: string, engineName: string) {
    for (const record of parseSlt(text)) {
      if (!recordApplies(record, engineName)) continue;
      if (record.kind === 'halt') break;
      if (record.kind === 'statement') {
        this.stats.statements++;
        this.#script.push({ sql: record.sql, result: record.expectError ? { kind: 'error', message: 'expected' } : { kind: 'ok' } });
      } else if (record.kind === 'query') {
        const hashed = record.expected.length === 1 && parseHashLine(record.expected[0]!) !== undefined;
        if (hashed) this.stats.hashedQueries++;
        else this.stats.listedQueries++;
        this.#script.push({ sql: record.sql, result: answer(record) });
      }
    }
  }

  reset(): void {
    this.#next = 0;
  }

  execute(sql: string): SltResult {
    const step = this.#script[this.#next++];
    if (step === undefined || step.sql !== sql) throw new Error(`oracle out of step at ${this.#next}: ${sql.slice(0, 60)}`);
    return step.result;
  }
}
