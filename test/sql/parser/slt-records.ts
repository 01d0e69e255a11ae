// Extracts the SQL of `statement` and `query` records from sqllogictest
// files (format: /work/shared/sqllogictest/README.md), keeping the records a
// PostgreSQL runner would run.

export interface SltRecord {
  readonly line: number;
  readonly sql: string;
  readonly expectError: boolean;
}

const OTHER_ENGINES = new Set(['mysql', 'mssql', 'oracle', 'sqlite']);

export function sltRecords(text: string): SltRecord[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const records: SltRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    // A record: a run of non-empty lines; comment lines are dropped but do not end it.
    const start = i;
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') {
      if (!lines[i]!.startsWith('#')) body.push(lines[i]!);
      i++;
    }
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (body.length === 0) continue;
    let skip = false;
    let k = 0;
    for (; k < body.length; k++) {
      const words = body[k]!.trim().split(/\s+/);
      if (words[0] === 'skipif') {
        if (words[1] === 'postgresql') skip = true;
      } else if (words[0] === 'onlyif') {
        if (words[1] !== 'postgresql' && OTHER_ENGINES.has(words[1] ?? '')) skip = true;
      } else break;
    }
    const head = body[k]?.trim().split(/\s+/) ?? [];
    if (head[0] === 'halt' && !skip) break;
    if (skip || (head[0] !== 'statement' && head[0] !== 'query')) continue;
    const sqlLines: string[] = [];
    for (let j = k + 1; j < body.length && body[j] !== '----'; j++) sqlLines.push(body[j]!);
    records.push({ line: start + 1, sql: sqlLines.join('\n'), expectError: head[0] === 'statement' && head[1] === 'error' });
  }
  return records;
}
