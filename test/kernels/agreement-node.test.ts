// Twin agreement for the B+-tree node kernels: random sequences of insert at
// the search position, delete, search, split and merge run on a WASM and a
// TypeScript Kernels instance side by side, at the same offsets. After every
// operation both must return the same value, that value must be the one a
// sorted-array model predicts, and both node pages must be byte-identical.
// Corrupt nodes must also behave identically. Seeds are fixed: any failure replays.
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { packedLength, packedOffset, type Kernels } from '../../src/kernels/index.ts';
import { NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NODE_OFF_RIGHT, NO_PAGE, PAGE_KIND_BTREE_LEAF, PAGE_OFF_KIND } from '../../src/kernels/layout.ts';
import { PAGE_SIZE } from '../../src/limits.ts';
import { makeKernels } from './harness.ts';

/** Usable bytes of a node: the page minus page header and node header. */
const NODE_ROOM = PAGE_SIZE - 48;
/** The page id node i (0 or 1) goes by in sibling links. */
const idOf = (i: number): number => 10 + i;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => compareBytes(a, b) === 0;

interface Entry {
  readonly key: Uint8Array;
  /** Leaf: the value bytes; internal: the 4-byte child id. */
  readonly val: Uint8Array;
}

/** What a node should hold: entries in key order, leftmost child and sibling links. */
interface NodeModel {
  entries: Entry[];
  leftmost: number;
  left: number;
  right: number;
}

const hex = (b: Uint8Array): string => Array.from(b.subarray(0, 12), (x) => x.toString(16).padStart(2, '0')).join('') + (b.length > 12 ? `..(${b.length})` : '');
const describeEntries = (entries: readonly Entry[]): string => `[${entries.map((e) => `${hex(e.key)}=${hex(e.val)}`).join(' ')}]`;

/**
 * Failures inside properties throw plain Errors with short messages: fast-check
 * shrinks by re-running failing cases, and building vitest diffs of large
 * objects for each of them would take minutes.
 */
function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}

const entryCost = (e: Entry): number => 2 + e.key.length + e.val.length + 4;
const usedBytes = (m: NodeModel): number => m.entries.reduce((n, e) => n + entryCost(e), 0);

function lowerBound(entries: readonly Entry[], key: Uint8Array): { pos: number; found: boolean } {
  let pos = 0;
  while (pos < entries.length && compareBytes(entries[pos]!.key, key) < 0) pos++;
  return { pos, found: pos < entries.length && sameBytes(entries[pos]!.key, key) };
}

/** The split point nodeSplitPoint must choose: least byte imbalance, first on ties. */
function modelSplitPoint(m: NodeModel, leaf: boolean): number {
  const n = m.entries.length;
  if (n < 2) return n;
  const total = usedBytes(m);
  let best = 1;
  let bestDiff = Infinity;
  let left = 0;
  for (let p = 1; p < n; p++) {
    left += entryCost(m.entries[p - 1]!);
    const right = total - left - (leaf ? 0 : entryCost(m.entries[p]!));
    if (Math.abs(left - right) < bestDiff) {
      bestDiff = Math.abs(left - right);
      best = p;
    }
  }
  return best;
}

const childBytes = (id: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, id, true);
  return b;
};
const childOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

/** A WASM and a TS instance driven in lockstep; every call must agree. */
class Twins {
  readonly kernels: readonly Kernels[] = [makeKernels('wasm'), makeKernels('ts')];
  readonly u8s = this.kernels.map((k) => new Uint8Array(k.buffer));
  readonly nodes: readonly number[];
  readonly key: number;
  readonly val: number;
  readonly sep: number;

  constructor() {
    const [w, s] = this.kernels as [Kernels, Kernels];
    check(w.arenaOffset === s.arenaOffset && w.scratchOffset === s.scratchOffset, () => 'twins use the same offsets');
    this.nodes = [w.arenaOffset, w.arenaOffset + PAGE_SIZE];
    this.key = w.scratchOffset;
    this.val = w.scratchOffset + 2048;
    this.sep = w.scratchOffset + 4096;
  }

  /** Runs f on both instances; both must return the same value (or both throw). */
  call(what: string, f: (k: Kernels) => number): number {
    const results = this.kernels.map((k) => {
      try {
        return f(k);
      } catch (e) {
        return `threw: ${(e as Error).message.replace(/ \(.*\)$/, '').replace(/^assertion failed(?: in WASM kernel)?: /, '')}`;
      }
    });
    check(results[0] === results[1], () => `${what}: wasm returned ${String(results[0])}, ts ${String(results[1])}`);
    if (typeof results[0] === 'string') throw new Error(`${what} ${results[0]}`);
    return results[0]!;
  }

