import type { SilenceView } from '@ioc/core';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import App from '../app.vue';
import { useSessionStore } from '../auth/session';
import { createAppI18n } from '../i18n';
import { routes } from '../router';
import { useAlertsStore } from '../stores/alerts';
import { useCatalogueStore } from '../stores/catalogue';
import { useSilencesStore } from '../stores/silences';
import { makeCatalogue, makeSessionInfo } from '../testing/factories';
import { serverFake } from '../testing/server-fake';
import { makeAlert } from './ops-factories';
import { makeSilence as makeTestSilence } from '../testing/factories';

const hour = 3_600_000;
let wrapper: VueWrapper | undefined;

const makeSilence = (over: Partial<SilenceView> = {}) =>
  makeTestSilence({
    id: '00000000-0000-4000-8000-000000000001',
    endsAt: new Date(Date.now() + 7 * hour).toISOString(),
    reason: 'Sở Nội vụ đang chuyển đổi phần mềm một cửa',
    ...over,
  });

/**
 * Mounts the app on `address` as an operator, the live channel a stub that never answers (the alerts are hydrated
 * instead) and the API the fake given: only HTTP is stood in for, the stores are the app's own.
 */
async function mountOps(address: string, http: ReturnType<typeof serverFake>, alerts: ReturnType<typeof makeAlert>[]) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().hydrate(makeSessionInfo({ username: 'vanhanh', displayName: 'Cán bộ vận hành', role: 'operator' }));
  useCatalogueStore().hydrate(makeCatalogue());
  useSilencesStore().configure({ fetcher: http.fetcher });
  const live = useAlertsStore();
  live.connect({ open: () => ({ subscribe: () => new Promise(() => {}), close: () => {} }), retryDelayMilliseconds: 60_000 });
  live.hydrate({ alerts, incidents: [] });

  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push(address);
  await router.isReady();
  wrapper = mount(App, { attachTo: document.body, global: { plugins: [pinia, createAppI18n('vi'), router] } });
  await flushPromises();
  return wrapper;
}

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('ops page, silences', () => {
  it('shows a refused "end now" in the silences tab, even when the selected alert is the one silenced', async () => {
    const alert = makeAlert({ ruleId: 'DOS-01', agencyCode: 'SNV', dedupKey: 'DOS-01|SNV', silenced: true });
    const silence = makeSilence();
    const http = serverFake({
      'GET /api/silences': { status: 200, body: { silences: [silence] } },
      [`POST /api/silences/${silence.id}/cancel`]: {
        status: 404,
        body: { error: { code: 'silence.notFound', message: `Không tìm thấy lịch tắt thông báo ${silence.id}.` } },
      },
    });
    const page = await mountOps(`/ops?tab=silences&incident=${alert.id}`, http, [alert]);

    // The detail says the alert is silenced, so no form is there to show a refusal.
    expect(page.get('[data-testid="target-silenced"]').text()).toMatch(/^Đã tạm dừng thông báo đến /);
    expect(page.find('[data-testid="silence-form"]').exists()).toBe(false);

    await page.get('[data-testid="silence-cancel"]').trigger('click');
    await flushPromises();

    expect(http.calls.at(-1)).toMatchObject({ method: 'POST', path: `/api/silences/${silence.id}/cancel` });
    expect(http.calls.at(-1)!.headers['accept-language']).toBe('vi');
    const tab = page.get('.queue-panel');
    expect(tab.get('[role="alert"]').text()).toBe(`Không kết thúc sớm được: Không tìm thấy lịch tắt thông báo ${silence.id}.`);
    expect(tab.get('[data-testid="silence-status"]').text()).toBe('Đang hiệu lực');
    expect(page.findAll('[role="alert"]')).toHaveLength(1);
  });

  it('shows a refused silence in the form that sent it, not in the silences tab', async () => {
    const alert = makeAlert({ ruleId: 'DOS-01', agencyCode: 'SNV', dedupKey: 'DOS-01|SNV' });
    const http = serverFake({
      'GET /api/silences': { status: 200, body: { silences: [] } },
      'POST /api/silences': {
        status: 403,
        body: { error: { code: 'auth.forbidden', message: 'Bạn không có quyền thực hiện thao tác này (silence.create).' } },
      },
    });
    const page = await mountOps(`/ops?tab=silences&incident=${alert.id}`, http, [alert]);

    await page.get('[data-testid="silence-reason"]').setValue('Bảo trì máy chủ một cửa');
    await page.get('[data-testid="silence-form"]').trigger('submit');
    await flushPromises();

    expect(page.get('[data-testid="silence-error"]').text()).toBe(
      'Không thực hiện được: Bạn không có quyền thực hiện thao tác này (silence.create).',
    );
    expect(page.get('.queue-panel').find('[role="alert"]').exists()).toBe(false);
  });
});
