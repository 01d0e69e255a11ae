// A session's plan cache: a statement bound once (its plan optimized, index
// chosen, expressions compiled) is run again and again without rebinding,
// as long as everything the binding depended on is unchanged:
//
//   - the catalog as the statement sees it: the same catalog object at the
//     same version (Engine.catalogView; any DDL, committed or the open
//     transaction's own, changes one or the other);
//   - enable_indexscan and TimeZone (timestamptz constants are parsed in it);
//   - every other setting the binder read (search_path), with its value;
//   - the declared parameter types;
//   - the row estimates join planning read, within a factor of two.
//
// The binder sees the evaluation context through a BindingEval: while it
// binds, reading the clock, randomness, sequences or the system catalogs
// makes the plan one-shot (a constant like 'now'::timestamptz is folded from
// the statement's own clock); after that the same object forwards to the
// context of the run in progress, so closures the binder kept (aggregates,
// quantified comparisons) read the current statement's context, never the
// first one's.

import type * as ast from '../sql/ast.ts';
import type { CatalogReader, SqlTable, SqlView } from '../sql/catalog.ts';
import type { BoundStatement } from '../sql/exec/statements.ts';
import type { SqlType } from '../sql/types/sql-type.ts';
import type { EvalContext, SequenceFunctions, SystemContext } from '../sql/types/eval-context.ts';
import type { TimeZone } from '../sql/types/timezone.ts';
import type { SystemCatalogView } from '../sql/system-catalog/index.ts';
import { sameType } from '../sql/types/type-info.ts';
import type { IndexDef } from '../txn/index-keys.ts';

/** An EvalContext that records what binding reads, then forwards to the running statement's context. */
export class BindingEval implements EvalContext {
  target: EvalContext;
  /** True while the binder runs: reads are recorded. */
  binding = true;
  /** False once binding read something that differs per statement (the clock, randomness, sequences, the catalogs). */
  cacheable = true;
  /** Settings binding read (current_setting, search_path), with the values it saw. */
  readonly settings: [string, string | undefined][] = [];
  /** False once binding read something of the session that the plan cache does not check (the user, the backend's pid): then no other session may run the plan. */
  shareable = true;
  readonly #system: RecordingSystem;

  constructor(target: EvalContext) {
    this.target = target;
    this.#system = new RecordingSystem(this);
  }

  #once(): void {
    if (this.binding) this.cacheable = false;
  }

  /** Something binding read differs per statement: the plan is not kept. */
  readOnce(): void {
    this.#once();
  }

  get timeZone(): TimeZone {
    return this.target.timeZone;
  }

  get transactionTimestamp(): bigint {
    this.#once();
    return this.target.transactionTimestamp;
  }

  get statementTimestamp(): bigint {
    this.#once();
    return this.target.statementTimestamp;
  }

  readonly clockTimestamp = (): bigint => {
    this.#once();
    return this.target.clockTimestamp();
  };

  readonly random = (): number => {
    this.#once();
    return this.target.random();
  };

  readonly randomBytes = (length: number): Uint8Array => {
    this.#once();
    return this.target.randomBytes(length);
  };

  get sequences(): SequenceFunctions | undefined {
    this.#once();
    return this.target.sequences;
  }

  get system(): SystemContext | undefined {
    return this.target.system === undefined ? undefined : this.#system;
  }
}

/** BindingEval's SystemContext: forwards to the running statement's, noting what binding read. */
class RecordingSystem implements SystemContext {
  readonly #eval: BindingEval;

  constructor(bindingEval: BindingEval) {
    this.#eval = bindingEval;
  }

