// FOREIGN KEY constraints: defining them (CREATE TABLE, ALTER TABLE) and
// the lookups that enforce them.
//
// A foreign key lives in the referencing ("child") table's constraints and
// names the referenced ("parent") table and columns, which must carry a
// PRIMARY KEY or UNIQUE constraint. Enforcement (table-writer.ts):
//   - a child row inserted, or updated with a changed key, must find its key
//     among the parent rows visible to the transaction, checked at the end
//     of the statement (so a statement may insert a parent after its child);
//     a key with a NULL is not checked (MATCH SIMPLE), MATCH FULL rejects a
//     key mixing NULLs and values;
//   - deleting a parent row, or changing its key, applies the constraint's
//     ON DELETE / ON UPDATE action to the child rows that reference it.
// Snapshot isolation caveat: a parent row deleted by a concurrent
// transaction that commits after our check is not seen (PostgreSQL locks
// the parent row FOR KEY SHARE; Flint has no row locks yet).

import { FlintError, SqlState } from '../../errors.ts';
import type { Engine } from '../../txn/engine.ts';
import type * as ast from '../ast.ts';
import type { SqlConstraintMeta, SqlTable } from '../catalog.ts';
import { rowDecoder } from '../row-codec.ts';
import { canCast, castValue } from '../types/cast.ts';
import { compositeHashKey } from '../types/compare.ts';
import type { SqlType } from '../types/sql-type.ts';
import { sameType, typeName, type RuntimeValue } from '../types/type-info.ts';
import { columnIndexes, findByKey, formatKey, scanByKey } from './constraints.ts';
import type { Row } from './context.ts';
import { allTables, EngineCatalog } from './engine-catalog.ts';
import type { RunOptions } from './statement-context.ts';

/** What defining a key needs to know about a table, which may not be stored yet (CREATE TABLE). */
export interface TableShape {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly constraints: readonly SqlConstraintMeta[];
}

// ---- definition ------------------------------------------------------------------------

/**
 * Check a FOREIGN KEY definition as PostgreSQL does and return its
 * metadata. `columns` are the referencing columns (the column itself for a
 * column constraint). `self` is the table being defined, for a key that
 * references its own table.
 */
export function defineForeignKey(
  engine: Engine,
  child: TableShape,
  c: ast.ForeignKeyConstraint,
  columns: readonly ast.Ident[],
  name: string,
): SqlConstraintMeta {
  const at = { position: c.pos + 1 };
  if (c.match === 'partial') throw new FlintError(SqlState.featureNotSupported, 'MATCH PARTIAL not yet implemented', at);
  if (c.refTable.schema !== null && c.refTable.schema !== 'public') {
    throw new FlintError(SqlState.undefinedTable, `relation "${c.refTable.schema}.${c.refTable.name}" does not exist`, { position: c.refTable.pos + 1 });
  }
  let parent: TableShape | undefined = c.refTable.name === child.name ? child : new EngineCatalog(engine).table(c.refTable.name);
  if (parent === undefined) {
    if (engine.table(c.refTable.name) !== undefined) throw new FlintError('42809', `referenced relation "${c.refTable.name}" is not a table`, at);
    throw new FlintError(SqlState.undefinedTable, `relation "${c.refTable.name}" does not exist`, { position: c.refTable.pos + 1 });
  }
  const childCols = columns.map((i) => {
    const col = child.columns.find((x) => x.name === i.name);
    if (col === undefined) throw new FlintError(SqlState.undefinedColumn, `column "${i.name}" referenced in foreign key constraint does not exist`, { position: i.pos + 1 });
    return col;
  });
  let refNames: string[];
  if (c.refColumns === null) {
    const pk = parent.constraints.find((x) => x.kind === 'primaryKey');
    if (pk === undefined) throw new FlintError('42704', `there is no primary key for referenced table "${parent.name}"`, at);
    refNames = [...pk.columns];
  } else {
    refNames = c.refColumns.map((i) => {
      if (!parent!.columns.some((x) => x.name === i.name)) {
        throw new FlintError(SqlState.undefinedColumn, `column "${i.name}" referenced in foreign key constraint does not exist`, { position: i.pos + 1 });
      }
      return i.name;
    });
  }
  if (refNames.length !== childCols.length) throw new FlintError('42830', 'number of referencing and referenced columns for foreign key disagree', at);
  if (c.refColumns !== null) {
    const wanted = new Set(refNames);
    const unique = parent.constraints.some((x) =>
      (x.kind === 'primaryKey' || x.kind === 'unique') && x.columns.length === wanted.size && x.columns.every((n) => wanted.has(n)));
    if (!unique || wanted.size !== refNames.length) {
      throw new FlintError('42830', `there is no unique constraint matching given keys for referenced table "${parent.name}"`, at);
    }
  }
  childCols.forEach((col, i) => {
    const ref = parent!.columns.find((x) => x.name === refNames[i])!;
    if (!canCast(col.type, ref.type, 'implicit') && !canCast(ref.type, col.type, 'implicit')) {
      throw new FlintError(SqlState.datatypeMismatch, `foreign key constraint "${name}" cannot be implemented`, {
        ...at,
        detail: `Key columns "${col.name}" and "${ref.name}" are of incompatible types: ${typeName(col.type)} and ${typeName(ref.type)}.`,
      });
    }
  });
  return {
    name, kind: 'foreignKey', columns: childCols.map((col) => col.name),
    refTable: parent.name, refColumns: refNames, onDelete: c.onDelete, onUpdate: c.onUpdate,
    ...(c.match === 'full' ? { match: 'full' as const } : {}),
  };
}

