import { ReportMonthNotStarted, type Catalogue, type Db, type ReportFormat, type Scope, type ScopeIndex } from '@ioc/core';
import { buildMonthlyReport } from './monthly-report';
import { monthPeriod } from './report-period';
import { monthlyReportHtml } from './report-html';
import { monthlyReportXlsx } from './report-xlsx';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  /** ASCII, for Content-Disposition and `--out` defaults: `bao-cao-thang-2026-03-19.xlsx`. */
  filename: string;
}

export interface RenderMonthlyReportOptions {
  db: Db;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  scope: Scope;
  month: string;
  format: ReportFormat;
  now: Date;
}

/** The monthly report of `scope` as XLSX or HTML; a month that has not begun is refused (`report.monthNotStarted`). */
export async function renderMonthlyReport(o: RenderMonthlyReportOptions): Promise<RenderedReport> {
  if (monthPeriod(o.month).start > o.now) throw ReportMonthNotStarted.create({ month: o.month });
  const report = await buildMonthlyReport(o);
  const base = `bao-cao-thang-${o.month}-${(o.scope.agencyCode ?? o.scope.unitCode).toLowerCase()}`;
  if (o.format === 'xlsx')
    return {
      body: await monthlyReportXlsx(report),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      filename: `${base}.xlsx`,
    };
  return { body: Buffer.from(monthlyReportHtml(report), 'utf8'), contentType: 'text/html; charset=utf-8', filename: `${base}.html` };
}
