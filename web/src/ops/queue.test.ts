import { describe, expect, it } from 'vitest';
import {
  ageMinutes,
  buildQueue,
  FRESH_MILLISECONDS,
  filtersFromQuery,
  filtersToQuery,
  freshIds,
  minutesUntil,
  queueAgencyCodes,
} from './queue';
import { durationParts, formatDateTime } from './ops-format';
import { makeAlert, makeIncident } from './ops-factories';

describe('buildQueue', () => {
  const incident = makeIncident({ severity: 'warning', agencyCode: 'SYT', openedAt: '2026-11-25T01:00:00.000Z', linkedIds: ['d1', 'd2'] });
  const critical = makeIncident({
    severity: 'critical',
    agencyCode: 'STP',
    assignedAgencyCode: 'SYT',
    state: 'assigned',
    openedAt: '2026-11-24T01:00:00.000Z',
  });
  const grouped = makeAlert({ incidentId: incident.id, count: 2 });
  const loose = makeAlert({ severity: 'warning', agencyCode: 'SNV', count: 7, firedAt: '2026-11-25T02:00:00.000Z' });

  it('shows incidents and the alerts that opened none, critical first then newest; records counted', () => {
    const q = buildQueue([incident, critical], [grouped, loose], { state: null, severity: null, agency: null });
    expect(q.map((i) => [i.kind, i.id, i.records])).toEqual([
      ['incident', critical.id, 0],
      ['alert', loose.id, 7],
      ['incident', incident.id, 2],
    ]);
  });

  it('filters by state, severity, and agency (the one concerned or the one assigned)', () => {
    const all = [incident, critical];
    expect(buildQueue(all, [loose], { state: 'assigned', severity: null, agency: null }).map((i) => i.id)).toEqual([critical.id]);
    expect(buildQueue(all, [loose], { state: 'alert', severity: null, agency: null }).map((i) => i.id)).toEqual([loose.id]);
    expect(buildQueue(all, [loose], { state: null, severity: 'warning', agency: null }).map((i) => i.id)).toEqual([loose.id, incident.id]);
    expect(buildQueue(all, [loose], { state: null, severity: null, agency: 'SYT' }).map((i) => i.id)).toEqual([critical.id, incident.id]);
  });
});

describe('queue filters in the address', () => {
  it('reads known values, ignores unknown ones, and writes back only those set, keeping other keys', () => {
    const f = filtersFromQuery({ state: 'open', severity: 'loud', agency: 'SYT', incident: 'x' });
    expect(f).toEqual({ state: 'open', severity: null, agency: 'SYT' });
    expect(filtersToQuery(f, { incident: 'x', state: 'closed' })).toEqual({ incident: 'x', state: 'open', agency: 'SYT' });
  });
});

describe('queueAgencyCodes', () => {
  it('offers each agency concerned, assigned or alerted once, and keeps the one filtered on even when nothing lists it', () => {
    const incidents = [
      makeIncident({ agencyCode: 'STP', assignedAgencyCode: 'SYT' }),
      makeIncident({ agencyCode: 'SYT', assignedAgencyCode: null }),
      makeIncident({ agencyCode: null, assignedAgencyCode: null }),
    ];
    const alerts = [makeAlert({ agencyCode: 'SNV' }), makeAlert({ agencyCode: null })];
    expect(queueAgencyCodes(incidents, alerts, { state: null, severity: null, agency: null }).sort()).toEqual(['SNV', 'STP', 'SYT']);
    expect(queueAgencyCodes([], [], { state: null, severity: null, agency: 'SGD' })).toEqual(['SGD']);
  });
});

describe('freshIds', () => {
  it('marks what either store changed less than FRESH_MILLISECONDS ago, and no longer once that has passed', () => {
    const now = new Date('2026-11-25T03:00:00.000Z');
    const at = (ago: number) => now.getTime() - ago;
    const incidents = { 'inc-new': at(1_000), 'inc-old': at(FRESH_MILLISECONDS) };
    const alerts = { 'alert-new': at(FRESH_MILLISECONDS - 1) };
    expect([...freshIds([incidents, alerts], now)].sort()).toEqual(['alert-new', 'inc-new']);
    expect(freshIds([incidents, alerts], new Date(now.getTime() + FRESH_MILLISECONDS)).size).toBe(0);
  });
});

describe('times', () => {
  const now = new Date('2026-11-25T03:00:30.000Z');
  it('age in whole minutes, deadline rounded towards it', () => {
    expect(ageMinutes('2026-11-25T02:48:00.000Z', now)).toBe(12);
    expect(minutesUntil('2026-11-25T03:10:00.000Z', now)).toBe(10);
    expect(minutesUntil('2026-11-25T02:59:00.000Z', now)).toBe(-2);
  });
  it('durations split into days, hours, minutes', () => {
    expect(durationParts(12)).toEqual({ key: 'minutes', d: 0, h: 0, m: 12 });
    expect(durationParts(125)).toEqual({ key: 'hours', d: 0, h: 2, m: 5 });
    expect(durationParts(1500)).toEqual({ key: 'days', d: 1, h: 1, m: 0 });
  });
  it('dates as dd/MM/yyyy HH:mm in the province’s zone', () => {
    expect(formatDateTime('2026-11-24T17:05:00.000Z')).toBe('25/11/2026 00:05');
    expect(formatDateTime('2026-11-25T13:45:00.000Z')).toBe('25/11/2026 20:45');
  });
});
