import http from 'node:http';
import { closeDb } from '../db';
import { resolveDatabase, takeOverStopSignals } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { checkEnv, env } from '../lib/env';
import { startWorker } from '../lib/jobs/worker';
import { log } from '../lib/ops/log';
import { processMetrics } from '../lib/ops/metrics';
import { answerOps, isOpsEndpoint } from './ops-endpoints';
import { sendWhole } from './ahead-of-next';

// The job workers alone, so that more machines can take jobs from the same database. With
// METRICS_PORT, its health, readiness and metrics are served there (scripts/ops-endpoints.ts).
checkEnv();
takeOverStopSignals();
const database = await resolveDatabase();
process.env.DATABASE_URL = database.url;
await runMigrations(database.url);
const worker = await startWorker();
let stopping = false;

const port = env().METRICS_PORT;
const server = port
  ? http.createServer((req, res) => {
      if (!isOpsEndpoint(req.url)) return sendWhole(res, 404, [['content-type', 'application/json']], '{"error":"not found"}');
      void answerOps(req, res, { draining: () => stopping, metrics: async () => [await processMetrics().registry.getMetricsAsJSON()] });
    })
  : null;
if (server) await new Promise<void>((resolve) => server.listen(port, env().HOST, resolve));
log().info(`Worker running${port ? ` (health and metrics on port ${port})` : ''}`);

// SIGTERM: no new jobs; the jobs in hand finish (a campaign's dispatch after its batch), then exit.
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log().info(`${signal}: stopping`);
  await worker.stop();
  server?.close();
  await closeDb();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
