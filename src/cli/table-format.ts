// psql's output of a result, byte for byte where we know it (psql 15,
// border 1): aligned, or expanded (\x). Values arrive as PostgreSQL's text
// output; NULL (null) prints as nothing.
//
// Aligned: column names centred over their column, a separator of dashes
// joined by '+', then the rows: numbers right-aligned, the rest left-aligned,
// the last column not padded; a value with newlines continues on the next
// lines, with '+' after each line but its last (in the padding), then
// "(N rows)" and an empty line.
//
// Expanded: per row "-[ RECORD n ]" over a dashed line, then one
// "name | value" line per column.

export interface TextColumn {
  readonly name: string;
  /** Right-aligned (psql right-aligns the numeric types). */
  readonly numeric: boolean;
}

export interface TextResult {
  readonly columns: readonly TextColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface AlignedOptions {
  /** A title centred over the table (\d's 'Table "public.t"'). */
  readonly title?: string;
  /** Lines after the rows (\d's "Indexes:" and the like). */
  readonly footers?: readonly string[];
  /** Print "(N rows)" (default true; \d TABLE does not). */
  readonly rowCount?: boolean;
}

export function formatAligned(result: TextResult, options: AlignedOptions = {}): string {
  const { columns, rows } = result;
  const n = columns.length;
  const cells = rows.map((row) => row.map((v) => (v ?? '').split('\n')));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.name), ...cells.map((r) => Math.max(...r[i]!.map(displayWidth)))));
  const out: string[] = [];
  out.push(columns.map((c, i) => ` ${center(c.name, widths[i]!)} `).join('|'));
  out.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const row of cells) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      let text = '';
      for (let i = 0; i < n; i++) {
        const lines = row[i]!;
        const value = lines[line] ?? '';
        const more = line < lines.length - 1;
        const last = i === n - 1;
        // psql pads a right-aligned value always, a left-aligned one unless it ends the line, and nothing past a value's last line in the last column.
        const past = line >= lines.length;
        const padded = past && last ? '' : columns[i]!.numeric ? padStart(value, widths[i]!) : last && !more ? value : padEnd(value, widths[i]!);
        text += `${i === 0 ? ' ' : ''}${padded}${more ? '+' : last ? '' : ' '}${last ? '' : '| '}`;
      }
      out.push(text);
    }
  }
  if (options.title !== undefined) {
    const width = displayWidth(out[0]!);
    const titleWidth = displayWidth(options.title);
    out.unshift(titleWidth >= width ? options.title : ' '.repeat(Math.floor((width - titleWidth) / 2)) + options.title);
  }
  out.push(...(options.footers ?? []));
  if (options.rowCount !== false) out.push(rowCount(rows.length));
  out.push('');
  return out.join('\n');
}

export function formatExpanded(result: TextResult): string {
  const { columns, rows } = result;
  if (rows.length === 0) return `${rowCount(0)}\n`;
  const nameWidth = Math.max(...columns.map((c) => displayWidth(c.name)));
  const valueWidth = Math.max(0, ...rows.flatMap((r) => r.map((v) => Math.max(...(v ?? '').split('\n').map(displayWidth)))));
  const out: string[] = [];
  rows.forEach((row, r) => {
    const label = `-[ RECORD ${r + 1} ]`;
    out.push(label.length < nameWidth + 1 ? `${label}${'-'.repeat(nameWidth + 1 - label.length)}+${'-'.repeat(valueWidth + 1)}` : label + '-'.repeat(Math.max(0, nameWidth + 3 + valueWidth - label.length)));
    columns.forEach((c, i) => {
      const lines = (row[i] ?? '').split('\n');
      lines.forEach((line, k) => {
        const more = k < lines.length - 1;
        out.push(`${padEnd(k === 0 ? c.name : '', nameWidth)} ${k === 0 ? '|' : '|'} ${more ? `${padEnd(line, valueWidth)}+` : line}`);
      });
    });
  });
  out.push('');
  return out.join('\n');
}

function rowCount(n: number): string {
  return `(${n} ${n === 1 ? 'row' : 'rows'})`;
}

/** Terminal columns a string takes: East Asian wide and fullwidth characters take two, combining marks none. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

function center(s: string, width: number): string {
  const pad = width - displayWidth(s);
  const left = Math.floor(pad / 2);
  return ' '.repeat(left) + s + ' '.repeat(pad - left);
}
