import { randomBytes } from 'node:crypto';
import { loadCatalogue } from '@ioc/core';
import { parseFaultSpec, startDossierSimulator, type FaultSettings } from '@ioc/ingest';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { onShutdown } from '../shutdown';
import { SIMULATED_SYSTEMS } from './simulated-systems';

/** Serves a simulated source system on its own, for `ioc ingest` processes or demos. */
export async function runSimulate(system: string, flags: ConfigInput & { apiKey?: string }): Promise<void> {
  if (!(SIMULATED_SYSTEMS as readonly string[]).includes(system)) {
    process.stderr.write(`ioc: unknown system "${system}": expected one of ${SIMULATED_SYSTEMS.join(', ')}\n`);
    process.exit(2);
  }
  const config = loadConfigOrExit(flags);
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
    return (await import('./simulate-source-system')).runSourceSystemSimulator(system, config, logger, apiKey);
  const simulator = await startDossierSimulator({
    catalogue: await loadCatalogue(),
    apiKey,
    host: config.HOST,
    port: config.IOC_SIM_PORT,
    seed: config.IOC_SIM_SEED,
    minChangesPerSecond: config.IOC_SIM_RATE,
    ...(faults ? { faults } : {}),
    logger: logger.child({ component: 'simulator', system: 'dvc' }),
  });
  process.stdout.write(
    `Dossier system simulator: ${simulator.url}/api/v1/dossiers\nIOC_DVC_URL=${simulator.url} IOC_DVC_API_KEY=${apiKey}\n`,
  );
  onShutdown(logger, () => simulator.stop());
}
