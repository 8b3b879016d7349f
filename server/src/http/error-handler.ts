import type { ErrorRequestHandler, Request } from 'express';
import { IocError, Internal, renderMessage, type Language } from '@ioc/core';
import type { Logger } from '../logging/logger';

/** The caller's language: `?lang=en` or an English Accept-Language; Vietnamese otherwise. */
export function requestLanguage(req: Request): Language {
  if (req.query.lang === 'en') return 'en';
  if (req.query.lang === 'vi') return 'vi';
  return /^en\b/i.test(req.headers['accept-language'] ?? '') ? 'en' : 'vi';
}

/**
 * Every error leaves as `{"error":{"code","message","details"}}`: a known error with its own status and a message
 * in the caller's language; a body express could not parse as 400; anything else as 500 with a generic message
 * and the request id, logged in full.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const lang = requestLanguage(req);
    if (err instanceof IocError) {
      logger.info({ code: err.code, path: req.path }, 'request refused');
      const details = err.details as Record<string, unknown>;
      res.status(err.status).json({ error: { code: err.code, message: renderMessage(err, lang), details } });
      return;
    }
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const issue = (err as { type?: string }).type === 'entity.parse.failed' ? 'the body is not valid JSON' : (err as Error).message;
      const code = 'request.invalid';
      res.status(status).json({ error: { code, message: renderMessage({ code, details: { issues: issue } }, lang) } });
      return;
    }
    const reqId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '';
    logger.error({ err, reqId, path: req.path }, 'unexpected error');
    const internal = Internal.create({ reqId });
    res.status(500).json({ error: { code: internal.code, message: renderMessage(internal, lang) } });
  };
}
