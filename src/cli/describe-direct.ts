// The describe commands' fallback for an embedded database whose SQL does
// not have the pg_catalog relations yet (see describe.ts): the same rows,
// read from the engine's catalog (TableDef, its SqlTableMeta, IndexDef).
// Everything lives in schema "public"; Flint keeps no owners, so Owner is
// the name Flint's pg_catalog gives every relation's owner, "flint".
import type { Database } from '../db/database.ts';
import type { SqlColumnMeta, SqlConstraintMeta, SqlTableMeta } from '../sql/catalog.ts';
import { relationKind, type ViewMeta } from '../sql/exec/engine-catalog.ts';
import { typeName } from '../sql/types/type-info.ts';
import type { TableDef } from '../txn/engine.ts';
import { indexFooter, SEQUENCE_COLUMNS, type ColumnRow, type ConstraintRow, type IndexRow, type OtherLayout, type ReferenceRow, type Relation, type RelationRow } from './describe.ts';
import type { SequenceMeta } from '../sql/exec/sequences.ts';
import type { EmbeddedBackend } from './embedded-backend.ts';

const OWNER = 'flint';
const KINDS: Record<string, string> = { table: 'r', view: 'v', sequence: 'S' };
const TYPE_NAMES: Record<string, string> = { r: 'table', v: 'view', S: 'sequence', i: 'index' };

function kindOf(def: TableDef): string {
  return KINDS[relationKind(def)]!;
}

function liveColumns(meta: SqlTableMeta): SqlColumnMeta[] {
  return meta.columns.filter((c) => c.dropped !== true);
}

