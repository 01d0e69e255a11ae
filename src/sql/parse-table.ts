// CREATE TABLE (columns, types, column and table constraints, storage
// parameters, CREATE TABLE AS) and ALTER TABLE.

import type {
  AlterTable,
  AlterTableAction,
  ColumnConstraint,
  ColumnDef,
  CreateTable,
  CreateTableAs,
  ForeignKeyConstraint,
  Ident,
  IdentityConstraint,
  Option,
  QualifiedName,
  ReferentialAction,
  SequenceOption,
  TableConstraint,
} from './ast.ts';
import { acceptDropBehavior, sequenceOptions } from './parse-ddl.ts';
import { parseExpr, parseRestrictedExpr } from './parse-expr.ts';
import { parseOptionList } from './parse-options.ts';
import { parseQuery } from './parse-select.ts';
import { parseTypeName } from './parse-type.ts';
import type { Parser } from './parser-state.ts';

export function createTable(p: Parser, pos: number, temporary: boolean, unlogged: boolean): CreateTable | CreateTableAs {
  p.expectKw('table');
  const ifNotExists = p.acceptKws('if', 'not', 'exists');
  const name = p.qualifiedName();
  if (p.isKw('as') || (p.isOp('(') && isColumnNameListBeforeAs(p))) {
    return createTableAs(p, pos, name, ifNotExists, temporary, unlogged);
  }
  p.expectOp('(');
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  if (!p.isOp(')')) {
    do {
      if (isTableConstraintStart(p)) constraints.push(tableConstraint(p));
      else columns.push(columnDef(p));
    } while (p.acceptOp(','));
  }
  p.expectOp(')');
  let options: Option[] = [];
  if (p.acceptKw('with')) options = parseOptionList(p, true);
  else p.acceptKws('without', 'oids');
  let onCommit: CreateTable['onCommit'] = null;
  if (p.isKw('on') && p.isKwAt(1, 'commit')) {
    p.advance();
    p.advance();
    if (p.acceptKws('preserve', 'rows')) onCommit = 'preserveRows';
    else if (p.acceptKws('delete', 'rows')) onCommit = 'deleteRows';
    else {
      p.expectKw('drop');
      onCommit = 'drop';
    }
  }
  return { kind: 'createTable', pos, name, ifNotExists, temporary, unlogged, columns, constraints, options, onCommit };
}

/** `(a, b) AS`: the column names of CREATE TABLE AS, not column definitions. */
function isColumnNameListBeforeAs(p: Parser): boolean {
  let k = 1;
  for (;;) {
    if (!p.isColId(p.peek(k))) return false;
    k++;
    if (p.isOpAt(k, ',')) {
      k++;
      continue;
    }
    return p.isOpAt(k, ')') && p.isKwAt(k + 1, 'as');
  }
}

function createTableAs(
  p: Parser,
  pos: number,
  name: QualifiedName,
  ifNotExists: boolean,
  temporary: boolean,
  unlogged: boolean,
): CreateTableAs {
  const columns = p.isOp('(') ? p.nameList() : null;
  const options = p.acceptKw('with') ? parseOptionList(p, true) : [];
  p.expectKw('as');
  const query = parseQuery(p);
  let withData = true;
  if (p.isKw('with')) {
    p.advance();
    withData = !p.acceptKw('no');
    p.expectKw('data');
  }
  return { kind: 'createTableAs', pos, name, ifNotExists, temporary, unlogged, columns, options, query, withData };
}

function isTableConstraintStart(p: Parser): boolean {
  return p.isKw('constraint') || p.isKw('primary') || p.isKw('unique') || p.isKw('check') || p.isKw('foreign');
}

