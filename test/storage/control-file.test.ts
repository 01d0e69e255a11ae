import { describe, expect, it } from 'vitest';
import { FlintError, SqlState } from '../../src/errors.ts';
import {
  CONTROL_FILE_SIZE, CONTROL_TMP_NAME, encodeControl, readControl, writeControl, type ControlData,
} from '../../src/storage/control-file.ts';
import { crc32cUpdate } from '../../src/kernels/ts/bytes.ts';
import { createFaultVfs, createMemoryVfs, FAULT_OPS, SimulatedCrash, type FaultOp, type FaultVfs, type Vfs } from '../../src/storage/vfs/index.ts';

const DIR = '/db';
const PATH = '/db/flint.control';
const TMP = `/db/${CONTROL_TMP_NAME}`;

function data(n: number): ControlData {
  return {
    checkpointLsn: n * 4096 + 24,
    nextTxid: n * 10 + 1,
    nextTableId: 100 + n,
    catalogGeneration: n,
    walFileBytes: 16 * 1024 * 1024,
    createdAt: 1_700_000_000_000,
  };
}

function readFile(vfs: Vfs, path: string): Uint8Array {
  const f = vfs.open(path, { readOnly: true });
  try {
    const out = new Uint8Array(f.size());
    f.read(out, 0);
    return out;
  } finally {
    f.close();
  }
}

function writeFile(vfs: Vfs, path: string, bytes: Uint8Array): void {
  const f = vfs.open(path, { create: true });
  try {
    f.truncate(0);
    f.write(bytes, 0);
    f.sync();
  } finally {
    f.close();
  }
  vfs.syncDir(DIR);
}

function flintErrorOf(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlintError) return err;
    throw err;
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

function freshFault(seed: number): FaultVfs {
  const vfs = createFaultVfs({ seed });
  vfs.mkdir(DIR);
  return vfs;
}

/** Operations of each kind that fn performs on a fresh copy of the setup. */
function countOps(setup: () => FaultVfs, fn: (vfs: FaultVfs) => void): Record<FaultOp, number> {
  const vfs = setup();
  const before = vfs.counters;
  fn(vfs);
  const after = vfs.counters;
  const out = {} as Record<FaultOp, number>;
  for (const op of FAULT_OPS) out[op] = after[op] - before[op];
  return out;
}

describe('control file', () => {
  it('is absent in a new directory', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    expect(readControl(vfs, DIR)).toBe(null);
  });

  it('round-trips, replaces itself, and leaves no temporary file', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    writeControl(vfs, DIR, data(1));
    expect(readControl(vfs, DIR)).toEqual(data(1));
    writeControl(vfs, DIR, data(2));
    expect(readControl(vfs, DIR)).toEqual(data(2));
    expect(vfs.list(DIR)).toEqual(['flint.control']);
    expect(readFile(vfs, PATH).length).toBe(CONTROL_FILE_SIZE);
  });

  it('holds every field up to 2^53 - 1', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    const max = Number.MAX_SAFE_INTEGER;
    const d: ControlData = { checkpointLsn: max, nextTxid: 2 ** 32, nextTableId: 2 ** 32 - 1, catalogGeneration: 0, walFileBytes: 1, createdAt: max - 1 };
    writeControl(vfs, DIR, d);
    expect(readControl(vfs, DIR)).toEqual(d);
  });

  it('has the documented layout', () => {
    const bytes = encodeControl(data(3));
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('FLCT');
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(data(3).checkpointLsn);
    expect(view.getUint32(32, true)).toBe(3);
    expect(view.getUint32(48, true) + view.getUint32(52, true) * 2 ** 32).toBe(data(3).createdAt);
    expect(bytes.subarray(56, 508).every((b) => b === 0)).toBe(true);
    expect(view.getUint32(508, true)).toBe(~crc32cUpdate(bytes, 0, 508, -1) >>> 0);
  });

  it('refuses fields that are not integers in [0, 2^53) (assertions)', () => {
    expect(() => encodeControl({ ...data(1), nextTxid: -1 })).toThrow(/assertion failed/);
    expect(() => encodeControl({ ...data(1), checkpointLsn: 2 ** 53 })).toThrow(/assertion failed/);
    expect(() => encodeControl({ ...data(1), createdAt: 1.5 })).toThrow(/assertion failed/);
  });

  it('ignores a leftover temporary file when reading, and replaces it when writing', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    writeControl(vfs, DIR, data(1));
    writeFile(vfs, TMP, new Uint8Array(2000).fill(0xab)); // longer than a control file
    expect(readControl(vfs, DIR)).toEqual(data(1));
    expect(vfs.exists(TMP)).toBe(true);
    writeControl(vfs, DIR, data(2));
    expect(readControl(vfs, DIR)).toEqual(data(2));
    expect(readFile(vfs, PATH).length).toBe(CONTROL_FILE_SIZE);
    expect(vfs.exists(TMP)).toBe(false);
  });

  it('takes two syncs to write', () => {
    expect(countOps(() => freshFault(1), (vfs) => writeControl(vfs, DIR, data(1))).sync).toBe(2);
  });
});