export function directRelations(db: Database, kinds: readonly string[], pattern: RegExp | undefined): RelationRow[] {
  const rows: RelationRow[] = [];
  for (const def of db.engine.tables) {
    const kind = kindOf(def);
    if (kinds.includes(kind) && (pattern === undefined || pattern.test(def.name))) rows.push({ schema: 'public', name: def.name, type: TYPE_NAMES[kind]!, owner: OWNER });
    if (kinds.includes('i') && kind === 'r') {
      for (const index of db.engine.indexes(def.id)) {
        if (index.columns.length === 0) continue; // the hidden row-id index of a table without a primary key
        if (pattern === undefined || pattern.test(index.name)) rows.push({ schema: 'public', name: index.name, type: 'index', owner: OWNER, table: def.name });
      }
    }
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function findRelationDirect(db: Database, name: string): Relation | undefined {
  const def = db.engine.table(name);
  if (def !== undefined) return { oid: String(def.id), schema: 'public', name: def.name, kind: kindOf(def) };
  for (const t of db.engine.tables) {
    const index = db.engine.indexes(t.id).find((i) => i.name === name && i.columns.length > 0);
    if (index !== undefined) return { oid: String(index.id), schema: 'public', name, kind: 'i' };
  }
  return undefined;
}

export function directColumns(db: Database, name: string): ColumnRow[] {
  const def = db.engine.table(name);
  if (def === undefined) {
    // An index: its key columns, named and typed after the table's.
    for (const t of db.engine.tables) {
      const index = db.engine.indexes(t.id).find((i) => i.name === name);
      if (index === undefined) continue;
      const meta = t.meta as SqlTableMeta;
      return index.columns.map((c) => {
        const column = meta.columns[c.column]!;
        return { name: column.name, type: typeName(column.type), collation: '', notNull: false, default: '' };
      });
    }
    return [];
  }
  if (relationKind(def) === 'view') {
    // A view's columns are its query's: describe them through the SQL layer, which binds the query.
    const session = db.session();
    try {
      const columns = session.describe(session.parse(`SELECT * FROM "${def.name.replace(/"/g, '""')}"`)[0]!.statement, []) ?? [];
      const names = (def.meta as ViewMeta).columns;
      return columns.map((c, i) => ({ name: names?.[i] ?? c.name, type: typeName(c.type), collation: '', notNull: false, default: '' }));
    } finally {
      session.close();
    }
  }
  if (relationKind(def) === 'sequence') return [];
  return liveColumns(def.meta as SqlTableMeta).map((c) => ({
    name: c.name,
    type: typeName(c.type),
    collation: '',
    notNull: c.notNull,
    default: c.identity !== null ? `generated ${c.identity.always ? 'always' : 'by default'} as identity` : c.default ?? '',
  }));
}

export function directIndexes(db: Database, name: string): IndexRow[] {
  const def = db.engine.table(name)!;
  const meta = def.meta as SqlTableMeta;
  const declared = new Set((meta.indexes ?? []).map((i) => i.name));
  const rows = db.engine.indexes(def.id)
    .filter((i) => i.columns.length > 0)
    .map((i): IndexRow => ({
      name: i.name,
      primary: i.primary,
      unique: i.unique || i.primary,
      // CREATE UNIQUE INDEX records the index in meta.indexes; a UNIQUE table constraint does not.
      constraint: i.unique && !i.primary && !declared.has(i.name),
      definition: `${i.method} (${i.columns.map((c) => meta.columns[c.column]!.name).join(', ')})`,
    }));
  return rows.sort((a, b) => Number(b.primary) - Number(a.primary) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const ACTIONS: Record<string, string> = { restrict: 'RESTRICT', cascade: 'CASCADE', setNull: 'SET NULL', setDefault: 'SET DEFAULT' };

function foreignKeyDef(c: SqlConstraintMeta): string {
  let text = `FOREIGN KEY (${c.columns.join(', ')}) REFERENCES ${c.refTable}(${(c.refColumns ?? []).join(', ')})`;
  if (c.match === 'full') text += ' MATCH FULL';
  if (c.onUpdate !== undefined && c.onUpdate !== 'noAction') text += ` ON UPDATE ${ACTIONS[c.onUpdate]}`;
  if (c.onDelete !== undefined && c.onDelete !== 'noAction') text += ` ON DELETE ${ACTIONS[c.onDelete]}`;
  return text;
}

function byName<T extends { name: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function directConstraints(db: Database, name: string): { checks: ConstraintRow[]; foreign: ConstraintRow[] } {
  const meta = db.engine.table(name)!.meta as SqlTableMeta;
  return {
    checks: byName(meta.constraints.filter((c) => c.kind === 'check').map((c) => ({ name: c.name, definition: `CHECK ${parenthesized(c.expr ?? '')}` }))),
    foreign: byName(meta.constraints.filter((c) => c.kind === 'foreignKey').map((c) => ({ name: c.name, definition: foreignKeyDef(c) }))),
  };
}

export function directReferencedBy(db: Database, name: string): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  for (const def of db.engine.tables) {
    if (relationKind(def) !== 'table' || def.meta === undefined) continue;
    for (const c of (def.meta as SqlTableMeta).constraints) {
      if (c.kind === 'foreignKey' && c.refTable === name) rows.push({ name: c.name, definition: foreignKeyDef(c), table: def.name });
    }
  }
  return byName(rows);
}

export function directDatabases(backend: EmbeddedBackend): (string | null)[][] {
  return [[backend.database, OWNER, 'UTF8', 'C', 'C', null, 'libc', null]];
}

/** The expression in one pair of parentheses, as pg_get_constraintdef prints it (the stored text may have its own). */
function parenthesized(expr: string): string {
  if (expr.startsWith('(') && expr.endsWith(')')) {
    let depth = 0;
    for (let i = 0; i < expr.length; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')' && --depth === 0 && i < expr.length - 1) return `(${expr})`;
    }
    return expr;
  }
  return `(${expr})`;
}

export function directIndexLayout(db: Database, name: string): OtherLayout {
  for (const t of db.engine.tables) {
    const index = db.engine.indexes(t.id).find((i) => i.name === name);
    if (index === undefined) continue;
    const meta = t.meta as SqlTableMeta;
    return {
      columns: ['Column', 'Type', 'Key?', 'Definition'],
      numeric: [],
      rows: index.columns.map((c) => {
        const column = meta.columns[c.column]!;
        return [column.name, typeName(column.type), 'yes', column.name];
      }),
      footers: [indexFooter(index.primary, index.unique, index.method, `public.${t.name}`)],
    };
  }
  return { columns: [], numeric: [], rows: [], footers: [] };
}

const SEQUENCE_TYPES: Record<string, string> = { int2: 'smallint', int4: 'integer', int8: 'bigint' };

export function directSequenceLayout(db: Database, name: string): OtherLayout {
  const spec = (db.engine.table(name)!.meta as SequenceMeta).sequence;
  const footers: string[] = [];
  if (spec.ownedBy !== null) {
    const owner = db.engine.tables.find((t) => t.id === spec.ownedBy!.table);
    if (owner !== undefined) {
      const column = liveColumns(owner.meta as SqlTableMeta).find((c) => c.name === spec.ownedBy!.column);
      footers.push(column?.identity !== null && column?.identity !== undefined ? `Sequence for identity column: public.${owner.name}.${spec.ownedBy.column}` : `Owned by: public.${owner.name}.${spec.ownedBy.column}`);
    }
  }
  return {
    columns: SEQUENCE_COLUMNS,
    numeric: ['Start', 'Minimum', 'Maximum', 'Increment', 'Cache'],
    rows: [[SEQUENCE_TYPES[spec.type] ?? spec.type, spec.start, spec.min, spec.max, spec.increment, spec.cycle ? 'yes' : 'no', spec.cache]],
    footers,
  };
}
