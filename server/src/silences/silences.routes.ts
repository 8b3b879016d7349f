import { Router } from 'express';
import { SilenceParams, alertsContract } from '@ioc/core';
import { principalActor } from '../audit/audit.service';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import type { SilencesService } from './silences.service';

/** `/api/silences`: operators and admins create and cancel; leaders and viewers read. */
export function silencesRoutes(o: { silences: SilencesService; policy: Policy }): Router {
  const router = Router();

  router.get(alertsContract.silences.path, async (req, res) => {
    o.policy.authorize(req.principal, 'silence.list', undefined, req.authProblem);
    res.json({ silences: await o.silences.list() });
  });

  router.post(alertsContract.silence.path, async (req, res) => {
    const who = o.policy.authorize(req.principal, 'silence.create', undefined, req.authProblem);
    const body = parseInput(alertsContract.silence.body, req.body);
    res.status(201).json(await o.silences.create(principalActor(who, req.ip ?? null), body));
  });

  router.post(alertsContract.cancelSilence.path, async (req, res) => {
    const who = o.policy.authorize(req.principal, 'silence.cancel', undefined, req.authProblem);
    const { id } = parseInput(SilenceParams, req.params);
    res.json(await o.silences.cancel(principalActor(who, req.ip ?? null), id));
  });

  return router;
}
