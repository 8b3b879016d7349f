import {
  AccountExists,
  AccountHasActed,
  AccountIsClosed,
  AccountNotFound,
  AccountSelfAction,
  RoleNotForPassword,
  ScopeRequired,
  accountHasActed,
  accountState,
  closeAccount,
  countAccounts,
  deleteAccount,
  deleteAccountSessions,
  findAccountByUsername,
  insertAccount,
  listAccounts,
  lockAccountForUpdate,
  notifySessionsEnded,
  passwordProblem,
  saveLoginFailures,
  scopeKey,
  setAdminLock,
  setDisplayToken,
  setPassword,
  type Account,
  type Clock,
  type CreateUserRequest,
  type Db,
  type IssuedCredential,
  type Queryable,
  type Role,
  type Scope,
  type ScopeIndex,
  type UserActionRequest,
  type UserView,
} from '@ioc/core';
import { audit, SYSTEM_ACTOR, type Actor } from '../audit/audit.service';
import { generateDisplayToken, generatePassword, hashPassword, tokenHash } from '../auth/secrets';
import type { Action, Policy } from '../policy/policy';

export interface UsersServiceOptions {
  db: Db;
  clock: Clock;
  scopes: ScopeIndex;
  policy: Policy;
}

/** One of the accounts `ioc start` creates on a fresh store, with its secret (shown once, never stored in clear). */
export interface FirstAccount {
  username: string;
  role: Role;
  scope: Scope;
  password?: string;
  displayToken?: string;
}

/** The accounts of a fresh store, one per role (design decision of issue [D]); `soyte` is Sở Y tế's department. */
const FIRST_ACCOUNTS: readonly { username: string; role: Role; displayName: string; scope?: string }[] = [
  { username: 'admin', role: 'admin', displayName: 'Quản trị hệ thống' },
  { username: 'lanhdao', role: 'leader', displayName: 'Lãnh đạo UBND tỉnh' },
  { username: 'vanhanh', role: 'operator', displayName: 'Cán bộ vận hành IOC' },
  { username: 'soyte', role: 'department', displayName: 'Sở Y tế', scope: 'SYT' },
  { username: 'xem', role: 'viewer', displayName: 'Người xem' },
  { username: 'manhinh', role: 'display', displayName: 'Màn hình tường phòng điều hành' },
];

/** Seeding runs once per store, across processes: whoever holds this lock decides whether the store is fresh. */
const SEED_LOCK_KEY = 72_019_003;

const AUDIT_ACTIONS = {
  'user.lock': 'account.locked',
  'user.unlock': 'account.unlocked',
  'user.close': 'account.closed',
  'user.reset': 'account.reset',
} as const;

const scopeOf = (a: Account): Scope => ({ unitCode: a.scopeUnitCode, agencyCode: a.scopeAgencyCode });

/**
 * Account administration (domain.md §1.3): admins create accounts and lock, unlock, close, reset or delete them
 * within their own scope; the command line may do all of it. Every action is audited with the written request's
 * reference, in the transaction that makes the change. Ending an account's access ends its sessions at once, live
 * sockets included (through the sessions NOTIFY channel).
 */
export class UsersService {
  constructor(private readonly o: UsersServiceOptions) {}

  /** The accounts within the actor's scope, by user name. */
  async list(actor: Actor): Promise<UserView[]> {
    this.allow(actor, 'user.list');
    const now = this.o.clock.now();
    const all = await listAccounts(this.o.db);
    return all.filter((a) => !actor.principal || this.o.scopes.contains(actor.principal.scope, scopeOf(a))).map((a) => this.view(a, now));
  }

  /**
   * Creates an account. People get a first-login password (the given one, which must pass the policy, or a
   * generated one), display devices a pairing token; either is returned here once and stored only as a hash.
   * A department account must name its agency.
   */
  async create(actor: Actor, req: CreateUserRequest): Promise<IssuedCredential> {
    const scope = this.o.scopes.resolve(req.scope);
    if (req.role === 'department' && !scope.agencyCode) throw ScopeRequired.create({ role: req.role });
    this.allow(actor, 'user.create', scope);
    if (req.role === 'display' && req.password !== undefined) throw RoleNotForPassword.create({});
    if (req.password !== undefined) {
      const problem = passwordProblem(req.password, req.username);
      if (problem) throw problem;
    }
    const password = req.role === 'display' ? undefined : (req.password ?? generatePassword());
    const displayToken = req.role === 'display' ? generateDisplayToken() : undefined;
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const now = this.o.clock.now();
    const account = await this.o.db.transaction((tx) => this.insert(tx, actor, now, req, scope, passwordHash, displayToken));
    return {
      user: this.view(account, now),
      ...(password === undefined ? {} : { password }),
      ...(displayToken === undefined ? {} : { displayToken, displayPath: displayPath(displayToken) }),
    };
  }

