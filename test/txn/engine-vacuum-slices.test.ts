import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/txn/engine.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import type { KernelKind } from '../../src/kernels/index.ts';

const KINDS: KernelKind[] = ['wasm', 'ts'];

for (const kind of KINDS) {
  describe(`vacuum in bounded slices (${kind})`, () => {
    it('examines at most maxBlocks blocks a step, reclaims every dead version over a pass, and keeps what a live snapshot sees', () => {
      const db = Engine.open({ vfs: createMemoryVfs(), dir: '/db', kernels: kind, poolBytes: 1 << 22 });
      const t = db.createTable('t', [
        { name: 'id', type: 'int32', nullable: false },
        { name: 'pad', type: 'text', nullable: true },
      ]);
      const w = db.begin();
      const tids: number[] = [];
      for (let i = 0; i < 3000; i++) tids.push(db.insert(w, t.id, [i, 'x'.repeat(100)]));
      db.commit(w);
      const blocks = new Set(tids.map((tid) => Math.floor(tid / (16 * 1024)))).size;
      expect(blocks).toBeGreaterThan(4);

      // An old snapshot that still sees every row.
      const old = db.begin();
      const d = db.begin();
      for (const tid of tids.slice(0, 1000)) db.delete(d, t.id, tid);
      db.commit(d);

      // With the old snapshot alive, a whole pass reclaims nothing.
      let step;
      let steps = 0;
      do {
        step = db.vacuumStep(2);
        expect(step.blocks).toBeLessThanOrEqual(2);
        steps++;
      } while (!step.done);
      expect(steps).toBeGreaterThan(1);
      expect(db.stats.vacuumReclaimed).toBe(0);
      let seen = 0;
      db.scan(old, t.id, () => void seen++);
      expect(seen).toBe(3000);
      db.commit(old);

      // Now the deleted versions are dead to everyone: a pass reclaims them all.
      let reclaimed = 0;
      do {
        step = db.vacuumStep(1);
        reclaimed += step.reclaimed;
      } while (!step.done);
      expect(reclaimed).toBe(1000);
      const r = db.begin();
      seen = 0;
      db.scan(r, t.id, () => void seen++);
      expect(seen).toBe(2000);
      db.commit(r);

      // Freed slots are reused by later inserts.
      const before = db.heapStats.segmentsAllocated;
      const again = db.begin();
      for (let i = 0; i < 900; i++) db.insert(again, t.id, [i, 'y'.repeat(100)]);
      db.commit(again);
      expect(db.heapStats.segmentsAllocated).toBe(before);
      db.close();
    });
  });
}
