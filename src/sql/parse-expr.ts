// Expressions: precedence climbing over PostgreSQL's operator precedence
// (gram.y), lowest first:
//
//   OR  <  AND  <  NOT  <  IS, ISNULL, NOTNULL  <  = <> < > <= >=
//   <  BETWEEN, IN, LIKE, ILIKE, SIMILAR  <  other operators (||, ->, @>, ~, ...)
//   <  + -  <  * / %  <  ^  <  AT TIME ZONE  <  COLLATE  <  unary + -
//   <  [ ] subscripts  <  :: casts
//
// IS, the comparisons and the BETWEEN group are non-associative (`a < b < c`
// is a syntax error, as in PostgreSQL); the others are left-associative.
// So `-2 ^ 2` is `(-2) ^ 2`, `'a' || 'b' = 'ab'` is `('a' || 'b') = 'ab'`, and
// `NOT a = b` is `NOT (a = b)`.
//
// "Restricted" expressions are PostgreSQL's b_expr: no AND/OR/NOT, IS NULL,
// LIKE, IN, BETWEEN, COLLATE or AT TIME ZONE at the top level. They are used
// where the following keywords would otherwise be ambiguous: a column's
// DEFAULT (`DEFAULT 0 NOT NULL`), POSITION(a IN b), BETWEEN's lower bound.

import { FlintError } from '../errors.ts';
import type { CaseWhen, Expr, NumberLiteral, Query, TypeName } from './ast.ts';
import { KW_RESERVED, KW_TYPE_FUNC, keywordCategory } from './keywords.ts';
import {
  NUM_DECIMAL,
  NUM_INTEGER,
  TK_BITSTRING,
  TK_IDENT,
  TK_NUMBER,
  TK_OP,
  TK_PARAM,
  TK_QIDENT,
  TK_STRING,
  type Token,
} from './lexer.ts';
import { funcCall, specialFunction } from './parse-func.ts';
import { isQueryStart, parseQuery, continueQuery } from './parse-select.ts';
import { KEYWORD_TYPES, parseIntervalFields, parseTypeName } from './parse-type.ts';
import type { Parser } from './parser-state.ts';

const P_OR = 1;
const P_AND = 2;
const P_NOT = 3;
const P_IS = 4;
const P_CMP = 5;
const P_LIKE = 6; // BETWEEN IN LIKE ILIKE SIMILAR
const P_OP = 8;
const P_ADD = 9;
const P_MUL = 10;
const P_EXP = 11;
const P_AT = 12;
const P_COLLATE = 13;
const P_UNARY = 14;
const P_SUBSCRIPT = 15;
const P_CAST = 16;

/** Operator tokens that are punctuation, not operators. */
const NOT_OPERATORS = new Set([',', '(', ')', ';', ']', ':', '.', '=>', ':=']);

function opPrecedence(op: string): number {
  switch (op) {
    case '=':
    case '<':
    case '>':
    case '<=':
    case '>=':
    case '<>':
      return P_CMP;
    case '+':
    case '-':
      return P_ADD;
    case '*':
    case '/':
    case '%':
      return P_MUL;
    case '^':
      return P_EXP;
    case '::':
      return P_CAST;
    case '[':
      return P_SUBSCRIPT;
    default:
      return NOT_OPERATORS.has(op) ? 0 : P_OP;
  }
}

/** Precedence of the current token as an infix or postfix operator, or 0. */
function infixPrecedence(p: Parser): number {
  const t = p.tok;
  if (t.kind === TK_OP) return opPrecedence(t.value);
  if (t.kind !== TK_IDENT) return 0;
  switch (t.value) {
    case 'or':
      return P_OR;
    case 'and':
      return P_AND;
    case 'is':
    case 'isnull':
    case 'notnull':
      return P_IS;
    case 'between':
    case 'in':
    case 'like':
    case 'ilike':
      return P_LIKE;
    case 'similar':
      return p.isKwAt(1, 'to') ? P_LIKE : 0;
    case 'not': {
      const next = p.peek(1);
      if (next.kind !== TK_IDENT) return 0;
      const w = next.value;
      return w === 'in' || w === 'like' || w === 'ilike' || w === 'between' || (w === 'similar' && p.isKwAt(2, 'to')) ? P_LIKE : 0;
    }
    case 'at':
      return (p.isKwAt(1, 'time') && p.isKwAt(2, 'zone')) || p.isKwAt(1, 'local') ? P_AT : 0;
    case 'collate':
      return P_COLLATE;
    case 'operator':
      return p.isOpAt(1, '(') ? P_OP : 0;
    default:
      return 0;
  }
}

