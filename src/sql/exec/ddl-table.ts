// CREATE TABLE, CREATE TABLE AS, DROP (TABLE, VIEW, INDEX, SEQUENCE) and
// TRUNCATE. DDL is transactional: the session runs each statement with its
// transaction as the engine's catalogTxn, so a ROLLBACK undoes it.

import type { CodecId } from '../../storage/compression/codec.ts';
import { FlintError, SqlState } from '../../errors.ts';
import type { ColumnDef, Engine, TableDef } from '../../txn/engine.ts';
import type * as ast from '../ast.ts';
import type { SqlColumnMeta, SqlConstraintMeta, SqlTable, SqlTableMeta } from '../catalog.ts';
import { formatExpr } from '../format.ts';
import { parse } from '../parser.ts';
import { isSerialType, sqlTypeOf } from '../plan/type-names.ts';
import { storageTypeOf } from '../storage-values.ts';
import { T } from '../types/type-info.ts';
import { RowChecks } from './constraints.ts';
import { dropIndex } from './ddl-index-view.ts';
import { bindDefault, regclassLiteral } from './dml-common.ts';
import { allTables, EngineCatalog, isView, relationKind, type ViewMeta } from './engine-catalog.ts';
import { defineForeignKey, dependentKeys, incomingKeys } from './foreign-keys.ts';
import { keyTypeOf } from './index-support.ts';
import { runPlanRows } from './run.ts';
import {
  chooseRelationName, createSequence, isSequence, positionSequence, resolveSequence, sequenceSpec, specOf, type SequenceSpec,
} from './sequences.ts';
import { binderOf, contextOf, done, notice, tableFor, type RunOptions, type StatementResult } from './statement-context.ts';
import { DmlContext } from './table-writer.ts';

/** A name not yet used: base, base1, base2, ... (PostgreSQL's ChooseConstraintName). */
export function chooseName(base: string, used: ReadonlySet<string>): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (!used.has(name)) return name;
  }
}

/** The table's columns referenced by an expression, in order of appearance. */
export function columnsReferenced(expr: ast.Expr, columns: readonly { name: string }[]): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item);
      return;
    }
    const node = x as { kind?: string };
    if (node.kind === 'columnRef') {
      const name = (node as ast.ColumnRef).column;
      if (columns.some((c) => c.name === name) && !out.includes(name)) out.push(name);
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(expr);
  return out;
}

/** PostgreSQL's name for an unnamed CHECK: table_column_check when it reads one column, else table_check. */
export function checkName(table: string, expr: ast.Expr, columns: readonly { name: string }[], used: ReadonlySet<string>): string {
  const read = columnsReferenced(expr, columns);
  return chooseName(read.length === 1 ? `${table}_${read[0]}_check` : `${table}_check`, used);
}

/** Add a constraint to a list, refusing a name already used (42710). */
export function addConstraint(list: SqlConstraintMeta[], c: SqlConstraintMeta, table: string, pos: number): void {
  if (list.some((x) => x.name === c.name)) {
    throw new FlintError('42710', `constraint "${c.name}" for relation "${table}" already exists`, { position: pos + 1 });
  }
  list.push(c);
}

/** A sequence to create for a serial or identity column once its table exists. */
export interface OwnedSequence {
  readonly name: string;
  readonly column: string;
  readonly spec: SequenceSpec;
}

/** The sequence behind a serial or identity column: named table_column_seq (or the next free name). */
export function ownedSequenceFor(engine: Engine, table: string, column: SqlColumnMeta, options: readonly ast.SequenceOption[], taken: Set<string>): OwnedSequence {
  const named = options.find((o) => o.option === 'sequenceName') as { name: ast.QualifiedName } | undefined;
  const name = named?.name.name ?? chooseRelationName(engine, `${table}_${column.name}_seq`, taken);
  if (engine.table(name) !== undefined || taken.has(name)) throw new FlintError('42P07', `relation "${name}" already exists`);
  taken.add(name);
  const type = column.type.id === 'int2' || column.type.id === 'int4' ? column.type.id : 'int8';
  return { name, column: column.name, spec: sequenceSpec(options.filter((o) => o.option !== 'sequenceName'), null, type).spec };
}

