// bench/peers: the results as text tables (one per workload), a Markdown
// summary table and an SVG chart of the Flint/peer ratios.
import { formatNumber, printTable } from '../harness.ts';
import type { WorkloadResult } from './run.ts';
import type { PeerInfo } from './types.ts';
import type { Metric } from './workloads.ts';

/** The engine every ratio is taken against the others from. */
export const BASE_KEY = 'flint-wasm';

/** Flint(wasm) figure / peer figure, as the issue asks: above 1 is better for a rate, worse for a time or a size. */
export function ratio(base: Metric | undefined, peer: Metric | undefined): number | undefined {
  if (base === undefined || peer === undefined || !(peer.value > 0) || !Number.isFinite(base.value)) return undefined;
  return base.value / peer.value;
}

/** How many times better Flint(wasm) is than the peer (above 1: Flint is better), whatever the direction of the metric. */
export function advantage(base: Metric | undefined, peer: Metric | undefined): number | undefined {
  const r = ratio(base, peer);
  if (r === undefined || base === undefined) return undefined;
  return base.higherIsBetter ? r : 1 / r;
}

const fmt = (m: Metric): string => (m.unit === 'MiB' ? m.value.toFixed(1) : m.unit === 'ms' || m.unit === 'ms/query' ? m.value.toPrecision(3) : formatNumber(m.value));
const fmtRatio = (r: number | undefined): string => (r === undefined ? '-' : `${r.toPrecision(3)}x`);

/** '*' if the time budget stopped the workload; '†' if the engine's commits are not durable in a durable workload. */
function marks(w: WorkloadResult, engine: PeerInfo): string {
  const t = w.outcomes[engine.key]?.timed;
  return `${t !== undefined && !t.complete ? '*' : ''}${w.durable && engine.durability !== 'durable' ? '†' : ''}`;
}

export function printWorkloads(workloads: readonly WorkloadResult[], engines: readonly PeerInfo[]): void {
  for (const w of workloads) {
    const present = engines.filter((e) => w.outcomes[e.key] !== undefined || w.errors[e.key] !== undefined);
    const metricsOf = (key: string) => w.outcomes[key]?.metrics;
    const names = (metricsOf(BASE_KEY) ?? present.map((e) => metricsOf(e.key)).find((m) => m !== undefined) ?? []).map((m) => `${m.name} (${m.unit})`);
    console.log(`\n${w.title}`);
    const header = ['engine', ...names.flatMap((n) => [n, 'flint/peer'])];
    const rows = present.map((e) => {
      const ms = metricsOf(e.key);
      if (ms === undefined) return [e.label, 'FAILED', ...names.slice(1).flatMap(() => ['', '']), ''];
      const base = metricsOf(BASE_KEY);
      return [
        `${e.label}${marks(w, e)}`,
        ...ms.flatMap((m, i) => [fmt(m), e.key === BASE_KEY ? '' : fmtRatio(ratio(base?.[i], m))]),
      ];
    });
    printTable(header, rows);
  }
}

/** One Markdown table: a row per workload and metric, a column per engine, each cell "figure (Flint/peer)". */
export function markdownTable(workloads: readonly WorkloadResult[], engines: readonly PeerInfo[], headlineOnly = false): string {
  const lines = [`| workload | unit | ${engines.map((e) => e.label).join(' | ')} |`, `|---|---|${engines.map(() => '---:').join('|')}|`];
  for (const w of workloads) {
    const base = w.outcomes[BASE_KEY]?.metrics;
    const reference = base ?? Object.values(w.outcomes)[0]?.metrics ?? [];
    (headlineOnly ? reference.slice(0, 1) : reference).forEach((metric, i) => {
      const cells = engines.map((e) => {
        if (w.errors[e.key] !== undefined) return 'FAILED';
        const m = w.outcomes[e.key]?.metrics[i];
        if (m === undefined) return '';
        const r = e.key === BASE_KEY ? '' : ` (${fmtRatio(ratio(base?.[i], m))})`;
        return `${fmt(m)}${marks(w, e)}${r}`;
      });
      const name = reference.length > 1 && !headlineOnly ? `${w.title}: ${metric.name}` : w.title;
      lines.push(`| ${name} | ${metric.unit} | ${cells.join(' | ')} |`);
    });
  }
  return lines.join('\n');
}

