import type { FastifyError, FastifyInstance } from 'fastify';

/** Errors a client can act on: always a JSON body `{statusCode, error, message}` and never a stack. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const forbidden = (message = 'You are not allowed to do that') => new HttpError(403, message);
export const unauthorized = (message = 'Sign in first') => new HttpError(401, message);

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

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on the server' });
    }
    return reply.code(status).send({ statusCode: status, error: reasons[status] ?? 'Error', message: error.message });
  });
}
