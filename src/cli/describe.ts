// \d and friends: psql's describe commands, as SQL over pg_catalog sent
// through the backend, so they are one code path for a directory and for a
// server (Flint's or PostgreSQL's). The queries are psql 15's, trimmed to
// what the output needs, and the output is laid out as psql lays it out.
//
// Fallback: while Flint's SQL engine lacks a relation or function these
// queries use (42P01 undefined_table, 42883 undefined_function, 42703
// undefined_column), an embedded backend answers from the engine's catalog
// directly (describe-direct.ts), into the same rows and so the same output.
// A server has no such fallback: the error is shown.

import { ShellError, type Backend, type ShellResult } from './backend.ts';
import {
  directColumns, directConstraints, directDatabases, directIndexes, directIndexLayout, directReferencedBy, directRelations, directSequenceLayout, findRelationDirect,
} from './describe-direct.ts';
import { EmbeddedBackend } from './embedded-backend.ts';
import { formatAligned, type TextColumn } from './table-format.ts';

/** Kinds of relation each list command shows (pg_class.relkind). */
export const LIST_KINDS = {
  '\\d': ['r', 'p', 'v', 'm', 'S', 'f', ''],
  '\\dt': ['r', 'p', ''],
  '\\di': ['i', 'I', ''],
  '\\dv': ['v', ''],
  '\\ds': ['S', ''],
  '\\dm': ['m', ''],
} as const;

const MISSING_CATALOG = new Set(['42P01', '42883', '42703']);

export interface DescribeOutput {
  /** Text for the output (the table, with its title and footers). */
  readonly text: string;
  /** A message psql prints to stderr instead ("Did not find any relations."). */
  readonly error?: string;
  /** Where the answer came from: the SQL queries, or (embedded only) the engine's catalog. */
  readonly source: 'sql' | 'catalog';
}

async function query(backend: Backend, sql: string): Promise<ShellResult> {
  const results = await backend.run(sql, () => {});
  return results[results.length - 1]!;
}

/** Run `viaSql`; on an embedded backend whose SQL lacks the catalog relations, `direct` instead. */
async function withFallback(backend: Backend, viaSql: () => Promise<Omit<DescribeOutput, 'source'>>, direct: (b: EmbeddedBackend) => Omit<DescribeOutput, 'source'>): Promise<DescribeOutput> {
  try {
    return { ...(await viaSql()), source: 'sql' };
  } catch (error) {
    if (!(error instanceof ShellError) || !MISSING_CATALOG.has(error.code) || !(backend instanceof EmbeddedBackend)) throw error;
    return { ...direct(backend), source: 'catalog' };
  }
}

export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A name as psql reads a \d argument: unquoted parts fold to lower case; schema.name splits. */
export function parseName(arg: string): { schema: string | null; name: string } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i]!;
    if (ch === '"') {
      if (quoted && arg[i + 1] === '"') (cur += '"'), i++;
      else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += quoted ? ch : ch.toLowerCase();
  }
  parts.push(cur);
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! } : { schema: null, name: parts[0]! };
}

