// Queries: SELECT, VALUES, TABLE, set operations (INTERSECT binds tighter
// than UNION and EXCEPT), parenthesised queries, WITH, ORDER BY, LIMIT,
// OFFSET, FETCH, FOR UPDATE; select lists; FROM items and joins.

import type {
  Alias,
  CommonTableExpr,
  Expr,
  FromItem,
  GroupingItem,
  Ident,
  LockingClause,
  Query,
  QueryBody,
  ResultTarget,
  Select,
  SortBy,
  Statement,
  WindowDef,
  WithClause,
} from './ast.ts';
import { TK_IDENT, TK_OP } from './lexer.ts';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.ts';
import { isSqlValueFunction, parseExpr, parseExprList, primary } from './parse-expr.ts';
import { orderByClause, windowSpec } from './parse-func.ts';
import { MAX_NESTING_DEPTH, type Parser } from './parser-state.ts';

/** Whether the token `k` ahead starts a query: SELECT, VALUES, WITH or TABLE. */
export function isQueryStart(p: Parser, k: number): boolean {
  const t = p.peek(k);
  if (t.kind !== TK_IDENT) return false;
  const w = t.value;
  return w === 'select' || w === 'values' || w === 'with' || w === 'table';
}

/** A complete query, possibly parenthesised, with WITH and the trailing clauses. */
export function parseQuery(p: Parser): Query {
  p.enter();
  const pos = p.tok.pos;
  const withClause = p.isKw('with') ? parseWith(p) : null;
  const body = setExpr(p, 0);
  const query = queryTail(p, pos, withClause, body);
  p.leave();
  return query;
}

/**
 * WITH ... followed by SELECT, INSERT, UPDATE or DELETE, at the start of a
 * statement or of a common table expression.
 */
export function parseWithStatement(p: Parser): Statement {
  const pos = p.tok.pos;
  const withClause = parseWith(p);
  if (p.isKw('insert')) return parseInsert(p, withClause, pos);
  if (p.isKw('update')) return parseUpdate(p, withClause, pos);
  if (p.isKw('delete')) return parseDelete(p, withClause, pos);
  p.enter();
  const query = queryTail(p, pos, withClause, setExpr(p, 0));
  p.leave();
  return query;
}

/** Continues a query whose first operand, the parenthesised `first`, has been parsed. */
export function continueQuery(p: Parser, first: Query, pos: number): Query {
  p.enter();
  const query = queryTail(p, pos, null, setOperations(p, asBody(first), 0));
  p.leave();
  return query;
}

/** A parenthesised query without clauses of its own is just its body. */
function asBody(q: Query): QueryBody {
  if (q.with === null && q.orderBy.length === 0 && q.limit === null && q.offset === null && q.locking.length === 0) {
    return q.body;
  }
  return q;
}

function setPrecedence(p: Parser): number {
  const t = p.tok;
  if (t.kind !== TK_IDENT) return 0;
  if (t.value === 'union' || t.value === 'except') return 1;
  if (t.value === 'intersect') return 2;
  return 0;
}

function setExpr(p: Parser, minPrec: number): QueryBody {
  return setOperations(p, setPrimary(p), minPrec);
}

function setOperations(p: Parser, first: QueryBody, minPrec: number): QueryBody {
  let left = first;
  const baseDepth = p.depth;
  for (;;) {
    const prec = setPrecedence(p);
    if (prec === 0 || prec < minPrec) break;
    p.enter();
    const t = p.advance();
    let all = false;
    if (p.acceptKw('all')) all = true;
    else p.acceptKw('distinct');
    const right = setExpr(p, prec + 1);
    left = { kind: 'setOp', pos: t.pos, op: t.value as 'union' | 'intersect' | 'except', all, left, right };
  }
  p.depth = baseDepth;
  return left;
}

function setPrimary(p: Parser): QueryBody {
  const t = p.tok;
  if (t.kind === TK_OP && t.value === '(') {
    p.advance();
    const inner = parseQuery(p);
    p.expectOp(')');
    return asBody(inner);
  }
  if (t.kind === TK_IDENT) {
    switch (t.value) {
      case 'select':
        return selectCore(p);
      case 'values':
        return valuesBody(p);
      case 'table': {
        p.advance();
        const name = p.qualifiedName();
        return {
          kind: 'select',
          pos: t.pos,
          distinct: false,
          distinctOn: null,
          targets: [{ kind: 'target', pos: t.pos, expr: { kind: 'star', pos: t.pos, table: null }, alias: null }],
          from: [{ kind: 'tableRef', pos: name.pos, name, alias: null, only: false }],
          where: null,
          groupBy: [],
          having: null,
          windows: [],
        };
      }
    }
  }
  return p.fail();
}

