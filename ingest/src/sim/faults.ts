import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { formatZodIssues } from '@ioc/core';
import { HashTag, hashWords } from './prng';

/**
 * How a simulated source misbehaves, the way provincial systems behind the LGSP do. Every draw is a hash of the seed
 * and the request's (or item's) rank, so the same sequence of requests meets the same faults in every run. Counts
 * are "about one in N" (absent: never).
 */
export const FaultSettings = z.strictObject({
  seed: z.number().int().default(0),
  /** Each answer waits a uniform draw in [0, latencyMilliseconds). */
  latencyMilliseconds: z.number().int().min(0).max(60_000).default(0),
  /** About one request in N starts a burst of `errorBurstLength` consecutive 503 answers. */
  errorBurstEvery: z.number().int().min(1).optional(),
  errorBurstLength: z.number().int().min(1).max(100).default(3),
  /** About one request in N is never answered (the client's timeout must fire). */
  hangEvery: z.number().int().min(1).optional(),
  /** About one item in N is served twice: right after itself, or again at the top of the next page. */
  duplicateEvery: z.number().int().min(1).optional(),
  /** About one item in N is followed by an older version of the same record served earlier (a late update). */
  staleEvery: z.number().int().min(1).optional(),
  /** `empty`: answers 200 with no items (silent but answering); `down`: drops every connection (dead). */
  silent: z.enum(['empty', 'down']).optional(),
});
export type FaultSettings = z.infer<typeof FaultSettings>;
export type FaultOptions = z.input<typeof FaultSettings>;

/** The knobs `parseFaultSpec` knows, as written in IOC_SIM_FAULTS. */
const SPEC_KEYS = {
  seed: 'seed',
  latency: 'latencyMilliseconds',
  errors: 'errorBurstEvery',
  burst: 'errorBurstLength',
  hang: 'hangEvery',
  duplicate: 'duplicateEvery',
  stale: 'staleEvery',
  silent: 'silent',
} as const;

/**
 * Reads a fault list such as `latency=50,errors=40,burst=3,duplicate=20,stale=20,hang=500,silent=empty` (the
 * IOC_SIM_FAULTS format). Throws naming each bad entry.
 */
export function parseFaultSpec(spec: string): FaultSettings {
  const raw: Record<string, unknown> = {};
  const bad: string[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    const field = SPEC_KEYS[key as keyof typeof SPEC_KEYS];
    if (!field) bad.push(`${key}: unknown fault (expected one of ${Object.keys(SPEC_KEYS).join(', ')})`);
    else raw[field] = field === 'silent' ? value : Number(value);
  }
  const parsed = FaultSettings.safeParse(raw);
  if (!parsed.success) bad.push(formatZodIssues(parsed.error.issues));
  if (bad.length > 0 || !parsed.success) throw new Error(`invalid fault list "${spec}": ${bad.join('; ')}`);
  return parsed.data;
}

export interface FaultCounters {
  requests: number;
  errors: number;
  hangs: number;
  duplicates: number;
  stale: number;
}

export interface FaultInjector {
  /** The wrapped request handler. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** What was injected so far. */
  counters(): FaultCounters;
  /** Makes the source go silent (or come back with null) from the next request on. */
  setSilent(mode: FaultSettings['silent'] | null): void;
}

interface Page {
  items: unknown[];
  next: unknown;
}

/**
 * Wraps a simulator's HTTP handler with faults. Generic over any JSON page `{ items: [...], next }` whose items carry
 * an id and a version (`idField`, `versionField`): the document and project simulators can mount it too. Only
 * answers with status 200 and such a body are altered; the rest pass as they are.
 */
