// bench/peers: an installed package's version (read from its package.json,
// which some packages do not export to require()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function packageVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