function valuesBody(p: Parser): QueryBody {
  const pos = p.expectKw('values').pos;
  const rows: Expr[][] = [];
  do {
    p.expectOp('(');
    rows.push(parseExprList(p));
    p.expectOp(')');
  } while (p.acceptOp(','));
  return { kind: 'values', pos, rows };
}

/** ORDER BY, LIMIT / OFFSET / FETCH and locking clauses after a query body. */
function queryTail(p: Parser, pos: number, withClause: WithClause | null, body: QueryBody): Query {
  const orderBy: SortBy[] = p.isKw('order') ? orderByClause(p) : [];
  let limit: Expr | null = null;
  let offset: Expr | null = null;
  let withTies = false;
  let sawLimit = false;
  let sawOffset = false;
  const locking: LockingClause[] = [];
  for (;;) {
    if (p.isKw('limit') && !sawLimit) {
      const limitPos = p.advance().pos;
      sawLimit = true;
      if (!p.acceptKw('all')) limit = parseExpr(p);
      if (p.isOp(',')) p.failWith(limitPos, 'LIMIT #,# syntax is not supported');
    } else if (p.isKw('offset') && !sawOffset) {
      p.advance();
      sawOffset = true;
      offset = parseExpr(p);
      if (!p.acceptKw('row')) p.acceptKw('rows');
    } else if (p.isKw('fetch') && !sawLimit) {
      p.advance();
      sawLimit = true;
      if (!p.acceptKw('first')) p.expectKw('next');
      if (p.isKw('row') || p.isKw('rows')) limit = { kind: 'number', pos: p.tok.pos, text: '1', form: 'integer' };
      else limit = parseExpr(p);
      if (!p.acceptKw('row')) p.expectKw('rows');
      if (p.acceptKw('with')) {
        p.expectKw('ties');
        withTies = true;
      } else {
        p.expectKw('only');
      }
    } else if (p.isKw('for')) {
      const clause = lockingClause(p);
      if (clause !== null) locking.push(clause);
    } else {
      break;
    }
  }
  if (withClause === null && orderBy.length === 0 && limit === null && offset === null && locking.length === 0 && body.kind === 'query') {
    return body; // `((SELECT ... LIMIT 1))`: the outer parentheses add nothing
  }
  return { kind: 'query', pos, with: withClause, body, orderBy, limit, withTies, offset, locking };
}

function lockingClause(p: Parser): LockingClause | null {
  const pos = p.expectKw('for').pos;
  let strength: LockingClause['strength'];
  if (p.acceptKw('update')) strength = 'update';
  else if (p.acceptKw('share')) strength = 'share';
  else if (p.acceptKws('no', 'key', 'update')) strength = 'noKeyUpdate';
  else if (p.acceptKws('key', 'share')) strength = 'keyShare';
  else if (p.acceptKws('read', 'only')) return null;
  else return p.fail();
  const tables = [];
  if (p.acceptKw('of')) {
    do tables.push(p.qualifiedName());
    while (p.acceptOp(','));
  }
  let wait: LockingClause['wait'] = 'block';
  if (p.acceptKw('nowait')) wait = 'nowait';
  else if (p.acceptKws('skip', 'locked')) wait = 'skipLocked';
  return { pos, strength, tables, wait };
}

/** WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (statement), ... */
export function parseWith(p: Parser): WithClause {
  const pos = p.expectKw('with').pos;
  const recursive = p.acceptKw('recursive');
  const ctes: CommonTableExpr[] = [];
  do {
    const ctePos = p.tok.pos;
    const name = p.colId();
    const columns = p.isOp('(') ? p.nameList() : null;
    p.expectKw('as');
    let materialized: boolean | null = null;
    if (p.acceptKw('materialized')) materialized = true;
    else if (p.acceptKws('not', 'materialized')) materialized = false;
    p.expectOp('(');
    p.enter();
    let query: CommonTableExpr['query'];
    const stmtPos = p.tok.pos;
    if (p.isKw('insert')) query = parseInsert(p, null, stmtPos);
    else if (p.isKw('update')) query = parseUpdate(p, null, stmtPos);
    else if (p.isKw('delete')) query = parseDelete(p, null, stmtPos);
    else query = parseQuery(p);
    p.leave();
    p.expectOp(')');
    ctes.push({ kind: 'cte', pos: ctePos, name, columns, materialized, query });
  } while (p.acceptOp(','));
  return { kind: 'with', pos, recursive, ctes };
}

