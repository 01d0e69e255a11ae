import { describe, expect, it } from 'vitest';
import { FlintError, SqlState } from '../../src/errors.ts';
import {
  CATALOG_HEADER_SIZE, catalogFileName, readCatalog, removeOldCatalogs, writeCatalog,
} from '../../src/storage/catalog-file.ts';
import { readControl, writeControl, type ControlData } from '../../src/storage/control-file.ts';
import { crc32cUpdate } from '../../src/kernels/ts/bytes.ts';
import { createFaultVfs, createMemoryVfs, FAULT_OPS, SimulatedCrash, type FaultOp, type FaultVfs, type Vfs } from '../../src/storage/vfs/index.ts';

const DIR = '/db';

/** The catalog of generation g: deterministic, with some text that is not ASCII. */
function catalog(g: number): unknown {
  return {
    generation: g,
    tables: Array.from({ length: g % 5 }, (_, i) => ({
      id: 100 + i,
      name: i === 1 ? 'café_😀' : `t${i}`,
      columns: [{ name: 'id', type: 'int64', nullable: false }, { name: 'note', type: 'text', nullable: true }],
    })),
    nothing: null,
  };
}

function control(g: number): ControlData {
  return { checkpointLsn: 0, nextTxid: 1, nextTableId: 100, catalogGeneration: g, walFileBytes: 1 << 24, createdAt: 1_700_000_000_000 };
}

function memory(): Vfs {
  const vfs = createMemoryVfs();
  vfs.mkdir(DIR);
  return vfs;
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

const crc = (b: Uint8Array, start: number, n: number): number => ~crc32cUpdate(b, start, n, -1) >>> 0;

/** A catalog file with a valid header around any payload, for the cases a checksum cannot catch. */
function handMade(generation: number, payload: Uint8Array, version = 1): Uint8Array {
  const b = new Uint8Array(CATALOG_HEADER_SIZE + payload.length);
  b.set(payload, CATALOG_HEADER_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x47434c46, true);
  v.setUint32(4, version, true);
  v.setUint32(8, generation, true);
  v.setUint32(16, payload.length, true);
  v.setUint32(20, crc(b, CATALOG_HEADER_SIZE, payload.length), true);
  v.setUint32(24, crc(b, 0, 24), true);
  return b;
}

describe('catalog file', () => {
  it('round-trips JSON values', () => {
    const vfs = memory();
    const values: unknown[] = [catalog(3), [], {}, 'just text ü', 42, null, { deep: { deeper: [1, [2, [3]]] }, '\uFEFFkey': '\u0000' }];
    values.forEach((value, g) => {
      writeCatalog(vfs, DIR, g, value);
      expect(readCatalog(vfs, DIR, g)).toEqual(value);
    });
    writeCatalog(vfs, DIR, Number.MAX_SAFE_INTEGER, catalog(4));
    expect(readCatalog(vfs, DIR, Number.MAX_SAFE_INTEGER)).toEqual(catalog(4));
  });

  it('is named catalog.<generation> and has the documented header', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 7, catalog(7));
    expect(vfs.list(DIR)).toEqual(['catalog.7']);
    expect(catalogFileName(7)).toBe('catalog.7');
    const bytes = readFile(vfs, '/db/catalog.7');
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('FLCG');
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(7);
    expect(view.getUint32(16, true)).toBe(bytes.length - CATALOG_HEADER_SIZE);
    expect(view.getUint32(20, true)).toBe(crc(bytes, CATALOG_HEADER_SIZE, bytes.length - CATALOG_HEADER_SIZE));
    expect(view.getUint32(24, true)).toBe(crc(bytes, 0, 24));
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(CATALOG_HEADER_SIZE)))).toEqual(catalog(7));
  });

  it('replaces an existing file of the same generation, longer or shorter', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 2, { big: 'x'.repeat(5000) });
    writeCatalog(vfs, DIR, 2, { small: true });
    expect(readCatalog(vfs, DIR, 2)).toEqual({ small: true });
    writeFile(vfs, '/db/catalog.3.tmp', new Uint8Array(9000).fill(7)); // a crashed attempt's leftover
    writeCatalog(vfs, DIR, 3, catalog(3));
    expect(readCatalog(vfs, DIR, 3)).toEqual(catalog(3));
    expect(vfs.list(DIR)).toEqual(['catalog.2', 'catalog.3']);
  });

  it('a missing generation is 58P01 naming the file', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 1, catalog(1));
    const err = flintErrorOf(() => readCatalog(vfs, DIR, 2));
    expect(err.code).toBe(SqlState.undefinedFile);
    expect(err.file).toBe('/db/catalog.2');
    expect(err.message).toContain('generation 2');
  });

  it('refuses generations that are not integers in [0, 2^53) (assertions)', () => {
    const vfs = memory();
    expect(() => writeCatalog(vfs, DIR, -1, {})).toThrow(/assertion failed/);
    expect(() => readCatalog(vfs, DIR, 1.5)).toThrow(/assertion failed/);
    expect(() => writeCatalog(vfs, DIR, 1, undefined)).toThrow(/assertion failed/);
  });
});

