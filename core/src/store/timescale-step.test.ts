import { describe, expect, it } from 'vitest';
import { openPgliteDb } from './pglite-db';
import { loadMigrations, migrate } from './migrate';

describe('TimescaleDB steps', () => {
  it('loadMigrations gives a timescale step its own version beside the migration it converts', async () => {
    const all = await loadMigrations();
    const step = all.find((m) => m.name === '0008_kpi_sample.timescale');
    expect(step).toMatchObject({ version: '0008t', timescaleOnly: true });
    expect(new Set(all.map((m) => m.version)).size).toBe(all.length);
  });

  it('migrate skips them where TimescaleDB is missing (PGlite), and the raw tables stay plain tables', async () => {
    const db = await openPgliteDb();
    try {
      const report = await migrate(db);
      expect(report.skippedTimescale).toContain('0008_kpi_sample.timescale');
      const tables = await db.query<{ relname: string; relkind: string }>(
        `select relname, relkind from pg_class where relname in ('kpi_sample', 'document_event', 'project_update') order by relname`,
      );
      expect(tables.rows).toEqual([
        { relname: 'document_event', relkind: 'r' },
        { relname: 'kpi_sample', relkind: 'r' },
        { relname: 'project_update', relkind: 'r' },
      ]);
    } finally {
      await db.close();
    }
    // A fresh PGlite plus every migration: slow on a loaded machine.
  }, 120_000);
});
