// The B+-tree against a sorted-array model, with both kernel implementations:
// random inserts (duplicates must return false), deletes of present and
// absent keys, updates of the same and other lengths, point lookups, scans in
// both directions between random inclusive/exclusive bounds (scan and
// collect, whose nodeCollect kernel copies a leaf's range at once), and cursors with
// modifications between their next() calls. Keys are prefixes of each other
// by construction and run from 1 to 1024 bytes, so trees reach depth 3 and
// more within a few hundred entries. check() runs after every batch.
// Seeds are fixed: any failure replays.
import * as fc from 'fast-check';
import { flintError } from '../../txn/engine-helpers.ts';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../src/errors.ts';
import { MAX_BTREE_VALUE_SIZE, MAX_KEY_SIZE } from '../../../src/limits.ts';
import { BTree } from '../../../src/storage/index/index.ts';
import { createMemoryVfs, Prng } from '../../../src/storage/vfs/index.ts';
import { KINDS, MiniDb, Model, compareBytes, diffEntries, hex, keyId, treeEntries } from './harness.ts';

/** Plain Errors with short messages: fast-check re-runs failing cases while shrinking. */
function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}

/** Key n of `length` bytes: two bytes of n, then filler from n. Keys with the same n are prefixes of each other. */
function keyOf(n: number, length: number): Uint8Array {
  const key = new Uint8Array(length);
  for (let i = 0; i < length; i++) key[i] = i === 0 ? (n >> 8) & 0xff : i === 1 ? n & 0xff : (n * 31 + i * 7) & 0xff;
  return key;
}

const LENGTHS = [1, 2, 3, 5, 8, 40, 200, 500, 800, 1000, MAX_KEY_SIZE];
const keyArb = fc.record({ n: fc.integer({ min: 0, max: 400 }), l: fc.integer({ min: 0, max: LENGTHS.length - 1 }) }).map(({ n, l }) => keyOf(n, LENGTHS[l]!));
const valueArb = fc.uint8Array({ maxLength: MAX_BTREE_VALUE_SIZE });
const boundArb = fc.option(fc.record({ key: keyArb, inclusive: fc.boolean() }), { nil: undefined });
const scanArb: fc.Arbitrary<ScanSpec> = fc.record({ lower: boundArb, upper: boundArb, reverse: fc.boolean() });

interface ScanSpec {
  lower: { key: Uint8Array; inclusive: boolean } | undefined;
  upper: { key: Uint8Array; inclusive: boolean } | undefined;
  reverse: boolean;
}

type Op =
  | { op: 'insert'; key: Uint8Array; value: Uint8Array }
  | { op: 'insertExisting'; pick: number; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'deleteExisting'; pick: number }
  | { op: 'update'; pick: number; value: Uint8Array }
  | { op: 'updateAbsent'; key: Uint8Array; value: Uint8Array }
  | { op: 'find'; key: Uint8Array }
  | { op: 'findExisting'; pick: number }
  | { op: 'scan'; scan: ScanSpec }
  | { op: 'cursor'; scan: ScanSpec; steps: number; seed: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('insert' as const), key: keyArb, value: valueArb }), weight: 12 },
  { arbitrary: fc.record({ op: fc.constant('insertExisting' as const), pick: fc.nat(), value: valueArb }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('deleteExisting' as const), pick: fc.nat() }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(), value: valueArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('updateAbsent' as const), key: keyArb, value: valueArb }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('find' as const), key: keyArb }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('findExisting' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('scan' as const), scan: scanArb }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('cursor' as const), scan: scanArb, steps: fc.integer({ min: 1, max: 40 }), seed: fc.nat() }), weight: 1 },
) as fc.Arbitrary<Op>;

interface ScanBounds {
  lower?: Uint8Array;
  lowerInclusive?: boolean;
  upper?: Uint8Array;
  upperInclusive?: boolean;
  reverse?: boolean;
}

