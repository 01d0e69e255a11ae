// nextval, currval, setval, lastval: thin wrappers over the EvalContext's
// sequence access, which the statement runner provides (exec/sequences.ts).
// Volatile: every call may change or read state outside the statement.

import { FlintError, SqlState } from '../../errors.ts';
import type { EvalContext, SequenceFunctions } from '../types/eval-context.ts';
import { fn, type FunctionDef } from './function-def.ts';

function sequences(ctx: EvalContext): SequenceFunctions {
  if (ctx.sequences === undefined) throw new FlintError(SqlState.featureNotSupported, 'sequence functions need a database');
  return ctx.sequences;
}

const volatile = { volatility: 'volatile' } as const;

export const SEQUENCE_FUNCTIONS: FunctionDef[] = [
  fn('nextval', ['text'], 'int8', (ctx, name) => sequences(ctx).nextval(name as string), volatile),
  fn('currval', ['text'], 'int8', (ctx, name) => sequences(ctx).currval(name as string), volatile),
  fn('lastval', [], 'int8', (ctx) => sequences(ctx).lastval(), volatile),
  fn('setval', ['text', 'int8'], 'int8', (ctx, name, value) => sequences(ctx).setval(name as string, value as bigint, true), volatile),
  fn('setval', ['text', 'int8', 'bool'], 'int8', (ctx, name, value, called) => sequences(ctx).setval(name as string, value as bigint, called as boolean), volatile),
];
