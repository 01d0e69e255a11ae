// Shared benchmark plumbing: timing loops, tables and result files.
// Benchmarks print ratios measured in the same run; they never assert timings.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  /** Operations per second. */
  opsPerSec: number;
  /** Iterations timed. */
  iterations: number;
  /** Wall time of the timed part, in ms. */
  elapsedMs: number;
}

/**
 * Runs `body(n)` (which must perform n operations) with growing n until one
 * run takes at least `minMs`, after a warm-up, and reports the best of
 * `rounds` rounds: the least-disturbed figure on a shared machine.
 */
export function measure(body: (n: number) => void, options: { minMs?: number; rounds?: number } = {}): Measurement {
  const minMs = options.minMs ?? 200;
  const rounds = options.rounds ?? 3;
  let n = 1;
  // Warm up and calibrate: grow n until one call takes minMs / 4.
  for (;;) {
    const t0 = performance.now();
    body(n);
    const dt = performance.now() - t0;
    if (dt >= minMs / 4 || n >= 1 << 30) break;
    n *= dt < 1 ? 16 : 2;
  }
  n = Math.max(1, n * 4);
  let best: Measurement | undefined;
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    body(n);
    const elapsedMs = performance.now() - t0;
    const m = { opsPerSec: (n * 1000) / elapsedMs, iterations: n, elapsedMs };
    if (!best || m.opsPerSec > best.opsPerSec) best = m;
  }
  return best!;
}

export function machineInfo(): Record<string, string | number> {
  const cpu = cpus()[0];
  return {
    cpu: cpu?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${arch()}`,
    runtime: `node ${process.versions.node}`,
    date: new Date().toISOString(),
  };
}

export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 1e9) return `${(value / 1e9).toPrecision(digits)}G`;
  if (value >= 1e6) return `${(value / 1e6).toPrecision(digits)}M`;
  if (value >= 1e3) return `${(value / 1e3).toPrecision(digits)}k`;
  return value.toPrecision(digits);
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Writes results to bench/results/NAME-<timestamp>.json and NAME-latest.json. */
export function writeResults(name: string, data: unknown): string {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = JSON.stringify({ benchmark: name, machine: machineInfo(), results: data }, null, 2);
  const file = join(dir, `${name}-${stamp}.json`);
  writeFileSync(file, body);
  writeFileSync(join(dir, `${name}-latest.json`), body);
  return file;
}

/** A deterministic PRNG (mulberry32) so that runs are comparable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
