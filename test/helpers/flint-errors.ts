// The FlintError a call throws, for tests that check SQLSTATEs: any other
// throw still fails the test as itself.
import { FlintError } from '../../src/errors.ts';

/** The FlintError `fn` throws, or undefined if it returns. */
export function caught(fn: () => unknown): FlintError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  }
  return undefined;
}

/** The SQLSTATE of the FlintError `fn` throws, or undefined if it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  return caught(fn)?.code;
}

/** The FlintError `fn` throws; fails if it returns. */
export function flintError(fn: () => unknown): FlintError {
  const error = caught(fn);
  if (error === undefined) throw new Error('expected a FlintError');
  return error;
}
