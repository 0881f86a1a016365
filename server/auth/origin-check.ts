import fp from 'fastify-plugin';
import { forbidden } from '../errors.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard: a request that changes state and carries the session
 * cookie must come from our own origin. Browsers always send Origin on such requests
 * (and Sec-Fetch-Site), so a foreign or cross-site one is refused.
 */
export const originCheck = fp<{ publicUrl?: string | undefined }>(async (app, { publicUrl }) => {
  const trusted = publicUrl ? new URL(publicUrl).origin : null;
  app.addHook('onRequest', async (request) => {
    if (safeMethods.has(request.method) || !request.cookies[SESSION_COOKIE]) return;
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (origin === trusted || origin === `${request.protocol}://${request.host}`) return;
      throw forbidden('Cross-origin request refused');
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') throw forbidden('Cross-origin request refused');
  });
});
