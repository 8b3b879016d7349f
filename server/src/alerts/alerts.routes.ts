import { Router } from 'express';
import { alertsContract, listAlerts, type Catalogue, type Clock, type Db, type ScopeIndex } from '@ioc/core';
import { parseInput } from '../http/validate';
import { alertViewOf, visibilityOf, type RuleNames } from '../incidents/incident-views';
import type { Policy } from '../policy/policy';

export interface AlertsRoutesOptions {
  db: Db;
  clock: Clock;
  catalogue: Pick<Catalogue, 'agencies'>;
  scopes: ScopeIndex;
  policy: Policy;
  ruleNames: RuleNames;
}

/** `GET /api/alerts`: the alerts within the caller's scope (a department: its own agency's), newest first. */
export function alertsRoutes(o: AlertsRoutesOptions): Router {
  const router = Router();
  router.get(alertsContract.list.path, async (req, res) => {
    const who = o.policy.authorize(req.principal, 'alert.list', undefined, req.authProblem);
    const q = parseInput(alertsContract.list.query, req.query);
    // Asking for another agency is refused, never answered with an empty page that hides the refusal.
    if (q.agency) o.policy.authorize(who, 'alert.list', { kind: 'incident', agencyCode: q.agency, assignedAgencyCode: q.agency });
    const v = visibilityOf(who, o.scopes, o.catalogue);
    const now = o.clock.now();
    const page = await listAlerts(o.db, {
      state: q.state === 'active' ? null : q.state,
      severity: q.severity ?? null,
      agencyCode: q.agency ?? null,
      startedBefore: q.minAgeMinutes === undefined ? null : new Date(now.getTime() - q.minAgeMinutes * 60_000),
      visibleAgencies: v.agencies,
      limit: q.limit,
      offset: q.offset,
    });
    res.json({ alerts: page.alerts.map((a) => alertViewOf(a, o.ruleNames, a.incidentId)), total: page.total });
  });
  return router;
}
