import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import { resolveCounter } from '../metrics/metric-formulas';
import { ZERO_DOCUMENT_COUNTERS, documentOnTimeProcessing, electronicSending, signedShare, timelyRegistration } from './document-kpis';
import { documentHandlingWorkingMinutes, documentRegistrationDueAt, type DocumentUrgency } from './document-timing';
import { formatDecimalVi, formatPercentVi } from './kpi-display';
import { workingDurationStats } from './working-duration-stats';

const cal = await loadWorkingCalendar();
const at = (local: string) => new Date(`${local}+07:00`);
const counters = (o: Partial<typeof ZERO_DOCUMENT_COUNTERS>) => ({ ...ZERO_DOCUMENT_COUNTERS, ...o });

describe('document KPIs on the worked example of Sở Z, one week', () => {
  const z = counters({ completedWithDeadline: 40, completedOnTime: 34, openOverdue: 3, issued: 50, issuedExempt: 4, issuedSigned: 44 });

  it('V1 = 34/40 = 85,0%', () => {
    expect(formatPercentVi(documentOnTimeProcessing(z))).toBe('85,0%');
  });

  it('V2 = 3 overdue open documents', () => {
    expect(resolveCounter('document', z, 'openOverdue')).toBe(3);
  });

  it('V4 = 44 signed of 50 issued, 4 exempt → 44/46 = 95,7%', () => {
    expect(signedShare(z)).toMatchObject({ numerator: 44, denominator: 46 });
    expect(formatPercentVi(signedShare(z))).toBe('95,7%');
  });

  it('a week with no outgoing documents gives V4 and V5 no data', () => {
    const quiet = counters({ completedWithDeadline: 2, completedOnTime: 2 });
    expect(signedShare(quiet).value).toBeNull();
    expect(electronicSending(quiet).value).toBeNull();
    expect(timelyRegistration(quiet).value).toBeNull();
  });

  it('V3 for handling times of 1, 2, 2 and 5 working days: mean 2,5, median 2', () => {
    const durations = [
      ['2026-03-02T09:00', '2026-03-03T09:00'],
      ['2026-03-02T09:00', '2026-03-04T09:00'],
      // Thursday 14:00 to Monday 14:00 is 2 working days: the weekend does not count.
      ['2026-03-05T14:00', '2026-03-09T14:00'],
      ['2026-03-02T09:00', '2026-03-09T09:00'],
    ].map(([a = '', c = '']) => documentHandlingWorkingMinutes(cal, { assigned_at: at(a), completed_at: at(c) }) ?? -1);
    expect(durations).toEqual([450, 900, 900, 2250]);
    const stats = workingDurationStats(durations, cal.minutesPerWorkingDay);
    expect(formatDecimalVi(stats.meanDays, 1)).toBe('2,5');
    expect(stats.medianDays.value).toBe(2);
  });

  it('V3 has no data without completed documents', () => {
    expect(workingDurationStats([], cal.minutesPerWorkingDay).meanDays.value).toBeNull();
    expect(documentHandlingWorkingMinutes(cal, { assigned_at: at('2026-03-02T09:00'), completed_at: null })).toBeNull();
  });
});

describe('documentRegistrationDueAt (V6)', () => {
  it.each<[string, string, DocumentUrgency, string]>([
    ['normal, Monday: by the end of Tuesday', '2026-03-09T10:00', 'normal', '2026-03-11T00:00'],
    ['normal, Friday: by the end of Monday', '2026-03-13T16:00', 'normal', '2026-03-17T00:00'],
    ['normal, Saturday: taken as Monday, so by the end of Tuesday', '2026-03-14T09:00', 'normal', '2026-03-18T00:00'],
    ['normal, the Friday before Tết: by the end of the Monday after', '2026-02-13T10:00', 'normal', '2026-02-24T00:00'],
    ['urgent: within a working hour', '2026-03-09T10:00', 'urgent', '2026-03-09T11:00'],
    ['flash at 16:30: 30 min today, 30 min tomorrow', '2026-03-09T16:30', 'flash', '2026-03-10T08:00'],
  ])('%s', (_name, received, urgency, expected) => {
    expect(documentRegistrationDueAt(cal, at(received), urgency)).toEqual(at(expected));
  });
});
