import type { Router } from 'express';
import { loadMetricCatalogue, loadRules, type Catalogue, type Clock, type Db, type ScopeIndex } from '@ioc/core';
import { alertsRoutes } from '../alerts/alerts.routes';
import { startAlerting, type Alerting } from '../alerts/start-alerting';
import type { AuthService } from '../auth/auth.service';
import { AlertPush } from '../live/alert-push';
import type { LiveHub } from '../live/live-hub';
import type { Logger } from '../logging/logger';
import type { Policy } from '../policy/policy';
import { SilencesService } from '../silences/silences.service';
import { silencesRoutes } from '../silences/silences.routes';
import { alertViewOf } from './incident-views';
import { incidentsRoutes } from './incidents.routes';
import { IncidentsService } from './incidents.service';

/** What `startServer` needs to run the alert engine (absent: the API and pushes work, nothing evaluates). */
export interface AlertingSettings {
  /** The PostgreSQL URL, for the leader's own connection; not needed on PGlite. */
  databaseUrl?: string | undefined;
  /** IOC_ALERT_EVAL_SECONDS. */
  evaluateEverySeconds: number;
  /** IOC_ALERT_LEADER_RETRY_SECONDS. */
  leaderRetrySeconds: number;
  /** IOC_ALERT_RULES_DIR. */
  rulesDir?: string | undefined;
}

export interface IncidentRuntime {
  routers: Router[];
  incidents: IncidentsService;
  /** Attaches the pushes to the hub and starts the engine (when configured); call once the hub is up. */
  start(hub: LiveHub): Promise<void>;
  /** The engine, once started with alerting settings. */
  readonly alerting: Alerting | null;
  health(): Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Alerts, incidents and silences in the server: the routes (mounted with the app), the live pushes and the alert
 * engine. The rules are loaded here first, so a bad rule file stops the server at start-up.
 */
export async function prepareIncidentRuntime(o: {
  db: Db;
  clock: Clock;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  policy: Policy;
  auth: AuthService;
  logger: Logger;
  alerting?: AlertingSettings | undefined;
}): Promise<IncidentRuntime> {
  const rules = await loadRules(await loadMetricCatalogue(), ...(o.alerting?.rulesDir ? [o.alerting.rulesDir] : []));
  const ruleNames = new Map(rules.map((r) => [r.id, r.name]));
  let push: AlertPush | null = null;
  const incidents = new IncidentsService({ ...o, onChange: (incident) => push?.incident(incident) });
  const silences = new SilencesService(o);
  const routers = [
    alertsRoutes({ ...o, ruleNames }),
    incidentsRoutes({ incidents, policy: o.policy }),
    silencesRoutes({ silences, policy: o.policy }),
  ];
  let alerting: Alerting | null = null;
  return {
    routers,
    incidents,
    get alerting() {
      return alerting;
    },
    async start(hub) {
      const pusher = new AlertPush(hub, { ...o, ruleNames, logger: o.logger.child({ component: 'live' }) });
      push = pusher;
      if (!o.alerting) return;
      alerting = await startAlerting({
        db: o.db,
        databaseUrl: o.alerting.databaseUrl,
        catalogue: o.catalogue,
        clock: o.clock,
        logger: o.logger,
        evaluateEverySeconds: o.alerting.evaluateEverySeconds,
        leaderRetrySeconds: o.alerting.leaderRetrySeconds,
        rulesDir: o.alerting.rulesDir,
      });
      alerting.onEvaluated((report) => {
        for (const [id, state] of report.alerts)
          pusher.alert(alertViewOf(state, ruleNames, report.incidents.incidentOfAlert.get(id) ?? null));
        for (const incident of report.incidents.incidents) pusher.incident(incident);
      });
    },
    health() {
      if (!alerting) return { alerting: { running: false } };
      return { alerting: { running: true, role: alerting.engine.isLeader ? 'leader' : 'standby', rules: alerting.rules.length } };
    },
    async close() {
      await alerting?.close();
      alerting = null;
    },
  };
}

/** The alert engine's settings from the configuration (README: IOC_ALERT_*). */
export function alertingSettingsOf(config: {
  DATABASE_URL?: string | undefined;
  IOC_ALERT_EVAL_SECONDS: number;
  IOC_ALERT_LEADER_RETRY_SECONDS: number;
  IOC_ALERT_RULES_DIR?: string | undefined;
}): AlertingSettings {
  return {
    databaseUrl: config.DATABASE_URL,
    evaluateEverySeconds: config.IOC_ALERT_EVAL_SECONDS,
    leaderRetrySeconds: config.IOC_ALERT_LEADER_RETRY_SECONDS,
    rulesDir: config.IOC_ALERT_RULES_DIR,
  };
}
