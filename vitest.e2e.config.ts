import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Browser flows against a production build served by scripts/start.ts (the `npm start` path).
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    reporters: ['default', ['json', { outputFile: 'test-results/e2e.json' }]],
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
