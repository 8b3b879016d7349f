import { dayNumberOf } from '@ioc/core';
import { documentWorld } from './document-world';
import { startLgspSimulator, type LgspSimulator } from './lgsp-api';
import { systemSimulatorSettings, type SystemSimulatorOptions } from './sim-settings';

export const DOCUMENTS_PATH = '/api/v1/documents';

/**
 * Starts the simulated document system on a local port: `GET /api/v1/documents` (API key, cursor paging), the last
 * `backlogDays` of documents of every agency in the catalogue, moving with the clock. Resolves once it listens.
 */
export async function startDocumentSimulator(o: SystemSimulatorOptions): Promise<LgspSimulator> {
  const s = await systemSimulatorSettings(o, 'document');
  const firstDay = dayNumberOf(s.calendar, s.clock.now().getTime()) - s.backlogDays;
  return startLgspSimulator({
    ...s,
    path: DOCUMENTS_PATH,
    system: 'document',
    world: documentWorld({ catalogue: o.catalogue, calendar: s.calendar, seed: s.seed, firstDay }),
    ...(o.faults ? { faults: o.faults } : {}),
  });
}
