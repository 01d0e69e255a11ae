// The heuristic optimizer: rewrites a bound logical plan into a cheaper
// equivalent one. Rules, applied bottom-up:
//
//   - predicate pushdown: a filter's conjuncts move down to the lowest point
//     where every column they read exists: into the scan (evaluated while
//     the row is still being decoded), or to one side of a join, through
//     projections of plain columns;
//   - join keys: conjuncts `left expr = right expr` over the two sides of a
//     join (an inner join's WHERE and ON, an outer join's ON, which keeps
//     them too) become hash-join keys (exec/run.ts builds a hash table on
//     the right side instead of a nested loop; join-select.ts may instead
//     probe an index with them);
//   - constant conditions: a filter that is constant TRUE disappears, one
//     that is constant FALSE or NULL becomes an empty input.
//
// Outer joins keep their ON conditions in place (moving them would change
// which rows are padded with NULLs); only filters above an outer join that
// read its preserved side move below it.

import type { BoundExpr } from './bound.ts';
import { childrenOf } from './bound.ts';
import type { JoinPlan, Plan } from './plan.ts';
import { T } from '../types/type-info.ts';

export function optimize(plan: Plan): Plan {
  switch (plan.kind) {
    case 'filter': {
      const input = optimize(plan.input);
      return pushFilter(input, conjuncts(plan.predicate));
    }
    case 'project':
    case 'sort':
    case 'limit':
    case 'distinct':
      return { ...plan, input: optimize(plan.input) } as Plan;
    case 'aggregate':
      return { ...plan, input: optimize(plan.input) };
    case 'join': {
      const joined = { ...plan, left: optimize(plan.left), right: optimize(plan.right) };
      if (joined.type === 'inner' && joined.on !== null) {
        const on = joined.on;
        joined.on = null;
        return pushFilter(joined, conjuncts(on));
      }
      if (joined.on !== null && joined.type !== 'cross' && joined.lateral !== true) {
        // An outer join keeps its ON as it is, but its `a = b` conjuncts
        // across the two sides are keys too: a hash join (or an index
        // lookup) finds the candidates, and ON is still checked on each.
        const leftWidth = joined.left.columns.length;
        const equi = [...joined.equi];
        for (const p of conjuncts(joined.on)) {
          if (!isEquiKey(p, leftWidth)) continue;
          const pair = equiPair(p as BoundExpr & { kind: 'binary' }, leftWidth);
          if (!equi.some((e) => e.left === pair.left)) equi.push(pair);
        }
        return { ...joined, equi };
      }
      return joined;
    }
    case 'setOp':
      return { ...plan, left: optimize(plan.left), right: optimize(plan.right) };
    default:
      return plan;
  }
}

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

function and(list: BoundExpr[]): BoundExpr | null {
  if (list.length === 0) return null;
  return list.length === 1 ? list[0]! : { kind: 'and', type: T.bool, args: list };
}

/** The input columns an expression reads (of its own row, not outer rows), or null if it has a subquery reading the row. */
function columnsRead(e: BoundExpr, out: Set<number>): boolean {
  if (e.kind === 'column') {
    out.add(e.index);
    return true;
  }
  if (e.kind === 'subquery' && e.correlated) return false;
  for (const child of childrenOf(e)) if (!columnsRead(child, out)) return false;
  return true;
}

/** Rewrite column indexes of an expression (after moving it below a join). */
function shift(e: BoundExpr, by: number): BoundExpr {
  if (by === 0) return e;
  return mapColumns(e, (i) => i - by);
}

function mapColumns(e: BoundExpr, f: (index: number) => number): BoundExpr {
  switch (e.kind) {
    case 'column':
      return { ...e, index: f(e.index) };
    case 'const':
    case 'param':
    case 'outerColumn':
      return e;
    case 'binary':
    case 'distinctFrom':
    case 'nullif':
      return { ...e, left: mapColumns(e.left, f), right: mapColumns(e.right, f) } as BoundExpr;
    case 'unary':
    case 'cast':
    case 'not':
    case 'isNull':
    case 'isBool':
      return { ...e, arg: mapColumns(e.arg, f) } as BoundExpr;
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
    case 'greatest':
    case 'least':
      return { ...e, args: e.args.map((a) => mapColumns(a, f)) } as BoundExpr;
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: mapColumns(w.when, f), then: mapColumns(w.then, f) })), else: mapColumns(e.else, f) };
    case 'inList':
      return { ...e, arg: mapColumns(e.arg, f), list: e.list.map((x) => mapColumns(x, f)) };
    case 'like':
      return { ...e, arg: mapColumns(e.arg, f), pattern: mapColumns(e.pattern, f), escape: e.escape === null ? null : mapColumns(e.escape, f) };
    case 'subquery':
      return { ...e, left: e.left === null ? null : mapColumns(e.left, f) };
  }
}