const EMPTY_TARGETS_BEFORE = new Set([
  'from', 'where', 'group', 'having', 'window', 'order', 'limit', 'offset', 'fetch', 'for', 'union', 'intersect',
  'except', 'into',
]);

function selectCore(p: Parser): Select {
  const pos = p.expectKw('select').pos;
  let distinct = false;
  let distinctOn: Expr[] | null = null;
  if (p.acceptKw('distinct')) {
    distinct = true;
    if (p.acceptKw('on')) {
      p.expectOp('(');
      distinctOn = parseExprList(p);
      p.expectOp(')');
    }
  } else {
    p.acceptKw('all');
  }
  const t = p.tok;
  const empty = p.atStatementEnd() || p.isOp(')') || (t.kind === TK_IDENT && EMPTY_TARGETS_BEFORE.has(t.value));
  const targets = empty ? [] : parseTargetList(p);
  if (p.isKw('into')) p.fail(); // SELECT INTO is not supported: use CREATE TABLE AS.
  const from = p.acceptKw('from') ? parseFromList(p) : [];
  const where = p.acceptKw('where') ? parseExpr(p) : null;
  let groupBy: GroupingItem[] = [];
  if (p.isKw('group')) {
    p.advance();
    p.expectKw('by');
    groupBy = groupingItems(p);
  }
  const having = p.acceptKw('having') ? parseExpr(p) : null;
  const windows: WindowDef[] = [];
  if (p.acceptKw('window')) {
    do {
      const windowPos = p.tok.pos;
      const name = p.colId();
      p.expectKw('as');
      windows.push({ pos: windowPos, name, spec: windowSpec(p) });
    } while (p.acceptOp(','));
  }
  return { kind: 'select', pos, distinct, distinctOn, targets, from, where, groupBy, having, windows };
}

function groupingItems(p: Parser): GroupingItem[] {
  const items: GroupingItem[] = [];
  do items.push(groupingItem(p));
  while (p.acceptOp(','));
  return items;
}

function groupingItem(p: Parser): GroupingItem {
  const pos = p.tok.pos;
  if (p.isOp('(') && p.isOpAt(1, ')')) {
    p.advance();
    p.advance();
    return { kind: 'groupingSet', pos, type: 'empty', items: [] };
  }
  if ((p.isKw('rollup') || p.isKw('cube')) && p.isOpAt(1, '(')) {
    const type = p.advance().value === 'rollup' ? 'rollup' : 'cube';
    p.advance();
    const items = parseExprList(p);
    p.expectOp(')');
    return { kind: 'groupingSet', pos, type, items };
  }
  if (p.isKw('grouping') && p.isKwAt(1, 'sets')) {
    p.advance();
    p.advance();
    p.expectOp('(');
    p.enter();
    const items = groupingItems(p);
    p.leave();
    p.expectOp(')');
    return { kind: 'groupingSet', pos, type: 'sets', items };
  }
  return parseExpr(p);
}

/** A select or RETURNING list: `expr [[AS] alias]`, `*`, `t.*`. */
export function parseTargetList(p: Parser): ResultTarget[] {
  const targets: ResultTarget[] = [];
  do {
    const t = p.tok;
    if (t.kind === TK_OP && t.value === '*') {
      p.advance();
      targets.push({ kind: 'target', pos: t.pos, expr: { kind: 'star', pos: t.pos, table: null }, alias: null });
      continue;
    }
    const expr = parseExpr(p);
    let alias: string | null = null;
    if (expr.kind !== 'star') {
      if (p.acceptKw('as')) alias = p.colLabel();
      else if (p.isBareLabel()) alias = p.advance().value;
    }
    targets.push({ kind: 'target', pos: t.pos, expr, alias });
  } while (p.acceptOp(','));
  return targets;
}