/**
 * `OPERATOR(schema.op)` (psql writes `OPERATOR(pg_catalog.~)`), with the
 * cursor at OPERATOR: returns the operator. The schema is dropped: every
 * operator is built in.
 */
function explicitOperator(p: Parser): string {
  p.advance();
  p.expectOp('(');
  while (p.isColId() && p.isOpAt(1, '.')) {
    p.advance();
    p.advance();
  }
  const t = p.tok;
  if (t.kind !== TK_OP || NOT_OPERATORS.has(t.value) || t.value === '(' || t.value === '[' || t.value === '::') p.fail();
  p.advance();
  p.expectOp(')');
  return t.value;
}

/** A full expression (PostgreSQL's a_expr). */
export function parseExpr(p: Parser): Expr {
  return expr(p, 0, false);
}

/** A restricted expression (PostgreSQL's b_expr): see the top of this file. */
export function parseRestrictedExpr(p: Parser): Expr {
  return expr(p, 0, true);
}

/** `expr, expr, ...` */
export function parseExprList(p: Parser): Expr[] {
  const list = [parseExpr(p)];
  while (p.acceptOp(',')) list.push(parseExpr(p));
  return list;
}

function expr(p: Parser, minPrec: number, restricted: boolean): Expr {
  p.enter();
  const baseDepth = p.depth;
  let left = prefix(p, restricted);
  let nonassoc = 0;
  for (;;) {
    const prec = infixPrecedence(p);
    if (prec === 0 || prec < minPrec) break;
    const t = p.tok;
    if (restricted && !allowedRestricted(p, prec)) break;
    if (prec === nonassoc) p.fail(t);
    // Every operator applied deepens the tree by one; count it like a nesting level.
    if (prec !== P_AND && prec !== P_OR) p.enter();
    switch (prec) {
      case P_OR:
      case P_AND:
        left = boolChain(p, left, prec, restricted);
        nonassoc = 0;
        break;
      case P_IS:
        left = isClause(p, left, restricted);
        nonassoc = P_IS;
        break;
      case P_LIKE:
        left = likeGroup(p, left);
        nonassoc = P_LIKE;
        break;
      case P_AT: {
        p.advance();
        let zone: Expr | null = null;
        if (p.acceptKw('local')) zone = null;
        else {
          p.advance();
          p.advance();
          zone = expr(p, P_AT + 1, restricted);
        }
        left = { kind: 'atTimeZone', pos: t.pos, arg: left, zone };
        nonassoc = 0;
        break;
      }
      case P_COLLATE: {
        p.advance();
        left = { kind: 'collate', pos: t.pos, arg: left, collation: p.qualifiedName() };
        nonassoc = 0;
        break;
      }
      case P_CAST:
        p.advance();
        left = { kind: 'cast', pos: t.pos, arg: left, type: parseTypeName(p), syntax: 'operator' };
        break;
      case P_SUBSCRIPT:
        left = subscript(p, left);
        break;
      default: {
        // Binary operators: comparison (non-associative) and the rest (left-associative).
        const op = t.kind === TK_IDENT ? explicitOperator(p) : p.advance().value;
        if ((p.isKw('any') || p.isKw('some') || p.isKw('all')) && p.isOpAt(1, '(')) {
          left = quantified(p, left, op, t.pos);
        } else {
          const right = expr(p, prec + 1, restricted);
          left = { kind: 'binaryOp', pos: t.pos, op, left, right };
        }
        nonassoc = prec === P_CMP ? P_CMP : 0;
      }
    }
  }
  p.depth = baseDepth;
  p.leave();
  return left;
}

function allowedRestricted(p: Parser, prec: number): boolean {
  if (prec === P_IS) return p.isKw('is') && (p.isKwAt(1, 'distinct') || (p.isKwAt(1, 'not') && p.isKwAt(2, 'distinct')));
  return prec >= P_CMP && prec !== P_LIKE && prec !== P_AT && prec !== P_COLLATE;
}

