import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDb } from '../testing/test-databases';
import type { Db } from './db';
import { listSourceHealth, recordSourcePull } from './source-health.queries';

const at = (iso: string) => new Date(iso);
const pull = (iso: string, o: { error?: string; records?: number } = {}) => ({
  source: 'dvc',
  system: 'dossier',
  at: at(iso),
  error: o.error ?? null,
  records: o.records ?? 0,
  sourceNewestAt: o.records ? at('2026-03-11T02:59:00Z') : null,
  checkpointAt: o.error ? null : at('2026-03-11T02:58:00Z'),
});

describe.each(BACKENDS)('source health on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  });
  afterAll(() => dispose?.());

  it('keeps the last success through failures, and counts records and errors of the last full minute', async () => {
    await recordSourcePull(db, pull('2026-03-11T03:00:05Z', { records: 500 }));
    await recordSourcePull(db, pull('2026-03-11T03:00:40Z', { records: 200 }));
    await recordSourcePull(db, pull('2026-03-11T03:00:50Z', { error: 'HTTP 503 from the dossier source' }));
    await recordSourcePull(db, pull('2026-03-11T03:01:10Z', { error: 'the dossier source is unreachable' }));

    const [h] = await listSourceHealth(db, at('2026-03-11T03:01:30Z'));
    expect(h).toMatchObject({
      source: 'dvc',
      system: 'dossier',
      lastAttemptAt: at('2026-03-11T03:01:10Z'),
      lastSuccessAt: at('2026-03-11T03:00:40Z'),
      lastError: 'the dossier source is unreachable',
      lagMilliseconds: 60_000,
      recordsTotal: 700,
      errorsTotal: 2,
      pullsTotal: 4,
      // 03:00–03:01: three pulls, one failed.
      recordsPerMinute: 700,
      errorsPerMinute: 1,
      errorRate: 1 / 3,
      quarantined: 0,
    });
    // A success clears the error; a minute later with no pulls the rates are 0.
    await recordSourcePull(db, pull('2026-03-11T03:01:20Z'));
    const [later] = await listSourceHealth(db, at('2026-03-11T03:03:00Z'));
    expect(later).toMatchObject({ lastError: null, lastSuccessAt: at('2026-03-11T03:01:20Z'), recordsPerMinute: 0, errorRate: null });
  });
});
