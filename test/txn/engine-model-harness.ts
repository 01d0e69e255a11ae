// Model-based property test: random interleavings of up to four concurrent
// transactions doing inserts, updates and deletes over two tables, with
// savepoints, commits (sync and group commit), rollbacks, vacuum (whole and
// in bounded slices), checkpoints, memtable flushes, DROP + CREATE, clean
// reopens and power losses, compared step by step against an in-memory
// model of snapshot isolation.
//
// The model predicts, for every operation, what the engine must do: which
// rows (and tuple ids) each transaction sees, which update or delete fails
// with 40001 (first updater wins), what survives a reopen or a crash (every
// commit: synchronous 'full'; no open transaction). Reads check scan() and
// get() from the newest version of each key, as an index would find it, and
// from the last version of deleted keys. Seeds are fixed: a failure replays.
import * as fc from 'fast-check';
import { FlintError } from '../../src/errors.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import { createFaultVfs, type FaultVfs } from '../../src/storage/vfs/index.ts';
import { Engine } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { ROW_COLUMNS, check, readTable, rowValues, smallOptions, toRow, type Row } from './engine-helpers.ts';

const TABLES = ['a', 'b'] as const;
const SLOTS = 4;

type Op =
  | { readonly kind: 'begin'; readonly slot: number }
  | { readonly kind: 'insert'; readonly slot: number; readonly table: number; readonly len: number; readonly count: number }
  | { readonly kind: 'update'; readonly slot: number; readonly table: number; readonly pick: number; readonly len: number }
  | { readonly kind: 'delete'; readonly slot: number; readonly table: number; readonly pick: number }
  | { readonly kind: 'commit'; readonly slot: number; readonly async: boolean }
  | { readonly kind: 'commitAll' }
  | { readonly kind: 'rollback'; readonly slot: number }
  | { readonly kind: 'read'; readonly slot: number }
  | { readonly kind: 'vacuum' }
  | { readonly kind: 'vacuumStep'; readonly blocks: number }
  | { readonly kind: 'checkpoint' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'crash'; readonly tear: boolean }
  | { readonly kind: 'recreate'; readonly table: number }
  | { readonly kind: 'savepoint'; readonly slot: number }
  | { readonly kind: 'rollbackTo'; readonly slot: number; readonly pick: number };

const slotArb = fc.nat(SLOTS - 1);
const tableArb = fc.nat(TABLES.length - 1);
const lenArb = fc.oneof({ weight: 3, arbitrary: fc.nat(60) }, { weight: 2, arbitrary: fc.nat(1500) }, { weight: 1, arbitrary: fc.integer({ min: 3000, max: 3900 }) });

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('begin' as const), slot: slotArb }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('insert' as const), slot: slotArb, table: tableArb, len: lenArb, count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant('update' as const), slot: slotArb, table: tableArb, pick: fc.nat(), len: lenArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), slot: slotArb, table: tableArb, pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('commit' as const), slot: slotArb, async: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'commitAll' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollback' as const), slot: slotArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), slot: slotArb }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'vacuum' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('vacuumStep' as const), blocks: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), tear: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recreate' as const), table: tableArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('savepoint' as const), slot: slotArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), slot: slotArb, pick: fc.nat() }) },
);

interface Version {
  readonly row: Row;
  readonly tid: number;
}

interface ModelTxn {
  readonly txn: Transaction;
  /** Commits that happened before it began. */
  readonly beginSeq: number;
  /** What it sees: the committed rows at its begin plus its own writes. */
  readonly view: Map<string, Map<bigint, Version>>;
  /** Keys it updated or deleted (it holds them until it ends), and its writes in order. */
  readonly locked: Map<string, Set<bigint>>;
  readonly writes: { table: string; k: bigint; version: Version | null }[];
  /** Savepoints, oldest first: the engine's marker and the model state to return to. */
  readonly savepoints: { marker: number; view: Map<string, Map<bigint, Version>>; locked: Map<string, Set<bigint>>; writes: number }[];
}

function text(k: bigint, len: number): string {
  const seed = String(k);
  return seed.repeat(Math.ceil(len / seed.length) + 1).slice(0, len);
}

export class Harness {
  vfs: FaultVfs;
  db: Engine;
  readonly committed = new Map<string, Map<bigint, Version>>(TABLES.map((t) => [t, new Map()]));
  /** Commit sequence of each key's last committed write (update, delete or insert). */
  readonly lastWrite = new Map<string, Map<bigint, number>>(TABLES.map((t) => [t, new Map()]));
  /** Tid of the last version of keys deleted since the last vacuum: get() from there must find nothing. */
  readonly graveyard = new Map<string, Map<bigint, number>>(TABLES.map((t) => [t, new Map()]));
  readonly slots: (ModelTxn | undefined)[] = new Array<ModelTxn | undefined>(SLOTS).fill(undefined);
  commitSeq = 0;
  nextKey = 1n;
  conflicts = 0;

