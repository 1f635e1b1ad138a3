import type { ChildProcess } from 'node:child_process';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { processMetrics } from '../lib/ops/metrics';

// `npm start`'s web processes share one port: a scrape reaches any one of them, and must see all
// of them. The first process holds the IPC channel to each of the others (scripts/start.ts forks
// them): it collects their metrics on request, and gathers everyone's for one that asks.

type ProcessJson = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { kind: 'metrics:collect'; id: number } // first -> other: yours
  | { kind: 'metrics:own'; id: number; metrics: ProcessJson } // other -> first
  | { kind: 'metrics:gather'; id: number } // other -> first: everyone's
  | { kind: 'metrics:all'; id: number; metrics: ProcessJson[] }; // first -> other

const REPLY_MS = 2_000;
const others = new Set<ChildProcess>();
const waiting = new Map<number, (metrics: ProcessJson | ProcessJson[] | null) => void>();
let lastId = 0;

const own = (): Promise<ProcessJson> => processMetrics().registry.getMetricsAsJSON();

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && (value as { kind: string }).kind.startsWith('metrics:');
}

/** Sends `message` (with a fresh id) and waits for the answer with that id; null if none comes in time. */
function exchange<T extends ProcessJson | ProcessJson[]>(send: (message: Message) => void, kind: 'metrics:collect' | 'metrics:gather'): Promise<T | null> {
  const id = ++lastId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle(null), REPLY_MS);
    const settle = (metrics: ProcessJson | ProcessJson[] | null) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(metrics as T | null);
    };
    waiting.set(id, settle);
    try {
      send({ kind, id });
    } catch {
      settle(null); // the channel has closed
    }
  });
}

/** In the first process: every web process's metrics, its own first; one that does not answer in time is left out. */
export async function gatherMetrics(): Promise<ProcessJson[]> {
  const replies = await Promise.all([...others].map((child) => exchange<ProcessJson>((message) => child.send(message), 'metrics:collect')));
  return [await own(), ...replies.filter((reply): reply is ProcessJson => reply !== null)];
}

/** In the first process, for each web process it starts. */
export function listenTo(child: ChildProcess): void {
  others.add(child);
  child.once('exit', () => others.delete(child));
  child.on('message', (message) => {
    if (!isMessage(message)) return;
    if (message.kind === 'metrics:own') waiting.get(message.id)?.(message.metrics);
    else if (message.kind === 'metrics:gather') {
      void gatherMetrics().then((metrics) => child.connected && child.send({ kind: 'metrics:all', id: message.id, metrics } satisfies Message));
    }
  });
}

/** In another web process: everyone's metrics, through the first process (its own alone if that does not answer). */
export async function askFirstProcess(): Promise<ProcessJson[]> {
  return (await exchange<ProcessJson[]>((message) => process.send!(message), 'metrics:gather')) ?? [await own()];
}

/** In another web process: answers the first process's requests, and takes its answers. */
export function answerFirstProcess(): void {
  process.on('message', (message) => {
    if (!isMessage(message)) return;
    if (message.kind === 'metrics:collect') void own().then((metrics) => process.connected && process.send!({ kind: 'metrics:own', id: message.id, metrics } satisfies Message));
    else if (message.kind === 'metrics:all') waiting.get(message.id)?.(message.metrics);
  });
}
