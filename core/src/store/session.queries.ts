import type { Queryable } from './db';
import { ACCOUNT_COLUMNS, toAccount, type Account } from './accounts.queries';

/**
 * The NOTIFY channel on which ended sessions are announced (payload: `SessionsEndedNotice`), so that every server
 * process disconnects the live sockets of a session that was logged out, revoked, locked or closed elsewhere.
 */
export const SESSION_CHANNEL = 'ioc_sessions';

const ACCOUNT_COLUMNS_OF_A = ACCOUNT_COLUMNS.split(',')
  .map((c) => `a.${c.trim()}`)
  .join(', ');

export interface SessionsEndedNotice {
  accountId: number;
  /** Only these sessions ended; absent: every session of the account, except `keepTokenHash`. */
  tokenHashes?: string[];
  keepTokenHash?: string;
}

export type SessionKind = 'interactive' | 'display';

export interface StoredSession {
  tokenHash: string;
  accountId: number;
  kind: SessionKind;
  dashboard: string | null;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface NewSession extends Omit<StoredSession, 'lastSeenAt'> {
  ip: string | null;
  userAgent: string | null;
}

export async function insertSession(tx: Queryable, s: NewSession): Promise<void> {
  await tx.query(
    `insert into account_session (token_hash, account_id, kind, dashboard, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
     values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)`,
    [s.tokenHash, s.accountId, s.kind, s.dashboard, s.csrfToken, s.createdAt, s.expiresAt, s.ip, s.userAgent],
  );
}

/** The session of a token hash with its account, in one read; null when there is none (never was, or ended). */
export async function findSession(db: Queryable, tokenHash: string): Promise<{ session: StoredSession; account: Account } | null> {
  const res = await db.query<Record<string, unknown>>(
    `select s.token_hash, s.account_id, s.kind, s.dashboard as session_dashboard, s.csrf_token, s.created_at as session_created_at,
            s.last_seen_at, s.expires_at, ${ACCOUNT_COLUMNS_OF_A}
     from account_session s join account a on a.id = s.account_id
     where s.token_hash = $1`,
    [tokenHash],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    session: {
      tokenHash: r.token_hash as string,
      accountId: Number(r.account_id),
      kind: r.kind as SessionKind,
      dashboard: r.session_dashboard as string | null,
      csrfToken: r.csrf_token as string,
      createdAt: r.session_created_at as Date,
      lastSeenAt: r.last_seen_at as Date,
      expiresAt: r.expires_at as Date,
    },
    account: toAccount(r as unknown as Parameters<typeof toAccount>[0]),
  };
}

/** Marks the session as used at `at` (the idle timeout counts from here). */
export async function touchSession(db: Queryable, tokenHash: string, at: Date): Promise<void> {
  await db.query('update account_session set last_seen_at = $2 where token_hash = $1 and last_seen_at < $2', [tokenHash, at]);
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<boolean> {
  const res = await db.query('delete from account_session where token_hash = $1', [tokenHash]);
  return res.rowCount > 0;
}

/** Ends every session of an account but `keepTokenHash` (the one that changed its password); returns how many. */
export async function deleteAccountSessions(tx: Queryable, accountId: number, keepTokenHash: string | null = null): Promise<number> {
  const res = await tx.query('delete from account_session where account_id = $1 and ($2::text is null or token_hash <> $2)', [
    accountId,
    keepTokenHash,
  ]);
  return res.rowCount;
}

/** Removes sessions past their absolute expiry (idle ones are removed when next presented). */
export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<number> {
  const res = await db.query('delete from account_session where expires_at <= $1', [now]);
  return res.rowCount;
}

/** Announces ended sessions to every server process; delivered only if the caller's transaction commits. */
export async function notifySessionsEnded(tx: Queryable, notice: SessionsEndedNotice): Promise<void> {
  await tx.query('select pg_notify($1, $2)', [SESSION_CHANNEL, JSON.stringify(notice)]);
}
