import { z } from 'zod';
import { CSRF_HEADER, ErrorBody, SESSION_COOKIE, registeredRoutes, type RawResponse, type RouteSpec } from '@ioc/core';

type JsonSchema = Record<string, unknown>;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/** A zod schema as JSON Schema 2020-12, which OpenAPI 3.1 uses as is; transforms and refinements fall back to `{}`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function isRaw(value: unknown): value is RawResponse {
  return typeof value === 'object' && value !== null && 'contentType' in value;
}

/** Express `/api/users/:username` → OpenAPI `/api/users/{username}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function parameters(route: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const s = jsonSchema(schema, 'input');
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  return out;
}

function response(status: number, value: RouteSpec['responses'][number]): JsonSchema {
  const description =
    isRaw(value) && value.description ? value.description : status < 400 ? 'Success' : 'Error: {"error":{"code","message","details?"}}';
  if (value === null) return { description: status === 204 ? 'No content' : description };
  if (isRaw(value))
    return { description, content: { [value.contentType]: value.schema ? { schema: jsonSchema(value.schema, 'output') } : {} } };
  const schema = value === ErrorBody ? ERROR_REF : jsonSchema(value, 'output');
  return { description, content: { 'application/json': { schema } } };
}

function operation(route: RouteSpec): JsonSchema {
  const write = WRITE_METHODS.has(route.method);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, value] of Object.entries(route.responses)) responses[status] = response(Number(status), value);
  // Every write under /api passes the write rate limit (sign-in and pairing have their own, also 429).
  if (write && !responses['429']) responses['429'] = response(429, ErrorBody);
  const params = parameters(route);
  return {
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    tags: [route.tag],
    security: route.access === 'public' ? [] : [write ? { sessionCookie: [], csrfToken: [] } : { sessionCookie: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of every route declared with `defineRoute` (core/src/contracts/openapi-route.ts). Errors
 * share one schema, `ErrorBody`; session routes name the cookie, and writes also the CSRF header.
 */
export function openApiDocument(routes: RouteSpec[] = registeredRoutes(), version = '0.0.0'): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'IOC API',
      version,
      description:
        'Intelligent Operations Centre. Errors answer {"error":{"code","message","details?"}}, the message in Vietnamese unless ' +
        'Accept-Language is English or ?lang=en. Writes with a session repeat its CSRF token in x-csrf-token.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ErrorBody: jsonSchema(ErrorBody, 'output') },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
      },
    },
  };
}
