import { closeDb } from '../db';
import { resolveDatabase } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { checkEnv } from '../lib/env';
import { startWorker } from '../lib/jobs/worker';

// The job workers alone, so that more machines can take jobs from the same database.
checkEnv();
const database = await resolveDatabase();
process.env.DATABASE_URL = database.url;
await runMigrations(database.url);
const worker = await startWorker();
console.log('Worker running');

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await closeDb();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
