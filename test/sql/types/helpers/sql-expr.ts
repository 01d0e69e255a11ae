// A tiny SQL expression parser and evaluator over the type library, for
// tests only. It lets a test case be the very SQL text that was run in
// PostgreSQL 15 to get the expected value, and shows how a binder strings
// the library together: literal typing, operator and function resolution,
// implicit casts of operands, strictness, and the final ::text output.
//
// Grammar (PostgreSQL precedence): OR < AND < NOT < comparison < LIKE <
// other operators < + - < * / % < ^ < unary -/+ < :: ; primaries are
// literals, NULL, TRUE/FALSE, 'typed' literals (date '...'), CAST(x AS t),
// EXTRACT(f FROM x), POSITION(a IN b), SUBSTRING(x FROM a FOR b),
// TRIM([LEADING|TRAILING|BOTH] [c] FROM x), COALESCE, NULLIF, CASE-free
// function calls and parentheses.

import { FlintError } from '../../../../src/errors.ts';
import type { SqlType } from '../../../../src/sql/types/sql-type.ts';
import {
  T,
  baseType,
  bpcharType,
  numericType,
  typeName,
  varcharType,
  type RuntimeValue,
} from '../../../../src/sql/types/type-info.ts';
import { castValue, resolveCommonType } from '../../../../src/sql/types/cast.ts';
import { requireBinaryOperator, requireUnaryOperator } from '../../../../src/sql/types/operators.ts';
import { requireFunction } from '../../../../src/sql/functions/registry.ts';
import { likeMatch } from '../../../../src/sql/types/like.ts';
import { Decimal } from '../../../../src/sql/types/decimal.ts';
import type { EvalContext } from '../../../../src/sql/types/eval-context.ts';

export type Expr =
  | { k: 'lit'; type: SqlType; value: RuntimeValue }
  | { k: 'cast'; e: Expr; type: SqlType }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'un'; op: string; e: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'like'; not: boolean; ci: boolean; l: Expr; r: Expr; escape?: Expr }
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'isnull'; not: boolean; e: Expr }
  | { k: 'coalesce'; args: Expr[] }
  | { k: 'nullif'; a: Expr; b: Expr };

interface Token {
  t: 'num' | 'str' | 'id' | 'op' | 'punct' | 'end';
  v: string;
}

