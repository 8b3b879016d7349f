import { afterEach, describe, expect, it } from 'vitest';
import {
  DocumentRecord,
  ProjectRecord,
  listQuarantine,
  loadCatalogue,
  loadWorkingCalendar,
  seedUnitsFromCatalogue,
  writeDocumentBatch,
  writeProjectBatch,
  type Db,
} from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
import { replayQuarantine } from '../dossier/replay-quarantine';
import { systemReplayers } from './replay-source-quarantine';

const cal = await loadWorkingCalendar();
const replayers = systemReplayers(cal);

const project = ProjectRecord.parse({
  source_id: 'prj-new-commune',
  version: 1,
  source_updated_at: '2026-03-10T09:00:00+07:00',
  project_code: 'DA-001',
  name: 'Cụm công nghiệp xã mới',
  sector: 'Công nghiệp',
  funding_kind: 'non_budget',
  investor_name: 'Công ty CP Xây dựng',
  investor_kind: 'enterprise',
  managing_agency_code: 'SCT',
  unit_codes: ['05999'],
  total_investment_vnd: 50_000_000_000,
  stage: 'site_preparation',
  last_update_at: '2026-03-10T09:00:00+07:00',
  last_update_kind: 'data',
});

const document = DocumentRecord.parse({
  source_id: 'doc-old-ward',
  version: 1,
  source_updated_at: '2026-03-10T09:00:00+07:00',
  direction: 'incoming',
  agency_code: 'UBND-05443',
  document_type: 'Công văn',
  summary: 'Về việc rà soát hộ nghèo',
  urgency: 'normal',
  received_at: '2026-03-10T08:30:00+07:00',
  lead_unit_code: '05449',
  status: 'received',
});

describe.each(BACKENDS)('replayQuarantine of document and project records refused for a unit code, on %s', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  const stored = async (db: Db, table: string) => (await db.query<{ source_id: string }>(`select source_id from ${table} order by 1`)).rows;

  it('leaves a project waiting with the writer’s reason while its commune is unknown, and stores it once the register knows it', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    await seedUnitsFromCatalogue(t.db, await loadCatalogue());
    await writeProjectBatch(t.db, 'csdldt', [project], null);
    const [entry] = await listQuarantine(t.db, { source: 'csdldt', limit: 10 });
    expect(entry?.reason).toMatch(/^unit_codes\.0: .*05999/);

    const first = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T02:00:00Z'),
      replayers: { csdldt: replayers.project },
    });
    expect(first.replayed).toEqual([]);
    expect(first.stillFailing).toEqual([{ id: entry!.id, reason: entry!.reason }]);
    expect(await stored(t.db, 'project')).toEqual([]);
    const waiting = await listQuarantine(t.db, { source: 'csdldt', state: 'waiting', limit: 10 });
    expect(waiting.map((e) => e.id)).toEqual([entry!.id]);

    // The register learns the commune: the same replay now stores the project, and a third one has nothing left to do.
    await t.db.query(
      `insert into unit (code, valid_from, valid_to, name, level, kind, parent_code) values ('05999', '2025-07-01', null, 'Xã Mới', 'commune', 'xa', '19')`,
    );
    const second = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T03:00:00Z'),
      replayers: { csdldt: replayers.project },
    });
    expect(second).toEqual({ replayed: [entry!.id], stillFailing: [], skipped: [] });
    expect(await stored(t.db, 'project')).toEqual([{ source_id: 'prj-new-commune' }]);
    const third = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T04:00:00Z'),
      replayers: { csdldt: replayers.project },
    });
    expect(third).toEqual({ replayed: [], stillFailing: [], skipped: [] });
  });

  it('leaves a document whose lead unit code ended (05449 → 05443) waiting, and stores nothing', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    await seedUnitsFromCatalogue(t.db, await loadCatalogue());
    await writeDocumentBatch(t.db, cal, 'qlvb', [document], null);
    const [entry] = await listQuarantine(t.db, { source: 'qlvb', limit: 10 });
    expect(entry?.reason).toContain('Mã hiện hành thay thế: 05443');

    const result = await replayQuarantine(t.db, [entry!.id], {
      at: new Date('2026-03-11T02:00:00Z'),
      replayers: { qlvb: replayers.document },
    });
    expect(result).toEqual({ replayed: [], stillFailing: [{ id: entry!.id, reason: entry!.reason }], skipped: [] });
    expect(await stored(t.db, 'document')).toEqual([]);
    const waiting = await listQuarantine(t.db, { source: 'qlvb', state: 'waiting', limit: 10 });
    expect(waiting.map((e) => e.id)).toEqual([entry!.id]);
  });
});
