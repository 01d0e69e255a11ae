// Join method selection: a join with equi keys runs as a hash join (the
// right side materialized into a hash table, the left side streamed), or as
// an index nested loop: one side (the outer) streams, and each of its rows
// probes an index of the other side, a table scan, whose leading columns
// are join keys (exec/run.ts, lookupJoinRunner).
//
// The choice is a cost comparison in units of "one row of a sequential
// scan", over rough estimates:
//
//   hash join      = cost(left) + cost(right) + rows(left) + rows(right)
//   index lookup   = cost(outer) + rows(outer) × (PROBE_COST + matches × FETCH_COST)
//
// where cost and rows of a table scan come from the table's row count
// (CatalogReader.rowEstimate) and fixed selectivities of its conditions
// (PostgreSQL's defaults: 0.005 for an equality, 1/3 for a range). The
// matches per probe are 1 for a unique index fixed on all its columns;
// otherwise the inner table's rows spread over as many key values as the
// table the outer key comes from has rows (the foreign-key assumption:
// c.cat is c's key, t.cat refers to it), or 0.5% of them when the key's
// origin is not a table column.
//
// An INNER join may stream either side (the output keeps left's columns
// first); a LEFT join streams left, a RIGHT join right; FULL joins stay hash
// joins. A probe key is an equi key whose inner side is a plain column of
// the inner scan (or an integer column widened to a larger integer type),
// so probe values encode exactly as the index stores that column; later
// index columns may also be fixed by `column = value` conditions of the
// inner scan's own filter. `on` and the inner filter are still checked on
// every row, so the probe only has to return a superset. With no indexes
// visible (SET enable_indexscan = off) nothing here applies.

import type { IndexDef } from '../../txn/index-keys.ts';
import type { SqlType, TypeId } from '../types/sql-type.ts';
import type { BoundExpr } from './bound.ts';
import type { JoinLookup, JoinPlan, Plan, ScanPlan } from './plan.ts';

export type IndexLookup = (tableId: number) => readonly IndexDef[];
export type RowEstimate = (tableId: number) => number | undefined;

/** One B-tree descent, in rows of a sequential scan. */
export const PROBE_COST = 4;
/** A row reached through the primary index (one heap read). */
const FETCH_PRIMARY = 1.5;
/** A row reached through a secondary index (a primary index lookup, then the heap). */
const FETCH_SECONDARY = 3;
const EQ_SELECTIVITY = 0.005;
const RANGE_SELECTIVITY = 1 / 3;
const OTHER_SELECTIVITY = 0.5;
/** Rows assumed of a table whose size is unknown, or of a source that is not a table. */
const UNKNOWN_ROWS = 1000;

export interface Estimate {
  readonly rows: number;
  readonly cost: number;
}

interface Planner {
  readonly indexesOf: IndexLookup;
  readonly rowsOf: RowEstimate;
}

