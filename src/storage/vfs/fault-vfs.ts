// A vfs that fails on purpose, deterministically from a seed.
//
// It wraps a MemoryVfs (which knows what a power loss keeps) and adds:
//   - crash(): power loss now. Unsynced writes are lost, the last unsynced
//     write of each file may be torn at 512-byte sectors, directory entries
//     not made durable by syncDir() vanish. Returns a new FaultVfs over what
//     survived, so the test reopens the database there (and can crash again).
//   - rules that make the n-th matching operation, or each one with some
//     probability, fail with EIO (58030), ENOSPC (53100), or a SimulatedCrash.
//   - flipBits(): bit rot on the medium.
//   - counters of every operation, so a test can first count the syncs of a
//     workload and then crash at each of them in turn.
//
// A SimulatedCrash is not a FlintError: nothing in Flint may catch it and go
// on. After one, every operation of this vfs and its files throws it again
// (close() and lock release excepted, so cleanup in `finally` blocks is
// quiet) until the test calls crash().
//
// Where a crash strikes: before a sync, rename, remove, truncate, open or read
// takes effect; after a write has reached the (simulated) page cache, so the
// crash may tear it. An injected error changes nothing: a failed write writes
// nothing and a failed sync makes nothing durable.
//
// Every random choice (probability rules, bit flips, tears) comes from one
// Prng seeded by `seed`, consumed in operation order: the same seed and the
// same workload give the same faults.

import { assert } from '../../errors.ts';
import { createMemoryVfs, type MemoryVfs, type TornWrite } from './memory-vfs.ts';
import { Prng } from './prng.ts';
import { writeThenSync, writeThenSyncAsync, type OpenOptions, type Vfs, type VfsFile, type VfsLock } from './vfs.ts';
import { simulatedOsError, vfsError, type VfsErrorContext } from './vfs-error.ts';

/** Operations a rule can target. 'sync' covers sync(), syncAsync() and syncDir(). */
export type FaultOp = 'open' | 'read' | 'write' | 'truncate' | 'sync' | 'rename' | 'remove';

export const FAULT_OPS: readonly FaultOp[] = ['open', 'read', 'write', 'truncate', 'sync', 'rename', 'remove'];

/** What a rule does when it fires. */
export type FaultEffect = 'eio' | 'enospc' | 'crash';

export interface FaultRule {
  readonly op: FaultOp;
  readonly effect: FaultEffect;
  /** Fire at the n-th matching operation from now (1 = the next), once. */
  readonly nth?: number;
  /** Or fire at each matching operation with this probability, until clearFaults(). */
  readonly probability?: number;
  /** Match only operations on this path (as passed to the vfs) or on paths it matches. */
  readonly path?: string | RegExp;
}

export interface BitFlip {
  /** Byte offset in the file. */
  readonly offset: number;
  /** Bit index in that byte, 0 = least significant. */
  readonly bit: number;
}

export interface FaultCrashOptions {
  /** Tear the last unsynced write of each file (default true). */
  tear?: boolean;
  /** Which directory entries survive: 'synced' (default) or 'all'; see memory-vfs.ts. */
  entries?: 'synced' | 'all';
}

export interface FaultVfsOptions {
  seed: number;
  /** The state to start from; default an empty MemoryVfs. */
  base?: MemoryVfs;
}

export interface FaultVfs extends Vfs {
  readonly seed: number;
  /** The file system underneath, without faults: for a test to inspect. */
  readonly base: MemoryVfs;
  /** Operations performed so far, by kind (including those that failed). */
  readonly counters: Readonly<Record<FaultOp, number>>;
  /** True once a SimulatedCrash was thrown or crash() was called. */
  readonly crashed: boolean;
  /** Writes torn by the crash that made this vfs. */
  readonly tornWrites: readonly TornWrite[];
  /** Add a fault rule. */
  inject(rule: FaultRule): void;
  /** Throw a SimulatedCrash at the n-th sync from now (1 = the next), before it takes effect. */
  crashAtSync(nth: number): void;
  /** Fail the n-th `op` from now with EIO (default) or ENOSPC. */
  failAt(op: FaultOp, nth: number, effect?: 'eio' | 'enospc'): void;
  /** Fail each `op` with probability p, with EIO (default) or ENOSPC. */
  failRandomly(op: FaultOp, probability: number, effect?: 'eio' | 'enospc'): void;
  /** Remove every rule. */
  clearFaults(): void;
  /** Flip `count` distinct random bits of the file, on the medium (current and durable content). */
  flipBits(path: string, count: number): BitFlip[];
  /** Power loss now: the surviving state as a new FaultVfs, with a generator forked from this one. */
  crash(opts?: FaultCrashOptions): FaultVfs;
}

