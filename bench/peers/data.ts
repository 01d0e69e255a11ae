// bench/peers: the data every engine loads, and the answers it must give.
// Deterministic (seeded) and identical across engines.
import { seededRandom } from '../harness.ts';
import type { RowTuple } from './types.ts';

export interface Dataset {
  rows: readonly RowTuple[];
  /** Distinct values of cat: rows / 20, so a lookup by cat returns about 20 rows. */
  cats: number;
  catRows: readonly (readonly [number, string])[];
  count: number;
  idSum: number;
  amountSum: number;
  /** Per cat: rows, sum of ids, sum of amounts. */
  catCount: Int32Array;
  catIdSum: Float64Array;
  catAmountSum: Float64Array;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'an', 'el', 'or'];

/**
 * `s` as a flat string. Built by concatenation, a string is a V8 rope (a
 * ConsString) until something reads its characters: the first engine to
 * read it (any engine's encoder does: charCodeAt, a UTF-8 write) then flattens it in place, once,
 * for every engine after it. All engines share one dataset, so the engine
 * that ran first paid for everyone (Flint's tuple encoder took ~2x as long
 * on the ropes as on the same strings flat). Reading one character
 * flattens it here, before any engine runs.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Rows with ids 1..count (a seeded generator: the same rows on every run). */
export function makeRows(count: number, cats: number, seed: number, firstId = 1): RowTuple[] {
  const rand = seededRandom(seed);
  const rows: RowTuple[] = [];
  for (let i = 0; i < count; i++) {
    const id = firstId + i;
    let name = '';
    const parts = 2 + Math.floor(rand() * 4);
    for (let p = 0; p < parts; p++) name += SYLLABLES[Math.floor(rand() * SYLLABLES.length)]!;
    const email = `${name}.${id}@example.com`;
    const amount = Math.floor(rand() * 100_000) / 100;
    const cat = Math.floor(rand() * cats);
    rows.push([id, flat(name), flat(email), amount, cat]);
  }
  return rows;
}

export const catLabel = (cat: number): string => `label ${cat}`;

export function makeDataset(count: number): Dataset {
  const cats = Math.max(1, Math.floor(count / 20));
  const rows = makeRows(count, cats, 20261121);
  const catCount = new Int32Array(cats);
  const catIdSum = new Float64Array(cats);
  const catAmountSum = new Float64Array(cats);
  let idSum = 0;
  let amountSum = 0;
  for (const [id, , , amount, cat] of rows) {
    catCount[cat]!++;
    catIdSum[cat]! += id;
    catAmountSum[cat]! += amount;
    idSum += id;
    amountSum += amount;
  }
  const catRows = Array.from({ length: cats }, (_, c) => [c, catLabel(c)] as const);
  return { rows, cats, catRows, count, idSum, amountSum, catCount, catIdSum, catAmountSum };
}

/** `count` integers in [0, bound), seeded. */
export function randomInts(count: number, bound: number, seed: number): Int32Array {
  const rand = seededRandom(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rand() * bound);
  return out;
}

export class WrongAnswer extends Error {}

/** Fails the workload loudly: a wrong answer must never look like a fast one. */
export function check(ok: boolean, what: () => string): void {
  if (!ok) throw new WrongAnswer(what());
}

/** Equal up to the rounding of summing doubles in another order. */
export function near(a: unknown, b: number): boolean {
  const x = typeof a === 'string' ? Number(a) : a;
  return typeof x === 'number' && Math.abs(x - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
