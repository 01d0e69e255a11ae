// lower() / upper() / initcap() case mapping.
//
// PostgreSQL maps case one character at a time (towlower/towupper), so a
// character never turns into two: upper('ß') stays 'ß', where JavaScript's
// toUpperCase() gives 'SS'. These helpers use JavaScript's mapping per code
// point and keep the character when its mapping is not a single one.

function mapEach(s: string, map: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = map(c);
    out += m.length === c.length || Array.from(m).length === 1 ? m : c;
  }
  return out;
}

// ASCII-only strings map the same either way, and much faster.
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

export function toLowerSql(s: string): string {
  if (ASCII.test(s)) return s.toLowerCase();
  return mapEach(s, (c) => c.toLowerCase());
}

export function toUpperSql(s: string): string {
  if (ASCII.test(s)) return s.toUpperCase();
  return mapEach(s, (c) => c.toUpperCase());
}

/** initcap: first letter of each alphanumeric run upper case, the rest lower. */
export function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    const alnum = /[\p{L}\p{N}]/u.test(c);
    if (!alnum) out += c;
    else out += inWord ? toLowerSql(c) : toUpperSql(c);
    inWord = alnum;
  }
  return out;
}
