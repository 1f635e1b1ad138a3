import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { env } from '../lib/env';
import { readiness } from '../lib/ops/health';
import { exposition } from '../lib/ops/metrics';
import { sendWhole } from './ahead-of-next';

// What an operator's probes and Prometheus ask each process, answered ahead of Next.js (a
// process that is draining, or whose Next.js is stuck, still answers truly):
// - /api/health: alive (200 while the process runs, draining included);
// - /api/ready: 200 when the database and the job queue answer; 503 when one does not, or while
//   the process drains after SIGTERM (a load balancer then stops sending it requests);
// - /metrics: Prometheus text, only with `Authorization: Bearer $METRICS_TOKEN`; without
//   METRICS_TOKEN set it does not exist (404).

const PATHS = new Set(['/api/health', '/api/ready', '/metrics']);
const JSON_HEADERS: [string, string][] = [
  ['content-type', 'application/json'],
  ['cache-control', 'no-store'],
];

export type ProcessMetricsSource = () => Promise<MetricObjectWithValues<MetricValue<string>>[][]>;

export function isOpsEndpoint(url: string | undefined): boolean {
  return PATHS.has(url?.split('?', 1)[0] ?? '');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request presents the metrics token (compared in constant time). */
export function presentsMetricsToken(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export async function answerOps(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  state: { draining: () => boolean; metrics: ProcessMetricsSource },
): Promise<void> {
  const path = req.url?.split('?', 1)[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendWhole(res, 405, [['allow', 'GET, HEAD'], ...JSON_HEADERS], '{"error":"method not allowed"}');
  if (path === '/api/health') return sendWhole(res, 200, JSON_HEADERS, '{"status":"ok"}');
  if (path === '/api/ready') {
    if (state.draining()) return sendWhole(res, 503, JSON_HEADERS, '{"status":"draining"}');
    const { ready, checks } = await readiness();
    return sendWhole(res, ready ? 200 : 503, JSON_HEADERS, JSON.stringify({ status: ready ? 'ready' : 'not_ready', checks }));
  }
  const token = env().METRICS_TOKEN;
  if (!token) return sendWhole(res, 404, JSON_HEADERS, '{"error":"not found"}');
  if (!presentsMetricsToken(req.headers.authorization, token)) {
    return sendWhole(res, 401, [['www-authenticate', 'Bearer realm="metrics"'], ...JSON_HEADERS], '{"error":"unauthorized"}');
  }
  const { contentType, body } = await exposition(await state.metrics());
  sendWhole(res, 200, [['content-type', contentType], ['cache-control', 'no-store']], body);
}
