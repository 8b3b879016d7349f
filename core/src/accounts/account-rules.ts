import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import { PROVINCE_TIME_ZONE } from '../time/province-time';
import type { PasswordChangeReason } from '../contracts/auth';
import type { AccountState } from '../contracts/users';

/**
 * Account rules of domain.md §1.3 as pure functions of the stored state and `now`.
 * Lockout is not in the seeds (security level 3, 001 Art 11.1): 5 failures within 15 minutes lock for 15 minutes [P].
 */
export const LOCKOUT = { maxFailures: 5, windowMilliseconds: 15 * 60_000, lockMilliseconds: 15 * 60_000 } as const;

/** 000 Art 5.6: change the password at least every 6 months. */
export const PASSWORD_MAX_AGE_MONTHS = 6;

/** Interactive sessions end after 30 min without a request, and 12 h after sign-in at the latest; walls after a year. */
export const SESSION_LIMITS = {
  idleMilliseconds: 30 * 60_000,
  absoluteMilliseconds: 12 * 3600_000,
  displayMilliseconds: 365 * 24 * 3600_000,
} as const;

export interface LoginFailureState {
  failedLoginCount: number;
  firstFailedLoginAt: Date | null;
  lockedUntil: Date | null;
}

/** The end of a lock from repeated failures that is still running at `now`, else null. */
export function activeLockUntil(state: Pick<LoginFailureState, 'lockedUntil'>, now: Date): Date | null {
  return state.lockedUntil && state.lockedUntil.getTime() > now.getTime() ? state.lockedUntil : null;
}

/**
 * The state after one more wrong password at `now`. Failures count within a 15-minute window from the first one;
 * the 5th in the window locks the account for 15 minutes and starts the count again.
 */
export function afterLoginFailure(state: LoginFailureState, now: Date): LoginFailureState & { lockedNow: boolean } {
  const windowOpen = state.firstFailedLoginAt !== null && now.getTime() - state.firstFailedLoginAt.getTime() < LOCKOUT.windowMilliseconds;
  const failedLoginCount = windowOpen ? state.failedLoginCount + 1 : 1;
  const firstFailedLoginAt = windowOpen ? state.firstFailedLoginAt : now;
  if (failedLoginCount >= LOCKOUT.maxFailures) {
    return {
      failedLoginCount: 0,
      firstFailedLoginAt: null,
      lockedUntil: new Date(now.getTime() + LOCKOUT.lockMilliseconds),
      lockedNow: true,
    };
  }
  return { failedLoginCount, firstFailedLoginAt, lockedUntil: state.lockedUntil, lockedNow: false };
}

/** Six calendar months after the password was set, counted on the provincial calendar. */
export function passwordExpiresAt(passwordChangedAt: Date): Date {
  return new Date(addMonths(new TZDate(passwordChangedAt.getTime(), PROVINCE_TIME_ZONE), PASSWORD_MAX_AGE_MONTHS).getTime());
}

export interface AccountFacts extends LoginFailureState {
  role: string;
  passwordChangedAt: Date | null;
  passwordChangeRequired: 'firstLogin' | 'reset' | null;
  adminLockedAt: Date | null;
  closedAt: Date | null;
}

/** Why the password must be changed now, or null: a first-login or reset password, or one older than 6 months. */
export function passwordChangeDue(account: AccountFacts, now: Date): PasswordChangeReason | null {
  if (account.role === 'display') return null;
  if (account.passwordChangeRequired) return account.passwordChangeRequired;
  if (account.passwordChangedAt && now.getTime() >= passwordExpiresAt(account.passwordChangedAt).getTime()) return 'expired';
  return null;
}

/** The one state an administrator sees, most severe first. */
export function accountState(account: AccountFacts, now: Date): AccountState {
  if (account.closedAt) return 'closed';
  if (account.adminLockedAt) return 'locked';
  if (activeLockUntil(account, now)) return 'temporarilyLocked';
  if (passwordChangeDue(account, now)) return 'passwordChangeRequired';
  return 'active';
}
