// Index selection: after the optimizer has pushed conditions into table
// scans, a scan whose conditions pin down a prefix of an index's columns
// reads through that index instead of the whole table; and an ORDER BY that
// an index's order gives (forward or backward) is dropped in favour of
// reading the index in that order.
//
// A usable condition is `column OP value` (or `value OP column`) with OP one
// of = < <= > >= and value independent of the scanned row: a constant, a
// parameter, an outer column, an uncorrelated scalar subquery, or an
// expression over those without volatile functions. The index's first columns take equalities, the
// next one may take a range (a lower and an upper bound). The best index
// fixes the most columns: a unique index fixed on all its columns first,
// then the most equalities, then a range. `column IN (list)` counts as an
// equality answered by one probe per value. Every condition stays in the
// scan's filter and is re-checked on each row the index returns, so the
// index only has to return a superset; that keeps cross-type comparisons
// (an int4 column against an int8 parameter) exact. The one exception is
// IndexAccess.exact: integer equalities a B-tree secondary index answers
// exactly, which the executor leaves out of the filter it tests for the
// rows of that index access (EXPLAIN still shows them).

import type { IndexDef } from '../../txn/index-keys.ts';
import type { SqlType, TypeId } from '../types/sql-type.ts';
import type { BoundExpr } from './bound.ts';
import { childrenOf } from './bound.ts';
import type { IndexAccess, Plan, ScanPlan, SortKey } from './plan.ts';
import { chooseJoinMethod, type IndexLookup, type RowEstimate } from './join-select.ts';

export type { IndexLookup, RowEstimate };

/**
 * Rewrite every table scan in the plan (not inside subqueries: those are
 * bound, and selected, on their own). `limited`: a LIMIT sits above, so
 * reading a whole index in order beats sorting the table.
 */
export function selectIndexes(plan: Plan, indexesOf: IndexLookup, limited = false, rowsOf: RowEstimate = () => undefined): Plan {
  const select = (p: Plan, underLimit = false) => selectIndexes(p, indexesOf, underLimit, rowsOf);
  switch (plan.kind) {
    case 'scan': {
      const index = plan.filter === null ? undefined : chooseIndex(plan, indexesOf(plan.table.id));
      return index === undefined ? plan : { ...plan, index };
    }
    case 'sort': {
      const input = select(plan.input);
      return orderedByIndex(plan.keys, input, indexesOf, limited) ?? { ...plan, input };
    }
    case 'limit':
      return { ...plan, input: select(plan.input, plan.limit !== null) };
    case 'filter':
    case 'project':
    case 'distinct':
    case 'aggregate':
      return { ...plan, input: select(plan.input) } as Plan;
    case 'join':
      // The inputs first: the join's choice weighs what reading each costs.
      return chooseJoinMethod({ ...plan, left: select(plan.left), right: select(plan.right) }, indexesOf, rowsOf);
    case 'setOp':
      return { ...plan, left: select(plan.left), right: select(plan.right) } as Plan;
    default:
      return plan;
  }
}

interface Bound {
  readonly column: number;
  readonly op: '=' | '<' | '<=' | '>' | '>=' | 'in';
  readonly value: BoundExpr;
  /** For 'in': the list. */
  readonly list?: readonly BoundExpr[];
  readonly conjunct: BoundExpr;
}

const FLIP = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;

function chooseIndex(scan: ScanPlan, indexes: readonly IndexDef[]): IndexAccess | undefined {
  const bounds = conjuncts(scan.filter!).map((c) => usableBound(c, scan)).filter((b): b is Bound => b !== null);
  if (bounds.length === 0) return undefined;
  let best: { access: IndexAccess; score: number } | undefined;
  for (const def of indexes) {
    const access = accessFor(def, scan, bounds);
    if (access === undefined) continue;
    const fixedAll = def.unique && access.eq.length === def.columns.length;
    const score = (fixedAll ? 1000 : 0) + access.eq.length * 10 + (access.lower !== null ? 2 : 0) + (access.upper !== null ? 2 : 0) + (def.primary ? 1 : 0);
    if (best === undefined || score > best.score) best = { access, score };
  }
  return best?.access;
}

