// The shell's backend over a data directory opened in this process.
import { Database } from '../db/database.ts';
import type { Session } from '../db/session.ts';
import { FlintError } from '../errors.ts';
import type { StatementResult } from '../sql/exec/statements.ts';
import type { EvalContext } from '../sql/types/eval-context.ts';
import { formatText } from '../sql/types/text-io.ts';
import type { Value } from '../sql/types/type-info.ts';
import { ShellError, type Backend, type ShellNotice, type ShellResult, type TransactionStatus } from './backend.ts';

/** Type ids psql right-aligns. */
const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid']);

export class EmbeddedBackend implements Backend {
  readonly kind = 'embedded';
  readonly description: string;
  readonly database = 'flint';
  readonly db: Database;
  readonly session: Session;

  constructor(dir: string) {
    this.db = Database.open(dir);
    this.session = this.db.session();
    this.description = dir === ':memory:' ? 'an in-memory database' : dir;
  }

  get status(): TransactionStatus {
    return this.session.status;
  }

  async run(sql: string, notice: (notice: ShellNotice) => void = () => {}): Promise<ShellResult[]> {
    let results: StatementResult[];
    try {
      results = this.session.execute(sql);
    } catch (error) {
      throw toShellError(error);
    }
    for (const r of results) for (const n of r.notices ?? []) notice(n);
    return results.map((r) => this.toText(r));
  }

  /** A result's values in PostgreSQL's text output, in the session's time zone. */
  toText(result: StatementResult): ShellResult {
    const context = { timeZone: this.session.timeZone } as EvalContext;
    return {
      command: result.command,
      columns: result.columns.map((c) => ({ name: c.name, numeric: NUMERIC_TYPES.has(c.type.id) })),
      rows: result.rows.map((row) => result.columns.map((c, i) => {
        const v = row[i];
        return v === null || v === undefined ? null : formatText(v as Value, c.type, context);
      })),
    };
  }

  async close(): Promise<void> {
    this.session.close();
    this.db.close();
  }
}

export function toShellError(error: unknown): ShellError {
  if (error instanceof ShellError) return error;
  if (error instanceof FlintError) return new ShellError({ code: error.code, message: error.message, detail: error.detail, hint: error.hint, position: error.position });
  // A bug, not the user's mistake: say so, as a server would (XX000), and keep the shell alive.
  return new ShellError({ code: 'XX000', message: `internal error: ${error instanceof Error ? error.message : String(error)}` });
}
