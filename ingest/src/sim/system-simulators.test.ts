import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayNumberOf, documentRegistrationDueAt, loadCatalogue, loadWorkingCalendar, localDateOf, sessionsOnDay } from '@ioc/core';
import { fakeClock, getJson, silentLogger, WEDNESDAY_MORNING } from '../testing/test-support';
import { startDocumentSimulator } from './document-simulator';
import { documentWorld } from './document-world';
import { kpiFeedWorld } from './kpi-feed-world';
import type { LgspSimulator } from './lgsp-api';
import { projectWorld } from './project-world';

const catalogue = await loadCatalogue();
const calendar = await loadWorkingCalendar();
const at = (iso: string) => Date.parse(iso);
const inOfficeHours = (ms: number) => sessionsOnDay(calendar, dayNumberOf(calendar, ms)).some((s) => ms >= s.startMs && ms < s.endMs);

describe('document world', () => {
  const firstDay = dayNumberOf(calendar, at('2026-01-01T12:00:00+07:00'));
  const world = documentWorld({ catalogue, calendar, seed: 7, firstDay });
  const docs = world.entitiesUpTo(at('2026-03-31T23:59:00+07:00'));
  const perDay = new Map<string, number>();
  for (const d of docs)
    perDay.set(
      localDateOf(new Date(d.times[0]!), calendar.timeZone),
      (perDay.get(localDateOf(new Date(d.times[0]!), calendar.timeZone)) ?? 0) + 1,
    );

  it('starts every document in office hours of a working day: none at lunch, at night, on weekends or holidays', () => {
    expect(docs.length).toBeGreaterThan(100_000);
    expect(docs.filter((d) => !inOfficeHours(d.times[0]!))).toEqual([]);
    // Sunday 15/3/2026 and the Tết holiday (17/2/2026) have nothing.
    expect(perDay.get('2026-03-15')).toBeUndefined();
    expect(perDay.get('2026-02-17')).toBeUndefined();
  });

  it('gives a province of 1.7 M people about 2,600 documents a working day, more in the last days of a month', () => {
    const mid = perDay.get('2026-03-11')!;
    expect(mid).toBeGreaterThan(2000);
    expect(mid).toBeLessThan(3300);
    expect(perDay.get('2026-03-31')! / mid).toBeGreaterThan(1.2);
  });

  it('registers most incoming documents in time and completes most by their deadline', () => {
    const incoming = docs.filter((d) => d.direction === 'incoming');
    // V6's own rule: by the end of the next working day, urgent ones at once [003 Art 7.1; NĐ 30/2020 Art 4.2.c].
    const inTime = incoming.filter((d) => d.times[1]! <= documentRegistrationDueAt(calendar, new Date(d.times[0]!), d.urgency).getTime());
    expect(inTime.length / incoming.length).toBeGreaterThan(0.8);
    expect(inTime.length / incoming.length).toBeLessThan(0.97);
    const withDeadline = incoming.filter((d) => d.deadlineAt !== null && d.steps.at(-1)!.status === 'completed');
    const late = withDeadline.filter((d) => d.times.at(-1)! > d.deadlineAt!).length / withDeadline.length;
    expect(late).toBeGreaterThan(0.05);
    expect(late).toBeLessThan(0.3);
  });

  it('is a function of the seed: the same seed gives the same documents, another seed others', () => {
    const again = documentWorld({ catalogue, calendar, seed: 7, firstDay }).entitiesUpTo(at('2026-01-10T00:00:00+07:00'));
    const other = documentWorld({ catalogue, calendar, seed: 8, firstDay }).entitiesUpTo(at('2026-01-10T00:00:00+07:00'));
    const sample = (list: typeof docs) => list.slice(0, 200).map((d) => `${d.id}@${d.times.join(',')}`);
    expect(sample(again)).toEqual(sample(docs));
    expect(sample(other)).not.toEqual(sample(docs));
  });
});

describe('project world', () => {
  const projects = projectWorld({ catalogue, calendar, seed: 7 }).entitiesUpTo(0);
  const updates = projects
    .flatMap((p) => p.times)
    .filter((t) => t >= at('2025-08-01T00:00:00+07:00') && t < at('2026-08-01T00:00:00+07:00'));
  const dayOfMonth = (t: number) => Number(localDateOf(new Date(t), calendar.timeZone).slice(8, 10));

  it('updates most projects before the 10th, some late, always in office hours [000 Art 6.2]', () => {
    expect(projects.length).toBeGreaterThan(500);
    const beforeTenth = updates.filter((t) => dayOfMonth(t) < 10).length / updates.length;
    expect(beforeTenth).toBeGreaterThan(0.7);
    expect(beforeTenth).toBeLessThan(0.95);
    expect(updates.every(inOfficeHours)).toBe(true);
  });
});

describe('KPI feed world', () => {
  it('sends counter pairs, never ratios: numerator ≤ denominator, a zero denominator with a zero numerator', () => {
    const day = dayNumberOf(calendar, at(WEDNESDAY_MORNING));
    const world = kpiFeedWorld({ catalogue, calendar, seed: 7, firstDay: day });
    const samples = world.entitiesUpTo(at('2026-03-11T23:00:00+07:00'));
    expect(new Set(samples.map((s) => s.metricId))).toEqual(
      new Set(['portal.availability', 'hotline.answered', 'feedback.resolved_on_time']),
    );
    expect(samples.filter((s) => s.numerator > s.denominator || (s.denominator === 0 && s.numerator !== 0))).toEqual([]);
    expect(samples.filter((s) => s.metricId === 'portal.availability')).toHaveLength(288);
  });
});

describe('document simulator API', () => {
  let sim: LgspSimulator;
  beforeAll(async () => {
    sim = await startDocumentSimulator({
      catalogue,
      apiKey: 'secret-key',
      clock: fakeClock(WEDNESDAY_MORNING),
      backlogDays: 0,
      logger: silentLogger,
    });
  });
  afterAll(() => sim.stop());

  it('refuses a request without the API key with 401 and a JSON code', async () => {
    const res = await getJson(`${sim.url}/api/v1/documents`);
    expect(res).toEqual({ status: 401, body: expect.objectContaining({ code: 'auth.invalidApiKey' }) as unknown });
  });

  it('refuses an unknown query parameter with 400 instead of serving everything', async () => {
    const res = await getJson(`${sim.url}/api/v1/documents?since=2026-01-01`, 'secret-key');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
  });

  it('serves every record exactly once across cursor pages', async () => {
    const seen: string[] = [];
    type Cursor = { updated_since: string; after_id: string };
    let next = null as Cursor | null;
    do {
      const q: string = next ? `&updated_since=${encodeURIComponent(next.updated_since)}&after_id=${next.after_id}` : '';
      const { body } = await getJson(`${sim.url}/api/v1/documents?limit=97${q}`, 'secret-key');
      seen.push(...(body.items as { source_id: string }[]).map((i) => i.source_id));
      next = body.next as Cursor | null;
    } while (next);
    expect(seen.length).toBeGreaterThan(97);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(sim.records().map((r) => r.source_id));
  });
});
