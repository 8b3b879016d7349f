import { ratioKpi, type RatioKpi } from './ratio';

/**
 * The counters dossier KPIs are built from, for one scope and period (domain.md §3.1). "Received" and "finished"
 * count dossiers received or finished in the period; "open" is the snapshot at the period's end. The three
 * finished counters partition the finished dossiers, and the two open counters the open ones, so that every
 * KPI below is a sum of counters over a sum of counters.
 */
export const DOSSIER_COUNTER_NAMES = [
  /** D1: received in the period; a dossier refused at reception is never received. */
  'received',
  /** D6: of those, received online. */
  'receivedOnline',
  /** D7's denominator: received with a fee to pay. */
  'receivedWithFee',
  /** D7: of those, paid online (national or provincial portal) [001 Art 20(III)]. */
  'paidOnline',
  /** D8: inputs digitised and, where a paper result is required, an e-result issued [001 Art 19.5–19.6]. */
  'digitised',
  /** D10: reused already digitised data [001 Art 7.2.d]. */
  'reusedData',
  /** D12: received and asked for supplementation at least once. */
  'receivedWithSupplementRequest',
  /** Finished before the due date (trước hạn). */
  'finishedEarly',
  /** Finished on the due date or before it, but not early (đúng hạn): `finished_at ≤ due_at`. */
  'finishedOnTime',
  /** Finished after the due date (trễ hạn); an apology slip never changes this. */
  'finishedLate',
  /** D9's denominator: finished whose result must also exist on paper. */
  'finishedRequiringDocument',
  /** D9: of those, with an e-result issued. */
  'eResultIssued',
  /** Open at the period's end and not past the due date (trong hạn). */
  'openWithinDeadline',
  /** Open at the period's end and past the due date (quá hạn). */
  'openOverdue',
  /** D11: handled (finished or open), neither late nor overdue, with feedback or a "dissatisfied" rating [766 5.4]. */
  'handledComplained',
] as const;

export type DossierCounterName = (typeof DOSSIER_COUNTER_NAMES)[number];
export type DossierKpiCounters = Record<DossierCounterName, number>;

export const ZERO_DOSSIER_COUNTERS: DossierKpiCounters = Object.fromEntries(DOSSIER_COUNTER_NAMES.map((n) => [n, 0])) as DossierKpiCounters;

/** Sums of counters that the domain names; the metric catalogue may use these as numerators and denominators. */
export const DERIVED_DOSSIER_COUNTERS = {
  finished: (c: DossierKpiCounters) => c.finishedEarly + c.finishedOnTime + c.finishedLate,
  finishedNotLate: (c: DossierKpiCounters) => c.finishedEarly + c.finishedOnTime,
  open: (c: DossierKpiCounters) => c.openWithinDeadline + c.openOverdue,
  /** 766's "handled" (đã và đang xử lý): finished in the period plus open at its end. */
  handled: (c: DossierKpiCounters) => c.finishedEarly + c.finishedOnTime + c.finishedLate + c.openWithinDeadline + c.openOverdue,
  /** D3's numerator: finished early or on time, plus open within the deadline. */
  handledOnTime: (c: DossierKpiCounters) => c.finishedEarly + c.finishedOnTime + c.openWithinDeadline,
  /** D11's numerator: handled minus late, overdue and complained-about ones, each counted once. */
  handledSatisfied: (c: DossierKpiCounters) => c.finishedEarly + c.finishedOnTime + c.openWithinDeadline - c.handledComplained,
} as const;

export type DerivedDossierCounterName = keyof typeof DERIVED_DOSSIER_COUNTERS;

/** A base or derived dossier counter by name, as the metric catalogue names them. */
export function dossierCounterValue(c: DossierKpiCounters, name: DossierCounterName | DerivedDossierCounterName): number {
  return name in DERIVED_DOSSIER_COUNTERS ? DERIVED_DOSSIER_COUNTERS[name as DerivedDossierCounterName](c) : c[name as DossierCounterName];
}

const d = DERIVED_DOSSIER_COUNTERS;

/** D2 tỷ lệ giải quyết đúng hạn: finished early or on time / finished. */
export const onTimeResolution = (c: DossierKpiCounters): RatioKpi => ratioKpi(d.finishedNotLate(c), d.finished(c));

/** D3, the 766 processing rate: (finished early or on time + open within deadline) / (finished + open). */
export const processingRate766 = (c: DossierKpiCounters): RatioKpi => ratioKpi(d.handledOnTime(c), d.handled(c));

/** D5: overdue open / open. */
export const overdueShare = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.openOverdue, d.open(c));

/** D6: received online / received. */
export const onlineSubmission = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.receivedOnline, c.received);

/** D7: paid online / received with a fee. */
export const onlinePayment = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.paidOnline, c.receivedWithFee);

/** D8: digitised / received. */
export const digitisation = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.digitised, c.received);

/** D9: e-result issued / finished requiring a paper result. */
export const eResult = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.eResultIssued, c.finishedRequiringDocument);

/** D10: reused digitised data / received. */
export const dataReuse = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.reusedData, c.received);

/** D11, 766 5.4 satisfaction: (handled − late, overdue or complained about, each once) / handled. */
export const satisfaction766 = (c: DossierKpiCounters): RatioKpi => ratioKpi(d.handledSatisfied(c), d.handled(c));

/** D12: received with at least one supplementation request / received (↓ better). */
export const supplementation = (c: DossierKpiCounters): RatioKpi => ratioKpi(c.receivedWithSupplementRequest, c.received);
