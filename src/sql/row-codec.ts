// Stored rows ↔ SQL rows for one table. A stored row has a slot for every
// column the table ever had (dropped ones too) and may be shorter than the
// table (written before an ADD COLUMN): a SQL row has the live columns only,
// and reads a column the stored row lacks as that column's missing value.

import type { StorageValue } from '../storage/tuple.ts';
import type { SqlTable } from './catalog.ts';
import { decoderFor, encoderFor, storedAsIs } from './storage-values.ts';
import type { RuntimeValue } from './types/type-info.ts';

/** Decode a stored row; `storedCount` is how many columns the version stores (the engine's scan reports it). */
export type RowDecoder = (stored: readonly StorageValue[], storedCount: number) => RuntimeValue[];

const cached = new WeakMap<SqlTable, RowDecoder>();

/** The decoder for a table's stored rows (one per table definition). */
export function rowDecoder(table: SqlTable): RowDecoder {
  let decoder = cached.get(table);
  if (decoder === undefined) {
    decoder = buildDecoder(table);
    cached.set(table, decoder);
  }
  return decoder;
}

function buildDecoder(table: SqlTable): RowDecoder {
  const decoders = table.columns.map((c) => decoderFor(c.type));
  const { positions, missing } = table;
  const n = decoders.length;
  return (stored, storedCount) => {
    const row: RuntimeValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = positions[i]!;
      row[i] = p < storedCount ? decoders[i]!(stored[p] ?? null) : missing[i]!;
    }
    return row;
  };
}

/** Encode a row of the live columns for the engine: dropped slots store NULL. */
export function rowEncoder(table: SqlTable): (row: readonly RuntimeValue[]) => StorageValue[] {
  const encoders = table.columns.map((c) => encoderFor(c.type));
  const { positions, width } = table;
  const general = (row: readonly RuntimeValue[]): StorageValue[] => {
    const stored: StorageValue[] = new Array(width).fill(null);
    for (let i = 0; i < encoders.length; i++) stored[positions[i]!] = encoders[i]!(row[i] ?? null);
    return stored;
  };
  // No dropped column and every value stored as it is: a row of the table's
  // width without undefined is its own stored row (the engine only reads it).
  if (width !== encoders.length || !encoders.every((e, i) => e === storedAsIs && positions[i] === i)) return general;
  return (row) => {
    if (row.length !== width) return general(row);
    for (let i = 0; i < width; i++) if (row[i] === undefined) return general(row);
    return row as StorageValue[];
  };
}
