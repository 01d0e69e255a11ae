// Differential SQL fuzzing against PostgreSQL 15: random schemas, data and
// queries (joins of every kind, subqueries, aggregates with GROUP BY and
// HAVING, DISTINCT, set operations, NULLs; int, bigint, numeric, float8,
// text, boolean, date) run on Flint (a FlintServer in this process, over an
// in-memory database) and on PostgreSQL through the same node-postgres
// client with every value as text, so both answers are PostgreSQL's text
// format. Rows are compared as multisets. A disagreement (different rows,
// or an error on one side only) is minimized (rows dropped, select items,
// WHERE, HAVING, DISTINCT dropped while it still disagrees) and written as
// a golden script. Flint must never crash: an error that is not SQL's
// (XX000, a dropped connection) is a failure whatever PostgreSQL says.
//
// Used by scripts/reliability/sql-fuzz.ts (the command line) and
// test/reliability/sql-fuzz.test.ts (a bounded run in CI when PostgreSQL is
// installed).
import pg from 'pg';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';
import { Prng } from '../../src/storage/vfs/prng.ts';
import { DEFAULT_PG_BIN, localPostgresMissing, startLocalPostgres } from '../local-postgres.ts';

export const PG_BIN = process.env.FLINT_PG_BIN ?? DEFAULT_PG_BIN;

export function postgresAvailable(pgBin = PG_BIN): boolean {
  return localPostgresMissing(pgBin) === undefined;
}

export interface Endpoint {
  config: pg.ClientConfig;
  stop(): Promise<void>;
}

/** A private PostgreSQL on loopback (scripts/local-postgres.ts), without fsync: it checks answers, not durability. */
export async function startPostgres(pgBin = PG_BIN): Promise<Endpoint> {
  const local = await startLocalPostgres(['fsync=off', 'TimeZone=UTC'], pgBin);
  return { config: { host: local.host, port: local.port, user: local.user, database: local.database }, stop: local.stop };
}

export async function startFlint(): Promise<Endpoint> {
  const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
  const roles = RoleStore.memory();
  roles.set('flint', 'pw', true);
  const server = await FlintServer.start({ db, port: 0, roles });
  return {
    config: { host: '127.0.0.1', port: server.port, user: 'flint', password: 'pw', database: 'flint' },
    stop: async () => {
      await server.stop();
      db.close();
    },
  };
}

// ---------------------------------------------------------------- the generator

type ColType = 'int' | 'bigint' | 'numeric(10,2)' | 'float8' | 'text' | 'boolean' | 'date';
const TYPES: readonly ColType[] = ['int', 'bigint', 'numeric(10,2)', 'float8', 'text', 'boolean', 'date'];
type Family = 'num' | 'text' | 'bool' | 'date';
const family = (t: ColType): Family => (t === 'text' ? 'text' : t === 'boolean' ? 'bool' : t === 'date' ? 'date' : 'num');

interface Column {
  name: string;
  type: ColType;
}
interface Table {
  name: string;
  columns: Column[];
  rows: string[][]; // SQL literals
}

function literal(p: Prng, type: ColType): string {
  if (p.int(5) === 0) return 'NULL';
  switch (type) {
    case 'int':
    case 'bigint':
      return String(p.int(9) - 3);
    case 'numeric(10,2)':
      return (p.int(40) / 4 - 3).toFixed(2);
    case 'float8':
      return String(p.int(24) / 4 - 2);
    case 'text':
      return `'${['a', 'b', 'ab', 'B', '', 'abc', 'z'][p.int(7)]}'`;
    case 'boolean':
      return p.int(2) === 0 ? 'true' : 'false';
    case 'date':
      return `'2024-01-0${1 + p.int(5)}'`;
  }
}

export interface Schema {
  tables: Table[];
}

export function generateSchema(p: Prng): Schema {
  const tables: Table[] = [];
  const count = 2 + p.int(2);
  for (let t = 0; t < count; t++) {
    const columns: Column[] = [];
    const n = 2 + p.int(3);
    for (let c = 0; c < n; c++) columns.push({ name: `c${c}`, type: c === 0 ? pick(p, ['int', 'text', 'bigint'] as const) : TYPES[p.int(TYPES.length)]! });
    const rows: string[][] = [];
    const nrows = p.int(9);
    for (let r = 0; r < nrows; r++) rows.push(columns.map((c) => literal(p, c.type)));
    tables.push({ name: `t${t}`, columns, rows });
  }
  return { tables };
}

