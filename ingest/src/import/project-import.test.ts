import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
import { listQuarantine, loadCatalogue, seedUnitsFromCatalogue, type Db, type IocError } from '@ioc/core';
import { importProjects, PROJECT_FILE_SOURCE } from './project-import';
import { projectTemplateXlsx } from './project-template';
import { PROJECT_COLUMNS } from './project-columns';

const HEADER = PROJECT_COLUMNS.map((c) => c.header);

/** A row of the template by header; the rest empty. */
function row(values: Record<string, string>): string[] {
  return HEADER.map((h) => values[h] ?? '');
}

const good = (code: string, extra: Record<string, string> = {}) =>
  row({
    'Mã dự án': code,
    'Tên dự án': `Dự án "${code}", giai đoạn 1`,
    'Lĩnh vực': 'Giao thông',
    'Loại nguồn vốn': 'Đầu tư công',
    'Chủ đầu tư': 'Ban QLDA tỉnh',
    'Loại chủ đầu tư': 'Cơ quan nhà nước',
    'Mã cơ quan quản lý': 'SXD',
    'Mã xã/phường': '05443; 05467',
    'Tổng vốn đầu tư (đồng)': '1.250.000.000',
    'Giai đoạn': 'Đang thực hiện',
    'Tiến độ thực tế (%)': '42,5',
    'Khởi công thực tế': '05/03/2026',
    'Ngày cập nhật': '05/11/2026 14:30',
    ...extra,
  });

function csv(rows: string[][]): Buffer {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return Buffer.from([HEADER, ...rows].map((r) => r.map(quote).join(',')).join('\r\n'), 'utf8');
}

async function projectRows(db: Db) {
  const res = await db.query<Record<string, unknown>>(
    `select source_id, version, name, managing_agency_code, unit_codes, total_investment_vnd, stage, progress_actual_pct,
            actual_start::text as actual_start, last_update_at, last_update_kind
     from project where source_system = $1 order by source_id`,
    [PROJECT_FILE_SOURCE],
  );
  return res.rows;
}

async function fingerprint(db: Db) {
  const counts = await db.query<{ t: string; n: number }>(
    `select 'project' as t, count(*)::int as n from project union all select 'project_update', count(*)::int from project_update
     union all select 'rollup', coalesce(sum(updates), 0)::int from project_rollup_minute`,
  );
  return { rows: await projectRows(db), counts: counts.rows };
}

