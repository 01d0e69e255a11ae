// What a running statement carries besides its rows: parameter values, the
// evaluation context (clock, randomness, time zone), the rows of enclosing
// queries for correlated subqueries, and the engine transaction it reads in.

import type { EvalContext } from '../types/eval-context.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import type { Engine } from '../../txn/engine.ts';
import type { Transaction } from '../../txn/transaction.ts';

export type Row = RuntimeValue[];

export interface ExecContext {
  readonly engine: Engine;
  readonly txn: Transaction;
  /** Parameter values ($1 is get(0)), converted to each parameter's type on first use. */
  readonly params: { get(index: number): RuntimeValue };
  readonly eval: EvalContext;
  /** Rows of the enclosing queries, innermost last (correlated subqueries read them). */
  readonly outer: Row[];
  /** Results of uncorrelated subqueries and CTEs, computed once per execution. */
  readonly cache: Map<object, unknown>;
  /** Checked between rows: a cancelled or timed-out statement stops here. */
  checkInterrupt(): void;
}
