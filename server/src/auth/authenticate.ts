import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CSRF_HEADER, CsrfInvalid, IocError } from '@ioc/core';
import type { AuthService, ClientInfo } from './auth.service';
import { sameSecret } from './secrets';
import { clearSessionCookie, sessionToken } from './session-cookie';

/** Where the request comes from, for sessions and the audit log. */
export function clientInfo(req: Request): ClientInfo {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/**
 * Resolves the session cookie, when there is one, into `req.principal`. A refused cookie (ended, idle, account locked
 * or closed) is cleared and remembered in `req.authProblem`, so that a route needing a session says why; public routes
 * do not care. Nothing is refused here: the policy decides per route.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = sessionToken(req);
    if (!token) return next();
    try {
      req.principal = await auth.resolve(token);
    } catch (err) {
      if (!(err instanceof IocError)) throw err;
      req.authProblem = err;
      clearSessionCookie(req, res);
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for writes. SameSite=Strict already keeps other sites' pages from sending the cookie; on top:
 * (1) a write carrying an `Origin` header must come from this server's own origin; (2) a write made with a session
 * must repeat the session's CSRF token in `x-csrf-token` (login and display pairing open a session, so they need
 * none). Requests without a session are left to the policy, which answers 401.
 */
export function requireCsrf(exempt: readonly string[]): RequestHandler {
  const exemptPaths = new Set(exempt);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) throw CsrfInvalid.create({});
    if (!req.principal || exemptPaths.has(req.path)) return next();
    const sent = req.get(CSRF_HEADER);
    if (!sent || !sameSecret(sent, req.principal.csrfToken)) throw CsrfInvalid.create({});
    next();
  };
}
