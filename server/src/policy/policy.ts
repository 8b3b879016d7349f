import {
  AuthRequired,
  Forbidden,
  PasswordChangeRequired,
  type DashboardId,
  type IocError,
  type Role,
  type Scope,
  type ScopeIndex,
} from '@ioc/core';
import type { Principal } from '../auth/principal';

/** Everything a route or a socket can do. Each route and each subscription asks the policy about one of these. */
export const ACTIONS = [
  'health.read',
  'metrics.read',
  'catalogue.read',
  'session.open',
  'session.read',
  'session.changePassword',
  'session.logout',
  'live.connect',
  'dashboard.view',
  'user.list',
  'user.create',
  'user.lock',
  'user.unlock',
  'user.close',
  'user.reset',
  'user.delete',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the action is about. `dashboard.agencyCode`: one agency's rows; `account.scope`: the account's scope. */
export type Resource =
  { kind: 'none' } | { kind: 'dashboard'; dashboard: DashboardId; agencyCode?: string } | { kind: 'account'; scope: Scope };
export const NO_RESOURCE: Resource = { kind: 'none' };

/**
 * Open to anyone: health and metrics (for probes and Prometheus on the operations network), the unit catalogue, and
 * the sign-in endpoints themselves (which open a session).
 */
const PUBLIC = new Set<Action>(['health.read', 'metrics.read', 'catalogue.read', 'session.open']);
/** What a session whose password must be changed may still do (domain.md §1.3: it "blocks everything else"). */
const WHILE_PASSWORD_CHANGE_DUE = new Set<Action>(['session.read', 'session.changePassword', 'session.logout']);

const SEE: Action[] = ['session.read', 'session.changePassword', 'session.logout', 'live.connect', 'dashboard.view'];
const MANAGE_ACCOUNTS: Action[] = ['user.list', 'user.create', 'user.lock', 'user.unlock', 'user.close', 'user.reset', 'user.delete'];

/**
 * Role grants (domain.md §1.2). Incidents, rules and imports bring operator and department grants later; today every
 * person sees dashboards within their scope and only admins manage accounts. A display device has no password to
 * change and sees its one dashboard.
 */
export const GRANTS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set([...SEE, ...MANAGE_ACCOUNTS]),
  leader: new Set(SEE),
  operator: new Set(SEE),
  department: new Set(SEE),
  viewer: new Set(SEE),
  display: new Set<Action>(['session.read', 'session.logout', 'live.connect', 'dashboard.view']),
};

/**
 * The one place that decides (role, scope, action, resource). Returns null when allowed, else the error to answer
 * with: 401 without a session, 403 `auth.passwordChangeRequired` while a password change is due, 403 `auth.forbidden`
 * for a role without the grant or a resource outside the scope.
 */
export class Policy {
  constructor(private readonly scopes: ScopeIndex) {}

  decide(principal: Principal | null | undefined, action: Action, resource: Resource = NO_RESOURCE, problem?: IocError): IocError | null {
    if (PUBLIC.has(action)) return null;
    if (!principal) return problem ?? AuthRequired.create({});
    if (principal.passwordChangeRequired && !WHILE_PASSWORD_CHANGE_DUE.has(action)) {
      return PasswordChangeRequired.create({ reason: principal.passwordChangeRequired });
    }
    if (!GRANTS[principal.role].has(action)) return Forbidden.create({ action });
    if (resource.kind === 'dashboard') {
      if (principal.sessionKind === 'display' && resource.dashboard !== principal.dashboard) return Forbidden.create({ action });
      if (resource.agencyCode !== undefined && !this.scopes.agencyInScope(principal.scope, resource.agencyCode)) {
        return Forbidden.create({ action });
      }
    }
    if (resource.kind === 'account' && !this.scopes.contains(principal.scope, resource.scope)) return Forbidden.create({ action });
    return null;
  }

  /** Throws unless allowed; returns the principal, which non-public actions always have. */
  authorize(principal: Principal | null | undefined, action: Action, resource: Resource = NO_RESOURCE, problem?: IocError): Principal {
    const refusal = this.decide(principal, action, resource, problem);
    if (refusal) throw refusal;
    return principal!;
  }
}
