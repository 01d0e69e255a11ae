// Whether running a query plan can read the statement's clock (its
// statement and transaction timestamps): BoundStatement.clockFree for
// queries, and for UPDATE with its assignments (dml-update-delete.ts). A session does not read the clock as such a statement starts,
// and reads it after all if the statement asks (StatementEval).
//
// Conservative by construction: only the plan kinds and expressions listed
// here are known not to read it, and anything else (function calls, casts,
// date and time values, subqueries, other plans) may. Parameters count by
// their type, as the conversion of a JavaScript value to it runs when the
// plan first reads the parameter: date and time input reads the clock
// ('now', 'today').
import type { BoundExpr } from '../plan/bound.ts';
import type { Plan } from '../plan/plan.ts';
import type { SqlType } from '../types/sql-type.ts';

/** Types whose parameter conversion (fromJs: text input, casts of JS values) never reads the clock, unlike date and time input ('now'). */
export const CLOCK_FREE_INPUT: ReadonlySet<string> = new Set(['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'name', 'bytea', 'uuid', 'json', 'jsonb', 'oid']);

/** True when running `plan` with parameters of `paramTypes` cannot read the statement's clock (false: it may). */
export function planClockFree(plan: Plan, paramTypes: readonly (SqlType | undefined)[]): boolean {
  for (const t of paramTypes) if (t === undefined || !CLOCK_FREE_INPUT.has(t.id)) return false;
  return planFree(plan);
}

function planFree(plan: Plan): boolean {
  switch (plan.kind) {
    case 'scan': {
      if (plan.filter !== null && !exprFree(plan.filter)) return false;
      const index = plan.index;
      if (index === undefined) return true;
      return index.eq.every(exprFree) && index.inList.every(exprFree) && index.cond.every(exprFree) &&
        (index.lower === null || exprFree(index.lower.expr)) && (index.upper === null || exprFree(index.upper.expr));
    }
    case 'project':
      return plan.exprs.every(exprFree) && planFree(plan.input);
    case 'filter':
      return exprFree(plan.predicate) && planFree(plan.input);
    default:
      return false;
  }
}

/** True when evaluating `e` cannot read the statement's clock (an UPDATE's assignments: dml-update-delete.ts). */
export function exprClockFree(e: BoundExpr): boolean {
  return exprFree(e);
}

/** Expressions over values of clock-free types only: columns, constants, parameters, comparisons and boolean logic. */
function exprFree(e: BoundExpr): boolean {
  if (!CLOCK_FREE_INPUT.has(e.type.id)) return false;
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'column':
      return true;
    case 'binary':
      return exprFree(e.left) && exprFree(e.right);
    case 'and':
    case 'or':
      return e.args.every(exprFree);
    case 'not':
    case 'isNull':
      return exprFree(e.arg);
    default:
      return false;
  }
}
