// CREATE SEQUENCE and ALTER SEQUENCE (the objects are in sequences.ts).

import { FlintError, SqlState } from '../../errors.ts';
import type * as ast from '../ast.ts';
import { allTables } from './engine-catalog.ts';
import { createSequence, isSequence, positionSequence, sequenceSpec, specOf, type SequenceMeta } from './sequences.ts';
import { done, notice, type RunOptions, type StatementResult } from './statement-context.ts';

/** OWNED BY table.column | NONE: the table id and column, checked. */
function ownedBy(o: ast.SequenceOption | undefined, options: RunOptions): { table: number; column: string } | null | undefined {
  if (o === undefined || o.option !== 'ownedBy') return undefined;
  if (o.column === null) return null;
  const [tableName, column] = o.column.length >= 2 ? o.column.slice(-2) : [undefined, o.column[0]];
  if (tableName === undefined) throw new FlintError(SqlState.invalidParameterValue, 'invalid OWNED BY option', { position: o.pos + 1, hint: 'Specify OWNED BY table.column or OWNED BY NONE.' });
  const table = allTables(options.engine).find((t) => t.name === tableName);
  if (table === undefined) throw new FlintError(SqlState.undefinedTable, `relation "${tableName}" does not exist`, { position: o.pos + 1 });
  if (!table.columns.some((c) => c.name === column)) throw new FlintError(SqlState.undefinedColumn, `column "${column}" of relation "${tableName}" does not exist`, { position: o.pos + 1 });
  return { table: table.def.id, column: column! };
}

export function runCreateSequence(stmt: ast.CreateSequence, options: RunOptions): StatementResult {
  const { engine } = options;
  const name = stmt.name.name;
  if (engine.table(name) !== undefined) {
    if (stmt.ifNotExists) {
      notice(options, `relation "${name}" already exists, skipping`, '42P07');
      return done('CREATE SEQUENCE');
    }
    throw new FlintError('42P07', `relation "${name}" already exists`, { position: stmt.name.pos + 1 });
  }
  const { spec } = sequenceSpec(stmt.options, null);
  const owner = ownedBy(stmt.options.find((o) => o.option === 'ownedBy'), options);
  createSequence(engine, name, { ...spec, ownedBy: owner ?? null });
  return done('CREATE SEQUENCE');
}

export function runAlterSequence(stmt: ast.AlterSequence, options: RunOptions): StatementResult {
  const { engine } = options;
  const def = engine.table(stmt.name.name);
  if (!isSequence(def)) {
    if (def === undefined && stmt.ifExists) return done('ALTER SEQUENCE');
    if (def === undefined) throw new FlintError(SqlState.undefinedTable, `relation "${stmt.name.name}" does not exist`, { position: stmt.name.pos + 1 });
    throw new FlintError('42809', `"${stmt.name.name}" is not a sequence`, { position: stmt.name.pos + 1 });
  }
  const { spec, restart } = sequenceSpec(stmt.options, specOf(def));
  const owner = ownedBy(stmt.options.find((o) => o.option === 'ownedBy'), options);
  const meta: SequenceMeta = { sql: 1, kind: 'sequence', sequence: owner === undefined ? spec : { ...spec, ownedBy: owner } };
  // A cached position carries on under the new options (sequences.ts nextval).
  const altered = engine.alterTable(def.id, { meta });
  if (restart !== null) positionSequence(engine, options.state.sequences, altered, restart, false);
  return done('ALTER SEQUENCE');
}
