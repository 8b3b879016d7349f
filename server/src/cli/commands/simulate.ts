import { randomBytes } from 'node:crypto';
import { loadCatalogue, systemClock, type Clock } from '@ioc/core';
import {
  parseFaultSpec,
  replayBacklogDays,
  replayClock,
  replayPeriod,
  startDossierSimulator,
  type FaultSettings,
  type ReplayPeriod,
} from '@ioc/ingest';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { onShutdown } from '../shutdown';
import { SIMULATED_SYSTEMS } from './simulated-systems';
import { announceReplay, type SimulatorClock } from './simulate-replay';

/** Simulated time per real time by default when replaying: an hour a second, two days in 48 s. */
const DEFAULT_REPLAY_SPEED = 3600;

function refuse(message: string): never {
  process.stderr.write(`ioc: ${message}\n`);
  process.exit(2);
}

/** `--from`, `--to`, `--speed` as typed; all absent: the live simulator. */
export interface ReplayFlags {
  from?: string | undefined;
  to?: string | undefined;
  speed?: string | undefined;
}

/** The simulator's clock: the system clock, or a replay of the period the flags name (exit 2 on a bad one). */
function simulatorClock(replay: ReplayFlags | undefined): SimulatorClock {
  if (!replay) return { clock: systemClock, period: null };
  if (replay.from === undefined || replay.to === undefined) refuse('--from and --to go together (and --speed needs them)');
  const speed = replay.speed === undefined ? DEFAULT_REPLAY_SPEED : replay.speed === 'max' ? 'max' : Number(replay.speed);
  if (typeof speed === 'number' && !Number.isFinite(speed)) refuse(`--speed ${replay.speed}: expected a number greater than 0, or max`);
  let period: ReplayPeriod;
  try {
    period = replayPeriod({ from: replay.from, to: replay.to, speed }, systemClock.now());
  } catch (err) {
    refuse(`invalid replay period: --${err instanceof Error ? err.message : String(err)}`);
  }
  const clock: Clock = replayClock(period);
  return { clock, period };
}

/**
 * Serves a simulated source system on its own, for `ioc ingest` processes or demos. With `--from` and `--to` it
 * serves that past period again, its clock running `--speed` times faster than real time (see `replay-clock.ts`).
 */
export async function runSimulate(system: string, flags: ConfigInput & { apiKey?: string; replay?: ReplayFlags }): Promise<void> {
  if (!(SIMULATED_SYSTEMS as readonly string[]).includes(system)) {
    process.stderr.write(`ioc: unknown system "${system}": expected one of ${SIMULATED_SYSTEMS.join(', ')}\n`);
    process.exit(2);
  }
  const config = loadConfigOrExit(flags);
  const sim = simulatorClock(flags.replay);
  const logger = createLogger(config.LOG_LEVEL);
  const apiKey = flags.apiKey ?? config.IOC_DVC_API_KEY ?? randomBytes(16).toString('hex');
  let faults: FaultSettings | undefined;
  try {
    faults = config.IOC_SIM_FAULTS ? parseFaultSpec(config.IOC_SIM_FAULTS) : undefined;
  } catch (err) {
    process.stderr.write(`ioc: invalid configuration: IOC_SIM_FAULTS: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (system === 'document' || system === 'project' || system === 'kpi')
    return (await import('./simulate-source-system')).runSourceSystemSimulator(system, config, logger, apiKey, sim);
  const simulator = await startDossierSimulator({
    catalogue: await loadCatalogue(),
    apiKey,
    host: config.HOST,
    port: config.IOC_SIM_PORT,
    seed: config.IOC_SIM_SEED,
    minChangesPerSecond: config.IOC_SIM_RATE,
    clock: sim.clock,
    ...(sim.period ? { backlogDays: replayBacklogDays(sim.period, sim.clock) } : {}),
    ...(faults ? { faults } : {}),
    logger: logger.child({ component: 'simulator', system: 'dvc' }),
  });
  process.stdout.write(
    `Dossier system simulator: ${simulator.url}/api/v1/dossiers\nIOC_DVC_URL=${simulator.url} IOC_DVC_API_KEY=${apiKey}\n`,
  );
  const announced = sim.period ? announceReplay(sim.period, config.IOC_SIM_SEED) : null;
  onShutdown(logger, async () => {
    announced?.cancel();
    await simulator.stop();
  });
}
