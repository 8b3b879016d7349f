import { describe, expect, it } from 'vitest';
import {
  accountState,
  afterLoginFailure,
  passwordChangeDue,
  passwordExpiresAt,
  type AccountFacts,
  type LoginFailureState,
} from './account-rules';

const at = (iso: string) => new Date(iso);
const fresh: LoginFailureState = { failedLoginCount: 0, firstFailedLoginAt: null, lockedUntil: null };

describe('afterLoginFailure', () => {
  // Each step: minutes after the first failure, then the expected count, lock state.
  it.each([
    ['five failures within 15 minutes lock for 15 minutes from the fifth', [0, 1, 2, 3, 14], [1, 2, 3, 4, 0], '2026-03-11T03:29:00.000Z'],
    ['the window starts again after 15 minutes', [0, 1, 2, 3, 15], [1, 2, 3, 4, 1], null],
    ['one failure a minute is locked at the fifth', [0, 1, 2, 3, 4], [1, 2, 3, 4, 0], '2026-03-11T03:19:00.000Z'],
  ])('%s', (_name, minutes, counts, lockedUntil) => {
    let state = fresh;
    let lockedNow = false;
    minutes.forEach((m, i) => {
      const next = afterLoginFailure(state, new Date(Date.parse('2026-03-11T03:00:00.000Z') + m * 60_000));
      expect(next.failedLoginCount, `after failure ${i + 1}`).toBe(counts[i]);
      lockedNow = next.lockedNow;
      state = next;
    });
    expect(lockedNow).toBe(lockedUntil !== null);
    expect(state.lockedUntil?.toISOString() ?? null).toBe(lockedUntil);
  });
});

describe('passwordExpiresAt', () => {
  it.each([
    ['2026-03-11T03:00:00.000Z', '2026-09-11T03:00:00.000Z'],
    // 31 August + 6 months is the last day of February, in the province's calendar.
    ['2026-08-31T05:00:00.000Z', '2027-02-28T05:00:00.000Z'],
    // 23:30 on 31 Dec in Hà Nội is 16:30 UTC: the provincial date decides the month, not UTC's.
    ['2026-12-31T16:30:00.000Z', '2027-06-30T16:30:00.000Z'],
  ])('%s → %s', (changed, expires) => {
    expect(passwordExpiresAt(at(changed)).toISOString()).toBe(expires);
  });
});

const person = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  role: 'viewer',
  passwordChangedAt: at('2026-03-11T03:00:00.000Z'),
  passwordChangeRequired: null,
  adminLockedAt: null,
  closedAt: null,
  ...fresh,
  ...over,
});

describe('passwordChangeDue and accountState', () => {
  it.each([
    [
      'a first-login password',
      person({ passwordChangeRequired: 'firstLogin' }),
      '2026-03-11T04:00:00Z',
      'firstLogin',
      'passwordChangeRequired',
    ],
    ['a reset password', person({ passwordChangeRequired: 'reset' }), '2026-03-11T04:00:00Z', 'reset', 'passwordChangeRequired'],
    ['a password a minute short of 6 months', person(), '2026-09-11T02:59:00Z', null, 'active'],
    ['a password 6 months old', person(), '2026-09-11T03:00:00Z', 'expired', 'passwordChangeRequired'],
    [
      'a display device, which has no password',
      person({ role: 'display', passwordChangedAt: null }),
      '2030-01-01T00:00:00Z',
      null,
      'active',
    ],
    ['a running lock', person({ lockedUntil: at('2026-03-11T03:15:00Z') }), '2026-03-11T03:14:59Z', null, 'temporarilyLocked'],
    ['a lock that ran out', person({ lockedUntil: at('2026-03-11T03:15:00Z') }), '2026-03-11T03:15:00Z', null, 'active'],
    [
      'an admin lock',
      person({ adminLockedAt: at('2026-03-11T03:00:00Z'), passwordChangeRequired: 'reset' }),
      '2026-03-12T00:00:00Z',
      'reset',
      'locked',
    ],
    [
      'a closed account',
      person({ closedAt: at('2026-03-11T03:00:00Z'), adminLockedAt: at('2026-03-11T03:00:00Z') }),
      '2026-03-12T00:00:00Z',
      null,
      'closed',
    ],
  ] as const)('%s', (_name, account, now, due, state) => {
    expect(passwordChangeDue(account, at(now))).toBe(due);
    expect(accountState(account, at(now))).toBe(state);
  });
});
