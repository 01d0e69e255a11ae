// The shell as a user drives it: SQL piped into `flint shell DIR` (the built
// CLI, dist/cli.js, as `npm install` leaves it), output read back.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(import.meta.dirname ?? '.', '..', '..', 'dist', 'cli.js');

function shell(dir: string, input: string): string {
  return execFileSync('node', [cli, 'shell', dir], { input, encoding: 'utf8' });
}

describe.skipIf(!existsSync(cli))('flint shell', () => {
  it('runs multi-line statements, prints psql-style tables and errors, and keeps data across runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-shell-'));
    try {
      const out = shell(
        dir,
        "CREATE TABLE t (id int PRIMARY KEY,\n name text);\nINSERT INTO t VALUES (1, 'ada'), (2, NULL);\nSELECT * FROM t\n ORDER BY id DESC;\nSELECT 1/0;\n\\dt\n",
      );
      expect(out).toContain('CREATE TABLE\nINSERT 0 2\n id | name\n----+------\n  2 |\n  1 | ada\n(2 rows)\n');
      expect(out).toContain('ERROR:  division by zero');
      expect(out).toContain(' t    | table');
      const again = shell(dir, 'SELECT count(*) AS n FROM t;\n');
      expect(again).toBe(' n\n---\n 2\n(1 row)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
