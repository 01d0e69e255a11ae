// The functions clients call about the server, the session and the
// catalog: version(), current_database(), current_setting(), set_config(),
// pg_backend_pid(), format_type(), pg_get_indexdef() and friends, the
// privilege checks, and the array functions the catalog queries use
// (array_to_string, array_position, array_upper, ...). They read the
// session and the statement's catalog view through EvalContext.system
// (eval-context.ts); without a session they fail with 0A000.
//
// Where Flint lacks the feature a function reports on, it answers as
// PostgreSQL does for an object without it: obj_description is NULL (there
// are no comments), the privilege checks are true (every role may do
// everything), pg_partition_ancestors(rel) is rel itself (no table is
// partitioned; PostgreSQL returns the one row, rel).

import { FlintError, SqlState } from '../../errors.ts';
import { splitQualified } from '../system-catalog/catalog-view.ts';
import { formatType } from '../system-catalog/types.ts';
import { procArguments, procByOid } from '../system-catalog/procs.ts';
import type { EvalContext, SystemContext } from '../types/eval-context.ts';
import { RegOid } from '../types/reg-oid.ts';
import type { SqlType } from '../types/sql-type.ts';
import { formatText } from '../types/text-io.ts';
import { arrayType, T, type RuntimeValue, type Value } from '../types/type-info.ts';
import { compareValues } from '../types/compare.ts';
import type { Decimal } from '../types/decimal.ts';
import { fn, type FunctionDef, type ScalarFn } from './function-def.ts';

/** The version string: PostgreSQL's shape, so tools that parse "PostgreSQL 15.0" work. */
export const VERSION = 'PostgreSQL 15.0 (Flint 0.1.0) on javascript, compiled by TypeScript, 64-bit';

function system(ctx: EvalContext): SystemContext {
  if (ctx.system === undefined) throw new FlintError(SqlState.featureNotSupported, 'this function needs a session');
  return ctx.system;
}

const stable = { volatility: 'stable' } as const;
const lenient = { volatility: 'stable', strict: false } as const;
const oid = (v: RuntimeValue): number => (v instanceof RegOid ? v.oid : (v as number));

