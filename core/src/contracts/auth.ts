import { z } from 'zod';
import { DashboardId } from './live';
import { defineRoute } from './openapi-route';

/** Product roles (domain.md §1.2). `display` is a wall device: read-only, one dashboard, paired by a token. */
export const ROLES = ['admin', 'leader', 'operator', 'department', 'viewer', 'display'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** A login name: lower-case ASCII, 3–40 characters (Vietnamese names without diacritics: `nguyenvana`, `soyte`). */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9._-]{2,39}$/, 'expected 3–40 characters: a letter first, then letters, digits, dot, dash or underscore');

/** Passwords are checked by the password policy, not here; the bound only keeps argon2's input sane. */
const PasswordInput = z.string().min(1, 'required').max(256, 'at most 256 characters');

/** What an account may see: the province (`unitCode` = province code), one commune, or one agency. */
export const ScopeView = z.object({ unitCode: z.string(), agencyCode: z.string().nullable() });
export type ScopeView = z.infer<typeof ScopeView>;

/** Why the password must be changed before anything else (domain.md §1.3; 000 Art 5.1.b, 5.6). */
export const PasswordChangeReason = z.enum(['firstLogin', 'reset', 'expired']);
export type PasswordChangeReason = z.infer<typeof PasswordChangeReason>;

/** The signed-in person (or wall device), as the web app sees it. */
export const SessionUser = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  role: Role,
  scope: ScopeView,
  /** Null when no change is due; else every API but me/password/logout answers `auth.passwordChangeRequired`. */
  passwordChangeRequired: PasswordChangeReason.nullable(),
  /** When the password expires (6 months after it was set); null for display devices. */
  passwordExpiresAt: z.string().nullable(),
  /** The one dashboard a display device shows; null for people. */
  dashboard: DashboardId.nullable(),
});
export type SessionUser = z.infer<typeof SessionUser>;

/** Answer of login, display pairing, password change and `GET /api/auth/me`. */
export const SessionInfo = z.object({
  user: SessionUser,
  /** Send it back as `x-csrf-token` on every write made with the session cookie. */
  csrfToken: z.string(),
  session: z.object({
    kind: z.enum(['interactive', 'display']),
    expiresAt: z.string(),
    /** The session ends after this long without a request; null for display devices. */
    idleTimeoutSeconds: z.number().int().nullable(),
  }),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** Every error answer of the API. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const LoginRequest = z.object({ username: z.string().trim().min(1, 'required').max(64), password: PasswordInput }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ChangePasswordRequest = z.object({ current: PasswordInput, new: PasswordInput }).strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const DisplayPairRequest = z.object({ token: z.string().min(20).max(200) }).strict();
export type DisplayPairRequest = z.infer<typeof DisplayPairRequest>;

/** The cookie that carries the session (httpOnly, SameSite=Strict, Secure over HTTPS). */
export const SESSION_COOKIE = 'ioc_session';
/** The header that must repeat the session's CSRF token on every cookie-authenticated write. */
export const CSRF_HEADER = 'x-csrf-token';

/** Routes of `/api/auth`: method, path, body and a schema per status (registered for the OpenAPI document). */
export const authContract = {
  login: defineRoute({
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Sign in with a user name and password; sets the session cookie',
    tag: 'auth',
    access: 'public',
    body: LoginRequest,
    responses: { 200: SessionInfo, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 423: ErrorBody, 429: ErrorBody },
  }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/auth/password',
    summary: 'Change my password (required at first login, after a reset and when expired)',
    tag: 'auth',
    access: 'session',
    body: ChangePasswordRequest,
    responses: { 200: SessionInfo, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 423: ErrorBody, 429: ErrorBody },
  }),
  logout: defineRoute({
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'End my session',
    tag: 'auth',
    access: 'session',
    body: null,
    responses: { 204: null, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
  }),
  me: defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    summary: 'Who am I: the session and its CSRF token',
    tag: 'auth',
    access: 'session',
    body: null,
    responses: { 200: SessionInfo, 401: ErrorBody },
  }),
  pairDisplay: defineRoute({
    method: 'POST',
    path: '/api/auth/display',
    summary: 'Pair a wall display with its token; sets a display session cookie',
    tag: 'auth',
    access: 'public',
    body: DisplayPairRequest,
    responses: { 200: SessionInfo, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
  }),
} as const;
