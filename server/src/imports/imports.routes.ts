import express, { Router } from 'express';
import { IMPORT_MAX_BYTES, IMPORT_MEDIA_TYPES, ImportFileUnreadable, ImportQuery, importsContract, type ImportReportView } from '@ioc/core';
import { principalActor } from '../audit/audit.service';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import type { ImportsService } from './imports.service';

export interface ImportsRoutesOptions {
  imports: ImportsService;
  policy: Policy;
}

/**
 * `POST /api/imports/project?filename=…`: the admin screen's upload. The body is the file itself (no multipart form:
 * one file, one request). Admins and operators import for every agency in their scope; a department for its own.
 */
export function importsRoutes(o: ImportsRoutesOptions): Router {
  const router = Router();
  router.post(importsContract.project.path, express.raw({ type: IMPORT_MEDIA_TYPES, limit: IMPORT_MAX_BYTES }), async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'import.create', undefined, req.authProblem);
    const { filename } = parseInput(ImportQuery, req.query);
    if (!Buffer.isBuffer(req.body)) {
      throw ImportFileUnreadable.create({
        fileName: filename,
        reason: `send the file itself as the request body, with Content-Type ${IMPORT_MEDIA_TYPES.slice(0, 2).join(' or ')}`,
      });
    }
    const report: ImportReportView = await o.imports.importProjects({
      fileName: filename,
      content: req.body,
      actor: principalActor(principal, req.ip ?? null),
      scope: principal.scope,
    });
    res.set('cache-control', 'no-store').json(report);
  });
  return router;
}
