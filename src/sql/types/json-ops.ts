// jsonb operators and functions, after PostgreSQL's jsonfuncs.c and
// jsonb_op.c: -> ->> #> #>> @> <@ ? ?| ?& || - #-, jsonb_typeof,
// jsonb_array_length, jsonb_build_object/array, jsonb_strip_nulls, jsonb_set.
// JSON null is the JsonValue null. Lookups that find nothing (a missing key,
// an index out of range) return undefined instead, which the operator layer
// turns into SQL NULL; so '{"a":null}' -> 'a' is JSON null, -> 'b' is NULL.

import { FlintError, SqlState } from '../../errors.ts';
import type { JsonValue } from './sql-type.ts';
import { formatJson, isJsonObject, newJsonObject, equalJson, type JsonObject } from './json.ts';

/** jsonb -> text: an object's field. */
export function jsonGetField(v: JsonValue, key: string): JsonValue | undefined {
  if (!isJsonObject(v)) return undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** jsonb -> int: an array element; negative indexes count from the end. */
export function jsonGetElement(v: JsonValue, index: number): JsonValue | undefined {
  if (!Array.isArray(v)) return undefined;
  const i = index < 0 ? v.length + index : index;
  return i >= 0 && i < v.length ? v[i] : undefined;
}

/**
 * jsonb -> int as the operator sees it: PostgreSQL stores a top-level scalar
 * as a one-element array, so '"x"' -> 0 and -> -1 are "x". (#> does not do this.)
 */
export function jsonArrayElementOp(v: JsonValue, index: number): JsonValue | undefined {
  if (v !== null && typeof v === 'object') return jsonGetElement(v, index);
  return jsonGetElement([v], index);
}

/** The text ->> and #>> return: strings unquoted, JSON null as SQL NULL, the rest as jsonb text. */
export function jsonAsText(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  return formatJson(v);
}

/** #> : follow a path of keys and array indexes (as text, like PostgreSQL's text[]). */
export function jsonGetPath(v: JsonValue, path: readonly (string | null)[]): JsonValue | undefined {
  let cur: JsonValue = v;
  for (const step of path) {
    if (step === null) return undefined;
    let next: JsonValue | undefined;
    if (isJsonObject(cur)) {
      next = jsonGetField(cur, step);
    } else if (Array.isArray(cur)) {
      const index = parsePathIndex(step);
      if (index === undefined) return undefined;
      next = jsonGetElement(cur, index);
    } else {
      return undefined;
    }
    if (next === undefined) return undefined;
    cur = next;
  }
  return cur;
}

/** A path step used on an array: a whole int4, else no match. */
function parsePathIndex(step: string): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(step)) return undefined;
  const n = Number(step);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** ? : a top-level object key or string array element (a scalar string counts as a one-element array). */
export function jsonExists(v: JsonValue, key: string): boolean {
  if (isJsonObject(v)) return Object.prototype.hasOwnProperty.call(v, key);
  if (Array.isArray(v)) return v.some((e) => e === key);
  return v === key;
}

export function jsonExistsAny(v: JsonValue, keys: readonly (string | null)[]): boolean {
  return keys.some((k) => k !== null && jsonExists(v, k));
}

export function jsonExistsAll(v: JsonValue, keys: readonly (string | null)[]): boolean {
  return keys.every((k) => k === null || jsonExists(v, k));
}

function isContainer(v: JsonValue): boolean {
  return typeof v === 'object' && v !== null;
}

