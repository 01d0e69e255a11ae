// Printing syntax trees, for golden tests and debugging.
//
// formatAst() prints any node as JSON (the AST is plain data), by default
// without positions so that a golden file does not change when whitespace
// does. formatExpr() prints an expression as compact SQL with every operator
// parenthesised, which shows precedence at a glance: `1 + 2 * 3` prints as
// `(1 + (2 * 3))`. formatQuery() prints a query the same way.

import type { Expr, FromItem, Query, QueryBody, SortBy, TypeName, WindowSpec } from './ast.ts';

export interface FormatAstOptions {
  /** Keep `pos` fields (default false). */
  positions?: boolean;
  /** JSON indentation (default 2; 0 for one line). */
  indent?: number;
}

/** A node (or list of nodes) as JSON. */
export function formatAst(node: unknown, options: FormatAstOptions = {}): string {
  const positions = options.positions ?? false;
  return JSON.stringify(node, (key, value: unknown) => (!positions && key === 'pos' ? undefined : value), options.indent ?? 2);
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function formatType(t: TypeName): string {
  let s = t.schema === null ? t.name : `${t.schema}.${t.name}`;
  if (t.intervalFields !== null) s += ` ${t.intervalFields}`;
  if (t.modifiers.length > 0) s += `(${t.modifiers.join(',')})`;
  for (const b of t.arrayBounds) s += b < 0 ? '[]' : `[${b}]`;
  return s;
}

function list(items: readonly Expr[]): string {
  return items.map(formatExpr).join(', ');
}

function sortList(items: readonly SortBy[]): string {
  return items
    .map((s) => `${formatExpr(s.expr)}${s.desc ? ' DESC' : ''}${s.nulls === null ? '' : ` NULLS ${s.nulls.toUpperCase()}`}`)
    .join(', ');
}

function windowText(w: WindowSpec): string {
  const parts: string[] = [];
  if (w.name !== null) parts.push(w.name);
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${list(w.partitionBy)}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${sortList(w.orderBy)}`);
  if (w.frame !== null) {
    const bound = (b: { type: string; offset: Expr | null }): string =>
      b.offset === null ? b.type : `${formatExpr(b.offset)} ${b.type}`;
    parts.push(`${w.frame.mode.toUpperCase()} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}`);
  }
  return `(${parts.join(' ')})`;
}

/** An expression as SQL with every operator parenthesised. */
export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return quoteString(e.value);
    case 'bitString':
      return `${e.hex ? 'X' : 'B'}${quoteString(e.value)}`;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'param':
      return `$${e.index}`;
    case 'columnRef':
      return [e.catalog, e.schema, e.table, e.column]
        .filter((x): x is string => x !== null)
        .map(quoteIdent)
        .join('.');
    case 'star':
      return e.table === null ? '*' : `${e.table.schema === null ? '' : `${quoteIdent(e.table.schema)}.`}${quoteIdent(e.table.name)}.*`;
    case 'unaryOp':
      return `(${e.op} ${formatExpr(e.operand)})`;
    case 'binaryOp':
      return `(${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)})`;
    case 'and':
    case 'or':
      return `(${e.args.map(formatExpr).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not':
      return `(NOT ${formatExpr(e.arg)})`;
    case 'isNull':
      return `(${formatExpr(e.arg)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'isBool':
      return `(${formatExpr(e.arg)} IS ${e.not ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`;
    case 'isDistinctFrom':
      return `(${formatExpr(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${formatExpr(e.right)})`;
    case 'between':
      return `(${formatExpr(e.arg)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${formatExpr(e.low)} AND ${formatExpr(e.high)})`;
    case 'like': {
      const op = e.op === 'similar' ? 'SIMILAR TO' : e.op.toUpperCase();
      const escape = e.escape === null ? '' : ` ESCAPE ${formatExpr(e.escape)}`;
      return `(${formatExpr(e.arg)} ${e.not ? 'NOT ' : ''}${op} ${formatExpr(e.pattern)}${escape})`;
    }
    case 'inList':
      return `(${formatExpr(e.arg)} ${e.not ? 'NOT ' : ''}IN (${list(e.list)}))`;
    case 'inSubquery':
      return `(${formatExpr(e.arg)} ${e.not ? 'NOT ' : ''}IN (${formatQuery(e.query)}))`;
    case 'quantified': {
      const right = e.subquery !== null ? formatQuery(e.subquery) : formatExpr(e.array!);
      return `(${formatExpr(e.left)} ${e.op} ${e.quantifier.toUpperCase()} (${right}))`;
    }
    case 'exists':
      return `EXISTS (${formatQuery(e.query)})`;
    case 'subquery':
      return `(${formatQuery(e.query)})`;
    case 'arraySubquery':
      return `ARRAY(${formatQuery(e.query)})`;
    case 'array':
      return `ARRAY[${list(e.elements)}]`;
    case 'row':
      return `ROW(${list(e.fields)})`;
    case 'case': {
      let s = 'CASE';
      if (e.operand !== null) s += ` ${formatExpr(e.operand)}`;
      for (const w of e.whens) s += ` WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`;
      if (e.else !== null) s += ` ELSE ${formatExpr(e.else)}`;
      return `${s} END`;
    }
    case 'cast':
      return `CAST(${formatExpr(e.arg)} AS ${formatType(e.type)})`;
    case 'collate':
      return `(${formatExpr(e.arg)} COLLATE ${quoteIdent(e.collation.name)})`;
    case 'atTimeZone':
      return `(${formatExpr(e.arg)} AT ${e.zone === null ? 'LOCAL' : `TIME ZONE ${formatExpr(e.zone)}`})`;
    case 'subscript':
      return `${formatExpr(e.arg)}[${e.lower === null ? '' : formatExpr(e.lower)}${e.slice ? `:${e.upper === null ? '' : formatExpr(e.upper)}` : ''}]`;
    case 'fieldSelect':
      return `(${formatExpr(e.arg)}).${e.field === '*' ? '*' : quoteIdent(e.field)}`;
    case 'funcCall': {
      const name = e.schema === null ? quoteIdent(e.name) : `${quoteIdent(e.schema)}.${quoteIdent(e.name)}`;
      let args = e.star ? '*' : list(e.args);
      if (e.distinct) args = `DISTINCT ${args}`;
      if (e.variadic) args = args.replace(/([^,]*)$/, ' VARIADIC$1').trimStart();
      if (e.orderBy.length > 0 && !e.withinGroup) args += ` ORDER BY ${sortList(e.orderBy)}`;
      let s = `${name}(${args})`;
      if (e.withinGroup) s += ` WITHIN GROUP (ORDER BY ${sortList(e.orderBy)})`;
      if (e.filter !== null) s += ` FILTER (WHERE ${formatExpr(e.filter)})`;
      if (e.over !== null) s += ` OVER ${windowText(e.over)}`;
      return s;
    }
    case 'namedArg':
      return `${quoteIdent(e.name)} => ${formatExpr(e.value)}`;
    case 'sqlValueFunction':
      return `${e.name.toUpperCase()}${e.precision === null ? '' : `(${e.precision})`}`;
    case 'default':
      return 'DEFAULT';
  }
}

function fromText(f: FromItem): string {
  const alias = (a: { name: string; columns: readonly string[] | null } | null): string =>
    a === null ? '' : ` AS ${quoteIdent(a.name)}${a.columns === null ? '' : `(${a.columns.map(quoteIdent).join(', ')})`}`;
  switch (f.kind) {
    case 'tableRef':
      return `${f.name.schema === null ? '' : `${quoteIdent(f.name.schema)}.`}${quoteIdent(f.name.name)}${alias(f.alias)}`;
    case 'subqueryRef':
      return `${f.lateral ? 'LATERAL ' : ''}(${formatQuery(f.query)})${alias(f.alias)}`;
    case 'functionRef':
      return `${f.lateral ? 'LATERAL ' : ''}${formatExpr(f.call)}${f.ordinality ? ' WITH ORDINALITY' : ''}${alias(f.alias)}`;
    case 'join': {
      const type = f.type === 'cross' ? 'CROSS' : f.type.toUpperCase();
      let s = `(${fromText(f.left)} ${f.natural ? 'NATURAL ' : ''}${type} JOIN ${fromText(f.right)}`;
      if (f.on !== null) s += ` ON ${formatExpr(f.on)}`;
      if (f.using !== null) s += ` USING (${f.using.map((u) => quoteIdent(u.name)).join(', ')})`;
      return `${s})${alias(f.alias)}`;
    }
  }
}

function bodyText(b: QueryBody): string {
  switch (b.kind) {
    case 'query':
      return `(${formatQuery(b)})`;
    case 'values':
      return `VALUES ${b.rows.map((r) => `(${list(r)})`).join(', ')}`;
    case 'setOp':
      return `(${bodyText(b.left)} ${b.op.toUpperCase()}${b.all ? ' ALL' : ''} ${bodyText(b.right)})`;
    case 'select': {
      let s = 'SELECT';
      if (b.distinctOn !== null) s += ` DISTINCT ON (${list(b.distinctOn)})`;
      else if (b.distinct) s += ' DISTINCT';
      if (b.targets.length > 0) {
        s += ` ${b.targets.map((t) => `${formatExpr(t.expr)}${t.alias === null ? '' : ` AS ${quoteIdent(t.alias)}`}`).join(', ')}`;
      }
      if (b.from.length > 0) s += ` FROM ${b.from.map(fromText).join(', ')}`;
      if (b.where !== null) s += ` WHERE ${formatExpr(b.where)}`;
      if (b.groupBy.length > 0) {
        s += ` GROUP BY ${b.groupBy
          .map((g) => (g.kind === 'groupingSet' ? `${g.type.toUpperCase()}(${g.items.length})` : formatExpr(g)))
          .join(', ')}`;
      }
      if (b.having !== null) s += ` HAVING ${formatExpr(b.having)}`;
      return s;
    }
  }
}

/** A query as compact SQL (expressions parenthesised as formatExpr does). */
export function formatQuery(q: Query): string {
  let s = '';
  if (q.with !== null) {
    s += `WITH ${q.with.recursive ? 'RECURSIVE ' : ''}${q.with.ctes
      .map((c) => `${quoteIdent(c.name)} AS (${c.query.kind === 'query' ? formatQuery(c.query) : c.query.kind.toUpperCase()})`)
      .join(', ')} `;
  }
  s += bodyText(q.body);
  if (q.orderBy.length > 0) s += ` ORDER BY ${sortList(q.orderBy)}`;
  if (q.limit !== null) s += ` LIMIT ${formatExpr(q.limit)}`;
  if (q.offset !== null) s += ` OFFSET ${formatExpr(q.offset)}`;
  for (const l of q.locking) s += ` FOR ${l.strength}`;
  return s;
}
