import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router';
import App from '../app.vue';
import { createAppI18n } from '../i18n';
import { routes } from '../router';
import { installAuthGuard } from '../router/auth-guard';
import { makeSessionInfo } from '../testing/factories';
import { useSessionStore } from './session';

type Answer = { status: number; body: unknown };
let wrapper: VueWrapper | undefined;

/** The app on `path` with the real pages and guard; the wall is a stub (no socket here); the API answers `answers`. */
async function mountApp(path: string, answers: Record<string, Answer[]>) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const sent: { path: string; body: unknown; headers: Record<string, string> }[] = [];
  useSessionStore().configure({
    fetcher: (url, init = {}) => {
      sent.push({ path: url, body: init.body ? JSON.parse(init.body as string) : null, headers: init.headers as Record<string, string> });
      const answer = answers[`${init.method} ${url}`]?.shift() ?? {
        status: 404,
        body: { error: { code: 'request.notFound', message: '' } },
      };
      return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
    },
  });
  const Wall = defineComponent({ render: () => null });
  const withStubWall: RouteRecordRaw[] = routes.map((r) => (r.name === 'wall' ? { ...r, component: Wall } : r)) as RouteRecordRaw[];
  const router = createRouter({ history: createMemoryHistory(), routes: withStubWall });
  installAuthGuard(router);
  await router.push(path);
  await router.isReady();
  wrapper = mount(App, { attachTo: document.body, global: { plugins: [pinia, createAppI18n('vi'), router] } });
  await flushPromises();
  return { router, sent };
}

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
async function type(id: string, value: string) {
  const input = byTestId(id) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}
async function submit(id: string) {
  byTestId(id)!.closest('form')!.dispatchEvent(new Event('submit'));
  await flushPromises();
}

const anonymous: Answer = { status: 401, body: { error: { code: 'auth.required', message: 'Bạn cần đăng nhập để tiếp tục.' } } };

beforeEach(() => localStorage.clear());
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

describe('sign-in page', () => {
  it('shows the server’s refusal and keeps the user name', async () => {
    const refused = {
      status: 401,
      body: { error: { code: 'auth.invalidCredentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' } },
    };
    const { router, sent } = await mountApp('/wall', { 'GET /api/auth/me': [anonymous], 'POST /api/auth/login': [refused] });
    expect(router.currentRoute.value.path).toBe('/login');
    await type('field-username', 'lanhdao');
    await type('field-password', 'sai');
    await submit('field-password');
    expect(byTestId('login-error')?.textContent).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(byTestId('login-error')?.getAttribute('role')).toBe('alert');
    expect((byTestId('field-username') as HTMLInputElement).value).toBe('lanhdao');
    expect((byTestId('field-password') as HTMLInputElement).value).toBe('');
    expect(sent.at(-1)).toMatchObject({ path: '/api/auth/login', body: { username: 'lanhdao', password: 'sai' } });
  });

  it('after a first login, goes to the change-password page, then to the wall', async () => {
    const first = makeSessionInfo({ passwordChangeRequired: 'firstLogin' });
    const { router, sent } = await mountApp('/wall', {
      'GET /api/auth/me': [anonymous],
      'POST /api/auth/login': [{ status: 200, body: first }],
      'POST /api/auth/password': [{ status: 200, body: makeSessionInfo() }],
    });
    await type('field-username', 'lanhdao');
    await type('field-password', 'Abc123xyz789');
    await submit('field-password');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/password'));
    await flushPromises();
    expect(document.body.textContent).toContain('Đây là lần đăng nhập đầu tiên.');
    await type('field-current-password', 'Abc123xyz789');
    await type('field-new-password', 'Đồi chè Tân Cương');
    await type('field-confirm-password', 'Đồi chè Tân Cương');
    await submit('field-new-password');
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/wall'));
    expect(sent.at(-1)).toMatchObject({
      path: '/api/auth/password',
      body: { current: 'Abc123xyz789', new: 'Đồi chè Tân Cương' },
      headers: { 'x-csrf-token': 'csrf-123' },
    });
  });

  it('says why a display link did not pair the screen', async () => {
    await mountApp('/login?reason=auth.displayTokenInvalid', { 'GET /api/auth/me': [anonymous] });
    expect(byTestId('login-notice')?.textContent).toContain('liên kết thiết bị không hợp lệ hoặc đã bị thu hồi');
  });
});

describe('change-password page', () => {
  it('does not send mismatched new passwords, and shows the server’s rule when it refuses one', async () => {
    const common = {
      status: 400,
      body: { error: { code: 'password.common', message: 'Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.' } },
    };
    const { sent } = await mountApp('/password', {
      'GET /api/auth/me': [{ status: 200, body: makeSessionInfo({ passwordChangeRequired: 'reset' }) }],
      'POST /api/auth/password': [common],
    });
    expect(document.body.textContent).toContain('vừa được quản trị viên cấp lại');
    await type('field-current-password', 'cu-12345678');
    await type('field-new-password', 'thainguyen2025');
    await type('field-confirm-password', 'thainguyen2026');
    expect(document.body.textContent).toContain('Hai lần nhập mật khẩu mới không khớp.');
    await submit('field-new-password');
    expect(sent.filter((s) => s.path === '/api/auth/password')).toHaveLength(0);
    await type('field-confirm-password', 'thainguyen2025');
    await submit('field-new-password');
    expect(byTestId('password-error')?.textContent).toBe('Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.');
    expect(byTestId('field-new-password')?.getAttribute('aria-invalid')).toBe('true');
  });
});
