import type { DashboardId, IocError, PasswordChangeReason, Role, Scope, SessionKind } from '@ioc/core';

/** Who is asking: the account behind a valid session, as the policy needs it. Built per request from the store. */
export interface Principal {
  accountId: number;
  username: string;
  displayName: string | null;
  role: Role;
  scope: Scope;
  sessionKind: SessionKind;
  /** Display sessions: the one dashboard they may show. */
  dashboard: DashboardId | null;
  /** Non-null: only me, password and logout are allowed until the password is changed. */
  passwordChangeRequired: PasswordChangeReason | null;
  passwordExpiresAt: Date | null;
  /** sha256 of the session token: identifies the session without holding the secret. */
  tokenHash: string;
  csrfToken: string;
  /** Absolute end of the session. */
  expiresAt: Date;
  /** Interactive sessions: when the idle timeout ends unless the session is used again. Null for displays. */
  idleExpiresAt: Date | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the `authenticate` middleware when the request carries a valid session cookie. */
    principal?: Principal;
    /** Why a session cookie was refused (expired, revoked, account locked): answered instead of `auth.required`. */
    authProblem?: IocError;
  }
}
