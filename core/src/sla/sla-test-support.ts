import type { SlaDossier } from './dossier-sla';
import type { SlaSnapshot } from './evaluate-rules';
import { AlertRuleSchema, type AlertRule } from './rule.schema';

/** An instant given in province time: `at('2026-03-10T17:00')`. */
export const at = (local: string): Date => new Date(`${local}+07:00`);

let sequence = 0;

/** An open dossier of STP, in progress, due Tuesday 10/03/2026 17:00; fresh id each call. */
export function makeSlaDossier(overrides: Partial<SlaDossier> = {}): SlaDossier {
  sequence += 1;
  return {
    source_system: 'dvc',
    source_id: `D${String(sequence).padStart(5, '0')}`,
    status: 'in_progress',
    received_at: at('2026-03-02T09:00'),
    due_at: at('2026-03-10T17:00'),
    apology_issued_at: null,
    supplement_periods: [],
    handling_agency_code: 'STP',
    receiving_unit_code: 'STP',
    unit_code: '05443',
    ...overrides,
  };
}

export function makeSnapshot(overrides: Partial<SlaSnapshot> = {}): SlaSnapshot {
  return { dossiers: [], metrics: [], sources: [], agencyUnitCodes: new Map([['STP', '19']]), ...overrides };
}

/** A rule as a rule file would write it (durations as text), validated; `sop` and names filled in. */
export function makeRule(fields: Record<string, unknown>): AlertRule {
  return AlertRuleSchema.parse({
    name: { vi: 'Quy tắc thử', en: 'Test rule' },
    basis: '[test]',
    severity: 'warning',
    sop: [{ vi: 'Xử lý', en: 'Handle it' }],
    ...fields,
  });
}
