// Snapshots and MVCC visibility (snapshot isolation).
//
// A snapshot fixes which transactions' effects a reader sees: those that
// committed before it was taken. `xmax` is the first txid not yet handed out
// when it was taken; `active` holds the txids in progress at that moment.
// A txid below xmax and not in active had already finished, so its state in
// the status log tells whether it committed.

import { FROZEN_TXID, TxnState, type TxnStatusLog } from './txn-status.ts';

export interface Snapshot {
  /** The reading transaction's own txid, or 0 if it has written nothing. */
  readonly txid: number;
  /** Txids >= xmax started after the snapshot: invisible. */
  readonly xmax: number;
  /** Txids in progress when the snapshot was taken: invisible. */
  readonly active: ReadonlySet<number>;
  /** Lowest txid that was active (or xmax): vacuum keeps what this snapshot may see. */
  readonly xmin: number;
}

/** Did txid commit before the snapshot was taken? */
export function committedBefore(txid: number, snapshot: Snapshot, status: TxnStatusLog): boolean {
  if (txid === FROZEN_TXID) return true;
  if (txid >= snapshot.xmax || snapshot.active.has(txid)) return false;
  return status.state(txid) === TxnState.committed;
}

/** Is the version created by xmin and deleted by xmax (0 if none) visible to the snapshot? */
export function isVisible(xmin: number, xmax: number, snapshot: Snapshot, status: TxnStatusLog): boolean {
  const own = snapshot.txid;
  if (xmin === own && own !== 0) {
    return xmax !== own;
  }
  if (!committedBefore(xmin, snapshot, status)) return false;
  if (xmax === 0) return true;
  if (xmax === own && own !== 0) return false;
  return !committedBefore(xmax, snapshot, status);
}
