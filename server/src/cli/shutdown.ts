import type { Logger } from '../logging/logger';

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits. A second signal exits at once. Everything accepted before the
 * signal is already committed: the writer commits each batch with its checkpoint, so stopping loses nothing.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
