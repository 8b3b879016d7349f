import { z } from 'zod';
import { formatZodIssues } from '@ioc/core';

/** How to pull the dossier system: what `startDossierConnector` and `startDossierIngest` accept besides the store. */
export interface DossierSourceOptions {
  /** Base URL of the dossier system, e.g. what `ioc simulate dossier` prints. */
  sourceUrl: string;
  apiKey: string;
  /** Pause after catching up before asking again (default 500). */
  pollIntervalMilliseconds?: number;
  /** Records per page, 1–1000 (default 500). */
  pageSize?: number;
  /** The `source_system` of stored rows, the checkpoint's key and the Kafka topic's middle (default 'dvc'). */
  sourceSystem?: string;
  /** Per request, headers and body (default 10000). */
  requestTimeoutMilliseconds?: number;
  /** Retry backoff of pulls, publishes and writes (defaults 200 and 30000). */
  retryBaseMilliseconds?: number;
  retryMaxMilliseconds?: number;
  /** Requests per second the connector may make to the source, retries included (default 5). */
  maxRequestsPerSecond?: number;
}

export const SourceSystem = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

const Settings = z.object({
  sourceUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  pollIntervalMilliseconds: z.number().int().min(0).default(500),
  pageSize: z.number().int().min(1).max(1000).default(500),
  sourceSystem: SourceSystem.default('dvc'),
  requestTimeoutMilliseconds: z.number().int().min(1).default(10_000),
  retryBaseMilliseconds: z.number().int().min(1).default(200),
  retryMaxMilliseconds: z.number().int().min(1).default(30_000),
  maxRequestsPerSecond: z.number().positive().max(1000).default(5),
});
export type DossierSourceSettings = z.infer<typeof Settings>;

/** Validates the options and fills defaults; throws naming each bad value. */
export function dossierSourceSettings(options: DossierSourceOptions, what: string): DossierSourceSettings {
  const parsed = Settings.safeParse(options);
  if (!parsed.success) throw new Error(`invalid ${what} options: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}
