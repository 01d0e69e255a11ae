// ALTER TABLE: columns, constraints, defaults, NOT NULL, names, storage
// options.
//
// The actions of one statement are applied, in order, to a working copy of
// the table's metadata; the rows are then checked once against the result
// (NOT NULL, CHECK, UNIQUE, FOREIGN KEY of what was added), and only if all
// pass is the new definition stored (one engine.alterTable, which commits at
// once like all DDL). Storage is never rewritten:
//   - ADD COLUMN appends a storage slot. Rows stored before it read the
//     column's default, evaluated once and kept as its `missing` value
//     (PostgreSQL's attmissingval). A volatile default (nextval for serial
//     and identity columns, random()) gives each existing row its own value
//     instead, written as a new version of the row in the transaction.
//   - DROP COLUMN marks the slot dropped (PostgreSQL's attisdropped): it is
//     hidden everywhere, stores NULL in new rows, and takes with it the
//     constraints, indexes and owned sequences that involve the column.

import type { CodecId } from '../../storage/compression/codec.ts';
import { FlintError, SqlState } from '../../errors.ts';
import type { ColumnDef, TableDef } from '../../txn/engine.ts';
import type * as ast from '../ast.ts';
import { sqlTableFromMeta, type SqlColumnMeta, type SqlConstraintMeta, type SqlIndexMeta, type SqlTable, type SqlTableMeta } from '../catalog.ts';
import { formatExpr } from '../format.ts';
import { parse } from '../parser.ts';
import { childrenOf, type BoundExpr } from '../plan/bound.ts';
import { rowEncoder } from '../row-codec.ts';
import { storageTypeOf } from '../storage-values.ts';
import { formatText } from '../types/text-io.ts';
import type { Value } from '../types/type-info.ts';
import { compileExpr } from './compile-expr.ts';
import { addConstraint, checkName, chooseName, columnMeta, columnsReferenced, ownedSequenceFor, storageOptions, type OwnedSequence } from './ddl-table.ts';
import { bindDefault, defaultText, regclassLiteral } from './dml-common.ts';
import { allTables, EngineCatalog, relationKind } from './engine-catalog.ts';
import { defineForeignKey } from './foreign-keys.ts';
import { checkPrimaryKeyChange, syncTableIndexes } from './index-support.ts';
import { checkRows } from './ddl-alter-check.ts';
import { createSequence, isSequence, specOf, type SequenceMeta } from './sequences.ts';
import { binderOf, contextOf, done, notice, type RunOptions, type StatementResult } from './statement-context.ts';

/** The table's definition as the actions change it. */
export interface Working {
  name: string;
  columns: SqlColumnMeta[];
  storage: ColumnDef[];
  constraints: SqlConstraintMeta[];
  indexes: SqlIndexMeta[];
  options: Record<string, string>;
  /** Constraints added by this statement: the rows are checked against them. */
  readonly added: SqlConstraintMeta[];
  /** Columns that became NOT NULL: the rows are checked for NULLs. */
  readonly notNull: Set<string>;
  /** Added columns whose default differs per row: name -> SQL text. */
  readonly volatile: Map<string, string>;
  /** Sequences to create (serial / identity columns added). */
  readonly sequences: OwnedSequence[];
  /** Sequences to drop (their columns were dropped). */
  readonly dropSequences: TableDef[];
  /** Other tables' constraints to change: table id -> new constraint list. */
  readonly others: Map<number, SqlConstraintMeta[]>;
  /** Other catalog changes, made once the table's new definition is stored. */
  readonly after: (() => void)[];
  readonly taken: Set<string>;
}

