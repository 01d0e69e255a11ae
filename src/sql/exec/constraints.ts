// Constraint checks on a row about to be written (NOT NULL, CHECK, PRIMARY
// KEY / UNIQUE) and finding rows by key.
//
// scanByKey is the one place that finds the visible rows of a table with a
// given key: ON CONFLICT's arbiter and foreign keys go through it. It probes
// an index whose leading columns are the key (index-support.ts) and scans
// only when there is none (a foreign key's referencing columns without an
// index, as in PostgreSQL). Uniqueness itself is enforced by the engine's
// unique indexes at write time, against committed and in-progress rows too;
// RowChecks turns its error into PostgreSQL's message.

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import type { SqlConstraintMeta, SqlTable } from '../catalog.ts';
import { parse } from '../parser.ts';
import type { QueryBinder } from '../plan/bind-query.ts';
import { Scope } from '../plan/scope.ts';
import { rowDecoder } from '../row-codec.ts';
import { decoderFor } from '../storage-values.ts';
import { compositeHashKey } from '../types/compare.ts';
import type { SqlType } from '../types/sql-type.ts';
import { formatText } from '../types/text-io.ts';
import type { RuntimeValue, Value } from '../types/type-info.ts';
import { compileExpr, type Compiled } from './compile-expr.ts';
import type { ExecContext, Row } from './context.ts';
import { visitRowsByKey } from './index-support.ts';
import type { RunOptions } from './statement-context.ts';

/** The scope a table's own expressions (CHECK, RETURNING, SET) are bound in: its live columns. */
export function tableScope(table: SqlTable, alias: string = table.name): Scope {
  return new Scope(table.columns.map((c) => ({ name: c.name, table: alias, type: c.type, hidden: false })), null);
}

/** Indexes of the named columns among the table's live columns. */
export function columnIndexes(table: SqlTable, names: readonly string[]): number[] {
  return names.map((name) => {
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`assertion failed: column ${name} of ${table.name} exists`);
    return i;
  });
}

/**
 * Visit the rows of `table` visible to the transaction whose columns
 * `indexes` equal `values` (compared as `types`, the key columns' own
 * types). A key with a NULL matches nothing. Stop by returning false.
 */
export function scanByKey(
  options: Pick<RunOptions, 'engine' | 'txn'>,
  table: SqlTable,
  indexes: readonly number[],
  values: readonly RuntimeValue[],
  visit: (tid: number, row: Row) => boolean | void,
): void {
  if (values.some((v) => v === null)) return;
  if (visitRowsByKey(options, table, indexes, values, visit)) return;
  const types = indexes.map((i) => table.columns[i]!.type);
  const key = compositeHashKey(values, types);
  const decoders = indexes.map((i) => decoderFor(table.columns[i]!.type));
  const positions = indexes.map((i) => table.positions[i]!);
  const missing = indexes.map((i) => table.missing[i]!);
  const decodeRow = rowDecoder(table);
  const probe: RuntimeValue[] = new Array(indexes.length);
  options.engine.scan(options.txn, table.def.id, (tid, stored, storedCount) => {
    for (let k = 0; k < indexes.length; k++) {
      const p = positions[k]!;
      probe[k] = p < storedCount ? decoders[k]!(stored[p] ?? null) : missing[k]!;
    }
    if (compositeHashKey(probe, types) !== key) return true;
    return visit(tid, decodeRow(stored, storedCount));
  });
}

/** The first visible row with the key, other than `skipTid`. */
export function findByKey(
  options: Pick<RunOptions, 'engine' | 'txn'>,
  table: SqlTable,
  indexes: readonly number[],
  values: readonly RuntimeValue[],
  skipTid?: number,
): { tid: number; row: Row } | undefined {
  let found: { tid: number; row: Row } | undefined;
  scanByKey(options, table, indexes, values, (tid, row) => {
    if (tid === skipTid) return true;
    found = { tid, row };
    return false;
  });
  return found;
}

/** PostgreSQL's key text in messages: `(a, b)=(1, x)`. */
export function formatKey(names: readonly string[], values: readonly RuntimeValue[], types: readonly SqlType[]): string {
  return `(${names.join(', ')})=(${values.map((v, i) => formatValue(v, types[i]!)).join(', ')})`;
}

function formatValue(v: RuntimeValue, type: SqlType): string {
  return v === null ? 'null' : formatText(v as Value, type);
}

/** PostgreSQL's DETAIL for a row that fails NOT NULL or CHECK. */
export function failingRow(table: SqlTable, row: Row): string {
  return `Failing row contains (${row.map((v, i) => formatValue(v, table.columns[i]!.type)).join(', ')}).`;
}

export interface UniqueKey {
  readonly constraint: SqlConstraintMeta;
  readonly indexes: readonly number[];
}

/** The table's PRIMARY KEY and UNIQUE constraints (unique indexes are recorded as UNIQUE constraints). */
export function uniqueKeys(table: SqlTable): UniqueKey[] {
  return table.constraints
    .filter((c) => c.kind === 'primaryKey' || c.kind === 'unique')
    .map((c) => ({ constraint: c, indexes: columnIndexes(table, c.columns) }));
}

/** Bind a CHECK constraint's stored text over the table's columns. */
export function bindCheck(table: SqlTable, c: SqlConstraintMeta, binder: QueryBinder): Compiled {
  const parsed = parse(`SELECT ${c.expr}`)[0] as ast.Query;
  return compileExpr(binder.exprs.bindCondition((parsed.body as ast.Select).targets[0]!.expr, tableScope(table), 'CHECK'));
}

/**
 * What RowChecks runs for one table, bound and compiled: it depends on the
 * catalog only, so a cached statement binding keeps it across runs.
 */
