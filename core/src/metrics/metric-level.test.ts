import { describe, expect, it } from 'vitest';
import { rational } from '../kpi/rational';
import type { Metric } from './metric-catalogue.schema';
import { metricLevel } from './metric-level';

const onTime: Pick<Metric, 'id' | 'direction' | 'thresholds'> = {
  id: 'dossier.on_time_resolution',
  direction: 'up',
  thresholds: { warn: 0.95, critical: 0.9, per: 'absolute' },
};
const pipelineAge: Pick<Metric, 'id' | 'direction' | 'thresholds'> = {
  id: 'source.dossier.pipeline_age',
  direction: 'down',
  thresholds: { warn: 5, critical: 15, per: 'absolute' },
};
const feedAge: Pick<Metric, 'id' | 'direction' | 'thresholds'> = {
  id: 'source.kpi_feed.pipeline_age',
  direction: 'down',
  thresholds: { warn: 2, critical: 5, per: 'pull_interval' },
};

describe('metricLevel', () => {
  it.each([
    ['exactly 95% is not below 95%', { numerator: 19, denominator: 20 }, 'ok'],
    ['94,5% is a warning', { numerator: 189, denominator: 200 }, 'warning'],
    ['exactly 90% is still only a warning', { numerator: 9, denominator: 10 }, 'warning'],
    ['89% is critical', { numerator: 89, denominator: 100 }, 'critical'],
    ['0/0 is no data, never an alarm', { numerator: 0, denominator: 0 }, 'no_data'],
  ])('an up metric: %s', (_name, value, level) => {
    expect(metricLevel(onTime, value)).toBe(level);
  });

  it.each([
    ['7,5 min', rational(450_000, 60_000), 'warning'],
    ['5 min', rational(5), 'ok'],
    ['15,5 min', rational(31, 2), 'critical'],
  ])('a down metric: %s', (_name, value, level) => {
    expect(metricLevel(pipelineAge, value)).toBe(level);
  });

  it('scales pull-interval thresholds by the interval, and needs it', () => {
    expect(metricLevel(feedAge, rational(25), 10)).toBe('warning');
    expect(metricLevel(feedAge, rational(51), 10)).toBe('critical');
    expect(() => metricLevel(feedAge, rational(25))).toThrow(/need the interval/);
  });

  it('is ok without thresholds and no data without a value', () => {
    expect(metricLevel({ ...onTime, thresholds: null }, { numerator: 0, denominator: 5 })).toBe('ok');
    expect(metricLevel(onTime, null)).toBe('no_data');
  });
});
