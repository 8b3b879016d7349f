import { loadMigrations } from '@ioc/core';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

/** Brings the store's schema up to date and says what it did. Safe to run twice, and beside a running server on PostgreSQL. */
export async function runMigrate(flags: ConfigInput): Promise<void> {
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const store = await openStore(config, logger);
  try {
    const applied = await store.db.query<{ name: string }>('select name from schema_migrations order by version');
    // TimescaleDB steps apply only where the extension exists; elsewhere they are known but never applied.
    const all = await loadMigrations();
    const timescale = await store.db.timescaleAvailable();
    const known = all.filter((m) => timescale || !m.timescaleOnly).length;
    const skipped = all.length - known;
    const note = skipped > 0 ? `, ${skipped} TimescaleDB step${skipped > 1 ? 's' : ''} skipped: no extension here` : '';
    process.stdout.write(`${store.description}: ${applied.rows.length} migrations applied (${known} known${note})\n`);
    for (const row of applied.rows) process.stdout.write(`  ${row.name}\n`);
  } finally {
    await store.db.close();
  }
}
