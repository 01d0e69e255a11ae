// Sequences: CREATE SEQUENCE objects and the sequences behind serial and
// identity columns, with nextval / currval / setval / lastval.
//
// Storage. A sequence is an engine table named like the sequence, holding
// one row (last_value int8, is_called bool); its options ride in the
// table's meta (SequenceMeta). Tables, views and sequences share one
// namespace, as in PostgreSQL.
//
// Non-transactional. nextval must never hand out a value twice, even when
// the transaction that asked for it rolls back, so the row is changed by a
// short internal transaction of its own, committed at once, never by the
// caller's transaction (PostgreSQL's sequences are non-transactional too).
//
// Cache. Writing (and with synchronous=full, syncing) the row for every
// nextval would cost a WAL sync per value, so each Database reserves values
// in batches (at least 32, or the sequence's CACHE): the row records the
// last value of the batch, and nextval hands the batch out from memory.
// Closing the database writes back the value really reached. A crash loses
// the unused rest of a batch: numbering resumes after it, skipping those
// values, which PostgreSQL does too (it logs 32 values ahead).

import { FlintError, SqlState } from '../../errors.ts';
import type { StorageValue } from '../../storage/tuple.ts';
import type { ColumnDef, Engine, TableDef } from '../../txn/engine.ts';
import type * as ast from '../ast.ts';
import { sqlTypeOf } from '../plan/type-names.ts';
import type { SequenceFunctions } from '../types/eval-context.ts';
import { relationKind } from './engine-catalog.ts';

export interface SequenceSpec {
  readonly type: 'int2' | 'int4' | 'int8';
  /** Integers as decimal text: the catalog is JSON, which has no bigint. */
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly start: string;
  readonly cache: string;
  readonly cycle: boolean;
  /** OWNED BY: the column whose table drops the sequence with it (serial and identity columns). */
  readonly ownedBy: { readonly table: number; readonly column: string } | null;
}

export interface SequenceMeta {
  readonly sql: 1;
  readonly kind: 'sequence';
  readonly sequence: SequenceSpec;
}

/** A sequence's position as one Database caches it. */
export interface SequenceCache {
  /** The definition the cache was built for: a changed sequence is reloaded. */
  readonly def: TableDef;
  last: bigint;
  isCalled: boolean;
  /** Values reserved on disk beyond `last` that nextval may still hand out. */
  reserved: bigint;
}

/** Per-session sequence state: currval and lastval are per session in PostgreSQL. */
export interface SqlSessionState {
  readonly currval: Map<number, bigint>;
  lastval: { readonly sequence: number; readonly value: bigint } | undefined;
}

export function newSessionState(): SqlSessionState {
  return { currval: new Map(), lastval: undefined };
}

const STORAGE: readonly ColumnDef[] = [
  { name: 'last_value', type: 'int64', nullable: false },
  { name: 'is_called', type: 'bool', nullable: false },
];

/** Values reserved per write, at least (PostgreSQL's SEQ_LOG_VALS). */
const MIN_BATCH = 32n;

const TYPE_RANGE = {
  int2: { min: -32768n, max: 32767n, name: 'smallint' },
  int4: { min: -2147483648n, max: 2147483647n, name: 'integer' },
  int8: { min: -9223372036854775808n, max: 9223372036854775807n, name: 'bigint' },
} as const;

// ---- options ---------------------------------------------------------------------------

function integerOption(o: ast.SequenceOption & { value: string | null }, name: string): bigint {
  const text = o.value!;
  if (!/^[+-]?\d+$/.test(text)) throw new FlintError(SqlState.invalidParameterValue, `${name} must be an integer`, { position: o.pos + 1 });
  return BigInt(text);
}

/**
 * Sequence options (CREATE SEQUENCE, ALTER SEQUENCE, identity columns) over
 * an existing spec or the defaults, checked as PostgreSQL's init_params
 * does. Returns the spec and the RESTART value, if any.
 */
