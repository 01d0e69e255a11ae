// A transaction: a snapshot fixed at BEGIN (snapshot isolation), a txid
// taken at its first write, and what it wrote, for commit and rollback.
import type { CatalogChange, CatalogState } from './catalog-state.ts';
import type { Snapshot } from './snapshot.ts';

export type TransactionState = 'active' | 'committing' | 'committed' | 'aborted';

export class Transaction {
  /** 0 until the first write: read-only transactions never take a txid. */
  txid = 0;
  state: TransactionState = 'active';
  snapshot: Snapshot;
  /**
   * The status log version and follower change count when refreshSnapshot
   * last took this transaction's own snapshot (-1: it has not): while both
   * are the same, a new snapshot would see what this one does.
   */
  snapshotVersion = -1;
  snapshotLogActive = -1;
  /** Tuple versions this transaction created (for statistics and vacuum hints). */
  inserted = 0;
  /** Versions this transaction deleted or replaced. */
  deleted = 0;
  /**
   * Changes since the first savepoint, in order, for rolling back to one: a
   * positive entry is the tid of a version this transaction inserted, a
   * negative one (-tid) a version whose xmax it set. Null until a savepoint
   * is taken: changes before the first one are only ever undone all at once.
   */
  changes: number[] | null = null;
  /** Where each savepoint stands (the engine's savepoint markers index this); null until the first (most transactions take none). */
  savepoints: { changes: number; ddl: number; created: number }[] | null = null;
  /**
   * The transaction's DDL, not yet committed: the changes in order (logged
   * with its txid), the catalog as it sees it, the committed catalog it
   * started from, and the owners (tables, indexes) whose storage it
   * created, given back if it rolls back.
   */
  catalog: { changes: CatalogChange[]; view: CatalogState; origin: CatalogState; created: number[] } | null = null;

  /**
   * Its commit record is in the WAL, not yet known durable (state
   * 'committing'): a checkpoint taken meanwhile saves it as committed.
   */
  commitLogged = false;

  /** Where the engine's list of live transactions holds it; -1 when it is not there (live-transactions.ts). */
  liveIndex = -1;

  constructor(snapshot: Snapshot) {
    this.snapshot = snapshot;
  }

  /**
   * Every field as the constructor sets it, for a new transaction with
   * `snapshot` in this object (Engine.begin's `spare`: a read-only
   * transaction that committed, which nothing refers to any more).
   */
  reset(snapshot: Snapshot): void {
    this.txid = 0;
    this.state = 'active';
    this.snapshot = snapshot;
    this.snapshotVersion = -1;
    this.snapshotLogActive = -1;
    this.inserted = 0;
    this.deleted = 0;
    this.changes = null;
    this.savepoints = null;
    this.catalog = null;
    this.commitLogged = false;
    this.liveIndex = -1;
  }

  get isActive(): boolean {
    return this.state === 'active';
  }
}
