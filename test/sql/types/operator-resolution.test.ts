// Operator resolution against PostgreSQL 15: for every operator and every
// pair of argument types (including untyped literals), Flint must pick the
// operator PostgreSQL picks (same operand and result types), report the same
// ambiguities, and find nothing where PostgreSQL finds nothing
// (fixtures/operator-matrix.expected.ts).

import { describe, expect, it } from 'vitest';
import type { TypeId } from '../../../src/sql/types/sql-type.ts';
import { FlintError } from '../../../src/errors.ts';
import { T, typeName } from '../../../src/sql/types/type-info.ts';
import { requireBinaryOperator, resolveBinaryOperator, resolveUnaryOperator } from '../../../src/sql/types/operators.ts';
import { OPERATOR_MATRIX } from './fixtures/operator-matrix.expected.ts';

const TYPES: TypeId[] = ['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'bytea', 'date', 'timestamp', 'timestamptz', 'interval', 'uuid', 'jsonb', 'unknown'];
const OPS = ['+', '-', '*', '/', '%', '^', '||', '=', '<>', '<', '<=', '>', '>=', '->', '->>', '@>', '<@', '?', '#>', '#>>', '?|', '?&', '#-', '~~', '~~*', '&', '|', '#', '<<', '>>'];

/** PostgreSQL operand types as Flint names them: text[] and anynonarray slots carry the input type. */
function expectedOperand(pg: string, mine: string): string {
  return pg === 'text[]' || pg === 'anynonarray' ? mine : pg;
}

describe('binary operator resolution matches PostgreSQL 15', () => {
  const expected = new Map<string, readonly string[]>();
  for (const row of OPERATOR_MATRIX) if (row[1] !== '') expected.set(`${row[0]} ${row[1]} ${row[2]}`, row);

  for (const op of OPS) {
    it(`operator ${op} over ${TYPES.length}x${TYPES.length} type pairs`, () => {
      const problems: string[] = [];
      for (const l of TYPES) {
        for (const r of TYPES) {
          const row = expected.get(`${op} ${l} ${r}`);
          const mine = resolveBinaryOperator(op, T[l], T[r]);
          if (row === undefined || row[3] === 'ambiguous') {
            if (mine !== null) problems.push(`${l} ${op} ${r}: PostgreSQL has no unique operator, Flint chose ${typeName(mine.result)}`);
            if (row !== undefined) {
              try {
                requireBinaryOperator(op, T[l], T[r]);
                problems.push(`${l} ${op} ${r}: expected 42725`);
              } catch (e) {
                if (!(e instanceof FlintError) || e.code !== '42725') problems.push(`${l} ${op} ${r}: expected 42725, got ${String(e)}`);
              }
            }
            continue;
          }
          if (mine === null) {
            problems.push(`${l} ${op} ${r}: PostgreSQL gives ${row[3]}, Flint found nothing`);
            continue;
          }
          const [pl, pr] = row[4]!.split(',') as [string, string];
          const got = `${typeName(mine.left)},${typeName(mine.right)} -> ${typeName(mine.result)}`;
          const want = `${expectedOperand(pl, typeName(mine.left))},${expectedOperand(pr, typeName(mine.right))} -> ${row[3]}`;
          if (got !== want) problems.push(`${l} ${op} ${r}: want ${want}, got ${got}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('reports missing operators as 42883 with PostgreSQL wording', () => {
    expect(() => requireBinaryOperator('+', T.int4, T.text)).toThrow('operator does not exist: integer + text');
    expect(() => requireBinaryOperator('*', T.date, T.date)).toThrow('operator does not exist: date * date');
  });
});

describe('prefix operator resolution matches PostgreSQL 15', () => {
  it.each(['-', '+', '~'])('prefix %s', (op) => {
    const expected = new Map<string, readonly string[]>(OPERATOR_MATRIX.filter((r) => r[0] === op && r[1] === '').map((r) => [r[2], r]));
    const problems: string[] = [];
    for (const t of TYPES) {
      const row = expected.get(t);
      const mine = resolveUnaryOperator(op, T[t]);
      if (row === undefined) {
        if (mine !== null) problems.push(`${op} ${t}: Flint chose ${typeName(mine.result)}`);
        continue;
      }
      const want = `${row[4]!.split(',')[1]} -> ${row[3]}`;
      const got = mine === null ? 'nothing' : `${typeName(mine.operand)} -> ${typeName(mine.result)}`;
      if (got !== want) problems.push(`${op} ${t}: want ${want}, got ${got}`);
    }
    expect(problems).toEqual([]);
  });
});
