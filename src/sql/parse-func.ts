// Function calls: generic calls with their aggregate and window decorations
// (DISTINCT, ORDER BY, WITHIN GROUP, FILTER, OVER), window specifications,
// ORDER BY lists, and SQL's special-syntax functions (COALESCE, EXTRACT,
// SUBSTRING, TRIM, POSITION, ...), which become ordinary FuncCall nodes.

import type { Expr, FrameBound, FuncCall, SortBy, WindowFrame, WindowSpec } from './ast.ts';
import { TK_IDENT, TK_OP, TK_QIDENT, TK_STRING, type Token } from './lexer.ts';
import { parseExpr, parseExprList, parseRestrictedExpr } from './parse-expr.ts';
import { parseQuery } from './parse-select.ts';
import type { Parser } from './parser-state.ts';

function call(pos: number, name: string, args: Expr[]): FuncCall {
  return {
    kind: 'funcCall',
    pos,
    schema: null,
    name,
    args,
    star: false,
    distinct: false,
    variadic: false,
    orderBy: [],
    withinGroup: false,
    filter: null,
    over: null,
  };
}

/** A generic call `name(...)` with aggregate and window decorations; the cursor is at '('. */
export function funcCall(p: Parser, schema: string | null, name: string, pos: number): FuncCall {
  p.expectOp('(');
  p.enter();
  let star = false;
  let distinct = false;
  let variadic = false;
  const args: Expr[] = [];
  let orderBy: SortBy[] = [];
  if (p.isOp('*') && p.isOpAt(1, ')')) {
    p.advance();
    star = true;
  } else if (!p.isOp(')')) {
    if (p.acceptKw('distinct')) distinct = true;
    else p.acceptKw('all');
    do {
      if (variadic) p.fail();
      if (p.acceptKw('variadic')) variadic = true;
      args.push(argument(p));
    } while (p.acceptOp(','));
    if (p.isKw('order')) orderBy = orderByClause(p);
  }
  p.expectOp(')');
  let withinGroup = false;
  if (p.isKw('within') && p.isKwAt(1, 'group')) {
    const within = p.advance();
    if (orderBy.length > 0) p.failWith(within.pos, 'cannot use multiple ORDER BY clauses with WITHIN GROUP');
    p.advance();
    p.expectOp('(');
    orderBy = orderByClause(p);
    p.expectOp(')');
    withinGroup = true;
  }
  let filter: Expr | null = null;
  if (p.isKw('filter') && p.isOpAt(1, '(')) {
    p.advance();
    p.advance();
    p.expectKw('where');
    filter = parseExpr(p);
    p.expectOp(')');
  }
  let over: WindowSpec | null = null;
  if (p.isKw('over')) {
    const overPos = p.advance().pos;
    if (p.isOp('(')) over = windowSpec(p);
    else over = { kind: 'windowSpec', pos: overPos, name: p.colId(), partitionBy: [], orderBy: [], frame: null };
  }
  p.leave();
  return { kind: 'funcCall', pos, schema, name, args, star, distinct, variadic, orderBy, withinGroup, filter, over };
}

/** A function argument: an expression or `name => value`. */
function argument(p: Parser): Expr {
  const t = p.tok;
  if ((t.kind === TK_IDENT || t.kind === TK_QIDENT) && (p.isOpAt(1, '=>') || p.isOpAt(1, ':='))) {
    p.advance();
    p.advance();
    return { kind: 'namedArg', pos: t.pos, name: t.value, value: parseExpr(p) };
  }
  return parseExpr(p);
}

/** `ORDER BY item, ...`; the cursor is at ORDER. */
export function orderByClause(p: Parser): SortBy[] {
  p.expectKw('order');
  p.expectKw('by');
  const items: SortBy[] = [];
  do items.push(sortBy(p));
  while (p.acceptOp(','));
  return items;
}

