import { randomUUID } from 'node:crypto';
import { CHANGE_CHANNEL, type Clock, type Db, type MetricCatalogue, type WorkingCalendar } from '@ioc/core';
import type { Logger } from '../logging/logger';
import { publishAlertChanges } from './alert-events';
import {
  AlertWriteConflict,
  alertChangeOf,
  changesAlertRow,
  hasAckOverdueIncidents,
  evaluateAlerts,
  metricRequests,
  readActiveAlerts,
  readCurrentSilences,
  readDataVersions,
  readSourceStatuses,
  rollupMetricSamples,
  saveAlertWrites,
  sourceRequests,
  type AlertChange,
  type AlertRule,
  type AlertWrite,
  type StoredAlert,
  isActiveState,
  type MetricSample,
  SteadyRules,
} from '@ioc/core';
import { LeadershipLost, type Leadership } from './leadership';
import { applyIncidents, type IncidentOutcome } from './alert-incidents';
import { EntityReadCache } from './entity-read-cache';
import { RollupWindowCache } from './rollup-window-cache';

/**
 * How far past `now` an entity read reaches (dossiers and documents due, projects delayed or lagging by then), so that
 * with no write committed it serves the clock's ticks for this long. A few more rows per read; core judges each by `now`.
 */
const ENTITY_LOOK_AHEAD_MILLISECONDS = 15 * 60_000;

export interface AlertEngineOptions {
  db: Db;
  rules: readonly AlertRule[];
  calendar: WorkingCalendar;
  /** The metric catalogue the rules were loaded against (metric rules read their formula's counters). */
  metrics: MetricCatalogue;
  /** Agency → its unit (catalogue), for each alert's `unitCode`. */
  agencyUnitCodes: ReadonlyMap<string, string>;
  clock: Clock;
  logger: Logger;
  leadership: Leadership;
  /** Evaluate at least this often with no new data: overdue grows with time alone (IOC_ALERT_EVAL_SECONDS). */
  evaluateEveryMilliseconds: number;
  /**
   * At most one evaluation per this much real time for notices and the clock (default 1000): a busy writer commits
   * many batches a second, and each evaluation reads the open backlog. `evaluateNow` is not held back.
   */
  minGapMilliseconds?: number;
  /**
   * Called in this process after an evaluation committed, with what it changed: the live hub pushes it and the
   * notifier sends its notifications. A listener that throws is logged; the evaluation stands.
   */
  afterCommit?: (report: EvaluationReport) => void;
}

/** What one evaluation did. */
export interface EvaluationReport {
  at: Date;
  durationMilliseconds: number;
  /** Where the time went: reading the store, computing in core, writing (one transaction). */
  phaseMilliseconds: { read: number; evaluate: number; write: number };
  dossiersRead: number;
  /** Open documents and active projects read for the document and project rules (0 without such rules). */
  documentsRead: number;
  projectsRead: number;
  /** The entities were those of an earlier evaluation: nothing was committed since, and they cover this `now`. */
  entitiesReused: boolean;
  instances: number;
  transitions: number;
  /** The changes it announced (committed). */
  changes: AlertChange[];
  /** The alerts as written, by id (those that changed). */
  alerts: Map<string, AlertWrite['state'] & { alertId: string }>;
  /** Incidents opened, linked or escalated, and the notifications to send. */
  incidents: IncidentOutcome;
}

/**
 * The alert engine: evaluates the SLA rules on new data (NOTIFY on the change channel, from any process) and on a
 * clock, in the one process that holds leadership. Each evaluation reads the active alerts and what the rules need
 * (open dossiers through the partial index, rollup counters, source status, silences), computes the next states
 * in core with `now` from the injected clock, then writes every change and its transitions and announces them in
 * one transaction: a crash leaves all of it or none, and the announcement goes out only once stored.
 * Evaluations never overlap; requests that arrive during one are merged into one more after it.
 */
export class AlertEngine {
  private running: Promise<EvaluationReport | null> | null = null;
  private pending = false;
  private timer: NodeJS.Timeout | null = null;
  private gapTimer: NodeJS.Timeout | null = null;
  private lastStartedAt = -Infinity;
  private readonly stops: (() => Promise<void> | void)[] = [];
  private readonly abort = new AbortController();
  private readonly log: Logger;

  private readonly rulesById: ReadonlyMap<string, AlertRule>;
  /**
   * The active alerts as this leader last committed them, by dedup key (null: read the store). Dropped before each
   * evaluation and set again only after its commit, so a failed or conflicting evaluation, or a change of leader,
   * reads afresh. Kept as one map changed by each commit's few writes: thousands of alerts, most steady, are then
   * neither copied nor re-keyed tick after tick.
   */
  private activeAlerts: Map<string, StoredAlert> | null = null;
  private readonly entities: EntityReadCache;
  private readonly rollups: RollupWindowCache;
  /** The rules whose alerts were all steady, valid only with `activeAlerts` (the very map) between ticks. */
  private readonly steadyRules = new SteadyRules<StoredAlert>();

