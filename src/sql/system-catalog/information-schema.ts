// The SQL standard's information_schema views that ORMs and GUI tools read:
// schemata, tables, columns, views, table_constraints, key_column_usage,
// referential_constraints, constraint_column_usage and sequences, over the same SystemCatalogView as pg_catalog. PostgreSQL's
// column domains (sql_identifier, cardinal_number, character_data,
// yes_or_no) are text and integer here.

import type { SqlType } from '../types/sql-type.ts';
import type { AttributeInfo, ConstraintInfo, RelationInfo, SystemCatalogView } from './catalog-view.ts';
import { namespaceName } from './oids.ts';
import { columns, type Row, type SystemRelation } from './relations.ts';
import { formatType } from './types.ts';

function view(name: string, spec: string, rows: (view: SystemCatalogView) => Row[]): SystemRelation {
  return { schema: 'information_schema', name, columns: columns(spec), rows };
}

const yesNo = (b: boolean) => (b ? 'YES' : 'NO');

/** Relations information_schema.tables lists: tables and views (system ones included, as PostgreSQL lists its catalogs). */
function tablesOf(v: SystemCatalogView): RelationInfo[] {
  return v.relations.filter((r) => r.kind === 'r' || r.kind === 'v');
}

/** data_type: the standard's name; arrays are ARRAY. */
function dataType(a: AttributeInfo): string {
  if (a.type.id === 'array') return 'ARRAY';
  return formatType(a.typeOid, -1);
}

/** character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision. */
function typeFacts(type: SqlType): (number | null)[] {
  const len = type.length !== undefined && type.length >= 0 ? type.length : null;
  switch (type.id) {
    case 'varchar':
    case 'bpchar':
      return [len, len === null ? 1073741824 : len * 4, null, null, null, null];
    case 'text':
      return [null, 1073741824, null, null, null, null];
    case 'int2':
      return [null, null, 16, 2, 0, null];
    case 'int4':
      return [null, null, 32, 2, 0, null];
    case 'int8':
      return [null, null, 64, 2, 0, null];
    case 'float4':
      return [null, null, 24, 2, null, null];
    case 'float8':
      return [null, null, 53, 2, null, null];
    case 'numeric':
      return [null, null, len, 10, len === null ? null : type.scale ?? 0, null];
    case 'date':
      return [null, null, null, null, null, 0];
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
      return [null, null, null, null, null, 6];
    default:
      return [null, null, null, null, null, null];
  }
}

const schemata = view(
  'schemata',
  'catalog_name text, schema_name text, schema_owner text, default_character_set_catalog text, default_character_set_schema text, ' +
    'default_character_set_name text, sql_path text',
  (v) => ['information_schema', 'pg_catalog', 'public'].map((s) => [v.databaseName, s, v.roleName(10), null, null, null, null]),
);

const tables = view(
  'tables',
  'table_catalog text, table_schema text, table_name text, table_type text, self_referencing_column_name text, reference_generation text, ' +
    'user_defined_type_catalog text, user_defined_type_schema text, user_defined_type_name text, is_insertable_into text, is_typed text, commit_action text',
  (v) =>
    tablesOf(v).map((r) => [
      v.databaseName, namespaceName(r.namespace)!, r.name, r.kind === 'r' ? 'BASE TABLE' : 'VIEW', null, null, null, null, null,
      yesNo(r.kind === 'r'), 'NO', null,
    ]),
);

const columnsView = view(
  'columns',
  'table_catalog text, table_schema text, table_name text, column_name text, ordinal_position int4, column_default text, is_nullable text, ' +
    'data_type text, character_maximum_length int4, character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, ' +
    'numeric_scale int4, datetime_precision int4, interval_type text, collation_name text, udt_catalog text, udt_schema text, udt_name text, ' +
    'dtd_identifier text, is_self_referencing text, is_identity text, identity_generation text, is_generated text, generation_expression text, ' +
    'is_updatable text',
  (v) => {
    const rows: Row[] = [];
    for (const r of tablesOf(v)) {
      let position = 0;
      for (const a of r.attributes) {
        if (a.dropped) continue;
        position++;
        const udt = v.typeName(a.typeOid);
        rows.push([
          v.databaseName, namespaceName(r.namespace)!, r.name, a.name, position, a.default, yesNo(!a.notNull),
          dataType(a), ...typeFacts(a.type), null, null, v.databaseName, 'pg_catalog', udt,
          String(a.attnum), 'NO', yesNo(a.identity !== ''), a.identity === 'a' ? 'ALWAYS' : a.identity === 'd' ? 'BY DEFAULT' : null, 'NEVER', null,
          yesNo(r.kind === 'r'),
        ]);
      }
    }
    return rows;
  },
);

