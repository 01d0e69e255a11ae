// B+-tree node kernels, one suite run against both implementations: search,
// insert, delete, split, merge and routing on single nodes, corrupt nodes, and
// a small three-level tree built by a test-local driver.
import { describe, expect, it } from 'vitest';
import { packedLength, packedOffset, type Kernels } from '../../src/kernels/index.ts';
import {
  NODE_OFF_LEFT, NODE_OFF_LEFTMOST, NODE_OFF_LEVEL, NODE_OFF_RIGHT, NO_PAGE, PAGE_KIND_BTREE_INTERNAL,
  PAGE_KIND_BTREE_LEAF, PAGE_OFF_FRAG_BYTES, PAGE_OFF_FREE_LOWER, PAGE_OFF_FREE_UPPER, PAGE_OFF_KIND,
  PAGE_OFF_LIVE_COUNT, PAGE_OFF_SLOT_COUNT,
} from '../../src/kernels/layout.ts';
import { MAX_INDEX_VALUE_SIZE, MAX_KEY_SIZE, PAGE_SIZE } from '../../src/limits.ts';
import { KERNEL_KINDS, makeKernels } from './harness.ts';

/** Usable bytes of a node: the page minus page header and node header. */
const NODE_ROOM = PAGE_SIZE - 48;
const enc = new TextEncoder();
const bytesOf = (s: string): Uint8Array => enc.encode(s);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomBytes(next: () => number, len: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = next() % alphabet;
  return out;
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (hex: string): Uint8Array => Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
}

/** Convenience wrappers: keys and values travel through the scratch area. */
function nodeTools(k: Kernels) {
  const u8 = new Uint8Array(k.buffer);
  const view = new DataView(k.buffer);
  const KEY = k.scratchOffset;
  const VAL = KEY + 2048;
  const SEP = KEY + 4096;
  const page = (i: number): number => k.arenaOffset + i * PAGE_SIZE;
  const t = {
    u8,
    view,
    page,
    SEP,
    search(node: number, key: Uint8Array): { pos: number; found: boolean } {
      u8.set(key, KEY);
      const r = k.nodeSearch(node, KEY, key.length);
      return { pos: r >> 1, found: (r & 1) === 1 };
    },
    childFor(node: number, key: Uint8Array): number {
      u8.set(key, KEY);
      return k.nodeChildFor(node, KEY, key.length);
    },
    insert(node: number, pos: number, key: Uint8Array, val: Uint8Array): number {
      u8.set(key, KEY);
      u8.set(val, VAL);
      return k.nodeInsert(node, pos, KEY, key.length, VAL, val.length);
    },
    /** Insert at the lower-bound position, as an index does. */
    put(node: number, key: Uint8Array, val: Uint8Array): number {
      return t.insert(node, t.search(node, key).pos, key, val);
    },
    key(node: number, pos: number): Uint8Array {
      const p = k.nodeKey(node, pos);
      expect(p).not.toBe(-1);
      return u8.slice(node + packedOffset(p), node + packedOffset(p) + packedLength(p));
    },
    value(node: number, pos: number): Uint8Array {
      const p = k.nodeValue(node, pos);
      expect(p).not.toBe(-1);
      return u8.slice(node + packedOffset(p), node + packedOffset(p) + packedLength(p));
    },
    keys(node: number): Uint8Array[] {
      return Array.from({ length: k.nodeCount(node) }, (_, i) => t.key(node, i));
    },
    values(node: number): Uint8Array[] {
      return Array.from({ length: k.nodeCount(node) }, (_, i) => t.value(node, i));
    },
    sep(len: number): Uint8Array {
      return u8.slice(SEP, SEP + len);
    },
    left: (node: number): number => view.getInt32(node + NODE_OFF_LEFT, true),
    right: (node: number): number => view.getInt32(node + NODE_OFF_RIGHT, true),
    leftmost: (node: number): number => view.getInt32(node + NODE_OFF_LEFTMOST, true),
    get16: (node: number, off: number): number => view.getUint16(node + off, true),
    /** Bytes the entries take (entry bytes plus slots), from the node's own accounting. */
    used(node: number): number {
      return NODE_ROOM - (t.get16(node, PAGE_OFF_FREE_UPPER) - t.get16(node, PAGE_OFF_FREE_LOWER)) - t.get16(node, PAGE_OFF_FRAG_BYTES);
    },
    snapshot: (node: number): Uint8Array => u8.slice(node, node + PAGE_SIZE),
  };
  return t;
}

/** Entry bytes plus slot: what an entry costs in a node. */
const cost = (keyLen: number, valLen: number): number => 2 + keyLen + valLen + 4;

