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
    return this.#target().userName;
  }

  get backendPid(): number {
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

/** What a bound statement was bound against; it is reused only while all of it holds. */
export interface PlanKey {
  readonly catalog: { readonly version: number };
  readonly indexScans: boolean;
  readonly timeZone: string;
  readonly declared: readonly (SqlType | undefined)[];
}

export interface CachedPlan {
  readonly bound: BoundStatement;
  readonly eval: BindingEval;
  readonly catalog: { readonly version: number };
  readonly catalogVersion: number;
  readonly indexScans: boolean;
  readonly timeZone: string;
  /** The parameter types given when it was bound. */
  readonly declared: readonly (SqlType | undefined)[];
  /** The parameter types after binding (declared, or inferred): what parameter values are converted to. */
  readonly paramTypes: (SqlType | undefined)[];
  readonly settings: readonly [string, string | undefined][];
  readonly estimates: readonly [number, number][];
}

export class PlanCache {
  readonly #plans = new WeakMap<ast.Statement, CachedPlan>();

  /** The cached binding of `stmt` if it is still valid under `key`. */
  get(stmt: ast.Statement, key: PlanKey, setting: (name: string) => string | undefined, rowEstimate: (tableId: number) => number): CachedPlan | undefined {
    const plan = this.#plans.get(stmt);
    if (plan === undefined) return undefined;
    if (plan.catalog !== key.catalog || plan.catalogVersion !== key.catalog.version || plan.indexScans !== key.indexScans || plan.timeZone !== key.timeZone) return undefined;
    if (!sameDeclared(plan, key.declared)) return undefined;
    for (const [name, value] of plan.settings) if (setting(name) !== value) return undefined;
    for (const [tableId, n] of plan.estimates) {
      const now = rowEstimate(tableId);
      if (now > 2 * n + 16 || n > 2 * now + 16) return undefined;
    }
    return plan;
  }

  set(stmt: ast.Statement, plan: CachedPlan): void {
    this.#plans.set(stmt, plan);
  }

  delete(stmt: ast.Statement): void {
    this.#plans.delete(stmt);
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
// Clients of the simple query protocol (pgbench -S, ORMs that inline values)
// send a new text for each value: `SELECT abalance FROM pgbench_accounts
// WHERE aid = 48213`. Each is parsed, but need not be bound and planned
// again: a query whose WHERE compares columns with integer literals runs
// the plan of a template, the same query with those literals replaced by
// int4 parameters, and the literals as the parameter values.
//
// Only where that is exactly the same statement. A literal qualifies when
//   - it is an operand of a top-level WHERE conjunct `column OP literal` or
//     `literal OP column` (OP one of = <> < <= > >=) of a plain SELECT (no
//     WITH, no FOR UPDATE), in a text without parameters ($n, ?);
//   - it is an integer of at most nine characters (sign included), written
//     as such: its type is int4 whatever its digits, as the binder types it
//     (numberConst), so the parameter declared int4 has the literal's type.
// Literals anywhere else (the select list, ORDER BY / GROUP BY ordinals,
// LIMIT, function arguments, nested expressions) stay in the template as
// they are, and are part of its key. The key is the text with the qualifying
// literals' digits zeroed, so every statement of one key has the same
// tokens at the same positions (an error position is the same too).
//
// A parameter and a constant of one type bind alike except where a value is
// converted: the binder folds a constant's conversion into a new constant
// (which may fail while binding), a parameter's becomes a cast at run time.
// So a template whose binding converts any of its parameters (onParamCast),
// that fails to bind, or that is not cacheable, is not used: the statement
// is bound as written. Index selection, pruning and execution treat a
// parameter and a constant alike (a value independent of the row).

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
  if (stmt.kind !== 'query' || stmt.with !== null || stmt.locking.length > 0 || stmt.body.kind !== 'select') return undefined;
  const where = stmt.body.where;
  if (where === null || sql.includes('$') || sql.includes('?')) return undefined;
  const literals: ast.NumberLiteral[] = [];
  const consider = (c: ast.Expr): void => {
    if (c.kind !== 'binaryOp' || !COMPARISONS.has(c.op)) return;
    const literal = c.left.kind === 'columnRef' ? c.right : c.right.kind === 'columnRef' ? c.left : null;
    if (literal?.kind !== 'number' || !isInt4Literal(literal, sql)) return;
    literals.push(literal);
  };
  if (where.kind === 'and') for (const c of where.args) consider(c);
  else consider(where);
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
export function literalTemplate(stmt: ast.Query, shape: LiteralShape): ast.Query {
  const body = stmt.body as ast.Select;
  const where = body.where!;
  const swap = (e: ast.Expr): ast.Expr => {
    const index = e.kind === 'number' ? shape.literals.indexOf(e) : -1;
    return index < 0 ? e : { kind: 'param', pos: e.pos, index: index + 1 };
  };
  const conjunct = (c: ast.Expr): ast.Expr => (c.kind === 'binaryOp' ? { ...c, left: swap(c.left), right: swap(c.right) } : c);
  const templateWhere: ast.Expr = where.kind === 'and' ? { ...where, args: where.args.map(conjunct) } : conjunct(where);
  return { ...stmt, body: { ...body, where: templateWhere } };
}
