import { loadCatalogue } from '@ioc/core';
import { startDocumentSimulator, startKpiFeedSimulator, startProjectSimulator } from '@ioc/ingest';
import type { Config } from '../../config/config';
import type { Logger } from '../../logging/logger';
import { onShutdown } from '../shutdown';

const STARTERS = {
  document: { start: startDocumentSimulator, path: '/api/v1/documents', title: 'Document system' },
  project: { start: startProjectSimulator, path: '/api/v1/projects', title: 'Project database' },
  kpi: { start: startKpiFeedSimulator, path: '/api/v1/kpi-samples', title: 'KPI feed' },
} as const;

/** `ioc simulate document|project|kpi`: serves one of the other simulated systems until the process is stopped. */
export async function runSourceSystemSimulator(
  system: keyof typeof STARTERS,
  config: Config,
  logger: Logger,
  apiKey: string,
): Promise<void> {
  const s = STARTERS[system];
  const simulator = await s.start({
    catalogue: await loadCatalogue(),
    apiKey,
    host: config.HOST,
    port: config.IOC_SIM_PORT,
    seed: config.IOC_SIM_SEED,
    backlogDays: config.IOC_SIM_BACKLOG_DAYS,
    logger: logger.child({ component: 'simulator' }),
  });
  process.stdout.write(`${s.title} simulator: ${simulator.url}${s.path}\nurl=${simulator.url} api key=${apiKey}\n`);
  onShutdown(logger, () => simulator.stop());
}
