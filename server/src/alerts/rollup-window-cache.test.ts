import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDataVersion, readRollupCountersByAgency, writeDossierBatch, type AgencyRollupCounters, type Db } from '@ioc/core';
import { BACKENDS } from '@ioc/core/testing';
import { makeDossier, openAlertTestStore } from './alert-test-support';
import { RollupWindowCache } from './rollup-window-cache';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.parse('2026-03-11T10:00:00+07:00');
const iso = (ms: number) => new Date(ms).toISOString();

/** A dossier of `agency` received at `receivedAt`, finished an hour later when `finished`. */
const dossier = (agency: string, receivedAt: number, finished = false) =>
  makeDossier({
    handling_agency_code: agency,
    receiving_unit_code: agency,
    received_at: iso(receivedAt),
    source_updated_at: iso(finished ? receivedAt + 60 * MINUTE : receivedAt),
    status_changed_at: iso(finished ? receivedAt + 60 * MINUTE : receivedAt),
    due_at: iso(receivedAt + 3 * DAY),
    status: finished ? 'resolved' : 'in_progress',
    finished_at: finished ? iso(receivedAt + 60 * MINUTE) : null,
  });

const byAgency = (rows: readonly AgencyRollupCounters[]) =>
  rows
    .map(({ agencyCode, received, receivedOnline, finished, finishedNotLate }) => ({
      agencyCode,
      received,
      receivedOnline,
      finished,
      finishedNotLate,
    }))
    .sort((a, b) => (a.agencyCode < b.agencyCode ? -1 : 1));

describe.each(BACKENDS)('RollupWindowCache on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ db, dispose } = await openAlertTestStore(backend));
  });
  afterEach(() => dispose());

  it('answers as a full read of the window would, tick after tick, across writes and steps back in time', async () => {
    await writeDossierBatch(
      db,
      'dvc',
      [
        dossier('STP', NOW - DAY + 10 * MINUTE, true),
        dossier('STP', NOW - 2 * 60 * MINUTE),
        // SXD's only row leaves a one-day window a minute after NOW: SXD is then no longer in the answer.
        dossier('SXD', NOW - DAY + MINUTE),
        dossier('SYT', NOW - 3 * DAY),
      ],
      null,
    );
    const cache = new RollupWindowCache(db);
    const check = async (at: number) => {
      const now = new Date(at);
      const kept = await cache.read(await readDataVersion(db), DAY, now);
      const full = await readRollupCountersByAgency(db, new Date(at - DAY), now);
      expect(byAgency(kept)).toEqual(byAgency(full));
      return byAgency(kept);
    };

    expect((await check(NOW)).map((a) => a.agencyCode)).toEqual(['STP', 'SXD']);
    expect((await check(NOW + 30_000)).map((a) => a.agencyCode)).toEqual(['STP', 'SXD']);
    expect((await check(NOW + 2 * MINUTE)).map((a) => a.agencyCode)).toEqual(['STP']);
    // STP's first dossier was received 23 h 50 before NOW: it leaves the window ten minutes on, its finish stays.
    expect(await check(NOW + 11 * MINUTE)).toEqual([
      { agencyCode: 'STP', received: 1, receivedOnline: 1, finished: 1, finishedNotLate: 1 },
    ]);

    // A write into minutes the kept window already holds: only a new read can know it.
    await writeDossierBatch(db, 'dvc', [dossier('SXD', NOW - 5 * 60 * MINUTE)], null);
    expect((await check(NOW + 12 * MINUTE)).map((a) => a.agencyCode)).toEqual(['STP', 'SXD']);
    await check(NOW + 12 * MINUTE + 30_000);

    // Back in time, then a jump longer than the window.
    await check(NOW + 60_000);
    await check(NOW + 90_000);
    expect(await check(NOW + 3 * DAY)).toEqual([]);
  });
});
