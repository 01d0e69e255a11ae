// EXPLAIN: the plan as an indented tree, PostgreSQL-style ("->" children).
// With ANALYZE, each node also shows how many rows it produced.
import type { BoundExpr } from '../plan/bound.ts';
import type { Plan } from '../plan/plan.ts';
import type { ExecContext } from './context.ts';
import { runPlanRows } from './run.ts';

export function explainPlan(plan: Plan, analyze: ExecContext | null): string[] {
  const lines: string[] = [];
  if (analyze !== null) {
    const t0 = performance.now();
    const rows = runPlanRows(plan, analyze);
    lines.push(...describe(plan, 0));
    lines.push(`Result rows: ${rows.length}`);
    lines.push(`Execution Time: ${(performance.now() - t0).toFixed(3)} ms`);
    return lines;
  }
  return describe(plan, 0);
}

/** A sort key reads its input's output columns: name them by that output (the key's own name may be empty). */
function sortKeyName(e: BoundExpr, input: Plan): string {
  if (e.kind === 'column' && e.name === '') return input.columns[e.index]?.name ?? `$${e.index}`;
  return expr(e);
}

function conjunctsOf(e: BoundExpr): BoundExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

function describe(plan: Plan, depth: number): string[] {
  const pad = depth === 0 ? '' : `${' '.repeat(depth * 6 - 4)}->  `;
  const detail = ' '.repeat(depth === 0 ? 2 : depth * 6 + 2);
  const out: string[] = [];
  const children: Plan[] = [];
  switch (plan.kind) {
    case 'scan': {
      const alias = plan.alias !== plan.table.name ? ` ${plan.alias}` : '';
      const index = plan.index;
      if (index === undefined) {
        out.push(`${pad}Seq Scan on ${plan.table.name}${alias}`);
        if (plan.filter !== null) out.push(`${detail}Filter: ${expr(plan.filter)}`);
        break;
      }
      out.push(`${pad}Index Scan${index.reverse ? ' Backward' : ''} using ${index.name} on ${plan.table.name}${alias}`);
      if (index.cond.length > 0) out.push(`${detail}Index Cond: ${index.cond.map((c) => expr(c)).join(' AND ')}`);
      // Every condition is re-checked on the rows the index returns; show those the index does not answer.
      const rest = plan.filter === null ? [] : conjunctsOf(plan.filter).filter((c) => !index.cond.includes(c));
      if (rest.length > 0) out.push(`${detail}Filter: ${rest.map((c) => expr(c)).join(' AND ')}`);
      break;
    }
    case 'values':
      out.push(`${pad}Values Scan (${plan.rows.length} rows)`);
      break;
    case 'series':
      out.push(`${pad}Function Scan on generate_series`);
      break;
    case 'unnest':
      out.push(`${pad}Function Scan on unnest`);
      break;
    case 'system':
      out.push(`${pad}Function Scan on ${plan.relation.name}`);
      break;
    case 'one':
      out.push(`${pad}Result${plan.rows === 0 ? ' (empty)' : ''}`);
      break;
    case 'filter':
      out.push(`${pad}Filter`);
      out.push(`${detail}Filter: ${expr(plan.predicate)}`);
      children.push(plan.input);
      break;
    case 'project':
      out.push(`${pad}Project (${plan.columns.map((c) => c.name).join(', ')})`);
      children.push(plan.input);
      break;
    case 'join': {
      if (plan.lookup !== undefined) {
        // PostgreSQL's shape: the outer input first, then the inner table read through the index per outer row.
        const lookup = plan.lookup;
        const type = plan.type === 'inner' ? '' : ` ${plan.type[0]!.toUpperCase()}${plan.type.slice(1)}`;
        out.push(`${pad}Nested Loop${type}`);
        const rest = plan.on === null ? [] : conjunctsOf(plan.on).filter((c) => !lookup.cond.includes(c));
        if (rest.length > 0) out.push(`${detail}Join Filter: ${rest.map((c) => expr(c)).join(' AND ')}`);
        const outer = lookup.outer === 'left' ? plan.left : plan.right;
        const inner = lookup.outer === 'left' ? plan.right : plan.left;
        out.push(...describe(outer, depth + 1));
        if (inner.kind !== 'scan') {
          out.push(...describe(inner, depth + 1));
          break;
        }
        const innerPad = `${' '.repeat((depth + 1) * 6 - 4)}->  `;
        const innerDetail = ' '.repeat((depth + 1) * 6 + 2);
        const alias = inner.alias !== inner.table.name ? ` ${inner.alias}` : '';
        out.push(`${innerPad}Index Scan using ${lookup.name} on ${inner.table.name}${alias}`);
        // Each probe key as `inner column = value`, the outer row's columns named by their table (PostgreSQL's form).
        const keyConds = lookup.keys.map((k, i) => `(${inner.columns[lookup.columns[i]!]!.name} = ${qualified(k, outer)})`);
        out.push(`${innerDetail}Index Cond: ${keyConds.join(' AND ')}`);
        const filter = inner.filter === null ? [] : conjunctsOf(inner.filter).filter((c) => !lookup.cond.includes(c));
        if (filter.length > 0) out.push(`${innerDetail}Filter: ${filter.map((c) => expr(c)).join(' AND ')}`);
        break;
      }
      const how = plan.equi.length > 0 ? 'Hash Join' : 'Nested Loop';
      const type = plan.type === 'inner' ? '' : ` ${plan.type[0]!.toUpperCase()}${plan.type.slice(1)}`;
      out.push(`${pad}${how}${type}`);
      if (plan.equi.length > 0) out.push(`${detail}Hash Cond: ${plan.equi.map((e) => `(${expr(e.left)} = ${expr(e.right)})`).join(' AND ')}`);
      if (plan.on !== null) out.push(`${detail}Join Filter: ${expr(plan.on)}`);
      children.push(plan.left, plan.right);
      break;
    }
    case 'aggregate':
      out.push(`${pad}${plan.groupBy.length > 0 ? 'HashAggregate' : 'Aggregate'}`);
      if (plan.groupBy.length > 0) out.push(`${detail}Group Key: ${plan.groupBy.map(expr).join(', ')}`);
      children.push(plan.input);
      break;
    case 'sort':
      out.push(`${pad}Sort`);
      out.push(`${detail}Sort Key: ${plan.keys.map((k) => `${sortKeyName(k.expr, plan.input)}${k.desc ? ' DESC' : ''}`).join(', ')}`);
      children.push(plan.input);
      break;
    case 'limit':
      out.push(`${pad}Limit`);
      children.push(plan.input);
      break;
    case 'distinct':
      out.push(`${pad}HashAggregate (DISTINCT)`);
      children.push(plan.input);
      break;
    case 'recursiveUnion':
      out.push(`${pad}Recursive Union${plan.all ? '' : ' (distinct)'} (${plan.name})`);
      children.push(plan.anchor, plan.recursive);
      break;
    case 'workTable':
      out.push(`${pad}WorkTable Scan on ${plan.name}`);
      break;
    case 'setOp':
      out.push(`${pad}${plan.op === 'union' ? (plan.all ? 'Append' : 'HashSetOp Union') : `HashSetOp ${plan.op[0]!.toUpperCase()}${plan.op.slice(1)}${plan.all ? ' All' : ''}`}`);
      children.push(plan.left, plan.right);
      break;
  }
  for (const child of children) out.push(...describe(child, depth + 1));
  return out;
}

