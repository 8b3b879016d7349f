import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { onShutdown } from '../shutdown';
import { printBanner } from '../banner';
import { startEmbedded } from '../embedded';

export interface StartFlags extends ConfigInput {
  ephemeral?: boolean;
}

/** `ioc start`: the embedded default (see `startEmbedded`), with the banner and a clean stop on Ctrl+C. */
export async function runStart(flags: StartFlags): Promise<void> {
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL);
  const startedAt = Date.now();
  const app = await startEmbedded({ config, logger, ephemeral: flags.ephemeral ?? false });
  printBanner({
    url: app.url,
    store: app.store.description,
    simulatorUrl: app.simulator.url,
    provinceName: app.catalogue.province.name,
    secondsToStart: (Date.now() - startedAt) / 1000,
    firstAccounts: app.firstAccounts,
    embedded: !config.DATABASE_URL,
  });
  onShutdown(logger, () => app.stop());
}
