// Logical plans: what a query computes, as a tree of relational operators
// over rows (arrays of runtime values). The binder builds them, the
// optimizer rewrites them (optimize.ts), the executor runs them (exec/).
// Every node lists its output columns; expressions above a node refer to
// its output by position.

import type { SqlType } from '../types/sql-type.ts';
import type { AggregateDef } from '../functions/aggregates.ts';
import type { BoundExpr } from './bound.ts';
import type { TableDef } from '../../txn/engine.ts';
import type { SystemRelation } from '../system-catalog/index.ts';

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** Iterations a WITH RECURSIVE query may take before it is stopped as runaway. */
export const MAX_RECURSIVE_ITERATIONS = 1_000_000;

export type Plan =
  | ScanPlan
  | ValuesPlan
  | SeriesPlan
  | SystemPlan
  | UnnestPlan
  | FilterPlan
  | ProjectPlan
  | JoinPlan
  | AggregatePlan
  | SortPlan
  | LimitPlan
  | DistinctPlan
  | SetOpPlan
  | RecursiveUnionPlan
  | WorkTablePlan
  | EmptyPlan;

/** Every visible row of a table; `filter` pushed down from above. Columns are the table's, in order. */
export interface ScanPlan {
  readonly kind: 'scan';
  readonly columns: readonly OutputColumn[];
  readonly table: TableDef;
  /** Conversion of each stored column to its SQL runtime value. */
  readonly decoders: readonly ((stored: unknown) => unknown)[];
  /** Where each column is in the stored row (dropped columns keep their slots). */
  readonly positions: readonly number[];
  /** What each column reads in a row stored before the column was added. */
  readonly missing: readonly unknown[];
  /** UPDATE and DELETE: one more column, last, holding each row's tuple id. */
  readonly tid?: boolean;
  readonly filter: BoundExpr | null;
  /** The alias the query used, for EXPLAIN. */
  readonly alias: string;
  /** Read through an index instead of the whole table (index-select.ts). `filter` still applies to every row. */
  readonly index?: IndexAccess;
  /** Per column: does anything read it (prune.ts)? The others are not decoded and read NULL. Absent: all are read. */
  readonly needed?: readonly boolean[];
}

/**
 * An index scan: equality values for the index's first columns, then
 * optionally a range on the next one. Bound expressions are row-independent
 * (constants, parameters, outer columns), evaluated once when the scan starts.
 */
export interface IndexAccess {
  readonly indexId: number;
  readonly name: string;
  /** Equal to these, in index column order. */
  readonly eq: readonly BoundExpr[];
  /** `column IN (list)` on the eq column at `inAt`: one probe per distinct value of the list (eq[inAt] is unused). */
  readonly inAt: number | null;
  readonly inList: readonly BoundExpr[];
  readonly lower: { readonly expr: BoundExpr; readonly inclusive: boolean } | null;
  readonly upper: { readonly expr: BoundExpr; readonly inclusive: boolean } | null;
  /** SQL types of the key columns used (eq, then the range column), to encode probe values. */
  readonly keyTypes: readonly SqlType[];
  readonly reverse: boolean;
  /** The conjuncts the index answers, for EXPLAIN ("Index Cond"). */
  readonly cond: readonly BoundExpr[];
  /**
   * Conjuncts of the filter (the same objects) that every row the index
   * returns satisfies, so the executor need not test them again: equality of
   * an integer column of a B-tree secondary index with a parameter or
   * constant of the same type (index-select.ts, exactEquality). Absent: none.
   */
  readonly exact?: readonly BoundExpr[];
}

export interface ValuesPlan {
  readonly kind: 'values';
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly (readonly BoundExpr[])[];
}

/** generate_series(start, stop[, step]) over integers (int4/int8) or numeric. */
export interface SeriesPlan {
  readonly kind: 'series';
  readonly columns: readonly OutputColumn[];
  readonly start: BoundExpr;
  readonly stop: BoundExpr;
  readonly step: BoundExpr | null;
}

/** A pg_catalog or information_schema relation: its rows computed from the statement's catalog view when it runs. */
export interface SystemPlan {
  readonly kind: 'system';
  readonly columns: readonly OutputColumn[];
  readonly relation: SystemRelation;
}

/** unnest(array) in FROM: one row per element, in order; WITH ORDINALITY adds the 1-based position (int8). */
export interface UnnestPlan {
  readonly kind: 'unnest';
  readonly columns: readonly OutputColumn[];
  readonly array: BoundExpr;
  readonly ordinality: boolean;
}

