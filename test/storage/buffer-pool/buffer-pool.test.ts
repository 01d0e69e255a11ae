import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createKernels, type KernelKind, type Kernels } from '../../../src/kernels/index.ts';
import { BufferPool, type PoolFile } from '../../../src/storage/buffer-pool/index.ts';
import { hintSlot } from '../../../src/storage/buffer-pool/buffer-pool.ts';
import { BLOCK_SIZE, PAGE_SIZE, PAGES_PER_BLOCK } from '../../../src/limits.ts';
import { PAGE_KIND_HEAP, PAGE_HEADER_SIZE } from '../../../src/kernels/layout.ts';
import { FlintError } from '../../../src/errors.ts';

/** A file in a growable byte array that records every write, to see what the pool wrote. */
class RecordingFile implements PoolFile {
  bytes = new Uint8Array(0);
  writes: { position: number; length: number }[] = [];
  reads = 0;
  constructor(readonly path: string) {}
  read(into: Uint8Array, position: number): number {
    this.reads++;
    const n = Math.max(0, Math.min(into.length, this.bytes.length - position));
    into.set(this.bytes.subarray(position, position + n));
    return n;
  }
  write(from: Uint8Array, position: number): void {
    this.writes.push({ position, length: from.length });
    if (position + from.length > this.bytes.length) {
      const grown = new Uint8Array(position + from.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(from, position);
  }
}

/** A file of whole blocks kept by position: far blocks cost nothing. */
class SparseFile implements PoolFile {
  readonly blocks = new Map<number, Uint8Array>();
  constructor(readonly path: string) {}
  read(into: Uint8Array, position: number): number {
    const block = this.blocks.get(position);
    if (block === undefined) return 0;
    into.set(block);
    return block.length;
  }
  write(from: Uint8Array, position: number): void {
    const block = this.blocks.get(position - (position % BLOCK_SIZE)) ?? new Uint8Array(BLOCK_SIZE);
    block.set(from, position % BLOCK_SIZE);
    this.blocks.set(position - (position % BLOCK_SIZE), block);
  }
}

const KINDS: KernelKind[] = ['wasm', 'ts'];
const FRAMES = 4;

function setup(kind: KernelKind, frames = FRAMES): { kernels: Kernels; pool: BufferPool } {
  const kernels = createKernels({ kind, arenaBytes: frames * BLOCK_SIZE });
  return { kernels, pool: new BufferPool(kernels) };
}

/** Formats every page of a frame as an empty heap page holding one tuple with `marker`. */
function formatBlock(kernels: Kernels, pool: BufferPool, frame: number, marker: number): void {
  const base = pool.frameOffset(frame);
  const mem = new Uint8Array(kernels.buffer);
  for (let page = 0; page < PAGES_PER_BLOCK; page++) {
    kernels.pageInit(base + page * PAGE_SIZE, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
    mem.fill(marker, kernels.scratchOffset, kernels.scratchOffset + 8);
    expect(kernels.pageInsert(base + page * PAGE_SIZE, kernels.scratchOffset, 8)).toBe(0);
  }
}

function tupleByte(kernels: Kernels, pool: BufferPool, frame: number, page: number): number {
  const pageOffset = pool.frameOffset(frame) + page * PAGE_SIZE;
  const packed = kernels.pageRead(pageOffset, 0);
  expect(packed).toBeGreaterThan(0);
  return new Uint8Array(kernels.buffer)[pageOffset + (packed >>> 16)]!;
}

for (const kind of KINDS) {
  describe(`buffer pool (${kind} kernels)`, () => {
    it('treats unpinning a frame that is not pinned, or naming a frame that does not exist, as a bug (assertion)', () => {
      const { pool } = setup(kind);
      const frame = pool.pinNew(1, 0);
      pool.unpin(frame);
      expect(() => pool.unpin(frame)).toThrow(`assertion failed: frame ${frame} is pinned when unpinned`);
      expect(() => pool.frameView(FRAMES + 5)).toThrow(`assertion failed: frame ${FRAMES + 5} exists`);
    });

    it('zeroes a new block\'s frame unless told the caller writes all of it (zero false keeps the old bytes)', () => {
      // One frame: each block below takes the frame the one before it left.
      const kernels = createKernels({ kind, arenaBytes: 4 * BLOCK_SIZE });
      const pool = new BufferPool(kernels, { bytes: BLOCK_SIZE });
      const id = pool.registerFile(new RecordingFile('t.heap'));
      let frame = pool.pinNew(id, 0);
      pool.frameView(frame).fill(0xab);
      pool.unpin(frame);
      pool.discardBlock(id, 0);
      frame = pool.pinNew(id, 1);
      expect(pool.frameView(frame).every((b) => b === 0)).toBe(true);
      pool.frameView(frame).fill(0xcd);
      pool.unpin(frame);
      pool.discardBlock(id, 1);
      frame = pool.pinForFormat(id, 2, false);
      expect(pool.frameView(frame).every((b) => b === 0xcd)).toBe(true);
      expect(pool.isDirty(frame)).toBe(true);
      pool.unpin(frame);
      pool.discardBlock(id, 2);
      frame = pool.pinNew(id, 3, false);
      expect(pool.frameView(frame).every((b) => b === 0xcd)).toBe(true);
    });

    it('sizes itself from the arena and hands out distinct block-aligned frames', () => {
      const { kernels, pool } = setup(kind);
      expect(pool.frameCount).toBe(FRAMES);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      const frames = [0, 1, 2, 3].map((b) => pool.pinNew(id, b));
      expect(new Set(frames).size).toBe(4);
      for (const f of frames) {
        expect(pool.frameOffset(f) % BLOCK_SIZE).toBe(0);
        expect(pool.frameOffset(f)).toBeGreaterThanOrEqual(kernels.arenaOffset);
        expect(pool.frameView(f).buffer).toBe(kernels.buffer);
      }
    });

    it('reads a block straight into the frame view and serves the next pin from cache', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      const frame = pool.pinNew(id, 0);
      formatBlock(kernels, pool, frame, 7);
      pool.flushFrame(frame);
      pool.unpin(frame);
      pool.discardFile(id);

      const again = pool.pin(id, 0);
      expect(file.reads).toBe(1);
      expect(tupleByte(kernels, pool, again, 5)).toBe(7);
      const third = pool.pin(id, 0);
      expect(third).toBe(again);
      expect(file.reads).toBe(1);
      expect(pool.stats.hits).toBe(1);
      expect(pool.pinCount(again)).toBe(2);
    });

    it('writes back only the dirty pages, coalescing adjacent ones', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      const frame = pool.pinNew(id, 3);
      formatBlock(kernels, pool, frame, 1);
      pool.flushFrame(frame);
      expect(file.writes).toEqual([{ position: 3 * BLOCK_SIZE, length: BLOCK_SIZE }]);
      file.writes = [];
      pool.markPageDirty(frame, 2);
      pool.markPageDirty(frame, 3);
      pool.markPageDirty(frame, 9);
      pool.flushFrame(frame);
      expect(file.writes).toEqual([
        { position: 3 * BLOCK_SIZE + 2 * PAGE_SIZE, length: 2 * PAGE_SIZE },
        { position: 3 * BLOCK_SIZE + 9 * PAGE_SIZE, length: PAGE_SIZE },
      ]);
      expect(pool.isDirty(frame)).toBe(false);
      pool.flushFrame(frame);
      expect(file.writes.length).toBe(2);
    });

    it('seals pages on write so that every written page verifies', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      const frame = pool.pinNew(id, 0);
      formatBlock(kernels, pool, frame, 9);
      pool.flushAll();
      for (let page = 0; page < PAGES_PER_BLOCK; page++) {
        expect(kernels.pageVerify(pool.frameOffset(frame) + page * PAGE_SIZE)).toBe(1);
      }
    });

    it('evicts with CLOCK, writing a dirty victim back before reuse', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      for (let block = 0; block < 10; block++) {
        const frame = pool.pinNew(id, block);
        formatBlock(kernels, pool, frame, block + 1);
        pool.unpin(frame);
      }
      expect(pool.stats.evictions).toBe(10 - FRAMES);
      for (let block = 0; block < 10; block++) {
        const frame = pool.pin(id, block);
        expect(tupleByte(kernels, pool, frame, 15)).toBe(block + 1);
        pool.unpin(frame);
      }
    });

    it('pins a remembered frame only while it still caches that block (pinIfCached)', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('t.heap');
      const id = pool.registerFile(file);
      const other = pool.registerFile(new RecordingFile('u.heap'));
      const frame = pool.pinNew(id, 0);
      formatBlock(kernels, pool, frame, 1);
      pool.unpin(frame);
      const hits = pool.stats.hits;
      expect(pool.pinIfCached(frame, id, 0)).toBe(true);
      expect(pool.stats.hits).toBe(hits + 1);
      expect(pool.pinnedFrames()).toBe(1);
      pool.unpin(frame);
      // Another block, another file, or no frame at all: nothing is pinned.
      expect(pool.pinIfCached(frame, id, 1)).toBe(false);
      expect(pool.pinIfCached(frame, other, 0)).toBe(false);
      expect(pool.pinIfCached(-1, id, 0)).toBe(false);
      expect(pool.pinIfCached(FRAMES, id, 0)).toBe(false);
      expect(pool.pinnedFrames()).toBe(0);
      // Evicted (every frame taken by other blocks), then discarded: the frame no longer holds block 0.
      for (let block = 1; block <= FRAMES; block++) {
        const f = pool.pinNew(id, block);
        formatBlock(kernels, pool, f, block + 1);
        pool.unpin(f);
      }
      expect(pool.cachedFrame(id, 0)).toBe(-1);
      for (let f = 0; f < FRAMES; f++) expect(pool.pinIfCached(f, id, 0)).toBe(false);
      const again = pool.pin(id, 0);
      pool.unpin(again);
      expect(pool.pinIfCached(again, id, 0)).toBe(true);
      pool.unpin(again);
      pool.discardBlock(id, 0);
      expect(pool.pinIfCached(again, id, 0)).toBe(false);
      expect(pool.pinnedFrames()).toBe(0);
    });

