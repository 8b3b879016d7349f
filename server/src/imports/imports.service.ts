import { createHash } from 'node:crypto';
import { ImportFileUnreadable, type Clock, type Db, type Scope, type ScopeIndex } from '@ioc/core';
import { importProjects, formatOfFileName, type ImportReport } from '@ioc/ingest';
import { audit, type Actor } from '../audit/audit.service';

export interface ImportRequest {
  fileName: string;
  content: Buffer;
  actor: Actor;
  /** The importer's scope: rows of agencies outside it are refused. Absent: the command line, the whole province. */
  scope?: Scope;
}

/**
 * Spreadsheet imports for agencies that report by file (today: the monthly project updates), from the command line
 * and from the upload endpoint alike. Each import is audited with the file's name, its SHA-256 and the counts.
 */
export class ImportsService {
  constructor(private readonly o: { db: Db; clock: Clock; scopes: ScopeIndex }) {}

  async importProjects(req: ImportRequest): Promise<ImportReport> {
    const format = formatOfFileName(req.fileName);
    if (!format) throw ImportFileUnreadable.create({ fileName: req.fileName, reason: 'the name does not end in .xlsx or .csv' });
    if (req.content.length === 0) throw ImportFileUnreadable.create({ fileName: req.fileName, reason: 'the file is empty' });
    const scope = req.scope;
    const report = await importProjects(this.o.db, req.content, format, {
      fileName: req.fileName,
      ...(scope ? { agencyAllowed: (code: string) => this.o.scopes.agencyInScope(scope, code) } : {}),
    });
    // After the rows' own transaction: a crash in between leaves rows without their audit line, never the reverse.
    await this.o.db.transaction((tx) =>
      audit(
        tx,
        this.o.clock.now(),
        req.actor,
        'import.project',
        { kind: 'import', id: req.fileName },
        {
          sha256: createHash('sha256').update(req.content).digest('hex'),
          rows: report.rows,
          accepted: report.accepted,
          unchanged: report.unchanged,
          rejected: report.rejected,
        },
      ),
    );
    return report;
  }
}