export function schemaSql(s: Schema): string[] {
  const out: string[] = [];
  for (const t of s.tables) {
    out.push(`CREATE TABLE ${t.name} (${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`);
    if (t.rows.length > 0) out.push(`INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.join(', ')})`).join(', ')}`);
  }
  return out;
}

interface Ref {
  sql: string;
  type: ColType;
}

export interface Query {
  distinct: boolean;
  select: string[];
  from: string;
  where: string | null;
  groupBy: string[];
  having: string | null;
  setOp: { op: string; other: string } | null;
}

export function querySql(q: Query): string {
  let sql = `SELECT ${q.distinct ? 'DISTINCT ' : ''}${q.select.join(', ')} FROM ${q.from}`;
  if (q.where !== null) sql += ` WHERE ${q.where}`;
  if (q.groupBy.length > 0) sql += ` GROUP BY ${q.groupBy.join(', ')}`;
  if (q.having !== null) sql += ` HAVING ${q.having}`;
  if (q.setOp !== null) sql += ` ${q.setOp.op} ${q.setOp.other}`;
  return sql;
}

function pick<T>(p: Prng, xs: readonly T[]): T {
  return xs[p.int(xs.length)]!;
}

function constantFor(p: Prng, type: ColType): string {
  const l = literal(p, type);
  return l === 'NULL' ? (type === 'text' ? "'b'" : type === 'boolean' ? 'true' : type === 'date' ? "'2024-01-03'" : '1') : l;
}

function predicate(p: Prng, refs: Ref[], s: Schema, depth: number): string {
  const r = pick(p, refs);
  const k = p.int(depth > 1 ? 7 : 10);
  if (k === 0) return `${r.sql} IS ${p.int(2) ? 'NOT ' : ''}NULL`;
  if (k === 1) return `(${predicate(p, refs, s, depth + 1)} ${p.int(2) ? 'AND' : 'OR'} ${predicate(p, refs, s, depth + 1)})`;
  if (k === 2) return `NOT (${predicate(p, refs, s, depth + 1)})`;
  if (k === 3) return `${r.sql} IN (${constantFor(p, r.type)}, ${literal(p, r.type)})`;
  if (k === 4 && family(r.type) !== 'bool') return `${r.sql} BETWEEN ${constantFor(p, r.type)} AND ${constantFor(p, r.type)}`;
  if (k === 5) {
    const same = refs.filter((o) => family(o.type) === family(r.type));
    return `${r.sql} ${pick(p, ['=', '<>', '<', '<=', '>', '>='])} ${pick(p, same).sql}`;
  }
  if (k >= 7) {
    // A subquery over another table: EXISTS (correlated), IN, or a scalar comparison.
    const t = pick(p, s.tables);
    const same = t.columns.filter((x) => family(x.type) === family(r.type));
    if (same.length === 0) return `${r.sql} IS NOT NULL`;
    const c = pick(p, same);
    if (k === 7) return `${p.int(2) ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${t.name} sq WHERE sq.${c.name} = ${r.sql})`;
    if (k === 8) return `${r.sql} ${p.int(2) ? 'NOT ' : ''}IN (SELECT sq.${c.name} FROM ${t.name} sq)`;
    return `${r.sql} ${pick(p, ['=', '<', '>='])} (SELECT ${pick(p, ['min', 'max'])}(sq.${c.name}) FROM ${t.name} sq)`;
  }
  return `${r.sql} ${pick(p, ['=', '<>', '<', '>='])} ${constantFor(p, r.type)}`;
}

function expression(p: Prng, refs: Ref[]): Ref {
  const r = pick(p, refs);
  const k = p.int(8);
  if (family(r.type) === 'num' && k === 0) return { sql: `${r.sql} + ${p.int(5)}`, type: r.type };
  if (family(r.type) === 'num' && k === 1) return { sql: `${r.sql} * ${pick(p, ['2', '-1', '0.5'])}`, type: r.type === 'int' || r.type === 'bigint' ? 'numeric(10,2)' : r.type };
  if (k === 2) return { sql: `coalesce(${r.sql}, ${constantFor(p, r.type)})`, type: r.type };
  if (family(r.type) === 'text' && k === 3) return { sql: `upper(${r.sql}) || 'x'`, type: 'text' };
  if (k === 4) return { sql: `CASE WHEN ${r.sql} IS NULL THEN 'n' ELSE 'v' END`, type: 'text' };
  return r;
}

export function generateQuery(p: Prng, s: Schema): Query {
  // FROM: one table, or two joined (inner, left, right, full, cross), sometimes a third.
  const a = pick(p, s.tables);
  const refs: Ref[] = a.columns.map((c) => ({ sql: `a.${c.name}`, type: c.type }));
  let from = `${a.name} a`;
  const joins = p.int(3);
  for (let j = 0; j < joins && j < 2; j++) {
    const alias = j === 0 ? 'b' : 'c';
    const t = pick(p, s.tables);
    const kind = pick(p, ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN', 'CROSS JOIN']);
    const mine = t.columns.map((c) => ({ sql: `${alias}.${c.name}`, type: c.type }));
    if (kind === 'CROSS JOIN') from += ` CROSS JOIN ${t.name} ${alias}`;
    else {
      const l = pick(p, refs);
      // FULL JOIN takes only merge- or hash-joinable conditions in PostgreSQL: keep to equality.
      const r = mine.find((m) => family(m.type) === family(l.type));
      const on = r === undefined ? 'true' : `${l.sql} = ${r.sql}`;
      from += ` ${kind} ${t.name} ${alias} ON ${kind === 'FULL JOIN' ? on : p.int(3) === 0 ? `${on} AND ${predicate(p, [...refs, ...mine], s, 2)}` : on}`;
    }
    refs.push(...mine);
  }
  const where = p.int(3) === 0 ? null : predicate(p, refs, s, 0);
  if (p.int(3) === 0) {
    // Aggregate query.
    const groups = p.int(3) === 0 ? [] : [pick(p, refs)];
    const aggs: string[] = [];
    const n = 1 + p.int(3);
    for (let i = 0; i < n; i++) {
      const r = pick(p, refs);
      const f = family(r.type);
      const choices = ['count(*)', `count(${r.sql})`, `count(DISTINCT ${r.sql})`];
      if (f === 'num') choices.push(`sum(${r.sql})`, `min(${r.sql})`, `max(${r.sql})`, `avg(${r.sql})`);
      if (f === 'text' || f === 'date') choices.push(`min(${r.sql})`, `max(${r.sql})`);
      if (f === 'bool') choices.push(`bool_and(${r.sql})`, `bool_or(${r.sql})`);
      aggs.push(pick(p, choices));
    }
    return {
      distinct: false,
      select: [...groups.map((g) => g.sql), ...aggs],
      from,
      where,
      groupBy: groups.map((g) => g.sql),
      having: groups.length > 0 && p.int(3) === 0 ? `count(*) ${pick(p, ['>', '<=', '='])} ${p.int(3)}` : null,
      setOp: null,
    };
  }
  const n = 1 + p.int(3);
  const select: string[] = [];
  for (let i = 0; i < n; i++) select.push(expression(p, refs).sql);
  let setOp: Query['setOp'] = null;
  if (n === 1 && p.int(5) === 0) {
    // A set operation with a one-column select of the same family from another table.
    const first = refs.find((r) => select[0] === r.sql);
    const t = pick(p, s.tables);
    const c = first === undefined ? undefined : t.columns.find((x) => x.type === first.type);
    if (c !== undefined) setOp = { op: pick(p, ['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT', 'EXCEPT ALL']), other: `SELECT ${c.name} FROM ${t.name}` };
  }
  return { distinct: p.int(4) === 0, select, from, where, groupBy: [], having: null, setOp };
}

// ---------------------------------------------------------------- running and comparing

export type Answer = { rows: string[] } | { error: string; code: string };

const RAW = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

export async function answer(c: pg.Client, sql: string): Promise<Answer> {
  try {
    const r = await c.query({ text: sql, types: RAW, rowMode: 'array' });
    return { rows: (r.rows as unknown[][]).map((row) => JSON.stringify(row)).sort() };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === undefined) throw error; // not an SQL error: the connection broke
    return { error: e.message ?? '', code: e.code };
  }
}

export function agree(a: Answer, b: Answer): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
  return a.rows.length === b.rows.length && a.rows.every((r, i) => r === b.rows[i]);
}

export function show(a: Answer): string {
  return 'error' in a ? `ERROR ${a.code}: ${a.error}` : `${a.rows.length} rows: ${a.rows.slice(0, 8).join(' ')}${a.rows.length > 8 ? ' …' : ''}`;
}

export interface Pair {
  flint: pg.Client;
  postgres: pg.Client;
}

async function setupBoth(pair: Pair, s: Schema): Promise<void> {
  for (const c of [pair.flint, pair.postgres]) {
    for (const t of s.tables) await c.query(`DROP TABLE IF EXISTS ${t.name}`);
    for (const t of ['t0', 't1', 't2']) await c.query(`DROP TABLE IF EXISTS ${t}`);
    for (const sql of schemaSql(s)) await c.query(sql);
  }
}

export interface Disagreement {
  seed: number;
  schema: Schema;
  query: Query;
  flint: Answer;
  postgres: Answer;
}

async function disagrees(pair: Pair, s: Schema, q: Query): Promise<{ flint: Answer; postgres: Answer } | null> {
  await setupBoth(pair, s);
  const sql = querySql(q);
  const [f, g] = [await answer(pair.flint, sql), await answer(pair.postgres, sql)];
  return agree(f, g) ? null : { flint: f, postgres: g };
}

/** Shrink a disagreement: drop rows, select items, clauses, while it still disagrees. */
export async function minimize(pair: Pair, d: Disagreement): Promise<Disagreement> {
  let best = d;
  const attempt = async (s: Schema, q: Query): Promise<boolean> => {
    const r = await disagrees(pair, s, q);
    if (r === null) return false;
    best = { ...best, schema: s, query: q, ...r };
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let t = 0; t < best.schema.tables.length; t++) {
      for (let r = best.schema.tables[t]!.rows.length - 1; r >= 0; r--) {
        const tables = best.schema.tables.map((x, i) => (i === t ? { ...x, rows: x.rows.filter((_, j) => j !== r) } : x));
        if (await attempt({ tables }, best.query)) changed = true;
      }
    }
    const q = best.query;
    const candidates: Query[] = [];
    if (q.where !== null) candidates.push({ ...q, where: null });
    if (q.having !== null) candidates.push({ ...q, having: null });
    if (q.distinct) candidates.push({ ...q, distinct: false });
    if (q.setOp !== null) candidates.push({ ...q, setOp: null });
    if (q.select.length > 1) for (let i = 0; i < q.select.length; i++) candidates.push({ ...q, select: q.select.filter((_, j) => j !== i) });
    for (const c of candidates) {
      if (await attempt(best.schema, c)) {
        changed = true;
        break;
      }
    }
  }
  await setupBoth(pair, best.schema); // leave both as the case says
  return best;
}

/** A golden script of the case (test/golden format): PostgreSQL's answer fills in with scripts/golden-postgres.ts --write. */
export function goldenCase(d: Disagreement): string {
  const lines = [
    `# Found by the differential SQL fuzzer (scripts/reliability/sql-fuzz.ts), seed ${d.seed}, minimized.`,
    `# PostgreSQL 15: ${show(d.postgres)}`,
    `# Flint:         ${show(d.flint)}`,
    '# Expected outputs are PostgreSQL\'s: node scripts/run-ts.mjs scripts/golden-postgres.ts --write FILE',
    '',
  ];
  const q = querySql(d.query);
  for (const sql of [...schemaSql(d.schema), `SELECT * FROM (${q}) fuzz ORDER BY ${d.query.select.map((_, i) => i + 1).join(', ')}`]) lines.push(`> ${sql}`, '---', '', '');
  return lines.join('\n');
}

