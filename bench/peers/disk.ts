// bench/peers: bytes a directory takes on disk (allocated blocks, so that
// preallocated and sparse files count as what they really hold).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) {
      const s = statSync(path);
      total += s.blocks !== undefined ? s.blocks * 512 : s.size;
    }
  }
  return total;
}
