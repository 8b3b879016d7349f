import { Router, type Request } from 'express';
import { QuarantineIdParams, QuarantineListQuery, QuarantineReplaySourceRequest, ingestAdminContract } from '@ioc/core';
import { principalActor, type Actor } from '../audit/audit.service';
import { parseInput } from '../http/validate';
import type { Action, Policy } from '../policy/policy';
import type { QuarantineService } from './quarantine.service';

/**
 * `/api/quarantine`: the records sources sent that failed validation (admin and operator). Replays re-validate the
 * stored payloads with today's schema and are audited.
 */
export function quarantineRoutes(o: { quarantine: QuarantineService; policy: Policy }): Router {
  const router = Router();
  const actor = (req: Request, action: Action): Actor =>
    principalActor(o.policy.authorize(req.principal, action, undefined, req.authProblem), req.ip ?? null);

  router.get(ingestAdminContract.quarantine.path, async (req, res) => {
    o.policy.authorize(req.principal, 'quarantine.read', undefined, req.authProblem);
    const q = parseInput(QuarantineListQuery, req.query);
    const { items, total } = await o.quarantine.list(q);
    res.set('cache-control', 'no-store').json({ items, total, limit: q.limit, offset: q.offset });
  });

  router.post(ingestAdminContract.replaySource.path, async (req, res) => {
    const who = actor(req, 'quarantine.replay');
    res.json(await o.quarantine.replaySource(who, parseInput(QuarantineReplaySourceRequest, req.body).source));
  });

  router.post(ingestAdminContract.replayOne.path, async (req, res) => {
    const who = actor(req, 'quarantine.replay');
    res.json(await o.quarantine.replayOne(who, parseInput(QuarantineIdParams, req.params).id));
  });

  return router;
}