export function columnDef(p: Parser): ColumnDef {
  const pos = p.tok.pos;
  const name = p.colId();
  const type = parseTypeName(p);
  const constraints: ColumnConstraint[] = [];
  let collation: QualifiedName | null = null;
  for (;;) {
    const cpos = p.tok.pos;
    let constraintName: string | null = null;
    if (p.acceptKw('constraint')) constraintName = p.colId();
    const c = columnConstraint(p, cpos, constraintName);
    if (c !== null) {
      constraints.push(c);
      continue;
    }
    if (constraintName !== null) p.fail();
    if (p.acceptKw('collate')) {
      collation = p.qualifiedName();
      continue;
    }
    if (!applyDeferral(p, constraints)) break;
  }
  return { kind: 'columnDef', pos, name, type, collation, constraints };
}

function columnConstraint(p: Parser, pos: number, name: string | null): ColumnConstraint | null {
  if (p.isKw('not') && p.isKwAt(1, 'null')) {
    p.advance();
    p.advance();
    return { kind: 'notNull', pos, name };
  }
  if (p.acceptKw('null')) return { kind: 'nullable', pos, name };
  if (p.acceptKws('primary', 'key')) {
    const { include, options } = indexParameters(p);
    return { kind: 'primaryKey', pos, name, columns: null, include, options, deferrable: false, initiallyDeferred: false };
  }
  if (p.acceptKw('unique')) {
    const nullsNotDistinct = acceptNullsDistinct(p);
    const { include, options } = indexParameters(p);
    return {
      kind: 'unique',
      pos,
      name,
      columns: null,
      nullsNotDistinct,
      include,
      options,
      deferrable: false,
      initiallyDeferred: false,
    };
  }
  if (p.isKw('check')) return checkConstraint(p, pos, name);
  if (p.acceptKw('default')) return { kind: 'columnDefault', pos, name, expr: parseRestrictedExpr(p) };
  if (p.isKw('references')) return references(p, pos, name, null);
  if (p.isKw('generated')) return generated(p, pos, name);
  return null;
}

function checkConstraint(p: Parser, pos: number, name: string | null): TableConstraint {
  p.expectKw('check');
  p.expectOp('(');
  const expr = parseExpr(p);
  p.expectOp(')');
  const noInherit = p.acceptKws('no', 'inherit');
  return { kind: 'check', pos, name, expr, noInherit };
}

/** NULLS [NOT] DISTINCT: true for NOT DISTINCT. */
export function acceptNullsDistinct(p: Parser): boolean {
  if (p.isKw('nulls') && p.isKwAt(1, 'distinct')) {
    p.advance();
    p.advance();
    return false;
  }
  if (p.acceptKws('nulls', 'not', 'distinct')) return true;
  return false;
}

/** INCLUDE (cols) and WITH (storage options) of a primary key or unique constraint. */
function indexParameters(p: Parser): { include: Ident[]; options: Option[] } {
  const include = p.acceptKw('include') ? p.identList() : [];
  const options = p.isKw('with') && p.isOpAt(1, '(') ? (p.advance(), parseOptionList(p, true)) : [];
  return { include, options };
}

/** DEFERRABLE, NOT DEFERRABLE, INITIALLY DEFERRED | IMMEDIATE, applied to the constraint before them. */
function applyDeferral(p: Parser, constraints: (ColumnConstraint | TableConstraint)[]): boolean {
  let deferrable: boolean | null = null;
  let initiallyDeferred: boolean | null = null;
  const start = p.tok;
  if (p.acceptKw('deferrable')) deferrable = true;
  else if (p.acceptKws('not', 'deferrable')) deferrable = false;
  else if (p.acceptKws('initially', 'deferred')) initiallyDeferred = true;
  else if (p.acceptKws('initially', 'immediate')) initiallyDeferred = false;
  else return false;
  const last = constraints[constraints.length - 1];
  if (last === undefined || (last.kind !== 'primaryKey' && last.kind !== 'unique' && last.kind !== 'foreignKey')) {
    p.failWith(start.pos, 'misplaced DEFERRABLE clause');
  }
  constraints[constraints.length - 1] = {
    ...last,
    deferrable: deferrable ?? (initiallyDeferred === true ? true : last.deferrable),
    initiallyDeferred: initiallyDeferred ?? last.initiallyDeferred,
  };
  return true;
}