/** `left AND b AND c ...` (or OR), flattened into one node. */
function boolChain(p: Parser, left: Expr, prec: number, restricted: boolean): Expr {
  const kind = prec === P_AND ? 'and' : 'or';
  const pos = p.tok.pos;
  const args: Expr[] = left.kind === kind ? [...left.args] : [left];
  while (p.isKw(kind)) {
    p.advance();
    const right = expr(p, prec + 1, restricted);
    if (right.kind === kind) args.push(...right.args);
    else args.push(right);
  }
  return { kind, pos, args };
}

/** IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x, ISNULL, NOTNULL. */
function isClause(p: Parser, left: Expr, restricted: boolean): Expr {
  const t = p.advance();
  if (t.value === 'isnull') return { kind: 'isNull', pos: t.pos, arg: left, not: false };
  if (t.value === 'notnull') return { kind: 'isNull', pos: t.pos, arg: left, not: true };
  const not = p.acceptKw('not');
  const w = p.tok;
  if (w.kind === TK_IDENT) {
    switch (w.value) {
      case 'null':
        p.advance();
        return { kind: 'isNull', pos: t.pos, arg: left, not };
      case 'true':
      case 'false':
      case 'unknown':
        p.advance();
        return { kind: 'isBool', pos: t.pos, arg: left, value: w.value === 'unknown' ? null : w.value === 'true', not };
      case 'distinct': {
        p.advance();
        p.expectKw('from');
        const right = expr(p, P_IS + 1, restricted);
        return { kind: 'isDistinctFrom', pos: t.pos, left, right, not };
      }
    }
  }
  return p.fail();
}

/** [NOT] BETWEEN | IN | LIKE | ILIKE | SIMILAR TO. */
function likeGroup(p: Parser, left: Expr): Expr {
  const not = p.acceptKw('not');
  const t = p.advance();
  const pos = t.pos;
  switch (t.value) {
    case 'between': {
      let symmetric = false;
      if (p.acceptKw('symmetric')) symmetric = true;
      else p.acceptKw('asymmetric');
      const low = expr(p, P_LIKE + 1, true);
      p.expectKw('and');
      const high = expr(p, P_LIKE + 1, false);
      return { kind: 'between', pos, arg: left, low, high, not, symmetric };
    }
    case 'in': {
      const open = p.expectOp('(');
      if (isQueryStart(p, 0)) {
        const query = parseQuery(p);
        p.expectOp(')');
        return { kind: 'inSubquery', pos, arg: left, query, not };
      }
      if (p.isOp(')')) p.fail(); // `x IN ()` is SQLite, not PostgreSQL
      const list = parseExprList(p);
      p.expectOp(')');
      const only = list[0]!;
      // `x IN ((SELECT ...))`: PostgreSQL reads a parenthesised select, not a one-item list.
      if (list.length === 1 && only.kind === 'subquery' && only.pos > open.pos) {
        return { kind: 'inSubquery', pos, arg: left, query: only.query, not };
      }
      return { kind: 'inList', pos, arg: left, list, not };
    }
    default: {
      let op: 'like' | 'ilike' | 'similar' = 'like';
      if (t.value === 'ilike') op = 'ilike';
      else if (t.value === 'similar') {
        p.expectKw('to');
        op = 'similar';
      }
      if (op !== 'similar' && (p.isKw('any') || p.isKw('some') || p.isKw('all')) && p.isOpAt(1, '(')) {
        return quantified(p, left, not ? `not ${op}` : op, pos);
      }
      const pattern = expr(p, P_LIKE + 1, false);
      const escape = p.acceptKw('escape') ? expr(p, P_LIKE + 1, false) : null;
      return { kind: 'like', pos, op, arg: left, pattern, escape, not };
    }
  }
}

/** `left op ANY|SOME|ALL (subquery | array)`; the current token is the quantifier. */
function quantified(p: Parser, left: Expr, op: string, pos: number): Expr {
  const quantifier = p.advance().value === 'all' ? 'all' : 'any';
  p.expectOp('(');
  let subquery: Query | null = null;
  let array: Expr | null = null;
  if (isQueryStart(p, 0)) subquery = parseQuery(p);
  else array = parseExpr(p);
  p.expectOp(')');
  return { kind: 'quantified', pos, op, quantifier, left, subquery, array };
}

