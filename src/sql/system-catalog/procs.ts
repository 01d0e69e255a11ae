// pg_proc: Flint's builtin functions and aggregates with their declared
// signatures (what psql's \df lists), all in pg_catalog. The list is fixed
// for the life of the process (Flint has no CREATE FUNCTION), so it is built
// once, on first use. Pseudo-type parameters are PostgreSQL's: "any" (2276),
// anynonarray (2776), anyarray (2277, Flint's array parameters) and
// anyelement (2283, a result that follows the arguments' type).
//
// The registry imports the catalog functions, which read this module: the
// import cycle is safe because nothing here touches the registry until the
// list is first asked for.

import { aggregateSignatures } from '../functions/aggregates.ts';
import { functionSignatures } from '../functions/registry.ts';
import type { ParamType } from '../types/overload.ts';
import type { SqlType, TypeId } from '../types/sql-type.ts';
import { TYPE_OIDS } from '../types/type-oids.ts';
import { FIRST_ROLE_OID, PG_CATALOG_NAMESPACE, procOid } from './oids.ts';
import { formatType, oidOfType } from './types.ts';

export interface ProcInfo {
  readonly oid: number;
  readonly name: string;
  /** 'f' function, 'a' aggregate. */
  readonly kind: 'f' | 'a';
  readonly argTypes: readonly number[];
  readonly variadic: number;
  readonly result: number;
  readonly strict: boolean;
  /** provolatile: i, s or v. */
  readonly volatility: 'i' | 's' | 'v';
}

const PSEUDO: Record<string, number> = { any: 2276, anynonarray: 2776, array: 2277, 'text[]': 1009 };
const ANYELEMENT = 2283;

function paramOid(p: ParamType): number {
  return PSEUDO[p] ?? TYPE_OIDS[p as TypeId]?.oid ?? 0;
}

function resultOid(result: SqlType | null): number {
  return result === null ? ANYELEMENT : oidOfType(result);
}

let procs: readonly ProcInfo[] | undefined;
let byOid: Map<number, ProcInfo> | undefined;

export function allProcs(): readonly ProcInfo[] {
  if (procs === undefined) {
    const list: ProcInfo[] = [];
    for (const f of functionSignatures()) {
      list.push({
        oid: procOid(list.length), name: f.name, kind: 'f', argTypes: f.args.map(paramOid), variadic: f.variadic === null ? 0 : paramOid(f.variadic),
        result: resultOid(f.result), strict: f.strict, volatility: f.volatility === 'immutable' ? 'i' : f.volatility === 'stable' ? 's' : 'v',
      });
    }
    for (const a of aggregateSignatures()) {
      list.push({ oid: procOid(list.length), name: a.name, kind: 'a', argTypes: a.args.map(paramOid), variadic: 0, result: resultOid(a.result), strict: false, volatility: 'i' });
    }
    procs = list;
    byOid = new Map(list.map((p) => [p.oid, p]));
  }
  return procs;
}

export function procByOid(oid: number): ProcInfo | undefined {
  allProcs();
  return byOid!.get(oid);
}

/** pg_get_function_arguments: the parameter types, a VARIADIC one last. */
export function procArguments(p: ProcInfo): string {
  const args = p.argTypes.map((t) => formatType(t, null));
  // VARIADIC "any" takes any number of arguments of any types; other variadic parameters are arrays of their element.
  if (p.variadic !== 0) args.push(p.variadic === PSEUDO.any ? 'VARIADIC "any"' : `VARIADIC ${formatType(p.variadic, null)}[]`);
  return args.join(', ');
}

export const PROC_COLUMNS =
  'oid oid, proname text, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4, provariadic oid, prokind text, ' +
  'prosecdef bool, proleakproof bool, proisstrict bool, proretset bool, provolatile text, proparallel text, pronargs int2, ' +
  'pronargdefaults int2, prorettype oid, proargtypes oid[], proallargtypes oid[], proargmodes text[], proargnames text[], prosrc text';

export function procRows(): unknown[][] {
  return allProcs().map((p) => [
    p.oid, p.name, PG_CATALOG_NAMESPACE, FIRST_ROLE_OID, 12, 1, 0, p.variadic, p.kind,
    false, false, p.strict, false, p.volatility, 's', p.argTypes.length + (p.variadic === 0 ? 0 : 1),
    0, p.result, p.variadic === 0 ? [...p.argTypes] : [...p.argTypes, p.variadic], null, null, null, p.name,
  ]);
}
