import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ZERO_DOSSIER_COUNTERS,
  digitisation,
  dossierIndicators766,
  formatPercentVi,
  formatPointsVi,
  insertIncident,
  onTimeResolution,
  onlinePayment,
  onlineSubmission,
  satisfaction766,
  serviceIndex766,
  writeDossierBatch,
  type Db,
  type DossierKpiCounters,
  type DossierWire,
  type RatioKpi,
} from '@ioc/core';
import { BACKENDS, openTestDb } from '@ioc/core/testing';
import { makeDossier } from '../../core/test/dossier-factory';
import { KPI_COLUMNS, NO_DATA_VI } from '../src/reports/report-columns';
import { renderMonthlyReport } from '../src/reports/render-monthly-report';
import { STRONG, TestClient, runIoc, signedIn, startTestServer, type TestServer } from './auth-harness';
import { SESSION_COOKIE, createScopeIndex, loadCatalogue, type Catalogue } from '@ioc/core';

/** Province time, e.g. at('03-10', '10:00') = 10/03/2026 10:00 +07. */
const at = (monthDay: string, time = '09:00') => `2026-${monthDay}T${time}:00+07:00`;
const finished = (when: string): Partial<DossierWire> => ({ status: 'resolved', finished_at: when, status_changed_at: when });

/**
 * Agency X of domain.md §3.1 (here Sở Tư pháp, STP) in March 2026: 20 received (11 online, 8 in person, 1 postal);
 * 16 finished (9 early, 4 on time, 3 late); 10 open at the month's end (8 within deadline, 2 overdue); 12 with a fee, 9
 * paid online; 15 digitised, 6 reused; 1 non-late dossier with feedback. Six of the finished were received on
 * 25/02. February adds 4 received and finished in February (2 early, 1 on time, 1 late), in person.
 */
function agencyXDossiers(): DossierWire[] {
  const out: DossierWire[] = [];
  for (let i = 0; i < 26; i += 1) {
    const march = i < 20;
    const d: Partial<DossierWire> = {
      source_id: `stp-${i}`,
      received_at: march ? (i < 10 ? at('03-02') : at('03-23')) : at('02-25'),
      channel: !march || i <= 10 ? 'online' : i <= 18 ? 'in_person' : 'postal',
      fee_required: march && i <= 11,
      ...(march && i <= 8 ? { payment_channel: 'national_portal', paid_at: at('03-02', '10:00') } : {}),
      ...(march && i >= 9 && i <= 11 ? { payment_channel: 'offline', paid_at: at('03-02', '10:00') } : {}),
      input_digitised: march && i <= 14,
      reused_digital_data: march && i <= 5,
      feedback_count: i === 0 ? 1 : 0,
      ...(i === 7 ? { rating: 'dissatisfied' } : {}),
    };
    // Early: 0–2 and the six received in February; on time: 3–6; late: 7–9; open within deadline: 10–17; overdue: 18–19.
    if (i <= 2 || i >= 20) Object.assign(d, { due_at: at('03-20', '17:00'), ...finished(at('03-10', '10:00')) });
    else if (i <= 6) Object.assign(d, { due_at: at('03-20', '17:00'), ...finished(at('03-20', '10:00')) });
    else if (i <= 9) Object.assign(d, { due_at: at('03-12', '17:00'), ...finished(at('03-16', '10:00')) });
    else if (i <= 17) Object.assign(d, { due_at: at('04-15', '17:00'), status: 'in_progress' });
    else Object.assign(d, { due_at: at('03-25', '17:00'), status: 'in_progress' });
    out.push(makeDossier(d) as unknown as DossierWire);
  }
  for (let j = 0; j < 4; j += 1) {
    const due = j === 3 ? at('02-12', '17:00') : at('02-20', '17:00');
    const end = j <= 1 ? at('02-10', '10:00') : j === 2 ? at('02-20', '10:00') : at('02-16', '10:00');
    out.push(
      makeDossier({
        source_id: `stp-feb-${j}`,
        received_at: at('02-02'),
        channel: 'in_person',
        due_at: due,
        ...finished(end),
      }) as unknown as DossierWire,
    );
  }
  return out;
}