function toOptions(s: ScanSpec): ScanBounds {
  const o: ScanBounds = { reverse: s.reverse };
  if (s.lower !== undefined) {
    o.lower = s.lower.key;
    o.lowerInclusive = s.lower.inclusive;
  }
  if (s.upper !== undefined) {
    o.upper = s.upper.key;
    o.upperInclusive = s.upper.inclusive;
  }
  return o;
}

function inBounds(key: Uint8Array, o: ScanBounds): boolean {
  if (o.lower !== undefined) {
    const c = compareBytes(key, o.lower);
    if (c < 0 || (c === 0 && o.lowerInclusive === false)) return false;
  }
  if (o.upper !== undefined) {
    const c = compareBytes(key, o.upper);
    if (c > 0 || (c === 0 && o.upperInclusive === false)) return false;
  }
  return true;
}

/**
 * A cursor with random modifications between its next() calls. What it must
 * return: keys in strictly ascending (descending) order, each present with its
 * current value when returned, and every key in range that was present for
 * the cursor's whole life.
 */
function runCursor(tree: BTree, model: Model, o: ScanBounds, steps: number, seed: number): void {
  const prng = new Prng(seed + 1);
  const present = new Map<string, Uint8Array>();
  for (const e of model.range(o)) present.set(keyId(e.key), e.key);
  const returned = new Set<string>();
  const cursor = tree.cursor(o);
  let last: Uint8Array | undefined;
  for (let step = 0; step < steps * 4; step++) {
    const entry = cursor.next();
    if (entry === undefined) break;
    if (last !== undefined) {
      const c = compareBytes(entry.key, last);
      check(o.reverse === true ? c < 0 : c > 0, () => `cursor order: ${hex(entry.key).slice(0, 16)} after ${hex(last!).slice(0, 16)}`);
    }
    check(inBounds(entry.key, o), () => 'cursor returned a key out of bounds');
    const want = model.get(entry.key);
    check(want !== undefined && compareBytes(want, entry.value) === 0, () => `cursor returned ${hex(entry.key).slice(0, 16)} which the model has as ${want === undefined ? 'absent' : hex(want)}`);
    returned.add(keyId(entry.key));
    last = entry.key;
    if (step < steps) {
      // Change the tree: near the cursor, anywhere, inserts and deletes.
      for (let j = prng.int(4); j > 0; j--) {
        if (prng.chance(0.5) && model.size > 0) {
          const victim = model.entries[prng.int(model.size)]!.key;
          present.delete(keyId(victim));
          check(tree.delete(victim) === model.delete(victim), () => 'cursor: delete result');
        } else {
          const key = keyOf(prng.int(401), LENGTHS[prng.int(LENGTHS.length)]!);
          const value = Uint8Array.of(prng.int(256));
          check(tree.insert(key, value) === model.insert(key, value), () => 'cursor: insert result');
        }
      }
    }
  }
  if (cursor.next() !== undefined) return; // stopped early: nothing more to check
  for (const [h, key] of present) {
    if (model.get(key) === undefined) continue;
    check(returned.has(h), () => `cursor skipped ${hex(key).slice(0, 16)}, present all along`);
  }
}

