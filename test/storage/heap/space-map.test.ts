// SpaceMap.ownedKind (Heap.holds and Heap.extractTuples ask it once per
// hinted tuple, through an array indexed by segment): the block's kind
// exactly while a formatted, non-continuation block lies in a segment of
// the owner, -1 otherwise, through assignments, releases, a segment taken
// by another owner, kinds changed, and a map rebuilt from its snapshot.
import { describe, expect, it } from 'vitest';
import { BLOCK_KIND_CONTINUATION, BLOCK_KIND_PLAIN, SpaceMap } from '../../../src/storage/heap/space-map.ts';
import { BLOCKS_PER_SEGMENT } from '../../../src/limits.ts';

/** What ownedKind must answer, from the map's other readings. */
function expectedKind(map: SpaceMap, owner: number, blockNo: number): number {
  return map.holdsBlock(owner, blockNo) ? map.kind(blockNo) : -1;
}

function checkAll(map: SpaceMap, owners: readonly number[], segments: number): void {
  for (const owner of owners) {
    for (let b = -1; b < segments * BLOCKS_PER_SEGMENT + 3; b++) expect(map.ownedKind(owner, b), `owner ${owner} block ${b}`).toBe(expectedKind(map, owner, b));
  }
}

describe('SpaceMap.ownedKind', () => {
  it('follows assign, releaseOwner, reassignment, setKind and fromSnapshot', () => {
    const map = new SpaceMap();
    map.assign(1, 7, 1);
    map.assign(2, 8, 1);
    map.assign(3, 7, 1);
    const b1 = 1 * BLOCKS_PER_SEGMENT;
    const b2 = 2 * BLOCKS_PER_SEGMENT;
    const b3 = 3 * BLOCKS_PER_SEGMENT;
    // Unformatted blocks are no one's yet.
    expect(map.ownedKind(7, b1)).toBe(-1);
    map.setFreeBytes(b1, 100, 2);
    map.setFreeBytes(b1 + 1, 100, 2);
    map.setFreeBytes(b2, 100, 2);
    map.setFreeBytes(b3 + 5, 100, 2);
    map.setKind(b1 + 1, 1);
    map.setFreeBytes(b3 + 6, 100, 2);
    map.setKind(b3 + 6, BLOCK_KIND_CONTINUATION);
    expect(map.ownedKind(7, b1)).toBe(BLOCK_KIND_PLAIN);
    expect(map.ownedKind(7, b1 + 1)).toBe(1);
    expect(map.ownedKind(8, b1)).toBe(-1);
    expect(map.ownedKind(8, b2)).toBe(BLOCK_KIND_PLAIN);
    expect(map.ownedKind(7, b3 + 6)).toBe(-1);
    checkAll(map, [7, 8, 9], 5);
    // A snapshot's map answers the same.
    checkAll(SpaceMap.fromSnapshot(map.snapshot()), [7, 8, 9], 5);
    // Owner 7 drops its segments: none of its blocks is its any more.
    expect(map.releaseOwner(7)).toEqual([1, 3]);
    expect(map.ownedKind(7, b1)).toBe(-1);
    expect(map.ownedKind(7, b3 + 5)).toBe(-1);
    checkAll(map, [7, 8, 9], 5);
    checkAll(SpaceMap.fromSnapshot(map.snapshot()), [7, 8, 9], 5);
    // Segment 1 taken by owner 9: fresh, unformatted, then 9's.
    map.assign(1, 9, 3);
    expect(map.ownedKind(9, b1)).toBe(-1);
    map.setFreeBytes(b1, 50, 4);
    expect(map.ownedKind(9, b1)).toBe(BLOCK_KIND_PLAIN);
    expect(map.ownedKind(7, b1)).toBe(-1);
    checkAll(map, [7, 8, 9], 5);
    checkAll(SpaceMap.fromSnapshot(map.snapshot()), [7, 8, 9], 5);
  });
});
