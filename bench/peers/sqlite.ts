// bench/peers: better-sqlite3, a file database in WAL mode, synchronous
// FULL (every commit fdatasyncs the WAL: durable) or NORMAL (the WAL is
// synced at checkpoints only: a commit survives a process crash but not a
// power loss). One connection; concurrent inserts run serially on it.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { directoryBytes } from './disk.ts';
import { SyncPeer, type SyncDb } from './sync-peer.ts';
import type { PeerEngine } from './types.ts';

/** better-sqlite3's API, as far as this file uses it (the package ships no types). */
interface BetterDb extends SyncDb {
  pragma(source: string): unknown;
}
type BetterSqlite3 = new (filename: string) => BetterDb;

const require = createRequire(import.meta.url);
const BetterSqlite3 = require('better-sqlite3') as BetterSqlite3;
const CACHE_KIB = 256 << 10;
const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount REAL, cat INTEGER)';

export function sqliteVersions(): { betterSqlite3: string; sqlite: string } {
  const probe = new BetterSqlite3(':memory:');
  const sqlite = (probe.prepare('SELECT sqlite_version()').raw().get() as string[])[0]!;
  probe.close();
  return { betterSqlite3: (require('better-sqlite3/package.json') as { version: string }).version, sqlite };
}

export function sqliteEngine(synchronous: 'FULL' | 'NORMAL'): PeerEngine {
  const v = sqliteVersions();
  return {
    info: {
      key: `sqlite-${synchronous.toLowerCase()}`,
      label: `better-sqlite3 WAL ${synchronous}`,
      version: `${v.betterSqlite3} (SQLite ${v.sqlite})`,
      durability: synchronous === 'FULL' ? 'durable' : 'os-cache',
      note: synchronous === 'FULL' ? 'journal_mode=WAL, synchronous=FULL: fdatasync per commit' : 'journal_mode=WAL, synchronous=NORMAL: commits are not synced (lost on power loss)',
    },
    open: async (dir) => new SqlitePeer(dir, synchronous),
  };
}

class SqlitePeer extends SyncPeer {
  readonly #dir: string;
  readonly #sqlite: BetterDb;

  constructor(dir: string, synchronous: 'FULL' | 'NORMAL') {
    const db = new BetterSqlite3(join(dir, 'sqlite.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma(`cache_size = -${CACHE_KIB}`);
    super(db, COLUMNS, () => '?');
    this.#dir = dir;
    this.#sqlite = db;
  }

  sizeOnDisk(): number {
    this.#sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return directoryBytes(this.#dir);
  }
}