  /** Same as call, for calls a corrupt node may legitimately fail with an assertion; -999 if both threw. */
  callMaybeThrows(what: string, f: (k: Kernels) => number): number {
    try {
      return this.call(what, f);
    } catch (e) {
      if ((e as Error).message.startsWith(`${what} threw`)) return -999;
      throw e;
    }
  }

  write(at: number, bytes: Uint8Array): void {
    for (const u8 of this.u8s) u8.set(bytes, at);
  }

  read(kind: number, at: number, len: number): Uint8Array {
    return this.u8s[kind]!.slice(at, at + len);
  }

  i32(kind: number, at: number): number {
    return new DataView(this.kernels[kind]!.buffer).getInt32(at, true);
  }

  expectSamePages(what: string): void {
    for (const node of this.nodes) {
      const a = this.u8s[0]!.subarray(node, node + PAGE_SIZE);
      const b = this.u8s[1]!.subarray(node, node + PAGE_SIZE);
      if (!sameBytes(a, b)) {
        const at = a.findIndex((x, i) => x !== b[i]);
        check(false, () => `${what}: node pages differ first at byte ${at} (wasm ${a[at]}, ts ${b[at]})`);
      }
    }
  }

  /** The node's entries as the kernels report them, for failure messages. */
  describe(node: number): string {
    const k = this.kernels[1]!;
    const out: Entry[] = [];
    const n = k.nodeCount(node);
    for (let i = 0; i < n; i++) {
      const kp = k.nodeKey(node, i);
      const vp = k.nodeValue(node, i);
      out.push({
        key: this.read(1, node + packedOffset(kp), packedLength(kp)),
        val: this.read(1, node + packedOffset(vp), packedLength(vp)),
      });
    }
    return describeEntries(out);
  }

  /** True if the node holds exactly these entries (compared in place, no copies). */
  holds(node: number, entries: readonly Entry[]): boolean {
    const k = this.kernels[1]!;
    const u8 = this.u8s[1]!;
    const inPlace = (packed: number, bytes: Uint8Array): boolean => {
      if (packed === -1 || packedLength(packed) !== bytes.length) return false;
      const at = node + packedOffset(packed);
      for (let i = 0; i < bytes.length; i++) if (u8[at + i] !== bytes[i]) return false;
      return true;
    };
    return k.nodeCount(node) === entries.length && entries.every((e, i) => inPlace(k.nodeKey(node, i), e.key) && inPlace(k.nodeValue(node, i), e.val));
  }
}

type NodeOp =
  | { readonly op: 'insert'; readonly node: number; readonly key: Uint8Array; readonly val: Uint8Array }
  | { readonly op: 'delete'; readonly node: number; readonly pick: number }
  | { readonly op: 'search'; readonly node: number; readonly key: Uint8Array }
  | { readonly op: 'split'; readonly node: number }
  | { readonly op: 'merge'; readonly node: number; readonly sep: Uint8Array };

// Keys from a 3-letter alphabet collide and share prefixes often; long ones fill nodes.
const keyArb = fc.oneof(
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 6, min: 0x61, max: 0x63 }), weight: 5 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 120, size: 'max' }), weight: 3 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 1024, min: 0x61, max: 0x62, size: 'max' }), weight: 2 },
);
const valArb = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 16 }), weight: 6 },
  { arbitrary: fc.uint8Array({ maxLength: 300, size: 'max' }), weight: 3 },
  { arbitrary: fc.uint8Array({ maxLength: 1024, size: 'max' }), weight: 1 },
);
const nodeArb = fc.integer({ min: 0, max: 1 });
const opArb = (leaf: boolean): fc.Arbitrary<NodeOp> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        op: fc.constant('insert' as const),
        node: fc.oneof({ arbitrary: fc.constant(2), weight: 4 }, { arbitrary: nodeArb, weight: 1 }),
        key: keyArb,
        val: leaf ? valArb : fc.integer({ min: -1, max: 0x7fffffff }).map(childBytes),
      }),
      weight: 10,
    },
    { arbitrary: fc.record({ op: fc.constant('delete' as const), node: nodeArb, pick: fc.nat(2000) }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('search' as const), node: nodeArb, key: keyArb }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('split' as const), node: nodeArb }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('merge' as const), node: nodeArb, sep: keyArb }), weight: 2 },
  );