export function alterTable(stmt: ast.AlterTable, options: RunOptions): StatementResult {
  const { engine } = options;
  const def = engine.table(stmt.table.name);
  if (def === undefined) {
    if (stmt.ifExists) {
      notice(options, `relation "${stmt.table.name}" does not exist, skipping`);
      return done('ALTER TABLE');
    }
    throw new FlintError(SqlState.undefinedTable, `relation "${stmt.table.name}" does not exist`, { position: stmt.table.pos + 1 });
  }
  const kind = relationKind(def);
  if (kind !== 'table') {
    const action = stmt.actions[0]!;
    if (stmt.actions.length === 1 && action.kind === 'renameTable') {
      renameRelation(options, def, action.newName, action.pos);
      return done('ALTER TABLE');
    }
    throw new FlintError('42809', `ALTER action ${actionName(action)} cannot be performed on relation "${def.name}"`, {
      position: action.pos + 1, detail: `This operation is not supported for ${kind === 'view' ? 'views' : 'sequences'}.`,
    });
  }
  const table = new EngineCatalog(engine).table(def.name)!;
  const meta = table.meta;
  const w: Working = {
    name: def.name, columns: [...meta.columns], storage: [...def.columns], constraints: [...meta.constraints],
    indexes: [...(meta.indexes ?? [])], options: { ...meta.options }, added: [], notNull: new Set(), volatile: new Map(),
    sequences: [], dropSequences: [], others: new Map(), after: [], taken: new Set(),
  };
  for (const action of stmt.actions) applyAction(options, table, w, action);
  const newMeta: SqlTableMeta = { sql: 1, columns: w.columns, constraints: w.constraints, options: w.options, ...(w.indexes.length > 0 ? { indexes: w.indexes } : {}) };
  const working = sqlTableFromMeta({ ...def, name: w.name, columns: w.storage, meta: newMeta }, newMeta);
  // Sequences first: the rows' values for a new serial or identity column come from them.
  const created: TableDef[] = [];
  try {
    for (const s of w.sequences) created.push(createSequence(engine, s.name, { ...s.spec, ownedBy: { table: def.id, column: s.column } }));
    checkPrimaryKeyChange(engine, table, working);
    const rewritten = checkRows(options, working, w);
    // SET (compression = ...) / RESET (compression): the codec of blocks written from now on.
    const compression = (w.options['compression'] ?? null) as CodecId | null;
    const compressionChange = compression !== ((meta.options['compression'] ?? null) as CodecId | null) ? { compression } : {};
    engine.alterTable(def.id, { name: w.name, meta: newMeta, columns: w.storage, ...compressionChange });
    if (rewritten.length > 0) {
      const encode = rowEncoder(working);
      for (const { tid, row } of rewritten) engine.update(options.txn, def.id, tid, encode(row));
    }
    syncTableIndexes(engine, new EngineCatalog(engine).table(w.name)!);
  } catch (error) {
    for (const s of created) engine.dropTable(s.name);
    throw error;
  }
  for (const [id, constraints] of w.others) {
    const other = engine.tables.find((t) => t.id === id)!;
    engine.alterTable(id, { meta: { ...(other.meta as SqlTableMeta), constraints } });
  }
  for (const seq of w.dropSequences) {
    engine.dropTable(seq.name);
    options.state.sequences.delete(seq.id);
  }
  for (const change of w.after) change();
  if (w.name !== def.name) renameReferences(options, def.name, w.name, def.id);
  return done('ALTER TABLE');
}

function actionName(a: ast.AlterTableAction): string {
  const names: Record<ast.AlterTableAction['kind'], string> = {
    addColumn: 'ADD COLUMN', dropColumn: 'DROP COLUMN', renameColumn: 'RENAME COLUMN', renameTable: 'RENAME', renameConstraint: 'RENAME CONSTRAINT',
    addConstraint: 'ADD CONSTRAINT', dropConstraint: 'DROP CONSTRAINT', setDefault: 'ALTER COLUMN ... SET DEFAULT', dropDefault: 'ALTER COLUMN ... DROP DEFAULT',
    setNotNull: 'ALTER COLUMN ... SET NOT NULL', dropNotNull: 'ALTER COLUMN ... DROP NOT NULL', alterType: 'ALTER COLUMN ... TYPE',
    addIdentity: 'ALTER COLUMN ... ADD IDENTITY', dropIdentity: 'ALTER COLUMN ... DROP IDENTITY', setOptions: 'SET', resetOptions: 'RESET',
  };
  return names[a.kind];
}

/** ALTER TABLE RENAME of a view or sequence: only its name changes. */
function renameRelation(options: RunOptions, def: TableDef, newName: string, pos: number): void {
  if (options.engine.table(newName) !== undefined) throw new FlintError('42P07', `relation "${newName}" already exists`, { position: pos + 1 });
  options.engine.alterTable(def.id, { name: newName });
  renameReferences(options, def.name, newName, def.id);
}

