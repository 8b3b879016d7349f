import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { LoginRateLimited } from '@ioc/core';

export const LOGIN_RATE_WINDOW_MILLISECONDS = 15 * 60_000;

/**
 * Failed sign-ins (and display pairings) per client address: after `maxFailures` within 15 minutes the address gets
 * 429 `auth.rateLimited` until the window ends. Successful attempts do not count, so an office behind one address is
 * not locked out by its own colleagues signing in. This guards against guessing across many user names (password
 * spraying); the per-account lockout (5 / 15 min, in the store) guards each account, on every server process.
 * The counters live in this process's memory: with several replicas, each counts its own share.
 */
export function loginRateLimit(maxFailures: number): RequestHandler {
  return rateLimit({
    windowMs: LOGIN_RATE_WINDOW_MILLISECONDS,
    limit: maxFailures,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode < 400 && res.locals.signInFailed !== true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, _res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const left = resetTime ? resetTime.getTime() - Date.now() : LOGIN_RATE_WINDOW_MILLISECONDS;
      next(LoginRateLimited.create({ minutes: Math.max(1, Math.ceil(left / 60_000)) }));
    },
  });
}
