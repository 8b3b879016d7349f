import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Catalogue, type Clock, type DossierWire } from '@ioc/core';
import { createDossierApi } from './dossier-api';
import { DossierModel } from './dossier-model';
import { wireOf } from './sim-dossier';
import { DAY_MILLISECONDS } from './working-time';

/** The default seed: the province code and the day the merged province began. */
export const DEFAULT_SIMULATOR_SEED = 19_20250701;
/** However far the clock jumps (a suspended laptop), one tick pulls at most this many changes forward. */
const MAX_PULLED_PER_TICK = 10_000;

export interface DossierSimulatorOptions {
  catalogue: Catalogue;
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  seed?: number;
  /** The live floor (IOC_SIM_RATE, default 1): at quiet hours scheduled changes are pulled forward to reach it. */
  minChangesPerSecond?: number;
  /** Live tick period on a real timer (default 1000); each tick reads the injected clock. */
  tickMilliseconds?: number;
  /** History simulated at start, in days before now (default 14). */
  backlogDays?: number;
  clock?: Clock;
  logger?: Logger;
  /** false: no timer, changes only via step() (tests). */
  live?: boolean;
  /** Fault injection: every Nth change is served with a broken field (tests of quarantine). */
  malformedEvery?: number;
}

export interface DossierSimulator {
  readonly url: string;
  /** Every current record, wire form (what the API serves, without injected faults), in source id order. */
  records(): DossierWire[];
  /** Applies n changes now (new or advanced dossiers); returns how many records changed. */
  step(n?: number): number;
  stop(): Promise<void>;
}

const Settings = z.object({
  apiKey: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  seed: z.number().int().default(DEFAULT_SIMULATOR_SEED),
  minChangesPerSecond: z.number().min(0).default(1),
  tickMilliseconds: z.number().int().min(1).default(1000),
  backlogDays: z.number().min(0).max(366).default(14),
  live: z.boolean().default(true),
  malformedEvery: z.number().int().min(1).optional(),
});

/**
 * Starts the simulated dossier system: back-fills `backlogDays` of history at the realistic rhythm (so that today's
 * counters and an open, partly overdue backlog exist at once), serves it over HTTP, then keeps it changing.
 * Resolves once it listens.
 */
export async function startDossierSimulator(o: DossierSimulatorOptions): Promise<DossierSimulator> {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid dossier simulator options: ${formatZodIssues(parsed.error.issues)}`);
  const settings = parsed.data;
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? pino({ name: 'dossier-simulator' });

  const backfillStartedAt = performance.now();
  const startedAt = clock.now().getTime();
  const model = new DossierModel({
    catalogue: o.catalogue,
    seed: settings.seed,
    startAt: startedAt - settings.backlogDays * DAY_MILLISECONDS,
  });
  model.advanceTo(startedAt);
  const backfillMilliseconds = Math.round(performance.now() - backfillStartedAt);

  const server = createServer(createDossierApi({ model, apiKey: settings.apiKey, malformedEvery: settings.malformedEvery, logger }));
  const port = await listen(server, settings.port, settings.host);
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  const timer = settings.live ? startTicking(model, clock, startedAt, settings, logger) : null;
  // The key is printed on purpose: this is a local stand-in whose key the operator needs to point `ioc ingest` at it.
  logger.info(
    { url, apiKey: settings.apiKey, records: model.dossiers().length, backfillMilliseconds, seed: settings.seed, live: settings.live },
    'dossier simulator listening',
  );

  return {
    url,
    // Copies: a caller that edits one must not change what the API serves.
    records: () => model.dossiers().map((d) => ({ ...wireOf(d) })),
    step: (n = 1) => model.pullForward(n, clock.now().getTime()).size,
    async stop() {
      if (timer) clearInterval(timer);
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections of a client would hold close() open until they time out.
        server.closeAllConnections();
      });
      logger.info({ url }, 'dossier simulator stopped');
    },
  };
}

/**
 * Each tick applies the changes scheduled since the previous one, then tops up to `minChangesPerSecond` for the
 * elapsed time. A surplus is not banked: a busy morning does not excuse a silent night.
 */
function startTicking(model: DossierModel, clock: Clock, startedAt: number, s: z.infer<typeof Settings>, logger: Logger): NodeJS.Timeout {
  let lastTickAt = startedAt;
  let owed = 0;
  const tick = () => {
    const now = clock.now().getTime();
    const elapsed = Math.max(0, now - lastTickAt);
    lastTickAt = Math.max(lastTickAt, now);
    const scheduled = model.advanceTo(now);
    owed = Math.max(0, owed + (s.minChangesPerSecond * elapsed) / 1000 - scheduled);
    const pulled = Math.min(Math.floor(owed), MAX_PULLED_PER_TICK);
    if (pulled > 0) model.pullForward(pulled, now);
    owed -= pulled;
    if (owed >= 1) {
      logger.warn({ skipped: Math.floor(owed) }, 'clock jumped: fewer changes than the live floor');
      owed = 0;
    }
    if (scheduled + pulled > 0) logger.debug({ scheduled, pulled }, 'simulator tick');
  };
  const timer = setInterval(() => {
    try {
      tick();
    } catch (err) {
      logger.error({ err }, 'simulator tick failed');
    }
  }, s.tickMilliseconds);
  // The HTTP server keeps the process alive; the timer alone must not.
  timer.unref();
  return timer;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