/** A psql pattern (* and ? wildcards) as a LIKE pattern. */
function likePattern(name: string): string {
  return name.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

function table(columns: string[], rows: readonly (readonly (string | null)[])[], numeric: string[] = []): { columns: TextColumn[]; rows: readonly (readonly (string | null)[])[] } {
  return { columns: columns.map((name) => ({ name, numeric: numeric.includes(name) })), rows };
}

// ---- \d, \dt, \di, \dv, \ds: lists of relations -----------------------------------------------

export interface RelationRow {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly owner: string;
  /** \di: the indexed table. */
  readonly table?: string;
}

export async function listRelations(backend: Backend, command: keyof typeof LIST_KINDS, pattern: string | undefined): Promise<DescribeOutput> {
  const kinds = LIST_KINDS[command];
  const indexes = command === '\\di';
  const target = pattern === undefined ? undefined : parseName(pattern);
  const render = (rows: RelationRow[]) => {
    if (rows.length === 0) {
      return { text: '', error: target === undefined ? 'Did not find any relations.' : `Did not find any relation named "${pattern}".` };
    }
    const names = ['Schema', 'Name', 'Type', 'Owner', ...(indexes ? ['Table'] : [])];
    const values = rows.map((r) => [r.schema, r.name, r.type, r.owner, ...(indexes ? [r.table ?? null] : [])]);
    return { text: formatAligned(table(names, values), { title: 'List of relations' }) };
  };
  return withFallback(
    backend,
    async () => {
      const filter = target === undefined
        ? "AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' AND pg_catalog.pg_table_is_visible(c.oid)"
        : `AND c.relname LIKE ${literal(likePattern(target.name))}${target.schema === null ? ' AND pg_catalog.pg_table_is_visible(c.oid)' : ` AND n.nspname = ${literal(target.schema)}`}`;
      const result = await query(backend, `SELECT n.nspname, c.relname,
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END,
  pg_catalog.pg_get_userbyid(c.relowner)${indexes ? ', c2.relname' : ''}
FROM pg_catalog.pg_class c
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace${indexes ? '\n  LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid\n  LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid' : ''}
WHERE c.relkind IN (${kinds.map(literal).join(', ')}) ${filter}
ORDER BY 1, 2`);
      return render(result.rows.map((r) => ({ schema: r[0] ?? '', name: r[1] ?? '', type: r[2] ?? '', owner: r[3] ?? '', ...(indexes ? { table: r[4] ?? '' } : {}) })));
    },
    (b) => render(directRelations(b.db, kinds, target === undefined ? undefined : new RegExp(`^${target.name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`))),
  );
}

// ---- \d NAME -----------------------------------------------------------------------------------

export interface ColumnRow {
  readonly name: string;
  readonly type: string;
  readonly collation: string;
  readonly notNull: boolean;
  /** The Default column as psql shows it (an expression, or "generated ... as identity"). */
  readonly default: string;
}

export interface IndexRow {
  readonly name: string;
  readonly primary: boolean;
  readonly unique: boolean;
  /** Backs a UNIQUE constraint (psql: "UNIQUE CONSTRAINT"). */
  readonly constraint: boolean;
  /** pg_get_indexdef's text after "USING ": "btree (id)". */
  readonly definition: string;
}

export interface ConstraintRow {
  readonly name: string;
  /** pg_get_constraintdef: "CHECK (id > 0)", "FOREIGN KEY (a) REFERENCES t(b)". */
  readonly definition: string;
}

export interface ReferenceRow extends ConstraintRow {
  readonly table: string;
}

export interface Relation {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
}

const KIND_TITLES: Record<string, string> = {
  r: 'Table', p: 'Partitioned table', v: 'View', m: 'Materialized view', i: 'Index', I: 'Partitioned index', S: 'Sequence', f: 'Foreign table', t: 'TOAST table',
};

export async function describeRelation(backend: Backend, arg: string): Promise<DescribeOutput> {
  const target = parseName(arg);
  const render = (relation: Relation | undefined, columns: ColumnRow[], indexes: IndexRow[], checks: ConstraintRow[], foreign: ConstraintRow[], referenced: ReferenceRow[]) => {
    if (relation === undefined) return { text: '', error: `Did not find any relation named "${arg}".` };
    const footers: string[] = [];
    if (indexes.length > 0) {
      footers.push('Indexes:');
      for (const i of indexes) footers.push(`    "${i.name}" ${i.primary ? 'PRIMARY KEY, ' : i.unique ? (i.constraint ? 'UNIQUE CONSTRAINT, ' : 'UNIQUE, ') : ''}${i.definition}`);
    }
    if (checks.length > 0) footers.push('Check constraints:', ...checks.map((c) => `    "${c.name}" ${c.definition}`));
    if (foreign.length > 0) footers.push('Foreign-key constraints:', ...foreign.map((c) => `    "${c.name}" ${c.definition}`));
    if (referenced.length > 0) footers.push('Referenced by:', ...referenced.map((c) => `    TABLE "${c.table}" CONSTRAINT "${c.name}" ${c.definition}`));
    const rows = columns.map((c) => [c.name, c.type, c.collation, c.notNull ? 'not null' : '', c.default]);
    const title = `${KIND_TITLES[relation.kind] ?? 'Relation'} "${relation.schema}.${relation.name}"`;
    return { text: formatAligned(table(['Column', 'Type', 'Collation', 'Nullable', 'Default'], rows), { title, footers, rowCount: false }) };
  };
  const renderOther = (relation: Relation, other: OtherLayout) => {
    const title = `${KIND_TITLES[relation.kind] ?? 'Relation'} "${relation.schema}.${relation.name}"`;
    return { text: formatAligned(table(other.columns, other.rows, other.numeric), { title, footers: other.footers, rowCount: false }) };
  };
  return withFallback(
    backend,
    async () => {
      const found = await query(backend, `SELECT c.oid, n.nspname, c.relname, c.relkind
FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = ${literal(target.name)} AND ${target.schema === null ? 'pg_catalog.pg_table_is_visible(c.oid)' : `n.nspname = ${literal(target.schema)}`}
ORDER BY 2, 3`);
      const row = found.rows[0];
      if (row === undefined) return render(undefined, [], [], [], [], []);
      const relation: Relation = { oid: row[0]!, schema: row[1] ?? '', name: row[2]!, kind: row[3]! };
      if (relation.kind === 'i' || relation.kind === 'I') return renderOther(relation, await indexLayout(backend, relation));
      if (relation.kind === 'S') return renderOther(relation, await sequenceLayout(backend, relation));
      const columns = await query(backend, `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation),
  a.attidentity, a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ${relation.oid} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`);
      const columnRows = columns.rows.map((r): ColumnRow => ({
        name: r[0]!,
        type: r[1] ?? '',
        collation: r[4] ?? '',
        notNull: r[3] === 't',
        default: r[5] === 'a' ? 'generated always as identity' : r[5] === 'd' ? 'generated by default as identity' : r[6] === 's' ? `generated always as (${r[2] ?? ''}) stored` : r[2] ?? '',
      }));
      if (!['r', 'p', 'm', 'f'].includes(relation.kind)) return render(relation, columnRows, [], [], [], []);
      const indexes = await query(backend, `SELECT c2.relname, i.indisprimary, i.indisunique, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), con.contype
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
WHERE c.oid = ${relation.oid} AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname`);
      const indexRows = indexes.rows.map((r): IndexRow => {
        const def = r[3] ?? '';
        const using = def.indexOf(' USING ');
        return { name: r[0]!, primary: r[1] === 't', unique: r[2] === 't', constraint: r[4] === 'u', definition: using < 0 ? def : def.slice(using + 7) };
      });
      const constraints = async (where: string) => (await query(backend, `SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)
FROM pg_catalog.pg_constraint r WHERE ${where} ORDER BY 1`)).rows.map((r): ConstraintRow => ({ name: r[0]!, definition: r[1] ?? '' }));
      const checks = await constraints(`r.conrelid = ${relation.oid} AND r.contype = 'c'`);
      const foreign = await constraints(`r.conrelid = ${relation.oid} AND r.contype = 'f'`);
      const referenced = (await query(backend, `SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true), r.conrelid::pg_catalog.regclass
FROM pg_catalog.pg_constraint r WHERE r.confrelid = ${relation.oid} AND r.contype = 'f' ORDER BY 1`)).rows.map((r): ReferenceRow => ({ name: r[0]!, definition: r[1] ?? '', table: r[2] ?? '' }));
      return render(relation, columnRows, indexRows, checks, foreign, referenced);
    },
    (b) => {
      const relation = findRelationDirect(b.db, target.name);
      if (relation === undefined) return render(undefined, [], [], [], [], []);
      if (relation.kind === 'i') return renderOther(relation, directIndexLayout(b.db, relation.name));
      if (relation.kind === 'S') return renderOther(relation, directSequenceLayout(b.db, relation.name));
      const isTable = relation.kind === 'r';
      const constraints = isTable ? directConstraints(b.db, relation.name) : { checks: [], foreign: [] };
      return render(relation, directColumns(b.db, relation.name), isTable ? directIndexes(b.db, relation.name) : [], constraints.checks, constraints.foreign, isTable ? directReferencedBy(b.db, relation.name) : []);
    },
  );
}

/** \d of an index or a sequence: its own columns and footers, as psql lays them out. */
export interface OtherLayout {
  readonly columns: string[];
  readonly numeric: string[];
  readonly rows: (string | null)[][];
  readonly footers: string[];
}

async function indexLayout(backend: Backend, relation: Relation): Promise<OtherLayout> {
  const columns = await query(backend, `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
  CASE WHEN a.attnum <= (SELECT i.indnkeyatts FROM pg_catalog.pg_index i WHERE i.indexrelid = ${relation.oid}) THEN 'yes' ELSE 'no' END,
  pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, true)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ${relation.oid} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`);
  const info = await query(backend, `SELECT i.indisunique, i.indisprimary, am.amname, n.nspname, c2.relname
FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = c.relam
  JOIN pg_catalog.pg_class c2 ON c2.oid = i.indrelid
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c2.relnamespace
WHERE i.indexrelid = ${relation.oid}`);
  const r = info.rows[0];
  const footers = r === undefined ? [] : [indexFooter(r[1] === 't', r[0] === 't', r[2] ?? '', `${r[3] ?? ''}.${r[4] ?? ''}`)];
  return { columns: ['Column', 'Type', 'Key?', 'Definition'], numeric: [], rows: columns.rows.map((c) => [...c]), footers };
}

export function indexFooter(primary: boolean, unique: boolean, method: string, table: string): string {
  return `${primary ? 'primary key, ' : unique ? 'unique, ' : ''}${method}, for table "${table}"`;
}

export const SEQUENCE_COLUMNS = ['Type', 'Start', 'Minimum', 'Maximum', 'Increment', 'Cycles?', 'Cache'];
const SEQUENCE_NUMERIC = ['Start', 'Minimum', 'Maximum', 'Increment', 'Cache'];

async function sequenceLayout(backend: Backend, relation: Relation): Promise<OtherLayout> {
  const seq = await query(backend, `SELECT pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqmin, s.seqmax, s.seqincrement, CASE WHEN s.seqcycle THEN 'yes' ELSE 'no' END, s.seqcache
FROM pg_catalog.pg_sequence s WHERE s.seqrelid = ${relation.oid}`);
  const footers: string[] = [];
  try {
    const owner = await query(backend, `SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) || '.' || pg_catalog.quote_ident(a.attname), d.deptype
FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_depend d ON c.oid = d.refobjid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.objid = ${relation.oid} AND d.deptype IN ('a', 'i')`);
    const o = owner.rows[0];
    if (o !== undefined) footers.push(o[1] === 'i' ? `Sequence for identity column: ${o[0]}` : `Owned by: ${o[0]}`);
  } catch (error) {
    // Without pg_depend: an embedded database knows the owner from its catalog; a server's sequence is described without it.
    if (!(error instanceof ShellError) || !MISSING_CATALOG.has(error.code)) throw error;
    if (backend instanceof EmbeddedBackend) footers.push(...directSequenceLayout(backend.db, relation.name).footers);
  }
  return { columns: SEQUENCE_COLUMNS, numeric: SEQUENCE_NUMERIC, rows: seq.rows.map((r) => [...r]), footers };
}

// ---- \l ----------------------------------------------------------------------------------------

export async function listDatabases(backend: Backend): Promise<DescribeOutput> {
  const names = ['Name', 'Owner', 'Encoding', 'Collate', 'Ctype', 'ICU Locale', 'Locale Provider', 'Access privileges'];
  const render = (rows: readonly (readonly (string | null)[])[]) => ({ text: formatAligned(table(names, rows), { title: 'List of databases' }) });
  return withFallback(
    backend,
    async () => {
      const result = await query(backend, `SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba), pg_catalog.pg_encoding_to_char(d.encoding),
  d.datcollate, d.datctype, d.daticulocale,
  CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END,
  pg_catalog.array_to_string(d.datacl, E'\\n')
FROM pg_catalog.pg_database d
ORDER BY 1`);
      return render(result.rows);
    },
    (b) => render(directDatabases(b)),
  );
}
