// Binding queries: SELECT, VALUES and set operations, from the syntax tree
// to a logical plan.
//
// The order is PostgreSQL's: FROM builds the row scope; WHERE filters it;
// GROUP BY and aggregates group it; HAVING filters the groups; the select
// list is computed; DISTINCT, ORDER BY and LIMIT apply to the result. ORDER
// BY may name an output column (by alias or position) or, when there is no
// DISTINCT, any expression over the input: those are computed as hidden
// columns beside the output, sorted on, then dropped.

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import type { CatalogReader, SqlTable } from '../catalog.ts';
import { parse } from '../parser.ts';
import { decoderFor } from '../storage-values.ts';
import { resolveCommonType } from '../types/cast.ts';
import type { EvalContext } from '../types/eval-context.ts';
import type { SqlType } from '../types/sql-type.ts';
import { T, typeName } from '../types/type-info.ts';
import type { BoundExpr } from './bound.ts';
import { containsAggregate, ExprBinder, exprId, type GroupContext, type QueryBinding } from './bind-expr.ts';
import type { AggregateCall, OutputColumn, Plan, SortKey } from './plan.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { optimize } from './optimize.ts';
import { selectIndexes } from './index-select.ts';
import { pruneColumns } from './prune.ts';
import { isSystemSchema, systemRelation, type SystemRelation } from '../system-catalog/index.ts';

interface Cte {
  readonly name: string;
  readonly query: ast.Query;
  readonly columns: readonly string[] | null;
  /** WITH RECURSIVE and the query reads its own name: bound as a recursive union. */
  readonly recursive: boolean;
  /** Its WITH clause's CTEs, and its place among them (a plain WITH item sees only earlier ones). */
  readonly level: Map<string, Cte>;
  readonly order: number;
  readonly withRecursive: boolean;
}

/** The recursive term of a WITH RECURSIVE query being bound: where its self-reference reads. */
interface WorkTable {
  readonly work: object;
  readonly columns: readonly OutputColumn[];
  /** Subquery depth the recursive term is bound at: a self-reference must not be deeper. */
  readonly depth: number;
  references: number;
}

/** A bound FROM item: its plan and the columns it adds to the scope. */
interface Source {
  plan: Plan;
  columns: ScopeColumn[];
}

export class QueryBinder implements QueryBinding {
  readonly exprs: ExprBinder;
  readonly #catalog: CatalogReader;
  /** CTEs visible at each nesting level, innermost last. */
  readonly #ctes: Map<string, Cte>[] = [];
  #viewDepth = 0;
  /** CTEs being bound now: a CTE that names itself (without RECURSIVE) means a table of that name. */
  readonly #bindingCtes = new Set<Cte>();
  /** Recursive CTEs whose recursive term is being bound. */
  readonly #workTables = new Map<Cte, WorkTable>();
  #subqueryDepth = 0;

  readonly #eval: EvalContext;

  constructor(catalog: CatalogReader, paramTypes: (SqlType | undefined)[], evalContext: EvalContext, onParamCast?: (index: number) => void) {
    this.#catalog = catalog;
    this.#eval = evalContext;
    this.exprs = new ExprBinder(paramTypes, evalContext, this, onParamCast);
  }

