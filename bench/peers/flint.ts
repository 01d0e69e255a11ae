// bench/peers: Flint embedded, through its public API (Database, Statement,
// Session). Single-connection workloads use the synchronous API like
// better-sqlite3 (an autocommit statement returns after its fdatasync);
// concurrent inserts use one Session per worker and runAsync, whose commits
// join group commit (one fdatasync covers every commit waiting at that
// moment), as the server's connections do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/database.ts';
import type { Session } from '../../src/db/session.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import type { SqlType } from '../../src/sql/types/sql-type.ts';
import type * as ast from '../../src/sql/ast.ts';
import { directoryBytes } from './disk.ts';
import { SyncPeer, type SyncDb } from './sync-peer.ts';
import type { PeerEngine, PeerSession, RowTuple } from './types.ts';

const POOL_BYTES = 256 << 20;
const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const INSERT_VALUES = '(id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)';

function flintVersion(): string {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function flintEngine(kernels: KernelKind): PeerEngine {
  return {
    info: {
      key: `flint-${kernels}`,
      label: `Flint (${kernels.toUpperCase()} kernels)`,
      version: flintVersion(),
      durability: 'durable',
      note: "synchronous 'full': fdatasync per commit, group commit across sessions",
    },
    open: async (dir) => new FlintPeer(dir, kernels),
  };
}

class FlintPeer extends SyncPeer {
  readonly #dir: string;
  readonly #flint: Database;

  constructor(dir: string, kernels: KernelKind) {
    const db = Database.open(dir, { kernels, synchronous: 'full', poolBytes: POOL_BYTES });
    super(db as unknown as SyncDb, COLUMNS, (n) => `$${n}`);
    this.#dir = dir;
    this.#flint = db;
  }

  sizeOnDisk(): number {
    this.#flint.exec('CHECKPOINT');
    return directoryBytes(this.#dir);
  }

  /** The WAL writer's counters (fdatasyncs, group-commit rounds and their commits, early and blocking rounds) and the commits. */
  counters(): Record<string, number> {
    const out: Record<string, number> = { commits: this.#flint.engine.stats.commits };
    for (const [k, v] of Object.entries(this.#flint.engine.walStats ?? {})) if (typeof v === 'number') out[k] = v;
    return out;
  }

  sessions(count: number): PeerSession[] {
    return Array.from({ length: count }, () => new FlintSession(this.#flint.session()));
  }
}

/** One connection's worth of autocommit inserts through Session.runAsync (group commit). */
class FlintSession implements PeerSession {
  readonly #session: Session;
  readonly #statements = new Map<string, { statement: ast.Statement; paramTypes: (SqlType | undefined)[] }>();

  constructor(session: Session) {
    this.#session = session;
  }

  insertAutocommit(table: string, row: RowTuple): Promise<void> {
    let prepared = this.#statements.get(table);
    if (prepared === undefined) {
      const statement = this.#session.parse(`INSERT INTO ${table} ${INSERT_VALUES}`)[0]!.statement;
      const paramTypes: (SqlType | undefined)[] = [];
      this.#session.describe(statement, paramTypes);
      prepared = { statement, paramTypes };
      this.#statements.set(table, prepared);
    }
    // The row is the parameter list as it is (runAsync only reads it); then() rather than an async wrapper's extra promise.
    return this.#session.runAsync(prepared.statement, row, prepared.paramTypes).then((result) => {
      if (result.rowCount !== 1) throw new Error(`Flint session insert into ${table} changed ${result.rowCount} rows`);
    });
  }

  close(): void {
    this.#session.close();
  }
}
