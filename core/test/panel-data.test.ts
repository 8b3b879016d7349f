import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDb } from '../src/testing';
import type { Db } from '../src/store/db';
import type { Bucket } from '../src/dashboards/dashboard.schema';
import { bucketStarts, panelValue, type PanelValue, type SeriesSource } from '../src/dashboards/panel-series';
import { readPanelBuckets, readPanelGroups, readPanelTotal, type PanelFilter, type PanelRead } from '../src/store/panel-data.queries';

// Panel data straight from rollup rows written for known minutes, on each backend: the same SQL must bucket the
// same way on PGlite and PostgreSQL, at provincial midnights, whatever the session's time zone.

const EVERYTHING: PanelFilter = { agencyCodes: null, unitCode: null };
const ON_TIME: SeriesSource = { table: 'dossier', kind: 'ratio', numerator: 'finishedNotLate', denominator: 'finished' };
const RECEIVED: SeriesSource = { table: 'dossier', kind: 'count', numerator: 'received', denominator: null };
const local = (isoWithoutZone: string) => new Date(`${isoWithoutZone}+07:00`);

async function dossierRow(db: Db, at: string, agency: string, unit: string, c: { received?: number; finished?: number; onTime?: number }) {
  await db.query(
    `insert into dossier_rollup_minute (bucket, handling_agency_code, unit_code, received, received_online, finished, finished_on_time)
     values ($1, $2, $3, $4, 0, $5, $6)`,
    [local(at), agency, unit, c.received ?? 0, c.finished ?? 0, c.onTime ?? 0],
  );
}

/** What the panel endpoint computes for a series: every bucket of the range, null where no rollup row is. */
async function series(db: Db, source: SeriesSource, from: Date, to: Date, bucket: Bucket, filter = EVERYTHING) {
  const read: PanelRead = { table: source.table, from, to, filter };
  if (source.metricId) read.metricId = source.metricId;
  const rows = new Map((await readPanelBuckets(db, { ...read, bucket })).map((r) => [r.start.getTime(), r.counters]));
  return bucketStarts(from, to, bucket).map((s) => ({ start: s.toISOString(), ...panelValue(source, rows.get(s.getTime())) }));
}

const value = (numerator: number | null, denominator: number | null, v: number | null): PanelValue => ({
  numerator,
  denominator,
  value: v,
});
const NO_DATA = value(null, null, null);