/** After a rename: other tables' foreign keys name the table, column defaults name sequences. */
function renameReferences(options: RunOptions, oldName: string, newName: string, id: number): void {
  const { engine } = options;
  for (const t of allTables(engine)) {
    let changed = false;
    const constraints = t.meta.constraints.map((c) => {
      if (c.kind !== 'foreignKey' || c.refTable !== oldName || t.def.id === id) return c;
      changed = true;
      return { ...c, refTable: newName };
    });
    const columns = t.meta.columns.map((c) => {
      if (c.identity?.sequence === oldName) {
        changed = true;
        return { ...c, identity: { ...c.identity, sequence: newName } };
      }
      if (c.default !== null && c.default.includes('nextval')) {
        const renamed = renameSequenceInDefault(c.default, oldName, newName);
        if (renamed !== c.default) {
          changed = true;
          return { ...c, default: renamed };
        }
      }
      return c;
    });
    if (changed) engine.alterTable(t.def.id, { meta: { ...t.meta, constraints, columns } });
  }
}

function renameSequenceInDefault(text: string, oldName: string, newName: string): string {
  const expr = (parse(`SELECT ${text}`)[0] as ast.Query).body as ast.Select;
  const mapped = mapAst(expr.targets[0]!.expr, (node) => {
    if (node.kind === 'funcCall' && node.name === 'nextval' && node.args[0]?.kind === 'string' && node.args[0].value === oldName) {
      return { ...node, args: [{ ...node.args[0], value: newName }, ...node.args.slice(1)] };
    }
    return undefined;
  });
  return formatExpr(mapped);
}

/** Copy an expression tree, replacing the nodes `replace` returns a value for. */
function mapAst(e: ast.Expr, replace: (node: ast.Expr) => ast.Expr | undefined): ast.Expr {
  const visit = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map(visit);
    const node = x as ast.Expr;
    if (typeof node.kind === 'string') {
      const r = replace(node);
      if (r !== undefined) return r;
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
  };
  return visit(e) as ast.Expr;
}

function liveIndex(w: Working, name: string): number {
  return w.columns.findIndex((c) => c.dropped !== true && c.name === name);
}

function requireColumn(w: Working, ident: ast.Ident, message = (n: string) => `column "${n}" of relation "${w.name}" does not exist`): number {
  const i = liveIndex(w, ident.name);
  if (i < 0) throw new FlintError(SqlState.undefinedColumn, message(ident.name), { position: ident.pos + 1 });
  return i;
}

/** The shape defineForeignKey reads: the working table's live columns and constraints. */
function shapeOf(w: Working) {
  return { name: w.name, columns: w.columns.filter((c) => c.dropped !== true), constraints: w.constraints };
}

function addNewConstraint(w: Working, c: SqlConstraintMeta, pos: number): void {
  addConstraint(w.constraints, c, w.name, pos);
  w.added.push(c);
}

