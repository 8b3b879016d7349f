import { Router } from 'express';
import { reportsContract, systemClock, type Catalogue, type Clock, type Db, type ScopeIndex } from '@ioc/core';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import { renderMonthlyReport } from './render-monthly-report';

export interface ReportsRoutesOptions {
  db: Db;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  policy: Policy;
  clock?: Clock;
}

/**
 * `GET /api/reports/monthly` (core/src/contracts/reports.ts): leaders, operators and admins; a department only over
 * its own scope, which is also everyone's default `unit`.
 */
export function reportsRoutes(o: ReportsRoutesOptions): Router {
  const router = Router();
  router.get(reportsContract.monthly.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'report.read', undefined, req.authProblem);
    const query = parseInput(reportsContract.monthly.query, req.query);
    const scope = query.unit ? o.scopes.resolve(query.unit) : principal.scope;
    o.policy.authorize(principal, 'report.read', { kind: 'report', scope });
    const report = await renderMonthlyReport({
      db: o.db,
      catalogue: o.catalogue,
      scopes: o.scopes,
      scope,
      month: query.month,
      format: query.format,
      now: (o.clock ?? systemClock).now(),
    });
    res
      .status(200)
      .type(report.contentType)
      .set('cache-control', 'private, no-store')
      .set('content-disposition', `${query.format === 'xlsx' ? 'attachment' : 'inline'}; filename="${report.filename}"`)
      .send(report.body);
  });
  return router;
}
