import path from 'node:path';
import { z } from 'zod';

/**
 * Typed configuration, validated once at start-up. The only module that reads process.env.
 * A bad value stops start-up with a message naming the variable; nothing falls back silently.
 */
export const Config = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  /** postgres://… to use PostgreSQL; unset for embedded SQLite in dataDir/nudge.db. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** redis://… to run jobs through BullMQ on Redis (the scaled shape); unset for the embedded queue in the database. */
  queueUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public base URL used in links the server prints or sends. */
  publicUrl: z.string().url().optional(),
  /** 32-byte key (hex or base64) sealing secrets at rest; required to be shared by all processes in the scaled shape. Default: a key file in dataDir. */
  secretKey: z.string().min(32).optional(),
  /** `off` serves the API only (no dashboard build or static files). */
  dashboard: z.enum(['auto', 'off']).default('auto'),
  /** How often segments with relative time windows are re-evaluated as time passes. */
  segmentSweepSeconds: z.coerce.number().int().min(1).max(86_400).default(60),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {}

/** Read and validate configuration from the environment (plus explicit overrides from the CLI). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw = {
    port: env.PORT,
    host: env.HOST,
    dataDir: env.NUDGE_DATA_DIR,
    databaseUrl: env.NUDGE_DATABASE_URL || undefined,
    queueUrl: env.NUDGE_QUEUE_URL || undefined,
    logLevel: env.NUDGE_LOG_LEVEL,
    publicUrl: env.NUDGE_PUBLIC_URL || undefined,
    secretKey: env.NUDGE_SECRET_KEY || undefined,
    dashboard: env.NUDGE_DASHBOARD || undefined,
    segmentSweepSeconds: env.NUDGE_SEGMENT_SWEEP_SECONDS || undefined,
  };
  const defined = Object.fromEntries(Object.entries({ ...raw, ...overrides }).filter(([, v]) => v !== undefined));
  const parsed = Config.safeParse(defined);
  if (!parsed.success) {
    const names: Record<string, string> = {
      port: 'PORT',
      host: 'HOST',
      dataDir: 'NUDGE_DATA_DIR',
      databaseUrl: 'NUDGE_DATABASE_URL',
      queueUrl: 'NUDGE_QUEUE_URL',
      logLevel: 'NUDGE_LOG_LEVEL',
      publicUrl: 'NUDGE_PUBLIC_URL',
      secretKey: 'NUDGE_SECRET_KEY',
      dashboard: 'NUDGE_DASHBOARD',
      segmentSweepSeconds: 'NUDGE_SEGMENT_SWEEP_SECONDS',
    };
    const lines = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

/** Test-only settings (NUDGE_TEST_DATABASE_URL, NUDGE_TEST_REDIS_URL), read here so tests need not touch process.env. */
export function loadTestConfig(env: NodeJS.ProcessEnv = process.env): { postgresUrl?: string; redisUrl?: string } {
  return {
    postgresUrl: env.NUDGE_TEST_DATABASE_URL || undefined,
    redisUrl: env.NUDGE_TEST_REDIS_URL || undefined,
  };
}
