import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSessionInfo } from '../testing/factories';
import { useSessionStore } from './session';

/** The server, as far as the store can tell: answers by path, and records what was sent. */
function fakeServer(routes: Record<string, { status: number; body: unknown } | Error>) {
  const calls: { path: string; init: RequestInit }[] = [];
  const fetcher = (path: string, init: RequestInit = {}) => {
    calls.push({ path, init });
    const answer = routes[`${init.method ?? 'GET'} ${path}`];
    if (!answer) return Promise.resolve(new Response('{}', { status: 404 }));
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve(
      new Response(answer.body === null ? null : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  return { calls, fetcher };
}

const expired = { status: 401, body: { error: { code: 'auth.sessionExpired', message: 'Phiên đăng nhập đã kết thúc.' } } };

beforeEach(() => setActivePinia(createPinia()));

describe('session store', () => {
  it('load: a valid session makes it authenticated', async () => {
    const server = fakeServer({ 'GET /api/auth/me': { status: 200, body: makeSessionInfo() } });
    const session = useSessionStore();
    session.configure({ fetcher: server.fetcher });
    await session.load();
    expect(session.status).toBe('authenticated');
    expect(session.user?.username).toBe('lanhdao');
  });

  it('load: an ended session makes it anonymous and keeps why, for the sign-in page', async () => {
    const session = useSessionStore();
    session.configure({ fetcher: fakeServer({ 'GET /api/auth/me': expired }).fetcher });
    await session.load();
    expect(session.status).toBe('anonymous');
    expect(session.notice).toMatchObject({ code: 'auth.sessionExpired', message: 'Phiên đăng nhập đã kết thúc.' });
  });

  it('load: no session at all is anonymous without a notice', async () => {
    const session = useSessionStore();
    const body = { error: { code: 'auth.required', message: 'Bạn cần đăng nhập để tiếp tục.' } };
    session.configure({ fetcher: fakeServer({ 'GET /api/auth/me': { status: 401, body } }).fetcher });
    await session.load();
    expect(session.status).toBe('anonymous');
    expect(session.notice).toBeNull();
  });

  it('login: sends JSON in the interface language; the answer becomes the session', async () => {
    const server = fakeServer({ 'POST /api/auth/login': { status: 200, body: makeSessionInfo({ passwordChangeRequired: 'firstLogin' }) } });
    const session = useSessionStore();
    session.configure({ fetcher: server.fetcher, locale: () => 'en' });
    const result = await session.login({ username: 'lanhdao', password: 'x' });
    expect(result.ok).toBe(true);
    expect(session.passwordChangeRequired).toBe('firstLogin');
    const headers = server.calls[0]!.init.headers as Record<string, string>;
    expect(headers['accept-language']).toBe('en');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.calls[0]!.init.body as string)).toEqual({ username: 'lanhdao', password: 'x' });
  });

  it('login: a refusal comes back with the server’s code and message; a network failure as network.unreachable', async () => {
    const refused = { status: 423, body: { error: { code: 'auth.temporarilyLocked', message: 'Tài khoản tạm thời bị khóa…' } } };
    const session = useSessionStore();
    session.configure({ fetcher: fakeServer({ 'POST /api/auth/login': refused }).fetcher });
    expect(await session.login({ username: 'a', password: 'b' })).toMatchObject({
      ok: false,
      status: 423,
      error: { code: 'auth.temporarilyLocked', message: 'Tài khoản tạm thời bị khóa…' },
    });
    expect(session.status).toBe('unknown');
    session.configure({ fetcher: fakeServer({ 'POST /api/auth/login': new TypeError('Failed to fetch') }).fetcher });
    expect(await session.login({ username: 'a', password: 'b' })).toMatchObject({
      ok: false,
      status: 0,
      error: { code: 'network.unreachable' },
    });
  });

  it('writes repeat the CSRF token of the session', async () => {
    const server = fakeServer({
      'POST /api/auth/password': { status: 200, body: makeSessionInfo() },
      'POST /api/auth/logout': { status: 204, body: null },
    });
    const session = useSessionStore();
    session.configure({ fetcher: server.fetcher });
    session.hydrate(makeSessionInfo({ passwordChangeRequired: 'firstLogin' }));
    await session.changePassword({ current: 'a', new: 'b' });
    expect((server.calls[0]!.init.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-123');
    expect(session.passwordChangeRequired).toBeNull();
    await session.logout();
    expect((server.calls[1]!.init.headers as Record<string, string>)['x-csrf-token']).toBe('csrf-123');
    expect(session.status).toBe('anonymous');
  });

  it('a password change answered 401 (session gone meanwhile) forgets the session', async () => {
    const session = useSessionStore();
    session.configure({ fetcher: fakeServer({ 'POST /api/auth/password': expired }).fetcher });
    session.hydrate(makeSessionInfo());
    await session.changePassword({ current: 'a', new: 'b' });
    expect(session.status).toBe('anonymous');
    expect(session.notice?.code).toBe('auth.sessionExpired');
  });
});
