// CREATE VIEW, CREATE INDEX and DROP INDEX.

import { FlintError, SqlState } from '../../errors.ts';
import type { TableDef } from '../../txn/engine.ts';
import type { IndexMethod } from '../../txn/index-keys.ts';
import type * as ast from '../ast.ts';
import type { SqlIndexMeta, SqlTable, SqlTableMeta } from '../catalog.ts';
import { compositeHashKey } from '../types/compare.ts';
import { columnIndexes, formatKey } from './constraints.ts';
import { isView, type ViewMeta } from './engine-catalog.ts';
import { scanTable } from './foreign-keys.ts';
import { indexColumns, type IndexColumnRequest } from './index-support.ts';
import { binderOf, done, notice, tableFor, type RunOptions, type StatementResult } from './statement-context.ts';

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
  else engine.createTable(name, [], meta, null);
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
 * CREATE INDEX builds an engine index (src/txn/index-manager.ts) from the
 * table's rows and records it in the table's metadata; a UNIQUE index is
 * also recorded as a UNIQUE constraint, which the engine enforces.
 */
export function createIndex(stmt: ast.CreateIndex, options: RunOptions): StatementResult {
  const { engine } = options;
  const table = tableFor(stmt.table, options);
  const requests: IndexColumnRequest[] = stmt.elements.map((e) => {
    if (e.column === null) throw new FlintError('0A000', 'expression indexes are not supported yet', { position: e.pos + 1 });
    if (!table.columns.some((c) => c.name === e.column)) throw new FlintError('42703', `column "${e.column}" does not exist`, { position: e.pos + 1 });
    return { name: e.column, ...(e.desc ? { descending: true } : {}), ...(e.nulls !== null && e.nulls !== undefined ? { nulls: e.nulls } : {}) };
  });
  const columns = requests.map((r) => r.name);
  const name = stmt.name ?? chooseIndexName(`${table.name}_${columns.join('_')}_idx`, options);
  if (findIndex(name, options) !== undefined || engine.table(name) !== undefined || isIndexName(name, options)) {
    if (stmt.ifNotExists) {
      notice(options, `relation "${name}" already exists, skipping`, '42P07');
      return done('CREATE INDEX');
    }
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.pos + 1 });
  }
  const method = (stmt.method ?? 'btree').toLowerCase();
  if (method !== 'btree' && method !== 'hash') {
    throw new FlintError(SqlState.undefinedObject, `access method "${method}" does not exist`, { position: stmt.pos + 1 });
  }
  if (method === 'hash' && (requests.length !== 1 || stmt.unique)) {
    throw new FlintError(SqlState.featureNotSupported, stmt.unique ? 'access method "hash" does not support unique indexes' : 'access method "hash" does not support multicolumn indexes', { position: stmt.pos + 1 });
  }
  const meta = table.meta;
  const indexes = [...(meta.indexes ?? []), { name, columns, unique: stmt.unique, method }];
  const constraints = stmt.unique ? [...meta.constraints, { name, kind: 'unique' as const, columns }] : meta.constraints;
  try {
    engine.createIndex(table.def.id, { name, columns: indexColumns(table, requests), unique: stmt.unique, method: method as IndexMethod });
  } catch (error) {
    if (error instanceof FlintError && error.code === SqlState.uniqueViolation) {
      checkExistingUnique(options, table, columns, name); // PostgreSQL's DETAIL names the duplicated key
    }
    throw error;
  }
  engine.alterTable(table.def.id, { meta: { ...meta, indexes, constraints } satisfies SqlTableMeta });
  return done('CREATE INDEX');
}

/** Is `name` the name of some engine index (constraint indexes included)? */
function isIndexName(name: string, options: RunOptions): boolean {
  return options.engine.tables.some((t) => options.engine.indexes(t.id).some((d) => d.name === name));
}

/** PostgreSQL's choice of a free index name: the base, then base1, base2, ... */
function chooseIndexName(base: string, options: RunOptions): string {
  const taken = (n: string) => findIndex(n, options) !== undefined || options.engine.table(n) !== undefined || isIndexName(n, options);
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
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
  const engineDef = options.engine.indexes(found.table.id).find((d) => d.name === name);
  if (engineDef !== undefined) options.engine.dropIndex(engineDef.id);
  options.engine.alterTable(found.table.id, {
    meta: {
      ...meta,
      indexes: (meta.indexes ?? []).filter((i) => i.name !== name),
      constraints: found.index.unique ? meta.constraints.filter((c) => c.name !== name) : meta.constraints,
    },
  });
  return true;
}
