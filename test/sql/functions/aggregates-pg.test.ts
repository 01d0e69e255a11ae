// Aggregates compared with PostgreSQL 15 (fixtures/aggregates.sql). Each
// case is `(select agg(args) from (values ...) t(cols) [where false])`;
// the test plays the executor: VALUES columns get their common type, every
// row is cast to it and fed to step(), and final() gives the answer.

import { describe, expect, it } from 'vitest';
import type { SqlType } from '../../../src/sql/types/sql-type.ts';
import { FlintError } from '../../../src/errors.ts';
import { T, baseType, typeName, type RuntimeValue } from '../../../src/sql/types/type-info.ts';
import { castValue, resolveCommonType } from '../../../src/sql/types/cast.ts';
import { requireAggregate } from '../../../src/sql/functions/aggregates.ts';
import { evaluate, parseExpr } from '../types/helpers/sql-expr.ts';
import { contextFor } from '../types/helpers/fixture.ts';
import { CASES } from './fixtures/aggregates.expected.ts';

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out;
}

const SHAPE = /^\(select (\w+)\((.*?)\) from \(values (.*)\) t\(([\w, ]+)\)( where false)?\)$/;

function runAggregate(sql: string): [string, string] {
  const m = SHAPE.exec(sql);
  if (m === null) throw new Error(`unexpected case shape: ${sql}`);
  const [, name, argList, valuesList, colList, noRows] = m;
  const ctx = contextFor('UTC');
  const cols = colList!.split(',').map((c) => c.trim());
  const rows = splitTopLevel(valuesList!).map((row) => splitTopLevel(row.slice(1, -1)).map((cell) => evaluate(parseExpr(cell), ctx)));
  // VALUES: each column's type is the common type of its rows.
  const colTypes: SqlType[] = cols.map((_, j) => resolveCommonType(rows.map((r) => r[j]!.type), 'VALUES'));
  const table = rows.map((r) => r.map((cell, j) => castValue(cell.value, cell.type, colTypes[j]!, false, ctx)));
  // An argument is a column of the VALUES list or a constant expression.
  const args = argList === '*' ? [] : splitTopLevel(argList!).map((a) => {
    const j = cols.indexOf(a);
    if (j >= 0) return { type: colTypes[j]!, at: (row: RuntimeValue[]) => row[j]! };
    const c = evaluate(parseExpr(a), ctx);
    return { type: c.type, at: () => c.value };
  });
  try {
    const agg = requireAggregate(name!, args.map((a) => a.type), ctx);
    const state = agg.create();
    if (noRows === undefined) {
      for (const row of table) agg.step(state, ...args.map((a, i) => castValue(a.at(row), a.type, agg.argTypes[i]!, false, ctx)));
    }
    const result: RuntimeValue = agg.final(state);
    const text = castValue(result, agg.resultType, T.text, true, ctx);
    return [text === null ? '<NULL>' : (text as string), typeName(baseType(agg.resultType))];
  } catch (e) {
    if (e instanceof FlintError) return [`ERROR ${e.code} ${e.message}`, `ERROR ${e.code} ${e.message}`];
    throw e;
  }
}

describe('aggregates vs PostgreSQL 15', () => {
  it.each(CASES.map((c) => [c[1], c[2], c[3]] as const))('%s', (sql, text, type) => {
    const [gotText, gotType] = runAggregate(sql);
    expect({ sql, text: gotText }).toEqual({ sql, text });
    if (!type.startsWith('ERROR')) expect({ sql, type: gotType }).toEqual({ sql, type });
  });
});
