// The cancel watcher: how a CancelRequest reaches a statement that is
// computing.
//
// Statements run synchronously on the server's one thread. While one
// computes, nothing serves the listening socket, and a CancelRequest comes
// on a new connection: it would be accepted only after the statement it was
// meant to stop. Moving the protocol to a worker thread would fix that at
// the price of a thread hop on every message (a postMessage round trip is
// ~140 µs on the 2-core VMs we measure on, more than a whole point query),
// so instead a small child process stands in for the thread only while the
// thread is busy:
//
// - It holds a duplicate of the listening socket's descriptor (sent over
//   the IPC channel, as Node's cluster module does), but watches it only
//   while the server's thread has not answered its ping for BUSY_MS. The
//   rest of the time the thread accepts everything itself, as before.
// - A connection the child accepts whose first message is a CancelRequest:
//   the child writes the process id and secret key (8 bytes, one atomic
//   pipe write) to a pipe and hangs up, as PostgreSQL's postmaster does.
//   The running statement's interrupt check reads the pipe without the
//   event loop (a non-blocking read, external-interrupts.ts) and the
//   statement ends with 57014. The key is checked by the server, not the
//   child.
// - Any other connection is handed back to the server over IPC (the socket
//   itself, with the bytes already read); the server takes it when the
//   statement ends, as it would have taken it from its listen queue.
//
// Only Node's child_process passes sockets between processes; under Bun and
// Deno there is no watcher, and a CancelRequest stops a statement only
// while it waits (for a row lock or a commit), as before.

