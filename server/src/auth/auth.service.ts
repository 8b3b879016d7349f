import {
  AccountClosed,
  AccountLocked,
  CurrentPasswordWrong,
  DisplayTokenInvalid,
  Forbidden,
  InvalidCredentials,
  LOCKOUT,
  PasswordReused,
  SESSION_LIMITS,
  SessionExpired,
  TemporarilyLocked,
  activeLockUntil,
  afterLoginFailure,
  deleteAccountSessions,
  deleteExpiredSessions,
  deleteSession,
  findAccountByDisplayTokenHash,
  findAccountByUsername,
  findSession,
  insertSession,
  lockAccountForUpdate,
  notifySessionsEnded,
  passwordChangeDue,
  passwordExpiresAt,
  passwordProblem,
  recordLogin,
  saveLoginFailures,
  setPassword,
  touchSession,
  type Account,
  type ChangePasswordRequest,
  type Clock,
  type DashboardId,
  type Db,
  type IocError,
  type LoginRequest,
  type SessionInfo,
  type StoredSession,
} from '@ioc/core';
import { audit, type Actor } from '../audit/audit.service';
import type { Principal } from './principal';
import { hashPassword, randomToken, tokenHash, verifyNothing, verifyPassword } from './secrets';

/** Where a request comes from, for the session row and the audit log. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  /** The cookie's value; shown to nobody else and stored only as its sha256. */
  token: string;
  principal: Principal;
  info: SessionInfo;
}

/** A session's `last_seen_at` is written at most this often: one UPDATE a minute per active user, not per request. */
const TOUCH_AFTER_MILLISECONDS = 60_000;

export interface AuthServiceOptions {
  db: Db;
  clock: Clock;
}

/**
 * Signing in and out, sessions and password changes: the account rules of domain.md §1.3 applied at `clock.now()`.
 * Every outcome that matters (sign-in, failure, lockout, password change, sign-out, display pairing) is written to the
 * audit log in the transaction that changes the account or the session.
 */
export class AuthService {
  constructor(private readonly o: AuthServiceOptions) {}

  /**
   * Checks a user name and password and opens an interactive session. Unknown names, display devices and wrong
   * passwords get the same `auth.invalidCredentials`; a running lock is told before the password is even checked
   * (so guessing on cannot tell a right password), closed and admin-locked accounts only after a right one.
   */
  async login(body: LoginRequest, client: ClientInfo): Promise<SignedIn> {
    const username = body.username.trim().toLowerCase();
    const now = this.o.clock.now();
    const account = await findAccountByUsername(this.o.db, username);
    const attempt: Actor = { accountId: null, name: username.slice(0, 64), ip: client.ip };
    if (!account || !account.passwordHash) {
      await verifyNothing(body.password);
      await this.o.db.transaction((tx) =>
        audit(
          tx,
          now,
          attempt,
          'auth.loginFailed',
          { kind: 'account', id: account?.id ?? null },
          { reason: account ? 'noPassword' : 'unknownUser' },
        ),
      );
      throw InvalidCredentials.create({});
    }
    const lockEnd = activeLockUntil(account, now);
    if (lockEnd) {
      await this.o.db.transaction((tx) =>
        audit(tx, now, attempt, 'auth.loginFailed', { kind: 'account', id: account.id }, { reason: 'temporarilyLocked' }),
      );
      throw temporarilyLocked(lockEnd, now);
    }
    if (!(await verifyPassword(account.passwordHash, body.password))) {
      throw await this.recordFailure(account, attempt, 'auth.loginFailed', InvalidCredentials.create({}), null);
    }
    const refusal = account.closedAt ? AccountClosed.create({}) : account.adminLockedAt ? AccountLocked.create({}) : null;
    if (refusal) {
      await this.o.db.transaction((tx) =>
        audit(tx, now, attempt, 'auth.loginFailed', { kind: 'account', id: account.id }, { reason: refusal.code }),
      );
      throw refusal;
    }
    const signedIn = await this.openSession(account, 'interactive', null, client, now, 'auth.login');
    // Housekeeping on the sign-in path, which is rare: sessions past their absolute end.
    await deleteExpiredSessions(this.o.db, now);
    return signedIn;
  }