/** One row with no columns: SELECT without FROM. `rows` 0 makes it empty (a false constant filter). */
export interface EmptyPlan {
  readonly kind: 'one';
  readonly columns: readonly OutputColumn[];
  readonly rows: 0 | 1;
}

export interface FilterPlan {
  readonly kind: 'filter';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly predicate: BoundExpr;
}

export interface ProjectPlan {
  readonly kind: 'project';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly exprs: readonly BoundExpr[];
}

/**
 * A join. The output row is left's columns then right's. `on` runs over that
 * combined row. `equi` lists pairs of (left expr over left row, right expr
 * over right row) that must be equal for `on` to hold: the executor then
 * builds a hash table on the right side instead of a nested loop.
 */
export interface JoinPlan {
  readonly kind: 'join';
  readonly columns: readonly OutputColumn[];
  readonly type: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly left: Plan;
  readonly right: Plan;
  readonly on: BoundExpr | null;
  readonly equi: readonly { readonly left: BoundExpr; readonly right: BoundExpr; readonly type: SqlType }[];
  /** LATERAL: `right` reads the left row (as its nearest outer row) and runs again for each one. */
  readonly lateral?: boolean;
  /** An index nested loop instead of a hash join (join-select.ts). */
  readonly lookup?: JoinLookup;
}

/**
 * Index nested loop: the `outer` input streams, and for each of its rows
 * the other input, a table scan (its `index` unused, its `filter` applied),
 * is read through an index probed with key values computed from that row.
 * `on` still runs over every combined row, so the probe only has to return
 * a superset. A NULL key value finds no row.
 */
export interface JoinLookup {
  readonly outer: 'left' | 'right';
  readonly indexId: number;
  readonly name: string;
  /** The probe value of each leading index column, over the outer row (or row-independent). */
  readonly keys: readonly BoundExpr[];
  /** SQL types of those index columns, to encode the probe values as the index stores them. */
  readonly keyTypes: readonly SqlType[];
  /** The inner scan's column of each key, for EXPLAIN. */
  readonly columns: readonly number[];
  /** The conditions the probe answers, for EXPLAIN ("Index Cond"): conjuncts of `on` or of the inner scan's filter. */
  readonly cond: readonly BoundExpr[];
  /** The planner's estimates, for EXPLAIN: outer rows, and cost of this plan against the hash join's. */
  readonly estimate: { readonly outerRows: number; readonly cost: number; readonly hashCost: number };
}

export interface AggregateCall {
  readonly def: AggregateDef;
  readonly args: readonly BoundExpr[];
  readonly distinct: boolean;
  readonly filter: BoundExpr | null;
  readonly type: SqlType;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY y)). */
  readonly orderBy: readonly SortKey[];
  readonly name: string;
}

/** GROUP BY: output is the group keys then the aggregates' results. No keys = one group (even over no rows). */
export interface AggregatePlan {
  readonly kind: 'aggregate';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly groupBy: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
}

export interface SortKey {
  readonly expr: BoundExpr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export interface SortPlan {
  readonly kind: 'sort';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly keys: readonly SortKey[];
}

export interface LimitPlan {
  readonly kind: 'limit';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly limit: BoundExpr | null;
  readonly offset: BoundExpr | null;
}

/** DISTINCT (on all columns) or DISTINCT ON (the first `onCount` columns; input sorted by them). */
export interface DistinctPlan {
  readonly kind: 'distinct';
  readonly columns: readonly OutputColumn[];
  readonly input: Plan;
  readonly on: readonly BoundExpr[] | null;
}

export interface SetOpPlan {
  readonly kind: 'setOp';
  readonly columns: readonly OutputColumn[];
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Plan;
  readonly right: Plan;
}

/**
 * WITH RECURSIVE: `anchor`'s rows, then `recursive` run again and again over
 * the rows the previous round produced (which its WorkTablePlan reads),
 * until a round produces none. UNION (not ALL) drops rows seen before, which
 * is what ends most recursions. Rows stream out as they are produced, so a
 * LIMIT above stops an unbounded recursion.
 */
export interface RecursiveUnionPlan {
  readonly kind: 'recursiveUnion';
  readonly columns: readonly OutputColumn[];
  readonly name: string;
  readonly all: boolean;
  readonly anchor: Plan;
  readonly recursive: Plan;
  /** Identifies the working rows for the WorkTablePlan inside `recursive`. */
  readonly work: object;
}

/** The recursive term's reference to its own query: the rows of the previous round. */
export interface WorkTablePlan {
  readonly kind: 'workTable';
  readonly columns: readonly OutputColumn[];
  readonly work: object;
  readonly name: string;
}
