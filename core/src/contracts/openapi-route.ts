import type { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A response that is not JSON (Prometheus text, a redirect): its media type and, when it has one, its body schema. */
export interface RawResponse {
  contentType: string;
  schema?: z.ZodType;
  description?: string;
}

/** Per status: a JSON body schema, `null` for no body (204, 303), or a non-JSON response. */
export type RouteResponses = Record<number, z.ZodType | null | RawResponse>;

/**
 * Who may call a route, for the document and the fuzz test: `public` needs no session (sign-in, health, catalogue);
 * `session` needs the session cookie (and, for writes, the `x-csrf-token` header).
 */
export type RouteAccess = 'public' | 'session';

export interface RouteSpec {
  method: HttpMethod;
  /** Express syntax: `/api/users/:username`; the document writes `{username}`. */
  path: string;
  summary: string;
  /** Groups routes in the document: `auth`, `users`, `audit`… */
  tag: string;
  access: RouteAccess;
  body?: z.ZodType | null;
  query?: z.ZodType;
  /** Required when `path` has `:params`; each one is a string in the path. */
  params?: z.ZodType;
  responses: RouteResponses;
}

const registry = new Map<string, RouteSpec>();

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * Declares one HTTP route with its schemas and registers it for `GET /api/openapi.json` and the API fuzz test. Call it
 * at module level in a contract file (`core/src/contracts/*.ts`) exported from `@ioc/core`: importing the package
 * registers every route. Returns the spec, typed, so routes parse with `contract.body`, `contract.query`. Declaring the
 * same method and path twice throws: two modules would answer the same request.
 */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  const key = routeKey(spec.method, spec.path);
  if (registry.has(key)) throw new Error(`route ${key} is declared twice`);
  const names = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  if (names.length > 0 && !spec.params) throw new Error(`route ${key} has path parameters (${names.join(', ')}) but no params schema`);
  registry.set(key, spec);
  return spec;
}

/** Every declared route, in declaration order. */
export function registeredRoutes(): RouteSpec[] {
  return [...registry.values()];
}