import { spawn, type ChildProcess } from 'node:child_process';
import { readSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { addInterruptPoller } from '../db/external-interrupts.ts';

/** How long the server's thread must leave a ping unanswered before the child watches the socket. */
const BUSY_MS = 100;

/** The child's program: plain JavaScript run with `node -e`, so it needs no file beside the bundle. */
const WATCHER_SOURCE = String.raw`
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const PING_MS = 50;
const BUSY_MS = ${BUSY_MS};
const CANCEL_REQUEST_CODE = 80877102;
const CANCEL_PIPE_FD = 4;
let spare = null;    // a duplicate of the listening socket, not watched
let watching = null; // a server on it while the parent does not answer
let pingSentAt = 0;  // when the unanswered ping went out; 0: none
// Ctrl-C in a terminal (and systemd's stop, which signals the whole control group) reaches this
// process too. The parent's own handler waits for its event loop, which a computing statement
// holds: tell the statement, through the pipe, that the server is stopping. The parent stops
// this process with SIGKILL.
const SHUTDOWN_RECORD = Buffer.alloc(8); // process id 0: no connection has it
const forwardShutdown = () => { try { fs.writeSync(CANCEL_PIPE_FD, SHUTDOWN_RECORD); } catch {} };
process.on('SIGINT', forwardShutdown);
process.on('SIGTERM', forwardShutdown);
process.on('disconnect', () => process.exit(0));
process.on('message', (m, handle) => {
  if (m === null || typeof m !== 'object') return;
  if (m.t === 'spare') {
    if (spare === null) spare = handle;
    else handle.close();
    if (watching !== null && pingSentAt === 0) stopWatching();
  } else if (m.t === 'pong') {
    pingSentAt = 0;
    if (watching !== null && spare !== null) stopWatching();
  }
});
// Stop watching only with a spare in hand: the parent may be busy again
// before it can send one, and then no one would take its cancel requests.
function stopWatching() {
  watching.close();
  watching = null;
}
setInterval(() => {
  if (pingSentAt === 0) {
    pingSentAt = Date.now();
    process.send({ t: 'ping' });
  } else if (watching === null && spare !== null && Date.now() - pingSentAt >= BUSY_MS) {
    watching = net.createServer(take);
    watching.on('error', () => {});
    watching.listen(spare);
    spare = null;
    // The replacement, for when the parent answers again (it sends it then).
    process.send({ t: 'spare?' });
  }
}, PING_MS);
function take(socket) {
  socket.on('error', () => {});
  let head = Buffer.alloc(0);
  const give = () => {
    socket.off('data', onData);
    clearTimeout(timer);
    // Stop reading in the kernel's sense, not just the stream's: until the parent acknowledges
    // the socket this process keeps its handle, and what it read meanwhile (the client's answer
    // to the parent's first message) would be lost.
    if (socket._handle && socket._handle.readStop) socket._handle.readStop();
    if (!socket.destroyed) process.send({ t: 'conn', head: head.toString('base64') }, socket);
  };
  // A client that sends too little to tell is the server's to time out.
  const timer = setTimeout(give, 2000);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    if (head.length < 8) return;
    if (head.readInt32BE(0) === 16 && head.readInt32BE(4) === CANCEL_REQUEST_CODE) {
      if (head.length < 16) return;
      clearTimeout(timer);
      try { fs.writeSync(CANCEL_PIPE_FD, head.subarray(8, 16)); } catch {}
      socket.destroy();
      return;
    }
    give();
  };
  socket.on('data', onData);
  socket.on('close', () => clearTimeout(timer));
}
`;

export interface WatcherHandlers {
  /** A CancelRequest's key (the server checks it). */
  onCancel(processId: number, secretKey: number): void;
  /** A connection the child took while the server's thread was busy, its first bytes unread again. */
  onConnection(socket: Socket): void;
  /** SIGINT or SIGTERM reached the child (a terminal's Ctrl-C, a service manager's stop): the server is being stopped. */
  onShutdownSignal(): void;
}

export class CancelWatcher {
  readonly #child: ChildProcess;
  readonly #pipe: Socket;
  readonly #pipeFd: number | null;
  readonly #stopPolling: () => void;
  #pending = Buffer.alloc(0);
  /** poll()'s read buffer: 64 records. #records() copies what it keeps of it. */
  readonly #readBuffer = Buffer.allocUnsafe(8 * 64);
  #stopped = false;

  private constructor(
    child: ChildProcess,
    readonly server: Server,
    readonly handlers: WatcherHandlers,
  ) {
    this.#child = child;
    this.#pipe = child.stdio[4] as Socket;
    const fd = (this.#pipe as unknown as { _handle?: { fd?: number } })._handle?.fd;
    this.#pipeFd = typeof fd === 'number' && fd >= 0 ? fd : null;
    this.#pipe.on('data', (chunk: Buffer) => this.#records(chunk));
    this.#pipe.on('error', () => {});
    child.on('message', (m: { t?: string; head?: string }, handle?: unknown) => this.#message(m, handle));
    child.on('error', () => {});
    // The watcher must not keep a server process alive that is otherwise done.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.#pipe.unref();
    this.#sendSpare();
    this.#stopPolling = addInterruptPoller(() => this.poll());
  }

  /**
   * Start a watcher for a listening server, or null where the runtime cannot
   * pass sockets between processes (Bun, Deno) or the server's descriptor is
   * not reachable.
   */
  static start(server: Server, handlers: WatcherHandlers): CancelWatcher | null {
    const g = globalThis as { Bun?: unknown; Deno?: unknown };
    if (g.Bun !== undefined || g.Deno !== undefined) return null;
    if (listeningHandle(server) === null) return null;
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, ['-e', WATCHER_SOURCE], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc', 'pipe'],
        // Only what node needs: no NODE_OPTIONS (a --cpu-prof or a loader) from the server's environment.
        env: { PATH: process.env.PATH ?? '' },
      });
    } catch {
      return null;
    }
    return new CancelWatcher(child, server, handlers);
  }

  /**
   * Read cancel requests from the pipe without the event loop: the running
   * statement's interrupt check calls this (through external-interrupts.ts).
   */
  poll(): void {
    if (this.#pipeFd === null || this.#stopped) return;
    const buffer = this.#readBuffer;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#pipeFd, buffer, 0, buffer.length, null);
      } catch {
        return; // EAGAIN: nothing waiting (or the child is gone)
      }
      if (n <= 0) return;
      this.#records(buffer.subarray(0, n));
      if (n < buffer.length) return;
    }
  }

  /** Stop the child (it closes its duplicate of the socket) and wait for it to exit. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopPolling();
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL'); // it holds nothing but a copy of the socket; its SIGTERM means something else
      });
    }
    this.#pipe.destroy();
  }

  #records(chunk: Buffer): void {
    const bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    let at = 0;
    for (; at + 8 <= bytes.length; at += 8) {
      const processId = bytes.readInt32BE(at);
      if (processId === 0) this.handlers.onShutdownSignal();
      else this.handlers.onCancel(processId, bytes.readInt32BE(at + 4));
    }
    this.#pending = Buffer.from(bytes.subarray(at));
  }

  #message(m: { t?: string; head?: string }, handle: unknown): void {
    if (this.#stopped) {
      (handle as Socket | undefined)?.destroy?.();
      return;
    }
    switch (m?.t) {
      case 'ping':
        this.#child.send({ t: 'pong' }, () => {});
        return;
      case 'spare?':
        this.#sendSpare();
        return;
      case 'conn': {
        const socket = handle as Socket | undefined;
        if (socket === undefined) return;
        // The bytes the child read to tell it from a CancelRequest go back in front (before any
        // 'data' listener exists, so they are the first the connection reads).
        if (typeof m.head === 'string' && m.head.length > 0) socket.unshift(Buffer.from(m.head, 'base64'));
        this.handlers.onConnection(socket);
        return;
      }
      default:
    }
  }

  #sendSpare(): void {
    const handle = listeningHandle(this.server);
    if (handle === null || this.#stopped || !this.#child.connected) return;
    // A raw handle ('net.Native' to child_process): the child gets a duplicate descriptor, not yet watched.
    this.#child.send({ t: 'spare' }, handle as never, () => {});
  }
}

function listeningHandle(server: Server): object | null {
  const handle = (server as unknown as { _handle?: { fd?: number } })._handle;
  return handle !== undefined && handle !== null && typeof handle.fd === 'number' && handle.fd >= 0 ? handle : null;
}
