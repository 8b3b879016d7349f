import { z } from 'zod';
import { ErrorBody } from './auth';
import { WallQuery, WallSnapshot } from './live';
import { defineRoute } from './openapi-route';

/** `GET /healthz`: liveness, and whether start-up has finished. */
export const HealthBody = z.object({ status: z.enum(['ok', 'starting']) }).catchall(z.unknown());

/** One part of readiness: whether it works now and, when not, why. */
export const ReadinessCheck = z.object({ ok: z.boolean(), problem: z.string().optional() });
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

/** `GET /readyz`: 200 when every part is ready, 503 naming the parts that are not. */
export const ReadinessBody = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ store: ReadinessCheck, migrations: ReadinessCheck, live: ReadinessCheck }),
});
export type ReadinessBody = z.infer<typeof ReadinessBody>;

const prometheusText = { contentType: 'text/plain', schema: z.string(), description: 'Prometheus text exposition format' };

/**
 * Routes `createApp` serves itself (probes, metrics, the document) and the wall's REST twin. The wall's route lives
 * here, not in live.ts, because `ErrorBody` is in auth.ts, which imports live.ts: the other way round is a cycle.
 */
export const systemContract = {
  healthz: defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the process answers (503 until start-up has finished)',
    tag: 'system',
    access: 'public',
    responses: { 200: HealthBody, 503: HealthBody },
  }),
  readyz: defineRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the store answers now, migrations are applied and the live hub is up',
    tag: 'system',
    access: 'public',
    responses: { 200: ReadinessBody, 503: ReadinessBody },
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of this process',
    tag: 'system',
    access: 'public',
    responses: { 200: prometheusText },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document: every route of the API, generated from the contracts',
    tag: 'system',
    access: 'public',
    responses: { 200: { contentType: 'application/json', description: 'An OpenAPI 3.1 document' } },
  }),
  wall: defineRoute({
    method: 'GET',
    path: '/api/dashboards/wall',
    summary: "The wall's current state within my scope, or one agency of it",
    tag: 'dashboards',
    access: 'session',
    query: WallQuery,
    responses: { 200: WallSnapshot, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
  }),
} as const;
