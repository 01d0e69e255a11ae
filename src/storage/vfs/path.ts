// Path helpers without node:path, so code above the vfs can build paths on any
// runtime. Flint writes paths with '/'; Windows accepts it too. parentDir and
// baseName also split at '\' so paths the operating system handed back work.

/** Join path pieces with '/', never doubling a separator. */
export function joinPath(first: string, ...rest: string[]): string {
  let out = first;
  for (const part of rest) {
    if (part === '') continue;
    if (out === '' ) out = part;
    else if (isSeparator(out.charCodeAt(out.length - 1))) out += part.replace(/^[/\\]+/, '');
    else out += '/' + part.replace(/^[/\\]+/, '');
  }
  return out;
}

/** The directory holding path: '.' for a bare name, '/' for a top-level entry. */
export function parentDir(path: string): string {
  const p = trimTrailingSeparators(path);
  let i = p.length - 1;
  while (i >= 0 && !isSeparator(p.charCodeAt(i))) i--;
  if (i < 0) return '.';
  if (i === 0) return p.slice(0, 1);
  let end = i;
  while (end > 0 && isSeparator(p.charCodeAt(end - 1))) end--;
  return end === 0 ? p.slice(0, 1) : p.slice(0, end);
}

/** The last component of path. */
export function baseName(path: string): string {
  const p = trimTrailingSeparators(path);
  let i = p.length - 1;
  while (i >= 0 && !isSeparator(p.charCodeAt(i))) i--;
  return p.slice(i + 1);
}

/**
 * The canonical form of a '/'-separated path: no empty or '.' components,
 * '..' resolved, no trailing '/'. '' and '.' become '.'; the root stays '/'.
 * Two paths naming the same file have the same normal form (no symlinks here).
 */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const stack: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      const top = stack[stack.length - 1];
      if (top !== undefined && top !== '..') stack.pop();
      else if (!absolute) stack.push('..');
      continue;
    }
    stack.push(part);
  }
  if (absolute) return '/' + stack.join('/');
  return stack.length === 0 ? '.' : stack.join('/');
}

function trimTrailingSeparators(path: string): string {
  let end = path.length;
  while (end > 1 && isSeparator(path.charCodeAt(end - 1))) end--;
  return path.slice(0, end);
}

function isSeparator(c: number): boolean {
  return c === 47 /* / */ || c === 92 /* \ */;
}
