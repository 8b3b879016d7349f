import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCatalogue,
  loadWorkingCalendar,
  seedUnitsFromCatalogue,
  writeDocumentBatch,
  writeKpiSampleBatch,
  writeProjectBatch,
  type Db,
  type DocumentWire,
  type ProjectWire,
} from '../src/index';
import { BACKENDS, makeDocument, makeKpiSample, makeProject, openTestDb } from '../src/testing';

const cal = await loadWorkingCalendar();

/** What a person reads for 05449 on 10/03/2026: the old P. Phan Đình Phùng ended, its successor is 05443. */
const EXPIRED_05449 =
  'Mã đơn vị 05449 (Phường Phan Đình Phùng) không còn hiệu lực từ 01/07/2025, nhưng ngày của bản ghi là 10/03/2026. Mã hiện hành thay thế: 05443. Hãy cập nhật mã tại hệ thống nguồn.';

/** A registered incoming document of the commune's People's Committee, received 10/03/2026, with no deadline. */
const incoming = (overrides: Partial<DocumentWire> = {}) =>
  makeDocument({
    source_updated_at: '2026-03-10T09:00:00+07:00',
    agency_code: 'UBND-05443',
    received_via: 'axis',
    received_at: '2026-03-10T08:30:00+07:00',
    registered_at: '2026-03-10T09:00:00+07:00',
    deadline_at: null,
    status: 'registered',
    ...overrides,
  });

/** A project last updated 10/03/2026, the day the documents are received. */
const project = (overrides: Partial<ProjectWire> = {}) =>
  makeProject({ source_updated_at: '2026-03-10T09:00:00+07:00', last_update_at: '2026-03-10T09:00:00+07:00', ...overrides });

async function quarantined(db: Db, source: string) {
  const res = await db.query<{ source_id: string; reason: string; seen_count: number }>(
    'select source_id, reason, seen_count from quarantine where source = $1 order by source_id',
    [source],
  );
  return res.rows;
}

async function ids(db: Db, table: string, source: string): Promise<string[]> {
  const res = await db.query<{ source_id: string }>(`select source_id from ${table} where source_system = $1 order by source_id`, [source]);
  return res.rows.map((r) => r.source_id);
}

describe.each(BACKENDS)('unit codes at intake of documents, projects and KPI samples on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    await seedUnitsFromCatalogue(db, await loadCatalogue());
  });
  afterAll(() => dispose());

  it('writeDocumentBatch quarantines a document whose lead unit code ended before it was received and writes the rest', async () => {
    const good = incoming({ source_id: 'doc-good', lead_unit_code: '05443' });
    const byAgency = incoming({ source_id: 'doc-agency', lead_unit_code: 'UBND-05443' });
    const expired = incoming({ source_id: 'doc-expired', lead_unit_code: '05449' });
    // Received before 1 July 2025, when 05449 still named P. Phan Đình Phùng: valid on its own date.
    const beforeMerger = incoming({
      source_id: 'doc-before',
      lead_unit_code: '05449',
      source_updated_at: '2025-06-20T09:00:00+07:00',
      received_at: '2025-06-20T08:30:00+07:00',
      registered_at: '2025-06-20T09:00:00+07:00',
    });
    const checkpoint = { updatedSince: '2026-03-10T09:00:00+07:00', afterId: 'doc-good' };

    const result = await writeDocumentBatch(db, cal, 'qlvb', [good, byAgency, expired, beforeMerger], checkpoint);

    expect(result).toMatchObject({ accepted: 3, unchanged: 0, refused: 1 });
    expect(result.refusals).toEqual([
      {
        index: 2,
        sourceId: 'doc-expired',
        problems: [{ field: 'lead_unit_code', message: EXPIRED_05449 }],
        reason: `lead_unit_code: ${EXPIRED_05449}`,
      },
    ]);
    expect(await ids(db, 'document', 'qlvb')).toEqual(['doc-agency', 'doc-before', 'doc-good']);
    expect(await ids(db, 'document_event', 'qlvb')).toEqual(['doc-agency', 'doc-before', 'doc-good']);
    expect(await quarantined(db, 'qlvb')).toEqual([
      { source_id: 'doc-expired', reason: `lead_unit_code: ${EXPIRED_05449}`, seen_count: 1 },
    ]);
    const cursor = await db.query<{ cursor_id: string }>("select cursor_id from ingest_checkpoint where source = 'qlvb'");
    expect(cursor.rows).toEqual([{ cursor_id: 'doc-good' }]);

    // Delivered again: nothing new stored, the refused document seen twice.
    const again = await writeDocumentBatch(db, cal, 'qlvb', [good, byAgency, expired, beforeMerger], checkpoint);
    expect(again).toMatchObject({ accepted: 0, unchanged: 3, refused: 1 });
    expect((await quarantined(db, 'qlvb')).map((r) => r.seen_count)).toEqual([2]);
  });

  it('writeProjectBatch quarantines a project located in an ended commune, names the successor, and writes the rest', async () => {
    const good = project({ source_id: 'prj-good', managing_agency_code: 'SCT', unit_codes: ['05443', '05467'] });
    const expired = project({ source_id: 'prj-expired', managing_agency_code: 'SCT', unit_codes: ['05443', '05449', '05999'] });

    const result = await writeProjectBatch(db, 'csdldt', [good, expired], null);

    expect(result).toMatchObject({ accepted: 1, unchanged: 0, refused: 1 });
    expect(await ids(db, 'project', 'csdldt')).toEqual(['prj-good']);
    // Only the stored project's update is counted.
    const updates = await db.query("select count(*)::int as n from project_update where source_system = 'csdldt'");
    expect(updates.rows).toEqual([{ n: 1 }]);
    const [row, ...rest] = await quarantined(db, 'csdldt');
    expect(rest).toEqual([]);
    expect(row!.source_id).toBe('prj-expired');
    // One reason per bad code, by its place in the list; 05443 is fine.
    const [first, second] = row!.reason.split('; ');
    expect(first).toBe(`unit_codes.1: ${EXPIRED_05449}`);
    expect(second).toMatch(/^unit_codes\.2: .*05999 không có trong danh mục/);
  });

  it('writeKpiSampleBatch quarantines a sample about Bắc Kạn (06) after the merger and sums the rest', async () => {
    const commune = makeKpiSample({ source_id: 'kpi-commune' });
    const province = makeKpiSample({ source_id: 'kpi-province', unit_code: '19' });
    const agencyOnly = makeKpiSample({ source_id: 'kpi-agency', unit_code: null, agency_code: 'SYT' });
    const oldProvince = makeKpiSample({ source_id: 'kpi-06', unit_code: '06' });

    const result = await writeKpiSampleBatch(db, 'kpi', [commune, province, agencyOnly, oldProvince], null);

    expect(result).toMatchObject({ accepted: 3, refused: 1 });
    expect(await ids(db, 'kpi_sample', 'kpi')).toEqual(['kpi-agency', 'kpi-commune', 'kpi-province']);
    const [row] = await quarantined(db, 'kpi');
    expect(row!.source_id).toBe('kpi-06');
    expect(row!.reason).toMatch(
      /^unit_code: Mã đơn vị 06 \(Tỉnh Bắc Kạn\) không còn hiệu lực từ 01\/07\/2025.*Mã hiện hành thay thế: 19\./,
    );
  });
});
