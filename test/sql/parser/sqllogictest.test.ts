// Parses the SQL of every record a PostgreSQL runner would run in the shared
// sqllogictest corpus (beside the repository: ../shared/sqllogictest, or
// $FLINT_SLT_DIR). Only SQLite-only syntax may fail; at least 99.5% must parse.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { parse } from '../../../src/sql/index.ts';
import { sltRecords } from './slt-records.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = process.env['FLINT_SLT_DIR'] ?? resolve(here, '../../../../shared/sqllogictest');
const available = existsSync(join(CORPUS, 'select1.test'));

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? testFiles(path) : name.endsWith('.test') ? [path] : [];
    });
}

/** Known failures: SQLite syntax PostgreSQL does not have either. */
const SQLITE_ONLY = /^\s*(CREATE|DROP)\s+TRIGGER\b|^\s*REINDEX\b|^\s*INSERT\s+OR\s+REPLACE\b|^\s*REPLACE\s+INTO\b/i;

function parseRate(files: string[]): { total: number; failed: { where: string; sql: string; message: string }[] } {
  let total = 0;
  const failed: { where: string; sql: string; message: string }[] = [];
  for (const file of files) {
    for (const record of sltRecords(readFileSync(file, 'utf8'))) {
      if (record.expectError) continue; // may fail in the parser or later
      total++;
      try {
        parse(record.sql);
      } catch (e) {
        if (!(e instanceof FlintError)) throw e;
        failed.push({ where: `${relative(CORPUS, file)}:${record.line}`, sql: record.sql, message: e.message });
      }
    }
  }
  return { total, failed };
}

describe('sqllogictest corpus', () => {
  it.skipIf(!available)('parses select1.test and the random/ files', () => {
    const files = [join(CORPUS, 'select1.test'), ...testFiles(join(CORPUS, 'random'))];
    const { total, failed } = parseRate(files);
    expect(total).toBeGreaterThan(5000);
    expect(failed).toEqual([]);
  });

  it.skipIf(!available)('parses at least 99.5% of the whole corpus; failures are SQLite-only syntax', () => {
    const { total, failed } = parseRate(testFiles(CORPUS));
    expect(total).toBeGreaterThan(100_000);
    expect(failed.length / total).toBeLessThan(0.005);
    expect(failed.filter((f) => !SQLITE_ONLY.test(f.sql))).toEqual([]);
  });

  it.skipIf(!available)('rejects some of the statements the corpus expects to fail', () => {
    const files = testFiles(join(CORPUS, 'evidence'));
    let rejected = 0;
    for (const file of files) {
      for (const record of sltRecords(readFileSync(file, 'utf8'))) {
        if (!record.expectError) continue;
        try {
          parse(record.sql);
        } catch (e) {
          expect(e).toBeInstanceOf(FlintError);
          rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