function sortBy(p: Parser): SortBy {
  const pos = p.tok.pos;
  const e = parseExpr(p);
  let desc = false;
  if (p.acceptKw('desc')) desc = true;
  else if (!p.acceptKw('asc') && p.isKw('using')) {
    // ORDER BY x USING < / >: only the two sort directions are supported.
    p.advance();
    const op = p.tok;
    if (op.kind !== TK_OP || (op.value !== '<' && op.value !== '>')) p.fail();
    p.advance();
    desc = op.value === '>';
  }
  let nulls: 'first' | 'last' | null = null;
  if (p.isKw('nulls') && (p.isKwAt(1, 'first') || p.isKwAt(1, 'last'))) {
    p.advance();
    nulls = p.advance().value === 'first' ? 'first' : 'last';
  }
  return { kind: 'sortBy', pos, expr: e, desc, nulls };
}

/** `( [name] [PARTITION BY ..] [ORDER BY ..] [frame] )`. */
export function windowSpec(p: Parser): WindowSpec {
  const pos = p.expectOp('(').pos;
  let name: string | null = null;
  const t = p.tok;
  if (
    p.isColId() &&
    !(t.kind === TK_IDENT && (t.value === 'partition' || t.value === 'range' || t.value === 'rows' || t.value === 'groups'))
  ) {
    name = p.colId();
  }
  let partitionBy: Expr[] = [];
  if (p.isKw('partition')) {
    p.advance();
    p.expectKw('by');
    partitionBy = parseExprList(p);
  }
  const orderBy = p.isKw('order') ? orderByClause(p) : [];
  const frame = p.isKw('rows') || p.isKw('range') || p.isKw('groups') ? windowFrame(p) : null;
  p.expectOp(')');
  return { kind: 'windowSpec', pos, name, partitionBy, orderBy, frame };
}

function windowFrame(p: Parser): WindowFrame {
  const t = p.advance();
  const mode = t.value as WindowFrame['mode'];
  let start: FrameBound;
  let end: FrameBound = { type: 'currentRow', offset: null };
  if (p.acceptKw('between')) {
    start = frameBound(p);
    p.expectKw('and');
    end = frameBound(p);
  } else {
    start = frameBound(p);
  }
  let exclude: WindowFrame['exclude'] = 'noOthers';
  if (p.acceptKw('exclude')) {
    if (p.acceptKws('current', 'row')) exclude = 'currentRow';
    else if (p.acceptKw('group')) exclude = 'group';
    else if (p.acceptKw('ties')) exclude = 'ties';
    else if (p.acceptKws('no', 'others')) exclude = 'noOthers';
    else p.fail();
  }
  return { pos: t.pos, mode, start, end, exclude };
}

function frameBound(p: Parser): FrameBound {
  if (p.isKw('unbounded') && (p.isKwAt(1, 'preceding') || p.isKwAt(1, 'following'))) {
    p.advance();
    return { type: p.advance().value === 'preceding' ? 'unboundedPreceding' : 'unboundedFollowing', offset: null };
  }
  if (p.acceptKws('current', 'row')) return { type: 'currentRow', offset: null };
  const offset = parseExpr(p);
  if (p.acceptKw('preceding')) return { type: 'preceding', offset };
  if (p.acceptKw('following')) return { type: 'following', offset };
  return p.fail();
}

/**
 * SQL's special-syntax functions, with the cursor at the keyword and '('
 * next: COALESCE, NULLIF, GREATEST, LEAST, GROUPING, EXISTS, ROW, EXTRACT,
 * POSITION, SUBSTRING, TRIM, OVERLAY, NORMALIZE. Null if `t` is none of them.
 */
