import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_COUNTER_NAMES } from '../kpi/document-kpis';
import { DOSSIER_COUNTER_NAMES } from '../kpi/dossier-kpis';
import { PROJECT_COUNTER_NAMES } from '../kpi/project-kpis';
import { DEFAULT_METRIC_CATALOGUE_PATH, loadMetricCatalogue, parseMetricCatalogue } from './load-metric-catalogue';
import type { MetricCatalogue } from './metric-catalogue.schema';
import { METRIC_FORMULAS, computeRatioFormula, isFormulaId, resolveCounter, type CounterSource } from './metric-formulas';

const catalogue = await loadMetricCatalogue();
const raw = JSON.parse(await readFile(DEFAULT_METRIC_CATALOGUE_PATH, 'utf8')) as MetricCatalogue;
const withMetric = (patch: Record<string, unknown>, index = 1) => ({
  ...raw,
  metrics: raw.metrics.map((m, i) => (i === index ? { ...m, ...patch } : m)),
});

/** Counters where every base counter has a distinct prime value, so that a wrong counter shows in the result. */
function distinctCounters(source: CounterSource): Record<string, number> {
  const names = { dossier: DOSSIER_COUNTER_NAMES, document: DOCUMENT_COUNTER_NAMES, project: PROJECT_COUNTER_NAMES }[source];
  const primes = [101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191];
  return Object.fromEntries(names.map((n, i) => [n, (primes[i] ?? 0) * 1000]));
}

describe('the shipped metric catalogue', () => {
  it('validates', () => {
    expect(catalogue.metrics.length).toBeGreaterThan(30);
  });

  it('names only formulas that exist in core', () => {
    for (const m of catalogue.metrics) expect(isFormulaId(m.formula), `${m.id}: ${m.formula}`).toBe(true);
  });

  it('uses every formula core offers', () => {
    const used = new Set(catalogue.metrics.map((m) => m.formula));
    expect(Object.keys(METRIC_FORMULAS).filter((f) => !used.has(f))).toEqual([]);
  });

  it('covers every KPI of domain.md §3', () => {
    const ids = new Set(catalogue.metrics.map((m) => m.domainId));
    const expected = [
      ...Array.from({ length: 13 }, (_, i) => `D${i + 1}`),
      ...Array.from({ length: 6 }, (_, i) => `V${i + 1}`),
      ...Array.from({ length: 5 }, (_, i) => `P${i + 1}`),
      '766',
      'freshness',
    ];
    expect(expected.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('declares for each ratio the counters its formula really divides', () => {
    for (const m of catalogue.metrics) {
      if (METRIC_FORMULAS[m.formula as keyof typeof METRIC_FORMULAS].kind !== 'ratio') continue;
      const source = m.source as CounterSource;
      const c = distinctCounters(source);
      const k = computeRatioFormula(m.formula as keyof typeof METRIC_FORMULAS, c);
      expect({ id: m.id, numerator: k.numerator, denominator: k.denominator }).toEqual({
        id: m.id,
        numerator: resolveCounter(source, c, m.numerator ?? ''),
        denominator: resolveCounter(source, c, m.denominator ?? ''),
      });
    }
  });

  it('has the freshness thresholds of domain.md §3.5', () => {
    const thresholds = Object.fromEntries(
      catalogue.metrics.filter((m) => m.formula === 'source.pipelineAge').map((m) => [m.watchedSystem ?? '', m.thresholds] as const),
    );
    expect(thresholds).toEqual({
      dossier: { warn: 5, critical: 15, per: 'absolute' },
      document: { warn: 10, critical: 30, per: 'absolute' },
      project: { warn: 120, critical: 360, per: 'absolute' },
      kpi_feed: { warn: 2, critical: 5, per: 'pull_interval' },
    });
  });
});

describe('MetricCatalogueSchema names the bad field', () => {
  it.each([
    ['an unknown formula', { formula: 'dossier.onTimeResolutoin' }, /metrics\.1\.formula: unknown formula dossier\.onTimeResolutoin/],
    ['an unknown counter', { numerator: 'finishedNotLat' }, /metrics\.1\.numerator: unknown dossier counter finishedNotLat/],
    ['a ratio without a denominator', { denominator: null }, /metrics\.1\.denominator: required for a ratio formula/],
    ['a unit the formula does not give', { unit: 'points' }, /metrics\.1\.unit: a ratio formula gives ratio/],
    [
      'inverted thresholds',
      { thresholds: { warn: 0.9, critical: 0.95 } },
      /metrics\.1\.thresholds: for an up metric, critical must be at or below warn/,
    ],
    ['a ratio threshold in percent', { thresholds: { warn: 95, critical: 90 } }, /metrics\.1\.thresholds: ratio thresholds are fractions/],
    [
      'a formula of another source',
      { formula: 'document.signedShare' },
      /metrics\.1\.formula: document\.signedShare reads document data, not dossier/,
    ],
    ['a domain id that does not exist', { domainId: 'D14' }, /metrics\.1\.domainId: expected a domain\.md id/],
  ])('%s', (_name, patch, message) => {
    expect(() => parseMetricCatalogue(withMetric(patch))).toThrow(message);
  });

  it('rejects a duplicate id', () => {
    expect(() => parseMetricCatalogue(withMetric({ id: raw.metrics[0]?.id }))).toThrow(
      /metrics\.1\.id: duplicate metric id dossier\.received/,
    );
  });
});
