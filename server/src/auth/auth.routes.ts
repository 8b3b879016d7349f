import { Router, type Request, type RequestHandler, type Response } from 'express';
import { IocError, authContract } from '@ioc/core';
import { parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';
import type { AuthService, SignedIn } from './auth.service';
import { sessionInfo } from './auth.service';
import { clientInfo } from './authenticate';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

export interface AuthRoutesOptions {
  auth: AuthService;
  policy: Policy;
  /** Counts failed sign-ins per address (`loginRateLimit`). */
  loginLimiter: RequestHandler;
}

/** Paths that open a session and so carry no CSRF token yet (see `requireCsrf`). */
export const SESSION_OPENING_PATHS = [authContract.login.path, authContract.pairDisplay.path];

function signIn(req: Request, res: Response, signedIn: SignedIn): void {
  setSessionCookie(req, res, signedIn.token, signedIn.principal.sessionKind);
  res.set('cache-control', 'no-store').json(signedIn.info);
}

/** `/api/auth`: sign in and out, who am I, change my password, pair a display device (core/src/contracts/auth.ts). */
export function authRoutes(o: AuthRoutesOptions): Router {
  const router = Router();

  router.post(authContract.login.path, o.loginLimiter, async (req, res) => {
    o.policy.authorize(req.principal, 'session.open');
    const body = parseInput(authContract.login.body, req.body);
    signIn(req, res, await o.auth.login(body, clientInfo(req)));
  });

  router.post(authContract.pairDisplay.path, o.loginLimiter, async (req, res) => {
    o.policy.authorize(req.principal, 'session.open');
    const body = parseInput(authContract.pairDisplay.body, req.body);
    signIn(req, res, await o.auth.pairDisplay(body.token, clientInfo(req)));
  });

  router.get(authContract.me.path, (req, res) => {
    const principal = o.policy.authorize(req.principal, 'session.read', undefined, req.authProblem);
    res.set('cache-control', 'no-store').json(sessionInfo(principal));
  });

  router.post(authContract.changePassword.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'session.changePassword', undefined, req.authProblem);
    const body = parseInput(authContract.changePassword.body, req.body);
    res.set('cache-control', 'no-store').json(await o.auth.changePassword(principal, body, clientInfo(req)));
  });

  router.post(authContract.logout.path, async (req, res) => {
    const principal = o.policy.authorize(req.principal, 'session.logout', undefined, req.authProblem);
    await o.auth.logout(principal, clientInfo(req));
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  return router;
}

/**
 * `GET /wall?display=<token>`: the link printed for a wall device. Exchanges the token for a display session cookie
 * and redirects to `/wall`, so the token leaves the address bar (and the browser history). A bad token goes to the
 * sign-in page, which says why. Other requests to `/wall` pass through to the web app.
 */
export function displayLinkHandler(o: AuthRoutesOptions): RequestHandler[] {
  const onlyWithToken: RequestHandler = (req, _res, next) => (typeof req.query.display === 'string' ? next() : next('route'));
  const pair: RequestHandler = async (req, res) => {
    o.policy.authorize(req.principal, 'session.open');
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    try {
      const signedIn = await o.auth.pairDisplay(req.query.display as string, clientInfo(req));
      setSessionCookie(req, res, signedIn.token, signedIn.principal.sessionKind);
      res.redirect(303, '/wall');
    } catch (err) {
      if (!(err instanceof IocError)) throw err;
      res.locals.signInFailed = true; // counted by the rate limit although the answer is a redirect
      res.redirect(303, `/login?reason=${encodeURIComponent(err.code)}`);
    }
  };
  return [onlyWithToken, o.loginLimiter, pair];
}
