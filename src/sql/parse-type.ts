// Type names: SQL's keyword types with their special syntax (DOUBLE
// PRECISION, CHARACTER VARYING(n), TIMESTAMP(3) WITH TIME ZONE, INTERVAL DAY
// TO SECOND, ...), which become PostgreSQL's internal names, and generic
// names (text, uuid, jsonb, "char", pg_catalog.int4, ...), kept as written.

import { SqlState } from '../errors.ts';
import type { TypeName } from './ast.ts';
import { NUM_INTEGER, TK_IDENT, TK_NUMBER } from './lexer.ts';
import type { Parser } from './parser-state.ts';

/** Keywords that start a type name with special syntax (and may start a typed literal). */
export const KEYWORD_TYPES: ReadonlySet<string> = new Set([
  'int', 'integer', 'smallint', 'bigint', 'real', 'float', 'double', 'decimal', 'dec', 'numeric', 'boolean', 'bit',
  'character', 'char', 'nchar', 'national', 'varchar', 'timestamp', 'time', 'interval', 'json',
]);

/** A complete type name, with array bounds (`int[]`, `text[3][]`, `int ARRAY[4]`). */
export function parseTypeName(p: Parser): TypeName {
  const base = parseSimpleTypeName(p);
  const bounds: number[] = [];
  if (p.isKw('array')) {
    p.advance();
    if (p.acceptOp('[')) {
      bounds.push(unsignedInt(p));
      p.expectOp(']');
    } else {
      bounds.push(-1);
    }
  } else {
    while (p.isOp('[')) {
      p.advance();
      bounds.push(p.isOp(']') ? -1 : unsignedInt(p));
      p.expectOp(']');
    }
  }
  return bounds.length === 0 ? base : { ...base, arrayBounds: bounds };
}

function make(pos: number, name: string, modifiers: readonly number[] = [], schema: string | null = null): TypeName {
  return { kind: 'typeName', pos, schema, name, modifiers, arrayBounds: [], intervalFields: null };
}

/** A type name without array bounds. */
export function parseSimpleTypeName(p: Parser): TypeName {
  const t = p.tok;
  const pos = t.pos;
  if (t.kind === TK_IDENT) {
    switch (t.value) {
      case 'int':
      case 'integer':
        p.advance();
        return make(pos, 'int4');
      case 'smallint':
        p.advance();
        return make(pos, 'int2');
      case 'bigint':
        p.advance();
        return make(pos, 'int8');
      case 'real':
        p.advance();
        return make(pos, 'float4');
      case 'boolean':
        p.advance();
        return make(pos, 'bool');
      case 'json':
        p.advance();
        return make(pos, 'json');
      case 'float': {
        p.advance();
        if (!p.isOp('(')) return make(pos, 'float8');
        p.advance();
        const precisionPos = p.tok.pos;
        const bits = signedInt(p);
        p.expectOp(')');
        if (bits < 1) p.failWith(precisionPos, 'precision for type float must be at least 1 bit', SqlState.invalidParameterValue);
        if (bits > 53) p.failWith(precisionPos, 'precision for type float must be less than 54 bits', SqlState.invalidParameterValue);
        return make(pos, bits <= 24 ? 'float4' : 'float8');
      }
      case 'double':
        if (p.isKwAt(1, 'precision')) {
          p.advance();
          p.advance();
          return make(pos, 'float8');
        }
        break;
      case 'decimal':
      case 'dec':
      case 'numeric':
        p.advance();
        return make(pos, 'numeric', optionalModifiers(p));
      case 'bit': {
        p.advance();
        const varying = p.acceptKw('varying');
        const modifiers = optionalModifiers(p);
        if (varying) return make(pos, 'varbit', modifiers);
        return make(pos, 'bit', modifiers.length === 0 ? [1] : modifiers);
      }
      case 'national':
        p.advance();
        if (!p.acceptKw('character') && !p.acceptKw('char')) p.fail();
        return characterType(p, pos);
      case 'character':
      case 'char':
      case 'nchar':
        p.advance();
        return characterType(p, pos);
      case 'varchar':
        p.advance();
        return make(pos, 'varchar', optionalModifiers(p));
      case 'timestamp':
      case 'time': {
        p.advance();
        const modifiers = optionalModifiers(p);
        let zone = false;
        if (p.isKw('with') && p.isKwAt(1, 'time') && p.isKwAt(2, 'zone')) {
          p.advance();
          p.advance();
          p.advance();
          zone = true;
        } else if (p.isKw('without') && p.isKwAt(1, 'time') && p.isKwAt(2, 'zone')) {
          p.advance();
          p.advance();
          p.advance();
        }
        const name = t.value === 'timestamp' ? (zone ? 'timestamptz' : 'timestamp') : zone ? 'timetz' : 'time';
        return make(pos, name, modifiers);
      }
      case 'interval': {
        p.advance();
        if (p.isOp('(')) return make(pos, 'interval', optionalModifiers(p));
        const fields = parseIntervalFields(p);
        return fields === null ? make(pos, 'interval') : { ...make(pos, 'interval', fields.modifiers), intervalFields: fields.fields };
      }
      case 'setof':
        p.fail();
    }
  }
  if (!p.isTypeFuncName()) p.fail();
  const parts = [p.advance().value];
  while (p.isOp('.') && p.isLabel(p.peek(1))) {
    p.advance();
    parts.push(p.advance().value);
  }
  if (parts.length > 3) p.failWith(pos, `improper qualified name (too many dotted names): ${parts.join('.')}`);
  const name = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2]! : null;
  return make(pos, name, optionalModifiers(p), schema);
}