function applyAction(options: RunOptions, table: SqlTable, w: Working, a: ast.AlterTableAction): void {
  const { engine } = options;
  switch (a.kind) {
    case 'addColumn':
      return addColumn(options, w, a.column, a.ifNotExists);
    case 'dropColumn': {
      const i = liveIndex(w, a.column.name);
      if (i < 0) {
        if (a.ifExists) {
          notice(options, `column "${a.column.name}" of relation "${w.name}" does not exist, skipping`);
          return;
        }
        throw new FlintError(SqlState.undefinedColumn, `column "${a.column.name}" of relation "${w.name}" does not exist`, { position: a.column.pos + 1 });
      }
      return dropColumn(options, table, w, i, a.cascade);
    }
    case 'renameColumn': {
      const i = requireColumn(w, a.column, (n) => `column "${n}" does not exist`);
      if (liveIndex(w, a.newName) >= 0) throw new FlintError('42701', `column "${a.newName}" of relation "${w.name}" already exists`, { position: a.pos + 1 });
      return renameColumn(options, table, w, i, a.newName);
    }
    case 'renameTable':
      if (engine.table(a.newName) !== undefined) throw new FlintError('42P07', `relation "${a.newName}" already exists`, { position: a.pos + 1 });
      w.constraints = w.constraints.map((c) => (c.kind === 'foreignKey' && c.refTable === w.name ? { ...c, refTable: a.newName } : c));
      w.name = a.newName;
      return;
    case 'renameConstraint': {
      const i = w.constraints.findIndex((c) => c.name === a.constraint.name);
      if (i < 0) throw new FlintError('42704', `constraint "${a.constraint.name}" for table "${w.name}" does not exist`, { position: a.constraint.pos + 1 });
      const c = w.constraints[i]!;
      if (w.constraints.some((x) => x.name === a.newName)) {
        throw c.kind === 'primaryKey' || c.kind === 'unique'
          ? new FlintError('42P07', `relation "${a.newName}" already exists`, { position: a.pos + 1 })
          : new FlintError('42710', `constraint "${a.newName}" for relation "${w.name}" already exists`, { position: a.pos + 1 });
      }
      w.constraints[i] = { ...c, name: a.newName };
      w.indexes = w.indexes.map((x) => (x.name === c.name ? { ...x, name: a.newName } : x));
      return;
    }
    case 'addConstraint':
      return addTableConstraint(options, w, a.constraint);
    case 'dropConstraint':
      return dropConstraint(options, table, w, a);
    case 'setDefault':
    case 'dropDefault': {
      const i = requireColumn(w, a.column);
      const c = w.columns[i]!;
      if (c.identity !== null) {
        throw new FlintError(SqlState.syntaxError, `column "${c.name}" of relation "${w.name}" is an identity column`, {
          position: a.pos + 1, ...(a.kind === 'dropDefault' ? { hint: 'Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.' } : {}),
        });
      }
      const text = a.kind === 'setDefault' ? formatExpr(a.expr) : null;
      if (text !== null) bindDefault(text, c, binderOf(options));
      w.columns[i] = { ...c, default: text };
      return;
    }
    case 'setNotNull': {
      const i = requireColumn(w, a.column);
      if (!w.columns[i]!.notNull) {
        setNotNull(w, i, true);
        w.notNull.add(w.columns[i]!.name);
      }
      return;
    }
    case 'dropNotNull': {
      const i = requireColumn(w, a.column);
      const c = w.columns[i]!;
      if (c.identity !== null) throw new FlintError(SqlState.syntaxError, `column "${c.name}" of relation "${w.name}" is an identity column`, { position: a.pos + 1 });
      if (w.constraints.some((x) => x.kind === 'primaryKey' && x.columns.includes(c.name))) {
        throw new FlintError('42P16', `column "${c.name}" is in a primary key`, { position: a.pos + 1 });
      }
      setNotNull(w, i, false);
      return;
    }
    case 'setOptions':
      Object.assign(w.options, storageOptions(a.options));
      return;
    case 'resetOptions':
      for (const n of a.names) delete w.options[n];
      return;
    case 'alterType':
    case 'addIdentity':
    case 'dropIdentity':
      throw new FlintError(SqlState.featureNotSupported, `ALTER TABLE ${actionName(a)} is not supported yet`, { position: a.pos + 1 });
  }
}

function setNotNull(w: Working, i: number, notNull: boolean): void {
  w.columns[i] = { ...w.columns[i]!, notNull };
  w.storage[i] = { ...w.storage[i]!, nullable: !notNull };
}

function addColumn(options: RunOptions, w: Working, def: ast.ColumnDef, ifNotExists: boolean): void {
  if (liveIndex(w, def.name) >= 0) {
    if (ifNotExists) {
      notice(options, `column "${def.name}" of relation "${w.name}" already exists, skipping`, '42701');
      return;
    }
    throw new FlintError('42701', `column "${def.name}" of relation "${w.name}" already exists`, { position: def.pos + 1 });
  }
  const { meta, sequence } = columnMeta(w.name, def);
  let column = meta;
  if (sequence !== null) {
    const s = ownedSequenceFor(options.engine, w.name, column, sequence, w.taken);
    w.sequences.push(s);
    column = column.identity !== null ? { ...column, identity: { ...column.identity, sequence: s.name } } : { ...column, default: `nextval(${regclassLiteral(s.name)})` };
  }
  // Existing rows read the default: one value for all (kept as the missing
  // value) or, for a volatile default, a value each (the rows are rewritten).
  const text = defaultText(column);
  if (text !== null) {
    const bound = bindDefault(text, column, binderOf(options));
    if (isVolatile(bound)) {
      w.volatile.set(column.name, text);
    } else {
      const value = compileExpr(bound)([], contextOf(options));
      if (value !== null) column = { ...column, missing: formatText(value as Value, column.type) };
    }
  }
  w.columns.push(column);
  w.storage.push({ name: column.name, type: storageTypeOf(column.type), nullable: !column.notNull });
  if (column.notNull) w.notNull.add(column.name);
  const self = { name: def.name, pos: def.pos };
  for (const c of def.constraints) {
    switch (c.kind) {
      case 'primaryKey':
        addTableConstraint(options, w, { ...c, columns: [self] });
        break;
      case 'unique':
        addTableConstraint(options, w, { ...c, columns: [self] });
        break;
      case 'check':
        addNewConstraint(w, { name: c.name ?? chooseName(`${w.name}_${def.name}_check`, new Set(w.constraints.map((x) => x.name))), kind: 'check', columns: [def.name], expr: formatExpr(c.expr) }, c.pos);
        break;
      case 'foreignKey':
        addTableConstraint(options, w, { ...c, columns: [self] });
        break;
      default:
        break;
    }
  }
}

