// The sqllogictest adapter for Flint's SQL layer.
//
// PLACEHOLDER: Flint's SQL layer is being written; until it lands, creating
// the engine fails with FlintError 0A000 and `npm run slt` reports that and
// exits with status 2. Whoever lands the SQL layer replaces the body of
// createFlintEngine() with an adapter that follows the SltEngine contract in
// engine.ts:
//
//   - reset(): a new, empty in-memory database (one per .test file);
//   - execute(sql): run every `;`-separated statement of `sql`, stop at the
//     first error, return the last statement's result set as
//     { kind: 'rows', columns, rows } or { kind: 'ok' } when it has none;
//     SQL errors as { kind: 'error', message } (a thrown FlintError also
//     counts as an SQL error; any other throw fails the record as a crash);
//   - values: null, number (float8, and integers within 2^53), bigint (int8
//     beyond that), string (text; numeric as its decimal text is fine, the
//     runner renders I and R from a numeric prefix), boolean.
//
// The runner renders every value by the column letters of the query record,
// so the adapter never formats values itself.

import { FlintError, SqlState } from '../../src/errors.ts';
import type { SltEngine } from './engine.ts';

export function createFlintEngine(): SltEngine | Promise<SltEngine> {
  throw new FlintError(SqlState.featureNotSupported, 'the SQL layer is not built yet');
}
