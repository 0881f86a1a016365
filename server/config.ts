import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatabaseOptions } from '../db/connection.ts';
import { DEFAULT_MEDIA_PORT, type MediaConfig } from '../media/config.ts';
import type { SignInLimit } from './auth/sign-in-limit.ts';
import { defaultWriteLimits, type WriteLimits } from './write-limits.ts';
import { defaultSenderTiming, type SenderTiming } from './mail/sender.ts';

export interface MailConfig {
  /** The From address of every mail (`MAIL_FROM`). */
  from: string;
  /** An SMTP server (`SMTP_URL`, e.g. smtp://user:pass@mail.example.fi:587); absent: mails are written as .eml files. */
  smtpUrl?: string | undefined;
  /** Where mails are written as .eml files when there is no SMTP server. */
  directory: string;
  /** How the sender polls, claims and retries; tests shorten it. */
  sender: SenderTiming;
}

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
  /** Sign-ins and sign-ups per address: generous, since a library's or a school's people share one. */
  loginRateLimit: { max: number; windowMs: number };
  /** Failed sign-ins per account (by the email asked for), from any address. */
  accountSignInLimit: SignInLimit;
  /** Writing per person: posts (new threads, replies, edits), reports and reactions. */
  writeLimits: WriteLimits;
  /** Redis for the room bus, so rooms span server processes; absent means one process serves all. */
  redisUrl?: string | undefined;
  /** Begins every Redis channel name, so towns (or test runs) sharing one Redis do not hear each other. */
  redisPrefix?: string | undefined;
  logger: boolean;
  /** Live video (mediasoup workers on UDP+TCP ports from mediaPort); absent means no video. */
  media?: Partial<MediaConfig> | undefined;
  /** Where meeting recordings are written. */
  recordingsDir?: string | undefined;
  mail: MailConfig;
}

export interface ServerSettings {
  port: number;
  host: string;
}

const defaults: AppConfig = {
  database: { dataDir: 'memory://' },
  demo: false,
  trustProxy: false,
  loginRateLimit: { max: 100, windowMs: 15 * 60_000 },
  accountSignInLimit: { max: 10, windowMs: 15 * 60_000 },
  writeLimits: defaultWriteLimits,
  logger: false,
  // Tests that read their mails give each app a directory of its own (server/test-app.ts).
  mail: { from: 'Aukio <aukio@localhost>', directory: join(tmpdir(), 'aukio-test-mail'), sender: defaultSenderTiming },
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
  const mediaWorkers = Number(env.MEDIA_WORKERS || availableParallelism());
  if (!Number.isInteger(mediaWorkers) || mediaWorkers < 0) throw new Error(`MEDIA_WORKERS must be 0 or more, got "${env.MEDIA_WORKERS}"`);
  const mediaPort = Number(env.MEDIA_PORT || DEFAULT_MEDIA_PORT);
  if (!Number.isInteger(mediaPort) || mediaPort < 1 || mediaPort + mediaWorkers > 65536) throw new Error(`MEDIA_PORT must be a port number, got "${env.MEDIA_PORT}"`);
  const dataDir = resolve(cwd, env.DATA_DIR || 'data');
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !isSmtpUrl(smtpUrl)) throw new Error('SMTP_URL must be an smtp:// or smtps:// address'); // not echoed: it may hold a password
  return {
    app: {
      ...defaults,
      database: url ? { url } : { dataDir },
      demo,
      clientDir: resolve(cwd, 'dist/client'),
      publicUrl: env.PUBLIC_URL || undefined,
      trustProxy: env.TRUST_PROXY === '1',
      redisUrl: env.REDIS_URL || undefined,
      redisPrefix: env.REDIS_PREFIX || undefined,
      logger: env.LOG !== '0',
      // MEDIA_WORKERS=0 runs the server without video.
      media: mediaWorkers > 0 ? { workers: mediaWorkers, mediaPort, announcedIp: env.MEDIA_ANNOUNCED_IP || undefined } : undefined,
      recordingsDir: resolve(dataDir, 'recordings'),
      mail: { from: env.MAIL_FROM || defaultMailFrom(env.PUBLIC_URL), smtpUrl, directory: resolve(dataDir, 'mail'), sender: defaultSenderTiming },
    },
    server: { port, host: env.HOST || '0.0.0.0' },
  };
}

/** Mail comes from the public address's host when there is one; a real deployment sets MAIL_FROM. */
function defaultMailFrom(publicUrl: string | undefined): string {
  const host = publicUrl ? new URL(publicUrl).hostname : 'localhost';
  return `Aukio <aukio@${host}>`;
}

function isSmtpUrl(url: string): boolean {
  try {
    return /^smtps?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}