const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#9d755d'];

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Grouped horizontal bars, one group per workload (its headline metric),
 * one bar per peer: how many times better Flint (WASM) is than that peer,
 * on a log scale with the 1.0 line marked. Bars of peers whose commits are
 * not durable, in a durable workload, are pale.
 */
export function svgChart(workloads: readonly WorkloadResult[], engines: readonly PeerInfo[], subtitle: readonly string[]): string {
  const peers = engines.filter((e) => e.key !== BASE_KEY);
  const groups = workloads
    .map((w) => {
      const base = w.outcomes[BASE_KEY]?.metrics[0];
      const bars = peers.map((p) => ({ peer: p, value: advantage(base, w.outcomes[p.key]?.metrics[0]), pale: w.durable && p.durability !== 'durable' }));
      return { w, bars: bars.filter((b) => b.value !== undefined) as { peer: PeerInfo; value: number; pale: boolean }[] };
    })
    .filter((g) => g.bars.length > 0);
  const values = groups.flatMap((g) => g.bars.map((b) => b.value));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(0.5, ...values))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(2, ...values))));
  const labelWidth = 330;
  const plotWidth = 560;
  const barHeight = 11;
  const groupGap = 14;
  const top = 78 + 13 * subtitle.length;
  const legendHeight = 20 * Math.ceil(peers.length / 3) + 40;
  const x = (v: number) => labelWidth + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth;
  let y = top;
  const out: string[] = [];
  for (const g of groups) {
    const h = g.bars.length * barHeight;
    out.push(`<text x="${labelWidth - 8}" y="${y + h / 2 + 4}" text-anchor="end" font-size="11">${escapeXml(shortTitle(g.w.title))}</text>`);
    for (const b of g.bars) {
      const color = COLORS[peers.indexOf(b.peer) % COLORS.length]!;
      const x0 = x(1);
      const x1 = x(Math.min(hi, Math.max(lo, b.value)));
      out.push(
        `<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(x1 - x0)).toFixed(1)}" height="${barHeight - 2}" fill="${color}"${b.pale ? ' fill-opacity="0.35"' : ''}><title>${escapeXml(`${b.peer.label}: ${b.value.toPrecision(3)}x`)}</title></rect>`,
      );
      out.push(`<text x="${(x1 + (b.value >= 1 ? 3 : -3)).toFixed(1)}" y="${y + barHeight - 3}" font-size="8" text-anchor="${b.value >= 1 ? 'start' : 'end'}" fill="#333">${b.value.toPrecision(2)}</text>`);
      y += barHeight;
    }
    y += groupGap;
  }
  const bottom = y;
  const ticks: string[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    ticks.push(`<line x1="${x(v)}" y1="${top - 6}" x2="${x(v)}" y2="${bottom}" stroke="#ddd"/>`);
    ticks.push(`<text x="${x(v)}" y="${top - 10}" font-size="10" text-anchor="middle">${v >= 1 ? v : v.toPrecision(1)}x</text>`);
  }
  ticks.push(`<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${bottom}" stroke="#000" stroke-width="1.5"/>`);
  const legend = peers.map((p, i) => {
    const lx = labelWidth + (i % 3) * 180;
    const ly = bottom + 18 + Math.floor(i / 3) * 20;
    return `<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 16}" y="${ly}" font-size="11">${escapeXml(p.label)}</text>`;
  });
  const height = bottom + legendHeight + 20;
  const width = labelWidth + plotWidth + 60;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Flint (WASM kernels) against each peer: how many times better (log scale; right of 1.0: Flint is better)</text>`,
    ...subtitle.map((line, i) => `<text x="10" y="${38 + 13 * i}" font-size="10" fill="#444">${escapeXml(line)}</text>`),
    `<text x="10" y="${38 + 13 * subtitle.length}" font-size="10" fill="#444">Headline figure per workload: rate (higher is better) or time and size (lower is better). Pale bars: the peer's commits are not durable.</text>`,
    ...ticks,
    ...out,
    ...legend,
    `<text x="10" y="${height - 8}" font-size="10" fill="#444">durable = fdatasync per commit (or group). Reproduce: npm run bench:peers</text>`,
    '</svg>',
  ].join('\n');
}

function shortTitle(title: string): string {
  return title.replace(/ \(.*\)$/, '').replace(/ \(up to .*$/, '');
}
