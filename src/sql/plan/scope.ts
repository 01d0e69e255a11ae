// Name resolution: which column a name in a query means.
//
// A Scope is the row a FROM clause produces: its columns in order, each with
// the name of the table (or alias) it came from. Scopes chain to the
// enclosing query's scope, so a subquery can refer to the outer row
// (a correlated reference); resolving through a parent marks every scope on
// the way as correlated, which tells the executor to rerun that subquery for
// each outer row.

import { FlintError } from '../../errors.ts';
import type { SqlType } from '../types/sql-type.ts';

export interface ScopeColumn {
  readonly name: string;
  /** Table name or alias; '' for columns of an unnamed source. */
  readonly table: string;
  readonly type: SqlType;
  /** Left out of `*` (the second copy of a USING/NATURAL join column). */
  readonly hidden: boolean;
}

export interface Resolved {
  /** 0: this scope; n: the n-th enclosing scope. */
  readonly depth: number;
  readonly index: number;
  readonly column: ScopeColumn;
}

export class Scope {
  readonly columns: ScopeColumn[];
  readonly parent: Scope | null;
  /** Set when an expression in this scope (or a subquery below it) reads a parent's row. */
  correlated = false;
  /**
   * A transparent scope holds no row of its own: it marks where a subquery
   * begins, so that binding it can tell whether the subquery read the outer
   * row (it is then marked correlated), without counting as a level.
   */
  readonly transparent: boolean;

  constructor(columns: ScopeColumn[], parent: Scope | null, transparent = false) {
    this.columns = columns;
    this.parent = parent;
    this.transparent = transparent;
  }

  /** Resolve `table.column` or `column`; PostgreSQL's errors for ambiguous and missing names. */
  resolve(table: string | null, column: string, pos: number): Resolved {
    let scope: Scope | null = this;
    let depth = 0;
    while (scope !== null) {
      const found = scope.#find(table, column, pos);
      if (found >= 0) {
        // Every scope between here and the one that had the name reads an outer row.
        for (let s: Scope | null = this; s !== null && s !== scope; s = s.parent) s.correlated = true;
        return { depth, index: found, column: scope.columns[found]! };
      }
      if (!scope.transparent) depth++;
      scope = scope.parent;
    }
    if (table !== null && !this.#hasTable(table)) {
      throw new FlintError('42P01', `missing FROM-clause entry for table "${table}"`, { position: pos + 1 });
    }
    const name = table === null ? column : `${table}.${column}`;
    throw new FlintError('42703', `column "${name}" does not exist`, { position: pos + 1 });
  }

  #find(table: string | null, column: string, pos: number): number {
    let found = -1;
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      if (c.name !== column || (table !== null && c.table !== table)) continue;
      if (table === null && c.hidden) continue;
      if (found >= 0) throw new FlintError('42702', `column reference "${column}" is ambiguous`, { position: pos + 1 });
      found = i;
    }
    return found;
  }

  #hasTable(table: string): boolean {
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent) {
      if (scope.columns.some((c) => c.table === table)) return true;
    }
    return false;
  }

  /** Column indexes of `*` or `table.*`. */
  star(table: string | null, pos: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      if (table === null ? !c.hidden : c.table === table) out.push(i);
    }
    if (table !== null && out.length === 0) {
      throw new FlintError('42P01', `missing FROM-clause entry for table "${table}"`, { position: pos + 1 });
    }
    return out;
  }
}
