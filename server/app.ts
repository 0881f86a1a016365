import fastifyCookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '../db/connection.ts';
import { seedDemoTown } from '../db/demo-town.ts';
import { migrate } from '../db/migrate.ts';
import { mediaConfig } from '../media/config.ts';
import { MediaWorkerPool } from '../media/worker-pool.ts';
import { AccessChanges } from './access-changes/access-changes.ts';
import { accessChangesPlugin } from './access-changes/plugin.ts';
import { originCheck } from './auth/origin-check.ts';
import { passwordResetRoutes } from './auth/password-reset-routes.ts';
import { authRoutes } from './auth/routes.ts';
import { sessionCookie } from './auth/session-cookie.ts';
import type { AppConfig } from './config.ts';
import { installErrorHandling, notFound } from './errors.ts';
import { healthRoutes } from './health/routes.ts';
import { publicPageStyles } from './documents/public-page.ts';
import { juryRoutes, statementRoutes } from './jury/routes.ts';
import { mailPlugin } from './mail/plugin.ts';
import { meetingRoutes, spaceMeetingRoutes } from './meetings/routes.ts';
import { minutesRoutes } from './minutes/routes.ts';
import { minutesPlugin } from './minutes/plugin.ts';
import { recordingRoutes } from './recordings/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { collabRoutes } from './collab/routes.ts';
import { moderationRoutes } from './moderation/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { spacePeopleRoutes } from './spaces/people.ts';
import { spaceRoutes } from './spaces/routes.ts';
import { RedisChannels } from './redis-channels.ts';
import { InProcessBus, RedisBus } from './rooms/bus.ts';
import { checkInRoutes } from './rooms/check-in.ts';
import { RoomRegistry } from './rooms/registry.ts';
import { roomRoutes } from './rooms/routes.ts';
import { spaceThreadRoutes, threadRoutes } from './threads/routes.ts';
import { validatorCompiler } from './validation.ts';
import { writeLimits } from './write-limits.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    /** The mediasoup workers, when the server runs video. */
    media: MediaWorkerPool | null;
  }
}

/** Builds the whole server from a config, the same way for production and tests. */
export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const db = await openDatabase(config.database);
  try {
    await migrate(db.sql);
    if (config.demo) await seedDemoTown(db.sql);
  } catch (error) {
    await db.close();
    throw error;
  }

  const app = Fastify({
    logger: config.logger ? { level: 'info' } : false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('db', db);
  let media: MediaWorkerPool | null = null;
  try {
    media = config.media ? await MediaWorkerPool.create(mediaConfig(config.media)) : null;
  } catch (error) {
    await db.close();
    throw error;
  }
  app.decorate('media', media);
  // One pair of Redis connections per process, for the rooms' events and the notices of changed rights.
  const channels = config.redisUrl ? new RedisChannels(config.redisUrl, config.redisPrefix) : null;
  const bus = channels ? new RedisBus(channels) : new InProcessBus();
  const rooms = new RoomRegistry({ sql: db.sql, bus, soleProcess: !channels, media, recordingsDir: config.recordingsDir, log: app.log });
  let accessChanges: AccessChanges;
  try {
    accessChanges = await AccessChanges.start(db.sql, channels, app.log);
  } catch (error) {
    channels?.close();
    media?.close();
    await db.close();
    throw error;
  }
  // Rooms close first, while the database is there to record who left; then Redis, media and the database.
  app.addHook('preClose', () => rooms.close());
  app.addHook('onClose', async () => {
    media?.close();
    await accessChanges.close();
    channels?.close();
    await db.close();
  });
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandling(app);

  const sql = db.sql;
  const secureCookies = config.publicUrl?.startsWith('https:') ?? false;

  await app.register(swagger, {
    openapi: { info: { title: 'Aukio API', version: '1' }, tags: [{ name: 'auth' }, { name: 'spaces' }, { name: 'threads' }, { name: 'moderation' }, { name: 'meetings' }, { name: 'jury' }, { name: 'search' }, { name: 'mail' }] },
  });
  // The client is built to run under this policy: no inline script or style, nothing from elsewhere.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Open data is meant to be read by other sites' scripts too.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    hsts: secureCookies ? { maxAge: 31_536_000 } : false,
  });
  await app.register(fastifyCookie);
  await app.register(rateLimit, { global: false });
  await app.register(writeLimits, { limits: config.writeLimits });
  await app.register(originCheck, { publicUrl: config.publicUrl });
  await app.register(accessChangesPlugin, { changes: accessChanges });
  await app.register(sessionCookie, { sql, secureCookies });
  await app.register(mailPlugin, { sql, config: config.mail, publicUrl: config.publicUrl });

  // A room frame is a few hundred bytes; anything near this cap is abuse and closes that socket only.
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(healthRoutes, { sql });
  await app.register(roomRoutes, { sql, rooms, publicUrl: config.publicUrl });
  await app.register(collabRoutes, { sql, publicUrl: config.publicUrl });
  await app.register(minutesPlugin, { sql });
  await app.register(publicPageStyles);
  await app.register(
    async (api) => {
      await api.register(authRoutes, { prefix: '/auth', sql, secureCookies, loginRateLimit: config.loginRateLimit, accountSignInLimit: config.accountSignInLimit });
      await api.register(passwordResetRoutes, { prefix: '/auth', sql, secureCookies, rateLimit: config.loginRateLimit });
      await api.register(spaceRoutes, { prefix: '/spaces', sql });
      await api.register(spaceThreadRoutes, { prefix: '/spaces', sql });
      await api.register(spacePeopleRoutes, { prefix: '/spaces', sql });
      await api.register(threadRoutes, { sql });
      await api.register(moderationRoutes, { sql });
      await api.register(auditRoutes, { sql });
      await api.register(searchRoutes, { sql });
      await api.register(checkInRoutes, { sql, publicUrl: config.publicUrl });
      await api.register(meetingRoutes, { prefix: '/meetings', sql, publicUrl: config.publicUrl });
      await api.register(spaceMeetingRoutes, { prefix: '/spaces', sql, publicUrl: config.publicUrl });
      await api.register(minutesRoutes, { sql });
      await api.register(recordingRoutes, { sql, directory: config.recordingsDir });
      await api.register(juryRoutes, { prefix: '/spaces', sql });
      await api.register(statementRoutes, { prefix: '/statements', sql });
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );

  const clientDir = config.clientDir;
  const hasClient = clientDir !== undefined && existsSync(join(clientDir, 'index.html'));
  // Source maps are built for the operators ('hidden' in vite.config.ts) but never served: they
  // would publish the client's source with its comments, and a reader's browser has no use for them.
  if (hasClient) await app.register(fastifyStatic, { root: clientDir, wildcard: false, allowedPath: (path) => !path.endsWith('.map') });
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === 'GET' && !request.url.startsWith('/api/') && request.headers.accept?.includes('text/html');
    // The client routes its own paths: any page address gets the app shell.
    if (hasClient && isPage) return reply.type('text/html').sendFile('index.html');
    throw notFound(`Route ${request.method} ${request.url.split('?')[0]}`);
  });

  await app.ready();
  return app;
}
