import type { Role, SilenceView } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useSessionStore } from '../auth/session';
import { serverFake } from '../testing/server-fake';
import { canSeeSilences, canSilence, endsAfterHours, orderSilences, silenceStatus, useSilencesStore } from './silences';
import { makeSilence as makeTestSilence } from '../testing/factories';

const NOW = Date.parse('2026-11-25T03:00:00.000Z');
const hour = 3_600_000;
const makeSilence = (over: Partial<SilenceView> = {}) => makeTestSilence(over, NOW);

beforeEach(() => {
  setActivePinia(createPinia());
  useSilencesStore().configure({ clock: () => NOW });
});

describe('silenceStatus and orderSilences', () => {
  it('tells active, upcoming, cancelled and ended apart at an instant', () => {
    expect(silenceStatus(makeSilence(), NOW)).toBe('active');
    expect(
      silenceStatus(makeSilence({ startsAt: new Date(NOW + hour).toISOString(), endsAt: new Date(NOW + 2 * hour).toISOString() }), NOW),
    ).toBe('upcoming');
    expect(silenceStatus(makeSilence({ cancelledAt: new Date(NOW - 60_000).toISOString() }), NOW)).toBe('cancelled');
    // The end is exclusive, as the engine counts it (core/src/sla/silences.ts).
    expect(silenceStatus(makeSilence({ endsAt: new Date(NOW).toISOString() }), NOW)).toBe('ended');
  });

  it('lists active ones first, ending soonest first, then upcoming by start, then cancelled ones', () => {
    const endsLate = makeSilence({ endsAt: new Date(NOW + 8 * hour).toISOString() });
    const endsSoon = makeSilence({ endsAt: new Date(NOW + 10 * 60_000).toISOString() });
    const upcoming = makeSilence({ startsAt: new Date(NOW + 2 * hour).toISOString(), endsAt: new Date(NOW + 3 * hour).toISOString() });
    const cancelled = makeSilence({ cancelledAt: new Date(NOW - 60_000).toISOString() });
    expect(orderSilences([cancelled, upcoming, endsLate, endsSoon], NOW).map((s) => s.id)).toEqual([
      endsSoon.id,
      endsLate.id,
      upcoming.id,
      cancelled.id,
    ]);
  });

  it('ends a silence N hours from now', () => {
    expect(endsAfterHours(NOW, 8)).toBe('2026-11-25T11:00:00.000Z');
  });
});

describe('canSilence and canSeeSilences', () => {
  // As server/src/policy/policy.ts GRANTS has them: `silence.create` and `silence.cancel`, and `silence.list`. A
  // Record over `Role` makes a new role fail the type check until it is placed here.
  const GRANTED: Record<Role, { silence: boolean; see: boolean }> = {
    admin: { silence: true, see: true },
    operator: { silence: true, see: true },
    leader: { silence: false, see: true },
    viewer: { silence: false, see: true },
    department: { silence: false, see: false },
    display: { silence: false, see: false },
  };

  it.each(Object.entries(GRANTED))('follows the server’s grants for %s', (role, granted) => {
    expect(canSilence(role as Role)).toBe(granted.silence);
    expect(canSeeSilences(role as Role)).toBe(granted.see);
  });

  it('grants nothing without a session', () => {
    expect(canSilence(null)).toBe(false);
    expect(canSeeSilences(undefined)).toBe(false);
  });
});

describe('silences store over HTTP', () => {
  it('loads the list, keeps the ones not over and counts the active ones', async () => {
    const active = makeSilence();
    const over = makeSilence({ startsAt: new Date(NOW - 3 * hour).toISOString(), endsAt: new Date(NOW - hour).toISOString() });
    const upcoming = makeSilence({ startsAt: new Date(NOW + hour).toISOString(), endsAt: new Date(NOW + 2 * hour).toISOString() });
    const http = serverFake({ 'GET /api/silences': { status: 200, body: { silences: [over, upcoming, active] } } });
    const store = useSilencesStore();
    store.configure({ fetcher: http.fetcher });
    await store.load();
    expect(store.current.map((s) => s.id)).toEqual([active.id, upcoming.id]);
    expect(store.activeCount).toBe(1);
    expect(store.loadError).toBeNull();
  });

  it('creates a silence with the CSRF token and shows it at once', async () => {
    const created = makeSilence({ startsAt: new Date(NOW).toISOString() });
    const http = serverFake({ 'POST /api/silences': { status: 201, body: created } });
    useSessionStore().hydrate({ csrfToken: 'csrf-1' } as never);
    const store = useSilencesStore();
    store.configure({ fetcher: http.fetcher });
    const request = { ruleIds: ['DOS-01'], agencyCodes: ['SNV'], endsAt: created.endsAt, reason: created.reason };
    expect(await store.create(request)).toEqual(created);
    expect(http.calls[0]).toMatchObject({ method: 'POST', path: '/api/silences', body: request });
    expect(http.calls[0]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(store.current.map((s) => s.id)).toEqual([created.id]);
    expect(store.pending).toBeNull();
  });

  it('keeps the server’s refusal to show, and changes nothing', async () => {
    const http = serverFake({
      'POST /api/silences': { status: 400, body: { error: { code: 'silence.invalid', message: 'Lệnh tạm dừng không hợp lệ' } } },
    });
    const store = useSilencesStore();
    store.configure({ fetcher: http.fetcher });
    expect(await store.create({ endsAt: new Date(NOW - hour).toISOString(), reason: 'x', ruleIds: ['DOS-01'] })).toBeNull();
    expect(store.createError).toEqual({ code: 'silence.invalid', message: 'Lệnh tạm dừng không hợp lệ' });
    expect(store.cancelError).toBeNull();
    expect(store.silences).toEqual([]);
  });

  it('ends a silence early: the cancelled view replaces the active one', async () => {
    const active = makeSilence();
    const cancelled = { ...active, cancelledAt: new Date(NOW).toISOString() };
    const http = serverFake({ [`POST /api/silences/${active.id}/cancel`]: { status: 200, body: cancelled } });
    const store = useSilencesStore();
    store.configure({ fetcher: http.fetcher });
    store.hydrate([active]);
    expect(await store.cancel(active.id)).toBe(true);
    expect(store.silences).toEqual([cancelled]);
    expect(store.activeCount).toBe(0);
    expect(store.dehydrate()).toEqual([cancelled]);
  });

  it('keeps a refused cancel apart from a refused create, and the silence as it was', async () => {
    const active = makeSilence();
    const http = serverFake({
      'POST /api/silences': { status: 400, body: { error: { code: 'silence.invalid', message: 'Lịch tắt thông báo không hợp lệ' } } },
      [`POST /api/silences/${active.id}/cancel`]: {
        status: 404,
        body: { error: { code: 'silence.notFound', message: `Không tìm thấy lịch tắt thông báo ${active.id}.` } },
      },
    });
    const store = useSilencesStore();
    store.configure({ fetcher: http.fetcher });
    store.hydrate([active]);
    await store.create({ endsAt: active.endsAt, reason: 'x', ruleIds: ['DOS-01'] });
    expect(await store.cancel(active.id)).toBe(false);
    expect(store.cancelError).toEqual({ code: 'silence.notFound', message: `Không tìm thấy lịch tắt thông báo ${active.id}.` });
    expect(store.createError?.code).toBe('silence.invalid');
    expect(store.silences).toEqual([active]);
    expect(store.pending).toBeNull();
  });
});
