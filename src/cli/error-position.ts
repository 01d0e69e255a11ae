// The LINE / caret lines psql prints under an error with a position, as
// libpq lays them out: the line of the statement holding the position
// (tabs shown as spaces; \r, \n and \r\n end lines), cut to 60 screen
// columns around the position when longer, "..." marking a cut, and a
// caret under the character at the position.
import { displayWidth } from './table-format.ts';

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/** `position` is 1-based, in characters, as ErrorResponse's P field. [] when it is outside the query. */
export function errorPositionLines(query: string, position: number): string[] {
  const loc = position - 1;
  if (loc < 0) return [];
  const chars = [...query].map((c) => (c === '\t' ? ' ' : c));
  // Screen column where each character starts (scr[i]); scr[chars.length] is the end.
  const scr: number[] = [];
  let column = 0;
  let line = 1;
  let begin = 0;
  let end = -1;
  let n = 0;
  for (; n < chars.length; n++) {
    const ch = chars[n]!;
    scr[n] = column;
    if (ch === '\r' || ch === '\n') {
      if (n < loc) {
        if (ch === '\r' || n === 0 || chars[n - 1] !== '\r') line++;
        begin = n + 1;
      } else {
        end = n;
        break;
      }
    }
    column += Math.max(1, displayWidth(ch));
  }
  if (end < 0) {
    end = n;
    scr[end] = column;
  }
  if (loc > n) return [];
  let cutLeft = false;
  let cutRight = false;
  if (scr[end]! - scr[begin]! > DISPLAY_SIZE) {
    if (scr[begin]! + DISPLAY_SIZE >= scr[loc]! + MIN_RIGHT_CUT) {
      while (scr[end]! - scr[begin]! > DISPLAY_SIZE) end--;
      cutRight = true;
    } else {
      while (scr[loc]! + MIN_RIGHT_CUT < scr[end]!) {
        end--;
        cutRight = true;
      }
      while (scr[end]! - scr[begin]! > DISPLAY_SIZE) {
        begin++;
        cutLeft = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${cutLeft ? '...' : ''}`;
  return [`${prefix}${chars.slice(begin, end).join('')}${cutRight ? '...' : ''}`, `${' '.repeat(displayWidth(prefix) + scr[loc]! - scr[begin]!)}^`];
}
