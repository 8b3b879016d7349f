import {
  DERIVED_DOSSIER_COUNTERS,
  DOSSIER_COUNTER_NAMES,
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
} from '../kpi/dossier-kpis';
import {
  DERIVED_DOCUMENT_COUNTERS,
  DOCUMENT_COUNTER_NAMES,
  documentOnTimeProcessing,
  electronicSending,
  signedShare,
  timelyRegistration,
} from '../kpi/document-kpis';
import {
  PROJECT_COUNTER_NAMES,
  agencyUpdateCompliance,
  disbursement,
  projectUpdateCompliance,
  quarterlyReportOnTime,
} from '../kpi/project-kpis';
import type { RatioKpi } from '../kpi/ratio';
import { serviceIndex766 } from '../kpi/service-index-766';
import { sourceFreshness } from '../kpi/source-freshness';
import { workingDurationStats } from '../kpi/working-duration-stats';

export const METRIC_SOURCES = ['dossier', 'document', 'project', 'source'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];
export type CounterSource = Exclude<MetricSource, 'source'>;

/**
 * What a formula computes, and so which unit, numerator and denominator a metric using it must declare:
 * `count` reads the metric's numerator counter; `ratio` is one of the ratio functions; `duration_mean` and
 * `duration_median` take working-minute durations; `index` is the 766 estimate; `age` is source freshness.
 */
export type FormulaKind = 'count' | 'ratio' | 'duration_mean' | 'duration_median' | 'index' | 'age';

interface FormulaSpec {
  kind: FormulaKind;
  /** The source whose counters the formula reads; `any` for `count`. */
  source: MetricSource | 'any';
  compute: (...args: never[]) => unknown;
}

/** A base or derived counter of a source by the name a catalogue uses; unknown names throw. */
export function resolveCounter(source: CounterSource, counters: Readonly<Record<string, number>>, name: string): number {
  const derived: Readonly<Record<string, (c: never) => number>> =
    source === 'dossier' ? DERIVED_DOSSIER_COUNTERS : source === 'document' ? DERIVED_DOCUMENT_COUNTERS : {};
  const value = Object.hasOwn(derived, name) ? derived[name]?.(counters as never) : counters[name];
  if (value === undefined) throw new RangeError(`unknown ${source} counter ${name}`);
  return value;
}

/**
 * Every formula a metric in a catalogue may name, bound to its implementation in `core/src/kpi`. A catalogue entry
 * naming anything else is rejected at load, so a typo fails at start-up instead of blanking a panel.
 */
export const METRIC_FORMULAS = {
  count: { kind: 'count', source: 'any', compute: resolveCounter },
  'dossier.onTimeResolution': { kind: 'ratio', source: 'dossier', compute: onTimeResolution },
  'dossier.processingRate766': { kind: 'ratio', source: 'dossier', compute: processingRate766 },
  'dossier.overdueShare': { kind: 'ratio', source: 'dossier', compute: overdueShare },
  'dossier.onlineSubmission': { kind: 'ratio', source: 'dossier', compute: onlineSubmission },
  'dossier.onlinePayment': { kind: 'ratio', source: 'dossier', compute: onlinePayment },
  'dossier.digitisation': { kind: 'ratio', source: 'dossier', compute: digitisation },
  'dossier.eResult': { kind: 'ratio', source: 'dossier', compute: eResult },
  'dossier.dataReuse': { kind: 'ratio', source: 'dossier', compute: dataReuse },
  'dossier.satisfaction766': { kind: 'ratio', source: 'dossier', compute: satisfaction766 },
  'dossier.supplementation': { kind: 'ratio', source: 'dossier', compute: supplementation },
  'dossier.processingTimeMean': { kind: 'duration_mean', source: 'dossier', compute: workingDurationStats },
  'dossier.processingTimeMedian': { kind: 'duration_median', source: 'dossier', compute: workingDurationStats },
  'dossier.serviceIndex766': { kind: 'index', source: 'dossier', compute: serviceIndex766 },
  'document.onTimeProcessing': { kind: 'ratio', source: 'document', compute: documentOnTimeProcessing },
  'document.handlingTimeMean': { kind: 'duration_mean', source: 'document', compute: workingDurationStats },
  'document.handlingTimeMedian': { kind: 'duration_median', source: 'document', compute: workingDurationStats },
  'document.signedShare': { kind: 'ratio', source: 'document', compute: signedShare },
  'document.electronicSending': { kind: 'ratio', source: 'document', compute: electronicSending },
  'document.timelyRegistration': { kind: 'ratio', source: 'document', compute: timelyRegistration },
  'project.disbursement': { kind: 'ratio', source: 'project', compute: disbursement },
  'project.agencyUpdateCompliance': { kind: 'ratio', source: 'project', compute: agencyUpdateCompliance },
  'project.projectUpdateCompliance': { kind: 'ratio', source: 'project', compute: projectUpdateCompliance },
  'project.quarterlyReportOnTime': { kind: 'ratio', source: 'project', compute: quarterlyReportOnTime },
  'source.pipelineAge': { kind: 'age', source: 'source', compute: sourceFreshness },
  'source.dataAge': { kind: 'age', source: 'source', compute: sourceFreshness },
} as const satisfies Record<string, FormulaSpec>;

export type FormulaId = keyof typeof METRIC_FORMULAS;

export const isFormulaId = (id: string): id is FormulaId => Object.hasOwn(METRIC_FORMULAS, id);

/** The counter names (base and derived) a catalogue may use as numerator or denominator, per source. */
export const COUNTER_NAMES: Record<CounterSource, ReadonlySet<string>> = {
  dossier: new Set([...DOSSIER_COUNTER_NAMES, ...Object.keys(DERIVED_DOSSIER_COUNTERS)]),
  document: new Set([...DOCUMENT_COUNTER_NAMES, ...Object.keys(DERIVED_DOCUMENT_COUNTERS)]),
  project: new Set(PROJECT_COUNTER_NAMES),
};

/** The unit each formula kind produces. */
export const UNIT_OF_KIND: Record<FormulaKind, readonly string[]> = {
  count: ['count'],
  ratio: ['ratio'],
  duration_mean: ['days'],
  duration_median: ['days'],
  index: ['points'],
  age: ['minutes'],
};

/** A ratio formula applied to counters, for callers that hold a formula id from the catalogue. */
export function computeRatioFormula(id: FormulaId, counters: Readonly<Record<string, number>>): RatioKpi {
  const spec: FormulaSpec = METRIC_FORMULAS[id];
  if (spec.kind !== 'ratio') throw new RangeError(`${id} is a ${spec.kind} formula, not a ratio`);
  return (spec.compute as (c: Readonly<Record<string, number>>) => RatioKpi)(counters);
}