export function specialFunction(p: Parser, t: Token): Expr | null {
  const pos = t.pos;
  const w = t.value;
  switch (w) {
    case 'coalesce':
    case 'greatest':
    case 'least':
    case 'grouping': {
      p.advance();
      p.advance();
      const args = parseExprList(p);
      p.expectOp(')');
      return call(pos, w, args);
    }
    case 'nullif': {
      p.advance();
      p.advance();
      const a = parseExpr(p);
      p.expectOp(',');
      const b = parseExpr(p);
      p.expectOp(')');
      return call(pos, w, [a, b]);
    }
    case 'exists': {
      p.advance();
      p.expectOp('(');
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'exists', pos, query };
    }
    case 'row': {
      p.advance();
      p.advance();
      const fields = p.isOp(')') ? [] : parseExprList(p);
      p.expectOp(')');
      return { kind: 'row', pos, fields, explicit: true };
    }
    case 'extract': {
      p.advance();
      p.advance();
      const f = p.tok;
      if (f.kind !== TK_IDENT && f.kind !== TK_QIDENT && f.kind !== TK_STRING) p.fail();
      const field = p.advance().value;
      p.expectKw('from');
      const source = parseExpr(p);
      p.expectOp(')');
      return call(pos, 'extract', [{ kind: 'string', pos: f.pos, value: field.toLowerCase() }, source]);
    }
    case 'position': {
      p.advance();
      p.advance();
      const needle = parseRestrictedExpr(p);
      p.expectKw('in');
      const haystack = parseRestrictedExpr(p);
      p.expectOp(')');
      return call(pos, 'position', [haystack, needle]);
    }
    case 'substring': {
      p.advance();
      p.advance();
      const source = parseExpr(p);
      let args: Expr[];
      if (p.isKw('from') || p.isKw('for')) {
        let from: Expr | null = null;
        let forExpr: Expr | null = null;
        for (let k = 0; k < 2; k++) {
          if (from === null && p.acceptKw('from')) from = parseExpr(p);
          else if (forExpr === null && p.acceptKw('for')) forExpr = parseExpr(p);
        }
        const one: Expr = { kind: 'number', pos, text: '1', form: 'integer' };
        args = forExpr === null ? [source, from!] : [source, from ?? one, forExpr];
      } else if (p.acceptKw('similar')) {
        const pattern = parseExpr(p);
        p.expectKw('escape');
        args = [source, pattern, parseExpr(p)];
      } else {
        args = [source];
        while (p.acceptOp(',')) args.push(parseExpr(p));
      }
      p.expectOp(')');
      return call(pos, 'substring', args);
    }
    case 'trim': {
      p.advance();
      p.advance();
      let name = 'btrim';
      if (p.acceptKw('leading')) name = 'ltrim';
      else if (p.acceptKw('trailing')) name = 'rtrim';
      else p.acceptKw('both');
      let args: Expr[];
      if (p.acceptKw('from')) {
        args = parseExprList(p);
      } else {
        const first = parseExpr(p);
        if (p.acceptKw('from')) args = [...parseExprList(p), first];
        else {
          args = [first];
          while (p.acceptOp(',')) args.push(parseExpr(p));
        }
      }
      p.expectOp(')');
      return call(pos, name, args);
    }
    case 'overlay': {
      p.advance();
      p.advance();
      const target = parseExpr(p);
      let args: Expr[];
      if (p.acceptKw('placing')) {
        const replacement = parseExpr(p);
        p.expectKw('from');
        const from = parseExpr(p);
        args = [target, replacement, from];
        if (p.acceptKw('for')) args.push(parseExpr(p));
      } else {
        args = [target];
        while (p.acceptOp(',')) args.push(parseExpr(p));
      }
      p.expectOp(')');
      return call(pos, 'overlay', args);
    }
    case 'normalize': {
      p.advance();
      p.advance();
      const args: Expr[] = [parseExpr(p)];
      if (p.acceptOp(',')) {
        const form = p.tok;
        if (form.kind !== TK_IDENT || !['nfc', 'nfd', 'nfkc', 'nfkd'].includes(form.value)) p.fail();
        p.advance();
        args.push({ kind: 'string', pos: form.pos, value: form.value.toUpperCase() });
      }
      p.expectOp(')');
      return call(pos, 'normalize', args);
    }
    default:
      return null;
  }
}