export interface RunStats {
  schemas: number;
  queries: number;
  bothError: number;
  disagreements: Disagreement[];
}

/**
 * Run `schemas` random schemas with `queriesPerSchema` queries each, from
 * `seed`. Throws if Flint breaks (a connection error, XX000). Minimizes up
 * to `maxMinimize` disagreements.
 */
export async function fuzz(pair: Pair, seed: number, schemas: number, queriesPerSchema: number, maxMinimize = 5, onCase?: (n: number) => void): Promise<RunStats> {
  const stats: RunStats = { schemas: 0, queries: 0, bothError: 0, disagreements: [] };
  for (let i = 0; i < schemas; i++) {
    const caseSeed = seed * 100_003 + i;
    const p = new Prng(caseSeed);
    const schema = generateSchema(p);
    await setupBoth(pair, schema);
    stats.schemas++;
    for (let j = 0; j < queriesPerSchema; j++) {
      const query = generateQuery(p, schema);
      const sql = querySql(query);
      let f: Answer;
      try {
        f = await answer(pair.flint, sql);
      } catch (error) {
        throw new Error(`seed ${caseSeed}: Flint broke the connection on: ${sql}\n${String(error)}`, { cause: error });
      }
      if ('code' in f && f.code === 'XX000') throw new Error(`seed ${caseSeed}: Flint internal error (XX000) on: ${sql}\n${f.error}`);
      const g = await answer(pair.postgres, sql);
      stats.queries++;
      onCase?.(stats.queries);
      if ('error' in f && 'error' in g) stats.bothError++;
      if (agree(f, g)) continue;
      let d: Disagreement = { seed: caseSeed, schema, query, flint: f, postgres: g };
      if (stats.disagreements.length < maxMinimize) {
        d = await minimize(pair, d);
        await setupBoth(pair, schema);
      }
      stats.disagreements.push(d);
    }
  }
  return stats;
}