  /** Pairs a wall device by its token: a display session bound to its one dashboard, for a year unless revoked. */
  async pairDisplay(token: string, client: ClientInfo): Promise<SignedIn> {
    const now = this.o.clock.now();
    const account = await findAccountByDisplayTokenHash(this.o.db, tokenHash(token));
    if (!account || account.role !== 'display' || account.closedAt || account.adminLockedAt) {
      await this.o.db.transaction((tx) =>
        audit(
          tx,
          now,
          { accountId: null, name: account?.username ?? 'display', ip: client.ip },
          'auth.displayPairFailed',
          { kind: 'account', id: account?.id ?? null },
          { reason: !account ? 'unknownToken' : account.closedAt ? 'closed' : 'locked' },
        ),
      );
      if (account?.adminLockedAt && !account.closedAt) throw AccountLocked.create({});
      throw DisplayTokenInvalid.create({});
    }
    return this.openSession(account, 'display', (account.dashboard ?? 'wall') as DashboardId, client, now, 'auth.displayPaired');
  }

  /**
   * The principal behind a session token, or an error: `auth.sessionExpired` (unknown, ended, idle 30 min or past
   * 12 h), `auth.accountClosed`, `auth.accountLocked`. A used session counts as activity (written once a minute).
   */
  resolve(token: string): Promise<Principal> {
    return this.resolveHash(tokenHash(token));
  }

  async resolveHash(hash: string, options: { touch?: boolean } = {}): Promise<Principal> {
    const found = await findSession(this.o.db, hash);
    if (!found) throw SessionExpired.create({});
    const { session, account } = found;
    const now = this.o.clock.now();
    const idleEnd = idleExpiry(session);
    let ended: IocError | null = null;
    if (now >= session.expiresAt || (idleEnd && now >= idleEnd)) ended = SessionExpired.create({});
    else if (account.closedAt) ended = AccountClosed.create({});
    else if (account.adminLockedAt) ended = AccountLocked.create({});
    if (ended) {
      await deleteSession(this.o.db, hash);
      throw ended;
    }
    if ((options.touch ?? true) && now.getTime() - session.lastSeenAt.getTime() >= TOUCH_AFTER_MILLISECONDS) {
      await touchSession(this.o.db, hash, now);
      session.lastSeenAt = now;
    }
    return toPrincipal(account, session, now);
  }

  /**
   * Changes the signed-in person's password: the current one must be right (a wrong one counts as a failed sign-in,
   * so a stolen session cannot guess on), the new one must pass the policy and differ from the current one. The
   * person's other sessions end; this one goes on, now without the change requirement.
   */
  async changePassword(principal: Principal, body: ChangePasswordRequest, client: ClientInfo): Promise<SessionInfo> {
    const now = this.o.clock.now();
    const account = await findAccountByUsername(this.o.db, principal.username);
    if (!account?.passwordHash) throw Forbidden.create({ action: 'session.changePassword' });
    const lockEnd = activeLockUntil(account, now);
    if (lockEnd) throw temporarilyLocked(lockEnd, now);
    const actor: Actor = { accountId: account.id, name: account.username, ip: client.ip };
    if (!(await verifyPassword(account.passwordHash, body.current))) {
      throw await this.recordFailure(account, actor, 'auth.passwordChangeFailed', CurrentPasswordWrong.create({}), principal.tokenHash);
    }
    const problem = passwordProblem(body.new, account.username);
    if (problem) throw problem;
    if (await verifyPassword(account.passwordHash, body.new)) throw PasswordReused.create({});
    const hash = await hashPassword(body.new);
    await this.o.db.transaction(async (tx) => {
      await setPassword(tx, account.id, hash, now, null);
      const ended = await deleteAccountSessions(tx, account.id, principal.tokenHash);
      if (ended > 0) await notifySessionsEnded(tx, { accountId: account.id, keepTokenHash: principal.tokenHash });
      await audit(
        tx,
        now,
        actor,
        'auth.passwordChanged',
        { kind: 'account', id: account.id },
        { reason: principal.passwordChangeRequired ?? 'voluntary', otherSessionsEnded: ended },
      );
    });
    return sessionInfo(await this.resolveHash(principal.tokenHash));
  }

  /** Ends this session (and tells every server process to close its live sockets). */
  async logout(principal: Principal, client: ClientInfo): Promise<void> {
    const now = this.o.clock.now();
    await this.o.db.transaction(async (tx) => {
      await deleteSession(tx, principal.tokenHash);
      await notifySessionsEnded(tx, { accountId: principal.accountId, tokenHashes: [principal.tokenHash] });
      await audit(
        tx,
        now,
        { accountId: principal.accountId, name: principal.username, ip: client.ip },
        'auth.logout',
        { kind: 'account', id: principal.accountId },
        { session: principal.sessionKind },
      );
    });
  }

