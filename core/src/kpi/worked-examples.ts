import { ZERO_DOSSIER_COUNTERS, type DossierKpiCounters } from './dossier-kpis';

/** Dossier counters with zeros for everything not given: a factory for tests and examples. */
export const makeDossierCounters = (overrides: Partial<DossierKpiCounters> = {}): DossierKpiCounters => ({
  ...ZERO_DOSSIER_COUNTERS,
  ...overrides,
});

/**
 * Agency X, March 2026, the worked example of domain.md §3.1 and §3.2: 20 received (11 online, 8 in person, 1 by
 * post); 16 finished (9 early, 4 on time, 3 late); 10 open (8 within deadline, 2 overdue); 12 with a fee, 9 paid
 * online; 15 digitised, 6 with reuse; 1 non-late dossier with feedback.
 */
export const AGENCY_X_MARCH_2026: DossierKpiCounters = makeDossierCounters({
  received: 20,
  receivedOnline: 11,
  receivedWithFee: 12,
  paidOnline: 9,
  digitised: 15,
  reusedData: 6,
  finishedEarly: 9,
  finishedOnTime: 4,
  finishedLate: 3,
  openWithinDeadline: 8,
  openOverdue: 2,
  handledComplained: 1,
});
