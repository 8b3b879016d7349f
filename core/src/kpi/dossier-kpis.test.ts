import { describe, expect, it } from 'vitest';
import {
  ZERO_DOSSIER_COUNTERS,
  dataReuse,
  digitisation,
  eResult,
  onTimeResolution,
  onlinePayment,
  onlineSubmission,
  overdueShare,
  processingRate766,
  satisfaction766,
  supplementation,
} from './dossier-kpis';
import { formatPercentVi } from './kpi-display';
import { sumCounters, sumRatios, type RatioKpi } from './ratio';
import { resolveCounter } from '../metrics/metric-formulas';
import { AGENCY_X_MARCH_2026, makeDossierCounters } from './worked-examples';

const counters = makeDossierCounters;
const AGENCY_X = AGENCY_X_MARCH_2026;

const shown = (k: RatioKpi) => ({ fraction: `${k.numerator}/${k.denominator}`, text: formatPercentVi(k) });

describe('dossier KPIs on the worked example of agency X', () => {
  it.each([
    ['D2 on-time resolution', onTimeResolution, '13/16', '81,3%'],
    ['D3 766 processing rate', processingRate766, '21/26', '80,8%'],
    ['D5 overdue share', overdueShare, '2/10', '20,0%'],
    ['D6 online submission', onlineSubmission, '11/20', '55,0%'],
    ['D7 online payment', onlinePayment, '9/12', '75,0%'],
    ['D8 digitisation', digitisation, '15/20', '75,0%'],
    ['D10 data reuse', dataReuse, '6/20', '30,0%'],
    ['D11 satisfaction (26 − 5 − 1)', satisfaction766, '20/26', '76,9%'],
  ] as const)('%s = %s = %s', (_name, formula, fraction, text) => {
    expect(shown(formula(AGENCY_X))).toEqual({ fraction, text });
  });

  it('D9 has no data when no finished dossier required a paper result', () => {
    expect(eResult(AGENCY_X)).toEqual({ numerator: 0, denominator: 0, value: null });
  });
});

describe('dossier KPIs on an empty period (agency Y)', () => {
  const y = counters();

  it.each([
    ['D2', onTimeResolution],
    ['D3', processingRate766],
    ['D5', overdueShare],
    ['D6', onlineSubmission],
    ['D7', onlinePayment],
    ['D8', digitisation],
    ['D9', eResult],
    ['D10', dataReuse],
    ['D11', satisfaction766],
    ['D12', supplementation],
  ] as const)('%s shows no data, never 0%% or 100%%', (_id, formula) => {
    const k = formula(y);
    expect(k.value).toBeNull();
    expect(formatPercentVi(k)).toBeNull();
  });

  it('D1 = 0 and D4 = 0 are real values', () => {
    expect(resolveCounter('dossier', y, 'received')).toBe(0);
    expect(resolveCounter('dossier', y, 'open')).toBe(0);
    expect(resolveCounter('dossier', y, 'openOverdue')).toBe(0);
  });
});

describe('aggregation sums counters, never averages rates', () => {
  const x = counters({ finishedEarly: 9, finishedOnTime: 4, finishedLate: 3 });
  const y = counters();
  const z = counters({ finishedOnTime: 1, finishedLate: 1 });

  it('X 13/16 + Y 0/0 + Z 1/2 gives a province of 14/18 = 77,8%', () => {
    const province = onTimeResolution(sumCounters(ZERO_DOSSIER_COUNTERS, [x, y, z]));
    expect(shown(province)).toEqual({ fraction: '14/18', text: '77,8%' });
  });

  it('summing the ratios gives the same as summing the counters', () => {
    expect(sumRatios([x, y, z].map(onTimeResolution))).toEqual(onTimeResolution(sumCounters(ZERO_DOSSIER_COUNTERS, [x, y, z])));
  });

  it('is not the mean of the rates, (81,25 + 50) / 2', () => {
    const province = onTimeResolution(sumCounters(ZERO_DOSSIER_COUNTERS, [x, y, z]));
    expect(province.value).not.toBeCloseTo((0.8125 + 0.5) / 2, 3);
  });
});

describe('sumCounters', () => {
  it('keeps an optional counter only when every row has it', () => {
    const rows = [{ received: 2, synced: 1 }, { received: 3 }] as { received: number; synced?: number }[];
    expect(sumCounters({ received: 0 }, rows)).toEqual({ received: 5, synced: undefined });
    expect(
      sumCounters({ received: 0 }, [
        { received: 2, synced: 1 },
        { received: 3, synced: 2 },
      ]),
    ).toEqual({ received: 5, synced: 3 });
  });

  it('gives the zero row for no rows', () => {
    expect(sumCounters(ZERO_DOSSIER_COUNTERS, [])).toEqual(ZERO_DOSSIER_COUNTERS);
  });
});
