// The sqllogictest adapter for Flint's SQL layer: an in-memory database per
// .test file, each record's SQL run through a session, values handed to the
// runner as plain JS values (it renders them by the record's column letters).

import { FlintError } from '../../src/errors.ts';
import { Database } from '../../src/db/database.ts';
import type { Session } from '../../src/db/session.ts';
import { Decimal } from '../../src/sql/types/decimal.ts';
import { formatText } from '../../src/sql/types/text-io.ts';
import type { SltEngine, SltResult, SltValue } from './engine.ts';

export function createFlintEngine(options: { indexScans?: boolean } = {}): SltEngine {
  let db: Database | undefined;
  let session: Session | undefined;
  return {
    reset() {
      db?.close();
      db = Database.open(':memory:', { poolBytes: 8 << 20 });
      session = db.session();
      if (options.indexScans === false) session.execute('SET enable_indexscan = off');
    },
    execute(sql: string): SltResult {
      if (session === undefined) throw new Error('reset() before execute()');
      try {
        const results = session.execute(sql);
        const last = results.at(-1);
        if (last === undefined || (last.columns.length === 0 && !last.command.startsWith('SELECT'))) return { kind: 'ok' };
        const rows = last.rows.map((row) => row.map((v, i) => toSlt(v, last.columns[i]!.type)));
        return { kind: 'rows', columns: last.columns.length, rows };
      } catch (error) {
        if (error instanceof FlintError) return { kind: 'error', message: `${error.code} ${error.message}` };
        throw error;
      }
    },
    close() {
      db?.close();
    },
  };
}

function toSlt(value: unknown, type: { id: string }): SltValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Decimal) return value.toString();
  return formatText(value as never, type as never);
}
