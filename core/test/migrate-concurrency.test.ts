import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import { openPgDb } from '../src/store/pg-db';
import { loadMigrations, migrate } from '../src/store/migrate';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('migrate: ten processes migrating one PostgreSQL at once apply each migration exactly once', async () => {
  // Separate pools stand for separate processes: separate sessions competing for the advisory lock.
  const dbs = await Promise.all(Array.from({ length: 10 }, () => openPgDb({ connectionString: database.url, max: 1 })));
  try {
    const reports = await Promise.all(dbs.map((db) => migrate(db)));
    const expected = (await loadMigrations()).filter((m) => !m.timescaleOnly).map((m) => m.name);
    expect(reports.flatMap((r) => r.applied).sort()).toEqual(expected.sort());
    const rows = await dbs[0]!.query<{ n: number }>('select count(*)::int as n from schema_migrations');
    expect(rows.rows[0]!.n).toBe(expected.length);
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});