/**
 * Node 2 in an insert means "where a tree would put it": into the node with
 * the higher keys if key >= its first key, else the other. This keeps the two
 * nodes in key order, so they fill up and can merge.
 */
function route(models: readonly NodeModel[], key: Uint8Array): number {
  const first = models.map((m) => m.entries[0]?.key);
  const high = first[0] !== undefined && (first[1] === undefined || compareBytes(first[0], first[1]) > 0) ? 0 : 1;
  return first[high] !== undefined && compareBytes(key, first[high]) >= 0 ? high : 1 - high;
}

/** Runs one operation on both instances and the model, checking results as it goes. */
function step(tw: Twins, models: NodeModel[], leaf: boolean, op: NodeOp, index: number): void {
  const what = `op ${index} ${op.op}`;
  if (op.op === 'insert' || op.op === 'search') {
    const target = op.node === 2 ? route(models, op.key) : op.node;
    const node = tw.nodes[target]!;
    const m = models[target]!;
    tw.write(tw.key, op.key);
    const r = tw.call(`${what} search`, (k) => k.nodeSearch(node, tw.key, op.key.length));
    const expected = lowerBound(m.entries, op.key);
    check(r === ((expected.pos << 1) | (expected.found ? 1 : 0)), () => `${what}: search gave ${r >> 1}/${r & 1}, model ${expected.pos}/${expected.found}`);
    // nodeSeek: the leaf's search after its touch, which reads only; -1 on an internal node.
    const pages = tw.u8s.map((u8) => u8.slice(node, node + PAGE_SIZE));
    const seek = tw.call(`${what} seek`, (k) => k.nodeSeek(node, tw.key, op.key.length));
    check(seek === (leaf ? r : -1), () => `${what}: seek gave ${seek}, search ${r} (${leaf ? 'leaf' : 'internal'})`);
    check(tw.u8s.every((u8, i) => sameBytes(u8.subarray(node, node + PAGE_SIZE), pages[i]!)), () => `${what}: seek changed the node`);
    if (!leaf) {
      // Routing: the last entry with key <= search key, else the leftmost child.
      let child = m.leftmost;
      for (const e of m.entries) if (compareBytes(e.key, op.key) <= 0) child = childOf(e.val);
      const got = tw.call(`${what} childFor`, (k) => k.nodeChildFor(node, tw.key, op.key.length));
      check(got === child, () => `${what}: childFor gave ${got}, model ${child}`);
    }
    if (op.op === 'search') return;
    tw.write(tw.val, op.val);
    const ok = tw.call(what, (k) => k.nodeInsert(node, expected.pos, tw.key, op.key.length, tw.val, op.val.length));
    const entry = { key: op.key, val: op.val };
    check(ok === (usedBytes(m) + entryCost(entry) <= NODE_ROOM ? 1 : 0), () => `${what}: insert returned ${ok} with ${usedBytes(m)} bytes used`);
    if (ok === 1) m.entries.splice(expected.pos, 0, entry);
  } else if (op.op === 'delete') {
    const m = models[op.node]!;
    if (m.entries.length === 0) return;
    const pos = op.pick % m.entries.length;
    tw.call(what, (k) => (k.nodeDelete(tw.nodes[op.node]!, pos), 0));
    m.entries.splice(pos, 1);
  } else if (op.op === 'split') {
    const from = op.node;
    const to = 1 - from;
    const m = models[from]!;
    const pos = tw.call(`${what} point`, (k) => k.nodeSplitPoint(tw.nodes[from]!));
    check(pos === modelSplitPoint(m, leaf), () => `${what}: split point ${pos}, model ${modelSplitPoint(m, leaf)}`);
    if (m.entries.length < 2) return;
    const sepLen = tw.call(what, (k) => k.nodeSplit(tw.nodes[from]!, idOf(from), tw.nodes[to]!, idOf(to), pos, tw.sep));
    const right: NodeModel = { entries: m.entries.slice(leaf ? pos : pos + 1), leftmost: NO_PAGE, left: idOf(from), right: m.right };
    const sep = leaf ? right.entries[0]!.key : m.entries[pos]!.key;
    if (!leaf) right.leftmost = childOf(m.entries[pos]!.val);
    check(sameBytes(tw.read(0, tw.sep, sepLen), sep) && sameBytes(tw.read(1, tw.sep, sepLen), sep), () => `${what}: wrong separator`);
    m.entries = m.entries.slice(0, pos);
    m.right = idOf(to);
    models[to] = right;
  } else {
    // Merge the node with the lower keys (op.node if that is not clear) with the other one.
    const first = models.map((m) => m.entries[0]?.key);
    const l = first[0] !== undefined && first[1] !== undefined ? (compareBytes(first[0], first[1]) <= 0 ? 0 : 1) : op.node;
    const left = models[l]!;
    const right = models[1 - l]!;
    const leftNode = tw.nodes[l]!;
    const rightNode = tw.nodes[1 - l]!;
    // An internal merge needs a separator between the halves: op.sep if it is, else left's last key.
    const lastLeft = left.entries.at(-1)?.key;
    const sepKey = leaf || lastLeft === undefined || compareBytes(lastLeft, op.sep) <= 0 ? op.sep : lastLeft;
    const down: Entry[] = leaf ? [] : [{ key: sepKey, val: childBytes(right.leftmost) }];
    const moved = down.concat(right.entries);
    const merged = left.entries.concat(moved);
    if (merged.some((e, i) => i > 0 && compareBytes(merged[i - 1]!.key, e.key) > 0)) return;
    tw.write(tw.sep, sepKey);
    const fits = usedBytes(left) + moved.reduce((n, e) => n + entryCost(e), 0) <= NODE_ROOM;
    const before = tw.read(1, leftNode, PAGE_SIZE);
    const ok = tw.call(what, (k) => k.nodeMerge(leftNode, rightNode, tw.sep, leaf ? 0 : sepKey.length));
    check(ok === (fits ? 1 : 0), () => `${what}: merge returned ${ok}, model ${fits ? 1 : 0}`);
    if (ok === 1) {
      left.entries = merged;
      left.right = right.right;
    } else {
      check(sameBytes(tw.read(1, leftNode, PAGE_SIZE), before), () => `${what}: a refused merge changed the left node`);
    }
  }
}

