import { verifyAuditLog } from '../../audit/audit.service';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

const PROBLEMS = {
  link: "it does not link to the previous row's hash (a row before it was removed, inserted or changed)",
  hash: 'its hash does not match its content (the row was changed)',
} as const;

/**
 * `ioc audit verify`: walks the audit chain and prints `OK` with the row count and the head hash (note it down
 * elsewhere: it also reveals rows cut from the end), or the first broken row, and exits 1.
 */
export async function runAuditVerify(flags: ConfigInput & { json?: boolean }): Promise<void> {
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const store = await openStore(config, logger);
  let result;
  try {
    result = await verifyAuditLog(store.db);
  } finally {
    await store.db.close();
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.ok) process.stdout.write(`audit: OK, ${result.rows} rows, head ${result.headHash}\n`);
  else
    process.stdout.write(
      `audit: BROKEN at row ${result.brokenAt}: ${PROBLEMS[result.problem]}; the ${result.rows} rows before it are intact\n`,
    );
  if (!result.ok) process.exitCode = 1;
}
