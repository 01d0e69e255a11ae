// Constraint checks on a row about to be written (NOT NULL, CHECK, PRIMARY
// KEY / UNIQUE) and finding rows by key.
//
// scanByKey is the one place that finds the visible rows of a table with a
// given key: uniqueness, ON CONFLICT's arbiter and foreign keys all go
// through it. Until indexes arrive (issue 5) it is a scan, O(rows) per
// call; an index probe replaces it there without touching the callers.
// Under snapshot isolation a concurrent transaction's uncommitted row with
// the same key is not seen: unique indexes will catch that at insert time.

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
 * NOT NULL, CHECK and UNIQUE for one table, compiled once per statement.
 * The order is PostgreSQL's: NOT NULL, then CHECK constraints by name, then
 * uniqueness (foreign keys are checked at the end of the statement).
 */
export class RowChecks {
  readonly table: SqlTable;
  readonly #checks: { name: string; test: Compiled }[];
  readonly #uniques: UniqueKey[];
  readonly #options: RunOptions;
  readonly #ctx: ExecContext;

  constructor(table: SqlTable, binder: QueryBinder, options: RunOptions, ctx: ExecContext) {
    this.table = table;
    this.#options = options;
    this.#ctx = ctx;
    this.#checks = table.constraints
      .filter((c) => c.kind === 'check')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((c) => ({ name: c.name, test: bindCheck(table, c, binder) }));
    this.#uniques = uniqueKeys(table);
  }

  /**
   * Throw the error PostgreSQL raises if `row` may not be stored. For an
   * UPDATE, `skipTid` is the version it replaces and `old` its row: a key
   * the update leaves as it was cannot start to conflict, so it is not
   * looked up.
   */
  check(row: Row, skipTid?: number, old?: Row): void {
    this.checkNotNullAndChecks(row);
    for (const u of this.#uniques) {
      if (old !== undefined && !keyDiffers(u, old, row, this.table)) continue;
      this.checkUnique(u, row, skipTid);
    }
  }

  checkNotNullAndChecks(row: Row): void {
    const { table } = this;
    for (let i = 0; i < table.columns.length; i++) {
      const col = table.columns[i]!;
      if (row[i] === null && col.notNull) {
        throw new FlintError(SqlState.notNullViolation, `null value in column "${col.name}" of relation "${table.name}" violates not-null constraint`, {
          detail: failingRow(table, row),
        });
      }
    }
    for (const check of this.#checks) {
      if (check.test(row, this.#ctx) === false) {
        throw new FlintError(SqlState.checkViolation, `new row for relation "${table.name}" violates check constraint "${check.name}"`, {
          detail: failingRow(table, row),
        });
      }
    }
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
