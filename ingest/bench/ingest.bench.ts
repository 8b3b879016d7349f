/**
 * `npm run bench:ingest`: how fast dossiers go through validation and the writer (upsert + history + per-minute
 * rollup + checkpoint, one transaction per batch) into PostgreSQL and PGlite, against COPY of the same rows into
 * the same database in the same run. Batch sizes 1, 100 and 1,000; each figure is the median of RUNS runs. The
 * last line is JSON. The unit register is seeded from the catalogue, so the writer's rates include the unit-code
 * check; `*_unit_check_us_per_row` is that check alone (one register query per 1,000 rows plus the per-record test).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import {
  copyCsvRows,
  DOSSIER_FIELD_NAMES,
  DossierRecord,
  loadCatalogue,
  loadUnitValidity,
  migrate,
  openPgDb,
  openPgliteDb,
  seedUnitsFromCatalogue,
  unitCodeProblem,
  writeDossierBatch,
  type Db,
  type Dossier,
  type DossierWire,
} from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { startDossierSimulator } from '../src/index';
import { validateSourceItemsInSlices } from '../src/source/validate-source-items';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Rows per batch size: enough for a stable rate, few enough that batch size 1 ends in seconds. */
const PLAN = [
  { batchSize: 1, rows: 1_000 },
  { batchSize: 100, rows: 10_000 },
  { batchSize: 1_000, rows: 20_000 },
] as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);

async function reset(db: Db): Promise<void> {
  await db.exec('truncate dossier, dossier_superseded, dossier_rollup_minute, ingest_checkpoint, quarantine');
}

/**
 * Validation + writer in batches, as the connector and the writer do it: the connector validates the next page while
 * the writer's transaction for the previous one is in flight (they are two loops joined by the bus), so the next
 * page is validated before the previous write is awaited, in slices as the connector does
 * (`validateSourceItemsInSlices`). Returns rows per second.
 */
async function throughWriter(db: Db, wire: readonly DossierWire[], batchSize: number): Promise<number> {
  await reset(db);
  const started = performance.now();
  let writing: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < wire.length; i += batchSize) {
    const page = wire.slice(i, i + batchSize);
    const { records } = await validateSourceItemsInSlices(DossierRecord, page);
    const last = page[page.length - 1]!;
    await writing;
    writing = writeDossierBatch(db, 'bench', records, { updatedSince: last.source_updated_at, afterId: last.source_id });
  }
  await writing;
  const seconds = (performance.now() - started) / 1000;
  const stored = await db.query<{ n: number }>("select count(*)::int as n from dossier where source_system = 'bench'");
  if (stored.rows[0]!.n !== new Set(wire.map((w) => w.source_id)).size) throw new Error('the writer lost rows: the benchmark is void');
  return wire.length / seconds;
}

/** COPY of the same rows (already valid: COPY validates nothing) into the same `dossier` table, encoded as the writer encodes its stage. */
async function throughCopy(db: Db, rows: readonly Dossier[]): Promise<number> {
  await reset(db);
  const started = performance.now();
  await db.copyFromCsv('dossier', ['source_system', ...DOSSIER_FIELD_NAMES], copyCsvRows(rows, DOSSIER_FIELD_NAMES, ['bench']));
  return rows.length / ((performance.now() - started) / 1000);
}

/** Microseconds per record of the writer's unit-code check: the register query once per batch of 1,000, then each record. */
async function unitCheckCost(db: Db, rows: readonly Dossier[]): Promise<number> {
  const started = performance.now();
  let refused = 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      const validity = await loadUnitValidity(tx, [...new Set(batch.map((r) => r.unit_code))]);
      for (const r of batch)
        if (unitCodeProblem(validity, r.unit_code, r.received_at ?? r.submitted_at ?? r.status_changed_at)) refused += 1;
    }
  });
  if (refused > 0) throw new Error(`${refused} simulated dossiers have a unit code the register refuses: the benchmark is void`);
  return ((performance.now() - started) * 1000) / rows.length;
}

async function benchBackend(name: string, db: Db, wire: readonly DossierWire[]) {
  const latest = new Map<string, DossierWire>();
  for (const w of wire) latest.set(w.source_id, w);
  const result: Record<string, number> = {};
  for (const { batchSize, rows } of PLAN) {
    const slice = [...latest.values()].slice(0, rows);
    const parsed = slice.map((w) => DossierRecord.parse(w));
    const ours: number[] = [];
    const copy: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(await throughWriter(db, slice, batchSize));
      copy.push(await throughCopy(db, parsed));
    }
    result[`${name}_batch${batchSize}_rows_per_s`] = Math.round(median(ours));
    result[`${name}_batch${batchSize}_copy_rows_per_s`] = Math.round(median(copy));
    result[`${name}_batch${batchSize}_ratio`] = Number((median(ours) / median(copy)).toFixed(3));
    log(
      name,
      `batch ${batchSize}:`,
      Math.round(median(ours)),
      'rows/s vs COPY',
      Math.round(median(copy)),
      `(runs: ${ours.map(Math.round).join(', ')})`,
    );
  }
  const all = [...latest.values()].slice(0, PLAN[PLAN.length - 1]!.rows).map((w) => DossierRecord.parse(w));
  const checks: number[] = [];
  for (let run = 0; run < RUNS; run++) checks.push(await unitCheckCost(db, all));
  result[`${name}_unit_check_us_per_row`] = Number(median(checks).toFixed(2));
  log(name, 'unit-code check:', median(checks).toFixed(2), 'µs per row');
  return result;
}

const catalogue = await loadCatalogue();
const simulator = await startDossierSimulator({
  catalogue,
  apiKey: 'bench-key-123',
  live: false,
  port: 0,
  logger: pino({ level: 'silent' }),
});
const wire = simulator.records();
await simulator.stop();
log(`${wire.length} simulated dossiers; ${RUNS} runs per figure`);

const database = await createTestDatabase('ioc_bench');
const pg = await openPgDb({ connectionString: database.url, max: 2 });
await migrate(pg);
await seedUnitsFromCatalogue(pg, catalogue);
const lite = await openPgliteDb();
await migrate(lite);
await seedUnitsFromCatalogue(lite, catalogue);
try {
  const pgResult = await benchBackend('pg', pg, wire);
  const liteResult = await benchBackend('pglite', lite, wire);
  const top = PLAN[PLAN.length - 1]!.batchSize;
  process.stdout.write(
    `${JSON.stringify({
      pg_rows_per_s: pgResult[`pg_batch${top}_rows_per_s`],
      pg_copy_rows_per_s: pgResult[`pg_batch${top}_copy_rows_per_s`],
      pg_ratio: pgResult[`pg_batch${top}_ratio`],
      pglite_rows_per_s: liteResult[`pglite_batch${top}_rows_per_s`],
      pglite_copy_rows_per_s: liteResult[`pglite_batch${top}_copy_rows_per_s`],
      pglite_ratio: liteResult[`pglite_batch${top}_ratio`],
      runs: RUNS,
      ...pgResult,
      ...liteResult,
    })}\n`,
  );
} finally {
  await pg.close();
  await lite.close();
  await database.drop();
}