describe('catalog file corruption', () => {
  it('any flipped bit is XX001 naming the file and an offset', () => {
    for (let seed = 0; seed < 200; seed++) {
      const vfs = createFaultVfs({ seed });
      vfs.mkdir(DIR);
      writeCatalog(vfs, DIR, 4, catalog(4));
      vfs.flipBits('/db/catalog.4', 1 + (seed % 3));
      const err = flintErrorOf(() => readCatalog(vfs, DIR, 4));
      expect(err.code).toBe(SqlState.dataCorrupted);
      expect(err.file).toBe('/db/catalog.4');
      expect(typeof err.offset).toBe('number');
      expect(err.message).toContain('/db/catalog.4');
    }
  });

  it('truncation, extension, a short header, a foreign file: XX001', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 1, catalog(1));
    const good = readFile(vfs, '/db/catalog.1');
    const extended = new Uint8Array(good.length + 3);
    extended.set(good);
    const cases: [string, Uint8Array, number][] = [
      ['empty', new Uint8Array(0), 0],
      ['short header', good.subarray(0, 20), 20],
      ['header only', good.subarray(0, CATALOG_HEADER_SIZE), CATALOG_HEADER_SIZE],
      ['truncated payload', good.subarray(0, good.length - 1), good.length - 1],
      ['extended', extended, good.length],
      ['not a catalog', new TextEncoder().encode('{"hello": "this is not a catalog file at all"}'), 0],
    ];
    for (const [what, bytes, offset] of cases) {
      writeFile(vfs, '/db/catalog.1', bytes);
      const err = flintErrorOf(() => readCatalog(vfs, DIR, 1));
      expect([what, err.code, err.offset]).toEqual([what, SqlState.dataCorrupted, offset]);
    }
  });

  it('a file renamed to another generation is XX001: the header names its generation', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 1, catalog(1));
    vfs.rename('/db/catalog.1', '/db/catalog.2');
    const err = flintErrorOf(() => readCatalog(vfs, DIR, 2));
    expect([err.code, err.offset]).toEqual([SqlState.dataCorrupted, 8]);
    expect(err.message).toContain('generation 1');
  });

  it('a payload that is not UTF-8 JSON under valid checksums: XX001 at the payload', () => {
    const vfs = memory();
    for (const payload of [new TextEncoder().encode('{"unterminated": '), new Uint8Array([0x7b, 0xff, 0x7d])]) {
      writeFile(vfs, '/db/catalog.5', handMade(5, payload));
      const err = flintErrorOf(() => readCatalog(vfs, DIR, 5));
      expect([err.code, err.offset]).toEqual([SqlState.dataCorrupted, CATALOG_HEADER_SIZE]);
    }
    writeFile(vfs, '/db/catalog.5', handMade(5, new TextEncoder().encode('[1,2]')));
    expect(readCatalog(vfs, DIR, 5)).toEqual([1, 2]);
  });

  it('a well-formed file of another version: 0A000', () => {
    const vfs = memory();
    writeFile(vfs, '/db/catalog.5', handMade(5, new TextEncoder().encode('{}'), 2));
    expect(flintErrorOf(() => readCatalog(vfs, DIR, 5)).code).toBe(SqlState.featureNotSupported);
  });
});

