// `flint check DIR` and its API (src/db/check.ts): a clean database passes;
// a flipped byte in a heap page is reported with its file and offset; an
// index entry removed from a B+-tree leaf (by hand, with the node kernels)
// is reported as a row missing from that index.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatabase } from '../../src/db/check.ts';
import { Database } from '../../src/db/database.ts';
import { createKernels } from '../../src/kernels/index.ts';
import { BLOCK_OFF_OWNER, NO_PAGE, NODE_OFF_RIGHT, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND } from '../../src/kernels/layout.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../src/limits.ts';
import { buildCli, serve, type Cli } from './cli-harness.ts';

let cli: Cli;
const dirs: string[] = [];

beforeAll(async () => {
  cli = await buildCli();
}, 60_000);

afterAll(() => {
  cli?.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A closed database with two tables, secondary indexes, updates and deletes. */
function sample(): { dir: string; indexId: number } {
  const dir = mkdtempSync(join(tmpdir(), 'flint-check-'));
  dirs.push(dir);
  const db = Database.open(dir);
  db.exec('CREATE TABLE t (id int PRIMARY KEY, name text); CREATE INDEX t_name ON t (name); CREATE TABLE u (a int, b text); CREATE UNIQUE INDEX u_b ON u (b); CREATE VIEW v AS SELECT * FROM t');
  const insert = db.prepare('INSERT INTO t VALUES ($1, $2)');
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(i, `name ${i % 50}`);
  })();
  db.exec("UPDATE t SET name = 'changed ' || id WHERE id % 5 = 0; DELETE FROM t WHERE id % 7 = 0; INSERT INTO u SELECT id, name || id FROM t WHERE id < 200");
  const t = db.engine.table('t')!;
  const indexId = db.engine.indexes(t.id).find((i) => i.name === 't_name')!.id;
  db.close();
  return { dir, indexId };
}

