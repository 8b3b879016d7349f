import type { Clock } from '@ioc/core';

/**
 * A clock that starts on a working Wednesday morning in Thái Nguyên and then runs at real speed. The simulated
 * dossier system keeps office hours, as the real one does: at night and at weekends almost nothing is received
 * or finished, so tests that need the source to move must not depend on when they run.
 */
export function workingMorningClock(start = '2026-03-11T09:00:00+07:00'): Clock {
  const offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
