import { z } from 'zod';
import { ErrorBody } from './auth';
import { defineRoute } from './openapi-route';

/** Media types the upload accepts as its body: the file itself, not a form. */
export const IMPORT_MEDIA_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];
/** A month of one agency's project updates is a few hundred rows; ten megabytes leaves room for a whole province's. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

export const ImportQuery = z.strictObject({
  /** The file's name, for the report and the audit log; its ending says the format. */
  filename: z
    .string()
    .trim()
    .min(5)
    .max(200)
    .regex(/^[^/\\]+\.(csv|xlsx)$/i, 'expected a file name ending in .csv or .xlsx'),
  lang: z.enum(['vi', 'en']).optional(),
});

export const ImportRowResultView = z.object({
  row: z.int(),
  projectCode: z.string().nullable(),
  outcome: z.enum(['accepted', 'unchanged', 'rejected']),
  reasons: z.array(z.string()),
});

export const ImportReportView = z.object({
  system: z.literal('project'),
  rows: z.int(),
  accepted: z.int(),
  unchanged: z.int(),
  rejected: z.int(),
  results: z.array(ImportRowResultView),
});
export type ImportReportView = z.infer<typeof ImportReportView>;

export const importsContract = {
  project: defineRoute({
    method: 'POST',
    path: '/api/imports/project',
    summary:
      'Import a project-update spreadsheet (the body is the .xlsx or .csv file itself, see IMPORT_MEDIA_TYPES); answers a row-by-row report. Importing the same file again changes nothing.',
    tag: 'imports',
    access: 'session',
    body: null,
    query: ImportQuery,
    responses: { 200: ImportReportView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 429: ErrorBody },
  }),
} as const;
