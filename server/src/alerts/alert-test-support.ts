import { randomUUID } from 'node:crypto';
import { DossierRecord, migrate, openPgDb, openPgliteDb, type Clock, type Db, type Dossier, type DossierWire } from '@ioc/core';
import { createTestDatabase, type BackendName } from '@ioc/core/testing';

/** A clock a test moves by hand: 16:59:59, then 17:00:01; never a sleep. */
export interface FakeClock extends Clock {
  set(iso: string): void;
  advance(milliseconds: number): void;
}

export function fakeClock(iso: string): FakeClock {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    set: (next) => void (now = Date.parse(next)),
    advance: (milliseconds) => void (now += milliseconds),
  };
}

/** A migrated store, with the URL a second process (or the leader's own connection) would use on PostgreSQL. */
export async function openAlertTestStore(backend: BackendName): Promise<{ db: Db; url?: string; dispose(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openPgliteDb();
    await migrate(db);
    return { db, dispose: () => db.close() };
  }
  const database = await createTestDatabase('ioc_alerts');
  const db = await openPgDb({ connectionString: database.url, max: 4 });
  await migrate(db);
  return {
    db,
    url: database.url,
    async dispose() {
      await db.close();
      await database.drop();
    },
  };
}

/** An open dossier of STP received Monday 09/03/2026 09:00, due Tuesday 10/03 17:00; fresh id unless given. */
export function makeDossier(overrides: Partial<DossierWire> = {}): Dossier {
  const id = overrides.source_id ?? randomUUID();
  return DossierRecord.parse({
    source_id: id,
    version: 1,
    source_updated_at: '2026-03-09T09:00:00+07:00',
    dossier_code: `H19.${id.slice(0, 8)}`,
    procedure_code: '1.001234',
    procedure_name: 'Cấp phiếu lý lịch tư pháp',
    field_name: 'Lý lịch tư pháp',
    online_level: 'full',
    receiving_unit_code: 'STP',
    handling_agency_code: 'STP',
    unit_code: '19',
    applicant_kind: 'citizen',
    channel: 'online',
    received_at: '2026-03-09T09:00:00+07:00',
    time_limit: 1.5,
    time_limit_unit: 'working_day',
    due_at: '2026-03-10T17:00:00+07:00',
    status: 'in_progress',
    status_changed_at: '2026-03-09T09:00:00+07:00',
    ...overrides,
  });
}

/**
 * Polls `probe` until it returns something other than undefined or false, or fails after the deadline naming what it
 * waited for and the last value seen.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMilliseconds = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMilliseconds;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMilliseconds} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
