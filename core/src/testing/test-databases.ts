import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db';
import { openPgDb } from '../store/pg-db';
import { openPgliteDb } from '../store/pglite-db';
import { migrate } from '../store/migrate';

/**
 * The PostgreSQL server tests use: `DATABASE_URL` (what `.ci/run` exports), else the local trust-auth server this
 * project's machines run. Each test file gets its own throwaway database on it.
 */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test server; `drop()` removes it (terminating stray connections first). */
export async function createTestDatabase(prefix = 'ioc_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: readonly BackendName[] = ['pglite', 'postgres'];

/** A migrated store on the named backend, and how to throw it away. */
export async function openTestDb(backend: BackendName): Promise<{ db: Db; dispose(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openPgliteDb();
    await migrate(db);
    return { db, dispose: () => db.close() };
  }
  const database = await createTestDatabase();
  const db = await openPgDb({ connectionString: database.url, max: 4 });
  await migrate(db);
  return {
    db,
    async dispose() {
      await db.close();
      await database.drop();
    },
  };
}