export class RowCheckPlan {
  readonly table: SqlTable;
  /** CHECK constraints in the order PostgreSQL tests them (by name). */
  readonly checks: readonly { name: string; test: Compiled }[];
  /** PRIMARY KEY / UNIQUE constraints without an index (the engine enforces the rest). */
  readonly uniques: readonly UniqueKey[];
  /** Columns that are NOT NULL. */
  readonly notNull: readonly number[];

  constructor(table: SqlTable, binder: QueryBinder, engine: RunOptions['engine']) {
    this.table = table;
    this.checks = table.constraints
      .filter((c) => c.kind === 'check')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ name: c.name, test: bindCheck(table, c, binder) }));
    // The engine enforces keys that have an index (all of them, for tables
    // created through SQL); the rest are checked here.
    const indexed = new Set(engine.indexes(table.def.id).map((d) => d.name));
    this.uniques = uniqueKeys(table).filter((u) => !indexed.has(u.constraint.name));
    this.notNull = table.columns.flatMap((c, i) => (c.notNull ? [i] : []));
  }

  /** NOT NULL, then the CHECK constraints by name: throw PostgreSQL's error for the first `row` fails. */
  checkNotNullAndChecks(row: Row, ctx: ExecContext): void {
    this.checkNotNull(row);
    const { table } = this;
    const checks = this.checks;
    for (let k = 0; k < checks.length; k++) {
      const check = checks[k]!;
      if (check.test(row, ctx) === false) {
        throw new FlintError(SqlState.checkViolation, `new row for relation "${table.name}" violates check constraint "${check.name}"`, {
          detail: failingRow(table, row),
        });
      }
    }
  }

  /** NOT NULL only: PostgreSQL's error for the first column of `row` that breaks it. */
  checkNotNull(row: Row): void {
    const { table } = this;
    const notNull = this.notNull;
    for (let k = 0; k < notNull.length; k++) {
      const i = notNull[k]!;
      if (row[i] === null) {
        throw new FlintError(SqlState.notNullViolation, `null value in column "${table.columns[i]!.name}" of relation "${table.name}" violates not-null constraint`, {
          detail: failingRow(table, row),
        });
      }
    }
  }
}

/**
 * NOT NULL, CHECK and UNIQUE for one table, compiled once per statement (or
 * once per cached binding: see RowCheckPlan). The order is PostgreSQL's:
 * NOT NULL, then CHECK constraints by name, then uniqueness (foreign keys
 * are checked at the end of the statement).
 */
export class RowChecks {
  readonly table: SqlTable;
  readonly #plan: RowCheckPlan;
  readonly #uniques: readonly UniqueKey[];
  readonly #options: RunOptions;
  readonly #ctx: ExecContext;

  constructor(table: SqlTable, binder: QueryBinder | null, options: RunOptions, ctx: ExecContext, plan?: RowCheckPlan) {
    const p = plan ?? new RowCheckPlan(table, binder!, options.engine);
    this.table = table;
    this.#options = options;
    this.#ctx = ctx;
    this.#plan = p;
    this.#uniques = p.uniques;
  }

  /**
   * The engine's 23505 for `row`, in PostgreSQL's words: the constraint's
   * key and values in the DETAIL. Other errors come back unchanged.
   */
  explain(error: unknown, row: Row): unknown {
    if (!(error instanceof FlintError) || error.code !== SqlState.uniqueViolation || error.constraint === undefined || error.detail !== undefined) return error;
    const c = this.table.constraints.find((x) => x.name === error.constraint && (x.kind === 'primaryKey' || x.kind === 'unique'));
    const names = c?.columns ?? ((this.table.meta.indexes ?? []).find((i) => i.name === error.constraint)?.columns ?? []);
    if (names.length === 0) return error;
    const indexes = columnIndexes(this.table, names);
    const values = indexes.map((i) => row[i] ?? null);
    return new FlintError(SqlState.uniqueViolation, error.message, {
      detail: `Key ${formatKey(names, values, indexes.map((i) => this.table.columns[i]!.type))} already exists.`,
      constraint: error.constraint,
    });
  }

  /**
   * Throw the error PostgreSQL raises if `row` may not be stored. For an
   * UPDATE, `skipTid` is the version it replaces and `old` its row: a key
   * the update leaves as it was cannot start to conflict, so it is not
   * looked up.
   */
  check(row: Row, skipTid?: number, old?: Row): void {
    this.checkNotNullAndChecks(row);
    if (this.#uniques.length === 0) return;
    for (const u of this.#uniques) {
      if (old !== undefined && !keyDiffers(u, old, row, this.table)) continue;
      this.checkUnique(u, row, skipTid);
    }
  }

  checkNotNullAndChecks(row: Row): void {
    this.#plan.checkNotNullAndChecks(row, this.#ctx);
  }

  checkUnique(u: UniqueKey, row: Row, skipTid?: number): void {
    const values = u.indexes.map((i) => row[i] ?? null);
    if (findByKey(this.#options, this.table, u.indexes, values, skipTid) === undefined) return;
    throw new FlintError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${u.constraint.name}"`, {
      detail: `Key ${formatKey(u.constraint.columns, values, u.indexes.map((i) => this.table.columns[i]!.type))} already exists.`,
    });
  }
}

function keyDiffers(u: UniqueKey, old: Row, row: Row, table: SqlTable): boolean {
  const types = u.indexes.map((i) => table.columns[i]!.type);
  return compositeHashKey(u.indexes.map((i) => old[i] ?? null), types) !== compositeHashKey(u.indexes.map((i) => row[i] ?? null), types);
}
