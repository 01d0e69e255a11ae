// `flint shell [DIR]`: an interactive SQL shell over an embedded database.
// Statements end with `;` and may span lines; results print as psql does.
// Backslash commands: \q quit, \dt list tables, \d TABLE describe,
// \timing toggle timing, \? help. History is kept for the session.
import { createInterface } from 'node:readline';
import { Database } from '../db/database.ts';
import { FlintError } from '../errors.ts';
import { isView } from '../sql/exec/engine-catalog.ts';
import type { SqlTableMeta } from '../sql/catalog.ts';
import { typeName } from '../sql/types/type-info.ts';
import { formatResult } from './table-format.ts';

export async function runShell(dir: string, input = process.stdin, output = process.stdout): Promise<void> {
  const db = Database.open(dir);
  const session = db.session();
  const interactive = input.isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, historySize: 1000 });
  const print = (text: string) => output.write(`${text}\n`);
  let buffer = '';
  let timing = false;
  const prompt = () => {
    if (!interactive) return;
    const status = session.status === 'I' ? '' : session.status === 'T' ? '*' : '!';
    rl.setPrompt(buffer === '' ? `flint${status}=> ` : `flint${status}-> `);
    rl.prompt();
  };
  if (interactive) print(`Flint shell on ${dir === ':memory:' ? 'an in-memory database' : dir}. Type \\? for help, \\q to quit.`);
  prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (buffer === '' && trimmed.startsWith('\\')) {
      const [command, ...args] = trimmed.split(/\s+/);
      if (command === '\\q') break;
      if (command === '\\timing') {
        timing = !timing;
        print(`Timing is ${timing ? 'on' : 'off'}.`);
      } else if (command === '\\dt') {
        print(listTables(db));
      } else if (command === '\\d' && args[0] !== undefined) {
        print(describeTable(db, args[0]));
      } else if (command === '\\d') {
        print(listTables(db));
      } else {
        print('\\q quit   \\dt list tables   \\d TABLE describe a table   \\timing toggle timing');
      }
      prompt();
      continue;
    }
    buffer += (buffer === '' ? '' : '\n') + line;
    if (!trimmed.endsWith(';')) {
      prompt();
      continue;
    }
    const sql = buffer;
    buffer = '';
    const t0 = performance.now();
    try {
      for (const result of session.execute(sql)) print(formatResult(result, session.timeZone));
    } catch (error) {
      if (!(error instanceof FlintError)) throw error;
      print(`ERROR:  ${error.message}${error.position !== undefined ? ` (at character ${error.position})` : ''}`);
      if (error.detail !== undefined) print(`DETAIL:  ${error.detail}`);
    }
    if (timing) print(`Time: ${(performance.now() - t0).toFixed(3)} ms`);
    prompt();
  }
  rl.close();
  session.close();
  db.close();
}

function listTables(db: Database): string {
  const rows = db.engine.tables
    .map((t) => ({ name: t.name, kind: isView(t) ? 'view' : 'table' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (rows.length === 0) return 'Did not find any relations.';
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  return [
    '        List of relations',
    ` Name${' '.repeat(width - 4)} | Type`,
    `-${'-'.repeat(width)}-+------`,
    ...rows.map((r) => ` ${r.name.padEnd(width)} | ${r.kind}`),
    `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`,
  ].join('\n');
}

function describeTable(db: Database, name: string): string {
  const def = db.engine.table(name);
  if (def === undefined || isView(def)) return `Did not find any relation named "${name}".`;
  const meta = def.meta as SqlTableMeta;
  const width = Math.max(6, ...meta.columns.map((c) => c.name.length));
  const types = meta.columns.map((c) => typeName(c.type));
  const typeWidth = Math.max(4, ...types.map((t) => t.length));
  const lines = [
    `Table "public.${name}"`,
    ` ${'Column'.padEnd(width)} | ${'Type'.padEnd(typeWidth)} | Nullable | Default`,
    `-${'-'.repeat(width)}-+-${'-'.repeat(typeWidth)}-+----------+---------`,
    ...meta.columns.map((c, i) => ` ${c.name.padEnd(width)} | ${types[i]!.padEnd(typeWidth)} | ${c.notNull ? 'not null' : '        '} | ${c.default ?? ''}`),
  ];
  const keys = meta.constraints.filter((c) => c.kind !== 'check');
  if (keys.length > 0) {
    lines.push('Constraints:');
    for (const c of meta.constraints) {
      lines.push(`    "${c.name}" ${c.kind === 'primaryKey' ? 'PRIMARY KEY' : c.kind === 'unique' ? 'UNIQUE' : c.kind === 'check' ? `CHECK (${c.expr})` : 'FOREIGN KEY'} (${c.columns.join(', ')})`);
    }
  }
  return lines.join('\n');
}
