import { formatZodIssues, SourcePage, type SourceCursor } from '@ioc/core';
import type { RequestRateLimiter } from '../retry/request-rate-limiter';
import { SourceRequestError } from './source-request-error';

/** The longest `Retry-After` we honour; a source asking for more is retried at this interval anyway. */
const MAX_RETRY_AFTER_MILLISECONDS = 300_000;

export interface FetchSourcePageOptions {
  /** Base URL of the system (may carry a path prefix, as behind the LGSP gateway). */
  sourceUrl: string;
  /** The records' path under it, e.g. `api/v1/documents`. */
  path: string;
  /** For messages: `document`, `project`, `KPI feed`. */
  label: string;
  apiKey: string;
  cursor: SourceCursor | null;
  limit: number;
  timeoutMilliseconds: number;
  signal: AbortSignal;
  /** The source's request budget (per-source rate limit); each call, retries included, takes one request of it. */
  limiter?: RequestRateLimiter;
}

/**
 * One page of an LGSP-style API. Throws `SourceRequestError`: retryable for network errors, timeouts, 5xx, 429 and a
 * body that is not a page; not retryable for other 4xx (wrong key, wrong URL: a person must act). Rejects with the
 * signal's reason when aborted.
 */
export async function fetchSourcePage(o: FetchSourcePageOptions): Promise<SourcePage> {
  await o.limiter?.take(o.signal);
  const url = new URL(o.path, o.sourceUrl.endsWith('/') ? o.sourceUrl : `${o.sourceUrl}/`);
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
    if (!res.ok)
      throw new SourceRequestError(
        `HTTP ${res.status} from the ${o.label} source: ${text.slice(0, 200)}`,
        res.status,
        res.status === 429 || res.status >= 500,
        retryAfter(res.headers.get('retry-after')),
      );
    const page = SourcePage.safeParse(parseJson(text));
    if (!page.success)
      throw new SourceRequestError(
        `the ${o.label} source sent something that is not a page: ${formatZodIssues(page.error.issues)}`,
        status,
        true,
      );
    return page.data;
  } catch (err) {
    if (o.signal.aborted) throw o.signal.reason;
    if (err instanceof SourceRequestError) throw err;
    if (err instanceof Error && err.name === 'TimeoutError')
      throw new SourceRequestError(`the ${o.label} source did not answer within ${o.timeoutMilliseconds} ms`, status, true, undefined, {
        cause: err,
      });
    // fetch() wraps DNS, refused and reset connections in a TypeError whose cause names the system error.
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new SourceRequestError(`the ${o.label} source is unreachable${cause}`, status, true, undefined, { cause: err });
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
