// Writing rows for one statement: every INSERT, UPDATE and DELETE, and every
// change a foreign key action cascades to, goes through a TableWriter, which
// checks constraints, writes through the engine, and keeps foreign keys
// true in both directions.
//
// A DmlContext is one statement's state: a writer per table, the checks
// deferred to the end of the statement (foreign keys, as PostgreSQL's RI
// triggers fire then), and the tuple versions the statement has replaced,
// so that a row changed twice in one statement (a cascade reaching a row
// the statement itself targets) is changed only once.

import { FlintError, SqlState } from '../../errors.ts';
import type { SqlTable } from '../catalog.ts';
import type { QueryBinder } from '../plan/bind-query.ts';
import { rowEncoder } from '../row-codec.ts';
import { compositeHashKey } from '../types/compare.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { StorageValue } from '../../storage/tuple.ts';
import { RowCheckPlan, RowChecks } from './constraints.ts';
import type { ExecContext, Row } from './context.ts';
import { defaultsOf, type CompiledDefault } from './dml-common.ts';
import {
  checkKeysUnreferenced, checkParentKeys, childKey, incomingKeys, keyForChild, outgoingKeys, referencingRows, stillReferenced, type ForeignKey,
} from './foreign-keys.ts';
import { binderOf, contextOf, restartContext, type RunOptions } from './statement-context.ts';

/** Cascades deeper than this are a cycle or a runaway chain: an error, not a stack overflow. */
const MAX_CASCADE_DEPTH = 1000;

export class DmlContext {
  // Not readonly for restart() only.
  options: RunOptions;
  /** The context the statement's expressions evaluate in. */
  ctx: ExecContext;
  #binder: QueryBinder | null;
  /** Writer plans bound ahead (a cached statement binding's), by table id; others are bound when first needed. */
  readonly #plans: ReadonlyMap<number, WriterPlan> | null;
  // The collections below are made when first needed: most statements write
  // one table, and a prepared INSERT of one row needs none of the others.
  /** The writer of the first table the statement wrote, then every writer by table id. */
  #writer: TableWriter | null = null;
  #writers: Map<number, TableWriter> | null = null;
  /** Child keys to find in their parent at the end of the statement, by foreign key. */
  #pendingKeys: Map<ForeignKey['meta'], { fk: ForeignKey; keys: Map<string, RuntimeValue[]> }> | null = null;
  /** Parent keys deleted or changed under NO ACTION: no child may reference them when the statement ends. */
  #goneKeys: Map<ForeignKey['meta'], { fk: ForeignKey; keys: Map<string, RuntimeValue[]> }> | null = null;
  #replaced: Set<number> | null = null;
  depth = 0;

  /**
   * `binder` binds what the statement needs as it runs (the writers of
   * tables a foreign key action reaches); null: one is made from `options`
   * if needed. `ctx`: the statement's execution context, null for a new
   * one (contextOf: every statement's context is the same kind of object,
   * so the executor's property reads stay monomorphic). `plans` are writer
   * plans bound ahead.
   */
  constructor(options: RunOptions, binder: QueryBinder | null, ctx: ExecContext | null, plans: ReadonlyMap<number, WriterPlan> | null = null) {
    this.options = options;
    this.#binder = binder;
    this.ctx = ctx ?? contextOf(options);
    this.#plans = plans;
  }

  /**
   * This context as a new one for another run of the same statement (its
   * binder made from `options`, the same writer plans), once the run that
   * had it is over: a prepared INSERT keeps one from run to run.
   */
  restart(options: RunOptions): void {
    this.options = options;
    this.ctx = restartContext(this.ctx, options);
    this.#binder = null;
    this.#writer = null;
    this.#writers = null;
    this.#pendingKeys = null;
    this.#goneKeys = null;
    this.#replaced = null;
    this.depth = 0;
  }

  /** A binder in the running statement's context. */
  get binder(): QueryBinder {
    this.#binder ??= binderOf(this.options);
    return this.#binder;
  }

  /** Tuple versions this statement replaced or deleted. */
  get replaced(): Set<number> {
    this.#replaced ??= new Set();
    return this.#replaced;
  }

  /** Did this statement replace or delete the version `tid` (without making the set before the first)? */
  hasReplaced(tid: number): boolean {
    return this.#replaced !== null && this.#replaced.has(tid);
  }

