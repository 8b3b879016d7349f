import type { Db } from './db';
import { openPgDb } from './pg-db';
import { openPgliteDb } from './pglite-db';

export interface StoreConfig {
  /** PostgreSQL URL; absent: the embedded PGlite store. */
  databaseUrl?: string | undefined;
  /** The embedded store's folder; ignored with `databaseUrl`. */
  dataDir: string;
  /** Embedded store in memory, nothing written to disk. */
  ephemeral?: boolean;
  onLockCompromised?: (err: Error) => void;
}

/** Opens the store the configuration names: PostgreSQL when `databaseUrl` is set, else PGlite. */
export function openDb(config: StoreConfig): Promise<Db> {
  if (config.databaseUrl) return openPgDb({ connectionString: config.databaseUrl });
  return openPgliteDb(
    config.ephemeral
      ? {}
      : { dataDir: config.dataDir, ...(config.onLockCompromised ? { onLockCompromised: config.onLockCompromised } : {}) },
  );
}