describe('removeOldCatalogs', () => {
  it('removes older generations and temporary files, keeps the current, newer and unrelated files', () => {
    const vfs = memory();
    for (const g of [1, 2, 3, 10, 12]) writeCatalog(vfs, DIR, g, catalog(g));
    for (const name of ['catalog.4.tmp', 'catalog.11.tmp', 'catalog.json', 'catalog.x', 'catalog.01', 'flint.control']) {
      writeFile(vfs, `${DIR}/${name}`, new Uint8Array([1]));
    }
    const removed = removeOldCatalogs(vfs, DIR, 10);
    expect(removed.sort()).toEqual(['catalog.1', 'catalog.11.tmp', 'catalog.2', 'catalog.3', 'catalog.4.tmp'].sort());
    expect(vfs.list(DIR)).toEqual(['catalog.01', 'catalog.10', 'catalog.12', 'catalog.json', 'catalog.x', 'flint.control']);
    expect(readCatalog(vfs, DIR, 10)).toEqual(catalog(10));
    expect(removeOldCatalogs(vfs, DIR, 10)).toEqual([]);
  });

  it('refuses to run when the generation to keep is missing', () => {
    const vfs = memory();
    writeCatalog(vfs, DIR, 1, catalog(1));
    expect(flintErrorOf(() => removeOldCatalogs(vfs, DIR, 2)).code).toBe(SqlState.undefinedFile);
    expect(vfs.list(DIR)).toEqual(['catalog.1']);
  });
});

// ---- crash safety of the whole switch: catalog file, control file, cleanup ------------

/** One DDL's worth of catalog switch from generation g to g + 1, as the engine does it. */
function switchCatalog(vfs: Vfs, g: number): void {
  writeCatalog(vfs, DIR, g + 1, catalog(g + 1));
  writeControl(vfs, DIR, control(g + 1));
  removeOldCatalogs(vfs, DIR, g + 1);
}

/** After recovery: the generation the control file names, checked readable and right. */
function recoveredGeneration(vfs: Vfs): number | null {
  const ctl = readControl(vfs, DIR);
  if (ctl === null) return null;
  expect(readCatalog(vfs, DIR, ctl.catalogGeneration)).toEqual(catalog(ctl.catalogGeneration));
  return ctl.catalogGeneration;
}

function atGeneration(seed: number, g: number): FaultVfs {
  const vfs = createFaultVfs({ seed });
  vfs.mkdir(DIR);
  writeCatalog(vfs, DIR, g, catalog(g));
  writeControl(vfs, DIR, control(g));
  return vfs;
}

