import {
  loadMetricCatalogue,
  loadWorkingCalendar,
  type AlertRule,
  type Catalogue,
  type Clock,
  type Db,
  type Notification,
} from '@ioc/core';
import type { Logger } from '../logging/logger';
import { AlertEngine, type EvaluationReport } from './alert-engine';
import { AlertEvents } from './alert-events';
import { loadRules } from '@ioc/core';
import { AdvisoryLockLeadership, SoleLeadership, type Leadership } from './leadership';

export interface AlertingOptions {
  db: Db;
  /** The PostgreSQL URL of `db`, for the leader's own connection; not needed on PGlite. */
  databaseUrl?: string | undefined;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  /** IOC_ALERT_EVAL_SECONDS. */
  evaluateEverySeconds: number;
  /** IOC_ALERT_LEADER_RETRY_SECONDS. */
  leaderRetrySeconds: number;
  /** IOC_ALERT_RULES_DIR; the shipped `dashboards/rules` by default. */
  rulesDir?: string | undefined;
}

export interface Alerting {
  engine: AlertEngine;
  /** The rules as loaded (names, SOPs, acknowledgement times). */
  rules: readonly AlertRule[];
  /** Alert changes of every process: what the live hub subscribes to. */
  events: AlertEvents;
  /**
   * Calls `listener` with each notification (an alert fired or resolved, an incident escalated), in the process that
   * evaluated it (the leader), once, after its evaluation committed. Returns the function that stops it.
   */
  onNotification(listener: (n: Notification) => void): () => void;
  /** Calls `listener` after each committed evaluation of this process (the live hub pushes its changes). */
  onEvaluated(listener: (report: EvaluationReport) => void): () => void;
  close(): Promise<void>;
}

/**
 * Loads and validates the rules (a bad rule file stops start-up, naming file, line and field), then starts listening
 * for alert changes and the engine, which campaigns for leadership: on PGlite it leads at once; on PostgreSQL one
 * replica leads and the others stand by.
 */
export async function startAlerting(o: AlertingOptions): Promise<Alerting> {
  const [metrics, calendar] = await Promise.all([loadMetricCatalogue(), loadWorkingCalendar()]);
  const rules = await loadRules(metrics, ...(o.rulesDir ? [o.rulesDir] : []));
  const logger = o.logger.child({ component: 'alerts' });
  let leadership: Leadership;
  if (o.db.kind === 'pglite') leadership = new SoleLeadership();
  else if (o.databaseUrl)
    leadership = new AdvisoryLockLeadership({ connectionString: o.databaseUrl, logger, retryMilliseconds: o.leaderRetrySeconds * 1000 });
  else throw new Error('alerting on PostgreSQL needs the database URL for the leader connection');
  const events = await AlertEvents.listen(o.db, logger);
  const notificationListeners = new Set<(n: Notification) => void>();
  const evaluatedListeners = new Set<(report: EvaluationReport) => void>();
  const afterCommit = (report: EvaluationReport) => {
    for (const listener of evaluatedListeners) listener(report);
    for (const n of report.incidents.notifications)
      for (const listener of notificationListeners) {
        try {
          listener(n);
        } catch (err) {
          logger.error({ err, kind: n.kind, ruleId: n.ruleId }, 'notification listener failed');
        }
      }
  };
  const engine = new AlertEngine({
    db: o.db,
    rules,
    calendar,
    metrics,
    agencyUnitCodes: new Map(o.catalogue.agencies.map((a) => [a.code, a.unitCode])),
    clock: o.clock,
    logger: o.logger,
    leadership,
    evaluateEveryMilliseconds: o.evaluateEverySeconds * 1000,
    afterCommit,
  });
  await engine.start();
  logger.info({ rules: rules.length, leader: engine.isLeader }, 'alert engine started');
  return {
    engine,
    rules,
    events,
    onNotification(listener) {
      notificationListeners.add(listener);
      return () => notificationListeners.delete(listener);
    },
    onEvaluated(listener) {
      evaluatedListeners.add(listener);
      return () => evaluatedListeners.delete(listener);
    },
    async close() {
      await engine.stop();
      await events.close();
    },
  };
}
