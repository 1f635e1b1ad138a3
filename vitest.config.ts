import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

// On a second PostgreSQL (npm run test:unit:pg15) the suite checks what depends on the server:
// its SQL, plans, locks and triggers. The tests of our processes being killed, drained or
// restarted, and of the CLI's process, run once (on the embedded 18); the replica test runs
// on PostgreSQL 15 in either pass.
const SECOND_SERVER = Boolean(process.env.TEST_POSTGRES_BIN);
const ONCE = ['tests/pg-restart.test.ts', 'tests/report-crash.test.ts', 'tests/worker-drain.test.ts', 'tests/crash.test.ts', 'tests/dlr-crash.test.ts', 'tests/replica.test.ts', 'tests/admin-cli.test.ts'];

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Tests import server-only modules directly, as the server does.
      'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    // The pass on a second PostgreSQL reports into a file of its own.
    reporters: ['default', ['json', { outputFile: SECOND_SERVER ? 'test-results/unit-pg15.json' : 'test-results/unit.json' }]],
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: SECOND_SERVER ? [...configDefaults.exclude, ...ONCE] : configDefaults.exclude,
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
