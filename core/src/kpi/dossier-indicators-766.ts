import { DERIVED_DOSSIER_COUNTERS, type DossierKpiCounters } from './dossier-kpis';
import type { Ratio } from './ratio';
import type { Indicator766Id } from './service-index-766';

/**
 * Counters only the 766 estimate needs, from fields a dossier source may not provide. Undefined means "the source
 * does not tell us" and makes the indicator no data; 0 would score it as 0 points, which would be false.
 */
export interface Dossier766Counters {
  /** 1.4: received dossiers synced to the Cổng DVCQG [001 Art 5.4]. */
  syncedToNationalPortal?: number;
  /**
   * 2.1: dossiers counted on time in D3 that had ≥2 supplementation requests; 766 counts them as overdue.
   * Undefined here means the rule cannot be applied, and 2.1 equals D3.
   */
  handledOnTimeWithRepeatedSupplements?: number;
  /** 4.4: received dossiers using the personal data store, or whose e-result was synced to it [001 Art 10]. */
  personalStoreLinked?: number;
  /** 4.5b: received dossiers authenticated through VNeID. */
  vneidAuthenticated?: number;
}

/**
 * The 766 indicators the dossier system's counters give (domain.md §3.2, column "IOC"): 1.4, 2.1 (= D3 with the
 * repeated-supplement rule), 3.6 (= D7), 4.1 (= D9), 4.2 (= D8), 4.3 (= D10), 4.4, 4.5b and 5.4 (= D11). The
 * others come from the KPI feed or the national TTHC database; merge them in before calling `serviceIndex766`.
 */
export function dossierIndicators766(c: DossierKpiCounters & Dossier766Counters): Partial<Record<Indicator766Id, Ratio>> {
  const d = DERIVED_DOSSIER_COUNTERS;
  const out: Partial<Record<Indicator766Id, Ratio>> = {
    '2.1': { numerator: d.handledOnTime(c) - (c.handledOnTimeWithRepeatedSupplements ?? 0), denominator: d.handled(c) },
    '3.6': { numerator: c.paidOnline, denominator: c.receivedWithFee },
    '4.1': { numerator: c.eResultIssued, denominator: c.finishedRequiringDocument },
    '4.2': { numerator: c.digitised, denominator: c.received },
    '4.3': { numerator: c.reusedData, denominator: c.received },
    '5.4': { numerator: d.handledSatisfied(c), denominator: d.handled(c) },
  };
  if (c.syncedToNationalPortal !== undefined) out['1.4'] = { numerator: c.syncedToNationalPortal, denominator: c.received };
  if (c.personalStoreLinked !== undefined) out['4.4'] = { numerator: c.personalStoreLinked, denominator: c.received };
  if (c.vneidAuthenticated !== undefined) out['4.5b'] = { numerator: c.vneidAuthenticated, denominator: c.received };
  return out;
}