function checkAgainstModel(tw: Twins, models: readonly NodeModel[], leaf: boolean, what: string): void {
  tw.expectSamePages(what);
  models.forEach((m, i) => {
    const node = tw.nodes[i]!;
    check(tw.holds(node, m.entries), () => `${what}: node ${i} holds ${tw.describe(node)}, model ${describeEntries(m.entries)}`);
    const links = [tw.i32(1, node + NODE_OFF_LEFT), tw.i32(1, node + NODE_OFF_RIGHT)];
    check(links[0] === m.left && links[1] === m.right, () => `${what}: node ${i} links ${links}, model ${[m.left, m.right]}`);
    if (!leaf) {
      const children = m.entries.map((_, j) => tw.kernels[1]!.nodeChildAt(node, j - 1));
      const expected = m.entries.map((e, j) => (j === 0 ? m.leftmost : childOf(m.entries[j - 1]!.val)));
      check(children.every((c, j) => c === expected[j]), () => `${what}: node ${i} children ${children}, model ${expected}`);
    }
  });
}

for (const leaf of [true, false]) {
  describe(`B+-tree node twins agree with each other and with a sorted-array model (${leaf ? 'leaf' : 'internal'})`, () => {
    const tw = new Twins();

    it('over random insert / delete / search / split / merge sequences', () => {
      fc.assert(
        fc.property(fc.array(opArb(leaf), { minLength: 1, maxLength: 100, size: 'max' }), (ops) => {
          const models: NodeModel[] = [0, 1].map((i) => ({ entries: [], leftmost: 500 + i, left: NO_PAGE, right: NO_PAGE }));
          for (const [i, node] of tw.nodes.entries()) {
            tw.call('init', (k) => (k.nodeInit(node, leaf ? 0 : 1), 0));
            if (leaf) models[i]!.leftmost = NO_PAGE;
            else for (const u8 of tw.u8s) new DataView(u8.buffer).setInt32(node + NODE_OFF_LEFTMOST, 500 + i, true);
          }
          ops.forEach((op, i) => {
            step(tw, models, leaf, op, i);
            checkAgainstModel(tw, models, leaf, `after op ${i} ${op.op}`);
          });
        }),
        { seed: leaf ? 99 : 100, numRuns: 300 },
      );
    });
  });
}