export function sequenceSpec(
  options: readonly ast.SequenceOption[],
  old: SequenceSpec | null,
  defaultType: SequenceSpec['type'] = 'int8',
): { spec: SequenceSpec; restart: bigint | null } {
  const find = <K extends ast.SequenceOption['option']>(k: K) => options.find((o) => o.option === k) as (ast.SequenceOption & { option: K }) | undefined;
  const as = find('as');
  let type = old?.type ?? defaultType;
  if (as !== undefined) {
    const id = sqlTypeOf(as.type).id;
    if (id !== 'int2' && id !== 'int4' && id !== 'int8') throw new FlintError(SqlState.invalidParameterValue, 'sequence type must be smallint, integer, or bigint', { position: as.pos + 1 });
    type = id;
  }
  const range = TYPE_RANGE[type];
  const inc = find('increment');
  const increment = inc !== undefined ? integerOption(inc, 'INCREMENT') : BigInt(old?.increment ?? '1');
  if (increment === 0n) throw new FlintError(SqlState.invalidParameterValue, 'INCREMENT must not be zero', { position: (inc?.pos ?? 0) + 1 });
  const ascending = increment > 0n;
  const typeChanged = old !== null && old.type !== type;
  const bound = (k: 'minvalue' | 'maxvalue', oldValue: string | undefined, dflt: bigint): bigint => {
    const o = find(k);
    if (o !== undefined) return o.value === null ? dflt : integerOption(o, k.toUpperCase());
    return oldValue !== undefined && !typeChanged ? BigInt(oldValue) : dflt;
  };
  const max = bound('maxvalue', old?.max, ascending ? range.max : -1n);
  const min = bound('minvalue', old?.min, ascending ? 1n : range.min);
  const bad = (message: string): never => {
    throw new FlintError(SqlState.invalidParameterValue, message);
  };
  if (max < range.min || max > range.max) bad(`MAXVALUE (${max}) is out of range for sequence data type ${range.name}`);
  if (min < range.min || min > range.max) bad(`MINVALUE (${min}) is out of range for sequence data type ${range.name}`);
  if (min >= max) bad(`MINVALUE (${min}) must be less than MAXVALUE (${max})`);
  const st = find('start');
  const start = st !== undefined ? integerOption(st, 'START') : old !== null ? BigInt(old.start) : ascending ? min : max;
  if (start < min) bad(`START value (${start}) cannot be less than MINVALUE (${min})`);
  if (start > max) bad(`START value (${start}) cannot be greater than MAXVALUE (${max})`);
  const re = find('restart');
  const restart = re === undefined ? null : re.value === null ? start : integerOption(re, 'RESTART');
  if (restart !== null && restart < min) bad(`RESTART value (${restart}) cannot be less than MINVALUE (${min})`);
  if (restart !== null && restart > max) bad(`RESTART value (${restart}) cannot be greater than MAXVALUE (${max})`);
  const ca = find('cache');
  const cache = ca !== undefined ? integerOption(ca, 'CACHE') : BigInt(old?.cache ?? '1');
  if (cache < 1n) bad(`CACHE (${cache}) must be greater than zero`);
  const cy = find('cycle');
  const cycle = cy !== undefined ? cy.value : old?.cycle ?? false;
  const spec: SequenceSpec = {
    type, increment: String(increment), min: String(min), max: String(max), start: String(start), cache: String(cache), cycle,
    ownedBy: old?.ownedBy ?? null,
  };
  return { spec, restart };
}

// ---- storage ----------------------------------------------------------------------------

export function isSequence(def: TableDef | undefined): def is TableDef {
  return def !== undefined && relationKind(def) === 'sequence';
}

export function specOf(def: TableDef): SequenceSpec {
  return (def.meta as SequenceMeta).sequence;
}

