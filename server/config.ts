import { resolve } from 'node:path';
import type { DatabaseOptions } from '../db/connection.ts';

export interface AppConfig {
  database: DatabaseOptions;
  /** Seed the demo town into an empty database. */
  demo: boolean;
  /** Where the built client is; absent when the app serves only the API (most tests). */
  clientDir?: string | undefined;
  /** The public address (e.g. https://aukio.example.fi): its origin is trusted, https makes cookies Secure. */
  publicUrl?: string | undefined;
  /** Behind a reverse proxy: trust its X-Forwarded-* headers. */
  trustProxy: boolean;
  loginRateLimit: { max: number; windowMs: number };
  /** Redis for the room bus, so rooms span server processes; absent means one process serves all. */
  redisUrl?: string | undefined;
  logger: boolean;
}

export interface ServerSettings {
  port: number;
  host: string;
}

const defaults: AppConfig = {
  database: { dataDir: 'memory://' },
  demo: false,
  trustProxy: false,
  loginRateLimit: { max: 10, windowMs: 60_000 },
  logger: false,
};

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...defaults, ...overrides };
}

/** Reads the process environment; every setting is documented in README.md. */
export function configFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): { app: AppConfig; server: ServerSettings } {
  const url = env.DATABASE_URL || undefined;
  const demo = env.AUKIO_DEMO !== undefined ? env.AUKIO_DEMO !== '0' : !url;
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return {
    app: {
      ...defaults,
      database: url ? { url } : { dataDir: resolve(cwd, env.DATA_DIR || 'data') },
      demo,
      clientDir: resolve(cwd, 'dist/client'),
      publicUrl: env.PUBLIC_URL || undefined,
      trustProxy: env.TRUST_PROXY === '1',
      redisUrl: env.REDIS_URL || undefined,
      logger: env.LOG !== '0',
    },
    server: { port, host: env.HOST || '0.0.0.0' },
  };
}
