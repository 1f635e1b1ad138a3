import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { closeDb } from '@/db';
import { createTestDatabase } from './database';
import { mockHttp } from './msw';

// Each test file gets its own database, cloned from the migrated template.
const name = `t_${randomBytes(6).toString('hex')}`;
process.env.DATABASE_URL = await createTestDatabase(inject('pgServerUrl'), name);
process.env.AUTH_SECRET ??= 'test-secret-for-vitest-only-0123456789';

beforeAll(() => mockHttp.listen({ onUnhandledFrame: 'error' }));
afterEach(() => mockHttp.resetHandlers());
afterAll(async () => {
  mockHttp.close();
  await closeDb();
});