// ---- enforcement --------------------------------------------------------------------------

/** A foreign key with both tables resolved. */
export interface ForeignKey {
  readonly meta: SqlConstraintMeta;
  readonly child: SqlTable;
  readonly parent: SqlTable;
  readonly childIndexes: readonly number[];
  readonly parentIndexes: readonly number[];
}

function resolve(child: SqlTable, meta: SqlConstraintMeta, parent: SqlTable): ForeignKey {
  return { meta, child, parent, childIndexes: columnIndexes(child, meta.columns), parentIndexes: columnIndexes(parent, meta.refColumns!) };
}

/** The foreign keys `table` declares (it references other tables, or itself). */
export function outgoingKeys(engine: Engine, table: SqlTable): ForeignKey[] {
  const catalog = new EngineCatalog(engine);
  return table.constraints.filter((c) => c.kind === 'foreignKey').map((c) => {
    const parent = c.refTable === table.name ? table : catalog.table(c.refTable!);
    if (parent === undefined) throw new Error(`assertion failed: table ${c.refTable} referenced by ${c.name} exists`);
    return resolve(table, c, parent);
  });
}

/** The foreign keys of every table that references `table` (its own included). */
export function incomingKeys(engine: Engine, table: SqlTable): ForeignKey[] {
  const out: ForeignKey[] = [];
  for (const child of allTables(engine)) {
    for (const c of child.constraints) {
      if (c.kind === 'foreignKey' && c.refTable === table.name) out.push(resolve(child.name === table.name ? table : child, c, table));
    }
  }
  return out;
}

/** Convert key values from one side's column types to the other's; null if one does not convert (then nothing matches). */
function convert(values: readonly RuntimeValue[], from: readonly SqlType[], to: readonly SqlType[]): RuntimeValue[] | null {
  const out: RuntimeValue[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null || sameType(from[i]!, to[i]!)) {
      out.push(v);
      continue;
    }
    try {
      out.push(castValue(v, from[i]!, to[i]!, false));
    } catch {
      return null;
    }
  }
  return out;
}

const typesOf = (table: SqlTable, indexes: readonly number[]) => indexes.map((i) => table.columns[i]!.type);

/** The child row's key, or null when MATCH SIMPLE leaves it unchecked (a NULL in it). */
export function childKey(fk: ForeignKey, row: Row): RuntimeValue[] | null {
  const key = fk.childIndexes.map((i) => row[i] ?? null);
  const nulls = key.filter((v) => v === null).length;
  if (nulls === 0) return key;
  if (fk.meta.match === 'full' && nulls < key.length) {
    throw new FlintError(SqlState.foreignKeyViolation, `insert or update on table "${fk.child.name}" violates foreign key constraint "${fk.meta.name}"`, {
      detail: 'MATCH FULL does not allow mixing of null and nonnull key values.',
    });
  }
  return null;
}

/**
 * Every key must be present in the parent (visible to the transaction):
 * 23503 with PostgreSQL's message for the first that is not. Many keys are
 * checked against one scan of the parent instead of one lookup each.
 */
