// The write workload of the process-crash tests (sigkill.test.ts), and the
// model that checks a database after the process running it was killed.
//
// Every transaction has a number, unique across every process that ever ran
// on the directory. Before it starts, the writer reports `begin` with what it
// will do; once COMMIT has returned (the commit is acknowledged: durable, for
// synchronous = full), it reports `ack`. Kinds:
//   insert k n t a b x: rows (k, 0..n-1) into ledger, each with a note that
//                       is a function of (k, i), and a transfer of x from
//                       account a to account b (two UPDATEs);
//   delete k j:         DELETE every ledger row of an earlier acknowledged
//                       insert j (and a transfer, as above);
//   checkpoint / vacuum: CHECKPOINT or VACUUM, no transaction number.
// After a kill, the model (Ledger) checks the reopened database:
//   - every acknowledged insert whose rows no acknowledged delete removed is
//     there, whole, with exact notes; every acknowledged delete took effect;
//   - an insert in flight at the kill is there whole or not at all, and
//     nothing else is (no row of a transaction never begun, no partial one);
//   - the balances are exactly the initial ones plus the transfers of the
//     transactions that committed (acknowledged ones, and those in flight
//     whose effect is visible); so their total never changes.
// Once checked, an in-flight transaction's fate is settled, and later checks
// hold it to that.
import { Prng } from '../../src/storage/vfs/prng.ts';

export const ACCOUNTS = 16;
export const INITIAL_BALANCE = 1000;

export const SCHEMA = [
  'CREATE TABLE ledger (txn int, i int, note text NOT NULL, PRIMARY KEY (txn, i))',
  'CREATE INDEX ledger_note ON ledger (note)',
  'CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)',
  `INSERT INTO accounts SELECT g, ${INITIAL_BALANCE} FROM generate_series(1, ${ACCOUNTS}) g`,
];

/** The note of ledger row (k, i): its length varies from a few bytes to about 900 bytes (the note index takes keys up to 1 KiB), so the memtable fills. */
export function note(k: number, i: number): string {
  const h = Math.imul(k * 31 + i, 0x9e3779b1) >>> 0;
  const len = h % 7 === 0 ? 500 + (h % 400) : h % 60;
  return `${k}/${i}/` + 'abcdefghijklmnopqrstuvwxyz'.repeat(60).slice(h % 26, (h % 26) + len);
}

export type Op =
  | { kind: 'insert'; k: number; n: number; from: number; to: number; amount: number }
  | { kind: 'delete'; k: number; victim: number; from: number; to: number; amount: number }
  | { kind: 'checkpoint' }
  | { kind: 'vacuum' };

export function formatOp(op: Op): string {
  switch (op.kind) {
    case 'insert':
      return `insert ${op.k} ${op.n} ${op.from} ${op.to} ${op.amount}`;
    case 'delete':
      return `delete ${op.k} ${op.victim} ${op.from} ${op.to} ${op.amount}`;
    default:
      return op.kind;
  }
}

export function parseOp(text: string): Op {
  const [kind, ...rest] = text.split(' ');
  const n = rest.map(Number);
  if (kind === 'insert') return { kind, k: n[0]!, n: n[1]!, from: n[2]!, to: n[3]!, amount: n[4]! };
  if (kind === 'delete') return { kind, k: n[0]!, victim: n[1]!, from: n[2]!, to: n[3]!, amount: n[4]! };
  if (kind === 'checkpoint' || kind === 'vacuum') return { kind };
  throw new Error(`bad op: ${text}`);
}

/** Anything with node-postgres' / Session's `query(sql, params)`. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Run one writer: operations drawn from `prng`, transaction numbers from
 * `nextK()`, victims for deletes from `deletable` (acknowledged inserts of
 * this process, shared by its writers). Reports through `report` ('begin
 * OP' before, 'ack K' after the commit returned). Runs until `stop()`.
 */
export async function runWriter(
  s: Queryable,
  prng: Prng,
  nextK: () => number,
  deletable: number[],
  report: (line: string) => void,
  stop: () => boolean,
): Promise<void> {
  while (!stop()) {
    const r = prng.int(100);
    if (r < 2) {
      report('begin checkpoint');
      await s.query('CHECKPOINT');
      continue;
    }
    if (r < 4) {
      report('begin vacuum');
      await s.query('VACUUM');
      continue;
    }
    const from = 1 + prng.int(ACCOUNTS);
    const to = 1 + ((from + prng.int(ACCOUNTS - 1)) % ACCOUNTS);
    const amount = 1 + prng.int(50);
    const k = nextK();
    let op: Op;
    if (r < 14 && deletable.length > 0) {
      const victim = deletable.splice(prng.int(deletable.length), 1)[0]!;
      op = { kind: 'delete', k, victim, from, to, amount };
    } else {
      op = { kind: 'insert', k, n: 1 + prng.int(8), from, to, amount };
    }
    report(`begin ${formatOp(op)}`);
    // Accounts are updated in id order, so two transfers never deadlock; a 40001 or 40P01 all the same
    // (a snapshot that is too old, a wait that was a cycle after all) retries the same transaction.
    const updates: [string, number][] = [
      ['UPDATE accounts SET balance = balance - $1 WHERE id = $2', op.from],
      ['UPDATE accounts SET balance = balance + $1 WHERE id = $2', op.to],
    ];
    if (op.from > op.to) updates.reverse();
    for (let attempt = 1; ; attempt++) {
      await s.query('BEGIN');
      try {
        if (op.kind === 'insert') {
          for (let i = 0; i < op.n; i++) await s.query('INSERT INTO ledger VALUES ($1, $2, $3)', [op.k, i, note(op.k, i)]);
        } else {
          await s.query('DELETE FROM ledger WHERE txn = $1', [op.victim]);
        }
        for (const [sql, id] of updates) await s.query(sql, [op.amount, id]);
        await s.query('COMMIT');
        break;
      } catch (error) {
        await s.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if ((code !== '40001' && code !== '40P01') || attempt >= 20) throw error;
      }
    }
    report(`ack ${k}`);
    if (op.kind === 'insert') deletable.push(k);
  }
}

