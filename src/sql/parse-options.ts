// Generic option lists: storage parameters `WITH (fillfactor = 100)` and the
// utility options of EXPLAIN, COPY and VACUUM `(FORMAT csv, HEADER)`.

import type { Option } from './ast.ts';
import { TK_IDENT, TK_NUMBER, TK_OP, TK_QIDENT, TK_STRING } from './lexer.ts';
import type { Parser } from './parser-state.ts';

/**
 * `(name [= value], ...)` when `equals`, else `(name [value], ...)`. Names are
 * words (dotted for storage parameters: toast.fillfactor); values are a
 * string, a signed number, a word, `*`, or (without `equals`) a list `(a, b)`.
 */
export function parseOptionList(p: Parser, equals: boolean): Option[] {
  p.expectOp('(');
  const options: Option[] = [];
  do {
    const pos = p.tok.pos;
    let name = p.colLabel();
    if (equals) {
      while (p.isOp('.') && p.isLabel(p.peek(1))) {
        p.advance();
        name += `.${p.advance().value}`;
      }
    }
    let value: Option['value'] = null;
    if (equals) {
      if (p.acceptOp('=')) value = optionValue(p);
    } else if (p.isOp('(')) {
      p.advance();
      const list: string[] = [];
      do list.push(optionValue(p));
      while (p.acceptOp(','));
      p.expectOp(')');
      value = list;
    } else if (!p.isOp(',') && !p.isOp(')')) {
      value = optionValue(p);
    }
    options.push({ pos, name, value });
  } while (p.acceptOp(','));
  p.expectOp(')');
  return options;
}

/** A string, a signed number (as written), a word, or `*`. */
export function optionValue(p: Parser): string {
  const t = p.tok;
  if (t.kind === TK_STRING || t.kind === TK_IDENT || t.kind === TK_QIDENT || t.kind === TK_NUMBER) {
    p.advance();
    return t.value;
  }
  if (t.kind === TK_OP && (t.value === '-' || t.value === '+') && p.peek(1).kind === TK_NUMBER) {
    p.advance();
    const n = p.advance().value;
    return t.value === '-' ? `-${n}` : n;
  }
  if (t.kind === TK_OP && t.value === '*') {
    p.advance();
    return '*';
  }
  return p.fail();
}

/** A signed numeric constant as text, e.g. `-5`, `1.5`. */
export function signedNumber(p: Parser): string {
  let sign = '';
  if (p.acceptOp('-')) sign = '-';
  else p.acceptOp('+');
  const t = p.tok;
  if (t.kind !== TK_NUMBER) p.fail();
  p.advance();
  return sign + t.value;
}
