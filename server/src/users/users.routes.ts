import { Router, type Request } from 'express';
import { UsernameParams, usersContract } from '@ioc/core';
import { principalActor, type Actor } from '../audit/audit.service';
import { parseInput } from '../http/validate';
import type { Action, Policy } from '../policy/policy';
import type { UsersService } from './users.service';

export interface UsersRoutesOptions {
  users: UsersService;
  policy: Policy;
}

/** `/api/users`: account administration, admins only and within their scope (core/src/contracts/users.ts). */
export function usersRoutes(o: UsersRoutesOptions): Router {
  const router = Router();
  // The role check here; the target account's scope is checked by the service once it has read the account.
  const actor = (req: Request, action: Action): Actor =>
    principalActor(o.policy.authorize(req.principal, action, undefined, req.authProblem), req.ip ?? null);
  const username = (req: Request) => parseInput(UsernameParams, req.params).username;

  router.get(usersContract.list.path, async (req, res) => {
    res.json({ users: await o.users.list(actor(req, 'user.list')) });
  });

  router.post(usersContract.create.path, async (req, res) => {
    const who = actor(req, 'user.create');
    const body = parseInput(usersContract.create.body, req.body);
    res
      .status(201)
      .set('cache-control', 'no-store')
      .json(await o.users.create(who, body));
  });

  router.post(usersContract.lock.path, async (req, res) => {
    const who = actor(req, 'user.lock');
    res.json(await o.users.lock(who, username(req), parseInput(usersContract.lock.body, req.body)));
  });

  router.post(usersContract.unlock.path, async (req, res) => {
    const who = actor(req, 'user.unlock');
    res.json(await o.users.unlock(who, username(req), parseInput(usersContract.unlock.body, req.body)));
  });

  router.post(usersContract.close.path, async (req, res) => {
    const who = actor(req, 'user.close');
    res.json(await o.users.close(who, username(req), parseInput(usersContract.close.body, req.body)));
  });

  router.post(usersContract.reset.path, async (req, res) => {
    const who = actor(req, 'user.reset');
    res.set('cache-control', 'no-store').json(await o.users.reset(who, username(req), parseInput(usersContract.reset.body, req.body)));
  });

  router.delete(usersContract.remove.path, async (req, res) => {
    const who = actor(req, 'user.delete');
    await o.users.remove(who, username(req));
    res.status(204).end();
  });

  return router;
}
