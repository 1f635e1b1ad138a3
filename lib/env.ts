import os from 'node:os';
import { z } from 'zod';

/**
 * Every environment variable the app, the worker and the CLI read: parsed and validated here,
 * once (again only when the environment itself changes, as tests do), each documented in the
 * README's Environment table (a test holds the two together). `checkEnv()` runs at start, so
 * a bad value stops the process with every problem listed instead of failing later.
 */

const whole = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
const flag = (fallback: '0' | '1') =>
  z
    .enum(['0', '1'])
    .default(fallback)
    .transform((v) => v === '1');
const url = z.url({ protocol: /^https?$/ });
const optionalText = z.string().min(1).optional();

const schema = z.object({
  DATABASE_URL: optionalText,
  PORT: whole(1, 65_535, 3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  WEB_PROCESSES: whole(1, 64, os.availableParallelism()),
  AUTH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  TRUST_PROXY_HOPS: whole(0, 10, 0),
  SEED_DEMO: flag('1'),
  DB_POOL_MAX: whole(1, 1000, 10),
  DATABASE_REPLICA_URL: optionalText,
  DATABASE_REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0).max(3_600).default(5),
  WORKER: flag('1'),
  WORKER_CONCURRENCY: whole(1, 100, 4),
  WORKER_STALL_SECONDS: whole(1, 86_400, 60),
  WORKER_DATABASE_WAIT_SECONDS: whole(0, 3_600, 120),
  GATEWAY: z.enum(['simulator', 'smsapi']).default('simulator'),
  SMSAPI_TOKEN: optionalText,
  SMSAPI_URL: url.optional(),
  DLR_SECRET: optionalText,
  SIMULATOR_DELAY_SCALE: z.coerce.number().min(0).max(1000).default(1),
  SIMULATOR_LOG: optionalText,
  // MCC+MNC codes, comma-separated, whose messages the simulator fails (network failure, error 6).
  SIMULATOR_FAILING_NETWORKS: z
    .string()
    .regex(/^\d{5,6}(,\d{5,6})*$/)
    .optional(),
  MESSAGE_VALIDITY_SECONDS: whole(1, 30 * 86_400, 48 * 3600),
  APP_URL: url.optional(),
  REPORT_LINK_KEYS: optionalText,
  RESEND_API_KEY: optionalText,
  EMAIL_FROM: z.string().min(3).default('SMS Portal <onboarding@resend.dev>'),
  EMAIL_ATTACH_MAX_BYTES: whole(0, 40 * 1024 * 1024, 5 * 1024 * 1024),
  EMAIL_SEND_TIMEOUT_MS: whole(1, 120_000, 30_000),
  CSV_EXPORT_CONCURRENCY: whole(1, 64, 4),
  PDF_WORKERS: whole(1, 4, 1),
  EMBEDDED_PG_DIR: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  SHUTDOWN_GRACE_SECONDS: whole(0, 3_600, 25),
  DEBUG_JOBS: optionalText,
  DEBUG_POSTGRES: optionalText,
});

export type Env = z.output<typeof schema>;
export const ENV_NAMES = Object.keys(schema.shape) as (keyof Env)[];

let cached: { key: string; env: Env } | null = null;

/** The parsed environment. Throws, listing every bad variable, when any is invalid. */
export function env(): Env {
  // An empty variable counts as unset, as in most shells' `VAR= cmd`.
  const raw = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name] || undefined]));
  const key = JSON.stringify(raw);
  if (cached?.key === key) return cached.env;
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (raw.GATEWAY === 'smsapi' && !raw.SMSAPI_TOKEN) problems.push('SMSAPI_TOKEN: GATEWAY=smsapi needs it');
  if (!parsed.success || problems.length) throw new Error(`Invalid environment: ${problems.join('; ')}`);
  cached = { key, env: parsed.data };
  return parsed.data;
}

/** Where the app is reached from outside (links in e-mails, the API's address): APP_URL, never a Host header a client sent. */
export function appUrl(): string {
  return (env().APP_URL ?? `http://localhost:${env().PORT}`).replace(/\/+$/, '');
}

/** At start: stops with a clear message when a variable is invalid. */
export function checkEnv(): void {
  env();
}
