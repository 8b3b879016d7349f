import { z } from 'zod';
import { ErrorBody, Role, ScopeView, Username } from './auth';
import { DashboardId } from './live';
import { defineRoute } from './openapi-route';

/**
 * Who asked in writing for an account action (domain.md §1.3; 000 Art 5.7, 004 Art 4.8): the person, their unit,
 * the owner (UBND tỉnh) or the police. Stored in the audit row with the request's reference.
 */
export const RequesterKind = z.enum(['self', 'unit', 'owner', 'police']);
export type RequesterKind = z.infer<typeof RequesterKind>;

const WrittenRequest = {
  /** Reference of the written request (số công văn, ticket), kept in the audit log. */
  requestRef: z.string().trim().min(1).max(200).optional(),
  requesterKind: RequesterKind.optional(),
};

export const CreateUserRequest = z
  .object({
    username: Username,
    displayName: z.string().trim().min(1).max(120).optional(),
    role: Role,
    /** A commune code, an agency code, or the province code; absent: the whole province. */
    scope: z.string().trim().min(2).max(24).optional(),
    /** A first-login password (changed at first sign-in); absent: one is generated and returned once. */
    password: z.string().min(1).max(256).optional(),
    /** Display devices only: the dashboard the device shows (default `wall`). */
    dashboard: DashboardId.optional(),
    ...WrittenRequest,
  })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UserActionRequest = z.object({ reason: z.string().trim().max(500).optional(), ...WrittenRequest }).strict();
export type UserActionRequest = z.infer<typeof UserActionRequest>;

export const UsernameParams = z.object({ username: Username }).strict();

/**
 * `active`; `passwordChangeRequired` (first login, reset or expired: can sign in, then only change the password);
 * `temporarilyLocked` (5 failures in 15 min, for 15 min); `locked` (by an admin); `closed` (for good).
 */
export const AccountState = z.enum(['active', 'passwordChangeRequired', 'temporarilyLocked', 'locked', 'closed']);
export type AccountState = z.infer<typeof AccountState>;

export const UserView = z.object({
  username: z.string(),
  displayName: z.string().nullable(),
  role: Role,
  scope: ScopeView,
  state: AccountState,
  dashboard: DashboardId.nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  passwordChangedAt: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const UserList = z.object({ users: z.array(UserView) });
export type UserList = z.infer<typeof UserList>;

/** A new or reset account: the secret is shown once here and stored only as a hash. */
export const IssuedCredential = z.object({
  user: UserView,
  /** First-login password (people). */
  password: z.string().optional(),
  /** Pairing token (display devices), and the path that pairs a browser with it. */
  displayToken: z.string().optional(),
  displayPath: z.string().optional(),
});
export type IssuedCredential = z.infer<typeof IssuedCredential>;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };

/** Routes of `/api/users`, admins only (within their scope); registered for the OpenAPI document. */
export const usersContract = {
  list: defineRoute({
    method: 'GET',
    path: '/api/users',
    summary: 'List the accounts within my scope',
    tag: 'users',
    access: 'session',
    body: null,
    responses: { 200: UserList, ...errors },
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/users',
    summary: 'Create an account; its first-login password or display token is shown once',
    tag: 'users',
    access: 'session',
    body: CreateUserRequest,
    responses: { 201: IssuedCredential, ...errors },
  }),
  lock: defineRoute({
    method: 'POST',
    path: '/api/users/:username/lock',
    summary: 'Lock an account (on a written request)',
    tag: 'users',
    access: 'session',
    params: UsernameParams,
    body: UserActionRequest,
    responses: { 200: UserView, ...errors },
  }),
  unlock: defineRoute({
    method: 'POST',
    path: '/api/users/:username/unlock',
    summary: 'Unlock an account',
    tag: 'users',
    access: 'session',
    params: UsernameParams,
    body: UserActionRequest,
    responses: { 200: UserView, ...errors },
  }),
  close: defineRoute({
    method: 'POST',
    path: '/api/users/:username/close',
    summary: 'Close an account for good (it is never deleted once it has acted)',
    tag: 'users',
    access: 'session',
    params: UsernameParams,
    body: UserActionRequest,
    responses: { 200: UserView, ...errors },
  }),
  reset: defineRoute({
    method: 'POST',
    path: '/api/users/:username/reset',
    summary: 'Reset an account: a new first-login password, shown once',
    tag: 'users',
    access: 'session',
    params: UsernameParams,
    body: UserActionRequest,
    responses: { 200: IssuedCredential, ...errors },
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/api/users/:username',
    summary: 'Delete an account that never acted',
    tag: 'users',
    access: 'session',
    params: UsernameParams,
    body: null,
    responses: { 204: null, ...errors },
  }),
} as const;