  writer(table: SqlTable): TableWriter {
    const id = table.def.id;
    const first = this.#writer;
    if (first !== null && first.table.def.id === id) return first;
    let writer = this.#writers?.get(id);
    if (writer === undefined) {
      const plan = this.#plans?.get(id) ?? new WriterPlan(table, this.binder, this.options.engine);
      writer = new TableWriter(plan, this);
      if (first === null) this.#writer = writer;
      else (this.#writers ??= new Map()).set(id, writer);
    }
    return writer;
  }

  /** Queue a child key to be found in its parent when the statement ends. */
  expectParentKey(fk: ForeignKey, key: RuntimeValue[]): void {
    this.#pendingKeys ??= new Map();
    let pending = this.#pendingKeys.get(fk.meta);
    if (pending === undefined) {
      pending = { fk, keys: new Map() };
      this.#pendingKeys.set(fk.meta, pending);
    }
    pending.keys.set(compositeHashKey(key, fk.childIndexes.map((i) => fk.child.columns[i]!.type)), key);
  }

  /** Queue a parent key that went away, for the NO ACTION check when the statement ends. */
  parentKeyGone(fk: ForeignKey, key: RuntimeValue[]): void {
    this.#goneKeys ??= new Map();
    let gone = this.#goneKeys.get(fk.meta);
    if (gone === undefined) {
      gone = { fk, keys: new Map() };
      this.#goneKeys.set(fk.meta, gone);
    }
    gone.keys.set(compositeHashKey(key, fk.parentIndexes.map((i) => fk.parent.columns[i]!.type)), key);
  }

  /** The end of the statement: run the deferred foreign key checks. */
  finish(): void {
    if (this.#pendingKeys !== null) for (const { fk, keys } of this.#pendingKeys.values()) checkParentKeys(this.options, fk, [...keys.values()]);
    if (this.#goneKeys !== null) for (const { fk, keys } of this.#goneKeys.values()) checkKeysUnreferenced(this.options, fk, [...keys.values()]);
  }
}

/**
 * What writing rows of one table needs that depends on the catalog only:
 * the constraint checks, the row encoder, the foreign keys and the column
 * defaults, bound with the binder given. A cached statement binding keeps
 * its target table's plan across runs (with the defaults compiled ahead,
 * while it binds); TableWriter adds one run's state.
 */
export class WriterPlan {
  readonly table: SqlTable;
  readonly checks: RowCheckPlan;
  readonly encode: (row: readonly RuntimeValue[]) => StorageValue[];
  readonly outgoing: ForeignKey[];
  readonly #engine: RunOptions['engine'];
  readonly #binder: QueryBinder;
  #incoming: ForeignKey[] | undefined;
  #defaults: (CompiledDefault | null)[] | undefined;

  constructor(table: SqlTable, binder: QueryBinder, engine: RunOptions['engine']) {
    this.table = table;
    this.#engine = engine;
    this.#binder = binder;
    this.checks = new RowCheckPlan(table, binder, engine);
    this.encode = rowEncoder(table);
    this.outgoing = outgoingKeys(engine, table);
  }

  /** Column defaults, compiled on first use (a cached binding compiles them while it binds). */
  get defaults(): (CompiledDefault | null)[] {
    this.#defaults ??= defaultsOf(this.table, this.#binder);
    return this.#defaults;
  }

  /** Foreign keys that reference this table. */
  get incoming(): ForeignKey[] {
    this.#incoming ??= incomingKeys(this.#engine, this.table);
    return this.#incoming;
  }

  /**
   * Insert `row` in `dml`'s statement: NOT NULL and CHECK, the write (its
   * unique indexes), and this row's foreign keys queued for the end of the
   * statement. TableWriter.insert is this; a prepared single-row INSERT
   * calls it without making a writer. `writer`: the statement's writer of
   * this table if it has one (it checks UNIQUE constraints without an index).
   */
  insert(dml: DmlContext, row: Row, writer: TableWriter | null): number {
    const checks = this.checks;
    // NOT NULL and CHECK need only the plan; UNIQUE without an index needs the statement's RowChecks.
    if (checks.uniques.length === 0) checks.checkNotNullAndChecks(row, dml.ctx);
    else (writer ?? dml.writer(this.table)).checks.check(row);
    const { engine, txn } = dml.options;
    let tid: number;
    try {
      tid = engine.insert(txn, this.table.def.id, this.encode(row));
    } catch (error) {
      throw (writer ?? dml.writer(this.table)).checks.explain(error, row);
    }
    const outgoing = this.outgoing;
    if (outgoing.length === 0) return tid;
    for (const fk of outgoing) {
      const key = childKey(fk, row);
      if (key !== null) dml.expectParentKey(fk, key);
    }
    return tid;
  }
}

export class TableWriter {
  readonly table: SqlTable;
  readonly plan: WriterPlan;
  readonly #dml: DmlContext;
  #checks: RowChecks | null = null;
  readonly #encode: (row: readonly RuntimeValue[]) => StorageValue[];
  readonly #outgoing: ForeignKey[];

  constructor(plan: WriterPlan, dml: DmlContext) {
    this.table = plan.table;
    this.plan = plan;
    this.#dml = dml;
    this.#encode = plan.encode;
    this.#outgoing = plan.outgoing;
  }

  /** The table's constraint checks in this statement (made on first use: an insert into a table whose keys all have an index needs none). */
  get checks(): RowChecks {
    this.#checks ??= new RowChecks(this.plan.table, null, this.#dml.options, this.#dml.ctx, this.plan.checks);
    return this.#checks;
  }

  /** Column defaults, compiled. */
  get defaults(): (CompiledDefault | null)[] {
    return this.plan.defaults;
  }

  #incomingKeys(): ForeignKey[] {
    return this.plan.incoming;
  }

  insert(row: Row): number {
    return this.plan.insert(this.#dml, row, this);
  }

  /**
   * Replace the version `tid` (holding `old`) with `next`. Returns the new
   * version's tid, or undefined if this statement already replaced or
   * deleted that version (the row is then left alone).
   */
  update(tid: number, old: Row, next: Row): number | undefined {
    if (this.#dml.hasReplaced(tid)) return undefined;
    const plan = this.plan.checks;
    if (plan.uniques.length === 0) plan.checkNotNullAndChecks(next, this.#dml.ctx);
    else this.checks.check(next, tid, old);
    const { engine, txn } = this.#dml.options;
    let newTid: number;
    try {
      newTid = engine.update(txn, this.table.def.id, tid, this.#encode(next));
    } catch (error) {
      throw this.checks.explain(error, next);
    }
    this.#dml.replaced.add(tid);
    for (const fk of this.#outgoing) {
      if (!keyChanged(fk.childIndexes, old, next, fk.child)) continue;
      const key = childKey(fk, next);
      if (key !== null) this.#dml.expectParentKey(fk, key);
    }
    for (const fk of this.#incomingKeys()) {
      if (!keyChanged(fk.parentIndexes, old, next, fk.parent)) continue;
      const oldKey = fk.parentIndexes.map((i) => old[i] ?? null);
      if (oldKey.includes(null)) continue;
      const newKey = fk.parentIndexes.map((i) => next[i] ?? null);
      this.#referencedKeyGone(fk, oldKey, fk.meta.onUpdate ?? 'noAction', newKey);
    }
    return newTid;
  }

  /** Delete the version `tid` (holding `old`); false if this statement already replaced or deleted it. */
  delete(tid: number, old: Row): boolean {
    if (this.#dml.hasReplaced(tid)) return false;
    const { engine, txn } = this.#dml.options;
    if (!engine.delete(txn, this.table.def.id, tid)) return false;
    this.#dml.replaced.add(tid);
    for (const fk of this.#incomingKeys()) {
      const key = fk.parentIndexes.map((i) => old[i] ?? null);
      if (key.includes(null)) continue;
      this.#referencedKeyGone(fk, key, fk.meta.onDelete ?? 'noAction', null);
    }
    return true;
  }

  /** A parent key was deleted (newKey null) or changed: apply the foreign key's action to the rows that reference it. */
  #referencedKeyGone(fk: ForeignKey, oldKey: RuntimeValue[], action: NonNullable<ForeignKey['meta']['onDelete']>, newKey: RuntimeValue[] | null): void {
    const dml = this.#dml;
    const { options } = dml;
    if (action === 'noAction') {
      // Checked when the statement ends: another row may take the key over by then.
      dml.parentKeyGone(fk, oldKey);
      return;
    }
    const rows = referencingRows(options, fk, oldKey);
    if (rows.length === 0) return;
    if (action === 'restrict') throw stillReferenced(fk, oldKey);
    if (++dml.depth > MAX_CASCADE_DEPTH) {
      throw new FlintError(SqlState.statementTooComplex, `foreign key actions of "${fk.meta.name}" nest more than ${MAX_CASCADE_DEPTH} deep`);
    }
    try {
      const child = dml.writer(fk.child);
      for (const { tid, row } of rows) {
        if (action === 'cascade' && newKey === null) {
          child.delete(tid, row);
          continue;
        }
        const next = [...row];
        const values = action === 'cascade' ? keyForChild(fk, newKey!) : null;
        fk.childIndexes.forEach((ci, k) => {
          if (values !== null) next[ci] = values[k]!;
          else if (action === 'setNull') next[ci] = null;
          else next[ci] = child.defaults[ci]?.(dml.ctx) ?? null;
        });
        child.update(tid, row, next);
      }
      // A default equal to the old key leaves the rows referencing it: PostgreSQL
      // then runs the NO ACTION check (a changed default is checked as any
      // changed child key is).
      if (action === 'setDefault') this.#referencedKeyGone(fk, oldKey, 'noAction', newKey);
    } finally {
      dml.depth--;
    }
  }
}

function keyChanged(indexes: readonly number[], old: Row, next: Row, table: SqlTable): boolean {
  const types = indexes.map((i) => table.columns[i]!.type);
  return compositeHashKey(indexes.map((i) => old[i] ?? null), types) !== compositeHashKey(indexes.map((i) => next[i] ?? null), types);
}
