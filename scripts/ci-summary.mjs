// Sums the test counts of every runner CI used and prints the one line CI
// reads: `tests: N passed, N failed`. A runner whose report is missing counts
// as one failure, so a crash can never look like success.
// Usage: node scripts/ci-summary.mjs RESULTS_DIR EXTRA_FAILURES
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, extraArg = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(extraArg);

function vitestJson(name) {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    console.log(`${name}: no report (runner crashed?) - counted as 1 failure`);
    failed += 1;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const suiteErrors = report.numFailedTestSuites ?? 0;
  console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${suiteErrors} failed files`);
  passed += report.numPassedTests;
  failed += report.numFailedTests + suiteErrors;
}

function bunText(name) {
  const file = join(dir, `${name}.txt`);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const pass = /^\s*(\d+) pass\s*$/m.exec(text);
  const fail = /^\s*(\d+) fail\s*$/m.exec(text);
  if (!pass) {
    console.log(`${name}: no summary (runner crashed?) - counted as 1 failure`);
    failed += 1;
    return;
  }
  const errors = /^\s*(\d+) errors?\s*$/m.exec(text);
  const p = Number(pass[1]);
  const f = Number(fail?.[1] ?? 0) + Number(errors?.[1] ?? 0);
  console.log(`${name}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}

vitestJson('node');
bunText('bun');
vitestJson('deno');
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
