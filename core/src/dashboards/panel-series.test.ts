import { describe, expect, it } from 'vitest';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { bucketCount, bucketStart, bucketStarts, defaultPanelRange, panelSeriesSource, panelValue } from './panel-series';

const metrics = await loadMetricCatalogue();
const metric = (id: string) => metrics.metrics.find((m) => m.id === id)!;
const local = (iso: string) => new Date(`${iso}+07:00`);

describe('panelSeriesSource', () => {
  it('reads a source rollup when it keeps the counters, the KPI feed for other flows, nothing for states', () => {
    expect(panelSeriesSource(metric('dossier.on_time_resolution'))).toEqual({
      table: 'dossier',
      kind: 'ratio',
      numerator: 'finishedNotLate',
      denominator: 'finished',
    });
    expect(panelSeriesSource(metric('document.signed_share'))).toMatchObject({ table: 'document', denominator: 'issuedNotExempt' });
    expect(panelSeriesSource(metric('project.updates'))).toMatchObject({ table: 'project', kind: 'count', denominator: null });
    expect(panelSeriesSource(metric('dossier.online_payment'))).toEqual({
      table: 'kpi_feed',
      kind: 'ratio',
      numerator: 'numerator',
      denominator: 'denominator',
      metricId: 'dossier.online_payment',
    });
    for (const id of [
      'dossier.open',
      'dossier.overdue_share',
      'dossier.processing_rate_766',
      'project.disbursement',
      'dossier.processing_time_median',
      'source.dossier.data_age',
    ])
      expect(panelSeriesSource(metric(id)), id).toBeNull();
  });
});

describe('buckets', () => {
  it('start at provincial midnights, Mondays and first days of the month', () => {
    expect(bucketStart(local('2026-03-12T06:59:00'), '1d')).toEqual(local('2026-03-12T00:00:00'));
    expect(bucketStart(local('2026-03-12T00:00:00'), '1d')).toEqual(local('2026-03-12T00:00:00'));
    expect(bucketStart(local('2026-03-15T23:59:00'), '1w')).toEqual(local('2026-03-09T00:00:00'));
    expect(bucketStart(local('2026-03-01T00:30:00'), '1M')).toEqual(local('2026-03-01T00:00:00'));
    expect(bucketStart(local('2026-03-11T09:44:30'), '15m')).toEqual(local('2026-03-11T09:30:00'));
  });

  it('count partial buckets at both ends, and refuse more than 2,000 points without listing them', () => {
    expect(bucketCount(local('2026-03-11T09:30:00'), local('2026-03-11T11:10:00'), '1h')).toBe(3);
    expect(bucketStarts(local('2026-01-15T00:00:00'), local('2026-03-02T00:00:00'), '1M')).toEqual([
      local('2026-01-01T00:00:00'),
      local('2026-02-01T00:00:00'),
      local('2026-03-01T00:00:00'),
    ]);
    expect(bucketStarts(local('2026-03-11T00:00:00'), local('2026-03-12T09:20:00'), '1m')).toHaveLength(2_000);
    expect(() => bucketStarts(local('2026-03-11T00:00:00'), local('2026-03-12T09:21:00'), '1m')).toThrow(
      expect.objectContaining({ code: 'dashboard.rangeTooLong', details: { points: 2_001, max: 2_000, bucket: '1m' } }),
    );
    expect(() => bucketStarts(new Date(0), local('2026-03-12T00:00:00'), '1m')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('default ranges: today is the whole provincial day; others end now', () => {
    const now = local('2026-03-11T00:30:00');
    expect(defaultPanelRange('today', now)).toEqual({ from: local('2026-03-11T00:00:00'), to: local('2026-03-12T00:00:00') });
    expect(defaultPanelRange('24h', now)).toEqual({ from: local('2026-03-10T00:30:00'), to: now });
  });
});

describe('panelValue', () => {
  const ratio = panelSeriesSource(metric('dossier.on_time_resolution'))!;
  const count = panelSeriesSource(metric('dossier.received'))!;
  it('is null without rollup rows, null for 0/0, and 0 for a real zero count', () => {
    expect(panelValue(ratio, undefined)).toEqual({ numerator: null, denominator: null, value: null });
    expect(panelValue(ratio, { finishedNotLate: 0, finished: 0 })).toEqual({ numerator: 0, denominator: 0, value: null });
    expect(panelValue(count, { received: 0 })).toEqual({ numerator: 0, denominator: null, value: 0 });
    expect(panelValue(ratio, { finishedNotLate: 13, finished: 16 }).value).toBeCloseTo(0.8125, 10);
  });
});
