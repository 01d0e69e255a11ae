// Interrupts that come from outside the running statement while it holds the
// thread. Statements run synchronously, so an event (a server's
// CancelRequest) cannot reach the session until the statement ends, unless
// the statement asks for it. The executor's interrupt check (every few
// thousand rows) calls poll() here; a server registers a poller that reads
// cancel requests without the event loop (a non-blocking read of a pipe:
// src/server/cancel-watcher.ts) and marks the sessions they name.
//
// poll() costs one clock read per call when a poller is registered and
// nothing otherwise; the pollers run at most every POLL_INTERVAL_MS, so a
// cancel is seen within that long of arriving.

type Poller = () => void;

const pollers = new Set<Poller>();
/** How often, at most, the pollers run while a statement computes. */
const POLL_INTERVAL_MS = 10;
let lastPoll = 0;

/** Run `poller` from the interrupt checks of every statement from now on; the function returned stops it. */
export function addInterruptPoller(poller: Poller): () => void {
  pollers.add(poller);
  return () => {
    pollers.delete(poller);
  };
}

/** Called by the interrupt check of a running statement, before it looks at its cancel flag. */
export function pollExternalInterrupts(): void {
  if (pollers.size === 0) return;
  const now = performance.now();
  if (now - lastPoll < POLL_INTERVAL_MS) return;
  lastPoll = now;
  for (const poller of pollers) poller();
}
