// bench/peers: maps a position in the bundle that scripts/run-ts.mjs runs
// back to the TypeScript source, through the bundle's inline source map,
// so that profiles name src/ files rather than the temporary bundle.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Segments per generated line: [generated column, source index, source line]. */
type Lines = [number, number, number][][];

function decodeMappings(mappings: string): Lines {
  const lines: Lines = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0]!;
      if (values.length >= 4) {
        source += values[1]!;
        sourceLine += values[2]!;
        sourceColumn += values[3]!;
        segments.push([column, source, sourceLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** A function (url, 0-based line, column) → 'path.ts:line', or undefined where the map does not say. */
export function sourceLocator(bundleUrl: string): (url: string, line: number, column: number) => string | undefined {
  let text: string;
  try {
    text = readFileSync(fileURLToPath(bundleUrl), 'utf8');
  } catch {
    return () => undefined;
  }
  const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
  if (match === null) return () => undefined;
  const map = JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as { sources: string[]; mappings: string };
  const lines = decodeMappings(map.mappings);
  const sources = map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
  return (url, line, column) => {
    if (url !== bundleUrl) return undefined;
    const segments = lines[line];
    if (segments === undefined) return undefined;
    let best: [number, number, number] | undefined;
    for (const s of segments) {
      if (s[0] > column) break;
      best = s;
    }
    return best === undefined ? undefined : `${sources[best[1]]}:${best[2] + 1}`;
  };
}
