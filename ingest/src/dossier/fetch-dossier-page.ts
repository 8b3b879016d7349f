import { DossierPage, formatZodIssues, type Checkpoint } from '@ioc/core';
import type { RequestRateLimiter } from '../retry/request-rate-limiter';

/** The longest `Retry-After` we honour; a source asking for more is retried at this interval anyway. */
const MAX_RETRY_AFTER_MILLISECONDS = 300_000;

/** A failed page request, classified: whether retrying can help, and how long the source asked us to wait. */
export class SourceRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterMilliseconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceRequestError';
  }
}

export interface FetchDossierPageOptions {
  /** Base URL of the dossier system (may carry a path prefix, as behind the LGSP gateway). */
  sourceUrl: string;
  apiKey: string;
  cursor: Checkpoint | null;
  limit: number;
  timeoutMilliseconds: number;
  signal: AbortSignal;
  /** The source's request budget (per-source rate limit); each call, retries included, takes one request of it. */
  limiter?: RequestRateLimiter;
}

/**
 * One `GET /api/v1/dossiers` page. Throws `SourceRequestError`: retryable for network errors, timeouts, 5xx, 429 and
 * a body that is not a page (a proxy's HTML error page, a truncated response); not retryable for other 4xx, which
 * need a person (wrong key, wrong URL). Rejects with the signal's reason when aborted.
 */
export async function fetchDossierPage(o: FetchDossierPageOptions): Promise<DossierPage> {
  await o.limiter?.take(o.signal);
  const url = new URL('api/v1/dossiers', o.sourceUrl.endsWith('/') ? o.sourceUrl : `${o.sourceUrl}/`);
  url.searchParams.set('limit', String(o.limit));
  if (o.cursor) {
    url.searchParams.set('updated_since', o.cursor.updatedSince);
    url.searchParams.set('after_id', o.cursor.afterId);
  }
  // The timeout covers the body too: a source that sends headers and then stalls is as stuck as a silent one.
  const signal = AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMilliseconds)]);
  let status: number | null = null;
  try {
    const res = await fetch(url, { headers: { 'x-api-key': o.apiKey, accept: 'application/json' }, signal });
    status = res.status;
    const text = await res.text();
    if (!res.ok) {
      const retryable = res.status === 429 || res.status >= 500;
      throw new SourceRequestError(
        `HTTP ${res.status} from the dossier source: ${text.slice(0, 200)}`,
        res.status,
        retryable,
        retryAfter(res.headers.get('retry-after')),
      );
    }
    const page = DossierPage.safeParse(parseJson(text));
    if (!page.success)
      throw new SourceRequestError(
        `the dossier source sent something that is not a page: ${formatZodIssues(page.error.issues)}`,
        status,
        true,
      );
    return page.data;
  } catch (err) {
    if (o.signal.aborted) throw o.signal.reason;
    if (err instanceof SourceRequestError) throw err;
    if (err instanceof Error && err.name === 'TimeoutError')
      throw new SourceRequestError(`the dossier source did not answer within ${o.timeoutMilliseconds} ms`, status, true, undefined, {
        cause: err,
      });
    // fetch() wraps DNS, refused and reset connections in a TypeError whose cause names the system error.
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new SourceRequestError(`the dossier source is unreachable${cause}`, status, true, undefined, { cause: err });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
}

/** `Retry-After` in seconds or as an HTTP date, capped; undefined when absent or unreadable. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const milliseconds = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(milliseconds) ? Math.min(Math.max(0, milliseconds), MAX_RETRY_AFTER_MILLISECONDS) : undefined;
}
