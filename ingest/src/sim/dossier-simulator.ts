import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, systemClock, type Catalogue, type Clock, type DossierWire } from '@ioc/core';
import { createDossierApi } from './dossier-api';
import { withFaults, type FaultCounters, type FaultOptions, type FaultSettings } from './faults';
import { DossierModel } from './dossier-model';
import { MAX_FLOOR_PER_SECOND } from './floor-touches';
import { wireOf } from './sim-dossier';
import { DAY_MILLISECONDS, localMidnight } from './working-time';

/** The default seed: the province code and the day the merged province began. */
export const DEFAULT_SIMULATOR_SEED = 19_20250701;
/** Changes applied in one catch-up beyond which it is worth a log line (a clock jump, not a tick). */
const CATCH_UP_LOG_THRESHOLD = 10_000;

export interface DossierSimulatorOptions {
  catalogue: Catalogue;
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** With the floor, what the simulated world is: the same seed and floor give the same dossiers at every instant. */
  seed?: number;
  /** The floor (IOC_SIM_RATE, default 1, at most 500): every second holds at least this many changes (`floor-touches.ts`). */
  minChangesPerSecond?: number;
  /** Live tick period on a real timer (default 1000); each tick reads the injected clock. */
  tickMilliseconds?: number;
  /** History served from the start, in days before now (default 14), from that day's local midnight. */
  backlogDays?: number;
  clock?: Clock;
  logger?: Logger;
  /** false: no timer, the world moves only via step() (tests). */
  live?: boolean;
  /** Fault injection: about one version in N is served with a broken field (tests of quarantine). */
  malformedEvery?: number;
  /** Faults of the transport and the feed (`faults.ts`): latency, 5xx bursts, hangs, duplicates, late updates, silence. */
  faults?: FaultOptions;
}

export interface DossierSimulator {
  readonly url: string;
  /** Every current record, wire form (what the API serves, without injected faults), in source id order; frozen. */
  records(): DossierWire[];
  /**
   * Looks ahead: applies the world's next n changes at their own instants and moves the simulator's now to the last
   * one (for tests; the world stays the same function of time). Returns how many records changed (at least 1).
   */
  step(n?: number): number;
  /** What the fault layer injected so far (zeros without `faults`). */
  faultCounters(): FaultCounters;
  /** Makes the source silent (`empty`: 200 with nothing new; `down`: connections dropped), or normal again with null. */
  setSilent(mode: FaultSettings['silent'] | null): void;
  stop(): Promise<void>;
}

const Settings = z.object({
  apiKey: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  seed: z.number().int().default(DEFAULT_SIMULATOR_SEED),
  minChangesPerSecond: z.number().min(0).max(MAX_FLOOR_PER_SECOND).default(1),
  tickMilliseconds: z.number().int().min(1).default(1000),
  backlogDays: z.number().min(0).max(366).default(14),
  live: z.boolean().default(true),
  malformedEvery: z.number().int().min(1).optional(),
});

/**
 * Starts the simulated dossier system: materialises its state at now (the last `backlogDays` of history, and the
 * dossiers still in progress from before, so that today's counters and an open, partly overdue backlog exist at once),
 * serves it over HTTP, then follows the clock. Its world is a pure function of (seed, floor, time), like a real
 * system's: a restarted simulator serves the same dossiers, ids and versions as the one before it. Resolves once it
 * listens.
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
    floorPerSecond: settings.minChangesPerSecond,
    // From a local midnight: simulators started the same day hold the same dossiers, whatever the hour.
    windowStart: localMidnight(startedAt - settings.backlogDays * DAY_MILLISECONDS),
    now: startedAt,
  });
  const backfillMilliseconds = Math.round(performance.now() - backfillStartedAt);

  // How far step() has looked ahead of the clock: the simulator's now is the clock's plus this.
  let lead = 0;
  const catchUp = () => {
    if (!settings.live) return;
    const applied = model.materialiseTo(clock.now().getTime() + lead);
    // A suspended laptop wakes up to hours of changes: they all happen, at their own instants, in one go.
    if (applied > CATCH_UP_LOG_THRESHOLD) logger.info({ applied }, 'simulator caught up with the clock');
  };
  const api = createDossierApi({ model, apiKey: settings.apiKey, malformedEvery: settings.malformedEvery, logger, beforeRead: catchUp });
  // Always wrapped: without faults the layer passes everything through, and setSilent() still works.
  const faults = withFaults(api, { seed: settings.seed, ...o.faults });
  const server = createServer(faults.handler);
  const port = await listen(server, settings.port, settings.host);
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  const timer = settings.live ? startTicking(catchUp, settings.tickMilliseconds, logger) : null;
  // The key is printed on purpose: this is a local stand-in whose key the operator needs to point `ioc ingest` at it.
  logger.info(
    { url, apiKey: settings.apiKey, records: model.dossiers().length, backfillMilliseconds, seed: settings.seed, live: settings.live },
    'dossier simulator listening',
  );

  return {
    url,
    records() {
      catchUp();
      return model.dossiers().map(wireOf);
    },
    step(n = 1) {
      catchUp();
      const changed = model.advance(n);
      lead = Math.max(lead, model.until - clock.now().getTime());
      return changed.size;
    },
    faultCounters: () => faults.counters(),
    setSilent: (mode) => faults.setSilent(mode),
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

/** Each tick materialises the world up to the clock; requests and records() do too, so a tick only keeps pace. */
function startTicking(catchUp: () => void, tickMilliseconds: number, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      catchUp();
    } catch (err) {
      logger.error({ err }, 'simulator tick failed');
    }
  }, tickMilliseconds);
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