/** Create the sequence's table and its row (positioned before `start`). Part of the statement's transaction, like all DDL. */
export function createSequence(engine: Engine, name: string, spec: SequenceSpec): TableDef {
  const meta: SequenceMeta = { sql: 1, kind: 'sequence', sequence: spec };
  const def = engine.createTable(name, STORAGE, meta);
  const txn = engine.begin();
  try {
    engine.insert(txn, def.id, [BigInt(spec.start), false]);
    engine.commit(txn);
  } catch (error) {
    engine.rollback(txn);
    engine.dropTable(name);
    throw error;
  }
  return def;
}

/** The stored row, read by a transaction of its own (so it sees the latest committed write). */
function readRow(engine: Engine, def: TableDef): { tid: number; last: bigint; isCalled: boolean } {
  const txn = engine.begin();
  let found: { tid: number; last: bigint; isCalled: boolean } | undefined;
  try {
    engine.scan(txn, def.id, (tid, row) => {
      found = { tid, last: row[0] as bigint, isCalled: row[1] as boolean };
      return false;
    });
    engine.commit(txn);
  } catch (error) {
    engine.rollback(txn);
    throw error;
  }
  if (found === undefined) throw new FlintError(SqlState.dataCorrupted, `sequence "${def.name}" has no row`);
  return found;
}

/** Replace the stored row in an internal transaction committed at once: survives the caller's rollback. */
function writeRow(engine: Engine, def: TableDef, last: bigint, isCalled: boolean): void {
  const { tid } = readRow(engine, def);
  const txn = engine.begin();
  try {
    const row: StorageValue[] = [last, isCalled];
    engine.update(txn, def.id, tid, row);
    engine.commit(txn);
  } catch (error) {
    engine.rollback(txn);
    throw error;
  }
}

/** Set the sequence's position now (setval, ALTER SEQUENCE RESTART), dropping any cached batch. */
export function positionSequence(engine: Engine, caches: Map<number, SequenceCache>, def: TableDef, last: bigint, isCalled: boolean): void {
  writeRow(engine, def, last, isCalled);
  caches.delete(def.id);
}

/** Write back where every cached sequence really is, so a clean close skips no values. */
export function flushSequenceCaches(engine: Engine, caches: Map<number, SequenceCache>): void {
  for (const [id, cache] of caches) {
    const def = engine.tables.find((t) => t.id === id);
    if (def !== undefined && isSequence(def)) writeRow(engine, def, cache.last, cache.isCalled);
  }
  caches.clear();
}

// ---- nextval and friends ------------------------------------------------------------------

/** The sequence a nextval('name') argument names: PostgreSQL's regclass input (quotes keep case, schema public). */
export function resolveSequence(engine: Engine, text: string): TableDef {
  const parts = splitName(text.trim());
  const name = parts.length === 2 && parts[0] === 'public' ? parts[1]! : parts.length === 1 ? parts[0]! : null;
  const def = name === null ? undefined : engine.table(name);
  if (def === undefined || name === null) throw new FlintError(SqlState.undefinedTable, `relation "${parts.join('.')}" does not exist`);
  if (!isSequence(def)) throw new FlintError('42809', `"${name}" is not a sequence`);
  return def;
}

function splitName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          break;
        }
        part += text[i++];
      }
      parts.push(part);
      i++;
    } else {
      const end = text.indexOf('.', i);
      parts.push(text.slice(i, end < 0 ? text.length : end).toLowerCase());
      i = end < 0 ? text.length : end;
    }
    if (text[i] !== '.') break;
    i++;
  }
  return parts;
}

/** The value after `last`; errors at the end of the range unless the sequence cycles. */
function step(spec: SequenceSpec, name: string, last: bigint, isCalled: boolean): bigint {
  if (!isCalled) return last;
  const increment = BigInt(spec.increment);
  const min = BigInt(spec.min);
  const max = BigInt(spec.max);
  const next = last + increment;
  if (increment > 0n && next > max) {
    if (!spec.cycle) throw new FlintError('2200H', `nextval: reached maximum value of sequence "${name}" (${max})`);
    return min;
  }
  if (increment < 0n && next < min) {
    if (!spec.cycle) throw new FlintError('2200H', `nextval: reached minimum value of sequence "${name}" (${min})`);
    return max;
  }
  return next;
}