for (const kind of KERNEL_KINDS) {
  describe(`B+-tree node kernels (${kind})`, () => {
    const k = makeKernels(kind, 4 << 20);
    const t = nodeTools(k);
    const A = t.page(0);
    const B = t.page(1);
    const C = t.page(2);

    it('formats empty leaves and internal nodes', () => {
      t.u8.fill(0xee, A, A + PAGE_SIZE);
      k.nodeInit(A, 0);
      expect(t.u8[A + PAGE_OFF_KIND]).toBe(PAGE_KIND_BTREE_LEAF);
      expect(k.nodeCount(A)).toBe(0);
      expect([t.left(A), t.right(A), t.leftmost(A)]).toEqual([NO_PAGE, NO_PAGE, NO_PAGE]);
      expect(t.get16(A, NODE_OFF_LEVEL)).toBe(0);
      expect(t.get16(A, PAGE_OFF_FREE_LOWER)).toBe(48);
      expect(t.get16(A, PAGE_OFF_FREE_UPPER)).toBe(PAGE_SIZE);
      expect(t.u8.slice(A + 48, A + PAGE_SIZE).every((b) => b === 0)).toBe(true);
      k.nodeInit(B, 3);
      expect(t.u8[B + PAGE_OFF_KIND]).toBe(PAGE_KIND_BTREE_INTERNAL);
      expect(t.get16(B, NODE_OFF_LEVEL)).toBe(3);
      expect(k.nodeChildAt(B, -1)).toBe(NO_PAGE);
      // Page-level tools see the node as a well-formed slotted page.
      expect(k.pageLiveCount(A)).toBe(0);
    });

    it('searches an empty node: position 0, not found', () => {
      k.nodeInit(A, 0);
      expect(t.search(A, bytesOf('k'))).toEqual({ pos: 0, found: false });
      expect(t.search(A, new Uint8Array(0))).toEqual({ pos: 0, found: false });
      expect(k.nodeKey(A, 0)).toBe(-1);
      expect(k.nodeValue(A, 0)).toBe(-1);
      k.nodeInit(B, 1);
      t.view.setInt32(B + NODE_OFF_LEFTMOST, 77, true);
      expect(t.childFor(B, bytesOf('anything'))).toBe(77);
    });

    for (const order of ['ascending', 'descending', 'random'] as const) {
      it(`inserts keys in ${order} order and keeps them sorted with their values`, () => {
        k.nodeInit(A, 0);
        const next = rng(42);
        const keys = Array.from({ length: 120 }, (_, i) => bytesOf(`key-${String(i).padStart(4, '0')}`));
        const inserted = order === 'ascending' ? [...keys] : order === 'descending' ? [...keys].reverse() : [...keys];
        if (order === 'random') for (let i = inserted.length - 1; i > 0; i--) {
          const j = next() % (i + 1);
          [inserted[i], inserted[j]] = [inserted[j]!, inserted[i]!];
        }
        for (const key of inserted) {
          const { pos, found } = t.search(A, key);
          expect(found).toBe(false);
          expect(t.insert(A, pos, key, key.slice(4))).toBe(1);
        }
        expect(k.nodeCount(A)).toBe(120);
        expect(k.pageLiveCount(A)).toBe(120);
        expect(t.keys(A)).toEqual(keys);
        expect(t.values(A)).toEqual(keys.map((key) => key.slice(4)));
        keys.forEach((key, i) => expect(t.search(A, key)).toEqual({ pos: i, found: true }));
        expect(t.used(A)).toBe(120 * cost(8, 4));
      });
    }

    it('gives duplicates lower-bound semantics', () => {
      k.nodeInit(A, 0);
      t.put(A, bytesOf('a'), bytesOf('0'));
      t.put(A, bytesOf('z'), bytesOf('0'));
      for (const v of ['1', '2', '3']) {
        expect(t.search(A, bytesOf('k')).pos).toBe(1);
        expect(t.put(A, bytesOf('k'), bytesOf(v))).toBe(1);
      }
      // Each duplicate went in front of the equal keys: the newest comes first.
      expect(t.values(A).map((v) => String.fromCharCode(...v))).toEqual(['0', '3', '2', '1', '0']);
      expect(t.search(A, bytesOf('k'))).toEqual({ pos: 1, found: true });
      expect(t.search(A, bytesOf('l'))).toEqual({ pos: 4, found: false });
    });

    it('orders prefixes first and searches variable-length keys', () => {
      k.nodeInit(A, 0);
      const keys = ['a', 'ab', 'abc', 'abd', 'b', 'ba', '\u00ff'].map(bytesOf);
      for (const key of [...keys].reverse()) t.put(A, key, key);
      expect(t.keys(A)).toEqual(keys);
      expect(t.search(A, bytesOf('ab'))).toEqual({ pos: 1, found: true });
      expect(t.search(A, bytesOf('abc'))).toEqual({ pos: 2, found: true });
      expect(t.search(A, bytesOf('abcd'))).toEqual({ pos: 3, found: false });
      expect(t.search(A, bytesOf('aa'))).toEqual({ pos: 1, found: false });
      expect(t.search(A, new Uint8Array(0))).toEqual({ pos: 0, found: false });
      expect(t.search(A, new Uint8Array([0xff, 0xff]))).toEqual({ pos: 7, found: false });
      // Bytes compare unsigned: 0x80 sorts after 0x7f.
      k.nodeInit(A, 0);
      t.put(A, new Uint8Array([0x80]), new Uint8Array(0));
      t.put(A, new Uint8Array([0x7f]), new Uint8Array(0));
      expect(t.keys(A)).toEqual([new Uint8Array([0x7f]), new Uint8Array([0x80])]);
    });

    for (const keyLen of [8, 100]) {
      it(`searches ${keyLen}-byte keys differing anywhere`, () => {
        k.nodeInit(A, 0);
        const next = rng(keyLen);
        const prefix = randomBytes(next, keyLen);
        const keys: Uint8Array[] = [];
        // Keys sharing long prefixes, differing at the first, a middle and the last byte.
        for (let i = 0; i < 30; i++) {
          const key = prefix.slice();
          key[[0, keyLen >> 1, keyLen - 1][i % 3]!] = next() & 0xff;
          key[keyLen - 1] = i;
          if (!keys.some((x) => compareBytes(x, key) === 0)) keys.push(key);
        }
        for (const key of keys) expect(t.put(A, key, u32le(keys.indexOf(key)))).toBe(1);
        const sorted = [...keys].sort(compareBytes);
        expect(t.keys(A)).toEqual(sorted);
        sorted.forEach((key, i) => {
          expect(t.search(A, key)).toEqual({ pos: i, found: true });
          expect(t.value(A, i)).toEqual(u32le(keys.indexOf(key)));
          // A key one byte shorter, or one byte longer, is not found and lands next to it.
          expect(t.search(A, key.subarray(0, keyLen - 1)).found).toBe(false);
          const longer = new Uint8Array(keyLen + 1);
          longer.set(key);
          expect(t.search(A, longer)).toEqual({ pos: i + 1, found: false });
        });
      });
    }

    it('fills up: insert returns 0 and leaves the node unchanged', () => {
      k.nodeInit(A, 0);
      const perEntry = cost(8, 8);
      const fit = Math.floor(NODE_ROOM / perEntry);
      let n = 0;
      for (;;) {
        const key = new Uint8Array(8);
        new DataView(key.buffer).setUint32(4, n * 7919 % 100003);
        const before = t.snapshot(A);
        const r = t.put(A, key, new Uint8Array(8).fill(n & 0xff));
        if (r === 0) {
          expect(t.snapshot(A)).toEqual(before);
          break;
        }
        n++;
      }
      expect(n).toBe(fit);
      expect(k.nodeCount(A)).toBe(fit);
      // A smaller entry may still fit the leftover bytes.
      const left = NODE_ROOM - fit * perEntry;
      const small = t.insert(A, 0, new Uint8Array([0]), new Uint8Array(0));
      expect(small).toBe(left >= cost(1, 0) ? 1 : 0);
    });

    it('accepts maximal keys and values and asserts on out-of-range lengths', () => {
      k.nodeInit(A, 0);
      expect(t.insert(A, 0, new Uint8Array(MAX_KEY_SIZE).fill(1), new Uint8Array(MAX_INDEX_VALUE_SIZE).fill(2))).toBe(1);
      expect(t.value(A, 0).length).toBe(MAX_INDEX_VALUE_SIZE);
      expect(() => t.insert(A, 0, new Uint8Array(0), new Uint8Array(1))).toThrow();
      expect(() => t.insert(A, 0, new Uint8Array(MAX_KEY_SIZE + 1), new Uint8Array(1))).toThrow();
      expect(() => t.insert(A, 0, new Uint8Array(1), new Uint8Array(MAX_INDEX_VALUE_SIZE + 1))).toThrow();
      expect(() => t.insert(A, 2, new Uint8Array(1), new Uint8Array(1))).toThrow();
      k.nodeInit(B, 1);
      expect(() => t.insert(B, 0, new Uint8Array(1), new Uint8Array(8))).toThrow();
      expect(() => k.nodeDelete(B, 0)).toThrow();
    });

    it('copies keys and values of every length whole, at the end and in the middle, and nothing more', () => {
      // Short keys and values are copied 8 bytes at a time and then byte by byte, long ones by memory.copy.
      const lengths = [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 66, 200];
      const next = rng(77);
      for (const keyLen of [...lengths, MAX_KEY_SIZE]) {
        for (const valLen of [0, ...lengths.filter((n) => n <= MAX_INDEX_VALUE_SIZE), MAX_INDEX_VALUE_SIZE]) {
          if (3 * cost(keyLen, valLen) > NODE_ROOM) continue;
          k.nodeInit(A, 0);
          const entries = [1, 3, 2].map((first) => {
            const key = randomBytes(next, keyLen);
            key[0] = first;
            return { key, val: randomBytes(next, valLen) };
          });
          // 1 and 3 at the end (the second after the first), 2 between them.
          expect(t.insert(A, 0, entries[0]!.key, entries[0]!.val)).toBe(1);
          expect(t.insert(A, 1, entries[1]!.key, entries[1]!.val)).toBe(1);
          expect(t.insert(A, 1, entries[2]!.key, entries[2]!.val)).toBe(1);
          const sorted = [entries[0]!, entries[2]!, entries[1]!];
          expect(t.keys(A).map(toHex)).toEqual(sorted.map((e) => toHex(e.key)));
          expect(t.values(A).map(toHex)).toEqual(sorted.map((e) => toHex(e.val)));
          // The free gap between the slots and the entries is untouched (zero since nodeInit).
          const lower = t.get16(A, PAGE_OFF_FREE_LOWER);
          const upper = t.get16(A, PAGE_OFF_FREE_UPPER);
          expect(upper - lower).toBe(NODE_ROOM - 3 * cost(keyLen, valLen));
          expect(t.u8.slice(A + lower, A + upper).every((b) => b === 0)).toBe(true);
        }
      }
    });

    it('deletes entries, counts the bytes as fragmented and reuses them after compaction', () => {
      k.nodeInit(A, 0);
      const keys = Array.from({ length: 100 }, (_, i) => bytesOf(`k${String(i).padStart(3, '0')}`));
      for (const key of keys) t.put(A, key, bytesOf('value-bytes'));
      k.nodeDelete(A, 50);
      k.nodeDelete(A, 0);
      k.nodeDelete(A, 97);
      const expected = keys.filter((_, i) => i !== 50 && i !== 0 && i !== 99);
      expect(t.keys(A)).toEqual(expected);
      expect(t.get16(A, PAGE_OFF_FRAG_BYTES)).toBe(3 * (2 + 4 + 11));
      expect(t.get16(A, PAGE_OFF_LIVE_COUNT)).toBe(97);
      expect(t.search(A, keys[50]!)).toEqual({ pos: 49, found: false });
      // Fill the contiguous space; the next insert only fits after compaction.
      let i = 0;
      while (t.get16(A, PAGE_OFF_FREE_UPPER) - t.get16(A, PAGE_OFF_FREE_LOWER) >= cost(4, 11)) {
        expect(t.put(A, bytesOf(`x${String(i++).padStart(3, '0')}`), bytesOf('value-bytes'))).toBe(1);
      }
      expect(t.put(A, bytesOf('k050'), bytesOf('value-bytes'))).toBe(1);
      expect(t.get16(A, PAGE_OFF_FRAG_BYTES)).toBe(0);
      expect(t.search(A, bytesOf('k050'))).toEqual({ pos: 49, found: true });
      expect(t.keys(A).length).toBe(97 + i + 1);
      expect(t.values(A).every((v) => compareBytes(v, bytesOf('value-bytes')) === 0)).toBe(true);
    });

    it('picks the split point that balances bytes', () => {
      k.nodeInit(A, 0);
      for (let i = 0; i < 10; i++) t.put(A, bytesOf(`k${i}`), bytesOf('v'));
      expect(k.nodeSplitPoint(A)).toBe(5);
      // Brute force on variable sizes, leaf and internal.
      for (const level of [0, 1]) {
        for (let seed = 1; seed <= 20; seed++) {
          const next = rng(seed);
          k.nodeInit(A, level);
          const sizes: number[] = [];
          for (;;) {
            const key = randomBytes(next, 1 + (next() % 200));
            const val = level === 0 ? randomBytes(next, next() % 50) : u32le(next());
            if (t.put(A, key, val) === 0) break;
          }
          const n = k.nodeCount(A);
          for (let i = 0; i < n; i++) sizes.push(t.key(A, i).length + t.value(A, i).length + 6);
          const total = sizes.reduce((a, b) => a + b, 0);
          let best = -1;
          let bestDiff = Infinity;
          let prefix = 0;
          for (let p = 1; p < n; p++) {
            prefix += sizes[p - 1]!;
            const right = total - prefix - (level === 0 ? 0 : sizes[p]!);
            if (Math.abs(prefix - right) < bestDiff) {
              bestDiff = Math.abs(prefix - right);
              best = p;
            }
          }
          expect(k.nodeSplitPoint(A)).toBe(best);
        }
      }
      k.nodeInit(A, 0);
      expect(k.nodeSplitPoint(A)).toBe(0);
      t.put(A, bytesOf('only'), bytesOf(''));
      expect(k.nodeSplitPoint(A)).toBe(1);
    });

    it('splits a leaf: separator is right\'s first key, siblings linked, both halves compacted', () => {
      k.nodeInit(A, 0);
      t.view.setInt32(A + NODE_OFF_LEFT, 5, true);
      t.view.setInt32(A + NODE_OFF_RIGHT, 9, true);
      const keys = Array.from({ length: 60 }, (_, i) => bytesOf(`key${String(i).padStart(3, '0')}`));
      for (const key of keys) t.put(A, key, key.slice(3));
      k.nodeDelete(A, 59); // leave some fragmentation behind
      // 59 equal entries: 29 | 30 and 30 | 29 tie; the first wins.
      const pos = k.nodeSplitPoint(A);
      expect(pos).toBe(29);
      t.u8.fill(0x55, B, B + PAGE_SIZE);
      const sepLen = k.nodeSplit(A, 7, B, 8, pos, t.SEP);
      expect(t.sep(sepLen)).toEqual(keys[29]);
      expect(t.keys(A)).toEqual(keys.slice(0, 29));
      expect(t.keys(B)).toEqual(keys.slice(29, 59));
      expect(t.values(B)).toEqual(keys.slice(29, 59).map((key) => key.slice(3)));
      expect([t.left(A), t.right(A)]).toEqual([5, 8]);
      expect([t.left(B), t.right(B), t.leftmost(B)]).toEqual([7, 9, NO_PAGE]);
      expect(t.get16(B, NODE_OFF_LEVEL)).toBe(0);
      for (const node of [A, B]) {
        expect(t.get16(node, PAGE_OFF_FRAG_BYTES)).toBe(0);
        const entries = k.nodeCount(node);
        expect(t.get16(node, PAGE_OFF_FREE_UPPER)).toBe(PAGE_SIZE - entries * (2 + 6 + 3));
        // The free gap is zeroed: the node's bytes depend only on its entries.
        const gap = t.u8.slice(node + t.get16(node, PAGE_OFF_FREE_LOWER), node + t.get16(node, PAGE_OFF_FREE_UPPER));
        expect(gap.every((b) => b === 0)).toBe(true);
      }
      // Degenerate leaf splits (for entries too large to share a node) are allowed.
      k.nodeInit(C, 0);
      t.put(C, bytesOf('m'), bytesOf('1'));
      expect(k.nodeSplit(C, 1, B, 2, 1, t.SEP)).toBe(0);
      expect([k.nodeCount(C), k.nodeCount(B)]).toEqual([1, 0]);
      expect(k.nodeSplit(C, 1, B, 2, 0, t.SEP)).toBe(1);
      expect([k.nodeCount(C), k.nodeCount(B)]).toEqual([0, 1]);
      expect(t.sep(1)).toEqual(bytesOf('m'));
      expect(() => k.nodeSplit(C, 1, B, 2, 2, t.SEP)).toThrow();
    });

    it('splits an internal node: the entry at pos moves up, its child becomes right\'s leftmost', () => {
      k.nodeInit(A, 2);
      t.view.setInt32(A + NODE_OFF_LEFTMOST, 1000, true);
      const keys = Array.from({ length: 9 }, (_, i) => bytesOf(`sep${i}`));
      keys.forEach((key, i) => t.put(A, key, u32le(2000 + i)));
      const pos = k.nodeSplitPoint(A);
      expect(pos).toBe(4);
      const sepLen = k.nodeSplit(A, 11, B, 12, pos, t.SEP);
      expect(t.sep(sepLen)).toEqual(keys[4]);
      expect(t.keys(A)).toEqual(keys.slice(0, 4));
      expect(t.keys(B)).toEqual(keys.slice(5));
      expect(k.nodeChildAt(A, -1)).toBe(1000);
      expect(k.nodeChildAt(B, -1)).toBe(2004);
      expect(Array.from({ length: 4 }, (_, i) => k.nodeChildAt(B, i))).toEqual([2005, 2006, 2007, 2008]);
      expect(t.get16(B, NODE_OFF_LEVEL)).toBe(2);
      expect([t.left(B), t.right(B), t.right(A)]).toEqual([11, NO_PAGE, 12]);
      // Routing across the two halves and the separator.
      expect(t.childFor(A, bytesOf('sep3z'))).toBe(2003);
      expect(t.childFor(B, keys[4]!)).toBe(2004);
      expect(t.childFor(B, bytesOf('sep6'))).toBe(2006);
    });

    it('routes keys to children: last entry <= key, else the leftmost', () => {
      k.nodeInit(A, 1);
      t.view.setInt32(A + NODE_OFF_LEFTMOST, 100, true);
      t.put(A, bytesOf('b'), u32le(101));
      t.put(A, bytesOf('d'), u32le(102));
      t.put(A, bytesOf('f'), u32le(103));
      const route = (s: string): number => t.childFor(A, bytesOf(s));
      expect(['', 'a', 'az', 'b', 'ba', 'c', 'd', 'e', 'f', 'z'].map(route)).toEqual([100, 100, 100, 101, 101, 101, 102, 102, 103, 103]);
      expect([-1, 0, 1, 2, 3].map((i) => k.nodeChildAt(A, i))).toEqual([100, 101, 102, 103, NO_PAGE]);
      expect(t.value(A, 1)).toEqual(u32le(102));
      // Equal separators: the last one whose key <= the search key wins.
      t.put(A, bytesOf('d'), u32le(104));
      expect(route('d')).toBe(102);
      expect(route('c')).toBe(101);
      // Leaves have no children.
      k.nodeInit(B, 0);
      expect(t.childFor(B, bytesOf('a'))).toBe(NO_PAGE);
      expect(k.nodeChildAt(B, -1)).toBe(NO_PAGE);
    });

    it('merges leaves when everything fits, and changes nothing when it does not', () => {
      k.nodeInit(A, 0);
      k.nodeInit(B, 0);
      t.view.setInt32(B + NODE_OFF_RIGHT, 42, true);
      for (let i = 0; i < 20; i++) t.put(A, bytesOf(`a${String(i).padStart(2, '0')}`), bytesOf('x'));
      for (let i = 0; i < 20; i++) t.put(B, bytesOf(`b${String(i).padStart(2, '0')}`), bytesOf('yy'));
      k.nodeDelete(A, 3);
      const before = t.keys(A).concat(t.keys(B));
      expect(k.nodeMerge(A, B, 0, 0)).toBe(1);
      expect(t.keys(A)).toEqual(before);
      expect(t.value(A, 18)).toEqual(bytesOf('x'));
      expect(t.value(A, 19)).toEqual(bytesOf('yy'));
      expect(t.value(A, 38)).toEqual(bytesOf('yy'));
      expect(t.right(A)).toBe(42);
      // Too much: nothing changes on either side.
      k.nodeInit(C, 0);
      for (let i = 0; i < 3; i++) t.put(C, bytesOf(`c${i}`), new Uint8Array(1000));
      const a = t.snapshot(A);
      const c = t.snapshot(C);
      k.nodeInit(B, 0);
      for (let i = 0; i < 2; i++) t.put(B, bytesOf(`d${i}`), new Uint8Array(1000));
      expect(k.nodeMerge(C, B, 0, 0)).toBe(0);
      expect(t.snapshot(C)).toEqual(c);
      expect(k.nodeMerge(A, C, 0, 0)).toBe(1);
      expect(t.snapshot(A)).not.toEqual(a);
      // Merge that fits only in fragmented space compacts first.
      k.nodeInit(A, 0);
      for (let i = 0; i < 3; i++) t.put(A, bytesOf(`a${i}`), new Uint8Array(1000));
      k.nodeDelete(A, 0);
      k.nodeDelete(A, 0);
      k.nodeInit(B, 0);
      for (let i = 0; i < 2; i++) t.put(B, bytesOf(`b${i}`), new Uint8Array(1000));
      expect(k.nodeMerge(A, B, 0, 0)).toBe(1);
      expect(t.keys(A)).toEqual(['a2', 'b0', 'b1'].map(bytesOf));
      // Different levels never merge.
      k.nodeInit(C, 1);
      expect(k.nodeMerge(B, C, t.SEP, 1)).toBe(0);
    });

    it('merges internal nodes, bringing the separator down with right\'s leftmost child', () => {
      k.nodeInit(A, 1);
      k.nodeInit(B, 1);
      t.view.setInt32(A + NODE_OFF_LEFTMOST, 1, true);
      t.view.setInt32(B + NODE_OFF_LEFTMOST, 3, true);
      t.put(A, bytesOf('b'), u32le(2));
      t.put(B, bytesOf('f'), u32le(4));
      t.u8.set(bytesOf('d'), t.SEP);
      expect(k.nodeMerge(A, B, t.SEP, 1)).toBe(1);
      expect(t.keys(A)).toEqual(['b', 'd', 'f'].map(bytesOf));
      expect([-1, 0, 1, 2].map((i) => k.nodeChildAt(A, i))).toEqual([1, 2, 3, 4]);
      expect(() => k.nodeMerge(A, B, t.SEP, 0)).toThrow();
      // Split undoes merge.
      const sepLen = k.nodeSplit(A, 0, B, 1, 1, t.SEP);
      expect(t.sep(sepLen)).toEqual(bytesOf('d'));
      expect([k.nodeChildAt(A, -1), k.nodeChildAt(A, 0), k.nodeChildAt(B, -1), k.nodeChildAt(B, 0)]).toEqual([1, 2, 3, 4]);
    });

    it('survives corrupt nodes without touching bytes outside them', () => {
      // The node is the last page of memory (reads past it trap in WASM),
      // the page before it is a guard that must stay unchanged.
      const node = k.memoryBytes - PAGE_SIZE;
      const guard = node - PAGE_SIZE;
      const other = guard - PAGE_SIZE;
      const guard2 = other - PAGE_SIZE;
      const next = rng(7);
      for (let round = 0; round < 300; round++) {
        t.u8.fill(0xa5, guard, guard + PAGE_SIZE);
        t.u8.fill(0xa5, guard2, guard2 + PAGE_SIZE);
        if (round % 3 === 0) {
          t.u8.set(randomBytes(next, PAGE_SIZE), node);
        } else {
          // A sane node with some bytes flipped, often in the header and slots.
          k.nodeInit(node, round % 2);
          for (let i = 0; i < 40; i++) t.put(node, randomBytes(next, 1 + (next() % 30), 4), u32le(i));
          for (let i = 0; i < 1 + (next() % 8); i++) {
            const at = next() % 4 === 0 ? next() % PAGE_SIZE : 16 + (next() % 200);
            t.u8[node + at] = next() & 0xff;
          }
        }
        const count = k.nodeCount(node);
        expect(count).toBeGreaterThanOrEqual(0);
        expect(count).toBeLessThanOrEqual((PAGE_SIZE - 48) / 4);
        for (let i = -1; i <= count; i++) {
          for (const p of [k.nodeKey(node, i), k.nodeValue(node, i)]) {
            if (p !== -1) expect(packedOffset(p) + packedLength(p)).toBeLessThanOrEqual(PAGE_SIZE);
          }
          k.nodeChildAt(node, i);
        }
        const key = randomBytes(next, 1 + (next() % 20), 4);
        const { pos } = t.search(node, key);
        expect(pos).toBeLessThanOrEqual(count);
        t.childFor(node, key);
        t.insert(node, Math.min(pos, k.nodeCount(node)), key, u32le(round));
        if (k.nodeCount(node) > 0) k.nodeDelete(node, next() % k.nodeCount(node));
        const splitAt = k.nodeSplitPoint(node);
        if (k.nodeCount(node) >= 2) {
          const sepLen = k.nodeSplit(node, 1, other, 2, splitAt, t.SEP);
          expect(sepLen).toBeLessThanOrEqual(MAX_KEY_SIZE);
          k.nodeMerge(node, other, t.SEP, Math.max(1, sepLen));
        }
        expect(t.u8.slice(guard, guard + PAGE_SIZE).every((b) => b === 0xa5)).toBe(true);
        expect(t.u8.slice(guard2, guard2 + PAGE_SIZE).every((b) => b === 0xa5)).toBe(true);
      }
    });

    it('builds a three-level tree of 5000 keys whose leaves chain in order', () => {
      const tree = new TestTree(k, t);
      const next = rng(2024);
      const entries = new Map<string, Uint8Array>();
      while (entries.size < 5000) {
        const key = randomBytes(next, 20 + (next() % 100), 16);
        const hex = toHex(key);
        if (entries.has(hex)) continue;
        const val = u32le(entries.size);
        entries.set(hex, val);
        tree.insert(key, val);
      }
      expect(tree.height()).toBeGreaterThanOrEqual(3);
      for (const [hex, val] of entries) expect(tree.lookup(fromHex(hex))).toEqual(val);
      expect(tree.lookup(new Uint8Array([0xff]))).toBeUndefined();
      const chained = tree.scan();
      const sorted = [...entries.keys()].map(fromHex).sort(compareBytes);
      expect(chained.length).toBe(sorted.length);
      expect(chained).toEqual(sorted);
      tree.checkLeftLinks();
    });
  });
}

