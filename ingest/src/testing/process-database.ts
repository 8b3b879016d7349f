import { migrate, openPgDb, type Db } from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';

/** A fresh migrated PostgreSQL database that child processes can reach by URL (writers killed in tests). */
export async function openProcessDatabase(): Promise<{ db: Db; url: string; dispose(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = await openPgDb({ connectionString: database.url, max: 4 });
  await migrate(db);
  return { db, url: database.url, dispose: async () => (await db.close(), await database.drop()) };
}
