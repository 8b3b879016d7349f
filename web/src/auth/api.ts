import type { ErrorBody } from '@ioc/core';

/** A failed call: the server's `{ code, message }` (already in the interface language), or `network.unreachable`. */
export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | { ok: false; status: number; error: ApiError };

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Repeated as `x-csrf-token` on writes made with the session cookie. */
  csrfToken?: string | null;
  /** The interface language: the server writes its error messages in it. */
  locale: string;
}

/**
 * One call to the IOC API on the page's own origin: the session cookie goes along by itself (same origin,
 * SameSite=Strict), JSON both ways. Never throws: a network failure is an `ApiError` too.
 */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

export async function apiRequest<T>(fetcher: Fetcher, r: ApiRequest): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': r.locale };
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  if (r.csrfToken && r.method !== 'GET') headers['x-csrf-token'] = r.csrfToken;
  let response: Response;
  try {
    response = await fetcher(r.path, {
      method: r.method,
      headers,
      credentials: 'same-origin',
      ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
    });
  } catch {
    return { ok: false, status: 0, error: { code: 'network.unreachable', message: '' } };
  }
  const text = await response.text().catch(() => '');
  const body = parseJson(text);
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const error = (body as Partial<ErrorBody> | null)?.error;
  return {
    ok: false,
    status: response.status,
    error:
      error && typeof error.code === 'string'
        ? {
            code: error.code,
            message: typeof error.message === 'string' ? error.message : '',
            ...(error.details ? { details: error.details } : {}),
          }
        : { code: 'http.unexpected', message: `HTTP ${response.status}` },
  };
}
