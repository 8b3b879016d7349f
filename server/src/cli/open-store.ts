import { resolve } from 'node:path';
import { migrate, openDb, type Db } from '@ioc/core';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';

export interface OpenedStore {
  db: Db;
  /** Where the data lives, for people: the PGlite folder or the PostgreSQL host (never the password). */
  description: string;
}

/** Opens the configured store (PostgreSQL when DATABASE_URL is set, else PGlite under IOC_DATA_DIR) and migrates it. */
export async function openStore(config: Config, logger: Logger, options: { ephemeral?: boolean } = {}): Promise<OpenedStore> {
  const dataDir = resolve(config.IOC_DATA_DIR);
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir,
    ephemeral: options.ephemeral ?? false,
    onLockCompromised: (err) => {
      // Another process took our data folder: writing on would lose rows silently. Stop now.
      logger.fatal({ err }, 'data folder lock lost; stopping');
      process.exit(1);
    },
  });
  try {
    const report = await migrate(db);
    logger.info(
      { applied: report.applied, alreadyApplied: report.alreadyApplied, skippedTimescale: report.skippedTimescale },
      'store migrated',
    );
  } catch (err) {
    await db.close();
    throw err;
  }
  const description = config.DATABASE_URL
    ? `PostgreSQL ${new URL(config.DATABASE_URL).host}${new URL(config.DATABASE_URL).pathname}`
    : options.ephemeral
      ? 'PGlite in memory (--ephemeral: nothing is kept)'
      : `PGlite ${dataDir}`;
  return { db, description };
}