describe('B+-tree node twins agree on corrupt nodes', () => {
  const tw = new Twins();
  const mutationArb = fc.array(fc.record({ at: fc.nat(PAGE_SIZE - 1), headerish: fc.boolean(), byte: fc.nat(255) }), { minLength: 1, maxLength: 12 });

  it('after random byte flips of sane nodes', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(keyArb, fc.uint8Array({ minLength: 4, maxLength: 4 })), { maxLength: 60 }),
        mutationArb,
        fc.array(opArb(false), { maxLength: 20 }),
        (leaf, entries, mutations, ops) => {
          const [n0, n1] = tw.nodes as [number, number];
          tw.call('init', (k) => (k.nodeInit(n0, leaf ? 0 : 1), k.nodeInit(n1, leaf ? 0 : 1), 0));
          for (const [key, val] of entries) {
            tw.write(tw.key, key);
            tw.write(tw.val, val);
            const r = tw.call('search', (k) => k.nodeSearch(n0, tw.key, key.length));
            tw.call('fill', (k) => k.nodeInsert(n0, r >> 1, tw.key, key.length, tw.val, 4));
          }
          for (const { at, headerish, byte } of mutations) tw.write(n0 + (headerish ? 16 + (at % 240) : at), new Uint8Array([byte]));
          for (const op of ops) runCorrupt(tw, op);
          tw.expectSamePages('corrupt');
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.integer(), fc.array(opArb(false), { maxLength: 20 }), (head, fillSeed, ops) => {
        const [n0] = tw.nodes as [number];
        const page = new Uint8Array(PAGE_SIZE);
        let x = fillSeed | 0 || 1;
        for (let i = 0; i < PAGE_SIZE; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          page[i] = x & 0xff;
        }
        page.set(head, 0);
        tw.write(n0, page);
        for (const op of ops) runCorrupt(tw, op);
        tw.expectSamePages('random');
      }),
      { seed: 8, numRuns: 300 },
    );
  });
});

/** One operation on a possibly corrupt node 0: results must agree; values are not checked. */
function runCorrupt(tw: Twins, op: NodeOp): void {
  const [n0, n1] = tw.nodes as [number, number];
  const count = tw.call('count', (k) => k.nodeCount(n0));
  for (let i = -1; i <= count; i++) {
    tw.call('key', (k) => k.nodeKey(n0, i));
    tw.call('value', (k) => k.nodeValue(n0, i));
    tw.call('childAt', (k) => k.nodeChildAt(n0, i));
  }
  if (op.op === 'insert' || op.op === 'search') {
    tw.write(tw.key, op.key);
    if (op.op === 'insert') tw.write(tw.val, op.val);
    const r = tw.call('search', (k) => k.nodeSearch(n0, tw.key, op.key.length));
    tw.call('childFor', (k) => k.nodeChildFor(n0, tw.key, op.key.length));
    // nodeSeek on a corrupt node: nodeSearch's answer on a leaf of level 0 (kind and level as written), else -1; no byte changed.
    const u8 = tw.u8s[0]!;
    const isLeaf0 = u8[n0 + PAGE_OFF_KIND] === PAGE_KIND_BTREE_LEAF && new DataView(u8.buffer).getUint16(n0 + NODE_OFF_LEVEL, true) === 0;
    const pages = tw.u8s.map((m) => m.slice(n0, n0 + PAGE_SIZE));
    const seek = tw.call('seek', (k) => k.nodeSeek(n0, tw.key, op.key.length));
    check(seek === (isLeaf0 ? r : -1), () => `corrupt seek gave ${seek}, search ${r}`);
    check(tw.u8s.every((m, i) => sameBytes(m.subarray(n0, n0 + PAGE_SIZE), pages[i]!)), () => 'corrupt seek changed the node');
    if (op.op === 'insert') tw.callMaybeThrows('insert', (k) => k.nodeInsert(n0, r >> 1, tw.key, op.key.length, tw.val, 4));
  } else if (op.op === 'delete') {
    if (count > 0) tw.call('delete', (k) => (k.nodeDelete(n0, op.pick % count), 0));
  } else if (op.op === 'split') {
    const pos = tw.call('splitPoint', (k) => k.nodeSplitPoint(n0));
    if (count >= 2) tw.call('split', (k) => k.nodeSplit(n0, 1, n1, 2, pos, tw.sep));
  } else {
    tw.write(tw.sep, op.sep);
    tw.call('merge', (k) => k.nodeMerge(n0, n1, tw.sep, op.sep.length));
  }
  tw.expectSamePages(`corrupt ${op.op}`);
}
