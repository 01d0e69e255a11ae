// Helpers for the statement tests: an in-memory database, rows as arrays,
// and errors as PostgreSQL reports them (SQLSTATE, message, DETAIL, HINT).
import { Database } from '../../../src/db/database.ts';
import type { Session } from '../../../src/db/session.ts';
import { FlintError } from '../../../src/errors.ts';
import { toJs } from '../../../src/db/js-values.ts';
import { UTC } from '../../../src/sql/types/timezone.ts';

export function memoryDb(): Database {
  return Database.open(':memory:', { backgroundIntervalMs: 0, poolBytes: 4 << 20 });
}

/** Run statements; return the last one's rows as arrays of JS values. */
export function rows(target: Database | Session, sql: string): unknown[][] {
  const results = sessionOf(target).execute(sql);
  const last = results.at(-1);
  if (last === undefined) return [];
  const ctx = { timeZone: UTC } as never;
  return last.rows.map((r) => r.map((v, i) => toJs(v as never, last.columns[i]!.type, { bigint: 'number' }, ctx)));
}

/** The command tag of the last statement. */
export function tag(target: Database | Session, sql: string): string {
  return sessionOf(target).execute(sql).at(-1)!.command;
}

export interface SqlErrorInfo {
  code: string;
  message: string;
  detail: string | undefined;
  hint: string | undefined;
}

/** The FlintError a statement raises (fails the test if it succeeds or throws something else). */
export function error(target: Database | Session, sql: string): SqlErrorInfo {
  try {
    sessionOf(target).execute(sql);
  } catch (e) {
    if (e instanceof FlintError) return { code: String(e.code), message: e.message, detail: e.detail, hint: e.hint };
    throw e;
  }
  throw new Error(`expected an error from: ${sql}`);
}

const sessions = new WeakMap<Database, Session>();

/** One session per Database, so that transaction blocks span calls. */
export function sessionOf(target: Database | Session): Session {
  if (!(target instanceof Database)) return target;
  let s = sessions.get(target);
  if (s === undefined) {
    s = target.session();
    sessions.set(target, s);
  }
  return s;
}