  private async openSession(
    account: Account,
    kind: StoredSession['kind'],
    dashboard: DashboardId | null,
    client: ClientInfo,
    now: Date,
    action: string,
  ): Promise<SignedIn> {
    const token = randomToken(32);
    const session: StoredSession = {
      tokenHash: tokenHash(token),
      accountId: account.id,
      kind,
      dashboard,
      csrfToken: randomToken(24),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + (kind === 'display' ? SESSION_LIMITS.displayMilliseconds : SESSION_LIMITS.absoluteMilliseconds)),
    };
    await this.o.db.transaction(async (tx) => {
      await recordLogin(tx, account.id, now);
      await insertSession(tx, { ...session, ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null });
      await audit(
        tx,
        now,
        { accountId: account.id, name: account.username, ip: client.ip },
        action,
        { kind: 'account', id: account.id },
        {
          session: kind,
        },
      );
    });
    const principal = toPrincipal(account, session, now);
    return { token, principal, info: sessionInfo(principal) };
  }

  /**
   * Counts a wrong password (5 in 15 minutes lock for 15 minutes) and returns the error to answer with: `failure`,
   * or `auth.temporarilyLocked` when this one locked the account. `endSession`: the session that guessed, ended
   * with the lock (a password change attempted from a session).
   */
  private async recordFailure(
    account: Account,
    actor: Actor,
    action: string,
    failure: IocError,
    endSession: string | null,
  ): Promise<IocError> {
    const now = this.o.clock.now();
    const next = await this.o.db.transaction(async (tx) => {
      const current = (await lockAccountForUpdate(tx, account.id)) ?? account;
      const state = afterLoginFailure(current, now);
      await saveLoginFailures(tx, account.id, state);
      if (state.lockedNow && endSession) {
        await deleteSession(tx, endSession);
        await notifySessionsEnded(tx, { accountId: account.id, tokenHashes: [endSession] });
      }
      await audit(
        tx,
        now,
        actor,
        state.lockedNow ? 'auth.lockedOut' : action,
        { kind: 'account', id: account.id },
        { reason: 'wrongPassword', failures: state.lockedNow ? LOCKOUT.maxFailures : state.failedLoginCount },
      );
      return state;
    });
    return next.lockedNow && next.lockedUntil ? temporarilyLocked(next.lockedUntil, now) : failure;
  }
}

function temporarilyLocked(until: Date, now: Date): IocError {
  return TemporarilyLocked.create({
    failures: LOCKOUT.maxFailures,
    minutes: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000)),
    lockedUntil: until.toISOString(),
  });
}

function idleExpiry(session: Pick<StoredSession, 'kind' | 'lastSeenAt'>): Date | null {
  return session.kind === 'interactive' ? new Date(session.lastSeenAt.getTime() + SESSION_LIMITS.idleMilliseconds) : null;
}

function toPrincipal(account: Account, session: StoredSession, now: Date): Principal {
  return {
    accountId: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    scope: { unitCode: account.scopeUnitCode, agencyCode: account.scopeAgencyCode },
    sessionKind: session.kind,
    dashboard: session.kind === 'display' ? ((session.dashboard ?? 'wall') as DashboardId) : null,
    passwordChangeRequired: passwordChangeDue(account, now),
    passwordExpiresAt: account.role !== 'display' && account.passwordChangedAt ? passwordExpiresAt(account.passwordChangedAt) : null,
    tokenHash: session.tokenHash,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
    idleExpiresAt: idleExpiry(session),
  };
}

/** What the web app is told about its session (`GET /api/auth/me` and every sign-in). */
export function sessionInfo(p: Principal): SessionInfo {
  return {
    user: {
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      scope: p.scope,
      passwordChangeRequired: p.passwordChangeRequired,
      passwordExpiresAt: p.passwordExpiresAt?.toISOString() ?? null,
      dashboard: p.dashboard,
    },
    csrfToken: p.csrfToken,
    session: {
      kind: p.sessionKind,
      expiresAt: p.expiresAt.toISOString(),
      idleTimeoutSeconds: p.sessionKind === 'interactive' ? SESSION_LIMITS.idleMilliseconds / 1000 : null,
    },
  };
}
