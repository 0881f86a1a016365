/** A small JSON fetch wrapper for the Aukio server API. */

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** The short error name from the server body (`error`), e.g. "Unauthorized". */
  readonly error: string;
  /** The stable machine-readable code from the server body (`code`), e.g. "thread_locked". */
  readonly code: string | undefined;

  constructor(status: number, message: string, error = '', code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
    this.code = code;
  }
}

type ErrorBody = { statusCode?: unknown; error?: unknown; message?: unknown; code?: unknown };

/** The language the server should use for error messages (`accept-language`). */
let language = 'fi';
export function setApiLanguage(lang: string): void {
  language = lang;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') {
    // State-changing requests always carry a JSON body (the server's CSRF defence relies on it).
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, cause instanceof Error ? cause.message : 'Network error', 'NetworkError');
  }

  const text = response.status === 204 ? '' : await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!response.ok) {
    const err = (data && typeof data === 'object' ? data : {}) as ErrorBody;
    const message = typeof err.message === 'string' && err.message ? err.message : response.statusText;
    const code = typeof err.code === 'string' && err.code ? err.code : undefined;
    throw new ApiError(response.status, message, typeof err.error === 'string' ? err.error : '', code);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown = {}) => request<T>('PATCH', path, body),
  del: <T = void>(path: string, body: unknown = {}) => request<T>('DELETE', path, body),
};
