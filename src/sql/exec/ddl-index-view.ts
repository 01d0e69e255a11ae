// CREATE VIEW, CREATE INDEX and DROP INDEX.

import { FlintError, SqlState } from '../../errors.ts';
import type { TableDef } from '../../txn/engine.ts';
import type * as ast from '../ast.ts';
import type { SqlIndexMeta, SqlTable, SqlTableMeta } from '../catalog.ts';
import { compositeHashKey } from '../types/compare.ts';
import { columnIndexes, formatKey } from './constraints.ts';
import { isView, type ViewMeta } from './engine-catalog.ts';
import { scanTable } from './foreign-keys.ts';
import { binderOf, done, tableFor, type RunOptions, type StatementResult } from './statement-context.ts';

export function createView(stmt: ast.CreateView, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  const existing = engine.table(name);
  if (existing !== undefined && !(stmt.orReplace && isView(existing))) {
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  // Bind once now: a view over missing tables or with type errors fails at CREATE.
  const plan = binderOf(options).bindQuery(stmt.query, null);
  if (stmt.columns !== null && stmt.columns.length > plan.columns.length) {
    throw new FlintError('42601', 'CREATE VIEW specifies more column names than columns', { position: stmt.pos + 1 });
  }
  const meta: ViewMeta = { sql: 1, kind: 'view', query: stmt.definition, columns: stmt.columns };
  if (existing !== undefined) engine.alterTable(existing.id, { meta });
  else engine.createTable(name, [], meta);
  return done('CREATE VIEW');
}

/**
 * Existing rows must be unique on `columns` before a UNIQUE index or
 * constraint (or PRIMARY KEY) is added: 23505 naming the index otherwise.
 */
export function checkExistingUnique(options: RunOptions, table: SqlTable, columns: readonly string[], indexName: string): void {
  const indexes = columnIndexes(table, columns);
  const types = indexes.map((i) => table.columns[i]!.type);
  const seen = new Set<string>();
  scanTable(options, table, (_tid, row) => {
    const values = indexes.map((i) => row[i] ?? null);
    if (values.includes(null)) return true;
    const key = compositeHashKey(values, types);
    if (seen.has(key)) {
      throw new FlintError(SqlState.uniqueViolation, `could not create unique index "${indexName}"`, { detail: `Key ${formatKey(columns, values, types)} is duplicated.` });
    }
    seen.add(key);
    return true;
  });
}

/**
 * CREATE INDEX records the index in the table's metadata; the index
 * structure itself (B+-tree, hash) arrives with issue 5. Until then queries
 * scan, which gives the same answers, and a UNIQUE index is enforced like a
 * UNIQUE constraint.
 */
export function createIndex(stmt: ast.CreateIndex, options: RunOptions): StatementResult {
  const { engine } = options;
  const table = tableFor(stmt.table, options);
  const columns = stmt.elements.map((e) => {
    if (e.column === null) throw new FlintError('0A000', 'expression indexes are not supported yet', { position: e.pos + 1 });
    if (!table.columns.some((c) => c.name === e.column)) throw new FlintError('42703', `column "${e.column}" does not exist`, { position: e.pos + 1 });
    return e.column;
  });
  const name = stmt.name ?? `${table.name}_${columns.join('_')}_idx`;
  if (findIndex(name, options) !== undefined || engine.table(name) !== undefined) {
    if (stmt.ifNotExists) return done('CREATE INDEX');
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.pos + 1 });
  }
  const meta = table.meta;
  const indexes = [...(meta.indexes ?? []), { name, columns, unique: stmt.unique, method: stmt.method ?? 'btree' }];
  const constraints = stmt.unique ? [...meta.constraints, { name, kind: 'unique' as const, columns }] : meta.constraints;
  if (stmt.unique) checkExistingUnique(options, table, columns, name);
  engine.alterTable(table.def.id, { meta: { ...meta, indexes, constraints } satisfies SqlTableMeta });
  return done('CREATE INDEX');
}

export function findIndex(name: string, options: RunOptions): { table: TableDef; index: SqlIndexMeta } | undefined {
  for (const def of options.engine.tables) {
    const indexes = (def.meta as { indexes?: SqlIndexMeta[] } | undefined)?.indexes ?? [];
    const index = indexes.find((i) => i.name === name);
    if (index !== undefined) return { table: def, index };
  }
  return undefined;
}

export function dropIndex(name: string, options: RunOptions): boolean {
  const found = findIndex(name, options);
  if (found === undefined) return false;
  const meta = found.table.meta as SqlTableMeta;
  options.engine.alterTable(found.table.id, {
    meta: {
      ...meta,
      indexes: (meta.indexes ?? []).filter((i) => i.name !== name),
      constraints: found.index.unique ? meta.constraints.filter((c) => c.name !== name) : meta.constraints,
    },
  });
  return true;
}
