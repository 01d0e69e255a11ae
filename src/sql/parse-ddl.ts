// DDL: the CREATE / ALTER dispatch; indexes, views, sequences, schemas and
// roles; DROP and TRUNCATE. Tables are in parse-table.ts.

import type {
  AlterRole,
  AlterSequence,
  CreateIndex,
  CreateRole,
  CreateSchema,
  CreateSequence,
  CreateView,
  Drop,
  DropRole,
  IndexElem,
  QualifiedName,
  RoleOption,
  SequenceOption,
  Statement,
  Truncate,
} from './ast.ts';
import { TK_IDENT, TK_STRING } from './lexer.ts';
import { parseExpr, primary } from './parse-expr.ts';
import { parseOptionList, signedNumber } from './parse-options.ts';
import { parseQuery } from './parse-select.ts';
import { acceptNullsDistinct, alterTable, createTable } from './parse-table.ts';
import { parseTypeName } from './parse-type.ts';
import type { Parser } from './parser-state.ts';

// ---------------------------------------------------------------------------
// CREATE

export function parseCreate(p: Parser): Statement {
  const pos = p.expectKw('create').pos;
  if (p.acceptKws('or', 'replace')) {
    const temporary = acceptTemporary(p);
    return createView(p, pos, true, temporary);
  }
  const temporary = acceptTemporary(p);
  const unlogged = !temporary && p.acceptKw('unlogged');
  if (p.isKw('table')) return createTable(p, pos, temporary, unlogged);
  if (p.isKw('sequence') && !unlogged) return createSequence(p, pos, temporary);
  if ((p.isKw('view') || p.isKw('recursive')) && !unlogged) return createView(p, pos, false, temporary);
  if (temporary || unlogged) p.fail();
  if (p.isKw('index')) return createIndex(p, pos, false);
  if (p.isKw('unique') && p.isKwAt(1, 'index')) {
    p.advance();
    return createIndex(p, pos, true);
  }
  if (p.isKw('schema')) return createSchema(p, pos);
  if (p.isKw('role') || p.isKw('user')) return createRole(p, pos);
  return p.fail();
}

/** TEMP | TEMPORARY | LOCAL TEMP | GLOBAL TEMP ... */
function acceptTemporary(p: Parser): boolean {
  if ((p.isKw('local') || p.isKw('global')) && (p.isKwAt(1, 'temp') || p.isKwAt(1, 'temporary'))) p.advance();
  return p.acceptKw('temp') || p.acceptKw('temporary');
}

// --- indexes

/** `(elem, ...)` of CREATE INDEX and ON CONFLICT. */
export function parseIndexElems(p: Parser): IndexElem[] {
  p.expectOp('(');
  const elems: IndexElem[] = [];
  do elems.push(indexElem(p));
  while (p.acceptOp(','));
  p.expectOp(')');
  return elems;
}

function indexElem(p: Parser): IndexElem {
  const pos = p.tok.pos;
  let column: string | null = null;
  let expr = null;
  if (p.isOp('(')) {
    p.advance();
    expr = parseExpr(p);
    p.expectOp(')');
  } else if (p.isOpAt(1, '(') || p.isOpAt(1, '.')) {
    expr = primary(p);
  } else {
    column = p.colId();
  }
  const collation = p.acceptKw('collate') ? p.qualifiedName() : null;
  let opclass: QualifiedName | null = null;
  if (p.isColId() && !(p.isKw('nulls') && (p.isKwAt(1, 'first') || p.isKwAt(1, 'last')))) opclass = p.qualifiedName();
  let desc = false;
  if (p.acceptKw('desc')) desc = true;
  else p.acceptKw('asc');
  let nulls: IndexElem['nulls'] = null;
  if (p.isKw('nulls') && (p.isKwAt(1, 'first') || p.isKwAt(1, 'last'))) {
    p.advance();
    nulls = p.advance().value === 'first' ? 'first' : 'last';
  }
  return { kind: 'indexElem', pos, column, expr, collation, opclass, desc, nulls };
}

function createIndex(p: Parser, pos: number, unique: boolean): CreateIndex {
  p.expectKw('index');
  const concurrently = p.acceptKw('concurrently');
  const ifNotExists = p.acceptKws('if', 'not', 'exists');
  const name = ifNotExists || !p.isKw('on') ? p.colId() : null;
  p.expectKw('on');
  p.acceptKw('only');
  const table = p.qualifiedName();
  const method = p.acceptKw('using') ? p.colId() : null;
  const elements = parseIndexElems(p);
  const include = p.acceptKw('include') ? p.identList() : [];
  const nullsNotDistinct = acceptNullsDistinct(p);
  const options = p.acceptKw('with') ? parseOptionList(p, true) : [];
  const where = p.acceptKw('where') ? parseExpr(p) : null;
  return {
    kind: 'createIndex',
    pos,
    name,
    table,
    unique,
    ifNotExists,
    concurrently,
    method,
    elements,
    include,
    nullsNotDistinct,
    options,
    where,
  };
}