/** An expression over a plan's output, its columns named alias.column where they come straight from a table scan. */
function qualified(e: BoundExpr, plan: Plan): string {
  if (e.kind === 'column') {
    const origin = columnOrigin(plan, e.index);
    return origin ?? e.name;
  }
  if (e.kind === 'cast') return `(${qualified(e.arg, plan)})::${e.type.id}`;
  return expr(e);
}

function columnOrigin(plan: Plan, index: number): string | undefined {
  switch (plan.kind) {
    case 'scan':
      return index < plan.positions.length ? `${plan.alias}.${plan.columns[index]!.name}` : undefined;
    case 'filter':
    case 'sort':
    case 'limit':
      return columnOrigin(plan.input, index);
    case 'project': {
      const e = plan.exprs[index];
      return e?.kind === 'column' ? columnOrigin(plan.input, e.index) : undefined;
    }
    case 'join': {
      const width = plan.left.columns.length;
      return index < width ? columnOrigin(plan.left, index) : columnOrigin(plan.right, index - width);
    }
    default:
      return undefined;
  }
}

function expr(e: BoundExpr): string {
  switch (e.kind) {
    case 'column':
    case 'outerColumn':
      return e.name;
    case 'const':
      return e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'param':
      return `$${e.index + 1}`;
    case 'binary':
      return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
    case 'unary':
      return `(${e.op}${expr(e.arg)})`;
    case 'call':
      return `${e.name}(${e.args.map(expr).join(', ')})`;
    case 'cast':
      return `(${expr(e.arg)})::${e.type.id}`;
    case 'and':
    case 'or':
      return `(${e.args.map(expr).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not':
      return `(NOT ${expr(e.arg)})`;
    case 'isNull':
      return `(${expr(e.arg)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'subquery':
      return `(SubPlan ${e.mode})`;
    case 'inList':
      return `(${expr(e.arg)} ${e.not ? 'NOT IN' : 'IN'} (${e.list.map(expr).join(', ')}))`;
    default:
      return e.kind;
  }
}