interface TxnState {
  op: Extract<Op, { k: number }>;
  /** acked: COMMIT returned; inflight: begun, fate unknown; committed / lost: fate settled by a check. */
  state: 'inflight' | 'acked' | 'committed' | 'lost';
}

export interface LedgerRow {
  txn: number;
  i: number;
  note: string;
}

/** What the writers reported, across every process, and what the database must therefore hold. */
export class Ledger {
  readonly txns = new Map<number, TxnState>();
  acked = 0;
  /** Reports of one process's output (complete lines only). */
  feed(line: string): void {
    if (line.startsWith('begin ')) {
      const op = parseOp(line.slice(6));
      if (op.kind === 'insert' || op.kind === 'delete') this.txns.set(op.k, { op, state: 'inflight' });
    } else if (line.startsWith('ack ')) {
      const t = this.txns.get(Number(line.slice(4)));
      if (t === undefined || t.state !== 'inflight') throw new Error(`ack of a transaction never begun: ${line}`);
      t.state = 'acked';
      this.acked++;
    }
  }

  /** The highest transaction number reported so far. */
  maxK(): number {
    let max = 0;
    for (const k of this.txns.keys()) max = Math.max(max, k);
    return max;
  }

  /**
   * Check the database's ledger rows and balances against the reports;
   * settles every in-flight transaction. Returns the problems ('' if none).
   */
  check(rows: readonly LedgerRow[], balances: ReadonlyMap<number, number>): string {
    const problems: string[] = [];
    const byTxn = new Map<number, LedgerRow[]>();
    for (const r of rows) {
      if (!byTxn.has(r.txn)) byTxn.set(r.txn, []);
      byTxn.get(r.txn)!.push(r);
    }
    // Deletes first: whether one committed shows in its victim's rows (an acknowledged insert, and the
    // victim of no other delete: a writer takes it out of its list of deletable inserts).
    const deleted = new Set<number>();
    for (const [k, t] of this.txns) {
      if (t.op.kind !== 'delete') continue;
      const gone = !byTxn.has(t.op.victim);
      if (t.state === 'acked' || t.state === 'committed') {
        if (!gone) problems.push(`acknowledged delete ${k} of txn ${t.op.victim}: its rows are still there`);
        t.state = 'committed';
      } else if (t.state === 'inflight') {
        t.state = gone ? 'committed' : 'lost';
      } else if (gone) {
        problems.push(`delete ${k} was found lost by an earlier check, but txn ${t.op.victim} is gone now`);
      }
      if (t.state === 'committed') deleted.add(t.op.victim);
    }
    for (const [k, t] of this.txns) {
      const op = t.op;
      if (op.kind !== 'insert') continue;
      const have = byTxn.get(k) ?? [];
      byTxn.delete(k);
      if (deleted.has(k)) {
        if (t.state !== 'acked' && t.state !== 'committed') problems.push(`txn ${k} was deleted, but it was not acknowledged`);
        t.state = 'committed';
        if (have.length > 0) problems.push(`txn ${k} was deleted by a committed delete but has ${have.length} rows`);
        continue;
      }
      const whole = have.length === op.n && have.every((r) => r.note === note(k, r.i) && r.i >= 0 && r.i < op.n);
      if (have.length > 0 && !whole) {
        problems.push(`txn ${k} is partly visible or damaged: ${have.length} of ${op.n} rows, ${JSON.stringify(have.slice(0, 3))}`);
        continue;
      }
      if (t.state === 'acked' || t.state === 'committed') {
        if (have.length === 0) problems.push(`acknowledged txn ${k} (${formatOp(t.op)}) is missing`);
        t.state = 'committed';
      } else if (t.state === 'inflight') {
        t.state = have.length > 0 ? 'committed' : 'lost';
      } else if (have.length > 0) {
        problems.push(`txn ${k} was found lost by an earlier check but its rows are back`);
      }
    }
    for (const [k, rs] of byTxn) problems.push(`rows of txn ${k}, which was never begun: ${rs.length}`);
    // Balances: the initial ones plus the transfers of every committed transaction.
    const want = new Map<number, number>();
    for (let a = 1; a <= ACCOUNTS; a++) want.set(a, INITIAL_BALANCE);
    for (const t of this.txns.values()) {
      if (t.state !== 'committed') continue;
      if (t.op.kind !== 'insert' && t.op.kind !== 'delete') continue;
      want.set(t.op.from, want.get(t.op.from)! - t.op.amount);
      want.set(t.op.to, want.get(t.op.to)! + t.op.amount);
    }
    let total = 0;
    for (const [a, b] of balances) total += b;
    if (total !== ACCOUNTS * INITIAL_BALANCE) problems.push(`total balance ${total}, not ${ACCOUNTS * INITIAL_BALANCE}`);
    for (const [a, b] of want) if (balances.get(a) !== b) problems.push(`account ${a}: balance ${balances.get(a)}, want ${b}`);
    if (balances.size !== ACCOUNTS) problems.push(`${balances.size} accounts, want ${ACCOUNTS}`);
    return problems.join('\n');
  }
}

/** Splits a stream's chunks into lines; `onLine` gets each complete line. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) onLine(line);
  };
}

export { Prng };