function accessFor(def: IndexDef, scan: ScanPlan, bounds: readonly Bound[]): IndexAccess | undefined {
  if (def.columns.length === 0) return undefined; // a row-id primary index: no SQL column
  const eq: BoundExpr[] = [];
  const keyTypes: SqlType[] = [];
  const cond: BoundExpr[] = [];
  const exact: BoundExpr[] = [];
  let inAt: number | null = null;
  let inList: readonly BoundExpr[] = [];
  let lower: IndexAccess['lower'] = null;
  let upper: IndexAccess['upper'] = null;
  for (const c of def.columns) {
    const column = scan.positions.indexOf(c.column);
    if (column < 0) break;
    const type = scan.columns[column]!.type;
    const equal = bounds.find((b) => b.column === column && b.op === '=');
    if (equal !== undefined) {
      eq.push(equal.value);
      keyTypes.push(type);
      cond.push(equal.conjunct);
      if (exactEquality(def, equal.conjunct)) exact.push(equal.conjunct);
      continue;
    }
    const inBound = inAt === null ? bounds.find((b) => b.column === column && b.op === 'in') : undefined;
    if (inBound !== undefined) {
      inAt = eq.length;
      inList = inBound.list!;
      eq.push(inBound.value);
      keyTypes.push(type);
      cond.push(inBound.conjunct);
      continue;
    }
    // A range on this column ends the prefix. Descending key columns store
    // the order reversed: a lower bound of the value is an upper bound of the key.
    const descending = c.key.descending === true;
    for (const b of bounds) {
      if (b.column !== column || b.op === '=') continue;
      const isLower = (b.op === '>' || b.op === '>=') !== descending;
      const edge = { expr: b.value, inclusive: b.op === '>=' || b.op === '<=' };
      if (isLower && lower === null) {
        lower = edge;
        cond.push(b.conjunct);
      } else if (!isLower && upper === null) {
        upper = edge;
        cond.push(b.conjunct);
      }
    }
    if (lower !== null || upper !== null) keyTypes.push(type);
    break;
  }
  if (eq.length === 0 && lower === null && upper === null) return undefined;
  if (def.method === 'hash' && (eq.length !== def.columns.length || lower !== null || upper !== null)) return undefined;
  return { indexId: def.id, name: def.name, eq, inAt, inList, lower, upper, keyTypes, reverse: false, cond, ...(exact.length > 0 ? { exact } : {}) };
}

/**
 * Does every row a scan of `def` returns for the equality `conjunct` (one of
 * its eq bounds) satisfy it? Yes for `integer column = parameter or
 * constant` of one and the same integer type through a B-tree secondary
 * index: the scan reads the entries whose key starts with the value's
 * encoding and returns a row only if its own key, as it encodes, is its
 * entry's (IndexManager.#scanCollected), and an integer encodes as one value
 * only. A NULL value probes nothing, and the comparison would hold for no
 * row either. Anything else (other types, casts, the primary index, whose
 * point lookup does not re-check the key, hash indexes) stays in the
 * filter.
 */
function exactEquality(def: IndexDef, conjunct: BoundExpr): boolean {
  if (def.primary || def.method === 'hash' || conjunct.kind !== 'binary' || conjunct.op !== '=') return false;
  const { left, right } = conjunct;
  const [column, value] = left.kind === 'column' ? [left, right] : [right, left];
  if (column.kind !== 'column' || (value.kind !== 'param' && value.kind !== 'const')) return false;
  const t = column.type.id;
  return (t === 'int2' || t === 'int4' || t === 'int8') && value.type.id === t;
}

/**
 * An ORDER BY that an index gives: drop the sort and read the index in
 * order (backward if every key is reversed). The sort keys must be scan
 * columns (through a projection of plain columns) matching the index's
 * columns after those its equalities fix. With no index chosen for the
 * WHERE clause, a whole index is read in order only under a LIMIT.
 */
