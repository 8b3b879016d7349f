import type { Queryable } from './db';
import type { Role } from '../contracts/auth';
import type { LoginFailureState } from '../accounts/account-rules';

/** An account as stored (`account` table, migration 0004). */
export interface Account {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  scopeUnitCode: string;
  scopeAgencyCode: string | null;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
  passwordChangeRequired: 'firstLogin' | 'reset' | null;
  displayTokenHash: string | null;
  dashboard: string | null;
  failedLoginCount: number;
  firstFailedLoginAt: Date | null;
  lockedUntil: Date | null;
  adminLockedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export interface NewAccount {
  username: string;
  displayName: string | null;
  role: Role;
  scopeUnitCode: string;
  scopeAgencyCode: string | null;
  passwordHash: string | null;
  displayTokenHash: string | null;
  dashboard: string | null;
  createdAt: Date;
}

interface AccountRow {
  id: number;
  username: string;
  display_name: string | null;
  role: Role;
  scope_unit_code: string;
  scope_agency_code: string | null;
  password_hash: string | null;
  password_changed_at: Date | null;
  password_change_required: 'first_login' | 'reset' | null;
  display_token_hash: string | null;
  dashboard: string | null;
  failed_login_count: number;
  first_failed_login_at: Date | null;
  locked_until: Date | null;
  admin_locked_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

export const ACCOUNT_COLUMNS = `id, username, display_name, role, scope_unit_code, scope_agency_code, password_hash, password_changed_at,
  password_change_required, display_token_hash, dashboard, failed_login_count, first_failed_login_at, locked_until,
  admin_locked_at, closed_at, created_at, last_login_at`;

export function toAccount(r: AccountRow): Account {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    scopeUnitCode: r.scope_unit_code,
    scopeAgencyCode: r.scope_agency_code,
    passwordHash: r.password_hash,
    passwordChangedAt: r.password_changed_at,
    passwordChangeRequired: r.password_change_required === 'first_login' ? 'firstLogin' : r.password_change_required,
    displayTokenHash: r.display_token_hash,
    dashboard: r.dashboard,
    failedLoginCount: r.failed_login_count,
    firstFailedLoginAt: r.first_failed_login_at,
    lockedUntil: r.locked_until,
    adminLockedAt: r.admin_locked_at,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
  };
}

/**
 * Inserts a new account; its password (if any) is a first-login password that must be changed. Returns null when the
 * user name is taken (closed accounts included).
 */
export async function insertAccount(tx: Queryable, a: NewAccount): Promise<Account | null> {
  const res = await tx.query<AccountRow>(
    `insert into account (username, display_name, role, scope_unit_code, scope_agency_code, password_hash, password_changed_at,
       password_change_required, display_token_hash, dashboard, created_at)
     values ($1, $2, $3, $4, $5, $6, case when $6::text is null then null else $9::timestamptz end,
       case when $6::text is null then null else 'first_login' end, $7, $8, $9)
     on conflict (username) do nothing
     returning ${ACCOUNT_COLUMNS}`,
    [a.username, a.displayName, a.role, a.scopeUnitCode, a.scopeAgencyCode, a.passwordHash, a.displayTokenHash, a.dashboard, a.createdAt],
  );
  return res.rows[0] ? toAccount(res.rows[0]) : null;
}

export async function findAccountByUsername(db: Queryable, username: string): Promise<Account | null> {
  const res = await db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from account where username = $1`, [username]);
  return res.rows[0] ? toAccount(res.rows[0]) : null;
}

export async function findAccountByDisplayTokenHash(db: Queryable, tokenHash: string): Promise<Account | null> {
  const res = await db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from account where display_token_hash = $1`, [tokenHash]);
  return res.rows[0] ? toAccount(res.rows[0]) : null;
}

/** The account, its row locked until the transaction ends: failure counters and state changes never race. */
export async function lockAccountForUpdate(tx: Queryable, id: number): Promise<Account | null> {
  const res = await tx.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from account where id = $1 for update`, [id]);
  return res.rows[0] ? toAccount(res.rows[0]) : null;
}

/** Every account, by user name. A province has hundreds, not millions. */
export async function listAccounts(db: Queryable): Promise<Account[]> {
  const res = await db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from account order by username`);
  return res.rows.map(toAccount);
}

export async function countAccounts(db: Queryable): Promise<number> {
  const res = await db.query<{ n: number }>('select count(*)::int as n from account');
  return res.rows[0]?.n ?? 0;
}

/** Stores the counters after a wrong password (see `afterLoginFailure`). */
export async function saveLoginFailures(tx: Queryable, id: number, state: LoginFailureState): Promise<void> {
  await tx.query('update account set failed_login_count = $2, first_failed_login_at = $3, locked_until = $4 where id = $1', [
    id,
    state.failedLoginCount,
    state.firstFailedLoginAt,
    state.lockedUntil,
  ]);
}

/** A successful sign-in clears the failure counters. */
export async function recordLogin(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query(
    'update account set last_login_at = $2, failed_login_count = 0, first_failed_login_at = null, locked_until = null where id = $1',
    [id, at],
  );
}

/** Sets a new password hash; `changeRequired` marks a reset password that must be changed at the next sign-in. */
export async function setPassword(tx: Queryable, id: number, hash: string, at: Date, changeRequired: 'reset' | null): Promise<void> {
  await tx.query('update account set password_hash = $2, password_changed_at = $3, password_change_required = $4 where id = $1', [
    id,
    hash,
    at,
    changeRequired,
  ]);
}

export async function setDisplayToken(tx: Queryable, id: number, tokenHash: string): Promise<void> {
  await tx.query('update account set display_token_hash = $2 where id = $1', [id, tokenHash]);
}

/** Locks (`at`) or unlocks (null) by an administrator; unlocking also lifts a lock from repeated failures. */
export async function setAdminLock(tx: Queryable, id: number, at: Date | null): Promise<void> {
  await tx.query(
    `update account set admin_locked_at = $2,
       failed_login_count = case when $2::timestamptz is null then 0 else failed_login_count end,
       first_failed_login_at = case when $2::timestamptz is null then null else first_failed_login_at end,
       locked_until = case when $2::timestamptz is null then null else locked_until end
     where id = $1`,
    [id, at],
  );
}

/** Closes for good: no sign-in, no pairing (a display device's token is revoked). */
export async function closeAccount(tx: Queryable, id: number, at: Date): Promise<void> {
  await tx.query('update account set closed_at = $2, display_token_hash = null where id = $1', [id, at]);
}

/** Whether the account appears as the actor of any audit row: then it may only be closed (000 Art 5.7). */
export async function accountHasActed(db: Queryable, id: number): Promise<boolean> {
  const res = await db.query<{ acted: boolean }>('select exists (select 1 from audit_log where actor_user_id = $1) as acted', [id]);
  return res.rows[0]?.acted ?? false;
}

/** Deletes an account that never acted; the audit log's foreign key refuses one that did. */
export async function deleteAccount(tx: Queryable, id: number): Promise<void> {
  await tx.query('delete from account where id = $1', [id]);
}
