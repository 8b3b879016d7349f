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
  'audit.read',
  'unit.list',
  'metric.list',
  'api.describe',
  'alert.list',
  'incident.list',
  'incident.read',
  'incident.ack',
  'incident.assign',
  'incident.comment',
  'incident.checklist',
  'incident.progress',
  'incident.resolve',
  'incident.close',
  'incident.reopen',
  'silence.list',
  'silence.create',
  'silence.cancel',
  'report.read',
  'source.read',
  'quarantine.read',
  'quarantine.replay',
  'import.create',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the action is about. `dashboard.agencyCode`: one agency's rows; `account.scope`: the account's scope. */
export type Resource =
  | { kind: 'none' }
  | { kind: 'dashboard'; dashboard: DashboardId; agencyCode?: string }
  | { kind: 'account'; scope: Scope }
  /** An incident: the agency it is about, and the agency it was forwarded to (what a department may see and act on). */
  | { kind: 'incident'; agencyCode: string | null; assignedAgencyCode: string | null }
  /** A report over a scope (the province, a commune, an agency): readable only within one's own scope. */
  | { kind: 'report'; scope: Scope }
  /** A dashboard as code, or a panel's data over a scope: within one's own scope; a wall device only its dashboard. */
  | { kind: 'panel'; dashboard: string; scope: Scope };
export const NO_RESOURCE: Resource = { kind: 'none' };

/**
 * Open to anyone: health and metrics (for probes and Prometheus on the operations network), the unit catalogue, and
 * the sign-in endpoints themselves (which open a session).
 */
const PUBLIC = new Set<Action>(['health.read', 'metrics.read', 'catalogue.read', 'session.open', 'api.describe']);
/** What a session whose password must be changed may still do (domain.md §1.3: it "blocks everything else"). */
const WHILE_PASSWORD_CHANGE_DUE = new Set<Action>(['session.read', 'session.changePassword', 'session.logout']);

const SEE: Action[] = ['session.read', 'session.changePassword', 'session.logout', 'live.connect', 'dashboard.view'];
const MANAGE_ACCOUNTS: Action[] = ['user.list', 'user.create', 'user.lock', 'user.unlock', 'user.close', 'user.reset', 'user.delete'];
/** The units within one's scope and the metric catalogue (names, units, thresholds) that screens label with. */
const CATALOGUE: Action[] = ['unit.list', 'metric.list'];
/** Alerts and incidents (domain.md §1.2, 004 Art 6.2, 9.3): leaders and viewers read; operators run the workflow. */
const READ_INCIDENTS: Action[] = ['alert.list', 'incident.list', 'incident.read', 'silence.list'];
const OPERATE_INCIDENTS: Action[] = [
  ...READ_INCIDENTS,
  ...(['ack', 'assign', 'comment', 'checklist', 'progress', 'resolve', 'close', 'reopen'] as const).map((a): Action => `incident.${a}`),
  'silence.create',
  'silence.cancel',
];
/** A department handles what was forwarded to it and reports back (004 Art 9.3): comment, progress, resolve. */
const HANDLE_INCIDENTS: Action[] = [
  'alert.list',
  'incident.list',
  'incident.read',
  'incident.comment',
  'incident.progress',
  'incident.resolve',
];
/** Source health and the quarantine of refused records: operators run ingestion with the admins; leaders see health. */
const QUARANTINE: Action[] = ['source.read', 'quarantine.read', 'quarantine.replay'];

/**
 * Role grants (domain.md §1.2). Incidents, rules and imports bring operator and department grants later; today every
 * person sees dashboards within their scope and only admins manage accounts. A display device has no password to
 * change and sees its one dashboard.
 */
export const GRANTS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set([
    ...SEE,
    ...MANAGE_ACCOUNTS,
    ...CATALOGUE,
    'audit.read',
    ...OPERATE_INCIDENTS,
    'report.read',
    ...QUARANTINE,
    'import.create',
  ]),
  leader: new Set([...SEE, ...CATALOGUE, ...READ_INCIDENTS, 'report.read', 'source.read']),
  operator: new Set([...SEE, ...CATALOGUE, ...OPERATE_INCIDENTS, 'report.read', ...QUARANTINE, 'import.create']),
  // A department reports its own projects by file (000 Art 6.2); rows of other agencies are refused by scope.
  department: new Set([...SEE, ...CATALOGUE, ...HANDLE_INCIDENTS, 'report.read', 'import.create']),
  viewer: new Set([...SEE, ...CATALOGUE, ...READ_INCIDENTS]),
  // The video wall shows its scope's SLA breaches and open incidents live (alert.list); it reads no logbook, acts on nothing.
  display: new Set<Action>(['session.read', 'session.logout', 'live.connect', 'dashboard.view', 'metric.list', 'alert.list']),
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
    if (resource.kind === 'incident' && !this.incidentInScope(principal, resource)) return Forbidden.create({ action });
    if (resource.kind === 'report' && !this.scopes.contains(principal.scope, resource.scope)) return Forbidden.create({ action });
    if (resource.kind === 'panel') {
      if (principal.sessionKind === 'display' && resource.dashboard !== principal.dashboard) return Forbidden.create({ action });
      if (!this.scopes.contains(principal.scope, resource.scope)) return Forbidden.create({ action });
    }
    return null;
  }

  /**
   * A department sees an incident only once it was forwarded to its agency; everyone else sees incidents about an
   * agency within their scope, and incidents about no agency (technical ones) only province-wide.
   */
  private incidentInScope(principal: Principal, r: { agencyCode: string | null; assignedAgencyCode: string | null }): boolean {
    const agency = principal.role === 'department' ? r.assignedAgencyCode : r.agencyCode;
    if (agency === null) return principal.role !== 'department' && this.scopes.isProvinceWide(principal.scope);
    return this.scopes.agencyInScope(principal.scope, agency);
  }

  /** Throws unless allowed; returns the principal, which non-public actions always have. */
  authorize(principal: Principal | null | undefined, action: Action, resource: Resource = NO_RESOURCE, problem?: IocError): Principal {
    const refusal = this.decide(principal, action, resource, problem);
    if (refusal) throw refusal;
    return principal!;
  }
}
