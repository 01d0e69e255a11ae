import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests run thousands of cases; give them room on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: one on a 2-core CI
    // machine. The longest files mostly wait on child processes (SIGKILL
    // rounds, pgbench, flint serve), so two run side by side there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
