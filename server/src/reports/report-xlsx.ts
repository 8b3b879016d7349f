import ExcelJS from 'exceljs';
import { localDateOf, PROVINCE_TIME_ZONE, type RatioKpi, type Rational } from '@ioc/core';
import { KPI_COLUMNS, NO_DATA_VI, monthLabelVi, type KpiColumn } from './report-columns';
import type { MonthKpis, MonthlyReport, ReportRow } from './monthly-report';

const PERCENT = '0.0%';
const POINTS = '0.00';
const COUNT = '#,##0';
const DATE = 'dd/mm/yyyy';

/**
 * A province-local day as the date Excel shows: Excel dates have no time zone, so the cell gets that day at UTC
 * midnight (1/3/2026 00:00 +07 would otherwise show as 28/02/2026).
 */
function excelDate(at: Date): Date {
  return new Date(`${localDateOf(at, PROVINCE_TIME_ZONE)}T00:00:00Z`);
}

const ratioValue = (r: RatioKpi): number | string => (r.value === null ? NO_DATA_VI : r.value);
const rationalValue = (r: Rational): number => Number(r.numerator) / Number(r.denominator);

/** A KPI cell: the exact value as a number with its format (Excel shows the decimal comma in a vi-VN locale), or "no data". */
function cellOf(col: KpiColumn, k: MonthKpis): { value: number | string; numFmt?: string } {
  if (col.kind === 'count') return { value: col.get(k), numFmt: COUNT };
  if (col.kind === 'ratio') {
    const v = ratioValue(col.get(k));
    return typeof v === 'number' ? { value: v, numFmt: PERCENT } : { value: v };
  }
  const { score, attainable } = col.get(k);
  return attainable === 0 ? { value: NO_DATA_VI } : { value: rationalValue(score), numFmt: POINTS };
}

function header(sheet: ExcelJS.Worksheet, values: string[]): void {
  const row = sheet.addRow(values);
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'middle' };
  sheet.views = [{ state: 'frozen', ySplit: row.number, xSplit: 2 }];
}

function addKpiTable(sheet: ExcelJS.Worksheet, r: MonthlyReport, codeLabel: string, rows: readonly ReportRow[]): void {
  const cur = monthLabelVi(r.month);
  const prev = monthLabelVi(r.previousMonth);
  header(sheet, [codeLabel, 'Tên', ...KPI_COLUMNS.flatMap((c) => [`${c.label} – ${cur}`, `${c.label} – ${prev}`])]);
  const total: ReportRow = { code: r.scope.code, name: `Tổng: ${r.scope.name}`, current: r.total.current, previous: r.total.previous };
  for (const row of [...rows, total]) {
    const cells = KPI_COLUMNS.flatMap((c) => [cellOf(c, row.current), cellOf(c, row.previous)]);
    const added = sheet.addRow([row.code, row.name, ...cells.map((c) => c.value)]);
    cells.forEach((c, i) => {
      if (c.numFmt) added.getCell(i + 3).numFmt = c.numFmt;
    });
    if (row === total) added.font = { bold: true };
  }
  sheet.getColumn(1).width = 14;
  sheet.getColumn(2).width = 36;
  for (let i = 3; i <= 2 + KPI_COLUMNS.length * 2; i += 1) sheet.getColumn(i).width = 16;
}

/** The monthly report as an XLSX workbook: sheets "Tổng hợp", "Cơ quan", "Xã phường", "Sự cố". */
export async function monthlyReportXlsx(r: MonthlyReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'IOC';
  wb.created = r.generatedAt;

  const summary = wb.addWorksheet('Tổng hợp');
  summary.getColumn(1).width = 48;
  summary.getColumn(2).width = 20;
  summary.getColumn(3).width = 20;
  summary.addRow([`Báo cáo tháng ${monthLabelVi(r.month)}: ${r.scope.name}`]).font = { bold: true, size: 14 };
  const dated = (label: string, at: Date) => {
    const row = summary.addRow([label, excelDate(at)]);
    row.getCell(2).numFmt = DATE;
  };
  dated('Từ ngày', r.period.start);
  dated('Đến hết ngày', new Date(r.period.end.getTime() - 1));
  dated('Số liệu hồ sơ đang xử lý tính đến ngày', new Date(r.snapshotAt.getTime() - 1));
  dated('Ngày lập', r.generatedAt);
  summary.addRow([]);
  header(summary, ['Chỉ tiêu', `Tháng ${monthLabelVi(r.month)}`, `Tháng ${monthLabelVi(r.previousMonth)}`]);
  summary.views = [];
  for (const col of KPI_COLUMNS) {
    const a = cellOf(col, r.total.current);
    const b = cellOf(col, r.total.previous);
    const row = summary.addRow([col.label, a.value, b.value]);
    if (a.numFmt) row.getCell(2).numFmt = a.numFmt;
    if (b.numFmt) row.getCell(3).numFmt = b.numFmt;
  }
  const idx = r.total.current.index766;
  summary.addRow(['Điểm tối đa có dữ liệu (766)', idx.attainable, r.total.previous.index766.attainable]);
  summary.addRow(['Chỉ số 766 là giá trị ước tính (domain.md §3.2), chỉ tính các chỉ số có dữ liệu.']).font = { italic: true };
  summary.addRow([]);
  summary.addRow(['Sự cố mở trong tháng', r.incidents.total.opened]);
  summary.addRow(['Sự cố đóng trong tháng', r.incidents.total.closed]);
  summary.addRow(['Sự cố quá hạn tiếp nhận', r.incidents.total.overdue]);
  summary.addRow(['Sự cố còn mở cuối tháng', r.incidents.total.openAtEnd]);
  summary.addRow([]);
  const compliance = ratioValue(r.projects.compliance);
  if (typeof compliance === 'string') summary.addRow(['Cập nhật dự án hằng tháng (P3)', 'chưa có dữ liệu dự án']);
  else {
    summary.addRow(['Cập nhật dự án hằng tháng (P3)', compliance]).getCell(2).numFmt = PERCENT;
    summary.addRow([
      'Cơ quan chưa cập nhật dự án trước ngày 10',
      r.projects.missed.length === 0 ? 'không có' : r.projects.missed.map((m) => `${m.code} (${m.name})`).join('; '),
    ]);
  }

  addKpiTable(wb.addWorksheet('Cơ quan'), r, 'Mã cơ quan', r.agencies);
  addKpiTable(wb.addWorksheet('Xã phường'), r, 'Mã xã', r.communes);

  const incidents = wb.addWorksheet('Sự cố');
  header(incidents, ['Mã cơ quan', 'Tên', 'Mở trong tháng', 'Đóng trong tháng', 'Quá hạn tiếp nhận', 'Còn mở cuối tháng']);
  for (const row of r.incidents.rows) incidents.addRow([row.code ?? '', row.name, row.opened, row.closed, row.overdue, row.openAtEnd]);
  const t = r.incidents.total;
  incidents.addRow(['', 'Tổng', t.opened, t.closed, t.overdue, t.openAtEnd]).font = { bold: true };
  incidents.getColumn(2).width = 36;

  return Buffer.from(await wb.xlsx.writeBuffer());
}