export function createTable(stmt: ast.CreateTable, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  if (engine.table(name) !== undefined) {
    if (stmt.ifNotExists) {
      notice(options, `relation "${name}" already exists, skipping`, '42P07');
      return done('CREATE TABLE');
    }
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  const columns: SqlColumnMeta[] = [];
  const constraints: SqlConstraintMeta[] = [];
  const used = new Set<string>();
  const sequences: OwnedSequence[] = [];
  const taken = new Set<string>();
  const foreignKeys: { c: ast.ForeignKeyConstraint; columns: readonly ast.Ident[] }[] = [];
  const add = (c: SqlConstraintMeta, pos: number) => {
    addConstraint(constraints, c, name, pos);
    used.add(c.name);
  };
  const primaryKey = (cols: string[], cname: string | null, pos: number) => {
    if (constraints.some((x) => x.kind === 'primaryKey')) throw new FlintError('42P16', `multiple primary keys for table "${name}" are not allowed`, { position: pos + 1 });
    for (const colName of cols) {
      const i = columns.findIndex((x) => x.name === colName);
      columns[i] = { ...columns[i]!, notNull: true };
    }
    add({ name: cname ?? chooseName(`${name}_pkey`, used), kind: 'primaryKey', columns: cols }, pos);
  };
  for (const def of stmt.columns) {
    if (columns.some((c) => c.name === def.name)) throw new FlintError('42701', `column "${def.name}" specified more than once`, { position: def.pos + 1 });
    const col = columnMeta(name, def);
    columns.push(col.meta);
    for (const c of def.constraints) {
      switch (c.kind) {
        case 'primaryKey':
          primaryKey([def.name], c.name, c.pos);
          break;
        case 'unique':
          add({ name: c.name ?? chooseName(`${name}_${def.name}_key`, used), kind: 'unique', columns: [def.name] }, c.pos);
          break;
        case 'check':
          add({ name: c.name ?? chooseName(`${name}_${def.name}_check`, used), kind: 'check', columns: [def.name], expr: formatExpr(c.expr) }, c.pos);
          break;
        case 'foreignKey':
          foreignKeys.push({ c, columns: [{ name: def.name, pos: def.pos }] });
          break;
        default:
          break;
      }
    }
    if (col.sequence !== null) sequences.push(ownedSequenceFor(engine, name, col.meta, col.sequence, taken));
  }
  // Serial columns read their sequence by name in their default.
  sequences.forEach((s) => {
    const i = columns.findIndex((c) => c.name === s.column);
    const c = columns[i]!;
    columns[i] = c.identity !== null ? { ...c, identity: { ...c.identity, sequence: s.name } } : { ...c, default: `nextval(${regclassLiteral(s.name)})` };
  });
  for (const c of stmt.constraints) {
    const cols = (c.kind === 'check' ? [] : c.columns ?? []).map((i) => {
      if (!columns.some((x) => x.name === i.name)) {
        throw new FlintError(SqlState.undefinedColumn, c.kind === 'foreignKey' ? `column "${i.name}" referenced in foreign key constraint does not exist` : `column "${i.name}" named in key does not exist`, { position: i.pos + 1 });
      }
      return i.name;
    });
    switch (c.kind) {
      case 'primaryKey':
        primaryKey(cols, c.name, c.pos);
        break;
      case 'unique':
        add({ name: c.name ?? chooseName(`${name}_${cols.join('_')}_key`, used), kind: 'unique', columns: cols }, c.pos);
        break;
      case 'check':
        add({ name: c.name ?? checkName(name, c.expr, columns, used), kind: 'check', columns: columnsReferenced(c.expr, columns), expr: formatExpr(c.expr) }, c.pos);
        break;
      case 'foreignKey':
        foreignKeys.push({ c, columns: c.columns ?? [] });
        break;
    }
  }
  // Foreign keys last: one may reference this table's own key.
  for (const { c, columns: fkColumns } of foreignKeys) {
    const fkName = c.name ?? chooseName(`${name}_${fkColumns.map((i) => i.name).join('_')}_fkey`, used);
    add(defineForeignKey(engine, { name, columns, constraints }, c, fkColumns, fkName), c.pos);
  }
  const meta: SqlTableMeta = { sql: 1, columns, constraints, options: storageOptions(stmt.options) };
  createWithSequences(options, name, meta, sequences);
  return done('CREATE TABLE');
}

/** A column definition's metadata, and the sequence options if it is serial or identity. */
export function columnMeta(table: string, def: ast.ColumnDef): { meta: SqlColumnMeta; sequence: readonly ast.SequenceOption[] | null } {
  const type = sqlTypeOf(def.type);
  let notNull = false;
  let dflt: string | null = null;
  let identity: SqlColumnMeta['identity'] = null;
  let sequence: readonly ast.SequenceOption[] | null = null;
  const serial = isSerialType(def.type);
  if (serial) {
    notNull = true;
    sequence = [];
  }
  for (const c of def.constraints) {
    switch (c.kind) {
      case 'notNull':
      case 'primaryKey':
        notNull = true;
        break;
      case 'columnDefault':
        if (dflt !== null || serial) throw new FlintError(SqlState.syntaxError, `multiple default values specified for column "${def.name}" of table "${table}"`, { position: c.pos + 1 });
        if (identity !== null) throw new FlintError(SqlState.syntaxError, `both default and identity specified for column "${def.name}" of table "${table}"`, { position: c.pos + 1 });
        dflt = formatExpr(c.expr);
        break;
      case 'identity':
        if (dflt !== null) throw new FlintError(SqlState.syntaxError, `both default and identity specified for column "${def.name}" of table "${table}"`, { position: c.pos + 1 });
        if (!['int2', 'int4', 'int8'].includes(type.id)) {
          throw new FlintError(SqlState.invalidParameterValue, 'identity column type must be smallint, integer, or bigint', { position: c.pos + 1 });
        }
        notNull = true;
        identity = { always: c.always, sequence: '' };
        sequence = c.options;
        break;
      case 'generated':
        throw new FlintError(SqlState.featureNotSupported, 'generated columns are not supported yet', { position: c.pos + 1 });
      default:
        break;
    }
  }
  return { meta: { name: def.name, type, notNull, default: dflt, identity }, sequence };
}

export function storageOptions(options: readonly ast.Option[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of options) {
    const value = Array.isArray(o.value) ? o.value.join(',') : String(o.value ?? '');
    if (o.name === 'compression' && !['none', 'lz4', 'zstd'].includes(value.toLowerCase())) {
      throw new FlintError(SqlState.invalidParameterValue, `invalid value for parameter "compression": "${value}"`, {
        position: o.pos + 1, hint: 'Valid values are "none", "lz4" and "zstd".',
      });
    }
    out[o.name] = o.name === 'compression' ? value.toLowerCase() : value;
  }
  return out;
}

/**
 * Create the table and its owned sequences; then bind its CHECKs and
 * defaults, so a bad one fails CREATE TABLE rather than the first INSERT
 * (everything created is dropped again then).
 */
function createWithSequences(options: RunOptions, name: string, meta: SqlTableMeta, sequences: readonly OwnedSequence[]): SqlTable {
  const { engine } = options;
  const storage: ColumnDef[] = meta.columns.map((c) => ({ name: c.name, type: storageTypeOf(c.type), nullable: !c.notNull }));
  // Key columns of a new table: every slot is live, so positions are slots.
  const keyColumns = (names: readonly string[]) =>
    names.map((n) => {
      const i = meta.columns.findIndex((c) => c.name === n);
      return { column: i, key: { type: keyTypeOf(meta.columns[i]!.type) } };
    });
  const pk = meta.constraints.find((c) => c.kind === 'primaryKey');
  const uniques = meta.constraints.filter((c) => c.kind === 'unique').map((c) => ({ name: c.name, columns: keyColumns(c.columns), unique: true }));
  // WITH (compression = ...) is the engine's too: it picks the codec of the table's heap blocks.
  const compression = meta.options['compression'] as CodecId | undefined;
  const def = engine.createTable(name, storage, meta, pk === undefined ? undefined : { name: pk.name, columns: keyColumns(pk.columns) }, compression === undefined ? {} : { compression });
  const created: string[] = [];
  try {
    for (const spec of uniques) engine.createIndex(def.id, spec);
    for (const s of sequences) {
      createSequence(engine, s.name, { ...s.spec, ownedBy: { table: def.id, column: s.column } });
      created.push(s.name);
    }
    const table = new EngineCatalog(engine).table(name)!;
    const binder = binderOf(options);
    void new RowChecks(table, binder, options, contextOf(options));
    for (const c of table.columns) if (c.default !== null) bindDefault(c.default, c, binder);
    return table;
  } catch (error) {
    for (const s of created) engine.dropTable(s);
    engine.dropTable(name);
    throw error;
  }
}

export function createTableAs(stmt: ast.CreateTableAs, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  if (engine.table(name) !== undefined) {
    if (stmt.ifNotExists) {
      notice(options, `relation "${name}" already exists, skipping`, '42P07');
      return done('CREATE TABLE AS');
    }
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  const binder = binderOf(options);
  const plan = binder.bindQuery(stmt.query, null);
  if (stmt.columns !== null && stmt.columns.length > plan.columns.length) {
    throw new FlintError(SqlState.syntaxError, 'too many column names were specified', { position: stmt.pos + 1 });
  }
  const columns: SqlColumnMeta[] = plan.columns.map((c, i) => ({
    name: stmt.columns?.[i] ?? c.name,
    type: c.type.id === 'unknown' || c.type.id === 'null' ? T.text : c.type,
    notNull: false, default: null, identity: null,
  }));
  columns.forEach((c, i) => {
    if (columns.findIndex((x) => x.name === c.name) !== i) throw new FlintError('42701', `column "${c.name}" specified more than once`, { position: stmt.pos + 1 });
  });
  const meta: SqlTableMeta = { sql: 1, columns, constraints: [], options: storageOptions(stmt.options) };
  const table = createWithSequences(options, name, meta, []);
  if (!stmt.withData) return done('CREATE TABLE AS');
  const ctx = contextOf(options);
  const dml = new DmlContext(options, binder, ctx);
  const writer = dml.writer(table);
  const rows = runPlanRows(plan, ctx);
  for (const row of rows) writer.insert(row);
  dml.finish();
  return { command: `SELECT ${rows.length}`, columns: [], rows: [], rowCount: rows.length };
}

export function drop(stmt: ast.Drop, options: RunOptions): StatementResult {
  const tag = `DROP ${stmt.objectType.toUpperCase()}`;
  switch (stmt.objectType) {
    case 'index':
      for (const n of stmt.names) {
        if (dropIndex(n.name, options)) continue;
        if (!stmt.ifExists) throw new FlintError('42704', `index "${n.name}" does not exist`, { position: n.pos + 1 });
        notice(options, `index "${n.name}" does not exist, skipping`);
      }
      return done(tag);
    case 'sequence':
      for (const n of stmt.names) dropSequence(n, stmt, options);
      return done(tag);
    case 'table':
    case 'view':
      dropRelations(stmt, options);
      return done(tag);
    default:
      throw new FlintError(SqlState.featureNotSupported, `${tag} is not supported yet`, { position: stmt.pos + 1 });
  }
}

/**
 * The views that read any of `names`, directly or through other views (not
 * those being dropped themselves), in the order PostgreSQL reports them. A
 * view's dependencies are the relations its query looks up when bound.
 */
function dependentViews(options: RunOptions, names: readonly string[]): { view: string; on: string; onKind: 'table' | 'view' }[] {
  const { engine } = options;
  const out: { view: string; on: string; onKind: 'table' | 'view' }[] = [];
  const gone = new Set(names);
  const kindOf = (name: string) => (relationKind(engine.table(name)!) === 'view' ? 'view' : 'table');
  for (let i = 0; i < [...gone].length; i++) {
    const target = [...gone][i]!;
    for (const def of engine.tables) {
      if (!isView(def) || gone.has(def.name)) continue;
      if (!viewReads(def, target)) continue;
      out.push({ view: def.name, on: target, onKind: kindOf(target) });
      gone.add(def.name);
    }
  }
  return out;
}

/**
 * Does the view's query name `name` in a FROM clause (a table or a view)?
 * Only its own query counts, not the views it reads: a view over a view
 * depends on that view. A CTE of the same name hides the relation.
 */
function viewReads(def: TableDef, name: string): boolean {
  const meta = def.meta as ViewMeta;
  let statement: ast.Statement;
  try {
    statement = parse(meta.query)[0]!;
  } catch {
    return false;
  }
  const ctes = new Set<string>();
  const refs = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    const n = node as { kind?: string; name?: { name?: string } };
    if (n.kind === 'tableRef' && typeof n.name?.name === 'string') refs.add(n.name.name);
    if (n.kind === 'cte' && typeof (n as { name?: unknown }).name === 'string') ctes.add((n as unknown as { name: string }).name);
    for (const value of Object.values(node)) walk(value);
  };
  walk(statement);
  return refs.has(name) && !ctes.has(name);
}

const KIND_HINT = { table: 'Use DROP TABLE to remove a table.', view: 'Use DROP VIEW to remove a view.', sequence: 'Use DROP SEQUENCE to remove a sequence.' } as const;

function dropRelations(stmt: ast.Drop, options: RunOptions): void {
  const { engine } = options;
  const want = stmt.objectType as 'table' | 'view';
  const names: string[] = [];
  for (const n of stmt.names) {
    const def = engine.table(n.name);
    if (def === undefined || relationKind(def) !== want) {
      if (stmt.ifExists && def === undefined) {
        notice(options, `${want} "${n.name}" does not exist, skipping`);
        continue;
      }
      if (def !== undefined) throw new FlintError('42809', `"${n.name}" is not a ${want}`, { position: n.pos + 1, hint: KIND_HINT[relationKind(def)] });
      throw new FlintError(SqlState.undefinedTable, `${want} "${n.name}" does not exist`, { position: n.pos + 1 });
    }
    names.push(n.name);
  }
  if (want === 'table') {
    // Foreign keys of other tables that reference a dropped one: an error, or dropped with CASCADE.
    const dependents = names.flatMap((n) => dependentKeys(engine, n)).filter((d) => !names.includes(d.table.name));
    if (dependents.length > 0 && !stmt.cascade) {
      const first = dependents[0]!;
      throw new FlintError('2BP01', `cannot drop table ${first.constraint.refTable} because other objects depend on it`, {
        detail: dependents.map((d) => `constraint ${d.constraint.name} on table ${d.table.name} depends on table ${d.constraint.refTable}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    for (const d of dependents) {
      const current = new EngineCatalog(engine).table(d.table.name)!;
      engine.alterTable(current.def.id, { meta: { ...current.meta, constraints: current.meta.constraints.filter((c) => c !== d.constraint && c.name !== d.constraint.name) } });
    }
  }
  // Views over a dropped table: an error, or dropped with CASCADE (and the
  // views over those). DROP VIEW is laxer than PostgreSQL's on purpose: the
  // views over a dropped view stay and fail when used (42P01), as in SQLite,
  // which the sqllogictest corpus expects; CASCADE still drops them.
  const views = want === 'table' || stmt.cascade ? dependentViews(options, names) : [];
  if (views.length > 0 && !stmt.cascade) {
    throw new FlintError('2BP01', `cannot drop ${want} ${views[0]!.on} because other objects depend on it`, {
      detail: views.map((v) => `view ${v.view} depends on ${v.onKind} ${v.on}`).join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  for (const v of views) if (engine.table(v.view) !== undefined) engine.dropTable(v.view);
  for (const name of names) {
    const def = engine.table(name)!;
    const owned = want === 'table' ? engine.tables.filter((t) => isSequence(t) && specOf(t).ownedBy?.table === def.id) : [];
    engine.dropTable(name);
    for (const seq of owned) {
      engine.dropTable(seq.name);
      options.state.sequences.delete(seq.id);
    }
  }
}

/** The sequences a default expression's nextval calls name. */
function sequencesInDefault(engine: Engine, text: string): number[] {
  const ids: number[] = [];
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item);
      return;
    }
    const node = x as ast.Expr;
    if (node.kind === 'funcCall' && node.name === 'nextval' && node.args[0]?.kind === 'string') {
      try {
        ids.push(resolveSequence(engine, node.args[0].value).id);
      } catch {
        // A default naming a missing sequence depends on nothing.
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(parse(`SELECT ${text}`));
  return ids;
}

function dropSequence(n: ast.QualifiedName, stmt: ast.Drop, options: RunOptions): void {
  const { engine } = options;
  const def = engine.table(n.name);
  if (!isSequence(def)) {
    if (def === undefined) {
      if (stmt.ifExists) {
        notice(options, `sequence "${n.name}" does not exist, skipping`);
        return;
      }
      throw new FlintError(SqlState.undefinedTable, `sequence "${n.name}" does not exist`, { position: n.pos + 1 });
    }
    throw new FlintError('42809', `"${n.name}" is not a sequence`, { position: n.pos + 1, hint: KIND_HINT[relationKind(def)] });
  }
  for (const table of allTables(engine)) {
    const identity = table.columns.find((c) => c.identity?.sequence === n.name);
    if (identity !== undefined) {
      throw new FlintError('2BP01', `cannot drop sequence ${n.name} because column ${identity.name} of table ${table.name} requires it`, {
        position: n.pos + 1, hint: `You can drop column ${identity.name} of table ${table.name} instead.`,
      });
    }
    const users = table.columns.filter((c) => c.default !== null && sequencesInDefault(engine, c.default).includes(def.id));
    if (users.length === 0) continue;
    if (!stmt.cascade) {
      throw new FlintError('2BP01', `cannot drop sequence ${n.name} because other objects depend on it`, {
        position: n.pos + 1,
        detail: users.map((c) => `default value for column ${c.name} of table ${table.name} depends on sequence ${n.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    const columns = table.meta.columns.map((c) => (users.includes(c) ? { ...c, default: null } : c));
    engine.alterTable(table.def.id, { meta: { ...table.meta, columns } });
  }
  engine.dropTable(n.name);
  options.state.sequences.delete(def.id);
}

export function truncate(stmt: ast.Truncate, options: RunOptions): StatementResult {
  const { engine } = options;
  const tables = stmt.tables.map((n) => tableFor(n, options));
  // A table referenced by a foreign key is truncated only with its referencing tables.
  for (let i = 0; i < tables.length; i++) {
    for (const fk of incomingKeys(engine, tables[i]!)) {
      if (tables.some((t) => t.def.id === fk.child.def.id)) continue;
      if (!stmt.cascade) {
        throw new FlintError(SqlState.featureNotSupported, 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${fk.child.name}" references "${fk.parent.name}".`,
          hint: `Truncate table "${fk.child.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
      tables.push(fk.child);
    }
  }
  for (const table of tables) {
    const tids: number[] = [];
    engine.scan(options.txn, table.def.id, (tid) => void tids.push(tid));
    for (const tid of tids) engine.delete(options.txn, table.def.id, tid);
    if (stmt.restartIdentity) {
      for (const seq of engine.tables) {
        if (isSequence(seq) && specOf(seq).ownedBy?.table === table.def.id) positionSequence(engine, options.state.sequences, seq, BigInt(specOf(seq).start), false);
      }
    }
  }
  return done('TRUNCATE TABLE');
}
