import { Router } from 'express';
import { AuditQuery, Forbidden, auditContract, searchAudit, type AuditPage, type Db, type ScopeIndex } from '@ioc/core';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';

export interface AuditRoutesOptions {
  db: Db;
  policy: Policy;
  scopes: ScopeIndex;
}

/**
 * `GET /api/audit`: the audit log, filtered, newest first, a page at a time (core/src/contracts/audit.ts). Admins
 * only, and only province-wide ones: audit rows carry no unit, so a commune's admin would see the whole province's.
 */
export function auditRoutes(o: AuditRoutesOptions): Router {
  const router = Router();
  router.get(auditContract.list.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'audit.read', undefined, req.authProblem);
    if (!o.scopes.isProvinceWide(principal.scope)) throw Forbidden.create({ action: 'audit.read' });
    const q = parseInput(AuditQuery, req.query);
    const rows = await searchAudit(o.db, {
      actorName: q.actor,
      action: q.action,
      resourceKind: q.resourceKind,
      resourceId: q.resourceId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeId: q.cursor ? Number(q.cursor) : undefined,
      // One more than asked: whether a next page exists, without a count.
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const body: AuditPage = {
      entries: page.map((r) => ({ ...r, at: r.at.toISOString() })),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null,
    };
    res.set('cache-control', 'no-store').json(body);
  });
  return router;
}
