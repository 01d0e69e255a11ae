// `flint import` and `flint export` as child processes: a CSV with a
// header, quoted fields (delimiters, quotes and newlines inside) and NULLs
// goes in and comes back out byte for byte; a bad row stops the import
// with its line and SQLSTATE, keeping the batches committed before it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type Cli } from './cli-harness.ts';

let cli: Cli;
let dir: string;

beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'flint-import-'));
}, 60_000);

afterAll(() => {
  cli?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const CSV = [
  'id,name,note,amount',
  '1,"Lovelace, Ada","said ""hello""",10.5',
  '2,,"two',
  'lines",',
  '3,"",plain,-3',
  '4,Émile,"",0',
  '',
].join('\n');

describe('flint import / export', () => {
  it('imports a CSV with a header, quoted fields and NULLs, and exports it back unchanged', () => {
    const data = join(dir, 'roundtrip');
    const file = join(dir, 'people.csv');
    writeFileSync(file, CSV);
    cli.run(['shell', data, '-c', 'CREATE TABLE people (id int PRIMARY KEY, name text, note text, amount numeric)']);
    const imported = cli.run(['import', file, 'people', '--data', data, '--header']);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/^imported 4 rows into people in \d+\.\d\d s\n$/);
    // NULL (an unquoted empty field) and the empty string ("") stay apart.
    const nulls = cli.run(['shell', data, '-c', 'SELECT id, name IS NULL AS null_name, amount IS NULL AS null_amount FROM people ORDER BY id']);
    expect(nulls.stdout).toBe(' id | null_name | null_amount \n----+-----------+-------------\n  1 | f         | f\n  2 | t         | t\n  3 | f         | f\n  4 | f         | f\n(4 rows)\n\n');
    const out = join(dir, 'out.csv');
    const exported = cli.run(['export', 'people', out, '--data', data, '--header']);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/^exported 4 rows to .*out\.csv in/);
    expect(readFileSync(out, 'utf8')).toBe(CSV);
    // To stdout, from a query, in COPY's text format.
    const text = cli.run(['export', '--query', 'SELECT id, note FROM people ORDER BY id', '--data', data, '--format', 'text']);
    expect(text.stdout).toBe('1\tsaid "hello"\n2\ttwo\\nlines\n3\tplain\n4\t\n');
  });

  it('creates the table from the header with --create', () => {
    const data = join(dir, 'create');
    const file = join(dir, 'create.csv');
    writeFileSync(file, 'city,"zip code"\nParis,75001\nLyon,\n');
    const r = cli.run(['import', file, 'places', '--data', data, '--create']);
    expect(r.status).toBe(0);
    const d = cli.run(['shell', data, '-c', '\\d places', '-c', 'SELECT * FROM places ORDER BY 1']);
    expect(d.stdout).toContain(' city     | text |           |          | \n zip code | text |           |          | \n');
    expect(d.stdout).toContain(' Lyon  | \n Paris | 75001\n(2 rows)');
  });

  it('stops at a bad row with its line and SQLSTATE; the batches before it stay committed', () => {
    const data = join(dir, 'bad');
    const file = join(dir, 'bad.csv');
    const lines = ['n,label'];
    for (let i = 1; i <= 7; i++) lines.push(`${i},row ${i}`);
    lines.push('eight,row 8', '9,row 9');
    writeFileSync(file, `${lines.join('\n')}\n`);
    cli.run(['shell', data, '-c', 'CREATE TABLE nums (n int, label text)']);
    const r = cli.run(['import', file, 'nums', '--data', data, '--header', '--batch', '3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`flint import: ${file}, line 9: invalid input syntax for type integer: "eight" (SQLSTATE 22P02); 6 rows (through line 7) were committed and stay in nums; the batch after them was rolled back\n`);
    const count = cli.run(['shell', data, '-c', 'SELECT count(*) AS n, max(n) AS last FROM nums']);
    expect(count.stdout).toBe(' n | last \n---+------\n 6 |    6\n(1 row)\n\n');
    // A row with too few fields, and an unterminated quote, are COPY's errors.
    writeFileSync(file, 'n,label\n1\n');
    expect(cli.run(['import', file, 'nums', '--data', data, '--header']).stderr).toContain('line 2: missing data for column 2 (SQLSTATE 22P04)');
    writeFileSync(file, '1,"open\n');
    expect(cli.run(['import', file, 'nums', '--data', data]).stderr).toContain('line 1: unterminated CSV quoted field (SQLSTATE 22P02)');
    expect(cli.run(['import', join(dir, 'missing.csv'), 'nums', '--data', data]).stderr).toContain('no such file');
  });
});
