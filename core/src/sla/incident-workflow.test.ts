import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../calendar/load-calendar';
import type { IncidentStateName } from '../contracts/alerts';
import { IocError } from '../errors/define-error';
import { ackDueAt, ackOverdue, nextIncidentState, raisedSeverity, type IncidentAction } from './incident-workflow';

const calendar = await loadWorkingCalendar();

function outcome(state: IncidentStateName, action: IncidentAction, assignedAgencyCode: string | null = null): string {
  try {
    return nextIncidentState({ id: 'i-1', state, assignedAgencyCode }, action);
  } catch (err) {
    if (err instanceof IocError) return `${err.status} ${err.code}`;
    throw err;
  }
}

describe('nextIncidentState', () => {
  it.each<[IncidentStateName, IncidentAction, string | null, string]>([
    ['open', 'ack', null, 'acknowledged'],
    ['acknowledged', 'ack', null, '409 incident.transitionInvalid'],
    ['open', 'assign', null, '409 incident.transitionInvalid'],
    ['acknowledged', 'assign', null, 'assigned'],
    ['assigned', 'assign', 'SYT', 'assigned'],
    ['in_progress', 'assign', 'SYT', 'assigned'],
    ['acknowledged', 'progress', null, '409 incident.transitionInvalid'],
    ['assigned', 'progress', 'SYT', 'in_progress'],
    ['in_progress', 'progress', 'SYT', 'in_progress'],
    ['open', 'resolve', null, '409 incident.transitionInvalid'],
    ['in_progress', 'resolve', 'SYT', 'resolved'],
    ['acknowledged', 'resolve', null, 'resolved'],
    ['resolved', 'resolve', 'SYT', '409 incident.alreadyResolved'],
    ['closed', 'ack', 'SYT', '409 incident.alreadyResolved'],
    ['resolved', 'progress', 'SYT', '409 incident.alreadyResolved'],
    ['in_progress', 'close', 'SYT', '409 incident.transitionInvalid'],
    ['resolved', 'close', 'SYT', 'closed'],
    ['closed', 'close', 'SYT', '409 incident.transitionInvalid'],
    ['resolved', 'reopen', 'SYT', 'assigned'],
    ['closed', 'reopen', null, 'acknowledged'],
    ['in_progress', 'reopen', 'SYT', '409 incident.transitionInvalid'],
    ['closed', 'comment', 'SYT', 'closed'],
    ['open', 'comment', null, 'open'],
    ['resolved', 'checklist', 'SYT', 'resolved'],
    ['closed', 'checklist', 'SYT', '409 incident.alreadyResolved'],
  ])('%s + %s (assigned to %s) → %s', (state, action, assigned, expected) => {
    expect(outcome(state, action, assigned)).toBe(expected);
  });
});

describe('escalation of an unacknowledged incident', () => {
  it('raises the severity one step, and no further than critical', () => {
    expect([raisedSeverity('info'), raisedSeverity('warning'), raisedSeverity('critical')]).toEqual(['warning', 'critical', 'critical']);
  });

  it.each([
    ['within one morning session', '2026-03-11T07:30:00+07:00', '2026-03-11T11:30:00+07:00'],
    ['Wednesday 13:30: 3.5 h that afternoon, 0.5 h Thursday', '2026-03-11T13:30:00+07:00', '2026-03-12T08:00:00+07:00'],
    ['Friday 16:00 over the weekend: 1 h Friday, 3 h Monday', '2026-03-06T16:00:00+07:00', '2026-03-09T10:30:00+07:00'],
    ['Friday 13/02/2026 16:00 across Tết (16–20/02 off): Monday 23/02 10:30', '2026-02-13T16:00:00+07:00', '2026-02-23T10:30:00+07:00'],
    ['opened at night: from the next opening', '2026-03-10T22:00:00+07:00', '2026-03-11T11:30:00+07:00'],
  ])('the acknowledgement deadline of 4 working hours, %s', (_name, openedAt, due) => {
    expect(ackDueAt(calendar, new Date(openedAt), 4).toISOString()).toBe(new Date(due).toISOString());
  });

  it('is due at the deadline itself, not a moment before, and only while open', () => {
    const due = new Date('2026-03-09T10:30:00+07:00');
    expect(ackOverdue({ state: 'open', ackDueAt: due }, new Date(due.getTime() - 1))).toBe(false);
    expect(ackOverdue({ state: 'open', ackDueAt: due }, due)).toBe(true);
    expect(ackOverdue({ state: 'acknowledged', ackDueAt: due }, new Date(due.getTime() + 3_600_000))).toBe(false);
  });
});
