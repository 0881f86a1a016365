import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Sql } from '../../db/connection.ts';
import { HttpError } from '../errors.ts';
import { ErrorReply } from '../schemas.ts';

/**
 * One-click unsubscribe (RFC 8058). Every mail that is not a security mail carries
 * `List-Unsubscribe: <…/api/mail/unsubscribe/TOKEN>` and `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click`; the mail program POSTs to that address, without a session (and
 * without cookies: they are SameSite=Lax, so the CSRF check, which looks only at requests that carry
 * one, does not stand in the way). The token is the person and the list, signed: it needs no row
 * of its own and works for as long as the mail is kept.
 */

export const LIST_NAME = '[a-z][a-z0-9-]{0,39}';
const TOKEN = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.${LIST_NAME}\\.[A-Za-z0-9_-]{43}$`;

const keys = new WeakMap<Sql, Promise<Buffer>>();

/** The signing key, made by whichever process starts first and shared by all through the database. */
export function unsubscribeKey(sql: Sql): Promise<Buffer> {
  let key = keys.get(sql);
  if (!key) {
    key = (async () => {
      await sql`insert into app_keys (name, key) values ('mail-unsubscribe', ${randomBytes(32)}) on conflict (name) do nothing`;
      const [row] = await sql<{ key: Buffer }[]>`select key from app_keys where name = 'mail-unsubscribe'`;
      return row!.key;
    })();
    key.catch(() => keys.delete(sql));
    keys.set(sql, key);
  }
  return key;
}

const mac = (key: Buffer, userId: string, list: string) => createHmac('sha256', key).update(`unsubscribe:${userId}:${list}`).digest('base64url');

export function unsubscribeToken(key: Buffer, userId: string, list: string): string {
  return `${userId}.${list}.${mac(key, userId, list)}`;
}

export function readUnsubscribeToken(key: Buffer, token: string): { userId: string; list: string } | null {
  if (!new RegExp(TOKEN).test(token)) return null;
  const [userId = '', list = '', signature = ''] = token.split('.');
  const expected = Buffer.from(mac(key, userId, list));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { userId, list } : null;
}

/**
 * `POST /api/mail/unsubscribe/:token`. Mail programs send RFC 8058's form body
 * (`List-Unsubscribe=One-Click`, as a URL-encoded or multipart form), the app's own page sends
 * JSON; the body says nothing the token does not, so it is read and left aside.
 */
export const unsubscribeRoutes: FastifyPluginAsyncTypebox<{ sql: Sql }> = async (app, { sql }) => {
  const ignoreBody = (_request: unknown, _body: string, done: (error: null, body: object) => void) => done(null, {});
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, ignoreBody);
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, ignoreBody);

  app.post(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['mail'],
        params: Type.Object({ token: Type.String({ maxLength: 200 }) }),
        response: { 200: Type.Object({ list: Type.String() }), 400: ErrorReply },
      },
    },
    async (request) => {
      const found = readUnsubscribeToken(await unsubscribeKey(sql), request.params.token);
      if (!found) throw new HttpError(400, 'This unsubscribe link is not valid', 'invalid_token');
      // An account deleted since the mail went has nothing left to unsubscribe: still a success.
      await sql`insert into mail_unsubscribes (user_id, list)
                select id, ${found.list} from users where id = ${found.userId}
                on conflict do nothing`;
      return { list: found.list };
    },
  );
};
