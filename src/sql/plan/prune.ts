// Column pruning: which columns of each table scan the plan above it reads.
// A scan marks the others (ScanPlan.needed), and the executor neither
// decodes them from the stored tuple nor converts them (they read NULL):
// `SELECT cat, count(*) FROM t GROUP BY cat` decodes one column of t, not
// its text columns too.
//
// Conservative: every output column of the plan's root is needed; an
// expression with a correlated subquery needs every column of its input
// (the subquery reads the row as its outer row); so do the left side of a
// LATERAL join, DISTINCT, set operations and recursive queries.

import type { BoundExpr } from './bound.ts';
import { childrenOf } from './bound.ts';
import type { Plan } from './plan.ts';

/** Per output column: read above? null: all of them. */
type Need = boolean[] | null;

export function pruneColumns(plan: Plan): Plan {
  return prune(plan, null);
}

/** Adds the input columns an expression reads to `need` (indexes offset by `shift`); false if it needs them all. */
function read(e: BoundExpr, need: boolean[], shift = 0): boolean {
  if (e.kind === 'column') {
    const i = e.index - shift;
    if (i >= 0 && i < need.length) need[i] = true;
    return true;
  }
  if (e.kind === 'subquery' && e.correlated) return false;
  for (const child of childrenOf(e)) if (!read(child, need, shift)) return false;
  return true;
}

/** The input's need from expressions over its rows plus the output columns passed straight through. */
function needOf(width: number, exprs: readonly (BoundExpr | null)[], through: Need): Need {
  if (through === null) return null;
  const need = through.slice(0, width);
  while (need.length < width) need.push(false);
  for (const e of exprs) if (e !== null && !read(e, need)) return null;
  return need;
}

function prune(plan: Plan, need: Need): Plan {
  switch (plan.kind) {
    case 'scan': {
      if (need === null) return plan;
      const needed = needOf(plan.columns.length, [plan.filter], need);
      if (needed === null || needed.every((n) => n)) return plan;
      return { ...plan, needed };
    }
    case 'filter':
      return { ...plan, input: prune(plan.input, needOf(plan.input.columns.length, [plan.predicate], need)) };
    case 'sort':
      return { ...plan, input: prune(plan.input, needOf(plan.input.columns.length, plan.keys.map((k) => k.expr), need)) };
    case 'limit':
      return { ...plan, input: prune(plan.input, need) };
    case 'project': {
      const used = plan.exprs.filter((_, i) => need === null || need[i] === true);
      return { ...plan, input: prune(plan.input, needOf(plan.input.columns.length, used, new Array<boolean>(plan.input.columns.length).fill(false))) };
    }
    case 'aggregate': {
      const exprs: BoundExpr[] = [...plan.groupBy];
      for (const a of plan.aggregates) {
        exprs.push(...a.args, ...a.orderBy.map((k) => k.expr));
        if (a.filter !== null) exprs.push(a.filter);
      }
      return { ...plan, input: prune(plan.input, needOf(plan.input.columns.length, exprs, new Array<boolean>(plan.input.columns.length).fill(false))) };
    }
    case 'join': {
      const leftWidth = plan.left.columns.length;
      const rightWidth = plan.right.columns.length;
      let left: Need = need === null ? null : need.slice(0, leftWidth);
      let right: Need = need === null ? null : need.slice(leftWidth, leftWidth + rightWidth);
      if (left !== null && plan.lateral === true) left = null;
      if (plan.on !== null && left !== null && right !== null) {
        const both = [...left, ...right];
        if (read(plan.on, both)) {
          left = both.slice(0, leftWidth);
          right = both.slice(leftWidth);
        } else left = right = null;
      } else if (plan.on !== null) {
        left = right = null;
      }
      for (const e of plan.equi) {
        if (left !== null && !read(e.left, left)) left = null;
        if (right !== null && !read(e.right, right)) right = null;
      }
      if (plan.lookup !== undefined) {
        // Probe keys read the outer row (or nothing of it: constants of the inner filter).
        for (const k of plan.lookup.keys) {
          if (plan.lookup.outer === 'left' && left !== null && !read(k, left)) left = null;
          if (plan.lookup.outer === 'right' && right !== null && !read(k, right)) right = null;
        }
      }
      return { ...plan, left: prune(plan.left, left), right: prune(plan.right, right) };
    }
    case 'distinct':
      return { ...plan, input: prune(plan.input, null) };
    case 'setOp':
      return { ...plan, left: prune(plan.left, null), right: prune(plan.right, null) };
    case 'recursiveUnion':
      return { ...plan, anchor: prune(plan.anchor, null), recursive: prune(plan.recursive, null) };
    default:
      return plan;
  }
}