describe('control file under crashes', () => {
  const crashOptions = [
    { tear: true, entries: 'synced' as const },
    { tear: false, entries: 'synced' as const },
    { tear: true, entries: 'all' as const },
  ];

  function withOld(seed: number): FaultVfs {
    const vfs = freshFault(seed);
    writeControl(vfs, DIR, data(1));
    return vfs;
  }

  it('a crash at any operation of a rewrite leaves the old or the new contents', () => {
    const ops = countOps(() => withOld(0), (vfs) => writeControl(vfs, DIR, data(2)));
    let runs = 0;
    const outcomes = new Set<number>();
    for (const op of FAULT_OPS) {
      for (let nth = 1; nth <= ops[op]; nth++) {
        for (const [i, opts] of crashOptions.entries()) {
          for (let seed = 0; seed < 4; seed++) {
            const vfs = withOld(seed * 10 + i);
            vfs.inject({ op, nth, effect: 'crash' });
            expect(() => writeControl(vfs, DIR, data(2))).toThrow(SimulatedCrash);
            const after = vfs.crash(opts);
            const got = readControl(after, DIR);
            expect([1, 2]).toContain(got === null ? 'missing' : got.catalogGeneration);
            outcomes.add(got!.catalogGeneration);
            // The next write works on whatever the crash left behind.
            writeControl(after, DIR, data(3));
            expect(readControl(after.crash(opts), DIR)).toEqual(data(3));
            runs++;
          }
        }
      }
    }
    expect(runs).toBeGreaterThan(20);
    expect([...outcomes].sort()).toEqual([1, 2]); // both sides of the switch were seen
  });

  it('a crash at each sync keeps the old contents until the directory sync, the new ones after', () => {
    for (let nth = 1; nth <= 3; nth++) {
      const vfs = withOld(nth);
      if (nth <= 2) {
        vfs.crashAtSync(nth);
        expect(() => writeControl(vfs, DIR, data(2))).toThrow(SimulatedCrash);
      } else {
        writeControl(vfs, DIR, data(2));
      }
      expect(readControl(vfs.crash({ entries: 'synced' }), DIR)).toEqual(nth <= 2 ? data(1) : data(2));
    }
  });

  it('the first write after a crash leaves either no control file or the complete one', () => {
    const ops = countOps(() => freshFault(0), (vfs) => writeControl(vfs, DIR, data(1)));
    for (const op of FAULT_OPS) {
      for (let nth = 1; nth <= ops[op]; nth++) {
        for (const opts of crashOptions) {
          const vfs = freshFault(nth);
          vfs.inject({ op, nth, effect: 'crash' });
          expect(() => writeControl(vfs, DIR, data(1))).toThrow(SimulatedCrash);
          const got = readControl(vfs.crash(opts), DIR);
          if (got !== null) expect(got).toEqual(data(1));
        }
      }
    }
  });

  it('an I/O error during a rewrite is a FlintError and leaves a readable file', () => {
    const ops = countOps(() => withOld(0), (vfs) => writeControl(vfs, DIR, data(2)));
    for (const op of FAULT_OPS) {
      for (let nth = 1; nth <= ops[op]; nth++) {
        const vfs = withOld(nth);
        vfs.failAt(op, nth);
        expect(flintErrorOf(() => writeControl(vfs, DIR, data(2))).code).toBe(SqlState.ioError);
        expect([1, 2]).toContain(readControl(vfs, DIR)!.catalogGeneration);
        expect([1, 2]).toContain(readControl(vfs.crash(), DIR)!.catalogGeneration);
      }
    }
  });
});

describe('control file corruption', () => {
  it('any flipped bit is XX001 naming the file and an offset', () => {
    for (let seed = 0; seed < 200; seed++) {
      const vfs = freshFault(seed);
      writeControl(vfs, DIR, data(5));
      vfs.flipBits(PATH, 1 + (seed % 3));
      const err = flintErrorOf(() => readControl(vfs, DIR));
      expect(err.code).toBe(SqlState.dataCorrupted);
      expect(err.file).toBe(PATH);
      expect(typeof err.offset).toBe('number');
      expect(err.message).toContain(PATH);
    }
  });

  it('a flip in the version field is corruption, not an unsupported version', () => {
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    writeControl(vfs, DIR, data(1));
    vfs.corrupt(PATH, 4, 0x02);
    const err = flintErrorOf(() => readControl(vfs, DIR));
    expect(err.code).toBe(SqlState.dataCorrupted);
    expect(err.offset).toBe(508);
  });

  it('wrong sizes, bad magic: XX001', () => {
    const good = encodeControl(data(1));
    const cases: [string, Uint8Array, number][] = [
      ['empty', new Uint8Array(0), 0],
      ['truncated', good.subarray(0, 300), 300],
      ['extended', (() => { const b = new Uint8Array(600); b.set(good); return b; })(), 512],
      ['bad magic', (() => { const b = good.slice(); b[0] = 0x58; return b; })(), 0],
    ];
    for (const [what, bytes, offset] of cases) {
      const vfs = createMemoryVfs();
      vfs.mkdir(DIR);
      writeFile(vfs, PATH, bytes);
      const err = flintErrorOf(() => readControl(vfs, DIR));
      expect([what, err.code, err.offset]).toEqual([what, SqlState.dataCorrupted, offset]);
    }
  });

  it('a well-formed file of another version: 0A000', () => {
    const bytes = encodeControl(data(1));
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 2, true);
    view.setUint32(508, ~crc32cUpdate(bytes, 0, 508, -1) >>> 0, true);
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    writeFile(vfs, PATH, bytes);
    const err = flintErrorOf(() => readControl(vfs, DIR));
    expect(err.code).toBe(SqlState.featureNotSupported);
    expect(err.message).toContain('version 2');
  });

  it('a field at or beyond 2^53 under a valid checksum: XX001 at the field', () => {
    const bytes = encodeControl(data(1));
    const view = new DataView(bytes.buffer);
    view.setUint32(16 + 4, 0x00200000, true); // nextTxid high word
    view.setUint32(508, ~crc32cUpdate(bytes, 0, 508, -1) >>> 0, true);
    const vfs = createMemoryVfs();
    vfs.mkdir(DIR);
    writeFile(vfs, PATH, bytes);
    const err = flintErrorOf(() => readControl(vfs, DIR));
    expect([err.code, err.offset]).toEqual([SqlState.dataCorrupted, 16]);
  });
});
