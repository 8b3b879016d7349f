import { ratioKpi, type RatioKpi } from './ratio';

/** The counters document KPIs are built from, for one agency and period (domain.md §3.3). */
export const DOCUMENT_COUNTER_NAMES = [
  /** V6's denominator: incoming documents received in the period. */
  'received',
  /** V6: of those, registered in time (`documentRegistrationDueAt`) [003 Art 7.1; NĐ 30/2020 Art 4.2.c]. */
  'registeredOnTime',
  /** V1's denominator: incoming documents completed in the period that had a deadline. */
  'completedWithDeadline',
  /** V1: of those, completed with `completed_at ≤ deadline_at` [003 Art 9.1]. */
  'completedOnTime',
  /** V2: open incoming documents past `deadline_at` at the period's end. */
  'openOverdue',
  /** Outgoing documents issued in the period. */
  'issued',
  /** Of those, exempt from a digital signature (complaint, dispute, denunciation) [003 Art 3.5]. */
  'issuedExempt',
  /** V4: issued, not exempt, and digitally signed [003 Art 5]. */
  'issuedSigned',
  /** V5: issued and sent on the system [003 Art 6]. */
  'issuedElectronically',
] as const;

export type DocumentCounterName = (typeof DOCUMENT_COUNTER_NAMES)[number];
export type DocumentKpiCounters = Record<DocumentCounterName, number>;

export const ZERO_DOCUMENT_COUNTERS: DocumentKpiCounters = Object.fromEntries(
  DOCUMENT_COUNTER_NAMES.map((n) => [n, 0]),
) as DocumentKpiCounters;

export const DERIVED_DOCUMENT_COUNTERS = {
  /** V4's denominator: issued and not exempt. */
  issuedNotExempt: (c: DocumentKpiCounters) => c.issued - c.issuedExempt,
} as const;

export type DerivedDocumentCounterName = keyof typeof DERIVED_DOCUMENT_COUNTERS;

export function documentCounterValue(c: DocumentKpiCounters, name: DocumentCounterName | DerivedDocumentCounterName): number {
  return name in DERIVED_DOCUMENT_COUNTERS
    ? DERIVED_DOCUMENT_COUNTERS[name as DerivedDocumentCounterName](c)
    : c[name as DocumentCounterName];
}

/** V1 on-time processing: completed by the deadline / completed with a deadline. */
export const documentOnTimeProcessing = (c: DocumentKpiCounters): RatioKpi => ratioKpi(c.completedOnTime, c.completedWithDeadline);

/** V4 digitally signed share: issued and signed / issued and not exempt. A week with nothing issued is no data. */
export const signedShare = (c: DocumentKpiCounters): RatioKpi => ratioKpi(c.issuedSigned, DERIVED_DOCUMENT_COUNTERS.issuedNotExempt(c));

/** V5 electronic sending: issued electronically / issued. */
export const electronicSending = (c: DocumentKpiCounters): RatioKpi => ratioKpi(c.issuedElectronically, c.issued);

/** V6 timely registration: registered in time / received. */
export const timelyRegistration = (c: DocumentKpiCounters): RatioKpi => ratioKpi(c.registeredOnTime, c.received);
