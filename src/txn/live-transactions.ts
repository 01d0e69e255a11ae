// The engine's transactions begun and not yet finished. Every autocommit
// statement adds one and removes it again, so this is an array with each
// transaction's position kept on it (removal swaps in the last one), not a
// Set: a Set of objects gives each new transaction an identity hash and
// may rehash its table on every removal, which cost about a tenth of a
// short statement's time.
import type { Transaction } from './transaction.ts';

export class LiveTransactions implements Iterable<Transaction> {
  readonly #list: Transaction[] = [];

  add(txn: Transaction): void {
    if (txn.liveIndex >= 0) return;
    txn.liveIndex = this.#list.length;
    this.#list.push(txn);
  }

  delete(txn: Transaction): boolean {
    const at = txn.liveIndex;
    if (at < 0 || this.#list[at] !== txn) return false;
    const last = this.#list.pop()!;
    if (last !== txn) {
      this.#list[at] = last;
      last.liveIndex = at;
    }
    txn.liveIndex = -1;
    return true;
  }

  get size(): number {
    return this.#list.length;
  }

  /** The transaction at `index` (0 <= index < size), for a loop that ends none: no copy, no iterator. */
  at(index: number): Transaction {
    return this.#list[index]!;
  }

  /** Iterates a copy: callers may end transactions while they iterate. */
  [Symbol.iterator](): Iterator<Transaction> {
    return this.#list.slice()[Symbol.iterator]();
  }
}