function orderedByIndex(keys: readonly SortKey[], input: Plan, indexesOf: IndexLookup, limited: boolean): Plan | undefined {
  const project = input.kind === 'project' ? input : null;
  const scan = project === null ? input : project.input;
  if (scan.kind !== 'scan') return undefined;
  const columns: number[] = [];
  for (const k of keys) {
    if (k.expr.kind !== 'column') return undefined;
    const e = project === null ? k.expr : project.exprs[k.expr.index];
    if (e === undefined || e.kind !== 'column' || e.index >= scan.positions.length) return undefined;
    columns.push(e.index);
  }
  const indexes = indexesOf(scan.table.id);
  const candidates = scan.index !== undefined ? indexes.filter((d) => d.id === scan.index!.indexId) : limited ? indexes : [];
  for (const def of candidates) {
    if (def.method === 'hash') continue;
    const access: IndexAccess = scan.index ?? { indexId: def.id, name: def.name, eq: [], inAt: null, inList: [], lower: null, upper: null, keyTypes: [], reverse: false, cond: [] };
    if (access.inAt !== null) continue;
    const reverse = indexOrder(def, scan, access.eq.length, keys, columns);
    if (reverse === null) continue;
    const ordered: ScanPlan = { ...scan, index: { ...access, reverse } };
    return project === null ? ordered : { ...project, input: ordered };
  }
  return undefined;
}

/** false: the index gives the order forward; true: backward; null: it does not. */
function indexOrder(def: IndexDef, scan: ScanPlan, fixed: number, keys: readonly SortKey[], columns: readonly number[]): boolean | null {
  let reverse: boolean | null = null;
  let at = fixed;
  for (let i = 0; i < keys.length; i++) {
    const column = columns[i]!;
    // A key on a column the equalities fix is constant: it orders nothing.
    if (def.columns.slice(0, fixed).some((c) => scan.positions.indexOf(c.column) === column)) continue;
    const c = def.columns[at++];
    if (c === undefined || scan.positions.indexOf(c.column) !== column) return null;
    const descending = c.key.descending === true;
    const nullsFirst = c.key.nulls === undefined ? descending : c.key.nulls === 'first';
    const key = keys[i]!;
    const forward = key.desc === descending && key.nullsFirst === nullsFirst;
    const backward = key.desc !== descending && key.nullsFirst !== nullsFirst;
    const mode = forward ? false : backward ? true : null;
    if (mode === null || (reverse !== null && mode !== reverse)) return null;
    reverse = mode;
  }
  return reverse ?? false;
}

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

function usableBound(e: BoundExpr, scan: ScanPlan): Bound | null {
  if (e.kind === 'inList') {
    if (e.not || e.arg.kind !== 'column' || !inScan(e.arg.index, scan)) return null;
    const column = e.arg;
    if (!e.list.every((x) => rowIndependent(x) && comparable(column.type.id, x.type.id))) return null;
    return { column: column.index, op: 'in', value: e.list[0]!, list: e.list, conjunct: e };
  }
  if (e.kind !== 'binary' || !(e.op in FLIP)) return null;
  const op = e.op as keyof typeof FLIP;
  if (e.left.kind === 'column' && rowIndependent(e.right) && comparable(e.left.type.id, e.right.type.id)) {
    return inScan(e.left.index, scan) ? { column: e.left.index, op, value: e.right, conjunct: e } : null;
  }
  if (e.right.kind === 'column' && rowIndependent(e.left) && comparable(e.right.type.id, e.left.type.id)) {
    return inScan(e.right.index, scan) ? { column: e.right.index, op: FLIP[op], value: e.left, conjunct: e } : null;
  }
  return null;
}

function inScan(column: number, scan: ScanPlan): boolean {
  return column < scan.positions.length;
}

/** Could an index on a column of type `column` be probed with a value of type `value`? */
function comparable(column: TypeId, value: TypeId): boolean {
  if (column === value) return true;
  const family = (t: TypeId) => (t === 'int2' || t === 'int4' || t === 'int8' ? 'int' : t === 'float4' || t === 'float8' ? 'float' : t === 'text' || t === 'varchar' ? 'text' : t);
  return family(column) === family(value);
}

/** Does the expression read nothing of the scanned row, and give one value for the whole scan? */
function rowIndependent(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'column':
      return false;
    case 'subquery':
      // An uncorrelated scalar subquery is one value, computed when the scan starts.
      return e.mode === 'scalar' && !e.correlated;
    case 'call':
      if (e.volatile) return false;
      break;
    default:
      break;
  }
  return childrenOf(e).every(rowIndependent);
}