function references(p: Parser, pos: number, name: string | null, columns: Ident[] | null): ForeignKeyConstraint {
  p.expectKw('references');
  const refTable = p.qualifiedName();
  const refColumns = p.isOp('(') ? p.identList() : null;
  let match: ForeignKeyConstraint['match'] = 'simple';
  let onDelete: ReferentialAction = 'noAction';
  let onUpdate: ReferentialAction = 'noAction';
  for (;;) {
    if (p.acceptKw('match')) {
      if (p.acceptKw('full')) match = 'full';
      else if (p.acceptKw('partial')) match = 'partial';
      else {
        p.expectKw('simple');
        match = 'simple';
      }
    } else if (p.isKw('on') && p.isKwAt(1, 'delete')) {
      p.advance();
      p.advance();
      onDelete = referentialAction(p);
    } else if (p.isKw('on') && p.isKwAt(1, 'update')) {
      p.advance();
      p.advance();
      onUpdate = referentialAction(p);
    } else {
      break;
    }
  }
  return {
    kind: 'foreignKey',
    pos,
    name,
    columns,
    refTable,
    refColumns,
    match,
    onDelete,
    onUpdate,
    deferrable: false,
    initiallyDeferred: false,
  };
}

function referentialAction(p: Parser): ReferentialAction {
  if (p.acceptKws('no', 'action')) return 'noAction';
  if (p.acceptKw('restrict')) return 'restrict';
  if (p.acceptKw('cascade')) return 'cascade';
  if (p.acceptKws('set', 'null')) return 'setNull';
  if (p.acceptKws('set', 'default')) return 'setDefault';
  return p.fail();
}

/** GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY [(options)] or GENERATED ALWAYS AS (expr) [STORED | VIRTUAL]. */
function generated(p: Parser, pos: number, name: string | null): IdentityConstraint | ColumnConstraint {
  p.expectKw('generated');
  let always = true;
  if (!p.acceptKw('always')) {
    p.expectKw('by');
    p.expectKw('default');
    always = false;
  }
  p.expectKw('as');
  if (p.acceptKw('identity')) {
    let options: SequenceOption[] = [];
    if (p.acceptOp('(')) {
      options = sequenceOptions(p);
      p.expectOp(')');
    }
    return { kind: 'identity', pos, name, always, options };
  }
  if (!always) p.fail();
  p.expectOp('(');
  const expr = parseExpr(p);
  p.expectOp(')');
  const stored = p.acceptKw('stored');
  if (!stored) p.acceptKw('virtual');
  return { kind: 'generated', pos, name, expr, stored };
}

function tableConstraint(p: Parser): TableConstraint {
  const pos = p.tok.pos;
  const name = p.acceptKw('constraint') ? p.colId() : null;
  let c: TableConstraint;
  if (p.acceptKws('primary', 'key')) {
    const columns = p.identList();
    const { include, options } = indexParameters(p);
    c = { kind: 'primaryKey', pos, name, columns, include, options, deferrable: false, initiallyDeferred: false };
  } else if (p.acceptKw('unique')) {
    const nullsNotDistinct = acceptNullsDistinct(p);
    const columns = p.identList();
    const { include, options } = indexParameters(p);
    c = { kind: 'unique', pos, name, columns, nullsNotDistinct, include, options, deferrable: false, initiallyDeferred: false };
  } else if (p.isKw('check')) {
    c = checkConstraint(p, pos, name);
  } else if (p.acceptKws('foreign', 'key')) {
    const columns = p.identList();
    c = references(p, pos, name, columns);
  } else {
    return p.fail();
  }
  const list: TableConstraint[] = [c];
  for (;;) {
    if (p.acceptKws('not', 'valid')) continue;
    if (!applyDeferral(p, list)) break;
  }
  return list[0]!;
}


