// Metrics in Prometheus's text exposition format (prom-client).
//
//   const metrics = new ServerMetrics(db, { connectionsOpen: () => server.connections });
//   await metrics.text()                       // the exposition text
//   const http = await serveMetrics(metrics, '127.0.0.1', 9187);   // GET /metrics
//
// Two kinds of metric:
//   - the engine's own counters (commits, WAL fsyncs and bytes, buffer-pool
//     hits and misses, vacuum progress ...), read at scrape time by collect()
//     callbacks, so the engine pays nothing between scrapes;
//   - the server's (connections, statements by command tag, errors by
//     SQLSTATE class, the per-statement latency histogram), updated by the
//     connections as they go.
// Every label has a bounded set of values (command tags, SQLSTATE classes),
// so the number of series stays small whatever clients send.
//
// Why prom-client rather than writing the text by hand: it is the standard
// exposition format's reference implementation for Node (escaping, HELP and
// TYPE lines, histogram buckets with _sum and _count), and it brings the
// default process metrics (CPU, resident memory, heap, event-loop lag, open
// file descriptors) that every dashboard expects.

import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.ts';

/** What the server reports about itself at scrape time. */
export interface ServerGauges {
  /** Connections open (authenticated) now. */
  connectionsOpen(): number;
  /** Of those, the ones inside a transaction block. */
  transactionsOpen(): number;
}

export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop, fds). Default true. */
  readonly processMetrics?: boolean;
}

