// POSIX regular-expression matching for ~, ~*, !~ and !~* (PostgreSQL's
// textregexeq and friends), on JavaScript's RegExp: PostgreSQL's bracket
// classes ([[:alpha:]] and the others) are translated; the rest of the
// everyday syntax (anchors, groups, alternation, quantifiers, classes,
// escapes such as \d and \s) means the same in both. Compiled patterns are
// cached, bounded.

import { FlintError, SqlState } from '../../errors.ts';

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w',
};

const cache = new Map<string, RegExp>();
const CACHE_MAX = 1000;

function compile(pattern: string, caseInsensitive: boolean): RegExp {
  const key = (caseInsensitive ? 'i' : 's') + pattern;
  let re = cache.get(key);
  if (re === undefined) {
    const source = pattern.replace(/\[:(\w+):\]/g, (m, name: string) => CLASSES[name] ?? m);
    try {
      re = new RegExp(source, caseInsensitive ? 'isu' : 'su');
    } catch (e) {
      throw new FlintError(SqlState.invalidRegularExpression, `invalid regular expression: ${(e as Error).message}`);
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Does `text` contain a match of the POSIX pattern? */
export function regexMatches(text: string, pattern: string, caseInsensitive: boolean): boolean {
  return compile(pattern, caseInsensitive).test(text);
}
