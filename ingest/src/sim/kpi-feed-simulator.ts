import { dayNumberOf } from '@ioc/core';
import { kpiFeedWorld } from './kpi-feed-world';
import { startLgspSimulator, type LgspSimulator } from './lgsp-api';
import { systemSimulatorSettings, type SystemSimulatorOptions } from './sim-settings';

export const KPI_SAMPLES_PATH = '/api/v1/kpi-samples';

/**
 * Starts the simulated generic KPI feed on a local port: `GET /api/v1/kpi-samples` (API key, cursor paging), the
 * last `backlogDays` of samples, moving with the clock. Resolves once it listens.
 */
export async function startKpiFeedSimulator(o: SystemSimulatorOptions): Promise<LgspSimulator> {
  const s = await systemSimulatorSettings(o, 'kpi');
  const firstDay = dayNumberOf(s.calendar, s.clock.now().getTime()) - s.backlogDays;
  return startLgspSimulator({
    ...s,
    path: KPI_SAMPLES_PATH,
    system: 'kpi',
    world: kpiFeedWorld({ catalogue: o.catalogue, calendar: s.calendar, seed: s.seed, firstDay }),
    ...(o.faults ? { faults: o.faults } : {}),
  });
}