  /** The optimizer's rewrites, then index and join method selection over the catalog's indexes, then column pruning. */
  #optimize(plan: Plan): Plan {
    const catalog = this.#catalog;
    const optimized = optimize(plan);
    if (catalog.indexes === undefined) return pruneColumns(optimized);
    return pruneColumns(selectIndexes(optimized, (id) => catalog.indexes!(id), false, (id) => catalog.rowEstimate?.(id)));
  }

  bindSubquery(query: ast.Query, outer: Scope): { plan: Plan; correlated: boolean } {
    const probe = new Scope([], outer, true);
    this.#subqueryDepth++;
    try {
      const plan = this.bindQuery(query, probe);
      return { plan, correlated: probe.correlated };
    } finally {
      this.#subqueryDepth--;
    }
  }

  /** Bind a whole query; `outer` is the enclosing query's scope for correlated references. */
  bindQuery(q: ast.Query, outer: Scope | null): Plan {
    return this.withClause(q.with, () => this.#optimize(this.#bindQueryBody(q, outer)));
  }

  /** Run `bind` with the CTEs of a WITH clause visible (queries, and INSERT/UPDATE/DELETE statements). */
  withClause<T>(w: ast.WithClause | null, bind: () => T): T {
    if (w === null) return bind();
    const level = new Map<string, Cte>();
    for (const cte of w.ctes) {
      if (cte.query.kind !== 'query') throw new FlintError('0A000', 'data-modifying statements in WITH are not supported yet', { position: cte.pos + 1 });
      if (level.has(cte.name)) throw new FlintError('42712', `WITH query name "${cte.name}" specified more than once`, { position: cte.pos + 1 });
      level.set(cte.name, {
        name: cte.name, query: cte.query, columns: cte.columns, recursive: w.recursive && readsTable(cte.query, cte.name),
        level, order: level.size, withRecursive: w.recursive,
      });
    }
    this.#ctes.push(level);
    try {
      return bind();
    } finally {
      this.#ctes.pop();
    }
  }

  /**
   * The rows an UPDATE or DELETE changes: the target table's rows with their
   * tuple ids, joined with the FROM / USING items, filtered by WHERE. The
   * scope's columns are the target's columns, its tuple id (hidden,
   * unreachable by name, at `tidIndex`), then the other items' columns.
   */
  bindDmlTarget(table: SqlTable, alias: string, from: readonly ast.FromItem[], where: ast.Expr | null): { plan: Plan; scope: Scope; tidIndex: number } {
    const tidIndex = table.columns.length;
    const scan: Plan = {
      kind: 'scan', columns: [...table.columns.map((c) => ({ name: c.name, type: c.type })), { name: 'ctid', type: T.int8 }], table: table.def,
      decoders: table.columns.map((c) => decoderFor(c.type)) as never, positions: table.positions, missing: table.missing,
      tid: true, filter: null, alias,
    };
    let source: Source = {
      plan: scan,
      columns: [
        ...table.columns.map((c) => ({ name: c.name, table: alias, type: c.type, hidden: false })),
        { name: '\u0000tid', table: '\u0000', type: T.int8, hidden: true },
      ],
    };
    for (const item of from) source = this.#join(source, this.#bindFromItem(item, null), 'cross', null, null);
    const scope = new Scope(source.columns, null);
    let plan = source.plan;
    if (where !== null) {
      if (containsAggregate(where)) throw new FlintError('42803', 'aggregate functions are not allowed in WHERE', { position: where.pos + 1 });
      plan = { kind: 'filter', columns: plan.columns, input: plan, predicate: this.exprs.bindCondition(where, scope, 'WHERE') };
    }
    return { plan: this.#optimize(plan), scope, tidIndex };
  }

  #bindQueryBody(q: ast.Query, outer: Scope | null): Plan {
    if (q.locking.length > 0) {
      // FOR UPDATE under snapshot isolation: the rows are read as usual; a
      // later write to them conflicts like any other write (40001).
    }
    if (q.body.kind === 'select') {
      return this.#bindSelect(q.body, q, outer);
    }
    let plan = this.#bindBody(q.body, outer);
    plan = this.#orderAndLimitOutput(plan, q, outer, q.body.kind === 'setOp');
    return plan;
  }

  /** A VALUES list, set operation or parenthesised query, without ORDER BY/LIMIT of its own. */
  #bindBody(body: ast.QueryBody, outer: Scope | null): Plan {
    switch (body.kind) {
      case 'select':
        return this.#bindSelect(body, null, outer);
      case 'query':
        return this.bindQuery(body, outer);
      case 'values':
        return this.#bindValues(body, outer);
      case 'setOp':
        return this.#bindSetOp(body, outer);
    }
  }

  #bindValues(v: ast.Values, outer: Scope | null): Plan {
    const scope = new Scope([], outer);
    const width = v.rows[0]!.length;
    const rows = v.rows.map((r, i) => {
      if (r.length !== width) throw new FlintError('42601', 'VALUES lists must all be the same length', { position: (r[0]?.pos ?? v.pos) + 1 });
      void i;
      return r.map((e) => this.exprs.bind(e, scope));
    });
    const types = Array.from({ length: width }, (_, c) => {
      const t = resolveCommonType(rows.map((r) => r[c]!.type), 'VALUES');
      return t.id === 'unknown' || t.id === 'null' ? T.text : t;
    });
    return {
      kind: 'values',
      columns: types.map((type, c) => ({ name: `column${c + 1}`, type })),
      rows: rows.map((r, ri) => r.map((e, c) => this.exprs.coerce(e, types[c]!, 'implicit', v.rows[ri]![c]!.pos))),
    };
  }

  #bindSetOp(s: ast.SetOperation, outer: Scope | null): Plan {
    const left = this.#bindBody(s.left, outer);
    const right = this.#bindBody(s.right, outer);
    const name = s.op.toUpperCase();
    if (left.columns.length !== right.columns.length) {
      throw new FlintError('42601', `each ${name} query must have the same number of columns`, { position: s.pos + 1 });
    }
    const types = left.columns.map((c, i) => {
      const t = resolveCommonType([c.type, right.columns[i]!.type], name);
      return t.id === 'unknown' || t.id === 'null' ? T.text : t;
    });
    const columns = left.columns.map((c, i) => ({ name: c.name, type: types[i]! }));
    return { kind: 'setOp', columns, op: s.op, all: s.all, left: this.#castColumns(left, types), right: this.#castColumns(right, types) };
  }

  /** Project a plan's columns to the given types where they differ. */
  #castColumns(plan: Plan, types: readonly SqlType[]): Plan {
    if (plan.columns.every((c, i) => c.type.id === types[i]!.id && c.type.length === types[i]!.length)) return plan;
    const exprs = plan.columns.map((c, i) => this.exprs.coerce({ kind: 'column', type: c.type, index: i, name: c.name }, types[i]!, 'implicit', 0));
    return { kind: 'project', columns: plan.columns.map((c, i) => ({ name: c.name, type: types[i]! })), input: plan, exprs };
  }

  /** ORDER BY / LIMIT over the output of a set operation or VALUES: output names and positions only. */
  #orderAndLimitOutput(plan: Plan, q: ast.Query, outer: Scope | null, setOp = false): Plan {
    if (q.orderBy.length > 0) {
      const scope = new Scope(plan.columns.map((c) => ({ name: c.name, table: '', type: c.type, hidden: false })), outer);
      const keys: SortKey[] = q.orderBy.map((s) => {
        const ordinal = ordinalOf(s.expr, plan.columns.length);
        // Over UNION/INTERSECT/EXCEPT, PostgreSQL sorts by output columns only.
        if (setOp && ordinal === null && !(s.expr.kind === 'columnRef' && s.expr.table === null)) {
          throw new FlintError(SqlState.featureNotSupported, 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', {
            position: s.expr.pos + 1, detail: 'Only result column names can be used, not expressions or functions.',
            hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
          });
        }
        const expr: BoundExpr = ordinal !== null
          ? { kind: 'column', type: plan.columns[ordinal]!.type, index: ordinal, name: plan.columns[ordinal]!.name }
          : this.exprs.bind(s.expr, scope);
        return sortKey(expr, s);
      });
      plan = { kind: 'sort', columns: plan.columns, input: plan, keys };
    }
    return this.#limit(plan, q, outer);
  }

  #limit(plan: Plan, q: ast.Query, outer: Scope | null): Plan {
    if (q.limit === null && q.offset === null) return plan;
    const scope = new Scope([], outer);
    const bindCount = (e: ast.Expr | null) => (e === null ? null : this.exprs.coerce(this.exprs.bind(e, scope, null, T.int8), T.int8, 'implicit', e.pos));
    return { kind: 'limit', columns: plan.columns, input: plan, limit: bindCount(q.limit), offset: bindCount(q.offset) };
  }

  // ---- SELECT -----------------------------------------------------------------------------

  #bindSelect(s: ast.Select, q: ast.Query | null, outer: Scope | null): Plan {
    // FROM
    let source: Source;
    if (s.from.length === 0) {
      source = { plan: { kind: 'one', columns: [], rows: 1 }, columns: [] };
    } else {
      source = this.#bindFromItem(s.from[0]!, outer);
      for (const item of s.from.slice(1)) {
        const right = this.#bindRightItem(item, source, outer);
        source = this.#join(source, right.source, 'cross', null, outer, item.pos, right.lateral);
      }
    }
    const scope = new Scope(source.columns, outer);
    let plan = source.plan;

    // WHERE
    if (s.where !== null) {
      if (containsAggregate(s.where)) throw new FlintError('42803', 'aggregate functions are not allowed in WHERE', { position: s.where.pos + 1 });
      plan = { kind: 'filter', columns: plan.columns, input: plan, predicate: this.exprs.bindCondition(s.where, scope, 'WHERE') };
    }

    // Select list, expanded (* and t.*).
    const targets = this.#expandTargets(s.targets, scope);

    // GROUP BY and aggregates.
    const orderBy = q?.orderBy ?? [];
    const grouped = s.groupBy.length > 0 || s.having !== null ||
      targets.some((t) => t.ast !== null && containsAggregate(t.ast)) || orderBy.some((o) => containsAggregate(o.expr));
    let group: GroupContext | null = null;
    let outScope = scope;
    if (grouped) {
      const keys = s.groupBy.map((g) => this.#bindGroupKey(g, scope, targets));
      // Subqueries over the grouped row see the keys that are plain columns, under their names.
      const output = new Scope(keys.map((k) => {
        const c = k.kind === 'column' ? scope.columns[k.index] : undefined;
        return c === undefined ? { name: '', table: '', type: k.type, hidden: true } : { ...c, hidden: false };
      }), scope.parent);
      group = { keys, keyIds: keys.map(exprId), aggregates: [], input: scope, output };
    }

    const bindTarget = (t: Target): BoundExpr => {
      if (t.ast !== null) return this.exprs.bind(t.ast, scope, group);
      if (group === null) return t.bound!;
      // A column from `*` in a grouped query must be a group key.
      const index = group.keyIds.indexOf(exprId(t.bound!));
      if (index < 0) {
        throw new FlintError('42803', `column "${t.name}" must appear in the GROUP BY clause or be used in an aggregate function`);
      }
      return { kind: 'column', type: t.bound!.type, index, name: t.name };
    };
    const outputs = targets.map(bindTarget);
    const having = s.having === null ? null : this.exprs.bindCondition(s.having, scope, 'HAVING', group);

    // ORDER BY (and DISTINCT ON): output columns by position or name, else
    // expressions (hidden columns, computed beside the output and dropped
    // after sorting).
    const hidden: BoundExpr[] = [];
    const keyIndex = (e: ast.Expr, pos: number): number => {
      const ordinal = ordinalOf(e, outputs.length);
      if (ordinal !== null) return ordinal;
      const byName = e.kind === 'columnRef' && e.table === null ? targets.findIndex((t) => t.name === e.column && t.explicitAlias) : -1;
      if (byName >= 0) return byName;
      const bound = this.exprs.bind(e, scope, group);
      const id = exprId(bound);
      const same = [...outputs, ...hidden].findIndex((x) => exprId(x) === id);
      if (same >= 0) return same;
      if (s.distinct && s.distinctOn === null) throw new FlintError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', { position: pos + 1 });
      hidden.push(bound);
      return outputs.length + hidden.length - 1;
    };
    const keyColumn = (index: number): BoundExpr => ({ kind: 'column', type: [...outputs, ...hidden][index]!.type, index, name: '' });
    const sortKeys: SortKey[] = orderBy.map((o) => sortKey(keyColumn(keyIndex(o.expr, o.pos)), o));
    let distinctOn: BoundExpr[] | null = null;
    if (s.distinctOn !== null) {
      // PostgreSQL: the leading ORDER BY items must be DISTINCT ON's
      // expressions (in any order); with no ORDER BY, rows are sorted by them.
      const onIndexes = [...new Set(s.distinctOn.map((e) => keyIndex(e, e.pos)))];
      const orderIndexes = sortKeys.map((k) => (k.expr as { index: number }).index);
      for (let i = 0; i < Math.min(onIndexes.length, orderIndexes.length); i++) {
        if (!onIndexes.includes(orderIndexes[i]!)) {
          throw new FlintError('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', { position: s.distinctOn[0]!.pos + 1 });
        }
      }
      for (const index of onIndexes) {
        if (!orderIndexes.includes(index)) sortKeys.push({ expr: keyColumn(index), desc: false, nullsFirst: false });
      }
      distinctOn = onIndexes.map(keyColumn);
    }

    if (group !== null) {
      const aggColumns: OutputColumn[] = [
        ...group.keys.map((k, i) => ({ name: `key${i}`, type: k.type })),
        ...group.aggregates.map((a: AggregateCall) => ({ name: a.name, type: a.type })),
      ];
      plan = { kind: 'aggregate', columns: aggColumns, input: plan, groupBy: group.keys, aggregates: group.aggregates };
      if (having !== null) plan = { kind: 'filter', columns: plan.columns, input: plan, predicate: having };
      outScope = scope;
    }
    void outScope;

    const outputColumns: OutputColumn[] = targets.map((t, i) => ({ name: t.name, type: outputs[i]!.type.id === 'unknown' ? T.text : outputs[i]!.type }));
    const all = [...outputs, ...hidden].map((e) => (e.type.id === 'unknown' ? this.exprs.coerce(e, T.text, 'implicit', 0) : e));
    plan = {
      kind: 'project',
      columns: [...outputColumns, ...hidden.map((h, i) => ({ name: `?sort${i}`, type: h.type }))],
      input: plan,
      exprs: all,
    };
    if (distinctOn !== null) {
      // Sort first: DISTINCT ON keeps the first row of each group in ORDER BY order.
      plan = { kind: 'sort', columns: plan.columns, input: plan, keys: sortKeys };
      plan = { kind: 'distinct', columns: plan.columns, input: plan, on: distinctOn };
    } else {
      if (s.distinct) plan = { kind: 'distinct', columns: plan.columns, input: plan, on: null };
      if (sortKeys.length > 0) plan = { kind: 'sort', columns: plan.columns, input: plan, keys: sortKeys };
    }
    if (q !== null) plan = this.#limit(plan, q, outer);
    if (hidden.length > 0) {
      plan = {
        kind: 'project',
        columns: outputColumns,
        input: plan,
        exprs: outputColumns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name })),
      };
    }
    return plan;
  }

  /** A GROUP BY item: an output column position, an output alias, or an expression over the input. */
  #bindGroupKey(g: ast.GroupingItem, scope: Scope, targets: readonly Target[]): BoundExpr {
    if (g.kind === 'groupingSet') throw new FlintError('0A000', 'GROUPING SETS, ROLLUP and CUBE are not supported yet', { position: g.pos + 1 });
    const ordinal = ordinalOf(g, targets.length);
    if (ordinal !== null) {
      const t = targets[ordinal]!;
      if (t.ast !== null && containsAggregate(t.ast)) throw new FlintError('42803', `aggregate functions are not allowed in GROUP BY`, { position: g.pos + 1 });
      return t.ast === null ? t.bound! : this.exprs.bind(t.ast, scope);
    }
    if (g.kind === 'columnRef' && g.table === null) {
      try {
        return this.exprs.bind(g, scope);
      } catch (error) {
        // An output column name is accepted where no input column has it.
        const t = targets.find((x) => x.name === g.column && x.explicitAlias);
        if (t === undefined || t.ast === null) throw error;
        return this.exprs.bind(t.ast, scope);
      }
    }
    if (containsAggregate(g)) throw new FlintError('42803', 'aggregate functions are not allowed in GROUP BY', { position: g.pos + 1 });
    return this.exprs.bind(g, scope);
  }

  #expandTargets(list: readonly ast.ResultTarget[], scope: Scope): Target[] {
    const out: Target[] = [];
    for (const t of list) {
      if (t.expr.kind === 'star') {
        const table = t.expr.table === null ? null : t.expr.table.name;
        const indexes = scope.star(table, t.expr.pos);
        if (indexes.length === 0 && table === null) throw new FlintError('42601', 'SELECT * with no tables specified is not valid', { position: t.pos + 1 });
        for (const i of indexes) {
          const c = scope.columns[i]!;
          out.push({ name: c.name, ast: null, bound: { kind: 'column', type: c.type, index: i, name: c.name }, explicitAlias: false });
        }
        continue;
      }
      out.push({ name: t.alias ?? targetName(t.expr), ast: t.expr, bound: null, explicitAlias: t.alias !== null });
    }
    return out;
  }

  // ---- FROM -------------------------------------------------------------------------------

  #bindFromItem(item: ast.FromItem, outer: Scope | null): Source {
    switch (item.kind) {
      case 'tableRef':
        return this.#bindTableRef(item, outer);
      case 'subqueryRef': {
        if (item.alias === null) throw new FlintError('42601', 'subquery in FROM must have an alias', { position: item.pos + 1 });
        const plan = this.bindQuery(item.query, item.lateral ? outer : outer);
        return this.#aliased(plan, item.alias.name, item.alias.columns, item.pos);
      }
      case 'functionRef':
        return this.#bindFunctionRef(item, outer);
      case 'join': {
        const left = this.#bindFromItem(item.left, outer);
        const right = this.#bindRightItem(item.right, left, outer);
        if (right.lateral && (item.type === 'right' || item.type === 'full')) {
          throw new FlintError('42601', `The combining JOIN type must be INNER or LEFT for a LATERAL reference.`, { position: item.right.pos + 1 });
        }
        if (item.alias !== null) throw new FlintError('0A000', 'aliases on joins are not supported yet', { position: item.pos + 1 });
        return this.#join(left, right.source, item.type, item, outer, item.pos, right.lateral);
      }
    }
  }

  /**
   * A FROM item to the right of others. LATERAL subqueries, and function
   * calls (implicitly lateral in PostgreSQL) that read a column of the items
   * to their left, become lateral joins; everything else binds on its own.
   */
  #bindRightItem(item: ast.FromItem, left: Source, outer: Scope | null): { source: Source; lateral: boolean } {
    if (item.kind === 'subqueryRef' && item.lateral) return { source: this.#bindLateral(item, left, outer), lateral: true };
    if (item.kind === 'functionRef') {
      // Bound once seeing the left items through a transparent probe; if it read none, again without them.
      const probe = new Scope([], new Scope(left.columns, outer), true);
      const source = this.#bindFunctionRef(item, probe);
      if (probe.correlated) return { source, lateral: true };
      return { source: this.#bindFunctionRef(item, outer), lateral: false };
    }
    return { source: this.#bindFromItem(item, outer), lateral: false };
  }

  /**
   * LATERAL (subquery): bound as a correlated subquery whose enclosing row
   * is the FROM items to its left; the join runs it again for each of their
   * rows (exec/run.ts).
   */
  #bindLateral(item: ast.SubqueryRef, left: Source, outer: Scope | null): Source {
    if (item.alias === null) throw new FlintError('42601', 'subquery in FROM must have an alias', { position: item.pos + 1 });
    const { plan } = this.bindSubquery(item.query, new Scope(left.columns, outer));
    return this.#aliased(plan, item.alias.name, item.alias.columns, item.pos);
  }

  /** A pg_catalog or information_schema relation. */
  #systemSource(relation: SystemRelation, item: ast.TableRef): Source {
    const plan: Plan = { kind: 'system', columns: relation.columns, relation };
    return this.#aliased(plan, item.alias?.name ?? relation.name, item.alias?.columns ?? null, item.pos);
  }

  /** PostgreSQL searches pg_catalog first unless search_path names it after another schema. */
  #pgCatalogFirst(): boolean {
    const path = (this.#eval.system?.setting('search_path') ?? '').split(',').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
    const at = path.indexOf('pg_catalog');
    return at < 0 || at < path.indexOf('public') || path.indexOf('public') < 0;
  }

  #bindTableRef(item: ast.TableRef, outer: Scope | null): Source {
    const name = item.name.name;
    if (item.name.schema !== null && isSystemSchema(item.name.schema)) {
      const relation = systemRelation(item.name.schema, name);
      if (relation === undefined) throw new FlintError('42P01', `relation "${item.name.schema}.${name}" does not exist`, { position: item.pos + 1 });
      return this.#systemSource(relation, item);
    }
    if (item.name.schema !== null && item.name.schema !== 'public') {
      throw new FlintError('42P01', `relation "${item.name.schema}.${name}" does not exist`, { position: item.pos + 1 });
    }
    const alias = item.alias?.name ?? name;
    let unreachable: Cte | undefined;
    if (item.name.schema === null) {
      for (let i = this.#ctes.length - 1; i >= 0; i--) {
        const cte = this.#ctes[i]!.get(name);
        // Without RECURSIVE, a WITH item sees only the items before it.
        if (cte !== undefined && !cte.withRecursive && [...this.#bindingCtes].some((b) => b.level === cte.level && b.order <= cte.order)) {
          unreachable = cte;
          continue;
        }
        if (cte !== undefined && cte.recursive && this.#bindingCtes.has(cte)) {
          return this.#aliased(this.#workTableRef(cte, item.pos), alias, item.alias?.columns ?? null, item.pos);
        }
        if (cte !== undefined && !this.#bindingCtes.has(cte)) {
          // Bind the CTE's query where it was defined: it sees its own WITH
          // level (earlier CTEs) and the levels outside, not inner ones.
          const saved = this.#ctes.splice(i + 1);
          this.#bindingCtes.add(cte);
          try {
            const plan = cte.recursive ? this.#bindRecursive(cte) : this.bindQuery(cte.query, null);
            return this.#aliased(plan, alias, item.alias?.columns ?? (cte.recursive ? null : cte.columns), item.pos, item.alias === null ? 'WITH query' : 'table');
          } finally {
            this.#bindingCtes.delete(cte);
            this.#ctes.push(...saved);
          }
        }
      }
    }
    const system = item.name.schema === null ? systemRelation(null, name) : undefined;
    if (system !== undefined && this.#pgCatalogFirst()) return this.#systemSource(system, item);
    const table = this.#catalog.table(name);
    if (table !== undefined) {
      const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
      const plan: Plan = {
        kind: 'scan', columns, table: table.def, decoders: table.columns.map((c) => decoderFor(c.type)) as never,
        positions: table.positions, missing: table.missing, filter: null, alias,
      };
      return this.#aliased(plan, alias, item.alias?.columns ?? null, item.pos);
    }
    const view = this.#catalog.view(name);
    if (view !== undefined) {
      if (this.#viewDepth > 32) throw new FlintError('42P17', `infinite recursion detected in view "${name}"`);
      const statements = parse(view.query);
      const query = statements[0];
      if (query === undefined || query.kind !== 'query') throw new FlintError('XX000', `view "${name}" has no query`);
      this.#viewDepth++;
      try {
        const saved = this.#ctes.splice(0);
        try {
          const plan = this.bindQuery(query, null);
          return this.#aliased(plan, alias, item.alias?.columns ?? view.columns, item.pos);
        } finally {
          this.#ctes.push(...saved);
        }
      } finally {
        this.#viewDepth--;
      }
    }
    if (system !== undefined) return this.#systemSource(system, item);
    void outer;
    throw new FlintError('42P01', `relation "${name}" does not exist`, {
      position: item.pos + 1,
      ...(unreachable === undefined ? {} : { detail: `There is a WITH item named "${name}", but it cannot be referenced from this part of the query.` }),
    });
  }

  /**
   * WITH RECURSIVE name AS (non-recursive term UNION [ALL] recursive term):
   * the first term's rows, then the second term run over the rows the
   * previous round produced, until a round produces none. Column names come
   * from the CTE's column list or the first term, types from the first term.
   */
  #bindRecursive(cte: Cte): Plan {
    const q = cte.query;
    const body = q.body;
    const at = { position: q.pos + 1 };
    if (body.kind !== 'setOp' || body.op !== 'union') {
      throw new FlintError('42P19', `recursive query "${cte.name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, at);
    }
    if (q.orderBy.length > 0) throw new FlintError('0A000', 'ORDER BY in a recursive query is not implemented', at);
    if (q.limit !== null) throw new FlintError('0A000', 'LIMIT in a recursive query is not implemented', at);
    if (q.offset !== null) throw new FlintError('0A000', 'OFFSET in a recursive query is not implemented', at);
    return this.withClause(q.with, () => {
      const anchor = this.#optimize(this.#bindBody(body.left, null));
      if (cte.columns !== null && cte.columns.length !== anchor.columns.length) {
        throw new FlintError('42P10', `WITH query "${cte.name}" has ${anchor.columns.length} columns available but ${cte.columns.length} columns specified`, at);
      }
      const columns = anchor.columns.map((c, i) => ({ name: cte.columns?.[i] ?? c.name, type: c.type }));
      const work: WorkTable = { work: {}, columns, depth: this.#subqueryDepth, references: 0 };
      this.#workTables.set(cte, work);
      let recursive: Plan;
      try {
        recursive = this.#optimize(this.#bindBody(body.right, null));
      } finally {
        this.#workTables.delete(cte);
      }
      if (recursive.columns.length !== columns.length) {
        throw new FlintError('42601', 'each UNION query must have the same number of columns', { position: body.pos + 1 });
      }
      columns.forEach((c, i) => {
        const overall = resolveCommonType([c.type, recursive.columns[i]!.type], 'UNION');
        if (overall.id !== c.type.id) {
          throw new FlintError(SqlState.datatypeMismatch, `recursive query "${cte.name}" column ${i + 1} has type ${typeName(c.type)} in non-recursive term but type ${typeName(overall)} overall`, {
            ...at, hint: 'Cast the output of the non-recursive term to the correct type.',
          });
        }
      });
      return {
        kind: 'recursiveUnion', columns, name: cte.name, all: body.all, work: work.work,
        anchor, recursive: this.#castColumns(recursive, columns.map((c) => c.type)),
      };
    });
  }

  /** The recursive term's reference to its own CTE. */
  #workTableRef(cte: Cte, pos: number): Plan {
    const work = this.#workTables.get(cte);
    const at = { position: pos + 1 };
    if (work === undefined) throw new FlintError('42P19', `recursive reference to query "${cte.name}" must not appear within its non-recursive term`, at);
    if (this.#subqueryDepth > work.depth) throw new FlintError('42P19', `recursive reference to query "${cte.name}" must not appear within a subquery`, at);
    if (++work.references > 1) throw new FlintError('42P19', `recursive reference to query "${cte.name}" must not appear more than once`, at);
    return { kind: 'workTable', columns: work.columns, work: work.work, name: cte.name };
  }

  #bindFunctionRef(item: ast.FunctionRef, outer: Scope | null): Source {
    const call = item.call;
    if (call.kind === 'funcCall' && call.name === 'unnest' && call.schema !== 'information_schema') return this.#unnestRef(item, call, outer);
    if (call.kind === 'funcCall' && call.name !== 'generate_series' && call.over === null && !SET_RETURNING.has(call.name)) {
      return this.#scalarFunctionRef(item, call, outer);
    }
    if (call.kind !== 'funcCall' || call.name !== 'generate_series') {
      throw new FlintError('0A000', `set-returning function ${call.kind === 'funcCall' ? call.name : ''} in FROM is not supported yet`, { position: item.pos + 1 });
    }
    if (item.ordinality) throw new FlintError('0A000', 'WITH ORDINALITY on generate_series is not supported yet', { position: item.pos + 1 });
    const scope = new Scope([], outer);
    const args = call.args.map((a) => this.exprs.bind(a, scope));
    if (args.length < 2 || args.length > 3) throw new FlintError('42883', 'function generate_series needs 2 or 3 arguments', { position: item.pos + 1 });
    const type = seriesType(args.map((a) => a.type.id), item.pos);
    const stepType = type.id === 'timestamp' || type.id === 'timestamptz' ? T.interval : type;
    if (stepType === T.interval && args.length !== 3) {
      throw new FlintError('42883', `function generate_series(${type.id === 'timestamp' ? 'timestamp without time zone' : 'timestamp with time zone'}, ...) needs a step interval`, { position: item.pos + 1 });
    }
    const cast = args.map((a, i) => this.exprs.coerce(a, i === 2 ? stepType : type, 'implicit', call.args[i]!.pos));
    const plan: Plan = { kind: 'series', columns: [{ name: 'generate_series', type }], start: cast[0]!, stop: cast[1]!, step: cast[2] ?? null };
    const alias = item.alias?.name ?? 'generate_series';
    const columns = item.alias?.columns ?? (item.alias === null ? null : [alias]);
    return this.#aliased(plan, alias, columns, item.pos);
  }

  /** unnest(array) in FROM: a row per element (one array argument; several are not supported yet). */
  #unnestRef(item: ast.FunctionRef, call: ast.FuncCall, outer: Scope | null): Source {
    if (call.args.length !== 1) throw new FlintError('0A000', 'unnest with several arrays is not supported yet', { position: item.pos + 1 });
    const array = this.exprs.bind(call.args[0]!, new Scope([], outer));
    if (array.type.id !== 'array') {
      throw new FlintError(SqlState.undefinedFunction, `function unnest(${typeName(array.type)}) does not exist`, {
        position: item.pos + 1, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    const columns: OutputColumn[] = [{ name: 'unnest', type: array.type.element ?? T.text }];
    if (item.ordinality) columns.push({ name: 'ordinality', type: T.int8 });
    const plan: Plan = { kind: 'unnest', columns, array, ordinality: item.ordinality };
    const alias = item.alias?.name ?? 'unnest';
    const names = item.alias?.columns ?? (item.alias === null ? null : [alias]);
    return this.#aliased(plan, alias, names, item.pos);
  }

  /**
   * A scalar function in FROM: one row holding its result, as in PostgreSQL
   * (SELECT * FROM upper('a')); WITH ORDINALITY numbers it 1.
   */
  #scalarFunctionRef(item: ast.FunctionRef, call: ast.FuncCall, outer: Scope | null): Source {
    const value = this.exprs.bind(call, new Scope([], outer));
    const exprs: BoundExpr[] = [value];
    const columns: OutputColumn[] = [{ name: call.name, type: value.type }];
    if (item.ordinality) {
      exprs.push({ kind: 'const', type: T.int8, value: 1n });
      columns.push({ name: 'ordinality', type: T.int8 });
    }
    const plan: Plan = { kind: 'project', columns, input: { kind: 'one', columns: [], rows: 1 }, exprs };
    const alias = item.alias?.name ?? call.name;
    const names = item.alias?.columns ?? (item.alias === null ? null : [alias]);
    return this.#aliased(plan, alias, names, item.pos);
  }

  #aliased(plan: Plan, alias: string, columnAliases: readonly string[] | null, pos: number, what: 'table' | 'WITH query' = 'table'): Source {
    if (columnAliases !== null && columnAliases.length > plan.columns.length) {
      throw new FlintError('42P10', `${what} "${alias}" has ${plan.columns.length} columns available but ${columnAliases.length} columns specified`, { position: pos + 1 });
    }
    const columns = plan.columns.map((c, i) => ({ name: columnAliases?.[i] ?? c.name, table: alias, type: c.type, hidden: false }));
    return { plan, columns };
  }

  #join(left: Source, right: Source, type: ast.JoinExpr['type'], item: ast.JoinExpr | null, outer: Scope | null, pos = item?.pos ?? 0, lateral = false): Source {
    // Each FROM entry needs its own name: `FROM emp, emp` is ambiguous (42712).
    const leftNames = new Set(left.columns.map((c) => c.table));
    const clash = right.columns.find((c) => c.table !== '' && leftNames.has(c.table));
    if (clash !== undefined) throw new FlintError('42712', `table name "${clash.table}" specified more than once`, { position: pos + 1 });
    const columns = [...left.columns, ...right.columns];
    const planColumns = [...left.plan.columns, ...right.plan.columns];
    let on: BoundExpr | null = null;
    const pairs: { name: string; left: number; right: number }[] = [];
    if (item !== null && (item.using !== null || item.natural)) {
      const names = item.natural
        ? left.columns.filter((c) => !c.hidden && right.columns.some((r) => r.name === c.name && !r.hidden)).map((c) => c.name)
        : item.using!.map((u) => u.name);
      const conds: BoundExpr[] = [];
      for (const name of names) {
        const li = left.columns.findIndex((c) => c.name === name && !c.hidden);
        const ri = right.columns.findIndex((c) => c.name === name && !c.hidden);
        if (li < 0 || ri < 0) throw new FlintError('42703', `column "${name}" specified in USING clause does not exist in ${li < 0 ? 'left' : 'right'} table`, { position: item.pos + 1 });
        const scope = new Scope(columns.map((c) => ({ ...c, hidden: false })), outer);
        void scope;
        const l: BoundExpr = { kind: 'column', type: left.columns[li]!.type, index: li, name };
        const r: BoundExpr = { kind: 'column', type: right.columns[ri]!.type, index: left.columns.length + ri, name };
        conds.push(this.#equals(l, r, item.pos));
        pairs.push({ name, left: li, right: left.columns.length + ri });
        // The merged column appears once: hide the right copy (the left copy for RIGHT joins).
        if (type === 'right') columns[li] = { ...columns[li]!, hidden: true };
        else columns[left.columns.length + ri] = { ...columns[left.columns.length + ri]!, hidden: true };
      }
      on = conds.length === 0 ? null : conds.length === 1 ? conds[0]! : { kind: 'and', type: T.bool, args: conds };
    } else if (item !== null && item.on !== null) {
      const scope = new Scope(columns, outer);
      if (containsAggregate(item.on)) throw new FlintError('42803', 'aggregate functions are not allowed in JOIN conditions', { position: item.on.pos + 1 });
      on = this.exprs.bindCondition(item.on, scope, 'JOIN/ON');
    }
    const plan: Plan = {
      kind: 'join', columns: planColumns, type: type === 'cross' ? 'inner' : type, left: left.plan, right: right.plan, on, equi: [],
      ...(lateral ? { lateral: true } : {}),
    };
    if (pairs.length > 0) return this.#mergeJoinColumns(plan, columns, pairs, type);
    return { plan, columns };
  }

  /**
   * JOIN ... USING / NATURAL: each merged column appears once, first in `*`
   * (in USING order), as in PostgreSQL: the left table's value, the right's
   * for a RIGHT JOIN, COALESCE(left, right) for a FULL JOIN. Both tables'
   * own copies stay reachable by qualified name (a.id, b.id).
   */
  #mergeJoinColumns(join: Plan, columns: ScopeColumn[], pairs: readonly { name: string; left: number; right: number }[], joinType: ast.JoinExpr['type']): Source {
    const merged = pairs.map(({ name, left, right }) => {
      const l = columns[left]!;
      const r = columns[right]!;
      const type = resolveCommonType([l.type, r.type], 'JOIN/USING');
      const side = (index: number, c: ScopeColumn) => this.exprs.coerce({ kind: 'column', type: c.type, index, name }, type, 'implicit', 0);
      if (joinType === 'right') return { name, expr: side(right, r) };
      if (joinType !== 'full') return { name, expr: side(left, l) };
      return { name, expr: { kind: 'coalesce', type, args: [side(left, l), side(right, r)] } as BoundExpr };
    });
    const inner = columns.map((c, i) => (pairs.some((p) => p.left === i || p.right === i) ? { ...c, hidden: true } : c));
    const plan: Plan = {
      kind: 'project',
      columns: [...merged.map((m) => ({ name: m.name, type: m.expr.type })), ...join.columns],
      input: join,
      exprs: [...merged.map((m) => m.expr), ...join.columns.map((c, i): BoundExpr => ({ kind: 'column', type: c.type, index: i, name: c.name }))],
    };
    return { plan, columns: [...merged.map((m) => ({ name: m.name, table: '', type: m.expr.type, hidden: false })), ...inner] };
  }

  #equals(l: BoundExpr, r: BoundExpr, pos: number): BoundExpr {
    return this.exprs.bindCondition({ kind: 'binaryOp', pos, op: '=', left: placeholder(0), right: placeholder(1) }, new PlaceholderScope([l, r]), 'USING');
  }
}

interface Target {
  readonly name: string;
  readonly ast: ast.Expr | null;
  readonly bound: BoundExpr | null;
  readonly explicitAlias: boolean;
}

/** Column name PostgreSQL gives an unaliased select-list item. */
function targetName(e: ast.Expr): string {
  switch (e.kind) {
    case 'columnRef':
      return e.column;
    case 'funcCall':
      return e.name;
    case 'cast':
      return e.arg.kind === 'columnRef' || e.arg.kind === 'funcCall' ? targetName(e.arg) : e.type.name === 'bpchar' ? 'bpchar' : e.type.name;
    case 'case':
      return 'case';
    case 'sqlValueFunction':
      return e.name;
    case 'exists':
      return 'exists';
    case 'subquery':
      return subqueryColumnName(e.query.body);
    case 'atTimeZone':
      return 'timezone';
    default:
      return '?column?';
  }
}

/** A scalar subquery's column is named as its query's first output column (PostgreSQL's FigureColname). */
function subqueryColumnName(body: ast.QueryBody): string {
  switch (body.kind) {
    case 'select': {
      const first = body.targets[0];
      if (first === undefined || first.expr.kind === 'star') return '?column?';
      return first.alias ?? targetName(first.expr);
    }
    case 'setOp':
      return subqueryColumnName(body.left);
    case 'query':
      return subqueryColumnName(body.body);
    default:
      return '?column?';
  }
}

/** An integer constant in ORDER BY / GROUP BY is an output column position (1-based). */
function ordinalOf(e: ast.Expr, count: number): number | null {
  if (e.kind !== 'number' || e.form !== 'integer') return null;
  const n = Number(e.text);
  if (n < 1 || n > count) throw new FlintError('42P10', `ORDER BY position ${e.text} is not in select list`, { position: e.pos + 1 });
  return n - 1;
}

function sortKey(expr: BoundExpr, s: ast.SortBy): SortKey {
  // PostgreSQL: NULLs sort as if larger than every value, so they come last
  // ascending and first descending, unless NULLS FIRST/LAST says otherwise.
  return { expr, desc: s.desc, nullsFirst: s.nulls === null ? s.desc : s.nulls === 'first' };
}

// USING joins compare two already-bound columns: a tiny scope whose columns
// are exactly those two lets the ordinary '=' resolution (with its implicit
// casts) do the work.
function placeholder(i: number): ast.ColumnRef {
  return { kind: 'columnRef', pos: 0, catalog: null, schema: null, table: '\u0000', column: `\u0000${i}` };
}

class PlaceholderScope extends Scope {
  readonly #exprs: readonly BoundExpr[];
  constructor(exprs: readonly BoundExpr[]) {
    super(exprs.map((e, i) => ({ name: `\u0000${i}`, table: '\u0000', type: e.type, hidden: false })), null);
    this.#exprs = exprs;
  }
  override resolve(table: string | null, column: string, pos: number) {
    const r = super.resolve(table, column, pos);
    const e = this.#exprs[r.index]!;
    return { depth: 0, index: (e as { index: number }).index, column: r.column };
  }
}

/** PostgreSQL's set-returning functions Flint does not have yet: in FROM they are refused as such, not bound as scalars. */
const SET_RETURNING = new Set([
  'generate_subscripts', 'jsonb_each', 'jsonb_each_text', 'jsonb_array_elements', 'jsonb_array_elements_text', 'json_each',
  'json_each_text', 'json_array_elements', 'json_array_elements_text', 'jsonb_object_keys', 'json_object_keys', 'regexp_matches',
  'regexp_split_to_table', 'jsonb_to_recordset', 'json_to_recordset', 'jsonb_populate_recordset', 'pg_get_keywords',
]);

/** Does the query read a table (or CTE) of this name anywhere, subqueries included? */
function readsTable(q: ast.Query, name: string): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item);
      return;
    }
    const node = x as { kind?: string };
    if (node.kind === 'tableRef') {
      const ref = node as ast.TableRef;
      if (ref.name.schema === null && ref.name.name === name) found = true;
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(q);
  return found;
}

/**
 * The type generate_series(start, stop[, step]) runs in, as PostgreSQL
 * resolves it: int4 or int8 for integers, numeric when either bound is
 * numeric (or a float), timestamp or timestamptz (a date reads as
 * timestamptz, its preferred type) with an interval step.
 */
function seriesType(argIds: readonly string[], pos: number): SqlType {
  if (argIds.every((id) => id === 'unknown')) {
    throw new FlintError(SqlState.ambiguousFunction, `function generate_series(${argIds.join(', ')}) is not unique`, {
      position: pos + 1, hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    });
  }
  // A timestamp series takes an interval step; the others step in their own type.
  const ids = argIds.length === 3 && argIds[2] === 'interval' ? argIds.slice(0, 2) : argIds;
  const has = (...t: string[]) => ids.some((id) => t.includes(id));
  const only = (...t: string[]) => ids.every((id) => t.includes(id) || id === 'unknown');
  if (only('int2', 'int4')) return T.int4;
  if (only('int2', 'int4', 'int8')) return T.int8;
  if (only('int2', 'int4', 'int8', 'numeric', 'float4', 'float8') && has('numeric', 'float4', 'float8')) return T.numeric;
  if (ids !== argIds || argIds.length === 3 && argIds[2] === 'unknown') {
    if (only('timestamp') && has('timestamp')) return T.timestamp;
    if (only('timestamptz', 'timestamp', 'date') && has('timestamptz', 'timestamp', 'date')) return T.timestamptz;
  }
  throw new FlintError('42883', `function generate_series(${ids.join(', ')}) does not exist`, {
    position: pos + 1, hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}
