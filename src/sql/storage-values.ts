// How SQL values are stored by the engine (src/storage/tuple.ts) and read
// back: each SQL type maps to one storage type, chosen for compactness and
// exactness (numeric as its canonical text, timestamps as int64
// microseconds, uuid as 16 bytes, interval as 16 bytes).

import { FlintError, SqlState } from '../errors.ts';
import type { StorageType, StorageValue } from '../storage/tuple.ts';
import { typeName } from './types/type-info.ts';
import { Decimal } from './types/decimal.ts';
import { formatJson, parseJson } from './types/json.ts';
import type { Interval, JsonValue, SqlType } from './types/sql-type.ts';
import type { RuntimeValue } from './types/type-info.ts';
import { uuidFromBytes, uuidToBytes } from './types/uuid.ts';

export function storageTypeOf(type: SqlType): StorageType {
  switch (type.id) {
    case 'oid':
      return 'int64';
    case 'regclass':
    case 'regtype':
    case 'regproc':
    case 'regnamespace':
    case 'regrole':
    case 'array':
      throw new FlintError(SqlState.featureNotSupported, `columns of type ${typeName(type)} are not supported yet`);
    case 'bool':
      return 'bool';
    case 'int2':
      return 'int16';
    case 'int4':
    case 'date':
      return 'int32';
    case 'int8':
    case 'timestamp':
    case 'timestamptz':
      return 'int64';
    case 'float4':
      return 'float32';
    case 'float8':
      return 'float64';
    case 'bytea':
    case 'uuid':
    case 'interval':
      return 'bytes';
    default:
      return 'text';
  }
}

export type Encoder = (value: RuntimeValue) => StorageValue;
export type Decoder = (stored: StorageValue) => RuntimeValue;

export function encoderFor(type: SqlType): Encoder {
  switch (type.id) {
    case 'oid':
      return (v) => (v === null ? null : BigInt(v as number));
    case 'numeric':
      return (v) => (v === null ? null : (v as Decimal).toString());
    case 'uuid':
      return (v) => (v === null ? null : uuidToBytes(v as string));
    case 'jsonb':
      return (v) => (v === null ? null : formatJson(v as JsonValue));
    case 'interval':
      return (v) => (v === null ? null : encodeInterval(v as Interval));
    default:
      return storedAsIs;
  }
}

/** The encoder of every type whose runtime value is its storage value. */
export const storedAsIs: Encoder = (v) => v as StorageValue;

export function decoderFor(type: SqlType): Decoder {
  switch (type.id) {
    case 'oid':
      return (s) => (s === null ? null : Number(s as bigint));
    case 'numeric':
      return (s) => (s === null ? null : Decimal.parse(s as string));
    case 'uuid':
      return (s) => (s === null ? null : uuidFromBytes(s as Uint8Array));
    case 'jsonb':
      return (s) => (s === null ? null : parseJson(s as string));
    case 'interval':
      return (s) => (s === null ? null : decodeInterval(s as Uint8Array));
    case 'int2':
    case 'int4':
    case 'date':
      return (s) => (s === null ? null : Number(s));
    default:
      return (s) => s as RuntimeValue;
  }
}

function encodeInterval(iv: Interval): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, iv.months, true);
  view.setInt32(4, iv.days, true);
  view.setBigInt64(8, iv.micros, true);
  return bytes;
}

function decodeInterval(bytes: Uint8Array): Interval {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { months: view.getInt32(0, true), days: view.getInt32(4, true), micros: view.getBigInt64(8, true) };
}
