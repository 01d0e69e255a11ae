// Splits date, time and interval text into fields, like PostgreSQL's
// ParseDateTime(): numbers, dates with embedded separators, times with colons,
// signed fields (time zone offsets or signed interval numbers) and words.
// Decoding the fields is left to datetime-parse.ts and interval.ts.

export type FieldKind =
  /** Digits, possibly with a decimal point: "2024", "1.5", "20240102". */
  | 'number'
  /** Digits with '-', '/' or '.' separators, possibly with a month name: "2024-01-02", "8-jan-1999". */
  | 'date'
  /** Digits with colons: "03:04:05.5". */
  | 'time'
  /** A sign and digits: "+05:30", "-1", "-1-2". */
  | 'signed'
  /** Letters, lower-cased, possibly a zone name with '/': "jan", "america/new_york". */
  | 'word'
  /** A sign and letters: "-infinity". */
  | 'signedWord';

export interface Field {
  readonly kind: FieldKind;
  readonly text: string;
}

const MONTH_PREFIXES = new Set(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** Fields of the text, or null when it holds a character no field can start with. */
export function tokenizeDateTime(text: string): Field[] | null {
  const fields: Field[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (isDigit(text[i])) i++;
      if (text[i] === ':') {
        while (isDigit(text[i]) || text[i] === ':' || text[i] === '.') i++;
        fields.push({ kind: 'time', text: text.slice(start, i) });
      } else if (text[i] === '-' || text[i] === '/' || text[i] === '.') {
        const delim = text[i]!;
        i++;
        if (isDigit(text[i])) {
          let kind: FieldKind = delim === '.' ? 'number' : 'date';
          while (isDigit(text[i])) i++;
          // Only a second matching separator makes a three-part date.
          if (text[i] === delim) {
            kind = 'date';
            i++;
            while (isDigit(text[i]) || text[i] === delim) i++;
          }
          fields.push({ kind, text: text.slice(start, i) });
        } else {
          while (isDigit(text[i]) || isAlpha(text[i]) || text[i] === delim) i++;
          fields.push({ kind: 'date', text: text.slice(start, i).toLowerCase() });
        }
      } else {
        fields.push({ kind: 'number', text: text.slice(start, i) });
      }
    } else if (c === '.') {
      i++;
      while (isDigit(text[i])) i++;
      fields.push({ kind: 'number', text: text.slice(start, i) });
    } else if (isAlpha(c)) {
      while (isAlpha(text[i])) i++;
      const word = text.slice(start, i).toLowerCase();
      if (text[i] === '/' || text[i] === '_') {
        // Zone names embed '/', '_', '+', '-' and digits: "America/New_York", "Etc/GMT+5".
        while (i < n && (isAlpha(text[i]) || isDigit(text[i]) || '/_+-'.includes(text[i]!))) i++;
        fields.push({ kind: 'word', text: text.slice(start, i).toLowerCase() });
      } else if ((text[i] === '-' || text[i] === '.' || text[i] === '/') && MONTH_PREFIXES.has(word.slice(0, 3))) {
        // A date that starts with a month name: "jan-08-1999".
        while (isDigit(text[i]) || isAlpha(text[i]) || text[i] === '-' || text[i] === '.' || text[i] === '/') i++;
        fields.push({ kind: 'date', text: text.slice(start, i).toLowerCase() });
      } else {
        fields.push({ kind: 'word', text: word });
      }
    } else if (c === '+' || c === '-') {
      i++;
      while (text[i] === ' ') i++;
      if (isDigit(text[i])) {
        const body = i;
        while (isDigit(text[i]) || text[i] === ':' || text[i] === '.' || text[i] === '-') i++;
        fields.push({ kind: 'signed', text: c + text.slice(body, i) });
      } else if (isAlpha(text[i])) {
        const body = i;
        while (isAlpha(text[i])) i++;
        fields.push({ kind: 'signedWord', text: c + text.slice(body, i).toLowerCase() });
      } else {
        return null;
      }
    } else if (c === ',' || c === '@' || c === ';') {
      // PostgreSQL skips other punctuation between fields.
      i++;
    } else {
      return null;
    }
  }
  return fields;
}
