// bench/peers: where an engine runs. The runner (run.ts) drives each engine
// through an EngineHost: open its database, run one round of a workload,
// close. inProcessHost runs the engine in the runner's own thread;
// workerHost runs it in a worker thread of its own, which bench:peers does
// for every engine (peers.ts; `--one-isolate` runs them all in-process).
//
// Why a worker each: a worker is a V8 isolate of its own, with its own
// heap, garbage collector and JIT state, as an application that uses one
// of these engines has. In one isolate the engines weigh on each other in
// ways no application sees: PGlite's and sql.js's heaps are marked by
// every major collection inside Flint's rounds, and the workloads' shared
// call sites (the timing loops, SyncPeer's statements) turn polymorphic.
// Measured at 939013b with the runner restricted to some engines (3
// counted rounds each, median): Flint (WASM) loaded 958k rows/s alone,
// 955k beside both SQLite builds, 1.01M beside sql.js, 850k beside PGlite,
// and 786k beside all of them (the committed run at a315c0e), its lookups
// by cat 118k/s beside the TS build and 86.6k beside all. The peers gain
// too: sql.js and SQLite FULL, two engines in a worker each against both in
// the main thread, loaded 502k and 628k rows/s against 457k and 587k, and
// ran their point selects 3-5% faster. In full runs the effect is within
// the runs' spread (docs/performance-history.md, Session 15): the isolate is chosen
// for what it models, not for a figure. The engines still take turns (one
// runs at a time) and write to the same file system, so the machine's drift
// and the disk weigh on all of them alike, as before.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { makeDataset, WrongAnswer } from './data.ts';
import { engineByKey } from './engines.ts';
import { gcBetween, observeGc } from './timing.ts';
import type { PeerDb, PeerEngine, PeerInfo } from './types.ts';
import { DURABLE_TABLES, durableRowsFor, WORKLOADS, type Context, type Outcome, type Round, type Sizes } from './workloads.ts';

/** A round as the runner gives it to a host (Round without `fresh`, which the host provides). */
export type RoundSpec = Omit<Round, 'fresh'>;

export interface EngineHost {
  readonly info: PeerInfo;
  /** Builds the dataset of `sizes` (every host its own, from the same seeds); scratch databases go under `root`. */
  prepare(sizes: Sizes, root: string): Promise<void>;
  /**
   * Loads a few rows into a scratch database in `dir` and reads them back,
   * runs the durable inserts briefly, deletes it: the engine's code is
   * compiled before anything is timed (run.ts warmUp). Never rejects; a
   * failure comes back as its message.
   */
  warmUp(dir: string, rows: number, durableInserts: number): Promise<string | undefined>;
  /** Opens the engine's database in `dir` (an empty directory) and creates the schema. */
  open(dir: string): Promise<void>;
  /** Runs round `round` of WORKLOADS[workload] on the open database; the outcome's `gc` is filled in. */
  round(workload: number, round: RoundSpec): Promise<Outcome | undefined>;
  /** Closes the open database, if any. */
  close(): Promise<void>;
  /** Ends the host (a worker exits). */
  dispose(): Promise<void>;
}

/** One context per sizes object: the in-process hosts of one run share it. */
let shared: { sizes: Sizes; ctx: Context } | undefined;

function contextFor(sizes: Sizes): Context {
  if (shared?.sizes !== sizes) {
    const data = makeDataset(sizes.rows);
    shared = { sizes, ctx: { sizes, data, durableRows: durableRowsFor(sizes, data) } };
  }
  return shared.ctx;
}

/** The warm-up's durable inserts never ask for a fresh database. */
const noFresh = (): Promise<PeerDb> => Promise.reject(new Error('the warm-up opens no fresh database'));

