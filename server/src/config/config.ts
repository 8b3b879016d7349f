import { z } from 'zod';

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number 0–65535' })
    .int('expected a whole port number 0–65535')
    .min(0, 'expected a port number 0–65535')
    .max(65535, 'expected a port number 0–65535')
    .default(fallback);

const positive = (fallback: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .positive(`expected ${what}`)
    .default(fallback);

/** A source system's base URL; empty means unset (a `.env` line without a value). */
const sourceUrl = () =>
  z
    .url({ error: 'expected an http(s) URL', protocol: /^https?$/ })
    .optional()
    .or(z.literal('').transform(() => undefined));
const sourceApiKey = () =>
  z
    .string()
    .min(8, 'expected an API key of at least 8 characters')
    .optional()
    .or(z.literal('').transform(() => undefined));

/**
 * Every setting, by its environment variable. Each is validated at start-up; a bad value stops the program with one
 * line naming the variable (`PORT=abc: expected a port number 0–65535`). The README's configuration table lists them.
 */
export const ConfigSchema = z.object({
  PORT: port(8080),
  HOST: z.string().min(1, 'expected a host name or address').default('127.0.0.1'),
  IOC_DATA_DIR: z.string().min(1, 'expected a folder path').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  IOC_SIM_RATE: positive(1, 'a number of changes per second greater than 0'),
  IOC_SIM_BACKLOG_DAYS: positive(14, 'a number of days greater than 0'),
  IOC_SIM_SEED: z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').default(19),
  IOC_SIM_PORT: port(0),
  /** Faults of `ioc simulate`, e.g. `latency=50,errors=40,duplicate=20,stale=20` (ingest/src/sim/faults.ts). */
  IOC_SIM_FAULTS: z.string().optional(),
  // The source systems `ioc ingest` pulls, named by their source_system: dossier system (DVC), document system
  // (QLVBĐH), project database (CSDL đầu tư), KPI feed. Each runs when its URL and key are set (or it is named in
  // IOC_INGEST_SYSTEMS); an empty value is unset, as a blank line in an env file means.
  IOC_DVC_URL: sourceUrl(),
  IOC_DVC_API_KEY: sourceApiKey(),
  IOC_QLVB_URL: sourceUrl(),
  IOC_QLVB_API_KEY: sourceApiKey(),
  IOC_CSDLDT_URL: sourceUrl(),
  IOC_CSDLDT_API_KEY: sourceApiKey(),
  IOC_KPI_URL: sourceUrl(),
  IOC_KPI_API_KEY: sourceApiKey(),
  IOC_INGEST_SYSTEMS: z
    .string()
    .regex(
      /^\s*(dossier|document|project|kpi)\s*(,\s*(dossier|document|project|kpi)\s*)*$/,
      'expected dossier, document, project or kpi, separated by commas',
    )
    .optional()
    .or(z.literal('').transform(() => undefined)),
  IOC_SOURCE_MAX_REQUESTS_PER_SECOND: positive(5, 'a number of requests per second greater than 0').pipe(
    z.number().max(1000, 'expected at most 1000 requests per second'),
  ),
  IOC_POLL_INTERVAL_MS: z.coerce
    .number({ error: 'expected milliseconds' })
    .int('expected whole milliseconds')
    .min(100, 'expected at least 100 ms')
    .default(500),
  IOC_LIVE_PATCHES_PER_SECOND: positive(4, 'a number of patches per second greater than 0'),
  IOC_LIVE_CLOCK_SECONDS: positive(5, 'a number of seconds greater than 0'),
  // The SLA alert engine (server/src/alerts): how often it evaluates with no new data, how often a standby tries to lead.
  IOC_ALERT_EVAL_SECONDS: positive(30, 'a number of seconds greater than 0'),
  IOC_ALERT_LEADER_RETRY_SECONDS: positive(5, 'a number of seconds greater than 0'),
  IOC_ALERT_RULES_DIR: z.string().min(1, 'expected a folder path').optional(),
  // Dashboards as code (YAML); the shipped `dashboards/thai-nguyen/dashboards` by default.
  IOC_DASHBOARDS_DIR: z.string().min(1, 'expected a folder path').optional(),
  IOC_LOGIN_FAILURES_PER_ADDRESS: z.coerce
    .number({ error: 'expected a whole number of failed sign-ins' })
    .int('expected a whole number of failed sign-ins')
    .min(1, 'expected at least 1')
    .default(20),
  IOC_WRITE_RATE_PER_MINUTE: z.coerce
    .number({ error: 'expected a whole number of writes per minute' })
    .int('expected a whole number of writes per minute')
    .min(1, 'expected at least 1')
    .default(120),
  KAFKA_BROKERS: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'expected host:port[,host:port…]')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  IOC_INGEST_ROLE: z.enum(['all', 'connector', 'writer'], { error: 'expected all, connector or writer' }).default('all'),
  IOC_KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,40}$/, 'expected lower-case letters, digits, - or _')
    .default('ioc'),
  IOC_KAFKA_GROUP_ID: z.string().min(1, 'expected a consumer group name').optional(),
  // Several `ioc server` processes behind one address share live rooms through Redis when set (server/src/live/cluster-adapter.ts).
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  // Notifications (server/src/notifications): every contact point is off until its variables are set.
  IOC_NOTIFY_WEBHOOK_URL: z
    .url({ error: 'expected an http(s) URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  IOC_NOTIFY_LEADERS_WEBHOOK_URL: z
    .url({ error: 'expected an http(s) URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  IOC_NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  IOC_NOTIFY_WEBHOOK_ATTEMPTS: z.coerce
    .number({ error: 'expected a whole number of attempts' })
    .int('expected a whole number of attempts')
    .min(1, 'expected at least 1')
    .max(20, 'expected at most 20')
    .default(6),
  IOC_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  IOC_NOTIFY_EMAIL_FROM: z.email({ error: 'expected an e-mail address' }).optional(),
  IOC_NOTIFY_EMAIL_TO: z
    .string()
    .regex(/^[^\s,@]+@[^\s,@]+(\s*,\s*[^\s,@]+@[^\s,@]+)*$/, 'expected e-mail addresses separated by commas')
    .optional(),
  IOC_NOTIFY_LEADERS_EMAIL_TO: z
    .string()
    .regex(/^[^\s,@]+@[^\s,@]+(\s*,\s*[^\s,@]+@[^\s,@]+)*$/, 'expected e-mail addresses separated by commas')
    .optional(),
  IOC_NOTIFY_LINK_BASE_URL: z.url({ error: 'expected an http(s) URL' }).optional(),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = Partial<Record<keyof Config, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** Validates settings from the environment (and flags merged over it); throws a `ConfigError` listing every bad value. */
export function parseConfig(source: ConfigInput): Config {
  const relevant: ConfigInput = {};
  for (const key of Object.keys(ConfigSchema.shape) as (keyof Config)[]) if (source[key] !== undefined) relevant[key] = source[key];
  const parsed = ConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '(config)');
    const value = source[key as keyof Config];
    // Secrets never reach the terminal or logs.
    const shown =
      key === 'DATABASE_URL' ||
      key === 'IOC_DVC_API_KEY' ||
      key === 'IOC_QLVB_API_KEY' ||
      key === 'IOC_CSDLDT_API_KEY' ||
      key === 'IOC_KPI_API_KEY' ||
      key === 'IOC_NOTIFY_WEBHOOK_SECRET' ||
      key === 'IOC_SMTP_URL' ||
      key === 'REDIS_URL'
        ? '…'
        : value;
    return `${key}=${shown ?? ''}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
