import { Router } from 'express';
import { dashboardsContract } from '@ioc/core';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import type { DashboardsService } from './dashboards.service';

export interface DashboardsRoutesOptions {
  dashboards: DashboardsService;
  policy: Policy;
}

/**
 * Dashboards as code (core/src/contracts/dashboards.ts). Everyone who may view dashboards lists and reads them; a
 * wall device only its own. Panel data covers the caller's scope, or a unit inside it: a unit outside is 403, an
 * unknown one 400 `account.scopeUnknown`, as for reports. `GET /api/dashboards/wall` stays the wall's live state
 * (server/src/live/dashboard.routes.ts, mounted first); the wall's definition is in the list.
 */
export function dashboardsRoutes(o: DashboardsRoutesOptions): Router {
  const router = Router();
  const c = dashboardsContract;

  router.get(c.list.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'dashboard.view', undefined, req.authProblem);
    parseInput(c.list.query, req.query);
    const all = await o.dashboards.list();
    const visible = all.filter(
      (d) => o.policy.decide(principal, 'dashboard.view', { kind: 'panel', dashboard: d.id, scope: principal.scope }) === null,
    );
    res.set('cache-control', 'private, no-store').json({ dashboards: visible });
  });

  router.get(c.get.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'dashboard.view', undefined, req.authProblem);
    const { id } = parseInput(c.get.params, req.params);
    parseInput(c.get.query, req.query);
    const dashboard = await o.dashboards.get(id);
    o.policy.authorize(principal, 'dashboard.view', { kind: 'panel', dashboard: id, scope: principal.scope });
    res.set('cache-control', 'private, no-store').json(dashboard);
  });

  router.get(c.panelData.path, async (req, res) => {
    // Who first (401/403 before 400), then what; the unit asked for must be inside the caller's scope too.
    const principal = o.policy.authorize(req.principal, 'dashboard.view', undefined, req.authProblem);
    const { id, panelId } = parseInput(c.panelData.params, req.params);
    const query = parseInput(c.panelData.query, req.query);
    const panel = await o.dashboards.panel(id, panelId);
    const scope = o.dashboards.scopeOf(panel, query, principal.scope);
    o.policy.authorize(principal, 'dashboard.view', { kind: 'panel', dashboard: id, scope });
    res.set('cache-control', 'private, no-store').json(await o.dashboards.data(panel, query, scope));
  });
  return router;
}