function runOps(tree: BTree, model: Model, ops: readonly Op[]): void {
  for (const op of ops) {
    const pickKey = (pick: number): Uint8Array | undefined => (model.size === 0 ? undefined : model.entries[pick % model.size]!.key);
    switch (op.op) {
      case 'insert': {
        const want = model.insert(op.key, op.value);
        check(tree.insert(op.key, op.value) === want, () => `insert ${hex(op.key).slice(0, 16)} (${op.key.length} bytes): want ${want}`);
        break;
      }
      case 'insertExisting': {
        const key = pickKey(op.pick);
        if (key !== undefined) check(!tree.insert(key, op.value), () => 'insert of an existing key returned true');
        break;
      }
      case 'delete': {
        const want = model.delete(op.key);
        check(tree.delete(op.key) === want, () => `delete ${hex(op.key).slice(0, 16)}: want ${want}`);
        break;
      }
      case 'deleteExisting': {
        const key = pickKey(op.pick);
        if (key === undefined) break;
        model.delete(key);
        check(tree.delete(key), () => 'delete of an existing key returned false');
        break;
      }
      case 'update': {
        const key = pickKey(op.pick);
        if (key === undefined) break;
        model.update(key, op.value);
        check(tree.update(key, op.value), () => 'update of an existing key returned false');
        break;
      }
      case 'updateAbsent': {
        const want = model.update(op.key, op.value);
        check(tree.update(op.key, op.value) === want, () => `update: want ${want}`);
        break;
      }
      case 'find':
      case 'findExisting': {
        const key = op.op === 'find' ? op.key : pickKey(op.pick);
        if (key === undefined) break;
        const got = tree.get(key);
        const want = model.get(key);
        check(want === undefined ? got === undefined : got !== undefined && compareBytes(got, want) === 0, () => `get ${hex(key).slice(0, 16)}`);
        const length = tree.find(key, (_u8, _v, _offset, len) => len);
        check(length === want?.length, () => 'find length');
        break;
      }
      case 'scan': {
        const o = toOptions(op.scan);
        const got: { key: Uint8Array; value: Uint8Array }[] = [];
        tree.scan(o, (key, value) => {
          got.push({ key: key.slice(), value: value.slice() });
        });
        const diff = diffEntries(got, model.range(o));
        check(diff === '', () => `scan ${JSON.stringify({ ...o, lower: o.lower?.length, upper: o.upper?.length })}: ${diff}`);
        // collect(): the same range, each leaf's entries copied out by one nodeCollect call.
        const collected: { key: Uint8Array; value: Uint8Array }[] = [];
        tree.collect(o, (u8, keyAt, keyLen, valueAt, valueLen) => {
          collected.push({ key: u8.slice(keyAt, keyAt + keyLen), value: u8.slice(valueAt, valueAt + valueLen) });
        });
        const collectDiff = diffEntries(collected, model.range(o));
        check(collectDiff === '', () => `collect ${JSON.stringify({ ...o, lower: o.lower?.length, upper: o.upper?.length })}: ${collectDiff}`);
        // collectBlocks(): the same, a leaf's entries in one packed block (reverse scans and long bounds one by one).
        const blocks: { key: Uint8Array; value: Uint8Array }[] = [];
        const one = (u8: Uint8Array, keyAt: number, keyLen: number, valueAt: number, valueLen: number) => {
          blocks.push({ key: u8.slice(keyAt, keyAt + keyLen), value: u8.slice(valueAt, valueAt + valueLen) });
        };
        tree.collectBlocks(o, (u8, at, count) => {
          check(count > 0, () => 'an empty block');
          for (let i = 0; i < count; i++) {
            const keyLen = u8[at]! | (u8[at + 1]! << 8);
            const valueLen = u8[at + 2 + keyLen]! | (u8[at + 3 + keyLen]! << 8);
            one(u8, at + 2, keyLen, at + 4 + keyLen, valueLen);
            at += 4 + keyLen + valueLen;
          }
        }, one);
        const blockDiff = diffEntries(blocks, model.range(o));
        check(blockDiff === '', () => `collectBlocks ${JSON.stringify({ ...o, lower: o.lower?.length, upper: o.upper?.length })}: ${blockDiff}`);
        break;
      }
      case 'cursor':
        runCursor(tree, model, toOptions(op.scan), op.steps, op.seed);
        break;
    }
  }
}

function verify(tree: BTree, model: Model): void {
  const c = tree.check();
  check(c.entries === model.size, () => `check(): ${c.entries} entries, model ${model.size}`);
  const diff = diffEntries(treeEntries(tree), model.entries);
  check(diff === '', () => `content: ${diff}`);
}

