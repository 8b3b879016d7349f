import { Router } from 'express';
import { WallQuery, sumDayKpis, type WallSnapshot } from '@ioc/core';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import type { LiveHub } from './live-hub';

export interface DashboardRoutesOptions {
  policy: Policy;
  /** The live hub, once it exists (it needs the HTTP server, which needs this app). */
  hub: () => LiveHub;
}

/**
 * `GET /api/dashboards/wall[?agency=CODE]`: the wall's current state within the caller's scope, the same numbers a
 * subscriber's snapshot has. `agency` narrows it to one agency, which must be in scope (else 403): a department sees
 * its own row, never another's, whatever it asks for. Unknown query parameters are refused (400).
 */
export function dashboardRoutes(o: DashboardRoutesOptions): Router {
  const router = Router();
  router.get('/api/dashboards/wall', async (req, res) => {
    // Who first (401/403 before 400), then what: the agency asked for must be in scope too.
    const principal = o.policy.authorize(req.principal, 'dashboard.view', { kind: 'dashboard', dashboard: 'wall' }, req.authProblem);
    const agency = parseInput(WallQuery, req.query).agency?.toUpperCase();
    if (agency) o.policy.authorize(principal, 'dashboard.view', { kind: 'dashboard', dashboard: 'wall', agencyCode: agency });
    const snapshot = await o.hub().snapshot(principal.scope);
    const body: WallSnapshot = agency ? narrow(snapshot, agency) : snapshot;
    res.set('cache-control', 'no-store').json(body);
  });
  return router;
}

function narrow(snapshot: WallSnapshot, agencyCode: string): WallSnapshot {
  const rows = snapshot.rows.filter((r) => r.agencyCode === agencyCode);
  return { ...snapshot, rows, totals: sumDayKpis(rows) };
}