describe.each(BACKENDS)('importProjects on %s', (backend) => {
  // One migrated store per backend (PGlite takes seconds to start), emptied of projects before each test.
  let store: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    store = await openTestDb(backend);
  }, 120_000);
  afterAll(async () => store?.dispose());
  const open = async () => {
    await store.db.exec('truncate project, project_update, project_rollup_minute');
    return store.db;
  };

  it('lands the good rows of a CSV and reports each bad row with its column and reason', async () => {
    const db = await open();
    const file = csv([
      good('DA-001'),
      good('DA-002', { 'Tổng vốn đầu tư (đồng)': 'khoảng 2 tỷ' }),
      good('DA-003', { 'Giai đoạn': 'Sắp làm' }),
      good('DA-004', { 'Ngày cập nhật': '' }),
      good('DA-005', { 'Mã xã/phường': '5443' }),
      good('DA-006', { 'Mã cơ quan quản lý': 'syt' }),
    ]);
    const report = await importProjects(db, file, 'csv', { fileName: 'du-an.csv' });
    expect(report).toMatchObject({ rows: 6, accepted: 2, unchanged: 0, rejected: 4 });
    const byRow = new Map(report.results.map((r) => [r.row, r]));
    expect(byRow.get(2)).toEqual({ row: 2, projectCode: 'DA-001', outcome: 'accepted', reasons: [] });
    expect(byRow.get(3)!.reasons).toEqual(['«Tổng vốn đầu tư (đồng)»: expected a number, got "khoảng 2 tỷ"']);
    expect(byRow.get(4)!.reasons[0]).toMatch(/^«Giai đoạn»: expected one of Đề xuất, .*; got "Sắp làm"$/);
    expect(byRow.get(5)!.reasons).toEqual(['«Ngày cập nhật»: required']);
    expect(byRow.get(6)!.reasons).toEqual(['«Mã xã/phường»: expected a commune code (5 digits)']);
    expect(byRow.get(7)).toMatchObject({ projectCode: 'DA-006', outcome: 'accepted' });

    const stored = await projectRows(db);
    expect(stored.map((r) => r.source_id)).toEqual(['DA-001', 'DA-006']);
    expect(stored[0]).toMatchObject({
      name: 'Dự án "DA-001", giai đoạn 1',
      managing_agency_code: 'SXD',
      unit_codes: ['05443', '05467'],
      total_investment_vnd: 1_250_000_000,
      stage: 'in_implementation',
      progress_actual_pct: 42.5,
      actual_start: '2026-03-05',
      // 14:30 in Thái Nguyên is 07:30 UTC; the update time is the version.
      last_update_at: new Date('2026-11-05T07:30:00Z'),
      version: Date.parse('2026-11-05T07:30:00Z') / 1000,
      last_update_kind: 'data',
    });
    expect(stored[1]).toMatchObject({ managing_agency_code: 'SYT' });
  });

  it('changes nothing when the same file is imported again, and takes a later update of the same project', async () => {
    const db = await open();
    const file = csv([good('DA-001'), good('DA-002')]);
    await importProjects(db, file, 'csv', { fileName: 'du-an.csv' });
    const before = await fingerprint(db);
    const again = await importProjects(db, file, 'csv', { fileName: 'du-an.csv' });
    expect(again).toMatchObject({ accepted: 0, unchanged: 2, rejected: 0 });
    expect(await fingerprint(db)).toEqual(before);

    const later = await importProjects(
      db,
      csv([good('DA-001', { 'Ngày cập nhật': '06/11/2026 09:00', 'Giai đoạn': 'Hoàn thành', 'Hoàn thành thực tế': '06/11/2026' })]),
      'csv',
      { fileName: 'du-an-thang-11.csv' },
    );
    expect(later).toMatchObject({ accepted: 1, unchanged: 0 });
    expect((await projectRows(db))[0]).toMatchObject({ source_id: 'DA-001', stage: 'completed' });
  });

  it('reads an XLSX made from the template, with date and number cells as Excel stores them', async () => {
    const db = await open();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await projectTemplateXlsx()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADER]);
    const values = good('DA-010') as (string | number | Date)[];
    values[HEADER.indexOf('Tổng vốn đầu tư (đồng)')] = 3_500_000_000;
    values[HEADER.indexOf('Tiến độ thực tế (%)')] = 12.5;
    // Excel keeps a date without a zone: the wall-clock time the agency typed.
    values[HEADER.indexOf('Ngày cập nhật')] = new Date(Date.UTC(2026, 10, 7, 16, 45));
    values[HEADER.indexOf('Khởi công thực tế')] = new Date(Date.UTC(2026, 0, 15));
    sheet.addRow(values);
    const report = await importProjects(db, Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx', { fileName: 'du-an.xlsx' });
    expect(report).toMatchObject({ rows: 1, accepted: 1, rejected: 0 });
    expect((await projectRows(db))[0]).toMatchObject({
      total_investment_vnd: 3_500_000_000,
      progress_actual_pct: 12.5,
      actual_start: '2026-01-15',
      last_update_at: new Date('2026-11-07T09:45:00Z'),
    });
  });

  it("refuses rows of agencies outside the importer's scope and files that are unreadable or lack a required column", async () => {
    const db = await open();
    const scoped = await importProjects(db, csv([good('DA-020'), good('DA-021', { 'Mã cơ quan quản lý': 'SYT' })]), 'csv', {
      fileName: 'du-an.csv',
      agencyAllowed: (code) => code === 'SYT',
    });
    expect(scoped.results.map((r) => [r.projectCode, r.outcome, r.reasons])).toEqual([
      ['DA-020', 'rejected', ['«Mã cơ quan quản lý»: SXD is outside your scope']],
      ['DA-021', 'accepted', []],
    ]);

    const noUpdateColumn = Buffer.from('Mã dự án,Tên dự án\nDA-030,Cầu\n');
    const refused = (await importProjects(db, noUpdateColumn, 'csv', { fileName: 'cu.csv' }).catch((err: unknown) => err)) as IocError;
    expect(refused).toMatchObject({ code: 'import.columnsMissing', details: { fileName: 'cu.csv' } });
    expect(refused.details).toHaveProperty('columns', expect.stringContaining('Ngày cập nhật'));
    await expect(importProjects(db, Buffer.from('not a zip'), 'xlsx', { fileName: 'hong.xlsx' })).rejects.toMatchObject({
      code: 'import.fileUnreadable',
    });
    expect((await projectRows(db)).map((r) => r.source_id)).toEqual(['DA-021']);
  });

  it('rejects by row a commune code the unit register does not know on the update date, with the writer’s reason', async () => {
    const db = await open();
    await seedUnitsFromCatalogue(db, await loadCatalogue());
    const file = csv([
      good('DA-040'),
      good('DA-041', { 'Mã xã/phường': '05443; 05999' }),
      good('DA-042', { 'Ngày cập nhật': '01/11/2026 08:00' }),
      // A later update of DA-042 names 05449, which ended on 1 July 2025: refused, so the earlier update lands.
      good('DA-042', { 'Mã xã/phường': '05449' }),
    ]);
    const report = await importProjects(db, file, 'csv', { fileName: 'du-an.csv' });
    expect(report).toMatchObject({ rows: 4, accepted: 2, unchanged: 0, rejected: 2 });
    expect(report.results.map((r) => [r.row, r.projectCode, r.outcome, r.reasons])).toEqual([
      [2, 'DA-040', 'accepted', []],
      [
        3,
        'DA-041',
        'rejected',
        [
          '«Mã xã/phường»: Mã đơn vị hành chính 05999 không có trong danh mục đơn vị hành chính (ngày của bản ghi: 05/11/2026). Hãy sửa mã tại hệ thống nguồn.',
        ],
      ],
      [4, 'DA-042', 'accepted', []],
      [
        5,
        'DA-042',
        'rejected',
        [
          '«Mã xã/phường»: Mã đơn vị 05449 (Phường Phan Đình Phùng) không còn hiệu lực từ 01/07/2025, nhưng ngày của bản ghi là 05/11/2026. Mã hiện hành thay thế: 05443. Hãy cập nhật mã tại hệ thống nguồn.',
        ],
      ],
    ]);
    const stored = await projectRows(db);
    expect(stored.map((r) => [r.source_id, r.last_update_at])).toEqual([
      ['DA-040', new Date('2026-11-05T07:30:00Z')],
      ['DA-042', new Date('2026-11-01T01:00:00Z')],
    ]);
    // The person importing got the reason on the row: nothing waits in the quarantine for a replay nobody would run.
    expect(await listQuarantine(db, { source: PROJECT_FILE_SOURCE, limit: 10 })).toEqual([]);
  });
});
