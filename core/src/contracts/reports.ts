import { z } from 'zod';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

/** A calendar month as `YYYY-MM` (province time). */
export const ReportMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');

export const REPORT_FORMATS = ['xlsx', 'html'] as const;
export const ReportFormat = z.enum(REPORT_FORMATS, { error: 'expected xlsx or html' });
export type ReportFormat = z.infer<typeof ReportFormat>;

/**
 * `GET /api/reports/monthly?month=&unit=&format=`: the centre's monthly report [004 Art 6.3; 001 Art 21(III).3].
 * `unit` is the province code (default for province-wide accounts), a commune code or an agency code; a department
 * account gets its own scope by default and may ask for nothing wider.
 */
export const MonthlyReportQuery = z.object({
  month: ReportMonth,
  unit: z.string().trim().min(2).max(24).optional(),
  format: ReportFormat.default('html'),
});
export type MonthlyReportQuery = z.infer<typeof MonthlyReportQuery>;

export const reportsContract = {
  monthly: defineRoute({
    method: 'GET',
    path: '/api/reports/monthly',
    summary: 'The monthly report (004 Art 6.3): KPIs per agency and commune beside the month before, incidents, missed project updates',
    tag: 'reports',
    access: 'session',
    query: MonthlyReportQuery,
    body: null,
    responses: {
      200: {
        contentType: 'text/html; charset=utf-8',
        description: 'printable A4 HTML, or with format=xlsx the XLSX workbook as an attachment',
      },
      400: ErrorBody,
      401: ErrorBody,
      403: ErrorBody,
      404: ErrorBody,
    },
  }),
} as const;