/** FROM's comma-separated items. */
export function parseFromList(p: Parser): FromItem[] {
  const items: FromItem[] = [];
  do items.push(fromItem(p));
  while (p.acceptOp(','));
  return items;
}

/** A FROM item with its joins, left-associative. */
function fromItem(p: Parser): FromItem {
  p.enter();
  const baseDepth = p.depth;
  let left = fromPrimary(p);
  for (;;) {
    const pos = p.tok.pos;
    const start = p.index;
    let type: 'inner' | 'left' | 'right' | 'full' | 'cross';
    let natural = false;
    if (p.isKw('cross') && p.isKwAt(1, 'join')) {
      p.advance();
      type = 'cross';
    } else {
      natural = p.acceptKw('natural');
      if (p.acceptKw('inner')) type = 'inner';
      else if (p.isKw('left') || p.isKw('right') || p.isKw('full')) {
        type = p.advance().value as 'left' | 'right' | 'full';
        p.acceptKw('outer');
      } else type = 'inner';
      if (!p.isKw('join')) {
        if (p.index !== start) p.fail();
        break;
      }
    }
    p.expectKw('join');
    p.enter();
    const right = fromPrimary(p);
    let on: Expr | null = null;
    let using: Ident[] | null = null;
    let usingAlias: string | null = null;
    if (type !== 'cross' && !natural) {
      if (p.acceptKw('on')) on = parseExpr(p);
      else if (p.acceptKw('using')) {
        using = p.identList();
        if (p.acceptKw('as')) usingAlias = p.colId();
      } else p.fail();
    }
    left = { kind: 'join', pos, type, natural, left, right, on, using, usingAlias, alias: null };
  }
  p.depth = baseDepth;
  p.leave();
  return left;
}

/** Whether a function call starts here: name ('.' name)* '('. */
function isFunctionStart(p: Parser): boolean {
  if (!p.isTypeFuncName() && !p.isColId()) return false;
  let k = 1;
  while (p.isOpAt(k, '.') && p.isLabel(p.peek(k + 1))) k += 2;
  return p.isOpAt(k, '(');
}

function fromPrimary(p: Parser): FromItem {
  const pos = p.tok.pos;
  const lateral = p.acceptKw('lateral');
  if (p.isOp('(')) {
    // `((SELECT ...))` or `((a JOIN b))`: look past the parentheses (boundedly: deeper fails anyway).
    let k = 1;
    while (k < MAX_NESTING_DEPTH && p.isOpAt(k, '(')) k++;
    if (isQueryStart(p, k)) {
      const query = parseQuery(p);
      return { kind: 'subqueryRef', pos, query, alias: optionalAlias(p), lateral };
    }
    if (lateral) p.fail();
    p.advance();
    p.enter();
    const inner = fromItem(p);
    p.leave();
    p.expectOp(')');
    const alias = optionalAlias(p);
    if (alias === null) return inner;
    if (inner.kind === 'join' && inner.alias === null) return { ...inner, alias };
    return p.fail();
  }
  if (isSqlValueFunction(p) || isFunctionStart(p)) {
    const call = primary(p);
    if (call.kind !== 'funcCall' && call.kind !== 'sqlValueFunction') return p.fail();
    const ordinality = p.acceptKws('with', 'ordinality');
    return { kind: 'functionRef', pos, call, alias: optionalAlias(p), lateral, ordinality };
  }
  if (lateral) p.fail();
  const only = p.acceptKw('only');
  const name = p.qualifiedName();
  p.acceptOp('*'); // `t *`: include descendant tables, the default
  return { kind: 'tableRef', pos, name, alias: optionalAlias(p), only };
}

/** `[AS] alias [(col, ...)]` after a FROM item, or null. Without AS, the alias must be a ColId. */
function optionalAlias(p: Parser): Alias | null {
  const pos = p.tok.pos;
  let name: string;
  if (p.acceptKw('as')) name = p.colId();
  else if (p.isColId()) name = p.advance().value;
  else return null;
  const columns = p.isOp('(') ? p.nameList() : null;
  return { name, columns, pos };
}

/** An UPDATE / DELETE target's alias: `[AS] alias`, where a bare alias may not be SET. */
export function dmlAlias(p: Parser): string | null {
  if (p.acceptKw('as')) return p.colId();
  const t = p.tok;
  if (p.isColId() && !(t.kind === TK_IDENT && t.value === 'set')) return p.advance().value;
  return null;
}