  constructor(readonly kind: KernelKind, readonly seed: number) {
    this.vfs = createFaultVfs({ seed });
    this.db = Engine.open(this.#options());
    for (const t of TABLES) this.db.createTable(t, ROW_COLUMNS);
  }

  #options() {
    return smallOptions(this.kind, this.vfs, {
      poolBytes: 256 << 10, memtableBytes: 16 << 10, maxFrozenMemtables: 1, checkpointWalBytes: 96 << 10,
    });
  }

  #tableId(name: string): number {
    return this.db.table(name)!.id;
  }

  begin(slot: number): ModelTxn {
    const existing = this.slots[slot];
    if (existing !== undefined) return existing;
    const view = new Map([...this.committed].map(([t, rows]) => [t, new Map(rows)]));
    const m: ModelTxn = { txn: this.db.begin(), beginSeq: this.commitSeq, view, locked: new Map(TABLES.map((t) => [t, new Set()])), writes: [], savepoints: [] };
    this.slots[slot] = m;
    return m;
  }

  insert(slot: number, table: string, len: number, count: number): void {
    const m = this.begin(slot);
    for (let i = 0; i < count; i++) {
      const k = this.nextKey++;
      const row: Row = { k, txn: slot, v: len === 0 ? null : text(k, len) };
      const tid = this.db.insert(m.txn, this.#tableId(table), rowValues(row));
      const version = { row, tid };
      m.view.get(table)!.set(k, version);
      m.writes.push({ table, k, version });
    }
  }

  /** Would an update or delete of k by m conflict (40001)? */
  #conflicts(m: ModelTxn, table: string, k: bigint): boolean {
    if (m.locked.get(table)!.has(k)) return false;
    if ((this.lastWrite.get(table)!.get(k) ?? 0) > m.beginSeq) return true;
    return this.slots.some((other) => other !== undefined && other !== m && other.locked.get(table)!.has(k));
  }

  /** Run an update or delete; on a predicted conflict expect 40001 and roll the transaction back. */
  #write(slot: number, table: string, pick: number, apply: (m: ModelTxn, k: bigint, v: Version) => Version | null): void {
    const m = this.begin(slot);
    const keys = [...m.view.get(table)!.keys()];
    if (keys.length === 0) return;
    const k = keys[pick % keys.length]!;
    const current = m.view.get(table)!.get(k)!;
    const ownInsert = m.writes.some((w) => w.table === table && w.k === k) && !m.locked.get(table)!.has(k) && !this.committed.get(table)!.has(k);
    const expectConflict = !ownInsert && this.#conflicts(m, table, k);
    let result: Version | null;
    try {
      result = apply(m, k, current);
    } catch (error) {
      if (!(error instanceof FlintError) || error.code !== '40001') throw error;
      check(expectConflict, () => `unexpected 40001 writing ${table}.${k} in slot ${slot}: ${error.message}`);
      this.conflicts++;
      this.rollback(slot);
      return;
    }
    check(!expectConflict, () => `expected 40001 writing ${table}.${k} in slot ${slot}, the write succeeded`);
    if (!ownInsert) m.locked.get(table)!.add(k);
    if (result === null) m.view.get(table)!.delete(k);
    else m.view.get(table)!.set(k, result);
    m.writes.push({ table, k, version: result });
  }

  update(slot: number, table: string, pick: number, len: number): void {
    this.#write(slot, table, pick, (m, k, v) => {
      const row: Row = { k, txn: slot, v: text(k + 7n, len) };
      return { row, tid: this.db.update(m.txn, this.#tableId(table), v.tid, rowValues(row)) };
    });
  }

  delete(slot: number, table: string, pick: number): void {
    this.#write(slot, table, pick, (m, _k, v) => {
      check(this.db.delete(m.txn, this.#tableId(table), v.tid), () => 'delete of a visible row returned false');
      return null;
    });
  }

  /** The engine has committed slot's transaction: apply it to the model. */
  #committed(slot: number): void {
    const m = this.slots[slot]!;
    this.slots[slot] = undefined;
    if (m.writes.length === 0) return;
    this.commitSeq++;
    for (const { table, k, version } of m.writes) {
      const rows = this.committed.get(table)!;
      const was = rows.get(k);
      if (version === null) {
        rows.delete(k);
        if (was !== undefined) this.graveyard.get(table)!.set(k, was.tid);
        else this.graveyard.get(table)!.set(k, m.writes.find((w) => w.k === k && w.version !== null)!.version!.tid);
      } else rows.set(k, version);
      this.lastWrite.get(table)!.set(k, this.commitSeq);
    }
    // A key inserted and deleted in the same transaction: its last version is the one deleted.
    for (const { table, k, version } of m.writes) {
      if (version !== null || this.committed.get(table)!.has(k)) continue;
      const lastTid = [...m.writes].reverse().find((w) => w.table === table && w.k === k && w.version !== null)?.version?.tid;
      if (lastTid !== undefined) this.graveyard.get(table)!.set(k, lastTid);
    }
  }

  async commit(slot: number, async: boolean): Promise<void> {
    const m = this.slots[slot];
    if (m === undefined) return;
    if (async) await this.db.commitAsync(m.txn);
    else this.db.commit(m.txn);
    this.#committed(slot);
  }

  async commitAll(): Promise<void> {
    const live = this.slots.map((m, slot) => ({ m, slot })).filter((e) => e.m !== undefined);
    // All of them wait for one group-commit round (engine-durability.test.ts counts its fdatasyncs).
    await Promise.all(live.map((e) => this.db.commitAsync(e.m!.txn)));
    for (const e of live) this.#committed(e.slot);
  }

  rollback(slot: number): void {
    const m = this.slots[slot];
    if (m === undefined) return;
    this.db.rollback(m.txn);
    this.slots[slot] = undefined;
  }

  /** Compare what a transaction sees (scan and get) with the model. */
  #checkView(txn: Transaction, view: Map<string, Map<bigint, Version>>, what: string, locked?: Map<string, Set<bigint>>): void {
    for (const table of TABLES) {
      const id = this.#tableId(table);
      const got = readTable(this.db, txn, table);
      const want = view.get(table)!;
      check(got.size === want.size, () => `${what} ${table}: sees ${got.size} rows, model ${want.size}`);
      for (const [k, v] of want) {
        const g = got.get(k);
        check(g !== undefined, () => `${what} ${table}: key ${k} missing`);
        check(g.tid === v.tid && g.row.txn === v.row.txn && g.row.v === v.row.v, () => `${what} ${table}: key ${k} is ${JSON.stringify({ ...g, row: { ...g.row, k: String(k) } })}, model tid ${v.tid}`);
      }
      // get() from the newest committed version walks back to the one this snapshot sees.
      for (const [k, newest] of this.committed.get(table)!) {
        const values = this.db.get(txn, id, newest.tid);
        // Versions chain newest to oldest: behind a version the transaction replaced itself there is nothing it sees.
        const want1 = locked?.get(table)!.has(k) === true ? undefined : want.get(k);
        const g = values === undefined ? undefined : toRow(values);
        check(
          (g === undefined && want1 === undefined) || (g !== undefined && want1 !== undefined && g.k === k && g.v === want1.row.v),
          () => `${what} ${table}: get from the newest version of ${k} (tid ${newest.tid}) gave ${g === undefined ? 'nothing' : `key ${g.k}`}, model ${want1 === undefined ? 'nothing' : 'the row'}`,
        );
      }
      for (const [k, tid] of this.graveyard.get(table)!) {
        const values = this.db.get(txn, id, tid);
        const want1 = want.get(k);
        const g = values === undefined ? undefined : toRow(values);
        check(
          (g === undefined && want1 === undefined) || (g !== undefined && want1 !== undefined && g.k === k),
          () => `${what} ${table}: get from the deleted version of ${k} (tid ${tid}) gave ${g === undefined ? 'nothing' : `key ${g.k}`}, model ${want1 === undefined ? 'nothing' : 'a row'}`,
        );
      }
    }
  }

  read(slot: number): void {
    const m = this.slots[slot];
    if (m !== undefined) {
      this.#checkView(m.txn, m.view, `slot ${slot}`, m.locked);
      return;
    }
    const txn = this.db.begin();
    this.#checkView(txn, this.committed, 'a new snapshot');
    this.db.commit(txn);
  }

  vacuum(): void {
    const live = this.slots.some((m) => m !== undefined);
    const reclaimed = this.db.vacuum();
    // Vacuum changes nothing anyone can see.
    for (let slot = 0; slot < SLOTS; slot++) this.read(slot);
    if (!live) check(this.db.vacuum() === 0, () => `a second vacuum with no snapshot open reclaimed more (first: ${reclaimed})`);
    // Versions of deleted keys may be gone now and their slots reused.
    for (const g of this.graveyard.values()) g.clear();
  }

  /** One bounded slice of vacuum (the background's work), between other operations. */
  vacuumStep(blocks: number): void {
    const step = this.db.vacuumStep(blocks);
    check(step.blocks <= blocks, () => `vacuumStep(${blocks}) examined ${step.blocks} blocks`);
    for (let slot = 0; slot < SLOTS; slot++) this.read(slot);
    for (const g of this.graveyard.values()) g.clear();
  }

  #dropAllTxns(): void {
    this.slots.fill(undefined);
    this.conflicts = 0; // a new Engine counts from zero
  }

  reopen(): void {
    this.db.close();
    this.#dropAllTxns();
    this.db = Engine.open(this.#options());
    this.read(0);
  }

  crash(tear: boolean): void {
    this.vfs = this.vfs.crash({ tear });
    this.#dropAllTxns();
    this.db = Engine.open(this.#options());
    this.read(0);
  }

  /** SAVEPOINT: remember where the transaction is. */
  savepoint(slot: number): void {
    const m = this.begin(slot);
    m.savepoints.push({
      marker: this.db.savepoint(m.txn),
      view: new Map([...m.view].map(([t, rows]) => [t, new Map(rows)])),
      locked: new Map([...m.locked].map(([t, keys]) => [t, new Set(keys)])),
      writes: m.writes.length,
    });
  }

  /** ROLLBACK TO SAVEPOINT: undo everything since; the savepoint stays. What it had locked since is free again. */
  rollbackTo(slot: number, pick: number): void {
    const m = this.slots[slot];
    if (m === undefined || m.savepoints.length === 0) return;
    const at = pick % m.savepoints.length;
    const sp = m.savepoints[at]!;
    this.db.rollbackToSavepoint(m.txn, sp.marker);
    m.savepoints.length = at + 1;
    for (const t of TABLES) {
      m.view.set(t, new Map(sp.view.get(t)!));
      m.locked.set(t, new Set(sp.locked.get(t)!));
    }
    m.writes.length = sp.writes;
    this.#checkView(m.txn, m.view, `slot ${slot} after rollback to savepoint ${at}`, m.locked);
  }

  /** DROP TABLE and CREATE TABLE of the same name (when no transaction is open): its segments are freed and reused. */
  recreate(table: string): void {
    if (this.slots.some((m) => m !== undefined)) return;
    this.db.dropTable(table);
    this.db.createTable(table, ROW_COLUMNS);
    this.committed.get(table)!.clear();
    this.lastWrite.get(table)!.clear();
    this.graveyard.get(table)!.clear();
    this.read(0);
  }

  async run(op: Op): Promise<void> {
    switch (op.kind) {
      case 'begin': this.begin(op.slot); return;
      case 'insert': this.insert(op.slot, TABLES[op.table]!, op.len, op.count); return;
      case 'update': this.update(op.slot, TABLES[op.table]!, op.pick, op.len); return;
      case 'delete': this.delete(op.slot, TABLES[op.table]!, op.pick); return;
      case 'commit': await this.commit(op.slot, op.async); return;
      case 'commitAll': await this.commitAll(); return;
      case 'rollback': this.rollback(op.slot); return;
      case 'read': this.read(op.slot); return;
      case 'vacuum': this.vacuum(); return;
      case 'vacuumStep': this.vacuumStep(op.blocks); return;
      case 'checkpoint': this.db.checkpoint(); return;
      case 'flush': this.db.flushStep(); return;
      case 'reopen': this.reopen(); return;
      case 'crash': this.crash(op.tear); return;
      case 'recreate': this.recreate(TABLES[op.table]!); return;
      case 'savepoint': this.savepoint(op.slot); return;
      case 'rollbackTo': this.rollbackTo(op.slot, op.pick); return;
    }
  }

  finish(): void {
    for (let slot = 0; slot < SLOTS; slot++) this.read(slot);
    check(this.db.stats.conflicts === this.conflicts, () => `the engine counted ${this.db.stats.conflicts} conflicts, the model ${this.conflicts}`);
    this.reopen();
    this.db.close();
  }
}

export async function runOps(kind: KernelKind, seed: number, ops: readonly Op[]): Promise<void> {
  const h = new Harness(kind, seed);
  for (let i = 0; i < ops.length; i++) {
    try {
      await h.run(ops[i]!);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`op ${i} ${JSON.stringify(ops[i])}: ${message}`);
    }
  }
  h.finish();
}

