import { describe, expect, it } from 'vitest';
import { isOverdue, rollupDelta } from './dossier-counters';
import { makeDossier } from '../../test/dossier-factory';

describe('rollupDelta', () => {
  it('counts a new received dossier once at its receipt minute', () => {
    const d = makeDossier({ received_at: '2026-03-10T02:00:42.000Z', channel: 'online' });
    expect(rollupDelta(null, d)).toEqual([
      {
        bucket: new Date('2026-03-10T02:00:00.000Z'),
        agencyCode: 'STP',
        unitCode: '05443',
        received: 1,
        receivedOnline: 1,
        finished: 0,
        finishedOnTime: 0,
      },
    ]);
  });

  it('gives no delta for the same state again (replays change nothing)', () => {
    const d = makeDossier();
    expect(rollupDelta(d, d)).toEqual([]);
  });

  it('adds one late finish when a dossier finishes after its due time', () => {
    const before = makeDossier({ due_at: '2026-03-12T10:00:00.000Z' });
    const after = makeDossier({
      due_at: '2026-03-12T10:00:00.000Z',
      status: 'resolved',
      finished_at: '2026-03-12T10:00:01.000Z',
      version: 2,
    });
    expect(rollupDelta(before, after)).toEqual([
      {
        bucket: new Date('2026-03-12T10:00:00.000Z'),
        agencyCode: 'STP',
        unitCode: '05443',
        received: 0,
        receivedOnline: 0,
        finished: 1,
        finishedOnTime: 0,
      },
    ]);
  });

  it('an apology (rescheduled due date) never turns a late finish into an on-time one', () => {
    const after = makeDossier({
      due_at: '2026-03-12T10:00:00.000Z',
      rescheduled_due_at: '2026-03-20T10:00:00.000Z',
      status: 'resolved',
      finished_at: '2026-03-13T10:00:00.000Z',
    });
    expect(rollupDelta(null, after).find((r) => r.finished === 1)?.finishedOnTime).toBe(0);
  });

  it('moves the counters when the handling agency changes', () => {
    const before = makeDossier({ handling_agency_code: 'STP' });
    const after = makeDossier({ handling_agency_code: 'SYT', version: 2 });
    const delta = rollupDelta(before, after);
    expect(delta.map((r) => [r.agencyCode, r.received])).toEqual([
      ['STP', -1],
      ['SYT', 1],
    ]);
  });

  it('never counts a dossier refused at reception as received', () => {
    expect(rollupDelta(null, makeDossier({ status: 'refused_at_reception', received_at: null }))).toEqual([]);
  });
});

describe('isOverdue', () => {
  const due = '2026-03-12T10:00:00.000Z';
  it.each([
    ['in_progress', '2026-03-12T09:59:59Z', false],
    ['in_progress', '2026-03-12T10:00:01Z', true],
    ['supplement_requested', '2026-03-12T10:00:01Z', false],
  ] as const)('%s at %s → %s', (status, now, expected) => {
    expect(isOverdue(makeDossier({ status, due_at: due }), new Date(now))).toBe(expected);
  });
});