/**
 * A minimal B+-tree over node pages, enough to exercise the kernels the way
 * the index layer will: descend with childFor, insert at the search position,
 * split on a full node, push separators up, grow a new root.
 */
class TestTree {
  readonly #k: Kernels;
  readonly #t: ReturnType<typeof nodeTools>;
  #root: number;
  #pages = 0;

  constructor(k: Kernels, t: ReturnType<typeof nodeTools>) {
    this.#k = k;
    this.#t = t;
    this.#root = this.#alloc(0);
  }

  #alloc(level: number): number {
    const id = this.#pages++;
    expect(this.#t.page(id) + PAGE_SIZE).toBeLessThanOrEqual(this.#k.memoryBytes);
    this.#k.nodeInit(this.#t.page(id), level);
    return id;
  }

  #level(id: number): number {
    return this.#t.get16(this.#t.page(id), NODE_OFF_LEVEL);
  }

  height(): number {
    return this.#level(this.#root) + 1;
  }

  /** Page ids from the root down to the leaf for key. */
  #path(key: Uint8Array): number[] {
    const path = [this.#root];
    while (this.#level(path[path.length - 1]!) > 0) {
      const child = this.#t.childFor(this.#t.page(path[path.length - 1]!), key);
      expect(child).not.toBe(NO_PAGE);
      path.push(child);
    }
    return path;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    const leaf = this.#t.page(this.#path(key).pop()!);
    const { pos, found } = this.#t.search(leaf, key);
    return found ? this.#t.value(leaf, pos) : undefined;
  }

  insert(key: Uint8Array, val: Uint8Array): void {
    const path = this.#path(key);
    let id = path.pop()!;
    let entryKey = key;
    let entryVal = val;
    for (;;) {
      const node = this.#t.page(id);
      if (this.#t.put(node, entryKey, entryVal) === 1) return;
      // Full: split, put the entry into its half, and carry the separator up.
      const level = this.#level(id);
      const rightId = this.#alloc(level);
      const right = this.#t.page(rightId);
      const sepLen = this.#k.nodeSplit(node, id, right, rightId, this.#k.nodeSplitPoint(node), this.#t.SEP);
      expect(sepLen).toBeGreaterThan(0);
      const sep = this.#t.sep(sepLen);
      const after = this.#t.right(right);
      if (after !== NO_PAGE) this.#t.view.setInt32(this.#t.page(after) + NODE_OFF_LEFT, rightId, true);
      const target = compareBytes(entryKey, sep) >= 0 ? right : node;
      expect(this.#t.put(target, entryKey, entryVal)).toBe(1);
      entryKey = sep;
      entryVal = u32le(rightId);
      const parent = path.pop();
      if (parent === undefined) {
        const rootId = this.#alloc(level + 1);
        this.#t.view.setInt32(this.#t.page(rootId) + NODE_OFF_LEFTMOST, this.#root, true);
        expect(this.#t.put(this.#t.page(rootId), entryKey, entryVal)).toBe(1);
        this.#root = rootId;
        return;
      }
      id = parent;
    }
  }

  /** Keys of all leaves, following right-sibling links from the leftmost leaf. */
  scan(): Uint8Array[] {
    let id = this.#root;
    while (this.#level(id) > 0) id = this.#k.nodeChildAt(this.#t.page(id), -1);
    expect(this.#t.left(this.#t.page(id))).toBe(NO_PAGE);
    const keys: Uint8Array[] = [];
    for (let hops = 0; id !== NO_PAGE; hops++) {
      expect(hops).toBeLessThan(this.#pages);
      keys.push(...this.#t.keys(this.#t.page(id)));
      id = this.#t.right(this.#t.page(id));
    }
    return keys;
  }

  /** Every node's right sibling points back to it, on every level. */
  checkLeftLinks(): void {
    for (let id = 0; id < this.#pages; id++) {
      const right = this.#t.right(this.#t.page(id));
      if (right !== NO_PAGE) expect(this.#t.left(this.#t.page(right))).toBe(id);
    }
  }
}
