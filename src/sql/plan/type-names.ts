// From a type name as written (ast.TypeName) to a SqlType.
import { FlintError } from '../../errors.ts';
import type { TypeName } from '../ast.ts';
import type { SqlType, TypeId } from '../types/sql-type.ts';
import { arrayType, bpcharType, numericType, T, varcharType } from '../types/type-info.ts';

const SIMPLE: Record<string, TypeId> = {
  bool: 'bool', boolean: 'bool',
  int2: 'int2', smallint: 'int2', int4: 'int4', integer: 'int4', int: 'int4', int8: 'int8', bigint: 'int8',
  float4: 'float4', real: 'float4', float8: 'float8',
  text: 'text', bytea: 'bytea', date: 'date', timestamp: 'timestamp', timestamptz: 'timestamptz',
  interval: 'interval', uuid: 'uuid', jsonb: 'jsonb',
  // Flint stores json as jsonb: the same values, normalised (documented difference).
  json: 'jsonb',
  oid: 'oid', regclass: 'regclass', regtype: 'regtype', regproc: 'regproc', regnamespace: 'regnamespace', regrole: 'regrole',
  // PostgreSQL's name (identifiers) and "char" (one byte) read as text in Flint's catalogs.
  name: 'text', char: 'text',
  // serial types are integers with a sequence default (see the DDL binder).
  serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8', smallserial: 'int2', serial2: 'int2',
};

export function sqlTypeOf(name: TypeName): SqlType {
  if (name.arrayBounds.length > 0) return arrayType(sqlTypeOf({ ...name, arrayBounds: [] }));
  // int2vector and oidvector (pg_index.indkey, ...) read as int2[] and oid[].
  if (name.name === 'int2vector') return arrayType(T.int2);
  if (name.name === 'oidvector') return arrayType(T.oid);
  const mods = name.modifiers;
  switch (name.name) {
    case 'varchar':
      return mods.length > 0 ? varcharType(mods[0]!) : T.varchar;
    case 'bpchar':
      return bpcharType(mods[0] ?? 1);
    case 'numeric':
    case 'decimal':
      if (mods.length === 0) return T.numeric;
      return numericType(mods[0]!, mods[1] ?? 0);
    default: {
      const id = SIMPLE[name.name];
      if (id === undefined) throw new FlintError('42704', `type "${name.name}" does not exist`, { position: name.pos + 1 });
      return T[id];
    }
  }
}

/** True for serial, bigserial and smallserial: an integer column with a sequence default. */
export function isSerialType(name: TypeName): boolean {
  return /^(small|big)?serial[248]?$/.test(name.name);
}
