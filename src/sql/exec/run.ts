// The executor: runs a plan by pushing rows from the leaves up into a sink.
//
// Push-based (each operator calls its consumer per row) rather than
// iterator-based: a table scan already visits rows with a callback, and a
// pipeline of filters and projections becomes nested closure calls with no
// per-row iterator objects. A consumer returns false to stop the producer
// early (LIMIT, EXISTS); every operator passes that back up. Pipeline
// breakers (sort, aggregate, the build side of a join, set operations)
// materialize their input. Plans are compiled once per statement; the
// compiled form is cached on the plan object, so a correlated subquery run
// for every outer row is compiled only once.

import { FlintError, SqlState } from '../../errors.ts';
import type { StorageValue } from '../../storage/tuple.ts';
import type { ScanOptions } from '../../txn/engine.ts';
import type { BoundExpr } from '../plan/bound.ts';
import type { IndexRange, KeyBound } from '../../txn/index-manager.ts';
import { MAX_RECURSIVE_ITERATIONS, type AggregateCall, type IndexAccess, type JoinLookup, type JoinPlan, type Plan, type RecursiveUnionPlan, type ScanPlan, type SortKey } from '../plan/plan.ts';
import { encoderFor } from '../storage-values.ts';
import { timestampPlusInterval, timestamptzPlusInterval } from '../types/datetime-arith.ts';
import { Decimal } from '../types/decimal.ts';
import type { Interval } from '../types/sql-type.ts';
import { compareValues, compositeHashKey, hashKey } from '../types/compare.ts';
import type { SqlType } from '../types/sql-type.ts';
import type { RuntimeValue, Value } from '../types/type-info.ts';
import { compileExpr, type Compiled } from './compile-expr.ts';
import { columnarAggregateRunner, emitFastGroups, FAST_KIND, FAST_SLOTS, INTERRUPT_CHECK_ROWS } from './columnar-aggregate.ts';
import { floatAdd } from '../types/arith.ts';
import type { ExecContext, Row } from './context.ts';

/** Receives rows; returns false to stop the producer. */
export type Sink = (row: Row) => boolean;
/** A compiled plan: runs to completion or until the sink says stop; returns false if stopped. */
type Runner = (ctx: ExecContext, sink: Sink) => boolean;

const compiled = new WeakMap<Plan, Runner>();

/** Run a plan, pushing each row into sink. Returns false if the sink stopped it. */
export function runPlanUntil(plan: Plan, ctx: ExecContext, sink: Sink): boolean {
  return compilePlan(plan)(ctx, sink);
}

/** Run a plan to completion and collect its rows. */
export function runPlanRows(plan: Plan, ctx: ExecContext): Row[] {
  const rows: Row[] = [];
  compilePlan(plan)(ctx, (row) => {
    rows.push(row);
    return true;
  });
  return rows;
}

/**
 * Does the plan's runner push every row as an array made for that push
 * alone (a scan's and a projection's rows are new arrays per row; a filter,
 * a LIMIT and a sort pass their input's rows on, each once)? Then a result
 * of its rows shares them with nothing (StatementResult.ownRows). Anything
 * else: false.
 */
export function pushesOwnRows(plan: Plan): boolean {
  switch (plan.kind) {
    case 'scan':
    case 'project':
      return true;
    case 'filter':
    case 'limit':
    case 'sort':
      return pushesOwnRows(plan.input);
    default:
      return false;
  }
}

/**
 * The plan compiled to a function that runs it to completion, not kept in
 * compilePlan's cache (a statement's own plan). Rows are collected by a
 * sink made once, into an array kept from run to run: a run of a few rows
 * (a point select's one) returns a copy of just those, instead of a sink
 * closure per run and an array whose first push gives it room for 16 rows
 * (~180 bytes less garbage a point select). A run of more rows returns the
 * kept array itself and the next run starts a new one. A run started while
 * one is collecting (the same plan run inside its own scan) collects into
 * an array and a sink of its own.
 */
export function planRows(plan: Plan): (ctx: ExecContext) => Row[] {
  const runner = buildRunner(plan);
  let kept: Row[] = [];
  let count = 0;
  let busy = false;
  const collect: Sink = (row) => {
    kept[count++] = row;
    return true;
  };
  return (ctx) => {
    if (busy) {
      const rows: Row[] = [];
      runner(ctx, (row) => {
        rows.push(row);
        return true;
      });
      return rows;
    }
    busy = true;
    count = 0;
    try {
      runner(ctx, collect);
      const n = count;
      if (n > KEPT_ROWS) {
        const rows = kept;
        // Rows left from an earlier, longer run past this one's.
        if (rows.length > n) rows.length = n;
        kept = [];
        return rows;
      }
      // One row (a point select's): an array literal, no builtin call.
      return n === 1 ? [kept[0]!] : kept.slice(0, n);
    } finally {
      // Nothing of this run stays reachable from the kept array.
      for (let i = 0; i < count && i < kept.length; i++) kept[i] = EMPTY_ROW;
      count = 0;
      busy = false;
    }
  };
}

/** Rows a planRows run returns as a copy of its kept array; past this many, the array itself. */
const KEPT_ROWS = 16;
/** What a kept array's slots hold between runs (not the last run's rows). */
const EMPTY_ROW: Row = [];

/**
 * The plan's runner, compiled on first use and kept: a plan run many times
 * (a cached statement, a correlated subquery) is compiled once. A plan's
 * inputs are compiled with it (buildRunner), not looked up one by one.
 */
export function compilePlan(plan: Plan): Runner {
  let runner = compiled.get(plan);
  if (runner === undefined) {
    runner = buildRunner(plan);
    compiled.set(plan, runner);
  }
  return runner;
}


/**
 * The engine ranges of an index scan, computed when the scan starts: probe
 * values in their columns' storage form. One range, or one per distinct
 * value of an IN list; none when a probe value is NULL (a comparison with
 * NULL matches no row).
 */
function indexProbe(access: IndexAccess): (ctx: ExecContext) => IndexRange[] {
  const single = rangeProbe(access);
  if (access.inAt === null) {
    return (ctx) => {
      const range = single(ctx, null);
      return range === null ? [] : [range];
    };
  }
  const list = access.inList.map(compileExpr);
  const encode = keyEncoderFor(access.keyTypes[access.inAt]!);
  return (ctx) => {
    const seen = new Set<string>();
    const ranges: IndexRange[] = [];
    for (const item of list) {
      const v = item([], ctx);
      if (v === null) continue;
      const stored = encode(v);
      const key = storageKey(stored);
      if (seen.has(key)) continue;
      seen.add(key);
      const range = single(ctx, stored);
      if (range !== null) ranges.push(range);
    }
    return ranges;
  };
}

