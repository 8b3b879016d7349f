import { describe, expect, it } from 'vitest';
import { dossierIndicators766 } from './dossier-indicators-766';
import { formatPercentVi, formatPointsVi } from './kpi-display';
import { rational } from './rational';
import { INDEX_766_MAX_POINTS, INDICATORS_766, serviceIndex766 } from './service-index-766';
import { AGENCY_X_MARCH_2026 as AGENCY_X } from './worked-examples';

describe('serviceIndex766', () => {
  it('reproduces agency X: 30,28 of 38 attainable (79,7%), coverage 38/100, as an estimate', () => {
    const index = serviceIndex766(dossierIndicators766(AGENCY_X));
    const scored = Object.fromEntries(index.indicators.filter((i) => i.points !== null).map((i) => [i.id, formatPointsVi(i.points)]));
    expect(scored).toEqual({ '2.1': '16,15', '3.6': '4,50', '4.2': '3,75', '4.3': '0,75', '5.4': '5,13' });
    expect(formatPointsVi(index.score)).toBe('30,28');
    expect(index.attainable).toBe(38);
    expect(index.attainment && formatPercentVi(index.attainment)).toBe('79,7%');
    expect(index.coverage).toEqual({ numerator: 38, denominator: 100 });
    expect(index.estimate).toBe(true);
  });

  it('scores from the exact fractions, not from the rounded points', () => {
    const index = serviceIndex766(dossierIndicators766(AGENCY_X));
    // 420/26 + 9/2 + 15/4 + 3/4 + 600/117, exactly.
    expect(index.score).toEqual(rational(1181, 39));
  });

  it('caps an indicator at its points once the full-score threshold is reached', () => {
    const index = serviceIndex766({ '4.2': { numerator: 9, denominator: 10 } });
    expect(index.indicators.find((i) => i.id === '4.2')?.points).toEqual(rational(4));
  });

  it('excludes an indicator with denominator 0 from the score and the attainable maximum', () => {
    const index = serviceIndex766({ '3.6': { numerator: 0, denominator: 0 }, '4.3': { numerator: 0, denominator: 10 } });
    expect(index.attainable).toBe(2);
    expect(index.score).toEqual(rational(0));
    expect(index.indicators.find((i) => i.id === '3.6')?.points).toBeNull();
  });

  it('has no attainment and no coverage when nothing has data', () => {
    const index = serviceIndex766({});
    expect(index.attainment).toBeNull();
    expect(index.coverage).toEqual({ numerator: 0, denominator: 100 });
  });

  it('never scores an indicator whose threshold is unknown, whatever it is given', () => {
    const index = serviceIndex766({ '3.1-3.3': { numerator: 1, denominator: 1 } });
    expect(index.attainable).toBe(0);
  });

  it('counts dossiers with repeated supplementation requests as overdue in 2.1 only', () => {
    const inputs = dossierIndicators766({ ...AGENCY_X, handledOnTimeWithRepeatedSupplements: 2 });
    expect(inputs['2.1']).toEqual({ numerator: 19, denominator: 26 });
  });

  it('leaves indicators the source does not provide as no data, not as zero', () => {
    expect(dossierIndicators766(AGENCY_X)['1.4']).toBeUndefined();
    expect(dossierIndicators766({ ...AGENCY_X, syncedToNationalPortal: 0 })['1.4']).toEqual({ numerator: 0, denominator: 20 });
  });

  it('has groups of 18, 20, 22, 22 and 18 points, 100 in all', () => {
    const index = serviceIndex766({});
    expect(index.groups.map((g) => g.maxPoints)).toEqual([18, 20, 22, 22, 18]);
    expect(INDICATORS_766.reduce((s, i) => s + i.points, 0)).toBe(INDEX_766_MAX_POINTS);
  });
});
