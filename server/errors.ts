import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Errors a client can act on: always a JSON body `{statusCode, error, message, code}` and never a
 * stack. `code` is stable and lets the client show the message in the reader's language.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`, 'not_found');
export const forbidden = (message = 'You are not allowed to do that', code = 'forbidden') => new HttpError(403, message, code);
export const unauthorized = (message = 'Sign in first', code = 'sign_in_required') => new HttpError(401, message, code);
export const conflict = (message: string, code: string) => new HttpError(409, message, code);

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const defaultCodes: Record<number, string> = {
  400: 'invalid_input',
  401: 'sign_in_required',
  403: 'forbidden',
  404: 'not_found',
  413: 'too_large',
  429: 'rate_limited',
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(500)
        .send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on the server', code: 'server_error' });
    }
    const code = (error instanceof HttpError && error.code) || defaultCodes[status] || 'error';
    return reply.code(status).send({ statusCode: status, error: reasons[status] ?? 'Error', message: error.message, code });
  });
}
