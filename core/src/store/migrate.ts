import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from './db';
import { MigrationChanged } from '../errors/errors';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** One key for every IOC process: migrations run one runner at a time across processes. */
const MIGRATION_LOCK_KEY = 72_019_001;
const LOCK_TIMEOUT = '60s';

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
  /** `NNNN_name.timescale.sql`: applied only where the TimescaleDB extension exists; it never changes an answer. */
  timescaleOnly: boolean;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  skippedTimescale: string[];
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+(\.timescale)?\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(`${dir}/${file}`, 'utf8');
      return {
        // A TimescaleDB step shares its number with the migration whose tables it converts: its own version key.
        version: file.endsWith('.timescale.sql') ? `${file.slice(0, 4)}t` : file.slice(0, 4),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
        timescaleOnly: file.endsWith('.timescale.sql'),
      };
    }),
  );
}

/**
 * Brings the schema to the latest version. Each migration runs in its own transaction under a transaction-scoped
 * advisory lock, and re-checks whether it was applied once it holds the lock: two processes starting together
 * (two server replicas) serialise, and each migration runs exactly once. On PGlite the lock excludes nothing, which
 * is fine: the data folder lock already guarantees a single process. A migration whose file changed after it was
 * applied stops the run: editing history would make two databases differ silently.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<MigrationReport> {
  const all = migrations ?? (await loadMigrations());
  const timescale = await db.timescaleAvailable();
  const report: MigrationReport = { applied: [], alreadyApplied: 0, skippedTimescale: [] };

  await db.transaction(async (tx) => {
    await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      version text primary key, name text not null, checksum text not null, applied_at timestamptz not null default now())`);
  });

  for (const m of all) {
    if (m.timescaleOnly && !timescale) {
      report.skippedTimescale.push(m.name);
      continue;
    }
    await db.transaction(async (tx) => {
      await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const done = await tx.query<{ checksum: string }>('select checksum from schema_migrations where version = $1', [m.version]);
      const applied = done.rows[0];
      if (applied) {
        if (applied.checksum !== m.checksum) throw MigrationChanged.create({ version: m.name });
        report.alreadyApplied += 1;
        return;
      }
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [m.version, m.name, m.checksum]);
      report.applied.push(m.name);
    });
  }
  return report;
}
