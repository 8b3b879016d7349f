import type { SessionInfo } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { makeSessionInfo } from '../testing/factories';
import { useSessionStore } from '../auth/session';
import { installAuthGuard, safeNext } from './auth-guard';

const Page = defineComponent({ render: () => null });

function router() {
  const r = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/wall', name: 'wall', component: Page },
      { path: '/login', name: 'login', component: Page, meta: { public: true } },
      { path: '/password', name: 'password', component: Page },
      { path: '/admin', name: 'admin', component: Page },
    ],
  });
  installAuthGuard(r);
  return r;
}

async function landOn(path: string, session: SessionInfo | null): Promise<string> {
  const store = useSessionStore();
  store.hydrate(session);
  const r = router();
  await r.push(path);
  return r.currentRoute.value.fullPath;
}

beforeEach(() => setActivePinia(createPinia()));

describe('auth guard', () => {
  it.each([
    ['nobody', '/wall', null, '/login'],
    ['nobody, deep link', '/admin', null, '/login?next=/admin'],
    ['nobody, sign-in page', '/login', null, '/login'],
    ['a first login', '/wall', makeSessionInfo({ passwordChangeRequired: 'firstLogin' }), '/password'],
    ['an expired password, deep link', '/admin', makeSessionInfo({ passwordChangeRequired: 'expired' }), '/password?next=/admin'],
    ['a full session', '/wall', makeSessionInfo(), '/wall'],
    ['a full session, voluntary change', '/password', makeSessionInfo(), '/password'],
    ['a display device', '/wall', makeSessionInfo({ role: 'display', dashboard: 'wall' }, 'display'), '/wall'],
    ['a display device elsewhere', '/admin', makeSessionInfo({ role: 'display', dashboard: 'wall' }, 'display'), '/wall'],
    ['a display device, password page', '/password', makeSessionInfo({ role: 'display', dashboard: 'wall' }, 'display'), '/wall'],
  ])('%s going to %s lands on %s', async (_who, path, session, landing) => {
    expect(decodeURIComponent(await landOn(path, session))).toBe(landing);
  });

  it.each([
    ['/wall', '/wall'],
    ['/admin?x=1', '/admin?x=1'],
    ['//evil.example/x', '/wall'],
    ['/\\evil.example', '/wall'],
    ['https://evil.example', '/wall'],
    ['/login', '/wall'],
    [undefined, '/wall'],
  ])('safeNext(%s) is %s', (next, safe) => {
    expect(safeNext(next)).toBe(safe);
  });
});