describe.each(BACKENDS)('panel data on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    // 11 March 2026: 3 of 4 finished on time between 09:00 and 10:00, nothing between 10:00 and 11:00.
    await dossierRow(db, '2026-03-11T09:05:00', 'SYT', '19', { received: 2, finished: 3, onTime: 2 });
    await dossierRow(db, '2026-03-11T09:59:00', 'SYT', '05443', { received: 1, finished: 1, onTime: 1 });
    // Either side of the provincial midnight of 11/12 March (both on 11 March in UTC).
    await dossierRow(db, '2026-03-11T23:30:00', 'SNV', '19', { received: 5 });
    await dossierRow(db, '2026-03-12T00:30:00', 'SNV', '19', { received: 7 });
    // A commune's People's Committee, and a department's dossier filed in that commune.
    await dossierRow(db, '2026-03-12T08:00:00', 'UBND-05443', '05443', { received: 4, finished: 2, onTime: 1 });
    await dossierRow(db, '2026-03-12T08:01:00', 'SCT', '05443', { received: 1 });
    // Either side of the provincial month boundary of 31 March / 1 April.
    await dossierRow(db, '2026-03-31T23:30:00', 'SNV', '19', { received: 10 });
    await dossierRow(db, '2026-04-01T00:30:00', 'SNV', '19', { received: 20 });
  }, 120_000);
  afterAll(() => dispose());

  it('on-time rate in two hourly buckets: 3/4, then no data (null, never 0)', async () => {
    expect(await series(db, ON_TIME, local('2026-03-11T09:00:00'), local('2026-03-11T11:00:00'), '1h')).toEqual([
      { start: '2026-03-11T02:00:00.000Z', ...value(3, 4, 0.75) },
      { start: '2026-03-11T03:00:00.000Z', ...NO_DATA },
    ]);
  });

  it('sums counters per bucket before dividing, never averages the minutes’ rates', async () => {
    // Per minute: 2/3 and 1/1, whose mean is 0.8333; the bucket is (2 + 1) / (3 + 1).
    const [bucket] = await series(db, ON_TIME, local('2026-03-11T09:00:00'), local('2026-03-11T10:00:00'), '15m');
    expect(bucket).toEqual({ start: '2026-03-11T02:00:00.000Z', ...value(2, 3, 2 / 3) });
    const total = await readPanelTotal(db, {
      table: 'dossier',
      from: local('2026-03-11T09:00:00'),
      to: local('2026-03-11T10:00:00'),
      filter: EVERYTHING,
    });
    expect(panelValue(ON_TIME, total ?? undefined)).toEqual(value(3, 4, 0.75));
  });

  it('daily buckets cross the provincial midnight, not the UTC one', async () => {
    const days = await series(db, RECEIVED, local('2026-03-11T20:00:00'), local('2026-03-12T04:00:00'), '1d', {
      agencyCodes: ['SNV'],
      unitCode: null,
    });
    expect(days).toEqual([
      { start: '2026-03-10T17:00:00.000Z', ...value(5, null, 5) },
      { start: '2026-03-11T17:00:00.000Z', ...value(7, null, 7) },
    ]);
  });

  it('months follow the provincial calendar; weeks start on Monday at the provincial midnight', async () => {
    const months = await series(db, RECEIVED, local('2026-03-25T00:00:00'), local('2026-04-05T00:00:00'), '1M', {
      agencyCodes: ['SNV'],
      unitCode: null,
    });
    expect(months).toEqual([
      { start: '2026-02-28T17:00:00.000Z', ...value(10, null, 10) },
      { start: '2026-03-31T17:00:00.000Z', ...value(20, null, 20) },
    ]);
    // Monday 30 March 2026 00:00 in the province.
    const weeks = await series(db, RECEIVED, local('2026-03-28T00:00:00'), local('2026-04-02T00:00:00'), '1w', {
      agencyCodes: ['SNV'],
      unitCode: null,
    });
    expect(weeks).toEqual([
      { start: '2026-03-22T17:00:00.000Z', ...NO_DATA },
      { start: '2026-03-29T17:00:00.000Z', ...value(30, null, 30) },
    ]);
  });

  it('a department sees only its agency; a commune its committee and the dossiers filed in it', async () => {
    const from = local('2026-03-11T00:00:00');
    const to = local('2026-03-13T00:00:00');
    const read = (filter: PanelFilter): PanelRead => ({ table: 'dossier', from, to, filter });
    expect(await readPanelTotal(db, read({ agencyCodes: ['SYT'], unitCode: null }))).toEqual({
      received: 3,
      receivedOnline: 0,
      finished: 4,
      finishedNotLate: 3,
    });
    expect(await readPanelTotal(db, read({ agencyCodes: ['STP'], unitCode: null }))).toBeNull();
    const commune = await readPanelGroups(db, { ...read({ agencyCodes: ['UBND-05443'], unitCode: '05443' }), groupBy: 'agency' });
    expect(commune.map((g) => [g.code, g.counters.received])).toEqual([
      ['SCT', 1],
      ['SYT', 1],
      ['UBND-05443', 4],
    ]);
    const byCommune = await readPanelGroups(db, { ...read(EVERYTHING), groupBy: 'commune' });
    expect(byCommune.map((g) => [g.code, g.counters.received])).toEqual([
      ['05443', 6],
      ['19', 14],
    ]);
  });

  it('documents: a derived denominator (issued, not exempt) per bucket', async () => {
    await db.query(
      `insert into document_rollup_minute (bucket, agency_code, issued, issued_exempt, issued_signed) values ($1, 'SYT', 50, 4, 44)`,
      [local('2026-03-10T10:00:00')],
    );
    const signed: SeriesSource = { table: 'document', kind: 'ratio', numerator: 'issuedSigned', denominator: 'issuedNotExempt' };
    const points = await series(db, signed, local('2026-03-10T00:00:00'), local('2026-03-12T00:00:00'), '1d');
    expect(points).toEqual([
      { start: '2026-03-09T17:00:00.000Z', ...value(44, 46, 44 / 46) },
      { start: '2026-03-10T17:00:00.000Z', ...NO_DATA },
    ]);
  });

  it('projects: updates per agency from the project rollup', async () => {
    await db.query(
      `insert into project_rollup_minute (bucket, agency_code, updates) values ($1, 'SXD', 3), ($2, 'SXD', 2), ($2, 'UBND-05443', 1)`,
      [local('2026-03-09T08:00:00'), local('2026-03-09T08:01:00')],
    );
    const groups = await readPanelGroups(db, {
      table: 'project',
      from: local('2026-03-09T00:00:00'),
      to: local('2026-03-10T00:00:00'),
      filter: EVERYTHING,
      groupBy: 'agency',
    });
    expect(groups).toEqual([
      { code: 'SXD', counters: { updates: 5 } },
      { code: 'UBND-05443', counters: { updates: 1 } },
    ]);
  });

  it('the KPI feed: only the metric asked for, a sample of 0/0 is no data', async () => {
    await db.query(
      `insert into kpi_sample_rollup_minute (bucket, metric_id, scope_code, numerator, denominator, samples)
       values ($1, 'dossier.online_payment', 'SYT', 9, 12, 1), ($1, 'dossier.online_payment', '05443', 1, 2, 1),
              ($1, 'hotline.answered', 'SYT', 30, 40, 1), ($2, 'dossier.online_payment', 'SYT', 0, 0, 1)`,
      [local('2026-03-05T10:00:00'), local('2026-03-06T10:00:00')],
    );
    const feed: SeriesSource = {
      table: 'kpi_feed',
      kind: 'ratio',
      numerator: 'numerator',
      denominator: 'denominator',
      metricId: 'dossier.online_payment',
    };
    const from = local('2026-03-05T00:00:00');
    const to = local('2026-03-08T00:00:00');
    expect(await series(db, feed, from, to, '1d', { agencyCodes: ['SYT'], unitCode: null })).toEqual([
      { start: '2026-03-04T17:00:00.000Z', ...value(9, 12, 0.75) },
      { start: '2026-03-05T17:00:00.000Z', ...value(0, 0, null) },
      { start: '2026-03-06T17:00:00.000Z', ...NO_DATA },
    ]);
    const groups = await readPanelGroups(db, {
      table: 'kpi_feed',
      metricId: 'dossier.online_payment',
      from,
      to,
      filter: EVERYTHING,
      groupBy: 'agency',
    });
    expect(groups.map((g) => [g.code, panelValue(feed, g.counters).value])).toEqual([
      ['05443', 0.5],
      ['SYT', 0.75],
    ]);
  });
});