/** Turns the event loop, so that the 'gc' performance entries of what just ran have arrived (gcBetween). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The engine in this thread. */
export function inProcessHost(engine: PeerEngine): EngineHost {
  let ctx: Context | undefined;
  let root = '';
  let db: PeerDb | undefined;
  const context = (): Context => {
    if (ctx === undefined) throw new Error('EngineHost.prepare was not called');
    return ctx;
  };
  return {
    info: engine.info,
    async prepare(sizes, scratchRoot) {
      observeGc();
      ctx = contextFor(sizes);
      root = scratchRoot;
    },
    async warmUp(dir, rows, durableInserts) {
      const c = context();
      const loaded = c.data.rows.slice(0, rows);
      let scratch: PeerDb | undefined;
      mkdirSync(dir);
      try {
        scratch = await engine.open(dir);
        await scratch.createSchema(DURABLE_TABLES, c.data.catRows);
        await scratch.bulkInsert(loaded);
        for (let i = 0; i < loaded.length; i++) await scratch.pointSelect(loaded[i]![0]);
        // Rows of their own: the run's durable rows are fewer than these in bench:peers' small-size warm-up pass.
        const sizes: Sizes = { ...c.sizes, durableInserts, durableBudgetMs: 5_000 };
        const durable: Context = { ...c, sizes, durableRows: durableRowsFor(sizes, c.data) };
        for (const workload of WORKLOADS) if (workload.floor === true) await workload.run(scratch, durable, { index: 0, count: 1, done: 0, earlier: [], fresh: noFresh });
        return undefined;
      } catch (error) {
        return (error as Error).message;
      } finally {
        try {
          await scratch?.close();
        } catch {
          // The real run reports what is wrong with the engine.
        }
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async open(dir) {
      const opened = await engine.open(dir);
      db = opened;
      await opened.createSchema(DURABLE_TABLES, context().data.catRows);
    },
    async round(workload, spec) {
      if (db === undefined) throw new Error('EngineHost.round without an open database');
      const w = WORKLOADS[workload]!;
      const scratchDirs: string[] = [];
      const fresh = async (): Promise<PeerDb> => {
        const scratch = join(root, `${engine.info.key}-${w.key}-${spec.index}-${scratchDirs.length}`);
        mkdirSync(scratch);
        scratchDirs.push(scratch);
        const other = await engine.open(scratch);
        await other.createSchema(DURABLE_TABLES, context().data.catRows);
        return other;
      };
      try {
        const outcome = await w.run(db, context(), { ...spec, fresh });
        if (outcome?.timed !== undefined) {
          await nextTurn();
          outcome.gc = gcBetween(outcome.timed.startedAt, outcome.timed.startedAt + outcome.timed.elapsedMs);
        }
        return outcome;
      } finally {
        for (const scratch of scratchDirs) rmSync(scratch, { recursive: true, force: true });
      }
    },
    async close() {
      const open = db;
      db = undefined;
      await open?.close();
    },
    async dispose() {
      await this.close();
    },
  };
}

// --- Worker hosts -----------------------------------------------------------

type RequestBody =
  | { op: 'prepare'; sizes: Sizes; root: string }
  | { op: 'warmUp'; dir: string; rows: number; durableInserts: number }
  | { op: 'open'; dir: string }
  | { op: 'round'; workload: number; round: RoundSpec }
  | { op: 'close' };
type Request = RequestBody & { id: number };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; stack?: string; wrongAnswer: boolean };

interface WorkerStart {
  flintBenchPeersEngine: string;
}

/** True in a thread that workerHost started: the script should call serveEngine() and do nothing else. */
export function isEngineWorker(): boolean {
  return !isMainThread && typeof (workerData as Partial<WorkerStart> | null)?.flintBenchPeersEngine === 'string';
}

/** The worker's side: builds the engine its host asked for and answers the host's requests until it is terminated. */
export async function serveEngine(): Promise<void> {
  const port = parentPort!;
  const host = inProcessHost(await engineByKey((workerData as WorkerStart).flintBenchPeersEngine));
  port.on('message', async (request: Request) => {
    // Out of the message callback first: sql.js's point selects ran 22% slower (70k/s against 88k) when the
    // round ran inside it, in a worker and in a child process alike; after a turn of the event loop they run
    // as fast as in a main thread (mechanism not found). Flint's figures did not move either way.
    await new Promise((resolve) => setImmediate(resolve));
    let reply: Reply;
    try {
      let value: unknown;
      switch (request.op) {
        case 'prepare':
          value = await host.prepare(request.sizes, request.root);
          break;
        case 'warmUp':
          value = await host.warmUp(request.dir, request.rows, request.durableInserts);
          break;
        case 'open':
          value = await host.open(request.dir);
          break;
        case 'round':
          value = await host.round(request.workload, request.round);
          break;
        case 'close':
          value = await host.close();
          break;
      }
      reply = { id: request.id, ok: true, value };
    } catch (error) {
      const e = error as Error;
      reply = { id: request.id, ok: false, message: e.message ?? String(error), stack: e.stack, wrongAnswer: error instanceof WrongAnswer };
    }
    port.postMessage(reply);
  });
  port.postMessage({ id: 0, ok: true, value: host.info } satisfies Reply);
}

/**
 * The engine `key` (engines.ts) in a worker thread running `script`, a
 * module that calls serveEngine() when isEngineWorker() (bench/peers.ts
 * itself). Resolves once the worker has built the engine.
 */
export async function workerHost(key: string, script: URL): Promise<EngineHost> {
  const worker = new Worker(script, { workerData: { flintBenchPeersEngine: key } satisfies WorkerStart });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let exited: Error | undefined;
  let started!: (info: PeerInfo) => void;
  let failedToStart!: (error: Error) => void;
  const ready = new Promise<PeerInfo>((resolve, reject) => {
    started = resolve;
    failedToStart = reject;
  });
  const failAll = (error: Error) => {
    exited = error;
    failedToStart(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    if (reply.id === 0 && reply.ok) return started(reply.value as PeerInfo);
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (reply.ok) return p.resolve(reply.value);
    const error = reply.wrongAnswer ? new WrongAnswer(reply.message) : new Error(reply.message);
    if (reply.stack !== undefined) error.stack = reply.stack;
    p.reject(error);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the worker of ${key} exited (code ${code})`)));
  const call = <T>(request: RequestBody): Promise<T> => {
    if (exited !== undefined) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };
  const info = await ready;
  return {
    info,
    prepare: (sizes, root) => call({ op: 'prepare', sizes, root }),
    warmUp: (dir, rows, durableInserts) => call({ op: 'warmUp', dir, rows, durableInserts }),
    open: (dir) => call({ op: 'open', dir }),
    round: (workload, round) => call({ op: 'round', workload, round }),
    close: () => call({ op: 'close' }),
    async dispose() {
      if (exited === undefined) await worker.terminate();
    },
  };
}