    it('fails clearly, without growing, when every frame is pinned', () => {
      const { pool } = setup(kind);
      const id = pool.registerFile(new RecordingFile('t.heap'));
      for (let block = 0; block < FRAMES; block++) pool.pinNew(id, block);
      let error: unknown;
      try {
        pool.pin(id, 99);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlintError);
      expect((error as FlintError).code).toBe('53000');
      expect((error as FlintError).message).toContain('pinned');
      expect(pool.pinnedFrames()).toBe(FRAMES);
    });

    it('reports a corrupt page with file and offset, and accepts never-written pages', () => {
      const { kernels, pool } = setup(kind);
      const file = new RecordingFile('data/t.heap');
      const id = pool.registerFile(file);
      const frame = pool.pinNew(id, 1);
      for (let page = 0; page < 4; page++) kernels.pageInit(pool.frameOffset(frame) + page * PAGE_SIZE, PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
      // Only pages 0..3 are dirty: pages 4..15 stay holes of zeros in the file.
      pool.unpin(frame);
      pool.flushAll();
      pool.discardFile(id);
      const ok = pool.pin(id, 1);
      pool.unpin(ok);
      pool.discardFile(id);

      file.bytes[BLOCK_SIZE + 2 * PAGE_SIZE + 100]! ^= 0x10;
      let error: unknown;
      try {
        pool.pin(id, 1);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FlintError);
      expect((error as FlintError).code).toBe('XX001');
      expect((error as FlintError).file).toBe('data/t.heap');
      expect((error as FlintError).offset).toBe(BLOCK_SIZE + 2 * PAGE_SIZE);
      expect(pool.pinnedFrames()).toBe(0);
    });

    it('calls the write-ahead hook before writing a block back', () => {
      const kernels = createKernels({ kind, arenaBytes: FRAMES * BLOCK_SIZE });
      const seen: number[] = [];
      const pool = new BufferPool(kernels, { beforeWriteBack: (_file, blockNo) => seen.push(blockNo) });
      const id = pool.registerFile(new RecordingFile('t.heap'));
      const frame = pool.pinNew(id, 5);
      kernels.pageInit(pool.frameOffset(frame), PAGE_KIND_HEAP, PAGE_HEADER_SIZE);
      pool.flushFrame(frame);
      expect(seen).toEqual([5]);
    });

    it('agrees with a model file under random pins, writes and evictions', () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ block: fc.integer({ min: 0, max: 11 }), page: fc.integer({ min: 0, max: 15 }), value: fc.integer({ min: 1, max: 255 }), flush: fc.boolean() }), { minLength: 1, maxLength: 60 }),
          (ops) => {
            const { kernels, pool } = setup(kind);
            const file = new RecordingFile('t.heap');
            const id = pool.registerFile(file);
            const model = new Map<string, number>();
            const created = new Set<number>();
            const mem = new Uint8Array(kernels.buffer);
            for (const op of ops) {
              let frame: number;
              if (!created.has(op.block)) {
                frame = pool.pinNew(id, op.block);
                formatBlock(kernels, pool, frame, 0xee);
                created.add(op.block);
              } else {
                frame = pool.pin(id, op.block);
              }
              const pageOffset = pool.frameOffset(frame) + op.page * PAGE_SIZE;
              const packed = kernels.pageRead(pageOffset, 0);
              mem[pageOffset + (packed >>> 16)] = op.value;
              pool.markPageDirty(frame, op.page);
              model.set(`${op.block}/${op.page}`, op.value);
              if (op.flush) pool.flushFrame(frame);
              pool.unpin(frame);
            }
            pool.flushAll();
            pool.discardFile(id);
            for (const block of created) {
              const frame = pool.pin(id, block);
              for (let page = 0; page < PAGES_PER_BLOCK; page++) {
                expect(tupleByte(kernels, pool, frame, page)).toBe(model.get(`${block}/${page}`) ?? 0xee);
              }
              pool.unpin(frame);
            }
          },
        ),
        { seed: 20261121, numRuns: 150 },
      );
    });

    it("pin and cachedFrame give each block its own frame whatever evictions, discards and a file id's reuse did to the frames they found before", () => {
      // Every block carries a stamp of its own (file generation and block). pin and cachedFrame go through
      // a table of hinted frames: a hint left by a block since evicted, discarded, or of a file since
      // unregistered (its id then reused) must not be taken for another block's frame. Blocks 5..9 of
      // each file stand for blocks whose hint slot is that of blocks 0..4 (a 4-frame pool has 1024 slots).
      const shift = 32 - 10;
      const blockNumbers = [0, 1, 2].map((id) => {
        const numbers = [0, 1, 2, 3, 4];
        for (let b = 0; b < 5; b++) {
          let partner = 5;
          while (hintSlot(id, partner, shift) !== hintSlot(id, b, shift)) partner++;
          numbers.push(partner);
        }
        return numbers;
      });
      fc.assert(
        fc.property(
          fc.array(fc.record({ op: fc.constantFrom('pin', 'pin', 'pin', 'cached', 'discardBlock', 'discardFile', 'reregister'), file: fc.integer({ min: 0, max: 2 }), index: fc.integer({ min: 0, max: 9 }) }), { minLength: 1, maxLength: 80 }),
          (ops) => {
            const { pool } = setup(kind);
            let generation = 1;
            const files = [0, 1, 2].map(() => ({ id: -1, generation: 0, created: new Set<number>() }));
            const register = (f: number) => {
              files[f] = { id: pool.registerFile(new SparseFile(`f${f}.heap`), { checksums: false }), generation: generation++, created: new Set() };
            };
            for (let f = 0; f < 3; f++) register(f);
            const stampOf = (f: number, block: number) => files[f]!.generation * 1_000_000 + block;
            const stampAt = (frame: number) => new DataView(pool.frameView(frame).buffer, pool.frameView(frame).byteOffset).getUint32(100, true);
            for (const { op, file: f, index } of ops) {
              const file = files[f]!;
              expect(file.id).toBe(f);
              const block = blockNumbers[f]![index]!;
              if (op === 'pin') {
                let frame: number;
                if (!file.created.has(block)) {
                  frame = pool.pinNew(file.id, block);
                  new DataView(pool.frameView(frame).buffer, pool.frameView(frame).byteOffset).setUint32(100, stampOf(f, block), true);
                  file.created.add(block);
                } else frame = pool.pin(file.id, block);
                expect(stampAt(frame)).toBe(stampOf(f, block));
                pool.unpin(frame);
              } else if (op === 'cached') {
                const frame = pool.cachedFrame(file.id, block);
                if (frame >= 0) expect(stampAt(frame)).toBe(stampOf(f, block));
                else if (!file.created.has(block)) expect(frame).toBe(-1);
              } else if (op === 'discardBlock') {
                pool.flushAll();
                pool.discardBlock(file.id, block);
                expect(pool.cachedFrame(file.id, block)).toBe(-1);
              } else if (op === 'discardFile') {
                pool.flushAll();
                pool.discardFile(file.id);
                for (const b of blockNumbers[f]!) expect(pool.cachedFrame(file.id, b)).toBe(-1);
              } else {
                // A new file under (most likely) the same id: none of the old file's blocks may be found.
                pool.unregisterFile(file.id);
                register(f);
              }
            }
            expect(pool.pinnedFrames()).toBe(0);
          },
        ),
        { seed: 20261122, numRuns: 200 },
      );
    });
  });
}