  #target(): SystemContext {
    return this.#eval.target.system!;
  }

  get databaseName(): string {
    return this.#target().databaseName;
  }

  get userName(): string {
    if (this.#eval.binding) this.#eval.shareable = false;
    return this.#target().userName;
  }

  get backendPid(): number {
    if (this.#eval.binding) this.#eval.shareable = false;
    return this.#target().backendPid;
  }

  setting(name: string): string | undefined {
    const value = this.#target().setting(name);
    if (this.#eval.binding) this.#eval.settings.push([name, value]);
    return value;
  }

  setSetting(name: string, value: string): void {
    this.#eval.readOnce();
    this.#target().setSetting(name, value);
  }

  catalog(): SystemCatalogView {
    this.#eval.readOnce();
    return this.#target().catalog();
  }
}

/** The engine's catalog for the binder, noting the row estimates planning read. */
export class RecordingCatalog implements CatalogReader {
  readonly #inner: CatalogReader;
  readonly estimates: [number, number][] = [];

  constructor(inner: CatalogReader) {
    this.#inner = inner;
  }

  table(name: string): SqlTable | undefined {
    return this.#inner.table(name);
  }

  view(name: string): SqlView | undefined {
    return this.#inner.view(name);
  }

  indexes(tableId: number): readonly IndexDef[] {
    return this.#inner.indexes?.(tableId) ?? [];
  }

  rowEstimate(tableId: number): number {
    const n = this.#inner.rowEstimate?.(tableId) ?? 0;
    this.estimates.push([tableId, n]);
    return n;
  }
}

/** The settings a lookup is made under: what the binder read of them, and their version (SessionSettings). */
export interface PlanSettings {
  /** Bumped by every change of the session's settings. */
  readonly version: number;
  readonly indexScans: boolean;
  readonly timeZone: string;
}

export interface CachedPlan {
  readonly bound: BoundStatement;
  readonly eval: BindingEval;
  readonly catalog: { readonly version: number };
  readonly catalogVersion: number;
  readonly indexScans: boolean;
  readonly timeZone: string;
  /**
   * The settings version the plan's settings were last found to hold under
   * (-1: not yet): while the session's settings stay at it, enable_indexscan,
   * TimeZone and the settings binding read are not compared again.
   */
  settingsVersion: number;
  /** The parameter types given when it was bound. */
  readonly declared: readonly (SqlType | undefined)[];
  /** The parameter types after binding (declared, or inferred): what parameter values are converted to. */
  readonly paramTypes: (SqlType | undefined)[];
  readonly settings: readonly [string, string | undefined][];
  readonly estimates: readonly [number, number][];
}

export class PlanCache {
  readonly #plans = new WeakMap<ast.Statement, CachedPlan>();
  /** The statement looked up last and its plan (undefined: none): a prepared statement run again and again skips the WeakMap. */
  #lastStatement: ast.Statement | null = null;
  #lastPlan: CachedPlan | undefined = undefined;

  /**
   * The cached binding of `stmt` if it is still valid: bound against
   * `catalog` at its version now, under these settings and declared
   * parameter types, and with the row estimates it read still about right.
   */
  get(
    stmt: ast.Statement,
    catalog: { readonly version: number },
    settings: PlanSettings,
    declared: readonly (SqlType | undefined)[],
    setting: (name: string) => string | undefined,
    rowEstimate: (tableId: number) => number,
  ): CachedPlan | undefined {
    let plan: CachedPlan | undefined;
    if (stmt === this.#lastStatement) plan = this.#lastPlan;
    else {
      plan = this.#plans.get(stmt);
      this.#lastStatement = stmt;
      this.#lastPlan = plan;
    }
    if (plan === undefined) return undefined;
    if (plan.catalog !== catalog || plan.catalogVersion !== catalog.version) return undefined;
    if (plan.settingsVersion !== settings.version) {
      if (plan.indexScans !== settings.indexScans || plan.timeZone !== settings.timeZone) return undefined;
      for (const [name, value] of plan.settings) if (setting(name) !== value) return undefined;
      plan.settingsVersion = settings.version;
    }
    if (!sameDeclared(plan, declared)) return undefined;
    const estimates = plan.estimates;
    for (let i = 0; i < estimates.length; i++) {
      const [tableId, n] = estimates[i]!;
      const now = rowEstimate(tableId);
      if (now > 2 * n + 16 || n > 2 * now + 16) return undefined;
    }
    return plan;
  }

  /** The plan kept for `stmt`, valid or not. */
  peek(stmt: ast.Statement): CachedPlan | undefined {
    return this.#plans.get(stmt);
  }

  set(stmt: ast.Statement, plan: CachedPlan): void {
    this.#plans.set(stmt, plan);
    if (stmt === this.#lastStatement) this.#lastPlan = plan;
  }

  delete(stmt: ast.Statement): void {
    this.#plans.delete(stmt);
    if (stmt === this.#lastStatement) this.#lastPlan = undefined;
  }
}

/**
 * The declared types match the plan's: the same, or, where the plan's
 * binding declared none, the type it inferred (a prepared Statement passes
 * back the types its first binding inferred).
 */
function sameDeclared(plan: CachedPlan, declared: readonly (SqlType | undefined)[]): boolean {
  const n = Math.max(declared.length, plan.declared.length);
  for (let i = 0; i < n; i++) {
    const d = declared[i];
    const was = plan.declared[i];
    if (d === was || (d !== undefined && was !== undefined && sameType(d, was))) continue;
    const inferred = plan.paramTypes[i];
    if (was === undefined && d !== undefined && inferred !== undefined && sameType(d, inferred)) continue;
    return false;
  }
  return true;
}

// ---- Statements that differ only in literals -------------------------------------------
//
// Clients of the simple query protocol (pgbench, ORMs that inline values)
// send a new text for each value: `SELECT abalance FROM pgbench_accounts
// WHERE aid = 48213`, `UPDATE pgbench_accounts SET abalance = abalance +
// -2345 WHERE aid = 48213`. Each is parsed, but need not be bound and
// planned again: a statement whose literals qualify runs the plan of a
// template, the same statement with those literals replaced by int4
// parameters, and the literals as the parameter values.
//
// Only where that is exactly the same statement. A literal qualifies when
// it is in a text without parameters ($n, ?), is an integer of at most nine
// characters (sign included) written as such (its type is int4 whatever its
// digits, as the binder types it in numberConst, so the parameter declared
// int4 has the literal's type), and is
//   - an operand of a top-level WHERE conjunct `column OP literal` or
//     `literal OP column` (OP one of = <> < <= > >=) of a plain SELECT (no
//     WITH, no FOR UPDATE), an UPDATE without FROM or a DELETE without USING
//     (neither with WITH);
//   - the value of an UPDATE SET `column = literal`, or an operand of
//     `column + literal`, `column - literal` (or literal + / - column) there;
//   - a value of the single row of INSERT ... VALUES (no WITH, one row).
// A negative literal is one token here: the parser folds `-` into the number
// (`abalance + -2345`); a minus written apart from its digits (`- 5`) does
// not qualify. Literals anywhere else (the select list, RETURNING, ORDER BY
// / GROUP BY ordinals, LIMIT, function arguments, nested expressions) stay
// in the template as they are, and are part of its key. The key is the text
// with the qualifying literals' digits zeroed, so every statement of one key
// has the same tokens at the same positions (an error position is the same
// too).
//
// A parameter and a constant of one type bind alike except where a value is
// converted: the binder folds a constant's conversion into a new constant
// (which may fail while binding), a parameter's becomes a cast at run time.
// So a template whose binding converts any of its parameters (onParamCast:
// an int4 literal stored into a bigint or numeric column, added to a bigint,
// compared with a numeric), that fails to bind, or that is not cacheable, is
// not used: the statement is bound as written. Index selection, pruning and
// execution treat a parameter and a constant alike (a value independent of
// the row), and the values a statement stores or compares are the same int4
// values either way, so run-time errors (overflow, constraint violations)
// are the same too.
//
// String literals are left out: an unknown-typed string is converted to its
// column's type while binding (a bad one is an error at bind time, at the
// literal's position), a parameter's text when the statement runs, with
// other errors.

/** A statement's qualifying literals, and the key of its template. */
export interface LiteralShape {
  /** The SQL text with the literals' digits replaced by 0. */
  readonly key: string;
  /** The literal nodes, in parameter order. */
  readonly literals: readonly ast.NumberLiteral[];
  /** Their values (int4). */
  readonly values: readonly number[];
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const ZEROS = '000000000';

/** The literal shape of `stmt`, the only statement of `sql`, if it has qualifying literals. */
export function literalShape(stmt: ast.Statement, sql: string): LiteralShape | undefined {
  let where: ast.Expr | null = null;
  switch (stmt.kind) {
    case 'query':
      if (stmt.with !== null || stmt.locking.length > 0 || stmt.body.kind !== 'select') return undefined;
      where = stmt.body.where;
      if (where === null) return undefined;
      break;
    case 'update':
      if (stmt.with !== null || stmt.from.length > 0) return undefined;
      where = stmt.where;
      break;
    case 'delete':
      if (stmt.with !== null || stmt.using.length > 0) return undefined;
      where = stmt.where;
      if (where === null) return undefined;
      break;
    case 'insert':
      if (!isSingleValuesRow(stmt)) return undefined;
      break;
    default:
      return undefined;
  }
  if (sql.includes('$') || sql.includes('?')) return undefined;
  const literals: ast.NumberLiteral[] = [];
  const take = (e: ast.Expr): void => {
    if (e.kind === 'number' && isInt4Literal(e, sql)) literals.push(e);
  };
  const consider = (c: ast.Expr): void => {
    if (c.kind !== 'binaryOp' || !COMPARISONS.has(c.op)) return;
    if (c.left.kind === 'columnRef') take(c.right);
    else if (c.right.kind === 'columnRef') take(c.left);
  };
  if (where !== null) {
    if (where.kind === 'and') for (const c of where.args) consider(c);
    else consider(where);
  }
  if (stmt.kind === 'update') {
    for (const clause of stmt.set) {
      if (clause.kind !== 'assign') continue;
      const v = clause.value;
      if (isSetArithmetic(v)) {
        if (v.left.kind === 'columnRef') take(v.right);
        else take(v.left);
      } else take(v);
    }
  } else if (stmt.kind === 'insert') {
    for (const e of (stmt.source!.body as ast.Values).rows[0]!) take(e);
  }
  if (literals.length === 0) return undefined;
  // Literals in text order, so that the key is built left to right.
  literals.sort((a, b) => a.pos - b.pos);
  let key = '';
  let at = 0;
  for (const l of literals) {
    key += sql.slice(at, l.pos) + (l.text[0] === '-' ? '-' + ZEROS.slice(0, l.text.length - 1) : ZEROS.slice(0, l.text.length));
    at = l.pos + l.text.length;
  }
  key += sql.slice(at);
  return { key, literals, values: literals.map((l) => Number(l.text)) };
}

/** INSERT ... VALUES (one row): no WITH on either, no ORDER BY / LIMIT / OFFSET on the VALUES. */
function isSingleValuesRow(stmt: ast.Insert): boolean {
  const source = stmt.source;
  if (stmt.with !== null || source === null || source.with !== null || source.body.kind !== 'values') return false;
  return source.body.rows.length === 1 && source.orderBy.length === 0 && source.limit === null && source.offset === null && source.locking.length === 0;
}

/** `column + x`, `column - x`, `x + column`, `x - column`: an UPDATE SET value whose literal operand may be a parameter. */
function isSetArithmetic(v: ast.Expr): v is ast.BinaryOp {
  return v.kind === 'binaryOp' && (v.op === '+' || v.op === '-') && (v.left.kind === 'columnRef' || v.right.kind === 'columnRef');
}

/** An integer literal written as its text (no `_`, no 0x, no space after a minus) that is int4 whatever its digits. */
function isInt4Literal(l: ast.NumberLiteral, sql: string): boolean {
  if (l.form !== 'integer' || l.text.length > 9 || sql.slice(l.pos, l.pos + l.text.length) !== l.text) return false;
  for (let i = l.text[0] === '-' ? 1 : 0; i < l.text.length; i++) {
    const c = l.text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return l.text.length > (l.text[0] === '-' ? 1 : 0);
}

/** The template of a statement with a literal shape: its qualifying literals replaced by parameters $1, $2, ... */
export function literalTemplate(stmt: ast.Statement, shape: LiteralShape): ast.Statement {
  const swap = (e: ast.Expr): ast.Expr => {
    const index = e.kind === 'number' ? shape.literals.indexOf(e) : -1;
    return index < 0 ? e : { kind: 'param', pos: e.pos, index: index + 1 };
  };
  const conjunct = (c: ast.Expr): ast.Expr => (c.kind === 'binaryOp' ? { ...c, left: swap(c.left), right: swap(c.right) } : c);
  const where = (w: ast.Expr | null): ast.Expr | null => (w === null ? null : w.kind === 'and' ? { ...w, args: w.args.map(conjunct) } : conjunct(w));
  switch (stmt.kind) {
    case 'query': {
      const body = stmt.body as ast.Select;
      return { ...stmt, body: { ...body, where: where(body.where) } };
    }
    case 'update': {
      const set = stmt.set.map((c): ast.SetClause => {
        if (c.kind !== 'assign') return c;
        const v = c.value;
        return { ...c, value: isSetArithmetic(v) ? { ...v, left: swap(v.left), right: swap(v.right) } : swap(v) };
      });
      return { ...stmt, set, where: where(stmt.where) };
    }
    case 'delete':
      return { ...stmt, where: where(stmt.where) };
    case 'insert': {
      const source = stmt.source!;
      const body = source.body as ast.Values;
      return { ...stmt, source: { ...source, body: { ...body, rows: [body.rows[0]!.map(swap)] } } };
    }
    default:
      return stmt;
  }
}
