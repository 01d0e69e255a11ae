// Shared helpers for the parser tests.
import { expect } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { formatAst, formatExpr, formatQuery, parse, parseOne } from '../../../src/sql/index.ts';
import type { Expr, Query, Select, Statement } from '../../../src/sql/index.ts';

/** The one statement of `sql`. */
export function one(sql: string): Statement {
  return parseOne(sql);
}

/** The query of `sql`, which must be a query statement. */
export function query(sql: string): Query {
  const s = parseOne(sql);
  if (s.kind !== 'query') throw new Error(`expected a query, got ${s.kind}`);
  return s;
}

/** The SELECT body of a query statement. */
export function select(sql: string): Select {
  const q = query(sql);
  if (q.body.kind !== 'select') throw new Error(`expected a select body, got ${q.body.kind}`);
  return q.body;
}

/** The first target expression of `SELECT <text>`. */
export function expr(text: string): Expr {
  const target = select(`SELECT ${text}`).targets[0];
  if (target === undefined) throw new Error('no target');
  return target.expr;
}

/** `SELECT <text>`'s first target, formatted with every operator parenthesised. */
export function fmt(text: string): string {
  return formatExpr(expr(text));
}

/** A query statement, formatted. */
export function fmtQuery(sql: string): string {
  return formatQuery(query(sql));
}

/** JSON of a node without positions, for shape assertions. */
export function shape(node: unknown): unknown {
  return JSON.parse(formatAst(node));
}

/** The FlintError parse(sql) throws; fails the test if it does not throw one. */
export function parseError(sql: string): FlintError {
  try {
    parse(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(FlintError);
    return e as FlintError;
  }
  throw new Error(`expected a syntax error for: ${sql}`);
}

export type { Statement };
