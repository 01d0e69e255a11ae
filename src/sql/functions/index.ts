// Builtin scalar functions and aggregates.

export type { FunctionContext, FunctionDef, ScalarFn, Volatility } from './function-def.ts';
export { functionNames, lookupFunction, requireFunction, type ResolvedFunction } from './registry.ts';
export { isAggregateName, lookupAggregate, requireAggregate, type AggregateDef } from './aggregates.ts';
