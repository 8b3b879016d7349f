import type { AlertView, IncidentDetail, IncidentSummary } from '@ioc/core';

let next = 0;
const freshId = (prefix: string) => `${prefix}-${(next += 1).toString().padStart(4, '0')}`;

/** An incident summary with defaults and a fresh id (tests only). */
export function makeIncident(over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: freshId('inc'),
    ruleId: 'SLA-01',
    title: { vi: 'Hồ sơ quá hạn chưa giải quyết: SYT', en: 'Overdue dossiers not settled: SYT' },
    dedupKey: 'SLA-01|SYT',
    state: 'open',
    severity: 'warning',
    agencyCode: 'SYT',
    unitCode: '19',
    assignedAgencyCode: null,
    openedAt: '2026-11-25T02:00:00.000Z',
    ackDueAt: '2026-11-25T06:00:00.000Z',
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    escalations: 0,
    alertIds: [],
    linkedIds: [],
    ...over,
  };
}

export function makeIncidentDetail(over: Partial<IncidentDetail> = {}): IncidentDetail {
  return { ...makeIncident(over), checklist: [], timeline: [], ...over };
}

/** An alert view with defaults and a fresh id (tests only). */
export function makeAlert(over: Partial<AlertView> = {}): AlertView {
  return {
    id: freshId('alert'),
    ruleId: 'SLA-01',
    ruleName: { vi: 'Hồ sơ quá hạn chưa giải quyết', en: 'Overdue dossiers not settled' },
    dedupKey: 'SLA-01|SYT',
    state: 'firing',
    severity: 'warning',
    agencyCode: 'SYT',
    unitCode: '19',
    labels: {},
    count: 1,
    silenced: false,
    startedAt: '2026-11-25T02:00:00.000Z',
    firedAt: '2026-11-25T02:00:00.000Z',
    resolvedAt: null,
    lastEvaluatedAt: '2026-11-25T02:00:00.000Z',
    incidentId: null,
    ...over,
  };
}