/** PostgreSQL JsonbDeepContains on two containers of the same kind. */
function deepContains(val: JsonValue, sub: JsonValue, valRaw: boolean, subRaw: boolean): boolean {
  if (isJsonObject(val) !== isJsonObject(sub)) return false;
  if (isJsonObject(val)) {
    const s = sub as JsonObject;
    const subKeys = Object.keys(s);
    if (Object.keys(val).length < subKeys.length) return false;
    for (const k of subKeys) {
      const lhs = jsonGetField(val, k);
      if (lhs === undefined) return false;
      const rhs = s[k]!;
      if (isContainer(lhs) || isContainer(rhs)) {
        if (!isContainer(lhs) || !isContainer(rhs) || Array.isArray(lhs) !== Array.isArray(rhs)) return false;
        if (!deepContains(lhs, rhs, false, false)) return false;
      } else if (!scalarEquals(lhs, rhs)) {
        return false;
      }
    }
    return true;
  }
  const arr = val as JsonValue[];
  const subArr = sub as JsonValue[];
  // A raw scalar may contain a raw scalar, an array may contain a raw
  // scalar, but a raw scalar never contains an array.
  if (valRaw && !subRaw) return false;
  const lhsContainers = arr.filter(isContainer);
  for (const elem of subArr) {
    if (!isContainer(elem)) {
      if (!arr.some((e) => !isContainer(e) && scalarEquals(e, elem))) return false;
    } else if (!lhsContainers.some((c) => Array.isArray(c) === Array.isArray(elem) && deepContains(c, elem, false, false))) {
      return false;
    }
  }
  return true;
}

function scalarEquals(a: JsonValue, b: JsonValue): boolean {
  // Scalars only: JSON has no NaN, so === is jsonb equality here.
  return a === b;
}

/** @> : does `val` contain `sub`? */
export function jsonContains(val: JsonValue, sub: JsonValue): boolean {
  if (isJsonObject(val) !== isJsonObject(sub)) return false;
  const valRaw = !isContainer(val);
  const subRaw = !isContainer(sub);
  return deepContains(valRaw ? [val] : val, subRaw ? [sub] : sub, valRaw, subRaw);
}

/** || : objects merge (right wins), arrays concatenate, anything else is wrapped in an array first. */
export function jsonConcat(a: JsonValue, b: JsonValue): JsonValue {
  if (isJsonObject(a) && isJsonObject(b)) {
    const out = newJsonObject();
    for (const k of Object.keys(a)) out[k] = a[k]!;
    for (const k of Object.keys(b)) out[k] = b[k]!;
    return out;
  }
  const left = Array.isArray(a) ? a : [a];
  const right = Array.isArray(b) ? b : [b];
  return [...left, ...right];
}

function invalidParameter(message: string): FlintError {
  return new FlintError(SqlState.invalidParameterValue, message);
}

/** jsonb - text: remove a key, or matching string elements of an array. */
export function jsonDeleteKey(v: JsonValue, key: string): JsonValue {
  if (isJsonObject(v)) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) return v;
    const out = newJsonObject();
    for (const k of Object.keys(v)) if (k !== key) out[k] = v[k]!;
    return out;
  }
  if (Array.isArray(v)) return v.filter((e) => e !== key);
  throw invalidParameter('cannot delete from scalar');
}

/** jsonb - text[]: remove each key. */
export function jsonDeleteKeys(v: JsonValue, keys: readonly (string | null)[]): JsonValue {
  let out = v;
  for (const k of keys) if (k !== null) out = jsonDeleteKey(out, k);
  return out;
}

/** jsonb - int: remove an array element; negative counts from the end. */
export function jsonDeleteIndex(v: JsonValue, index: number): JsonValue {
  if (isJsonObject(v)) throw invalidParameter('cannot delete from object using integer index');
  if (!Array.isArray(v)) throw invalidParameter('cannot delete from scalar');
  const i = index < 0 ? v.length + index : index;
  if (i < 0 || i >= v.length) return v;
  return v.filter((_, j) => j !== i);
}

/** #- : remove the element at a path. */
export function jsonDeletePath(v: JsonValue, path: readonly (string | null)[]): JsonValue {
  if (!isContainer(v)) throw invalidParameter('cannot delete path in scalar');
  if (path.length === 0) return v;
  return deletePathAt(v, path, 0);
}