  /** Locks an account on a written request (004 Art 4.8): no sign-in, every session ended, until unlocked. */
  lock(actor: Actor, username: string, req: UserActionRequest = {}): Promise<UserView> {
    return this.change(actor, username, 'user.lock', req, async (tx, account, now) => {
      if (account.adminLockedAt) return {};
      await setAdminLock(tx, account.id, now);
      return { sessionsEnded: await endSessions(tx, account.id) };
    });
  }

  /** Lifts an admin lock and a lock from repeated failures. */
  unlock(actor: Actor, username: string, req: UserActionRequest = {}): Promise<UserView> {
    return this.change(actor, username, 'user.unlock', req, async (tx, account) => {
      await setAdminLock(tx, account.id, null);
      return {};
    });
  }

  /** Closes an account for good (000 Art 5.7): it stays, with its history, and can never sign in again. */
  close(actor: Actor, username: string, req: UserActionRequest = {}): Promise<UserView> {
    return this.change(actor, username, 'user.close', req, async (tx, account, now) => {
      await closeAccount(tx, account.id, now);
      return { sessionsEnded: await endSessions(tx, account.id) };
    });
  }

  /**
   * Issues a new secret (003 Art 14.1 lost password; 000 Art 5.5 holder change): a password that must be changed at
   * the next sign-in, or a new pairing token for a display device. Every session ends; a running lock from failures
   * is lifted, an admin lock is not.
   */
  async reset(actor: Actor, username: string, req: UserActionRequest = {}): Promise<IssuedCredential> {
    const target = await this.find(username);
    const password = target.role === 'display' ? undefined : generatePassword();
    const displayToken = target.role === 'display' ? generateDisplayToken() : undefined;
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const user = await this.change(actor, username, 'user.reset', req, async (tx, account, now) => {
      if (passwordHash) await setPassword(tx, account.id, passwordHash, now, 'reset');
      if (displayToken) await setDisplayToken(tx, account.id, tokenHash(displayToken));
      await saveLoginFailures(tx, account.id, { failedLoginCount: 0, firstFailedLoginAt: null, lockedUntil: null });
      return { sessionsEnded: await endSessions(tx, account.id) };
    });
    return {
      user,
      ...(password === undefined ? {} : { password }),
      ...(displayToken === undefined ? {} : { displayToken, displayPath: displayPath(displayToken) }),
    };
  }

  /**
   * Deletes an account that never acted (created by mistake, never used). One that appears as an actor in the audit
   * log can only be closed: `account.hasActed`, and the audit log's foreign key refuses it anyway.
   */
  async remove(actor: Actor, username: string, req: UserActionRequest = {}): Promise<void> {
    const account = await this.find(username);
    this.allow(actor, 'user.delete', scopeOf(account));
    if (actor.accountId === account.id) throw AccountSelfAction.create({});
    if (await accountHasActed(this.o.db, account.id)) throw AccountHasActed.create({ username: account.username });
    const now = this.o.clock.now();
    try {
      await this.o.db.transaction(async (tx) => {
        await deleteAccount(tx, account.id);
        await audit(
          tx,
          now,
          actor,
          'account.deleted',
          { kind: 'account', id: account.id },
          {
            username: account.username,
            role: account.role,
            ...writtenRequest(req),
          },
        );
      });
    } catch (err) {
      // It acted between the check and the delete: the foreign key of audit_log.actor_user_id said no.
      if ((err as { code?: string }).code === '23503') throw AccountHasActed.create({ username: account.username }, err);
      throw err;
    }
  }

