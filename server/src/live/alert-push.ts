import type { Socket } from 'socket.io';
import {
  AlertLiveEvents,
  IocError,
  listAlerts,
  listIncidents,
  renderMessage,
  scopeKey,
  type AlertView,
  type AlertsSubscribeAck,
  type Catalogue,
  type Db,
  type IncidentSummary,
  type Language,
  type ScopeIndex,
  type StoredIncident,
} from '@ioc/core';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { incidentSummaryOf, visibilityOf, type RuleNames, alertViewOf } from '../incidents/incident-views';
import type { Logger } from '../logging/logger';
import type { Policy } from '../policy/policy';
import type { LiveHub } from './live-hub';

export interface AlertPushOptions {
  db: Db;
  catalogue: Pick<Catalogue, 'province' | 'agencies'>;
  auth: AuthService;
  policy: Policy;
  scopes: ScopeIndex;
  ruleNames: RuleNames;
  logger: Logger;
}

const SNAPSHOT_LIMIT = 500;

/**
 * Alerts and incidents on the live hub's sockets, at once (never coalesced like the wall's patches).
 *
 * Rooms follow scopes, as the wall's do: a socket that subscribes joins `alerts:<scopeKey>` (`alerts:19`,
 * `alerts:05443`, `alerts:19/SYT`), a department's socket `alerts:dept:<agency>` only. A change about agency A of unit
 * U goes to `alerts:<province>`, `alerts:U`, `alerts:U/A` and, for an alert or an incident forwarded to A,
 * `alerts:dept:A`; a change about no agency to the province room only. So a department never receives another
 * agency's alert, and it sees an incident only once forwarded to it.
 *
 * Who emits: the process that made the change (the alert leader after its evaluation committed; the process that
 * served an incident action), through `io.to(rooms)`, which with the cluster adapter reaches every replica's
 * sockets. Not each process from NOTIFY: with the adapter, every replica's emit would reach every socket, once per
 * replica. Without an adapter (one process, the embedded default) the two are the same.
 */
export class AlertPush {
  private readonly agencyUnit: Map<string, string>;

  constructor(
    private readonly hub: LiveHub,
    private readonly o: AlertPushOptions,
  ) {
    this.agencyUnit = new Map(o.catalogue.agencies.map((a) => [a.code, a.unitCode]));
    hub.io.on('connection', (socket: Socket) => {
      socket.on(AlertLiveEvents.subscribe, (_payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (a: AlertsSubscribeAck) => void) : () => undefined;
        void this.onSubscribe(socket, reply).catch((err: unknown) => {
          this.o.logger.error({ err }, 'alerts subscribe failed');
          reply({ ok: false, error: { code: 'server.internal', message: 'alerts unavailable' } });
        });
      });
    });
  }

  /** Pushes an alert's change to the rooms whose scope covers its agency. */
  alert(view: AlertView): void {
    this.hub.io.to(this.rooms(view.agencyCode, view.agencyCode)).emit(AlertLiveEvents.alert, view);
  }

  /** Pushes an incident's change; a department's room only when it was forwarded to that department. */
  incident(incident: StoredIncident): void {
    const summary: IncidentSummary = incidentSummaryOf(incident);
    this.hub.io.to(this.rooms(incident.agencyCode, incident.assignedAgencyCode)).emit(AlertLiveEvents.incident, summary);
  }

  private rooms(agencyCode: string | null, departmentAgency: string | null): string[] {
    const province = this.o.catalogue.province.code;
    const rooms = [`alerts:${province}`];
    if (agencyCode) {
      const unit = this.agencyUnit.get(agencyCode);
      if (unit) {
        if (unit !== province) rooms.push(`alerts:${unit}`);
        rooms.push(`alerts:${scopeKey({ unitCode: unit, agencyCode })}`);
      }
    }
    if (departmentAgency) rooms.push(`alerts:dept:${departmentAgency}`);
    return rooms;
  }

  private roomOf(principal: Principal): string {
    if (principal.role === 'department') return `alerts:dept:${principal.scope.agencyCode ?? scopeKey(principal.scope)}`;
    return `alerts:${scopeKey(principal.scope)}`;
  }

  private async onSubscribe(socket: Socket, reply: (ack: AlertsSubscribeAck) => void): Promise<void> {
    const data = socket.data as { principal?: Principal; language?: Language };
    const lang = data.language ?? 'vi';
    let principal: Principal;
    try {
      // The session may have ended since the handshake: ask the store again, as the wall's subscription does.
      principal = await this.o.auth.resolveHash(data.principal!.tokenHash, { touch: false });
      this.o.policy.authorize(principal, 'alert.list');
    } catch (err) {
      if (err instanceof IocError) return reply({ ok: false, error: { code: err.code, message: renderMessage(err, lang) } });
      throw err;
    }
    // Joined before reading: no change committed meanwhile is lost. One may arrive just before the snapshot that
    // already holds it; events carry whole views, so applying it again changes nothing.
    for (const room of socket.rooms) if (room.startsWith('alerts:')) void socket.leave(room);
    void socket.join(this.roomOf(principal));
    const v = visibilityOf(principal, this.o.scopes, this.o.catalogue);
    const [alerts, incidents] = await Promise.all([
      listAlerts(this.o.db, {
        state: null,
        severity: null,
        agencyCode: null,
        startedBefore: null,
        visibleAgencies: v.agencies,
        limit: SNAPSHOT_LIMIT,
        offset: 0,
      }),
      listIncidents(this.o.db, {
        states: ['open', 'acknowledged', 'assigned', 'in_progress'],
        severity: null,
        agencyCode: null,
        openedBefore: null,
        visibleAgencies: principal.role === 'department' ? null : v.agencies,
        assignedAgencies: v.assignedAgencies,
        limit: SNAPSHOT_LIMIT,
        offset: 0,
      }),
    ]);
    reply({
      ok: true,
      snapshot: {
        alerts: alerts.alerts.map((a) => alertViewOf(a, this.o.ruleNames, a.incidentId)),
        incidents: incidents.incidents.map(incidentSummaryOf),
      },
    });
  }
}
