import { afterEach, describe, expect, it } from 'vitest';
import {
  DOSSIER_FIELD_NAMES,
  loadCatalogue,
  loadUnitValidity,
  renderMessage,
  seedUnitsFromCatalogue,
  unitCodeProblem,
  writeDossierBatch,
  type Db,
  type Dossier,
} from '../src/index';
import { BACKENDS, openTestDb } from '../src/testing';
import { makeDossier } from './dossier-factory';

const fields = DOSSIER_FIELD_NAMES.join(', ');

/** Everything the writer owns, in key order: equal snapshots mean the write changed nothing. */
async function snapshot(db: Db) {
  const read = async (sql: string) => (await db.query(sql)).rows;
  return {
    dossier: await read(`select ${fields} from dossier order by source_system, source_id`),
    history: await read(`select ${fields} from dossier_event order by source_system, source_id, version`),
    // The counters are deltas: one key may be held in several rows, and a minute that nets to zero in none or in a
    // row of zeros. The sums per key are what readers see.
    rollup: await read(
      `select bucket, handling_agency_code, unit_code, sum(received)::int as received, sum(received_online)::int as received_online,
              sum(finished)::int as finished, sum(finished_on_time)::int as finished_on_time
       from dossier_rollup_minute group by 1, 2, 3
       having sum(received) <> 0 or sum(received_online) <> 0 or sum(finished) <> 0 or sum(finished_on_time) <> 0
       order by 1, 2, 3`,
    ),
  };
}

async function quarantined(db: Db) {
  return (
    await db.query<{ source_id: string; reason: string; seen_count: number }>(
      'select source_id, reason, seen_count from quarantine order by source_id',
    )
  ).rows;
}

/** Three versions of one dossier: received, finished late, then a correction that moves its receipt minute. */
function versionsOf(sourceId: string): Dossier[] {
  const base = { source_id: sourceId, handling_agency_code: 'STP', unit_code: '05443' } as const;
  return [
    makeDossier({ ...base, version: 1, received_at: '2026-03-10T02:00:00.000Z', due_at: '2026-03-11T02:00:00.000Z' }),
    makeDossier({
      ...base,
      version: 2,
      source_updated_at: '2026-03-12T02:00:00.000Z',
      received_at: '2026-03-10T02:00:00.000Z',
      due_at: '2026-03-11T02:00:00.000Z',
      status: 'resolved',
      status_changed_at: '2026-03-12T02:00:00.000Z',
      finished_at: '2026-03-12T02:00:00.000Z',
    }),
    makeDossier({
      ...base,
      version: 3,
      source_updated_at: '2026-03-13T02:00:00.000Z',
      received_at: '2026-03-10T02:05:00.000Z',
      due_at: '2026-03-13T02:00:00.000Z',
      status: 'resolved',
      status_changed_at: '2026-03-12T02:00:00.000Z',
      finished_at: '2026-03-12T02:00:00.000Z',
    }),
  ];
}

describe.each(BACKENDS)('dossier writer on %s', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  it('writeDossierBatch stores the same rows and counters whether versions come in one batch or one by one, and a replay changes nothing', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    // 25 dossiers × 3 versions: one batch of 75, then the same one version at a time into a clean store.
    const ids = Array.from({ length: 25 }, (_, i) => `d-${String(i).padStart(2, '0')}`);
    const all = ids.flatMap(versionsOf);
    expect(await writeDossierBatch(t.db, 'dvc', all, null)).toMatchObject({ accepted: 75, unchanged: 0, refused: 0 });
    const together = await snapshot(t.db);
    expect(together.dossier).toHaveLength(25);
    expect(together.history).toHaveLength(75);

    expect(await writeDossierBatch(t.db, 'dvc', all, null)).toMatchObject({ accepted: 0, unchanged: 75 });
    expect(await snapshot(t.db)).toEqual(together);

    await t.db.exec('truncate dossier, dossier_superseded, dossier_rollup_minute');
    for (const rec of [...all].sort((a, b) => a.version - b.version)) await writeDossierBatch(t.db, 'dvc', [rec], null);
    expect(await snapshot(t.db)).toEqual(together);
    // Received minute 02:05 (moved there by v3) and finished minute, each once per dossier; 02:00 nets to nothing.
    expect(together.rollup.map((r) => [r.received, r.finished, r.finished_on_time])).toEqual([
      [25, 0, 0],
      [0, 25, 25],
    ]);
  });

  it('writeDossierBatch quarantines a dossier whose unit code is not valid on its date and writes the rest of the batch', async () => {
    const t = await openTestDb(backend);
    dispose = t.dispose;
    await seedUnitsFromCatalogue(t.db, await loadCatalogue());
    const good = makeDossier({ source_id: 'good', unit_code: '05443', received_at: '2026-03-10T02:00:00.000Z' });
    // 05449 (old P. Phan Đình Phùng) ended on 1 July 2025; its area went to 05443.
    const expired = makeDossier({ source_id: 'expired', unit_code: '05449', received_at: '2026-03-10T02:00:00.000Z' });
    const unknown = makeDossier({ source_id: 'unknown', unit_code: '05999', received_at: '2026-03-10T02:00:00.000Z' });
    // Before 1 July 2025 the register holds only the units domain.md names: such dates are not checked.
    const beforeMerger = makeDossier({
      source_id: 'before-merger',
      unit_code: '05500',
      submitted_at: '2025-06-20T02:00:00.000Z',
      received_at: '2025-06-20T02:00:00.000Z',
      source_updated_at: '2025-06-20T02:00:00.000Z',
      status_changed_at: '2025-06-20T02:00:00.000Z',
    });
    const checkpoint = { updatedSince: '2026-03-10T02:00:00.000Z', afterId: 'unknown' };

    const result = await writeDossierBatch(t.db, 'dvc', [good, expired, unknown, beforeMerger], checkpoint);

    expect(result).toMatchObject({ accepted: 2, unchanged: 0, refused: 2 });
    const stored = await t.db.query<{ source_id: string }>('select source_id from dossier order by source_id');
    expect(stored.rows.map((r) => r.source_id)).toEqual(['before-merger', 'good']);
    const rows = await quarantined(t.db);
    expect(rows.map((r) => r.source_id)).toEqual(['expired', 'unknown']);
    expect(rows[0]!.reason).toBe(
      'unit_code: Mã đơn vị 05449 (Phường Phan Đình Phùng) không còn hiệu lực từ 01/07/2025, nhưng ngày của bản ghi là 10/03/2026. Mã hiện hành thay thế: 05443. Hãy cập nhật mã tại hệ thống nguồn.',
    );
    expect(rows[1]!.reason).toContain('05999 không có trong danh mục');
    const cursor = await t.db.query<{ cursor_id: string }>("select cursor_id from ingest_checkpoint where source = 'dvc'");
    expect(cursor.rows).toEqual([{ cursor_id: 'unknown' }]);

    // Delivered again: nothing new is stored, the quarantined records are counted as seen twice.
    const again = await writeDossierBatch(t.db, 'dvc', [good, expired, unknown, beforeMerger], checkpoint);
    expect(again).toMatchObject({ accepted: 0, unchanged: 2, refused: 2 });
    expect((await quarantined(t.db)).map((r) => r.seen_count)).toEqual([2, 2]);
  });
});

