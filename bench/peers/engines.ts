// bench/peers: every engine of the run by its key, in the order the tables
// show them. A worker thread (host.ts) builds its engine from the key.
import { flintEngine } from './flint.ts';
import { FSYNC_FLOOR_KEY, fsyncFloor } from './fsync-floor.ts';
import { pgliteEngine } from './pglite.ts';
import { sqliteEngine } from './sqlite.ts';
import { sqljsEngine } from './sqljs.ts';
import type { PeerEngine } from './types.ts';

export const ENGINE_KEYS = ['flint-wasm', 'flint-ts', 'sqlite-full', 'sqlite-normal', 'sqljs', 'pglite', FSYNC_FLOOR_KEY] as const;

export async function engineByKey(key: string): Promise<PeerEngine> {
  switch (key) {
    case 'flint-wasm':
      return flintEngine('wasm');
    case 'flint-ts':
      return flintEngine('ts');
    case 'sqlite-full':
      return sqliteEngine('FULL');
    case 'sqlite-normal':
      return sqliteEngine('NORMAL');
    case 'sqljs':
      return sqljsEngine();
    case 'pglite':
      return pgliteEngine();
    case FSYNC_FLOOR_KEY:
      return fsyncFloor();
    default:
      throw new Error(`bench:peers has no engine ${key}`);
  }
}
