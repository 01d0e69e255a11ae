// The fate of every transaction id: in progress, committed or aborted.
//
// Visibility asks this for every tuple whose creator or deleter is not
// known from the snapshot alone, so it is a flat byte array indexed by txid:
// one load per question. It is saved (2 bits a txid) in each checkpoint's
// catalog snapshot and rebuilt after it from TXN_COMMIT / TXN_ABORT records;
// at the end of recovery every txid still "in progress" is aborted, since
// its session died with the crash.

import { FlintError, SqlState } from '../errors.ts';

export const TxnState = {
  inProgress: 0,
  committed: 1,
  aborted: 2,
} as const;
export type TxnStateCode = (typeof TxnState)[keyof typeof TxnState];

/** Txid 1 marks tuples created at bootstrap or frozen by vacuum: visible to every snapshot. */
export const FROZEN_TXID = 1;
/** The first txid handed to a transaction. */
export const FIRST_TXID = 2;

export class TxnStatusLog {
  #states = new Uint8Array(1024);
  #nextTxid = FIRST_TXID;
  #version = 0;

  /**
   * Changes whenever a txid's state is set (it commits or aborts): a
   * snapshot taken at one version is good for another taken later at the
   * same version (the engine reuses it). Handing out txids does not change it.
   */
  get version(): number {
    return this.#version;
  }

  get nextTxid(): number {
    return this.#nextTxid;
  }

  /** Hand out the next txid, in progress. */
  allocate(): number {
    const txid = this.#nextTxid++;
    this.#ensure(txid);
    this.#states[txid] = TxnState.inProgress;
    return txid;
  }

  /** Make sure txids up to `txid` are never handed out again (recovery saw them used). */
  reserveThrough(txid: number): void {
    if (txid >= this.#nextTxid) {
      this.#ensure(txid);
      this.#nextTxid = txid + 1;
    }
  }

  state(txid: number): TxnStateCode {
    if (txid === FROZEN_TXID) return TxnState.committed;
    if (txid >= this.#nextTxid || txid < FIRST_TXID) return TxnState.inProgress;
    return this.#states[txid] as TxnStateCode;
  }

  set(txid: number, state: TxnStateCode): void {
    this.reserveThrough(txid);
    this.#states[txid] = state;
    this.#version++;
  }

  /** After recovery: every transaction that never committed is aborted. */
  abortAllInProgress(): number {
    this.#version++;
    let aborted = 0;
    for (let txid = FIRST_TXID; txid < this.#nextTxid; txid++) {
      if (this.#states[txid] === TxnState.inProgress) {
        this.#states[txid] = TxnState.aborted;
        aborted++;
      }
    }
    return aborted;
  }

  #ensure(txid: number): void {
    if (txid < this.#states.length) return;
    if (txid >= 2 ** 31) throw new FlintError(SqlState.programLimitExceeded, 'transaction ids exhausted');
    let size = this.#states.length;
    while (size <= txid) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#states);
    this.#states = grown;
  }

  /** 2 bits a txid, base64: the form saved in the catalog snapshot. */
  snapshot(): { nextTxid: number; states: string } {
    const packed = new Uint8Array(Math.ceil(this.#nextTxid / 4));
    for (let txid = 0; txid < this.#nextTxid; txid++) packed[txid >> 2]! |= (this.#states[txid]! & 3) << ((txid & 3) * 2);
    let binary = '';
    for (let i = 0; i < packed.length; i++) binary += String.fromCharCode(packed[i]!);
    return { nextTxid: this.#nextTxid, states: btoa(binary) };
  }

  static fromSnapshot(snapshot: { nextTxid: number; states: string }): TxnStatusLog {
    const log = new TxnStatusLog();
    const binary = atob(snapshot.states);
    log.reserveThrough(snapshot.nextTxid - 1);
    for (let txid = 0; txid < snapshot.nextTxid; txid++) {
      log.#states[txid] = (binary.charCodeAt(txid >> 2) >> ((txid & 3) * 2)) & 3;
    }
    return log;
  }
}
