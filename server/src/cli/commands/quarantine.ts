import { z } from 'zod';
import { IocError, systemClock, type QuarantineEntry } from '@ioc/core';
import { cliActor } from '../../audit/audit.service';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { QuarantineService } from '../../quarantine/quarantine.service';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

const Source = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

function refuse(message: string): never {
  process.stderr.write(`ioc: ${message}\n`);
  process.exit(2);
}

async function withQuarantine<T>(flags: ConfigInput, fn: (q: QuarantineService) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit(flags);
  // The store's start-up lines would bury the answer; warnings and errors still show.
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const store = await openStore(config, logger);
  try {
    return await fn(new QuarantineService({ db: store.db, clock: systemClock }));
  } finally {
    await store.db.close();
  }
}

const line = (e: QuarantineEntry) =>
  `${e.id}\t${e.source}\t${e.sourceId ?? '-'}\t${e.replayedAt ? 'replayed' : 'waiting'}\t${e.seenCount}×\t${e.lastSeenAt.toISOString()}\t${e.reason}`;

/** `ioc quarantine list`: one line per record (id, source, source id, state, sightings, last seen, reason), or JSON. */
export async function runQuarantineList(
  flags: ConfigInput & { source?: string; state: string; limit: string; json?: boolean },
): Promise<void> {
  if (flags.source !== undefined && !Source.safeParse(flags.source).success)
    refuse(`--source ${flags.source}: expected a source system name such as dvc`);
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) refuse(`--limit ${flags.limit}: expected a whole number from 1 to 100000`);
  const state = z.enum(['all', 'waiting', 'replayed']).parse(flags.state);
  const { items, total } = await withQuarantine(flags, (q) => q.list({ ...(flags.source ? { source: flags.source } : {}), state, limit }));
  if (flags.json) return void process.stdout.write(`${JSON.stringify({ items, total })}\n`);
  if (items.length === 0) return void process.stdout.write('quarantine: empty\n');
  process.stdout.write(`${items.map(line).join('\n')}\n${items.length} of ${total} shown\n`);
}

/**
 * `ioc quarantine replay <id>` or `--source S`: validates the stored payloads again with today's schema; those that
 * pass go through the writer and are marked replayed, the rest keep waiting with the updated reason. Audited.
 */
export async function runQuarantineReplay(id: string | undefined, flags: ConfigInput & { source?: string; json?: boolean }): Promise<void> {
  if ((id === undefined) === (flags.source === undefined)) refuse('name one record id, or --source <source>, not both');
  if (flags.source !== undefined && !Source.safeParse(flags.source).success)
    refuse(`--source ${flags.source}: expected a source system name such as dvc`);
  const n = Number(id);
  if (id !== undefined && (!Number.isSafeInteger(n) || n < 1)) refuse(`${id}: expected a record id (a whole number)`);
  const actor = cliActor();
  let result;
  try {
    result = await withQuarantine(flags, (q) => (id !== undefined ? q.replayOne(actor, n) : q.replaySource(actor, flags.source!)));
  } catch (err) {
    if (err instanceof IocError && err.status === 404) refuse(`there is no quarantined record ${id}`);
    throw err;
  }
  if (flags.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(
    `replayed: ${result.replayed.length} stored, ${result.stillFailing.length} still failing, ${result.skipped.length} skipped (no replayer)\n`,
  );
  for (const f of result.stillFailing) process.stdout.write(`${f.id}\t${f.reason}\n`);
}