const counters = (c: Partial<DossierKpiCounters>): DossierKpiCounters => ({ ...ZERO_DOSSIER_COUNTERS, ...c });
/** The scenario's counters, as domain.md states them for March and as the February dossiers above make them. */
const MARCH = counters({
  received: 20,
  receivedOnline: 11,
  receivedWithFee: 12,
  paidOnline: 9,
  digitised: 15,
  reusedData: 6,
  finishedEarly: 9,
  finishedOnTime: 4,
  finishedLate: 3,
  openWithinDeadline: 8,
  openOverdue: 2,
  handledComplained: 1,
});
const FEBRUARY = counters({ received: 10, receivedOnline: 6, finishedEarly: 2, finishedOnTime: 1, finishedLate: 1, openWithinDeadline: 6 });
const NOW = new Date(at('04-05', '10:00'));

async function seed(db: Db): Promise<void> {
  await writeDossierBatch(db, 'dvc', agencyXDossiers() as never, null);
  // Incidents of STP: one opened and closed in March, one opened in March and escalated (still open), one from February
  // closed in March, one of another agency.
  const incident = async (agencyCode: string, openedAt: string) => {
    const id = randomUUID();
    await insertIncident(db, {
      id,
      ruleId: 'DOS-01',
      dedupKey: `DOS-01|agency=${agencyCode}|${id}`,
      title: { vi: 'Hồ sơ quá hạn', en: 'Overdue dossiers' },
      severity: 'warning',
      agencyCode,
      unitCode: '19',
      alertId: randomUUID(),
      linkedIds: [],
      checklist: [],
      openedAt: new Date(openedAt),
      ackDueAt: new Date(new Date(openedAt).getTime() + 4 * 3_600_000),
      ackWithinHours: 4,
    });
    return id;
  };
  const close = (id: string, when: string) =>
    db.query(`update incident set state = 'closed', acknowledged_at = opened_at, resolved_at = $2, closed_at = $2 where id = $1`, [
      id,
      when,
    ]);
  await close(await incident('STP', at('03-05')), at('03-08'));
  const escalated = await incident('STP', at('03-20'));
  await db.query('update incident set escalations = 1 where id = $1', [escalated]);
  await close(await incident('STP', at('02-20')), at('03-03'));
  await incident('SYT', at('03-21'));
}

/** The row of `code` in a sheet, by the header of its first row: label → cell value. */
function rowOf(sheet: ExcelJS.Worksheet, code: string): Map<string, unknown> {
  // `row.values` is 1-based and sparse (an empty cell is a hole).
  const header = Array.from(sheet.getRow(1).values as unknown[], (v) => String(v));
  let found: Map<string, unknown> | null = null;
  sheet.eachRow((row) => {
    const values = Array.from(row.values as unknown[]);
    if (values[1] === code) found = new Map(header.map((h, i) => [h, values[i]] as const).slice(1));
  });
  if (!found) throw new Error(`no row ${code} in ${sheet.name}`);
  return found;
}

const ratioCell = (r: RatioKpi) => (r.value === null ? NO_DATA_VI : r.value);
const score766 = (c: DossierKpiCounters) => serviceIndex766(dossierIndicators766(c));

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue();
});

