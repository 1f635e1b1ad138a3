import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Tests import server-only modules directly, as the server does.
      'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    // The same suite on a second PostgreSQL (npm run test:unit:pg15) reports into a file of its own.
    reporters: ['default', ['json', { outputFile: process.env.TEST_POSTGRES_BIN ? 'test-results/unit-pg15.json' : 'test-results/unit.json' }]],
    include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