// --- views, sequences, schemas

function createView(p: Parser, pos: number, orReplace: boolean, temporary: boolean): CreateView {
  const recursive = p.acceptKw('recursive');
  p.expectKw('view');
  const name = p.qualifiedName();
  const columns = p.isOp('(') ? p.nameList() : null;
  const options = p.acceptKw('with') ? parseOptionList(p, true) : [];
  p.expectKw('as');
  const start = p.tok.pos;
  const query = parseQuery(p);
  const definition = p.sql.slice(start, p.tokens[p.index - 1]!.end);
  let checkOption: CreateView['checkOption'] = null;
  if (p.isKw('with')) {
    p.advance();
    checkOption = 'cascaded';
    if (p.acceptKw('local')) checkOption = 'local';
    else p.acceptKw('cascaded');
    p.expectKw('check');
    p.expectKw('option');
  }
  return { kind: 'createView', pos, name, orReplace, temporary, recursive, columns, options, query, definition, checkOption };
}

/** Sequence options, as many as follow. */
export function sequenceOptions(p: Parser): SequenceOption[] {
  const options: SequenceOption[] = [];
  for (;;) {
    const pos = p.tok.pos;
    if (p.acceptKw('as')) options.push({ pos, option: 'as', type: parseTypeName(p) });
    else if (p.acceptKw('increment')) {
      p.acceptKw('by');
      options.push({ pos, option: 'increment', value: signedNumber(p) });
    } else if (p.acceptKw('start')) {
      p.acceptKw('with');
      options.push({ pos, option: 'start', value: signedNumber(p) });
    } else if (p.acceptKw('restart')) {
      p.acceptKw('with');
      const value = p.tok.kind === TK_IDENT || p.atStatementEnd() || p.isOp(')') || p.isOp(',') ? null : signedNumber(p);
      options.push({ pos, option: 'restart', value });
    } else if (p.acceptKw('minvalue')) options.push({ pos, option: 'minvalue', value: signedNumber(p) });
    else if (p.acceptKw('maxvalue')) options.push({ pos, option: 'maxvalue', value: signedNumber(p) });
    else if (p.acceptKw('cache')) options.push({ pos, option: 'cache', value: signedNumber(p) });
    else if (p.acceptKw('cycle')) options.push({ pos, option: 'cycle', value: true });
    else if (p.acceptKws('no', 'minvalue')) options.push({ pos, option: 'minvalue', value: null });
    else if (p.acceptKws('no', 'maxvalue')) options.push({ pos, option: 'maxvalue', value: null });
    else if (p.acceptKws('no', 'cycle')) options.push({ pos, option: 'cycle', value: false });
    else if (p.acceptKws('owned', 'by')) {
      if (p.acceptKw('none')) options.push({ pos, option: 'ownedBy', column: null });
      else options.push({ pos, option: 'ownedBy', column: p.dottedName().parts });
    } else if (p.acceptKws('sequence', 'name')) options.push({ pos, option: 'sequenceName', name: p.qualifiedName() });
    else return options;
  }
}

function createSequence(p: Parser, pos: number, temporary: boolean): CreateSequence {
  p.expectKw('sequence');
  const ifNotExists = p.acceptKws('if', 'not', 'exists');
  const name = p.qualifiedName();
  return { kind: 'createSequence', pos, name, ifNotExists, temporary, options: sequenceOptions(p) };
}

function alterSequence(p: Parser, pos: number): AlterSequence {
  p.expectKw('sequence');
  const ifExists = p.acceptKws('if', 'exists');
  const name = p.qualifiedName();
  const options = sequenceOptions(p);
  if (options.length === 0) p.fail();
  return { kind: 'alterSequence', pos, name, ifExists, options };
}

function createSchema(p: Parser, pos: number): CreateSchema {
  p.expectKw('schema');
  const ifNotExists = p.acceptKws('if', 'not', 'exists');
  if (p.acceptKw('authorization')) {
    const role = roleName(p);
    return { kind: 'createSchema', pos, name: role, ifNotExists, authorization: role };
  }
  const name = p.colId();
  const authorization = p.acceptKw('authorization') ? roleName(p) : null;
  return { kind: 'createSchema', pos, name, ifNotExists, authorization };
}

// --- roles

/** A role name: a non-reserved word, or CURRENT_USER / SESSION_USER / CURRENT_ROLE. */
function roleName(p: Parser): string {
  const t = p.tok;
  if (t.kind === TK_IDENT && (t.value === 'current_user' || t.value === 'session_user' || t.value === 'current_role')) {
    return p.advance().value;
  }
  if (!p.isColId()) p.fail();
  return p.advance().value;
}

function roleNames(p: Parser): string[] {
  const names = [roleName(p)];
  while (p.acceptOp(',')) names.push(roleName(p));
  return names;
}

