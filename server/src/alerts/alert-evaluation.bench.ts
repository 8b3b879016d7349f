/**
 * `npm run bench:rules`: how long one tick of the alert engine takes on PostgreSQL with BENCH_RULES rules (default
 * 200: the shipped ones, then copies of them, the dossier ones alternately grouped per agency and per commune) over
 * every agency and commune of the catalogue, with a year of dossier history (BENCH_HISTORY finished dossiers spread
 * over the 365 days before now, which also fill the per-minute rollups the metric rules read) and BENCH_OPEN open
 * ones. Dossiers go in through the real writer; the clock is fake and moves 30 s per tick. The first tick (which
 * creates the alerts and opens their incidents) is reported apart; p50 and p99 are over the next BENCH_TICKS ticks.
 * Progress goes to stderr; the last line of stdout is JSON:
 * `{"rules":…,"units":…,"ms_per_tick_p50":…,"ms_per_tick_p99":…}` (target: p99 < 100 ms).
 */
import { performance } from 'node:perf_hooks';
import {
  loadCatalogue,
  loadMetricCatalogue,
  loadWorkingCalendar,
  loadRules,
  writeDossierBatch,
  type AlertRule,
  type Db,
  type Dossier,
} from '@ioc/core';
import { createLogger } from '../logging/logger';
import { AlertEngine, type EvaluationReport } from './alert-engine';
import { fakeClock, makeDossier, openAlertTestStore } from './alert-test-support';
import { AdvisoryLockLeadership } from './leadership';

const RULES = Number(process.env.BENCH_RULES ?? 200);
const OPEN = Number(process.env.BENCH_OPEN ?? 20_000);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 200_000);
const TICKS = Number(process.env.BENCH_TICKS ?? 100);
const NOW = '2026-03-11T10:00:00+07:00';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/** The shipped rules, then copies (`BR-001`…) until there are `count`; copies of grouped rules alternate agency / commune. */
function manyRules(shipped: readonly AlertRule[], count: number): AlertRule[] {
  const rules = [...shipped];
  for (let n = 1; rules.length < count; n++) {
    const base = shipped[n % shipped.length]!;
    const copy = { ...base, id: `BR-${String(n).padStart(3, '0')}` };
    if ('groupBy' in copy && base.kind.startsWith('dossier')) (copy as { groupBy: string }).groupBy = n % 2 === 0 ? 'agency' : 'unit';
    rules.push(copy);
  }
  return rules;
}

/** Open dossiers (~8 % overdue, ~4 % due within a day) and a year of finished ones, every agency, in its own unit. */
function* dossiers(agencies: readonly { code: string; unitCode: string }[]): Generator<Dossier[]> {
  const now = Date.parse(NOW);
  let seed = 19;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const iso = (ms: number) => new Date(ms).toISOString();
  let batch: Dossier[] = [];
  for (let i = 0; i < OPEN + HISTORY; i++) {
    const agency = agencies[i % agencies.length]!;
    const finished = i >= OPEN;
    const received = finished ? now - (2 + random() * 363) * DAY : now - (1 + random() * 25 * 24) * HOUR;
    const r = random();
    const due = finished
      ? received + (1 + random() * 15) * DAY
      : r < 0.08
        ? now - random() * 10 * DAY
        : r < 0.12
          ? now + random() * 20 * HOUR
          : now + (1 + random() * 20) * DAY;
    const finishedAt = Math.min(now - 60_000, received + random() * 12 * DAY);
    batch.push(
      makeDossier({
        source_id: `B${String(i).padStart(7, '0')}`,
        handling_agency_code: agency.code,
        receiving_unit_code: agency.code,
        unit_code: agency.unitCode,
        received_at: iso(received),
        source_updated_at: iso(finished ? finishedAt : received),
        status_changed_at: iso(finished ? finishedAt : received),
        due_at: iso(due),
        status: finished ? 'resolved' : 'in_progress',
        finished_at: finished ? iso(finishedAt) : null,
      }),
    );
    if (batch.length === 2_000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function load(db: Db, agencies: readonly { code: string; unitCode: string }[]): Promise<void> {
  const started = performance.now();
  let written = 0;
  for (const batch of dossiers(agencies)) {
    await writeDossierBatch(db, 'dvc', batch, null);
    written += batch.length;
    if (written % 50_000 === 0) log(`loaded ${written} dossiers in ${Math.round(performance.now() - started)} ms`);
  }
  log(`loaded ${OPEN} open + ${HISTORY} finished dossiers in ${Math.round(performance.now() - started)} ms`);
}

const [catalogue, metrics, calendar] = await Promise.all([loadCatalogue(), loadMetricCatalogue(), loadWorkingCalendar()]);
const rules = manyRules(await loadRules(metrics), RULES);
const store = await openAlertTestStore('postgres');
const logger = createLogger('silent');
try {
  await load(store.db, catalogue.agencies);
  await store.db.query('analyze');
  const clock = fakeClock(NOW);
  // The engine evaluates once as it starts: that is the first tick (it creates the alerts and opens their incidents).
  let firstReport: EvaluationReport | undefined;
  const engine = new AlertEngine({
    db: store.db,
    rules,
    calendar,
    metrics,
    agencyUnitCodes: new Map(catalogue.agencies.map((a) => [a.code, a.unitCode])),
    clock,
    logger,
    leadership: new AdvisoryLockLeadership({ connectionString: store.url!, logger, retryMilliseconds: 5_000 }),
    evaluateEveryMilliseconds: 3_600_000,
    afterCommit: (report) => void (firstReport ??= report),
  });
  await engine.start();
  await engine.evaluateNow();
  const first = firstReport!;
  log(
    `first tick: ${Math.round(first.durationMilliseconds)} ms, ${first.dossiersRead} dossiers read, ${first.instances} alerts, ` +
      `${first.incidents.incidents.length} incidents opened`,
  );
  const ticks: number[] = [];
  const phases = { read: [] as number[], evaluate: [] as number[], write: [] as number[] };
  for (let i = 0; i < TICKS; i++) {
    clock.advance(30_000);
    const report = (await engine.evaluateNow())!;
    ticks.push(report.durationMilliseconds);
    if (i === 0) log(`second tick: ${report.changes.length} alerts changed, ${report.transitions} transitions`);
    for (const k of ['read', 'evaluate', 'write'] as const) phases[k].push(report.phaseMilliseconds[k]);
  }
  log(
    `median per phase (ms): read ${percentile(phases.read, 50).toFixed(1)}, evaluate ${percentile(phases.evaluate, 50).toFixed(1)}, write ${percentile(phases.write, 50).toFixed(1)}`,
  );
  await engine.stop();
  const result = {
    rules: rules.length,
    units: catalogue.agencies.length + catalogue.communes.length,
    agencies: catalogue.agencies.length,
    communes: catalogue.communes.length,
    open: OPEN,
    history: HISTORY,
    alerts: first.instances,
    first_tick_ms: Math.round(first.durationMilliseconds),
    ticks: TICKS,
    ms_per_tick_p50: Math.round(percentile(ticks, 50) * 10) / 10,
    ms_per_tick_p99: Math.round(percentile(ticks, 99) * 10) / 10,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await store.dispose();
}