describe('buffer pool over a real vfs', () => {
  it('round-trips blocks through the memory vfs and survives a crash only with what was synced', async () => {
    const { createFaultVfs } = await import('../../../src/storage/vfs/index.ts');
    const vfs = createFaultVfs({ seed: 7 });
    const kernels = createKernels({ kind: 'wasm', arenaBytes: FRAMES * BLOCK_SIZE });
    const pool = new BufferPool(kernels);
    const file = vfs.open('heap.flint', { create: true });
    const id = pool.registerFile(file);
    const frame = pool.pinNew(id, 0);
    formatBlock(kernels, pool, frame, 42);
    pool.flushFrame(frame);
    file.sync();
    const mem = new Uint8Array(kernels.buffer);
    const pageOffset = pool.frameOffset(frame) + 3 * PAGE_SIZE;
    mem[pageOffset + (kernels.pageRead(pageOffset, 0) >>> 16)] = 43;
    pool.markPageDirty(frame, 3);
    pool.flushFrame(frame); // written, never synced: lost at the crash
    pool.unpin(frame);

    const after = vfs.crash({ tear: false, entries: 'all' });
    const kernels2 = createKernels({ kind: 'ts', arenaBytes: FRAMES * BLOCK_SIZE });
    const pool2 = new BufferPool(kernels2);
    const id2 = pool2.registerFile(after.open('heap.flint'));
    const frame2 = pool2.pin(id2, 0);
    expect(tupleByte(kernels2, pool2, frame2, 3)).toBe(42);
    expect(tupleByte(kernels2, pool2, frame2, 4)).toBe(42);
  });
});
