/**
 * `npm run bench:rules`: how long one tick of the alert engine takes on PostgreSQL with BENCH_RULES rules (default
 * 200: the shipped ones, then copies of them, the dossier ones alternately grouped per agency and per commune) over
 * every agency and commune of the catalogue, with a year of dossier history (BENCH_HISTORY finished dossiers spread
 * over the 365 days before now, which also fill the per-minute rollups the metric rules read) and BENCH_OPEN open
 * ones, BENCH_DOCUMENTS open incoming documents (~10 % overdue, ~5 % due within the day) and BENCH_PROJECTS active
 * projects (~10 % behind schedule, the agencies of ~15 % never updated this cycle) for the DOC and PRJ rules. Everything
 * goes in through the real writers; the clock is fake and moves 30 s per tick. The first tick (which
 * creates the alerts and opens their incidents) is reported apart; p50 and p99 are over the next BENCH_TICKS ticks.
 * Progress goes to stderr; the last line of stdout is JSON:
 * `{"rules":…,"units":…,"ms_per_tick_p50":…,"ms_per_tick_p99":…}` (target: p99 < 100 ms).
 * Nothing is written between ticks, so the engine keeps its entity read until the clock passes what it covers
 * (`ENTITY_LOOK_AHEAD_MILLISECONDS`); stderr says which ticks read the entities again and how long they took.
 * BENCH_INVALIDATE=1 raises a data version before each tick instead, as a writer's commit does, of a source of unknown kind:
 * every kind is read again; BENCH_INVALIDATE=dossier (or document, project) raises that kind's only, as the busiest
 * writer's commits do.
 * BENCH_RUNS=3 repeats all of it (fresh database, load, ticks) and reports each run's p50 and p99 and their medians;
 * BENCH_CPU_PROFILE=file.cpuprofile writes a V8 CPU profile of the first run's measured ticks (not the load).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import {
  loadCatalogue,
  loadMetricCatalogue,
  loadWorkingCalendar,
  loadRules,
  bumpDataVersion,
  writeDocumentBatch,
  writeDossierBatch,
  writeProjectBatch,
  DocumentRecord,
  ProjectRecord,
  type AlertRule,
  type DataKind,
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
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 20_000);
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 3_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE;
const INVALIDATE = process.env.BENCH_INVALIDATE ?? '';
const INVALIDATE_KIND: DataKind | null = ['dossier', 'document', 'project'].includes(INVALIDATE) ? (INVALIDATE as DataKind) : null;
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

/** Open incoming documents of every agency, and active projects whose agencies mostly updated them this cycle. */
async function loadDocumentsAndProjects(db: Db, agencies: readonly { code: string; unitCode: string }[]): Promise<void> {
  const started = performance.now();
  const now = Date.parse(NOW);
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let from = 0; from < DOCUMENTS; from += 2_000) {
    const batch = Array.from({ length: Math.min(2_000, DOCUMENTS - from) }, (_, k) => {
      const i = from + k;
      const r = random();
      const deadline = r < 0.1 ? now - random() * 8 * DAY : r < 0.15 ? now + random() * 6 * HOUR : now + (1 + random() * 15) * DAY;
      const received = Math.min(now - HOUR, deadline - 3 * DAY);
      return DocumentRecord.parse({
        source_id: `BD${String(i).padStart(7, '0')}`,
        version: 1,
        source_updated_at: iso(received + HOUR),
        direction: 'incoming',
        agency_code: agencies[i % agencies.length]!.code,
        document_type: 'Công văn',
        summary: 'Về việc rà soát thủ tục hành chính',
        urgency: random() < 0.05 ? 'urgent' : 'normal',
        received_via: 'axis',
        received_at: iso(received),
        registered_at: iso(received + 30 * 60_000),
        assigned_at: iso(received + HOUR),
        deadline_at: iso(deadline),
        status: 'assigned',
      });
    });
    await writeDocumentBatch(db, calendar, 'qlvb', batch, null);
  }
  for (let from = 0; from < PROJECTS; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, PROJECTS - from) }, (_, k) => {
      const i = from + k;
      const agency = agencies[i % agencies.length]!;
      // Agencies with an index divisible by 7 (~15 %) last updated before the cycle that closed on 10/03.
      const updated = agencies.indexOf(agency) % 7 === 0 ? now - (30 + random() * 30) * DAY : now - (2 + random() * 25) * DAY;
      return ProjectRecord.parse({
        source_id: `BP${String(i).padStart(6, '0')}`,
        version: 1,
        source_updated_at: iso(updated),
        project_code: `DA-${String(i).padStart(6, '0')}`,
        name: 'Đường liên xã',
        sector: 'Giao thông',
        funding_kind: 'public_investment',
        investor_name: 'Ban QLDA',
        investor_kind: 'state_agency',
        managing_agency_code: agency.code,
        unit_codes: [/^\d{5}$/.test(agency.unitCode) ? agency.unitCode : '05443'],
        total_investment_vnd: 100_000_000_000,
        stage: 'in_implementation',
        planned_completion: random() < 0.1 ? '2025-12-31' : '2027-12-31',
        progress_planned_pct: 40,
        progress_actual_pct: random() < 0.1 ? 20 : 38,
        last_update_at: iso(updated),
        last_update_kind: 'data',
      });
    });
    await writeProjectBatch(db, 'csdldt', batch, null);
  }
  log(`loaded ${DOCUMENTS} open documents + ${PROJECTS} projects in ${Math.round(performance.now() - started)} ms`);
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

