// One mapping from operating-system errors to FlintError, shared by every vfs.
//
// Node reports errno as a string `code` ('ENOENT'); the memory and fault vfs
// raise errors of the same shape (simulatedOsError), so all three produce the
// same SQLSTATE codes and message formats for the same failure.

import { FlintError, SqlState } from '../../errors.ts';

/** What the vfs was doing when the error happened; becomes the message. */
export interface VfsErrorContext {
  /** The operation, as a verb: 'open', 'read', 'write', 'rename', ... */
  readonly op: string;
  readonly path: string;
  /** Byte offset, for reads, writes and truncates. */
  readonly offset?: number;
  /** Bytes asked for, for reads and writes. */
  readonly length?: number;
  /** Second path, for rename. */
  readonly to?: string;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/** The errno-style code of an error, if it has one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** An Error shaped like Node's system errors, for the simulated file systems. */
export function simulatedOsError(code: string, detail?: string): Error & { code: string } {
  const reason = REASONS[code] ?? 'error';
  const err = new Error(detail === undefined ? `${code}: ${reason}` : `${code}: ${reason}, ${detail}`) as Error & { code: string };
  err.code = code;
  return err;
}

/** The SQLSTATE for an errno-style code. */
export function sqlStateOf(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return SqlState.undefinedFile;
    case 'EEXIST':
      return SqlState.duplicateFile;
    case 'ENOSPC':
    case 'EDQUOT':
      return SqlState.diskFull;
    default:
      return SqlState.ioError;
  }
}

/**
 * Wrap `err` (a node:fs error, a simulated one, or anything thrown) into a
 * FlintError that names the operation, file and offset. A FlintError passes
 * through unchanged.
 */
export function vfsError(err: unknown, ctx: VfsErrorContext): FlintError {
  if (err instanceof FlintError) return err;
  const code = errorCode(err);
  const reason = code !== undefined && REASONS[code] !== undefined
    ? `${code}: ${REASONS[code]}`
    : err instanceof Error ? err.message : String(err);
  return new FlintError(sqlStateOf(code), `${describe(ctx)}: ${reason}`, {
    file: ctx.path,
    ...(ctx.offset === undefined ? {} : { offset: ctx.offset }),
    cause: err,
  });
}

function describe(ctx: VfsErrorContext): string {
  const file = `"${ctx.path}"`;
  switch (ctx.op) {
    case 'read':
    case 'write':
      return `could not ${ctx.op} ${ctx.length ?? 0} bytes ${ctx.op === 'read' ? 'from' : 'to'} file ${file} at offset ${ctx.offset ?? 0}`;
    case 'truncate':
      return `could not truncate file ${file} to ${ctx.offset ?? 0} bytes`;
    case 'rename':
      return `could not rename file ${file} to "${ctx.to ?? ''}"`;
    case 'list':
      return `could not list directory ${file}`;
    case 'mkdir':
      return `could not create directory ${file}`;
    case 'syncDir':
      return `could not fsync directory ${file}`;
    case 'sync':
      return `could not fsync file ${file}`;
    case 'lock':
      return `could not lock ${file}`;
    default:
      return `could not ${ctx.op} file ${file}`;
  }
}

/** 55P03: the lock file at `path` is held by someone else. */
export function lockNotAvailable(path: string, holder: string): FlintError {
  return new FlintError(SqlState.lockNotAvailable, `could not lock "${path}": it is held by ${holder}`, { file: path });
}
