import { z } from 'zod';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

/** An instant with its offset, as the API writes them (`2026-03-11T10:00:00.000Z`, `2026-03-11T17:00:00+07:00`). */
const Instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with an offset, e.g. 2026-03-11T10:00:00+07:00' });

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** `GET /api/audit` filters; every one optional, combined with AND. `cursor` is the `nextCursor` of the page before. */
export const AuditQuery = z
  .object({
    /** The actor's name as recorded: a user name, `cli:<os user>` or `system`. */
    actor: z.string().trim().min(1).max(120).optional(),
    action: z.string().trim().min(1).max(80).optional(),
    resourceKind: z.string().trim().min(1).max(40).optional(),
    resourceId: z.string().trim().min(1).max(120).optional(),
    /** Inclusive lower and exclusive upper bound of `at`. */
    from: Instant.optional(),
    to: Instant.optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'expected the nextCursor of a previous page')
      .optional(),
    lang: z.enum(['vi', 'en']).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** One audit row as the API shows it; the chain's hashes stay inside (`ioc audit verify` checks them). */
export const AuditEntryView = z.object({
  id: z.number().int(),
  at: z.string(),
  actorName: z.string(),
  action: z.string(),
  resourceKind: z.string(),
  resourceId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/** Newest first. `nextCursor`: pass it as `cursor` for the older rows; null on the last page. */
export const AuditPage = z.object({ entries: z.array(AuditEntryView), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const auditContract = {
  list: defineRoute({
    method: 'GET',
    path: '/api/audit',
    summary: 'Search the audit log (province-wide administrators), newest first, a page at a time',
    tag: 'audit',
    access: 'session',
    query: AuditQuery,
    responses: { 200: AuditPage, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
  }),
} as const;