export function checkParentKeys(options: RunOptions, fk: ForeignKey, keys: readonly RuntimeValue[][]): void {
  const childTypes = typesOf(fk.child, fk.childIndexes);
  const parentTypes = typesOf(fk.parent, fk.parentIndexes);
  const missing = (key: RuntimeValue[]): never => {
    throw new FlintError(SqlState.foreignKeyViolation, `insert or update on table "${fk.child.name}" violates foreign key constraint "${fk.meta.name}"`, {
      detail: `Key ${formatKey(fk.meta.columns, key, childTypes)} is not present in table "${fk.parent.name}".`,
    });
  };
  if (keys.length <= 4) {
    for (const key of keys) {
      const probe = convert(key, childTypes, parentTypes);
      if (probe === null || findByKey(options, fk.parent, fk.parentIndexes, probe) === undefined) missing(key);
    }
    return;
  }
  const present = new Set<string>();
  const positions = fk.parentIndexes;
  scanTable(options, fk.parent, (_tid, row) => {
    present.add(compositeHashKey(positions.map((i) => row[i] ?? null), parentTypes));
  });
  for (const key of keys) {
    const probe = convert(key, childTypes, parentTypes);
    if (probe === null || !present.has(compositeHashKey(probe, parentTypes))) missing(key);
  }
}

/** The child rows referencing a parent key (given in the parent's types). */
export function referencingRows(options: RunOptions, fk: ForeignKey, parentKey: readonly RuntimeValue[]): { tid: number; row: Row }[] {
  const probe = convert(parentKey, typesOf(fk.parent, fk.parentIndexes), typesOf(fk.child, fk.childIndexes));
  const out: { tid: number; row: Row }[] = [];
  if (probe === null) return out;
  scanByKey(options, fk.child, fk.childIndexes, probe, (tid, row) => void out.push({ tid, row }));
  return out;
}

/**
 * NO ACTION: parent keys that were deleted or changed must, at the end of
 * the statement, be back in the parent or referenced by no child row
 * (23503 otherwise). One pass over each table covers any number of keys.
 */
export function checkKeysUnreferenced(options: RunOptions, fk: ForeignKey, parentKeys: readonly RuntimeValue[][]): void {
  const parentTypes = typesOf(fk.parent, fk.parentIndexes);
  const childTypes = typesOf(fk.child, fk.childIndexes);
  const wanted = new Map<string, RuntimeValue[]>();
  for (const key of parentKeys) wanted.set(compositeHashKey(key, parentTypes), key);
  scanTable(options, fk.parent, (_tid, row) => {
    wanted.delete(compositeHashKey(fk.parentIndexes.map((i) => row[i] ?? null), parentTypes));
    return wanted.size > 0;
  });
  if (wanted.size === 0) return;
  // The keys as the child stores them, to find referencing rows by hash.
  const asChild = new Map<string, RuntimeValue[]>();
  for (const key of wanted.values()) {
    const probe = convert(key, parentTypes, childTypes);
    if (probe !== null) asChild.set(compositeHashKey(probe, childTypes), key);
  }
  scanTable(options, fk.child, (_tid, row) => {
    const key = fk.childIndexes.map((i) => row[i] ?? null);
    if (key.includes(null)) return true;
    const gone = asChild.get(compositeHashKey(key, childTypes));
    if (gone !== undefined) throw stillReferenced(fk, gone);
    return true;
  });
}

/** The key converted from the parent's column types to the child's (ON UPDATE CASCADE). */
export function keyForChild(fk: ForeignKey, parentKey: readonly RuntimeValue[]): RuntimeValue[] {
  const childTypes = typesOf(fk.child, fk.childIndexes);
  return parentKey.map((v, i) => (v === null ? null : castValue(v, typesOf(fk.parent, fk.parentIndexes)[i]!, childTypes[i]!, false)));
}

export function stillReferenced(fk: ForeignKey, parentKey: readonly RuntimeValue[]): FlintError {
  return new FlintError(SqlState.foreignKeyViolation, `update or delete on table "${fk.parent.name}" violates foreign key constraint "${fk.meta.name}" on table "${fk.child.name}"`, {
    detail: `Key ${formatKey(fk.meta.refColumns!, parentKey, typesOf(fk.parent, fk.parentIndexes))} is still referenced from table "${fk.child.name}".`,
  });
}

/** Visit every visible row of a table, decoded. */
export function scanTable(options: Pick<RunOptions, 'engine' | 'txn'>, table: SqlTable, visit: (tid: number, row: Row) => boolean | void): void {
  const decode = rowDecoder(table);
  options.engine.scan(options.txn, table.def.id, (tid, stored, count) => visit(tid, decode(stored, count)));
}

/** Constraints of other tables that reference `table` (what DROP TABLE must not break). */
export function dependentKeys(engine: Engine, tableName: string): { table: SqlTable; constraint: SqlConstraintMeta }[] {
  const out: { table: SqlTable; constraint: SqlConstraintMeta }[] = [];
  for (const t of allTables(engine)) {
    if (t.name === tableName) continue;
    for (const c of t.constraints) if (c.kind === 'foreignKey' && c.refTable === tableName) out.push({ table: t, constraint: c });
  }
  return out;
}