function isVolatile(b: BoundExpr): boolean {
  if ((b.kind === 'call' && b.volatile) || b.kind === 'subquery') return true;
  return childrenOf(b).some(isVolatile);
}

function addTableConstraint(options: RunOptions, w: Working, c: ast.TableConstraint): void {
  const used = new Set(w.constraints.map((x) => x.name));
  const live = w.columns.filter((x) => x.dropped !== true);
  switch (c.kind) {
    case 'primaryKey':
    case 'unique': {
      const cols = (c.columns ?? []).map((i) => {
        requireColumn(w, i, (n) => (c.kind === 'primaryKey' ? `column "${n}" of relation "${w.name}" does not exist` : `column "${n}" named in key does not exist`));
        return i.name;
      });
      if (c.kind === 'primaryKey') {
        if (w.constraints.some((x) => x.kind === 'primaryKey')) throw new FlintError('42P16', `multiple primary keys for table "${w.name}" are not allowed`, { position: c.pos + 1 });
        for (const n of cols) {
          const i = liveIndex(w, n);
          if (!w.columns[i]!.notNull) {
            setNotNull(w, i, true);
            w.notNull.add(n);
          }
        }
      }
      const name = c.name ?? chooseName(c.kind === 'primaryKey' ? `${w.name}_pkey` : `${w.name}_${cols.join('_')}_key`, used);
      if (c.name !== null && used.has(c.name)) throw new FlintError('42710', `constraint "${c.name}" for relation "${w.name}" already exists`, { position: c.pos + 1 });
      addNewConstraint(w, { name, kind: c.kind, columns: cols }, c.pos);
      return;
    }
    case 'check':
      addNewConstraint(w, {
        name: c.name ?? checkName(w.name, c.expr, live, used), kind: 'check', columns: columnsReferenced(c.expr, live), expr: formatExpr(c.expr),
      }, c.pos);
      return;
    case 'foreignKey': {
      const cols = c.columns ?? [];
      const name = c.name ?? chooseName(`${w.name}_${cols.map((i) => i.name).join('_')}_fkey`, used);
      addNewConstraint(w, defineForeignKey(options.engine, shapeOf(w), c, cols, name), c.pos);
      return;
    }
  }
}

/** Foreign keys of other tables that rest on this table's key `c` (PRIMARY KEY / UNIQUE with these columns). */
function keysResting(options: RunOptions, tableName: string, c: SqlConstraintMeta): { table: SqlTable; fk: SqlConstraintMeta }[] {
  const cols = new Set(c.columns);
  const out: { table: SqlTable; fk: SqlConstraintMeta }[] = [];
  for (const t of allTables(options.engine)) {
    if (t.name === tableName) continue;
    for (const fk of t.constraints) {
      if (fk.kind === 'foreignKey' && fk.refTable === tableName && fk.refColumns!.length === cols.size && fk.refColumns!.every((n) => cols.has(n))) {
        out.push({ table: t, fk });
      }
    }
  }
  return out;
}

/** Remove other tables' foreign keys (DROP ... CASCADE). */
function dropOthers(w: Working, dependents: readonly { table: SqlTable; fk: SqlConstraintMeta }[]): void {
  for (const d of dependents) {
    const current = w.others.get(d.table.def.id) ?? [...d.table.constraints];
    w.others.set(d.table.def.id, current.filter((x) => x.name !== d.fk.name));
  }
}

