// jsonb functions: jsonb_typeof, jsonb_array_length, jsonb_build_object and
// jsonb_build_array ("any" arguments, not strict: NULL becomes JSON null),
// to_jsonb, jsonb_extract_path(_text), jsonb_set, jsonb_strip_nulls,
// jsonb_pretty.

import type { JsonValue, SqlType } from '../types/sql-type.ts';
import type { RuntimeValue } from '../types/type-info.ts';
import { FlintError, SqlState } from '../../errors.ts';
import { formatJsonPretty, formatJson, fromJsonb, toJsonb } from '../types/json.ts';
import {
  jsonArrayLength,
  jsonAsText,
  jsonBuildObject,
  jsonGetPath,
  jsonSet,
  jsonStripNulls,
  jsonTypeof,
} from '../types/json-ops.ts';
import { toJsonValue } from '../types/to-json.ts';
import { toTextArray } from '../types/text-array.ts';
import type { EvalContext } from '../types/eval-context.ts';
import { fn, type FunctionDef, type ScalarFn } from './function-def.ts';

// jsonb arguments are runtime values (JSON_NULL for a top-level null); results go back through toJsonb.
const j = (v: RuntimeValue): JsonValue => fromJsonb(v);

function toJson(v: RuntimeValue, type: SqlType, ctx: EvalContext): JsonValue {
  return v === null ? null : toJsonValue(v, type, ctx);
}

/** An object key from an "any" argument: its text form, as PostgreSQL does. */
function keyText(v: RuntimeValue, type: SqlType, ctx: EvalContext): string | null {
  if (v === null) return null;
  const value = toJsonValue(v, type, ctx);
  return typeof value === 'string' ? value : formatJson(value);
}

export const JSON_FUNCTIONS: FunctionDef[] = [
  fn('jsonb_typeof', ['jsonb'], 'text', (_c, a) => jsonTypeof(j(a))),
  fn('jsonb_array_length', ['jsonb'], 'int4', (_c, a) => jsonArrayLength(j(a))),
  fn('jsonb_strip_nulls', ['jsonb'], 'jsonb', (_c, a) => toJsonb(jsonStripNulls(j(a)))),
  fn('jsonb_pretty', ['jsonb'], 'text', (_c, a) => formatJsonPretty(j(a))),
  fn('jsonb_set', ['jsonb', 'text[]', 'jsonb'], 'jsonb', (_c, a, p, v) => toJsonb(jsonSet(j(a), toTextArray(p), j(v)))),
  fn('jsonb_set', ['jsonb', 'text[]', 'jsonb', 'bool'], 'jsonb', (_c, a, p, v, c) => toJsonb(jsonSet(j(a), toTextArray(p), j(v), c as boolean))),
  {
    name: 'jsonb_extract_path',
    args: ['jsonb'],
    variadic: 'text',
    result: 'jsonb',
    impl: (_c, a, ...path) => {
      const v = jsonGetPath(j(a), path as string[]);
      return v === undefined ? null : toJsonb(v);
    },
  },
  {
    name: 'jsonb_extract_path_text',
    args: ['jsonb'],
    variadic: 'text',
    result: 'text',
    impl: (_c, a, ...path) => jsonAsText(jsonGetPath(j(a), path as string[])),
  },
  {
    name: 'to_jsonb',
    args: ['anynonarray'],
    result: 'jsonb',
    bindsTypes: true,
    volatility: 'stable',
    impl: (types: readonly SqlType[]): ScalarFn => (ctx, a) => toJsonb(toJson(a, types[0]!, ctx)),
  },
  fn('jsonb_build_object', [], 'jsonb', () => jsonBuildObject([]), { strict: false }),
  fn('jsonb_build_array', [], 'jsonb', () => [], { strict: false }),
  {
    name: 'jsonb_build_object',
    args: [],
    variadic: 'any',
    result: 'jsonb',
    bindsTypes: true,
    strict: false,
    volatility: 'stable',
    impl: (types: readonly SqlType[]): ScalarFn => (ctx, ...args) => {
      if (args.length % 2 !== 0) {
        throw new FlintError(SqlState.invalidParameterValue, 'argument list must have even number of elements');
      }
      const pairs: [string | null, JsonValue][] = [];
      for (let i = 0; i < args.length; i += 2) {
        pairs.push([keyText(args[i]!, types[i]!, ctx), toJson(args[i + 1]!, types[i + 1]!, ctx)]);
      }
      return jsonBuildObject(pairs);
    },
  },
  {
    name: 'jsonb_build_array',
    args: [],
    variadic: 'any',
    result: 'jsonb',
    bindsTypes: true,
    strict: false,
    volatility: 'stable',
    impl: (types: readonly SqlType[]): ScalarFn => (ctx, ...args) => args.map((v, i) => toJson(v, types[i]!, ctx)),
  },
];