  constructor(private readonly o: AlertEngineOptions) {
    this.log = o.logger.child({ component: 'alerts' });
    this.rulesById = new Map(o.rules.map((r) => [r.id, r]));
    this.entities = new EntityReadCache(o.db, o.rules, o.calendar, ENTITY_LOOK_AHEAD_MILLISECONDS);
    this.rollups = new RollupWindowCache(o.db);
  }

  get isLeader(): boolean {
    return this.o.leadership.isLeader;
  }

  /** Listens for committed writes, campaigns for leadership and starts the clock; the first evaluation follows at once if leader. */
  async start(): Promise<void> {
    this.stops.push(await this.o.db.listen(CHANGE_CHANNEL, () => this.request()));
    this.stops.push(
      this.o.leadership.onChange((leader) => {
        // Whoever led meanwhile may have written: a new leader reads the store again.
        this.activeAlerts = null;
        if (leader) this.request();
      }),
    );
    await this.o.leadership.start();
    this.timer = setInterval(() => this.request(), this.o.evaluateEveryMilliseconds);
    this.timer.unref();
    this.request();
  }

  /** Stops the clock and listening, waits for an evaluation in flight, and gives up leadership. An engine starts once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.timer = this.gapTimer = null;
    this.pending = false;
    for (const stop of this.stops.splice(0)) await stop();
    this.abort.abort(new Error('alert engine stopped'));
    await this.running?.catch(() => undefined);
    await this.o.leadership.stop();
  }

  /**
   * Evaluates now (after any evaluation in flight) and reports it; null when this process is not the leader.
   * Errors are thrown to the caller; the clock and notices log them instead.
   */
  async evaluateNow(): Promise<EvaluationReport | null> {
    // The one in flight may start a pending one as it ends: wait until none runs, then start ours in the same turn.
    while (this.running) await this.running.catch(() => undefined);
    return this.run();
  }