function dropConstraint(options: RunOptions, table: SqlTable, w: Working, a: ast.AlterTableAction & { kind: 'dropConstraint' }): void {
  const c = w.constraints.find((x) => x.name === a.constraint.name);
  if (c === undefined) {
    if (a.ifExists) {
      notice(options, `constraint "${a.constraint.name}" of relation "${w.name}" does not exist, skipping`);
      return;
    }
    throw new FlintError('42704', `constraint "${a.constraint.name}" of relation "${w.name}" does not exist`, { position: a.constraint.pos + 1 });
  }
  if (c.kind === 'primaryKey' || c.kind === 'unique') {
    const dependents = keysResting(options, table.name, c);
    if (dependents.length > 0 && !a.cascade) {
      throw new FlintError('2BP01', `cannot drop constraint ${c.name} on table ${w.name} because other objects depend on it`, {
        position: a.pos + 1,
        detail: dependents.map((d) => `constraint ${d.fk.name} on table ${d.table.name} depends on index ${c.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    dropOthers(w, dependents);
    // The constraint's own foreign keys resting on it (a self-reference) go too.
    w.constraints = w.constraints.filter((x) => !(x.kind === 'foreignKey' && x.refTable === w.name && sameSet(x.refColumns!, c.columns)));
  }
  w.constraints = w.constraints.filter((x) => x !== c);
  w.indexes = w.indexes.filter((x) => x.name !== c.name);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function dropColumn(options: RunOptions, table: SqlTable, w: Working, i: number, cascade: boolean): void {
  const name = w.columns[i]!.name;
  // Other tables' foreign keys that reference the column.
  const dependents = allTables(options.engine).flatMap((t) => t.name === table.name ? [] : t.constraints
    .filter((fk) => fk.kind === 'foreignKey' && fk.refTable === table.name && fk.refColumns!.includes(name))
    .map((fk) => ({ table: t, fk })));
  if (dependents.length > 0 && !cascade) {
    throw new FlintError('2BP01', `cannot drop column ${name} of table ${w.name} because other objects depend on it`, {
      detail: dependents.map((d) => `constraint ${d.fk.name} on table ${d.table.name} depends on column ${name} of table ${w.name}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  dropOthers(w, dependents);
  // Constraints and indexes involving the column go with it, as in PostgreSQL.
  w.constraints = w.constraints.filter((c) => !c.columns.includes(name) && !(c.kind === 'foreignKey' && c.refTable === w.name && c.refColumns!.includes(name)));
  w.indexes = w.indexes.filter((x) => !x.columns.includes(name));
  for (const seq of options.engine.tables) {
    if (isSequence(seq) && specOf(seq).ownedBy?.table === table.def.id && specOf(seq).ownedBy?.column === name) w.dropSequences.push(seq);
  }
  const slot = `........pg.dropped.${i + 1}........`;
  w.columns[i] = { name: slot, type: w.columns[i]!.type, notNull: false, default: null, identity: null, dropped: true };
  w.storage[i] = { ...w.storage[i]!, name: slot, nullable: true };
  w.notNull.delete(name);
  w.volatile.delete(name);
}

function renameColumn(options: RunOptions, table: SqlTable, w: Working, i: number, newName: string): void {
  const oldName = w.columns[i]!.name;
  const rename = (n: string) => (n === oldName ? newName : n);
  w.columns[i] = { ...w.columns[i]!, name: newName };
  w.storage[i] = { ...w.storage[i]!, name: newName };
  w.constraints = w.constraints.map((c) => ({
    ...c,
    columns: c.columns.map(rename),
    ...(c.kind === 'check' ? { expr: renameInExpr(c.expr!, oldName, newName, w.name) } : {}),
    ...(c.kind === 'foreignKey' && c.refTable === w.name ? { refColumns: c.refColumns!.map(rename) } : {}),
  }));
  w.indexes = w.indexes.map((x) => ({ ...x, columns: x.columns.map(rename) }));
  for (const t of allTables(options.engine)) {
    if (t.name === table.name) continue;
    const constraints = w.others.get(t.def.id) ?? [...t.constraints];
    if (!constraints.some((c) => c.kind === 'foreignKey' && c.refTable === table.name && c.refColumns!.includes(oldName))) continue;
    w.others.set(t.def.id, constraints.map((c) => (c.kind === 'foreignKey' && c.refTable === table.name ? { ...c, refColumns: c.refColumns!.map(rename) } : c)));
  }
  for (const seq of options.engine.tables) {
    const spec = isSequence(seq) ? specOf(seq) : null;
    if (spec?.ownedBy?.table === table.def.id && spec.ownedBy.column === oldName) {
      const meta: SequenceMeta = { sql: 1, kind: 'sequence', sequence: { ...spec, ownedBy: { table: table.def.id, column: newName } } };
      w.after.push(() => options.engine.alterTable(seq.id, { meta }));
    }
  }
}

/** A CHECK expression's text with a column renamed (unqualified or qualified by the table). */
function renameInExpr(text: string, oldName: string, newName: string, table: string): string {
  const expr = ((parse(`SELECT ${text}`)[0] as ast.Query).body as ast.Select).targets[0]!.expr;
  return formatExpr(mapAst(expr, (node) =>
    node.kind === 'columnRef' && node.column === oldName && (node.table === null || node.table === table) ? { ...node, column: newName } : undefined));
}