/** After CHARACTER / CHAR / NCHAR: [VARYING] [(n)]. */
function characterType(p: Parser, pos: number): TypeName {
  const varying = p.acceptKw('varying');
  const modifiers = optionalModifiers(p);
  if (varying) return make(pos, 'varchar', modifiers);
  return make(pos, 'bpchar', modifiers.length === 0 ? [1] : modifiers);
}

/** `(n, ...)` of integer constants, or nothing. */
function optionalModifiers(p: Parser): number[] {
  if (!p.isOp('(')) return [];
  p.advance();
  const modifiers: number[] = [];
  do modifiers.push(signedInt(p));
  while (p.acceptOp(','));
  p.expectOp(')');
  return modifiers;
}

function unsignedInt(p: Parser): number {
  const t = p.tok;
  if (t.kind !== TK_NUMBER || t.flag !== NUM_INTEGER) p.fail();
  p.advance();
  return Number(t.value);
}

function signedInt(p: Parser): number {
  if (p.acceptOp('-')) return -unsignedInt(p);
  p.acceptOp('+');
  return unsignedInt(p);
}

const INTERVAL_UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);
const INTERVAL_RANGES = new Set([
  'year to month', 'day to hour', 'day to minute', 'day to second', 'hour to minute', 'hour to second', 'minute to second',
]);

/**
 * INTERVAL's field restriction (YEAR, DAY TO SECOND(3), ...), or null when
 * there is none. SECOND may carry a precision.
 */
export function parseIntervalFields(p: Parser): { fields: string; modifiers: number[] } | null {
  const t = p.tok;
  if (t.kind !== TK_IDENT || !INTERVAL_UNITS.has(t.value)) return null;
  p.advance();
  let fields = t.value;
  if (p.isKw('to')) {
    const to = p.peek(1);
    const range = `${fields} to ${to.kind === TK_IDENT ? to.value : ''}`;
    if (!INTERVAL_RANGES.has(range)) p.fail(to);
    p.advance();
    p.advance();
    fields = range;
  }
  const modifiers = fields.endsWith('second') ? optionalModifiers(p) : [];
  return { fields, modifiers };
}