/** `arg[i]` or `arg[lo:hi]`. */
function subscript(p: Parser, arg: Expr): Expr {
  const pos = p.advance().pos;
  let lower: Expr | null = null;
  let upper: Expr | null = null;
  let slice = false;
  if (!p.isOp(':')) lower = parseExpr(p);
  if (p.acceptOp(':')) {
    slice = true;
    if (!p.isOp(']')) upper = parseExpr(p);
  }
  p.expectOp(']');
  return { kind: 'subscript', pos, arg, lower, upper, slice };
}

/** Prefix operators, then a primary expression. */
function prefix(p: Parser, restricted: boolean): Expr {
  const t = p.tok;
  if (t.kind === TK_OP) {
    const op = t.value;
    if (op === '-' || op === '+') {
      p.advance();
      const operand = expr(p, P_UNARY, restricted);
      if (op === '-' && operand.kind === 'number') return negate(operand, t.pos);
      return { kind: 'unaryOp', pos: t.pos, op, operand };
    }
    if (op !== '?' && op !== '(' && op !== '[' && opPrecedence(op) === P_OP) {
      p.advance();
      return { kind: 'unaryOp', pos: t.pos, op, operand: expr(p, P_OP + 1, restricted) };
    }
  } else if (t.kind === TK_IDENT && t.value === 'not' && !restricted) {
    p.advance();
    return { kind: 'not', pos: t.pos, arg: expr(p, P_NOT, false) };
  } else if (t.kind === TK_IDENT && t.value === 'operator' && p.isOpAt(1, '(')) {
    const op = explicitOperator(p);
    const operand = expr(p, op === '-' || op === '+' ? P_UNARY : P_OP + 1, restricted);
    return { kind: 'unaryOp', pos: t.pos, op, operand };
  }
  return primary(p);
}

/** `-` applied to a constant is folded into it, as PostgreSQL's doNegate does. */
function negate(n: NumberLiteral, pos: number): NumberLiteral {
  const text = n.text.startsWith('-') ? n.text.slice(1) : `-${n.text}`;
  return { kind: 'number', pos, text, form: n.form };
}

function numberForm(flag: number): NumberLiteral['form'] {
  return flag === NUM_INTEGER ? 'integer' : flag === NUM_DECIMAL ? 'decimal' : 'exponent';
}

/** A primary expression (PostgreSQL's c_expr and func_expr). */
export function primary(p: Parser): Expr {
  const t = p.tok;
  switch (t.kind) {
    case TK_NUMBER:
      p.advance();
      return { kind: 'number', pos: t.pos, text: t.value, form: numberForm(t.flag) };
    case TK_STRING:
      p.advance();
      return { kind: 'string', pos: t.pos, value: t.value };
    case TK_BITSTRING:
      p.advance();
      return { kind: 'bitString', pos: t.pos, value: t.value, hex: t.flag === 1 };
    case TK_PARAM:
      p.advance();
      return { kind: 'param', pos: t.pos, index: t.flag };
    case TK_OP:
      if (t.value === '(') return parenthesized(p);
      if (t.value === '?') {
        p.advance();
        return { kind: 'param', pos: t.pos, index: ++p.questionMarks };
      }
      return p.fail();
    case TK_QIDENT:
      return namePath(p);
    case TK_IDENT:
      return keywordOrName(p, t);
    default:
      return p.fail();
  }
}

/** `(expr)`, `(a, b)` (a row), `(SELECT ...)` (a scalar subquery), then `.field` selections. */
function parenthesized(p: Parser): Expr {
  const open = p.tok;
  p.enter();
  let result: Expr;
  if (isQueryStart(p, 1)) {
    p.advance();
    const query = parseQuery(p);
    p.expectOp(')');
    result = { kind: 'subquery', pos: open.pos, query };
  } else {
    p.advance();
    const first = parseExpr(p);
    if (p.isOp(',')) {
      const fields = [first];
      while (p.acceptOp(',')) fields.push(parseExpr(p));
      p.expectOp(')');
      result = { kind: 'row', pos: open.pos, fields, explicit: false };
    } else if (first.kind === 'subquery' && isQueryContinuation(p)) {
      // ((SELECT 1) UNION SELECT 2): the inner parenthesised select starts a longer query.
      const query = continueQuery(p, first.query, first.pos);
      p.expectOp(')');
      result = { kind: 'subquery', pos: open.pos, query };
    } else {
      p.expectOp(')');
      result = first;
    }
  }
  while (p.isOp('.') && (p.isLabel(p.peek(1)) || p.isOpAt(1, '*'))) {
    p.advance();
    const field = p.advance();
    result = { kind: 'fieldSelect', pos: field.pos, arg: result, field: field.kind === TK_OP ? '*' : field.value };
  }
  p.leave();
  return result;
}

