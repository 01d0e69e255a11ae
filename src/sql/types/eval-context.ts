// What evaluation may know about the world outside the statement: the
// session time zone, the clock and a source of randomness. All of it is
// injected, so that a statement run under test or under the simulator gives
// the same answer every time (DESIGN.md: time and randomness go through
// injected interfaces).

import { UTC, type TimeZone } from './timezone.ts';
import type { RegTypeId } from './reg-oid.ts';
import type { SystemCatalogView } from '../system-catalog/catalog-view.ts';

export interface EvalContext {
  /** The session's TimeZone setting: timestamptz input and output, date_trunc, casts. */
  readonly timeZone: TimeZone;
  /**
   * Start of the current transaction, in microseconds since 1970 UTC: now(),
   * current_timestamp, current_date, 'now'. Fixed for the whole transaction.
   */
  readonly transactionTimestamp: bigint;
  /** Start of the current statement: statement_timestamp(). */
  readonly statementTimestamp: bigint;
  /** The wall clock right now: clock_timestamp(). */
  clockTimestamp(): bigint;
  /** A uniform double in [0, 1): random(). */
  random(): number;
  /** `length` uniformly random bytes: gen_random_uuid(). */
  randomBytes(length: number): Uint8Array;
  /** nextval, currval, setval, lastval: present when statements run against a database. */
  readonly sequences?: SequenceFunctions;
  /** The session and catalog as the system functions and reg* types see them: present when statements run in a session. */
  readonly system?: SystemContext;
}

/**
 * What version(), current_setting(), pg_backend_pid(), the reg* casts and
 * the catalog functions (pg_get_indexdef, ...) read: the session, and the
 * catalog as the running statement sees it (its own uncommitted DDL
 * included).
 */
export interface SystemContext {
  readonly databaseName: string;
  readonly userName: string;
  /** pg_backend_pid(): the serving process's id. */
  readonly backendPid: number;
  /** current_setting(name): undefined for a parameter the session does not know. */
  setting(name: string): string | undefined;
  /** set_config(name, value, false). */
  setSetting(name: string, value: string): void;
  /** The system catalogs over the statement's view of the database (built on first use, once per statement). */
  catalog(): SystemCatalogView;
}

/**
 * Sequences as functions see them. A name is a sequence name as written in
 * nextval('name') (PostgreSQL's regclass input: unquoted names fold to lower
 * case). Values are bigints whatever the sequence's type.
 */
export interface SequenceFunctions {
  nextval(name: string): bigint;
  currval(name: string): bigint;
  setval(name: string, value: bigint, isCalled: boolean): bigint;
  lastval(): bigint;
}

function missing(what: string): never {
  throw new Error(`assertion failed: ${what} needs an EvalContext; pass the session's context`);
}

/**
 * The context used when a caller passes none: UTC, and no clock or
 * randomness, so 'now' or random() without a real context is a loud bug
 * instead of a silently wrong answer.
 */
export const NO_CONTEXT: EvalContext = Object.freeze({
  timeZone: UTC,
  get transactionTimestamp(): bigint {
    return missing("'now'");
  },
  get statementTimestamp(): bigint {
    return missing('statement_timestamp()');
  },
  clockTimestamp(): bigint {
    return missing('clock_timestamp()');
  },
  random(): number {
    return missing('random()');
  },
  randomBytes(): Uint8Array {
    return missing('random bytes');
  },
});

export interface FixedContextOptions {
  timeZone?: TimeZone;
  /** Microseconds since 1970 UTC; statement and clock time default to it. */
  now: bigint;
  statementTimestamp?: bigint;
  /** Seed for a deterministic random sequence (xorshift32); default 1. */
  seed?: number;
}

/**
 * A deterministic context: a frozen clock and a seeded generator. For tests
 * and for replaying a statement; the db layer builds the real one.
 */
export function fixedContext(options: FixedContextOptions): EvalContext {
  let state = (options.seed ?? 1) >>> 0 || 1;
  const next = (): number => {
    // xorshift32: tiny, fast and good enough for SQL random().
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    timeZone: options.timeZone ?? UTC,
    transactionTimestamp: options.now,
    statementTimestamp: options.statementTimestamp ?? options.now,
    clockTimestamp: () => options.statementTimestamp ?? options.now,
    random: () => (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53,
    randomBytes: (length: number) => {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = next() & 0xff;
      return bytes;
    },
  };
}
