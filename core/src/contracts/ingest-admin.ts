import { z } from 'zod';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

// Source health and the quarantine of refused records, as the admin screens and operators read them
// (server/src/sources, server/src/quarantine).

const Instant = z.string();
const SourceName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'expected a source system name such as dvc');

export const SourceHealthView = z.object({
  source: z.string(),
  system: z.string(),
  lastAttemptAt: Instant,
  lastSuccessAt: Instant.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: Instant.nullable(),
  sourceNewestAt: Instant.nullable(),
  checkpointAt: Instant.nullable(),
  /** The source's newest change minus our stored checkpoint; null while either is unknown. */
  lagMilliseconds: z.number().nullable(),
  recordsTotal: z.number(),
  errorsTotal: z.number(),
  pullsTotal: z.number(),
  recordsPerMinute: z.number(),
  errorsPerMinute: z.number(),
  errorRate: z.number().nullable(),
  quarantined: z.number(),
  freshness: z.object({
    level: z.enum(['no_data', 'ok', 'warning', 'critical']),
    pipelineAgeMilliseconds: z.number().nullable(),
    thresholdsMinutes: z.object({ warning: z.number(), critical: z.number() }).nullable(),
  }),
});

export const QuarantineListQuery = z.strictObject({
  source: SourceName.optional(),
  state: z.enum(['all', 'waiting', 'replayed']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  lang: z.enum(['vi', 'en']).optional(),
});
export const QuarantineIdParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export const QuarantineReplaySourceRequest = z.strictObject({ source: SourceName });

export const QuarantineEntryView = z.object({
  id: z.number(),
  source: z.string(),
  sourceId: z.string().nullable(),
  /** The payload exactly as the source sent it. */
  raw: z.unknown(),
  reason: z.string(),
  firstSeenAt: Instant,
  lastSeenAt: Instant,
  seenCount: z.number(),
  replayedAt: Instant.nullable(),
});
export const QuarantineReplayResultView = z.object({
  replayed: z.array(z.number()),
  stillFailing: z.array(z.object({ id: z.number(), reason: z.string() })),
  skipped: z.array(z.number()),
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };

export const ingestAdminContract = {
  sources: defineRoute({
    method: 'GET',
    path: '/api/sources',
    summary: 'Health and freshness of every pulled source (last success, lag, records and errors per minute, quarantined)',
    tag: 'sources',
    access: 'session',
    body: null,
    responses: { 200: z.object({ sources: z.array(SourceHealthView) }), ...errors },
  }),
  quarantine: defineRoute({
    method: 'GET',
    path: '/api/quarantine',
    summary: 'Source records refused by validation, with the reason, most recently seen first',
    tag: 'sources',
    access: 'session',
    query: QuarantineListQuery,
    body: null,
    responses: {
      200: z.object({ items: z.array(QuarantineEntryView), total: z.number(), limit: z.number(), offset: z.number() }),
      ...errors,
    },
  }),
  replaySource: defineRoute({
    method: 'POST',
    path: '/api/quarantine/replay',
    summary: 'Validate every waiting record of a source again; those that pass are stored (audited). Replaying twice changes nothing',
    tag: 'sources',
    access: 'session',
    body: QuarantineReplaySourceRequest,
    responses: { 200: QuarantineReplayResultView, ...errors },
  }),
  replayOne: defineRoute({
    method: 'POST',
    path: '/api/quarantine/:id/replay',
    summary: 'Validate one quarantined record again; stored if it passes (audited)',
    tag: 'sources',
    access: 'session',
    params: QuarantineIdParams,
    body: null,
    responses: { 200: QuarantineReplayResultView, 404: ErrorBody, ...errors },
  }),
} as const;
