import { projectWorld } from './project-world';
import { startLgspSimulator, type LgspSimulator } from './lgsp-api';
import { systemSimulatorSettings, type SystemSimulatorOptions } from './sim-settings';

export const PROJECTS_PATH = '/api/v1/projects';

/**
 * Starts the simulated investment-project database on a local port: `GET /api/v1/projects` (API key, cursor
 * paging), the province's portfolio with its monthly updates up to now. Resolves once it listens.
 */
export async function startProjectSimulator(o: SystemSimulatorOptions): Promise<LgspSimulator> {
  const s = await systemSimulatorSettings(o, 'project');
  return startLgspSimulator({
    ...s,
    path: PROJECTS_PATH,
    system: 'project',
    world: projectWorld({ catalogue: o.catalogue, calendar: s.calendar, seed: s.seed }),
    ...(o.faults ? { faults: o.faults } : {}),
  });
}