describe('dossier writers racing on postgres', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => dispose?.());

  it('two writers storing the same new dossier at different versions: the later fails, its retry counts the receipt once', async () => {
    const t = await openTestDb('postgres');
    dispose = t.dispose;
    const [v1, v2] = versionsOf('raced');
    let later: Promise<unknown> | undefined;
    // Writer A holds its transaction open, v1 written, until writer B (v2, own connection) waits on the same key.
    const writerA: Db = {
      ...t.db,
      transaction: (fn) =>
        t.db.transaction(async (tx) => {
          const result = await fn(tx);
          later = writeDossierBatch(t.db, 'dvc', [v2!], null).then(
            () => null,
            (err: unknown) => err,
          );
          for (let waited = 0; ; waited += 20) {
            const blocked = await t.db.query<{ n: number }>(
              "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
            );
            if (blocked.rows[0]!.n > 0) break;
            if (waited > 10_000) throw new Error('writer B never waited for writer A');
            await new Promise((r) => setTimeout(r, 20));
          }
          return result;
        }),
    };
    expect(await writeDossierBatch(writerA, 'dvc', [v1!], null)).toMatchObject({ accepted: 1 });
    expect(await later).toMatchObject({ code: '23505' });

    // The retry, as a Kafka writer's redelivery makes it: v1 is now stored, v2 replaces it and moves the counters.
    expect(await writeDossierBatch(t.db, 'dvc', [v2!], null)).toMatchObject({ accepted: 1 });
    const snap = await snapshot(t.db);
    expect(snap.dossier.map((d) => d.version)).toEqual([2]);
    expect(snap.history.map((d) => d.version)).toEqual([1, 2]);
    expect(snap.rollup.map((r) => [r.received, r.finished, r.finished_on_time])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });
});

describe('unitCodeProblem', () => {
  it('resolves a reused code by the date: 05443 before and after the merger, a successor code not before it starts', async () => {
    const t = await openTestDb('pglite');
    try {
      await seedUnitsFromCatalogue(t.db, await loadCatalogue());
      const validity = await loadUnitValidity(t.db, ['05443', '05467', '05449']);
      // The province's 1 July 2025 starts at 30 June 17:00 UTC.
      expect(unitCodeProblem(validity, '05443', new Date('2025-06-30T16:59:59Z'))).toBeNull();
      expect(unitCodeProblem(validity, '05443', new Date('2025-06-30T17:00:00Z'))).toBeNull();
      expect(unitCodeProblem(validity, '05449', new Date('2025-06-30T16:59:59Z'))).toBeNull();
      const expired = unitCodeProblem(validity, '05449', new Date('2025-06-30T17:00:00Z'));
      expect(expired?.code).toBe('unit.codeExpired');
      expect(renderMessage(expired!, 'en')).toBe(
        'The unit code 05449 (Phường Phan Đình Phùng) is no longer valid since 01/07/2025, but the record is dated 01/07/2025. Current successor codes: 05443. Update the code in the source system.',
      );
      // 05467 (new P. Gia Sàng) starts on 1 July 2025; before that the register is not complete, so it is not checked.
      expect(unitCodeProblem(validity, '05467', new Date('2025-06-30T16:00:00Z'))).toBeNull();
      expect(unitCodeProblem(validity, '05467', new Date('2026-01-01T00:00:00Z'))).toBeNull();
    } finally {
      await t.dispose();
    }
  });

  it('checks nothing while the register holds no current unit', async () => {
    const t = await openTestDb('pglite');
    try {
      const validity = await loadUnitValidity(t.db, ['05999']);
      expect(validity.completeFromMilliseconds).toBeNull();
      expect(unitCodeProblem(validity, '05999', new Date('2026-01-01T00:00:00Z'))).toBeNull();
    } finally {
      await t.dispose();
    }
  });
});
