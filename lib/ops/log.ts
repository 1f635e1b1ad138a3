import pino from 'pino';
import { env } from '@/lib/env';
import { opsContext } from './context';

/**
 * The process's log: one JSON object per line on stdout (pino), each with the request id and job
 * it belongs to when there is one (opsContext), so that a request can be followed into the jobs it
 * queued. LOG_FORMAT=text writes the same lines for a person (the default on a terminal).
 */
function createLog(): pino.Logger {
  const { LOG_LEVEL, LOG_FORMAT } = env();
  const text = LOG_FORMAT === 'text' || (LOG_FORMAT === undefined && process.stdout.isTTY);
  return pino(
    {
      level: LOG_LEVEL,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...opsContext.getStore() }),
    },
    text ? { write: (line: string) => void process.stdout.write(asText(line)) } : pino.destination({ sync: false }),
  );
}

const PLAIN_KEYS = new Set(['level', 'time', 'pid', 'msg']);

/** `14:03:07 info message key=value …` from a JSON line. */
export function asText(line: string): string {
  const entry = JSON.parse(line) as Record<string, unknown>;
  const extra = Object.entries(entry)
    .filter(([key]) => !PLAIN_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  return `${[time, entry.level, entry.msg, ...extra].filter(Boolean).join(' ')}\n`;
}

let current: pino.Logger | null = null;

/** The process's logger (made on first use, after the environment is checked). */
export function log(): pino.Logger {
  return (current ??= createLog());
}