/** The join as an index nested loop if that is estimated cheaper than the hash join; otherwise unchanged. */
export function chooseJoinMethod(join: JoinPlan, indexesOf: IndexLookup, rowsOf: RowEstimate): JoinPlan {
  if (join.lateral === true || join.equi.length === 0 || join.type === 'full' || join.type === 'cross') return join;
  const planner: Planner = { indexesOf, rowsOf };
  const left = estimate(join.left, planner);
  const right = estimate(join.right, planner);
  const hashCost = left.cost + right.cost + left.rows + right.rows;
  const sides: ('left' | 'right')[] = join.type === 'inner' ? ['left', 'right'] : join.type === 'left' ? ['left'] : ['right'];
  let best: JoinLookup | undefined;
  for (const outer of sides) {
    const inner = outer === 'left' ? join.right : join.left;
    if (inner.kind !== 'scan') continue;
    const outerEstimate = outer === 'left' ? left : right;
    const innerRows = tableRows(inner, planner);
    for (const def of indexesOf(inner.table.id)) {
      const probe = probeFor(def, join, outer, inner);
      if (probe === undefined) continue;
      let matches: number;
      if (def.unique && probe.keys.length === def.columns.length) matches = 1;
      else {
        const source = sourceRows(outer === 'left' ? join.left : join.right, probe.firstOuterKey, planner);
        matches = source === undefined ? innerRows * EQ_SELECTIVITY : innerRows / Math.max(1, source);
        for (let k = 1; k < probe.keys.length; k++) matches *= EQ_SELECTIVITY;
        matches = Math.max(1, matches);
      }
      const cost = outerEstimate.cost + outerEstimate.rows * (PROBE_COST + matches * (def.primary ? FETCH_PRIMARY : FETCH_SECONDARY));
      if (cost >= hashCost || (best !== undefined && cost >= best.estimate.cost)) continue;
      best = {
        outer,
        indexId: def.id,
        name: def.name,
        keys: probe.keys,
        keyTypes: probe.keyTypes,
        columns: probe.columns,
        cond: probe.cond,
        estimate: { outerRows: round(outerEstimate.rows), cost: round(cost), hashCost: round(hashCost) },
      };
    }
  }
  if (best === undefined) return join;
  // The inner scan is read through the lookup's index only: drop an index it chose for its own filter.
  const strip = (p: Plan): Plan => (p.kind === 'scan' && p.index !== undefined ? { ...p, index: undefined } : p);
  return best.outer === 'left' ? { ...join, right: strip(join.right), lookup: best } : { ...join, left: strip(join.left), lookup: best };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

interface Probe {
  keys: BoundExpr[];
  columns: number[];
  keyTypes: SqlType[];
  cond: BoundExpr[];
  /** The outer expression of the first key (where its values come from, for the match estimate). */
  firstOuterKey: BoundExpr;
}

/** The probe of an index of the inner scan: its leading columns fixed by equi keys (at least the first) or constant equalities. */
function probeFor(def: IndexDef, join: JoinPlan, outer: 'left' | 'right', inner: ScanPlan): Probe | undefined {
  if (def.columns.length === 0) return undefined; // a row-id primary index: no SQL column
  const innerBounds = inner.filter === null ? [] : conjuncts(inner.filter).map((c) => constantEquality(c, inner)).filter((b) => b !== null);
  const onConjuncts = join.on === null ? [] : conjuncts(join.on);
  const keys: BoundExpr[] = [];
  const keyTypes: SqlType[] = [];
  const columns: number[] = [];
  const cond: BoundExpr[] = [];
  let firstOuterKey: BoundExpr | undefined;
  for (const c of def.columns) {
    const column = inner.positions.indexOf(c.column);
    if (column < 0) break;
    const type = inner.columns[column]!.type;
    const pair = join.equi.find((e) => innerColumn(outer === 'left' ? e.right : e.left, inner) === column);
    if (pair !== undefined) {
      const outerKey = outer === 'left' ? pair.left : pair.right;
      keys.push(outerKey);
      keyTypes.push(type);
      columns.push(column);
      firstOuterKey ??= outerKey;
      // The conjunct of `on` this key came from (the optimizer keeps the left operand's object).
      const conjunct = onConjuncts.find((p) => p.kind === 'binary' && p.op === '=' && (p.left === pair.left || p.right === pair.left));
      if (conjunct !== undefined) cond.push(conjunct);
      continue;
    }
    const bound = innerBounds.find((b) => b.column === column);
    if (bound !== undefined) {
      keys.push(bound.value);
      keyTypes.push(type);
      columns.push(column);
      cond.push(bound.conjunct);
      continue;
    }
    break;
  }
  if (firstOuterKey === undefined) return undefined;
  if (def.method === 'hash' && keys.length !== def.columns.length) return undefined;
  return { keys, keyTypes, columns, cond, firstOuterKey };
}

const INT_WIDTH: Partial<Record<TypeId, number>> = { int2: 2, int4: 4, int8: 8 };

/**
 * The inner scan's column an equi key reads as the index stores it: a plain
 * column, or an integer column cast to an integer type at least as wide
 * (equal values then have equal int64 keys). Anything else: undefined.
 */
function innerColumn(e: BoundExpr, scan: ScanPlan): number | undefined {
  if (e.kind === 'column') return e.index < scan.positions.length ? e.index : undefined;
  if (e.kind === 'cast' && e.arg.kind === 'column' && e.arg.index < scan.positions.length) {
    const from = INT_WIDTH[e.arg.type.id];
    const to = INT_WIDTH[e.type.id];
    if (from !== undefined && to !== undefined && from <= to) return e.arg.index;
  }
  return undefined;
}

/** `column = value` in the scan's filter with value row-independent and of the column's own type. */
function constantEquality(e: BoundExpr, scan: ScanPlan): { column: number; value: BoundExpr; conjunct: BoundExpr } | null {
  if (e.kind !== 'binary' || e.op !== '=') return null;
  for (const [col, value] of [
    [e.left, e.right],
    [e.right, e.left],
  ] as const) {
    if (col.kind === 'column' && col.index < scan.positions.length && value.type.id === col.type.id && rowIndependent(value)) {
      return { column: col.index, value, conjunct: e };
    }
  }
  return null;
}

function rowIndependent(e: BoundExpr): boolean {
  return e.kind === 'const' || e.kind === 'param' || e.kind === 'outerColumn';
}

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

function tableRows(scan: ScanPlan, planner: Planner): number {
  return planner.rowsOf(scan.table.id) ?? UNKNOWN_ROWS;
}

/** The rows of the table a key column comes from (through projections, filters and joins), if it is a column of one. */
function sourceRows(plan: Plan, key: BoundExpr, planner: Planner): number | undefined {
  if (key.kind !== 'column') return undefined;
  const index = key.index;
  switch (plan.kind) {
    case 'scan':
      return index < plan.positions.length ? tableRows(plan, planner) : undefined;
    case 'filter':
    case 'sort':
    case 'limit':
      return sourceRows(plan.input, key, planner);
    case 'project': {
      const e = plan.exprs[index];
      return e === undefined ? undefined : sourceRows(plan.input, e, planner);
    }
    case 'join': {
      const width = plan.left.columns.length;
      return index < width ? sourceRows(plan.left, key, planner) : sourceRows(plan.right, { ...key, index: index - width }, planner);
    }
    default:
      return undefined;
  }
}

/** Rough rows out of a plan and cost of running it. */
export function estimate(plan: Plan, planner: Planner): Estimate {
  switch (plan.kind) {
    case 'scan': {
      const base = tableRows(plan, planner);
      const filters = plan.filter === null ? [] : conjuncts(plan.filter);
      const access = plan.index;
      if (access === undefined) return { rows: base * selectivity(filters), cost: base };
      const def = planner.indexesOf(plan.table.id).find((d) => d.id === access.indexId);
      const probes = access.inAt === null ? 1 : access.inList.length;
      const fixedAll = def !== undefined && def.unique && access.eq.length === def.columns.length && access.lower === null && access.upper === null;
      const matched = fixedAll ? probes : Math.max(1, base * selectivity(access.cond));
      const rest = filters.filter((c) => !access.cond.includes(c));
      return { rows: matched * selectivity(rest), cost: probes * PROBE_COST + matched * (def?.primary === true ? FETCH_PRIMARY : FETCH_SECONDARY) };
    }
    case 'filter': {
      const input = estimate(plan.input, planner);
      return { rows: input.rows * selectivity(conjuncts(plan.predicate)), cost: input.cost + input.rows };
    }
    case 'project':
    case 'sort':
    case 'distinct': {
      const input = estimate(plan.input, planner);
      return { rows: input.rows, cost: input.cost + input.rows };
    }
    case 'limit': {
      const input = estimate(plan.input, planner);
      const limit = plan.limit?.kind === 'const' && typeof plan.limit.value === 'number' ? plan.limit.value : Infinity;
      return { rows: Math.min(input.rows, limit), cost: input.cost };
    }
    case 'aggregate': {
      const input = estimate(plan.input, planner);
      return { rows: plan.groupBy.length === 0 ? 1 : Math.max(1, input.rows / 10), cost: input.cost + input.rows };
    }
    case 'join': {
      const left = estimate(plan.left, planner);
      const right = estimate(plan.right, planner);
      if (plan.lookup !== undefined) {
        const outer = plan.lookup.outer === 'left' ? left : right;
        return { rows: Math.max(outer.rows, 1), cost: plan.lookup.estimate.cost };
      }
      if (plan.equi.length > 0) return { rows: Math.max(left.rows, right.rows), cost: left.cost + right.cost + left.rows + right.rows };
      const rows = left.rows * right.rows * (plan.on === null ? 1 : OTHER_SELECTIVITY);
      return { rows: plan.type === 'left' ? Math.max(rows, left.rows) : rows, cost: left.cost + right.cost + left.rows * right.rows };
    }
    case 'values':
      return { rows: plan.rows.length, cost: plan.rows.length };
    case 'one':
      return { rows: plan.rows, cost: 1 };
    case 'setOp': {
      const left = estimate(plan.left, planner);
      const right = estimate(plan.right, planner);
      return { rows: left.rows + right.rows, cost: left.cost + right.cost };
    }
    default:
      return { rows: UNKNOWN_ROWS, cost: UNKNOWN_ROWS };
  }
}

/** The fraction of rows that pass all the conditions (independent, PostgreSQL's default selectivities). */
function selectivity(conditions: readonly BoundExpr[]): number {
  let s = 1;
  for (const c of conditions) {
    if (c.kind === 'binary') s *= c.op === '=' ? EQ_SELECTIVITY : c.op === '<' || c.op === '<=' || c.op === '>' || c.op === '>=' ? RANGE_SELECTIVITY : OTHER_SELECTIVITY;
    else if (c.kind === 'inList' && !c.not) s *= Math.min(1, c.list.length * EQ_SELECTIVITY);
    else s *= OTHER_SELECTIVITY;
  }
  return s;
}