  private request(): void {
    if (this.abort.signal.aborted || this.gapTimer) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    // Pacing real resources, not domain time: this is the one place the engine reads the machine's clock.
    const wait = this.lastStartedAt + (this.o.minGapMilliseconds ?? 1_000) - performance.now();
    if (wait > 0) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        this.request();
      }, wait);
      this.gapTimer.unref();
      return;
    }
    void this.run().catch((err: unknown) => {
      if (err instanceof LeadershipLost) this.log.warn({ err }, 'alert evaluation dropped: leadership lost');
      else if (err instanceof AlertWriteConflict) {
        this.log.warn({ err }, 'alert evaluation raced another writer; evaluating again');
        this.request();
      } else if (!this.abort.signal.aborted) this.log.error({ err }, 'alert evaluation failed');
    });
  }

  private run(): Promise<EvaluationReport | null> {
    this.lastStartedAt = performance.now();
    const run = this.evaluate().finally(() => {
      if (this.running === run) this.running = null;
      if (this.pending) {
        this.pending = false;
        this.request();
      }
    });
    this.running = run;
    return run;
  }

  private async evaluate(): Promise<EvaluationReport | null> {
    if (!this.o.leadership.isLeader) return null;
    const started = performance.now();
    const now = this.o.clock.now();
    const { db, rules } = this.o;
    const signal = this.abort.signal;
    // The leader is the only writer, so what it wrote last is what the store holds: read once, then kept.
    const previous = this.activeAlerts ?? new Map((await readActiveAlerts(db)).map((a) => [a.dedupKey, a]));
    this.activeAlerts = null;
    // Read before the data it guards: a write committed after it makes the next tick's differ (the kept reads then
    // go), one committed before it is in every read below.
    const versions = await readDataVersions(db, signal);
    // Independent reads, each on its own pooled connection: a tick waits for the slowest, not for their sum.
    const [entities, metrics, sources, silences, escalationsDue] = await Promise.all([
      this.entities.read(versions, now, signal),
      // The metric rules read the dossier rollup, which only dossier writes change.
      this.readMetricSamples(versions.of('dossier'), now, signal),
      readSourceStatuses(db, sourceRequests(rules)),
      readCurrentSilences(db, now),
      hasAckOverdueIncidents(db, now),
    ]);
    const read = performance.now();
    const tick = evaluateAlerts({
      rules,
      previous,
      snapshot: {
        dossiers: entities.reads.dossiers,
        metrics,
        sources,
        agencyUnitCodes: this.o.agencyUnitCodes,
        documents: entities.reads.documents,
        projects: entities.reads.projects,
        projectAgencyLastUpdates: entities.reads.projectAgencyLastUpdates,
      },
      silences,
      now,
      calendar: this.o.calendar,
      // Most alerts stay as they are on most ticks: they are kept as read, with nothing made, compared or written.
      omitSteady: true,
      steadyRules: this.steadyRules,
    });
    const writes: AlertWrite[] = [];
    const changes: AlertChange[] = [];
    const changedAlerts = new Map<string, AlertWrite['state'] & { alertId: string }>();
    for (const step of tick.steps) {
      const alertId = step.state.alertId ?? randomUUID();
      const state = step.state.alertId === alertId ? step.state : { ...step.state, alertId };
      // The step's previous state is the stored alert it continues (same id), or none for a new one.
      const revision = step.previous?.revision ?? null;
      writes.push({ alertId, revision, previous: step.previous, state, transition: step.transition, notify: step.notify });
      if (step.changed) {
        changes.push(alertChangeOf(alertId, step.previous, { ...step, state }));
        changedAlerts.set(alertId, { ...state, alertId });
      }
    }
    signal.throwIfAborted();
    const computed = performance.now();
    // Most ticks store nothing: no alert row changes beyond its evaluation instant, nothing is announced and no
    // incident is due to escalate. Such a tick opens no transaction (it was a third of a quiet tick's time).
    const storing =
      escalationsDue ||
      changes.length > 0 ||
      writes.some((w) => w.revision === null || w.transition !== null || w.notify !== null || changesAlertRow(w));
    let written = new Map<string, number>();
    const incidents: IncidentOutcome = storing
      ? await db.transaction(async (tx) => {
          await this.o.leadership.assertHeld(tx);
          written = await saveAlertWrites(tx, writes);
          const outcome = await applyIncidents(tx, {
            writes,
            changedAlertIds: new Set(changes.map((c) => c.alertId)),
            rules: this.rulesById,
            calendar: this.o.calendar,
            now,
          });
          await publishAlertChanges(tx, changes);
          return outcome;
        })
      : { incidents: [], notifications: [], incidentOfAlert: new Map() };
    // An alert whose row was not written (steady, or changed in nothing stored) keeps the object read: it is what the
    // store holds, and thousands of alerts unchanged tick after tick then stay the same long-lived objects instead of
    // fresh copies each tick, which the garbage collector had to promote and sweep again and again (`npm run bench:rules`).
    for (const w of writes) {
      const key = w.state.dedupKey;
      if (!isActiveState(w.state.state)) {
        previous.delete(key);
        continue;
      }
      // Not stored (nothing in its row changed): the revision it had.
      const revision = written.get(w.alertId) ?? w.revision!;
      const read = previous.get(key);
      if (!read || read.alertId !== w.alertId || read.revision !== revision)
        previous.set(key, { ...w.state, alertId: w.alertId, revision });
    }
    this.activeAlerts = previous;
    for (const w of writes)
      if (w.transition)
        this.log.info(
          {
            ruleId: w.state.ruleId,
            dedupKey: w.state.dedupKey,
            from: w.transition.fromState,
            to: w.transition.toState,
            severity: w.state.severity,
            count: w.state.count,
            notify: w.notify,
          },
          'alert transition',
        );
    const report: EvaluationReport = {
      at: now,
      durationMilliseconds: performance.now() - started,
      phaseMilliseconds: { read: read - started, evaluate: computed - read, write: performance.now() - computed },
      dossiersRead: entities.reads.dossiers.length,
      documentsRead: entities.reads.documents.length,
      projectsRead: entities.reads.projects.length,
      entitiesReused: entities.reused,
      instances: tick.instanceCount,
      transitions: writes.filter((w) => w.transition).length,
      changes,
      alerts: changedAlerts,
      incidents,
    };
    if (this.o.afterCommit) {
      try {
        this.o.afterCommit(report);
      } catch (err) {
        this.log.error({ err }, 'after-commit listener failed');
      }
    }
    this.log.debug(
      {
        ...report,
        changes: changes.length,
        alerts: undefined,
        incidents: incidents.incidents.length,
        notifications: incidents.notifications.length,
      },
      'alerts evaluated',
    );
    return report;
  }

  /** Each metric the rules name, per agency and for the province, over each window they name. */
  private async readMetricSamples(version: string, now: Date, signal: AbortSignal): Promise<MetricSample[]> {
    const samples: MetricSample[] = [];
    const rowsByWindow = new Map<number, Awaited<ReturnType<RollupWindowCache['read']>>>();
    for (const { metricId, windowMilliseconds } of metricRequests(this.o.rules)) {
      const metric = this.o.metrics.metrics.find((m) => m.id === metricId);
      if (!metric) throw new RangeError(`metric ${metricId} is not in the catalogue the rules were loaded with`);
      let rows = rowsByWindow.get(windowMilliseconds);
      if (!rows) {
        rows = await this.rollups.read(version, windowMilliseconds, now, signal);
        rowsByWindow.set(windowMilliseconds, rows);
      }
      samples.push(...rollupMetricSamples(metric, windowMilliseconds, rows));
    }
    return samples;
  }
}
