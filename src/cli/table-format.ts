// psql-style aligned output of a result: a header, a separator, the rows and
// a "(N rows)" footer. Values are PostgreSQL's text output; NULL is empty.
import type { StatementResult } from '../sql/exec/statements.ts';
import { formatText } from '../sql/types/text-io.ts';
import { Decimal } from '../sql/types/decimal.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import { UTC, type TimeZone } from '../sql/types/timezone.ts';

/** `timeZone`: the session's, in which timestamptz values are shown (UTC when absent). */
export function formatResult(result: StatementResult, timeZone: TimeZone = UTC): string {
  if (result.columns.length === 0) return result.command;
  const header = result.columns.map((c) => c.name);
  const numeric = result.columns.map((c) => ['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'].includes(c.type.id));
  const cells = result.rows.map((row) =>
    row.map((v, i) => {
      if (v === null) return '';
      if (v instanceof Decimal) return v.toString();
      return formatText(v as never, result.columns[i]!.type, { timeZone } as EvalContext);
    }),
  );
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i]!))));
  const lines: string[] = [];
  lines.push(` ${header.map((h, i) => center(h, widths[i]!)).join(' | ')}`.trimEnd());
  lines.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const r of cells) {
    lines.push(` ${r.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')}`.trimEnd());
  }
  lines.push(`(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`);
  return lines.join('\n');
}

function displayWidth(s: string): number {
  return [...s].length;
}

function center(s: string, width: number): string {
  const pad = width - displayWidth(s);
  const left = Math.floor(pad / 2);
  return ' '.repeat(left) + s + ' '.repeat(pad - left);
}
