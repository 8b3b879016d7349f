import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditPage, ErrorBody } from '@ioc/core';
import { MINUTE, STRONG, TestClient, signedIn, startTestServer, type TestServer } from './auth-harness';

// Rows made by real account actions through the API, read back through GET /api/audit.
let ts: TestServer;
let admin: TestClient;
/** The fake clock when the lock happened: rows before and after it, for the time filters. */
let lockedAt: string;

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres', now: '2026-03-11T03:00:00.000Z' });
  const issued = await ts.addAccount('quantri', 'admin');
  admin = await signedIn(ts.url, 'quantri', issued.password!);
  ts.clock.advance(10 * MINUTE);
  expect((await admin.post('/api/users', { username: 'canbo', role: 'viewer' })).status).toBe(201);
  expect((await new TestClient(ts.url).login('canbo', 'sai-mat-khau')).status).toBe(401);
  ts.clock.advance(10 * MINUTE);
  lockedAt = ts.clock.now().toISOString();
  expect((await admin.post('/api/users/canbo/lock', { reason: 'nghỉ việc', requestRef: 'CV-12/2026' })).status).toBe(200);
  ts.clock.advance(10 * MINUTE);
  expect((await admin.post('/api/users/canbo/unlock', {})).status).toBe(200);
}, 120_000);
afterAll(() => ts?.close());

async function page(query: string, client = admin): Promise<AuditPage> {
  const res = await client.get(`/api/audit${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditPage.parse(res.body);
}

describe('GET /api/audit', () => {
  it('lists the rows of real actions, newest first, with who, what, on what, when and from where', async () => {
    const { entries } = await page('');
    expect(entries.map((e) => e.action).slice(0, 4)).toEqual(['account.unlocked', 'account.locked', 'auth.loginFailed', 'account.created']);
    const lock = entries[1]!;
    expect(lock).toMatchObject({ actorName: 'quantri', resourceKind: 'account', at: lockedAt });
    expect(lock.ip).toMatch(/127\.0\.0\.1/);
    expect(lock.details).toMatchObject({ reason: 'nghỉ việc', requestRef: 'CV-12/2026' });
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('filters by actor, action, resource and time, combined', async () => {
    const byActor = await page('?actor=quantri');
    expect(new Set(byActor.entries.map((e) => e.actorName))).toEqual(new Set(['quantri']));
    expect(byActor.entries.map((e) => e.action)).toContain('account.created');

    const failed = await page('?action=auth.loginFailed');
    expect(failed.entries).toHaveLength(1);
    expect(failed.entries[0]).toMatchObject({ actorName: 'canbo', details: { reason: 'wrongPassword' } });

    const canbo = failed.entries[0]!.resourceId!;
    const onCanbo = await page(`?resourceKind=account&resourceId=${canbo}`);
    expect(onCanbo.entries.map((e) => e.action)).toEqual(['account.unlocked', 'account.locked', 'auth.loginFailed', 'account.created']);

    const window = await page(
      `?resourceId=${canbo}&from=${encodeURIComponent(lockedAt)}&to=${encodeURIComponent(new Date(Date.parse(lockedAt) + MINUTE).toISOString())}`,
    );
    expect(window.entries.map((e) => e.action)).toEqual(['account.locked']);
    const since = await page(`?actor=quantri&from=${encodeURIComponent('2026-03-11T10:20:00+07:00')}`);
    expect(since.entries.map((e) => e.action)).toEqual(['account.unlocked', 'account.locked']);
  });

  it('pages with a cursor: every row once, in order, then no next page', async () => {
    const all = (await page('?limit=200')).entries.map((e) => e.id);
    expect(all.length).toBeGreaterThan(6);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: AuditPage = await page(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.entries.length).toBeLessThanOrEqual(3);
      seen.push(...p.entries.map((e) => e.id));
      cursor = p.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['from=yesterday', 'from'],
    ['cursor=abc', 'cursor'],
    ['from=2026-03-12T00:00:00Z&to=2026-03-11T00:00:00Z', 'to'],
    ['actorName=quantri', 'actorName'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const res = await admin.get(`/api/audit?${query}`);
    expect(res.status).toBe(400);
    const { error } = ErrorBody.parse(res.body);
    expect(error.code).toBe('request.invalid');
    expect(error.message).toContain(field);
  });

  it('is for province-wide admins: a leader and a commune admin get 403, nobody signed in 401', async () => {
    const lead = await ts.addAccount('lanhdao', 'leader');
    const commune = await ts.addAccount('quantrixa', 'admin', '05443');
    const leader = await signedIn(ts.url, 'lanhdao', lead.password!);
    const communeAdmin = await signedIn(ts.url, 'quantrixa', commune.password!);
    for (const client of [leader, communeAdmin]) {
      const res = await client.get('/api/audit');
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.body).error.code).toBe('auth.forbidden');
    }
    expect((await new TestClient(ts.url).get('/api/audit')).status).toBe(401);
  });

  it('does not show the hash chain or any secret', async () => {
    const { entries } = await page('?limit=200');
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/prevHash|"hash"|passwordHash|csrf/i);
    expect(text).not.toContain(STRONG);
  });
});
