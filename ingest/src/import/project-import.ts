import { ImportColumnsMissing, ImportFileUnreadable, ProjectRecord, writeProjectBatch, type Db, type Project } from '@ioc/core';
import { CellError } from './cell-values';
import { PROJECT_COLUMNS, type ProjectColumn } from './project-columns';
import { readSpreadsheet, type SpreadsheetFormat } from './spreadsheet-rows';

/** The source system of projects reported by file: kept apart from the project database's own records. */
export const PROJECT_FILE_SOURCE = 'project-file';

export type RowOutcome = 'accepted' | 'unchanged' | 'rejected';

export interface ImportRowResult {
  /** The row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  projectCode: string | null;
  outcome: RowOutcome;
  /** Why a row was rejected, one entry per problem: `«Ngày cập nhật»: expected …`. */
  reasons: string[];
}

export interface ImportReport {
  system: 'project';
  rows: number;
  accepted: number;
  unchanged: number;
  rejected: number;
  results: ImportRowResult[];
}

export interface ImportOptions {
  /** The file's name as the person knows it, for messages. */
  fileName: string;
  /** Whether the importing person may report for this managing agency (their scope); default: every agency. */
  agencyAllowed?: (agencyCode: string) => boolean;
}

/**
 * Imports a project-update spreadsheet (the monthly report of agencies that report by file): every row is read and
 * validated on its own; the valid ones are written in one transaction through the project writer, the others are
 * reported with the column and the reason, as is a row whose commune code the writer refuses (not valid on the date
 * of the update). An unreadable file, or one without a required column, imports nothing:
 * `import.fileUnreadable`, `import.columnsMissing`. A project's version is the time of its update (`Ngày cập nhật`), so
 * importing the same file again changes nothing, and a later report of the same project supersedes an earlier one.
 */
export async function importProjects(db: Db, content: Buffer, format: SpreadsheetFormat, options: ImportOptions): Promise<ImportReport> {
  let sheet;
  try {
    sheet = await readSpreadsheet(content, format);
  } catch (err) {
    throw ImportFileUnreadable.create({ fileName: options.fileName, reason: (err as Error).message }, err);
  }
  const columns = matchColumns(sheet.headers);
  const missing = PROJECT_COLUMNS.filter((c) => c.required && !columns.has(c)).map((c) => c.header);
  // A file without a required column is the wrong file or an old template: every row would be refused for the same reason.
  if (missing.length > 0) throw ImportColumnsMissing.create({ fileName: options.fileName, columns: missing.join(', ') });
  const report: ImportReport = { system: 'project', rows: sheet.rows.length, accepted: 0, unchanged: 0, rejected: 0, results: [] };

  const valid: { row: number; project: Project }[] = [];
  const seen = new Map<string, number>();
  for (const { rowNumber, cells } of sheet.rows) {
    const reasons: string[] = [];
    const wire: Record<string, unknown> = {};
    for (const [column, header] of columns) {
      try {
        const value = column.read(cells.get(header) ?? null);
        if (value !== null) wire[column.field] = value;
        else if (column.required) reasons.push(`«${column.header}»: required`);
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        reasons.push(`«${column.header}»: ${err.message}`);
      }
    }
    const projectCode = typeof wire.project_code === 'string' ? wire.project_code : null;
    if (reasons.length === 0) {
      const updatedAt = new Date(wire.last_update_at as string);
      wire.last_update_kind ??= 'data';
      const parsed = ProjectRecord.safeParse({
        ...wire,
        source_id: projectCode,
        version: Math.floor(updatedAt.getTime() / 1000),
        source_updated_at: wire.last_update_at,
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) reasons.push(`«${headerOf(String(issue.path[0] ?? ''))}»: ${issue.message}`);
      } else if (options.agencyAllowed && !options.agencyAllowed(parsed.data.managing_agency_code)) {
        reasons.push(`«${headerOf('managing_agency_code')}»: ${parsed.data.managing_agency_code} is outside your scope`);
      } else {
        const key = `${parsed.data.source_id}@${parsed.data.version}`;
        const earlier = seen.get(key);
        if (earlier !== undefined) reasons.push(`«${headerOf('project_code')}»: the same project and update time as row ${earlier}`);
        else {
          seen.set(key, rowNumber);
          valid.push({ row: rowNumber, project: parsed.data });
        }
      }
    }
    if (reasons.length > 0) report.results.push({ row: rowNumber, projectCode, outcome: 'rejected', reasons });
  }

  const stored = await storedVersions(
    db,
    valid.map((v) => v.project.source_id),
  );
  // A commune code not valid on the update's date is refused by the writer: reported on its row, not quarantined
  // (the person importing sees it now; nobody would replay a file's row from the quarantine).
  const projects = valid.map((v) => v.project);
  const written =
    projects.length > 0 ? await writeProjectBatch(db, PROJECT_FILE_SOURCE, projects, null, [], { quarantineRefused: false }) : null;
  const refused = new Map((written?.refusals ?? []).map((r) => [r.index, r]));
  const usable = valid.filter((_, i) => !refused.has(i));
  for (const [i, refusal] of refused) {
    const reasons = refusal.problems.map((p) => `«${headerOf(p.field.split('.')[0]!)}»: ${p.message}`);
    report.results.push({ row: valid[i]!.row, projectCode: valid[i]!.project.source_id, outcome: 'rejected', reasons });
  }
  const newest = new Map<string, number>();
  for (const { project } of usable) newest.set(project.source_id, Math.max(newest.get(project.source_id) ?? 0, project.version));
  for (const { row, project } of usable) {
    // What the writer did with this row: only the newest version of a project in the file, if newer than stored, lands.
    const landed = project.version === newest.get(project.source_id) && project.version > (stored.get(project.source_id) ?? -1);
    report.results.push({ row, projectCode: project.source_id, outcome: landed ? 'accepted' : 'unchanged', reasons: [] });
  }
  report.results.sort((a, b) => a.row - b.row);
  for (const r of report.results) report[r.outcome] += 1;
  return report;
}

function matchColumns(headers: readonly string[]): Map<ProjectColumn, string> {
  const byName = new Map<string, string>();
  for (const h of headers) byName.set(normalise(h), h);
  const matched = new Map<ProjectColumn, string>();
  for (const column of PROJECT_COLUMNS) {
    const header = byName.get(normalise(column.header)) ?? byName.get(normalise(column.field));
    if (header !== undefined) matched.set(column, header);
  }
  return matched;
}

function headerOf(field: string): string {
  return PROJECT_COLUMNS.find((c) => c.field === field)?.header ?? field;
}

function normalise(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

async function storedVersions(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const res = await db.query<{ source_id: string; version: number }>(
    'select source_id, version from project where source_system = $1 and source_id = any($2::text[])',
    [PROJECT_FILE_SOURCE, [...new Set(ids)]],
  );
  return new Map(res.rows.map((r) => [r.source_id, Number(r.version)]));
}