for (const kind of KINDS) {
  describe(`B+-tree against a model (${kind} kernels)`, () => {
    it('random operations, scans and cursors agree with the model; check() holds after every batch', () => {
      let deepest = 0;
      fc.assert(
        fc.property(fc.array(fc.array(opArb, { minLength: 20, maxLength: 150, size: 'max' }), { minLength: 2, maxLength: 12, size: 'max' }), (batches) => {
          const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
          const tree = BTree.create(db.heap, 100);
          const model = new Model();
          for (const batch of batches) {
            runOps(tree, model, batch);
            verify(tree, model);
            deepest = Math.max(deepest, tree.height);
          }
        }),
        { seed: kind === 'wasm' ? 4242 : 4243, numRuns: 40 },
      );
      expect(deepest).toBeGreaterThanOrEqual(3);
    });

    it('grows to depth >= 3, shrinks back to one leaf when emptied, and reuses the freed pages', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 7);
      const prng = new Prng(kind === 'wasm' ? 1 : 2);
      const model = new Model();
      let total = 0;
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 600; i++) {
          const key = keyOf(prng.int(5000), 100 + prng.int(925));
          const value = Uint8Array.of(i & 0xff, i >> 8);
          expect(tree.insert(key, value)).toBe(model.insert(key, value));
          if (i % 100 === 99) verify(tree, model);
        }
        const full = tree.check();
        expect(full.height).toBeGreaterThanOrEqual(3);
        const blocks = db.heap.blocksOf(7).length;
        // Pages come off the free list first: new ones only once it is empty.
        if (round === 1) expect(full.pages + full.freePages).toBe(Math.max(total, full.pages));
        total = full.pages + full.freePages;
        // Delete everything in random order.
        const keys = model.entries.map((e) => e.key);
        for (let i = keys.length - 1; i > 0; i--) {
          const j = prng.int(i + 1);
          [keys[i], keys[j]] = [keys[j]!, keys[i]!];
        }
        for (let i = 0; i < keys.length; i++) {
          expect(tree.delete(keys[i]!)).toBe(true);
          model.delete(keys[i]!);
          if (i % 100 === 0) verify(tree, model);
        }
        const empty = tree.check();
        expect(empty).toEqual({ entries: 0, height: 1, pages: 1, freePages: full.pages + full.freePages - 1 });
        expect(db.heap.blocksOf(7).length).toBe(blocks);
      }
      // Refilling takes pages from the free list, not new blocks.
      const before = db.heap.blocksOf(7).length;
      const freeBefore = tree.check().freePages;
      for (let i = 0; i < 300; i++) tree.insert(keyOf(i, 600), new Uint8Array(8));
      const after = tree.check();
      expect(after.freePages).toBe(freeBefore - (after.pages - 1));
      expect(db.heap.blocksOf(7).length).toBe(before);
    });

    it('scans whose visitor changes the tree still visit every key present throughout, once, in order', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 9);
      const model = new Model();
      for (let i = 0; i < 400; i += 2) {
        model.insert(keyOf(i, 300), Uint8Array.of(1));
        tree.insert(keyOf(i, 300), Uint8Array.of(1));
      }
      for (const reverse of [false, true]) {
        const seen: Uint8Array[] = [];
        const stable = model.entries.filter((_, i) => i % 3 === 0).map((e) => e.key);
        tree.scan({ reverse }, (key) => {
          seen.push(key.slice());
          // Delete the neighbours ahead that are not "stable", insert odd keys everywhere (splits and merges).
          const n = (key[0]! << 8) | key[1]!;
          if (n % 2 === 1) return; // only even keys change the tree, so the scan ends
          for (const m of [n + 2, n - 2, n + 1, n - 1]) {
            if (m < 0) continue;
            const k2 = keyOf(m, 300);
            if (m % 2 === 0 && !stable.some((s) => compareBytes(s, k2) === 0)) {
              tree.delete(k2);
              model.delete(k2);
            } else if (m % 2 === 1) {
              tree.insert(k2, Uint8Array.of(2));
              model.insert(k2, Uint8Array.of(2));
            }
          }
        });
        for (let i = 1; i < seen.length; i++) expect(Math.sign(compareBytes(seen[i]!, seen[i - 1]!))).toBe(reverse ? -1 : 1);
        const seenSet = new Set(seen.map(keyId));
        for (const s of stable) expect(seenSet.has(keyId(s))).toBe(true);
        verify(tree, model);
      }
    });

    it('stops a scan when the visitor returns false', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 9);
      for (let i = 0; i < 100; i++) tree.insert(keyOf(i, 50), new Uint8Array(0));
      let visits = 0;
      tree.scan({ lower: keyOf(10, 50) }, () => ++visits < 5);
      expect(visits).toBe(5);
      expect(db.pool.pinnedFrames()).toBe(0);
    });

    it('refuses keys and values over the limits with 54000, and takes them at the limit', () => {
      const db = MiniDb.create({ kind, vfs: createMemoryVfs(), walFileBytes: 1 << 20 });
      const tree = BTree.create(db.heap, 5);
      const atLimit = keyOf(1, MAX_KEY_SIZE);
      expect(tree.insert(atLimit, new Uint8Array(MAX_BTREE_VALUE_SIZE).fill(7))).toBe(true);
      expect(tree.get(atLimit)).toEqual(new Uint8Array(MAX_BTREE_VALUE_SIZE).fill(7));
      const tooLong = keyOf(1, MAX_KEY_SIZE + 1);
      const keyError = flintError(() => tree.insert(tooLong, new Uint8Array(0)));
      expect(keyError.code).toBe('54000');
      expect(keyError.message).toContain(`${MAX_KEY_SIZE + 1} bytes`);
      expect(keyError.message).toContain(`maximum is ${MAX_KEY_SIZE}`);
      expect(flintError(() => tree.update(tooLong, new Uint8Array(0))).code).toBe('54000');
      const valueError = flintError(() => tree.insert(keyOf(2, 10), new Uint8Array(MAX_BTREE_VALUE_SIZE + 1)));
      expect(valueError.code).toBe('54000');
      expect(valueError.message).toContain(`${MAX_BTREE_VALUE_SIZE + 1} bytes`);
      expect(valueError.message).toContain(`maximum is ${MAX_BTREE_VALUE_SIZE}`);
      expect(flintError(() => tree.scan({ lower: tooLong }, () => {})).code).toBe('54000');
      expect(flintError(() => tree.insert(new Uint8Array(0), new Uint8Array(0))).code).toBe('22023');
      // Lookups of impossible keys find nothing.
      expect(tree.get(tooLong)).toBeUndefined();
      expect(tree.delete(tooLong)).toBe(false);
      expect(tree.get(new Uint8Array(0))).toBeUndefined();
      // Many maximal keys: every split and merge still works.
      const model = new Model();
      model.insert(atLimit, new Uint8Array(MAX_BTREE_VALUE_SIZE).fill(7));
      for (let i = 0; i < 200; i++) {
        const key = keyOf(i * 13 % 200, MAX_KEY_SIZE);
        expect(tree.insert(key, new Uint8Array(MAX_BTREE_VALUE_SIZE))).toBe(model.insert(key, new Uint8Array(MAX_BTREE_VALUE_SIZE)));
      }
      verify(tree, model);
      expect(tree.height).toBeGreaterThanOrEqual(4);
      for (let i = 0; i < 200; i += 2) {
        const key = keyOf(i, MAX_KEY_SIZE);
        expect(tree.delete(key)).toBe(model.delete(key));
      }
      verify(tree, model);
      expect(db.pool.pinnedFrames()).toBe(0);
    });

    it('reopens from its meta block with the same content', () => {
      const vfs = createMemoryVfs();
      const db = MiniDb.create({ kind, vfs });
      const a = BTree.create(db.heap, 11);
      const b = BTree.create(db.heap, 12);
      const model = new Model();
      for (let i = 0; i < 500; i++) {
        a.insert(keyOf(i, 250), Uint8Array.of(i & 0xff));
        model.insert(keyOf(i, 250), Uint8Array.of(i & 0xff));
        b.insert(keyOf(i, 3), new Uint8Array(0));
      }
      expect(flintError(() => BTree.create(db.heap, 11)).code).toBe('55000');
      db.close();
      const again = MiniDb.open({ kind, vfs });
      const a2 = BTree.open(again.heap, 11, a.metaBlock);
      verify(a2, model);
      expect(again.openTree(12).check().entries).toBe(500);
      expect(flintError(() => BTree.open(again.heap, 12, a.metaBlock)).code).toBe('XX002');
    });
  });
}