/** Place conjuncts as low as they can go over `plan`. */
function pushFilter(plan: Plan, preds: BoundExpr[]): Plan {
  const remaining: BoundExpr[] = [];
  for (const p of preds) {
    if (p.kind === 'const') {
      if (p.value === true) continue;
      // FALSE or NULL: no row passes.
      return { kind: 'filter', columns: plan.columns, input: plan, predicate: p };
    }
    remaining.push(p);
  }
  if (remaining.length === 0) return plan;
  switch (plan.kind) {
    case 'scan': {
      const all = plan.filter === null ? remaining : [...conjuncts(plan.filter), ...remaining];
      return { ...plan, filter: and(all) };
    }
    case 'join':
      return pushIntoJoin(plan, remaining);
    case 'filter':
      return pushFilter(plan.input, [...conjuncts(plan.predicate), ...remaining]);
    case 'project': {
      // Through a projection, a condition that reads only output columns
      // that are input columns moves below it (JOIN USING projects this way).
      const below: BoundExpr[] = [];
      const above: BoundExpr[] = [];
      for (const p of remaining) {
        const cols = new Set<number>();
        const plain = columnsRead(p, cols) && [...cols].every((i) => plan.exprs[i]?.kind === 'column');
        if (plain) below.push(mapColumns(p, (i) => (plan.exprs[i] as BoundExpr & { kind: 'column' }).index));
        else above.push(p);
      }
      const input = below.length > 0 ? pushFilter(plan.input, below) : plan.input;
      const projected: Plan = { ...plan, input };
      return above.length === 0 ? projected : { kind: 'filter', columns: plan.columns, input: projected, predicate: and(above)! };
    }
    default:
      return { kind: 'filter', columns: plan.columns, input: plan, predicate: and(remaining)! };
  }
}

function pushIntoJoin(join: JoinPlan, preds: BoundExpr[]): Plan {
  const leftWidth = join.left.columns.length;
  const toLeft: BoundExpr[] = [];
  const toRight: BoundExpr[] = [];
  const onJoin: BoundExpr[] = [];
  const above: BoundExpr[] = [];
  const equi = [...join.equi];
  const inner = join.type === 'inner';
  for (const p of preds) {
    const cols = new Set<number>();
    if (!columnsRead(p, cols)) {
      above.push(p);
      continue;
    }
    const readsLeft = [...cols].some((i) => i < leftWidth);
    const readsRight = [...cols].some((i) => i >= leftWidth);
    // A filter above an outer join may move to the side whose rows are never
    // NULL-padded; for an inner join, to either side.
    if (!readsRight && (inner || join.type === 'left')) {
      toLeft.push(p);
    } else if (!readsLeft && readsRight && (inner || join.type === 'right')) {
      toRight.push(shift(p, leftWidth));
    } else if (inner && readsLeft && readsRight && isEquiKey(p, leftWidth)) {
      equi.push(equiPair(p as BoundExpr & { kind: 'binary' }, leftWidth));
      onJoin.push(p);
    } else if (inner) {
      onJoin.push(p);
    } else {
      above.push(p);
    }
  }
  const left = toLeft.length > 0 ? pushFilter(join.left, toLeft) : join.left;
  const right = toRight.length > 0 ? pushFilter(join.right, toRight) : join.right;
  const onList = join.on === null ? onJoin : [...conjuncts(join.on), ...onJoin];
  // Equi keys are re-checked by `on` too: hash equality of keys is exact for
  // one type, and `on` keeps NULL and cross-type semantics in one place.
  const result: JoinPlan = { ...join, left, right, on: and(onList), equi };
  return above.length === 0 ? result : { kind: 'filter', columns: result.columns, input: result, predicate: and(above)! };
}

/** The (left, right) key pair of an equi conjunct; `left` is the conjunct's own operand object (join-select.ts finds the conjunct by it). */
function equiPair(b: BoundExpr & { kind: 'binary' }, leftWidth: number): JoinPlan['equi'][number] {
  const leftSide = onlyLeft(b.left, leftWidth) ? b.left : b.right;
  const rightSide = leftSide === b.left ? b.right : b.left;
  // Mixed integer types hash as int8 (hashKey gives equal integers one key whatever their width).
  const type = leftSide.type.id === rightSide.type.id ? leftSide.type : T.int8;
  return { left: leftSide, right: shift(rightSide, leftWidth), type };
}

function onlyLeft(e: BoundExpr, leftWidth: number): boolean {
  const cols = new Set<number>();
  return columnsRead(e, cols) && cols.size > 0 && [...cols].every((i) => i < leftWidth);
}

function onlyRight(e: BoundExpr, leftWidth: number): boolean {
  const cols = new Set<number>();
  return columnsRead(e, cols) && cols.size > 0 && [...cols].every((i) => i >= leftWidth);
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);

/**
 * `a = b` with one side over the left input only and the other over the
 * right only, of the same type, or of two integer types (int4 = int8
 * compares values; hash keys of equal integers are equal whatever their type).
 */
function isEquiKey(p: BoundExpr, leftWidth: number): boolean {
  if (p.kind !== 'binary' || p.op !== '=') return false;
  if (p.left.type.id !== p.right.type.id && !(INTEGER_TYPES.has(p.left.type.id) && INTEGER_TYPES.has(p.right.type.id))) return false;
  return (onlyLeft(p.left, leftWidth) && onlyRight(p.right, leftWidth)) || (onlyRight(p.left, leftWidth) && onlyLeft(p.right, leftWidth));
}
