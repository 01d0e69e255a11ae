// INSERT, UPDATE, DELETE (each possibly after WITH, which the caller parsed).

import type { Delete, Expr, IndexElem, Insert, OnConflict, SetClause, Update, WithClause } from './ast.ts';
import { parseIndexElems } from './parse-ddl.ts';
import { parseExpr } from './parse-expr.ts';
import { dmlAlias, isQueryStart, parseFromList, parseQuery, parseTargetList } from './parse-select.ts';
import type { Parser } from './parser-state.ts';

/** INSERT INTO ...; `pos` is where the statement starts (its WITH, if any). */
export function parseInsert(p: Parser, withClause: WithClause | null, pos: number): Insert {
  p.expectKw('insert');
  p.expectKw('into');
  const table = p.qualifiedName();
  const alias = p.acceptKw('as') ? p.colId() : null;
  let columns = null;
  if (p.isOp('(') && !isQueryStart(p, 1) && !p.isOpAt(1, '(')) columns = p.identList();
  let overriding: Insert['overriding'] = null;
  if (p.acceptKw('overriding')) {
    if (p.acceptKw('system')) overriding = 'system';
    else {
      p.expectKw('user');
      overriding = 'user';
    }
    p.expectKw('value');
  }
  let source = null;
  if (!p.acceptKws('default', 'values')) source = parseQuery(p);
  const onConflict = p.isKw('on') && p.isKwAt(1, 'conflict') ? parseOnConflict(p) : null;
  const returning = p.acceptKw('returning') ? parseTargetList(p) : [];
  return { kind: 'insert', pos, with: withClause, table, alias, columns, overriding, source, onConflict, returning };
}

function parseOnConflict(p: Parser): OnConflict {
  const pos = p.advance().pos;
  p.advance();
  let target: IndexElem[] | null = null;
  let targetWhere: Expr | null = null;
  let constraint: string | null = null;
  if (p.isOp('(')) {
    target = parseIndexElems(p);
    if (p.acceptKw('where')) targetWhere = parseExpr(p);
  } else if (p.acceptKws('on', 'constraint')) {
    constraint = p.colId();
  }
  p.expectKw('do');
  if (p.acceptKw('nothing')) {
    return { kind: 'onConflict', pos, target, targetWhere, constraint, action: 'nothing', set: [], where: null };
  }
  p.expectKw('update');
  p.expectKw('set');
  const set = parseSetClauses(p);
  const where = p.acceptKw('where') ? parseExpr(p) : null;
  return { kind: 'onConflict', pos, target, targetWhere, constraint, action: 'update', set, where };
}

/** `col = expr` and `(a, b) = row-or-subquery`, comma-separated. */
function parseSetClauses(p: Parser): SetClause[] {
  const clauses: SetClause[] = [];
  do {
    const pos = p.tok.pos;
    if (p.isOp('(')) {
      const columns = p.identList();
      p.expectOp('=');
      clauses.push({ kind: 'multiAssign', pos, columns, value: parseExpr(p) });
    } else {
      const column = p.ident();
      p.expectOp('=');
      clauses.push({ kind: 'assign', pos, column, value: parseExpr(p) });
    }
  } while (p.acceptOp(','));
  return clauses;
}

export function parseUpdate(p: Parser, withClause: WithClause | null, pos: number): Update {
  p.expectKw('update');
  const only = p.acceptKw('only');
  const table = p.qualifiedName();
  p.acceptOp('*');
  const alias = dmlAlias(p);
  p.expectKw('set');
  const set = parseSetClauses(p);
  const from = p.acceptKw('from') ? parseFromList(p) : [];
  const where = whereClause(p);
  const returning = p.acceptKw('returning') ? parseTargetList(p) : [];
  return { kind: 'update', pos, with: withClause, table, alias, only, set, from, where, returning };
}

export function parseDelete(p: Parser, withClause: WithClause | null, pos: number): Delete {
  p.expectKw('delete');
  p.expectKw('from');
  const only = p.acceptKw('only');
  const table = p.qualifiedName();
  p.acceptOp('*');
  const alias = dmlAlias(p);
  const using = p.acceptKw('using') ? parseFromList(p) : [];
  const where = whereClause(p);
  const returning = p.acceptKw('returning') ? parseTargetList(p) : [];
  return { kind: 'delete', pos, with: withClause, table, alias, only, using, where, returning };
}

function whereClause(p: Parser): Expr | null {
  if (!p.acceptKw('where')) return null;
  if (p.isKw('current') && p.isKwAt(1, 'of')) p.fail(); // WHERE CURRENT OF cursor: no cursors
  return parseExpr(p);
}