function deletePathAt(v: JsonValue, path: readonly (string | null)[], level: number): JsonValue {
  const step = path[level];
  if (step === null || step === undefined) {
    throw new FlintError(SqlState.nullValueNotAllowed, `path element at position ${level + 1} is null`);
  }
  const last = level === path.length - 1;
  if (isJsonObject(v)) {
    if (!Object.prototype.hasOwnProperty.call(v, step)) return v;
    const out = newJsonObject();
    for (const k of Object.keys(v)) {
      if (k !== step) out[k] = v[k]!;
      else if (!last) out[k] = isContainer(v[k]!) ? deletePathAt(v[k]!, path, level + 1) : v[k]!;
    }
    return out;
  }
  if (Array.isArray(v)) {
    const index = parsePathIndex(step);
    if (index === undefined) {
      throw new FlintError(SqlState.invalidTextRepresentation, `path element at position ${level + 1} is not an integer: "${step}"`);
    }
    const i = index < 0 ? v.length + index : index;
    if (i < 0 || i >= v.length) return v;
    if (last) return v.filter((_, j) => j !== i);
    return v.map((e, j) => (j === i && isContainer(e) ? deletePathAt(e, path, level + 1) : e));
  }
  return v;
}

/** jsonb_set(target, path, new_value, create_missing). */
export function jsonSet(v: JsonValue, path: readonly (string | null)[], value: JsonValue, createMissing = true): JsonValue {
  if (!isContainer(v)) throw invalidParameter('cannot set path in scalar');
  if (path.length === 0) return v;
  return setPathAt(v, path, 0, value, createMissing);
}

function setPathAt(v: JsonValue, path: readonly (string | null)[], level: number, value: JsonValue, create: boolean): JsonValue {
  const step = path[level];
  if (step === null || step === undefined) {
    throw new FlintError(SqlState.nullValueNotAllowed, `path element at position ${level + 1} is null`);
  }
  const last = level === path.length - 1;
  if (isJsonObject(v)) {
    const has = Object.prototype.hasOwnProperty.call(v, step);
    if (!has && !(last && create)) return v;
    const out = newJsonObject();
    for (const k of Object.keys(v)) out[k] = v[k]!;
    if (last) out[step] = value;
    else if (isContainer(v[step]!)) out[step] = setPathAt(v[step]!, path, level + 1, value, create);
    return out;
  }
  if (Array.isArray(v)) {
    const index = parsePathIndex(step);
    if (index === undefined) {
      throw new FlintError(SqlState.invalidTextRepresentation, `path element at position ${level + 1} is not an integer: "${step}"`);
    }
    const i = index < 0 ? v.length + index : index;
    if (i < 0 || i >= v.length) {
      if (!(last && create)) return v;
      // Out of range: PostgreSQL prepends for too-negative, appends for too-large.
      return i < 0 ? [value, ...v] : [...v, value];
    }
    const out = v.slice();
    if (last) out[i] = value;
    else if (isContainer(v[i]!)) out[i] = setPathAt(v[i]!, path, level + 1, value, create);
    return out;
  }
  return v;
}

/** jsonb_typeof. */
export function jsonTypeof(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

/** jsonb_array_length. */
export function jsonArrayLength(v: JsonValue): number {
  if (Array.isArray(v)) return v.length;
  throw invalidParameter(isJsonObject(v) ? 'cannot get array length of a non-array' : 'cannot get array length of a scalar');
}

/** jsonb_strip_nulls: drop object fields whose value is null, recursively. */
export function jsonStripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(jsonStripNulls);
  if (isJsonObject(v)) {
    const out = newJsonObject();
    for (const k of Object.keys(v)) if (v[k] !== null) out[k] = jsonStripNulls(v[k]!);
    return out;
  }
  return v;
}

/** jsonb_build_object(k1, v1, ...), given as pairs: keys must not be null. */
export function jsonBuildObject(pairs: readonly (readonly [string | null, JsonValue])[]): JsonObject {
  const out = newJsonObject();
  pairs.forEach(([k, v], i) => {
    if (k === null) throw invalidParameter(`argument ${2 * i + 1}: key must not be null`);
    out[k] = v;
  });
  return out;
}

export { equalJson };