/** Statement latency buckets, in seconds: 50 µs to 10 s. */
const LATENCY_BUCKETS_S = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #connectionsTotal: Counter;
  readonly #connectionsRefused: Counter<'reason'>;
  readonly #statements: Counter<'command'>;
  readonly #errors: Counter<'class'>;
  readonly #latency: Histogram;
  readonly #terminated: Counter<'reason'>;

  constructor(db: Database, server: ServerGauges, options: MetricsOptions = {}) {
    const registers = [this.registry];
    const engine = () => db.engine;
    // ---- server ---------------------------------------------------------------------------
    new Gauge({ name: 'flint_connections', help: 'Client connections open now (authenticated sessions).', registers, collect() {
      this.set(server.connectionsOpen());
    } });
    this.#connectionsTotal = new Counter({ name: 'flint_connections_total', help: 'Client connections accepted (authenticated) since start.', registers });
    this.#connectionsRefused = new Counter({ name: 'flint_connections_refused_total', help: 'Connections refused: too_many_clients (53300) or authentication (28P01).', labelNames: ['reason'], registers });
    this.#terminated = new Counter({ name: 'flint_sessions_terminated_total', help: 'Connections ended by the server: idle_in_transaction_timeout (25P03), idle_session_timeout (57P05), protocol_violation (08P01), authentication_timeout.', labelNames: ['reason'], registers });
    this.#statements = new Counter({ name: 'flint_statements_total', help: 'Statements completed, by command tag (SELECT, INSERT, ...).', labelNames: ['command'], registers });
    this.#errors = new Counter({ name: 'flint_errors_total', help: 'Errors sent to clients, by SQLSTATE class (the code\'s first two characters).', labelNames: ['class'], registers });
    this.#latency = new Histogram({ name: 'flint_statement_duration_seconds', help: 'Statement latency from start to CommandComplete or error, commit wait included.', buckets: LATENCY_BUCKETS_S, registers });
    new Gauge({ name: 'flint_transactions_open', help: 'Sessions inside a transaction block now.', registers, collect() {
      this.set(server.transactionsOpen());
    } });
    // ---- engine: transactions -----------------------------------------------------------------
    engineCounter(registers, 'flint_transactions_total', 'Transactions ended (committed or rolled back), autocommit statements included.', () => engine().stats.commits + engine().stats.rollbacks);
    engineCounter(registers, 'flint_commits_total', 'Transactions committed.', () => engine().stats.commits);
    engineCounter(registers, 'flint_rollbacks_total', 'Transactions rolled back.', () => engine().stats.rollbacks);
    engineCounter(registers, 'flint_serialization_conflicts_total', 'Commits refused with 40001 (write-write conflicts).', () => engine().stats.conflicts);
    engineCounter(registers, 'flint_checkpoints_total', 'Checkpoints taken.', () => engine().stats.checkpoints);
    // ---- WAL ----------------------------------------------------------------------------------
    engineCounter(registers, 'flint_wal_fsyncs_total', 'fdatasync calls on the WAL (sync and group-commit rounds).', () => engine().walStats?.syncs ?? 0);
    engineCounter(registers, 'flint_wal_bytes_total', 'Bytes of WAL records appended.', () => engine().walStats?.bytes ?? 0);
    engineCounter(registers, 'flint_wal_records_total', 'WAL records appended.', () => engine().walStats?.appends ?? 0);
    // ---- buffer pool --------------------------------------------------------------------------
    engineCounter(registers, 'flint_buffer_pool_hits_total', 'Block lookups found in the buffer pool.', () => engine().pool.stats.hits);
    engineCounter(registers, 'flint_buffer_pool_misses_total', 'Block lookups that had to read the block.', () => engine().pool.stats.misses);
    engineCounter(registers, 'flint_buffer_pool_evictions_total', 'Frames evicted to make room.', () => engine().pool.stats.evictions);
    engineCounter(registers, 'flint_buffer_pool_pages_written_total', '4 KiB pages written back to the heap file.', () => engine().pool.stats.pagesWritten);
    new Gauge({ name: 'flint_buffer_pool_frames', help: 'Frames (64 KiB each) in the buffer pool.', registers, collect() {
      this.set(engine().pool.frameCount);
    } });
    // ---- heap ---------------------------------------------------------------------------------
    engineCounter(registers, 'flint_heap_tuples_inserted_total', 'Tuple versions written to the heap.', () => engine().heapStats.tuplesInserted);
    engineCounter(registers, 'flint_heap_memtables_flushed_total', 'Memtables flushed into heap blocks.', () => engine().heapStats.memtablesFlushed);
    engineCounter(registers, 'flint_heap_segments_allocated_total', '2 MiB heap segments allocated.', () => engine().heapStats.segmentsAllocated);
    // ---- vacuum -------------------------------------------------------------------------------
    engineCounter(registers, 'flint_vacuum_reclaimed_total', 'Dead tuple versions whose slots vacuum reclaimed.', () => engine().stats.vacuumReclaimed);
    engineCounter(registers, 'flint_vacuum_slices_total', 'Vacuum slices run (each examines a bounded number of blocks).', () => engine().stats.vacuumSlices);
    engineCounter(registers, 'flint_vacuum_passes_total', 'Vacuum passes finished (every table\'s blocks examined).', () => engine().stats.vacuumPasses);
    new Gauge({ name: 'flint_vacuum_pending_blocks', help: 'Blocks the current vacuum pass has still to examine (0 between passes).', registers, collect() {
      this.set(engine().vacuumPendingBlocks);
    } });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  // ---- what connections report ----------------------------------------------------------------

  connectionOpened(): void {
    this.#connectionsTotal.inc();
  }

  connectionRefused(reason: 'too_many_clients' | 'authentication'): void {
    this.#connectionsRefused.inc({ reason });
  }

  sessionTerminated(reason: 'idle_in_transaction_timeout' | 'idle_session_timeout' | 'protocol_violation' | 'authentication_timeout'): void {
    this.#terminated.inc({ reason });
  }

  /** A statement ended: its command tag (CommandComplete's text, or null if it failed) and how long it took. */
  statement(tag: string | null, seconds: number): void {
    if (tag !== null) this.#statements.inc({ command: commandOf(tag) });
    this.#latency.observe(seconds);
  }

  /** An ErrorResponse went out with this SQLSTATE. */
  error(code: string): void {
    this.#errors.inc({ class: /^[0-9A-Z]{2}/.test(code) ? code.slice(0, 2) : 'XX' });
  }

  /** The exposition text (what GET /metrics returns). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** A counter whose value the engine keeps: read at scrape time. */
function engineCounter(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({ name, help, registers, collect() {
    this.reset();
    this.inc(read());
  } });
}

/** The command of a CommandComplete tag: "INSERT 0 3" → "INSERT", "CREATE TABLE" → "CREATE TABLE". */
export function commandOf(tag: string): string {
  const m = /^[A-Z]+(?: [A-Z]+)*/.exec(tag);
  return m === null ? 'OTHER' : m[0];
}

/**
 * Serve GET /metrics over HTTP (node:http). Anything else is 404 (405 for a
 * method other than GET or HEAD). Resolves once listening; port 0 picks one.
 */
export async function serveMetrics(metrics: ServerMetrics, host: string, port: number): Promise<Server> {
  const http = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String((error as Error)?.message ?? error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  return http;
}