/** Thrown by the fault vfs when a simulated power loss strikes. Not a FlintError: nothing may handle it. */
export class SimulatedCrash extends Error {
  readonly op: string;
  readonly path: string;
  constructor(op: string, path: string, message?: string) {
    super(message ?? `simulated crash at ${op} of "${path}"`);
    this.name = 'SimulatedCrash';
    this.op = op;
    this.path = path;
  }
}

export function createFaultVfs(opts: FaultVfsOptions): FaultVfs {
  return new FaultVfsImpl(new Prng(opts.seed), opts.base ?? createMemoryVfs());
}

interface ActiveRule {
  readonly rule: FaultRule;
  seen: number;
}

class FaultVfsImpl implements FaultVfs {
  readonly name = 'fault';
  readonly base: MemoryVfs;
  readonly #prng: Prng;
  readonly #counters: Record<FaultOp, number> = { open: 0, read: 0, write: 0, truncate: 0, sync: 0, rename: 0, remove: 0 };
  #rules: ActiveRule[] = [];
  #crashed = false;

  constructor(prng: Prng, base: MemoryVfs) {
    this.#prng = prng;
    this.base = base;
  }

  get seed(): number {
    return this.#prng.seed;
  }

  get counters(): Readonly<Record<FaultOp, number>> {
    return { ...this.#counters };
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  get tornWrites(): readonly TornWrite[] {
    return this.base.tornWrites;
  }

  inject(rule: FaultRule): void {
    const once = rule.nth !== undefined;
    assert(once !== (rule.probability !== undefined), 'a fault rule has either nth or probability');
    if (once) assert(Number.isSafeInteger(rule.nth) && (rule.nth ?? 0) >= 1, `fault rule nth must be >= 1, got ${rule.nth}`);
    else assert((rule.probability ?? -1) >= 0 && (rule.probability ?? 2) <= 1, `fault probability must be in [0, 1], got ${rule.probability}`);
    this.#rules.push({ rule, seen: 0 });
  }

  crashAtSync(nth: number): void {
    this.inject({ op: 'sync', nth, effect: 'crash' });
  }

  failAt(op: FaultOp, nth: number, effect: 'eio' | 'enospc' = 'eio'): void {
    this.inject({ op, nth, effect });
  }

  failRandomly(op: FaultOp, probability: number, effect: 'eio' | 'enospc' = 'eio'): void {
    this.inject({ op, probability, effect });
  }

  clearFaults(): void {
    this.#rules = [];
  }

  flipBits(path: string, count: number): BitFlip[] {
    this.checkAlive('flipBits', path);
    const file = this.base.open(path, { readOnly: true });
    const size = file.size();
    file.close();
    const bits = size * 8;
    assert(Number.isSafeInteger(count) && count >= 0 && count <= bits, `flipBits ${path}: cannot flip ${count} of ${bits} bits`);
    const chosen = new Set<number>();
    const flips: BitFlip[] = [];
    // Distinct bits, so no flip undoes another. Bounded: each draw is new with probability >= 1/2 while count <= bits/2.
    const drawsMax = count * 64 + 64;
    for (let draws = 0; flips.length < count; draws++) {
      assert(draws < drawsMax, `flipBits ${path}: too many draws for ${count} of ${bits} bits`);
      const b = this.#prng.int(bits);
      if (chosen.has(b)) continue;
      chosen.add(b);
      const flip = { offset: Math.floor(b / 8), bit: b % 8 };
      this.base.corrupt(path, flip.offset, 1 << flip.bit);
      flips.push(flip);
    }
    return flips;
  }

  crash(opts: FaultCrashOptions = {}): FaultVfs {
    this.#crashed = true;
    const survivor = this.base.crash({
      ...(opts.tear === false ? {} : { tear: this.#prng }),
      entries: opts.entries ?? 'synced',
    });
    return new FaultVfsImpl(this.#prng.fork(), survivor);
  }

  // ---- the Vfs, each operation through the gate ---------------------------

  open(path: string, opts: OpenOptions = {}): VfsFile {
    this.gate('open', { op: 'open', path });
    return new FaultFile(this, this.base.open(path, opts));
  }

  exists(path: string): boolean {
    this.checkAlive('exists', path);
    return this.base.exists(path);
  }

  remove(path: string): void {
    this.gate('remove', { op: 'remove', path });
    this.base.remove(path);
  }

  rename(from: string, to: string): void {
    this.gate('rename', { op: 'rename', path: from, to });
    this.base.rename(from, to);
  }

  list(dir: string): string[] {
    this.checkAlive('list', dir);
    return this.base.list(dir);
  }

  mkdir(path: string): void {
    this.checkAlive('mkdir', path);
    this.base.mkdir(path);
  }

  syncDir(dir: string): void {
    this.gate('sync', { op: 'syncDir', path: dir });
    this.base.syncDir(dir);
  }

  lock(path: string): VfsLock {
    this.checkAlive('lock', path);
    const inner = this.base.lock(path);
    return { path: inner.path, release: () => (this.#crashed ? undefined : inner.release()) };
  }

  // ---- used by FaultFile ---------------------------------------------------

  /** Throw SimulatedCrash if this vfs has crashed. */
  checkAlive(op: string, path: string): void {
    if (this.#crashed) throw new SimulatedCrash(op, path, `the fault vfs crashed earlier (seed ${this.seed}); ${op} of "${path}" after the crash`);
  }

  /**
   * Count the operation and apply the first rule that fires. Throws for an
   * error or a crash that strikes before the operation; returns true if a
   * crash strikes after it (writes), which the caller then throws.
   */
  gate(op: FaultOp, ctx: VfsErrorContext): boolean {
    this.checkAlive(ctx.op, ctx.path);
    this.#counters[op]++;
    let fired: ActiveRule | undefined;
    // Every matching rule counts the operation, even when an earlier one fires.
    for (const active of this.#rules) {
      if (active.rule.op !== op || !pathMatches(active.rule.path, ctx.path)) continue;
      active.seen++;
      if (fired !== undefined) continue;
      const fires = active.rule.nth !== undefined ? active.seen === active.rule.nth : this.#prng.chance(active.rule.probability ?? 0);
      if (fires) fired = active;
    }
    if (fired === undefined) return false;
    if (fired.rule.nth !== undefined) this.#rules = this.#rules.filter((r) => r !== fired);
    switch (fired.rule.effect) {
      case 'crash':
        if (op === 'write') return true;
        throw this.die(ctx);
      case 'eio':
        throw vfsError(simulatedOsError('EIO', `injected fault (seed ${this.seed})`), ctx);
      case 'enospc':
        throw vfsError(simulatedOsError('ENOSPC', `injected fault (seed ${this.seed})`), ctx);
    }
  }

  /** Mark the vfs crashed and return the error to throw. */
  die(ctx: VfsErrorContext): SimulatedCrash {
    this.#crashed = true;
    const where = ctx.offset === undefined ? '' : ` at offset ${ctx.offset}`;
    return new SimulatedCrash(ctx.op, ctx.path, `simulated crash at ${ctx.op} of "${ctx.path}"${where} (seed ${this.seed})`);
  }
}

function pathMatches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern === path;
  pattern.lastIndex = 0; // a /g or /y pattern would otherwise remember the last match
  return pattern.test(path);
}

class FaultFile implements VfsFile {
  readonly path: string;
  readonly #vfs: FaultVfsImpl;
  readonly #inner: VfsFile;

  constructor(vfs: FaultVfsImpl, inner: VfsFile) {
    this.#vfs = vfs;
    this.#inner = inner;
    this.path = inner.path;
  }

  read(into: Uint8Array, position: number): number {
    this.#vfs.gate('read', { op: 'read', path: this.path, offset: position, length: into.length });
    return this.#inner.read(into, position);
  }

  write(from: Uint8Array, position: number): void {
    const ctx = { op: 'write', path: this.path, offset: position, length: from.length };
    const crashAfter = this.#vfs.gate('write', ctx);
    this.#inner.write(from, position);
    if (crashAfter) throw this.#vfs.die(ctx);
  }

  size(): number {
    this.#vfs.checkAlive('size', this.path);
    return this.#inner.size();
  }

  truncate(size: number): void {
    this.#vfs.gate('truncate', { op: 'truncate', path: this.path, offset: size });
    this.#inner.truncate(size);
  }

  sync(): void {
    this.#vfs.gate('sync', { op: 'sync', path: this.path });
    this.#inner.sync();
  }

  /** A write and then a sync, each a fault point (a crash between them may tear the write). */
  writeDurable(from: Uint8Array, position: number): void {
    writeThenSync(this, from, position);
  }

  writeDurableAsync(from: Uint8Array, position: number): Promise<void> {
    return writeThenSyncAsync(this, from, position);
  }

  syncAsync(): Promise<void> {
    try {
      this.sync();
    } catch (err) {
      return Promise.reject(err);
    }
    return Promise.resolve();
  }

  close(): void {
    if (this.#vfs.crashed) return;
    this.#inner.close();
  }
}
