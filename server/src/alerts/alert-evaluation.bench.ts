/**
 * `npx tsx server/src/alerts/alert-evaluation.bench.ts`: how long one alert evaluation takes with ~30,000 open
 * dossiers (BENCH_OPEN), on PGlite and PostgreSQL, with the shipped rules. Dossiers go in through the real writer;
 * the clock is fixed. Prints, per backend: the first evaluation (creates the alerts), the median of the next
 * BENCH_RUNS (steady state), and the pure evaluation over every open dossier without the read plan (the worst case
 * for core). The last line is JSON.
 */
import { performance } from 'node:perf_hooks';
import {
  loadCatalogue,
  loadMetricCatalogue,
  loadWorkingCalendar,
  writeDossierBatch,
  type Db,
  type Dossier,
  type WorkingCalendar,
} from '@ioc/core';
import { createLogger } from '../logging/logger';
import { AlertEngine } from './alert-engine';
import { fakeClock, makeDossier, openAlertTestStore } from './alert-test-support';
import { evaluateAlerts, loadRules, readSlaDossiers, type AlertRule } from '@ioc/core';
import { AdvisoryLockLeadership, SoleLeadership } from './leadership';

const OPEN = Number(process.env.BENCH_OPEN ?? 30_000);
const FINISHED = Number(process.env.BENCH_FINISHED ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NOW = '2026-03-11T10:00:00+07:00';
const HOUR = 3_600_000;
const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A deterministic spread: ~8 % overdue, ~4 % due within a working day, ~3 % asked twice for supplements. */
function backlog(agencies: readonly string[]): Dossier[] {
  const now = Date.parse(NOW);
  const rows: Dossier[] = [];
  let seed = 19;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const iso = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; i < OPEN + FINISHED; i++) {
    const agency = agencies[i % agencies.length]!;
    const received = now - (1 + random() * 25 * 24) * HOUR;
    const r = random();
    const due = r < 0.08 ? now - random() * 10 * 24 * HOUR : r < 0.12 ? now + random() * 20 * HOUR : now + (1 + random() * 20) * 24 * HOUR;
    const twice = random() < 0.03;
    const finished = i >= OPEN;
    const finishedAt = Math.min(now - 60_000, received + random() * 10 * 24 * HOUR);
    rows.push(
      makeDossier({
        source_id: `B${String(i).padStart(6, '0')}`,
        handling_agency_code: agency,
        receiving_unit_code: agency,
        received_at: iso(received),
        source_updated_at: iso(finished ? finishedAt : received),
        status_changed_at: iso(finished ? finishedAt : received),
        due_at: iso(due),
        status: finished ? 'resolved' : 'in_progress',
        finished_at: finished ? iso(finishedAt) : null,
        supplement_periods: twice
          ? [
              { requested_at: iso(received + HOUR), completed_at: iso(received + 2 * HOUR) },
              { requested_at: iso(received + 3 * HOUR), completed_at: iso(received + 4 * HOUR) },
            ]
          : [],
      }),
    );
  }
  return rows;
}

async function load(db: Db, rows: readonly Dossier[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1_000) await writeDossierBatch(db, 'dvc', rows.slice(i, i + 1_000), null);
}

async function bench(backend: 'pglite' | 'postgres', rules: readonly AlertRule[], calendar: WorkingCalendar) {
  const [catalogue, metrics] = await Promise.all([loadCatalogue(), loadMetricCatalogue()]);
  const store = await openAlertTestStore(backend);
  const logger = createLogger('silent');
  try {
    const started = performance.now();
    await load(store.db, backlog(catalogue.agencies.map((a) => a.code)));
    log(backend, `loaded ${OPEN} open + ${FINISHED} finished in ${Math.round(performance.now() - started)} ms`);
    const clock = fakeClock(NOW);
    const engine = new AlertEngine({
      db: store.db,
      rules,
      calendar,
      metrics,
      agencyUnitCodes: new Map(catalogue.agencies.map((a) => [a.code, a.unitCode])),
      clock,
      logger,
      leadership: store.url
        ? new AdvisoryLockLeadership({ connectionString: store.url, logger, retryMilliseconds: 5_000 })
        : new SoleLeadership(),
      evaluateEveryMilliseconds: 3_600_000,
    });
    await engine.start();
    const first = (await engine.evaluateNow())!;
    const steady: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      clock.advance(30_000);
      steady.push((await engine.evaluateNow())!.durationMilliseconds);
    }
    await engine.stop();
    // Core alone, over every open dossier (no read plan), with the store's read left out.
    const all = await readSlaDossiers(store.db, { dueBefore: new Date('2100-01-01'), minSupplementRequests: 0 });
    const snapshot = { dossiers: all, metrics: [], sources: [], agencyUnitCodes: new Map<string, string>() };
    const pure: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      evaluateAlerts({ rules, previous: [], snapshot, silences: [], now: new Date(Date.parse(NOW) + i * 30_000), calendar });
      pure.push(performance.now() - t);
    }
    const result = {
      backend,
      open: OPEN,
      dossiersRead: first.dossiersRead,
      alerts: first.instances,
      firstMs: Math.round(first.durationMilliseconds),
      steadyMedianMs: Math.round(median(steady)),
      pureAllOpenMedianMs: Math.round(median(pure)),
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    await store.dispose();
  }
}

const calendar = await loadWorkingCalendar();
const rules = await loadRules(await loadMetricCatalogue());
const results = [];
for (const backend of ['pglite', 'postgres'] as const) results.push(await bench(backend, rules, calendar));
process.stdout.write(`${JSON.stringify(results)}\n`);
