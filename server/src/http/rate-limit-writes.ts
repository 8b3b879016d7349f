import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { RequestRateLimited } from '@ioc/core';

export const WRITE_RATE_WINDOW_MILLISECONDS = 60_000;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes (POST, PUT, PATCH, DELETE) under `/api` per session, or per client address without one: after
 * `perMinute` in a minute, 429 `request.rateLimited` with `Retry-After` until the window ends. Mount it after
 * `authenticate` (the session is the key). `exempt`: sign-in and display pairing, which count failures per address
 * with their own limit (`loginRateLimit`). A person clicking through the web app makes a few writes a minute; a
 * runaway script or a stolen session is slowed down. Counters live in this process's memory, like the login ones.
 */
export function writeRateLimit(perMinute: number, exempt: readonly string[]): RequestHandler {
  const exemptPaths = new Set(exempt);
  return rateLimit({
    windowMs: WRITE_RATE_WINDOW_MILLISECONDS,
    limit: perMinute,
    skip: (req) => !WRITE_METHODS.has(req.method) || exemptPaths.has(req.originalUrl.split('?')[0] ?? ''),
    // The session's token hash, never the token: the key sits in memory and may be logged by a store.
    keyGenerator: (req) => (req.principal ? `session:${req.principal.tokenHash}` : `ip:${ipKeyGenerator(req.ip ?? '')}`),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (req, res, next) => {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil((resetTime ? resetTime.getTime() - Date.now() : WRITE_RATE_WINDOW_MILLISECONDS) / 1000));
      res.set('retry-after', String(seconds));
      next(RequestRateLimited.create({ seconds }));
    },
  });
}
