/**
 * `npx tsx ingest/bench/writer-phases.bench.ts`: where the dossier writer's time goes, per phase, on PostgreSQL (and
 * PGlite with `BENCH_PGLITE=1`): validation, each statement of the write transaction as the real writer issues it
 * (timed around the call, so a statement's time includes its round trip), the JavaScript between them, and the
 * commit. Same rows as `bench:ingest` at batch 1,000 (and BENCH_BATCH). Phases run one after another here, without
 * the connector/writer overlap that bench:ingest has, so their sum is more than bench:ingest's wall time.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import {
  copyCsvRows,
  DOSSIER_FIELD_NAMES,
  DossierRecord,
  loadCatalogue,
  migrate,
  openPgDb,
  openPgliteDb,
  seedUnitsFromCatalogue,
  writeDossierBatch,
  type Db,
  type Dossier,
  type Queryable,
} from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { startDossierSimulator } from '../src/index';

const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);

/** A short name for a statement: its first words, enough to tell the writer's statements apart. */
const label = (sql: string) => sql.trim().replace(/\s+/g, ' ').split(' ').slice(0, 3).join(' ');

function timed(db: Db, phases: Map<string, number>): Db {
  const add = (name: string, started: number) => phases.set(name, (phases.get(name) ?? 0) + performance.now() - started);
  return {
    ...db,
    async transaction(fn) {
      const started = performance.now();
      let inside = 0;
      const result = await db.transaction(async (tx) => {
        add('begin', started);
        const entered = performance.now();
        const wrapped: Queryable = {
          async query(text, params, options) {
            const t = performance.now();
            try {
              return await tx.query(text, params, options);
            } finally {
              add(`sql: ${label(text)}`, t);
              inside += performance.now() - t;
            }
          },
          exec: (sql) => tx.exec(sql),
          async copyFromCsv(table, columns, csv) {
            const t = performance.now();
            try {
              return await tx.copyFromCsv(table, columns, csv);
            } finally {
              add(`copy: ${table}`, t);
              inside += performance.now() - t;
            }
          },
        };
        const value = await fn(wrapped);
        phases.set('js in transaction', (phases.get('js in transaction') ?? 0) + performance.now() - entered - inside);
        return { value, left: performance.now() };
      });
      add('commit', result.left);
      return result.value;
    },
  };
}

async function profile(db: Db, wire: readonly unknown[]): Promise<void> {
  for (let run = 0; run < RUNS; run++) {
    await db.exec('truncate dossier, dossier_superseded, dossier_rollup_minute, ingest_checkpoint, quarantine');
    const phases = new Map<string, number>();
    const writer = timed(db, phases);
    const started = performance.now();
    for (let i = 0; i < wire.length; i += BATCH) {
      const t = performance.now();
      const records: Dossier[] = wire.slice(i, i + BATCH).map((w) => DossierRecord.parse(w));
      phases.set('validate', (phases.get('validate') ?? 0) + performance.now() - t);
      await writeDossierBatch(writer, 'bench', records, { updatedSince: '2026-01-01T00:00:00Z', afterId: String(i) });
    }
    const total = performance.now() - started;
    // The reference bench:ingest divides by: COPY of the same rows, encoding included, into the emptied table.
    await db.exec('truncate dossier, dossier_superseded, dossier_rollup_minute, ingest_checkpoint, quarantine');
    const parsed = wire.map((w) => DossierRecord.parse(w));
    const copyStarted = performance.now();
    await db.copyFromCsv('dossier', ['source_system', ...DOSSIER_FIELD_NAMES], copyCsvRows(parsed, DOSSIER_FIELD_NAMES, ['bench']));
    phases.set('(reference COPY)', performance.now() - copyStarted);
    const parts = [...phases].map(([k, v]) => `${k}=${v.toFixed(0)}`).join('  ');
    log(
      `${db.kind} batch ${BATCH}, ${wire.length} rows: ${total.toFixed(0)} ms (${Math.round(wire.length / (total / 1000))} rows/s)  ${parts}`,
    );
  }
}

const catalogue = await loadCatalogue();
const simulator = await startDossierSimulator({
  catalogue,
  apiKey: 'bench-key-123',
  live: false,
  port: 0,
  logger: pino({ level: 'silent' }),
});
const latest = new Map<string, unknown>();
for (const w of simulator.records()) latest.set(w.source_id, w);
await simulator.stop();
const wire = [...latest.values()].slice(0, ROWS);

const database = await createTestDatabase('ioc_bench_phases');
const pg = await openPgDb({ connectionString: database.url, max: 2 });
try {
  await migrate(pg);
  await seedUnitsFromCatalogue(pg, catalogue);
  await profile(pg, wire);
  if (process.env.BENCH_PGLITE) {
    const lite = await openPgliteDb();
    await migrate(lite);
    await seedUnitsFromCatalogue(lite, catalogue);
    await profile(lite, wire);
    await lite.close();
  }
} finally {
  await pg.close();
  await database.drop();
}
