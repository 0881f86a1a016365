import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Sql } from '../../db/connection.ts';
import type { MailConfig } from '../config.ts';
import { addressOf } from './compose.ts';
import { Mailer } from './mailer.ts';
import { MailSender } from './sender.ts';
import type { MailLinks } from './template.ts';
import { fileTransport, smtpTransport } from './transports.ts';
import { unsubscribeKey, unsubscribeRoutes } from './unsubscribe.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mail: Mailer;
  }
}

/**
 * Where links in mails point: the public address, else the address this server listens on. Never
 * the request's Host header: anyone can send one, and a reset link to their host would hand them
 * the token (password-reset poisoning).
 */
function baseUrl(app: FastifyInstance, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const address = app.server.address();
  if (!address || typeof address === 'string') return 'http://localhost';
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Mail: the outbox, this process's sender (started with the app, stopped before the database
 * closes) and the one-click unsubscribe route.
 */
export const mailPlugin = fp<{ sql: Sql; config: MailConfig; publicUrl?: string | undefined }>(async (app, { sql, config, publicUrl }) => {
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl) : fileTransport(config.directory, (file) => app.log.info({ file }, 'mail written'));
  const sender = new MailSender(sql, transport, addressOf(config.from), config.sender, app.log);
  const links: MailLinks = {
    page(path, query) {
      const search = query ? `?${new URLSearchParams(query)}` : '';
      return `${baseUrl(app, publicUrl)}${path}${search}`;
    },
  };
  app.decorate(
    'mail',
    new Mailer({
      sql,
      from: config.from,
      links,
      apiUrl: (path) => `${baseUrl(app, publicUrl)}${path}`,
      fileDirectory: config.smtpUrl ? null : config.directory,
      description: transport.description,
      wake: () => sender.wake(),
    }),
  );
  app.addHook('onReady', async () => {
    // Made now rather than on first use, so that no request (a refused one least of all) writes it.
    await unsubscribeKey(sql);
    sender.start();
  });
  app.addHook('preClose', () => sender.stop());
  await app.register(unsubscribeRoutes, { prefix: '/api/mail', sql });
});
