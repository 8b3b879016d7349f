import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDb } from '../src/testing';
import type { Db } from '../src/store/db';
import { migrate, loadMigrations } from '../src/store/migrate';
import { dossierDayCounters, dossierOpenCounters, readCheckpoint, writeDossierBatch } from '../src/store/dossier.queries';
import { CHANGE_CHANNEL } from '../src/store/source-write.queries';
import { makeDossier, makeDossierWire } from './dossier-factory';

// One suite, run against each backend: the same SQL must give the same answers on PGlite and PostgreSQL.
describe.each(BACKENDS)('store on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  });
  afterAll(() => dispose());

  it('migrate: applies every migration once and is a no-op the second time', async () => {
    const all = await loadMigrations();
    const applied = await db.query<{ version: string }>('select version from schema_migrations order by version');
    expect(applied.rows.map((r) => r.version)).toEqual(all.filter((m) => !m.timescaleOnly).map((m) => m.version));
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(applied.rows.length);
  });

  it('migrate: refuses to run when an applied migration was edited', async () => {
    const all = await loadMigrations();
    const edited = all.map((m, i) => (i === 1 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'different' } : m));
    await expect(migrate(db, edited)).rejects.toMatchObject({ code: 'store.migrationChanged' });
  });

  it('writeDossierBatch: counts a received then finished dossier once, whatever the replays', async () => {
    const receivedWire = makeDossierWire({ handling_agency_code: 'SYT', received_at: '2026-03-10T02:00:30.000Z' });
    const received = makeDossier(receivedWire);
    const finished = makeDossier({
      ...receivedWire,
      source_updated_at: '2026-03-11T03:00:00.000Z',
      version: 2,
      status: 'resolved',
      status_changed_at: '2026-03-11T03:00:00.000Z',
      finished_at: '2026-03-11T03:00:00.000Z',
    });
    await writeDossierBatch(db, 'dvc', [received], { updatedSince: '2026-03-10T02:00:30.000Z', afterId: received.source_id });
    await writeDossierBatch(db, 'dvc', [received, finished, received], null);
    const replay = await writeDossierBatch(db, 'dvc', [finished, received], null);
    expect(replay).toMatchObject({ accepted: 0, unchanged: 2 });

    const day = await dossierDayCounters(db, new Date('2026-03-09T17:00:00Z'), new Date('2026-03-12T17:00:00Z'));
    expect(day.find((r) => r.agencyCode === 'SYT')).toEqual({ agencyCode: 'SYT', received: 1, finished: 1, finishedOnTime: 1 });
    const history = await db.query<{ n: number }>('select count(*)::int as n from dossier_event where source_id = $1', [
      received.source_id,
    ]);
    expect(history.rows[0]!.n).toBe(2);
    expect(await readCheckpoint(db, 'dvc')).toEqual({ updatedSince: '2026-03-10T02:00:30.000Z', afterId: received.source_id });
  });

  it('writeDossierBatch: an out-of-order older version changes nothing', async () => {
    const v1Wire = makeDossierWire({ handling_agency_code: 'SCT' });
    const v1 = makeDossier(v1Wire);
    const v3 = makeDossier({
      ...v1Wire,
      version: 3,
      status: 'withdrawn',
      status_changed_at: '2026-03-10T05:00:00.000Z',
      finished_at: '2026-03-10T05:00:00.000Z',
    });
    await writeDossierBatch(db, 'dvc', [v3], null);
    const late = await writeDossierBatch(db, 'dvc', [v1], null);
    expect(late.accepted).toBe(0);
    const row = await db.query<{ status: string; version: number }>(
      'select status, version::int as version from dossier where source_id = $1',
      [v1.source_id],
    );
    expect(row.rows[0]).toEqual({ status: 'withdrawn', version: 3 });
  });

  it('dossierOpenCounters: overdue follows the clock, and a paused dossier is never overdue', async () => {
    const due = '2026-04-01T10:00:00.000Z';
    const open = makeDossier({ handling_agency_code: 'SXD', due_at: due });
    const paused = makeDossier({ handling_agency_code: 'SXD', due_at: due, status: 'supplement_requested' });
    await writeDossierBatch(db, 'dvc', [open, paused], null);
    const before = await dossierOpenCounters(db, new Date('2026-04-01T09:59:59Z'));
    const after = await dossierOpenCounters(db, new Date('2026-04-01T10:00:01Z'));
    expect(before.find((r) => r.agencyCode === 'SXD')).toEqual({ agencyCode: 'SXD', open: 2, overdue: 0 });
    expect(after.find((r) => r.agencyCode === 'SXD')).toEqual({ agencyCode: 'SXD', open: 2, overdue: 1 });
  });

  it('writeDossierBatch: announces a committed change on the change channel, and nothing for a rolled-back one', async () => {
    const notices: string[] = [];
    const stop = await db.listen(CHANGE_CHANNEL, (p) => notices.push(p));
    try {
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`select pg_notify($1, 'rolled back')`, [CHANGE_CHANNEL]);
          throw new Error('abort the transaction');
        }),
      ).rejects.toThrow('abort the transaction');
      const d = makeDossier({ handling_agency_code: 'SGDDT' });
      await writeDossierBatch(db, 'dvc', [d], null);
      const deadline = Date.now() + 5_000;
      while (notices.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notices).toHaveLength(1);
      expect(JSON.parse(notices[0]!)).toMatchObject({ source: 'dvc', agencyCodes: ['SGDDT'] });
    } finally {
      await stop();
    }
  });

  it('copyFromCsv: loads quoted text, NULLs and Vietnamese text as COPY does', async () => {
    await db.exec('create table copy_probe (id integer, name text, note text)');
    const n = await db.copyFromCsv('copy_probe', ['id', 'name', 'note'], '1,"Sở Y tế",\n2,"Xã ""Tân Cương"", P. Gia Sàng",""\n');
    expect(n).toBe(2);
    const rows = await db.query<{ id: number; name: string; note: string | null }>('select id, name, note from copy_probe order by id');
    expect(rows.rows).toEqual([
      { id: 1, name: 'Sở Y tế', note: null },
      { id: 2, name: 'Xã "Tân Cương", P. Gia Sàng', note: '' },
    ]);
    await expect(db.copyFromCsv('copy_probe; drop table dossier', ['id'], '1\n')).rejects.toThrow('not a plain SQL identifier');
  });
});