export interface SequenceAccessOptions {
  readonly engine: Engine;
  readonly caches: Map<number, SequenceCache>;
  readonly session: SqlSessionState;
  /** Told of every value nextval hands out (the Database's lastInsertId). */
  readonly onNext?: (value: bigint, type: SequenceSpec['type']) => void;
}

export function nextval(options: SequenceAccessOptions, def: TableDef): bigint {
  const { engine, caches } = options;
  const spec = specOf(def);
  let cache = caches.get(def.id);
  if (cache === undefined) {
    const row = readRow(engine, def);
    cache = { def, last: row.last, isCalled: row.isCalled, reserved: 0n };
    caches.set(def.id, cache);
  } else if (cache.def !== def) {
    // ALTER SEQUENCE (or a rename) changed the options: carry on from the
    // position reached, reserving afresh under the new options.
    cache = { def, last: cache.last, isCalled: cache.isCalled, reserved: 0n };
    caches.set(def.id, cache);
  }
  const value = step(spec, def.name, cache.last, cache.isCalled);
  if (cache.reserved <= 0n) {
    // Reserve a batch starting at `value`, up to the end of the range.
    const increment = BigInt(spec.increment);
    const batch = BigInt(spec.cache) > MIN_BATCH ? BigInt(spec.cache) : MIN_BATCH;
    let upper = value + increment * (batch - 1n);
    if (increment > 0n && upper > BigInt(spec.max)) upper = BigInt(spec.max);
    if (increment < 0n && upper < BigInt(spec.min)) upper = BigInt(spec.min);
    writeRow(engine, def, upper, true);
    cache.reserved = (upper - value) / increment + 1n;
  }
  cache.last = value;
  cache.isCalled = true;
  cache.reserved--;
  options.session.currval.set(def.id, value);
  options.session.lastval = { sequence: def.id, value };
  options.onNext?.(value, spec.type);
  return value;
}

/** The SequenceFunctions a statement's EvalContext carries. */
export function sequenceFunctions(options: SequenceAccessOptions): SequenceFunctions {
  const { engine, session } = options;
  return {
    nextval: (name) => nextval(options, resolveSequence(engine, name)),
    currval: (name) => {
      const def = resolveSequence(engine, name);
      const value = session.currval.get(def.id);
      if (value === undefined) throw new FlintError(SqlState.objectNotInPrerequisiteState, `currval of sequence "${def.name}" is not yet defined in this session`);
      return value;
    },
    lastval: () => {
      const last = session.lastval;
      if (last === undefined || !engine.tables.some((t) => t.id === last.sequence)) {
        throw new FlintError(SqlState.objectNotInPrerequisiteState, 'lastval is not yet defined in this session');
      }
      return last.value;
    },
    setval: (name, value, isCalled) => {
      const def = resolveSequence(engine, name);
      const spec = specOf(def);
      if (value < BigInt(spec.min) || value > BigInt(spec.max)) {
        throw new FlintError(SqlState.numericValueOutOfRange, `setval: value ${value} is out of bounds for sequence "${def.name}" (${spec.min}..${spec.max})`);
      }
      positionSequence(engine, options.caches, def, value, isCalled);
      if (isCalled) {
        session.currval.set(def.id, value);
        session.lastval = { sequence: def.id, value };
      }
      return value;
    },
  };
}

/** A name for a new relation: `base`, else base1, base2, ... (PostgreSQL's ChooseRelationName). */
export function chooseRelationName(engine: Engine, base: string, taken: ReadonlySet<string> = new Set()): string {
  for (let i = 0; i < 10_000; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (engine.table(name) === undefined && !taken.has(name)) return name;
  }
  throw new FlintError(SqlState.objectNotInPrerequisiteState, `could not choose a name for "${base}"`);
}