const ROLE_FLAGS = ['superuser', 'createdb', 'createrole', 'inherit', 'login', 'replication', 'bypassrls'];

function roleOptions(p: Parser): RoleOption[] {
  p.acceptKw('with');
  const options: RoleOption[] = [];
  for (;;) {
    const t = p.tok;
    const pos = t.pos;
    if (t.kind !== TK_IDENT) break;
    const w = t.value;
    if (ROLE_FLAGS.includes(w)) {
      p.advance();
      options.push({ pos, name: w, value: true });
    } else if (w.startsWith('no') && ROLE_FLAGS.includes(w.slice(2))) {
      p.advance();
      options.push({ pos, name: w.slice(2), value: false });
    } else if (w === 'password' || ((w === 'encrypted' || w === 'unencrypted') && p.isKwAt(1, 'password'))) {
      if (w !== 'password') p.advance();
      p.advance();
      if (p.acceptKw('null')) options.push({ pos, name: 'password', value: null });
      else options.push({ pos, name: 'password', value: stringConstant(p) });
    } else if (w === 'connection' && p.isKwAt(1, 'limit')) {
      p.advance();
      p.advance();
      options.push({ pos, name: 'connectionLimit', value: signedNumber(p) });
    } else if (w === 'valid' && p.isKwAt(1, 'until')) {
      p.advance();
      p.advance();
      options.push({ pos, name: 'validUntil', value: stringConstant(p) });
    } else if (w === 'in' && (p.isKwAt(1, 'role') || p.isKwAt(1, 'group'))) {
      p.advance();
      p.advance();
      options.push({ pos, name: 'inRole', value: roleNames(p) });
    } else if (w === 'role' || w === 'user' || w === 'admin') {
      p.advance();
      options.push({ pos, name: w === 'admin' ? 'admin' : 'role', value: roleNames(p) });
    } else {
      break;
    }
  }
  return options;
}

function stringConstant(p: Parser): string {
  const t = p.tok;
  if (t.kind !== TK_STRING) p.fail();
  return p.advance().value;
}

function createRole(p: Parser, pos: number): CreateRole {
  const isUser = p.advance().value === 'user';
  const name = roleName(p);
  return { kind: 'createRole', pos, name, isUser, options: roleOptions(p) };
}

function alterRole(p: Parser, pos: number): AlterRole {
  p.advance();
  const name = roleName(p);
  if (p.acceptKw('rename')) {
    p.expectKw('to');
    if (!p.isColId()) p.fail();
    return { kind: 'alterRole', pos, name, options: [], renameTo: p.advance().value };
  }
  return { kind: 'alterRole', pos, name, options: roleOptions(p) };
}

// ---------------------------------------------------------------------------
// DROP, TRUNCATE

export function parseDrop(p: Parser): Drop | DropRole {
  const pos = p.expectKw('drop').pos;
  if (p.isKw('role') || p.isKw('user') || p.isKw('group')) {
    p.advance();
    const ifExists = p.acceptKws('if', 'exists');
    return { kind: 'dropRole', pos, names: roleNames(p), ifExists };
  }
  const t = p.tok;
  let objectType: Drop['objectType'];
  if (t.kind === TK_IDENT && (t.value === 'table' || t.value === 'view' || t.value === 'index' || t.value === 'sequence' || t.value === 'schema')) {
    objectType = t.value;
    p.advance();
  } else {
    return p.fail();
  }
  const concurrently = objectType === 'index' && p.acceptKw('concurrently');
  const ifExists = p.acceptKws('if', 'exists');
  const names: QualifiedName[] = [];
  do names.push(p.qualifiedName());
  while (p.acceptOp(','));
  const cascade = acceptDropBehavior(p);
  return { kind: 'drop', pos, objectType, names, ifExists, cascade, concurrently };
}

/** [CASCADE | RESTRICT]: true for CASCADE. */
export function acceptDropBehavior(p: Parser): boolean {
  if (p.acceptKw('cascade')) return true;
  p.acceptKw('restrict');
  return false;
}

export function parseTruncate(p: Parser): Truncate {
  const pos = p.expectKw('truncate').pos;
  p.acceptKw('table');
  const tables: QualifiedName[] = [];
  do {
    p.acceptKw('only');
    tables.push(p.qualifiedName());
    p.acceptOp('*');
  } while (p.acceptOp(','));
  let restartIdentity = false;
  if (p.acceptKws('restart', 'identity')) restartIdentity = true;
  else p.acceptKws('continue', 'identity');
  return { kind: 'truncate', pos, tables, restartIdentity, cascade: acceptDropBehavior(p) };
}

// ---------------------------------------------------------------------------
// ALTER

export function parseAlter(p: Parser): Statement {
  const pos = p.expectKw('alter').pos;
  if (p.isKw('table')) return alterTable(p, pos);
  if (p.isKw('sequence')) return alterSequence(p, pos);
  if (p.isKw('role') || p.isKw('user')) return alterRole(p, pos);
  return p.fail();
}