/** A string equal for equal storage values (to drop repeated IN-list values). */
function storageKey(v: StorageValue): string {
  if (v instanceof Uint8Array) return `b:${Array.from(v).join(',')}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `n:${String(v)}`;
  return `${typeof v}:${String(v)}`;
}

/** One range of an index scan; `inValue` replaces the IN column's probe. */
function rangeProbe(access: IndexAccess): (ctx: ExecContext, inValue: StorageValue | null) => IndexRange | null {
  const eq = access.eq.map(compileExpr);
  const lower = access.lower === null ? null : compileExpr(access.lower.expr);
  const upper = access.upper === null ? null : compileExpr(access.upper.expr);
  const encoders = access.keyTypes.map((t) => keyEncoderFor(t));
  const n = eq.length;
  const inAt = access.inAt;
  const lowerInclusive = access.lower?.inclusive ?? true;
  const upperInclusive = access.upper?.inclusive ?? true;
  const reverse = access.reverse;
  const noRow: Row = [];
  // Every range has the same shape (the engine reads it on every probe).
  const range = (lowerBound: KeyBound | undefined, upperBound: KeyBound | undefined): IndexRange => ({ lower: lowerBound, upper: upperBound, reverse });
  return (ctx, inValue) => {
    const values: StorageValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (i === inAt) {
        values[i] = inValue;
        continue;
      }
      const v = eq[i]!(noRow, ctx);
      if (v === null) return null;
      values[i] = encoders[i]!(v);
    }
    if (lower === null && upper === null) {
      if (n === 0) return range(undefined, undefined);
      // Equality on a prefix: one bound object for both ends.
      const bound: KeyBound = { values, inclusive: true };
      return range(bound, bound);
    }
    let lowerBound: KeyBound | undefined = n > 0 ? { values, inclusive: true } : undefined;
    let upperBound: KeyBound | undefined = lowerBound;
    if (lower !== null) {
      const v = lower(noRow, ctx);
      if (v === null) return null;
      lowerBound = { values: [...values, encoders[n]!(v)], inclusive: lowerInclusive };
    }
    if (upper !== null) {
      const v = upper(noRow, ctx);
      if (v === null) return null;
      upperBound = { values: [...values, encoders[n]!(v)], inclusive: upperInclusive };
    }
    return range(lowerBound, upperBound);
  };
}

/**
 * rangeProbe for an access by equality on its columns alone (no IN list,
 * no lower or upper bound), into one range, bound and values array made
 * once and refilled by every probe, instead of the three a probe (~100
 * bytes less garbage a point select). The engine reads a range during its
 * scan only. `release` empties the values (nothing of the probe stays
 * reachable); a probe must not start before the last one's scan is over
 * (the caller keeps one at a time). Null for any other access.
 */
function keptEqualityProbe(access: IndexAccess): { probe(ctx: ExecContext): IndexRange | null; release(): void } | null {
  const n = access.eq.length;
  if (n === 0 || access.inAt !== null || access.lower !== null || access.upper !== null) return null;
  const eq = access.eq.map(compileExpr);
  const encoders = access.keyTypes.map((t) => keyEncoderFor(t));
  const noRow: Row = [];
  const values: StorageValue[] = new Array<StorageValue>(n).fill(null);
  // The shape of rangeProbe's ranges: one bound object for both ends.
  const bound: KeyBound = { values, inclusive: true };
  const range: IndexRange = { lower: bound, upper: bound, reverse: access.reverse };
  return {
    probe(ctx) {
      for (let i = 0; i < n; i++) {
        const v = eq[i]!(noRow, ctx);
        if (v === null) return null;
        values[i] = encoders[i]!(v);
      }
      return range;
    },
    release() {
      for (let i = 0; i < n; i++) values[i] = null;
    },
  };
}

/**
 * A probe value as the index stores its column: the column type's storage
 * encoding, except that integer and float probes of another width keep their
 * value (an int8 parameter against an int4 column is compared as int64).
 */
function keyEncoderFor(type: SqlType): (v: RuntimeValue) => StorageValue {
  const encode = encoderFor(type);
  if (type.id === 'int2' || type.id === 'int4' || type.id === 'int8' || type.id === 'float4' || type.id === 'float8') {
    return (v) => (typeof v === 'number' || typeof v === 'bigint' ? v : (encode(v) as StorageValue));
  }
  return encode;
}

/**
 * Reads a table scan's rows, the whole table (range null) or one range of
 * its index (plan.index names which), decoded and filtered by `filterExpr`
 * (the scan's filter, or what residualFilter leaves of it), into the sink.
 * Returns false if the sink stopped it.
 */
type ScanReader = (ctx: ExecContext, range: IndexRange | null, sink: Sink, indexId?: number) => boolean;

function scanReader(plan: ScanPlan, filterExpr: BoundExpr | null = plan.filter, project?: readonly number[]): ScanReader {
  if (project !== undefined) return projectingScanReader(plan, project);
  const { table, decoders, positions, missing } = plan;
  const filter = filterExpr === null ? null : compileExpr(filterExpr);
  const n = decoders.length;
  const withTid = plan.tid === true;
  // The usual table: every stored slot is a live column and a short
  // (pre-ADD COLUMN) row reads NULL, which the engine already fills in.
  let direct = true;
  for (let i = 0; i < n; i++) if (positions[i] !== i || missing[i] !== null) direct = false;
  const planIndex = plan.index?.indexId;
  // Columns nothing reads (prune.ts): not decoded (a full scan does not even read them from the tuple), NULL in the row.
  const needed = plan.needed;
  let storedWanted: boolean[] | undefined;
  let liveColumns: number[] | null = null;
  if (needed !== undefined) {
    storedWanted = new Array<boolean>(table.columns.length).fill(false);
    liveColumns = [];
    for (let i = 0; i < n; i++) {
      if (needed[i] !== true) continue;
      storedWanted[positions[i]!] = true;
      liveColumns.push(i);
    }
  }
  // Only a full scan tests stored bytes.
  const textMatch = plan.index === undefined ? textEquality(plan) : null;
  const nulls: Row = new Array<RuntimeValue>(withTid ? n + 1 : n).fill(null);
  const visitor = (): ScanVisitor => {
    const state = newVisitState();
    const visit = (tid: number, stored: StorageValue[], storedCount: number): boolean => {
      const ctx = state.ctx!;
      if (++state.seen % INTERRUPT_CHECK_ROWS === 0) ctx.checkInterrupt();
      let row: Row;
      if (liveColumns !== null) {
        // A copy of a row of NULLs (fast, and a packed array), then the columns read.
        row = nulls.slice();
        for (let k = 0; k < liveColumns.length; k++) {
          const i = liveColumns[k]!;
          const p = positions[i]!;
          row[i] = (p < storedCount ? decoders[i]!(stored[p] ?? null) : missing[i]) as RuntimeValue;
        }
      } else if (direct) {
        row = new Array(withTid ? n + 1 : n);
        for (let i = 0; i < n; i++) row[i] = decoders[i]!(stored[i] ?? null) as RuntimeValue;
      } else {
        row = new Array(withTid ? n + 1 : n);
        for (let i = 0; i < n; i++) {
          const p = positions[i]!;
          row[i] = (p < storedCount ? decoders[i]!(stored[p] ?? null) : missing[i]) as RuntimeValue;
        }
      }
      if (withTid) row[n] = tid;
      if (filter !== null && filter(row, ctx) !== true) return true;
      return emit(state, row);
    };
    return { state, visit };
  };
  const kept = visitor();
  return (ctx, range, sink, indexId = planIndex) => {
    const { state, visit } = startVisit(kept, visitor, ctx, sink);
    try {
      if (range === null) {
        let match: ScanOptions['match'];
        if (textMatch !== null) {
          const value = textMatch.value([], ctx);
          if (typeof value === 'string') match = { column: textMatch.column, bytes: utf8.encode(value) };
        }
        ctx.engine.scan(ctx.txn, table.id, visit, storedWanted, { reuseRow: true, match });
      }
      else ctx.engine.indexScan(ctx.txn, table.id, indexId!, range, visit, storedWanted, true);
      return state.completed;
    } finally {
      endVisit(state);
    }
  };
}

/**
 * A scan reader's visitor and the state it reads (the statement's context
 * and sink, rows seen, whether the sink stopped it): made once per reader
 * and reused scan after scan, instead of a closure and its context a scan
 * (with scanRunner's one range read as it is, a point select's garbage
 * went from ~1,340 to ~1,170 bytes: fewer scavenges, ~2% of its CPU). A
 * scan of the same reader started inside its own visit (the same plan run
 * nested in itself) finds it busy and makes its own.
 */
interface VisitState {
  ctx: ExecContext | null;
  sink: Sink | null;
  seen: number;
  completed: boolean;
  busy: boolean;
}

interface ScanVisitor {
  state: VisitState;
  visit: (tid: number, stored: StorageValue[], storedCount: number) => boolean;
}

function newVisitState(): VisitState {
  return { ctx: null, sink: null, seen: 0, completed: true, busy: false };
}

/** The visitor for a scan starting: the kept one, or a new one (`make`) while the kept one is busy; set for the scan. */
function startVisit(kept: ScanVisitor, make: () => ScanVisitor, ctx: ExecContext, sink: Sink): ScanVisitor {
  const visitor = kept.state.busy ? make() : kept;
  const state = visitor.state;
  state.busy = true;
  state.ctx = ctx;
  state.sink = sink;
  state.seen = 0;
  state.completed = true;
  return visitor;
}

/** A row to the scan's sink: false (and the scan marked stopped) if the sink stops it. */
function emit(state: VisitState, row: Row): boolean {
  if (state.sink!(row)) return true;
  state.completed = false;
  return false;
}

/** The scan is over: the state lets go of the statement's context and sink (nothing kept alive past it). */
function endVisit(state: VisitState): void {
  state.busy = false;
  state.ctx = null;
  state.sink = null;
}

/**
 * scanReader for a projection of the scan's columns and nothing else (no
 * filter, no tid): each row is built with the projected columns only (the
 * scan's column `project[k]` as column k), instead of a row of the scan's
 * columns and then another of the projection's. Only those columns are
 * decoded.
 */
function projectingScanReader(plan: ScanPlan, project: readonly number[]): ScanReader {
  const { table, decoders, positions, missing } = plan;
  const m = project.length;
  const storedWanted = new Array<boolean>(table.columns.length).fill(false);
  const outDecoders = project.map((i) => decoders[i]!);
  const outPositions = project.map((i) => positions[i]!);
  const outMissing = project.map((i) => missing[i] as RuntimeValue);
  for (const p of outPositions) storedWanted[p] = true;
  const planIndex = plan.index?.indexId;
  // As scanReader's: one visitor kept, another only for a scan nested in its own visit.
  const visitor = (): ScanVisitor => {
    const state = newVisitState();
    const visit = (_tid: number, stored: StorageValue[], storedCount: number): boolean => {
      if (++state.seen % INTERRUPT_CHECK_ROWS === 0) state.ctx!.checkInterrupt();
      const row: Row = new Array(m);
      for (let k = 0; k < m; k++) {
        const p = outPositions[k]!;
        row[k] = (p < storedCount ? outDecoders[k]!(stored[p] ?? null) : outMissing[k]) as RuntimeValue;
      }
      return emit(state, row);
    };
    return { state, visit };
  };
  const kept = visitor();
  return (ctx, range, sink, indexId = planIndex) => {
    const { state, visit } = startVisit(kept, visitor, ctx, sink);
    try {
      if (range === null) ctx.engine.scan(ctx.txn, table.id, visit, storedWanted, { reuseRow: true });
      else ctx.engine.indexScan(ctx.txn, table.id, indexId!, range, visit, storedWanted, true);
      return state.completed;
    } finally {
      endVisit(state);
    }
  };
}

/**
 * What a scan's filter leaves to test on each row read through its own
 * index access (the ranges of plan.index: not a join's lookups): its
 * conjuncts but those the index answers exactly (IndexAccess.exact); null
 * for none.
 */
function residualFilter(plan: ScanPlan): BoundExpr | null {
  const exact = plan.index?.exact;
  if (plan.filter === null || exact === undefined || exact.length === 0) return plan.filter;
  const conjuncts = (e: BoundExpr): BoundExpr[] => (e.kind === 'and' ? e.args.flatMap(conjuncts) : [e]);
  const rest = conjuncts(plan.filter).filter((c) => !exact.includes(c));
  return rest.length === 0 ? null : rest.length === 1 ? rest[0]! : { kind: 'and', type: plan.filter.type, args: rest };
}

/** The scan columns a projection reads, when it is nothing but scan columns of a scan with no filter left to test (residualFilter) and no tid column; else undefined. */
function projectedScanColumns(plan: Extract<Plan, { kind: 'project' }>): number[] | undefined {
  const input = plan.input;
  if (input.kind !== 'scan' || residualFilter(input) !== null || input.tid === true) return undefined;
  const out: number[] = [];
  for (const e of plan.exprs) {
    if (e.kind !== 'column' || !(e.index >= 0 && e.index < input.decoders.length)) return undefined;
    out.push(e.index);
  }
  return out;
}

const utf8 = new TextEncoder();

/**
 * A conjunct `text column = parameter or constant` of a full scan's filter,
 * which the engine can test on the stored bytes before decoding the row
 * (text compares in the "C" collation: equal strings are equal UTF-8, and
 * text and varchar columns store the string itself). Only a pre-test: the
 * filter still runs on every row it lets through.
 */
function textEquality(plan: ScanPlan): { column: number; value: Compiled } | null {
  if (plan.filter === null) return null;
  const isText = (e: BoundExpr) => e.type.id === 'text' || e.type.id === 'varchar';
  const conjuncts = (e: BoundExpr): BoundExpr[] => (e.kind === 'and' ? e.args.flatMap(conjuncts) : [e]);
  for (const c of conjuncts(plan.filter)) {
    if (c.kind !== 'binary' || c.op !== '=' || !isText(c.left) || !isText(c.right)) continue;
    const [column, value] = c.left.kind === 'column' ? [c.left, c.right] : [c.right, c.left];
    if (column.kind !== 'column' || (value.kind !== 'param' && value.kind !== 'const')) continue;
    if (column.index >= plan.positions.length) continue;
    const stored = plan.positions[column.index]!;
    if (plan.table.columns[stored]?.type !== 'text') continue;
    return { column: stored, value: compileExpr(value) };
  }
  return null;
}

/**
 * A scan's runner: the whole table, or each range of its index, whose rows
 * need not be tested again for what the index answers exactly
 * (residualFilter); `project`: see projectingScanReader.
 */
function scanRunner(plan: ScanPlan, project?: readonly number[]): Runner {
  const read = scanReader(plan, residualFilter(plan), project);
  const access = plan.index;
  if (access === undefined) return (ctx, sink) => read(ctx, null, sink);
  // No IN list: the one range read as it is (no array of one, no iterator a scan).
  if (access.inAt === null) {
    const single = rangeProbe(access);
    const kept = keptEqualityProbe(access);
    if (kept === null) {
      return (ctx, sink) => {
        const range = single(ctx, null);
        return range === null || read(ctx, range, sink);
      };
    }
    // Equality on the index's columns (a point select): the kept range, unless a scan of this plan started
    // inside its own read has it (then a range of its own).
    let busy = false;
    return (ctx, sink) => {
      if (busy) {
        const range = single(ctx, null);
        return range === null || read(ctx, range, sink);
      }
      busy = true;
      try {
        const range = kept.probe(ctx);
        return range === null || read(ctx, range, sink);
      } finally {
        kept.release();
        busy = false;
      }
    };
  }
  const probe = indexProbe(access);
  return (ctx, sink) => {
    const ranges = probe(ctx);
    for (let i = 0; i < ranges.length; i++) if (!read(ctx, ranges[i]!, sink)) return false;
    return true;
  };
}

function buildRunner(plan: Plan): Runner {
  switch (plan.kind) {
    case 'one': {
      const rows = plan.rows;
      return (_ctx, sink) => (rows === 0 ? true : sink([]));
    }
    case 'scan':
      return scanRunner(plan);
    case 'values': {
      const rows = plan.rows.map((r) => r.map(compileExpr));
      return (ctx, sink) => {
        for (const exprs of rows) {
          const row = exprs.map((e) => e([], ctx));
          if (!sink(row)) return false;
        }
        return true;
      };
    }
    case 'series':
      return seriesRunner(plan.start, plan.stop, plan.step);
    case 'unnest': {
      const array = compileExpr(plan.array);
      const ordinality = plan.ordinality;
      return (ctx, sink) => {
        const values = array([], ctx) as readonly RuntimeValue[] | null;
        if (values === null) return true;
        for (let i = 0; i < values.length; i++) {
          if (!sink(ordinality ? [values[i] ?? null, BigInt(i + 1)] : [values[i] ?? null])) return false;
        }
        return true;
      };
    }
    case 'system': {
      const relation = plan.relation;
      return (ctx, sink) => {
        const system = ctx.eval.system;
        if (system === undefined) throw new FlintError(SqlState.featureNotSupported, `${relation.schema}.${relation.name} needs a session`);
        for (const row of relation.rows(system.catalog())) if (!sink(row)) return false;
        return true;
      };
    }
    case 'filter': {
      const input = buildRunner(plan.input);
      const predicate = compileExpr(plan.predicate);
      return (ctx, sink) => input(ctx, (row) => (predicate(row, ctx) === true ? sink(row) : true));
    }
    case 'project': {
      // Every column of a scan, in order (SELECT a, b, c over t(a, b, c)): the scan's rows are new arrays already.
      if (plan.input.kind === 'scan' && plan.exprs.length === plan.input.columns.length && plan.exprs.every((e, i) => e.kind === 'column' && e.index === i)) return buildRunner(plan.input);
      // Some of a scan's columns (SELECT id, amount FROM t WHERE cat = $1): the scan builds the projected rows itself.
      const projected = projectedScanColumns(plan);
      if (projected !== undefined) return scanRunner(plan.input as ScanPlan, projected);
      const input = buildRunner(plan.input);
      const exprs = plan.exprs.map(compileExpr);
      const n = exprs.length;
      return (ctx, sink) =>
        input(ctx, (row) => {
          const out: Row = new Array(n);
          for (let i = 0; i < n; i++) out[i] = exprs[i]!(row, ctx);
          return sink(out);
        });
    }
    case 'join':
      return joinRunner(plan);
    case 'aggregate':
      return aggregateRunner(plan.input, plan.groupBy, plan.aggregates);
    case 'sort': {
      const input = buildRunner(plan.input);
      const compare = rowComparator(plan.keys);
      const keyExprs = plan.keys.map((k) => compileExpr(k.expr));
      return (ctx, sink) => {
        const rows: { row: Row; keys: RuntimeValue[] }[] = [];
        input(ctx, (row) => {
          rows.push({ row, keys: keyExprs.map((k) => k(row, ctx)) });
          return true;
        });
        rows.sort((a, b) => compare(a.keys, b.keys));
        for (const r of rows) if (!sink(r.row)) return false;
        return true;
      };
    }
    case 'limit': {
      const input = buildRunner(plan.input);
      const limitExpr = plan.limit === null ? null : compileExpr(plan.limit);
      const offsetExpr = plan.offset === null ? null : compileExpr(plan.offset);
      return (ctx, sink) => {
        const limit = limitExpr === null ? null : countValue(limitExpr([], ctx), 'LIMIT');
        const offset = offsetExpr === null ? 0 : countValue(offsetExpr([], ctx), 'OFFSET') ?? 0;
        if (limit === 0) return true;
        let skipped = 0;
        let emitted = 0;
        let stoppedBySink = false;
        input(ctx, (row) => {
          if (skipped < offset) {
            skipped++;
            return true;
          }
          if (!sink(row)) {
            stoppedBySink = true;
            return false;
          }
          emitted++;
          return limit === null || emitted < limit;
        });
        return !stoppedBySink;
      };
    }
    case 'distinct': {
      const input = buildRunner(plan.input);
      const types = plan.columns.map((c) => c.type);
      const on = plan.on === null ? null : plan.on.map(compileExpr);
      const onTypes = plan.on === null ? null : plan.on.map((e) => e.type);
      return (ctx, sink) => {
        const seen = new Set<string>();
        return input(ctx, (row) => {
          const key = on === null ? compositeHashKey(row, types) : compositeHashKey(on.map((e) => e(row, ctx)), onTypes!);
          if (seen.has(key)) return true;
          seen.add(key);
          return sink(row);
        });
      };
    }
    case 'recursiveUnion':
      return recursiveUnionRunner(plan);
    case 'workTable': {
      const work = plan.work;
      return (ctx, sink) => {
        const rows = ctx.cache.get(work) as Row[] | undefined;
        if (rows === undefined) throw new FlintError(SqlState.internalError, `work table of "${plan.name}" read outside its recursion`);
        for (const row of rows) if (!sink(row)) return false;
        return true;
      };
    }
    case 'setOp':
      return setOpRunner(plan.op, plan.all, buildRunner(plan.left), buildRunner(plan.right), plan.columns.map((c) => c.type));
  }
}

function recursiveUnionRunner(plan: RecursiveUnionPlan): Runner {
  const anchor = buildRunner(plan.anchor);
  const recursive = buildRunner(plan.recursive);
  const types = plan.columns.map((c) => c.type);
  const { work, all, name } = plan;
  return (ctx, sink) => {
    const seen = all ? null : new Set<string>();
    let produced: Row[] = [];
    const emit: Sink = (row) => {
      if (seen !== null) {
        const key = compositeHashKey(row, types);
        if (seen.has(key)) return true;
        seen.add(key);
      }
      produced.push(row);
      return sink(row);
    };
    if (!anchor(ctx, emit)) return false;
    const saved = ctx.cache.get(work);
    try {
      for (let round = 1; produced.length > 0; round++) {
        if (round > MAX_RECURSIVE_ITERATIONS) {
          throw new FlintError(SqlState.statementTooComplex, `WITH RECURSIVE query "${name}" did not finish within ${MAX_RECURSIVE_ITERATIONS} iterations`, {
            hint: 'Check that the recursive term stops producing rows, or add a LIMIT.',
          });
        }
        ctx.checkInterrupt();
        ctx.cache.set(work, produced);
        produced = [];
        if (!recursive(ctx, emit)) return false;
      }
      return true;
    } finally {
      if (saved === undefined) ctx.cache.delete(work);
      else ctx.cache.set(work, saved);
    }
  };
}

function countValue(value: RuntimeValue, clause: string): number | null {
  if (value === null) return null;
  const n = typeof value === 'bigint' ? Number(value) : Number(value);
  if (!Number.isFinite(n)) throw new FlintError(SqlState.invalidParameterValue, `${clause} must be a number`);
  if (n < 0) throw new FlintError(clause === 'LIMIT' ? '2201W' : '2201X', `${clause} must not be negative`);
  return Math.floor(n);
}

function seriesRunner(startExpr: import('../plan/bound.ts').BoundExpr, stopExpr: import('../plan/bound.ts').BoundExpr, stepExpr: import('../plan/bound.ts').BoundExpr | null): Runner {
  const start = compileExpr(startExpr);
  const stop = compileExpr(stopExpr);
  const step = stepExpr === null ? null : compileExpr(stepExpr);
  const big = startExpr.type.id === 'int8';
  const kind = startExpr.type.id;
  if (kind === 'numeric') return numericSeries(start, stop, step);
  if (kind === 'timestamp' || kind === 'timestamptz') return timestampSeries(start, stop, step!, kind === 'timestamptz');
  return (ctx, sink) => {
    const a = start([], ctx);
    const b = stop([], ctx);
    const s = step === null ? (big ? 1n : 1) : step([], ctx);
    if (a === null || b === null || s === null) return true;
    if (big) {
      let i = a as bigint;
      const end = b as bigint;
      const inc = s as bigint;
      if (inc === 0n) throw new FlintError(SqlState.invalidParameterValue, 'step size cannot equal zero');
      for (; inc > 0n ? i <= end : i >= end; i += inc) if (!sink([i])) return false;
      return true;
    }
    let i = a as number;
    const end = b as number;
    const inc = s as number;
    if (inc === 0) throw new FlintError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    let count = 0;
    for (; inc > 0 ? i <= end : i >= end; i += inc) {
      if (++count % INTERRUPT_CHECK_ROWS === 0) ctx.checkInterrupt();
      if (!sink([i])) return false;
    }
    return true;
  };
}

/** generate_series over numeric: exact decimal steps (the values keep the inputs' scale). */
function numericSeries(start: Compiled, stop: Compiled, step: Compiled | null): Runner {
  return (ctx, sink) => {
    const a = start([], ctx) as Decimal | null;
    const b = stop([], ctx) as Decimal | null;
    const s = step === null ? Decimal.ONE : (step([], ctx) as Decimal | null);
    if (a === null || b === null || s === null) return true;
    for (const [v, what] of [[a, 'start'], [b, 'stop'], [s, 'step size']] as const) {
      if (v.isNaN()) throw new FlintError(SqlState.invalidParameterValue, `${what} value cannot be NaN`);
      if (v.isInfinite() && what !== 'stop') throw new FlintError(SqlState.invalidParameterValue, `${what} value cannot be infinity`);
    }
    if (s.isZero()) throw new FlintError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    const up = s.sign() > 0;
    let count = 0;
    for (let i = a; up ? i.compare(b) <= 0 : i.compare(b) >= 0; i = i.add(s)) {
      if (++count % INTERRUPT_CHECK_ROWS === 0) ctx.checkInterrupt();
      if (!sink([i])) return false;
    }
    return true;
  };
}

/** generate_series over timestamps with an interval step (calendar arithmetic: months, days, then time). */
function timestampSeries(start: Compiled, stop: Compiled, step: Compiled, withZone: boolean): Runner {
  return (ctx, sink) => {
    const a = start([], ctx) as bigint | null;
    const b = stop([], ctx) as bigint | null;
    const s = step([], ctx) as Interval | null;
    if (a === null || b === null || s === null) return true;
    const next = (t: bigint) => (withZone ? timestamptzPlusInterval(t, s, ctx.eval.timeZone) : timestampPlusInterval(t, s));
    // PostgreSQL decides the direction by where one step from the start lands.
    const first = next(a);
    if (first === a) throw new FlintError(SqlState.invalidParameterValue, 'step size cannot equal zero');
    const up = first > a;
    let count = 0;
    for (let i = a; up ? i <= b : i >= b; i = next(i)) {
      if (++count % INTERRUPT_CHECK_ROWS === 0) ctx.checkInterrupt();
      if (!sink([i])) return false;
    }
    return true;
  };
}

/** Compares key tuples by the sort keys' directions and NULL placement. */
export function rowComparator(keys: readonly SortKey[]): (a: RuntimeValue[], b: RuntimeValue[]) => number {
  const specs = keys.map((k) => ({ type: k.expr.type, desc: k.desc, nullsFirst: k.nullsFirst }));
  return (a, b) => {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        // NULLs sort as larger than any value unless NULLS FIRST.
        return (x === null) === spec.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x as Value, y as Value, spec.type);
      if (c !== 0) return spec.desc ? -c : c;
    }
    return 0;
  };
}

/**
 * A LATERAL join: the right side runs once per left row, with that row as
 * its nearest outer row (ctx.outer), then pairs as a nested loop. Equi keys
 * the optimizer pulled out of ON are compared pair by pair.
 */
function lateralJoinRunner(plan: JoinPlan): Runner {
  const left = buildRunner(plan.left);
  const on = plan.on === null ? null : compileExpr(plan.on);
  const rightWidth = plan.right.columns.length;
  const keepLeft = plan.type === 'left';
  const leftKeys = plan.equi.map((e) => compileExpr(e.left));
  const rightKeys = plan.equi.map((e) => compileExpr(e.right));
  const keyOf = hashKeyOf(plan.equi.map((e) => e.type));
  const hashed = plan.equi.length > 0;
  return (ctx, sink) =>
    left(ctx, (l) => {
      ctx.outer.push(l);
      let rows: Row[];
      try {
        rows = runPlanRows(plan.right, ctx);
      } finally {
        ctx.outer.pop();
      }
      const key = hashed ? keyOf(leftKeys, l, ctx) : null;
      let found = false;
      for (const r of rows) {
        if (hashed && (key === null || keyOf(rightKeys, r, ctx) !== key)) continue;
        const combined = l.concat(r);
        if (on !== null && on(combined, ctx) !== true) continue;
        found = true;
        if (!sink(combined)) return false;
      }
      if (!found && keepLeft) return sink(l.concat(new Array(rightWidth).fill(null)));
      return true;
    });
}

/**
 * An index nested loop (plan.lookup): the outer input streams; each of its
 * rows computes the probe key, encodes it as the inner index stores its
 * columns, and reads the inner scan's rows with exactly that key prefix.
 * `on` decides each pair. A NULL key matches nothing; an outer row without
 * a match is kept with NULLs for a LEFT (outer left) or RIGHT (outer right)
 * join.
 */
function lookupJoinRunner(plan: JoinPlan, lookup: JoinLookup): Runner {
  const outerIsLeft = lookup.outer === 'left';
  const outer = buildRunner(outerIsLeft ? plan.left : plan.right);
  const innerPlan = outerIsLeft ? plan.right : plan.left;
  if (innerPlan.kind !== 'scan') throw new FlintError(SqlState.internalError, 'index nested loop over something other than a table scan');
  const readInner = scanReader(innerPlan);
  const keys = lookup.keys.map(compileExpr);
  const encoders = lookup.keyTypes.map(keyEncoderFor);
  const nKeys = keys.length;
  const on = plan.on === null ? null : compileExpr(plan.on);
  const keepOuter = plan.type !== 'inner';
  const innerWidth = innerPlan.columns.length;
  const indexId = lookup.indexId;
  return (ctx, sink) => {
    let current: Row = [];
    let found = false;
    let stopped = false;
    const pair = (inner: Row): boolean => {
      const combined = outerIsLeft ? current.concat(inner) : inner.concat(current);
      if (on !== null && on(combined, ctx) !== true) return true;
      found = true;
      if (!sink(combined)) {
        stopped = true;
        return false;
      }
      return true;
    };
    return outer(ctx, (row) => {
      current = row;
      found = false;
      const values: StorageValue[] = new Array(nKeys);
      let probe = true;
      for (let k = 0; k < nKeys; k++) {
        const v = keys[k]!(row, ctx);
        if (v === null) {
          probe = false;
          break;
        }
        values[k] = encoders[k]!(v);
      }
      if (probe) {
        const bound: KeyBound = { values, inclusive: true };
        readInner(ctx, { lower: bound, upper: bound, reverse: false }, pair, indexId);
        if (stopped) return false;
      }
      if (!found && keepOuter) {
        const nulls: Row = new Array(innerWidth).fill(null);
        return sink(outerIsLeft ? row.concat(nulls) : nulls.concat(row));
      }
      return true;
    });
  };
}

function joinRunner(plan: JoinPlan): Runner {
  if (plan.lateral === true) return lateralJoinRunner(plan);
  if (plan.lookup !== undefined) return lookupJoinRunner(plan, plan.lookup);
  const left = buildRunner(plan.left);
  const right = buildRunner(plan.right);
  const on = plan.on === null ? null : compileExpr(plan.on);
  const leftWidth = plan.left.columns.length;
  const rightWidth = plan.right.columns.length;
  const { type } = plan;
  const keepLeft = type === 'left' || type === 'full';
  const keepRight = type === 'right' || type === 'full';
  const leftNulls = (): Row => new Array(leftWidth).fill(null);
  const rightNulls = (): Row => new Array(rightWidth).fill(null);
  const leftKeys = plan.equi.map((e) => compileExpr(e.left));
  const rightKeys = plan.equi.map((e) => compileExpr(e.right));
  const keyTypes = plan.equi.map((e) => e.type);
  const hashed = plan.equi.length > 0;
  const keyOf = hashKeyOf(keyTypes);

  return (ctx, sink) => {
    // Build: materialize the right side (hashed on the equi-join keys if any).
    const rightRows = runPlanRows(plan.right, ctx);
    const matched = keepRight ? new Uint8Array(rightRows.length) : null;
    let table: Map<string | number, number[]> | null = null;
    if (hashed) {
      table = new Map();
      for (let i = 0; i < rightRows.length; i++) {
        const key = keyOf(rightKeys, rightRows[i]!, ctx);
        if (key === null) continue; // NULL never equals anything
        const bucket = table.get(key);
        if (bucket === undefined) table.set(key, [i]);
        else bucket.push(i);
      }
    }
    void right;
    let found = false;
    let pairs = 0;
    /** Pairs l with right row i: false if the sink stopped. */
    const pair = (l: Row, i: number): boolean => {
      // A cross join makes rows faster than any scan under it: check here too (timeouts, cancel, memory).
      if (++pairs % INTERRUPT_CHECK_ROWS === 0) ctx.checkInterrupt();
      const combined = l.concat(rightRows[i]!);
      if (on !== null && on(combined, ctx) !== true) return true;
      found = true;
      if (matched !== null) matched[i] = 1;
      return sink(combined);
    };
    const completed = left(ctx, (l) => {
      found = false;
      if (table !== null) {
        const key = keyOf(leftKeys, l, ctx);
        const bucket = key === null ? undefined : table.get(key);
        if (bucket !== undefined) {
          for (let j = 0; j < bucket.length; j++) if (!pair(l, bucket[j]!)) return false;
        }
      } else {
        for (let i = 0; i < rightRows.length; i++) if (!pair(l, i)) return false;
      }
      if (!found && keepLeft) return sink(l.concat(rightNulls()));
      return true;
    });
    if (!completed) return false;
    if (matched !== null) {
      for (let i = 0; i < rightRows.length; i++) {
        if (matched[i] === 0 && !sink(leftNulls().concat(rightRows[i]!))) return false;
      }
    }
    return true;
  };
}

/**
 * The hash-table key of a row's key values, or null if one is NULL. One key
 * column: its hashKey itself (a Map tells the number 1 from the string "1",
 * as compositeHashKey's tags do); several: compositeHashKey.
 */
function hashKeyOf(types: readonly SqlType[]): (keys: readonly Compiled[], row: Row, ctx: ExecContext) => string | number | null {
  if (types.length === 1) {
    const type = types[0]!;
    return (keys, row, ctx) => {
      const v = keys[0]!(row, ctx);
      return v === null ? null : hashKey(v as Value, type);
    };
  }
  return (keys, row, ctx) => {
    const values: RuntimeValue[] = new Array(keys.length);
    for (let k = 0; k < keys.length; k++) {
      const v = keys[k]!(row, ctx);
      if (v === null) return null;
      values[k] = v;
    }
    return compositeHashKey(values, types);
  };
}

interface GroupState {
  keys: RuntimeValue[];
  states: unknown[];
  /** DISTINCT aggregates: the argument keys seen, per aggregate. */
  seen: (Set<string> | null)[];
  /** Aggregates with ORDER BY: their argument rows, sorted at the end. */
  pending: (RuntimeValue[][] | null)[];
}

/** The group of NULL in a one-column GROUP BY (hashKey never returns an object). */
const NULL_GROUP = {};


/**
 * GROUP BY whose aggregates all have a numeric fast path (count, sum and
 * avg of floats) and no FILTER, DISTINCT or ORDER BY: each group is a
 * number (its position in a Map from the group key), and the aggregates'
 * states are float64 slots of one typed array, updated in a switch, so a
 * row costs a Map lookup and a few stores: no state objects, no calls
 * through the aggregate definitions. Results are exactly what the
 * definitions' step and final give (aggregates.ts, FastAggregate).
 */
function fastAggregateRunner(input: Runner, groupBy: Compiled[], groupTypes: readonly SqlType[], aggregates: readonly AggregateCall[]): Runner {
  const nAgg = aggregates.length;
  const kinds = new Int32Array(nAgg);
  const offsets = new Int32Array(nAgg);
  const argExprs: (Compiled | null)[] = [];
  let width = 0;
  for (let a = 0; a < nAgg; a++) {
    const fast = aggregates[a]!.def.fast!;
    kinds[a] = FAST_KIND[fast];
    offsets[a] = width;
    width += FAST_SLOTS[fast];
    argExprs.push(fast === 'countStar' ? null : compileExpr(aggregates[a]!.args[0]!));
  }
  const nKeys = groupBy.length;
  const oneKey = nKeys === 1 ? groupBy[0]! : null;
  const oneType = nKeys === 1 ? groupTypes[0]! : null;
  return (ctx, sink) => {
    const index = new Map<unknown, number>();
    const keys: RuntimeValue[][] = [];
    let slots = new Float64Array(width * 64);
    let groups = 0;
    const addGroup = (groupKeys: RuntimeValue[]): number => {
      if ((groups + 1) * width > slots.length) {
        const grown = new Float64Array(slots.length * 2);
        grown.set(slots);
        slots = grown;
      }
      keys.push(groupKeys);
      return groups++;
    };
    if (nKeys === 0) addGroup([]);
    input(ctx, (row) => {
      let group = 0;
      if (oneKey !== null) {
        const v = oneKey(row, ctx);
        const key = v === null ? NULL_GROUP : hashKey(v as Value, oneType!);
        const found = index.get(key);
        if (found !== undefined) group = found;
        else index.set(key, (group = addGroup([v])));
      } else if (nKeys > 0) {
        const values: RuntimeValue[] = new Array(nKeys);
        for (let k = 0; k < nKeys; k++) values[k] = groupBy[k]!(row, ctx);
        const key = compositeHashKey(values, groupTypes);
        const found = index.get(key);
        if (found !== undefined) group = found;
        else index.set(key, (group = addGroup(values)));
      }
      const base = group * width;
      for (let a = 0; a < nAgg; a++) {
        const at = base + offsets[a]!;
        const kind = kinds[a]!;
        if (kind === 0) {
          slots[at] = slots[at]! + 1;
          continue;
        }
        const v = argExprs[a]!(row, ctx);
        if (v === null) continue;
        slots[at] = slots[at]! + 1;
        if (kind !== 1) slots[at + 1] = floatAdd(slots[at + 1]!, v as number, kind === 2);
      }
      return true;
    });
    return emitFastGroups(keys, slots, width, kinds, offsets, sink);
  };
}

function aggregateRunner(inputPlan: Plan, groupByExprs: readonly BoundExpr[], aggregates: readonly AggregateCall[]): Runner {
  const input = buildRunner(inputPlan);
  const groupBy = groupByExprs.map(compileExpr);
  const groupTypes = groupByExprs.map((g) => g.type);
  if (aggregates.every((a) => a.def.fast !== undefined && a.filter === null && !a.distinct && a.orderBy.length === 0)) {
    const fast = fastAggregateRunner(input, groupBy, groupTypes, aggregates);
    // A whole table's numeric columns, grouped: read as columns, a heap page at a time (columnar-aggregate.ts).
    return (inputPlan.kind === 'scan' ? columnarAggregateRunner(inputPlan, groupByExprs, aggregates, fast) : null) ?? fast;
  }
  const args = aggregates.map((a) => a.args.map(compileExpr));
  const argTypes = aggregates.map((a) => a.args.map((e) => e.type));
  const filters = aggregates.map((a) => (a.filter === null ? null : compileExpr(a.filter)));
  const orderKeys = aggregates.map((a) => a.orderBy.map((k) => compileExpr(k.expr)));
  const orderCompare = aggregates.map((a) => (a.orderBy.length === 0 ? null : rowComparator(a.orderBy)));
  // No FILTER, DISTINCT or ORDER BY: the row's arguments go straight to step.
  const plain = aggregates.map((a) => a.filter === null && !a.distinct && a.orderBy.length === 0);
  const defs = aggregates.map((a) => a.def);
  const nAgg = aggregates.length;
  const nKeys = groupBy.length;
  const newGroup = (keys: RuntimeValue[]): GroupState => ({
    keys,
    states: aggregates.map((a) => a.def.create()),
    seen: aggregates.map((a) => (a.distinct ? new Set<string>() : null)),
    pending: aggregates.map((a) => (a.orderBy.length > 0 ? [] : null)),
  });
  // One GROUP BY column: the Map is keyed by its hashKey (NULL by NULL_GROUP),
  // which groups exactly as compositeHashKey of the one value does.
  const oneKey = nKeys === 1 ? groupBy[0]! : null;
  const oneType = nKeys === 1 ? groupTypes[0]! : null;
  return (ctx, sink) => {
    const groups = new Map<unknown, GroupState>();
    const single = nKeys === 0 ? newGroup([]) : null;
    input(ctx, (row) => {
      let group = single;
      if (group === null) {
        let key: unknown;
        let keys: RuntimeValue[];
        if (oneKey !== null) {
          const v = oneKey(row, ctx);
          key = v === null ? NULL_GROUP : hashKey(v as Value, oneType!);
          group = groups.get(key) ?? null;
          keys = group === null ? [v] : group.keys;
        } else {
          keys = new Array(nKeys);
          for (let k = 0; k < nKeys; k++) keys[k] = groupBy[k]!(row, ctx);
          key = compositeHashKey(keys, groupTypes);
          group = groups.get(key) ?? null;
        }
        if (group === null) {
          group = newGroup(keys);
          groups.set(key, group);
        }
      }
      const states = group.states;
      for (let a = 0; a < nAgg; a++) {
        const argv = args[a]!;
        if (plain[a]) {
          // Same calls as step(state, ...values), without the array.
          if (argv.length === 0) defs[a]!.step(states[a]);
          else if (argv.length === 1) defs[a]!.step(states[a], argv[0]!(row, ctx));
          else if (argv.length === 2) defs[a]!.step(states[a], argv[0]!(row, ctx), argv[1]!(row, ctx));
          else defs[a]!.step(states[a], ...argv.map((e) => e(row, ctx)));
          continue;
        }
        const filter = filters[a];
        if (filter !== null && filter !== undefined && filter(row, ctx) !== true) continue;
        const values = argv.map((e) => e(row, ctx));
        const seen = group.seen[a];
        if (seen !== null && seen !== undefined) {
          const key = compositeHashKey(values, argTypes[a]!);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        const pending = group.pending[a];
        if (pending !== null && pending !== undefined) {
          pending.push([...values, ...orderKeys[a]!.map((k) => k(row, ctx))]);
          continue;
        }
        defs[a]!.step(states[a], ...values);
      }
      return true;
    });
    const emit = (group: GroupState): boolean => {
      const out: Row = [...group.keys];
      for (let a = 0; a < aggregates.length; a++) {
        const pending = group.pending[a];
        if (pending !== null && pending !== undefined) {
          const n = args[a]!.length;
          const compare = orderCompare[a]!;
          pending.sort((x, y) => compare(x.slice(n), y.slice(n)));
          for (const p of pending) aggregates[a]!.def.step(group.states[a], ...p.slice(0, n));
        }
        out.push(aggregates[a]!.def.final(group.states[a]));
      }
      return sink(out);
    };
    if (single !== null) return emit(single);
    for (const group of groups.values()) if (!emit(group)) return false;
    return true;
  };
}

function setOpRunner(op: 'union' | 'intersect' | 'except', all: boolean, left: Runner, right: Runner, types: SqlType[]): Runner {
  return (ctx, sink) => {
    if (op === 'union') {
      if (all) return left(ctx, sink) && right(ctx, sink);
      const seen = new Set<string>();
      const distinct: Sink = (row) => {
        const key = compositeHashKey(row, types);
        if (seen.has(key)) return true;
        seen.add(key);
        return sink(row);
      };
      return left(ctx, distinct) && right(ctx, distinct);
    }
    // INTERSECT / EXCEPT: count the right side's rows, then stream the left.
    const counts = new Map<string, number>();
    right(ctx, (row) => {
      const key = compositeHashKey(row, types);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return true;
    });
    const emitted = new Set<string>();
    return left(ctx, (row) => {
      const key = compositeHashKey(row, types);
      const n = counts.get(key) ?? 0;
      if (op === 'intersect') {
        if (n === 0) return true;
        if (all) counts.set(key, n - 1);
        else {
          if (emitted.has(key)) return true;
          emitted.add(key);
        }
        return sink(row);
      }
      // except
      if (all) {
        if (n > 0) {
          counts.set(key, n - 1);
          return true;
        }
        return sink(row);
      }
      if (n > 0 || emitted.has(key)) return true;
      emitted.add(key);
      return sink(row);
    });
  };
}
