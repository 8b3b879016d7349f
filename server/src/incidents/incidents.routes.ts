import { Router, type Request } from 'express';
import { IncidentParams, incidentsContract, type IncidentAction } from '@ioc/core';
import { principalActor } from '../audit/audit.service';
import { parseInput } from '../http/validate';
import type { Action, Policy } from '../policy/policy';
import type { IncidentsService } from './incidents.service';

export interface IncidentsRoutesOptions {
  incidents: IncidentsService;
  policy: Policy;
}

const ACTIONS = ['ack', 'assign', 'comment', 'checklist', 'progress', 'resolve', 'close', 'reopen'] as const satisfies IncidentAction[];

/**
 * `/api/incidents` (core/src/contracts/incidents.ts). The role is checked here, before the body is read; the incident's
 * agency by the service once it has read the incident.
 */
export function incidentsRoutes(o: IncidentsRoutesOptions): Router {
  const router = Router();
  const principal = (req: Request, action: Action) => o.policy.authorize(req.principal, action, undefined, req.authProblem);
  const id = (req: Request) => parseInput(IncidentParams, req.params).id;

  router.get(incidentsContract.list.path, async (req, res) => {
    const who = principal(req, 'incident.list');
    res.json(await o.incidents.list(who, parseInput(incidentsContract.list.query, req.query)));
  });

  router.get(incidentsContract.get.path, async (req, res) => {
    const who = principal(req, 'incident.read');
    res.json(await o.incidents.get(who, id(req)));
  });

  for (const action of ACTIONS) {
    const route = incidentsContract[action];
    router.post(route.path, async (req, res) => {
      const who = principal(req, `incident.${action}`);
      const incidentId = id(req);
      const body = parseInput(route.body, req.body);
      res.json(await o.incidents.act({ ...principalActor(who, req.ip ?? null), principal: who }, incidentId, action, body));
    });
  }

  return router;
}
