import { describe, expect, it } from 'vitest';
import { formatDecimalVi } from './kpi-display';
import { pullIntervalThresholds, sourceFreshness } from './source-freshness';

const at = (local: string) => new Date(`${local}+07:00`);
const DOSSIER = { warnMinutes: 5, criticalMinutes: 15 };

describe('sourceFreshness', () => {
  it('last success 10:02:30, now 10:10:00 → 7,5 min → dossier source at warning', () => {
    const f = sourceFreshness(
      { lastSuccessfulPullAt: at('2026-03-10T10:02:30'), maxSourceUpdatedAt: at('2026-03-10T09:40:00') },
      at('2026-03-10T10:10:00'),
      DOSSIER,
    );
    expect(f).toEqual({ pipelineAgeMilliseconds: 450_000, dataAgeMilliseconds: 1_800_000, level: 'warning' });
    expect(formatDecimalVi({ numerator: f.pipelineAgeMilliseconds ?? 0, denominator: 60_000 }, 1)).toBe('7,5');
  });

  it.each([
    ['10:05:00', 'ok'],
    ['10:05:00.001', 'warning'],
    ['10:15:00', 'warning'],
    ['10:15:01', 'critical'],
  ])('pulled at 10:00, now %s → %s (strictly over the threshold)', (now, level) => {
    expect(
      sourceFreshness({ lastSuccessfulPullAt: at('2026-03-10T10:00:00'), maxSourceUpdatedAt: null }, at(`2026-03-10T${now}`), DOSSIER)
        .level,
    ).toBe(level);
  });

  it('a source never pulled has no data', () => {
    expect(sourceFreshness({ lastSuccessfulPullAt: null, maxSourceUpdatedAt: null }, at('2026-03-10T10:00'), DOSSIER)).toEqual({
      pipelineAgeMilliseconds: null,
      dataAgeMilliseconds: null,
      level: 'no_data',
    });
  });

  it('a quiet source with an old data age stays ok while its pulls succeed', () => {
    const f = sourceFreshness(
      { lastSuccessfulPullAt: at('2026-03-10T06:59'), maxSourceUpdatedAt: at('2026-03-09T17:00') },
      at('2026-03-10T07:00'),
      DOSSIER,
    );
    expect(f.level).toBe('ok');
    expect(f.dataAgeMilliseconds).toBe(14 * 3_600_000);
  });

  it('a source timestamp in the future is an age of 0', () => {
    const f = sourceFreshness(
      { lastSuccessfulPullAt: at('2026-03-10T10:00'), maxSourceUpdatedAt: at('2026-03-10T10:03') },
      at('2026-03-10T10:01'),
      DOSSIER,
    );
    expect(f.dataAgeMilliseconds).toBe(0);
  });

  it('the KPI feed warns at 2× and is critical at 5× its pull interval', () => {
    const t = pullIntervalThresholds(10);
    expect(t).toEqual({ warnMinutes: 20, criticalMinutes: 50 });
    const pulledAt = at('2026-03-10T10:00');
    expect(sourceFreshness({ lastSuccessfulPullAt: pulledAt, maxSourceUpdatedAt: null }, at('2026-03-10T10:25'), t).level).toBe('warning');
    expect(sourceFreshness({ lastSuccessfulPullAt: pulledAt, maxSourceUpdatedAt: null }, at('2026-03-10T10:51'), t).level).toBe('critical');
  });
});