describe('flint check', () => {
  it('passes a clean database, through the API and the command', () => {
    const { dir } = sample();
    const report = checkDatabase(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.tablesChecked).toBe(2);
    expect(report.indexesChecked).toBe(4);
    expect(report.pagesChecked).toBeGreaterThan(100);
    const r = cli.run(['check', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ heap pages, \d+ WAL records, 2 tables with 4 indexes checked\n$/);
  });

  it('reports a flipped byte in a heap page with the file and the page\'s offset', () => {
    const { dir } = sample();
    const heap = join(dir, 'heap.flint');
    // A byte inside a data page of the first table segment (segment 1 starts at 2 MiB).
    const offset = 2 * 1024 * 1024 + 3 * PAGE_SIZE + 1000;
    const fd = openSync(heap, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x10;
    writeSync(fd, byte, 0, 1, offset);
    closeSync(fd);
    const report = checkDatabase(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ file: heap, offset: offset - 1000, what: `page checksum mismatch (block 32, page 3)` }]);
    expect(report.notes).toEqual(['the index pass was skipped: opening the database would run recovery over the damaged files']);
    expect(report.tablesChecked).toBe(0);
    const r = cli.run(['check', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`PROBLEM ${heap} offset ${offset - 1000}: page checksum mismatch (block 32, page 3)\n`);
  });

  it('reports a row whose entry is missing from an index', () => {
    const { dir, indexId } = sample();
    // Remove five entries from the middle of a leaf of index t_name (some of them are stale entries of
    // updated or deleted rows, which nothing misses), then reseal the page: its checksum is right, its content is not.
    const kernels = createKernels({ arenaBytes: 1 << 20 });
    const u8 = new Uint8Array(kernels.buffer);
    const view = new DataView(kernels.buffer);
    const base = kernels.arenaOffset;
    const fd = openSync(join(dir, 'heap.flint'), 'r+');
    let removed = false;
    for (let block = 32; !removed && block * BLOCK_SIZE < fstatSync(fd).size; block++) {
      readSync(fd, u8, base, BLOCK_SIZE, block * BLOCK_SIZE);
      if (view.getInt32(base + BLOCK_OFF_OWNER, true) !== indexId) continue;
      for (let page = 0; page < PAGES_PER_BLOCK && !removed; page++) {
        const node = base + page * PAGE_SIZE;
        if (u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF || kernels.nodeCount(node) < 10) continue;
        for (let i = 0; i < 5; i++) kernels.nodeDelete(node, kernels.nodeCount(node) >> 1);
        kernels.pageSeal(node);
        writeSync(fd, u8, node, PAGE_SIZE, block * BLOCK_SIZE + page * PAGE_SIZE);
        removed = true;
      }
    }
    closeSync(fd);
    expect(removed).toBe(true);
    const report = checkDatabase(dir);
    expect(report.ok).toBe(false);
    // Each live row whose entry went is reported with its tid and page offset, and the scan through the index comes up short by as many.
    const missing = report.problems.filter((p) => p.offset !== undefined);
    expect(missing.length).toBeGreaterThanOrEqual(1);
    expect(missing.length).toBeLessThanOrEqual(5);
    for (const p of missing) {
      expect(p.file).toBe(join(dir, 'heap.flint'));
      expect(p.what).toMatch(/^version \(\d+,\d+,\d+\) of "t" is missing from index "t_name"$/);
    }
    expect(report.problems.filter((p) => p.offset === undefined).map((p) => p.what)).toEqual([
      expect.stringMatching(new RegExp(`^a scan through index "t_name" of "t" finds (\\d+) rows where a scan of the table finds \\d+ \\(${missing.length} of them missing\\)$`)),
    ]);
    const r = cli.run(['check', dir, '--files-only']);
    expect(r.status).toBe(0); // every checksum is right: only the index pass sees it
    expect(cli.run(['check', dir]).status).toBe(1);
  });

  it('reports a B+-tree whose node links are broken', () => {
    const { dir, indexId } = sample();
    const kernels = createKernels({ arenaBytes: 1 << 20 });
    const u8 = new Uint8Array(kernels.buffer);
    const view = new DataView(kernels.buffer);
    const base = kernels.arenaOffset;
    const fd = openSync(join(dir, 'heap.flint'), 'r+');
    let broken = false;
    for (let block = 32; !broken && block * BLOCK_SIZE < fstatSync(fd).size; block++) {
      readSync(fd, u8, base, BLOCK_SIZE, block * BLOCK_SIZE);
      if (view.getInt32(base + BLOCK_OFF_OWNER, true) !== indexId) continue;
      for (let page = 0; page < PAGES_PER_BLOCK && !broken; page++) {
        const node = base + page * PAGE_SIZE;
        if (u8[node + PAGE_OFF_KIND] !== PAGE_KIND_BTREE_LEAF || view.getUint32(node + NODE_OFF_RIGHT, true) === NO_PAGE) continue;
        view.setUint32(node + NODE_OFF_RIGHT, NO_PAGE, true); // the level's list now ends early
        kernels.pageSeal(node);
        writeSync(fd, u8, node, PAGE_SIZE, block * BLOCK_SIZE + page * PAGE_SIZE);
        broken = true;
      }
    }
    closeSync(fd);
    expect(broken).toBe(true);
    const report = checkDatabase(dir);
    expect(report.ok).toBe(false);
    expect(report.problems[0]!.what).toMatch(/^index "t_name" of "t": .*page/);
  });

  it('checks a directory a killed server left (WAL records after the checkpoint), and one a server has open', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-check-'));
    dirs.push(dir);
    const server = await serve(cli, dir, 'pw');
    const load = cli.run(['shell', server.url, '-c', 'CREATE TABLE k (id int PRIMARY KEY, v text)', '-c', "INSERT INTO k SELECT g, 'v' || g FROM generate_series(1, 500) g", '-c', 'CREATE INDEX k_v ON k (v)']);
    expect(load.stderr).toBe('');
    const busy = cli.run(['check', dir]);
    expect(busy.status).toBe(1);
    expect(busy.stdout).toMatch(/PROBLEM .*flint\.lock: could not lock .* \(55P03\)\nnote: the index pass was skipped: the directory is in use/);
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    // The files as the crash left them: the commits are in the WAL, which reads to its end.
    const files = checkDatabase(dir, { filesOnly: true });
    expect(files.problems).toEqual([]);
    expect(files.walRecordsChecked).toBeGreaterThan(500);
    // The full check recovers (as any open does) and finds the index in agreement with its table.
    const full = cli.run(['check', dir]);
    expect(full.stdout).toMatch(/^ok: \d+ heap pages, \d+ WAL records, 1 tables with 2 indexes checked\n$/);
    expect(cli.run(['shell', dir, '-c', 'SELECT count(*) AS n FROM k']).stdout).toBe('  n  \n-----\n 500\n(1 row)\n\n');
  });

  it('reports a damaged control file and a missing directory', () => {
    const { dir } = sample();
    const fd = openSync(join(dir, 'flint.control'), 'r+');
    writeSync(fd, Buffer.from([0xff]), 0, 1, 20);
    closeSync(fd);
    const report = checkDatabase(dir);
    expect(report.problems).toEqual([{ file: join(dir, 'flint.control'), offset: 508, what: expect.stringMatching(/^control file checksum mismatch .* \(XX001\)$/) }]);
    const r = cli.run(['check', join(dir, 'nope')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('(SQLSTATE 58P01)');
  });
});