describe.each(BACKENDS)('monthly report on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    await seed(db);
  });
  afterAll(() => dispose?.());

  const render = (format: 'xlsx' | 'html', unit?: string) => {
    const scopes = createScopeIndex(catalogue);
    return renderMonthlyReport({ db, catalogue, scopes, scope: scopes.resolve(unit), month: '2026-03', format, now: NOW });
  };

  it('writes the KPI functions’ results for the month and the month before into the XLSX agencies sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await render('xlsx')).body as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Cơ quan', 'Xã phường', 'Sự cố']);
    const stp = rowOf(wb.getWorksheet('Cơ quan')!, 'STP');
    const col = (label: string, month: string) => stp.get(`${label} – ${month}`);
    expect(col('Tiếp nhận (D1)', '03/2026')).toBe(20);
    expect(col('Tiếp nhận (D1)', '02/2026')).toBe(10);
    expect(col('Đã giải quyết', '03/2026')).toBe(16);
    expect(col('Quá hạn đang xử lý cuối tháng (D4)', '03/2026')).toBe(2);
    expect(col('Quá hạn đang xử lý cuối tháng (D4)', '02/2026')).toBe(0);
    expect(col('Giải quyết đúng hạn (D2)', '03/2026')).toBe(ratioCell(onTimeResolution(MARCH)));
    expect(col('Giải quyết đúng hạn (D2)', '02/2026')).toBe(ratioCell(onTimeResolution(FEBRUARY)));
    expect(col('Nộp trực tuyến (D6)', '03/2026')).toBe(ratioCell(onlineSubmission(MARCH)));
    expect(col('Nộp trực tuyến (D6)', '02/2026')).toBe(ratioCell(onlineSubmission(FEBRUARY)));
    expect(col('Thanh toán trực tuyến (D7)', '03/2026')).toBe(ratioCell(onlinePayment(MARCH)));
    expect(col('Thanh toán trực tuyến (D7)', '02/2026')).toBe(NO_DATA_VI);
    expect(col('Số hóa hồ sơ (D8)', '03/2026')).toBe(ratioCell(digitisation(MARCH)));
    expect(col('Số hóa hồ sơ (D8)', '02/2026')).toBe(0);
    expect(col('Hài lòng (D11, 766 chỉ số 5.4)', '03/2026')).toBe(ratioCell(satisfaction766(MARCH)));
    expect(col('Hài lòng (D11, 766 chỉ số 5.4)', '02/2026')).toBe(ratioCell(satisfaction766(FEBRUARY)));
    const idx = score766(MARCH);
    expect(col('Chỉ số 766 ước tính (điểm)', '03/2026')).toBeCloseTo(Number(idx.score.numerator) / Number(idx.score.denominator), 12);
    // domain.md §3.2's worked example: 30,28 of 38 attainable.
    expect(formatPointsVi(idx.score)).toBe('30,28');
    expect(idx.attainable).toBe(38);

    // An agency with nothing in either month: counts are 0, rates are "no data", never 0% or 100%.
    const syt = rowOf(wb.getWorksheet('Cơ quan')!, 'SYT');
    expect(syt.get('Tiếp nhận (D1) – 03/2026')).toBe(0);
    expect(syt.get('Giải quyết đúng hạn (D2) – 03/2026')).toBe(NO_DATA_VI);

    // The commune sheet: every STP dossier is of Phường Phan Đình Phùng (05443).
    const commune = rowOf(wb.getWorksheet('Xã phường')!, '05443');
    expect(commune.get('Giải quyết đúng hạn (D2) – 03/2026')).toBe(ratioCell(onTimeResolution(MARCH)));

    // Formats: a percentage with one decimal, dates dd/mm/yyyy.
    const sheet = wb.getWorksheet('Cơ quan')!;
    const d2Column = (sheet.getRow(1).values as unknown[]).indexOf('Giải quyết đúng hạn (D2) – 03/2026');
    let stpRow = 0;
    sheet.eachRow((row, n) => void (row.getCell(1).value === 'STP' && (stpRow = n)));
    expect(sheet.getRow(stpRow).getCell(d2Column).numFmt).toBe('0.0%');
    const summary = wb.getWorksheet('Tổng hợp')!;
    const from = summary.getRow(2);
    expect(from.getCell(1).value).toBe('Từ ngày');
    expect((from.getCell(2).value as Date).toISOString().slice(0, 10)).toBe('2026-03-01');
    expect(from.getCell(2).numFmt).toBe('dd/mm/yyyy');
    expect(summary.getRow(3).getCell(2).value).toEqual(new Date('2026-03-31T00:00:00Z'));
  });

  it('counts incidents opened, closed, overdue and open at the end of the month', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await render('xlsx')).body as never);
    const stp = rowOf(wb.getWorksheet('Sự cố')!, 'STP');
    expect([...stp.values()].slice(2)).toEqual([2, 2, 1, 1]);
  });

  it('shows the same figures in the HTML, formatted vi-VN, with "no data" spelled out', async () => {
    const html = (await render('html')).body.toString('utf8');
    for (const r of [
      onTimeResolution(MARCH),
      onTimeResolution(FEBRUARY),
      onlineSubmission(MARCH),
      satisfaction766(MARCH),
      onlinePayment(MARCH),
    ])
      expect(html).toContain(`${formatPercentVi(r)}`);
    expect(formatPercentVi(onTimeResolution(MARCH))).toBe('81,3%');
    expect(html).toContain('30,28/38');
    expect(html).toContain(NO_DATA_VI);
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('size: A4');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect(html).toContain('Kỳ báo cáo: 01/03/2026 – 31/03/2026');
    for (const c of KPI_COLUMNS) expect(html).toContain(c.label);
  });

  it('reports a commune or an agency alone when asked', async () => {
    const html = (await render('html', 'SYT')).body.toString('utf8');
    expect(html).toContain('Sở Y tế');
    expect(html).not.toContain('Sở Tư pháp');
  });
});