const views = view(
  'views',
  'table_catalog text, table_schema text, table_name text, view_definition text, check_option text, is_updatable text, is_insertable_into text, ' +
    'is_trigger_updatable text, is_trigger_deletable text, is_trigger_insertable_into text',
  (v) =>
    v.relations
      .filter((r) => r.kind === 'v' && r.viewQuery !== null)
      .map((r) => [v.databaseName, 'public', r.name, r.viewQuery, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']),
);

const CONSTRAINT_TYPES = { p: 'PRIMARY KEY', u: 'UNIQUE', c: 'CHECK', f: 'FOREIGN KEY' } as const;

const tableConstraints = view(
  'table_constraints',
  'constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text, table_schema text, table_name text, ' +
    'constraint_type text, is_deferrable text, initially_deferred text, enforced text, nulls_distinct text',
  (v) =>
    v.constraints.map((c) => [
      v.databaseName, 'public', c.name, v.databaseName, 'public', c.table.name, CONSTRAINT_TYPES[c.type], 'NO', 'NO', 'YES', c.type === 'u' ? 'YES' : null,
    ]),
);

const keyColumnUsage = view(
  'key_column_usage',
  'constraint_catalog text, constraint_schema text, constraint_name text, table_catalog text, table_schema text, table_name text, ' +
    'column_name text, ordinal_position int4, position_in_unique_constraint int4',
  (v) =>
    v.constraints
      .filter((c) => c.type !== 'c')
      .flatMap((c) =>
        c.meta.columns.map((name, i) => [v.databaseName, 'public', c.name, v.databaseName, 'public', c.table.name, name, i + 1, c.type === 'f' ? i + 1 : null]),
      ),
);

const RULES = { noAction: 'NO ACTION', restrict: 'RESTRICT', cascade: 'CASCADE', setNull: 'SET NULL', setDefault: 'SET DEFAULT' } as const;

/** A foreign key's referenced side: the referenced table's PRIMARY KEY or UNIQUE constraint on those columns. */
function referencedConstraint(v: SystemCatalogView, fk: ConstraintInfo): ConstraintInfo | undefined {
  const columns = (fk.meta.refColumns ?? []).join(',');
  return v.constraints.find((c) => c.table === fk.refTable && (c.type === 'p' || c.type === 'u') && c.meta.columns.join(',') === columns);
}

const referentialConstraints = view(
  'referential_constraints',
  'constraint_catalog text, constraint_schema text, constraint_name text, unique_constraint_catalog text, unique_constraint_schema text, ' +
    'unique_constraint_name text, match_option text, update_rule text, delete_rule text',
  (v) =>
    v.constraints
      .filter((c) => c.type === 'f')
      .map((c) => {
        const unique = referencedConstraint(v, c);
        return [
          v.databaseName, 'public', c.name, unique === undefined ? null : v.databaseName, unique === undefined ? null : 'public', unique?.name ?? null,
          c.meta.match === 'full' ? 'FULL' : 'NONE', RULES[c.meta.onUpdate ?? 'noAction'], RULES[c.meta.onDelete ?? 'noAction'],
        ];
      }),
);

/** Columns each constraint uses: its own for PRIMARY KEY, UNIQUE and CHECK, the referenced ones for FOREIGN KEY (as PostgreSQL lists them). */
const constraintColumnUsage = view(
  'constraint_column_usage',
  'table_catalog text, table_schema text, table_name text, column_name text, constraint_catalog text, constraint_schema text, constraint_name text',
  (v) =>
    v.constraints.flatMap((c) => {
      const table = c.type === 'f' ? c.refTable : c.table;
      const names = c.type === 'f' ? c.meta.refColumns ?? [] : c.meta.columns;
      if (table === null) return [];
      return [...new Set(names)].map((name) => [v.databaseName, 'public', table.name, name, v.databaseName, 'public', c.name]);
    }),
);

const sequences = view(
  'sequences',
  'sequence_catalog text, sequence_schema text, sequence_name text, data_type text, numeric_precision int4, numeric_precision_radix int4, ' +
    'numeric_scale int4, start_value text, minimum_value text, maximum_value text, increment text, cycle_option text',
  (v) =>
    v.relations
      .filter((r) => r.sequence !== null)
      .map((r) => {
        const s = r.sequence!;
        const [name, bits] = s.type === 'int2' ? ['smallint', 16] : s.type === 'int4' ? ['integer', 32] : ['bigint', 64];
        return [v.databaseName, 'public', r.name, name, bits, 2, 0, s.start, s.min, s.max, s.increment, yesNo(s.cycle)];
      }),
);

export const INFORMATION_SCHEMA_RELATIONS: readonly SystemRelation[] = [
  schemata, tables, columnsView, views, tableConstraints, keyColumnUsage, referentialConstraints, constraintColumnUsage, sequences,
];