/** The schemas an unqualified name is looked up in, as current_schemas(true) lists them. */
function searchPath(ctx: EvalContext, implicit: boolean): string[] {
  const path = (system(ctx).setting('search_path') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter((s) => s === 'public' || s === 'pg_catalog' || s === 'information_schema');
  return implicit && !path.includes('pg_catalog') ? ['pg_catalog', ...path] : path;
}

function currentSetting(ctx: EvalContext, name: string, missingOk: boolean): string | null {
  const value = system(ctx).setting(name);
  if (value !== undefined) return value;
  if (missingOk) return null;
  throw new FlintError('42704', `unrecognized configuration parameter "${name}"`);
}

const truthy = (): boolean => true;

/** pg_get_viewdef: the view's query as stored (by OID, or by name as regclass input reads it). */
function viewDef(ctx: EvalContext, relation: RuntimeValue): string | null {
  const view = system(ctx).catalog();
  const r = typeof relation === 'string' ? view.relationByName(relation) : view.relation(oid(relation));
  return r?.viewQuery ?? null;
}

/** has_*_privilege(...) in each of PostgreSQL's argument shapes: every role may do everything in Flint. */
function privilegeChecks(name: string): FunctionDef[] {
  return [
    fn(name, ['text', 'text'], 'bool', truthy, stable),
    fn(name, ['oid', 'text'], 'bool', truthy, stable),
    fn(name, ['text', 'text', 'text'], 'bool', truthy, stable),
    fn(name, ['text', 'oid', 'text'], 'bool', truthy, stable),
    fn(name, ['oid', 'text', 'text'], 'bool', truthy, stable),
    fn(name, ['oid', 'oid', 'text'], 'bool', truthy, stable),
  ];
}

/** pg_size_pretty, PostgreSQL 15's algorithm: bytes below 10 kB, then kB, MB, GB, TB below 20 units each, halves rounded away from zero. */
function sizePretty(bytes: bigint): string {
  const units = [
    { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
    { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
    { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
    { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
    { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
  ];
  let size = bytes;
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    const next = units[i + 1];
    if (next === undefined || (size < 0n ? -size : size) < unit.limit) {
      if (unit.round) size = (size + (size < 0n ? -1n : 1n)) / 2n;
      return `${size} ${unit.name}`;
    }
    const bits = next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0);
    size /= 1n << BigInt(bits);
  }
  return `${size} bytes`;
}

// ---- arrays --------------------------------------------------------------------------------

// The registry hands array parameters over as text[] (arrays' elements cast to text): element comparisons are text's.
const withTypes = (f: (types: readonly SqlType[]) => ScalarFn): ((types: readonly SqlType[]) => ScalarFn) => f;
const elementOf = (types: readonly SqlType[]): SqlType => types[0]?.element ?? T.text;
const values = (v: RuntimeValue): readonly RuntimeValue[] => v as readonly RuntimeValue[];

const ARRAY_FUNCTIONS: FunctionDef[] = [
  {
    name: 'array_to_string', args: ['array', 'text'], result: 'text', bindsTypes: true,
    impl: withTypes((types) => (ctx, a, sep) => values(a).filter((v) => v !== null).map((v) => formatText(v as Value, elementOf(types), ctx)).join(sep as string)),
  },
  {
    name: 'array_to_string', args: ['array', 'text', 'text'], result: 'text', bindsTypes: true, strict: false,
    impl: withTypes((types) => (ctx, a, sep, nul) =>
      a === null || sep === null ? null : values(a).filter((v) => v !== null || nul !== null).map((v) => (v === null ? (nul as string) : formatText(v as Value, elementOf(types), ctx))).join(sep as string)),
  },
  {
    // array_position(array, element): 1-based, NULL when absent; the element is compared as text (its cast to the array's element type).
    name: 'array_position', args: ['array', 'text'], result: 'int4', bindsTypes: true, strict: false,
    impl: withTypes((types) => (_ctx, a, x) => {
      if (a === null) return null;
      const element = elementOf(types);
      const i = values(a).findIndex((v) => (v === null ? x === null : x !== null && compareValues(v as Value, x as Value, element) === 0));
      return i < 0 ? null : i + 1;
    }),
  },
  fn('array_upper', ['array', 'int4'], 'int4', (_c, a, d) => (d === 1 && values(a).length > 0 ? values(a).length : null)),
  fn('array_lower', ['array', 'int4'], 'int4', (_c, a, d) => (d === 1 && values(a).length > 0 ? 1 : null)),
  fn('array_length', ['array', 'int4'], 'int4', (_c, a, d) => (d === 1 && values(a).length > 0 ? values(a).length : null)),
  fn('cardinality', ['array'], 'int4', (_c, a) => values(a).length),
];

// ---- the catalog ---------------------------------------------------------------------------

export const CATALOG_FUNCTIONS: FunctionDef[] = [
  fn('version', [], 'text', () => VERSION),
  fn('current_database', [], 'text', (ctx) => system(ctx).databaseName, stable),
  fn('current_catalog', [], 'text', (ctx) => system(ctx).databaseName, stable),
  fn('current_schema', [], 'text', (ctx) => searchPath(ctx, false)[0] ?? null, lenient),
  { name: 'current_schemas', args: ['bool'], result: () => arrayType(T.text), impl: (ctx, implicit) => searchPath(ctx, implicit as boolean), volatility: 'stable' },
  ...['current_user', 'session_user', 'user', 'current_role'].map((name) => fn(name, [], 'text', (ctx) => system(ctx).userName, stable)),
  fn('current_setting', ['text'], 'text', (ctx, name) => currentSetting(ctx, (name as string).toLowerCase(), false), stable),
  fn('current_setting', ['text', 'bool'], 'text', (ctx, name, ok) => currentSetting(ctx, (name as string).toLowerCase(), ok as boolean), stable),
  fn('set_config', ['text', 'text', 'bool'], 'text', (ctx, name, value) => {
    system(ctx).setSetting(name as string, value as string);
    return value;
  }, { volatility: 'volatile' }),
  fn('pg_backend_pid', [], 'int4', (ctx) => system(ctx).backendPid, stable),
  fn('format_type', ['oid', 'int4'], 'text', (_c, t, mod) => (t === null ? null : formatType(t as number, mod as number | null)), lenient),
  fn('pg_get_indexdef', ['oid'], 'text', (ctx, o) => system(ctx).catalog().indexDef(oid(o), 0, false), stable),
  fn('pg_get_indexdef', ['oid', 'int4', 'bool'], 'text', (ctx, o, col, pretty) => system(ctx).catalog().indexDef(oid(o), col as number, pretty as boolean), stable),
  fn('pg_get_constraintdef', ['oid'], 'text', (ctx, o) => system(ctx).catalog().constraintDef(oid(o)), stable),
  fn('pg_get_constraintdef', ['oid', 'bool'], 'text', (ctx, o) => system(ctx).catalog().constraintDef(oid(o)), stable),
  // Flint keeps expressions (defaults, checks) as SQL text: the "node tree" is the text itself.
  fn('pg_get_expr', ['text', 'oid'], 'text', (_c, e) => e, stable),
  fn('pg_get_expr', ['text', 'oid', 'bool'], 'text', (_c, e) => e, stable),
  fn('pg_get_viewdef', ['oid'], 'text', (ctx, o) => viewDef(ctx, o), stable),
  fn('pg_get_viewdef', ['oid', 'bool'], 'text', (ctx, o) => viewDef(ctx, o), stable),
  fn('pg_get_viewdef', ['oid', 'int4'], 'text', (ctx, o) => viewDef(ctx, o), stable),
  fn('pg_get_viewdef', ['text'], 'text', (ctx, name) => viewDef(ctx, name), stable),
  fn('pg_get_viewdef', ['text', 'bool'], 'text', (ctx, name) => viewDef(ctx, name), stable),
  fn('pg_get_userbyid', ['oid'], 'text', (ctx, o) => system(ctx).catalog().roleName(o as number), stable),
  fn('pg_table_is_visible', ['oid'], 'bool', (ctx, o) => system(ctx).catalog().isVisible(oid(o)), stable),
  fn('pg_function_is_visible', ['oid'], 'bool', (_c, o) => procByOid(oid(o)) !== undefined, stable),
  fn('pg_get_function_result', ['oid'], 'text', (_c, o) => {
    const p = procByOid(oid(o));
    return p === undefined ? null : formatType(p.result, null);
  }, stable),
  fn('pg_get_function_arguments', ['oid'], 'text', (_c, o) => {
    const p = procByOid(oid(o));
    return p === undefined ? null : procArguments(p);
  }, stable),
  fn('pg_get_function_identity_arguments', ['oid'], 'text', (_c, o) => {
    const p = procByOid(oid(o));
    return p === undefined ? null : procArguments(p);
  }, stable),
  fn('pg_type_is_visible', ['oid'], 'bool', (ctx, o) => system(ctx).catalog().typeName(oid(o)) !== null, stable),
  fn('pg_get_serial_sequence', ['text', 'text'], 'text', (ctx, t, c) => {
    const parts = splitQualified(c as string);
    return system(ctx).catalog().serialSequence(t as string, parts[0] ?? (c as string));
  }, stable),
  fn('pg_encoding_to_char', ['int4'], 'text', (_c, e) => (e === 6 ? 'UTF8' : e === 0 ? 'SQL_ASCII' : '')),
  fn('pg_char_to_encoding', ['text'], 'int4', (_c, e) => ((e as string).toUpperCase().replace(/[-_]/g, '') === 'UTF8' ? 6 : -1)),
  fn('obj_description', ['oid', 'text'], 'text', () => null, lenient),
  fn('obj_description', ['oid'], 'text', () => null, lenient),
  fn('col_description', ['oid', 'int4'], 'text', () => null, lenient),
  fn('shobj_description', ['oid', 'text'], 'text', () => null, lenient),
  fn('to_regclass', ['text'], 'regclass', (ctx, name) => {
    const view = system(ctx).catalog();
    const r = view.relationByName(name as string);
    return r === undefined ? null : new RegOid(r.oid, view.regName('regclass', r.oid)!);
  }, stable),
  // No table is partitioned: a relation's only "ancestor" is itself, as PostgreSQL answers for an unpartitioned one.
  fn('pg_partition_ancestors', ['regclass'], 'regclass', (_c, r) => r, stable),
  fn('pg_relation_is_publishable', ['regclass'], 'bool', (ctx, r) => system(ctx).catalog().relation(oid(r))?.kind === 'r', stable),
  // Flint has no triggers and no extended statistics: no OID names one.
  fn('pg_get_triggerdef', ['oid'], 'text', () => null, lenient),
  fn('pg_get_triggerdef', ['oid', 'bool'], 'text', () => null, lenient),
  fn('pg_get_statisticsobjdef_columns', ['oid'], 'text', () => null, lenient),
  fn('pg_is_in_recovery', [], 'bool', () => false, stable),
  fn('pg_my_temp_schema', [], 'oid', () => 0, stable),
  fn('pg_is_other_temp_schema', ['oid'], 'bool', () => false, stable),
  fn('pg_size_pretty', ['int8'], 'text', (_c, b) => sizePretty(b as bigint)),
  fn('pg_size_pretty', ['numeric'], 'text', (_c, b) => sizePretty((b as Decimal).toBigInt('bigint'))),
  ...privilegeChecks('has_table_privilege'),
  ...privilegeChecks('has_schema_privilege'),
  ...privilegeChecks('has_database_privilege'),
  ...privilegeChecks('has_sequence_privilege'),
  ...privilegeChecks('has_function_privilege'),
  ...privilegeChecks('has_any_column_privilege'),
  ...ARRAY_FUNCTIONS,
];
