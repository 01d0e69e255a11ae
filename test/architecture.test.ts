// Architecture rules from DESIGN.md, checked on the source text:
//   1. A layer imports only from itself and the layers below it.
//   2. Nothing below the public API touches node: modules, except the node vfs
//      (the one place that reads and writes files).
//   3. Only src/kernels touches WebAssembly.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '..', 'src');

/** Layer of a path under src/, bottom-up. Files at the top of src/ (errors, limits, index) are special-cased. */
const LAYERS: [prefix: string, rank: number][] = [
  ['limits.ts', 0],
  ['errors.ts', 0],
  ['util/', 0],
  ['kernels/', 1],
  ['encoding/', 1],
  ['storage/', 2],
  ['txn/', 3],
  ['sql/', 4],
  ['db/', 5],
  ['server/', 6],
  ['replication/', 6],
  ['cluster/', 6],
  ['cli/', 7],
  ['index.ts', 7],
];

function layerOf(file: string): number {
  for (const [prefix, rank] of LAYERS) if (file === prefix || file.startsWith(prefix)) return rank;
  throw new Error(`src/${file} is in no known layer; add its folder to LAYERS in test/architecture.test.ts`);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) specs.push((match[1] ?? match[2])!);
  return specs;
}

// The memory guard reads the JS heap's statistics through node:v8, which
// Node and Deno provide (and Bun, where the guard turns itself off).
const NODE_ALLOWED = ['storage/vfs/node-vfs.ts', 'db/memory-guard.ts', 'cli/', 'server/'];

describe('architecture', () => {
  const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path).split('\\').join('/') }));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('layers import only downward', () => {
    const violations: string[] = [];
    for (const { path, rel } of files) {
      const rank = layerOf(rel);
      for (const spec of importsOf(readFileSync(path, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(SRC, resolve(dirname(path), spec)).split('\\').join('/');
        if (target.startsWith('..')) {
          violations.push(`${rel} imports ${spec} from outside src/`);
          continue;
        }
        if (layerOf(target) > rank) violations.push(`${rel} (layer ${rank}) imports ${target} (layer ${layerOf(target)})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only the node vfs, the memory guard, the CLI and the server import node: modules', () => {
    const violations = files
      .filter(({ rel }) => !NODE_ALLOWED.some((allowed) => rel === allowed || rel.startsWith(allowed)))
      .filter(({ path }) => importsOf(readFileSync(path, 'utf8')).some((spec) => spec.startsWith('node:')))
      .map(({ rel }) => rel);
    expect(violations).toEqual([]);
  });

  it('only src/kernels touches WebAssembly', () => {
    const violations = files
      .filter(({ rel }) => !rel.startsWith('kernels/'))
      .filter(({ path }) => /\bWebAssembly\./.test(readFileSync(path, 'utf8')))
      .map(({ rel }) => rel);
    expect(violations).toEqual([]);
  });
});
