// One-dimensional text[] literals ('{a,"b c",NULL}'), for the jsonb operators
// and functions whose PostgreSQL signatures take text[] (#>, #>>, ?|, ?&,
// #-, jsonb_set). Flint has no array type yet, so these operands arrive as
// text in array-literal form, or as a JavaScript string[] from the binder.

import { FlintError, SqlState } from '../../errors.ts';
import { isCSpace } from './text-util.ts';

function malformed(text: string, detail: string): FlintError {
  return new FlintError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

/** PostgreSQL array_in for a one-dimensional text[]: quoted or bare elements, NULL, backslash escapes. */
export function parseTextArray(text: string): (string | null)[] {
  let i = 0;
  const n = text.length;
  const skip = (): void => {
    while (i < n && isCSpace(text.charCodeAt(i))) i++;
  };
  skip();
  if (text[i] !== '{') throw malformed(text, 'Array value must start with "{" or dimension information.');
  i++;
  const out: (string | null)[] = [];
  skip();
  if (text[i] === '}') {
    i++;
    skip();
    if (i !== n) throw malformed(text, 'Junk after closing right brace.');
    return out;
  }
  for (;;) {
    skip();
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (i >= n) throw malformed(text, 'Unexpected end of input.');
        const c = text[i]!;
        if (c === '\\') {
          if (i + 1 >= n) throw malformed(text, 'Unexpected end of input.');
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      skip();
    } else {
      let trailingSpaceStart = -1;
      for (;;) {
        if (i >= n) throw malformed(text, 'Unexpected end of input.');
        const c = text[i]!;
        if (c === ',' || c === '}') break;
        if (c === '{' || c === '"') throw malformed(text, `Unexpected "${c}" character.`);
        if (c === '\\') {
          if (i + 1 >= n) throw malformed(text, 'Unexpected end of input.');
          value += text[i + 1];
          i += 2;
          trailingSpaceStart = -1;
          continue;
        }
        if (isCSpace(c.charCodeAt(0))) {
          if (trailingSpaceStart < 0) trailingSpaceStart = value.length;
        } else {
          trailingSpaceStart = -1;
        }
        value += c;
        i++;
      }
      if (trailingSpaceStart >= 0) value = value.slice(0, trailingSpaceStart);
      if (value === '') throw malformed(text, 'Unexpected "," character.');
    }
    out.push(!quoted && value.toLowerCase() === 'null' ? null : value);
    const c = text[i];
    i++;
    if (c === '}') break;
    if (c !== ',') throw malformed(text, 'Unexpected end of input.');
  }
  skip();
  if (i !== n) throw malformed(text, 'Junk after closing right brace.');
  return out;
}

/** A text[] operand: a JS array as is, or an array literal parsed. */
export function toTextArray(value: unknown): (string | null)[] {
  if (Array.isArray(value)) return value as (string | null)[];
  return parseTextArray(value as string);
}