const OP_CHARS = '+-*/<>=~!@#%^&|`?';

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const escapes = c !== "'";
      if (escapes) i++;
      i++;
      let s = '';
      for (;;) {
        if (i >= sql.length) throw new Error(`unterminated string in ${sql}`);
        const d = sql[i]!;
        if (d === "'" && sql[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else if (escapes && d === '\\') {
          const e = sql[i + 1]!;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      out.push({ t: 'id', v: sql.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      out.push({ t: 'id', v: m[0].toLowerCase() });
      i += m[0].length;
      continue;
    }
    if (c === ':' && sql[i + 1] === ':') {
      out.push({ t: 'punct', v: '::' });
      i += 2;
      continue;
    }
    if ('(),[]'.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    if (OP_CHARS.includes(c)) {
      let j = i;
      while (j < sql.length && OP_CHARS.includes(sql[j]!)) j++;
      let op = sql.slice(i, j);
      // PostgreSQL: a multi-char operator ending in + or - keeps it only if it has ~!@#%^&|`?
      while (op.length > 1 && (op.endsWith('+') || op.endsWith('-')) && !/[~!@#%^&|`?]/.test(op)) op = op.slice(0, -1);
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    throw new Error(`unexpected ${c} in ${sql}`);
  }
  out.push({ t: 'end', v: '' });
  return out;
}

const TYPE_WORDS: Record<string, SqlType> = {
  int: T.int4, integer: T.int4, int4: T.int4, smallint: T.int2, int2: T.int2, bigint: T.int8, int8: T.int8,
  real: T.float4, float4: T.float4, float8: T.float8, float: T.float8, numeric: T.numeric, decimal: T.numeric,
  text: T.text, varchar: T.varchar, bpchar: T.bpchar, char: bpcharType(1), character: bpcharType(1), bytea: T.bytea,
  date: T.date, timestamp: T.timestamp, timestamptz: T.timestamptz, interval: T.interval, uuid: T.uuid,
  jsonb: T.jsonb, boolean: T.bool, bool: T.bool,
};

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

class Parser {
  i = 0;
  constructor(readonly toks: Token[], readonly sql: string) {}

  peek(k = 0): Token {
    return this.toks[this.i + k]!;
  }
  next(): Token {
    return this.toks[this.i++]!;
  }
  isId(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'id' && t.v === v;
  }
  expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new Error(`expected ${v} but found ${t.v} in ${this.sql}`);
  }

  parseType(): SqlType {
    const name = this.next().v;
    let type: SqlType;
    if (name === 'double') {
      this.expect('precision');
      type = T.float8;
    } else if (name === 'character' && this.isId('varying')) {
      this.next();
      type = T.varchar;
    } else if (name === 'timestamp' && (this.isId('with') || this.isId('without'))) {
      const withTz = this.next().v === 'with';
      this.expect('time');
      this.expect('zone');
      type = withTz ? T.timestamptz : T.timestamp;
    } else {
      const t = TYPE_WORDS[name];
      if (t === undefined) throw new Error(`unknown type ${name} in ${this.sql}`);
      type = t;
    }
    if (this.peek().v === '(') {
      this.next();
      const a = Number(this.next().v);
      let b: number | undefined;
      if (this.peek().v === ',') {
        this.next();
        const neg = this.peek().v === '-' ? (this.next(), -1) : 1;
        b = neg * Number(this.next().v);
      }
      this.expect(')');
      if (type.id === 'numeric') type = numericType(a, b ?? 0);
      else if (type.id === 'varchar') type = varcharType(a);
      else type = bpcharType(a);
    }
    return type;
  }

  expr(): Expr {
    return this.or();
  }
  or(): Expr {
    let l = this.and();
    while (this.isId('or')) {
      this.next();
      l = { k: 'or', l, r: this.and() };
    }
    return l;
  }
  and(): Expr {
    let l = this.not();
    while (this.isId('and')) {
      this.next();
      l = { k: 'and', l, r: this.not() };
    }
    return l;
  }
  not(): Expr {
    if (this.isId('not')) {
      this.next();
      return { k: 'not', e: this.not() };
    }
    return this.isExpr();
  }
  isExpr(): Expr {
    const e = this.comparison();
    if (this.isId('is')) {
      this.next();
      const not = this.isId('not') ? (this.next(), true) : false;
      this.expect('null');
      return { k: 'isnull', not, e };
    }
    return e;
  }
  comparison(): Expr {
    const l = this.likeExpr();
    const t = this.peek();
    if (t.t === 'op' && COMPARISONS.has(t.v)) {
      this.next();
      return { k: 'bin', op: t.v === '!=' ? '<>' : t.v, l, r: this.likeExpr() };
    }
    return l;
  }
  likeExpr(): Expr {
    const l = this.otherOp();
    const not = this.isId('not') && (this.isId('like', 1) || this.isId('ilike', 1));
    if (not) this.next();
    if (this.isId('like') || this.isId('ilike')) {
      const ci = this.next().v === 'ilike';
      const r = this.otherOp();
      let escape: Expr | undefined;
      if (this.isId('escape')) {
        this.next();
        escape = this.otherOp();
      }
      return { k: 'like', not, ci, l, r, escape };
    }
    return l;
  }
  otherOp(): Expr {
    let l = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || COMPARISONS.has(t.v) || '+-*/%^'.includes(t.v)) return l;
      this.next();
      l = { k: 'bin', op: t.v, l, r: this.additive() };
    }
  }
  additive(): Expr {
    let l = this.multiplicative();
    while (this.peek().t === 'op' && (this.peek().v === '+' || this.peek().v === '-')) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }
  multiplicative(): Expr {
    let l = this.power();
    while (this.peek().t === 'op' && '*/%'.includes(this.peek().v) && this.peek().v.length === 1) {
      const op = this.next().v;
      l = { k: 'bin', op, l, r: this.power() };
    }
    return l;
  }
  power(): Expr {
    let l = this.unary();
    while (this.peek().t === 'op' && this.peek().v === '^') {
      this.next();
      l = { k: 'bin', op: '^', l, r: this.unary() };
    }
    return l;
  }
  unary(): Expr {
    const t = this.peek();
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) {
      this.next();
      const e = this.unary();
      // Like PostgreSQL's doNegate(), a minus sign on a numeric constant
      // (even in parentheses) is folded into it, so -2147483648 is an int4.
      if (t.v === '-' && e.k === 'lit' && e.value !== null && (e.type.id === 'int4' || e.type.id === 'int8' || e.type.id === 'numeric')) {
        const text = String(e.type.id === 'numeric' ? (e.value as Decimal).toString() : e.value);
        return numberLiteral(text.startsWith('-') ? text.slice(1) : '-' + text, e.type.id === 'numeric');
      }
      return { k: 'un', op: t.v, e };
    }
    return this.postfix();
  }
  postfix(): Expr {
    let e = this.primary();
    while (this.peek().v === '::') {
      this.next();
      e = { k: 'cast', e, type: this.parseType() };
    }
    return e;
  }
  primary(): Expr {
    const t = this.next();
    if (t.t === 'num') return numberLiteral(t.v);
    if (t.t === 'str') return { k: 'lit', type: T.unknown, value: t.v };
    if (t.v === '(') {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.t !== 'id') throw new Error(`unexpected ${t.v} in ${this.sql}`);
    switch (t.v) {
      case 'null':
        return { k: 'lit', type: T.null, value: null };
      case 'true':
      case 'false':
        return { k: 'lit', type: T.bool, value: t.v === 'true' };
      case 'cast': {
        this.expect('(');
        const e = this.expr();
        this.expect('as');
        const type = this.parseType();
        this.expect(')');
        return { k: 'cast', e, type };
      }
      case 'extract': {
        this.expect('(');
        const field = this.next().v;
        this.expect('from');
        const e = this.expr();
        this.expect(')');
        return { k: 'call', name: 'extract', args: [{ k: 'lit', type: T.text, value: field }, e] };
      }
      case 'position': {
        this.expect('(');
        const sub = this.additive();
        this.expect('in');
        const s = this.expr();
        this.expect(')');
        return { k: 'call', name: 'position', args: [s, sub] };
      }
      case 'substring':
        if (this.peek().v === '(' && this.looksLikeSqlSubstring()) return this.sqlSubstring();
        break;
      case 'trim':
        return this.trim();
      case 'coalesce':
        return { k: 'coalesce', args: this.args() };
      case 'nullif': {
        const [a, b] = this.args();
        return { k: 'nullif', a: a!, b: b! };
      }
      case 'current_date':
      case 'current_timestamp':
      case 'localtimestamp':
        if (this.peek().v !== '(') return { k: 'call', name: t.v, args: [] };
        break;
      default:
        break;
    }
    // A type name followed by a string is a typed literal: date '2024-01-01'.
    const save = this.i;
    if (TYPE_WORDS[t.v] !== undefined || t.v === 'double' || t.v === 'character') {
      this.i--;
      try {
        const type = this.parseType();
        if (this.peek().t === 'str') return { k: 'cast', e: { k: 'lit', type: T.unknown, value: this.next().v }, type };
      } catch {
        // not a type after all
      }
      this.i = save;
    }
    if (this.peek().v === '(') return { k: 'call', name: t.v, args: this.args() };
    throw new Error(`unexpected ${t.v} in ${this.sql}`);
  }
  args(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    if (this.peek().v === ')') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.expr());
      const t = this.next();
      if (t.v === ')') return args;
      if (t.v !== ',') throw new Error(`expected , in ${this.sql}`);
    }
  }
  looksLikeSqlSubstring(): boolean {
    let depth = 0;
    for (let k = this.i; k < this.toks.length; k++) {
      const v = this.toks[k]!.v;
      if (v === '(') depth++;
      else if (v === ')') {
        depth--;
        if (depth === 0) return false;
      } else if (depth === 1 && (v === 'from' || v === 'for' || v === 'similar')) return true;
    }
    return false;
  }
  sqlSubstring(): Expr {
    this.expect('(');
    const s = this.expr();
    const args: Expr[] = [s];
    if (this.isId('similar')) {
      this.next();
      args.push(this.additive());
      this.expect('escape');
      args.push(this.additive());
    } else {
      if (this.isId('from')) {
        this.next();
        args.push(this.additive());
      } else {
        args.push(numberLiteral('1'));
      }
      if (this.isId('for')) {
        this.next();
        args.push(this.additive());
      }
    }
    this.expect(')');
    return { k: 'call', name: 'substring', args };
  }
  trim(): Expr {
    this.expect('(');
    let fn = 'btrim';
    if (this.isId('leading')) fn = 'ltrim';
    else if (this.isId('trailing')) fn = 'rtrim';
    if (fn !== 'btrim' || this.isId('both')) this.next();
    let chars: Expr | undefined;
    if (!this.isId('from')) chars = this.expr();
    let s: Expr;
    if (this.isId('from')) {
      this.next();
      s = this.expr();
    } else {
      s = chars!;
      chars = undefined;
    }
    this.expect(')');
    return { k: 'call', name: fn, args: chars === undefined ? [s] : [s, chars] };
  }
}

/** PostgreSQL's typing of numeric literals: int4, else int8, else numeric. */
function numberLiteral(text: string, forceNumeric = false): Expr {
  if (!forceNumeric && /^-?\d+$/.test(text)) {
    const v = BigInt(text);
    if (v >= -2147483648n && v <= 2147483647n) return { k: 'lit', type: T.int4, value: Number(v) };
    if (v >= -9223372036854775808n && v <= 9223372036854775807n) return { k: 'lit', type: T.int8, value: v };
  }
  return { k: 'lit', type: T.numeric, value: Decimal.parse(text) };
}

export function parseExpr(sql: string): Expr {
  const p = new Parser(tokenize(sql), sql);
  const e = p.expr();
  if (p.peek().t !== 'end') throw new Error(`trailing ${p.peek().v} in ${sql}`);
  return e;
}

interface Typed {
  type: SqlType;
  value: RuntimeValue;
}

function toBool(v: Typed, ctx: EvalContext): boolean | null {
  const b = castValue(v.value, v.type, T.bool, false, ctx);
  return b as boolean | null;
}

export function evaluate(e: Expr, ctx: EvalContext): Typed {
  switch (e.k) {
    case 'lit':
      return { type: e.type, value: e.value };
    case 'cast': {
      const v = evaluate(e.e, ctx);
      return { type: e.type, value: castValue(v.value, v.type, e.type, true, ctx) };
    }
    case 'bin': {
      const l = evaluate(e.l, ctx);
      const r = evaluate(e.r, ctx);
      const op = requireBinaryOperator(e.op, l.type, r.type);
      if (l.value === null || r.value === null) return { type: op.result, value: null };
      const a = castValue(l.value, l.type, op.left, false, ctx);
      const b = castValue(r.value, r.type, op.right, false, ctx);
      return { type: op.result, value: op.fn(a!, b!, ctx) };
    }
    case 'un': {
      const v = evaluate(e.e, ctx);
      const op = requireUnaryOperator(e.op, v.type);
      if (v.value === null) return { type: op.result, value: null };
      return { type: op.result, value: op.fn(castValue(v.value, v.type, op.operand, false, ctx)!, ctx) };
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, ctx));
      const f = requireFunction(e.name, args.map((a) => a.type));
      const values = args.map((a, i) => castValue(a.value, a.type, f.argTypes[i]!, false, ctx));
      if (f.strict && values.some((v) => v === null)) return { type: f.returnType, value: null };
      return { type: f.returnType, value: f.fn(ctx, ...values) };
    }
    case 'like': {
      const l = evaluate(e.l, ctx);
      const r = evaluate(e.r, ctx);
      if (e.escape === undefined) {
        const op = requireBinaryOperator(e.ci ? (e.not ? '!~~*' : '~~*') : e.not ? '!~~' : '~~', l.type, r.type);
        if (l.value === null || r.value === null) return { type: T.bool, value: null };
        return { type: T.bool, value: op.fn(castValue(l.value, l.type, op.left, false, ctx)!, castValue(r.value, r.type, op.right, false, ctx)!, ctx) };
      }
      const esc = evaluate(e.escape, ctx);
      if (l.value === null || r.value === null || esc.value === null) return { type: T.bool, value: null };
      const text = castValue(l.value, l.type, T.text, false, ctx) as string;
      const pattern = castValue(r.value, r.type, T.text, false, ctx) as string;
      const escape = castValue(esc.value, esc.type, T.text, false, ctx) as string;
      return { type: T.bool, value: likeMatch(text, pattern, { escape, caseInsensitive: e.ci }) !== e.not };
    }
    case 'and':
    case 'or': {
      const a = toBool(evaluate(e.l, ctx), ctx);
      const b = toBool(evaluate(e.r, ctx), ctx);
      if (e.k === 'and') return { type: T.bool, value: a === false || b === false ? false : a === null || b === null ? null : true };
      return { type: T.bool, value: a === true || b === true ? true : a === null || b === null ? null : false };
    }
    case 'not': {
      const a = toBool(evaluate(e.e, ctx), ctx);
      return { type: T.bool, value: a === null ? null : !a };
    }
    case 'isnull': {
      const v = evaluate(e.e, ctx);
      return { type: T.bool, value: (v.value === null) !== e.not };
    }
    case 'coalesce': {
      const args = e.args.map((a) => evaluate(a, ctx));
      const type = resolveCommonType(args.map((a) => a.type), 'COALESCE');
      // PostgreSQL coerces every argument when it plans the call, so a bad literal fails even if unused.
      const values = args.map((a) => castValue(a.value, a.type, type, false, ctx));
      return { type, value: values.find((v) => v !== null) ?? null };
    }
    case 'nullif': {
      const a = evaluate(e.a, ctx);
      const b = evaluate(e.b, ctx);
      const op = requireBinaryOperator('=', a.type, b.type);
      if (a.value === null || b.value === null) return a;
      const x = castValue(a.value, a.type, op.left, false, ctx);
      const y = castValue(b.value, b.type, op.right, false, ctx);
      return op.fn(x!, y!, ctx) === true ? { type: a.type, value: null } : a;
    }
  }
}

/**
 * What PostgreSQL's `SELECT (expr)::text, pg_typeof(expr)` shows: the text
 * result ('<NULL>' for NULL) and the type name, or "ERROR <sqlstate>
 * <message>" for both when evaluation fails.
 */
export function runSql(sql: string, ctx: EvalContext): [string, string] {
  try {
    const v = evaluate(parseExpr(sql), ctx);
    // An untyped literal result is text in PostgreSQL's output.
    const type = v.type.id === 'unknown' || v.type.id === 'null' ? T.text : v.type;
    const text = castValue(v.value, type, T.text, true, ctx);
    return [text === null ? '<NULL>' : (text as string), typeName(baseType(type))];
  } catch (e) {
    if (e instanceof FlintError) {
      const msg = `ERROR ${e.code} ${e.message}`;
      return [msg, msg];
    }
    throw e;
  }
}


