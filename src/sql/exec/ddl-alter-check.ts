// ALTER TABLE's check of the existing rows against what the statement
// added (ddl-alter.ts): NOT NULL, CHECK, UNIQUE / PRIMARY KEY and FOREIGN
// KEY, in one pass over the table, with the values of added columns that
// have volatile defaults computed on the way.

import { FlintError, SqlState } from '../../errors.ts';
import type { SqlTable } from '../catalog.ts';
import { compositeHashKey } from '../types/compare.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import { compileExpr } from './compile-expr.ts';
import { bindCheck, columnIndexes, formatKey } from './constraints.ts';
import type { Row } from './context.ts';
import type { Working } from './ddl-alter.ts';
import { bindDefault } from './dml-common.ts';
import { EngineCatalog } from './engine-catalog.ts';
import { checkParentKeys, childKey, scanTable, type ForeignKey } from './foreign-keys.ts';
import { binderOf, contextOf, type RunOptions } from './statement-context.ts';

/**
 * Check every row against what the statement added: NOT NULL, CHECK,
 * UNIQUE / PRIMARY KEY and FOREIGN KEY, with PostgreSQL's errors. Rows get
 * their values for added columns with volatile defaults here; those rows
 * are returned, to be written once the new definition is stored.
 */
export function checkRows(options: RunOptions, working: SqlTable, w: Working): { tid: number; row: Row }[] {
  const volatile = [...w.volatile].map(([name, text]) => {
    const index = working.columns.findIndex((c) => c.name === name);
    return { index, value: compileExpr(bindDefault(text, working.columns[index]!, binderOf(options))) };
  });
  const notNull = [...w.notNull].map((n) => working.columns.findIndex((c) => c.name === n));
  const binder = binderOf(options);
  const ctx = contextOf(options);
  const checks = w.added.filter((c) => c.kind === 'check').map((c) => ({ c, test: bindCheck(working, c, binder) }));
  const uniques = w.added.filter((c) => c.kind === 'primaryKey' || c.kind === 'unique').map((c) => ({ c, indexes: columnIndexes(working, c.columns), seen: new Set<string>() }));
  const fks = w.added.filter((c) => c.kind === 'foreignKey').map((c) => {
    const parent = c.refTable === working.name ? working : new EngineCatalog(options.engine).table(c.refTable!)!;
    const fk: ForeignKey = { meta: c, child: working, parent, childIndexes: columnIndexes(working, c.columns), parentIndexes: columnIndexes(parent, c.refColumns!) };
    return { fk, keys: new Map<string, RuntimeValue[]>() };
  });
  if (volatile.length + notNull.length + checks.length + uniques.length + fks.length === 0) return [];
  const rewritten: { tid: number; row: Row }[] = [];
  scanTable(options, working, (tid, row) => {
    if (volatile.length > 0) {
      for (const v of volatile) row[v.index] = v.value([], ctx);
      rewritten.push({ tid, row });
    }
    for (const i of notNull) {
      if (row[i] === null) {
        throw new FlintError(SqlState.notNullViolation, `column "${working.columns[i]!.name}" of relation "${working.name}" contains null values`);
      }
    }
    for (const { c, test } of checks) {
      if (test(row, ctx) === false) throw new FlintError(SqlState.checkViolation, `check constraint "${c.name}" of relation "${working.name}" is violated by some row`);
    }
    for (const u of uniques) {
      const values = u.indexes.map((i) => row[i] ?? null);
      if (values.includes(null)) continue;
      const types = u.indexes.map((i) => working.columns[i]!.type);
      const key = compositeHashKey(values, types);
      if (u.seen.has(key)) {
        throw new FlintError(SqlState.uniqueViolation, `could not create unique index "${u.c.name}"`, { detail: `Key ${formatKey(u.c.columns, values, types)} is duplicated.` });
      }
      u.seen.add(key);
    }
    for (const f of fks) {
      const key = childKey(f.fk, row);
      if (key !== null) f.keys.set(compositeHashKey(key, f.fk.childIndexes.map((i) => working.columns[i]!.type)), key);
    }
    return true;
  });
  for (const f of fks) {
    if (f.fk.parent === working) {
      // A self-reference: the parent keys are the (rewritten) rows themselves.
      checkSelfKeys(options, f.fk, [...f.keys.values()], working);
    } else {
      checkParentKeys(options, f.fk, [...f.keys.values()]);
    }
  }
  return rewritten;
}

function checkSelfKeys(options: RunOptions, fk: ForeignKey, keys: RuntimeValue[][], table: SqlTable): void {
  const types = fk.parentIndexes.map((i) => table.columns[i]!.type);
  const present = new Set<string>();
  scanTable(options, table, (_tid, row) => void present.add(compositeHashKey(fk.parentIndexes.map((i) => row[i] ?? null), types)));
  for (const key of keys) {
    if (!present.has(compositeHashKey(key, types))) {
      throw new FlintError(SqlState.foreignKeyViolation, `insert or update on table "${table.name}" violates foreign key constraint "${fk.meta.name}"`, {
        detail: `Key ${formatKey(fk.meta.columns, key, fk.childIndexes.map((i) => table.columns[i]!.type))} is not present in table "${table.name}".`,
      });
    }
  }
}
