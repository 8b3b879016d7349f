import { writeFile } from 'node:fs/promises';
import { createScopeIndex, loadCatalogue, MonthlyReportQuery, RequestInvalid, formatZodIssues, systemClock } from '@ioc/core';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { renderMonthlyReport } from '../../reports/render-monthly-report';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

export interface ReportFlags {
  month?: string;
  unit?: string;
  format?: string;
  out?: string;
}

/**
 * `ioc report monthly --month YYYY-MM [--unit U] --format xlsx|html [--out FILE]`: the monthly report, to the file or
 * to stdout (XLSX bytes as they are). `--unit` is the province (default), a commune or an agency code.
 */
export async function runReportMonthly(flags: ConfigInput & ReportFlags): Promise<void> {
  const parsed = MonthlyReportQuery.safeParse({ month: flags.month, unit: flags.unit, format: flags.format });
  if (!parsed.success) throw RequestInvalid.create({ issues: formatZodIssues(parsed.error.issues) });
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const catalogue = await loadCatalogue();
  const scopes = createScopeIndex(catalogue);
  const scope = scopes.resolve(parsed.data.unit);
  const store = await openStore(config, logger);
  let report;
  try {
    report = await renderMonthlyReport({
      db: store.db,
      catalogue,
      scopes,
      scope,
      month: parsed.data.month,
      format: parsed.data.format,
      now: systemClock.now(),
    });
  } finally {
    await store.db.close();
  }
  if (flags.out) {
    await writeFile(flags.out, report.body);
    process.stderr.write(`ioc: report written to ${flags.out} (${report.body.length} bytes)\n`);
  } else {
    await new Promise<void>((resolve, reject) => process.stdout.write(report.body, (err) => (err ? reject(err) : resolve())));
  }
}
