import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs (pino). Secrets and citizens' data never reach logs: credentials are redacted by path, and
 * no code logs a dossier's applicant fields in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ioc' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'apiKey', 'password', 'databaseUrl'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
