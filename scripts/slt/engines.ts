// Engine factory for the sqllogictest CLI. Adapters are imported lazily, so
// running the CLI never loads an engine it does not use.

import { FlintError, SqlState } from '../../src/errors.ts';
import type { SltEngine } from './engine.ts';

/** Engine implementations the CLI can create. */
export const ENGINE_IMPLEMENTATIONS = ['flint', 'flint-noindex'] as const;

export async function createEngine(implementation: string): Promise<SltEngine> {
  switch (implementation) {
    case 'flint':
    case 'flint-noindex': {
      // flint-noindex plans every query with sequential scans (SET enable_indexscan = off):
      // the index/ tests must give the same results both ways.
      const { createFlintEngine } = await import('./flint-engine.ts');
      return await createFlintEngine({ indexScans: implementation === 'flint' });
    }
    default:
      throw new FlintError(
        SqlState.invalidParameterValue,
        `unknown sqllogictest engine "${implementation}" (known: ${ENGINE_IMPLEMENTATIONS.join(', ')})`,
      );
  }
}
