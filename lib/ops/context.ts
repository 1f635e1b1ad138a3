import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line and a queued job carry from the request (or job) that led to them. */
export type OpsContext = { requestId?: string; jobId?: string; task?: string };

const KEY = Symbol.for('sms-portal.ops-context');
const holder = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<OpsContext> };
// One store per process, whichever copy of this module asks: Next.js bundles its own copy of
// lib/ for the pages and actions, while scripts/start.ts, which opens the context, runs the source.
export const opsContext: AsyncLocalStorage<OpsContext> = (holder[KEY] ??= new AsyncLocalStorage<OpsContext>());

export const currentRequestId = (): string | undefined => opsContext.getStore()?.requestId;

/** A request id from outside (a trusted proxy's X-Request-Id) is kept only if it is short and plain. */
export function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id && /^[\w.:-]{1,100}$/.test(id) ? id : undefined;
}
