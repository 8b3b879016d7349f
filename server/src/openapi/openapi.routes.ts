import { Router } from 'express';
import { systemContract } from '@ioc/core';
import type { Policy } from '../policy/policy';
import { openApiDocument } from './openapi-document';

/**
 * `GET /api/openapi.json`: the API's OpenAPI 3.1 document. Built at the first request, when every route module has
 * been imported and so every contract declared.
 */
export function openApiRoutes(o: { policy: Policy }): Router {
  const router = Router();
  let document: string | null = null;
  router.get(systemContract.openapi.path, (req, res) => {
    o.policy.authorize(req.principal, 'api.describe');
    document ??= JSON.stringify(openApiDocument());
    res.set('cache-control', 'no-cache').type('application/json').send(document);
  });
  return router;
}
