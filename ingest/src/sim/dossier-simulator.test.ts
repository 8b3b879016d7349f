import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DossierRecord, loadCatalogue, type Catalogue, type DossierWire } from '@ioc/core';
import { startDossierSimulator, type DossierSimulator, type DossierSimulatorOptions } from './dossier-simulator';
import { fakeClock, getJson, pullAllPages, silentLogger, SUNDAY_NIGHT, waitFor, WEDNESDAY_MORNING } from '../testing/test-support';

const API_KEY = 'test-key';
let catalogue: Catalogue;
const running: DossierSimulator[] = [];

beforeAll(async () => {
  catalogue = await loadCatalogue();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function simulator(o: Partial<DossierSimulatorOptions> = {}): Promise<DossierSimulator> {
  const sim = await startDossierSimulator({
    catalogue,
    apiKey: API_KEY,
    clock: fakeClock(WEDNESDAY_MORNING),
    live: false,
    backlogDays: 1,
    logger: silentLogger,
    ...o,
  });
  running.push(sim);
  return sim;
}

const position = (item: Record<string, unknown>) => ({ at: Date.parse(String(item.source_updated_at)), id: String(item.source_id) });
const versionsOf = (records: readonly DossierWire[]) => new Map(records.map((r) => [r.source_id, r.version]));
const totalVersions = (sim: DossierSimulator) => sim.records().reduce((sum, r) => sum + r.version, 0);

describe('dossier simulator API', () => {
  it('pages through every record exactly once, in cursor order, even when dossiers change between pages', async () => {
    const sim = await simulator();
    const items = await pullAllPages(sim.url, API_KEY, 150, () => sim.step(40));

    const pairs = items.map((i) => `${String(i.source_id)}@${String(i.version)}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (let i = 1; i < items.length; i += 1) {
      const [a, b] = [position(items[i - 1]!), position(items[i]!)];
      expect(a.at < b.at || (a.at === b.at && a.id < b.id), `item ${i} sorts after item ${i - 1}`).toBe(true);
    }
    // The newest version seen of each dossier is exactly the simulator's current state: nothing skipped.
    const newestSeen = new Map<string, number>();
    for (const i of items) newestSeen.set(String(i.source_id), Math.max(newestSeen.get(String(i.source_id)) ?? 0, Number(i.version)));
    expect(newestSeen).toEqual(versionsOf(sim.records()));
  });

  it('serves the same pages twice when nothing changed', async () => {
    const sim = await simulator();
    expect(await pullAllPages(sim.url, API_KEY, 300)).toEqual(await pullAllPages(sim.url, API_KEY, 300));
  });

  it('refuses a request without the api key or with a wrong one', async () => {
    const sim = await simulator();
    for (const key of [undefined, 'wrong-key']) {
      const { status, body } = await getJson(`${sim.url}/api/v1/dossiers`, key);
      expect(status).toBe(401);
      expect(body.code).toBe('auth.invalidApiKey');
    }
  });

  it('answers 400 naming the bad query parameter', async () => {
    const sim = await simulator();
    const cases: Array<[string, RegExp]> = [
      ['limit=abc', /^limit: /],
      ['limit=1001', /^limit: /],
      ['updated_since=yesterday', /^updated_since: /],
      ['after_id=dvc-1', /^after_id: needs updated_since/],
      ['updatedSince=2026-03-11T00:00:00Z', /updatedSince/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(`${sim.url}/api/v1/dossiers?${query}`, API_KEY);
      expect(status, query).toBe(400);
      expect(body.code).toBe('request.invalid');
      expect(body.message, query).toMatch(message);
    }
  });

  it('answers /healthz with 200', async () => {
    const sim = await simulator();
    expect((await getJson(`${sim.url}/healthz`)).status).toBe(200);
  });
});

describe('dossier simulator model', () => {
  it('gives the same records for the same seed and instant, and others for another seed', async () => {
    const [a, b, c] = await Promise.all([simulator({ seed: 7 }), simulator({ seed: 7 }), simulator({ seed: 8 })]);
    expect(a.records()).toEqual(b.records());
    expect(a.step(100)).toBe(b.step(100));
    expect(a.records()).toEqual(b.records());
    expect(c.records()).not.toEqual(b.records());
  });

  it('back-fills 14 days in under 2 s with a realistic, valid, partly overdue backlog, and ~50k records at most', async () => {
    const started = performance.now();
    const sim = await simulator({ backlogDays: 14 });
    expect(performance.now() - started).toBeLessThan(2000);
    // The window, the dossiers still in progress at its start, and the floor's pool: memory stays reasonable.
    expect(sim.records().length).toBeLessThan(50_000);

    const now = new Date(WEDNESDAY_MORNING);
    const dossiers = sim.records().map((r) => DossierRecord.parse(r));
    const communes = new Set(catalogue.communes.map((c) => c.code));
    const agencies = new Set(catalogue.agencies.map((a) => a.code));
    expect(dossiers.every((d) => agencies.has(d.handling_agency_code) && communes.has(d.unit_code))).toBe(true);
    // Every department on the wall has dossiers of its own: an empty row would look like a broken feed.
    const handled = new Set(dossiers.map((d) => d.handling_agency_code));
    expect(catalogue.agencies.filter((a) => a.kind === 'department' && !handled.has(a.code)).map((a) => a.code)).toEqual([]);

    const received = dossiers.filter((d) => d.received_at);
    // 2026-03-02..06 is the one whole working week inside the back-fill.
    const week = received.filter(
      (d) => d.received_at! >= new Date('2026-03-02T00:00:00+07:00') && d.received_at! < new Date('2026-03-07T00:00:00+07:00'),
    );
    expect(week.length / 5).toBeGreaterThan(2700);
    expect(week.length / 5).toBeLessThan(3300);
    const share = (n: number, of: number) => n / of;
    expect(share(received.filter((d) => d.channel === 'online').length, received.length)).toBeCloseTo(0.6, 1);
    expect(share(received.filter((d) => d.handling_agency_code.startsWith('UBND-')).length, received.length)).toBeCloseTo(0.6, 1);
    const finished = dossiers.filter((d) => d.finished_at);
    const onTime = finished.filter((d) => d.finished_at! <= d.due_at!).length / finished.length;
    expect(onTime).toBeGreaterThan(0.88);
    expect(onTime).toBeLessThan(0.96);
    const overdueOpen = dossiers.filter((d) => !d.finished_at && d.received_at && d.status !== 'supplement_requested' && d.due_at! < now);
    expect(overdueOpen.length).toBeGreaterThan(0);
    expect(dossiers.some((d) => d.status === 'awaiting_reception')).toBe(true);
  });

  it('makes at least minChangesPerSecond changes at 02:00 on a Sunday, on its own timer', async () => {
    const clock = fakeClock(SUNDAY_NIGHT);
    const sim = await simulator({ clock, live: true, tickMilliseconds: 10, minChangesPerSecond: 5 });
    const before = totalVersions(sim);
    const since = clock.now().getTime();
    clock.advance(60_000);
    // Every change bumps one version by one (a new dossier starts at 1), so the version sum counts changes.
    await waitFor(() => totalVersions(sim) - before >= 300, '300 changes in the simulated minute', 5000);
    const changed = sim.records().filter((r) => Date.parse(String(r.source_updated_at)) > since);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((r) => Date.parse(String(r.source_updated_at)) <= since + 60_000 + 1000)).toBe(true);
  });

  it('serves about one version in 7 broken when asked, the same each time, while records() stays valid', async () => {
    const sim = await simulator({ malformedEvery: 7 });
    const served = await pullAllPages(sim.url, API_KEY, 500);
    const invalid = served.filter((i) => !DossierRecord.safeParse(i).success);
    expect(invalid.length / served.length).toBeCloseTo(1 / 7, 1);
    expect(await pullAllPages(sim.url, API_KEY, 500)).toEqual(served);
    expect(sim.records().every((r) => DossierRecord.safeParse(r).success)).toBe(true);
  });
});
