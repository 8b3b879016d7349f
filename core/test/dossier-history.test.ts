import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, openPgliteDb, writeDossierBatch, DOSSIER_FIELD_NAMES, type Db, type Dossier } from '../src/index';
import { BACKENDS, openTestDb } from '../src/testing';
import { makeDossier, makeDossierWire } from './dossier-factory';

const fields = DOSSIER_FIELD_NAMES.join(', ');

async function historyOf(db: Db, sourceId: string): Promise<Record<string, unknown>[]> {
  const res = await db.query<Record<string, unknown>>(`select ${fields} from dossier_event where source_id = $1 order by version`, [
    sourceId,
  ]);
  return res.rows;
}

/** A record as the store reads it back: jsonb (the supplement periods) holds its instants as ISO strings. */
function asStored(d: Dossier): Record<string, unknown> {
  return Object.fromEntries(DOSSIER_FIELD_NAMES.map((f) => [f, f === 'supplement_periods' ? JSON.parse(JSON.stringify(d[f])) : d[f]]));
}

describe.each(BACKENDS)('dossier history on %s', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  it('keeps every version of one batch field by field, and the newest as the current state', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    const wire = makeDossierWire({ handling_agency_code: 'SYT', procedure_name: 'Cấp giấy phép "hành nghề", khám bệnh' });
    const v1 = makeDossier(wire);
    const v2 = makeDossier({
      ...wire,
      version: 2,
      source_updated_at: '2026-03-10T03:00:00.000Z',
      status: 'supplement_requested',
      status_changed_at: '2026-03-10T03:00:00.000Z',
      supplement_periods: [{ requested_at: '2026-03-10T03:00:00.000Z' }],
      fee_amount_vnd: 150000,
    });
    const result = await writeDossierBatch(t.db, 'dvc', [v1, v2], null);
    expect(result).toMatchObject({ accepted: 2, unchanged: 0 });
    expect(await historyOf(t.db, v1.source_id)).toEqual([asStored(v1), asStored(v2)]);
    const current = await t.db.query<Record<string, unknown>>(`select ${fields} from dossier where source_id = $1`, [v1.source_id]);
    expect(current.rows).toEqual([asStored(v2)]);
  });
});

describe('migration 0013 (dossier history in columns)', () => {
  it('turns the jsonb payloads of versions stored before it into the same columns as the current state', async () => {
    const db = await openPgliteDb();
    try {
      const all = await loadMigrations();
      await migrate(
        db,
        all.filter((m) => m.version < '0013'),
      );
      const old = makeDossier({ status: 'in_progress', supplement_periods: [{ requested_at: '2026-03-10T03:00:00.000Z' }] });
      // What the writer stored before 0013: the record, JSON-encoded, as the payload.
      await db.query(
        `insert into dossier_event (source_system, source_id, version, source_updated_at, ingested_at, status, payload)
         values ('dvc', $1, $2, $3, '2026-03-10T02:00:05Z', $4, $5)`,
        [old.source_id, old.version, old.source_updated_at, old.status, JSON.stringify(old)],
      );
      await migrate(db, all);
      expect(await historyOf(db, old.source_id)).toEqual([asStored(old)]);
      const arrived = await db.query<{ ingested_at: Date }>('select ingested_at from dossier_event where source_id = $1', [old.source_id]);
      expect(arrived.rows[0]!.ingested_at).toEqual(new Date('2026-03-10T02:00:05Z'));
    } finally {
      await db.close();
    }
  });
});