// ---------------------------------------------------------------------------
// ALTER TABLE

export function alterTable(p: Parser, pos: number): AlterTable {
  p.expectKw('table');
  const ifExists = p.acceptKws('if', 'exists');
  const only = p.acceptKw('only');
  const table = p.qualifiedName();
  p.acceptOp('*');
  if (p.isKw('rename')) return { kind: 'alterTable', pos, table, ifExists, only, actions: [rename(p)] };
  const actions: AlterTableAction[] = [];
  do actions.push(alterTableAction(p));
  while (p.acceptOp(','));
  return { kind: 'alterTable', pos, table, ifExists, only, actions };
}

function rename(p: Parser): AlterTableAction {
  const pos = p.expectKw('rename').pos;
  if (p.acceptKw('to')) return { kind: 'renameTable', pos, newName: p.colId() };
  if (p.acceptKw('constraint')) {
    const constraint = p.ident();
    p.expectKw('to');
    return { kind: 'renameConstraint', pos, constraint, newName: p.colId() };
  }
  p.acceptKw('column');
  const column = p.ident();
  p.expectKw('to');
  return { kind: 'renameColumn', pos, column, newName: p.colId() };
}

function alterTableAction(p: Parser): AlterTableAction {
  const pos = p.tok.pos;
  if (p.acceptKw('add')) {
    if (isTableConstraintStart(p)) return { kind: 'addConstraint', pos, constraint: tableConstraint(p) };
    p.acceptKw('column');
    const ifNotExists = p.acceptKws('if', 'not', 'exists');
    return { kind: 'addColumn', pos, column: columnDef(p), ifNotExists };
  }
  if (p.acceptKw('drop')) {
    if (p.acceptKw('constraint')) {
      const ifExists = p.acceptKws('if', 'exists');
      const constraint = p.ident();
      return { kind: 'dropConstraint', pos, constraint, ifExists, cascade: acceptDropBehavior(p) };
    }
    p.acceptKw('column');
    const ifExists = p.acceptKws('if', 'exists');
    const column = p.ident();
    return { kind: 'dropColumn', pos, column, ifExists, cascade: acceptDropBehavior(p) };
  }
  if (p.acceptKw('alter')) {
    p.acceptKw('column');
    const column = p.ident();
    if (p.acceptKws('set', 'default')) return { kind: 'setDefault', pos, column, expr: parseExpr(p) };
    if (p.acceptKws('drop', 'default')) return { kind: 'dropDefault', pos, column };
    if (p.acceptKws('set', 'not', 'null')) return { kind: 'setNotNull', pos, column };
    if (p.acceptKws('drop', 'not', 'null')) return { kind: 'dropNotNull', pos, column };
    if (p.acceptKws('drop', 'identity')) return { kind: 'dropIdentity', pos, column, ifExists: p.acceptKws('if', 'exists') };
    if (p.acceptKw('add')) {
      const identity = generated(p, p.tok.pos, null);
      if (identity.kind !== 'identity') p.fail();
      return { kind: 'addIdentity', pos, column, identity };
    }
    if (p.acceptKws('set', 'data', 'type') || p.acceptKw('type')) {
      const type = parseTypeName(p);
      const collation = p.acceptKw('collate') ? p.qualifiedName() : null;
      const using = p.acceptKw('using') ? parseExpr(p) : null;
      return { kind: 'alterType', pos, column, type, collation, using };
    }
    return p.fail();
  }
  if (p.isKw('set') && p.isOpAt(1, '(')) {
    p.advance();
    return { kind: 'setOptions', pos, options: parseOptionList(p, true) };
  }
  if (p.isKw('reset') && p.isOpAt(1, '(')) {
    p.advance();
    return { kind: 'resetOptions', pos, names: parseOptionList(p, true).map((o) => o.name) };
  }
  return p.fail();
}
