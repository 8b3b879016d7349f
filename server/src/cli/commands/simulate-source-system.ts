import { loadCatalogue } from '@ioc/core';
import { replayBacklogDays, startDocumentSimulator, startKpiFeedSimulator, startProjectSimulator } from '@ioc/ingest';
import type { Config } from '../../config/config';
import type { Logger } from '../../logging/logger';
import { onShutdown } from '../shutdown';
import { announceReplay, type SimulatorClock } from './simulate-replay';

const STARTERS = {
  document: { start: startDocumentSimulator, path: '/api/v1/documents', title: 'Document system', env: 'IOC_QLVB' },
  project: { start: startProjectSimulator, path: '/api/v1/projects', title: 'Project database', env: 'IOC_CSDLDT' },
  kpi: { start: startKpiFeedSimulator, path: '/api/v1/kpi-samples', title: 'KPI feed', env: 'IOC_KPI' },
} as const;

/** `ioc simulate document|project|kpi`: serves one of the other simulated systems until the process is stopped. */
export async function runSourceSystemSimulator(
  system: keyof typeof STARTERS,
  config: Config,
  logger: Logger,
  apiKey: string,
  sim: SimulatorClock,
): Promise<void> {
  const s = STARTERS[system];
  const simulator = await s.start({
    catalogue: await loadCatalogue(),
    apiKey,
    host: config.HOST,
    port: config.IOC_SIM_PORT,
    seed: config.IOC_SIM_SEED,
    clock: sim.clock,
    backlogDays: sim.period ? replayBacklogDays(sim.period, sim.clock) : config.IOC_SIM_BACKLOG_DAYS,
    logger: logger.child({ component: 'simulator' }),
  });
  // The variables `ioc ingest` reads, ready to paste.
  process.stdout.write(`${s.title} simulator: ${simulator.url}${s.path}\n${s.env}_URL=${simulator.url} ${s.env}_API_KEY=${apiKey}\n`);
  const announced = sim.period ? announceReplay(sim.period, config.IOC_SIM_SEED) : null;
  onShutdown(logger, async () => {
    announced?.cancel();
    await simulator.stop();
  });
}
