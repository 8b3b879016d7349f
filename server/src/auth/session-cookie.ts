import type { CookieOptions, Request, Response } from 'express';
import { SESSION_COOKIE, SESSION_LIMITS, type SessionKind } from '@ioc/core';

/**
 * The session cookie: httpOnly (no script reads it), SameSite=Strict (no other site's page sends it: the first line
 * against CSRF; the token header is the second), Path=/, and Secure when the request came over HTTPS (directly, or
 * through a reverse proxy on this machine, see `trust proxy`). It lasts as long as the session at most, given as
 * Max-Age, a duration: an absolute date would be read against the browser's clock, which need not agree with ours.
 * The server enforces the real end (idle and absolute) either way.
 */
function options(req: Request, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', ...(maxAge ? { maxAge } : {}) };
}

export function setSessionCookie(req: Request, res: Response, token: string, kind: SessionKind): void {
  res.cookie(
    SESSION_COOKIE,
    token,
    options(req, kind === 'display' ? SESSION_LIMITS.displayMilliseconds : SESSION_LIMITS.absoluteMilliseconds),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, options(req));
}

/** The session token a request carries, if any (`cookie-parser` has filled `req.cookies`). */
export function sessionToken(req: Pick<Request, 'cookies'>): string | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null;
}

/** The session token in a raw `Cookie` header (the socket.io handshake, which express's parser never sees). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? value : null;
    }
  }
  return null;
}