export function withFaults(
  inner: (req: IncomingMessage, res: ServerResponse) => void,
  options: FaultOptions,
  fields: { idField: string; versionField: string } = { idField: 'source_id', versionField: 'version' },
): FaultInjector {
  const s = FaultSettings.parse(options);
  const counters: FaultCounters = { requests: 0, errors: 0, hangs: 0, duplicates: 0, stale: 0 };
  let silent = s.silent ?? null;
  let burstLeft = 0;
  let itemRank = 0;
  /** The first version served of each record: what a late update re-serves. */
  const firstServed = new Map<string, { version: number; item: unknown }>();
  /** Items to serve again at the top of the next page. */
  let carried: unknown[] = [];
  const draw = (kind: number, rank: number) => hashWords(s.seed, HashTag.fault, kind, rank);
  const hits = (every: number | undefined, kind: number, rank: number) => every !== undefined && draw(kind, rank) % every === 0;

  const alter = (page: Page): Page => {
    const items: unknown[] = [...carried];
    carried = [];
    for (const item of page.items) {
      const rank = (itemRank += 1);
      items.push(item);
      const key = idOf(item, fields.idField);
      const version = versionOf(item, fields.versionField);
      if (s.staleEvery !== undefined && key !== null && version !== null) {
        const first = firstServed.get(key);
        if (!first) firstServed.set(key, { version, item });
        else if (first.version < version && hits(s.staleEvery, 3, rank)) {
          items.push(first.item);
          counters.stale += 1;
        }
      }
      if (hits(s.duplicateEvery, 4, rank)) {
        counters.duplicates += 1;
        // Half on the same page, half on the next one.
        if (draw(5, rank) % 2 === 0) items.push(item);
        else carried.push(item);
      }
    }
    // The last item sets the cursor of a short page: keep the source's own last item last.
    const last = page.items[page.items.length - 1];
    if (last !== undefined && items[items.length - 1] !== last) items.push(last);
    return { ...page, items };
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const n = (counters.requests += 1);
    if (silent === 'down') return void req.socket.destroy();
    if (burstLeft === 0 && hits(s.errorBurstEvery, 1, n)) burstLeft = s.errorBurstLength;
    const delay = s.latencyMilliseconds > 0 ? draw(0, n) % s.latencyMilliseconds : 0;
    const answer = () => {
      if (burstLeft > 0) {
        burstLeft -= 1;
        counters.errors += 1;
        return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"server.unavailable","message":"maintenance"}');
      }
      if (hits(s.hangEvery, 2, n)) {
        counters.hangs += 1;
        return;
      }
      // Parsing and re-serialising every page costs: only when a fault touches the items.
      if (silent === 'empty' || s.duplicateEvery !== undefined || s.staleEvery !== undefined)
        interceptJson(res, (status, body) => {
          if (status !== 200 || !isPage(body)) return body;
          if (silent === 'empty') return { ...body, items: [], next: null };
          return alter(body);
        });
      inner(req, res);
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  };

  return {
    handler,
    counters: () => ({ ...counters }),
    setSilent: (mode) => void (silent = mode ?? null),
  };
}

function isPage(body: unknown): body is Page {
  return body !== null && typeof body === 'object' && Array.isArray((body as Page).items) && 'next' in body;
}

function idOf(item: unknown, field: string): string | null {
  const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : null;
}

function versionOf(item: unknown, field: string): number | null {
  const v = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined;
  return typeof v === 'number' ? v : null;
}

/**
 * Lets `transform` rewrite a JSON answer the inner handler writes with `writeHead(status, headers)` + `end(json)`,
 * recomputing its length. Anything else (no JSON, several writes) passes untouched.
 */
function interceptJson(res: ServerResponse, transform: (status: number, body: unknown) => unknown): void {
  const writeHead = res.writeHead.bind(res);
  const end = res.end.bind(res);
  let status = 200;
  let headers: Record<string, string | number> = {};
  res.writeHead = ((code: number, h?: Record<string, string | number>) => {
    status = code;
    headers = { ...(h ?? {}) };
    return res;
  }) as typeof res.writeHead;
  res.end = ((chunk?: unknown) => {
    let text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    try {
      text = JSON.stringify(transform(status, JSON.parse(text)));
    } catch {
      // Not JSON: served as it came.
    }
    writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
    return end(text);
  }) as typeof res.end;
}
