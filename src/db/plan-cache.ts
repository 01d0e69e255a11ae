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
  readonly #system: SystemContext;

  constructor(target: EvalContext) {
    this.target = target;
    const self = this;
    this.#system = {
      get databaseName() {
        return self.#targetSystem().databaseName;
      },
      get userName() {
        return self.#targetSystem().userName;
      },
      get backendPid() {
        return self.#targetSystem().backendPid;
      },
      setting(name: string): string | undefined {
        const value = self.#targetSystem().setting(name);
        if (self.binding) self.settings.push([name, value]);
        return value;
      },
      setSetting(name: string, value: string): void {
        self.#once();
        self.#targetSystem().setSetting(name, value);
      },
      catalog() {
        self.#once();
        return self.#targetSystem().catalog();
      },
    };
  }

  #once(): void {
    if (this.binding) this.cacheable = false;
  }

  #targetSystem(): SystemContext {
    return this.target.system!;
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
