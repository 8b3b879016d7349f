import type { SessionInfo, SubscribeAck } from '@ioc/core';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import App from '../app.vue';
import { createAppI18n } from '../i18n';
import { LOCALE_STORAGE_KEY } from '../i18n/locale';
import { routes } from '../router';
import { useCatalogueStore } from '../stores/catalogue';
import { useWallStore, type WallConnectOptions } from '../stores/wall';
import { makeCatalogue, makePatch, makeRow, makeSessionInfo, makeSnapshot } from '../testing/factories';
import { useSessionStore } from '../auth/session';
import type { WallChannelHandlers } from '../live/socket';

const rows = [
  makeRow({ agencyCode: 'SNV', received: 1234, finishedOnTime: 13, finishedLate: 3, open: 40, overdue: 2 }),
  makeRow({ agencyCode: 'STP', received: 7, finishedOnTime: 0, finishedLate: 0, open: 5, overdue: 12 }),
  makeRow({ agencyCode: 'UBND-05443', received: 4, finishedOnTime: 1, finishedLate: 0, open: 7, overdue: 1 }),
  makeRow({ agencyCode: 'UBND-01840', received: 6, finishedOnTime: 2, finishedLate: 1, open: 9, overdue: 0 }),
];

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

/** Mounts the app on /wall with hydrated stores; the live channel is a stub that never connects (no server here). */
async function mountWall(
  options: {
    stubs?: Record<string, unknown>;
    snapshot?: ReturnType<typeof makeSnapshot> | null;
    open?: WallConnectOptions['open'];
    session?: SessionInfo;
  } = {},
) {
  pinia = createPinia();
  setActivePinia(pinia);
  if (options.session) useSessionStore().hydrate(options.session);
  const wall = useWallStore();
  wall.connect({
    open: options.open ?? (() => ({ subscribe: () => new Promise(() => {}), close: () => {} })),
    retryDelayMilliseconds: 60_000,
  });
  if (options.snapshot !== null)
    wall.hydrate(options.snapshot ?? makeSnapshot({ rows, day: provinceToday(), dataUpdatedAt: new Date().toISOString() }));
  useCatalogueStore().hydrate(makeCatalogue());

  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/');
  await router.isReady();
  wrapper = mount(App, {
    attachTo: document.body,
    // jsdom has no canvas: the ECharts component is stubbed (recipes.md §8).
    global: { plugins: [pinia, createAppI18n('vi'), router], stubs: { BarChart: true, ...options.stubs } },
  });
  await flushPromises();
  return { wrapper, wall, router };
}

function provinceToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

const text = (testid: string) => document.querySelector(`[data-testid="${testid}"]`)?.textContent?.trim();

beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('wall page', () => {
  it('redirects / to /wall and shows the province totals in the tiles, Vietnamese formatted', async () => {
    const { router } = await mountWall();
    expect(router.currentRoute.value.path).toBe('/wall');
    expect(text('tile-received')).toBe('1.251');
    expect(text('tile-finishedOnTime')).toBe('16');
    expect(text('tile-finishedLate')).toBe('4');
    expect(text('tile-open')).toBe('61');
    expect(text('tile-overdue')).toBe('15');
    expect(text('tile-onTimeRate')).toBe('80,0%'); // 16 / 20
    expect(text('province-name')).toBe('Tỉnh Thái Nguyên');
    expect(document.title).toBe('Màn hình điều hành — IOC Thái Nguyên');
  });

  it('lists departments most overdue first, with a testid per value and "no data" for a rate over 0 finished', async () => {
    await mountWall();
    const order = [...document.querySelectorAll('table.departments tbody tr')].map((tr) => tr.getAttribute('data-testid'));
    expect(order).toEqual(['row-STP', 'row-SNV']);
    expect(text('kpi-SNV-received')).toBe('1.234');
    expect(text('kpi-SNV-finishedOnTime')).toBe('13');
    expect(text('kpi-SNV-finishedLate')).toBe('3');
    expect(text('kpi-SNV-open')).toBe('40');
    expect(text('kpi-SNV-overdue')).toBe('2');
    expect(text('kpi-SNV-onTimeRate')).toBe('81,3%'); // 13/16 = 81,25 → half up
    expect(text('kpi-STP-onTimeRate')).toBe('Không có dữ liệu');
    expect(text('kpi-STP-received')).toBe('7');
    expect(document.querySelector('[data-testid="row-STP"]')?.textContent).toContain('Sở Tư pháp');
    expect(document.querySelector('[data-testid="kpi-STP-overdue"]')?.closest('.severity')?.classList).toContain('severity-critical');
    expect(text('departments-total-received')).toBe('1.241');
  });

  it('ranks communes and totals all of them', async () => {
    await mountWall();
    const ranking = [...document.querySelectorAll('.ranking tbody tr')].map((tr) => tr.getAttribute('data-testid'));
    expect(ranking).toEqual(['row-UBND-05443', 'row-UBND-01840']);
    expect(text('kpi-UBND-05443-overdue')).toBe('1');
    expect(text('communes-total-received')).toBe('10');
    expect(text('communes-total-onTimeRate')).toBe('75,0%'); // 3 / 4
  });

  it('updates the numbers when a patch arrives and highlights what changed', async () => {
    const { wall } = await mountWall();
    wall.applyPatch(
      makePatch(wall.snapshot!, [
        makeRow({ agencyCode: 'SNV', received: 1300, finishedOnTime: 13, finishedLate: 3, open: 40, overdue: 2 }),
      ]),
    );
    await flushPromises();
    expect(text('kpi-SNV-received')).toBe('1.300');
    expect(text('tile-received')).toBe('1.317');
    expect(document.querySelector('[data-testid="tile-received"]')?.className).toMatch(/changed-/);
    expect(document.querySelector('[data-testid="tile-open"]')?.className).not.toMatch(/changed-/);
  });

  it('shows "no data", not 0 %, when nothing was finished in the province today', async () => {
    const empty = [makeRow({ agencyCode: 'SNV', received: 3, finishedOnTime: 0, finishedLate: 0, open: 3, overdue: 0 })];
    await mountWall({ snapshot: makeSnapshot({ rows: empty, day: provinceToday() }) });
    expect(text('tile-onTimeRate')).toBe('Không có dữ liệu');
    expect(text('tile-received')).toBe('3');
    expect(text('tile-overdue')).toBe('0');
  });

  it('waits without inventing numbers before the first snapshot', async () => {
    await mountWall({ snapshot: null });
    expect(document.querySelector('[data-testid="tile-received"]')).toBeNull();
    expect(document.querySelector('[data-testid="wall"]')?.textContent).toContain('Đang chờ số liệu…');
    expect(text('link-state')).toBe('Đang kết nối…');
  });

  it('says why it has no figures when the server refuses the subscription', async () => {
    await mountWall({
      snapshot: null,
      open: (handlers) => {
        setTimeout(() => handlers.onConnect());
        const refusal: SubscribeAck = {
          ok: false,
          error: { code: 'dashboard.unavailable', message: 'Bảng điều khiển tạm thời không sẵn sàng.' },
        };
        return { subscribe: () => Promise.resolve(refusal), close: () => {} };
      },
    });
    await vi.waitFor(() => expect(text('link-state')).toBe('Máy chủ từ chối: Bảng điều khiển tạm thời không sẵn sàng.'));
    expect(document.querySelector('[data-testid="tile-received"]')).toBeNull();
  });

  it('goes to the sign-in page, saying why, when the server ends the session', async () => {
    let handlers: WallChannelHandlers | undefined;
    const { router } = await mountWall({
      open: (h) => {
        handlers = h;
        return { subscribe: () => new Promise(() => {}), close: () => {} };
      },
    });
    handlers!.onSessionRefused!({ code: 'auth.sessionExpired', message: 'Phiên đăng nhập đã kết thúc.' });
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'));
    await vi.waitFor(() => expect(text('login-notice')).toBe('Phiên đăng nhập đã kết thúc.'));
    expect(useSessionStore().status).toBe('anonymous');
  });

  it('shows who is signed in, and signs out', async () => {
    const calls: string[] = [];
    const { router } = await mountWall({ session: makeSessionInfo() });
    useSessionStore().configure({
      fetcher: (path, init) => {
        calls.push(`${init?.method} ${path}`);
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    expect(text('signed-in')).toContain('Lãnh đạo UBND tỉnh');
    expect(text('signed-in')).toContain('Lãnh đạo');
    document.querySelector<HTMLButtonElement>('[data-testid="sign-out"]')!.click();
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'));
    expect(calls).toEqual(['POST /api/auth/logout']);
  });

  it('shows neither a name nor sign-out on a display device', async () => {
    await mountWall({ session: makeSessionInfo({ role: 'display', dashboard: 'wall' }, 'display') });
    expect(document.querySelector('[data-testid="signed-in"]')).toBeNull();
  });

  it('switches to English, remembers it, and sets <html lang>', async () => {
    const { wrapper } = await mountWall();
    expect(document.documentElement.lang).toBe('vi');
    await wrapper.find('[data-testid="lang-switch"]').trigger('click');
    expect(wrapper.find('h1').text()).toBe('Intelligent Operations Centre');
    expect(text('kpi-STP-onTimeRate')).toBe('No data');
    expect(document.querySelector('[data-testid="row-SNV"]')?.textContent).toContain('Department of Home Affairs');
    expect(text('tile-received')).toBe('1.251'); // numbers keep the Vietnamese format in both languages
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en');
  });

  it('keeps the other panels when one fails', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const Broken = defineComponent({
      setup() {
        throw new Error('panel bug');
      },
      render: () => null,
    });
    await mountWall({ stubs: { DepartmentTable: Broken } });
    expect(document.querySelector('[data-testid="panel-failed-departments"]')).not.toBeNull();
    expect(text('tile-received')).toBe('1.251');
    expect(text('communes-total-received')).toBe('10');
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