describe('catalog switch under crashes', () => {
  const crashOptions = [
    { tear: true, entries: 'synced' as const },
    { tear: false, entries: 'synced' as const },
    { tear: true, entries: 'all' as const },
  ];

  it('a crash at any operation leaves the control file naming a readable catalog', () => {
    const probe = atGeneration(0, 1);
    const before = probe.counters;
    switchCatalog(probe, 1);
    const after = probe.counters;
    expect(after.sync - before.sync).toBe(4); // catalog file, directory, control file, directory
    const seen = new Set<number>();
    let runs = 0;
    for (const op of FAULT_OPS) {
      for (let nth = 1; nth <= after[op] - before[op]; nth++) {
        for (const [i, opts] of crashOptions.entries()) {
          for (let seed = 0; seed < 3; seed++) {
            const vfs = atGeneration(seed * 7 + i, 1);
            vfs.inject({ op, nth, effect: 'crash' });
            expect(() => switchCatalog(vfs, 1)).toThrow(SimulatedCrash);
            const survivor = vfs.crash(opts);
            const g = recoveredGeneration(survivor);
            expect([1, 2]).toContain(g);
            seen.add(g!);
            // Recovery goes on from there: the next switch succeeds and survives a crash.
            switchCatalog(survivor, g!);
            expect(recoveredGeneration(survivor.crash(opts))).toBe(g! + 1);
            runs++;
          }
        }
      }
    }
    expect(runs).toBeGreaterThan(30);
    expect([...seen].sort()).toEqual([1, 2]);
  });

  it('crashes at each sync: generation 1 until the control file is durable, 2 after', () => {
    // Syncs: 1 catalog.2.tmp, 2 directory, 3 flint.control.tmp, 4 directory (the switch).
    const expected: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 1 };
    for (let nth = 1; nth <= 4; nth++) {
      const vfs = atGeneration(nth, 1);
      vfs.crashAtSync(nth);
      expect(() => switchCatalog(vfs, 1)).toThrow(SimulatedCrash);
      expect(recoveredGeneration(vfs.crash({ entries: 'synced' }))).toBe(expected[nth]);
    }
    const vfs = atGeneration(9, 1);
    switchCatalog(vfs, 1);
    const survivor = vfs.crash({ entries: 'synced' });
    expect(recoveredGeneration(survivor)).toBe(2);
    expect(survivor.exists('/db/catalog.2')).toBe(true);
  });

  it('the very first catalog and control file: a crash leaves a new directory or generation 1', () => {
    const bootstrap = (vfs: Vfs): void => {
      writeCatalog(vfs, DIR, 1, catalog(1));
      writeControl(vfs, DIR, control(1));
    };
    const probe = createFaultVfs({ seed: 0 });
    probe.mkdir(DIR);
    bootstrap(probe);
    for (const op of FAULT_OPS) {
      for (let nth = 1; nth <= probe.counters[op]; nth++) {
        for (const opts of crashOptions) {
          const vfs = createFaultVfs({ seed: nth });
          vfs.mkdir(DIR);
          vfs.inject({ op, nth, effect: 'crash' });
          expect(() => bootstrap(vfs)).toThrow(SimulatedCrash);
          expect([null, 1]).toContain(recoveredGeneration(vfs.crash(opts)));
        }
      }
    }
  });

  it('a seeded run of many switches with random crashes always recovers a committed generation', () => {
    for (let seed = 1; seed <= 12; seed++) {
      let vfs = atGeneration(seed, 1);
      let committed = 1;
      let crashes = 0;
      for (let step = 0; step < 40; step++) {
        vfs.inject({ op: (['sync', 'rename', 'remove', 'write'] as FaultOp[])[step % 4]!, probability: 0.15, effect: 'crash' });
        try {
          switchCatalog(vfs, committed);
          committed++;
          vfs.clearFaults();
        } catch (err) {
          if (!(err instanceof SimulatedCrash)) throw err;
          crashes++;
          vfs = vfs.crash({ entries: step % 3 === 0 ? 'all' : 'synced' });
          const g = recoveredGeneration(vfs);
          // The switch in flight either happened or did not; nothing older or newer.
          expect([committed, committed + 1]).toContain(g);
          committed = g!;
        }
      }
      expect(crashes).toBeGreaterThan(0);
      const survivor = vfs.crash();
      expect(recoveredGeneration(survivor)).toBe(committed);
      // Older generations are gone, except those whose unsynced removal a crash undid; the next cleanup takes them.
      removeOldCatalogs(survivor, DIR, committed);
      const live = survivor.list(DIR).filter((n) => n.startsWith('catalog.'));
      expect(live.every((n) => Number(n.slice('catalog.'.length)) >= committed)).toBe(true);
      expect(live).toContain(`catalog.${committed}`);
    }
  });
});