describe('monthly report over HTTP and the command line', () => {
  let ts: TestServer;
  let operator: TestClient;
  let department: TestClient;
  beforeAll(async () => {
    ts = await startTestServer({ backend: 'postgres' });
    await seed(ts.db);
    const op = await ts.addAccount('vanhanh', 'operator');
    operator = await signedIn(ts.url, 'vanhanh', op.password!, STRONG);
    const dep = await ts.addAccount('sotuphap', 'department', 'STP');
    department = await signedIn(ts.url, 'sotuphap', dep.password!, STRONG);
  });
  afterAll(() => ts?.close());

  it('serves the printable HTML under the app’s CSP and the XLSX as an attachment', async () => {
    const html = await operator.get<string>('/api/reports/monthly?month=2026-03&format=html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(html.body).toContain('81,3%');
    const res = await fetch(`${ts.url}/api/reports/monthly?month=2026-03&format=xlsx`, {
      headers: { cookie: `${SESSION_COOKIE}=${operator.cookie}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-thang-2026-03-19.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(rowOf(wb.getWorksheet('Cơ quan')!, 'STP').get('Giải quyết đúng hạn (D2) – 03/2026')).toBe(onTimeResolution(MARCH).value);
  });

  it('gives a department its own agency and refuses anything wider; bad input is a 400, never a 500', async () => {
    const own = await department.get<string>('/api/reports/monthly?month=2026-03');
    expect(own.status).toBe(200);
    expect(own.body).toContain('Sở Tư pháp');
    expect((await department.get('/api/reports/monthly?month=2026-03&unit=19')).status).toBe(403);
    expect((await department.get('/api/reports/monthly?month=2026-03&unit=SYT')).status).toBe(403);
    const bad = await operator.get<{ error: { code: string } }>('/api/reports/monthly?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('request.invalid');
    expect((await operator.get<{ error: { code: string } }>('/api/reports/monthly?month=2026-03&format=pdf')).status).toBe(400);
    const unknown = await operator.get<{ error: { code: string } }>('/api/reports/monthly?month=2026-03&unit=XYZ');
    expect(unknown.body.error.code).toBe('account.scopeUnknown');
    const future = await operator.get<{ error: { code: string } }>('/api/reports/monthly?month=2099-01');
    expect(future.body.error.code).toBe('report.monthNotStarted');
  });

  it('ioc report monthly writes the same XLSX to a file and the HTML to stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ioc-report-'));
    try {
      const out = join(dir, 'thang3.xlsx');
      const env = { DATABASE_URL: ts.databaseUrl!, LOG_LEVEL: 'warn' };
      const run = await runIoc(['report', 'monthly', '--month', '2026-03', '--format', 'xlsx', '--out', out], env);
      expect(run.code, run.stderr).toBe(0);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await readFile(out)) as never);
      const stp = rowOf(wb.getWorksheet('Cơ quan')!, 'STP');
      expect(stp.get('Giải quyết đúng hạn (D2) – 03/2026')).toBe(onTimeResolution(MARCH).value);
      expect(stp.get('Giải quyết đúng hạn (D2) – 02/2026')).toBe(onTimeResolution(FEBRUARY).value);
      const html = await runIoc(['report', 'monthly', '--month', '2026-03', '--unit', 'STP', '--format', 'html'], env);
      expect(html.code, html.stderr).toBe(0);
      expect(html.stdout).toContain('81,3%');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