/** A V8 CPU profile of what runs between `start` and `stop`, written to `file` (for `--cpu-prof`-style analysis). */
async function cpuProfiler(file: string | undefined): Promise<{ stop(): Promise<void> }> {
  if (!file) return { stop: () => Promise.resolve() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      log(`cpu profile of the measured ticks: ${file}`);
    },
  };
}

interface RunResult {
  alerts: number;
  first_tick_ms: number;
  ms_per_tick_p50: number;
  ms_per_tick_p99: number;
}

const [catalogue, metrics, calendar] = await Promise.all([loadCatalogue(), loadMetricCatalogue(), loadWorkingCalendar()]);
const rules = manyRules(await loadRules(metrics), RULES);
const logger = createLogger('silent');

async function benchRun(run: number): Promise<RunResult> {
  const store = await openAlertTestStore('postgres');
  try {
    await load(store.db, catalogue.agencies);
    await loadDocumentsAndProjects(store.db, catalogue.agencies);
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
    // This process's CPU per tick: what a busy machine's waiting does not inflate (PostgreSQL's own work is not in it).
    const cpuTicks: number[] = [];
    const slowest: { tick: number; ms: number; read: number; evaluate: number; write: number; changes: number }[] = [];
    const phases = { read: [] as number[], evaluate: [] as number[], write: [] as number[] };
    // Ticks that read the entities again (none committed meanwhile, but the clock passed what the kept read covers).
    const entityReadTicks: number[] = [];
    let transitions = 0;
    const profiler = await cpuProfiler(run === 0 ? CPU_PROFILE : undefined);
    for (let i = 0; i < TICKS; i++) {
      clock.advance(30_000);
      // As if a writer had committed since the last tick (without its notice, which would start an evaluation of its own).
      if (INVALIDATE) await store.db.transaction((tx) => bumpDataVersion(tx, 'bench', INVALIDATE_KIND));
      const cpuBefore = process.cpuUsage();
      const report = (await engine.evaluateNow())!;
      const cpu = process.cpuUsage(cpuBefore);
      cpuTicks.push((cpu.user + cpu.system) / 1000);
      ticks.push(report.durationMilliseconds);
      if (!report.entitiesReused) entityReadTicks.push(report.durationMilliseconds);
      transitions += report.transitions;
      if (i === 0) log(`second tick: ${report.changes.length} alerts changed, ${report.transitions} transitions`);
      for (const k of ['read', 'evaluate', 'write'] as const) phases[k].push(report.phaseMilliseconds[k]);
      slowest.push({ tick: i + 1, ms: report.durationMilliseconds, ...report.phaseMilliseconds, changes: report.changes.length });
    }
    await profiler.stop();
    const at = (p: number) => (k: keyof typeof phases) => percentile(phases[k], p).toFixed(1);
    for (const p of [50, 99]) log(`p${p} per phase (ms): read ${at(p)('read')}, evaluate ${at(p)('evaluate')}, write ${at(p)('write')}`);
    log(`${transitions} transitions over ${TICKS} ticks`);
    log(
      `${entityReadTicks.length} of ${TICKS} ticks read the entities again` +
        (entityReadTicks.length > 0 ? ` (ms: ${entityReadTicks.map((ms) => Math.round(ms)).join(', ')})` : ''),
    );
    const round = (x: number) => Math.round(x);
    for (const t of slowest.sort((a, b) => b.ms - a.ms).slice(0, 3))
      log(
        `slow tick ${t.tick}: ${round(t.ms)} ms (read ${round(t.read)}, evaluate ${round(t.evaluate)}, write ${round(t.write)}), ${t.changes} changes`,
      );
    log(`node cpu per tick (ms): p50 ${percentile(cpuTicks, 50).toFixed(1)}, p99 ${percentile(cpuTicks, 99).toFixed(1)}`);
    await engine.stop();
    return {
      alerts: first.instances,
      first_tick_ms: Math.round(first.durationMilliseconds),
      ms_per_tick_p50: Math.round(percentile(ticks, 50) * 10) / 10,
      ms_per_tick_p99: Math.round(percentile(ticks, 99) * 10) / 10,
    };
  } finally {
    await store.dispose();
  }
}

const runs: RunResult[] = [];
for (let run = 0; run < RUNS; run++) {
  runs.push(await benchRun(run));
  log(`run ${run + 1}/${RUNS}: ${JSON.stringify(runs.at(-1))}`);
}
const median = (k: keyof RunResult) =>
  percentile(
    runs.map((r) => r[k]),
    50,
  );
const result = {
  rules: rules.length,
  units: catalogue.agencies.length + catalogue.communes.length,
  agencies: catalogue.agencies.length,
  communes: catalogue.communes.length,
  open: OPEN,
  history: HISTORY,
  alerts: runs[0]!.alerts,
  ticks: TICKS,
  runs: RUNS,
  first_tick_ms: median('first_tick_ms'),
  ms_per_tick_p50: median('ms_per_tick_p50'),
  ms_per_tick_p99: median('ms_per_tick_p99'),
  ...(RUNS > 1 ? { runs_p50: runs.map((r) => r.ms_per_tick_p50), runs_p99: runs.map((r) => r.ms_per_tick_p99) } : {}),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
