// `flint shell` on a data directory, driven as users drive it: SQL piped
// into the CLI (a child process), and the interactive parts (prompts,
// history, Ctrl-C, Ctrl-D) through runShell with a fake terminal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellError, type ShellResult } from '../../src/cli/backend.ts';
import { describeRelation, listRelations } from '../../src/cli/describe.ts';
import { EmbeddedBackend } from '../../src/cli/embedded-backend.ts';
import { runShell } from '../../src/cli/shell.ts';
import { splitStatements } from '../../src/cli/statement-splitter.ts';
import { buildCli, type Cli } from './cli-harness.ts';

let cli: Cli;
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'flint-shell-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  cli = await buildCli();
}, 60_000);

afterAll(() => {
  cli?.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('flint shell on a directory (script on stdin)', () => {
  it('runs multi-line statements, prints psql-style tables, command tags and errors, and keeps data across runs', () => {
    const dir = tempDir();
    const r = cli.run(['shell', dir], "CREATE TABLE t (id int PRIMARY KEY,\n name text);\nINSERT INTO t VALUES (1, 'ada'), (2, NULL);\nSELECT * FROM t\n ORDER BY id DESC;\nSELECT 1/0;\nSELECT nope\n  FROM t;\nSELECT 'a;b' AS \"x;y\"; -- a comment; with a semicolon\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('CREATE TABLE\nINSERT 0 2\n id | name \n----+------\n  2 | \n  1 | ada\n(2 rows)\n\n x;y \n-----\n a;b\n(1 row)\n\n');
    // Errors go to stderr as psql prints them: the LINE of the statement and a caret under the position.
    expect(r.stderr).toBe('ERROR:  division by zero\nERROR:  column "nope" does not exist\nLINE 1: SELECT nope\n               ^\n');
    const again = cli.run(['shell', dir], 'SELECT count(*) AS n FROM t;\nDROP TABLE IF EXISTS nothing;\n');
    expect(again.stdout).toBe(' n \n---\n 2\n(1 row)\n\nDROP TABLE\n');
    expect(again.stderr).toBe('NOTICE:  table "nothing" does not exist, skipping\n');
  });

  it('describes tables, indexes and views with \\d, \\dt, \\di, \\dv as psql does', () => {
    const dir = tempDir();
    const r = cli.run(['shell', dir], [
      'CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL, code varchar(10) UNIQUE, qty int DEFAULT 0, CHECK (id > 0));',
      'CREATE INDEX parent_name ON parent (name);',
      'CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent (id) ON DELETE CASCADE);',
      'CREATE VIEW names AS SELECT name FROM parent;',
      '\\d parent', '\\d child', '\\dt', '\\di', '\\dv', '\\d nothing', '',
    ].join('\n'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain([
      '                      Table "public.parent"',
      ' Column |         Type          | Collation | Nullable | Default ',
      '--------+-----------------------+-----------+----------+---------',
      ' id     | integer               |           | not null | ',
      ' name   | text                  |           | not null | ',
      ' code   | character varying(10) |           |          | ',
      ' qty    | integer               |           |          | 0',
      'Indexes:',
      '    "parent_pkey" PRIMARY KEY, btree (id)',
      '    "parent_code_key" UNIQUE CONSTRAINT, btree (code)',
      '    "parent_name" btree (name)',
      'Check constraints:',
      '    "parent_id_check" CHECK (id > 0)',
      'Referenced by:',
      '    TABLE "child" CONSTRAINT "child_pid_fkey" FOREIGN KEY (pid) REFERENCES parent(id) ON DELETE CASCADE',
      '',
    ].join('\n'));
    expect(r.stdout).toContain('Foreign-key constraints:\n    "child_pid_fkey" FOREIGN KEY (pid) REFERENCES parent(id) ON DELETE CASCADE\n');
    expect(r.stdout).toMatch(/ Schema \| {2}Name {2}\| Type {2}\| +Owner +\n-+\+-+\+-+\+-+\n public \| child {2}\| table \| .*\n public \| parent \| table \| .*\n\(2 rows\)/);
    expect(r.stdout).toMatch(/ public \| parent_code_key \| index \| .* \| parent\n public \| parent_name +\| index \| .* \| parent\n/);
    expect(r.stdout).toMatch(/ public \| names \| view \| .*\n\(1 row\)/);
    expect(r.stderr).toBe('Did not find any relation named "nothing".\n');
  });

  it('\\timing prints each statement\'s time, \\x shows records, \\i runs a file, -c runs commands and exits', () => {
    const dir = tempDir();
    const file = join(dir, 'script.sql');
    writeFileSync(file, "CREATE TABLE k (a int, b text);\nINSERT INTO k VALUES (1, 'one')\n");
    const r = cli.run(['shell', dir], `\\i ${file}\n\\timing on\nSELECT a FROM k;\n\\timing off\n\\x\nSELECT a, b FROM k;\n`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^CREATE TABLE\nINSERT 0 1\nTiming is on\.\n a \n---\n 1\n\(1 row\)\n\nTime: \d+\.\d{3} ms\nTiming is off\.\nExpanded display is on\.\n-\[ RECORD 1 \]\na \| 1\nb \| one\n\n$/);
    const c = cli.run(['shell', dir, '-c', 'SELECT b FROM k', '-c', '\\dt']);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('  b  \n-----\n one\n(1 row)\n');
    expect(c.stdout).toContain(' public | k    | table |');
    const viaFile = cli.run(['shell', dir, '-f', file]);
    expect(viaFile.status).toBe(0);
    expect(viaFile.stderr).toMatch(/^ERROR: {2}relation "k" already exists\n/);
    expect(viaFile.stdout).toBe('INSERT 0 1\n');
    const failed = cli.run(['shell', dir, '-c', 'SELECT * FROM missing']);

    expect(failed.status).toBe(1);
    expect(failed.stderr).toBe('ERROR:  relation "missing" does not exist\nLINE 1: SELECT * FROM missing\n                      ^\n');
  });

  it('goes on after an error by default (exit 0) and stops at the first with --on-error-stop (exit 3)', () => {
    const dir = tempDir();
    const script = 'SELECT 1/0;\nSELECT 42 AS answer;\n';
    const goOn = cli.run(['shell', dir], script);
    expect(goOn.status).toBe(0);
    expect(goOn.stdout).toContain('42');
    const stop = cli.run(['shell', dir, '--on-error-stop'], script);
    expect(stop.status).toBe(3);
    expect(stop.stdout).toBe('');
    expect(stop.stderr).toBe('ERROR:  division by zero\n');
  });
});

describe('statement splitting (psql\'s lexer rules)', () => {
  it('splits at top-level semicolons only', () => {
    const text = "SELECT 'a;b', \"c;d\", $$x;y$$, $t$ ; $t$, E'\\';' /* ; /* nested ; */ */ -- ;\n FROM t; INSERT INTO u VALUES ((1;\n";
    const split = splitStatements(text);
    expect(split.statements).toEqual([text.slice(0, text.indexOf('FROM t;') + 7)]);
    expect(split.state).toBe('(');
    expect(splitStatements("SELECT 'open").state).toBe("'");
    expect(splitStatements('SELECT $$ open').state).toBe('$');
    expect(splitStatements('SELECT 1; -- done\n')).toEqual({ statements: ['SELECT 1;'], rest: '', state: '-' });
  });
});

/** A fake terminal: what runShell writes, and a way to type into it. */
function terminal() {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (on: boolean) => void };
  input.isTTY = true;
  input.setRawMode = () => {};
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errors.on('data', (d: Buffer) => (err += d.toString()));
  return { input, output, errors, out: () => out, err: () => err };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('flint shell, interactive', () => {
  it('prompts with the transaction state, keeps a multi-line statement as one history entry, bounded, and quits on Ctrl-D', async () => {
    const dir = tempDir();
    const history = join(dir, 'history');
    writeFileSync(history, 'old 1\nold 2\nold 3\n');
    const backend = new EmbeddedBackend(join(dir, 'db'));
    const t = terminal();
    const done = runShell(backend, t, { historyFile: history, historySize: 3 });
    for (const line of ['BEGIN;', 'SELECT 1', '  AS one;', 'SELECT 1/0;', 'ROLLBACK;']) {
      await tick();
      t.input.write(`${line}\r`);
    }
    await tick();
    t.input.write('\x04'); // Ctrl-D on an empty line
    expect(await done).toBe(0);
    await backend.close();
    const screen = t.out().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    expect(screen).toContain('flint=> BEGIN');
    expect(screen).toContain('flint=*> SELECT 1');
    expect(screen).toContain('flint-*>   AS one;');
    expect(screen).toContain(' one \n-----\n   1\n(1 row)');
    expect(screen).toContain('flint=!> ROLLBACK');
    expect(t.err()).toBe('ERROR:  division by zero\n');
    // Newest last; the two lines of the SELECT are one entry; only the last three entries are kept.
    expect(readFileSync(history, 'utf8')).toBe('SELECT 1 AS one;\nSELECT 1/0;\nROLLBACK;\n');
  });

  it('recalls statements of earlier sessions from the history file with the up arrow', async () => {
    const dir = tempDir();
    const history = join(dir, 'history');
    writeFileSync(history, 'SELECT 99 AS recalled;\nSELECT 1;\n');
    const backend = new EmbeddedBackend(join(dir, 'db'));
    const t = terminal();
    const done = runShell(backend, t, { historyFile: history });
    await tick();
    t.input.write('\x1b[A\x1b[A\r'); // up twice: the older entry
    await tick();
    t.input.write('\\q\r');
    expect(await done).toBe(0);
    await backend.close();
    expect(t.out().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')).toContain(' recalled \n----------\n       99\n(1 row)');
  });

  it('Ctrl-C forgets the statement being typed and the shell goes on', async () => {
    const dir = tempDir();
    const backend = new EmbeddedBackend(join(dir, 'db'));
    const t = terminal();
    const done = runShell(backend, t, { historyFile: null });
    t.input.write('SELECT 1/0\r');
    await tick();
    t.input.write('\x03'); // Ctrl-C: the unfinished SELECT 1/0 is dropped
    await tick();
    t.input.write('SELECT 7 AS seven;\r');
    await tick();
    t.input.write('\\q\r');
    expect(await done).toBe(0);
    await backend.close();
    const screen = t.out().replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
    expect(screen).toContain('^C');
    expect(screen).toContain(' seven \n-------\n     7\n(1 row)');
    expect(t.err()).toBe('');
  });
});

/** An embedded backend whose SQL has no pg_catalog (as before Flint had one): every catalog query fails with 42P01. */
class NoCatalogBackend extends EmbeddedBackend {
  override async run(sql: string): Promise<ShellResult[]> {
    if (sql.includes('pg_catalog.')) throw new ShellError({ code: '42P01', message: 'relation "pg_catalog.pg_class" does not exist' });
    return super.run(sql);
  }
}

describe('describe commands without pg_catalog (the embedded fallback)', () => {
  it('answers \\d TABLE, \\dt and \\di from the engine catalog, laid out as psql does', async () => {
    const dir = tempDir();
    const backend = new NoCatalogBackend(join(dir, 'db'));
    try {
      await backend.run("CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', code varchar(10) UNIQUE, CHECK (id > 0)); CREATE INDEX parent_name ON parent (name); CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent (id) ON DELETE CASCADE)");
      const table = await describeRelation(backend, 'parent');
      expect(table.source).toBe('catalog');
      expect(table.text).toBe([
        '                      Table "public.parent"',
        ' Column |         Type          | Collation | Nullable | Default ',
        '--------+-----------------------+-----------+----------+---------',
        ' id     | integer               |           | not null | ',
        " name   | text                  |           | not null | 'x'",
        ' code   | character varying(10) |           |          | ',
        'Indexes:',
        '    "parent_pkey" PRIMARY KEY, btree (id)',
        '    "parent_code_key" UNIQUE CONSTRAINT, btree (code)',
        '    "parent_name" btree (name)',
        'Check constraints:',
        '    "parent_id_check" CHECK (id > 0)',
        'Referenced by:',
        '    TABLE "child" CONSTRAINT "child_pid_fkey" FOREIGN KEY (pid) REFERENCES parent(id) ON DELETE CASCADE',
        '',
      ].join('\n'));
      const child = await describeRelation(backend, 'child');
      expect(child.text).toContain('Foreign-key constraints:\n    "child_pid_fkey" FOREIGN KEY (pid) REFERENCES parent(id) ON DELETE CASCADE\n');
      const tables = await listRelations(backend, '\\dt', undefined);
      expect(tables.text).toBe('        List of relations\n Schema |  Name  | Type  | Owner \n--------+--------+-------+-------\n public | child  | table | flint\n public | parent | table | flint\n(2 rows)\n');
      const indexes = await listRelations(backend, '\\di', 'parent_*');
      expect(indexes.text).toContain(' public | parent_code_key | index | flint | parent\n public | parent_name     | index | flint | parent\n public | parent_pkey     | index | flint | parent\n(3 rows)\n');
      expect((await describeRelation(backend, 'nothing')).error).toBe('Did not find any relation named "nothing".');
      await backend.run('CREATE TABLE ser (id serial, g int GENERATED ALWAYS AS IDENTITY)');
      expect((await describeRelation(backend, 'parent_name')).text).toBe([
        '    Index "public.parent_name"',
        ' Column | Type | Key? | Definition ',
        '--------+------+------+------------',
        ' name   | text | yes  | name',
        'btree, for table "public.parent"',
        '',
      ].join('\n'));
      expect((await describeRelation(backend, 'parent_pkey')).text).toContain('primary key, btree, for table "public.parent"\n');
      expect((await describeRelation(backend, 'ser_id_seq')).text).toBe([
        '                     Sequence "public.ser_id_seq"',
        '  Type   | Start | Minimum |  Maximum   | Increment | Cycles? | Cache ',
        '---------+-------+---------+------------+-----------+---------+-------',
        ' integer |     1 |       1 | 2147483647 |         1 | no      |     1',
        'Owned by: public.ser.id',
        '',
      ].join('\n'));
      expect((await describeRelation(backend, 'ser_g_seq')).text).toContain('Sequence for identity column: public.ser.g\n');
    } finally {
      await backend.close();
    }
  });
});