function isQueryContinuation(p: Parser): boolean {
  const t = p.tok;
  if (t.kind !== TK_IDENT) return false;
  const w = t.value;
  return w === 'union' || w === 'intersect' || w === 'except' || w === 'order' || w === 'limit' || w === 'offset' || w === 'fetch' || w === 'for';
}

const SQL_VALUE_FUNCTIONS = new Set([
  'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_role', 'current_user',
  'session_user', 'system_user', 'user', 'current_catalog',
]);
const WITH_PRECISION = new Set(['current_time', 'current_timestamp', 'localtime', 'localtimestamp']);

/** Whether an IDENT token starts a SQL value function (CURRENT_DATE, ...) usable as a FROM item. */
export function isSqlValueFunction(p: Parser): boolean {
  const t = p.tok;
  return t.kind === TK_IDENT && (SQL_VALUE_FUNCTIONS.has(t.value) || (t.value === 'current_schema' && !p.isOpAt(1, '(')));
}

function keywordOrName(p: Parser, t: Token): Expr {
  const w = t.value;
  const category = keywordCategory(w);
  if (category === 0) {
    if (w === 'double' && p.isKwAt(1, 'precision')) return typedLiteral(p, t) ?? p.fail(p.peek(1));
    return namePath(p);
  }
  if (category === KW_RESERVED) return reservedPrimary(p, t);
  if (category === KW_TYPE_FUNC) {
    if (w === 'current_schema' && !p.isOpAt(1, '(')) {
      p.advance();
      return { kind: 'sqlValueFunction', pos: t.pos, name: w, precision: null };
    }
    // LEFT(s, 1) and friends: a function name, never a column.
    if (!p.isOpAt(1, '(')) p.fail();
    p.advance();
    return funcCall(p, null, w, t.pos);
  }
  // A col_name keyword: special syntax before '(' (or a string), else a column name.
  if (KEYWORD_TYPES.has(w)) {
    const literal = typedLiteral(p, t);
    if (literal !== null) return literal;
  }
  if (p.isOpAt(1, '(')) {
    const special = specialFunction(p, t);
    if (special !== null) return special;
  }
  return namePath(p);
}

function reservedPrimary(p: Parser, t: Token): Expr {
  const pos = t.pos;
  switch (t.value) {
    case 'null':
      p.advance();
      return { kind: 'null', pos };
    case 'true':
    case 'false':
      p.advance();
      return { kind: 'boolean', pos, value: t.value === 'true' };
    case 'default':
      p.advance();
      return { kind: 'default', pos };
    case 'case':
      return caseExpr(p);
    case 'cast': {
      p.advance();
      p.expectOp('(');
      const arg = parseExpr(p);
      p.expectKw('as');
      const type = parseTypeName(p);
      p.expectOp(')');
      return { kind: 'cast', pos, arg, type, syntax: 'cast' };
    }
    case 'array': {
      p.advance();
      if (p.isOp('(')) {
        p.advance();
        const query = parseQuery(p);
        p.expectOp(')');
        return { kind: 'arraySubquery', pos, query };
      }
      return arrayLiteral(p, pos);
    }
    default:
      if (SQL_VALUE_FUNCTIONS.has(t.value)) {
        p.advance();
        let precision: number | null = null;
        if (WITH_PRECISION.has(t.value) && p.isOp('(')) {
          p.advance();
          const n = p.tok;
          if (n.kind !== TK_NUMBER || n.flag !== NUM_INTEGER) p.fail();
          p.advance();
          precision = Number(n.value);
          p.expectOp(')');
        }
        return { kind: 'sqlValueFunction', pos, name: t.value, precision };
      }
      return p.fail();
  }
}

