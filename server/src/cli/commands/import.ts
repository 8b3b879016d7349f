import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { IocError, renderMessage, systemClock, createScopeIndex, loadCatalogue } from '@ioc/core';
import { projectTemplateXlsx, type ImportReport } from '@ioc/ingest';
import { cliActor } from '../../audit/audit.service';
import type { ConfigInput } from '../../config/config';
import { ImportsService } from '../../imports/imports.service';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

export interface ImportFlags extends ConfigInput {
  system: 'project';
  template?: boolean;
  out?: string;
  json?: boolean;
}

const OUTCOME_VI = { accepted: 'nhận', unchanged: 'không đổi', rejected: 'từ chối' } as const;

function printReport(fileName: string, report: ImportReport): void {
  const lines = [`${fileName}: ${report.rows} dòng, ${report.accepted} nhận, ${report.unchanged} không đổi, ${report.rejected} từ chối`];
  for (const r of report.results) {
    lines.push(`  dòng ${r.row}\t${r.projectCode ?? '-'}\t${OUTCOME_VI[r.outcome]}${r.reasons.length ? `\t${r.reasons.join('; ')}` : ''}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `ioc import <file> --system project`: imports the spreadsheet and prints one line per row (accepted, unchanged or
 * rejected with the column and reason). Exit 0 when every row landed or was unchanged, 3 when some were rejected
 * (the good ones are stored), 2 when the file itself could not be used. `--template` writes the blank spreadsheet.
 */
export async function runImport(file: string | undefined, flags: ImportFlags): Promise<void> {
  if (flags.template) {
    const xlsx = await projectTemplateXlsx();
    if (flags.out) await writeFile(flags.out, xlsx);
    else process.stdout.write(xlsx);
    return;
  }
  if (!file) {
    process.stderr.write('ioc: name the .xlsx or .csv file to import (or --template for the blank one)\n');
    process.exit(2);
  }
  const content = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`ioc: cannot read ${file}: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const store = await openStore(config, logger);
  const fileName = basename(file);
  let report: ImportReport;
  try {
    const service = new ImportsService({ db: store.db, clock: systemClock, scopes: createScopeIndex(await loadCatalogue()) });
    report = await service.importProjects({ fileName, content, actor: cliActor() });
  } catch (err) {
    if (!(err instanceof IocError) || err.status >= 500) throw err;
    process.stderr.write(`ioc: ${renderMessage(err, /^en/i.test(process.env.LANG ?? '') ? 'en' : 'vi')}\n`);
    process.exitCode = 2;
    return;
  } finally {
    await store.db.close();
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printReport(fileName, report);
  if (report.rejected > 0) process.exitCode = 3;
}