  /**
   * On a store without any account, creates the first-login accounts (one per role) and returns them with their
   * secrets; on a store that has accounts, changes nothing and returns null. Safe when two processes start together.
   */
  async seedFirstAccounts(): Promise<FirstAccount[] | null> {
    if ((await countAccounts(this.o.db)) > 0) return null;
    const prepared = await Promise.all(
      FIRST_ACCOUNTS.map(async (spec) => {
        const password = spec.role === 'display' ? undefined : generatePassword();
        const displayToken = spec.role === 'display' ? generateDisplayToken() : undefined;
        return { spec, password, displayToken, passwordHash: password === undefined ? null : await hashPassword(password) };
      }),
    );
    const now = this.o.clock.now();
    return this.o.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if ((await countAccounts(tx)) > 0) return null;
      const created: FirstAccount[] = [];
      for (const { spec, password, displayToken, passwordHash } of prepared) {
        const scope = this.o.scopes.resolve(spec.scope);
        const req: CreateUserRequest = { username: spec.username, role: spec.role, displayName: spec.displayName };
        await this.insert(tx, SYSTEM_ACTOR, now, req, scope, passwordHash, displayToken);
        created.push({
          username: spec.username,
          role: spec.role,
          scope,
          ...(password === undefined ? {} : { password }),
          ...(displayToken === undefined ? {} : { displayToken }),
        });
      }
      return created;
    });
  }

  /** What an administrator sees of an account; never a hash. */
  view(a: Account, now: Date = this.o.clock.now()): UserView {
    return {
      username: a.username,
      displayName: a.displayName,
      role: a.role,
      scope: scopeOf(a),
      state: accountState(a, now),
      dashboard: a.role === 'display' ? ((a.dashboard ?? 'wall') as 'wall') : null,
      createdAt: a.createdAt.toISOString(),
      lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
      passwordChangedAt: a.passwordChangedAt?.toISOString() ?? null,
      lockedUntil: a.lockedUntil && a.lockedUntil > now ? a.lockedUntil.toISOString() : null,
      closedAt: a.closedAt?.toISOString() ?? null,
    };
  }

  private async insert(
    tx: Queryable,
    actor: Actor,
    now: Date,
    req: CreateUserRequest,
    scope: Scope,
    passwordHash: string | null,
    displayToken: string | undefined,
  ): Promise<Account> {
    const account = await insertAccount(tx, {
      username: req.username,
      displayName: req.displayName?.normalize('NFC') ?? null,
      role: req.role,
      scopeUnitCode: scope.unitCode,
      scopeAgencyCode: scope.agencyCode,
      passwordHash,
      displayTokenHash: displayToken === undefined ? null : tokenHash(displayToken),
      dashboard: req.role === 'display' ? (req.dashboard ?? 'wall') : null,
      createdAt: now,
    });
    if (!account) throw AccountExists.create({ username: req.username });
    await audit(
      tx,
      now,
      actor,
      'account.created',
      { kind: 'account', id: account.id },
      {
        username: account.username,
        role: account.role,
        scope: scopeKey(scope),
        ...writtenRequest(req),
      },
    );
    return account;
  }

  /**
   * The common path of lock, unlock, close and reset: the account must exist, be within the actor's scope, not be
   * the actor's own (but for unlock), and not be closed. `apply` runs on the row locked for update; its result goes
   * into the audit row, written last in the same transaction.
   */
  private async change(
    actor: Actor,
    username: string,
    action: Extract<Action, 'user.lock' | 'user.unlock' | 'user.close' | 'user.reset'>,
    req: UserActionRequest,
    apply: (tx: Queryable, account: Account, now: Date) => Promise<Record<string, unknown>>,
  ): Promise<UserView> {
    const target = await this.find(username);
    this.allow(actor, action, scopeOf(target));
    if (action !== 'user.unlock' && actor.accountId === target.id) throw AccountSelfAction.create({});
    const now = this.o.clock.now();
    const updated = await this.o.db.transaction(async (tx) => {
      const account = (await lockAccountForUpdate(tx, target.id)) ?? target;
      if (account.closedAt) throw AccountIsClosed.create({ username: account.username });
      const outcome = await apply(tx, account, now);
      await audit(
        tx,
        now,
        actor,
        AUDIT_ACTIONS[action],
        { kind: 'account', id: account.id },
        {
          username: account.username,
          ...outcome,
          ...writtenRequest(req),
          ...(req.reason ? { reason: req.reason } : {}),
        },
      );
      return findAccountByUsername(tx, account.username);
    });
    return this.view(updated ?? target, now);
  }

  private async find(username: string): Promise<Account> {
    const account = await findAccountByUsername(this.o.db, username.trim().toLowerCase());
    if (!account) throw AccountNotFound.create({ username });
    return account;
  }

  private allow(actor: Actor, action: Action, scope?: Scope): void {
    if (!actor.principal) return; // the command line and the system: whoever has the database
    this.o.policy.authorize(actor.principal, action, scope ? { kind: 'account', scope } : { kind: 'none' });
  }
}

async function endSessions(tx: Queryable, accountId: number): Promise<number> {
  const ended = await deleteAccountSessions(tx, accountId);
  if (ended > 0) await notifySessionsEnded(tx, { accountId });
  return ended;
}

function writtenRequest(req: { requestRef?: string | undefined; requesterKind?: string | undefined }): Record<string, string> {
  return {
    ...(req.requestRef ? { requestRef: req.requestRef } : {}),
    ...(req.requesterKind ? { requesterKind: req.requesterKind } : {}),
  };
}

/** The web path that pairs a browser as a display device (`GET /wall?display=…`). */
export function displayPath(token: string): string {
  return `/wall?display=${encodeURIComponent(token)}`;
}