/** `[a, b]` after ARRAY; inner brackets may omit ARRAY. */
function arrayLiteral(p: Parser, pos: number): Expr {
  p.expectOp('[');
  p.enter();
  const elements: Expr[] = [];
  if (!p.isOp(']')) {
    do {
      if (p.isOp('[')) elements.push(arrayLiteral(p, p.tok.pos));
      else elements.push(parseExpr(p));
    } while (p.acceptOp(','));
  }
  p.expectOp(']');
  p.leave();
  return { kind: 'array', pos, elements };
}

function caseExpr(p: Parser): Expr {
  const pos = p.advance().pos;
  p.enter();
  const operand = p.isKw('when') ? null : parseExpr(p);
  const whens: CaseWhen[] = [];
  while (p.isKw('when')) {
    const whenPos = p.advance().pos;
    const when = parseExpr(p);
    p.expectKw('then');
    whens.push({ pos: whenPos, when, then: parseExpr(p) });
  }
  if (whens.length === 0) p.fail();
  const otherwise = p.acceptKw('else') ? parseExpr(p) : null;
  p.expectKw('end');
  p.leave();
  return { kind: 'case', pos, operand, whens, else: otherwise };
}

/**
 * A typed literal starting at keyword or name `t`: `DATE '...'`, `INTERVAL
 * '1' DAY`, `TIMESTAMP(3) WITH TIME ZONE '...'`. Returns null (with the
 * cursor unmoved) when no string follows the type name.
 */
function typedLiteral(p: Parser, t: Token): Expr | null {
  const start = p.index;
  const depth = p.depth;
  let type: TypeName;
  try {
    type = parseTypeName(p);
  } catch (e) {
    if (!(e instanceof FlintError)) throw e;
    p.reset(start);
    p.depth = depth;
    return null;
  }
  const s = p.tok;
  if (s.kind !== TK_STRING || type.arrayBounds.length > 0) {
    p.reset(start);
    return null;
  }
  p.advance();
  if (type.name === 'interval' && type.schema === null && type.intervalFields === null) {
    const fields = parseIntervalFields(p);
    if (fields !== null) {
      type = { ...type, intervalFields: fields.fields, modifiers: fields.modifiers.length > 0 ? fields.modifiers : type.modifiers };
    }
  }
  return { kind: 'cast', pos: t.pos, arg: { kind: 'string', pos: s.pos, value: s.value }, type, syntax: 'literal' };
}

/**
 * A column reference, function call, `t.*`, or a generic typed literal
 * (`uuid '...'`), starting at a name.
 */
function namePath(p: Parser): Expr {
  const first = p.tok;
  const pos = first.pos;
  const start = p.index;
  // Generic typed literal: name followed directly by a string.
  if (p.peek(1).kind === TK_STRING) {
    const literal = typedLiteral(p, first);
    if (literal !== null) return literal;
  }
  if (!p.isColId() && !(p.isTypeFuncName() && p.isOpAt(1, '('))) p.fail();
  const parts = [p.advance().value];
  while (p.isOp('.')) {
    const next = p.peek(1);
    if (next.kind === TK_OP && next.value === '*') {
      p.advance();
      p.advance();
      return { kind: 'star', pos, table: p.toQualifiedName(parts, pos) };
    }
    if (!p.isLabel(next)) break;
    p.advance();
    parts.push(p.advance().value);
  }
  if (p.isOp('(')) {
    if (parts.length > 3) p.failWith(pos, `improper qualified name (too many dotted names): ${parts.join('.')}`);
    const name = parts[parts.length - 1]!;
    const schema = parts.length >= 2 ? parts[parts.length - 2]! : null;
    return funcCall(p, schema, name, pos);
  }
  if (p.tok.kind === TK_STRING && parts.length > 1) {
    // `pg_catalog.int4 '5'`: a typed literal with a qualified type name.
    const after = p.index;
    p.reset(start);
    const literal = typedLiteral(p, first);
    if (literal !== null) return literal;
    p.reset(after);
  }
  if (parts.length > 4) p.failWith(pos, `improper qualified name (too many dotted names): ${parts.join('.')}`);
  const n = parts.length;
  return {
    kind: 'columnRef',
    pos,
    catalog: n === 4 ? parts[0]! : null,
    schema: n >= 3 ? parts[n - 3]! : null,
    table: n >= 2 ? parts[n - 2]! : null,
    column: parts[n - 1]!,
  };
}
